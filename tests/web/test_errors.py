"""Errors → HTTP: the class→status table, JSON or HTML by Accept, no tracebacks, no personal data."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from treu import errors
from treu.clock import FixedClock
from treu.errors import TreuError
from treu.settings import Settings
from treu.store import make_engine
from treu.store.models import User
from treu.web import create_app
from treu.web.deps import DbSession
from treu.web.errors import Forbidden

SECRET_TEXT = "alice@example.org wrote: my secret message"

CASES: list[tuple[type[TreuError], int]] = [
    (errors.NotFound, 404),
    (errors.AuthError, 401),
    (Forbidden, 403),
    (errors.RateLimited, 429),
    (errors.InvalidTransition, 409),
    (errors.ExtensionRefused, 409),
    (errors.VerificationFailed, 400),
    (errors.RequestError, 400),
    (errors.Conflict, 409),
    (errors.StoreUnavailable, 503),
    (errors.PolicyError, 500),
    (errors.TreuError, 400),
]


def raising(app: FastAPI, path: str, error: Exception) -> None:
    def boom() -> None:
        raise error

    app.add_api_route(path, boom, methods=["GET"])


def app_of(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


@pytest.mark.parametrize(("cls", "status"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_each_treu_error_has_its_status_and_a_json_body(
    plain_client: TestClient, cls: type[TreuError], status: int
) -> None:
    error = cls() if cls is errors.PolicyError else cls("what went wrong and how to fix it")
    raising(app_of(plain_client), "/raise", error)
    response = plain_client.get("/raise")
    assert response.status_code == status
    body = response.json()
    assert body["error"] == cls.__name__
    assert body["request_id"] == response.headers["x-request-id"]
    if status >= 500:
        assert "what went wrong" not in body["message"] and "policy" not in body["message"]
    else:
        assert body["message"] == "what went wrong and how to fix it"


def test_rate_limited_says_when_to_retry(plain_client: TestClient) -> None:
    raising(app_of(plain_client), "/raise", errors.RateLimited(retry_after=42))
    assert plain_client.get("/raise").headers["retry-after"] == "42"


def test_browsers_get_a_small_escaped_page_in_their_language(plain_client: TestClient) -> None:
    raising(app_of(plain_client), "/raise", errors.NotFound("no request <b>R-1</b>"))
    english = plain_client.get("/raise", headers={"Accept": "text/html,*/*;q=0.8"})
    assert english.status_code == 404
    assert english.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in english.text and "Not found" in english.text
    assert "no request &lt;b&gt;R-1&lt;/b&gt;" in english.text
    german = plain_client.get(
        "/raise", headers={"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9"}
    )
    assert '<html lang="de">' in german.text and "Nicht gefunden" in german.text
    api = plain_client.get("/raise", headers={"Accept": "application/json"})
    assert api.json()["error"] == "NotFound"


def test_unexpected_errors_are_a_500_without_traceback_or_personal_data(
    plain_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    raising(app_of(plain_client), "/boom", RuntimeError(SECRET_TEXT))
    with caplog.at_level(logging.DEBUG):
        response = plain_client.get("/boom")
        page = plain_client.get("/boom", headers={"Accept": "text/html"})
    assert response.status_code == page.status_code == 500
    assert response.json()["error"] == "InternalError"
    rid = response.headers["x-request-id"]
    assert response.json()["request_id"] == rid
    for text in (response.text, page.text):
        assert "Traceback" not in text and "RuntimeError" not in text
        assert "alice" not in text and "secret" not in text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert "RuntimeError" in caplog.text and rid in caplog.text
    assert "alice" not in caplog.text and "secret message" not in caplog.text


def test_policy_error_is_a_500_with_a_generic_message(plain_client: TestClient) -> None:
    problem = errors.Problem(message="alice@example.org is not a purpose", path="activities[0]")
    raising(app_of(plain_client), "/raise", errors.PolicyError(problems=[problem]))
    response = plain_client.get("/raise")
    assert response.status_code == 500
    assert "alice" not in response.text and "activities" not in response.text


def test_validation_errors_name_the_field_but_do_not_echo_the_input(
    plain_client: TestClient,
) -> None:
    response = plain_client.post(
        "/admin/login", data={"email": "x" * 300 + "@example.org", "password": SECRET_TEXT * 50}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationError"
    assert {f["field"] for f in body["fields"]} == {"body.email", "body.password"}
    assert "xxxxxxxx" not in response.text and "alice" not in response.text


def test_unknown_routes_and_methods_keep_the_error_shape(plain_client: TestClient) -> None:
    missing = plain_client.get("/no-such-page")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    wrong_method = plain_client.get("/admin/login")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "MethodNotAllowed"
    assert "POST" in wrong_method.headers["allow"]


def test_healthz_answers_ok_and_503_without_details_when_the_database_is_down(
    plain_client: TestClient,
) -> None:
    ok = plain_client.get("/healthz")
    assert ok.status_code == 200 and ok.json() == {"status": "ok"}

    settings = Settings(secret_key=SecretStr("k" * 40))
    down = create_app(settings, engine=make_engine("postgresql://treu@127.0.0.1:1/treu"))
    response = TestClient(down).get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"] == "StoreUnavailable"
    assert "127.0.0.1" not in response.text and "Operational" not in response.text


def test_app_refuses_a_missing_or_short_secret_key() -> None:
    with pytest.raises(TreuError, match="TREU_SECRET_KEY"):
        create_app(Settings(secret_key=SecretStr("short")))


def test_a_failing_commit_is_reported_not_hidden_behind_a_200(
    make_client: Callable[..., TestClient], add_user: Callable[..., User], clock: FixedClock
) -> None:
    """The request's unit of work commits before the response is sent (all three databases)."""
    add_user("dpo@example.org")
    client = make_client()

    def duplicate(db: DbSession) -> dict[str, str]:
        db.add(User(email="dpo@example.org", password_hash="x", role="dpo", created_at=clock.now()))
        return {"status": "written"}

    app_of(client).add_api_route("/duplicate", duplicate, methods=["POST"])
    response = client.post("/duplicate")
    assert response.status_code == 409
    assert response.json()["error"] == "Conflict"
