"""Generates the scenario key reference (docs/scenario-reference.md) from the schema's docstrings.

Run ``python -m simulator.config.reference > docs/scenario-reference.md``; a test fails when the
committed file and the schema disagree, so the reference cannot drift from the code.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from simulator.config import schema
from simulator.distributions import DIST_NAMES, Constant, _Dist

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Scenario (top level)", schema.Scenario),
    ("products[]", schema.Product),
    ("suppliers[]", schema.Supplier),
    ("suppliers[].disruptions[] with type: scheduled", schema.ScheduledDisruption),
    ("suppliers[].disruptions[] with type: random", schema.RandomDisruption),
    ("carriers[]", schema.Carrier),
    ("warehouse", schema.Warehouse),
    ("warehouse.inspection", schema.Inspection),
    ("warehouse.picking", schema.Picking),
    ("warehouse.policies.PRODUCT with type: base_stock", schema.BaseStockPolicy),
    ("warehouse.policies.PRODUCT with type: reorder_point", schema.ReorderPointPolicy),
    ("warehouse.policies.PRODUCT with type: min_max", schema.MinMaxPolicy),
    ("warehouse.policies.PRODUCT with type: periodic", schema.PeriodicPolicy),
    ("customers", schema.Customers),
    ("customers.segments[]", schema.Segment),
    ("customers.segments[].behaviour", schema.Behaviour),
    ("customers.segments[].behaviour.sensitivity", schema.Sensitivity),
    ("customers.segments[].behaviour.loyalty", schema.Loyalty),
    ("customers.segments[].behaviour.acquisition", schema.Acquisition),
    ("warehouse.returns", schema.Returns),
    ("service_desk", schema.ServiceDesk),
]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner = typing.get_args(annotation)[0]
        if typing.get_origin(inner) in (typing.Union, types.UnionType):
            members = typing.get_args(inner)
            if all(isinstance(m, type) and issubclass(m, _Dist) for m in members):
                return "DIST"
        return _type_name(inner)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        if all(isinstance(m, type) and issubclass(m, _Dist) for m in members):
            return "DIST"
        return " or ".join(_type_name(a) for a in members)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin is list:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if origin is dict:
        k, v = typing.get_args(annotation)
        return f"mapping {_type_name(k)} to {_type_name(v)}"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation.__name__
        return {"str": "text", "float": "number", "int": "integer", "bool": "true/false"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()
        return "`[]`" if value == [] else "`{}`" if value == {} else f"`{value}`"
    value = field.default
    if value is PydanticUndefined:
        return ""
    if isinstance(value, Constant):
        value = value.value
    if value == "":
        return '`""`'
    return "none" if value is None else f"`{value}`"


def _constraints(field: Any) -> str:
    out = []
    for item in field.metadata:
        for attr, sign in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
            bound = getattr(item, attr, None)
            if bound is not None:
                out.append(f"{sign} {bound:g}")
    return ", ".join(out)


def render() -> str:
    """The whole reference as Markdown."""
    lines = [
        "# Scenario file reference",
        "",
        "Generated from the schema (`python -m simulator.config.reference`): every key a scenario",
        "file may contain, its type, its default and what it means. Unknown keys are errors. Times",
        "are in days unless the name says otherwise.",
        "",
        "A **DIST** is a number (a constant) or a mapping with `dist:` and its parameters: "
        + ", ".join(f"`{n}`" for n in DIST_NAMES)
        + " (see [distributions](model.md#distributions)).",
        "",
    ]
    for title, model in SECTIONS:
        doc = (model.__doc__ or "").strip().splitlines()[0]
        lines += [
            f"## {title}",
            "",
            doc,
            "",
            "| key | type | default | meaning |",
            "|---|---|---|---|",
        ]
        for name, field in model.model_fields.items():
            key = field.alias or name
            kind = _type_name(field.annotation if not field.metadata else field.annotation)
            bounds = _constraints(field)
            if bounds:
                kind = f"{kind} ({bounds})"
            text = " ".join((field.description or "").split()).replace("|", "\\|")
            if name == "type" and not text:
                text = "Selects this kind."
            lines.append(f"| `{key}` | {kind} | {_default(field)} | {text} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
