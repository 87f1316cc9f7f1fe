"""The cookie banner's configuration from the policy, its versions and its size (B2, B6, B10).

The configuration decides what the banner offers and says: only purposes that
have cookies needing consent, the exempt cookies with their reason, every third
party with its country and transfer.  ``config_version`` must move with what
consent is given for and not with wording; ``text_hash`` with every word shown.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from treu.consent.banner import (
    CONSENT_COOKIE,
    banner_config,
    banner_view,
    config_version,
    text_hash,
)
from treu.policy import load_policy
from treu.policy.model import Cookie, Policy, Transfer

ROOT = Path(__file__).parents[2]
STATIC = ROOT / "src" / "treu" / "web" / "static" / "consent"
BUDGET = 12 * 1024


def example(name: str) -> Policy:
    return load_policy(ROOT / "examples" / name / "policy.yaml").policy


@pytest.fixture(scope="module")
def sprechstunde() -> Policy:
    return example("sprechstunde")


def with_cookie(policy: Policy, name: str, **changes: object) -> Policy:
    cookies = [c.model_copy(update=changes) if c.name == name else c for c in policy.cookies]
    return policy.model_copy(update={"cookies": cookies})


def test_banner_offers_only_the_purposes_whose_cookies_need_consent_B6() -> None:
    offered = {
        name: [p["id"] for p in banner_config(example(name))["purposes"]]
        for name in ("sprechstunde", "softwerk", "vereinskasse", "ideenwerk", "plauderpost")
    }
    assert offered == {
        "sprechstunde": ["analytics", "marketing"],
        "softwerk": ["functional", "marketing"],
        "vereinskasse": ["functional", "analytics"],
        "ideenwerk": ["analytics"],
        "plauderpost": ["analytics"],
    }


def test_each_purpose_lists_its_cookies_with_provider_lifetime_and_purpose_B6(
    sprechstunde: Policy,
) -> None:
    de = banner_view(banner_config(sprechstunde), "de")
    analytics = next(p for p in de["purposes"] if p["id"] == "analytics")
    assert analytics["label"] == "Statistik"
    assert analytics["cookies"] == [
        {
            "name": "_sw_id",
            "provider": "Statwise Inc. (fictional)",
            "kind": "Cookie",
            "lifetime": "14 Monate",
            "purpose": "Unterscheidet Besuche für die Webanalyse",
        },
        {
            "name": "_hl_id",
            "provider": "Heatlytics Ltd. (fictional)",
            "kind": "Cookie",
            "lifetime": "14 Monate",
            "purpose": "Verbindet Seitenaufrufe für die Heatmap",
        },
    ]
    assert analytics["vendors"] == [
        {"name": "Statwise Inc. (fictional)", "where": "USA (EU-Standardvertragsklauseln)"},
        {"name": "Heatlytics Ltd. (fictional)", "where": "Malta"},
    ]
    en = banner_view(banner_config(sprechstunde), "en")
    marketing = next(p for p in en["purposes"] if p["id"] == "marketing")
    assert [(c["name"], c["lifetime"]) for c in marketing["cookies"]] == [
        ("_pc_visitor", "13 months"),
        ("clip_pref", "6 months"),
    ]


def test_first_layer_names_every_third_party_with_country_and_transfer_B6_C3(
    sprechstunde: Policy,
) -> None:
    third = banner_view(banner_config(sprechstunde), "de")["third_parties"]
    assert {t["name"]: t["where"] for t in third} == {
        "Statwise Inc. (fictional)": "USA (EU-Standardvertragsklauseln)",
        "Heatlytics Ltd. (fictional)": "Malta",
        "Pipeline Cloud Ireland Ltd. (fictional)": "Irland (USA: EU-Standardvertragsklauseln)",
        "Clipstream Inc. (fictional)": "USA (EU-US Data Privacy Framework)",
    }
    en = banner_view(banner_config(sprechstunde), "en")
    assert "withdraw" in en["ui"]["withdraw"] and "any time" in en["ui"]["withdraw"]
    assert en["risk"] is False


def test_first_party_analytics_has_no_third_party_and_no_vendor_transfer_B6() -> None:
    config = banner_config(example("vereinskasse"))
    analytics = next(p for p in config["purposes"] if p["id"] == "analytics")
    assert analytics["vendors"] == ["self"]
    assert [c["provider_name"] for c in analytics["cookies"]] == ["Vereinskasse Software GmbH"] * 2
    names = [t["name"] for t in banner_view(config, "de")["third_parties"]]
    assert "Vereinskasse Software GmbH" not in names


def test_a_transfer_without_safeguards_adds_the_risk_sentence_C3(sprechstunde: Policy) -> None:
    recipients = [
        r.model_copy(update={"transfers": [Transfer(country="US", mechanism="art49")]})
        if r.id == "analytics-us"
        else r
        for r in sprechstunde.recipients
    ]
    risky = sprechstunde.model_copy(update={"recipients": recipients})
    view = banner_view(banner_config(risky), "de")
    assert view["risk"] is True
    assert "Behörden könnten auf die Daten zugreifen" in view["ui"]["risk"]
    assert {t["name"]: t["risk"] for t in view["third_parties"]}["Statwise Inc. (fictional)"]


def test_necessary_cookies_are_listed_as_exempt_with_the_reason_B2(sprechstunde: Policy) -> None:
    config = banner_config(sprechstunde)
    exempt = [c["name"] for c in config["necessary"]["cookies"]]
    assert exempt == [
        "sp_consent",
        "sp_expert_session",
        "sp_admin_session",
        "sp_app",
        CONSENT_COOKIE,  # the banner's own cookie, added because the policy names another one
    ]
    offered = {c["name"] for p in config["purposes"] for c in p["cookies"]}
    assert not offered & set(exempt)
    de = banner_view(config, "de")["necessary"]
    assert "§ 25 Abs. 2 Nr. 2 TDDDG" in de["reason"]
    assert de["cookies"][-1] == {
        "name": "treu_consent",
        "provider": "Sprechstunde Digital AG",
        "kind": "Cookie",
        "lifetime": "365 Tage",
        "purpose": "Speichert Ihre Cookie-Entscheidung",
    }
    assert "Section 25(2) no. 2 TDDDG" in banner_view(config, "en")["necessary"]["reason"]
    ideenwerk = banner_config(example("ideenwerk"))  # lists treu_consent itself: not twice
    assert [c["name"] for c in ideenwerk["necessary"]["cookies"]].count(CONSENT_COOKIE) == 1


def test_a_necessary_cookie_that_needs_consent_is_offered_not_exempted_B2(
    sprechstunde: Policy,
) -> None:
    odd = with_cookie(sprechstunde, "sp_app", consent_required=True)
    config = banner_config(odd)
    functional = next(p for p in config["purposes"] if p["id"] == "functional")
    assert [c["name"] for c in functional["cookies"]] == ["sp_app"]
    assert "sp_app" not in [c["name"] for c in config["necessary"]["cookies"]]


def test_notice_link_and_version_come_from_the_policy_or_the_parameter(
    sprechstunde: Policy,
) -> None:
    config = banner_config(sprechstunde, notice_url="https://privacy.example.org/privacy")
    assert config["notice"] == {
        "version": "3.0",
        "url": "https://www.sprechstunde.example/datenschutz",
    }
    no_url = sprechstunde.model_copy(
        update={"notice": sprechstunde.notice.model_copy(update={"url": None})}
    )
    assert banner_config(no_url, notice_url="https://privacy.example.org/privacy")["notice"] == {
        "version": "3.0",
        "url": "https://privacy.example.org/privacy",
    }


def test_config_version_changes_with_cookies_lifetimes_and_vendors_B10(
    sprechstunde: Policy,
) -> None:
    base = config_version(banner_config(sprechstunde))
    assert re.fullmatch(r"[0-9a-f]{64}", base)
    assert config_version(banner_config(sprechstunde)) == base
    longer = with_cookie(sprechstunde, "_sw_id", lifetime="24 months")
    new_cookie = sprechstunde.model_copy(
        update={
            "cookies": [
                *sprechstunde.cookies,
                Cookie(
                    name="_ab",
                    provider="self",
                    category="analytics",
                    purpose={"de": "A/B-Test", "en": "A/B test"},
                    lifetime="30 days",
                    consent_required=True,
                ),
            ]
        }
    )
    recipients = [
        r.model_copy(update={"transfers": [Transfer(country="US", mechanism="dpf")]})
        if r.id == "analytics-us"
        else r
        for r in sprechstunde.recipients
    ]
    new_transfer = sprechstunde.model_copy(update={"recipients": recipients})
    versions = {config_version(banner_config(p)) for p in (longer, new_cookie, new_transfer)}
    assert base not in versions and len(versions) == 3


def test_config_version_ignores_wording_and_exempt_cookies_but_text_hash_does_not_B10_C4(
    sprechstunde: Policy,
) -> None:
    config = banner_config(sprechstunde)
    reworded = banner_config(
        with_cookie(sprechstunde, "_sw_id", purpose={"de": "Zählt Besuche", "en": "Counts visits"})
    )
    session_changed = banner_config(with_cookie(sprechstunde, "sp_app", lifetime="1 day"))
    assert config_version(reworded) == config_version(config)
    assert config_version(session_changed) == config_version(config)
    assert text_hash(reworded, "de") != text_hash(config, "de")
    assert text_hash(reworded, "en") != text_hash(config, "en")
    assert text_hash(session_changed, "de") != text_hash(config, "de")


def test_text_hash_is_the_sha256_of_exactly_the_shown_text_per_language_C4(
    sprechstunde: Policy,
) -> None:
    config = banner_config(sprechstunde)
    de, en = banner_view(config, "de"), banner_view(config, "en")
    canonical = json.dumps(de, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert text_hash(config, "de") == hashlib.sha256(canonical.encode()).hexdigest()
    assert text_hash(config, "de") != text_hash(config, "en")
    assert de["ui"]["accept"] == "Alle akzeptieren" and de["ui"]["reject"] == "Alle ablehnen"
    assert en["ui"]["accept"] == "Accept all" and en["ui"]["reject"] == "Reject all"
    assert "Sprechstunde Digital AG" in de["ui"]["intro"]
    assert "365 Tagen" in de["ui"]["withdraw"]
    assert (
        "90 days"
        in banner_view(banner_config(sprechstunde, lifetime_days=90), "en")["ui"]["withdraw"]
    )
    with pytest.raises(ValueError, match="lang"):
        banner_view(config, "fr")


def test_the_script_shows_only_texts_from_the_configuration_C4() -> None:
    """Every text key banner.js reads exists in both languages, so text_hash covers it."""
    js = (STATIC / "banner.js").read_text(encoding="utf-8")
    columns = {"name", "provider", "kind", "lifetime", "purpose"}  # table headers: U[c]
    used = set(re.findall(r"\bU\.(\w+)", js)) | columns
    view = banner_view(banner_config(example("sprechstunde")), "de")
    assert used and used <= set(view["ui"]), used - set(view["ui"])
    assert set(banner_view(banner_config(example("sprechstunde")), "en")["ui"]) == set(view["ui"])
    assert not re.search(r"[äöüß]|akzeptieren|Accept all", js)


def test_banner_script_and_stylesheet_stay_within_12_kb_gzipped() -> None:
    sizes = {
        name: len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9))
        for name in ("banner.js", "banner.css")
    }
    total = sum(sizes.values())
    print(f"banner gzipped: {sizes} = {total} bytes of {BUDGET}")
    assert total <= BUDGET, sizes
