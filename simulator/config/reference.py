"""Generates the file reference (docs/scenario-reference.md) by walking the config models.

Every model reachable from :class:`~simulator.config.scenario.Scenario` (through lists, mappings,
optional values, unions and discriminated unions) gets a section with its keys, their types,
defaults, bounds and attribute docstrings; the distributions a ``DIST`` can be get their own
group, and so do the experiment file's models. Nothing is listed by hand, so a new model cannot
be left out. Regenerate from the repository root with ``python -m simulator.config.reference
--write`` (without ``--write`` the text goes to stdout); a test fails when the committed file and
the models disagree.
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from simulator.config.experiment_schema import Experiment
from simulator.config.limits import MAX_MAGNITUDE, MIN_MAGNITUDE, MIN_PERIOD_DAYS, number_text
from simulator.config.scenario import Scenario
from simulator.distributions import DIST_NAMES, Constant, _Dist

#: Where the reference is committed, relative to the repository root.
TARGET = Path("docs/scenario-reference.md")

#: What the keys of a mapping of models stand for, by field name (default ``KEY``).
KEY_NAMES = {"policies": "PRODUCT", "sourcing": "PRODUCT"}

#: The path under which every distribution model is documented, wherever a ``DIST`` is used.
DIST = "DIST"

_TYPE_WORDS = {"str": "text", "float": "number", "int": "integer", "bool": "true/false"}


@dataclass
class Section:
    """One model and every place in the file where it can be written."""

    model: type[BaseModel]
    places: list[str] = field(default_factory=list)
    """Key paths such as ``suppliers[].production`` (with ``with type: x`` for union members)."""

    @property
    def is_dist(self) -> bool:
        """Whether this is one of the distributions a ``DIST`` can be."""
        return _path(self.places[0]) == DIST


def _path(place: str) -> str:
    """The key path of a place, without its ``with type: x``."""
    return place.partition(" with ")[0]


# --- walking the model graph ------------------------------------------------------------------


def _is_dist_union(members: Sequence[Any]) -> bool:
    return all(isinstance(m, type) and issubclass(m, _Dist) for m in members)


def _discriminator(metadata: Sequence[Any]) -> str | None:
    for item in metadata:
        if isinstance(item, FieldInfo) and isinstance(item.discriminator, str):
            return item.discriminator
    return None


def _held(annotation: Any, path: str, tag: str | None) -> Iterator[tuple[type[BaseModel], str]]:
    """Every model a value of ``annotation`` at ``path`` can hold, with the place it is written.

    Args:
        annotation: the type of a field (or part of it).
        path: the key path of the value.
        tag: the discriminator key of the enclosing union, if any (``type``, ``dist``).
    """
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        yield from _held(args[0], path, _discriminator(args[1:]) or tag)
    elif origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if _is_dist_union(members):
            path, tag = DIST, "dist"
        for member in members:
            yield from _held(member, path, tag if len(members) > 1 else None)
    elif origin is list:
        yield from _held(args[0], f"{path}[]", None)
    elif origin is dict:
        key = KEY_NAMES.get(path.rsplit(".", 1)[-1], "KEY")
        yield from _held(args[1], f"{path}.{key}", None)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if tag is None:
            yield annotation, path
        else:
            value = typing.get_args(annotation.model_fields[tag].annotation)[0]
            yield annotation, f"{path} with {tag}: {value}"


def walk(root: type[BaseModel]) -> list[Section]:
    """Every model reachable from ``root``, in the order a reader meets them (depth first)."""
    found: dict[type[BaseModel], Section] = {}

    def visit(model: type[BaseModel], place: str, stack: tuple[type, ...]) -> None:
        section = found.setdefault(model, Section(model))
        if place not in section.places:
            section.places.append(place)
        if model in stack:
            return
        base = "" if _path(place) == DIST else _path(place)
        for name, info in model.model_fields.items():
            key = info.alias or name
            path = f"{base}.{key}" if base else key
            for child, child_place in _held(info.annotation, path, _discriminator(info.metadata)):
                visit(child, child_place, (*stack, model))

    visit(root, "", ())
    return list(found.values())


# --- rendering --------------------------------------------------------------------------------


def _type_name(annotation: Any) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return DIST if _is_dist_union(args) else " or ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is tuple:
        return "[" + ", ".join(_type_name(a) for a in args) + "]"
    if origin is dict:
        return f"mapping {_type_name(args[0])} to {_type_name(args[1])}"
    if annotation is type(None):
        return "null"
    if annotation is Any:
        return "any value"
    if isinstance(annotation, type):
        return _TYPE_WORDS.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _flow(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000).strip()


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if value is PydanticUndefined:
        return ""
    if isinstance(value, Constant):
        value = value.value
    if isinstance(value, BaseModel):
        changed = value.model_dump(exclude_defaults=True, by_alias=True)
        return f"`{_flow(changed)}`" if changed else "each key's default"
    if value is None:
        return "none"
    if value == "":
        return '`""`'
    return f"`{_flow(value) if isinstance(value, list | dict) else value}`"


def _constraints(info: FieldInfo) -> str:
    out = []
    for item in info.metadata:
        for attr, sign in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
            bound = getattr(item, attr, None)
            if bound is not None:
                out.append(f"{sign} {bound:g}")
    return ", ".join(out)


def _place(place: str) -> str:
    path, _, tag = place.partition(" with ")
    text = f"`{path}`" if path else "(top level)"
    return f"{text} with `{tag}`" if tag else text


def _section(section: Section) -> list[str]:
    model = section.model
    first, *others = section.places
    title = first if first else "(top level)"
    lines = [f"### {title} ({model.__name__})", "", inspect.cleandoc(model.__doc__ or ""), ""]
    if others:
        lines += ["Also at " + ", ".join(_place(p) for p in others) + ".", ""]
    lines += ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        kind = _type_name(info.annotation)
        bounds = _constraints(info)
        if bounds:
            kind = f"{kind} ({bounds})"
        text = " ".join((info.description or "").split()).replace("|", "\\|")
        if not text and typing.get_origin(info.annotation) is typing.Literal:
            text = "Selects this kind."
        lines.append(f"| `{info.alias or name}` | {kind} | {_default(info)} | {text} |")
    return [*lines, ""]


INTRO = f"""\
# Scenario file reference

