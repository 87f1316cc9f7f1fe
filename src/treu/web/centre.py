"""The public privacy centre: who we are, the notice, the request form, confirmation and status.

    GET  /                                   start page: the controller, links to notice and form
    GET  /privacy                            the notice in the page's language (N16)
    GET  /privacy/notice.css                 its stylesheet (the strict CSP allows no inline CSS)
    GET  /requests/new                       the request form (Art. 12(2), 15-21, 7(3))
    POST /requests                           submit -> "check your e-mail" (D1, D3)
    GET  /requests/verify/{token}            a confirm button: link scanners must not use the link
    POST /requests/verify/{token}            confirm (single use)
    GET  /requests/status/{token}            state, deadline in words, history
    GET  /requests/status/{token}/result     the result file (Art. 15(3), 20)

Pages are German or English (``?lang=de|en``, else the browser's language),
need no JavaScript and set no cookies.  Pages behind a secret link are
``Cache-Control: no-store`` and ``noindex``; ``Referrer-Policy: no-referrer`` comes
from ``SecureHeaders`` on every response.  No page shows the requester's address
in full, except the form re-rendered with what they typed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Form
from fastapi import Request as HttpRequest
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import BERLIN
from treu.errors import InvalidTransition, MailError, NotFound, RateLimited, VerificationFailed
from treu.notice.phrases import country_name
from treu.policy.reference import authorities
from treu.requests import (
    by_status_token,
    effective_due_at,
    export,
    kind_label,
    rejection_label,
    resend_verification,
    state_label,
    submit,
    verify,
)
from treu.requests.verification import hash_token
from treu.store.models import Request, RequestResult, VerificationToken
from treu.web import _centre_pages as pages
from treu.web._centre_form import FormTokens, RequestForm, check_form
from treu.web._centre_pages import NO_STORE
from treu.web._centre_text import (
    STATE_HINTS,
    date_words,
    datetime_words,
    history_line,
    mask_email,
    page_lang,
    t,
)
from treu.web.deps import DbSession, Services, services
from treu.web.ratelimit import check, client_network

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_TOKEN_MAX: Final = 200
_MEDIA_TYPE: Final = re.compile(r"^[\w.+-]+/[\w.+-]+$")


# --- pages ---------------------------------------------------------------------------------


@router.get("/")
def start(request: HttpRequest) -> HTMLResponse:
    """Who is responsible, how to reach them, and the two ways on: notice and request form."""
    svc, lang = services(request), page_lang(request)
    if svc.policy is None:
        return pages.unconfigured(request, lang, 404)
    policy = svc.policy.policy
    c = policy.controller
    address = f"{c.address.street}, {c.address.postal_code} {c.address.city}"
    dpo = policy.dpo if policy.dpo.appointed else None
    return pages.page(
        request,
        "start",
        lang,
        controller=c,
        address=f"{address}, {country_name(c.address.country, lang)}",
        dpo=dpo,
        request_email=policy.request_email,
        postal=policy.requests.postal,
    )


@router.get("/privacy")
def privacy(request: HttpRequest) -> HTMLResponse:
    """The notice, with its stylesheet linked instead of inline and a way back to the centre."""
    svc, lang = services(request), page_lang(request)
    if svc.policy is None:
        return pages.unconfigured(request, lang, 404)
    return HTMLResponse(pages.notice_page(svc.policy, lang, request.scope.get("root_path", "")))


@router.get("/privacy/notice.css")
def notice_css() -> Response:
    return Response(pages.notice_css(), media_type="text/css; charset=utf-8")


@router.get("/requests/new")
def request_form(request: HttpRequest) -> HTMLResponse:
    svc, lang = services(request), page_lang(request)
    if svc.policy is None:
        return pages.unconfigured(request, lang, 503)
    return pages.form_page(request, svc, lang, RequestForm(language=lang))


@router.post("/requests")
def submit_request(
    request: HttpRequest,
    db: DbSession,
    kind: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    form_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Check the form, apply the limits, take in the request and say what happens next."""
    svc, lang = services(request), page_lang(request)
    if svc.policy is None:
        return pages.unconfigured(request, lang, 503)
    form = check_form(kind, email, message, language, lang)
    tokens = FormTokens(secret=svc.settings.secret_key.get_secret_value(), clock=svc.clock)
    cross_site = request.headers.get("sec-fetch-site") == "cross-site"
    if cross_site or not tokens.valid(form_token):
        form.errors = {
            "form": t(
                lang,
                "Das Formular ist abgelaufen oder kam nicht von unserer Seite. Bitte prüfen "
                "Sie Ihre Angaben und senden Sie es noch einmal.",
                "The form has expired or did not come from our site. Please check your "
                "details and send it again.",
            ),
            **form.errors,
        }
    if form.errors:
        return pages.form_page(request, svc, lang, form, status=400)
    network = client_network(request.client.host if request.client else None)
    try:
        limits = svc.limits
        check(
            svc.sessions, "request-ip", network, limits.request_per_ip, svc.clock, secret=svc.secret
        )
        check(
            svc.sessions,
            "request-email",
            form.email.casefold(),
            limits.request_per_email,
            svc.clock,
            secret=svc.secret,
        )
    except RateLimited as exc:
        return pages.too_many(request, svc, lang, exc.retry_after)
    try:
        submitted = submit(
            db,
            kind=form.kind,
            email=form.email,
            lang=form.language,
            message=form.message or None,
            channel="web",
            clock=svc.clock,
            mailer=svc.mailer,
            mail_ctx=svc.mail_ctx,
            ttl_hours=svc.settings.verification_ttl_hours,
        )
    except MailError:
        db.rollback()  # no request without the receipt and link it promises (D1, D3)
        return pages.message(
            request,
            lang,
            503,
            t(lang, "E-Mail konnte nicht gesendet werden", "The e-mail could not be sent"),
            t(
                lang,
                "Wir konnten Ihnen gerade keine E-Mail senden, deshalb haben wir die Anfrage "
                f"nicht gespeichert. Bitte versuchen Sie es später noch einmal oder schreiben "
                f"Sie uns an {svc.policy.policy.request_email}.",
                "We could not send you an e-mail just now, so we did not store the request. "
                "Please try again later or write to us at "
                f"{svc.policy.policy.request_email}.",
            ),
        )
    sent = submitted.request
    expires = svc.clock.now() + timedelta(hours=svc.settings.verification_ttl_hours)
    return pages.page(
        request,
        "sent",
        lang,
        headers=NO_STORE,
        switch=f"/?lang={pages.other(lang)}",
        reference=sent.reference,
        kind=kind_label(sent.kind, lang),
        masked=mask_email(form.email),
        expires=datetime_words(expires, lang),
        due=_due_words(sent.due_at, lang),
    )


