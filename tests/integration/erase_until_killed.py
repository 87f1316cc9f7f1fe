"""Start an erasure and die in the middle of it, the way a killed process does.

    python erase_until_killed.py spec.json

The spec names the application and store databases, the data map file, the person's
e-mail address, the run id, the hash key, the clock's time and ``kill_at``: after
batch ``kill_at`` has committed on the application database - and before the store
records it as done, the worst moment - the process ends with ``os._exit(9)``: no
cleanup, no rollback, no finally.  Exit code 0 would mean it never got there.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from treu.clock import FixedClock
from treu.datamap import erase, load, plan
from treu.store import make_engine


def main(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    app, store = make_engine(spec["app_url"]), make_engine(spec["store_url"])
    datamap = load(spec["datamap"])
    found = plan(app, datamap, identity="email", value=spec["email"])

    def die(batch_no: int, _table: str) -> None:
        if batch_no >= spec["kill_at"]:
            os._exit(9)

    erase(
        app,
        store,
        datamap,
        found,
        hash_key=bytes.fromhex(spec["hash_key"]),
        clock=FixedClock(datetime.fromisoformat(spec["now"])),
        run_id=spec["run_id"],
        batch_size=1,
        on_batch=die,
    )


if __name__ == "__main__":
    main(sys.argv[1])
