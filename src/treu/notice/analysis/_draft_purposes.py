"""The draft's purposes of one activity: each stated purpose with the basis cited for it.

A notice usually writes a purpose and its legal basis in one sentence
("Bearbeitung Ihrer Anfrage - Rechtsgrundlage: Art. 6 Abs. 1 lit. b DSGVO"), so
a purpose takes the bases cited in its own sentence, else the nearest one; a
basis no purpose sentence claims still becomes a purpose (named after the
activity, with a TODO), so no cited basis is lost.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from treu.notice.analysis.model import Fact, FactKind

if TYPE_CHECKING:
    from treu.notice.analysis.draft import Path, _Builder

__all__ = ["purposes"]

_GDPR_BASES = ("consent", "contract", "legal_obligation", "vital_interests", "public_task",
               "legitimate_interests")  # fmt: skip
_GDPR_BASES_BY_LETTER = ("consent", "contract", "legal_obligation", "vital_interests",
                         "public_task", "legitimate_interests")  # fmt: skip
_NATIONAL = ("tdddg_25_1", "tdddg_25_2_1", "tdddg_25_2_2", "bdsg_26", "uwg_7_3")
_NATIONAL_FIT = {
    "tdddg_25_1": ("consent",),
    "uwg_7_3": ("legitimate_interests",),
    "tdddg_25_2_2": ("legitimate_interests", "contract"),
    "tdddg_25_2_1": ("contract", "legitimate_interests"),
    "bdsg_26": ("contract", "legal_obligation"),
}
_GUESS = (("tdddg_25_1", "consent"), ("art9_2_a", "consent"),
          ("tdddg_25_2_2", "legitimate_interests"), ("uwg_7_3", "legitimate_interests"),
          ("bdsg_26", "contract"), ("art9_2_h", "contract"),
          ("art9_2_b", "legal_obligation"))  # fmt: skip


def _basis(fact: Fact) -> str:
    return str(fact.value.get("basis") or "")


def _nearest(facts: list[Fact], anchor: Fact) -> Fact | None:
    same = [f for f in facts if f.evidence.span == anchor.evidence.span]
    if same:
        return same[0]
    return min(facts, key=lambda f: abs(f.evidence.span.start - anchor.evidence.span.start),
               default=None)  # fmt: skip


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


_ART6 = re.compile(
    r"Art(?:icle|ikel|\.)?\s*6\s*(?:Abs(?:atz|\.)?\s*1\s*(?:lit(?:era|\.)?|Buchst(?:abe|\.)?)?"
    r"\s*\(?([a-f])\)?(?![\w])|\(1\)\s*\(([a-f])\))",
    re.IGNORECASE,
)
_LETTERS = dict(zip("abcdef", _GDPR_BASES_BY_LETTER, strict=True))


def _cited(sentence: str) -> list[str]:
    """The Art. 6(1) bases a sentence cites itself, in order."""
    return _unique([_LETTERS[(m.group(1) or m.group(2)).lower()] for m in _ART6.finditer(sentence)])


def _entries(texts: list[Fact], gdpr: list[Fact]) -> list[tuple[Fact | None, Fact | None]]:
    """(purpose text, basis) pairs: by sentence, then by distance; unclaimed bases last."""
    out: list[tuple[Fact | None, Fact | None]] = []
    claimed: set[str] = set()
    by_name = {_basis(f): f for f in reversed(gdpr)}
    for text in texts:
        own: list[Fact | None] = [b for b in gdpr if b.evidence.span == text.evidence.span]
        if not own:
            own = [by_name[n] for n in _cited(text.evidence.text) if n in by_name]
        if not own:
            own = [_nearest(gdpr, text)]
        for basis in own:
            if basis is not None and any(e[0] is text and e[1] is not None and
                                         _basis(e[1]) == _basis(basis) for e in out):  # fmt: skip
                continue
            out.append((text, basis))
            if basis is not None:
                claimed.add(_basis(basis))
    seen: set[str] = set()
    for basis in gdpr:
        name = _basis(basis)
        if name not in claimed and name not in seen:
            out.append((None, basis))
            seen.add(name)
    return out


_SPECIAL_GUESS = {"art9_2_a": "consent", "art9_2_b": "legal_obligation", "art9_2_h": "contract"}


def _specials(special: list[Fact], names: list[str]) -> tuple[list[Fact | None], list[Fact]]:
    """The Art. 9(2) basis for each purpose (explicit consent to consent), and those left over."""
    distinct = list({_basis(f): f for f in reversed(special)}.values())[::-1]
    if not distinct:
        return [None] * len(names), []
    chosen: list[Fact | None] = []
    for basis in names:
        fit = [f for f in distinct if (_basis(f) == "art9_2_a") == (basis == "consent")]
        chosen.append((fit or distinct)[0])
    used = {_basis(f) for f in chosen if f is not None}
    return chosen, [f for f in distinct if _basis(f) not in used]


def purposes(b: _Builder, here: Path, name: str, act: Fact,
             by_kind: dict[FactKind, list[Fact]]) -> CommentedSeq:  # fmt: skip
    bases = by_kind.get(FactKind.LEGAL_BASIS, [])
    gdpr = [f for f in bases if _basis(f) in _GDPR_BASES]
    national = [f for f in bases if _basis(f) in _NATIONAL]
    special = [f for f in bases if _basis(f).startswith("art9_2_")]
    texts = list({str(f.value.get("text")): f for f in by_kind.get(FactKind.PURPOSE, [])
                  if f.value.get("text")}.values())  # fmt: skip
    guess = None
    if not gdpr:
        others = [_basis(f) for f in national + special]
        guess = next((g for n, g in _GUESS if n in others), None)
    entries: list[tuple[Fact | None, Fact | None]] = (
        _entries(texts, gdpr) if gdpr else [(texts[0] if texts else None, None)]
    )
    names = [_basis(e[1]) if e[1] is not None else (guess or "") for e in entries]
    guessed = [e[1] is None and bool(guess) for e in entries]
    chosen, left = _specials(special, names)
    explicit = [f for f in special if _basis(f) == "art9_2_a"]
    if explicit and "consent" not in names and explicit[0] not in left:
        left.append(explicit[0])  # explicit consent is also an Art. 6(1)(a) consent
    for extra in left:  # an Art. 9(2) basis no purpose took: a purpose of its own
        entries.append((None, None))
        names.append(_SPECIAL_GUESS.get(_basis(extra), guess or ""))
        guessed.append(bool(names[-1]))
        chosen.append(extra)
    interests = by_kind.get(FactKind.LEGITIMATE_INTEREST, [])
    withdrawals = by_kind.get(FactKind.WITHDRAWAL, [])
    placed = _place_national(national, entries, names)
    out = CommentedSeq()
    for j, ((text, fact), basis) in enumerate(zip(entries, names, strict=True)):
        at = (*here, "purposes", j)
        purpose = CommentedMap()
        purpose["description"] = b.text(str(text.value.get("text")) if text else name)
        if text is None:
            b.todo((*at, "description"), "description", fact or chosen[j] or act)
        purpose["legal_basis"] = basis or None
        if not basis:
            b.silent((*at, "legal_basis"), "w.legal_basis")
        elif guessed[j]:
            b.todo(
                (*at, "legal_basis"), "basis_guess", chosen[j] or (national[0] if national else act)
            )
        elif fact is not None:
            b.check((*at, "legal_basis"), "c.basis", fact)
        if basis == "legitimate_interests":
            interest = _nearest(interests, fact) if fact is not None else None
            purpose["legitimate_interest"] = (
                b.text(str(interest.value.get("text"))) if interest else None
            )
            if interest is None:
                b.todo((*at, "legitimate_interest"), "interest", fact or act)
        if placed[j]:
            purpose["national_basis"] = CommentedSeq(placed[j])
        special_fact = chosen[j]
        if special_fact is not None:
            purpose["special_category_basis"] = _basis(special_fact)
            b.check((*at, "special_category_basis"), "c.basis", special_fact)
        if basis == "consent" and withdrawals and withdrawals[0].value.get("how"):
            purpose["withdrawal"] = b.text(str(withdrawals[0].value["how"]))
        out.append(purpose)
    return out


def _place_national(national: list[Fact], entries: list[tuple[Fact | None, Fact | None]],
                    names: list[str]) -> list[list[str]]:  # fmt: skip
    """Which purpose each national provision belongs to: its sentence, a fitting basis, the first."""
    placed: list[list[str]] = [[] for _ in entries]
    for provision in national:
        key = _basis(provision)
        same = [j for j, (_, f) in enumerate(entries)
                if f is not None and f.evidence.span == provision.evidence.span]  # fmt: skip
        fits = [j for j, n in enumerate(names) if n in _NATIONAL_FIT.get(key, ())]
        for j in same or fits or [0]:
            if key not in placed[j]:
                placed[j].append(key)
    return placed
