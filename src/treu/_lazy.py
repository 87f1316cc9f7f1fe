"""Package names that load their module on first use (PEP 562).

A ``treu`` command pays at process start for every module it imports; a package whose
``__init__`` imported all its modules made ``treu dsr access`` load the policy loader,
fideslang and the ORM it never uses.  Such a package lists where each public name lives
and hands the two module hooks this builds::

    __getattr__, __dir__ = lazy_names(__name__, {"Plan": "plan", "scan": "scan"}, __all__)

A package whose public name is also one of its modules (``treu.datamap.plan`` the
function and the module) calls ``keep_names``: importing the module then does not bind
it over the name, which ``__getattr__`` keeps handing out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from importlib import import_module
from types import ModuleType
from typing import Any

__all__ = ["keep_names", "lazy_names"]


def lazy_names(
    package: str, homes: Mapping[str, str], public: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` importing ``package.<home>`` for a name of ``homes`` (and keeping
    the value in the package), and ``__dir__`` listing the public names."""

    def attribute(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def names() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(public))

    return attribute, names


def keep_names(package: str, names: Collection[str]) -> None:
    """Importing a submodule of ``package`` called like one of ``names`` leaves the name
    to ``__getattr__`` instead of binding the module over it."""
    kept = frozenset(names)

    class _Package(ModuleType):
        def __setattr__(self, name: str, value: object) -> None:
            if name in kept and isinstance(value, ModuleType):
                return
            super().__setattr__(name, value)

    sys.modules[package].__class__ = _Package
