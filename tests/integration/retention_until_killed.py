"""Start a retention run and die in the middle of it, the way a killed process does.

    python retention_until_killed.py spec.json

The spec names the application and store databases, the dialect of the shop's map (and
``two_rules``: the map with a second rule on orders, ``only``: the rules to run), the
run id, the clock's time, the batch size and ``kill_at``: after the ``kill_at``-th batch
has committed on the application database - and before the store records it as done,
the worst moment - the process ends with ``os._exit(9)``: no cleanup, no rollback.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from retention_shop import shop_map, two_rule_map

from treu.clock import FixedClock
from treu.retention import run
from treu.store import make_engine


def main(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    app, store = make_engine(spec["app_url"]), make_engine(spec["store_url"])

    def die(applied: int, _table: str) -> None:
        if applied >= spec["kill_at"]:
            os._exit(9)

    datamap = (two_rule_map if spec.get("two_rules") else shop_map)(spec["dialect"])
    run(app, store, datamap, None, clock=FixedClock(datetime.fromisoformat(spec["now"])),
        run_id=spec["run_id"], batch_size=spec["batch_size"], on_batch=die,
        only=spec.get("only"))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1])
