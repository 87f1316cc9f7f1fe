"""The ``treu`` command line: thin commands over the domain packages.

Typer turns every parameter of every registered command into a click parameter (through
pydantic) before it runs one, so ``main`` registers only the module that holds the
command asked for: ``treu anonymize log`` does not build ``treu dsr`` and the rest.
``app`` (for ``--help``, the docs test, anything that lists the commands) is the whole
tree; a test keeps ``COMMANDS`` in step with what each module registers.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

from treu._lazy import keep_names

__all__ = ["COMMANDS", "MODULES", "app", "main"]

MODULES = (
    "anonymize",
    "consent_ledger",
    "datamap",
    "newsletter",
    "retention",
    "service",
    "notice_import",
    "worker",
)
"""Every module that registers commands on ``treu.cli.app.app``, in import order."""

COMMANDS = {
    "anonymize": "anonymize",
    "consent": "consent_ledger",
    "datamap": "datamap",
    "dsr": "datamap",
    "newsletter": "newsletter",
    "retention": "retention",
    "db": "service",
    "user": "service",
    "requests": "service",
    "serve": "service",
    "demo-db": "service",
    "demo": "service",
    "import": "notice_import",
    "worker": "worker",
}
"""Top-level command -> the module that registers it (commands of ``app.py`` need none)."""


def _register(modules: tuple[str, ...] | list[str]) -> Any:
    for module in modules:
        import_module(f"treu.cli.{module}")
    return import_module("treu.cli.app").app


def main(argv: list[str] | None = None) -> Any:
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    home = COMMANDS.get(first) if first is not None else None
    cli = import_module("treu.cli.app")  # the module: ``treu.cli.app`` the name is the tree
    if home is not None:
        _register([home])
    elif first is None or first not in _own_commands():
        _register(MODULES)  # --help, a mistyped command: the whole tree
    return cli.main(argv)


def _own_commands() -> set[str]:
    app = import_module("treu.cli.app").app
    names = {
        info.name or (info.callback.__name__ if info.callback else "")
        for info in app.registered_commands
    }
    names |= {info.name or "" for info in app.registered_groups}
    return {name.replace("_", "-") for name in names}


def __getattr__(name: str) -> Any:
    if name == "app":
        return _register(MODULES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


keep_names(__name__, ["app"])  # ``treu.cli.app`` the name is the whole command tree