Generated from the models (`python -m simulator.config.reference --write`): every key a scenario
or experiment file may contain, its type, its default and what it means. Unknown keys are errors.
Times are in days unless the name says otherwise. A section's title is the key path where the
mapping is written (`[]`: each item of a list; `PRODUCT`: each product id of a mapping), then the
model's name, which the type column uses. Every number must also be finite and 0 or between
{number_text(MIN_MAGNITUDE)} and {number_text(MAX_MAGNITUDE)} in size, and every period at least
{number_text(MIN_PERIOD_DAYS)} days: see [the limits](limits.md).

A **DIST** is a number (a constant) or a mapping with `dist:` and its parameters:
{", ".join(f"`{n}`" for n in DIST_NAMES)}; each is described [below](#distributions-dist), and
how they are drawn in [the model](model.md#distributions).
"""


def render() -> str:
    """The whole reference as Markdown."""
    scenario = walk(Scenario)
    lines = [INTRO, "## Scenario file", ""]
    for section in scenario:
        if not section.is_dist:
            lines += _section(section)
    lines += ["## Distributions (DIST)", ""]
    for section in scenario:
        if section.is_dist:
            lines += _section(section)
    lines += [
        "## Experiment file",
        "",
        "An experiment file (see [experiments](experiments.md)) names a base scenario and the",
        "variants, sweep and replications to run on it.",
        "",
    ]
    for section in walk(Experiment):
        lines += _section(section)
    return "\n".join(lines)


def emit(text: str, target: Path, argv: Sequence[str] | None = None) -> int:
    """Print ``text``, or with ``--write`` in ``argv`` write it to ``target``; an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--write"]:
        target.write_text(text)
        print(f"wrote {target}")
        return 0
    if args:
        print("usage: python -m MODULE [--write]", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference, or write it to :data:`TARGET` with ``--write``."""
    return emit(render(), TARGET, argv)


if __name__ == "__main__":
    raise SystemExit(main())
