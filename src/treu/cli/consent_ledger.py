"""``treu consent``: check the consent ledger and prove one subject's consent.

Works on treu's own store (``TREU_DATABASE_URL``); the proof is signed with the key
derived from ``TREU_SECRET_KEY``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from treu.cli.app import Lang, _write, app, out
from treu.errors import TreuError

__all__ = ["consent_app"]

consent_app = typer.Typer(help="The consent ledger in treu's store (TREU_DATABASE_URL).")
app.add_typer(consent_app, name="consent")


class ProofFormat(StrEnum):
    html = "html"
    json = "json"


@consent_app.command("verify")
def consent_verify(
    seal_first: Annotated[
        bool, typer.Option("--seal/--no-seal", help="Link pending records into the chain first.")
    ] = True,
) -> None:
    """Walk the hash chain of all consent records; exit 1 naming the first broken record."""
    from treu.consent import seal, verify
    from treu.settings import Settings
    from treu.store import make_engine, make_sessionmaker, session_scope

    factory = make_sessionmaker(make_engine(Settings().database_url))
    with session_scope(factory) as session:
        sealed = seal(session) if seal_first else 0
    with session_scope(factory) as session:
        report = verify(session)
    if not report.intact:
        where = f"record {report.first_broken}" if report.first_broken is not None else "its end"
        raise TreuError(
            f"consent ledger: the hash chain is broken at {where} after {report.records} intact "
            f"record(s){'; ' + report.problem if report.problem else ''}"
        )
    out.print(
        f"consent ledger intact: {report.records} record(s) in the chain"
        + (f", {sealed} sealed now" if sealed else "")
        + (f", {report.unsealed} not yet sealed" if report.unsealed else ""),
        markup=False,
    )


@consent_app.command("proof")
def consent_proof(
    subject: Annotated[str, typer.Argument(help="The subject: consent id, user:<id>, ...")],
    fmt: Annotated[ProofFormat, typer.Option("--format", "-f", help="html or json.")] = (
        ProofFormat.html
    ),
    lang: Annotated[Lang, typer.Option("--lang", "-l", help="Language of the HTML.")] = Lang.de,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    controller: Annotated[
        str | None, typer.Option(help="The controller's name printed on the proof.")
    ] = None,
) -> None:
    """The subject's full consent history and current state, signed (Ed25519)."""
    from treu.clock import SystemClock
    from treu.consent import build_proof, signing_key
    from treu.settings import Settings
    from treu.store import make_engine, make_sessionmaker, session_scope

    settings = Settings()
    secret = settings.secret_key.get_secret_value()
    if len(secret) < 32:
        raise TreuError("TREU_SECRET_KEY: set it (≥ 32 characters); it keys the proof signature")
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        proof = build_proof(
            session, subject, signing_key=signing_key(secret), clock=SystemClock(),
            controller=controller,
        )  # fmt: skip
    data = proof.html(lang.value) if fmt is ProofFormat.html else proof.json() + "\n"
    _write(data, output, "proof")


@consent_app.command("check-proof")
def consent_check_proof(
    file: Annotated[Path, typer.Argument(help="A proof as JSON (treu consent proof -f json).")],
    public_key: Annotated[
        str | None, typer.Option(help="Pin the signer's public key (base64) instead of the file's.")
    ] = None,
) -> None:
    """Check a proof's signature: exit 1 when anything in it was changed after signing."""
    from treu.consent import verify_proof

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TreuError(f"{file}: not a readable JSON proof ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not verify_proof(data, public_key):
        raise TreuError(f"{file}: the signature does not match; the proof was changed or forged")
    out.print(f"{file}: signature valid (Ed25519, key {data['public_key'][:12]}…)", markup=False)
