"""The ``treu`` command line: thin commands over the domain packages."""

from __future__ import annotations

from treu.cli import anonymize, consent_ledger, datamap, newsletter, retention, service  # noqa: F401  (register)
from treu.cli import notice_import as _notice_import  # noqa: F401  (register)
from treu.cli import worker as _worker  # noqa: F401  (register)
from treu.cli.app import app, main

__all__ = ["app", "main"]
