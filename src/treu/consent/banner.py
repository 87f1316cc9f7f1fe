"""The cookie banner's configuration, built from the policy (§ 25 TDDDG; LEGAL B1-B11).

    config = banner_config(policy, notice_url="https://privacy.example.org/privacy")
    config_version(config)      -> "3f1c…"  SHA-256 of what consent is given for (B10)
    text_hash(config, "de")     -> "9ab0…"  SHA-256 of the exact German banner text (C4)
    banner_view(config, "de")   -> the texts the banner shows in German, nothing else

Purposes are the cookie categories that need consent (functional, analytics,
marketing) and have at least one cookie with ``consent_required``; nothing else is
offered, so the banner never asks for what the site does not do.  Cookies without
``consent_required`` are listed as exempt with the reason (§ 25(2) Nr. 2 TDDDG),
including the banner's own ``treu_consent`` cookie.

``config_version`` covers only what a consent is *for*: the purposes, their
cookies (name, provider, kind, lifetime) and the providers with their countries
and transfers.  A new wording changes ``text_hash`` but asks nobody again; a new
cookie, provider or lifetime does.  The banner's script compares the version
stored in the visitor's ``treu_consent`` cookie with the current one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from treu.notice.phrases import country_name, duration_text, mechanism_label
from treu.policy.model import EEA_COUNTRIES, Cookie, Policy

__all__ = [
    "CONSENT_COOKIE",
    "PURPOSES",
    "banner_config",
    "banner_view",
    "config_version",
    "text_hash",
]

PURPOSES: Final = ("functional", "analytics", "marketing")
"""Cookie categories that can be consented to, in the order the banner shows them."""
CONSENT_COOKIE: Final = "treu_consent"
"""The first-party cookie that stores the visitor's choice (itself strictly necessary)."""
LANGS: Final = ("de", "en")

_PURPOSE_TEXT: Final[dict[str, tuple[tuple[str, str], tuple[str, str]]]] = {
    "functional": (
        ("Funktionen", "Functional"),
        (
            "Zusätzliche Funktionen wie eingebettete Karten oder Prüfdienste, die dafür "
            "Informationen auf Ihrem Gerät speichern.",
            "Extra features such as embedded maps or check services, which store information "
            "on your device to work.",
        ),
    ),
    "analytics": (
        ("Statistik", "Analytics"),
        (
            "Zeigt uns, wie die Website genutzt wird, damit wir sie verbessern können.",
            "Shows us how the website is used so that we can improve it.",
        ),
    ),
    "marketing": (
        ("Marketing", "Marketing"),
        (
            "Erkennt Ihren Browser wieder, für Werbung, Kontaktpflege oder eingebettete "
            "Inhalte Dritter.",
            "Recognises your browser for advertising, customer relations or embedded "
            "third-party content.",
        ),
    ),
}

_KINDS: Final[dict[str, tuple[str, str]]] = {
    "cookie": ("Cookie", "Cookie"),
    "local_storage": ("Local Storage", "Local storage"),
    "session_storage": ("Session Storage", "Session storage"),
    "pixel": ("Zählpixel", "Tracking pixel"),
    "sdk": ("SDK", "SDK"),
}

_OWN_COOKIE_PURPOSE: Final = {
    "de": "Speichert Ihre Cookie-Entscheidung",
    "en": "Stores your cookie choice",
}

