"""``treu.cli.main`` registers only the module of the command asked for; ``COMMANDS``
must name, for every top-level command, the module that registers it."""

from __future__ import annotations

import json
import subprocess
import sys

from treu.cli import COMMANDS, MODULES

PROBE = """
import json
from importlib import import_module
from treu.cli.app import app

def names():
    out = {i.name or i.callback.__name__.replace("_", "-") for i in app.registered_commands}
    return out | {i.name for i in app.registered_groups}

found, seen = {}, names()
for module in %r:
    import_module("treu.cli." + module)
    new = names() - seen
    found.update(dict.fromkeys(new, module))
    seen |= new
print(json.dumps(found))
"""


def test_every_command_is_registered_by_the_module_commands_names() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE % (MODULES,)], capture_output=True,
                          text=True, check=True, timeout=120)  # fmt: skip
    found = json.loads(done.stdout)
    assert found == COMMANDS


def test_a_command_loads_its_module_alone_and_help_lists_every_command() -> None:
    probe = ("import sys\nfrom treu.cli import main\ntry:\n    main(['anonymize', '--help'])\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith('treu.cli.')))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=120)  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == str(["treu.cli.anonymize", "treu.cli.app"])
    listing = subprocess.run([sys.executable, "-m", "treu", "--help"], capture_output=True,
                             text=True, check=True, timeout=120).stdout  # fmt: skip
    for command in COMMANDS:
        assert command in listing
