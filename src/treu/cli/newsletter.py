"""``treu newsletter``: purge unconfirmed sign-ups, export confirmed subscribers.

Works on treu's own store (``TREU_DATABASE_URL``); links are signed with
``TREU_SECRET_KEY`` and point to ``TREU_BASE_URL``.
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from treu.cli.app import _write, app, out
from treu.errors import TreuError

__all__ = ["newsletter_app"]

newsletter_app = typer.Typer(help="Newsletter double opt-in in treu's store (TREU_DATABASE_URL).")
app.add_typer(newsletter_app, name="newsletter")


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@newsletter_app.command("purge")
def newsletter_purge(
    days: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Days a sign-up may stay unconfirmed (default TREU_NEWSLETTER_PENDING_DAYS).",
        ),
    ] = None,
) -> None:
    """Delete newsletter sign-ups left unconfirmed for the pending period (U3)."""
    from treu.clock import SystemClock
    from treu.consent.newsletter import purge_pending
    from treu.settings import Settings
    from treu.store import make_engine, make_sessionmaker, session_scope

    settings = Settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    pending_days = days or settings.newsletter_pending_days
    with session_scope(factory) as session:
        count = purge_pending(session, clock=SystemClock(), pending_days=pending_days)
    out.print(
        f"deleted {count} newsletter sign-up(s) unconfirmed for {pending_days} days", markup=False
    )


@newsletter_app.command("export")
def newsletter_export(
    list_id: Annotated[str, typer.Option("--list", help="The newsletter list.")] = "newsletter",
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv or json.")] = ExportFormat.csv,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE.")] = None,
    mailto: Annotated[
        str | None, typer.Option(help="A stop address for List-Unsubscribe besides the link.")
    ] = None,
) -> None:
    """Confirmed subscribers no suppression entry blocks, with unsubscribe link and headers."""
    from treu.consent.newsletter import NewsletterConfig, subscribers
    from treu.settings import Settings
    from treu.store import make_engine, make_sessionmaker, session_scope

    settings = Settings()
    secret = settings.secret_key.get_secret_value()
    if len(secret) < 32:
        raise TreuError("TREU_SECRET_KEY: set it (≥ 32 characters); it signs the unsubscribe links")
    config = NewsletterConfig(
        hash_key=secret.encode(), sender=settings.mail_from, base_url=settings.base_url,
        controller_name="",
    )  # fmt: skip
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        found = subscribers(session, list_id, config=config, mailto=mailto)
    rows = [
        {
            "email": s.email, "lang": s.lang, "confirmed_at": s.confirmed_at.isoformat(),
            "unsubscribe_url": s.unsubscribe_url,
            "list_unsubscribe": s.headers["List-Unsubscribe"],
            "list_unsubscribe_post": s.headers["List-Unsubscribe-Post"],
        }
        for s in found
    ]  # fmt: skip
    if fmt is ExportFormat.json:
        data = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(
            ["email", "lang", "confirmed_at", "unsubscribe_url", "list_unsubscribe",
             "list_unsubscribe_post"]
        )  # fmt: skip
        for row in rows:
            writer.writerow([_cell(str(v)) for v in row.values()])
        data = buffer.getvalue()
    _write(data, output, "the subscriber list")


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula starts with ``'``."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