# Every sentence the banner shows besides the policy's own texts; {controller},
# {days} are filled in by ``banner_view``.
_UI: Final[dict[str, dict[str, str]]] = {
    "de": {
        "title": "Cookies und ähnliche Technologien",
        "intro": "{controller} möchte mit Ihrer Einwilligung Informationen auf Ihrem Gerät "
        "speichern und auslesen (Cookies und Ähnliches) – für diese Zwecke:",
        "third": "Dabei erhalten diese Anbieter Daten:",
        "no_third": "Dabei erhalten keine anderen Anbieter Daten.",
        "risk": "Für Länder ohne geeignete Garantien gilt: Dort ist Ihr Datenschutz womöglich "
        "nicht gleichwertig geschützt, und Behörden könnten auf die Daten zugreifen.",
        "voluntary": "Ihre Einwilligung ist freiwillig. Ohne sie setzen wir nur notwendige "
        "Cookies, und die Website funktioniert genauso.",
        "withdraw": "Sie können Ihre Entscheidung jederzeit über „Datenschutz-Einstellungen“ "
        "ändern oder widerrufen; was bis dahin geschah, bleibt rechtmäßig. Wir fragen nach "
        "{days} Tagen erneut.",
        "notice": "Datenschutzhinweise",
        "accept": "Alle akzeptieren",
        "reject": "Alle ablehnen",
        "more": "Einstellungen anpassen",
        "save": "Auswahl speichern",
        "back": "Zurück",
        "close": "Schließen, ohne zu entscheiden",
        "reopen": "Datenschutz-Einstellungen",
        "title2": "Einstellungen nach Zweck",
        "intro2": "Wählen Sie, wofür Sie einwilligen: Genutzt wird nur, was Sie ankreuzen.",
        "necessary": "Notwendig",
        "always": "Immer aktiv – ohne Einwilligung erlaubt",
        "exempt": "Unbedingt erforderlich für den Dienst, den Sie aufrufen (§ 25 Abs. 2 Nr. 2 "
        "TDDDG); dafür braucht es keine Einwilligung.",
        "details": "Cookies und Anbieter",
        "name": "Name",
        "provider": "Anbieter",
        "kind": "Art",
        "lifetime": "Speicherdauer",
        "purpose": "Zweck",
        "country": "Sitz",
        "transfer": "Übermittlung",
        "error": "Ihre Entscheidung konnte nicht gespeichert werden. Bitte laden Sie die Seite "
        "neu und versuchen Sie es erneut.",
    },
    "en": {
        "title": "Cookies and similar technologies",
        "intro": "With your consent, {controller} would like to store and read information on "
        "your device (cookies and the like) for these purposes:",
        "third": "These providers receive data:",
        "no_third": "No other providers receive data.",
        "risk": "For countries without appropriate safeguards: your data may not be protected "
        "to the same standard there, and authorities could access them.",
        "voluntary": "Your consent is voluntary. Without it we set only necessary cookies, and "
        "the website works just the same.",
        "withdraw": "You can change or withdraw your choice at any time under “Privacy "
        "settings”; what happened until then stays lawful. We ask again after {days} days.",
        "notice": "Privacy notice",
        "accept": "Accept all",
        "reject": "Reject all",
        "more": "Customise settings",
        "save": "Save selection",
        "back": "Back",
        "close": "Close without deciding",
        "reopen": "Privacy settings",
        "title2": "Settings by purpose",
        "intro2": "Choose what you consent to: only what you tick is used.",
        "necessary": "Necessary",
        "always": "Always on – allowed without consent",
        "exempt": "Strictly necessary for the service you are using (Section 25(2) no. 2 "
        "TDDDG); no consent is needed for these.",
        "details": "Cookies and providers",
        "name": "Name",
        "provider": "Provider",
        "kind": "Type",
        "lifetime": "Storage period",
        "purpose": "Purpose",
        "country": "Based in",
        "transfer": "Transfer",
        "error": "Your choice could not be saved. Please reload the page and try again.",
    },
}


