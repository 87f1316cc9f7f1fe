"""Who the notice names: controller, contacts, DPO, supervisory authority, recipients.

Organisations are found by their legal form (see ``_entities``); what role one
plays is read from the words around it - 'Auftragsverarbeiter', 'joint
controller', 'eigenständig verantwortlich' - or from the table column that
says so.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from treu.notice import _text_rules as r
from treu.notice.analysis._context import Collector, Where
from treu.notice.analysis._entities import address_after, organisations
from treu.notice.analysis._lexicon import countries_in, country_code
from treu.notice.analysis.model import FactKind as K

__all__ = ["PARTY_EXTRACTORS", "authorities_named"]

_IC = re.IGNORECASE
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("joint_controller", re.compile(r"gemeinsam(?:e)? verantwortlich|joint(?:ly)?[\s-]controller|joint(?:ly)? responsib|art\.?\s*26", _IC)),
    ("controller", re.compile(r"eigenständig(?:e[rn]?)? verantwortlich|eigene[rn]? verantwortlich|in eigener verantwortung|als verantwortliche|independent controller|(?:separate|own|independent) (?:data )?controller|as (?:a )?controller", _IC)),
    ("processor", re.compile(r"auftragsverarbeit|hosting[- ]?(?:provider|dienstleister|anbieter)|\bhoster\b|im auftrag|in unserem auftrag|nach unserer weisung|weisungsgebunden|on our instructions|(?<!sub-)\bprocessors?\b|on our behalf|data processing agreement|\bdpa\b|art\.?\s*28", _IC)),
    ("authority", re.compile(r"behörde|gericht|finanzamt|polizei|staatsanwalt|authorit|court|police|tax office", _IC)),
)  # fmt: skip
_NOT_RECIPIENT = re.compile(
    r"vertreter|representative|art\.?\s*27|registereintrag|register entry|handelsregister", _IC
)


def section_roles(wheres: list[Where], parents: list[int | None]) -> dict[int, str]:
    """The role a recipients section states for all it lists ('Each of them processes data
    only on our behalf ...'): read from the title and sentences naming no company; a
    subsection without its own statement inherits its parent's."""
    own: dict[int, str] = {}
    titles: dict[int, str] = {}
    for w in wheres:
        s = w.sentence.section
        titles.setdefault(s, w.title)
        if w.topic not in ("recipients", "transfers") or s in own or w.sentence.item:
            continue
        role = _role(w.text)
        if role and not any(True for _ in organisations(w.text)):
            own[s] = role
    for s, title in titles.items():
        role = _role(title)
        if role:
            own.setdefault(s, role)
    out: dict[int, str] = {}
    for s in range(len(parents)):
        up: int | None = s
        while up is not None and up not in own:
            up = parents[up]
        if up is not None:
            out[s] = own[up]
    return out


def _role(text: str) -> str | None:
    for role, pattern in _ROLES:
        if pattern.search(text):
            return role
    return None


def recipients(c: Collector, w: Where, controller: str | None) -> None:
    if w.topic in (
        "controller",
        "dpo",
        "complaint",
        "rights",
        "objection",
        "withdrawal",
        "changes",
        "transfers",
    ):
        return
    if _NOT_RECIPIENT.search(w.text):
        return
    if w.cells is not None:
        _recipient_row(c, w, controller)
        return
    orgs = list(organisations(w.text))
    for i, org in enumerate(orgs):
        if controller and _same(org.name, controller):
            continue
        nxt = orgs[i + 1].start if i + 1 < len(orgs) else len(w.text)
        window = w.text[org.end : nxt].split(";")[0]
        close, opening = window.find(")"), window.find("(")
        if close >= 0 and (opening < 0 or close < opening):
            window = window[:close]  # named inside someone else's parentheses
        address, country, _ = address_after(w.text, org.end)
        if country is None:
            found = countries_in(window[:120]) or countries_in(org.name)
            country = found[0][2] if found else None
        role = (
            _role(window[:160])
            or (_role(w.text) if len(orgs) == 1 else None)
            or _paragraph_role(c, w)
            or _role(w.title)
            or c.section_roles.get(w.sentence.section)
        )
        if country is None:
            country = _home_country(org.legal_form, address)
        kind = K.PROCESSOR if role == "processor" else K.RECIPIENT
        value = {
            "name": org.name,
            "legal_form": org.legal_form,
            "address": address,
            "country": country,
            "role": role,
        }
        c.add(kind, value, w, 0.85 if role else 0.7)


def _recipient_row(c: Collector, w: Where, controller: str | None) -> None:
    assert w.cells is not None
    name = w.cell(
        r"^(?:empfänger|recipient|name|anbieter|provider|dienstleister|unternehmen|company)"
    )
    if name is None or not (w.topic == "recipients" or w.cell(r"rolle|role")):
        return
    if controller and _same(name, controller):
        return
    orgs = list(organisations(name))
    role_cell = w.cell(r"rolle|role|stellung")
    role = _role(role_cell or "") or _role(" ".join(w.cells))
    country_cell = w.cell(r"land|country|sitz|location|standort")
    country = None
    if country_cell:
        found = countries_in(country_cell)
        country = found[0][2] if found else country_code(country_cell)
    if country is None:
        country = _home_country(orgs[0].legal_form if orgs else None, None)
    value = {
        "name": orgs[0].name if orgs else re.sub(r"\s*\((?:fictional|fiktiv)\)", "", name),
        "legal_form": orgs[0].legal_form if orgs else None,
        "address": None,
        "country": country,
        "role": role,
    }
    c.add(K.PROCESSOR if role == "processor" else K.RECIPIENT, value, w, 0.9)


_GERMAN_FORMS = frozenset(
    {"GmbH", "gGmbH", "mbH", "UG (haftungsbeschränkt)", "UG (haftungsbeschraenkt)", "UG", "KG",
     "GmbH & Co. KG", "GmbH & Co KG", "GmbH & Co. KGaA", "KGaA", "OHG", "oHG", "GbR", "e.V.",
     "e. V.", "eG", "e.K.", "PartG", "PartG mbB"}
)  # fmt: skip


def _home_country(form: str | None, address: str | None) -> str | None:
    """No country named: German legal forms, and German postcodes, are in Germany."""
    if form in _GERMAN_FORMS:
        return "DE"
    if address and re.search(r"(?<![\w-])\d{5}\s+[A-ZÄÖÜ][a-zäöüß]", address):
        return "DE"
    return None


def _paragraph_role(c: Collector, w: Where) -> str | None:
    """'Anbieter ist die X GmbH. Sie ist unser Auftragsverarbeiter.': the role is stated in
    the next sentence; it counts when the paragraph names no other company."""
    paragraph = w.sentence.paragraph
    text = c.paragraphs.get(paragraph, "")
    if not text or w.sentence.item:
        return None
    if paragraph not in c.paragraph_roles:  # once per paragraph: long ones are read whole
        single = len(list(organisations(text))) == 1
        c.paragraph_roles[paragraph] = _role(text) if single else None
    return c.paragraph_roles[paragraph]


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", "", s).lower()

    return norm(a) == norm(b) or norm(a).startswith(norm(b)) or norm(b).startswith(norm(a))


# --------------------------------------------------------------------------- controller, DPO

_NO_DPO = re.compile(
    r"^(?:nein|no)\b|not oblige\w* (?:us )?to (?:appoint|designate)|no obligation to (?:appoint|designate)"
    r"|nicht (?:verpflichtet|erforderlich)[^.]{0,60}(?:benennen|bestellen|benennung|bestellung)"
    r"|keine[n]? (?:pflicht|verpflichtung)[^.]{0,40}(?:benennung|bestellung|benennen|bestellen)",
    _IC,
)
_PERSON = re.compile(
    r"\b(?:ist|is|sind|are)\s+(?:(?:Herr|Frau|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?)\s+)*"
    r"(?P<name>[A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜ][a-zäöüß]+){1,2})\b"
)
# 'Hauptstraße 5 12345 Musterstadt' - an address on lines of its own, joined without commas.
_STREET_CITY = re.compile(
    r"(?P<street>[A-ZÄÖÜ][\w.-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer"
    r"|markt|chaussee)\s*\d+\s?[a-z]?(?:-\d+)?)[,\s]+(?P<city>(?:[A-Z]{1,2}-)?\d{4,5}\s+"
    r"[A-ZÄÖÜ][\w-]+(?:\s(?:am|an der|im|bei)\s[A-ZÄÖÜ][\w-]+)?)"
)
# 'Max Mustermann E-Mail: dsb@...': a person's name on a line of its own, then the contact.
_NAME_LINE = re.compile(
    r"^(?:(?:Herr|Frau|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?)\s+)*"
    r"(?P<name>[A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜ][a-zäöüß]+){1,2})"
    r"(?=\s*(?:,|$|\(|E-?Mail|Tel|Telefon|Phone|[A-ZÄÖÜ][\w.-]*(?:straße|str\.|weg|platz)))"
)
# 'telefonisch unter 05151 555 870', 'by phone on +49 40 555 8120'
_PHONE_WORDS = re.compile(
    r"(?:telefonisch|per telefon|by (?:tele)?phone|call us)\s+(?:unter|on|at)?\s*(\+?\d[\d\s()/-]{5,}\d)",
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(r"name|firma|unternehmen|company|organisation|organization", _IC)
_ADDRESS_LABEL = re.compile(r"anschrift|adresse|address|sitz|postanschrift", _IC)
_CONTROLLER_SENTENCE = re.compile(
    r"verantwortlich(?:e|er)?\b[^.]{0,120}\b(?:ist|sind)\b|controller\b[^.]{0,120}\bis\b|"
    r"verantwortliche stelle|responsible (?:party|body|entity)",
    _IC,
)


class Parties:
    """Controller and DPO are assembled over several sentences of their sections."""

    def __init__(self) -> None:
        self.controller: dict[str, object] = {}
        self.controller_where: Where | None = None
        self.dpo: dict[str, object] = {}
        self.dpo_where: Where | None = None
        self.contacts: set[str] = set()

    @property
    def controller_name(self) -> str | None:
        name = self.controller.get("name")
        return name if isinstance(name, str) else None

    def read(self, c: Collector, w: Where) -> None:
        if w.topic == "controller" or (
            not self.controller
            and _CONTROLLER_SENTENCE.search(w.text)
            and w.topic in (None, "preamble")
        ):
            self._fill(self.controller, w, "controller")
            if self.controller_where is None and self.controller:
                self.controller_where = w
            self._contacts(c, w)
        elif w.topic == "dpo" or (r.DPO.search(w.text) and w.topic not in ("rights", "complaint")):
            if r.NO_DPO.search(w.text) or _NO_DPO.search(w.text):
                self.dpo.setdefault("appointed", False)
                self.dpo_where = self.dpo_where or w
                return
            if w.topic == "dpo" or r.EMAIL.search(w.text):
                self._fill(self.dpo, w, "dpo")
                person = _PERSON.search(w.text)
                if person and "name" not in self.dpo and r.DPO.search(w.text):
                    self.dpo["name"] = person.group("name")
                alone = _NAME_LINE.match(w.text)
                if alone and "name" not in self.dpo and w.topic == "dpo":
                    self.dpo["name"] = alone.group("name")
                if self.dpo_where is None:
                    self.dpo_where = w
        elif w.topic in ("rights", "objection", "withdrawal") and re.search(
            r"antrag|anfrage|request|e-?mail an|write to|per post", w.text, _IC
        ):
            self._contacts(c, w)

    def _fill(self, into: dict[str, object], w: Where, who: str) -> None:
        text = w.body if w.label else w.text
        if w.label and _NAME_LABEL.fullmatch(w.label) and "name" not in into:
            into["name"] = re.sub(r"\s*\((?:fictional|fiktiv)\)", "", text).strip()
            if w.label.lower() in ("organisation", "organization"):
                into["organisation"] = into.pop("name")
        if w.label and _ADDRESS_LABEL.fullmatch(w.label) and "address" not in into:
            into["address"] = text
        email = r.EMAIL.search(w.text)
        if email and "email" not in into:
            into["email"] = email.group(0)
        phone = r.PHONE.search(w.text) or _PHONE_WORDS.search(w.text)
        if phone and "phone" not in into and who == "controller":
            into["phone"] = re.sub(r"^[^\d+]+", "", phone.group(0)).strip()
        if w.label is None or not _NAME_LABEL.fullmatch(w.label):
            for org in organisations(w.text):
                key = "name" if who == "controller" else "organisation"
                if key not in into:
                    into[key] = org.name
                    into.setdefault("legal_form", org.legal_form) if who == "controller" else None
                    address, _, _ = address_after(w.text, org.end)
                    if address and "address" not in into:
                        into["address"] = address
                break
        if "address" not in into and (into.get("name") or into.get("organisation")):
            street = _STREET_CITY.search(w.text)
            if street:
                into["address"] = f"{street.group('street')}, {street.group('city')}"
        if who == "controller" and "name" in into and "legal_form" not in into:
            orgs = list(organisations(str(into["name"])))
            into["legal_form"] = orgs[0].legal_form if orgs else None

    def _contacts(self, c: Collector, w: Where) -> None:
        for pattern, key in ((r.EMAIL, "email"), (r.PHONE, "phone"), (_PHONE_WORDS, "phone")):
            for m in pattern.finditer(w.text):
                value = (
                    m.group(0) if key == "email" else re.sub(r"^[^\d+]+", "", m.group(0)).strip()
                )
                if value not in self.contacts:
                    self.contacts.add(value)
                    c.add(K.CONTACT, {key: value}, w, 0.85, None)
        url = re.search(r"https?://\S+", w.text)
        if url and w.topic == "controller" and url.group(0) not in self.contacts:
            self.contacts.add(url.group(0))
            c.add(K.CONTACT, {"url": url.group(0).rstrip(".,)")}, w, 0.7, None)

    def finish(self, c: Collector) -> None:
        if self.controller and self.controller_where is not None:
            value = {
                k: self.controller.get(k)
                for k in ("name", "legal_form", "address", "email", "phone")
            }
            c.add(K.CONTROLLER, value, self.controller_where, 0.9 if value["name"] else 0.5, None)
        if self.dpo and self.dpo_where is not None:
            appointed = self.dpo.get("appointed", True)
            value = {
                "appointed": appointed,
                "name": self.dpo.get("name"),
                "email": self.dpo.get("email"),
                "organisation": self.dpo.get("organisation"),
            }
            c.add(K.DPO, value, self.dpo_where, 0.9, None)


# --------------------------------------------------------------------------- authority


@cache
def _authorities() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = (files("treu.policy") / "data" / "authorities.yaml").read_text(encoding="utf-8")
    data = yaml.load(raw, Loader=loader)
    out: list[tuple[re.Pattern[str], str, str]] = []
    for key, a in (data.get("authorities") or {}).items():
        names = [a["name"]["de"], a["name"]["en"]]
        # Official titles change with the office-holder: Beauftragte/Beauftragter.
        alternatives = "|".join(_flexible(n) for n in names)
        short = re.escape(str(a.get("short", "")))
        land = _LAENDER.get(str(key))
        if short and land:  # 'LfDI BW' is also written 'LfDI Baden-Württemberg'
            short += "|" + re.escape(str(a["short"]).split()[0] + " " + land)
        pattern = re.compile(
            rf"(?i:{alternatives})|(?<![\w-]){short}(?![\w-])" if short else f"(?i:{alternatives})"
        )
        out.append((pattern, str(key), str(a["name"]["de"])))
    return tuple(out)


_LAENDER = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg",
    "HB": "Bremen", "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen", "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz",
    "SL": "Saarland", "SN": "Sachsen", "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}  # fmt: skip


def _flexible(name: str) -> str:
    """Official titles vary: Beauftragte/Beauftragter, 'für (den) Datenschutz und (die) ...'."""
    out = re.escape(name).replace("\\ ", " ")
    out = re.sub(r"eauftragte[rn]?", "eauftragte[rn]?", out)
    out = re.sub(r"(isch|ig|lich)e[rnms]?\b", r"\1e[rnms]?", out)  # 'Unabhängige(s)'

    out = re.sub(r" (für|und|for|and) (?:den|die|das|the) ", r" \1 ", out)
    return re.sub(r" (für|und|for|and) ", r" \1 (?:den |die |das |the )?", out)


def authorities_named(text: str) -> list[tuple[re.Match[str], str]]:
    return [(m, key) for pattern, key, _ in _authorities() for m in pattern.finditer(text)]


def authority(c: Collector, w: Where, seen: set[str]) -> None:
    if (
        w.topic not in ("complaint", "rights")
        and not r.COMPLAINT.search(w.text)
        and not (
            w.label
            and re.fullmatch(
                r"behörde|authority|aufsichtsbehörde|supervisory authority", w.label, _IC
            )
        )
    ):
        return
    for m, key in authorities_named(w.text):
        if key not in seen:
            seen.add(key)
            c.add(K.AUTHORITY, {"name": m.group(0), "key": key}, w, 0.95, None)
    if (
        not seen
        and w.label
        and re.fullmatch(r"behörde|authority|aufsichtsbehörde|supervisory authority", w.label, _IC)
    ):
        seen.add(w.body)
        c.add(K.AUTHORITY, {"name": w.body, "key": None}, w, 0.7, None)
    elif not seen and w.topic == "complaint":
        m2 = r.NAMED_AUTHORITY.search(w.text)
        if m2:
            seen.add(m2.group(0))
            c.add(K.AUTHORITY, {"name": m2.group(0), "key": None}, w, 0.6, None)


PARTY_EXTRACTORS = (recipients, authority)
