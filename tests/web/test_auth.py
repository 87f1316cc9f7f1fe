"""Console login, CSRF, bearer tokens and roles on the admin API (on all three databases)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

import fastapi.routing
import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.store.models import ApiToken, User
from treu.users import revoke_api_token
from treu.web.auth import require_role

LogIn = Callable[..., str]
AddUser = Callable[..., User]
AdminOnly = Annotated[User, Depends(require_role("admin"))]


def admin_api_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route under /admin/api, also inside included routers."""
    # FastAPI >= 0.16x keeps included routers as one entry in app.routes; flatten them.
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    routes = flatten(app.routes) if flatten is not None else app.routes
    found = []
    for route in routes:
        path = getattr(route, "path", None)
        if isinstance(path, str) and path.startswith("/admin/api"):
            found += [(method, path) for method in sorted(getattr(route, "methods", None) or ())]
    return found


def test_login_me_logout_round_trip(client: TestClient, add_user: AddUser, log_in: LogIn) -> None:
    add_user("dpo@example.org", role="dpo")
    csrf = log_in(client, "dpo@example.org")

    me = client.get("/admin/api/me")
    assert me.status_code == 200
    assert me.json() == {
        "id": me.json()["id"],
        "email": "dpo@example.org",
        "role": "dpo",
        "auth": "session",
    }

    assert client.post("/admin/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    after = client.get("/admin/api/me")
    assert after.status_code == 401
    assert after.json()["error"] == "AuthError"


def test_session_cookie_is_httponly_strict_and_lasts_8_hours(
    client: TestClient, add_user: AddUser
) -> None:
    add_user("dpo@example.org")
    response = client.post(
        "/admin/login", data={"email": "dpo@example.org", "password": "correct horse battery"}
    )
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("treu_session="))
    csrf_cookie = next(c for c in cookies if c.startswith("treu_csrf="))
    assert "HttpOnly" in session_cookie and "HttpOnly" not in csrf_cookie
    for cookie in (session_cookie, csrf_cookie):
        assert "SameSite=strict" in cookie
        assert "Max-Age=28800" in cookie
        assert "Secure" not in cookie  # base_url is http here
    assert response.json()["csrf_token"] in csrf_cookie


def test_over_https_cookies_are_secure_and_host_prefixed(
    make_client: Callable[..., TestClient], add_user: AddUser, log_in: LogIn
) -> None:
    client = make_client(https=True)
    add_user("dpo@example.org")
    log_in(client, "dpo@example.org")
    cookies = client.post(
        "/admin/login", data={"email": "dpo@example.org", "password": "correct horse battery"}
    ).headers.get_list("set-cookie")
    assert all(c.startswith("__Host-treu_") and "Secure" in c for c in cookies)
    assert client.get("/admin/api/me").status_code == 200


def test_session_ends_after_8_hours(
    client: TestClient, add_user: AddUser, log_in: LogIn, clock: FixedClock
) -> None:
    add_user("dpo@example.org")
    log_in(client, "dpo@example.org")
    clock.advance(timedelta(hours=8, seconds=1))
    assert client.get("/admin/api/me").status_code == 401


def test_password_change_ends_existing_sessions(
    client: TestClient, add_user: AddUser, log_in: LogIn, session: Session
) -> None:
    user = add_user("dpo@example.org")
    log_in(client, "dpo@example.org")
    user.password_hash = user.password_hash + "x"
    session.commit()
    assert client.get("/admin/api/me").status_code == 401


def test_forged_session_cookie_is_refused(client: TestClient, add_user: AddUser) -> None:
    add_user("dpo@example.org")
    client.cookies.set("treu_session", "eyJ1IjoxLCJjIjoieCJ9.forged")
    assert client.get("/admin/api/me").status_code == 401


