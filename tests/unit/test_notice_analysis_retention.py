"""Storage periods with their start event, criteria, and cookie lifetimes (LEGAL.md N7, B2, B6)."""

from __future__ import annotations

import pytest

from treu.notice.analysis import Analysis, FactKind, analyze


def section(body: str, title: str = "Kontaktformular") -> Analysis:
    return analyze(f"# Datenschutz\n\n## {title}\n\n{body}\n", format="md")


@pytest.mark.parametrize(
    ("sentence", "amount", "unit", "start", "year_end"),
    [
        ("Chatnachrichten löschen wir 12 Monate nach Erstellung.", 12, "months", "creation", False),
        ("We delete your data one month after cancellation.", 1, "months", "cancellation", False),
        ("Server logs are stored for 14 months.", 14, "months", None, False),
        ("Rechnungen bewahren wir 10 Jahre ab Ende des Kalenderjahres auf, in dem der Vertrag "
         "endete.", 10, "years", "contract_end", True),
        ("Invoices are kept for 8 years from the end of the calendar year in which they were "
         "created.", 8, "years", "creation", True),
        ("Die Logdateien werden nach 14 Tagen gelöscht.", 14, "days", None, False),
        ("Wir löschen die Anfrage sechs Monate nach der letzten Antwort.", 6, "months",
         "last_activity", False),
        ("Ihre Adresse speichern wir drei Jahre nach der Abmeldung.", 3, "years", "unsubscribe",
         False),
        ("Das Konto wird 30 Tage nach Löschung des Kontos endgültig entfernt.", 30, "days",
         "account_deletion", False),
        ("Support conversations are deleted 12 months after the ticket is closed.", 12, "months",
         None, False),
        ("Die Aufnahmen werden nach 72 Stunden automatisch überschrieben.", 72, "hours", None,
         False),
        ("Wir sind verpflichtet, die Dokumentation 10 Jahre nach Abschluss der Behandlung "
         "aufzubewahren.", 10, "years", "process_end", False),
    ],
)  # fmt: skip
def test_periods_with_unit_and_start_event_N7(
    sentence: str, amount: int, unit: str, start: str | None, year_end: bool
) -> None:
    a = section(sentence)
    [r] = a.of(FactKind.RETENTION)
    assert (r.value["amount"], r.value["unit"]) == (amount, unit)
    assert r.value["from_year_end"] is year_end
    if start is not None:
        assert r.value["start"] == start
    assert r.evidence.text == sentence


def test_period_outside_an_activity_applies_to_its_subject_N7() -> None:
    [r] = section("Die Logdateien werden nach 14 Tagen gelöscht.", "Server").of(FactKind.RETENTION)
    assert r.value["applies_to"] == "Die Logdateien" and r.activity is None


def test_period_in_an_activity_applies_to_the_activity_N7() -> None:
    a = section(
        "Wir verarbeiten Name und E-Mail-Adresse (Art. 6 Abs. 1 lit. b DSGVO). Wir löschen "
        "die Anfrage sechs Monate nach der letzten Antwort."
    )
    [(index, activity)] = list(a.activities())
    [r] = a.of(FactKind.RETENTION)
    assert r.activity == index and r.value["applies_to"] == activity.value["name"]


def test_vague_period_is_kept_as_criteria_N7() -> None:
    a = section("Daten werden gespeichert, solange es erforderlich ist.")
    [r] = a.of(FactKind.RETENTION)
    assert r.value["amount"] is None and "solange" in str(r.value["criteria"])
    assert r.confidence <= 0.5


def test_response_deadline_is_not_a_storage_period_N7() -> None:
    a = section(
        "Wir antworten innerhalb eines Monats nach Eingang Ihres Antrags; die Frist können wir "
        "um zwei Monate verlängern.",
        "Ihre Rechte",
    )
    assert a.of(FactKind.RETENTION) == ()


