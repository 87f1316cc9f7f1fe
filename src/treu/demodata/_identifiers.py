"""Valid German identifiers for demo data: IBANs and tax identification numbers.

Detectors and validators (IBAN mod-97, Steuer-IdNr ISO 7064) must accept demo data
the way they would accept real data, so numbers are generated with correct check
digits rather than as random digit strings.  The check-digit code is small enough
to keep here instead of adding a dependency.
"""

from __future__ import annotations

import random

__all__ = ["german_iban", "iban_check_digits", "idnr_check_digit", "steuer_idnr"]

# Bank codes (BLZ) of real German banks, so an IBAN also looks plausible to a reader.
_BANK_CODES = (
    "10010010",  # Postbank Berlin
    "12030000",  # Deutsche Kreditbank
    "20041155",  # comdirect
    "37040044",  # Commerzbank Köln
    "37050198",  # Sparkasse KölnBonn
    "43060967",  # GLS Gemeinschaftsbank
    "50010517",  # ING-DiBa
    "50070010",  # Deutsche Bank Frankfurt
    "60050101",  # BW-Bank Stuttgart
    "70150000",  # Stadtsparkasse München
    "76050101",  # Sparkasse Nürnberg
    "86055592",  # Sparkasse Leipzig
)


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 check digits: 98 minus the mod-97 remainder of BBAN + country + "00"."""
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def german_iban(rng: random.Random) -> str:
    """A German IBAN (22 characters, no spaces) with a real bank code and a valid checksum."""
    bban = rng.choice(_BANK_CODES) + f"{rng.randrange(10**10):010d}"
    return "DE" + iban_check_digits("DE", bban) + bban


def idnr_check_digit(first_ten: str) -> str:
    """The 11th digit of a Steuer-IdNr (ISO 7064 MOD 11,10, as § 139b AO prescribes)."""
    product = 10
    for ch in first_ten:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def steuer_idnr(rng: random.Random) -> str:
    """An 11-digit tax identification number that follows the Bundeszentralamt's rules.

    In the first ten digits exactly one digit occurs twice or three times (never three
    in a row), every other digit at most once, and the number never starts with 0.
    """
    while True:
        repeated = rng.randrange(10)
        times = rng.choice((2, 2, 3))
        others = rng.sample([d for d in range(10) if d != repeated], 10 - times)
        digits = [repeated] * times + others
        rng.shuffle(digits)
        text = "".join(map(str, digits))
        if text[0] != "0" and str(repeated) * 3 not in text:
            return text + idnr_check_digit(text)
