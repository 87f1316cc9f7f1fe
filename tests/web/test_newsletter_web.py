"""Newsletter pages, unsubscribe (RFC 8058) and the suppression admin API over HTTP, on the
three databases (U3-U6, AF-7, AF-8, VC-14)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from recording_mailer import RecordingMailer
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent import identity_hash, state, suppress
from treu.consent.unsubscribe import unsubscribe_url
from treu.policy.loader import LoadedPolicy, load_policy
from treu.settings import Settings
from treu.store.models import ConsentRecord, NewsletterSubscription, Suppression
from treu.users import create_user, issue_api_token
from treu.web import create_app
from treu.web.app import _jobs

ROOT = Path(__file__).parents[2]
POLICY = ROOT / "examples" / "ideenwerk" / "policy.yaml"
SECRET = "test-secret-key-for-treu-newsletter-0123456"
KEY = SECRET.encode()
EMAIL = "erika.mustermann@example.org"
PURPOSE = "newsletter:newsletter"


@dataclass
class Site:
    client: TestClient
    mailer: RecordingMailer
    clock: FixedClock
    session: Session

    def sign_up(self, email: str = EMAIL, lang: str = "de") -> httpx.Response:
        page = self.client.get(f"/newsletter?lang={lang}")
        found = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert found
        return self.client.post(
            f"/newsletter?lang={lang}",
            data={"email": email, "list": "newsletter", "language": lang,
                  "form_token": found.group(1)},
        )  # fmt: skip

    def bearer(self, role: str) -> dict[str, str]:
        user = create_user(self.session, email=f"{role}@example.org", password="x" * 16,
                           role=role, clock=self.clock)  # fmt: skip
        token = issue_api_token(self.session, user, "mailer", self.clock)
        self.session.commit()
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def policy() -> LoadedPolicy:
    return load_policy(POLICY)


@pytest.fixture
def site(engine: Engine, session: Session, clock: FixedClock, policy: LoadedPolicy) -> Site:
    settings = Settings(secret_key=SecretStr(SECRET), base_url="http://testserver",
                        policy=ROOT / "no-such-policy.yaml")  # fmt: skip
    mailer = RecordingMailer()
    app = create_app(settings, clock=clock, engine=engine, mailer=mailer, policy=policy)
    return Site(TestClient(app, client=("203.0.113.7", 50000)), mailer, clock, session)


def main_of(response: httpx.Response) -> str:
    found = re.search(r"<main.*?</main>", response.text, flags=re.S)
    assert found
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def fresh(session: Session) -> Session:
    session.rollback()
    return session


def test_sign_up_confirm_button_and_consent_in_the_ledger_U3_U4_VC14(site: Site) -> None:
    sent = site.sign_up()
    assert sent.status_code == 200 and "Bitte prüfen Sie Ihre E-Mails" in sent.text
    assert site.mailer.kinds() == ["newsletter_confirm"]
    path = site.mailer.link("newsletter_confirm", "/newsletter/confirm/")

    page = site.client.get(path)  # a link scanner opening the link confirms nothing
    assert page.status_code == 200 and '<form method="post"' in page.text
    assert fresh(site.session).scalars(select(NewsletterSubscription.state)).one() == "pending"

    done = site.client.post(path, headers={"User-Agent": "Mail/1.0"})
    assert done.status_code == 200 and "Newsletter bestätigt" in done.text
    assert "/unsubscribe/newsletter:newsletter/" in done.text
    rec = fresh(site.session).scalars(select(ConsentRecord)).one()
    assert (rec.channel, rec.granted, rec.ip_truncated) == (
        "double_opt_in",
        [PURPOSE],
        "203.0.113.0",
    )
    assert rec.notice_version == "treu-newsletter-form-1" and rec.text_hash is not None
    shown = re.search(
        r'<p class="lead" id="consent-text">(.*?)</p>', site.client.get("/newsletter").text
    )
    assert (
        shown
        and rec.text_hash
        == hashlib.sha256(shown.group(1).replace("&#34;", '"').encode()).hexdigest()
    )

    replay = site.client.post(path)
    assert replay.status_code == 400 and "Link nicht mehr gültig" in replay.text


def test_expired_link_is_refused_over_http_U3(site: Site) -> None:
    site.sign_up()
    path = site.mailer.link("newsletter_confirm", "/newsletter/confirm/")
    site.clock.advance(timedelta(hours=72))
    assert site.client.post(path).status_code == 400
    assert fresh(site.session).scalar(select(func.count()).select_from(ConsentRecord)) == 0


def test_suppressed_and_confirmed_addresses_get_the_same_answer_and_no_mail_U6(
    site: Site,
) -> None:
    fresh_answer = main_of(site.sign_up("new@example.org"))
    suppress(site.session, identity_kind="email", value="blocked@example.org", purpose="*",
             reason="manual", now=site.clock.now(), hash_key=KEY)  # fmt: skip
    site.session.commit()
    blocked_answer = site.sign_up("blocked@example.org")
    site.client.post(site.mailer.link("newsletter_confirm", "/newsletter/confirm/"))
    confirmed_answer = site.sign_up("new@example.org")

    assert main_of(blocked_answer) == fresh_answer == main_of(confirmed_answer)
    assert blocked_answer.status_code == confirmed_answer.status_code == 200
    assert [str(m["To"]) for m in site.mailer.sent] == ["new@example.org"]


def test_sign_ups_are_limited_per_address(site: Site) -> None:
    for _ in range(3):
        assert site.sign_up().status_code == 200
    assert site.sign_up().status_code == 429
    assert len(site.mailer.sent) == 3


def test_unsubscribe_link_get_shows_a_button_and_changes_nothing_U5(site: Site) -> None:
    url = unsubscribe_url("http://testserver", EMAIL, PURPOSE, KEY)
    page = site.client.get(url)
    assert page.status_code == 200 and "Ja, abmelden" in page.text
    assert fresh(site.session).scalar(select(func.count()).select_from(Suppression)) == 0
    forged = site.client.get(url[:-3] + "AAA")
    assert forged.status_code == 404


def test_one_click_unsubscribe_post_rfc8058_stops_all_later_mail_U5_U6_AF8(site: Site) -> None:
    site.sign_up()
    site.client.post(site.mailer.link("newsletter_confirm", "/newsletter/confirm/"))
    dpo = site.bearer("dpo")
    [row] = site.client.get("/admin/api/newsletter/subscribers?list=newsletter", headers=dpo).json()
    assert row["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    assert row["list_unsubscribe"] == f"<{row['unsubscribe_url']}>"

    # what a mail client sends for RFC 8058: a POST with exactly this body, from anywhere
    one_click = site.client.post(
        row["unsubscribe_url"], content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Sec-Fetch-Site": "cross-site"},
    )  # fmt: skip
    assert one_click.status_code == 200 and "Sie sind abgemeldet" in one_click.text

    db = fresh(site.session)
    sub = db.scalars(select(NewsletterSubscription)).one()
    assert (sub.state, sub.email) == ("unsubscribed", None)
    assert not state(db, "email:" + identity_hash("email", EMAIL, KEY))[PURPOSE].granted
    assert site.client.get("/admin/api/newsletter/subscribers", headers=dpo).json() == []
    check = site.client.post("/admin/api/suppressions/check", headers=dpo,
                             json={"purpose": PURPOSE, "value": EMAIL.upper()})  # fmt: skip
    assert check.json() == {"purpose": PURPOSE, "blocked": True}
    site.sign_up()
    assert site.mailer.kinds() == ["newsletter_confirm"]  # never mailed again

    again = site.client.post(row["unsubscribe_url"], data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "schon abgemeldet" in again.text


def test_suppression_check_single_bulk_and_hashes_with_roles_AF7(site: Site) -> None:
    viewer, dpo = site.bearer("viewer"), site.bearer("dpo")
    added = site.client.post("/admin/api/suppressions", headers=dpo,
                             json={"value": "Kunde@Verein.example", "purpose": "customer-mail"})  # fmt: skip
    assert added.status_code == 201 and added.json() == {"added": True, "purpose": "customer-mail"}
    assert site.client.post("/admin/api/suppressions", headers=viewer,
                            json={"value": "x@example.org"}).status_code == 403  # fmt: skip
    everything = site.client.post("/admin/api/suppressions", headers=dpo,
                                  json={"hash": identity_hash("email", "all@example.org", KEY)})  # fmt: skip
    assert everything.json() == {"added": True, "purpose": "*"}

    values = ["kunde@verein.example", "all@example.org", "ok@example.org"]
    bulk = site.client.post("/admin/api/suppressions/check", headers=viewer,
                            json={"purpose": "customer-mail", "values": values})  # fmt: skip
    assert bulk.json() == {"purpose": "customer-mail", "checked": 3,
                           "blocked": ["kunde@verein.example", "all@example.org"]}  # fmt: skip
    hashes = [identity_hash("email", v, KEY) for v in values]
    by_hash = site.client.post("/admin/api/suppressions/check", headers=viewer,
                               json={"purpose": PURPOSE, "hashes": hashes})  # fmt: skip
    assert by_hash.json()["blocked"] == [hashes[1]]
    both = site.client.post("/admin/api/suppressions/check", headers=viewer,
                            json={"purpose": PURPOSE, "value": "a@b.example", "values": []})  # fmt: skip
    assert both.status_code == 422
    assert site.client.post("/admin/api/suppressions/check",
                            json={"purpose": PURPOSE, "value": "a@b.example"}).status_code == 401  # fmt: skip


def test_bulk_check_of_10000_addresses_over_http_U6(site: Site) -> None:
    viewer = site.bearer("viewer")
    values = [f"kunde{n}@example.org" for n in range(10_000)]
    for n in (0, 4321, 9999):
        suppress(site.session, identity_kind="email", value=values[n], purpose="customer-mail",
                 reason="unsubscribe", now=site.clock.now(), hash_key=KEY)  # fmt: skip
    site.session.commit()
    response = site.client.post("/admin/api/suppressions/check", headers=viewer,
                                json={"purpose": "customer-mail", "values": values})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["blocked"] == [values[0], values[4321], values[9999]]
    too_many = site.client.post("/admin/api/suppressions/check", headers=viewer,
                                json={"purpose": "customer-mail", "values": [*values, "x@y.example"]})  # fmt: skip
    assert too_many.status_code == 422


def test_subscriber_export_csv_and_json_for_dpo_only(site: Site) -> None:
    for address in ("=cmd@example.org", "b@example.org"):
        site.sign_up(address)
        site.client.post(site.mailer.link("newsletter_confirm", "/newsletter/confirm/"))
    viewer, admin = site.bearer("viewer"), site.bearer("admin")
    assert site.client.get("/admin/api/newsletter/subscribers", headers=viewer).status_code == 403
    data = site.client.get("/admin/api/newsletter/subscribers", headers=admin).json()
    assert [r["email"] for r in data] == ["=cmd@example.org", "b@example.org"]
    csv = site.client.get("/admin/api/newsletter/subscribers?format=csv", headers=admin)
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("email,lang,confirmed_at,unsubscribe_url")
    assert lines[1].startswith("'=cmd@example.org,de,") and lines[2].startswith("b@example.org,de,")


def test_api_sign_up_sends_the_same_double_opt_in_channel_api_U3(site: Site) -> None:
    dpo = site.bearer("dpo")
    response = site.client.post(
        "/admin/api/newsletter/subscriptions", headers=dpo,
        json={"email": EMAIL, "lang": "en", "text_version": "shop-checkout-3", "ip": "192.0.2.44"},
    )  # fmt: skip
    assert response.status_code == 202 and response.json() == {"status": "accepted"}
    sub = fresh(site.session).scalars(select(NewsletterSubscription)).one()
    assert (sub.channel, sub.lang, sub.ip_truncated) == ("api", "en", "192.0.2.0")
    assert site.mailer.sent[0]["Content-Language"] == "en"
    no_text = site.client.post("/admin/api/newsletter/subscriptions", headers=dpo,
                               json={"email": "other@example.org"})  # fmt: skip
    assert no_text.status_code == 422


def test_server_job_deletes_unconfirmed_sign_ups_after_the_pending_days_U3(site: Site) -> None:
    site.sign_up()
    app_state = site.client.app.state.treu  # type: ignore[attr-defined]
    [job] = [j for j in _jobs(app_state).jobs if j.name == "purge-pending-newsletter"]
    site.clock.advance(timedelta(days=29))
    assert job.run() == 0
    site.clock.advance(timedelta(days=1, seconds=1))
    assert job.run() == 1
    assert fresh(site.session).scalar(select(func.count()).select_from(NewsletterSubscription)) == 0


def test_pages_need_a_policy(engine: Engine, session: Session, clock: FixedClock) -> None:
    settings = Settings(secret_key=SecretStr(SECRET), policy=ROOT / "no-such-policy.yaml")
    client = TestClient(create_app(settings, clock=clock, engine=engine, mailer=RecordingMailer()))
    assert client.get("/newsletter").status_code == 503
