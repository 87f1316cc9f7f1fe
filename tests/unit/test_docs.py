"""The docs cannot drift from the code: every policy and data map field and every CLI option
is documented."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel

from treu.cli import app
from treu.datamap import DataMap
from treu.policy.model import Policy

DOCS = Path(__file__).parents[2] / "docs"


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for inner in _inner_types(field.annotation):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                _models(inner, seen)


def _inner_types(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_types(args[0])
    if origin in (typing.Union, types.UnionType, list, dict, tuple):
        return [t for a in args for t in _inner_types(a)]
    return [annotation]


def test_every_policy_field_is_documented() -> None:
    text = (DOCS / "policy.md").read_text(encoding="utf-8")
    models: set[type[BaseModel]] = set()
    _models(Policy, models)
    assert len(models) > 15
    missing = sorted(
        f"{model.__name__}.{name}"
        for model in models
        for name in model.model_fields
        if f"`{name}`" not in text and not re.search(rf"^\s*{name}:", text, re.M)
    )
    assert missing == [], f"document these fields in docs/policy.md: {missing}"


def test_every_datamap_field_is_documented() -> None:
    text = (DOCS / "datamap.md").read_text(encoding="utf-8")
    models: set[type[BaseModel]] = set()
    _models(DataMap, models)
    assert len(models) >= 7
    missing = sorted(
        f"{model.__name__}.{name}"
        for model in models
        for name in model.model_fields
        if f"`{name}`" not in text
    )
    assert missing == [], f"document these fields in docs/datamap.md: {missing}"


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):
            found.update(_commands(command, f"{path} "))
        else:
            found[path] = command
    return found


def test_every_cli_command_and_option_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _commands(typer.main.get_command(app))
    assert "notice diff" in commands and "record" in commands and "keys" in commands
    missing = []
    for path, command in commands.items():
        if f"treu {path}" not in text:
            missing.append(f"treu {path}")
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help" and option not in text:
                    missing.append(f"treu {path} {option}")
    assert missing == [], f"document in docs/cli.md: {missing}"
