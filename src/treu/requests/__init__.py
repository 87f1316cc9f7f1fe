"""Data-subject requests: intake, verification, deadlines, audit trail, closure.

    sub = submit(session, kind="access", email=..., lang="de", message=None, channel="web",
                 clock=clock, mailer=mailer, mail_ctx=ctx, ttl_hours=settings.verification_ttl_hours)
    verify(session, token=..., clock=clock)            # the subject's click
    start(session, sub.request.id, actor="user:1", clock=clock)
    complete(session, sub.request.id, actor="user:1", clock=clock, mailer=mailer, mail_ctx=ctx,
             result=("auskunft.json", "application/json", data))

Modules: ``deadlines`` (pure calendar rules), ``intake`` (submit, verify, resend),
``lifecycle`` (start, extend, complete, reject), ``queries`` (status link, overdue
lists), ``verification`` (tokens), ``audit`` (hash-chained trail), ``retention``
(closing purge), ``execution`` (the executor seam), ``execute`` (running a verified
request through an executor, plan and result in the trail), ``datamap_executor``
(execution through the data map), ``kinds`` (labels).  Every function takes the caller's ``Session`` and never commits.
"""

from __future__ import annotations

from treu.requests._steps import get
from treu.requests.audit import export, record, verify_chain
from treu.requests.deadlines import due_at, due_date, extended_due_date, status
from treu.requests.execution import (
    ExecutionOrder,
    ExecutionResult,
    Executor,
    ManualExecutor,
    Preview,
    ResultFile,
)
from treu.requests.intake import (
    CHANNELS,
    RESEND_LIMIT,
    Submitted,
    resend_verification,
    submit,
    verify,
)
from treu.requests.kinds import (
    CLOSED_STATES,
    KINDS,
    OPEN_STATES,
    REJECTION_REASONS,
    STATES,
    kind_label,
    rejection_label,
    state_label,
)
from treu.requests.lifecycle import complete, extend, reject, start
from treu.requests.mailing import MailContext
from treu.requests.queries import by_status_token, due_soon, effective_due_at, overdue
from treu.requests.retention import closing_purge

__all__ = [
    "CHANNELS",
    "CLOSED_STATES",
    "KINDS",
    "OPEN_STATES",
    "REJECTION_REASONS",
    "RESEND_LIMIT",
    "STATES",
    "ExecutionOrder",
    "ExecutionResult",
    "Executor",
    "MailContext",
    "ManualExecutor",
    "Preview",
    "ResultFile",
    "Submitted",
    "by_status_token",
    "closing_purge",
    "complete",
    "due_at",
    "due_date",
    "due_soon",
    "effective_due_at",
    "export",
    "extend",
    "extended_due_date",
    "get",
    "kind_label",
    "overdue",
    "record",
    "reject",
    "rejection_label",
    "resend_verification",
    "start",
    "state_label",
    "status",
    "submit",
    "verify",
    "verify_chain",
]
