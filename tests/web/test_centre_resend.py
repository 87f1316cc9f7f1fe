"""A person who lost the confirmation link gets a new one from the status page (D3)."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.policy.loader import load_policy
from treu.settings import Settings
from treu.web import create_app

POLICY = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)

    def link(self, path: str) -> str:
        body = self.sent[-1].get_body(("plain",))
        assert body is not None
        found = re.search(rf"http://testserver({re.escape(path)}[\w-]+)", body.get_content())
        assert found
        return found.group(1)


def test_D3_status_page_resends_the_confirmation_link_with_a_daily_limit(
    engine: Engine, session: Session, clock: FixedClock
) -> None:
    mails = Mailbox()
    settings = Settings(
        secret_key=SecretStr("resend-secret-key-for-treu-tests-0123456789"),
        base_url="http://testserver",
    )
    app = create_app(settings, clock=clock, engine=engine, mailer=mails, policy=load_policy(POLICY))
    person = TestClient(app, base_url="http://testserver")
    form = person.get("/requests/new")
    token = re.search(r'name="form_token" value="([^"]+)"', form.text)
    assert token
    data = {
        "kind": "erasure",
        "email": "max@example.org",
        "language": "de",
        "form_token": token.group(1),
    }
    assert person.post("/requests", data=data).status_code == 200
    status_path = mails.sent[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    status = re.search(r"http://testserver(/requests/status/[\w-]+)", status_path)
    assert status
    first_verify = mails.link("/requests/verify/")

    page = person.get(status.group(1))
    assert "Link erneut senden" in page.text
    resend_token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert resend_token
    again = person.post(f"{status.group(1)}/resend", data={"form_token": resend_token.group(1)})
    assert again.status_code == 200 and "neuen Bestätigungslink" in again.text
    new_verify = mails.link("/requests/verify/")
    assert new_verify != first_verify
    for _ in range(2):
        fresh = re.search(r'name="form_token" value="([^"]+)"', person.get(status.group(1)).text)
        assert fresh
        assert (
            person.post(
                f"{status.group(1)}/resend", data={"form_token": fresh.group(1)}
            ).status_code
            == 200
        )
    fresh = re.search(r'name="form_token" value="([^"]+)"', person.get(status.group(1)).text)
    assert fresh
    limited = person.post(f"{status.group(1)}/resend", data={"form_token": fresh.group(1)})
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    new_verify = mails.link("/requests/verify/")
    assert person.post(new_verify).status_code == 200  # the new link confirms

    # Once confirmed, there is nothing to resend; forged form tokens are refused.
    forged = person.post(f"{status.group(1)}/resend", data={"form_token": "forged"})
    assert forged.status_code == 400
    assert "Link erneut senden" not in person.get(status.group(1)).text
