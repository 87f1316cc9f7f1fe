"""From an :class:`Analysis` to a draft ``policy.yaml``: the fastest way in for a new user.

The draft is in the normal schema, in the notice's own language, and honest about
what it does not know: every field read with less than full certainty, and every
field the notice does not fill, carries a ``# TODO:`` comment above it that
quotes the sentence it came from (or says the notice is silent). Fields the
notice really lacks are left empty, so ``treu validate`` names each of them with
file and line; once the TODOs are filled the draft loads like any policy.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from treu.notice.analysis import _draft_notes as n
from treu.notice.analysis import _draft_support as s
from treu.notice.analysis.model import Analysis, Evidence, Fact, FactKind
from treu.notice.textdoc import split_sentences
from treu.policy.model import EEA_COUNTRIES

__all__ = ["Draft", "Todo", "build_draft"]

Path = tuple[str | int, ...]

_SURE = 0.8  # below this the draft asks the reader to check the value
# Part 1's start events -> policy START_EVENTS (or a hint for a TODO).
# An activity needs at least one of these linked to it; a heading alone ("Begriffe") is not one.
_SUBSTANCE = frozenset((FactKind.LEGAL_BASIS, FactKind.RETENTION, FactKind.DATA_CATEGORY,
                        FactKind.PURPOSE))  # fmt: skip
_RIGHTS_SECTION = re.compile(r"recht|right|auskunft|widerspruch|object|beschwer|complain", re.I)
_REPRESENTATIVE = re.compile(
    r"representative in the (?:european )?union|vertreter(?:in)? in der (?:europäischen )?union|"
    r"(?:vertreter|representative)\w* (?:nach|under|gemäß) art(?:ikel|\.)? ?27",
    re.I,
)
_CHANGES = re.compile(r"änderung|change|aktualisierung|update", re.I)
_TOLD = re.compile(
    r"\b(?:informieren|benachrichtigen|teilen)\b.{0,80}\b(?:vorab|vorher|rechtzeitig|bevor|per e-mail|in der app)"
    r"|\b(?:tell|inform|notify)\b.{0,80}\b(?:before|in advance|by e-mail|in the app)",
    re.I,
)
_FICTIONAL = re.compile(r"\s*\((?:fictional|fiktiv)\)", re.I)


@dataclass(frozen=True)
class Todo:
    """One place in the draft a person has to look at, with the words it rests on."""

    path: Path
    note: str
    quote: str | None = None
    section: str | None = None
    confidence: float | None = None
    lang: str = "en"
    key: str = ""
    """Which note this is (a key of ``_draft_notes.NOTES``), for tools that sort TODOs."""

    def text(self) -> str:
        if self.quote is None:
            return f"TODO: {self.note}"
        return f"TODO: {self.note} {n.quote(self.quote, self.section, self.lang)}"

    def dotted(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


@dataclass
class Draft:
    """The draft policy as a YAML tree plus the TODOs placed in it."""

    tree: CommentedMap
    todos: list[Todo] = field(default_factory=list)
    language: str = "de"
    source: str | None = None

    def to_yaml(self) -> str:
        yaml = YAML()
        yaml.width = 4096
        yaml.indent(mapping=2, sequence=4, offset=2)
        notes: dict[str, list[str]] = {}
        tree = copy.deepcopy(self.tree)  # the markers go on a copy: to_yaml() can run again
        for i, todo in enumerate(self.todos):
            container, key = _locate(tree, todo.path)
            marker = f"{s.TODO_MARK}{i}"
            existing = _eol(container, key)
            if existing is not None:  # one marker per key; later notes join it
                notes[existing].append(todo.text())
                continue
            notes[str(i)] = [todo.text()]
            container.yaml_add_eol_comment(marker, key)
        buffer = io.StringIO()
        yaml.dump(tree, buffer)
        head = n.note("header", self.language, source=self.source or "-", todos=len(self.todos))
        lines = [f"# {line}" for line in head.split("\n")]
        return "\n".join(lines) + "\n" + s.move_todo_comments(buffer.getvalue(), notes)


def _locate(tree: CommentedMap, path: Path) -> tuple[Any, str | int]:
    """The mapping and key a TODO's comment goes on; the deepest existing one if the path ends early."""
    parent: Any = tree
    key: str | int = path[0]
    for depth, part in enumerate(path):
        node = parent[key] if depth else tree
        if not _has(node, part):
            break
        parent, key = node, part
    if isinstance(parent, CommentedSeq) and isinstance(key, int):
        item = parent[key]
        if isinstance(item, CommentedMap) and item:
            return item, next(iter(item))
    return parent, key


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, CommentedMap):
        return part in node
    return isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node)


