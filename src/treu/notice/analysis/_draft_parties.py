"""The draft's recipients (with their transfers), cookies and security section.

Split from ``draft.py`` to keep each file readable; the functions take the
draft builder and fill its tree and TODO list the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from treu.notice.analysis import _draft_support as s
from treu.notice.analysis.model import Fact, FactKind
from treu.policy.model import EEA_COUNTRIES

if TYPE_CHECKING:
    from treu.notice.analysis.draft import _Builder

__all__ = ["add_recipients", "cookies", "security"]

_MECHANISMS = frozenset(("adequacy", "dpf", "scc", "bcr", "art49"))
_COUNTRY_WORDS = {
    "de": {"DE": "Deutschland", "AT": "Österreich", "NL": "Niederlande", "IE": "Irland"},
    "en": {"DE": "Germany", "AT": "Austria", "NL": "the Netherlands", "IE": "Ireland"},
}
_CATEGORY = {"de": "Dienstleister", "en": "Service provider"}
_SELF_WORDS = re.compile(r"^(?:self|wir|we|us|uns|eigen\w*|own|first[- ]party)$", re.I)


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w&]+", " ", name.lower()).split())


def add_recipients(b: _Builder, seq: CommentedSeq) -> None:
    """One entry per named recipient; facts naming the same organisation are merged."""
    merged: dict[str, list[Fact]] = {}
    for fact in (*b.a.of(FactKind.RECIPIENT), *b.a.of(FactKind.PROCESSOR)):
        name = str(fact.value.get("name") or "").strip()
        if name:
            merged.setdefault(_norm(name), []).append(fact)
    controller = b.draft.tree.get("controller", {}).get("name")
    transfers = list(b.a.of(FactKind.TRANSFER))
    for key, facts in merged.items():
        if controller and key == _norm(str(controller)):
            continue
        _recipient(b, seq, facts, transfers)


def _recipient(b: _Builder, seq: CommentedSeq, facts: list[Fact], transfers: list[Fact]) -> None:
    best = max(facts, key=lambda f: (sum(1 for v in f.value.values() if v), f.confidence))
    at = ("recipients", len(seq))
    name = str(best.value["name"]).strip()
    out = CommentedMap()
    out["id"] = s.unique_slug(name, b.taken, fallback="recipient")
    b.recipient_ids[_norm(name)] = out["id"]
    out["name"] = name
    role = next((str(f.value["role"]) for f in facts if f.value.get("role")), None)
    out["role"] = role or ("processor" if best.kind is FactKind.PROCESSOR else "other")
    label = _label(best.evidence.text, name)
    out["category"] = b.text(label or best.evidence.section or _CATEGORY[b.lang])
    service = _service(best.evidence.text, name)
    if label and service.lstrip(" -*•").startswith(f"{label}:"):
        service = service.lstrip(" -*•")[len(label) + 1 :].strip()
    out["service"] = b.text(service)

    b.todo((*at, "category"), "recipient_words", best)
    if role is None:
        b.todo((*at, "role"), "role", best)
    country = next((str(f.value["country"]) for f in facts if f.value.get("country")), None)
    out["country"] = country
    if country is None:
        b.silent((*at, "country"), "w.country", name=name)
    address = next((str(f.value["address"]) for f in facts if f.value.get("address")), None)
    if address:
        out["address"] = address
    if out["role"] == "processor":
        b.silent(at, "w.contract_date")
    if out["role"] == "joint_controller":
        b.silent(at, "w.arrangement")
    listed = _transfers(b, (*at, "transfers"), name, country, facts, transfers)
    if listed:
        out["transfers"] = listed
    seq.append(out)


def _label(evidence: str, name: str) -> str | None:
    """'Hosting: Nordhafen Cloud GmbH, ...' - the list item's own label, if it has one."""
    m = re.match(rf"\s*(?:[-*•]\s*)?([^:.;]{{2,48}}):\s*(?:\*\*)?{re.escape(name)}", evidence)
    return m.group(1).strip() if m else None