def test_wrong_password_is_401_without_saying_whether_the_user_exists(
    client: TestClient, add_user: AddUser
) -> None:
    add_user("dpo@example.org")
    wrong = client.post(
        "/admin/login", data={"email": "dpo@example.org", "password": "not the password"}
    )
    unknown = client.post(
        "/admin/login", data={"email": "nobody@example.org", "password": "not the password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"] == "AuthError"
    assert wrong.json()["message"] == unknown.json()["message"]
    assert "exist" not in wrong.json()["message"]
    assert "set-cookie" not in wrong.headers


def test_state_change_without_or_with_a_wrong_csrf_token_is_403(
    client: TestClient, add_user: AddUser, log_in: LogIn
) -> None:
    add_user("dpo@example.org")
    csrf = log_in(client, "dpo@example.org")
    order = {"name": "script"}

    missing = client.post("/admin/api/tokens", json=order)
    wrong = client.post("/admin/api/tokens", json=order, headers={"X-CSRF-Token": csrf + "x"})
    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["error"] == "Forbidden"
    assert "CSRF" in missing.json()["message"]
    assert client.post("/admin/logout").status_code == 403

    ok = client.post("/admin/api/tokens", json=order, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    assert client.post("/admin/logout", data={"csrf_token": csrf}).status_code == 204


def test_csrf_token_of_another_session_is_refused(
    make_client: Callable[..., TestClient], add_user: AddUser, log_in: LogIn
) -> None:
    add_user("dpo@example.org")
    first, second = make_client(), make_client()
    log_in(first, "dpo@example.org")
    other_csrf = log_in(second, "dpo@example.org")
    response = first.post(
        "/admin/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": other_csrf}
    )
    assert response.status_code == 403


def test_bearer_token_works_without_csrf_and_a_revoked_one_does_not(
    make_client: Callable[..., TestClient],
    add_user: AddUser,
    log_in: LogIn,
    session: Session,
    clock: FixedClock,
) -> None:
    add_user("dpo@example.org")
    console = make_client()
    csrf = log_in(console, "dpo@example.org")
    issued = console.post(
        "/admin/api/tokens", json={"name": "nightly"}, headers={"X-CSRF-Token": csrf}
    )
    assert issued.status_code == 201
    token = issued.json()["token"]

    script = make_client()
    bearer = {"Authorization": f"Bearer {token}"}
    me = script.get("/admin/api/me", headers=bearer)
    assert me.status_code == 200 and me.json()["auth"] == "token"
    assert script.post("/admin/api/tokens", json={"name": "2nd"}, headers=bearer).status_code == 201

    row = session.scalars(select(ApiToken).where(ApiToken.name == "nightly")).one()
    revoke_api_token(session, row.id, clock)
    session.commit()
    refused = script.get("/admin/api/me", headers=bearer)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert (
        script.get("/admin/api/me", headers={"Authorization": f"Basic {token}"}).status_code == 401
    )


def test_viewer_cannot_issue_tokens_for_others_but_admin_can(
    make_client: Callable[..., TestClient], add_user: AddUser, log_in: LogIn
) -> None:
    dpo = add_user("dpo@example.org", role="dpo")
    add_user("viewer@example.org", role="viewer")
    add_user("admin@example.org", role="admin")

    viewer = make_client()
    csrf = log_in(viewer, "viewer@example.org")
    for_other = viewer.post(
        "/admin/api/tokens", json={"name": "x", "user_id": dpo.id}, headers={"X-CSRF-Token": csrf}
    )
    assert for_other.status_code == 403
    assert for_other.json()["error"] == "Forbidden"
    own = viewer.post("/admin/api/tokens", json={"name": "mine"}, headers={"X-CSRF-Token": csrf})
    assert own.status_code == 201

    admin = make_client()
    csrf = log_in(admin, "admin@example.org")
    issued = admin.post(
        "/admin/api/tokens", json={"name": "x", "user_id": dpo.id}, headers={"X-CSRF-Token": csrf}
    )
    assert issued.status_code == 201 and issued.json()["user_id"] == dpo.id
    missing = admin.post(
        "/admin/api/tokens", json={"name": "x", "user_id": 999999}, headers={"X-CSRF-Token": csrf}
    )
    assert missing.status_code == 404


def test_require_role_lets_only_the_listed_roles_through(
    make_client: Callable[..., TestClient], add_user: AddUser, log_in: LogIn
) -> None:
    client = make_client()

    def secret(user: AdminOnly) -> dict[str, str]:
        return {"role": user.role}

    client.app.add_api_route("/admin/api/test-admin-only", secret, methods=["GET"])  # type: ignore[attr-defined]
    add_user("viewer@example.org", role="viewer")
    add_user("admin@example.org", role="admin")

    log_in(client, "viewer@example.org")
    assert client.get("/admin/api/test-admin-only").status_code == 403
    log_in(client, "admin@example.org")
    assert client.get("/admin/api/test-admin-only").json() == {"role": "admin"}
    with pytest.raises(ValueError, match="roles"):
        require_role("root")


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"Authorization": "Bearer treu_not-a-token"},
        {"Cookie": "treu_session=forged.value"},
    ],
    ids=["nothing", "unknown-token", "forged-cookie"],
)
def test_every_admin_api_route_refuses_anonymous_callers(
    client: TestClient, credentials: dict[str, str]
) -> None:
    """Walks the route table, so routes added later are covered without touching this test."""
    routes = admin_api_routes(client.app)
    assert {("GET", "/admin/api/me"), ("POST", "/admin/api/tokens")} <= set(routes)
    for method, route_path in routes:
        path = re.sub(r"\{[^}]+\}", "1", route_path)
        response = client.request(method, path, headers=credentials)
        assert response.status_code == 401, f"{method} {route_path}: {response.status_code}"
        assert response.json()["error"] == "AuthError"
