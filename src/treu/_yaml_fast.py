"""A fast first parse of a YAML file treu reads (``datamap.yaml``, ``policy.yaml``, shipped
reference data): libyaml through PyYAML, YAML 1.2 scalars.

``yaml_io.loads`` reads a map with ruamel's round-trip parser, which keeps every key's
line for error messages but is pure Python - most of a ``treu dsr`` command's start-up.
A valid map needs no lines, so this parses it first and ``loads`` keeps the result when
it validates; otherwise (any problem) it parses again with ruamel and reports as before.

The tree must be the one ruamel gives, so only what both read alike is accepted here,
and anything else - a scalar ruamel would read as something other than a canonical
``int``, ``float``, ``bool`` or null (``0o17``, ``1_000``, ``.inf``), an explicit tag
(ruamel keeps any explicitly tagged value as such: so does anything that looks like a tag),
a merge key, a duplicate or non-text key, a ``%YAML`` directive - makes ``tree`` return
``None``.  Dates stay text, as ruamel reads them for ``loads``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["tree"]

try:
    from yaml import CSafeLoader as _Base
    from yaml import MappingNode, ScalarNode, YAMLError
except ImportError:  # PyYAML without libyaml: the ruamel parse alone
    _Base = None

_TAG = "tag:yaml.org,2002:"
_TAGGED = re.compile(r"(?:^|[\s\[{,])!")
"""A tag (``!!str 5``, ``!x``); also matches some text that is none (``a !``): ruamel then."""
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_RUAMEL_TYPED = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+
    |<<|=|!|&|\*""",
    re.X,
)
"""Plain scalars ruamel's YAML 1.2 resolver reads as numbers, merge keys or the like
(ruamel's own patterns); those not canonical below go back to ruamel."""


class _Fallback(Exception):
    """Something only ruamel reads exactly as ``loads`` expects."""


def tree(text: str) -> Any:
    """The parsed document as plain dicts, lists and scalars, or ``None`` when ruamel
    must parse it (or PyYAML with libyaml is not installed)."""
    if _Base is None or "%YAML" in text or _TAGGED.search(text):
        return None
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except (_Fallback, YAMLError, ValueError, TypeError, RecursionError):
        return None
    finally:
        loader.dispose()


if _Base is not None:

    class _Loader(_Base):  # type: ignore[misc]  # PyYAML ships no types
        yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class registry
        yaml_constructors: dict[Any, Any] = {}  # noqa: RUF012

        def construct_undefined(self, node: Any) -> Any:
            raise _Fallback

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
            if not isinstance(node, MappingNode):
                raise _Fallback
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key_node.tag == f"{_TAG}merge" or not isinstance(key, str) or key in mapping:
                    raise _Fallback
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    def _scalar(loader: _Loader, node: Any) -> str:
        if not isinstance(node, ScalarNode):
            raise _Fallback
        return str(node.value)

    def _int(loader: _Loader, node: Any) -> int:
        value = _scalar(loader, node)
        if not _INT.fullmatch(value):
            raise _Fallback
        return int(value)

    def _float(loader: _Loader, node: Any) -> float:
        value = _scalar(loader, node)
        if not _FLOAT.fullmatch(value):
            raise _Fallback
        return float(value)

    def _bool(loader: _Loader, node: Any) -> bool:
        value = _scalar(loader, node)
        if value not in _BOOL:
            raise _Fallback
        return _BOOL[value]

    def _null(loader: _Loader, node: Any) -> None:
        if _scalar(loader, node) not in _NULL:
            raise _Fallback

    def _typed(loader: _Loader, node: Any) -> Any:
        raise _Fallback

    for _tag, _construct in {
        "str": _Base.construct_yaml_str,
        "seq": _Base.construct_yaml_seq,
        "map": _Base.construct_yaml_map,
        "int": _int,
        "float": _float,
        "bool": _bool,
        "null": _null,
    }.items():
        _Loader.add_constructor(f"{_TAG}{_tag}", _construct)
    _Loader.add_constructor("tag:treu,ruamel", _typed)
    _Loader.add_constructor(None, _typed)  # any other tag

    def _whole(pattern: str, flags: int = 0) -> re.Pattern[str]:
        return re.compile(rf"(?:{pattern})\Z", flags)

    # First match wins: the canonical forms, then whatever else ruamel would type.
    _Loader.add_implicit_resolver(f"{_TAG}int", _whole(_INT.pattern), list("-+0123456789"))
    _Loader.add_implicit_resolver(f"{_TAG}float", _whole(_FLOAT.pattern), list("-+0123456789"))
    _Loader.add_implicit_resolver(f"{_TAG}bool", _whole("|".join(_BOOL)), list("tTfF"))
    _Loader.add_implicit_resolver(f"{_TAG}null", _whole("~|null|Null|NULL|"), [*"~nN", ""])
    _Loader.add_implicit_resolver(
        "tag:treu,ruamel", _whole(_RUAMEL_TYPED.pattern, re.X), list("-+0123456789.<=!&*")
    )
