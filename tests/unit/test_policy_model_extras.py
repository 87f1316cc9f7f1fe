"""Commitments, consent channels and processing on behalf: checks and notice text.

Each test edits a small valid policy by text replacement, so a broken line is
known and an assertion on ``line`` fails if the loader points elsewhere; the
notice tests read the rendered Markdown in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from treu.errors import PolicyError, Problem
from treu.notice.document import to_markdown
from treu.notice.render import build_notice
from treu.policy import LoadedPolicy, load_policy

BASE = """\
treu: 1

notice:
  version: "1"
  valid_from: 2026-01-01
  languages: [de, en]

controller:
  name: Beispiel GmbH
  address: {street: Hauptstraße 1, postal_code: "10115", city: Berlin}
  email: info@beispiel.example

dpo:
  appointed: false
  reason:
    de: Weniger als 20 Personen verarbeiten bei uns personenbezogene Daten.
    en: Fewer than 20 people process personal data at our company.

authority: BE

activities:
  - id: contact
    name: {de: Kontaktanfragen, en: Contact requests}
    purposes:
      - description: {de: Beantwortung Ihrer Anfrage, en: Answering your request}
        legal_basis: contract
        data_use: essential.service.operations.support
    data_categories: [user.name, user.contact.email]
    data_subjects: [customer]
    provision:
      requirement: voluntary
      consequences: {de: Ohne E-Mail-Adresse keine Antwort., en: No reply without an e-mail.}
    recipients: [datacentre]
    retention: 6 months after collection

recipients:
  - id: datacentre
    name: Wolkenlager GmbH
    role: processor
    category: {de: Rechenzentrum, en: Data centre}
    service: {de: Server in Deutschland, en: Servers in Germany}
    country: DE
    contract_date: 2024-01-01

security:
  hosting:
    location: {de: Rechenzentrum in Deutschland, en: Data centre in Germany}
  measures:
    - area: encryption
      description: {de: TLS für alle Verbindungen, en: TLS for all connections}
"""

USE = "        data_use: essential.service.operations.support\n"
SECURITY = "\nsecurity:\n"

COMMITMENT = """
commitments:
  - id: no-selling
    text:
      de: Wir verkaufen Ihre Daten nicht.
      en: We do not sell your data.
    forbids: [{forbids}]