def banner_config(
    policy: Policy, *, notice_url: str | None = None, lifetime_days: int = 365
) -> dict[str, Any]:
    """The banner's content from the policy, in both languages (JSON-ready).

    ``notice_url`` is used when the policy's ``notice.url`` is unset (treu serves the
    notice at ``/privacy``); ``lifetime_days`` is how long a decision holds (B10).
    """
    purposes = [_purpose(policy, pid) for pid in PURPOSES if _consent_cookies(policy, pid)]
    vendor_ids = sorted({v for p in purposes for v in p["vendors"]})
    vendors = [_vendor(policy, vid, purposes) for vid in vendor_ids]
    exempt = [_cookie(policy, c) for c in policy.cookies if not c.consent_required]
    if not any(c["name"] == CONSENT_COOKIE and c["provider"] == "self" for c in exempt):
        exempt.append(_own_cookie(policy, lifetime_days))
    return {
        "controller": policy.controller.name,
        "notice": {"version": policy.notice.version, "url": policy.notice.url or notice_url},
        "cookie": CONSENT_COOKIE,
        "lifetime_days": lifetime_days,
        "purposes": purposes,
        "vendors": vendors,
        "necessary": {
            "label": {lang: _UI[lang]["necessary"] for lang in LANGS},
            "reason": {lang: _UI[lang]["exempt"] for lang in LANGS},
            "legal_basis": "tdddg_25_2_2",
            "cookies": exempt,
        },
    }


def config_version(config: dict[str, Any]) -> str:
    """SHA-256 (hex) over what a consent is for: purposes, their cookies and the vendors.

    Wording is left out on purpose; a changed text is recorded by ``text_hash``."""
    relevant = {
        "purposes": [
            {
                "id": p["id"],
                "cookies": [
                    [c["name"], c["provider"], c["kind"], c["lifetime"]["en"]] for c in p["cookies"]
                ],
            }
            for p in config["purposes"]
        ],
        "vendors": [
            [
                v["id"],
                v["name"],
                v["country"],
                [[t["country"], t["mechanism"]] for t in v["transfers"]],
            ]
            for v in config["vendors"]
        ],
    }
    return _sha256(relevant)


def banner_view(config: dict[str, Any], lang: str) -> dict[str, Any]:
    """Everything the banner shows in ``lang``, and only that: the script renders this."""
    if lang not in LANGS:
        raise ValueError(f"lang: one of {', '.join(LANGS)}")
    ui = {
        key: text.format(controller=config["controller"], days=config["lifetime_days"])
        for key, text in _UI[lang].items()
    }
    vendors = {v["id"]: v for v in config["vendors"]}
    third = [
        {"name": v["name"], "where": _where(v, lang), "risk": v["risk"]}
        for v in config["vendors"]
        if v["id"] != "self"
    ]
    return {
        "lang": lang,
        "ui": ui,
        "notice_url": config["notice"]["url"],
        "notice_version": config["notice"]["version"],
        "purposes": [
            {
                "id": p["id"],
                "label": p["label"][lang],
                "description": p["description"][lang],
                "cookies": [_cookie_row(c, lang) for c in p["cookies"]],
                "vendors": [
                    {"name": vendors[v]["name"], "where": _where(vendors[v], lang)}
                    for v in p["vendors"]
                ],
            }
            for p in config["purposes"]
        ],
        "third_parties": third,
        "risk": any(t["risk"] for t in third),
        "necessary": {
            "label": config["necessary"]["label"][lang],
            "reason": config["necessary"]["reason"][lang],
            "cookies": [_cookie_row(c, lang) for c in config["necessary"]["cookies"]],
        },
    }


def text_hash(config: dict[str, Any], lang: str) -> str:
    """SHA-256 (hex) of the exact banner text in ``lang`` (what the ledger stores, C4)."""
    return _sha256(banner_view(config, lang))


# --- building blocks -----------------------------------------------------------------------


def _consent_cookies(policy: Policy, purpose: str) -> list[Cookie]:
    """Cookies needing consent in this purpose; a "necessary" one that needs consent is
    offered under functional, never silently exempted."""
    return [
        c
        for c in policy.cookies
        if c.consent_required
        and (c.category == purpose or (c.category == "necessary" and purpose == "functional"))
    ]


def _purpose(policy: Policy, pid: str) -> dict[str, Any]:
    cookies = _consent_cookies(policy, pid)
    label, description = _PURPOSE_TEXT[pid]
    return {
        "id": pid,
        "label": dict(zip(LANGS, label, strict=True)),
        "description": dict(zip(LANGS, description, strict=True)),
        "cookies": [_cookie(policy, c) for c in cookies],
        "vendors": sorted({c.provider for c in cookies}),
    }


