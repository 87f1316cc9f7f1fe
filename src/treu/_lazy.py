"""Package names that load their module on first use (PEP 562).

A ``treu`` command pays at process start for every module it imports; a package whose
``__init__`` imported all its modules made ``treu dsr access`` load the policy loader,
fideslang and the ORM it never uses.  Such a package lists where each public name lives
and hands the two module hooks this builds::

    __getattr__, __dir__ = lazy_names(__name__, {"Plan": "plan", "scan": "scan"}, __all__)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

__all__ = ["lazy_names"]


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
