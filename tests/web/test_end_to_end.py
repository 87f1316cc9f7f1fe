"""Issue acceptance, end to end on SQLite, PostgreSQL and MariaDB (D1, D3, D14).

A person submits a request in the privacy centre; the verification mail arrives over
real SMTP (aiosmtpd); the link is opened and confirmed; a DPO extends the deadline with a
reason (the mail arrives), completes with a result file; the person downloads it with the
secret status link; the audit trail lists every step and its hash chain is intact.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.policy.loader import load_policy
from treu.settings import Settings
from treu.store.models import User
from treu.web import create_app

POLICY = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"
SUBJECT = "erika.mustermann@example.org"


class Inbox:
    """An aiosmtpd handler: every message that arrives, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def kinds(self) -> list[str]:
        return [str(m["X-Treu-Kind"]) for m in self.messages]

    def link(self, path: str) -> str:
        body = self.messages[-1].get_body(("plain",))
        assert body is not None
        found = re.search(rf"http://testserver({re.escape(path)}[\w-]+)", body.get_content())
        assert found, f"no {path} link in the last mail"
        return found.group(1)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_D1_D3_D14_request_from_form_to_download_over_smtp(
    engine: Engine,
    session: Session,
    clock: FixedClock,
    inbox: tuple[Inbox, int],
    add_user: Callable[..., User],
    log_in: Callable[..., str],
) -> None:
    mails, port = inbox
    settings = Settings(
        secret_key=SecretStr("end-to-end-secret-key-for-treu-0123456789"),
        base_url="http://testserver",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        mail_from="datenschutz@ideenwerk.example",
    )
    app = create_app(settings, clock=clock, engine=engine, policy=load_policy(POLICY))
    person = TestClient(app, base_url="http://testserver", client=("198.51.100.7", 40000))

    # 1. The person asks for access in the privacy centre.
    form = person.get("/requests/new?lang=de")
    token = re.search(r'name="form_token" value="([^"]+)"', form.text)
    assert form.status_code == 200 and token
    sent = person.post(
        "/requests",
        data={
            "kind": "access",
            "email": SUBJECT,
            "language": "de",
            "message": "Welche Daten speichern Sie über mich?",
            "form_token": token.group(1),
        },
    )
    assert sent.status_code == 200, sent.text
    reference = re.search(r"R-\d{4}-[A-Z0-9]+", sent.text)
    assert reference

    # 2. Receipt and verification arrive over SMTP, addressed to the person.
    assert mails.kinds() == ["receipt", "verify"]
    assert {str(m["To"]) for m in mails.messages} == {SUBJECT}
    assert all(reference.group(0) in str(m["Subject"]) for m in mails.messages)
    verify_path = mails.link("/requests/verify/")

    # 3. Opening the link asks to confirm; confirming verifies (a scanner's GET does not).
    assert 'method="post"' in person.get(verify_path).text.lower()
    confirmed = person.post(verify_path)
    assert confirmed.status_code == 200, confirmed.text

    # 4. The DPO starts, then extends with a reason: the extension mail arrives.
    add_user("dpo@ideenwerk.example", role="dpo")
    staff = TestClient(app, base_url="http://testserver", client=("10.0.0.5", 40001))
    staff.headers["X-CSRF-Token"] = log_in(staff, "dpo@ideenwerk.example")
    listed = staff.get("/admin/api/requests").json()
    (item,) = [r for r in listed["items"] if r["reference"] == reference.group(0)]
    case = f"/admin/api/requests/{item['id']}"
    assert staff.post(f"{case}/start").status_code == 200
    clock.advance(timedelta(days=6))  # days later; console sessions last 8 hours
    staff.headers["X-CSRF-Token"] = log_in(staff, "dpo@ideenwerk.example")
    reason = "Die Daten liegen in drei Archivsystemen und müssen zusammengeführt werden."
    extended = staff.post(f"{case}/extend", json={"months": 2, "reason": reason})
    assert extended.status_code == 200, extended.text
    assert mails.kinds()[-1] == "extension"
    extension_text = mails.messages[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Archivsystemen" in extension_text

    # 5. Completing with a result file: the completion mail carries the status link.
    result = b'{"konto": {"email": "erika.mustermann@example.org"}}'
    done = staff.post(
        f"{case}/complete", files={"result": ("auskunft.json", result, "application/json")}
    )
    assert done.status_code == 200, done.text
    assert mails.kinds()[-1] == "completed"
    status_path = mails.link("/requests/status/")

    # 6. The person reads the status and downloads the result with the secret link only.
    status = person.get(status_path)
    assert status.status_code == 200 and reference.group(0) in status.text
    download = person.get(f"{status_path}/result")
    assert download.status_code == 200 and download.content == result
    assert "attachment" in download.headers["content-disposition"]
    assert person.get("/requests/status/not-a-real-token").status_code == 404

    # 7. The audit trail lists every step in order, and its chain is intact.
    trail = staff.get(f"{case}/audit").json()
    actions = [event["action"] for event in trail["events"]]
    for step in ("received", "verification_sent", "verified", "started", "extended", "completed"):
        assert step in actions
    assert actions.index("verified") < actions.index("started") < actions.index("extended")
    assert actions.index("extended") < actions.index("completed")
    assert trail["chain_intact"] is True
    assert SUBJECT not in str(trail["events"])  # the trail proves handling, not content
