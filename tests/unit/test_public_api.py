"""The public surface is explicit: each package's __all__ names exist and nothing else leaks."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = {
    "treu": ["__version__"],
    "treu.policy": [
        "START_EVENTS", "Activity", "Cookie", "Duration", "LoadedPolicy", "Policy", "Purpose",
        "Recipient", "Retention", "Transfer", "load_policy", "parse_duration", "parse_policy",
    ],
    "treu.errors": [
        "AnonymizeError", "AuthError", "CiphertextInvalid", "Conflict", "ConsentError", "DataMapError", "DependencyMissing", "ErasureBlocked", "ErasureFailed", "ExtensionRefused",
        "InputError",
        "InvalidTransition", "InvalidUser", "KeyringError", "MailError", "NotFound", "NoticeError", "PolicyError", "Problem", "RateLimited",
        "RequestError", "RetentionError", "StoreError", "StoreUnavailable", "SubjectShredded", "TreuError", "VerificationFailed",
    ],
    "treu.findings": ["Finding", "Severity", "has_errors"],
    "treu.datamap": [
        "Classification", "Column", "ContextRef", "DataMap", "Database", "Erasure", "Guard",
        "Plan", "PlanStep", "PlanWarning", "Reference", "Table", "check", "classify", "dump",
        "load", "loads", "plan", "scan",
        "export_access", "export_portability",
        "ErasureReport", "erase", "resume",
        "RectificationReport", "rectify", "RestrictionReport", "restrict", "lift_restriction",
        "ObjectionReport", "object_to", "render_erasure_report",
    ],
    "treu.consent": [
        "ALL_PURPOSES", "REASONS", "identity_hash", "is_suppressed", "normalise", "suppress",
        "ChainReport", "Decision", "Proof", "PurposeState", "build_proof", "has_consent",
        "history", "rebuild_state", "record", "seal", "signing_key", "state", "verify",
        "verify_proof", "withdraw",
        "NewsletterConfig", "blocked", "blocking_purposes", "confirm", "ingest", "purge_pending",
        "set_consent", "subscribe", "subscribers", "unsubscribe", "unsubscribe_headers",
        "unsubscribe_url", "withdraw_for_subject",
    ],
    "treu.mail": [
        "MailKind", "Mailer", "OutboxMailer", "SmtpMailer", "compose", "compose_newsletter_confirm",
        "make_mailer",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_all_is_pinned_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    assert sorted(module.__all__) == sorted(PACKAGES[name])
    for symbol in module.__all__:
        assert hasattr(module, symbol), f"{name}.{symbol} is in __all__ but missing"


def test_every_error_is_a_treu_error() -> None:
    from treu import errors

    for symbol in errors.__all__:
        obj = getattr(errors, symbol)
        if isinstance(obj, type) and symbol != "Problem":
            assert issubclass(obj, errors.TreuError)
