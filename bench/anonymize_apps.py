"""Issue 8 (applications): what the client-address middleware, pseudonyms and field
encryption cost, each beside a baseline measured in the same round.

    .venv/bin/python bench/anonymize_apps.py              # 7 rounds, ~1 minute
    .venv/bin/python bench/anonymize_apps.py --rounds 3   # a quick run

middleware  one HTTP request through ``TruncateClient`` around a bare ASGI app (a new
            scope dict per request, as uvicorn makes one), against the bare app alone:
            the price of cutting the address, which treu's app pays on every request.
pseudonym   ``pseudonymize`` of an IPv4 address against a bare ``hmac.new(...).digest()``.
encrypt     ``encrypt_field`` for a subject that has a key, on a SQLite store, against
            one SELECT of that key row (the least it has to do): the crypto on top.
decrypt     ``decrypt_field`` of that token against reading the key row by its id.
shred       ``shred`` of one subject + commit, against deleting one row + commit.

Baseline and measured code alternate within each round, so the shared machine's noise
hits both; the table shows medians over the rounds and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import say, table
from sqlalchemy import delete, select

from treu.anonymize import Keyring, TruncateClient, decrypt_field, encrypt_field, pseudonymize
from treu.anonymize.shred import shred
from treu.store import make_engine, make_sessionmaker
from treu.store.migrate import upgrade
from treu.store.models import SubjectKey

NAME = "customers.name"


async def _bare(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _asgi_loop(app: Any, n: int) -> Callable[[], None]:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Any) -> None:
        return None

    async def many() -> None:
        for i in range(n):
            scope = {"type": "http", "method": "GET", "path": "/", "headers": [],
                     "client": (f"198.51.{i % 256}.{i % 200 + 1}", 50000 + i % 1000)}  # fmt: skip
            await app(scope, receive, send)

    return lambda: asyncio.run(many())


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n", type=int, default=2000, help="operations per round and row")
    args = parser.parse_args()
    n = args.n

    key = secrets.token_bytes(32)
    pseudo_keys = Keyring.parse(f"k1:{base64.b64encode(key).decode()}")
    master = Keyring.parse(
        f"m1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        setting="TREU_SHRED_MASTER_KEYS",
        exact_bytes=32,
    )
    addresses = [f"203.0.{i // 256 % 256}.{i % 256}" for i in range(n)]

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'treu.db'}")
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            token = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=master)
            session.commit()

        def select_row() -> None:
            with sessions() as session:
                for _ in range(n):
                    session.scalars(
                        select(SubjectKey).where(SubjectKey.subject == "customer:1")
                    ).one()
                    session.expire_all()

        key_id = token.split(":")[1]

        def get_row() -> None:
            with sessions() as session:
                for _ in range(n):
                    session.get(SubjectKey, key_id, populate_existing=True)

        def encrypt() -> None:
            with sessions() as session:
                for _ in range(n):
                    encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=master)

        def decrypt() -> None:
            with sessions() as session:
                for _ in range(n):
                    decrypt_field(session, "customer:1", token, context=NAME, keys=master)

        shred_n = max(n // 10, 10)

        def prepare(prefix: str) -> None:
            with sessions() as session:
                for i in range(shred_n):
                    encrypt_field(session, f"{prefix}:{i}", "x", context=NAME, keys=master)
                session.commit()

        def shred_all(prefix: str) -> Callable[[], None]:
            def run() -> None:
                for i in range(shred_n):
                    with sessions() as session:
                        shred(session, f"{prefix}:{i}")
                        session.commit()

            return run

        def delete_all(prefix: str) -> Callable[[], None]:
            def run() -> None:
                for i in range(shred_n):
                    with sessions() as session:
                        session.execute(
                            delete(SubjectKey).where(SubjectKey.subject == f"{prefix}:{i}")
                        )
                        session.commit()

            return run

        rows: dict[str, tuple[list[float], list[float], int]] = {
            name: ([], [], count)
            for name, count in (
                ("middleware", n),
                ("pseudonym", n),
                ("encrypt", n),
                ("decrypt", n),
                ("shred", shred_n),
            )
        }
        for round_no in range(args.rounds):
            pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
                "middleware": (_asgi_loop(_bare, n), _asgi_loop(TruncateClient(_bare), n)),
                "pseudonym": (
                    lambda: [hmac.new(key, a.encode(), hashlib.sha256).digest() for a in addresses],
                    lambda: [pseudonymize(a, pseudo_keys) for a in addresses],
                ),
                "encrypt": (select_row, encrypt),
                "decrypt": (get_row, decrypt),
            }
            for name, (base, measured) in pairs.items():
                rows[name][0].append(_time(base))
                rows[name][1].append(_time(measured))
            prepare(f"d{round_no}")
            prepare(f"s{round_no}")
            rows["shred"][0].append(_time(delete_all(f"d{round_no}")))
            rows["shred"][1].append(_time(shred_all(f"s{round_no}")))
        engine.dispose()

    lines = []
    for name, (base, measured, count) in rows.items():
        b, m = statistics.median(base) / count, statistics.median(measured) / count
        lines.append([name, f"{b * 1e6:.1f}", f"{m * 1e6:.1f}", f"{m / b:.2f}",
                      f"{(m - b) * 1e6:+.1f}"])  # fmt: skip
    say(f"{args.rounds} rounds, {n} operations each (shred: {max(n // 10, 10)}); medians")
    say(table(["row", "baseline µs/op", "treu µs/op", "ratio", "added µs/op"], lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
