"""Commands that run treu as a service: database, staff users, serve, and the demo.

Settings come from the environment (``TREU_*``) once, here at the edge.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from treu.cli.app import app, err, out
from treu.clock import SystemClock
from treu.errors import TreuError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from treu.notice.render import Format as NoticeFormatName
    from treu.settings import Settings

__all__ = ["db_app", "requests_app", "user_app"]

db_app = typer.Typer(help="treu's own database (TREU_DATABASE_URL; SQLite file by default).")
user_app = typer.Typer(help="Staff users of the console and the admin API.")
requests_app = typer.Typer(help="Data-subject requests kept by treu.")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(requests_app, name="requests")


def _settings(**overrides: object) -> Settings:
    from treu.settings import Settings

    return Settings(**overrides)  # type: ignore[arg-type]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate treu's tables to the current schema."""
    from treu.store import make_engine
    from treu.store.migrate import current, head, upgrade

    engine = make_engine(_settings().database_url)
    before = current(engine)
    upgrade(engine)
    out.print(f"database at revision {head()} (was {before or 'empty'})", markup=False)


@db_app.command("check")
def db_check() -> None:
    """Compare the database with treu's models; exit 1 on any difference."""
    from treu.store import make_engine
    from treu.store.migrate import check

    differences = check(make_engine(_settings().database_url))
    for line in differences:
        out.print(line, markup=False)
    if differences:
        raise typer.Exit(1)
    out.print("database schema matches treu's models", markup=False)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The staff member's e-mail address (login).")],
    role: Annotated[str, typer.Option(help="admin, dpo or viewer.")] = "admin",
    generate: Annotated[
        bool, typer.Option("--generate", help="Generate a password and print it once.")
    ] = False,
) -> None:
    """Create a staff user (the first one is usually an admin)."""
    from treu.store import make_engine, make_sessionmaker, session_scope
    from treu.users import create_user

    password = secrets.token_urlsafe(18) if generate else os.environ.get("TREU_NEW_PASSWORD")
    if password is None:
        password = typer.prompt(
            "password (at least 12 characters)", hide_input=True, confirmation_prompt=True
        )
    settings = _settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        user = create_user(session, email=email, password=password, role=role, clock=SystemClock())
        user_id = user.id
    out.print(f"user {user_id} created with role {role}", markup=False)
    if generate:
        out.print(f"password: {password}", markup=False)


@requests_app.command("purge")
def requests_purge() -> None:
    """Delete closed requests whose retention has ended (default 3 years from year end)."""
    from treu.requests import closing_purge
    from treu.store import make_engine, make_sessionmaker, session_scope

    settings = _settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    with session_scope(factory) as session:
        count = closing_purge(session, clock=SystemClock(), years=settings.request_retention_years)
    out.print(f"deleted {count} closed request(s) past their retention", markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    policy: Annotated[
        Path | None, typer.Option(help="policy.yaml to serve (default: TREU_POLICY).")
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Behind a reverse proxy: its addresses (comma-separated), whose "
            "X-Forwarded-For then names the client for rate limits.",
        ),
    ] = None,
) -> None:
    """Run the privacy centre and the admin API (uvicorn)."""
    import uvicorn

    from treu.policy.loader import load_policy
    from treu.store import make_engine
    from treu.store.migrate import current, head
    from treu.web import create_app

    overrides: dict[str, object] = {"policy": policy} if policy is not None else {}
    settings = _settings(**overrides)
    if not settings.policy.exists():
        raise TreuError(f"{settings.policy}: no such policy; pass --policy or set TREU_POLICY")
    engine = make_engine(settings.database_url)
    if current(engine) != head():
        raise TreuError("treu's database is not at the current schema; run: treu db upgrade")
    application = create_app(
        settings, engine=engine, policy=load_policy(settings.policy), run_jobs=True
    )
    out.print(
        f"treu serves {settings.policy} at http://{host}:{port}/ (admin API: /docs)", markup=False
    )
    # Without a trusted proxy the peer address is the client; with one, its forwarded header
    # is, so rate limits count visitors and not the proxy (which would be one "network").
    uvicorn.run(
        application, host=host, port=port, log_level="warning",
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
    )  # fmt: skip