def _provider(policy: Policy, provider: str) -> tuple[str, str]:
    """Display name and country of a cookie's provider ("self" is the controller)."""
    if provider == "self":
        return policy.controller.name, policy.controller.address.country
    try:
        recipient = policy.recipient(provider)
    except StopIteration:  # the policy checks report the dangling reference
        return provider, ""
    return recipient.name, recipient.country


def _cookie(policy: Policy, cookie: Cookie) -> dict[str, Any]:
    name, _country = _provider(policy, cookie.provider)
    return {
        "name": cookie.name,
        "provider": cookie.provider,
        "provider_name": name,
        "kind": cookie.kind,
        "lifetime": {lang: _lifetime(cookie, lang) for lang in LANGS},
        "purpose": {
            lang: cookie.purpose.get(lang) or next(iter(cookie.purpose.values())) for lang in LANGS
        },
    }


def _own_cookie(policy: Policy, days: int) -> dict[str, Any]:
    return {
        "name": CONSENT_COOKIE,
        "provider": "self",
        "provider_name": policy.controller.name,
        "kind": "cookie",
        "lifetime": {"de": f"{days} Tage", "en": f"{days} days"},
        "purpose": dict(_OWN_COOKIE_PURPOSE),
    }


def _lifetime(cookie: Cookie, lang: str) -> str:
    word = cookie.lifetime.lower()
    if word == "session":
        return "Ende der Sitzung" if lang == "de" else "end of session"
    if word == "persistent":
        return "unbefristet" if lang == "de" else "no expiry"
    duration = cookie.lifetime_duration
    assert duration is not None
    return duration_text(duration, lang)


def _vendor(policy: Policy, vid: str, purposes: list[dict[str, Any]]) -> dict[str, Any]:
    name, country = _provider(policy, vid)
    transfers: list[dict[str, Any]] = []
    if vid != "self":
        try:
            recipient = policy.recipient(vid)
        except StopIteration:
            recipient = None
        for t in recipient.transfers if recipient else []:
            transfers.append(
                {
                    "country": t.country,
                    "mechanism": t.mechanism,
                    "text": {
                        lang: _transfer_text(t.country, t.mechanism, country, lang)
                        for lang in LANGS
                    },
                }
            )
        if country and country not in EEA_COUNTRIES and not transfers:
            transfers.append(
                {
                    "country": country,
                    "mechanism": "none",
                    "text": {
                        lang: _transfer_text(country, "none", country, lang) for lang in LANGS
                    },
                }
            )
    return {
        "id": vid,
        "name": name,
        "country": country,
        "country_name": {lang: country_name(country, lang) for lang in LANGS},
        "transfers": transfers,
        "risk": any(t["mechanism"] in ("art49", "none") for t in transfers),
        "purposes": [p["id"] for p in purposes if vid in p["vendors"]],
    }


def _transfer_text(country: str, mechanism: str, home: str, lang: str) -> str:
    label = mechanism_label(mechanism, lang)
    return label if country == home else f"{country_name(country, lang)}: {label}"


def _where(vendor: dict[str, Any], lang: str) -> str:
    """Where a vendor is and on what a transfer rests: ``USA (EU-Standardvertragsklauseln)``."""
    where = vendor["country_name"][lang] if vendor["country"] else ""
    transfers = "; ".join(t["text"][lang] for t in vendor["transfers"])
    return f"{where} ({transfers})" if transfers else where


def _cookie_row(cookie: dict[str, Any], lang: str) -> dict[str, str]:
    return {
        "name": cookie["name"],
        "provider": cookie["provider_name"],
        "kind": _KINDS[cookie["kind"]][0 if lang == "de" else 1],
        "lifetime": cookie["lifetime"][lang],
        "purpose": cookie["purpose"][lang],
    }


def _sha256(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
