"""The staff console: log in, list, read and handle requests as HTML forms (D1, D2, D6, D14).

On SQLite, PostgreSQL and MariaDB.  Requests come in through the domain (``submit``
and ``verify``); staff log in through the console's own form and send every step
as a browser would: a form POST carrying the CSRF token from the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import fastapi.routing
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from recording_mailer import RecordingMailer
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.policy.loader import LoadedPolicy, load_policy
from treu.requests import submit, verify
from treu.settings import Settings
from treu.store.models import AuditEvent, Request, RequestResult, User
from treu.web import admin_requests, create_app

AddUser = Callable[..., User]
PASSWORD = "correct horse battery"
EMAIL = "erika.mustermann@example.org"
MESSAGE = "Bitte teilen Sie mir mit, welche Daten Sie über mich speichern."
POLICY = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"
STEPS = ("start", "extend", "complete", "reject", "resend-verification")
PUBLIC = {("GET", "/admin"), ("POST", "/admin/console/login")}
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def policy() -> LoadedPolicy:
    return load_policy(POLICY)


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer()


@pytest.fixture
def new_client(
    engine: Engine, session: Session, clock: FixedClock, mailer: RecordingMailer, policy: Any
) -> Callable[[], TestClient]:
    """A TestClient (its own cookie jar) over one app on the real database."""
    settings = Settings(
        secret_key=SecretStr("test-secret-key-for-treu-staff-console-0123"),
        base_url="http://testserver",
    )
    app = create_app(settings, clock=clock, engine=engine, mailer=mailer, policy=policy)
    return lambda: TestClient(app, client=("127.0.0.1", 50000), follow_redirects=False)


@pytest.fixture
def new_request(
    session: Session, clock: FixedClock, mailer: RecordingMailer, new_client: Any
) -> Callable[..., Request]:
    """Submit a request through the domain and confirm it unless told not to."""
    mail_ctx = new_client().app.state.treu.mail_ctx

    def make(*, kind: str = "access", confirm: bool = True) -> Request:
        sub = submit(
            session,
            kind=kind,
            email=EMAIL,
            lang="de",
            message=MESSAGE,
            channel="web",
            clock=clock,
            mailer=mailer,
            mail_ctx=mail_ctx,
        )
        if confirm:
            verify(session, token=sub.verification_token, clock=clock)
        session.commit()
        return sub.request

    return make


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def log_in(client: TestClient, email: str) -> str:
    """Log in through the console's form as a browser would; returns the page's CSRF token."""
    form = client.get("/admin")
    assert form.status_code == 200
    assert 'action="/admin/console/login' in form.text
    done = client.post("/admin/console/login", data={"email": email, "password": PASSWORD})
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith("/admin/requests")
    listed = client.get(done.headers["location"])
    assert listed.status_code == 200
    return csrf_of(listed.text)


@pytest.fixture
def dpo(new_client: Callable[[], TestClient], add_user: AddUser) -> tuple[TestClient, str, User]:
    user = add_user("dpo@example.org", role="dpo")
    client = new_client()
    return client, log_in(client, "dpo@example.org"), user


def trail(session: Session, request_id: str) -> list[tuple[str, str]]:
    session.rollback()  # see what the app committed
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.request_id == request_id).order_by(AuditEvent.id)
    )
    return [(e.action, e.actor) for e in events]


def state_in_db(session: Session, request_id: str) -> str:
    session.rollback()
    session.expire_all()  # the app committed in its own session
    row = session.get(Request, request_id)
    assert row is not None
    return row.state


def test_log_in_by_form_wrong_password_gets_one_neutral_message_and_log_out_ends_it(
    new_client: Callable[[], TestClient], add_user: AddUser
) -> None:
    add_user("dpo@example.org", role="dpo")
    client = new_client()

    for email, password in (("dpo@example.org", "wrong"), ("nobody@example.org", PASSWORD)):
        refused = client.post(
            "/admin/console/login?lang=en", data={"email": email, "password": password}
        )
        assert refused.status_code == 401
        assert "Login failed: the e-mail address or the password is not correct." in refused.text
        assert 'role="alert"' in refused.text and f'value="{email}"' in refused.text
        assert "set-cookie" not in refused.headers
    assert client.get("/admin/requests").status_code == 303

    csrf = log_in(client, "dpo@example.org")
    again = client.get("/admin?lang=de")
    assert (again.status_code, again.headers["location"]) == (303, "/admin/requests?lang=de")
    assert client.post("/admin/console/logout", data={"csrf_token": "x"}).status_code == 403
    out = client.post("/admin/console/logout?lang=de", data={"csrf_token": csrf})
    assert (out.status_code, out.headers["location"]) == (303, "/admin?lang=de")
    gone = client.get("/admin/requests")
    assert (gone.status_code, gone.headers["location"]) == (303, "/admin?lang=de")


def test_list_shows_references_and_the_deadline_in_words_overdue_first_D1(
    new_client: Callable[[], TestClient],
    add_user: AddUser,
    new_request: Callable[..., Request],
    clock: FixedClock,
) -> None:
    add_user("dpo@example.org", role="dpo")
    early = new_request(kind="access")  # received Mon 3 Mar 2025, due Thu 3 Apr
    clock.advance(timedelta(days=14))
    later = new_request(kind="erasure")  # received Mon 17 Mar, due Thu 17 Apr
    clock.advance(timedelta(minutes=1))
    fresh = new_request(kind="access", confirm=False)

    clock.set(datetime.fromisoformat("2025-04-11T10:00:00+02:00"))
    client = new_client()  # logged in after the time travel: a session lasts 8 hours
    log_in(client, "dpo@example.org")

    page = client.get("/admin/requests?lang=de")
    assert page.status_code == 200
    text = page.text
    positions = [text.index(r.reference) for r in (fresh, later, early)]
    assert positions == sorted(positions)  # newest first
    assert "Überfällig" in text and "Bald fällig (höchstens 7 Tage)" in text
    assert "Donnerstag, 3. April 2025" in text and "Auskunft (Art. 15 DSGVO)" in text
    assert "Bestätigung ausstehend" in text and "⚠" in text  # a cue beside the colour
    assert EMAIL not in text and MESSAGE not in text

    english = client.get("/admin/requests?lang=en&due=overdue").text
    assert early.reference in english and later.reference not in english
    assert "Overdue" in english and "Thursday, 3 April 2025" in english
    assert "most urgent deadline first" in english

    soon = client.get("/admin/requests?due=due_soon&lang=en").text
    assert later.reference in soon and early.reference not in soon
    assert "Due soon (7 days or less)" in soon

    waiting = client.get("/admin/requests?state=awaiting_verification").text
    assert fresh.reference in waiting and early.reference not in waiting
    erasure = client.get("/admin/requests?kind=erasure&state=").text
    assert later.reference in erasure and early.reference not in erasure
    assert client.get("/admin/requests?due=late").status_code == 422


def test_detail_shows_email_and_message_to_the_dpo_only_and_forms_to_handlers_only(
    new_client: Callable[[], TestClient],
    add_user: AddUser,
    new_request: Callable[..., Request],
    dpo: tuple[TestClient, str, User],
    session: Session,
    mailer: RecordingMailer,
) -> None:
    client, _, _ = dpo
    found = new_request()
    page = client.get(f"/admin/requests/{found.id}")
    assert page.status_code == 200
    assert EMAIL in page.text and MESSAGE in page.text
    assert f'action="/admin/requests/{found.id}/start' in page.text
    assert f'action="/admin/requests/{found.id}/extend' in page.text
    assert f"/admin/api/requests/{found.id}/audit" in page.text
    assert "Kette intakt" in page.text

    add_user("viewer@example.org", role="viewer")
    viewer = new_client()
    csrf = log_in(viewer, "viewer@example.org")
    seen = viewer.get(f"/admin/requests/{found.id}?lang=en")
    assert seen.status_code == 200
    assert EMAIL not in seen.text and MESSAGE not in seen.text
    assert found.reference in seen.text and "Chain intact" in seen.text
    assert "/start" not in seen.text and "<textarea" not in seen.text
    sent = len(mailer.sent)
    for step in STEPS:
        refused = viewer.post(
            f"/admin/requests/{found.id}/{step}",
            data={"csrf_token": csrf, "months": "1", "reason": "Viele Systeme betroffen."},
        )
        assert refused.status_code == 403, f"{step}: {refused.status_code}"
    assert state_in_db(session, found.id) == "verified"
    assert len(mailer.sent) == sent


def test_each_step_by_form_lands_in_the_audit_trail_with_a_status_message_D1_D14(
    dpo: tuple[TestClient, str, User],
    new_request: Callable[..., Request],
    session: Session,
    mailer: RecordingMailer,
) -> None:
    client, csrf, user = dpo
    staff = f"user:{user.id}"
    first = new_request()
    base = f"/admin/requests/{first.id}"

    started = client.post(f"{base}/start?lang=en", data={"csrf_token": csrf})
    assert started.status_code == 303
    assert started.headers["location"] == f"{base}?lang=en&done=start"
    shown = client.get(started.headers["location"])
    assert '<p class="done" role="status">' in shown.text
    assert "Work on the request has started." in shown.text

    reason = "Die Daten liegen in drei Systemen und im Archiv."
    extended = client.post(
        f"{base}/extend", data={"csrf_token": csrf, "months": "2", "reason": reason}
    )
    assert extended.status_code == 303
    page = client.get(extended.headers["location"]).text
    assert "Die Frist ist verlängert" in page and reason in page
    assert "Dienstag, 3. Juni 2025" in page  # 3 April + 2 months
    assert mailer.kinds()[-1] == "extension"

    done = client.post(
        f"{base}/complete",
        data={"csrf_token": csrf},
        files={"result": ("auskunft.json", b'{"name": "Erika"}', "application/json")},
    )
    assert done.status_code == 303, done.text
    assert "done=complete" in done.headers["location"]
    stored = session.scalars(select(RequestResult).where(RequestResult.request_id == first.id))
    assert [(r.filename, r.content) for r in stored] == [("auskunft.json", b'{"name": "Erika"}')]
    assert trail(session, first.id)[-3:] == [
        ("started", staff),
        ("extended", staff),
        ("completed", staff),
    ]
    closed = client.get(f"{base}?lang=de").text
    assert (
        "Erledigt" in closed
        and "Kette intakt" in closed
        and '<form method="post" action="/admin/requests' not in closed
    )

    second = new_request(kind="erasure")
    rejected = client.post(
        f"/admin/requests/{second.id}/reject",
        data={"csrf_token": csrf, "reason": "legal_exception", "detail": "§ 34 Abs. 1 BDSG"},
    )
    assert rejected.status_code == 303
    assert trail(session, second.id)[-1] == ("rejected", staff)
    assert mailer.kinds()[-1] == "rejected"

    waiting = new_request(confirm=False)
    resent = client.post(
        f"/admin/requests/{waiting.id}/resend-verification", data={"csrf_token": csrf}
    )
    assert resent.status_code == 303
    assert trail(session, waiting.id)[-1] == ("verification_resent", staff)
    assert mailer.kinds()[-1] == "verify"


def test_completing_with_an_empty_file_field_completes_without_a_file(
    dpo: tuple[TestClient, str, User], new_request: Callable[..., Request], session: Session
) -> None:
    """A browser sends the file field empty when nothing was chosen."""
    client, csrf, _ = dpo
    found = new_request(kind="erasure")
    assert (
        client.post(f"/admin/requests/{found.id}/start", data={"csrf_token": csrf}).status_code
        == 303
    )
    done = client.post(
        f"/admin/requests/{found.id}/complete",
        data={"csrf_token": csrf},
        files={"result": ("", b"", "application/octet-stream")},
    )
    assert done.status_code == 303, done.text
    assert state_in_db(session, found.id) == "completed"
    assert session.scalars(select(RequestResult)).all() == []


def test_a_second_extension_is_refused_on_the_page_and_nothing_changes_D1(
    dpo: tuple[TestClient, str, User],
    new_request: Callable[..., Request],
    session: Session,
    mailer: RecordingMailer,
) -> None:
    client, csrf, _ = dpo
    found = new_request()
    order = {"csrf_token": csrf, "months": "1", "reason": "Sehr viele Systeme sind betroffen."}
    assert client.post(f"/admin/requests/{found.id}/extend", data=order).status_code == 303
    sent = len(mailer.sent)

    again = client.post(
        f"/admin/requests/{found.id}/extend?lang=en", data={**order, "reason": "Noch mehr Zeit."}
    )
    assert again.status_code == 409
    assert 'role="alert"' in again.text and "That did not work" in again.text
    assert "allows one extension" in again.text
    assert "allows no second extension" in again.text  # and no second form
    assert len(mailer.sent) == sent
    assert [a for a, _ in trail(session, found.id)].count("extended") == 1

    short = new_request()
    typed = {"csrf_token": csrf, "months": "2", "reason": "kurz"}
    refused = client.post(f"/admin/requests/{short.id}/extend", data=typed)
    assert refused.status_code == 409
    assert "at least 10 characters" in refused.text
    assert ">kurz</textarea>" in refused.text and 'value="2" checked' in refused.text

    unchosen = client.post(
        f"/admin/requests/{short.id}/reject", data={"csrf_token": csrf, "detail": "Warum"}
    )
    assert unchosen.status_code == 400
    assert "Bitte wählen Sie einen Grund" in unchosen.text and ">Warum</textarea>" in unchosen.text

    bare = client.post(
        f"/admin/requests/{short.id}/reject", data={"csrf_token": csrf, "reason": "legal_exception"}
    )
    assert bare.status_code == 400
    assert "needs a detail" in bare.text
    assert state_in_db(session, short.id) == "verified"


def test_missing_or_wrong_csrf_token_is_403_and_nothing_changes(
    dpo: tuple[TestClient, str, User], new_request: Callable[..., Request], session: Session
) -> None:
    client, csrf, _ = dpo
    found = new_request()
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": csrf[:-1]}):
        refused = client.post(f"/admin/requests/{found.id}/start", data=data, headers=HTML)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
    assert state_in_db(session, found.id) == "verified"
    assert trail(session, found.id)[-1][0] == "verified"


def test_unknown_request_is_404(dpo: tuple[TestClient, str, User]) -> None:
    client, csrf, _ = dpo
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/admin/requests/{missing}", headers=HTML).status_code == 404
    assert (
        client.post(f"/admin/requests/{missing}/start", data={"csrf_token": csrf}).status_code
        == 404
    )


def console_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route the console module serves."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    routes = flatten(app.routes) if flatten is not None else app.routes
    found = []
    for route in routes:
        endpoint = getattr(route, "endpoint", None)
        if getattr(endpoint, "__module__", "").startswith("treu.web.console"):
            found += [(method, route.path) for method in sorted(route.methods or ())]
    return found


@pytest.mark.parametrize(
    "credentials",
    [{}, {"Authorization": "Bearer treu_not-a-token"}, {"Cookie": "treu_session=forged.value"}],
    ids=["nothing", "unknown-token", "forged-cookie"],
)
def test_every_console_route_refuses_anonymous_callers(
    new_client: Callable[[], TestClient],
    new_request: Callable[..., Request],
    session: Session,
    credentials: dict[str, str],
) -> None:
    """Walks the route table, so console routes added later are covered too."""
    client = new_client()
    found = new_request()
    routes = console_routes(client.app)
    assert {("GET", "/admin/requests"), ("POST", "/admin/requests/{request_id}/extend")} <= set(
        routes
    )
    for method, route_path in sorted(set(routes) - PUBLIC):
        path = route_path.replace("{request_id}", found.id)
        data = {"months": "1", "reason": "x" * 20} if method == "POST" else None
        response = client.request(method, path, headers=credentials, data=data)
        assert response.status_code == 303, f"{method} {route_path}: {response.status_code}"
        assert response.headers["location"].startswith("/admin?lang=")
    assert state_in_db(session, found.id) == "verified"
    assert client.get("/admin").status_code == 200


def test_a_result_file_over_the_limit_is_refused_on_the_page(
    dpo: tuple[TestClient, str, User],
    new_request: Callable[..., Request],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, csrf, _ = dpo
    found = new_request()
    base = f"/admin/requests/{found.id}"
    assert client.post(f"{base}/start", data={"csrf_token": csrf}).status_code == 303
    monkeypatch.setattr(admin_requests, "MAX_RESULT_BYTES", 1000)
    form = {"csrf_token": csrf}

    big = client.post(f"{base}/complete", data=form, files={"result": ("a.csv", b"x" * 1001)})
    assert big.status_code == 413
    assert "Die Datei ist zu groß" in big.text and 'role="alert"' in big.text
    huge = client.post(f"{base}/complete", data=form, files={"result": ("a.csv", b"x" * 70_000)})
    assert huge.status_code == 413  # refused by its Content-Length, before it is read
    assert state_in_db(session, found.id) == "in_progress"

    fits = client.post(f"{base}/complete", data=form, files={"result": ("a.csv", b"x" * 1000)})
    assert fits.status_code == 303
    assert state_in_db(session, found.id) == "completed"