def test_retention_table_rows_link_to_the_activity_they_name_N7() -> None:
    a = analyze(
        "# Datenschutz\n\n## Newsletter\n\nRechtsgrundlage ist Art. 6 Abs. 1 lit. a DSGVO.\n\n"
        "## Speicherdauer\n\n| Verarbeitung | Speicherdauer |\n|---|---|\n"
        "| Newsletter | 3 Jahre nach Abmeldung |\n| Server-Logs | 14 Tage nach Erhebung |\n",
        format="md",
    )
    [(index, _newsletter)] = list(a.activities())
    by_row = {str(r.value["applies_to"]): r for r in a.of(FactKind.RETENTION)}
    assert by_row["Newsletter"].activity == index
    assert by_row["Newsletter"].value["start"] == "unsubscribe"
    assert by_row["Server-Logs"].activity is None
    assert by_row["Server-Logs"].value["start"] == "collection"


def test_cookie_table_names_providers_lifetimes_and_consent_B2_B6() -> None:
    a = analyze(
        "<html lang='de'><body><h1>Datenschutz</h1><h2>Cookies</h2>"
        "<table><tr><th>Name</th><th>Anbieter</th><th>Zweck</th><th>Speicherdauer</th>"
        "<th>Einwilligung nötig</th></tr>"
        "<tr><td>sp_consent</td><td>Muster AG</td><td>Cookie-Auswahl</td><td>12 Monate</td>"
        "<td>nein (unbedingt erforderlich)</td></tr>"
        "<tr><td>_ga</td><td>Google Ireland Limited</td><td>Statistik</td><td>2 Jahre</td>"
        "<td>ja</td></tr>"
        "<tr><td>sid</td><td>Muster AG</td><td>Anmeldung</td><td>bis zum Ende der Sitzung</td>"
        "<td>nein</td></tr></table></body></html>",
        format="html",
    )
    cookies = {str(c.value["name"]): c.value for c in a.of(FactKind.COOKIE)}
    assert cookies["sp_consent"]["consent"] is False
    assert (cookies["sp_consent"]["amount"], cookies["sp_consent"]["unit"]) == (12, "months")
    assert cookies["_ga"]["provider"] == "Google Ireland Limited"
    assert (cookies["_ga"]["amount"], cookies["_ga"]["unit"], cookies["_ga"]["consent"]) == (
        2,
        "years",
        True,
    )
    assert cookies["sid"]["unit"] == "session" and cookies["sid"]["amount"] is None
    assert set(cookies) == {"sp_consent", "_ga", "sid"}


def test_cookies_named_in_prose_and_lists_B6() -> None:
    a = analyze(
        "# Privacy\n\n## Do you use cookies?\n\nOnly two, both strictly necessary:\n\n"
        "- `tb_session` keeps you signed in; it is deleted when you close your browser.\n"
        "- `tb_csrf` protects forms; it is also deleted at the end of the session.\n\n"
        'You can change your choice under "Cookie settings".\n',
        format="md",
    )
    names = [c.value["name"] for c in a.of(FactKind.COOKIE)]
    assert names == ["tb_session", "tb_csrf"]
    assert all(c.value["unit"] == "session" for c in a.of(FactKind.COOKIE))
    de = section("Das Cookie „_pk_id“ von Matomo läuft nach 13 Monaten ab.", "Webanalyse")
    [c] = de.of(FactKind.COOKIE)
    assert (c.value["name"], c.value["amount"], c.value["unit"]) == ("_pk_id", 13, "months")


def test_cookie_category_and_consent_from_the_words_B1_B2() -> None:
    a = analyze(
        "# Privacy\n\n## Cookies\n\n| Name | Provider | Purpose | Lifetime |\n|---|---|---|---|\n"
        "| sid | Acme Ltd. | Keeps you signed in | Session |\n"
        "| _an | Statwise Inc. | Audience measurement | 13 months |\n"
        "| ad_click | Adlift B.V. | Attributes sales to advertising campaigns | 30 days |\n"
        "| lang | Acme Ltd. | Remembers your language | 12 months |\n\n"
        "## Product analytics\n\nWith your consent (Art. 6(1)(a) GDPR) we use Beaconly. Beaconly "
        "sets a cookie called `_bcn_uid` that lives for 12 months.\n",
        format="md",
    )
    got = {
        str(c.value["name"]): (c.value["category"], c.value["consent"])
        for c in a.of(FactKind.COOKIE)
    }
    assert got == {
        "sid": ("necessary", False),
        "_an": ("analytics", True),
        "ad_click": ("marketing", True),
        "lang": ("functional", None),  # comfort: the notice must say whether it asks
        "_bcn_uid": (None, True),  # its activity rests on consent
    }
