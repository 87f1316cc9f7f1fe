"""Fast, seeded fake personal data in German formats.

Faker de_DE takes tens of microseconds per value, far too slow for ten million rows.
So Faker fills small pools once (names, streets, cities, companies, sentences), and
every row is then drawn from those pools with one seeded ``random.Random``: the same
seed gives the same database, and a million subjects take minutes, not hours.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from faker import Faker

__all__ = [
    "USER_AGENTS",
    "Person",
    "Pools",
    "at_second",
    "between",
    "date_of_birth",
    "email_for",
    "ip_address",
    "make_person",
    "midnight_utc",
    "oauth_token",
    "password_hash",
    "phone",
    "slug",
]

_POOL = 5_000

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})
_MAIL_DOMAINS = (
    ("gmx.de", 18), ("web.de", 18), ("t-online.de", 12), ("gmail.com", 20),
    ("outlook.de", 8), ("posteo.de", 4), ("freenet.de", 4), ("icloud.com", 6),
    ("mailbox.org", 2), ("yahoo.de", 3),
)  # fmt: skip
_LANDLINE_AREAS = ("30", "40", "89", "221", "69", "711", "211", "351", "341", "511", "911", "201")
# Mobile prefixes with their subscriber-number length (the 015x block has eight digits).
_MOBILE_PREFIXES = (
    ("151", 8), ("152", 8), ("157", 8), ("160", 7), ("162", 7), ("163", 7),
    ("170", 7), ("171", 7), ("172", 7), ("176", 8), ("177", 7),
)  # fmt: skip
# Real browsers of the last years; Faker's user agents are random and look synthetic.
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.92",
    "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
)
# Public address ranges of German access providers (Telekom, Vodafone, O2, 1&1).
_IPV4_PREFIXES = ((79, 192), (84, 128), (91, 64), (93, 192), (178, 24), (217, 84), (87, 178))
_IPV6_PREFIXES = ("2003:e2", "2a02:8108", "2a01:c22", "2001:16b8")


@dataclass(frozen=True)
class Pools:
    """Values Faker made once; rows pick from them."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]
    places: tuple[tuple[str, str], ...]
    companies: tuple[str, ...]
    sentences: tuple[str, ...]
    jobs: tuple[str, ...]

    @classmethod
    def build(cls, seed: int, size: int = _POOL) -> Pools:
        fake = Faker("de_DE")
        fake.seed_instance(seed)
        return cls(
            female=tuple(fake.first_name_female() for _ in range(size)),
            male=tuple(fake.first_name_male() for _ in range(size)),
            last=tuple(fake.last_name() for _ in range(size)),
            streets=tuple(f"{fake.street_name()} {fake.building_number()}" for _ in range(size)),
            places=tuple((fake.postcode(), fake.city()) for _ in range(size)),
            companies=tuple(fake.company() for _ in range(size // 10)),
            sentences=tuple(fake.sentence(nb_words=12) for _ in range(size // 2)),
            jobs=tuple(fake.job() for _ in range(size // 20)),
        )


@dataclass(frozen=True, slots=True)
class Person:
    salutation: str
    first_name: str
    last_name: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str


def slug(name: str) -> str:
    """Lower-case ASCII letters and digits, umlauts spelled out, as in e-mail addresses."""
    return "".join(ch for ch in name.lower().translate(_UMLAUTS) if ch.isalnum())


def email_for(rng: random.Random, first: str, last: str, domain: str | None = None) -> str:
    """A personal address in one of the patterns people really use."""
    f, la = slug(first), slug(last)
    pattern = rng.randrange(5)
    local = (
        f"{f}.{la}",
        f"{f[:1]}.{la}",
        f"{f}{la}{rng.randrange(1, 99)}",
        f"{la}.{f}",
        f"{f}_{la}{rng.randrange(60, 100)}",
    )[pattern]
    if domain is None:
        domains, weights = zip(*_MAIL_DOMAINS, strict=True)
        domain = rng.choices(domains, weights)[0]
    return f"{local}@{domain}"


def phone(rng: random.Random, *, mobile: bool | None = None) -> str:
    """A German number in one of the spellings found in real forms."""
    if mobile is None:
        mobile = rng.random() < 0.6
    if mobile:
        area, length = rng.choice(_MOBILE_PREFIXES)
    else:
        area = rng.choice(_LANDLINE_AREAS)
        length = 10 - len(area)
    number = str(rng.randrange(2 * 10 ** (length - 1), 10**length))
    style = rng.randrange(4)
    if style == 0:
        return f"+49 {area} {number}"
    if style == 1:
        return f"0{area} {number}"
    if style == 2:
        return f"0{area}/{number}"
    return f"+49 (0){area} {number[:3]} {number[3:]}"


def make_person(rng: random.Random, pools: Pools, *, domain: str | None = None) -> Person:
    female = rng.random() < 0.52
    first = rng.choice(pools.female if female else pools.male)
    last = rng.choice(pools.last)
    postcode, city = rng.choice(pools.places)
    return Person(
        salutation=rng.choice(("Frau", "Frau", "Frau", "Divers")) if female else "Herr",
        first_name=first,
        last_name=last,
        email=email_for(rng, first, last, domain),
        phone=phone(rng),
        street=rng.choice(pools.streets),
        postcode=postcode,
        city=city,
    )


def date_of_birth(rng: random.Random, today: date) -> date:
    """Adults between 18 and 85."""
    return today - timedelta(days=rng.randrange(18 * 365 + 5, 85 * 365))


def ip_address(rng: random.Random) -> str:
    """Mostly IPv4, about one in six IPv6, as in German access logs."""
    if rng.random() < 0.17:
        groups = ":".join(f"{rng.getrandbits(16):x}" for _ in range(6))
        return f"{rng.choice(_IPV6_PREFIXES)}:{groups}"
    a, b = rng.choice(_IPV4_PREFIXES)
    return f"{a}.{b + rng.randrange(16)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def oauth_token(rng: random.Random, prefix: str, nbytes: int) -> str:
    """A bearer token in the shape the calendar providers issue (prefix + URL-safe base64)."""
    return prefix + base64.urlsafe_b64encode(rng.randbytes(nbytes)).decode().rstrip("=")


def password_hash(rng: random.Random) -> str:
    """An argon2id hash string of the right shape; computing real ones would take hours."""
    salt = base64.b64encode(rng.randbytes(16)).decode().rstrip("=")
    digest = base64.b64encode(rng.randbytes(32)).decode().rstrip("=")
    return f"$argon2id$v=19$m=65536,t=3,p=4${salt}${digest}"


def at_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between two times, to the second (MariaDB and SQLite compare equal)."""
    span = max(int((end - start).total_seconds()), 1)
    return start + timedelta(seconds=rng.randrange(span))


def midnight_utc(moment: datetime | None) -> datetime:
    """The default 'now' of a demo database: today 00:00 UTC, so a day's runs are identical."""
    now = moment or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("demo data needs a timezone-aware 'now'")
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
