"""Reference data shipped with treu: authorities, retention presets, taxonomy labels.

Legal facts and plain-language wording live in YAML under ``treu/policy/data/`` so
counsel and translators can review them without reading Python. This module loads
them once per process into frozen objects; broken shipped data is a bug in treu,
not a user error, so it raises ``ValueError`` rather than a ``TreuError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal, TypeVar

from treu import _yaml_fast
from treu.policy.durations import Duration, parse_duration

__all__ = [
    "Authority",
    "RetentionPreset",
    "TaxonomyLabels",
    "authorities",
    "retention_presets",
    "taxonomy_labels",
]

Scope = Literal["private", "public", "both"]
Start = Literal["end_of_year", "event"]
Kind = Literal["statutory", "practice"]
_SCOPES: tuple[Scope, ...] = ("private", "public", "both")
_STARTS: tuple[Start, ...] = ("end_of_year", "event")
_KINDS: tuple[Kind, ...] = ("statutory", "practice")

_AUTHORITY_STRINGS = ("short", "street", "postal_code", "city", "phone", "email", "website")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Authority:
    """A supervisory authority, as a notice names it for the complaint right (N11, S4)."""

    key: str  # "BUND", an ISO 3166-2:DE Land code, or "BY-PUBLIC"
    name: dict[str, str]
    short: str
    street: str
    postal_code: str
    city: str
    phone: str
    email: str
    website: str
    scope: Scope
    responsible_for: dict[str, str]
    complaint_url: str | None = None


@dataclass(frozen=True)
class RetentionPreset:
    """One Löschregel (DIN 66398) a policy can reuse instead of inventing a period (R2).

    ``from_year_end``: the period runs from the end of the calendar year in which
    ``start_event`` happened (§ 257(5) HGB, § 147(4) AO, § 199(1) BGB).
    """

    key: str
    period: str  # ISO 8601 duration as written in the YAML, e.g. "P8Y"
    duration: Duration  # the same, structured as the policy model compares and executes it
    start: Start
    start_event: str
    from_year_end: bool
    citation: dict[str, str]
    label: dict[str, str]
    description: dict[str, str]
    legal_item: str
    kind: Kind


@dataclass(frozen=True)
class TaxonomyLabels:
    """German and English labels for fideslang keys, for notices and Art. 30 records.

    Lookups never fail, so a notice with an odd key still renders (the policy checks
    report unknown keys): requested language, English, fideslang's name, the key.
    """

    categories: dict[str, dict[str, str]]
    uses: dict[str, dict[str, str]]
    subjects: dict[str, dict[str, str]]

    def category(self, key: str, lang: str = "de") -> str:
        return _label(self.categories, "data_category", key, lang)

    def use(self, key: str, lang: str = "de") -> str:
        return _label(self.uses, "data_use", key, lang)

    def subject(self, key: str, lang: str = "de") -> str:
        return _label(self.subjects, "data_subject", key, lang)


@cache
def authorities() -> dict[str, Authority]:
    """All German supervisory authorities by key (``BUND``, ``BW`` … ``TH``, ``BY-PUBLIC``)."""
    raw = _mapping(_load("authorities.yaml").get("authorities"), "authorities")
    result: dict[str, Authority] = {}
    for key, entry in raw.items():
        where, e = f"authorities.{key}", _mapping(entry, f"authorities.{key}")
        result[str(key)] = Authority(
            key=str(key),
            name=_text(e.get("name"), f"{where}.name"),
            responsible_for=_text(e.get("responsible_for"), f"{where}.responsible_for"),
            scope=_choice(e.get("scope"), _SCOPES, f"{where}.scope"),
            complaint_url=_str(e["complaint_url"], where) if "complaint_url" in e else None,
            **{f: _str(e.get(f), f"{where}.{f}") for f in _AUTHORITY_STRINGS},
        )
    return result


@cache
def retention_presets() -> dict[str, RetentionPreset]:
    """Legal and practice retention presets by key (``hgb-ao-vouchers`` …)."""
    raw = _mapping(_load("retention_presets.yaml").get("presets"), "presets")
    result: dict[str, RetentionPreset] = {}
    for key, entry in raw.items():
        where, e = f"presets.{key}", _mapping(entry, f"presets.{key}")
        period = _str(e.get("period"), f"{where}.period")
        try:
            duration = parse_duration(period)
        except ValueError as exc:
            raise ValueError(f"{where}.period: {exc}") from exc
        preset = RetentionPreset(
            key=str(key),
            period=period,
            duration=duration,
            start=_choice(e.get("start"), _STARTS, f"{where}.start"),
            from_year_end=_choice(e.get("from_year_end"), (True, False), f"{where}.from_year_end"),
            kind=_choice(e.get("kind"), _KINDS, f"{where}.kind"),
            start_event=_str(e.get("start_event"), f"{where}.start_event"),
            legal_item=_str(e.get("legal_item"), f"{where}.legal_item"),
            **{f: _text(e.get(f), f"{where}.{f}") for f in ("citation", "label", "description")},
        )
        if preset.from_year_end != (preset.start == "end_of_year"):
            raise ValueError(f"{where}: from_year_end contradicts start={preset.start}")
        result[preset.key] = preset
    return result


@cache
def taxonomy_labels() -> TaxonomyLabels:
    """Labels for every fideslang default-taxonomy key (tests check completeness)."""
    data = _load("labels_de.yaml")
    cats, uses, subjects = (
        {str(k): _text(v, f"{s}.{k}") for k, v in _mapping(data.get(s), s).items()}
        for s in ("data_categories", "data_uses", "data_subjects")
    )
    return TaxonomyLabels(categories=cats, uses=uses, subjects=subjects)


def _label(table: dict[str, dict[str, str]], kind: str, key: str, lang: str) -> str:
    pair = table.get(key, {})
    return pair.get(lang) or pair.get("en") or _fideslang_names(kind).get(key) or key


@cache
def _fideslang_names(kind: str) -> dict[str, str]:
    # Imported lazily: fideslang builds its pydantic models on import, and the
    # fallback is only needed when a label is missing.
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    return {str(i.fides_key): str(i.name) for i in getattr(DEFAULT_TAXONOMY, kind) if i.name}


def _load(name: str) -> dict[str, Any]:
    text = (files("treu.policy") / "data" / name).read_text(encoding="utf-8")
    tree = _yaml_fast.tree(text)  # libyaml; ruamel (pure Python) only for what it cannot read
    if tree is None:
        from ruamel.yaml import YAML

        tree = YAML(typ="safe").load(text)
    return _mapping(tree, name)


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a mapping in treu's shipped data")
    return value


def _str(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a non-empty string in treu's shipped data")
    return value


def _text(value: object, where: str) -> dict[str, str]:
    pair = _mapping(value, where)
    return {lang: _str(pair.get(lang), f"{where}.{lang}") for lang in ("de", "en")}


def _choice(value: object, options: tuple[_T, ...], where: str) -> _T:
    for option in options:
        if type(value) is type(option) and value == option:
            return option
    raise ValueError(f"{where} must be one of {', '.join(map(str, options))}, not {value!r}")
