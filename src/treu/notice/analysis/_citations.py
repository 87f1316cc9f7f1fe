"""Legal citations as notices write them, read into (law, article, paragraph, letters).

German and English styles and their variants all occur in the wild:
``Art. 6 Abs. 1 lit. f DSGVO``, ``Art. 6 Abs. 1 S. 1 Buchst. b DS-GVO``,
``Art. 6 I lit. a DSGVO``, ``Artikel 6 Absatz 1 Buchstabe a``,
``Art. 6(1)(b) GDPR``, ``Article 6 (1) point (f)``, ``Art. 6 para. 1 lit. a
GDPR``, several letters at once (``lit. a und f``), and national sections
(``§ 25 Abs. 1 TDDDG``, ``§ 26 BDSG``, ``§ 7 Abs. 3 UWG``). ``Art.`` without a
law name is read as the GDPR (notices rarely cite other regulations by
article); a ``§`` without a law is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Citation", "basis_key", "citations"]

_LAWS = {
    "dsgvo": "GDPR", "ds-gvo": "GDPR", "eu-dsgvo": "GDPR", "gdpr": "GDPR", "eu-gdpr": "GDPR",
    "datenschutz-grundverordnung": "GDPR", "general data protection regulation": "GDPR",
    "tdddg": "TDDDG", "ttdsg": "TTDSG", "bdsg": "BDSG", "bundesdatenschutzgesetz": "BDSG",
    "uwg": "UWG", "bgb": "BGB", "hgb": "HGB", "ao": "AO", "abgabenordnung": "AO",
    "tmg": "TMG", "telemediengesetz": "TMG", "ustg": "UStG", "ddg": "DDG", "tkg": "TKG",
    "sgb": "SGB", "agg": "AGG", "ifsg": "IfSG",
}  # fmt: skip
_LAW = "|".join(re.escape(k) for k in sorted(_LAWS, key=len, reverse=True))

_PARA = (
    r"(?:\s*(?:abs(?:atz|\.)?|para(?:graph|\.)?|paragraph|sec(?:tion|\.)?)\s*(?P<p1>\d{1,2})"
    r"|\s*\(\s*(?P<p2>\d{1,2})\s*\)"
    r"|\s+(?P<p3>I{1,3}|IV)(?![\w.])"
    r"|\s+(?P<p4>\d{1,2})(?=\s*(?:s\.|satz|lit|buchst|nr|\(?[a-f]\)|[a-f]\b)))"
)
_SENTENCE = r"(?:\s*(?:s(?:atz|\.)|sentence|sent\.|uabs(?:atz|\.)?|unterabs(?:atz|\.)?|subpara(?:graph)?\.?)\s*\d{1,2})?"
_ONE_LETTER = (
    r"(?:(?:lit(?:era|\.)?|buchst(?:abe|\.)?|points?|letters?)\s*)?\(?\s*[a-j]\s*\)(?![\w])|(?:lit(?:era|\.)?|buchst(?:abe|\.)?|points?|letters?)\s*[a-j](?![\w])|(?<=\s)[a-j](?=\s+(?:"
    + _LAW
    + r")\b)"
)
_LETTERS = rf"[,\s]*(?P<letters>(?:{_ONE_LETTER})(?:\s*(?:,|und|and|or|oder|bzw\.|/|&|sowie|i\.\s?v\.\s?m\.)\s*(?:{_ONE_LETTER}|[a-j](?![\w)])))*)"
_NUMBER = r"(?:\s*(?:nr\.?|no\.?|ziff(?:er|\.)?|number|(?<=\))\s*)\s*\(?(?P<num>\d{1,2})\)?)?"
_OF_LAW = rf"(?:\s*(?:der|des|of the|of|the|e?u-?)?\s*(?P<law>{_LAW})\b)?"

_CITATION = re.compile(
    rf"(?P<kind>\bart(?:ikel|icle|s?\.)?|§§?|\bsections?\b|\bsec\.)\s*(?P<art>\d{{1,3}}[a-z]?)(?![\d])"
    rf"(?:{_PARA}{_SENTENCE}(?:{_LETTERS})?{_NUMBER})?{_OF_LAW}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Citation:
    law: str | None  # GDPR, TDDDG, BDSG ... (None: a § without a law)
    article: str  # "6", "25"
    paragraph: str | None  # "1"
    letters: tuple[str, ...]  # ("a", "f")
    number: str | None  # "2" in § 25 Abs. 2 Nr. 2
    cited: str  # as written
    start: int
    end: int

    def ref(self, letter: str | None = None) -> str:
        """'6(1)(f)', '25(2) no. 2', '26'."""
        out = self.article
        if self.paragraph:
            out += f"({self.paragraph})"
        if letter:
            out += f"({letter})"
        if self.number:
            out += f" no. {self.number}"
        return out


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


def citations(text: str) -> Iterator[Citation]:
    """Every article or section citation in ``text``; GDPR assumed for a bare 'Art.'."""
    for m in _CITATION.finditer(text):
        g = m.groupdict()
        law = _LAWS.get((g["law"] or "").lower())
        if law is None:
            law = "GDPR" if g["kind"].lower().startswith("art") else None
        p = g["p1"] or g["p2"] or g["p3"] or g["p4"]
        paragraph = _ROMAN.get(p, p) if p else None
        letters = tuple(
            dict.fromkeys(
                x.lower()
                for x in re.findall(
                    r"(?<![\w])([a-j])(?![\w])",
                    re.sub(
                        r"lit(?:era|\.)?|buchst(?:abe|\.)?|points?|letters?|und|and|or|oder|bzw\.|sowie|i\.\s?v\.\s?m\.",
                        " ",
                        g["letters"] or "",
                        flags=re.I,
                    ),
                )
            )
        )
        cited = m.group(0).strip().rstrip(",;")
        yield Citation(
            law,
            g["art"].lower(),
            paragraph,
            letters,
            g["num"],
            cited,
            m.start(),
            m.start() + len(cited),
        )


_ART6 = {
    "a": "consent",
    "b": "contract",
    "c": "legal_obligation",
    "d": "vital_interests",
    "e": "public_task",
    "f": "legitimate_interests",
}


def basis_key(c: Citation, letter: str | None) -> str | None:
    """The policy model's LegalBasis / SpecialCategoryBasis / NationalBasis, if there is one."""
    if c.law == "GDPR" and c.article == "6" and c.paragraph in (None, "1") and letter in _ART6:
        return _ART6[letter]
    if c.law == "GDPR" and c.article == "9" and c.paragraph == "2" and letter:
        return f"art9_2_{letter}"
    if c.law in ("TDDDG", "TTDSG") and c.article == "25":
        if c.paragraph == "1":
            return "tdddg_25_1"
        if c.paragraph == "2" and c.number in ("1", "2"):
            return f"tdddg_25_2_{c.number}"
    if c.law == "BDSG" and c.article == "26":
        return "bdsg_26"
    if c.law == "UWG" and c.article == "7" and c.paragraph == "3":
        return "uwg_7_3"
    return None


# Which citations are a legal basis for processing (as opposed to a right, a duty
# or a transfer rule): (law, article) pairs; GDPR 6 and 9 need a letter.
BASIS_ARTICLES = frozenset(
    {("GDPR", "6"), ("GDPR", "9"), ("TDDDG", "25"), ("TTDSG", "25"), ("BDSG", "26"),
     ("BDSG", "22"), ("UWG", "7"), ("TMG", "15"), ("BDSG", "28"), ("BDSG", "4"),
     ("BDSG", "24")}
)  # fmt: skip