def _service(evidence: str, name: str) -> str:
    """The words about this recipient: its sentence, or in a long list its own entry."""
    from treu.notice.textdoc import split_sentences

    text = " ".join(evidence.split())
    sentence = next((x for x in split_sentences(text) if name in x), text)
    if len(sentence) <= 240:
        return sentence
    start = sentence.find(name)
    tail = sentence[max(start, 0) :]
    close = tail.find(")")
    return tail[: close + 1] if 0 < close < 240 else tail[:200].rsplit(" ", 1)[0] + " …"


def _transfers(b: _Builder, at: tuple[str | int, ...], name: str, country: str | None,
               facts: list[Fact], transfers: list[Fact]) -> CommentedSeq:  # fmt: skip
    """One entry per third country the notice names for this recipient (or its seat)."""
    third = bool(country) and country not in EEA_COUNTRIES
    mine = _transfer_facts(name, country if third else None, facts, transfers)
    by_country: dict[str, list[Fact]] = {}
    for t in mine:
        if not third and t.value.get("mechanism") in (None, "none"):
            continue  # a recipient in the EEA: only a named safeguard shows a transfer
        where = str(t.value.get("country") or country or "")
        if where and where not in EEA_COUNTRIES:
            by_country.setdefault(where, []).append(t)
    if third and country not in by_country:
        by_country = {str(country): [], **by_country}
    out = CommentedSeq()
    for j, (where, found) in enumerate(by_country.items()):
        out.append(_transfer(b, (*at, j), where, _best(found), facts[0]))
    return out


def _best(found: list[Fact]) -> Fact | None:
    ranked = sorted(found, key=lambda t: _RANK.index(str(t.value.get("mechanism")))
                    if t.value.get("mechanism") in _RANK else len(_RANK))  # fmt: skip
    return ranked[0] if ranked else None


def _transfer(b: _Builder, here: tuple[str | int, ...], country: str, fact: Fact | None,
              near: Fact) -> CommentedMap:  # fmt: skip
    mechanism = str(fact.value.get("mechanism") or "none") if fact else "none"
    out = CommentedMap({"country": country})
    if mechanism in _MECHANISMS:
        out["mechanism"] = mechanism
        assert fact is not None
        b.check((*here, "mechanism"), "c.mechanism", fact)
    elif mechanism == "consent":
        out["mechanism"] = "art49"
        out["derogation"] = b.text(fact.evidence.text if fact else "")
        b.todo((*here, "derogation"), "art49", fact)
    elif mechanism == "obsolete":
        out["mechanism"] = "none"
        b.todo((*here, "mechanism"), "privacy_shield", fact)
    else:
        out["mechanism"] = "none"
        b.todo((*here, "mechanism"), "no_mechanism", fact or near, country=country)
    return out


# Several safeguards named for one recipient: the most specific wins (the DPF is the US
# adequacy decision; an obsolete citation is kept so the TODO can say so).
_RANK = ("dpf", "scc", "bcr", "obsolete", "consent", "art49", "adequacy", "none")


def _transfer_facts(name: str, country: str | None, facts: list[Fact], transfers: list[Fact]) -> list[Fact]:  # fmt: skip
    """The transfer facts about this recipient: named for it, else said in its sentences.

    ``country`` is the recipient's seat when it is a third country; only then may a
    transfer that names no recipient be taken for it.
    """
    from treu.notice.textdoc import split_sentences

    key = _norm(name)
    spans = {f.evidence.span for f in facts}
    named = [t for t in transfers if key and key == _norm(str(t.value.get("recipient") or ""))]
    if not named and country is not None:
        for t in transfers:
            sentences = split_sentences(" ".join(t.evidence.text.split()))
            for k, sentence in enumerate(sentences):
                if key not in _norm(sentence):
                    continue
                window = " ".join(sentences[k : k + 2]).lower()
                cited = str(t.value.get("cited") or "").lower()
                if cited and cited in window:
                    named.append(t)
    if not named and country is not None:
        named = [t for t in transfers if t.evidence.span in spans and not t.value.get("recipient")]
        if not named:
            same = [t for t in transfers if t.value.get("country") == country]
            if same and len({t.value.get("mechanism") for t in same}) == 1:
                named = same
    return named


