"""Rendering the privacy centre's pages: the layout, the standard messages, the notice, files.

Every page extends ``templates/centre/base.html.j2`` and gets ``t(de, en)`` bound
to its language, so templates keep both wordings side by side.  The notice
comes from ``treu.notice`` as a self-contained page; here its inline stylesheet
is swapped for a link, because the strict CSP (``style-src 'self'``) would block it.
"""

from __future__ import annotations

import re
from functools import cache, partial
from importlib.resources import files
from typing import Any, Final
from urllib.parse import quote

from fastapi import Request as HttpRequest
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from treu.notice.render import render_notice
from treu.policy.loader import LoadedPolicy
from treu.requests import KINDS, kind_label
from treu.web._centre_form import MESSAGE_MAX, FormTokens, RequestForm
from treu.web._centre_text import KIND_HINTS, t
from treu.web.deps import Services, services

__all__ = [
    "NO_STORE",
    "attachment",
    "form_page",
    "message",
    "notice_css",
    "notice_page",
    "other",
    "page",
    "too_many",
    "unconfigured",
    "unknown_link",
]

NO_STORE: Final = {"Cache-Control": "no-store"}

_ENV: Final = Environment(
    loader=PackageLoader("treu.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_STYLE: Final = re.compile(r"<style>(.*?)</style>", re.S)
# The centre's links that /privacy adds below the notice.
_NOTICE_NAV_CSS: Final = (
    ".centre-links { max-width: 46rem; margin: 0 auto; padding: 0 1rem 3rem; }\n"
    ".centre-links ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; "
    "gap: .5rem 1.5rem; }\n"
    ".centre-links a { display: inline-block; padding: .25rem 0; }\n"
)


def other(lang: str) -> str:
    return "en" if lang == "de" else "de"


def page(
    request: HttpRequest,
    name: str,
    lang: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    switch: str | None = None,
    noindex: bool = False,
    **context: Any,
) -> HTMLResponse:
    """Render ``centre/<name>.html.j2`` in ``lang``; ``switch`` is the other language's path."""
    svc = services(request)
    root = request.scope.get("root_path", "")
    html = _ENV.get_template(f"centre/{name}.html.j2").render(
        lang=lang,
        other=other(lang),
        t=partial(t, lang),
        root=root,
        switch_url=root + (switch or f"{request.url.path}?lang={other(lang)}"),
        controller_name=svc.policy.policy.controller.name if svc.policy else None,
        noindex=noindex,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def message(
    request: HttpRequest,
    lang: str,
    status: int,
    title: str,
    text: str,
    *,
    headers: dict[str, str] | None = None,
    switch: str | None = None,
) -> HTMLResponse:
    """A page with a heading, one paragraph and the way back to the start."""
    return page(
        request,
        "message",
        lang,
        status=status,
        headers=headers,
        switch=switch,
        title=title,
        text=text,
    )


def form_page(
    request: HttpRequest, svc: Services, lang: str, form: RequestForm, *, status: int = 200
) -> HTMLResponse:
    """The request form with what was typed, its errors, and a fresh form token."""
    tokens = FormTokens(secret=svc.settings.secret_key.get_secret_value(), clock=svc.clock)
    kinds = [
        {"value": k, "label": kind_label(k, lang), "hint": t(lang, *KIND_HINTS[k])} for k in KINDS
    ]
    return page(
        request,
        "form",
        lang,
        status=status,
        headers=NO_STORE,
        switch=f"/requests/new?lang={other(lang)}",
        form=form,
        kinds=kinds,
        form_token=tokens.issue(),
        message_max=MESSAGE_MAX,
    )


def too_many(request: HttpRequest, svc: Services, lang: str, retry_after: int) -> HTMLResponse:
    """429 with ``Retry-After``, naming the mailbox that always works too (Art. 12(2))."""
    minutes = max(1, (retry_after + 59) // 60)
    address = svc.policy.policy.request_email if svc.policy else ""
    response = message(
        request,
        lang,
        429,
        t(lang, "Zu viele Anfragen", "Too many requests"),
        t(
            lang,
            "Von diesem Anschluss oder für diese E-Mail-Adresse kamen gerade sehr viele "
            f"Anfragen. Bitte versuchen Sie es in etwa {minutes} Minuten noch einmal. "
            f"Sie können uns auch jederzeit an {address} schreiben.",
            "We received very many requests from this connection or for this e-mail address. "
            f"Please try again in about {minutes} minutes. You can also write to us at "
            f"{address} at any time.",
        ),
        switch=f"/requests/new?lang={other(lang)}",
    )
    response.headers["Retry-After"] = str(max(1, retry_after))
    return response


def unconfigured(request: HttpRequest, lang: str, status: int) -> HTMLResponse:
    return message(
        request,
        lang,
        status,
        t(lang, "Noch nicht eingerichtet", "Not set up yet"),
        t(
            lang,
            "Dieses Datenschutz-Center ist noch nicht eingerichtet. Bitte wenden Sie sich "
            "direkt an die Organisation, deren Seite Sie besucht haben.",
            "This privacy centre has not been set up yet. Please contact the organisation "
            "whose site you visited directly.",
        ),
    )


def unknown_link(request: HttpRequest, lang: str) -> HTMLResponse:
    return message(
        request,
        lang,
        404,
        t(lang, "Link nicht gefunden", "Link not found"),
        t(
            lang,
            "Zu diesem Link finden wir keine Anfrage. Vielleicht ist er veraltet: Bitte "
            "verwenden Sie den Link aus unserer neuesten E-Mail zu Ihrer Anfrage.",
            "We cannot find a request for this link. It may be outdated: please use the "
            "link in our newest e-mail about your request.",
        ),
        headers=NO_STORE,
    )


def notice_page(loaded: LoadedPolicy, lang: str, root: str) -> str:
    """The notice in ``lang`` (or the policy's first language), its CSS linked, centre links below."""
    languages = loaded.policy.notice.languages
    lang = lang if lang in languages else languages[0]
    html = render_notice(loaded, lang, "html")
    assert isinstance(html, str)
    html = _STYLE.sub(f'<link rel="stylesheet" href="{root}/privacy/notice.css">', html, count=1)
    links = [
        (f"{root}/?lang={lang}", t(lang, "Datenschutz-Center", "Privacy centre")),
        (f"{root}/requests/new?lang={lang}", t(lang, "Anfrage stellen", "Make a request")),
    ]
    if other(lang) in languages:
        name = "English" if other(lang) == "en" else "Deutsch"
        links.append((f"{root}/privacy?lang={other(lang)}", name))
    nav = _ENV.get_template("centre/_notice_nav.html.j2").render(
        label=t(lang, "Datenschutz-Center", "Privacy centre"), links=links, other=other(lang)
    )
    return html.replace("</body>", nav + "</body>", 1)


@cache
def notice_css() -> str:
    """The notice template's stylesheet, so the notice keeps its look under the strict CSP."""
    source = (files("treu.notice") / "templates" / "notice.html.j2").read_text(encoding="utf-8")
    found = _STYLE.search(source)
    own = found.group(1).strip() + "\n" if found else ""
    return own + _NOTICE_NAV_CSS


def attachment(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one (RFC 6266, RFC 5987)."""
    plain = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    encoded = quote(filename, safe="")
    return f"attachment; filename=\"{plain or 'download'}\"; filename*=UTF-8''{encoded}"