"""

ON_BEHALF = """
processing_on_behalf:
  - id: customer-files
    name: {{de: Dateien unserer Kunden, en: Our customers' files}}
    controllers: {{de: "Firmen, die unseren Speicher nutzen", en: Companies using our storage}}
    processing: {{de: Speichern und Sichern von Dateien, en: Storing and backing up files}}
    data_categories: [{category}]
    data_subjects: [{subject}]
    agreement: {{de: AV-Vertrag mit jeder Firma, en: Processing agreement with every company}}
    sub_processors: [{sub}]
{extra}"""


def edit(*pairs: tuple[str, str], base: str = BASE) -> str:
    text = base
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def line_of(text: str, snippet: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if snippet in line]
    assert len(hits) == 1, f"{snippet!r} on lines {hits}"
    return hits[0]


def with_commitment(forbids: str, use: str = "essential.service.operations.support") -> str:
    return edit(
        (USE, f"        data_use: {use}\n"),
        (SECURITY, COMMITMENT.format(forbids=forbids) + SECURITY),
    )


def with_on_behalf(
    category: str = "user.content.private",
    subject: str = "customer",
    sub: str = "datacentre",
    extra: str = "",
) -> str:
    block = ON_BEHALF.format(category=category, subject=subject, sub=sub, extra=extra)
    return edit((SECURITY, block + SECURITY))


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "policy.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def only(tmp_path: Path, text: str) -> Problem:
    """The one problem the text has; fails if there are more or none."""
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    found = caught.value.problems
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def loads(tmp_path: Path, text: str) -> LoadedPolicy:
    return load_policy(write(tmp_path, text))


def md(loaded: LoadedPolicy, lang: str) -> str:
    return to_markdown(build_notice(loaded, lang))


def section(text: str, anchor: str) -> str:
    match = re.search(rf"^(#+) [^\n]*\{{#{anchor}\}}\n(.*?)(?=^#{{1,3}} |\Z)", text, re.S | re.M)
    assert match, f"section #{anchor} missing"
    return match.group(2)


def anchors(text: str) -> list[str]:
    return re.findall(r"^## [^\n]*\{#([a-z-]+)\}$", text, re.M)


# --- commitments (N16) -----------------------------------------------------------------


def test_N16_commitment_rejects_a_purpose_whose_data_use_it_forbids(tmp_path: Path) -> None:
    text = with_commitment("marketing.advertising.third_party", "marketing.advertising.third_party")
    p = only(tmp_path, text)
    assert p.item == "N16"
    assert p.path == "activities[0].purposes[0].data_use"
    assert p.line == line_of(text, "data_use: marketing.advertising.third_party")
    assert "'marketing.advertising.third_party'" in p.message
    assert "commitment 'no-selling'" in p.message
    assert "change the purpose or the commitment" in (p.hint or "")


def test_N16_commitment_also_forbids_the_uses_below_its_key(tmp_path: Path) -> None:
    text = with_commitment("third_party_sharing", "third_party_sharing.legal_obligation")
    p = only(tmp_path, text)
    assert p.item == "N16"
    assert "'third_party_sharing.legal_obligation'" in p.message


@pytest.mark.parametrize(
    "use",
    [
        "essential.service.operations.support",
        "marketing.advertising.first_party",  # a sibling, not below the forbidden key
        "sales",
    ],
)
def test_N16_commitment_leaves_unrelated_uses_alone(tmp_path: Path, use: str) -> None:
    loaded = loads(tmp_path, with_commitment("marketing.advertising.third_party", use))
    assert loaded.warnings == ()
    assert loaded.policy.commitments[0].forbids == ["marketing.advertising.third_party"]


def test_commitment_with_an_unknown_data_use_key_suggests_the_fix(tmp_path: Path) -> None:
    text = with_commitment("thrid_party_sharing")
    p = only(tmp_path, text)
    assert p.path == "commitments[0].forbids[0]"
    assert p.line == line_of(text, "forbids: [thrid_party_sharing]")
    assert p.message == "'thrid_party_sharing' is not a fideslang data use key"
    assert p.hint == "did you mean 'third_party_sharing'?"


# --- processing on behalf (V2) ----------------------------------------------------------


def test_V2_valid_processing_on_behalf_loads_clean(tmp_path: Path) -> None:
    loaded = loads(tmp_path, with_on_behalf(extra="    retention: 1 months after cancellation\n"))
    assert loaded.warnings == ()
    entry = loaded.policy.processing_on_behalf[0]
    assert entry.sub_processors == ["datacentre"]
    assert entry.retention is not None and entry.retention.after == "cancellation"


def test_V2_unknown_sub_processor_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = with_on_behalf(sub="datacenter")
    p = only(tmp_path, text)
    assert p.path == "processing_on_behalf[0].sub_processors[0]"
    assert p.line == line_of(text, "sub_processors: [datacenter]")
    assert p.message == "unknown recipient 'datacenter'"
    assert p.hint == "did you mean 'datacentre'?"


def test_V2_bad_data_category_and_subject_keys_suggest_the_fix(tmp_path: Path) -> None:
    text = with_on_behalf(category="user.contact.emial", subject="custmer")
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    found = {p.path: p for p in caught.value.problems}
    assert set(found) == {
        "processing_on_behalf[0].data_categories[0]",
        "processing_on_behalf[0].data_subjects[0]",
    }
    category = found["processing_on_behalf[0].data_categories[0]"]
    assert category.message == "'user.contact.emial' is not a fideslang data category key"
    assert (
        category.hint
        == "did you mean 'user.contact.email'? or declare it under 'taxonomy:' with its labels"
    )
    assert category.line == line_of(text, "[user.contact.emial]")
    subject = found["processing_on_behalf[0].data_subjects[0]"]
    assert (
        subject.hint == "did you mean 'customer'? or declare it under 'taxonomy:' with its labels"
    )


def test_V2_transfer_without_a_mechanism_is_an_error(tmp_path: Path) -> None:
    extra = "    transfers:\n      - country: US\n        mechanism: none\n"
    text = with_on_behalf(extra=extra)
    p = only(tmp_path, text)
    assert p.item == "N6"  # the same Chapter V check as for our own recipients
    assert p.path == "processing_on_behalf[0].transfers[0].mechanism"
    assert p.line == line_of(text, "mechanism: none")
    assert "US needs a Chapter V mechanism" in p.message


def test_V2_transfer_with_a_mechanism_passes(tmp_path: Path) -> None:
    extra = "    transfers:\n      - country: US\n        mechanism: scc\n"
    assert loads(tmp_path, with_on_behalf(extra=extra)).warnings == ()


def test_V2_bad_start_event_in_on_behalf_retention_is_found(tmp_path: Path) -> None:
    text = with_on_behalf(extra="    retention:\n      period: 1 months\n      after: kuendigung\n")
    p = only(tmp_path, text)
    assert p.path == "processing_on_behalf[0].retention.after"
    assert "'kuendigung' is not a start event" in p.message


# --- the notice -------------------------------------------------------------------------

CONSENT_PURPOSE = """\
        legal_basis: consent
        consent_channel: double_opt_in
        withdrawal: {de: Abmeldelink in jeder E-Mail, en: Unsubscribe link in every e-mail}
"""


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("de", "Ihre Einwilligung bestätigen Sie über einen Link in einer E-Mail (Double-Opt-in)."),
        ("en", "You confirm your consent with a link in an e-mail (double opt-in)."),
    ],
)
def test_C4_consent_channel_is_said_after_the_legal_basis(
    tmp_path: Path, lang: str, sentence: str
) -> None:
    text = edit(("        legal_basis: contract\n", CONSENT_PURPOSE))
    activity = section(md(loads(tmp_path, text), lang), "activity-contact")
    basis = "Art. 6 Abs. 1 lit. a DSGVO" if lang == "de" else "Art. 6(1)(a) GDPR"
    assert re.search(re.escape(basis) + r"[^\n]*" + re.escape(sentence), activity)
    without = edit(
        ("        legal_basis: contract\n", CONSENT_PURPOSE.replace("double_opt_in", "banner"))
    )
    assert sentence not in md(loads(tmp_path, without), lang)


@pytest.mark.parametrize(
    ("lang", "title", "promise"),
    [
        ("de", "## Unsere Zusagen {#commitments}", "Wir verkaufen Ihre Daten nicht."),
        ("en", "## Our commitments {#commitments}", "We do not sell your data."),
    ],
)
def test_N16_commitments_section_prints_each_promise(
    tmp_path: Path, lang: str, title: str, promise: str
) -> None:
    notice = md(loads(tmp_path, with_commitment("third_party_sharing")), lang)
    assert title in notice
    assert f"- {promise}" in section(notice, "commitments")
    assert anchors(notice).index("commitments") == anchors(notice).index("overview") + 1
    assert "{#commitments}" not in md(loads(tmp_path, BASE), lang)


def test_V2_on_behalf_section_says_the_customer_is_the_controller_de(tmp_path: Path) -> None:
    notice = md(loads(tmp_path, with_on_behalf()), "de")
    assert "## Verarbeitung im Auftrag unserer Kundinnen und Kunden {#on-behalf}" in notice
    text = section(notice, "on-behalf")
    assert "- Dateien unserer Kunden (Verantwortliche: Firmen, die unseren Speicher nutzen)" in text
    assert "Verantwortlich im Sinne der DSGVO ist für diese Daten jeweils unsere Kundin" in text
    assert "nur auf Weisung" in text
    assert "Vertrags nach Art. 28 DSGVO" in text
    assert "richten Sie bitte an die jeweilige Kundin oder den jeweiligen Kunden" in text
    assert "leiten wir unverzüglich dorthin weiter" in text
    order = anchors(notice)
    assert order.index("on-behalf") == order.index("recipients") + 1


def test_V2_on_behalf_section_says_the_customer_is_the_controller_en(tmp_path: Path) -> None:
    notice = md(loads(tmp_path, with_on_behalf()), "en")
    assert "## Processing on behalf of our customers {#on-behalf}" in notice
    text = section(notice, "on-behalf")
    assert "- Our customers' files (controllers: Companies using our storage)" in text
    assert "the customer concerned, not us, is the controller under the GDPR" in text
    assert "only on the customer's instructions" in text
    assert "Art. 28 GDPR" in text
    assert "send requests about these data" in text
    assert "we forward to the customer" in text


def test_V2_no_on_behalf_section_without_processing_on_behalf(tmp_path: Path) -> None:
    for lang in ("de", "en"):
        assert "{#on-behalf}" not in md(loads(tmp_path, BASE), lang)


def test_V2_adequacy_claimed_for_the_US_on_behalf_is_an_error(tmp_path: Path) -> None:
    extra = "    transfers:\n      - country: US\n        mechanism: adequacy\n"
    p = only(tmp_path, with_on_behalf(extra=extra))
    assert p.path == "processing_on_behalf[0].transfers[0].mechanism"
    assert p.message == "US has no EU adequacy decision"


def test_C4_consent_channel_on_a_contract_purpose_is_a_warning(tmp_path: Path) -> None:
    text = edit(
        (
            "        legal_basis: contract\n",
            "        legal_basis: contract\n        consent_channel: form\n",
        )
    )
    warnings = loads(tmp_path, text).warnings
    assert [(w.path, w.item) for w in warnings] == [
        ("activities[0].purposes[0].consent_channel", "C4")
    ]
    assert "legal basis is 'contract'" in warnings[0].message


def test_V2_sub_processor_that_is_not_a_processor_is_a_warning(tmp_path: Path) -> None:
    text = with_on_behalf().replace("    role: processor\n", "    role: controller\n", 1)
    warnings = [w for w in loads(tmp_path, text).warnings if w.item == "V2"]
    assert warnings and warnings[0].path == "processing_on_behalf[0].sub_processors[0]"