def cookies(b: _Builder) -> Iterable[CommentedMap]:
    seen: set[str] = set()
    consent_ids = {a["id"] for a in b.draft.tree.get("activities") or []
                   if a["purposes"] and all(p.get("legal_basis") == "consent" for p in a["purposes"])}  # fmt: skip
    for fact in b.a.of(FactKind.COOKIE):
        v = fact.value
        name = str(v.get("name") or "").strip()
        if not name or name in seen:
            continue
        seen.add(name)
        at = ("cookies", len(seen) - 1)
        out = CommentedMap({"name": name})
        out["provider"] = _provider(b, at, str(v.get("provider") or ""), fact)
        activity = b.activity_ids.get(fact.activity) if fact.activity is not None else None
        consent = v.get("consent")
        if consent is None and activity in consent_ids:
            consent = True  # the activity it serves rests on consent alone
        purpose = _purpose(fact.evidence.text, name, str(v.get("provider") or ""))
        out["category"] = s.cookie_category(purpose, consent if isinstance(consent, bool) else None)
        b.todo((*at, "category"), "cookie_category", fact)
        out["purpose"] = b.text(purpose)
        out["lifetime"] = _lifetime(v) or _session(fact.evidence.text, name)
        if out["lifetime"] is None:
            b.todo((*at, "lifetime"), "cookie_lifetime", fact)
        if isinstance(v.get("consent"), bool):
            out["consent_required"] = consent
            b.check((*at, "consent_required"), "c.consent", fact)
        elif isinstance(consent, bool):
            out["consent_required"] = consent
            b.todo((*at, "consent_required"), "check", fact, what="c.consent", confidence="-")
        else:
            out["consent_required"] = out["category"] in ("analytics", "marketing")
            b.todo((*at, "consent_required"), "cookie_consent", fact)
        if activity is not None:
            out["activity"] = activity
        yield out


_SESSION = re.compile(
    r"close (?:your|the) browser|end of (?:the|your) (?:browser )?session|session cookie|"
    r"ende der (?:browser)?sitzung|schließen (?:des|Ihres) browsers|sitzungscookie|"
    r"browser schließen",
    re.IGNORECASE,
)


def _session(sentence: str, name: str) -> str | None:
    """'deleted when you close your browser' in the cookie's own sentence: a session cookie."""
    return "session" if name in sentence and _SESSION.search(sentence) else None


_NOT_PURPOSE = re.compile(
    r"^(?:ja|nein|yes|no|nicht erforderlich|erforderlich|required|not required|sitzung|session|"
    r"\d+\s*\w+|persistent|dauerhaft)$",
    re.IGNORECASE,
)


def _purpose(sentence: str, name: str, provider: str = "") -> str:
    """The cookie's own words: a table row's purpose cell, or the sentence without the name."""
    text = " ".join(sentence.split())
    if text.count("|") >= 2:
        cells = [c.strip() for c in text.strip("| ").split("|")]
        words = [c for c in cells if c and c not in (name, provider) and not _NOT_PURPOSE.match(c)]
        if words:
            return max(words, key=len)
    text = re.sub(rf"^[-*•\s]*[„\"'`]?{re.escape(name)}[“\"'`]?\s*", "", text)
    text = re.sub(r"^\([^)]*\)\s*", "", text)  # '(Provider GmbH): ...'
    text = re.sub(r"^[:|–-]\s*", "", text)
    text = _TAIL.split(text, maxsplit=1)[0].strip().rstrip(";,")
    return text or " ".join(sentence.split())