@router.get("/requests/verify/{token}")
def verify_form(request: HttpRequest, token: str, db: DbSession) -> HTMLResponse:
    """Only a button: opening the link changes nothing, so mail scanners cannot use it up.

    The page speaks the request's language (the link in the mail carries none).
    """
    known = None
    if len(token) <= _TOKEN_MAX:
        known = db.scalars(
            select(Request.lang)
            .join(VerificationToken, VerificationToken.request_id == Request.id)
            .where(VerificationToken.token_hash == hash_token(token))
        ).first()
    lang = page_lang(request, known)
    return pages.page(request, "verify", lang, headers=NO_STORE, noindex=True, token=token)


@router.post("/requests/verify/{token}")
def verify_request(request: HttpRequest, token: str, db: DbSession) -> HTMLResponse:
    """Confirm; every failure reads the same, and its audit event is committed with the page."""
    svc, lang = services(request), page_lang(request)
    try:
        if len(token) > _TOKEN_MAX:
            raise VerificationFailed()
        confirmed = verify(db, token=token, clock=svc.clock)
    except VerificationFailed:
        # Returning normally lets DbSession commit the "verification_failed" event (D14).
        return pages.page(
            request, "verify_failed", lang, status=400, headers=NO_STORE, noindex=True
        )
    except InvalidTransition:
        db.rollback()  # the request was closed meanwhile; keep the link as it was
        return pages.page(
            request, "verify_failed", lang, status=400, headers=NO_STORE, noindex=True
        )
    lang = page_lang(request, confirmed.lang)
    return pages.page(
        request,
        "verified",
        lang,
        headers=NO_STORE,
        noindex=True,
        reference=confirmed.reference,
        kind=kind_label(confirmed.kind, lang),
        due=_due_words(effective_due_at(confirmed), lang),
        status_url=_stable_status_path(svc, confirmed),
    )


