"""The public newsletter pages: sign-up, double opt-in confirmation, unsubscribe (U3-U6).

    GET  /newsletter?list=<id>                 the sign-up form with the consent text
    POST /newsletter                           sign up -> "check your e-mail" (always the same)
    GET  /newsletter/confirm/{token}           a confirm button: link scanners must not confirm
    POST /newsletter/confirm/{token}           confirm (single use) -> consent in the ledger
    GET  /unsubscribe/{purpose}/{token}        a button: opening the link changes nothing
    POST /unsubscribe/{purpose}/{token}        unsubscribe at once (RFC 8058 one-click too)

The form posts with a signed form token like the request form.  A sign-up form on
one of the organisation's own sites (``TREU_CONSENT_ORIGINS``) may post here
directly; it then names the consent text it showed (``text_version``,
``text_hash``).  Sign-ups are limited per client network and per address.  Every
sign-up answers the same page, whether a mail went out, the address is suppressed
or already confirmed: the form tells nobody who subscribes.  The unsubscribe POST
needs no login and no form token: the signed link is the authority, and mail
clients post it from anywhere (RFC 8058).
"""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form
from fastapi import Request as HttpRequest
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from treu.consent.newsletter import (
    DEFAULT_LIST,
    NewsletterConfig,
    confirm,
    list_purpose,
    subscribe,
    subscription_for_token,
)
from treu.consent.unsubscribe import parse_unsubscribe_token, unsubscribe, unsubscribe_token
from treu.errors import ConsentError, MailError, RateLimited, VerificationFailed
from treu.web import _centre_pages as pages
from treu.web._centre_form import FormTokens
from treu.web._centre_pages import NO_STORE, other
from treu.web._centre_text import page_lang, t
from treu.web.deps import DbSession, Services, services
from treu.web.ratelimit import Limit, check, client_network

__all__ = ["PER_EMAIL", "PER_IP", "consent_text", "newsletter_config", "router"]

router = APIRouter(include_in_schema=False)

PER_IP: Final = Limit(20, 60 * 60)
"""Sign-ups per client network (/24, /48) and hour."""
PER_EMAIL: Final = Limit(3, 24 * 60 * 60)
"""Sign-ups per address and (UTC) day: each one may send a confirmation mail."""
TEXT_VERSION: Final = "treu-newsletter-form-1"

