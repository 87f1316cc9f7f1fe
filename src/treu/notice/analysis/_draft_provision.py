"""The draft's ``provision`` and ``automated_decision`` of one activity (Art. 13(2)(e), (f)).

Notices say it in a short run of sentences ("Die Angabe ist für den
Vertragsschluss erforderlich. Ohne E-Mail-Adresse können wir kein Konto anlegen.
Pflichtangaben: E-Mail, Passwort."): the first says the requirement, the next
the consequences, a last one may list the mandatory fields. The activity's own
section is read first, then a general section on providing data.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from treu.notice.analysis._draft_support import PROVISION_SECTION
from treu.notice.analysis.model import Evidence, Fact
from treu.notice.textdoc import split_sentences

if TYPE_CHECKING:
    from treu.notice.analysis.draft import Path, _Builder

__all__ = ["automated", "provision", "requirement_of"]

# First match wins: 'neither statutory nor contractual, but technically necessary' is technical.
_REQUIREMENTS = tuple(
    (key, re.compile(pattern, re.IGNORECASE))
    for key, pattern in (
        ("technical", r"technisch (?:nötig|notwendig|erforderlich|bedingt)|technically "
         r"(?:necessary|required)"),
        ("voluntary", r"freiwillig|voluntar|optional|no statutory or contractual obligation|"
         r"nicht verpflichtet|not obliged|weder gesetzlich noch vertraglich|neither a statutory "
         r"nor a contractual"),
        ("contract_prerequisite", r"für den vertragsschluss|vertragsschluss erforderlich|"
         r"(?:necessary|required) to (?:enter into|conclude) (?:a|the) contract|"
         r"(?:kein|keinen) (?:vertrag|konto|kundenkonto)|(?:cannot|can't) (?:open|create|set up)"
         r" (?:an|your) account|nicht (?:behandeln|liefern|annehmen)"),
        ("contractual", r"vertraglich (?:vorgeschrieben|verpflichtet)|contractual requirement"),
        ("statutory", r"gesetzlich (?:vorgeschrieben|verpflichtet)|statutory requirement|required "
         r"by law|legally (?:required|obliged)"),
    )
)  # fmt: skip
_LABEL = re.compile(
    r"^(?:Pflicht zur Bereitstellung|Bereitstellungspflicht|Obligation to provide|Requirement "
    r"to provide)\s*:\s*",
    re.IGNORECASE,
)
_MANDATORY = re.compile(r"^(?:Pflichtangaben|Pflichtfelder|Mandatory fields)\s*:\s*(.+?)\.?$", re.I)


def requirement_of(sentence: str) -> str | None:
    """The Provision.requirement a sentence states, or None."""
    return next((key for key, rx in _REQUIREMENTS if rx.search(sentence)), None)


_PRIORITY = ("statutory", "contract_prerequisite", "contractual", "technical", "voluntary")
_CONSEQUENCE = re.compile(
    r"^(?:ohne|without)\b|(?:können|dürfen) wir\b.{0,80}\b(?:nicht|kein\w*)\b|"
    r"\b(?:cannot|can't|can not|unable to)\b|nicht (?:möglich|nutzen)|not (?:possible|able)",
    re.IGNORECASE,
)


# A sentence that is nothing but the requirement ('Die Angabe ist freiwillig; ...'): the
# consequences are the sentences after it. Otherwise the requirement sentence says it all.
_STATEMENT = re.compile(
    r"^(?:die angabe|die bereitstellung|providing the data|the provision of)", re.I
)


def _sentences(body: str) -> list[list[str]]:
    return [split_sentences(" ".join(line.split())) for line in body.split("\n") if line.strip()]


def _read(body: str) -> tuple[str | None, list[str], list[str], list[str]]:
    """(requirement, consequence sentences, mandatory fields, the sentences quoted)."""
    lines = _sentences(body)
    flat = [_LABEL.sub("", x) for line in lines for x in line]
    found = {r for r in map(requirement_of, flat) if r}
    requirement = next((r for r in _PRIORITY if r in found), None)
    fields: list[str] = []
    for sentence in flat:
        m = _MANDATORY.match(sentence)
        if m:
            fields = [f.strip() for f in m.group(1).split(",") if f.strip()]
    said = [x for x in flat if _CONSEQUENCE.search(x) and not _MANDATORY.match(x)]
    if not said:  # 'Die Angabe ist ... . <consequences>': what follows the requirement
        for line in lines:
            plain = [_LABEL.sub("", x) for x in line]
            at = next((k for k, x in enumerate(plain) if requirement_of(x)), None)
            if at is not None:
                after = [x for x in plain[at + 1 :] if not _MANDATORY.match(x)]
                said = after if _STATEMENT.match(plain[at]) and after else [plain[at]]
                break
    return requirement, said, fields, _span(lines, said + [x for x in flat if requirement_of(x)])


def _span(lines: list[list[str]], wanted: list[str]) -> list[str]:
    """The notice's own sentences from the first wanted one to the last, so a quote is whole."""
    raw = [x for line in lines for x in line]
    hits = [k for k, x in enumerate(raw) if _LABEL.sub("", x) in wanted]
    return raw[min(hits) : max(hits) + 1] if hits else []


def _general(body: str, bases: set[object]) -> tuple[str | None, list[str], list[str], list[str]]:  # fmt: skip
    """A general section on providing data, read for one activity: a contract's
    prerequisite only where the activity rests on a contract, else what it says is optional."""
    requirement, said, fields, quoted = _read(body)
    if "contract" in bases:
        return requirement, said, fields, quoted
    flat = [_LABEL.sub("", x) for line in _sentences(body) for x in line]
    optional = [x for x in flat if requirement_of(x) == "voluntary"]
    quoted = _span(_sentences(body), optional)
    return ("voluntary", optional, [], quoted) if optional else (None, [], [], [])