# Where a cookie list item stops giving its purpose and starts giving lifetime or consent.
_TAIL = re.compile(
    r";\s*(?=speicherdauer|laufzeit|gültigkeit|lebensdauer|lifetime|expires|duration|keine "
    r"einwilligung|nur mit|no consent|only with|consent|it (?:is (?:also )?deleted|lasts|"
    r"expires)|es wird (?:am|nach|beim)|sie wird (?:am|nach|beim))",
    re.IGNORECASE,
)


def _lifetime(v: Mapping[str, object]) -> str | None:
    unit, amount = v.get("unit"), v.get("amount")
    if unit == "session":
        return "session"
    if amount and unit:
        return f"{amount} {unit}"
    text = str(v.get("lifetime") or "").lower()
    if re.search(r"sitzung|session|browser", text):
        return "session"
    return None


def _provider(b: _Builder, at: tuple[str | int, ...], provider: str, fact: Fact) -> str:
    controller = str(b.draft.tree.get("controller", {}).get("name") or "")
    if not provider:
        sentence = _norm(fact.evidence.text)
        for known, rid in b.recipient_ids.items():
            head = known.split()[0] if known else ""
            if len(head) > 3 and re.search(rf"\b{re.escape(head)}\b", sentence):
                b.todo((*at, "provider"), "cookie_provider_guess", fact)
                return rid
        return "self"
    if _SELF_WORDS.match(provider) or _norm(provider) == _norm(controller):
        return "self"
    key = _norm(provider)
    if key in b.recipient_ids:
        return b.recipient_ids[key]
    for known, rid in b.recipient_ids.items():
        if known.startswith(key) or key.startswith(known):
            return rid
    if _norm(controller).startswith(key) or key in _norm(controller):
        return "self"
    return _unknown_provider(b, at, provider, fact)


def _unknown_provider(b: _Builder, at: tuple[str | int, ...], provider: str, fact: Fact) -> str:
    b.todo((*at, "provider"), "cookie_provider", fact, provider=provider)
    return "self"


def security(b: _Builder) -> CommentedMap:
    out = CommentedMap()
    hosting = CommentedMap()
    host = next((r for r in b.draft.tree.get("recipients", [])
                 if s.slug(str(r.get("name"))) and re.search(r"host|rechenzentr|cloud|server",
                 f"{r['name']} {r['service'].get(b.lang, '')}", re.I)), None)  # fmt: skip
    if host is not None and host.get("country"):
        words = _COUNTRY_WORDS[b.lang].get(str(host["country"]), str(host["country"]))
        hosting["location"] = b.text(words)
        hosting["provider"] = host["id"]
        hosting["countries"] = CommentedSeq([host["country"]])
        b.todo(("security", "hosting", "location"), "hosting", name=host["name"])
    else:
        hosting["location"] = None
        b.silent(("security", "hosting", "location"), "w.hosting")
    out["hosting"] = hosting
    measures = CommentedSeq()
    for sentence in _security_sentences(b)[:6]:
        area = next((a for a, rx in s.MEASURE_AREAS if rx.search(sentence)), "organisation")
        measures.append(CommentedMap({"area": area, "description": b.text(sentence)}))
    out["measures"] = measures
    if measures:
        b.todo(("security", "measures"), "measures")
    else:
        b.silent(("security", "measures"), "w.measures")
    return out


_SECURITY = re.compile(
    r"sicherheit|security|\bsafe|protect your|schutz ihrer daten|schützen wir|technische und "
    r"organisator",
    re.I,
)


def _security_sentences(b: _Builder) -> list[str]:
    from treu.notice.textdoc import split_sentences

    for section in b.a.sections:
        if _SECURITY.search(section.title):
            body = b.a.text[section.span.start : section.span.end]
            body = body.split("\n", 1)[1] if "\n" in body else ""
            return [x for p in body.split("\n\n") if p.strip()
                    for x in split_sentences(" ".join(p.split()))]  # fmt: skip
    return []
