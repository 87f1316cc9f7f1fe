"""The draft's ``provision`` of one activity: must the data be given, and what if not.

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

from treu.notice.analysis._draft_support import PROVISION_SECTION, PROVISION_SENTENCE
from treu.notice.analysis.model import Evidence, Fact
from treu.notice.textdoc import split_sentences

if TYPE_CHECKING:
    from treu.notice.analysis.draft import Path, _Builder

__all__ = ["provision", "requirement_of"]

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


def _run(body: str) -> list[str]:
    """The provision sentences: from the one that speaks of it to the end of its item.

    A labelled or requirement sentence ('Die Angabe ist ...') wins over a passing
    mention ('... are then mandatory') earlier in the section.
    """
    lines = [split_sentences(" ".join(line.split())) for line in body.split("\n")]
    for strong in (True, False):
        for sentences in lines:
            for k, sentence in enumerate(sentences):
                hit = (_LABEL.match(sentence) or requirement_of(sentence)) if strong else (
                    PROVISION_SENTENCE.search(sentence)
                )  # fmt: skip
                if hit:
                    return [_LABEL.sub("", x) for x in sentences[k:]]
    return []


def provision(b: _Builder, here: Path, act: Fact, purposes: CommentedSeq) -> CommentedMap:
    at = (*here, "provision")
    out = CommentedMap()
    section = act.evidence.section
    run = _run(b._section_body(section))
    if not run:
        general = next((x.title for x in b.a.sections if PROVISION_SECTION.search(x.title)), None)
        run = _run(b._section_body(general)) if general else []
        section = general
    requirement = next((r for r in map(requirement_of, run) if r), None)
    bases = {p.get("legal_basis") for p in purposes}
    out["requirement"] = requirement or (
        "contract_prerequisite" if "contract" in bases
        else "statutory" if bases == {"legal_obligation"}
        else "voluntary"
    )  # fmt: skip
    fields: list[str] = []
    said: list[str] = []
    for k, sentence in enumerate(run):
        m = _MANDATORY.match(sentence)
        if m:
            fields = [f.strip() for f in m.group(1).split(",") if f.strip()]
        elif k > 0 or requirement is None:
            said.append(sentence)
    if not said and run and not _MANDATORY.match(run[0]):
        said = [run[0]]  # the requirement sentence is all the notice says
    quote = Fact(act.kind, {}, Evidence(" ".join(run), act.evidence.span, section), act.confidence)
    out["consequences"] = b.text(" ".join(said)) if said else None
    if requirement is None:
        b.todo((*at, "requirement"), "requirement_guess", quote if run else act)
    if not said:
        b.silent((*at, "consequences"), "w.consequences")
    else:
        key = "provision_check" if section == act.evidence.section else "provision_general"
        b.todo((*at, "consequences"), key, quote)
    if fields:
        out["mandatory_fields"] = CommentedSeq(fields)
    return out
