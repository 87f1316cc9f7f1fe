"""The draft's retention and Art. 14 source of one activity, and the notice's promises.

A storage period is only half a promise without its start event, so the start
the analyser read is mapped onto the policy's ``Retention.after`` keys and, where
no key fits, kept in the notice's words (``after_text``) with a TODO. The source
is read where a notice labels it ("Herkunft der Daten:") or says the data come
from someone else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from treu.notice.analysis._draft_support import unique_slug
from treu.notice.analysis.model import Evidence, Fact, FactKind, Span
from treu.notice.textdoc import split_sentences

if TYPE_CHECKING:
    from treu.notice.analysis.draft import Path, _Builder

__all__ = ["commitments", "retention", "source"]


def _sentences(body: str) -> list[str]:
    return [x for p in body.split("\n\n") for x in split_sentences(" ".join(p.split()))]


_STARTS = {
    "end_of_contract": "contract_end", "unsubscription": "unsubscribe", "logging": "collection",
    "end_of_purpose": "purpose_end", "visit": "collection", "receipt": "collection",
    "event": "process_end",
}  # fmt: skip
_POLICY_STARTS = frozenset(
    ("collection creation last_activity account_deletion contract_end cancellation process_end "
     "rejection consent_withdrawal unsubscribe deletion_request unlinking request_closed "
     "purpose_end session_end").split()
)  # fmt: skip
_WITHDRAW_WORDS = re.compile(r"widerruf|withdraw", re.I)
_SOURCE_LABEL = re.compile(r"^(?:Herkunft der Daten|Source of the data|Datenquelle)\s*:\s*", re.I)
_SELF_COLLECTED = re.compile(r"bei Ihnen selbst|^we collect the data from you", re.I)
_PUBLIC = re.compile(
    r"\s*(?:Die Quelle ist (nicht )?öffentlich zugänglich|The source is (not )?publicly "
    r"accessible)\.?",
    re.I,
)
_INDIRECT = re.compile(
    r"\b(?:erhalten|bekommen) wir (?:von|über|aus)\b|\bnicht (?:bei|von) (?:Ihnen|den betroffenen)"
    r"|\bnot from (?:you|the (?:people|persons|data subjects))\b|\b(?:come|comes) from (?:your|the) "
    r"(?:calendar|employer|customer|colleague)|\bArt(?:ikel|\.)? ?14 (?:DSGVO|GDPR)",
    re.I,
)


def source(b: _Builder, here: Path, act: Fact) -> CommentedMap | None:
    """Art. 14: where the data come from, when the notice says it is not the person."""
    body = b._section_body(act.evidence.section)
    labelled = [x.strip() for x in body.split("\n") if _SOURCE_LABEL.match(x.strip())]
    for sentence in labelled or _sentences(body):
        label = _SOURCE_LABEL.match(sentence)
        if label is None and not _INDIRECT.search(sentence):
            continue
        text = sentence[label.end() :] if label else sentence
        if label and _SELF_COLLECTED.search(text):
            return None
        public = _PUBLIC.search(text)
        description = _PUBLIC.sub("", text).strip() if label else text
        out = CommentedMap({"description": b.text(description)})
        out["publicly_available"] = bool(public and not (public.group(1) or public.group(2)))
        quoted = Fact(act.kind, {}, Evidence(sentence, act.evidence.span, act.evidence.section),
                      act.confidence)  # fmt: skip
        b.todo((*here, "source"), "source", quoted)
        return out
    return None


def retention(b: _Builder, here: Path, facts: list[Fact]) -> CommentedMap:
    at = (*here, "retention")
    out = CommentedMap()
    periods = [f for f in facts if f.value.get("amount")]
    fact = next((f for f in periods if f.value.get("start")), periods[0] if periods else None)
    if fact is None:
        crit = next((f for f in facts if f.value.get("criteria")), None)
        if crit is not None:
            out["criteria"] = b.text(str(crit.value["criteria"]))
            b.todo((*at, "criteria"), "criteria", crit)
        else:
            b.silent(at, "w.retention")
        return out
    v = fact.value
    unit = str(v.get("unit"))
    out["period"] = f"{v['amount']} {unit}" if unit != "session" else "1 days"
    start = str(v.get("start") or "")
    event = _STARTS.get(start, start)
    if event == "unsubscribe" and _WITHDRAW_WORDS.search(str(v.get("start_text") or "")):
        event = "consent_withdrawal"
    year_end = bool(v.get("from_year_end")) or start == "year_end"
    if event in _POLICY_STARTS:
        out["after"] = event
        if start in _STARTS:
            b.todo((*at, "after"), "start_mapped", fact, start=start, event=event)
        else:
            b.check((*at, "after"), "c.period", fact)
    elif year_end:
        out["after"] = "creation"
        b.todo((*at, "after"), "year_end", fact)
    elif v.get("start_text"):
        out["after_text"] = b.text(str(v["start_text"]))
        b.todo((*at, "after_text"), "after_text", fact)
    else:
        out["after"] = "collection"
        b.todo((*at, "after"), "no_start", fact)
    if year_end:
        out["from_year_end"] = True
    if len(periods) > 1:
        others = "; ".join(
            f"{p.value['amount']} {p.value.get('unit')}" for p in periods if p is not fact
        )
        b.todo((*at, "period"), "periods", fact, others=others)
    return out


# --------------------------------------------------------------------------- commitments

_PROMISES_SECTION = re.compile(
    r"unsere zusagen|unser versprechen|our commitments|our promise", re.I
)
_PROMISE = re.compile(
    r"^(?:wir|we|ihre daten|your data)\b.{0,80}\b(?:nie|niemals|never|do not|don't|nicht)\b.{0,60}"
    r"\b(?:verkauf|sell|handeln|trade|weiter(?:geben|gegeben)|pass(?:ed)? (?:them )?on|share|"
    r"train)",
    re.IGNORECASE,
)
_ADVERTISING = re.compile(r"werb|advertis", re.I)
_SELLING = re.compile(r"verkauf|\bsell|handeln|\btrade", re.I)
_SHARING = re.compile(r"weiter|\bpass|\bshare", re.I)


def _forbids(text: str) -> list[str]:
    """The data uses a promise rules out: others' advertising, or selling and sharing."""
    out = ["marketing.advertising.third_party"] if _ADVERTISING.search(text) else []
    if _SELLING.search(text) or (not out and _SHARING.search(text)):
        out.append("third_party_sharing")
    return out


def commitments(b: _Builder) -> CommentedSeq:
    """Promises beyond the law ('we never sell your data'), so the policy can keep them."""
    texts: list[tuple[str, str | None]] = []
    for part in b.a.sections:
        if _PROMISES_SECTION.search(part.title):
            body = b._section_body(part.title)
            texts += [(" ".join(x.split()).lstrip("-*• ").strip(), part.title)
                      for x in re.split(r"\n(?=\s*[-*•]\s)|\n\n", body) if x.strip()]  # fmt: skip
    if not texts:
        texts = [(x, None) for x in _sentences(b.a.text) if _PROMISE.search(x)]
    out = CommentedSeq()
    taken: set[str] = set()
    for text, section in dict.fromkeys(texts):
        entry = CommentedMap()
        entry["id"] = unique_slug(" ".join(text.split()[:6]), taken, fallback="commitment")
        entry["text"] = b.text(text)
        entry["forbids"] = CommentedSeq(_forbids(text))
        quote = Fact(FactKind.ACTIVITY, {}, Evidence(text, Span(0, 0), section), 1.0)
        b.todo(("commitments", len(out)), "commitment", quote)
        out.append(entry)
    return out