@app.command("demo-db")
def demo_db(
    db: Annotated[str, typer.Option("--db", help="SQLAlchemy URL of the database to fill.")],
    archetype: Annotated[
        str, typer.Option(help="consultation (video consultation) or association (finance).")
    ] = "consultation",
    subjects: Annotated[
        int, typer.Option(help="How many data subjects (customers/members).")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 1,
) -> None:
    """Create a realistic demo schema and data (Faker de_DE) for data-map and benchmark work."""
    from treu.demodata import ARCHETYPES, ArchetypeName, create_demo_database

    if archetype not in ARCHETYPES:
        raise TreuError(f"--archetype {archetype}: use one of {', '.join(ARCHETYPES)}")
    if subjects < 1:
        raise TreuError("--subjects must be at least 1")

    def progress(done: int, total: int) -> None:
        err.print(f"\r{done:,}/{total:,} rows", end="", markup=False)

    stats = create_demo_database(
        db,
        archetype=cast("ArchetypeName", archetype),  # checked against ARCHETYPES above
        subjects=subjects,
        seed=seed,
        progress=progress,
    )
    err.print("", markup=False)
    for table, rows in stats.rows.items():
        out.print(f"{table:28} {rows:>12,}", markup=False)
    out.print(
        f"{stats.total_rows:,} rows in {len(stats.rows)} tables "
        f"({stats.rows_per_second:,.0f} rows/s)",
        markup=False,
    )


@app.command()
def demo(
    examples: Annotated[Path, typer.Option(help="Folder with one sub-folder per example.")] = Path(
        "examples"
    ),
    output: Annotated[Path, typer.Option("--out", help="Where to write.")] = Path("out"),
    serve_example: Annotated[
        str, typer.Option("--serve", help="Example whose privacy centre to serve.")
    ] = "sprechstunde",
    port: Annotated[int, typer.Option(help="Port for the demo server.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Render and seed only; do not start the server.")
    ] = False,
) -> None:
    """Render every example (notices, records), seed a demo database and serve one example."""
    policies = sorted(examples.glob("*/policy.yaml"))
    if not policies:
        raise TreuError(f"{examples}: no */policy.yaml found")
    for policy_file in policies:
        _render_example(policy_file, output / policy_file.parent.name)
    out.print(f"\nOpen {output.resolve()}/<example>/notice.de.html in a browser.", markup=False)
    chosen = examples / serve_example / "policy.yaml"
    if not chosen.exists():
        raise TreuError(f"--serve {serve_example}: no {chosen}")
    settings, application, admin_email, password = _seed_demo(chosen, output, port)
    if no_serve:
        return
    import uvicorn

    out.print(
        f"\nprivacy centre: {settings.base_url}/   staff console: {settings.base_url}/admin   API: {settings.base_url}/docs\n"
        f"admin login:    {admin_email} / {password}\n"
        f"e-mails go to:  {settings.outbox_dir.resolve()}/ (dev outbox)\nstop with Ctrl+C",
        markup=False,
    )
    uvicorn.run(application, host="127.0.0.1", port=port, log_level="warning")


def _render_example(policy_file: Path, target: Path) -> None:
    from treu.notice.lint import lint_path
    from treu.notice.record import (
        build_processor_record,
        build_record,
        record_to_markdown,
        record_to_xlsx,
    )
    from treu.notice.render import render_notice
    from treu.policy.loader import load_policy

    loaded = load_policy(policy_file)
    target.mkdir(parents=True, exist_ok=True)
    for language in loaded.policy.notice.languages:
        formats: tuple[NoticeFormatName, ...] = ("html", "md", "pdf")
        for fmt in formats:
            data = render_notice(loaded, language, fmt)
            path = target / f"notice.{language}.{fmt}"
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        records = {"record": build_record(loaded, language)}
        on_behalf = build_processor_record(loaded, language)
        if on_behalf is not None:
            records["record-processor"] = on_behalf
        for stem, rec in records.items():
            (target / f"{stem}.{language}.xlsx").write_bytes(record_to_xlsx(rec))
            (target / f"{stem}.{language}.md").write_text(record_to_markdown(rec), "utf-8")
    findings = [f for f in lint_path(policy_file) if f.severity == "error"]
    verdict = "lint clean" if not findings else f"{len(findings)} lint error(s)"
    out.print(
        f"{policy_file.parent.name:14} {loaded.policy.controller.name[:44]:44} → {target}/ "
        f"({verdict})",
        markup=False,
    )


def _seed_demo(policy_file: Path, output: Path, port: int) -> tuple[Settings, FastAPI, str, str]:
    """A fresh SQLite demo store with an admin and a few requests in different states."""
    from treu.policy.loader import load_policy
    from treu.requests import extend, start, submit, verify
    from treu.settings import Settings
    from treu.store import make_engine, make_sessionmaker, session_scope
    from treu.store.migrate import upgrade
    from treu.users import create_user
    from treu.web import create_app

    output.mkdir(parents=True, exist_ok=True)
    database = output / "demo.db"
    for stale in (database, output / "demo.db-wal", output / "demo.db-shm"):
        stale.unlink(missing_ok=True)
    app_url, datamap_file, people = _seed_app_database(output)
    settings = Settings(
        app_database_url=app_url,
        datamap=datamap_file,
        database_url=f"sqlite:///{database}",
        policy=policy_file,
        secret_key=secrets.token_urlsafe(32),
        base_url=f"http://127.0.0.1:{port}",
        outbox_dir=output / "outbox",
        mail_from="datenschutz@demo.example",
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    application = create_app(
        settings, engine=engine, policy=load_policy(policy_file), run_jobs=True
    )
    services = application.state.treu
    clock, mailer, ctx = SystemClock(), services.mailer, services.mail_ctx
    admin_email, password = "admin@demo.example", secrets.token_urlsafe(12)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        create_user(session, email=admin_email, password=password, role="admin", clock=clock)
        for (kind, lang, steps), email in zip(
            (("access", "de", 2), ("erasure", "de", 1), ("portability", "en", 3)),
            people,
            strict=True,
        ):
            submitted = submit(
                session, kind=kind, email=email, lang=lang, message=None, channel="web",
                clock=clock, mailer=mailer, mail_ctx=ctx,
            )  # fmt: skip
            if steps >= 1:
                verify(session, token=submitted.verification_token, clock=clock)
            if steps >= 2:
                start(session, submitted.request.id, actor="system:demo", clock=clock)
            if steps >= 3:
                extend(
                    session, submitted.request.id, months=1, actor="system:demo", clock=clock,
                    reason="Demo: several systems must be searched by hand.",
                    mailer=mailer, mail_ctx=ctx,
                )  # fmt: skip
    out.print(
        f"demo database {database} seeded: 1 admin, 3 requests (e-mails in {settings.outbox_dir}/)\n"
        f"organisation's database {app_url} with its data map {datamap_file}: "
        "verified requests can be executed from the console",
        markup=False,
    )
    return settings, application, admin_email, password


_DEMO_GUARD = {
    "name": "open-appointment",
    "sql": "SELECT 1 FROM appointments WHERE customer_id = :subject_id "
    "AND status = 'scheduled' AND starts_at > CURRENT_TIMESTAMP",
    "message": {
        "de": "Die Person hat noch einen offenen Termin; bitte erst absagen, dann löschen.",
        "en": "The person still has an open appointment; cancel it before erasing.",
    },
}


def _seed_app_database(output: Path) -> tuple[str, Path, list[str]]:
    """The organisation's own database (the consultation archetype), its scanned data map
    with the edits a DPO makes, and three customers who have sent requests."""
    from sqlalchemy import text

    from treu.datamap import Guard, dump, scan
    from treu.demodata import create_demo_database
    from treu.store import make_engine

    app_db = output / "app.db"
    for stale in (app_db, output / "app.db-wal", output / "app.db-shm"):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{app_db}"
    create_demo_database(url, archetype="consultation", subjects=200)
    engine = make_engine(url)
    try:
        datamap = scan(engine, clock=SystemClock())
        datamap.guards.append(Guard.model_validate(_DEMO_GUARD))
        customers, invoices = (
            datamap.tables["customers"].erasure,
            datamap.tables["invoices"].erasure,
        )
        if customers is not None and invoices is not None:
            customers.restriction_column = "deleted_at"  # the app's soft delete hides them
            customers.keep_columns = ["customer_number"]
            invoices.keep_columns = ["billing_name", "billing_street", "billing_postcode",
                                     "billing_city"]  # fmt: skip
        with engine.connect() as conn:
            people = list(conn.execute(text(
                "SELECT c.email FROM customers c WHERE (SELECT COUNT(*) FROM customers o "
                "WHERE o.email = c.email) = 1 AND NOT EXISTS (SELECT 1 FROM appointments a "
                "WHERE a.customer_id = c.id AND a.status = 'scheduled') ORDER BY c.id LIMIT 3"
            )).scalars())  # fmt: skip
    finally:
        engine.dispose()
    datamap_file = output / "datamap.yaml"
    datamap_file.write_text(dump(datamap), encoding="utf-8")
    return url, datamap_file, people
