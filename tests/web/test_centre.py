"""The public privacy centre: start page, notice, request form, confirmation and status (D1-D3, N16).

On SQLite, PostgreSQL and MariaDB.  A request comes in through the form as a
person would send it; staff steps (start, extend, complete) go through the
domain, as the admin API would call them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer
from pydantic import SecretStr
from recording_mailer import RecordingMailer
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.policy.loader import LoadedPolicy, load_policy
from treu.requests import KINDS, MailContext, complete, extend, kind_label, reject, start
from treu.settings import Settings
from treu.store.models import AuditEvent, Request
from treu.web import create_app
from treu.web._centre_text import mask_email
from treu.web.ratelimit import Limit, RateLimits
from treu.web.security import STRICT_CSP

ROOT = Path(__file__).parents[2]
POLICY = ROOT / "examples" / "ideenwerk" / "policy.yaml"
SECRET = "test-secret-key-for-treu-privacy-centre-0123"
EMAIL = "erika.mustermann@example.org"
MASKED = "e•••@example.org"
CONTROLLER = "Ideenwerk Kollektiv UG (haftungsbeschränkt)"
NEUTRAL_DE = "Der Bestätigungslink ist unbekannt, abgelaufen oder wurde schon verwendet."


@dataclass
class Centre:
    client: TestClient
    app: FastAPI
    mailer: RecordingMailer
    pages: list[httpx.Response] = field(default_factory=list)

    @property
    def mail_ctx(self) -> MailContext:
        ctx = self.app.state.treu.mail_ctx
        assert isinstance(ctx, MailContext)
        return ctx

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(path, **kwargs)
        self.pages.append(response)
        return response

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client.post(path, **kwargs)
        self.pages.append(response)
        return response

    def form_token(self, lang: str = "de") -> str:
        page = self.get(f"/requests/new?lang={lang}")
        found = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert found
        return found.group(1)

    def send_form(self, lang: str = "de", **fields: str) -> httpx.Response:
        data = {"kind": "access", "email": EMAIL, "message": "", "language": lang}
        data["form_token"] = self.form_token(lang)
        data.update(fields)
        return self.post(f"/requests?lang={lang}", data=data)


@pytest.fixture(scope="module")
def policy() -> LoadedPolicy:
    return load_policy(POLICY)


@pytest.fixture
def make_centre(
    engine: Engine, session: Session, clock: FixedClock, policy: LoadedPolicy
) -> Callable[..., Centre]:
    def build(*, limits: RateLimits | None = None, with_policy: bool = True) -> Centre:
        settings = Settings(
            secret_key=SecretStr(SECRET),
            base_url="http://testserver",
            policy=ROOT / "no-such-policy.yaml",
        )
        mailer = RecordingMailer()
        app = create_app(
            settings,
            clock=clock,
            engine=engine,
            mailer=mailer,
            limits=limits,
            policy=policy if with_policy else None,
        )
        return Centre(TestClient(app, client=("203.0.113.7", 50000)), app, mailer)

    return build


@pytest.fixture
def centre(make_centre: Callable[..., Centre]) -> Centre:
    return make_centre()


def fresh(session: Session) -> Session:
    """End the test session's snapshot so it sees what the app committed."""
    session.rollback()
    return session


def the_request(session: Session) -> Request:
    return fresh(session).scalars(select(Request)).one()


def assert_strict(response: httpx.Response, *, no_store: bool = False) -> None:
    assert response.headers["content-security-policy"] == STRICT_CSP
    assert response.headers["referrer-policy"] == "no-referrer"
    if no_store:
        assert response.headers["cache-control"] == "no-store"