@router.get("/requests/status/{token}")
def status_page(request: HttpRequest, token: str, db: DbSession) -> HTMLResponse:
    """Where the request stands, until when we answer, and what has happened (D1, D14)."""
    svc = services(request)
    found = _by_token(db, token)
    if found is None:
        return pages.unknown_link(request, page_lang(request))
    lang = page_lang(request, found.lang)
    result_name = (
        db.scalars(
            select(RequestResult.filename)
            .where(RequestResult.request_id == found.id)
            .order_by(RequestResult.id.desc())
            .limit(1)
        ).first()
        if found.state == "completed"  # an executed export waits for staff to release it
        else None
    )
    history = []
    for event in export(db, found.id):
        at = datetime.fromisoformat(event["at"])
        history.append(
            {
                "at": at.isoformat(),
                "when": datetime_words(at, lang),
                "text": history_line(event["action"], lang),
            }
        )
    authority = None
    if found.state == "rejected" and svc.policy is not None:
        authority = authorities()[svc.policy.policy.authority].name.get(lang)
    return pages.page(
        request,
        "status",
        lang,
        headers=NO_STORE,
        noindex=True,
        req=found,
        kind=kind_label(found.kind, lang),
        state=state_label(found.state, lang),
        state_hint=t(lang, *STATE_HINTS.get(found.state, ("", ""))),
        received=datetime_words(found.received_at, lang),
        due=_due_words(effective_due_at(found), lang),
        original_due=_due_words(found.due_at, lang) if found.extended_due_at else None,
        rejection=rejection_label(found.rejection_reason, lang) if found.rejection_reason else None,
        authority=authority,
        history=history,
        result_name=result_name,
        token=token,
        form_token=FormTokens(
            secret=svc.settings.secret_key.get_secret_value(), clock=svc.clock
        ).issue(),
    )


@router.post("/requests/status/{token}/resend")
def status_resend(
    request: HttpRequest,
    token: str,
    db: DbSession,
    form_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """A new confirmation link for a request still awaiting it (Art. 12(6)); limited per day."""
    svc = services(request)
    found = _by_token(db, token)
    if found is None:
        return pages.unknown_link(request, page_lang(request))
    lang = page_lang(request, found.lang)
    tokens = FormTokens(secret=svc.settings.secret_key.get_secret_value(), clock=svc.clock)
    if request.headers.get("sec-fetch-site") == "cross-site" or not tokens.valid(form_token):
        return pages.message(
            request, lang, 400,
            t(lang, "Bitte noch einmal versuchen", "Please try again"),
            t(lang, "Das Formular ist abgelaufen. Laden Sie die Statusseite neu.",
              "The form has expired. Reload the status page."),
            headers=NO_STORE,
        )  # fmt: skip
    resend_verification(
        db,
        found.id,
        clock=svc.clock,
        mailer=svc.mailer,
        mail_ctx=svc.mail_ctx,
        ttl_hours=svc.settings.verification_ttl_hours,
    )
    return pages.message(
        request, lang, 200,
        t(lang, "Link gesendet", "Link sent"),
        t(lang, "Wir haben Ihnen einen neuen Bestätigungslink geschickt. Bitte sehen Sie in "
              "Ihrem Postfach nach.",
          "We have sent you a new confirmation link. Please check your inbox."),
        headers=NO_STORE,
    )  # fmt: skip


@router.get("/requests/status/{token}/result")
def status_result(request: HttpRequest, token: str, db: DbSession) -> Response:
    """The result file as a download; never cached, never shown inline."""
    lang = page_lang(request)
    found = _by_token(db, token)
    if found is None:
        return pages.unknown_link(request, lang)
    result = (
        db.scalars(
            select(RequestResult)
            .where(RequestResult.request_id == found.id)
            .order_by(RequestResult.id.desc())
            .limit(1)
        ).first()
        if found.state == "completed"
        else None
    )
    if result is None:
        return pages.message(
            request,
            lang,
            404,
            t(lang, "Noch kein Ergebnis", "No result yet"),
            t(
                lang,
                "Zu dieser Anfrage gibt es noch keine Datei zum Herunterladen.",
                "There is no file to download for this request yet.",
            ),
            headers=NO_STORE,
        )
    media_type = result.media_type if _MEDIA_TYPE.match(result.media_type) else ""
    return Response(
        result.content,
        media_type=media_type or "application/octet-stream",
        headers={"Content-Disposition": pages.attachment(result.filename), **NO_STORE},
    )


# --- helpers -------------------------------------------------------------------------------


def _by_token(db: Session, token: str) -> Request | None:
    if len(token) > _TOKEN_MAX:
        return None
    try:
        return by_status_token(db, token)
    except NotFound:
        return None


def _stable_status_path(svc: Services, request: Request) -> str | None:
    """The status page of ``request`` if its link is the stable one derived from the secret."""
    token = svc.mail_ctx.status_token(request.id) if svc.policy is not None else None
    if token is None or hash_token(token) != request.status_token_hash:
        return None
    return f"/requests/status/{token}"


def _due_words(moment: datetime, lang: str) -> str:
    return date_words(moment.astimezone(BERLIN).date(), lang, weekday=True)
