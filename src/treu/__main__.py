"""``python -m treu`` runs the command line."""

from __future__ import annotations

from treu.cli import main

main()
