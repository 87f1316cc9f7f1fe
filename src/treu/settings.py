"""Settings, read once from the environment (``TREU_*``) at the edge and passed down.

Domain code never reads the environment; it receives a ``Settings`` (or the few
values it needs) from the CLI or the web app.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TREU_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///treu.db",
        description="SQLAlchemy URL of treu's own store; SQLite file by default.",
    )
    policy: Path = Field(default=Path("policy.yaml"), description="The policy.yaml to serve.")
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Signs verification links and sessions; required outside tests and demo.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="Public URL used in e-mailed links."
    )
    smtp_host: str | None = Field(default=None, description="SMTP server; unset: dev outbox.")
    smtp_port: int = Field(default=587, description="SMTP port.")
    smtp_user: str | None = Field(default=None, description="SMTP user name.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=True, description="Use STARTTLS when the server offers it.")
    mail_from: str = Field(
        default="datenschutz@localhost", description="Sender address of treu's e-mails."
    )
    outbox_dir: Path = Field(
        default=Path("outbox"), description="Where the dev outbox writes e-mails as .eml files."
    )
    verification_ttl_hours: int = Field(
        default=72, ge=1, description="How long a verification link stays valid."
    )
    request_retention_years: int = Field(
        default=3,
        ge=1,
        description="Years after the end of the closing year before closed requests are "
        "deleted (BGB §§ 195, 199).",
    )
    app_database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the organisation's own database that verified requests "
        "are executed on (access export, erasure, ...); unset: staff carry them out by hand.",
    )
    datamap: Path | None = Field(
        default=None,
        description="The datamap.yaml of that database (from treu datamap scan, reviewed).",
    )
    consent_origins: list[str] = Field(
        default_factory=list,
        description="Origins (https://www.example.org) whose pages embed the cookie banner and "
        "may post consent decisions to treu (CORS); JSON list in the environment.",
    )
    consent_lifetime_days: int = Field(
        default=365,
        ge=1,
        le=400,
        description="How long a banner decision holds before the banner asks again.",
    )
    consent_decisions_per_minute: int = Field(
        default=120,
        ge=1,
        description="Cookie-banner decisions treu accepts per client network (IPv4 /24, IPv6 "
        "/48) and minute; behind a reverse proxy every visitor shares the proxy's network.",
    )
    newsletter_confirm_hours: int = Field(
        default=72, ge=1, description="How long a newsletter confirmation link stays valid."
    )
    newsletter_pending_days: int = Field(
        default=30,
        ge=1,
        description="Days after which unconfirmed newsletter sign-ups are deleted.",
    )
    client_ipv4_prefix: int = Field(
        default=24,
        ge=0,
        le=24,
        description="The web app cuts every client IPv4 address to this many bits before the "
        "routes and uvicorn's access log see it (A2: at least the last octet).",
    )
    client_ipv6_prefix: int = Field(
        default=48,
        ge=0,
        le=48,
        description="The same for IPv6 addresses (A2: at most /48).",
    )
    pseudonym_keys: SecretStr = Field(
        default=SecretStr(""),
        description="HMAC-SHA-256 keys of treu.anonymize.pseudonym as 'id:base64key,...', "
        "the first one current; each key at least 32 bytes; kept apart from the data (A3).",
    )
    shred_master_keys: SecretStr = Field(
        default=SecretStr(""),
        description="AES-256 master keys that wrap the per-subject data keys of "
        "treu.anonymize.shred, as 'id:base64key,...', the first one current; 32 bytes each.",
    )
