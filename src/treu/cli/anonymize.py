"""``treu anonymize log``: IP addresses in log files masked, streaming (LEGAL.md A2).

The sub-app is ``anonymize_app``; further anonymisation commands register on it.
This command imports nothing but the standard library and ``treu.anonymize``: it often
runs as a web server's log pipe, where start-up time and memory count.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from treu.cli.app import app, err
from treu.errors import InputError, TreuError

if TYPE_CHECKING:
    from treu.anonymize.log import MaskerConfig, Summary

__all__ = ["anonymize_app"]

anonymize_app = typer.Typer(
    help="Anonymise what a service records: IP addresses in logs.", no_args_is_help=True
)
app.add_typer(anonymize_app, name="anonymize")


def _config(
    ipv4mask: int | None,
    ipv6mask: int | None,
    presets: list[str],
    columns: list[int],
    delimiter: str | None,
    regex: str | None,
    json_field: str | None,
) -> MaskerConfig:
    from treu.anonymize import IPV4_BITS, IPV6_BITS, PRESETS
    from treu.anonymize.log import MaskerConfig

    unknown = [name for name in presets if name not in PRESETS]
    if unknown:
        raise TreuError(
            f"--preset {unknown[0]}: unknown preset; known: {', '.join(PRESETS)} "
            f"(unbekannte Voreinstellung)"
        )
    v4 = [p for p in presets if PRESETS[p].version == 4]
    v6 = [p for p in presets if PRESETS[p].version == 6]
    if len(v4) > 1 or len(v6) > 1 or (v4 and ipv4mask is not None) or (v6 and ipv6mask is not None):
        raise TreuError(
            "give one IPv4 and one IPv6 choice: either --ipv4mask/--ipv6mask or a preset per "
            "address family (je Adressfamilie nur eine Angabe)"
        )
    bits4 = PRESETS[v4[0]].bits if v4 else (ipv4mask if ipv4mask is not None else IPV4_BITS)
    bits6 = PRESETS[v6[0]].bits if v6 else (ipv6mask if ipv6mask is not None else IPV6_BITS)
    modes = [
        m for m in ("column", "regex", "json") if _given(m, columns, delimiter, regex, json_field)
    ]
    if len(modes) > 1:
        raise TreuError(
            "--column/--delimiter, --regex and --json-field exclude each other; choose one "
            "(nur eine Art, die Adresse zu finden)"
        )
    pattern: bytes | None = None
    if regex is not None:
        import re

        try:
            re.compile(regex.encode())
        except re.error as exc:
            raise TreuError(f"--regex: not a regular expression ({exc})") from None
        pattern = regex.encode()
    return MaskerConfig(
        ipv4_bits=bits4,
        ipv6_bits=bits6,
        columns=tuple(columns) or (1,),
        delimiter=(delimiter if delimiter is not None else " ").encode(),
        regex=pattern,
        json_field=json_field,
    )


def _given(
    mode: str, columns: list[int], delimiter: str | None, regex: str | None, json_field: str | None
) -> bool:
    if mode == "column":
        return bool(columns) or delimiter is not None
    return (regex if mode == "regex" else json_field) is not None


def _summary_line(summary: Summary) -> str | None:
    parts = []
    if summary.without_address:
        parts.append(
            f"{summary.without_address:,} von {summary.lines:,} Zeilen ohne IP-Adresse, "
            f"unverändert / {summary.without_address:,} of {summary.lines:,} lines without an "
            "IP address, left unchanged"
        )
    if summary.long_lines:
        parts.append(
            f"{summary.long_lines:,} überlange Zeilen nur im ersten MiB maskiert / "
            f"{summary.long_lines:,} overlong lines masked in their first MiB only"
        )
    return "; ".join(parts) or None


@anonymize_app.command("log")
def anonymize_log(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Log files to read (default: stdin; '-' is stdin).",
            metavar="[INPUT ...]",
            show_default=False,
        ),
    ] = None,
    ipv4mask: Annotated[
        int | None,
        typer.Option(
            "--ipv4mask", "-4", min=1, max=32, help="IPv4 bits to zero, as anonip (default 12)."
        ),
    ] = None,
    ipv6mask: Annotated[
        int | None,
        typer.Option(
            "--ipv6mask", "-6", min=1, max=128, help="IPv6 bits to zero, as anonip (default 84)."
        ),
    ] = None,
    preset: Annotated[
        list[str] | None,
        typer.Option(
            "--preset",
            "-p",
            help="v4-1-octet, v4-2-octets, v4-3-octets, v6-64, v6-48 or v6-32; one per family.",
        ),
    ] = None,
    column: Annotated[
        list[int] | None,
        typer.Option(
            "--column", "-c", min=1, help="Field holding the address (1-based; default 1)."
        ),
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", "-l", help="Field separator (default: a space).")
    ] = None,
    regex: Annotated[
        str | None,
        typer.Option(
            "--regex", help="Mask addresses in what this pattern (or its groups) matches."
        ),
    ] = None,
    json_field: Annotated[
        str | None,
        typer.Option("--json-field", help="JSON-lines logs: mask the string value of this key."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Append to this file instead of writing to stdout."),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Processes that mask (order is kept).")
    ] = 1,
) -> None:
    """Mask the IP addresses in log lines: read INPUT files or stdin, write stdout or -o."""
    from treu.anonymize.log import Summary, anonymize_stream

    config = _config(ipv4mask, ipv6mask, preset or [], column or [], delimiter, regex, json_field)
    sources = inputs or [Path("-")]
    for source in sources:
        if str(source) != "-" and not source.is_file():
            raise InputError(f"{source}: no such file (Datei nicht gefunden)")
    if output is not None and any(
        str(s) != "-" and output.exists() and output.resolve() == s.resolve() for s in sources
    ):
        raise TreuError(f"{output}: that is an input file; choose another -o file")
    total = Summary()
    try:
        target: BinaryIO = output.open("ab") if output is not None else sys.stdout.buffer
    except OSError as exc:
        raise TreuError(f"{output}: cannot write it ({exc.strerror or exc})") from None
    try:
        for source in sources:
            if str(source) == "-":
                total.add(anonymize_stream(sys.stdin.buffer, target, config, jobs=jobs))
                continue
            with source.open("rb") as handle:
                total.add(anonymize_stream(handle, target, config, jobs=jobs))
    except BrokenPipeError:  # the reader went away (| head): nothing left to do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    except OSError as exc:
        raise TreuError(f"cannot read or write the log ({exc.strerror or exc})") from None
    finally:
        if output is not None:
            target.close()
    line = _summary_line(total)
    if line:
        err.print(f"treu anonymize log: {line}", markup=False)


@anonymize_app.command("shred")
def anonymize_shred(
    subject: Annotated[
        str,
        typer.Option(
            "--subject", help="The application's id of the person whose data key to destroy."
        ),
    ],
) -> None:
    """Destroy a subject's data key (crypto-shredding, A6): every copy of the fields
    encrypted with it, backups included, can no longer be read."""
    from treu.anonymize.shred import shred
    from treu.cli.app import out
    from treu.settings import Settings
    from treu.store import make_engine, make_sessionmaker, session_scope

    engine = make_engine(Settings().database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            done = shred(session, subject)
    finally:
        engine.dispose()
    if done is None:
        out.print(
            "no data key for this subject: nothing was encrypted for it, or it was shredded "
            "before (kein Schlüssel für diese Person vorhanden)",
            markup=False,
        )
        return
    out.print(
        f"data key {done.key_id} destroyed at {done.shredded_at:%Y-%m-%d %H:%M:%S} UTC "
        f"(Schlüssel vernichtet); rotate TREU_SHRED_MASTER_KEYS before backups of treu's "
        "store count as erased, see docs/anonymize-apps.md",
        markup=False,
    )


@anonymize_app.command("rewrap")
def anonymize_rewrap() -> None:
    """Wrap every live data key under the first key of TREU_SHRED_MASTER_KEYS, so the
    older master keys can be removed (master key rotation)."""
    from treu.anonymize.shred import master_keyring_from_settings, rewrap
    from treu.cli.app import out
    from treu.settings import Settings
    from treu.store import make_engine, make_sessionmaker, session_scope

    settings = Settings()
    keys = master_keyring_from_settings(settings)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            count = rewrap(session, keys=keys)
    finally:
        engine.dispose()
    out.print(
        f"{count} data key(s) now wrapped under master key {keys.current_id} "
        f"({count} Schlüssel neu verpackt); the others may now be removed",
        markup=False,
    )
