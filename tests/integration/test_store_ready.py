"""``ensure_migrated``: a fresh store is migrated; a current one costs one SELECT, and
Alembic is not even imported (the start of every ``treu dsr erase``)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from treu.store import make_engine
from treu.store.migrate import current, head
from treu.store.ready import ensure_migrated, newest_revision
from treu.store.turns import in_turn


def test_the_newest_script_is_alembics_head() -> None:
    assert newest_revision() == head()  # the history is linear and its ids are ordered


def test_a_fresh_store_is_migrated_and_a_current_one_left_to_one_select(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    ensure_migrated(engine)
    assert current(engine) == head()
    engine.dispose()
    probe = (
        "import sys\n"
        "from treu.store import make_engine\n"
        "from treu.store.ready import ensure_migrated\n"
        f"ensure_migrated(make_engine({url!r}))\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=120)  # fmt: skip
    assert done.stdout.strip() == "False"


def test_a_turn_held_by_this_thread_passes_and_another_thread_waits(engine: Engine) -> None:
    """``upgrade`` takes the "migrate" turn; a command holding it already is not blocked,
    while another thread (standing for another process) waits until it is given back."""
    order: list[str] = []
    with in_turn(engine, "test-turn"):
        with in_turn(engine, "test-turn"):  # the same thread: straight through
            order.append("nested")

        def other() -> None:
            with in_turn(engine, "test-turn"):
                order.append("other")

        waiting = threading.Thread(target=other)
        waiting.start()
        waiting.join(0.5)
        order.append("released")
    waiting.join(30)
    assert order == ["nested", "released", "other"]
