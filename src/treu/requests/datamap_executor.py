"""Executing requests through the data map, against the organisation's own database.

    executor = DatamapExecutor(app_engine=..., store_engine=..., datamap=load("datamap.yaml"),
                               policy=loaded_policy, hash_key=..., clock=SystemClock())

Every kind starts from the same plan (``treu.datamap.plan``, found by the request's
e-mail address) and does what its article asks:

    access        the Art. 15 copy as a ZIP (data, context, de/en summary, manifest)
    portability   the Art. 20 export: only what the person provided
    erasure       the plan executed in batches, held rows restricted (Art. 17, 18);
                  the run is named after the request, so a repeat resumes it
    rectification the corrections staff entered, on the person's rows (Art. 16)
    restriction   the person's rows marked restricted (Art. 18(1))
    objection     the objection flag and a suppression entry (Art. 21)

A person the map does not find gets an honest result, not an error: "no data held"
is the Art. 15 answer, and nothing to erase is a finished erasure.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine

from treu.clock import Clock
from treu.consent import identity_hash, withdraw_for_subject
from treu.datamap import (
    DataMap,
    Plan,
    erase,
    export_access,
    export_portability,
    object_to,
    plan,
    rectify,
    render_erasure_report,
    restrict,
    resume,
)
from treu.datamap.erase import ErasureReport
from treu.errors import NotFound, RequestError, TreuError
from treu.policy.loader import LoadedPolicy
from treu.policy.model import Lang
from treu.requests.execution import (
    ExecutionOrder,
    ExecutionResult,
    Executor,
    ManualExecutor,
    Preview,
    ResultFile,
)
from treu.settings import Settings
from treu.store.db import make_sessionmaker, session_scope

__all__ = ["DatamapExecutor", "make_executor", "plan_summary"]

_RUNS = uuid.UUID("5d6f1c1e-7a43-4f5e-9a55-0c0f3b1e2d7a")
"""Namespace of the erasure run ids derived from request ids."""

_NOTHING: dict[Lang, str] = {
    "de": "Zu dieser E-Mail-Adresse sind in {system} keine Daten gespeichert.",
    "en": "{system} holds no data for this e-mail address.",
}
_UNSUPPORTED: dict[Lang, str] = {
    "de": "Für diese Art von Anfrage gibt es keine automatische Ausführung; "
    "bitte von Hand bearbeiten.",
    "en": "This kind of request has no automatic execution; carry it out by hand.",
}
_ZIP = "application/zip"


def plan_summary(found: Plan) -> dict[str, Any]:
    """The plan for the trail: tables, counts, strategies, holds and the plan's SHA-256
    (the same digest the erasure run records); keys and values stay out."""
    return {
        "found": True,
        "identity": found.identity,
        "digest": found.digest(),
        "steps": [
            {
                "table": s.table,
                "role": s.role,
                "rows": s.count,
                "strategy": s.strategy,
                "columns": list(s.columns),
                "hold": s.hold,
            }
            for s in found.steps
        ],
        "context": [{"table": c.table, "rows": len(c.keys), "via": c.via} for c in found.context],
        "warnings": [w.code for w in found.warnings],
    }


class DatamapExecutor:
    """Carries out requests on one application database through its data map."""

    def __init__(
        self,
        *,
        app_engine: Engine,
        store_engine: Engine,
        datamap: DataMap,
        policy: LoadedPolicy | None,
        hash_key: bytes,
        clock: Clock,
        system: str = "",
    ) -> None:
        self._app = app_engine
        self._store = store_engine
        self._map = datamap
        self._policy = policy
        self._key = hash_key
        self._clock = clock
        self.system = system or f"{app_engine.dialect.name} database (data map)"

    # --- plan ---------------------------------------------------------------------------

    def _plan(self, order: ExecutionOrder) -> Plan | None:
        try:
            return plan(self._app, self._map, identity="email", value=order.email)
        except NotFound:
            return None

    def preview(self, order: ExecutionOrder) -> Preview:
        if order.kind == "withdrawal":
            return Preview(False, {"executor": "datamap", "kind": order.kind}, dict(_UNSUPPORTED))
        found = self._plan(order)
        if found is None:
            return Preview(True, self._nothing_summary(), self._nothing_text())
        text: dict[Lang, str] = {"de": found.render_text("de"), "en": found.render_text("en")}
        return Preview(True, plan_summary(found), text)

    def _nothing_summary(self) -> dict[str, Any]:
        return {"found": False, "system": self.system}

    def _nothing_text(self) -> dict[Lang, str]:
        return {lang: words.format(system=self.system) for lang, words in _NOTHING.items()}

    # --- act ----------------------------------------------------------------------------

    def execute(self, order: ExecutionOrder) -> ExecutionResult:
        if order.kind == "erasure":
            recorded = self._resume(order)
            if recorded is not None:
                return recorded
        found = self._plan(order)
        if found is None:
            return ExecutionResult(
                systems_searched=(self.system,),
                notes=(self._nothing_text()["en"],),
                plan=self._nothing_summary(),
                report=self._nothing_text(),
            )
        if order.kind in ("access", "portability"):
            return self._export(order, found)
        if order.kind == "erasure":
            report = erase(
                self._app, self._store, self._map, found, hash_key=self._key,
                clock=self._clock, run_id=self._run_id(order), policy=self._policy_model(),
            )  # fmt: skip
            erased = self._erased(report, plan_summary(found))
            return replace(erased, actions=(*erased.actions, *self._withdraw_consents(order)))
        summary = plan_summary(found)
        policy = self._policy_model()
        if order.kind == "rectification":
            changes = {t: dict(c) for t, c in order.changes.items()}
            fixed = rectify(self._app, self._map, found, changes, policy=policy)
            actions = tuple(
                f"{t}: set {', '.join(fixed.columns[t])} on {n} row(s)"
                for t, n in fixed.rows.items()
            )
            return self._done(summary, actions, fixed.recipients, (), fixed.render_text)
        if order.kind == "restriction":
            held = restrict(self._app, self._map, found, clock=self._clock, policy=policy)
            actions = tuple(f"{t}: restricted {n} row(s)" for t, n in held.rows.items())
            manual = tuple(
                f"{t}: {n} row(s) have no restriction column; restrict them by hand"
                for t, n in held.manual.items()
            )
            return self._done(summary, actions, held.recipients, manual, held.render_text)
        if order.kind == "objection":
            objected = object_to(
                self._app, self._store, self._map, found, purposes=order.purposes,
                clock=self._clock, hash_key=self._key, policy=policy,
                request_id=order.request_id,
            )  # fmt: skip
            flagged = [
                f"{t}: flagged {n} row(s) for the objection to {purpose}"
                for purpose, per_table in objected.flagged.items()
                for t, n in per_table.items()
            ]
            suppressed = (
                f"suppression list: {objected.suppressions_added} entr(y/ies) added, "
                f"{objected.suppressions_existing} already there"
            )
            actions = (*flagged, suppressed)
            manual = tuple(
                f"{purpose}: no table has an objection column for it; stop it by hand"
                for purpose in objected.unflagged
            )
            return self._done(summary, actions, objected.recipients, manual, objected.render_text)
        raise RequestError(_UNSUPPORTED["en"])

    def _done(
        self,
        summary: dict[str, Any],
        actions: tuple[str, ...],
        recipients: tuple[str, ...],
        notes: tuple[str, ...],
        render: Callable[[Lang], str],
    ) -> ExecutionResult:
        return ExecutionResult(
            systems_searched=(self.system,),
            actions=actions,
            recipients_notified=recipients,
            notes=notes,
            plan=summary,
            report={"de": render("de"), "en": render("en")},
        )

    def _export(self, order: ExecutionOrder, found: Plan) -> ExecutionResult:
        now = self._clock.now()
        stamp = now.strftime("%Y%m%d")
        if order.kind == "access":
            content = export_access(
                self._app, self._map, found, policy=self._policy, lang=order.lang, now=now
            )
            name = f"auskunft-{order.reference}-{stamp}.zip"
        else:
            content = export_portability(self._app, self._map, found, lang=order.lang, now=now)
            name = f"datenuebertragung-{order.reference}-{stamp}.zip"
        rows = sum(s.count for s in found.steps)
        tables = len(found.steps)
        words: dict[Lang, str] = {
            "de": f"Export mit {rows} Zeile(n) aus {tables} Tabelle(n) erstellt ({self.system}).",
            "en": f"Export of {rows} row(s) from {tables} table(s) created ({self.system}).",
        }
        return ExecutionResult(
            file=ResultFile(name, _ZIP, content),
            systems_searched=(self.system,),
            actions=(f"{order.kind}-export: {rows} rows from {tables} tables",),
            plan=plan_summary(found),
            report=words,
        )

    def _withdraw_consents(self, order: ExecutionOrder) -> tuple[str, ...]:
        """An erased person's consents end too (SV-10): every purpose granted under their
        address is withdrawn in the ledger, newsletter subscriptions closed, telemetry
        stored for them deleted.  The ledger keeps the records: they prove the past."""
        subject = "email:" + identity_hash("email", order.email, self._key)
        with session_scope(make_sessionmaker(self._store)) as session:
            done = withdraw_for_subject(session, subject, clock=self._clock, hash_key=self._key)
        if not (done.purposes or done.events_deleted or done.subscriptions_closed):
            return ()
        return (
            f"consent ledger: {len(done.purposes)} purpose(s) withdrawn, "
            f"{done.subscriptions_closed} newsletter subscription(s) closed, "
            f"{done.events_deleted} telemetry event(s) deleted",
        )

    def _run_id(self, order: ExecutionOrder) -> str:
        return str(uuid.uuid5(_RUNS, order.request_id))

    def _resume(self, order: ExecutionOrder) -> ExecutionResult | None:
        """A run already recorded for this request is finished, not planned anew: after a
        crash the database no longer matches the first plan, and the run knows the rest."""
        try:
            report = resume(
                self._app, self._store, self._map, self._run_id(order), hash_key=self._key,
                clock=self._clock, policy=self._policy_model(),
            )  # fmt: skip
        except NotFound:
            return None
        return self._erased(report, {"found": True, "digest": report.plan_digest, "resumed": True})

    def _policy_model(self) -> Any:
        return self._policy.policy if self._policy is not None else None

    def _erased(self, report: ErasureReport, summary: dict[str, Any]) -> ExecutionResult:
        actions = tuple(
            f"{table}: {action} {count}"
            for table, per_action in report.counts.items()
            for action, count in per_action.items()
        )
        held = tuple(
            f"{table}: {count} row(s) restricted under hold {hold}"
            for hold, per_table in report.restricted.items()
            for table, count in per_table.items()
        )
        summary = {**summary, "run_id": report.run_id}
        return ExecutionResult(
            systems_searched=(self.system,),
            actions=actions,
            recipients_notified=report.recipients,
            notes=held + report.warnings,
            plan=summary,
            report=_erasure_words(report),
        )


def _erasure_words(report: ErasureReport) -> dict[Lang, str]:
    return {"de": render_erasure_report(report, "de"), "en": render_erasure_report(report, "en")}


def make_executor(
    settings: Settings, *, store_engine: Engine, policy: LoadedPolicy | None, clock: Clock
) -> Executor:
    """The executor the settings ask for: through the data map when both
    ``TREU_APP_DATABASE_URL`` and ``TREU_DATAMAP`` are set, by hand otherwise.

    A broken data map stops the start with its problems (``DataMapError``), as a
    broken policy does; half a configuration is an error too, not a silent fallback."""
    url, path = settings.app_database_url, settings.datamap
    if url is None and path is None:
        return ManualExecutor()
    if url is None or path is None:
        missing = "TREU_APP_DATABASE_URL" if url is None else "TREU_DATAMAP"
        raise TreuError(
            f"{missing} is not set: executing requests needs both the application database "
            "(TREU_APP_DATABASE_URL) and its data map (TREU_DATAMAP)"
        )
    from treu.datamap import load
    from treu.store import make_engine

    secret = settings.secret_key.get_secret_value().encode()
    return DatamapExecutor(
        app_engine=make_engine(url),
        store_engine=store_engine,
        datamap=load(path),
        policy=policy,
        hash_key=secret,
        clock=clock,
    )