_ENV: Final = Environment(
    loader=PackageLoader("treu.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def newsletter_config(svc: Services) -> NewsletterConfig:
    """The double opt-in's settings; the controller's name comes from the policy."""
    name = svc.policy.policy.controller.name if svc.policy is not None else ""
    if not name:
        raise ConsentError("no policy loaded; set TREU_POLICY to the organisation's policy.yaml")
    return NewsletterConfig(
        hash_key=svc.secret,
        sender=svc.settings.mail_from,
        base_url=svc.settings.base_url,
        controller_name=name,
        confirm_hours=svc.settings.newsletter_confirm_hours,
        pending_days=svc.settings.newsletter_pending_days,
    )


def consent_text(controller_name: str, list_id: str, lang: str) -> str:
    """The consent text treu's own form shows (its SHA-256 goes into the ledger)."""
    return t(
        lang,
        f"Ja, ich möchte den Newsletter „{list_id}“ von {controller_name} per E-Mail "
        "erhalten. Meine Einwilligung kann ich jederzeit widerrufen, zum Beispiel über den "
        "Abmeldelink in jedem Newsletter; die Abmeldung wirkt sofort.",
        f'Yes, I want to receive the newsletter "{list_id}" of {controller_name} by e-mail. '
        "I can withdraw my consent at any time, for example through the unsubscribe link "
        "in every newsletter; unsubscribing takes effect at once.",
    )


def _page(
    request: HttpRequest,
    name: str,
    lang: str,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    svc = services(request)
    root = request.scope.get("root_path", "")
    html = _ENV.get_template(f"newsletter/{name}.html.j2").render(
        lang=lang,
        other=other(lang),
        t=partial(t, lang),
        root=root,
        switch_url=root + f"{request.url.path}?lang={other(lang)}",
        controller_name=svc.policy.policy.controller.name if svc.policy else None,
        noindex=True,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def _form(
    request: HttpRequest, svc: Services, lang: str, list_id: str, *, email: str = "",
    error: str | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    assert svc.policy is not None
    tokens = FormTokens(secret=svc.settings.secret_key.get_secret_value(), clock=svc.clock)
    return _page(
        request, "form", lang, status=status, list_id=list_id, email=email, error=error,
        consent_text=consent_text(svc.policy.policy.controller.name, list_id, lang),
        form_token=tokens.issue(),
    )  # fmt: skip


@router.get("/newsletter")
def newsletter_form(request: HttpRequest) -> HTMLResponse:
    svc, lang = services(request), page_lang(request)
    if svc.policy is None:
        return pages.unconfigured(request, lang, 503)
    list_id = request.query_params.get("list", DEFAULT_LIST)
    try:
        list_purpose(list_id)
    except ConsentError:
        list_id = DEFAULT_LIST
    return _form(request, svc, lang, list_id)


@router.post("/newsletter")
def newsletter_subscribe(
    request: HttpRequest,
    db: DbSession,
    email: Annotated[str, Form(max_length=300)] = "",
    list_id: Annotated[str, Form(alias="list", max_length=60)] = DEFAULT_LIST,
    language: Annotated[str, Form(max_length=5)] = "",
    form_token: Annotated[str, Form(max_length=300)] = "",
    text_version: Annotated[str, Form(max_length=40)] = "",
    text_hash: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    """Sign up; the answer is the same whatever happened (no enumeration)."""
    svc, lang = services(request), page_lang(request)
    if svc.policy is None:
        return pages.unconfigured(request, lang, 503)
    lang = language if language in ("de", "en") else lang
    try:
        list_purpose(list_id)
    except ConsentError:
        list_id = DEFAULT_LIST
    origin = request.headers.get("origin", "")
    embedded = bool(origin) and origin in svc.settings.consent_origins
    if embedded:
        version, digest = text_version or None, text_hash or None
    else:
        tokens = FormTokens(secret=svc.settings.secret_key.get_secret_value(), clock=svc.clock)
        if request.headers.get("sec-fetch-site") == "cross-site" or not tokens.valid(form_token):
            return _form(request, svc, lang, list_id, email=email, status=400, error=t(
                lang, "Das Formular ist abgelaufen. Bitte senden Sie es noch einmal.",
                "The form has expired. Please send it again."))  # fmt: skip
        text = consent_text(svc.policy.policy.controller.name, list_id, lang)
        version = TEXT_VERSION
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    network = client_network(request.client.host if request.client else None)
    try:
        check(svc.sessions, "newsletter-ip", network, PER_IP, svc.clock, secret=svc.secret)
        check(svc.sessions, "newsletter-email", email.strip().casefold(), PER_EMAIL, svc.clock,
              secret=svc.secret)  # fmt: skip
    except RateLimited as exc:
        return pages.too_many(request, svc, lang, exc.retry_after)
    config = newsletter_config(svc)
    try:
        subscribe(
            db, email=email, list_id=list_id, lang=lang, channel="form", clock=svc.clock,
            mailer=svc.mailer, config=config, ip=request.client.host if request.client else None,
            text_version=version, text_hash=digest,
        )  # fmt: skip
    except ConsentError:
        db.rollback()
        return _form(request, svc, lang, list_id, email=email, status=400, error=t(
            lang, "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@example.org.",
            "Please enter a valid e-mail address, for example name@example.org."))  # fmt: skip
    except MailError:
        db.rollback()
        return pages.message(
            request, lang, 503,
            t(lang, "E-Mail konnte nicht gesendet werden", "The e-mail could not be sent"),
            t(lang, "Wir konnten gerade keine E-Mail senden. Bitte versuchen Sie es später "
                    "noch einmal.",
              "We could not send an e-mail just now. Please try again later."),
        )  # fmt: skip
    return _page(request, "sent", lang, pending_days=config.pending_days)


@router.get("/newsletter/confirm/{token}")
def confirm_form(request: HttpRequest, token: str, db: DbSession) -> HTMLResponse:
    """Only a button: opening the link changes nothing, so mail scanners cannot use it up."""
    found = subscription_for_token(db, token)
    lang = page_lang(request, found.lang if found is not None else None)
    return _page(request, "confirm", lang, token=token)


@router.post("/newsletter/confirm/{token}")
def confirm_subscription(request: HttpRequest, token: str, db: DbSession) -> HTMLResponse:
    svc = services(request)
    try:
        done = confirm(
            db, token, clock=svc.clock, hash_key=svc.secret,
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )  # fmt: skip
    except VerificationFailed:
        lang = page_lang(request)
        return pages.message(
            request, lang, 400,
            t(lang, "Link nicht mehr gültig", "Link no longer valid"),
            t(lang, "Dieser Bestätigungslink ist unbekannt, abgelaufen oder wurde schon "
                    "benutzt. Bitte melden Sie sich noch einmal an.",
              "This confirmation link is unknown, expired or already used. Please sign up "
              "again."),
            headers=NO_STORE,
        )  # fmt: skip
    sub = done.subscription
    lang = page_lang(request, sub.lang)
    assert sub.email is not None
    purpose = list_purpose(sub.list_id)
    path = f"{request.scope.get('root_path', '')}/unsubscribe/{purpose}/" + unsubscribe_token(
        sub.email, purpose, svc.secret
    )
    return _page(request, "confirmed", lang, unsubscribe_path=path)


def _label(purpose: str, lang: str) -> str:
    if purpose.startswith("newsletter:"):
        return (
            t(lang, "Newsletter", "Newsletter") + " „" + purpose.removeprefix("newsletter:") + "“"
        )
    if purpose == "customer-mail":
        return t(lang, "Kundeninformationen per E-Mail", "customer information by e-mail")
    return purpose


@router.get("/unsubscribe/{purpose}/{token}")
def unsubscribe_form(request: HttpRequest, purpose: str, token: str) -> HTMLResponse:
    """A button that unsubscribes; a GET changes nothing (link scanners open links)."""
    svc, lang = services(request), page_lang(request)
    try:
        parse_unsubscribe_token(token, purpose, svc.secret)
    except VerificationFailed:
        return _bad_link(request, lang)
    action = f"{request.scope.get('root_path', '')}/unsubscribe/{purpose}/{token}"
    return _page(request, "unsubscribe", lang, label=_label(purpose, lang), action=action)


@router.post("/unsubscribe/{purpose}/{token}")
def unsubscribe_now(request: HttpRequest, purpose: str, token: str, db: DbSession) -> HTMLResponse:
    """Unsubscribe at once: the button above, or a mail client's RFC 8058 one-click POST."""
    svc, lang = services(request), page_lang(request)
    try:
        done = unsubscribe(
            db, purpose=purpose, token=token, clock=svc.clock, hash_key=svc.secret,
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )  # fmt: skip
    except VerificationFailed:
        return _bad_link(request, lang)
    return _page(request, "unsubscribed", lang, label=_label(purpose, lang), already=done.already)


def _bad_link(request: HttpRequest, lang: str) -> HTMLResponse:
    svc = services(request)
    address = svc.policy.policy.request_email if svc.policy is not None else ""
    return pages.message(
        request, lang, 404,
        t(lang, "Link nicht gültig", "Link not valid"),
        t(lang, "Mit diesem Abmeldelink stimmt etwas nicht. Bitte verwenden Sie den Link aus "
                f"der neuesten E-Mail oder schreiben Sie uns an {address}; wir melden Sie "
                "dann ab.",
          "Something is wrong with this unsubscribe link. Please use the link in the newest "
          f"e-mail or write to us at {address}; we will then unsubscribe you."),
        headers=NO_STORE,
    )  # fmt: skip