def _eol(container: Any, key: str | int) -> str | None:
    comment = container.ca.items.get(key)
    if not comment:
        return None
    for token in comment:
        if token is not None and not isinstance(token, list) and s.TODO_MARK in token.value:
            return str(token.value.split(s.TODO_MARK)[1].split()[0])
    return None


def build_draft(analysis: Analysis, *, source: str | None = None) -> Draft:
    """The draft policy for ``analysis``; ``source`` names the notice in the header."""
    return _Builder(analysis, source or analysis.source).build()


class _Builder:
    def __init__(self, analysis: Analysis, source: str | None) -> None:
        self.a = analysis
        self.lang = analysis.language
        self.draft = Draft(CommentedMap(), [], analysis.language, source)
        self.recipient_ids: dict[str, str] = {}  # normalised name -> id
        self.taken: set[str] = set()
        self.activity_ids: dict[int, str] = {}  # analysis fact index -> draft activity id
        self.extensions: dict[str, dict[str, tuple[str, Fact]]] = {
            "data_categories": {},
            "data_subjects": {},
        }

    # ------------------------------------------------------------------ helpers

    def todo(self, path: Path, key: str, fact: Fact | None = None, **values: object) -> None:
        self.draft.todos.append(
            Todo(path, n.note(key, self.lang, **values), fact.evidence.text if fact else None,
                 fact.evidence.section if fact else None, fact.confidence if fact else None,
                 self.lang, key)
        )  # fmt: skip

    def check(self, path: Path, what: str, fact: Fact) -> None:
        """A TODO only when the analyser was unsure of the fact."""
        if fact.confidence < _SURE:
            self.todo(path, "check", fact, what=what, confidence=f"{fact.confidence:.2f}")

    def silent(self, path: Path, what: str, **values: object) -> None:
        self.todo(path, "silent", None, what=what, **values)

    def text(self, value: str) -> CommentedMap:
        return CommentedMap({self.lang: " ".join(value.split())})

    def first(self, kind: FactKind) -> Fact | None:
        facts = sorted(self.a.of(kind), key=lambda f: -f.confidence)
        return facts[0] if facts else None

    # ------------------------------------------------------------------ sections

    def build(self) -> Draft:
        t = self.draft.tree
        t["treu"] = 1
        t["notice"] = self.notice()
        t["controller"] = self.controller()
        t["dpo"] = self.dpo()
        t["authority"] = self.authority()
        requests = self.requests()
        if requests is not None:
            t["requests"] = requests
        t["recipients"] = CommentedSeq()  # filled first, so activities can refer to them
        self.recipients(t["recipients"])
        t["activities"] = CommentedSeq(self.activities())
        t.move_to_end("recipients")
        t["cookies"] = CommentedSeq(self.cookies())
        from treu.notice.analysis._draft_periods import commitments

        promises = commitments(self)
        if promises:
            t["commitments"] = promises
        t["security"] = self.security()
        taxonomy = self.taxonomy()
        if taxonomy is not None:
            t["taxonomy"] = taxonomy
        return self.draft

    def notice(self) -> CommentedMap:
        out = CommentedMap()
        fact = self.first(FactKind.VERSION)
        version = fact.value.get("version") if fact else None
        out["version"] = str(version) if version else "1.0"
        if not version:
            self.todo(("notice", "version"), "version", fact)
        found = fact.value.get("date") if fact else None
        out["valid_from"] = date.fromisoformat(str(found)) if found else None
        if not found:
            self.silent(("notice", "valid_from"), "w.valid_from")
        elif fact is not None:
            self.check(("notice", "valid_from"), "c.date", fact)
        out["languages"] = CommentedSeq([self.lang])
        for section in self.a.sections:
            if not _CHANGES.search(section.title):
                continue
            told = [x for x in _sentences(self._section_body(section.title)) if _TOLD.search(x)]
            if told:
                out["change_notification"] = self.text(told[0])
                quote = Fact(FactKind.VERSION, {}, Evidence(told[0], section.span, section.title),
                             0.7)  # fmt: skip
                self.todo(("notice", "change_notification"), "change_notification", quote)
                break
        return out

    def controller(self) -> CommentedMap:
        out = CommentedMap()
        fact = self.first(FactKind.CONTROLLER)
        v: Mapping[str, object] = fact.value if fact else {}
        out["name"] = v.get("name") or None
        address = s.split_address(_str(v.get("address"))) or (
            s.find_address(fact.evidence.text)
            or s.find_address(self._section_body(fact.evidence.section))
            if fact
            else None
        )
        out["address"] = CommentedMap(address) if address else None
        email = v.get("email") or self._contact("email", fact)
        out["email"] = email or None
        phone = v.get("phone") or self._contact("phone", fact)
        if phone:
            context = self._section_body(fact.evidence.section) if fact else ""
            out["phone"] = s.phone_as_written(
                str(phone), f"{fact.evidence.text if fact else ''} {context}"
            )
        if fact is None:
            self.silent(("controller",), "w.controller")
            return out
        self.check(("controller", "name"), "c.name", fact)
        if not out["name"]:
            self.silent(("controller", "name"), "w.controller_name")
        if address is None:
            self.todo(("controller", "address"), "address", fact)
        elif not v.get("address"):
            self.todo(("controller", "address"), "address_check", fact)
        if not email:
            self.silent(("controller", "email"), "w.controller_email")
        if address is not None and address["country"] not in EEA_COUNTRIES:
            self._representative(out, act=fact)
        return out

    def _representative(self, out: CommentedMap, act: Fact) -> None:
        """Art. 27: a controller outside the EEA names its representative in the Union."""
        for sentence in _sentences(self.a.text):
            if not _REPRESENTATIVE.search(sentence):
                continue
            quoted = Fact(act.kind, {}, Evidence(sentence, act.evidence.span, None), act.confidence)
            name = re.search(r":\s*([^,:]+?),", sentence)
            address = s.find_address(sentence)
            email = re.search(r"[^@\s:(]+@[^@\s)]+\.[A-Za-z]{2,}", sentence)
            if name and address and email:
                out["representative"] = CommentedMap(
                    {"name": _FICTIONAL.sub("", name.group(1)).strip(),
                     "address": CommentedMap(address), "email": email.group().rstrip(".")}
                )  # fmt: skip
                self.todo(("controller", "representative"), "representative", quoted)
            else:
                self.todo(("controller",), "representative_unread", quoted)
            return
        self.silent(("controller",), "w.representative")

    def _contact(self, key: str, near: Fact | None) -> object:
        for fact in self.a.of(FactKind.CONTACT):
            same = near is None or fact.evidence.section == near.evidence.section
            if fact.value.get(key) and same:
                return fact.value[key]
        return None

    def dpo(self) -> CommentedMap:
        out = CommentedMap()
        fact = self.first(FactKind.DPO)
        if fact is None:
            out["appointed"] = True
            out["email"] = None
            self.silent(("dpo", "appointed"), "w.dpo")
            return out
        v = fact.value
        out["appointed"] = bool(v.get("appointed", True))
        if out["appointed"]:
            for key in ("name", "organisation", "email"):
                if v.get(key):
                    out[key] = v[key]
            if not v.get("email"):
                out["email"] = None
                self.silent(("dpo", "email"), "w.dpo_email")
            self.check(("dpo", "appointed"), "c.dpo", fact)
        else:
            out["reason"] = self.text(fact.evidence.text)
            self.todo(("dpo", "reason"), "dpo_reason", fact)
        return out

    def authority(self) -> str | None:
        fact = self.first(FactKind.AUTHORITY)
        key = fact.value.get("key") if fact else None
        if key:
            assert fact is not None
            self.check(("authority",), "c.authority", fact)
            return str(key)
        if fact is not None:
            self.todo(("authority",), "authority_key", fact)
        else:
            self.silent(("authority",), "w.authority")
        return None

    def requests(self) -> CommentedMap | None:
        for fact in self.a.of(FactKind.CONTACT):
            email = fact.value.get("email")
            where = f"{fact.evidence.section or ''} {fact.evidence.text}"
            if email and _RIGHTS_SECTION.search(where):
                out = CommentedMap({"email": email})
                self.check(("requests", "email"), "c.requests", fact)
                return out
        return None

    # ------------------------------------------------------------------ activities

    def activities(self) -> Iterable[CommentedMap]:
        taken: set[str] = set()
        kept: list[tuple[int, str, Fact, tuple[Fact, ...]]] = []
        skipped: list[str] = []
        for number, (index, fact) in enumerate(self.a.activities()):
            name = str(fact.value.get("name") or f"Activity {number + 1}")
            linked = self.a.linked(index)
            if any(f.kind in _SUBSTANCE for f in linked):
                kept.append((index, name, fact, linked))
            else:
                skipped.append(name)
        if not kept:
            self.silent(("activities",), "w.activities")
        elif skipped:
            self.todo(("activities",), "skipped", names=", ".join(f"'{x}'" for x in skipped))
        for number, (index, name, fact, linked) in enumerate(kept):
            activity = self.activity(number, name, fact, linked, taken)
            self.activity_ids[index] = activity["id"]
            yield activity

    def activity(self, number: int, name: str, act: Fact, linked: tuple[Fact, ...],
                 taken: set[str]) -> CommentedMap:  # fmt: skip
        here: Path = ("activities", number)
        out = CommentedMap()
        out["id"] = s.unique_slug(name, taken, fallback="activity")
        out["name"] = self.text(name)
        if name.rstrip().endswith("?"):
            self.todo((*here, "name"), "question_name", act)
        else:
            self.check((*here, "name"), "c.activity", act)
        by_kind: dict[FactKind, list[Fact]] = {}
        for f in linked:
            by_kind.setdefault(f.kind, []).append(f)
        out["purposes"] = self.purposes(here, name, act, by_kind)
        for field_name, kind, what in (("data_categories", FactKind.DATA_CATEGORY, "w.categories"),
                                       ("data_subjects", FactKind.DATA_SUBJECT, "w.subjects")):  # fmt: skip
            found = [f for f in by_kind.get(kind, []) if f.value.get("key")]
            keys = _unique(str(f.value["key"]) for f in found)
            out[field_name] = CommentedSeq(keys)
            self._extend(field_name, found)
            if not keys:
                self.silent((*here, field_name), what)
        source = self.source(here, act)
        if source is not None:
            out["source"] = source
        out["provision"] = self.provision(here, act, out["purposes"])
        from treu.notice.analysis._draft_provision import automated

        decision = automated(self, here, act)
        if decision is not None:
            out["automated_decision"] = decision
        parties = (*by_kind.get(FactKind.RECIPIENT, []), *by_kind.get(FactKind.PROCESSOR, []))
        recipients = _unique(
            self.recipient_ids[key]
            for f in parties
            if (key := _norm(str(f.value.get("name") or ""))) in self.recipient_ids
        )
        if recipients:
            out["recipients"] = CommentedSeq(recipients)
        out["retention"] = self.retention(here, by_kind.get(FactKind.RETENTION, []))
        return out

    def _extend(self, field_name: str, facts: list[Fact]) -> None:
        """Keys the analyser coined below a fideslang key go under ``taxonomy:``."""
        from treu.policy.taxonomy import fideslang_keys

        kind = "data_category" if field_name == "data_categories" else "data_subject"
        known = fideslang_keys(kind)
        for fact in facts:
            key = str(fact.value["key"])
            if key not in known and key not in self.extensions[field_name]:
                term = str(fact.value.get("term") or key.rsplit(".", 1)[-1].replace("_", " "))
                self.extensions[field_name][key] = (term, fact)

    def taxonomy(self) -> CommentedMap | None:
        out = CommentedMap()
        for field_name, found in self.extensions.items():
            if not found:
                continue
            out[field_name] = CommentedSeq()
            for key, (term, fact) in found.items():
                entry = CommentedMap({"key": key, "name": self.text(term)})
                out[field_name].append(entry)
                self.todo(("taxonomy", field_name, len(out[field_name]) - 1), "taxonomy", fact, item=key)  # fmt: skip
        return out or None

    def purposes(self, here: Path, name: str, act: Fact,
                 by_kind: dict[FactKind, list[Fact]]) -> CommentedSeq:  # fmt: skip
        from treu.notice.analysis._draft_purposes import purposes

        return purposes(self, here, name, act, by_kind)

    def source(self, here: Path, act: Fact) -> CommentedMap | None:
        from treu.notice.analysis._draft_periods import source

        return source(self, here, act)

    def retention(self, here: Path, facts: list[Fact]) -> CommentedMap:
        from treu.notice.analysis._draft_periods import retention

        return retention(self, here, facts)

    def provision(self, here: Path, act: Fact, purposes: CommentedSeq) -> CommentedMap:
        from treu.notice.analysis._draft_provision import provision

        return provision(self, here, act, purposes)

    def _section_body(self, title: str | None) -> str:
        """The section's text without its heading line."""
        if not title:
            return ""
        for section in self.a.sections:
            if section.title == title:
                text = self.a.text[section.span.start : section.span.end]
                first, _, rest = text.partition("\n")
                return rest if title in first else text
        return ""

    # ------------------------------------------------------------------ recipients, cookies

    def recipients(self, seq: CommentedSeq) -> None:
        from treu.notice.analysis._draft_parties import add_recipients

        add_recipients(self, seq)

    def cookies(self) -> Iterable[CommentedMap]:
        from treu.notice.analysis._draft_parties import cookies

        return cookies(self)

    def security(self) -> CommentedMap:
        from treu.notice.analysis._draft_parties import security

        return security(self)


def _str(value: object) -> str | None:
    return str(value) if value else None


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w&]+", " ", name.lower()).split())


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _sentences(body: str) -> list[str]:
    return [x for p in body.split("\n\n") for x in split_sentences(" ".join(p.split()))]


def _as_fact(act: Fact, sentence: str, section: str | None) -> Fact:
    """A stand-in fact so a TODO can quote a sentence the analyser did not turn into a fact."""
    return Fact(act.kind, {}, Evidence(sentence, act.evidence.span, section), act.confidence)
