"""Every error treu raises on purpose.

    TreuError
    ├── PolicyError            the policy file cannot be used; carries all problems at once
    ├── DataMapError           the data map file cannot be used; carries all problems at once
    ├── NoticeError            a notice cannot be read or rendered
    ├── InputError             a file given on the command line cannot be read
    ├── DependencyMissing      an optional extra (e.g. ``[pdf]``) is not installed
    ├── StoreError             treu's own database
    │   ├── Conflict           a duplicate or a broken reference
    │   └── StoreUnavailable   the database cannot be reached
    ├── NotFound               no such request, user or token (or not yours to see)
    ├── RequestError           a data-subject request cannot do what was asked
    │   ├── InvalidTransition  not allowed in the request's current state
    │   ├── ExtensionRefused   Art. 12(3) extension not possible (twice, late, no reason)
    │   ├── VerificationFailed link unknown, expired or already used
    │   ├── ErasureBlocked     a guard or the data map refuses an erasure; nothing changed
    │   └── ErasureFailed      the database refused a batch; the run stopped, resumable
    ├── ConsentError           a consent decision or newsletter step cannot be recorded
    ├── MailError              an e-mail could not be handed to the mail server
    ├── InvalidUser            a staff user's e-mail, password or role cannot be used
    ├── RateLimited            too many attempts; try again later
    ├── RetentionError         a deletion rule, event, hold or sweep cannot run as asked
    ├── AnonymizeError         pseudonymisation or field encryption cannot run as asked
    │   ├── KeyringError       a key is missing, too short, malformed or unknown
    │   ├── CiphertextInvalid  an encrypted field was altered or moved to another field
    │   └── SubjectShredded    the subject's data key was destroyed: its fields are gone
    └── AuthError              not logged in, or not allowed (role)

User-facing edges (CLI, web) catch ``TreuError`` and show ``str(error)``; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

__all__ = [
    "AnonymizeError",
    "AuthError",
    "CiphertextInvalid",
    "Conflict",
    "ConsentError",
    "DataMapError",
    "DependencyMissing",
    "ErasureBlocked",
    "ErasureFailed",
    "ExtensionRefused",
    "InputError",
    "InvalidTransition",
    "InvalidUser",
    "KeyringError",
    "MailError",
    "NotFound",
    "NoticeError",
    "PolicyError",
    "Problem",
    "RateLimited",
    "RequestError",
    "RetentionError",
    "StoreError",
    "StoreUnavailable",
    "SubjectShredded",
    "TreuError",
    "VerificationFailed",
]


class TreuError(Exception):
    """Something went wrong that the user can fix."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, pinned to where it is."""

    message: str
    path: str = ""  # dotted field path, e.g. ``activities[2].retention``
    file: Path | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    hint: str | None = None
    severity: str = "error"
    item: str | None = None  # LEGAL.md item, e.g. "N3"

    def where(self) -> str:
        parts = [str(self.file) if self.file else "<policy>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        head = f"{self.where()}: {self.severity}"
        if self.item:
            head += f" [{self.item}]"
        text = f"{head}: {self.path}: {self.message}" if self.path else f"{head}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class PolicyError(TreuError):
    """The policy file has problems; all of them are listed, not only the first."""

    problems: list[Problem] = field(default_factory=list)
    file: Path | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return _summary(str(self.file) if self.file else "policy", self.problems)


@dataclass
class DataMapError(TreuError):
    """The data map file has problems; all of them are listed, not only the first."""

    problems: list[Problem] = field(default_factory=list)
    file: Path | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return _summary(str(self.file) if self.file else "datamap", self.problems)


def _summary(name: str, problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    head = f"{name}: {errors} error(s)"
    if warnings:
        head += f", {warnings} warning(s)"
    return "\n".join([head, *(str(p) for p in problems)])


class NoticeError(TreuError):
    """The notice could not be read or rendered."""


class InputError(TreuError):
    """A file given to treu could not be read."""


class DependencyMissing(TreuError):
    """An optional dependency is not installed."""


class StoreError(TreuError):
    """treu's own database failed."""


class Conflict(StoreError):
    """The change conflicts with stored data."""


class StoreUnavailable(StoreError):
    """treu's database cannot be reached."""


class NotFound(TreuError):
    """No such item."""


class RequestError(TreuError):
    """The data-subject request cannot do what was asked."""


class InvalidTransition(RequestError):
    """This step is not allowed in the request's current state."""


class ExtensionRefused(RequestError):
    """The deadline cannot be extended (Art. 12(3): once, with reasons, within the first month)."""


class VerificationFailed(RequestError):
    """The verification link is unknown, expired or already used."""


class ErasureBlocked(RequestError):
    """The erasure was refused before anything changed.

    ``guard`` names the data map guard that refused (None: the map itself cannot erase
    these rows); ``texts`` holds its message by language (``de``, ``en``) for people.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        guard: str | None = None,
        texts: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.guard = guard
        self.texts = dict(texts or {})


class ErasureFailed(RequestError):
    """An erasure run stopped part-way: the application database refused a batch.

    The batches before ``batch_no`` are done and recorded; the refused batch ran in one
    transaction and changed nothing.  Once the cause is fixed, resuming ``run_id``
    continues at that batch.  The message names the database's error class, never its
    text, which can quote values (PostgreSQL: ``Key (email)=(…)``).
    """

    def __init__(
        self, message: str | None = None, *, run_id: str, batch_no: int, table: str, error: str
    ) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.batch_no = batch_no
        self.table = table
        self.error = error
        """The database error's class, e.g. ``IntegrityError (ForeignKeyViolation)``."""


class ConsentError(TreuError):
    """A consent decision, withdrawal or newsletter step cannot be recorded as given."""


class InvalidUser(TreuError):
    """The user's e-mail address, password or role cannot be used."""


class MailError(TreuError):
    """The e-mail could not be handed to the mail server."""


class RateLimited(TreuError):
    """Too many attempts; try again later."""

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RetentionError(TreuError):
    """A deletion rule, retention event, hold or sweep cannot run as asked."""


class AuthError(TreuError):
    """Not logged in, or not allowed to do this."""


class AnonymizeError(TreuError):
    """Pseudonymisation or field encryption cannot run as asked."""


class KeyringError(AnonymizeError):
    """A pseudonymisation or master key is missing, too short, malformed or unknown."""


class CiphertextInvalid(AnonymizeError):
    """The encrypted field was altered, belongs to another field or subject, or is not
    treu's: its authentication tag does not match."""


class SubjectShredded(AnonymizeError):
    """The subject's data key was destroyed (crypto-shredding): every copy of the fields
    encrypted with it, backups included, can no longer be read.

    ``key_id`` names the destroyed key and ``shredded_at`` says when (UTC); neither is
    personal data."""

    def __init__(
        self, message: str | None = None, *, key_id: str, shredded_at: datetime | None = None
    ) -> None:
        super().__init__(message)
        self.key_id = key_id
        self.shredded_at = shredded_at


def read_text_file(path: Path, *, missing_hint: str = "") -> str:
    """Read a UTF-8 text file given by a user, turning every failure into an ``InputError``."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file{missing_hint}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