def text_of(response: httpx.Response) -> str:
    """The page's text with tags dropped and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def main_of(response: httpx.Response) -> str:
    found = re.search(r"<main.*?</main>", response.text, flags=re.S)
    assert found
    return found.group(0)


@pytest.fixture
def verified(centre: Centre, session: Session) -> Iterator[tuple[Centre, Request, str]]:
    """A request sent through the form and confirmed; yields its status path."""
    assert centre.send_form().status_code == 200
    assert centre.post(centre.mailer.link("verify", "/requests/verify/")).status_code == 200
    yield centre, the_request(session), centre.mailer.link("receipt", "/requests/status/")


# --- start page and notice -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading", "switch"),
    [("de", "Ihre Daten bei", "English"), ("en", "Your data at", "Deutsch")],
)
def test_start_page_names_the_controller_and_links_notice_and_form_N1_N16(
    centre: Centre, lang: str, heading: str, switch: str
) -> None:
    page = centre.get(f"/?lang={lang}")
    assert page.status_code == 200
    assert_strict(page)
    assert f'<html lang="{lang}">' in page.text
    assert f"{heading} {CONTROLLER}" in text_of(page)
    assert "kontakt@ideenwerk.example" in page.text and "Hansaring 12" in page.text
    assert f'href="/privacy?lang={lang}"' in page.text
    assert f'href="/requests/new?lang={lang}"' in page.text
    other = "en" if lang == "de" else "de"
    assert f'href="/?lang={other}" lang="{other}" hreflang="{other}">{switch}' in page.text
    assert '<a class="skip" href="#content">' in page.text and '<main id="content"' in page.text
    assert "<script" not in page.text and "style=" not in page.text and "<style" not in page.text


def test_language_follows_the_browser_when_not_asked(centre: Centre) -> None:
    assert '<html lang="en">' in centre.get("/", headers={"Accept-Language": "en-GB,en"}).text
    assert '<html lang="de">' in centre.get("/", headers={"Accept-Language": "fr"}).text


@pytest.mark.parametrize(
    ("lang", "title"), [("de", "Datenschutzerklärung"), ("en", "Privacy notice")]
)
def test_privacy_serves_the_policy_notice_under_the_strict_csp_N16(
    centre: Centre, lang: str, title: str
) -> None:
    page = centre.get(f"/privacy?lang={lang}")
    assert page.status_code == 200
    assert_strict(page)
    assert f'<html lang="{lang}">' in page.text and f"<title>{title}</title>" in page.text
    assert "<style" not in page.text  # the CSP would block it; the stylesheet is linked
    assert '<link rel="stylesheet" href="/privacy/notice.css">' in page.text
    assert 'href="/requests/new?lang=' in page.text  # the way back into the centre
    css = centre.get("/privacy/notice.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".skip" in css.text and "{" in css.text
    assert centre.get("/static/centre.css").headers["content-type"].startswith("text/css")


def test_without_a_policy_the_centre_says_it_is_not_set_up(
    make_centre: Callable[..., Centre],
) -> None:
    centre = make_centre(with_policy=False)
    notice = centre.get("/privacy?lang=en")
    assert notice.status_code == 404
    assert notice.headers["content-type"].startswith("text/html")
    assert "Not set up yet" in notice.text and "privacy centre" in notice.text
    assert centre.get("/requests/new").status_code == 503
    assert centre.get("/").status_code == 404


# --- the form --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "en"])
def test_form_offers_every_kind_with_a_plain_sentence_and_says_what_the_address_is_for_D3(
    centre: Centre, lang: str
) -> None:
    page = centre.get(f"/requests/new?lang={lang}")
    assert page.status_code == 200
    assert_strict(page, no_store=True)
    for kind in KINDS:
        assert f'<input type="radio" id="kind-{kind}" name="kind" value="{kind}"' in page.text
        assert f'<label for="kind-{kind}">{kind_label(kind, lang)}</label>' in page.text
        assert f'id="kind-{kind}-hint"' in page.text
    assert 'name="form_token" value="' in page.text
    assert 'type="email" id="email" name="email"' in page.text
    assert '<textarea id="message" name="message"' in page.text
    assert f'id="language-{lang}" name="language" value="{lang}" checked' in page.text
    words = text_of(page)
    if lang == "de":
        assert "Wir verwenden Ihre E-Mail-Adresse nur, um Ihre Anfrage zu bearbeiten" in words
        assert "Art. 12 Abs. 6 DSGVO" in words and "keinen Ausweis" in words
    else:
        assert "We use your e-mail address only to handle your request" in words
        assert "Art. 12(6) GDPR" in words and "no ID" in words


def test_submit_sends_receipt_and_link_and_shows_reference_and_masked_address_D1_D3(
    centre: Centre, session: Session
) -> None:
    page = centre.send_form(message="Bitte alles, was Sie über mich haben.")
    assert page.status_code == 200
    assert_strict(page, no_store=True)
    assert centre.mailer.kinds() == ["receipt", "verify"]
    assert all(m["To"] == EMAIL for m in centre.mailer.sent)
    request = the_request(session)
    assert (request.kind, request.channel, request.state) == (
        "access",
        "web",
        "awaiting_verification",
    )
    assert request.message == "Bitte alles, was Sie über mich haben."
    words = text_of(page)
    assert request.reference in words and MASKED in words
    assert "Donnerstag, 3. April 2025" in words  # received Mon 3 March 2025 (D1)
    assert EMAIL not in page.text
    status_token = centre.mailer.link("receipt", "/requests/status/").rsplit("/", 1)[1]
    verify_token = centre.mailer.link("verify", "/requests/verify/").rsplit("/", 1)[1]
    assert status_token not in page.text and verify_token not in page.text


def test_missing_and_invalid_fields_are_a_400_page_with_messages_and_kept_values(
    centre: Centre, session: Session
) -> None:
    page = centre.send_form(kind="", email="erika at example", message="Hallo & <Grüße>")
    assert page.status_code == 400
    assert_strict(page, no_store=True)
    words = text_of(page)
    assert "Bitte wählen Sie aus, was wir für Sie tun sollen." in words
    assert "Bitte geben Sie die E-Mail-Adresse in der Form name@example.org an." in words
    assert 'value="erika at example"' in page.text  # kept as typed
    assert ">Hallo &amp; &lt;Grüße&gt;</textarea>" in page.text  # kept, escaped
    assert 'aria-invalid="true"' in page.text and 'role="alert"' in page.text
    assert "<title>Fehler: " in page.text
    empty = centre.send_form(lang="en", email="", language="fr", message="x" * 5001)
    assert empty.status_code == 400
    words = text_of(empty)
    assert "Please enter your e-mail address." in words
    assert "at most 5000 characters" in words and "German or English" in words
    assert (
        'id="kind-access" name="kind" value="access" aria-describedby="kind-access-hint" checked'
        in empty.text
    )
    assert centre.mailer.sent == []
    assert fresh(session).scalars(select(Request)).all() == []


def _forged() -> str:
    """A well-formed token signed with another key."""
    return URLSafeSerializer("another-secret-of-at-least-32-characters!").dumps(
        {"n": "x", "t": 1_741_000_000}
    )


@pytest.mark.parametrize("how", ["missing", "forged", "expired", "cross-site"])
def test_form_token_missing_forged_expired_or_cross_site_is_400(
    centre: Centre, session: Session, clock: FixedClock, how: str
) -> None:
    token = centre.form_token()
    headers = {}
    if how == "missing":
        token = ""
    elif how == "forged":
        token = _forged()
    elif how == "expired":
        clock.advance(timedelta(hours=2, seconds=1))
    else:
        headers = {"Sec-Fetch-Site": "cross-site"}
    data = {"kind": "erasure", "email": EMAIL, "language": "de", "form_token": token}
    page = centre.post("/requests", data=data, headers=headers)
    assert page.status_code == 400
    assert "Das Formular ist abgelaufen oder kam nicht von unserer Seite." in text_of(page)
    assert 'value="erasure" aria-describedby="kind-erasure-hint" checked' in page.text
    assert centre.mailer.sent == []
    assert fresh(session).scalars(select(Request)).all() == []


def test_rate_limit_per_address_is_a_429_page_and_lifts_the_next_day(
    centre: Centre, session: Session, clock: FixedClock
) -> None:
    for _ in range(3):
        assert centre.send_form().status_code == 200
    page = centre.send_form(email=EMAIL.upper())  # the same address, however spelled
    assert page.status_code == 429
    assert_strict(page)
    assert int(page.headers["retry-after"]) > 0
    assert "Zu viele Anfragen" in page.text and "datenschutz@ideenwerk.example" in page.text
    assert len(centre.mailer.sent) == 6
    assert len(fresh(session).scalars(select(Request)).all()) == 3
    clock.advance(timedelta(days=1))
    assert centre.send_form().status_code == 200


def test_rate_limit_per_network_counts_all_addresses(make_centre: Callable[..., Centre]) -> None:
    centre = make_centre(limits=RateLimits(request_per_ip=Limit(2, 3600)))
    assert centre.send_form(email="a@example.org").status_code == 200
    assert centre.send_form(email="b@example.org").status_code == 200
    page = centre.send_form(lang="en", email="c@example.org")
    assert page.status_code == 429 and "Too many requests" in page.text
    assert len(centre.mailer.sent) == 4


# --- confirmation --------------------------------------------------------------------------


def test_opening_the_link_only_shows_a_button_D3(centre: Centre, session: Session) -> None:
    centre.send_form()
    path = centre.mailer.link("verify", "/requests/verify/")
    page = centre.get(path)
    assert page.status_code == 200
    assert_strict(page, no_store=True)
    assert f'<form method="post" action="{path}?lang=de">' in page.text
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    assert the_request(session).state == "awaiting_verification"
    centre.send_form(lang="en", email="john@example.org")
    english = centre.get(centre.mailer.link("verify", "/requests/verify/"))
    assert '<html lang="en">' in english.text  # the request's language; the link has none


def test_confirming_twice_fails_neutrally_and_the_failure_is_audited_D3_D14(
    centre: Centre, session: Session
) -> None:
    centre.send_form()
    path = centre.mailer.link("verify", "/requests/verify/")
    first = centre.post(path)
    assert first.status_code == 200
    assert_strict(first, no_store=True)
    assert "Danke, Ihre Anfrage ist bestätigt" in first.text
    request = the_request(session)
    assert request.state == "verified" and request.verified_at is not None
    assert request.reference in text_of(first)

    second = centre.post(path)
    assert second.status_code == 400
    assert_strict(second, no_store=True)
    assert NEUTRAL_DE in text_of(second)
    failed = (
        fresh(session)
        .scalars(select(AuditEvent).where(AuditEvent.action == "verification_failed"))
        .all()
    )
    assert [(e.request_id, e.reason, e.actor) for e in failed] == [(request.id, "used", "subject")]

    unknown = centre.post("/requests/verify/not-a-token-we-ever-sent")
    assert unknown.status_code == 400
    assert main_of(unknown) == main_of(second)  # the same words, whatever the reason


def test_an_expired_link_fails_with_the_same_message_and_is_audited_D3(
    centre: Centre, session: Session, clock: FixedClock
) -> None:
    centre.send_form()
    clock.advance(timedelta(hours=72))
    page = centre.post(centre.mailer.link("verify", "/requests/verify/"))
    assert page.status_code == 400 and NEUTRAL_DE in text_of(page)
    reasons = (
        fresh(session)
        .scalars(select(AuditEvent.reason).where(AuditEvent.action == "verification_failed"))
        .all()
    )
    assert reasons == ["expired"]
    assert the_request(session).state == "awaiting_verification"


def test_confirmation_page_links_to_the_status_page(verified: tuple[Centre, Request, str]) -> None:
    centre, _, status_path = verified
    confirmed = [p for p in centre.pages if "Danke, Ihre Anfrage ist bestätigt" in p.text][-1]
    assert f'href="{status_path}?lang=de"' in confirmed.text


# --- status ----------------------------------------------------------------------------------


def test_status_page_shows_state_due_date_in_Berlin_words_and_history_D1_D14(
    verified: tuple[Centre, Request, str],
) -> None:
    centre, request, path = verified
    page = centre.get(path)
    assert page.status_code == 200
    assert_strict(page, no_store=True)
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    words = text_of(page)
    assert request.reference in words
    assert "Auskunft (Art. 15 DSGVO)" in words and "Bestätigt" in words
    assert "Eingegangen am 3. März 2025, 10:00 Uhr" in words
    assert "Wir antworten spätestens am Donnerstag, 3. April 2025" in words
    for line in (
        "Ihre Anfrage ist bei uns eingegangen.",
        "Wir haben Ihnen einen Bestätigungslink per E-Mail geschickt.",
        "Sie haben die Anfrage bestätigt.",
    ):
        assert line in words
    english = text_of(centre.get(f"{path}?lang=en"))
    assert "Confirmed" in english and "We will answer by Thursday, 3 April 2025" in english
    assert "Received on 3 March 2025, 10:00 (CET)" in english
    assert "You confirmed the request." in english


def test_deadline_counts_from_the_Berlin_day_of_receipt_D1(
    centre: Centre, session: Session, clock: FixedClock
) -> None:
    clock.set(datetime(2025, 3, 31, 22, 30, tzinfo=UTC))  # 00:30 on 1 April in Berlin
    centre.send_form(lang="en")
    page = centre.get(centre.mailer.link("receipt", "/requests/status/"))  # English by request
    words = text_of(page)
    assert "Received on 1 April 2025, 00:30 (CEST)" in words
    # 1 May is Labour Day, so the month ends on the next working day (Reg. 1182/71 Art. 3(4)).
    assert "We will answer by Friday, 2 May 2025" in words
    assert "Please confirm the request with the link in our e-mail." in words


def test_status_page_tells_of_an_extension_and_its_reason_without_naming_staff_D1(
    verified: tuple[Centre, Request, str], session: Session, clock: FixedClock
) -> None:
    centre, request, path = verified
    start(session, request.id, actor="user:7", clock=clock)
    extend(
        session,
        request.id,
        months=2,
        reason="Wir müssen Daten aus drei Archivsystemen zusammentragen.",
        actor="user:7",
        clock=clock,
        mailer=centre.mailer,
        mail_ctx=centre.mail_ctx,
    )
    session.commit()
    words = text_of(centre.get(path))
    assert "Die Frist wurde verlängert" in words
    assert "Die ursprüngliche Frist war Donnerstag, 3. April 2025." in words
    assert "Wir müssen Daten aus drei Archivsystemen zusammentragen." in words
    assert "Wir antworten spätestens am Dienstag, 3. Juni 2025" in words
    assert "Unser Team hat mit der Bearbeitung begonnen." in words
    assert "Unser Team hat die Frist verlängert" in words
    assert "user:7" not in words and "In Bearbeitung" in words


def test_result_download_after_completion_is_an_uncached_attachment_D5(
    verified: tuple[Centre, Request, str], session: Session, clock: FixedClock
) -> None:
    centre, request, path = verified
    assert centre.get(f"{path}/result").status_code == 404
    data = b'{"name": "Erika Mustermann"}'
    start(session, request.id, actor="user:1", clock=clock)
    complete(
        session,
        request.id,
        actor="user:1",
        clock=clock,
        mailer=centre.mailer,
        mail_ctx=centre.mail_ctx,
        result=("auskunft-ä.json", "application/json", data),
    )
    session.commit()
    page = centre.get(path)
    assert f'href="{path}/result"' in page.text and "Erledigt" in text_of(page)
    assert "Unser Team hat Ihre Anfrage erledigt." in text_of(page)
    download = centre.get(f"{path}/result")
    assert download.status_code == 200
    assert_strict(download, no_store=True)
    assert download.content == data
    assert download.headers["content-type"] == "application/json"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="auskunft-_.json"')
    assert "filename*=UTF-8''auskunft-%C3%A4.json" in disposition


def test_rejected_request_shows_the_reason_and_the_right_to_complain_D1(
    verified: tuple[Centre, Request, str], session: Session, clock: FixedClock
) -> None:
    centre, request, path = verified
    reject(
        session,
        request.id,
        reason="excessive",
        detail="Dies ist die fünfte gleichlautende Anfrage in diesem Monat.",
        actor="user:1",
        clock=clock,
        mailer=centre.mailer,
        mail_ctx=centre.mail_ctx,
    )
    session.commit()
    words = text_of(centre.get(path))
    assert "Abgelehnt" in words and "Der Antrag ist exzessiv" in words
    assert "fünfte gleichlautende Anfrage" in words
    assert "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen" in words


def test_status_link_from_an_old_mail_or_unknown_is_404(
    verified: tuple[Centre, Request, str], session: Session, clock: FixedClock
) -> None:
    centre, request, path = verified
    start(session, request.id, actor="user:1", clock=clock)
    # Without a link secret every status mail carries a fresh link and retires the old one.
    complete(
        session,
        request.id,
        actor="user:1",
        clock=clock,
        mailer=centre.mailer,
        mail_ctx=replace(centre.mail_ctx, link_secret=""),
        result=("a.json", "application/json", b"{}"),
    )
    session.commit()
    for old in (
        path,
        f"{path}/result",
        "/requests/status/unknown",
        "/requests/status/" + "x" * 300,
    ):
        page = centre.get(old)
        assert page.status_code == 404, old
        assert_strict(page, no_store=True)
        assert "neuesten E-Mail" in text_of(page)
    newest = centre.mailer.link("completed", "/requests/status/")
    assert centre.get(newest).status_code == 200
    assert centre.get(f"{newest}/result").content == b"{}"


def test_no_page_shows_the_full_address_except_the_form_as_typed(
    verified: tuple[Centre, Request, str],
) -> None:
    centre, _, path = verified
    centre.get(path)
    centre.get(f"{path}?lang=en")
    centre.get("/")
    centre.get("/privacy")
    retyped = centre.send_form(email=EMAIL, kind="nonsense")
    assert retyped.status_code == 400
    shown = [p for p in centre.pages if EMAIL in p.text]
    assert shown == [retyped]
    assert len(centre.pages) > 8


@pytest.mark.parametrize(
    ("address", "masked"),
    [(EMAIL, MASKED), ("a@b.de", "a•••@b.de"), ("x.y+z@sub.example.org", "x•••@sub.example.org")],
)
def test_masked_address_keeps_only_the_first_letter_and_the_domain(
    address: str, masked: str
) -> None:
    assert mask_email(address) == masked
