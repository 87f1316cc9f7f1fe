"""Staff handle data-subject requests through /admin/api/requests (D1, D2, D6, D14).

On SQLite, PostgreSQL and MariaDB; requests come in through the domain (``submit``
and ``verify``) and are then handled over HTTP as a dpo, a viewer or a script.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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
from treu.store.models import Request, RequestResult, User
from treu.users import issue_api_token
from treu.web import admin_requests as admin_requests_module
from treu.web import create_app

LogIn = Callable[..., str]
AddUser = Callable[..., User]
API = "/admin/api/requests"
EMAIL = "erika.mustermann@example.org"
MESSAGE = "Bitte teilen Sie mir mit, welche Daten Sie über mich speichern."
POLICY = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"
STATE_CHANGES = ("start", "extend", "reject", "complete", "resend-verification")


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
    """A TestClient over one app (its own cookie jar); every call shares the app."""
    settings = Settings(
        secret_key=SecretStr("test-secret-key-for-treu-admin-requests-0123"),
        base_url="http://testserver",
    )
    app = create_app(settings, clock=clock, engine=engine, mailer=mailer, policy=policy)

    def build() -> TestClient:
        return TestClient(app, client=("127.0.0.1", 50000))

    return build


@pytest.fixture
def new_request(
    session: Session, clock: FixedClock, mailer: RecordingMailer, new_client: Any
) -> Callable[..., str]:
    """Submit a request through the domain, confirm it unless told not to; returns its id."""
    mail_ctx = new_client().app.state.treu.mail_ctx

    def make(*, kind: str = "access", confirm: bool = True) -> str:
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
        return sub.request.id

    return make


@pytest.fixture
def dpo(
    new_client: Callable[[], TestClient], add_user: AddUser, log_in: LogIn
) -> tuple[TestClient, User]:
    """A console session of a dpo; state-changing calls carry the CSRF header."""
    user = add_user("dpo@example.org", role="dpo")
    client = new_client()
    client.headers["X-CSRF-Token"] = log_in(client, "dpo@example.org")
    return client, user


def state_in_db(session: Session, request_id: str) -> str:
    """The state as committed; the read transaction ends, so later reads see new commits."""
    session.rollback()
    row = session.get(Request, request_id)
    assert row is not None
    state = row.state
    session.rollback()
    return state


def test_dpo_starts_extends_completes_with_a_file_and_exports_the_trail_D1_D14(
    dpo: tuple[TestClient, User],
    new_request: Callable[..., str],
    mailer: RecordingMailer,
    session: Session,
) -> None:
    client, user = dpo
    rid = new_request()
    assert mailer.kinds() == ["receipt", "verify"]

    started = client.post(f"{API}/{rid}/start")
    assert started.status_code == 200, started.text
    assert started.json()["state"] == "in_progress"
    assert started.json()["due_date"] == "2025-04-03"  # received Mon 3 Mar 2025: one month

    order = {"months": 2, "reason": "Die Daten liegen in drei Systemen und im Archiv."}
    extended = client.post(f"{API}/{rid}/extend", json=order)
    assert extended.status_code == 200, extended.text
    body = extended.json()
    assert body["extended"] is True
    assert body["due_date"] == "2025-06-03"
    assert body["original_due_at"].startswith("2025-04-03T21:59:59")
    assert mailer.kinds()[-1] == "extension"

    again = client.post(f"{API}/{rid}/extend", json=order)
    assert again.status_code == 409
    assert again.json()["error"] == "ExtensionRefused"
    assert "one extension" in again.json()["message"]

    content = json.dumps({"name": "Erika", "orders": [1, 2]}).encode()
    done = client.post(
        f"{API}/{rid}/complete",
        files={"result": ("auskunft.json", content, "application/json")},
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed"
    assert done.json()["due_status"] is None
    assert "message" not in done.json() and EMAIL not in done.text
    stored = session.scalars(select(RequestResult).where(RequestResult.request_id == rid)).one()
    assert (stored.filename, stored.media_type, stored.content) == (
        "auskunft.json",
        "application/json",
        content,
    )
    assert mailer.kinds()[-1] == "completed"

    audit = client.get(f"{API}/{rid}/audit")
    assert audit.status_code == 200
    assert audit.headers["content-disposition"].startswith("attachment;")
    trail = audit.json()
    assert trail["chain_intact"] is True
    assert trail["exported_by"] == f"user:{user.id}"
    steps = [(e["action"], e["actor"]) for e in trail["events"]]
    staff = f"user:{user.id}"
    assert steps == [
        ("received", "subject"),
        ("verification_sent", "system"),
        ("verified", "subject"),
        ("started", staff),
        ("extended", staff),
        ("completed", staff),
    ]
    assert trail["events"][-1]["detail"]["result"]["size"] == len(content)
    assert EMAIL not in audit.text and MESSAGE not in audit.text


def test_reject_legal_exception_needs_a_detail_D6(
    dpo: tuple[TestClient, User],
    new_request: Callable[..., str],
    mailer: RecordingMailer,
    session: Session,
) -> None:
    client, user = dpo
    rid = new_request()

    bare = client.post(f"{API}/{rid}/reject", json={"reason": "legal_exception"})
    assert bare.status_code in (400, 409)
    assert bare.json()["error"] == "RequestError"
    assert "detail" in bare.json()["message"]
    assert state_in_db(session, rid) == "verified"
    assert "rejected" not in mailer.kinds()

    unknown = client.post(f"{API}/{rid}/reject", json={"reason": "because"})
    assert unknown.status_code == 422

    detail = "BDSG §34(1) Nr. 2: Daten nur wegen Aufbewahrungspflichten gespeichert."
    done = client.post(f"{API}/{rid}/reject", json={"reason": "legal_exception", "detail": detail})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "rejected"
    assert done.json()["rejection_detail"] == detail
    assert mailer.kinds()[-1] == "rejected"
    last = client.get(f"{API}/{rid}").json()["audit"][-1]
    assert (last["action"], last["actor"], last["reason"]) == (
        "rejected",
        f"user:{user.id}",
        "legal_exception",
    )

    closed = client.post(f"{API}/{rid}/start")
    assert closed.status_code == 409
    assert closed.json()["error"] == "InvalidTransition"


def test_viewer_reads_without_contact_data_and_cannot_change_anything(
    new_client: Callable[[], TestClient],
    add_user: AddUser,
    log_in: LogIn,
    new_request: Callable[..., str],
    mailer: RecordingMailer,
    session: Session,
    dpo: tuple[TestClient, User],
) -> None:
    add_user("viewer@example.org", role="viewer")
    viewer = new_client()
    csrf = log_in(viewer, "viewer@example.org")
    rid = new_request()
    waiting = new_request(confirm=False)
    sent = len(mailer.sent)

    listed = viewer.get(API)
    assert listed.status_code == 200
    assert {item["id"] for item in listed.json()["items"]} == {rid, waiting}

    one = viewer.get(f"{API}/{rid}")
    assert one.status_code == 200
    assert "email" not in one.json() and "message" not in one.json()
    assert EMAIL not in one.text and MESSAGE not in one.text
    assert viewer.get(f"{API}/{rid}/audit").status_code == 200

    bodies: dict[str, dict[str, Any]] = {
        "extend": {"months": 1, "reason": "Viele Systeme sind betroffen."},
        "reject": {"reason": "excessive", "detail": "x"},
    }
    for step in STATE_CHANGES:
        target = waiting if step == "resend-verification" else rid
        refused = viewer.post(
            f"{API}/{target}/{step}", json=bodies.get(step, {}), headers={"X-CSRF-Token": csrf}
        )
        assert refused.status_code == 403, f"{step}: {refused.status_code}"
        assert refused.json()["error"] == "Forbidden"
    assert state_in_db(session, rid) == "verified"
    assert len(mailer.sent) == sent

    client, _ = dpo
    full = client.get(f"{API}/{rid}").json()
    assert (full["email"], full["message"]) == (EMAIL, MESSAGE)


def test_a_script_with_a_bearer_token_handles_requests_without_csrf(
    new_client: Callable[[], TestClient],
    add_user: AddUser,
    new_request: Callable[..., str],
    session: Session,
    clock: FixedClock,
    mailer: RecordingMailer,
) -> None:
    user = add_user("admin@example.org", role="admin")
    token = issue_api_token(session, user, "nightly", clock)
    session.commit()
    script = new_client()
    script.headers["Authorization"] = f"Bearer {token}"
    rid = new_request(kind="erasure")
    waiting = new_request(confirm=False)

    assert script.post(f"{API}/{rid}/start").status_code == 200
    done = script.post(f"{API}/{rid}/complete", json={})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed"
    assert session.scalars(select(RequestResult).where(RequestResult.request_id == rid)).all() == []

    resent = script.post(f"{API}/{waiting}/resend-verification")
    assert resent.status_code == 200, resent.text
    assert mailer.kinds()[-1] == "verify"
    assert resent.json()["audit"][-1]["actor"] == f"user:{user.id}"
    assert "token" not in json.dumps(resent.json()["audit"][-1]["detail"]).replace("token_id", "")

    actors = {e["actor"] for e in script.get(f"{API}/{rid}/audit").json()["events"]}
    assert f"user:{user.id}" in actors
    assert script.post(f"{API}/{rid}/complete", json={"result": "x"}).status_code == 422
    plain = script.post(
        f"{API}/{waiting}/complete", content=b"done", headers={"Content-Type": "text/plain"}
    )
    assert plain.status_code == 422


def test_session_without_csrf_token_cannot_change_a_request(
    new_client: Callable[[], TestClient],
    add_user: AddUser,
    log_in: LogIn,
    new_request: Callable[..., str],
    session: Session,
) -> None:
    add_user("dpo@example.org", role="dpo")
    client = new_client()
    log_in(client, "dpo@example.org")
    rid = new_request()
    assert client.post(f"{API}/{rid}/start").status_code == 403
    assert state_in_db(session, rid) == "verified"


def test_overdue_and_due_soon_filters_follow_the_clock_D1(
    new_client: Callable[[], TestClient],
    add_user: AddUser,
    new_request: Callable[..., str],
    session: Session,
    clock: FixedClock,
) -> None:
    user = add_user("dpo@example.org", role="dpo")
    client = new_client()  # a token outlives the 8-hour console session while time travels
    client.headers["Authorization"] = f"Bearer {issue_api_token(session, user, 'ci', clock)}"
    session.commit()
    early = new_request(kind="access")  # received Mon 3 Mar 2025, due Thu 3 Apr
    clock.advance(timedelta(days=14))
    later = new_request(kind="erasure")  # received Mon 17 Mar, due Thu 17 Apr
    clock.advance(timedelta(minutes=1))
    closed = new_request(kind="access")
    assert client.post(f"{API}/{closed}/reject", json={"reason": "excessive"}).status_code == 200

    def ids(query: str) -> list[str]:
        response = client.get(f"{API}?{query}")
        assert response.status_code == 200, response.text
        assert "message" not in response.text and EMAIL not in response.text
        assert all("message" not in item for item in response.json()["items"])
        return [item["id"] for item in response.json()["items"]]

    assert ids("due=overdue") == [] and ids("due=due_soon") == []
    assert ids("") == [closed, later, early]  # newest first
    assert ids("state=rejected") == [closed]
    assert ids("kind=erasure") == [later]

    clock.set(datetime.fromisoformat("2025-03-30T12:00:00+02:00"))
    assert ids("due=due_soon") == [early]
    item = client.get(f"{API}?due=due_soon").json()["items"][0]
    assert item["due_status"] == "due_soon"
    assert item["due_at"].startswith("2025-04-03T21:59:59")
    assert item["due_date"] == "2025-04-03"

    clock.set(datetime.fromisoformat("2025-04-04T00:00:01+02:00"))
    assert ids("due=overdue") == [early]
    assert ids("due=overdue&kind=erasure") == []
    assert ids("due=due_soon") == []  # 17 April is 13 days away
    clock.set(datetime.fromisoformat("2025-04-11T10:00:00+02:00"))
    assert ids("due=due_soon") == [later]
    assert ids("due=overdue") == [early]
    assert client.get(f"{API}/{early}").json()["due_status"] == "overdue"
    page = client.get(f"{API}?limit=1&offset=1").json()
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == [later]
    assert client.get(f"{API}?due=late").status_code == 422


def test_unknown_request_is_404(dpo: tuple[TestClient, User]) -> None:
    client, _ = dpo
    missing = "00000000-0000-4000-8000-000000000000"
    for path in (f"{API}/{missing}", f"{API}/{missing}/audit"):
        assert client.get(path).status_code == 404
    response = client.post(f"{API}/{missing}/start")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


def test_result_file_over_the_limit_is_413_and_nothing_changes(
    dpo: tuple[TestClient, User],
    new_request: Callable[..., str],
    session: Session,
    mailer: RecordingMailer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, _ = dpo
    rid = new_request()
    assert client.post(f"{API}/{rid}/start").status_code == 200
    sent = len(mailer.sent)

    limit = admin_requests_module.MAX_RESULT_BYTES
    too_big = client.post(
        f"{API}/{rid}/complete", files={"result": ("a.bin", b"\0" * (limit + 1), "x/y")}
    )
    assert too_big.status_code == 413
    assert too_big.json()["error"] == "PayloadTooLarge"

    monkeypatch.setattr(admin_requests_module, "MAX_RESULT_BYTES", 1000)
    just_over = client.post(
        f"{API}/{rid}/complete", files={"result": ("a.bin", b"\0" * 1001, "x/y")}
    )
    assert just_over.status_code == 413
    assert state_in_db(session, rid) == "in_progress"
    assert len(mailer.sent) == sent

    fits = client.post(f"{API}/{rid}/complete", files={"result": ("a.bin", b"\0" * 1000, "x/y")})
    assert fits.status_code == 200, fits.text


def test_openapi_documents_the_models_and_the_list_has_no_message(
    new_client: Callable[[], TestClient],
) -> None:
    schema = new_client().get("/openapi.json").json()
    models = schema["components"]["schemas"]
    assert {"RequestSummary", "RequestDetail", "RequestCase", "AuditExport"} <= set(models)
    for name in ("RequestSummary", "RequestDetail", "RequestPage", "AuditExport"):
        assert "message" not in models[name]["properties"]
        assert "email" not in models[name]["properties"]
    assert {"email", "message"} <= set(models["RequestCase"]["properties"])
    complete = schema["paths"][f"{API}/{{request_id}}/complete"]["post"]
    assert "multipart/form-data" in complete["requestBody"]["content"]


def test_console_form_with_the_csrf_field_uploads_the_result_within_the_limit(
    new_client: Callable[[], TestClient],
    add_user: AddUser,
    log_in: LogIn,
    new_request: Callable[..., str],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_user("dpo@example.org", role="dpo")
    console = new_client()
    csrf = log_in(console, "dpo@example.org")
    rid = new_request()
    assert console.post(f"{API}/{rid}/start", data={"csrf_token": csrf}).status_code == 200

    monkeypatch.setattr(admin_requests_module, "MAX_RESULT_BYTES", 1000)
    form = {"csrf_token": csrf}
    big = console.post(f"{API}/{rid}/complete", data=form, files={"result": ("a.csv", b"x" * 1001)})
    assert big.status_code == 413
    assert state_in_db(session, rid) == "in_progress"

    done = console.post(f"{API}/{rid}/complete", data=form, files={"result": ("a.csv", b"x;y")})
    assert done.status_code == 200, done.text
    stored = session.scalars(select(RequestResult).where(RequestResult.request_id == rid)).one()
    assert stored.content == b"x;y"


def test_a_chunked_upload_without_length_is_cut_off_at_the_limit(
    dpo: tuple[TestClient, User],
    new_request: Callable[..., str],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No Content-Length to check up front: the body is counted while it is read."""
    client, _ = dpo
    rid = new_request()
    assert client.post(f"{API}/{rid}/start").status_code == 200
    monkeypatch.setattr(admin_requests_module, "MAX_RESULT_BYTES", 1000)
    boundary = "treu-test-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        + "n" * 100_000
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="result"; '
        f'filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nx;y\r\n--{boundary}--\r\n'
    ).encode()
    response = client.post(
        f"{API}/{rid}/complete",
        content=iter([body[:50_000], body[50_000:]]),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert state_in_db(session, rid) == "in_progress"
