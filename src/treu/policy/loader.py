"""Load ``policy.yaml`` and report every problem with file, line and field.

YAML is parsed with ruamel.yaml because it keeps line numbers; pydantic checks
the structure and reports all structural errors at once; ``checks.py`` then
looks across the file.  The user sees one list, sorted by line.
"""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from treu import _yaml_fast
from treu.errors import PolicyError, Problem, read_text_file
from treu.policy._partial import partial_issues
from treu.policy.checks import Issue, check_policy
from treu.policy.model import Policy
from treu.policy.taxonomy import suggest

__all__ = ["LoadedPolicy", "load_policy", "parse_policy"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    path: Path | None
    warnings: tuple[Problem, ...]
    digest: str
    """SHA-256 of the policy's content; printed in the notice to tie it to its source."""


def load_policy(path: str | Path) -> LoadedPolicy:
    file = Path(path)
    return parse_policy(read_text_file(file), file)


def parse_policy(text: str, path: Path | None = None) -> LoadedPolicy:
    fast = _fast_parse(text, path)
    if fast is not None:
        return fast
    tree = _parse_yaml(text, path)
    if not isinstance(tree, dict):
        raise PolicyError(
            [Problem("the file must be a YAML mapping starting with 'treu: 1'", file=path, line=1)],
            file=path,
        )
    positions = _Positions(tree)
    data = _plain(tree)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        problems = _unique(_from_pydantic(err, positions, path) for err in exc.errors())
        problems += [_from_issue(issue, positions, path) for issue in partial_issues(data)]
        problems = _drop_typo_twins(_unique(problems))
        raise PolicyError(sorted(problems, key=_order), file=path) from None
    problems = [_from_issue(issue, positions, path) for issue in check_policy(policy)]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise PolicyError(sorted(problems, key=_order), file=path)
    return LoadedPolicy(
        policy=policy,
        path=path,
        warnings=tuple(sorted(problems, key=_order)),
        digest=_digest(policy),
    )


def _fast_parse(text: str, path: Path | None) -> LoadedPolicy | None:
    """The policy when libyaml reads it and it has no problem at all, not even a warning;
    ``None`` sends ``parse_policy`` on to ruamel, whose positions every problem is reported
    with.  ruamel is pure Python: this halves the start of a command that reads a policy."""
    tree = _yaml_fast.tree(text)
    if not isinstance(tree, dict):
        return None
    try:
        policy = Policy.model_validate(tree)
    except ValidationError:
        return None
    if check_policy(policy):
        return None
    return LoadedPolicy(policy=policy, path=path, warnings=(), digest=_digest(policy))


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per field: pydantic may report a bad key and its value separately."""
    seen: dict[str, Problem] = {}
    for problem in problems:
        seen.setdefault(f"{problem.line}:{problem.column}:{problem.path}", problem)
    return list(seen.values())


def _drop_typo_twins(problems: list[Problem]) -> list[Problem]:
    """A typo such as ``legal_bassis`` yields "unknown field" *and* "required field
    'legal_basis' is missing"; keep only the first, whose hint names the fix."""
    meant: set[str] = set()
    for p in problems:
        if p.message.startswith("unknown field") and (p.hint or "").startswith("did you mean"):
            parent = p.path.rpartition(".")[0]
            name = (p.hint or "").split("'")[1]
            meant.add(f"{parent}.{name}" if parent else name)
    return [p for p in problems if not (p.message.startswith("required field") and p.path in meant)]


def _digest(policy: Policy) -> str:
    canonical = json.dumps(policy.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _order(problem: Problem) -> tuple[int, int, str]:
    return (problem.line or 0, problem.column or 0, problem.path)


class _Constructor(RoundTripConstructor):
    """Keeps dates as text so pydantic checks them with file and line (``2026-13-01``)."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _parse_yaml(text: str, path: Path | None) -> Any:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        hint = "check indentation and quote values that contain ': ' or start with '*'"
        start = exc.context_mark
        if "duplicate key" in message:
            message = str(exc.problem)
            hint = "a key may appear only once in a mapping; merge or remove the second one"
        elif mark is exc.problem_mark and start and mark and start.line != mark.line:
            opened = str(exc.context).removeprefix("while parsing ").removeprefix("while scanning ")
            message += f" ({opened} begins on line {start.line + 1})"
        raise PolicyError(
            [
                Problem(
                    f"not valid YAML: {message}",
                    file=path,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    hint=hint,
                )
            ],
            file=path,
        ) from None


def _plain(value: Any) -> Any:
    """ruamel's comment-carrying containers → plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


class _Positions:
    """Line and column of every key and list item, by field path."""

    def __init__(self, tree: Any) -> None:
        self._at: dict[Loc, tuple[int, int]] = {(): (0, 0)}
        self._walk(tree, ())

    def _walk(self, node: Any, loc: Loc) -> None:
        # ruamel knows no position for some nodes (e.g. a tagged flow list); those
        # fall back to their parent's position in find().
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                self._put((*loc, str(key)), node.lc.key(key))
                self._walk(value, (*loc, str(key)))
        elif isinstance(node, CommentedSeq):
            for index, value in enumerate(node):
                self._put((*loc, index), node.lc.item(index))
                self._walk(value, (*loc, index))

    def _put(self, loc: Loc, position: Any) -> None:
        if isinstance(position, tuple | list) and len(position) >= 2:
            line, col = position[0], position[1]
            if isinstance(line, int) and isinstance(col, int):
                self._at[loc] = (line, col)

    def find(self, loc: Loc) -> tuple[int, int]:
        best: Loc = ()
        current: Loc = ()
        for part in loc:
            candidate = (*current, part)
            if candidate in self._at:
                current = best = candidate
        line, col = self._at[best]
        return line + 1, col + 1


_PYDANTIC_TAG = re.compile(r"^[a-z-]*\[.*\]$")


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop pydantic's internal tags (``function-after[...]``, ``[key]``) from an error path.

    User keys stay, hyphens included: ``legal-basis`` is a typo to report, not a tag.
    """
    return tuple(p for p in loc if isinstance(p, int) or not _PYDANTIC_TAG.match(p))


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _fields_at(loc: Loc, root: type[BaseModel] = Policy) -> set[str]:
    """Field names the model allows at ``loc``, to suggest the one a typo meant."""
    annotation: Any = root
    for part in loc:
        annotation = _unwrap(annotation, index=isinstance(part, int))
        if isinstance(part, int):
            continue
        if typing.get_origin(annotation) is dict:  # a key the user chose, e.g. a table name
            annotation = typing.get_args(annotation)[1]
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                return set()
            annotation = field.annotation
        else:
            return set()
    annotation = _unwrap(annotation, index=False)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return set(annotation.model_fields)
    return set()


def _unwrap(annotation: Any, *, index: bool) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0], index=index)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0], index=index)
        # a model or a list of them (a data map's ``retention``): the model either way
        found = [_unwrap(a, index=index) for a in args]
        models = {a for a in found if isinstance(a, type) and issubclass(a, BaseModel)}
        return models.pop() if len(models) == 1 else annotation
    if index and origin is list:
        return typing.get_args(annotation)[0]
    return annotation


_PATTERN_MESSAGES = {
    "^[a-z][a-z0-9_-]*$": "ids are lower-case letters, digits, '_' and '-', starting with a letter",
    "^[A-Z]{2}$": "countries are ISO 3166 two-letter codes in capitals, e.g. DE, US, CH",
    "^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$": "not an e-mail address",
    "^https?://[^\\s]+$": "URLs start with https://",
}


def _from_pydantic(
    err: Any, positions: _Positions, path: Path | None, root: type[BaseModel] = Policy
) -> Problem:
    loc = _clean_loc(tuple(err["loc"]))
    kind = err["type"]
    value = err.get("input")
    hint: str | None = None
    message = str(err["msg"])
    item: str | None = None
    if kind == "missing":
        message = f"required field '{loc[-1]}' is missing"
        hint = "see docs/policy.md for what it holds"
        item, hint = _MISSING.get(str(loc[-1]), (None, hint))
    elif kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], root)
        near = suggest(str(loc[-1]), allowed)
        message = f"unknown field '{loc[-1]}'"
        hint = f"did you mean '{near}'?" if near else f"allowed here: {', '.join(sorted(allowed))}"
    elif kind == "literal_error" and loc == ("treu",):
        if str(value) == "1":
            message = "the schema version is a number, not text"
            hint = "write it without quotes: treu: 1"
        else:
            message = f"schema version '{value}' is not supported; this treu reads version 1"
            hint = "write 'treu: 1' as the first line"
    elif kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", ""))
        options = {o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()}
        near = suggest(str(value), options)
        message = f"'{value}' is not allowed here; use one of {expected}"
        hint = f"did you mean '{near}'?" if near else None
        alias = _BASIS_ALIASES.get(_alias_key(value)) if "consent" in options else None
        if alias is not None:
            hint = f"'{value}' is written '{alias}' here"
        if options == {"de", "en"} and not isinstance(loc[-1], int):
            message = f"'{value}' is not a language; a text has the keys de and en"
            hint = 'inside {...} quote a text that contains a comma: {de: "a, b", en: "..."}'
    elif kind == "string_pattern_mismatch":
        pattern = str(err.get("ctx", {}).get("pattern", ""))
        message = f"'{value}': {_PATTERN_MESSAGES.get(pattern, message)}"
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    elif kind in ("dict_type", "model_type") and isinstance(value, str):
        message = f"expected a mapping here, got the text '{_short(value)}'"
        hint = "a translated text is written {de: '...', en: '...'}"
    elif kind == "list_type":
        message = f"expected a list here, got {_short(repr(value))}"
        hint = "write items on lines starting with '- ' or as [a, b]"
    elif kind == "too_short":
        message = "must not be empty"
    elif kind == "string_type" and isinstance(value, bool | int | float):
        message = f"expected text here, got the {type(value).__name__.replace('bool', 'yes/no value').replace('int', 'number').replace('float', 'number')} {value!r}"
        hint = "put the value in quotes" + (
            ', e.g. postal_code: "04107" (unquoted, a leading 0 is lost)'
            if loc and loc[-1] == "postal_code"
            else ""
        )
    elif kind == "string_type":
        message = f"expected text here, got {_short(repr(value))}"
        hint = (
            "write one value, not a list or a mapping" if isinstance(value, list | dict) else None
        )
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(err.get("ctx", {}).values()), "")
        word = {"greater_than_equal": "at least", "greater_than": "more than",
                "less_than_equal": "at most", "less_than": "less than"}[kind]  # fmt: skip
        message = f"must be {word} {bound}, got {value!r}"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"expected a mapping (key: value lines) here, got {_short(repr(value))}"
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        message = f"expected a whole number, got {_short(repr(value))}"
    elif kind.startswith("date_"):
        message = f"'{value}' is not a date"
        hint = "write dates as YYYY-MM-DD, e.g. 2026-01-31"
    elif kind in ("bool_parsing", "bool_type"):
        message = f"expected true or false, got {_short(repr(value))}"
    if loc and loc[-1] in ("de", "en") and kind == "missing":
        message = f"text has no '{loc[-1]}' version"
    line, column = positions.find(loc)
    return Problem(message, _dotted(loc), path, line, column, hint, item=item)


_BASES = "consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests"
_MISSING: dict[str, tuple[str | None, str]] = {
    "treu": (None, "write 'treu: 1' as the first line"),
    "legal_basis": ("N3", f"every purpose needs its Art. 6(1) basis: one of {_BASES}"),
    "retention": ("N7", "e.g. retention: 12 months after collection, or 'preset:' / 'criteria:'"),
    "provision": ("N12", "say if the data are required: provision: {requirement, consequences}"),
}


# What people write for an Art. 6(1) basis, mapped to the policy's names.
_BASIS_ALIASES = {
    **{f"6{n}{letter}": basis for n in ("1", "") for letter, basis in zip("abcdef", (
        "consent", "contract", "legal_obligation", "vital_interests", "public_task",
        "legitimate_interests"), strict=True)},
    "einwilligung": "consent", "vertrag": "contract", "vertragserfüllung": "contract",
    "rechtlicheverpflichtung": "legal_obligation", "gesetzlichepflicht": "legal_obligation",
    "lebenswichtigeinteressen": "vital_interests", "öffentlicheaufgabe": "public_task",
    "berechtigtesinteresse": "legitimate_interests", "berechtigteinteressen": "legitimate_interests",
    "legitimateinterest": "legitimate_interests",
}  # fmt: skip


def _alias_key(value: Any) -> str:
    text = str(value).lower()
    for noise in (
        "art.",
        "art",
        "article",
        "dsgvo",
        "gdpr",
        "abs.",
        "lit.",
        "(",
        ")",
        " ",
        "_",
        "-",
        ".",
    ):
        text = text.replace(noise, "")
    return text


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _from_issue(issue: Issue, positions: _Positions, path: Path | None) -> Problem:
    line, column = positions.find(issue.path)
    return Problem(
        issue.message,
        _dotted(issue.path),
        path,
        line,
        column,
        issue.hint,
        issue.severity,
        issue.item,
    )
