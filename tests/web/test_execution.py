"""Staff execute verified requests from the API and the console (issue 5, D5, D7, D14, Art. 19).

treu's store runs on SQLite, PostgreSQL and MariaDB; the organisation's database is a
consultation demo database on SQLite with its scanned data map and one guard.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from recording_mailer import RecordingMailer
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.datamap import DataMap, Guard, scan
from treu.demodata import create_demo_database
from treu.policy.loader import LoadedPolicy, load_policy
from treu.requests import submit, verify
from treu.requests.datamap_executor import DatamapExecutor
from treu.settings import Settings
from treu.store import make_engine
from treu.store.models import User
from treu.web import create_app

API = "/admin/api/requests"
POLICY = Path(__file__).parents[2] / "examples" / "sprechstunde" / "policy.yaml"
SECRET = "test-secret-key-for-treu-execution-0123456789"
GUARD = Guard(
    name="open-appointment",
    sql="SELECT 1 FROM appointments WHERE customer_id = :subject_id AND status = 'scheduled' "
    "AND starts_at > CURRENT_TIMESTAMP",
    message="The person still has an open appointment; cancel it before erasing.",
)


@pytest.fixture(scope="module")
def policy() -> LoadedPolicy:
    return load_policy(POLICY)


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, DataMap]:
    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'app.db'}"
    create_demo_database(url, archetype="consultation", subjects=30)
    engine = make_engine(url)
    datamap = scan(engine)
    datamap.guards.append(GUARD)
    return engine, datamap


def _customer(app: Engine, *, guarded: bool) -> str:
    """A customer with a unique address and an invoice, with or without an open appointment."""
    open_ = ("EXISTS (SELECT 1 FROM appointments a WHERE a.customer_id = c.id AND "
             "a.status = 'scheduled' AND a.starts_at > CURRENT_TIMESTAMP)")  # fmt: skip
    with app.connect() as conn:
        email = conn.execute(text(
            # an address, not one an earlier test's erasure masked (the map is per module)
            "SELECT c.email FROM customers c WHERE c.email LIKE '%@%' AND (SELECT COUNT(*) FROM customers o "
            "WHERE o.email = c.email) = 1 AND EXISTS (SELECT 1 FROM invoices i "
            f"WHERE i.customer_id = c.id) AND {'' if guarded else 'NOT '}{open_} ORDER BY c.id"
        )).scalar()  # fmt: skip
    assert isinstance(email, str)
    return email


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer()


@pytest.fixture
def make_app(
    engine: Engine,
    session: Session,
    clock: FixedClock,
    mailer: RecordingMailer,
    policy: LoadedPolicy,
    app_db: tuple[Engine, DataMap],
) -> Callable[..., Any]:
    """The app on the store under test; with the data map executor unless ``manual``."""

    def build(*, manual: bool = False) -> Any:
        settings = Settings(secret_key=SecretStr(SECRET), base_url="http://testserver")
        executor = (
            None
            if manual
            else DatamapExecutor(
                app_engine=app_db[0], store_engine=engine, datamap=app_db[1], policy=policy,
                hash_key=SECRET.encode(), clock=clock,
            )
        )  # fmt: skip
        return create_app(
            settings, clock=clock, engine=engine, mailer=mailer, policy=policy, executor=executor
        )

    return build


@pytest.fixture
def new_request(session: Session, clock: FixedClock, mailer: RecordingMailer,
                make_app: Callable[..., Any]) -> Callable[..., str]:  # fmt: skip
    ctx = make_app().state.treu.mail_ctx

    def make(kind: str, email: str) -> str:
        sub = submit(session, kind=kind, email=email, lang="de", message=None, channel="web",
                     clock=clock, mailer=mailer, mail_ctx=ctx)  # fmt: skip
        verify(session, token=sub.verification_token, clock=clock)
        session.commit()
        return sub.request.id

    return make


def _api(app: Any, add_user: Callable[..., User], log_in: Callable[..., str],
         role: str = "dpo") -> TestClient:  # fmt: skip
    add_user(f"{role}@example.org", role=role)
    client = TestClient(app, client=("127.0.0.1", 50000))
    client.headers["X-CSRF-Token"] = log_in(client, f"{role}@example.org")
    return client


def test_api_plans_executes_access_and_the_person_downloads_after_completion_D5_D14(
    make_app: Callable[..., Any],
    new_request: Callable[..., str],
    add_user: Callable[..., User],
    log_in: Callable[..., str],
    app_db: tuple[Engine, DataMap],
    mailer: RecordingMailer,
) -> None:
    email = _customer(app_db[0], guarded=False)
    rid = new_request("access", email)
    client = _api(make_app(), add_user, log_in)

    planned = client.post(f"{API}/{rid}/plan")
    assert planned.status_code == 200, planned.text
    body = planned.json()
    assert body["executable"] is True
    tables = {s["table"]: s["rows"] for s in body["summary"]["steps"]}
    assert tables["customers"] == 1 and tables["invoices"] >= 1
    assert "customers" in body["text_de"] and "Tabelle" in body["text_de"]
    assert email not in planned.text

    done = client.post(f"{API}/{rid}/execute", json={})
    assert done.status_code == 200, done.text
    result = done.json()
    assert result["result"]["media_type"] == "application/zip" and result["result"]["size"] > 0
    assert result["request"]["state"] == "in_progress"
    actions = [e["action"] for e in result["request"]["audit"]]
    assert actions[-4:] == ["planned", "started", "planned", "executed"]

    token = client.app.state.treu.mail_ctx.status_token(rid)  # type: ignore[attr-defined]
    assert client.get(f"/requests/status/{token}/result").status_code == 404  # not released
    assert client.post(f"{API}/{rid}/complete", json={}).status_code == 200
    download = client.get(mailer.link("completed", "/requests/status/") + "/result")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert {"manifest.json", "summary.de.html", "summary.en.html"} <= set(archive.namelist())


def test_a_guard_refuses_the_erasure_with_409_and_its_message_in_the_trail_D7(
    make_app: Callable[..., Any],
    new_request: Callable[..., str],
    add_user: Callable[..., User],
    log_in: Callable[..., str],
    app_db: tuple[Engine, DataMap],
) -> None:
    rid = new_request("erasure", _customer(app_db[0], guarded=True))
    client = _api(make_app(), add_user, log_in)

    refused = client.post(f"{API}/{rid}/execute", json={})

    assert refused.status_code == 409
    assert "open appointment" in refused.json()["message"]
    audit = client.get(f"{API}/{rid}").json()["audit"]
    assert [e["action"] for e in audit][-2:] == ["planned", "execution_failed"]


def test_viewers_may_not_execute_and_without_a_data_map_nothing_is_automatic(
    make_app: Callable[..., Any],
    new_request: Callable[..., str],
    add_user: Callable[..., User],
    log_in: Callable[..., str],
    app_db: tuple[Engine, DataMap],
) -> None:
    rid = new_request("access", _customer(app_db[0], guarded=False))
    viewer = _api(make_app(), add_user, log_in, role="viewer")
    assert viewer.post(f"{API}/{rid}/execute", json={}).status_code == 403

    manual = _api(make_app(manual=True), add_user, log_in)
    planned = manual.post(f"{API}/{rid}/plan").json()
    assert planned["executable"] is False and "by hand" in planned["text_en"]
    refused = manual.post(f"{API}/{rid}/execute", json={})
    assert refused.status_code == 400 and "von Hand" in refused.json()["message"]  # its language
    assert manual.post(f"{API}/{rid}/execute", json={"unknown": 1}).status_code == 422


def _console(app: Any, add_user: Callable[..., User]) -> tuple[TestClient, str]:
    add_user("dpo@example.org", role="dpo")
    client = TestClient(app, client=("127.0.0.1", 50000), follow_redirects=False)
    done = client.post("/admin/console/login", data={"email": "dpo@example.org",
                                                     "password": "correct horse battery"})  # fmt: skip
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    return client, token.group(1)


def test_console_shows_the_plan_then_executes_an_erasure_and_names_art19_recipients_D14(
    make_app: Callable[..., Any],
    new_request: Callable[..., str],
    add_user: Callable[..., User],
    app_db: tuple[Engine, DataMap],
) -> None:
    email = _customer(app_db[0], guarded=False)
    rid = new_request("erasure", email)
    client, csrf = _console(make_app(), add_user)
    page = client.get(f"/admin/requests/{rid}?lang=en")
    assert "Carry out in the systems (data map)" in page.text

    shown = client.post(f"/admin/requests/{rid}/plan?lang=en", data={"csrf_token": csrf})
    assert shown.status_code == 200
    plan_text = re.search(r'<pre class="plan"[^>]*>(.*?)</pre>', shown.text, re.S)
    assert (
        plan_text and "customers" in plan_text.group(1) and "hgb-ao-vouchers" in plan_text.group(1)
    )

    done = client.post(f"/admin/requests/{rid}/execute?lang=en", data={"csrf_token": csrf})
    assert done.status_code == 303, done.text
    after = client.get(done.headers["location"]).text
    assert "Last execution" in after and "Recipients to inform (Art. 19 GDPR)" in after
    box = after.split('id="execution"')[1].split("</section>")[0]
    assert "messages: delete" in box and "restricted under hold hgb-ao-vouchers" in box
    with app_db[0].connect() as conn:
        left = conn.execute(text("SELECT COUNT(*) FROM customers WHERE email = :e"), {"e": email})
        assert left.scalar() == 0


def test_console_shows_a_guard_refusal_on_the_page(
    make_app: Callable[..., Any],
    new_request: Callable[..., str],
    add_user: Callable[..., User],
    app_db: tuple[Engine, DataMap],
) -> None:
    rid = new_request("erasure", _customer(app_db[0], guarded=True))
    client, csrf = _console(make_app(), add_user)
    refused = client.post(f"/admin/requests/{rid}/execute?lang=en", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert "open appointment" in refused.text


def test_console_rectifies_with_the_corrections_staff_enter_D9(
    make_app: Callable[..., Any],
    new_request: Callable[..., str],
    add_user: Callable[..., User],
    app_db: tuple[Engine, DataMap],
) -> None:
    email = _customer(app_db[0], guarded=True)  # a guard concerns erasure only
    rid = new_request("rectification", email)
    client, csrf = _console(make_app(), add_user)
    assert 'name="changes"' in client.get(f"/admin/requests/{rid}?lang=en").text

    bad = client.post(f"/admin/requests/{rid}/execute?lang=en",
                      data={"csrf_token": csrf, "changes": "last_name Neu"})  # fmt: skip
    assert bad.status_code == 400 and "table.column = new value" in bad.text
    unknown = client.post(f"/admin/requests/{rid}/execute?lang=en",
                          data={"csrf_token": csrf, "changes": "customers.lastname = Neu"})  # fmt: skip
    assert unknown.status_code == 400 and "last_name" in unknown.text  # did you mean

    done = client.post(f"/admin/requests/{rid}/execute?lang=en",
                       data={"csrf_token": csrf, "changes": "customers.last_name = Neu-Name\n"})  # fmt: skip
    assert done.status_code == 303, done.text
    with app_db[0].connect() as conn:
        name = conn.execute(text("SELECT last_name FROM customers WHERE email = :e"), {"e": email})
        assert name.scalar() == "Neu-Name"
    assert "customers: set last_name on 1 row(s)" in client.get(done.headers["location"]).text


def test_the_settings_switch_execution_on_and_half_a_configuration_stops_the_start(
    tmp_path: Path, app_db: tuple[Engine, DataMap]
) -> None:
    from treu.datamap import dump
    from treu.errors import TreuError
    from treu.requests import ManualExecutor

    store = f"sqlite:///{tmp_path / 'treu.db'}"
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(dump(app_db[1]), encoding="utf-8")
    base = {"secret_key": SecretStr(SECRET), "database_url": store}
    manual = create_app(Settings(**base))  # type: ignore[arg-type]
    assert isinstance(manual.state.treu.executor, ManualExecutor)
    url = str(app_db[0].url)
    on = create_app(Settings(**base, app_database_url=url, datamap=datamap))  # type: ignore[arg-type]
    assert isinstance(on.state.treu.executor, DatamapExecutor)
    with pytest.raises(TreuError, match="TREU_DATAMAP is not set"):
        create_app(Settings(**base, app_database_url=url))  # type: ignore[arg-type]
    with pytest.raises(TreuError, match="TREU_APP_DATABASE_URL is not set"):
        create_app(Settings(**base, datamap=datamap))  # type: ignore[arg-type]