def provision(b: _Builder, here: Path, act: Fact, purposes: CommentedSeq) -> CommentedMap:
    at = (*here, "provision")
    out = CommentedMap()
    section: str | None = act.evidence.section
    requirement, said, fields, quoted = _read(b._section_body(section))
    bases = {p.get("legal_basis") for p in purposes}
    if requirement is None and not said:
        general = next((x.title for x in b.a.sections if PROVISION_SECTION.search(x.title)), None)
        if general:
            requirement, said, fields, quoted = _general(b._section_body(general), bases)
            section = general
    out["requirement"] = requirement or (
        "contract_prerequisite" if "contract" in bases
        else "statutory" if bases == {"legal_obligation"}
        else "voluntary"
    )  # fmt: skip
    quote = Fact(act.kind, {}, Evidence(" ".join(quoted), act.evidence.span, section),
                 act.confidence)  # fmt: skip
    out["consequences"] = b.text(" ".join(said)) if said else None
    if requirement is None:
        b.todo((*at, "requirement"), "requirement_guess", quote if quoted else act)
    if not said:
        b.silent((*at, "consequences"), "w.consequences")
    else:
        key = "provision_check" if section == act.evidence.section else "provision_general"
        b.todo((*at, "consequences"), key, quote)
    if fields:
        out["mandatory_fields"] = CommentedSeq(fields)
    return out


# --------------------------------------------------------------------------- Art. 22

_DECISION_LINE = re.compile(
    r"^(?:Automatisierte Entscheidung(?: \(Art\. 22 DSGVO\))?|Automated decision(?:-making)?"
    r"(?: \(Art\. 22 GDPR\))?|Profiling)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_NONE = re.compile(r"^(?:findet nicht statt|none)\b", re.I)
_LOGIC = re.compile(
    r"(?:Logik|Logic):\s*(?P<logic>.+?)\s*(?:Tragweite und Folgen|Significance and consequences):"
    r"\s*(?P<significance>.+?)(?:\s*(?:Zulässig, weil|Permitted because):\s*(?P<basis>[^.]+)\.?)?$",
    re.IGNORECASE,
)
_DECIDES = re.compile(
    r"automatisiert\w*\W+(?:\w+\W+){0,6}?entscheid|entscheid\w*\W+(?:\w+\W+){0,8}?automatisiert|"
    r"automated(?:ly)?\W+(?:\w+\W+){0,4}?decision|decision\W+(?:\w+\W+){0,8}?(?:made )?automatically|"
    r"anhand eines scorewert|on the basis of a score|based on a score",
    re.IGNORECASE,
)
_DENIES = re.compile(
    r"\b(?:keine|kein|nicht|no|not|never)\b\W+(?:\w+\W+){0,5}?(?:automatisiert|automated)|"
    r"findet nicht statt|does not take place|treffen wir nicht|we do not|\bnone\b",
    re.IGNORECASE,
)
_DECISION_BASIS = (
    ("explicit_consent", re.compile(r"ausdrückliche\w* einwilligung|explicit consent", re.I)),
    (
        "contract",
        re.compile(r"art\.? ?22 (?:abs\.? ?2 lit\.? ?a|\(2\)\(a\))|vertrag|contract", re.I),
    ),
    ("law", re.compile(r"gesetz|law\b|art\.? ?22 (?:abs\.? ?2 lit\.? ?b|\(2\)\(b\))", re.I)),
)


def automated(b: _Builder, here: Path, act: Fact) -> CommentedMap | None:
    """N13: an Art. 22 decision or profiling the activity's section states; None if none."""
    body = b._section_body(act.evidence.section)
    at = (*here, "automated_decision")
    for line in (x.strip() for x in body.split("\n")):
        m = _DECISION_LINE.match(line)
        if m is None:
            continue
        if _NONE.match(m.group(1)):
            return None  # the activity says so itself
        parts = _LOGIC.search(m.group(1))
        if parts is None:
            continue
        out = CommentedMap()
        out["exists"] = not line.lower().startswith("profiling")
        out["profiling"] = not out["exists"] or "profil" in parts.group("logic").lower()
        out["logic"] = b.text(parts.group("logic"))
        out["significance"] = b.text(parts.group("significance"))
        if out["exists"]:
            out["basis"] = next((k for k, rx in _DECISION_BASIS
                                 if rx.search(parts.group("basis") or "")), "contract")  # fmt: skip
        return out
    paragraphs = [split_sentences(" ".join(p.split())) for p in body.split("\n\n")]
    for paragraph in paragraphs:
        for k, sentence in enumerate(paragraph):
            if not _DECIDES.search(sentence) or _DENIES.search(sentence):
                continue
            following = " ".join(paragraph[k + 1 : k + 3]) or sentence
            out = CommentedMap({"exists": True, "profiling": False})
            out["logic"] = b.text(sentence)
            out["significance"] = b.text(following)
            found = next((key for key, rx in _DECISION_BASIS if rx.search(" ".join(paragraph))),
                         None)  # fmt: skip
            out["basis"] = found or "contract"
            quote = Fact(act.kind, {}, Evidence(" ".join(paragraph[k : k + 3]), act.evidence.span,
                                                act.evidence.section), act.confidence)  # fmt: skip
            b.todo(at, "automated", quote)
            return out
    return None
