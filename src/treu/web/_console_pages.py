"""Rendering the staff console: the layout, the request list and the request page.

Pages extend ``templates/console/base.html.j2`` and get ``t(de, en)`` bound to
their language.  What they show comes from the admin API's own models
(``RequestSummary``, ``RequestDetail``, ``RequestCase``), so the console shows
exactly what the API would, e-mail and message included only for dpo and admin.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import partial
from typing import Any, Final

from fastapi import Request as HttpRequest
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import BERLIN
from treu.requests import OPEN_STATES, REJECTION_REASONS, STATES, rejection_label, state_label
from treu.store.models import User
from treu.web._centre_text import date_words, datetime_words, t
from treu.web._console_text import CHANNELS, ROLES, action_words, actor_words, due_words
from treu.web.admin_requests import AuditEntry, RequestCase, RequestDetail, RequestSummary
from treu.web.deps import services
from treu.web.session_cookie import cookie_names

__all__ = [
    "HANDLERS",
    "actions",
    "audit_rows",
    "csrf_token",
    "facts",
    "last_execution",
    "other",
    "rejection_choices",
    "render",
    "row",
]

#: Roles that may change a request; viewers only read (as in the admin API).
HANDLERS: Final = frozenset({"dpo", "admin"})

_ENV: Final = Environment(
    loader=PackageLoader("treu.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def other(lang: str) -> str:
    return "en" if lang == "de" else "de"


def csrf_token(request: HttpRequest) -> str:
    """The CSRF token inside the caller's signed session cookie ("" without a session)."""
    svc = services(request)
    value = request.cookies.get(cookie_names(svc.https)[0])
    session = svc.codec.read(value) if value else None
    return session.csrf if session is not None else ""


def render(
    request: HttpRequest,
    name: str,
    lang: str,
    *,
    user: User | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    switch: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """``console/<name>.html.j2`` in ``lang``; ``switch`` is the page for the language link."""
    root = request.scope.get("root_path", "")
    if switch is None:
        url = request.url.remove_query_params("done").include_query_params(lang=other(lang))
        switch = f"{url.path}?{url.query}"
    else:
        switch = f"{root}{switch}{'&' if '?' in switch else '?'}lang={other(lang)}"
    staff = None
    if user is not None:
        de, en = ROLES.get(user.role, (user.role, user.role))
        staff = {"email": user.email, "role": t(lang, de, en)}
    html = _ENV.get_template(f"console/{name}.html.j2").render(
        lang=lang,
        other=other(lang),
        t=partial(t, lang),
        root=root,
        switch_url=switch,
        staff=staff,
        csrf=csrf_token(request) if user is not None else "",
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def row(item: RequestSummary, lang: str) -> dict[str, Any]:
    """One line of the request list, every fact in words."""
    symbol, words = due_words(item.due_status, lang)
    return {
        "id": item.id,
        "reference": item.reference,
        "kind": getattr(item.kind_label, lang),
        "state": getattr(item.state_label, lang),
        "received": datetime_words(item.received_at, lang),
        "received_iso": item.received_at.isoformat(),
        "due": date_words(item.due_date, lang, weekday=True),
        "due_iso": item.due_date.isoformat(),
        "due_status": item.due_status or "closed",
        "due_symbol": symbol,
        "due_words": words,
        "extended": item.extended,
    }


def facts(case: RequestDetail, lang: str) -> dict[str, Any]:
    """The request page's facts: the list line plus handling, closure and retention."""
    de, en = CHANNELS.get(case.channel, (case.channel, case.channel))

    def when(moment: datetime | None) -> str | None:
        return datetime_words(moment, lang) if moment is not None else None

    rejection = None
    if case.rejection_reason is not None:
        rejection = rejection_label(case.rejection_reason, lang)
    return {
        **row(case, lang),
        "state_key": case.state,
        "kind_key": case.kind,
        "channel": t(lang, de, en),
        "lang": {"de": t(lang, "Deutsch", "German"), "en": t(lang, "Englisch", "English")}.get(
            case.lang, case.lang
        ),
        "verified": when(case.verified_at),
        "original_due": (
            date_words(case.original_due_at.astimezone(BERLIN).date(), lang, weekday=True)
            if case.extended
            else None
        ),
        "extension_reason": case.extension_reason,
        "rejection": rejection,
        "rejection_detail": case.rejection_detail,
        "closed": when(case.closed_at),
        "delete_after": when(case.delete_after),
        "email": case.email if isinstance(case, RequestCase) else None,
        "message": case.message if isinstance(case, RequestCase) else None,
        "contact_shown": isinstance(case, RequestCase),
    }


def actions(case: RequestDetail, role: str, *, automatic: bool = False) -> list[str]:
    """The steps whose forms the page offers; the domain still checks each one on POST.

    ``automatic``: an executor with a data map is configured, so verified requests
    can be carried out from the page (``execute``)."""
    if role not in HANDLERS:
        return []
    offered = []
    if automatic and case.state in ("verified", "in_progress") and case.kind != "withdrawal":
        offered.append("execute")
    if case.state == "verified":
        offered.append("start")
    if case.state in OPEN_STATES and not case.extended:
        offered.append("extend")
    if case.state == "in_progress":
        offered.append("complete")
    if case.state in OPEN_STATES:
        offered.append("reject")
    if case.state == "awaiting_verification":
        offered.append("resend-verification")
    return offered


def last_execution(entries: list[AuditEntry]) -> dict[str, Any] | None:
    """What the newest execution did, from the trail: actions, recipients (Art. 19), notes."""
    for entry in reversed(entries):
        if entry.action == "executed":
            detail = entry.detail
            return {
                "actions": detail.get("actions") or [],
                "recipients": detail.get("recipients_to_inform") or [],
                "notes": detail.get("notes") or [],
                "systems": detail.get("systems_searched") or [],
                "result": detail.get("result"),
            }
        if entry.action == "execution_failed":
            return {"failed": entry.reason}
    return None


def rejection_choices(lang: str) -> list[dict[str, str]]:
    return [{"value": key, "label": rejection_label(key, lang)} for key in REJECTION_REASONS]


def audit_rows(db: Session, entries: list[AuditEntry], lang: str) -> list[dict[str, Any]]:
    """The trail in words: Berlin time, who, what, which states, why and the facts."""
    ids = {
        int(e.actor.removeprefix("user:"))
        for e in entries
        if e.actor.startswith("user:") and e.actor.removeprefix("user:").isdigit()
    }
    staff = {
        f"user:{uid}": email
        for uid, email in db.execute(select(User.id, User.email).where(User.id.in_(ids)))
    }
    rows = []
    for entry in entries:
        moment = datetime.fromisoformat(entry.at)
        rows.append(
            {
                "id": entry.id,
                "at": entry.at,
                "when": datetime_words(moment, lang),
                "actor": actor_words(entry.actor, lang, staff),
                "action": action_words(entry.action, lang),
                "from_state": _state(entry.from_state, lang),
                "to_state": _state(entry.to_state, lang),
                "reason": entry.reason,
                "detail": [
                    (key, value if isinstance(value, str) else json.dumps(value, sort_keys=True))
                    for key, value in sorted(entry.detail.items())
                ],
                "hash": entry.hash[:12],
            }
        )
    return rows


def _state(state: str | None, lang: str) -> str | None:
    return state_label(state, lang) if state is not None and state in STATES else state
