"""Field-level comparison of an imported draft with what the notice really says.

The round trip (render a policy's notice, import it, compare with the policy)
and the test corpus (each notice beside a human reading in ``expected.yaml``)
both reduce the two sides to the same *view*: sets of items per kind of fact
(controller fields, legal bases per activity, recipients, transfers ...).
Precision and recall per kind then say how much of what the importer claims is
right and how much of the notice it found. Activities are paired by name
(fuzzy), since the notice's heading is all the importer sees of an activity id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from treu.notice.analysis.draft import Draft
from treu.notice.analysis.model import Analysis, FactKind

__all__ = [
    "KINDS",
    "Score",
    "View",
    "compare",
    "view_from_draft",
    "view_from_expected",
    "view_from_policy",
]

KINDS = ("controller", "dpo", "authority", "legal_bases", "purposes", "categories",
         "source", "recipients", "transfers", "retention", "automated", "rights",
         "cookies", "commitments")  # fmt: skip
_ACTIVITY_KINDS = ("legal_bases", "purposes", "categories", "source", "retention")
_FICTIONAL = re.compile(r"\s*\((?:fictional|fiktiv)\)", re.I)
_SAME_NAME = 0.8
_SAME_PURPOSE = 0.75
# Preset start events as the notice words them, in policy.yaml's START_EVENTS.
_PRESET_EVENTS = {"application_rejected": "rejection", "request_logged": "collection"}


@dataclass
class ActivityView:
    legal_bases: set[str] = field(default_factory=set)
    purposes: list[str] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)
    retention: set[str] = field(default_factory=set)
    source: set[str] = field(default_factory=set)  # {"indirect"} when Art. 14 applies


@dataclass
class View:
    """One side of a comparison; ``None`` for a kind means 'not judged' (left out)."""

    controller: set[str] | None = None
    dpo: set[str] | None = None
    authority: set[str] | None = None
    activities: dict[str, ActivityView] = field(default_factory=dict)
    recipients: set[str] | None = None
    transfers: set[str] | None = None
    rights: set[str] | None = None
    cookies: set[str] | None = None
    automated: set[str] | None = None  # "decision" / "profiling" anywhere in the notice
    commitments: list[str] = field(default_factory=list)  # promises, compared by wording
    judged: frozenset[str] = frozenset(KINDS)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _norm(text: object) -> str:
    plain = _FICTIONAL.sub("", str(text)).lower()
    return " ".join(re.sub(r"[^\w@.&+-]+", " ", plain).split()).strip(" .")


def _phone(text: object) -> str:
    return re.sub(r"\D", "", str(text)).lstrip("0").removeprefix("49")


def _controller_items(c: Mapping[str, Any]) -> set[str]:
    items = {f"{k}={_norm(c[k])}" for k in ("name", "email") if c.get(k)}
    address = c.get("address") or {}
    if isinstance(address, Mapping):
        items |= {f"{k}={_norm(address[k])}" for k in ("street", "postal_code", "city")
                  if address.get(k)}  # fmt: skip
    if c.get("phone"):
        items.add(f"phone={_phone(c['phone'])}")
    return items


def _dpo_items(d: Mapping[str, Any]) -> set[str]:
    items = {f"appointed={bool(d.get('appointed', True))}"}
    if d.get("appointed", True) and d.get("email"):
        items.add(f"email={_norm(d['email'])}")
    return items


def _retention_item(r: Mapping[str, Any] | str | None) -> set[str]:
    from treu.policy.durations import parse_duration, parse_retention_shorthand
    from treu.policy.reference import retention_presets

    if not r:
        return set()
    data: Mapping[str, Any] = parse_retention_shorthand(r) if isinstance(r, str) else r
    if data.get("preset"):
        preset = retention_presets().get(str(data["preset"]))
        if preset is None:
            return set()
        start = "year_end" if preset.from_year_end else _PRESET_EVENTS.get(preset.start_event)
        return {f"{preset.duration} from {start}"}
    if data.get("criteria"):
        return {"criteria"}
    if not data.get("period"):
        return set()
    try:
        period = str(parse_duration(str(data["period"])))
    except ValueError:
        return set()
    if data.get("from_year_end"):
        return {f"{period} from year_end"}
    return {f"{period} from {data.get('after') or 'text'}"}


def view_from_policy(policy: Any, lang: str) -> View:
    """What a rendered notice of ``policy`` states, as items."""
    data = policy.model_dump(mode="json")
    view = View(
        controller=_controller_items(data["controller"]),
        dpo=_dpo_items(data["dpo"]),
        authority={str(data["authority"])},
    )
    for a in data["activities"]:
        act = ActivityView()
        for p in a["purposes"]:
            act.legal_bases.add(p["legal_basis"])
            act.legal_bases.update(p.get("national_basis") or [])
            if p.get("special_category_basis"):
                act.legal_bases.add(p["special_category_basis"])
            act.purposes.append(p["description"].get(lang) or "")
        act.categories = set(a["data_categories"])
        act.source = {"indirect"} if a.get("source") else set()
        model = policy.activity(a["id"]).retention
        act.retention = _retention_item(
            {"period": str(model.period) if model.period else None, "after": model.after,
             "from_year_end": model.from_year_end, "preset": model.preset,
             "criteria": model.criteria}
        )  # fmt: skip
        view.activities[a["name"].get(lang) or a["id"]] = act
    view.recipients = {_norm(r["name"]) for r in data["recipients"]}
    view.transfers = {f"{_norm(r['name'])}|{t['country']}|{t['mechanism']}"
                      for r in data["recipients"] for t in r["transfers"]}  # fmt: skip
    consent = any(p["legal_basis"] == "consent" for a in data["activities"] for p in a["purposes"])
    view.rights = {"access", "rectification", "erasure", "restriction", "portability",
                   "objection", "complaint"} | ({"withdrawal"} if consent else set())  # fmt: skip
    view.cookies = {f"{c['name']}|{c['consent_required']}" for c in data["cookies"]}
    view.automated = _automated(data["activities"])
    view.commitments = [c["text"].get(lang) or "" for c in data["commitments"]]
    return view


def _automated(activities: Iterable[Mapping[str, Any]]) -> set[str]:
    decisions = [a.get("automated_decision") or {} for a in activities]
    found = set()
    if any(d.get("exists") for d in decisions):
        found.add("decision")
    if any(d.get("profiling") for d in decisions):
        found.add("profiling")
    return found


def view_from_expected(expected: Mapping[str, Any]) -> View:
    """A human reading of a corpus notice (``<name>.expected.yaml``) as items."""
    unjudged = ("purposes", "categories", "source", "commitments")
    view = View(judged=frozenset(k for k in KINDS if k not in unjudged))
    view.controller = _controller_items(expected.get("controller") or {})
    view.dpo = _dpo_items(expected.get("dpo") or {})
    view.authority = {str(expected["authority"])} if expected.get("authority") else set()
    for a in expected.get("activities") or []:
        act = ActivityView()
        for key in ("legal_bases", "national_bases", "special_category_bases"):
            act.legal_bases.update(a.get(key) or [])
        act.retention = _retention_item(a.get("retention"))
        view.activities[str(a["name"])] = act
    recipients = expected.get("recipients") or []
    view.recipients = {_norm(r["name"]) for r in recipients}
    view.transfers = {f"{_norm(r['name'])}|{r['country']}|{r['mechanism']}"
                      for r in recipients if r.get("mechanism")}  # fmt: skip
    rights = {"withdraw_consent": "withdrawal"}
    view.rights = {rights.get(r, r) for r in expected.get("rights") or []}
    view.cookies = {f"{c['name']}|{c['consent_required']}" for c in expected.get("cookies") or []}
    view.automated = {"decision"} if expected.get("automated_decisions") else set()
    return view


def view_from_draft(draft: Draft, analysis: Analysis) -> View:
    """What the importer claims: the draft's fields, plus the rights the analysis found.

    Values the draft guessed (marked TODO) count like values read: the draft claims
    them. A transfer the draft leaves at 'none' because the notice cites the Privacy
    Shield counts as read 'obsolete', which is what the notice says.
    """
    tree = draft.tree
    obsolete = {t.path[:4] for t in draft.todos if t.key == "privacy_shield"}
    view = View(
        controller=_controller_items(tree.get("controller") or {}),
        dpo=_dpo_items(tree.get("dpo") or {}),
        authority={str(tree["authority"])} if tree.get("authority") else set(),
    )
    lang = analysis.language
    for a in tree.get("activities") or []:
        act = ActivityView()
        for p in a.get("purposes") or []:
            if p.get("legal_basis"):
                act.legal_bases.add(str(p["legal_basis"]))
            act.legal_bases.update(p.get("national_basis") or [])
            if p.get("special_category_basis"):
                act.legal_bases.add(str(p["special_category_basis"]))
            act.purposes.append(str((p.get("description") or {}).get(lang) or ""))
        act.categories = set(a.get("data_categories") or [])
        act.source = {"indirect"} if a.get("source") else set()
        act.retention = _retention_item(dict(a.get("retention") or {}))
        view.activities[str((a.get("name") or {}).get(lang) or a.get("id"))] = act
    recipients = tree.get("recipients") or []
    view.recipients = {_norm(r["name"]) for r in recipients}
    view.transfers = set()
    for i, r in enumerate(recipients):
        for j, t in enumerate(r.get("transfers") or []):
            read = (
                "obsolete" if ("recipients", i, "transfers", j) in obsolete else t.get("mechanism")
            )
            view.transfers.add(f"{_norm(r['name'])}|{t.get('country')}|{read}")
    view.rights = {str(f.value.get("right")) for f in analysis.of(FactKind.RIGHT)
                   if f.value.get("right")}  # fmt: skip
    view.rights |= {"complaint"} if analysis.of(FactKind.COMPLAINT) else set()
    view.rights |= {"withdrawal"} if analysis.of(FactKind.WITHDRAWAL) else set()
    view.rights |= {"objection"} if analysis.of(FactKind.OBJECTION) else set()
    view.cookies = {f"{c['name']}|{c.get('consent_required')}" for c in tree.get("cookies") or []}
    view.automated = _automated(tree.get("activities") or [])
    view.commitments = [str((c.get("text") or {}).get(lang) or "")
                        for c in tree.get("commitments") or []]  # fmt: skip
    return view


def _sets(truth: set[str] | None, found: set[str] | None) -> Score:
    truth, found = truth or set(), found or set()
    return Score(len(truth & found), len(found - truth), len(truth - found))


def _fuzzy(truth: Iterable[str], found: Iterable[str], threshold: float) -> Score:
    left, right = [_norm(t) for t in truth if t], [_norm(f) for f in found if f]
    tp = 0
    for t in left:
        best = max(right, key=lambda f: SequenceMatcher(None, t, f).ratio(), default=None)
        if best is not None and SequenceMatcher(None, t, best).ratio() >= threshold:
            right.remove(best)
            tp += 1
    return Score(tp, len(right), len(left) - tp)


def _pair(truth: Mapping[str, ActivityView], found: Mapping[str, ActivityView]) -> list[tuple[str | None, str | None]]:  # fmt: skip
    """Pairs of activity names (truth, found), best matches first; None for the unmatched."""
    candidates = sorted(
        ((SequenceMatcher(None, _norm(t), _norm(f)).ratio(), t, f) for t in truth for f in found),
        reverse=True,
    )
    pairs: list[tuple[str | None, str | None]] = []
    used_t: set[str] = set()
    used_f: set[str] = set()
    for ratio, t, f in candidates:
        if ratio >= _SAME_NAME and t not in used_t and f not in used_f:
            pairs.append((t, f))
            used_t.add(t)
            used_f.add(f)
    pairs += [(t, None) for t in truth if t not in used_t]
    pairs += [(None, f) for f in found if f not in used_f]
    return pairs


def compare(truth: View, found: View) -> dict[str, Score]:
    """Precision/recall counts per kind; kinds the truth does not judge are left out."""
    scores = {k: Score() for k in KINDS if k in truth.judged}
    for kind in ("controller", "dpo", "authority", "recipients", "transfers", "rights", "cookies",
                 "automated"):  # fmt: skip
        if kind in scores:
            scores[kind] = _sets(getattr(truth, kind), getattr(found, kind))
    if "commitments" in scores:
        scores["commitments"] = _fuzzy(truth.commitments, found.commitments, _SAME_PURPOSE)
    empty = ActivityView()
    for t, f in _pair(truth.activities, found.activities):
        a, b = truth.activities.get(t or "", empty), found.activities.get(f or "", empty)
        for kind in _ACTIVITY_KINDS:
            if kind not in scores:
                continue
            if kind == "purposes":
                scores[kind].add(_fuzzy(a.purposes, b.purposes, _SAME_PURPOSE))
            else:
                scores[kind].add(_sets(getattr(a, kind), getattr(b, kind)))
    return scores


def total(scores: Mapping[str, Score]) -> Score:
    out = Score()
    for score in scores.values():
        out.add(score)
    return out
