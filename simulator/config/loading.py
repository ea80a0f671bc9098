"""Reading scenario files: safe YAML in, a validated Scenario out, or every problem with its path.

Problems are reported as ``FILE: path.to.field: message`` (lists by index, mappings by key), all at
once. Files are read by the guarded reader of :mod:`simulator.config.safe_yaml`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from simulator.config.errors import ConfigError, Problem
from simulator.config.overrides import apply_overrides
from simulator.config.safe_yaml import read_yaml
from simulator.config.schema import ID_PATTERN, Model, Scenario, cross_check
from simulator.distributions import Dist

# --- validation errors --------------------------------------------------------------------------


def _error_path(loc: Iterable[Any], data: Any) -> str:
    """Dotted path of a pydantic error location, leaving out what the user did not write.

    A discriminated union puts the chosen tag (``normal``, ``base_stock``) in the location, and a
    plain number standing for a constant distribution gains ``constant.value``; neither is a key
    in the user's file, so the input data is walked alongside to tell them apart.
    """
    parts: list[str] = []
    node = data
    tagged: set[int] = set()
    for item in loc:
        if (
            isinstance(node, dict)
            and id(node) not in tagged
            and item in (node.get("dist"), node.get("type"))
        ):
            tagged.add(id(node))  # the union's tag (checked first: a tag can also be a key,
            continue  # as in {type: reorder_point, reorder_point: 8})
        if item == "[key]":
            continue  # a mapping's key is the problem: the path already ends with it
        if isinstance(node, dict) and item in node:
            node = node[item]
        elif isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
            node = node[item]
        elif isinstance(node, int | float) and not isinstance(node, bool) and item == "constant":
            break  # a plain number standing for a constant: the number itself is the problem
        elif isinstance(item, str) and item.startswith("function-"):
            continue
        else:
            node = None
        parts.append(str(item))
    return ".".join(parts) or "(document)"


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required field is missing",
}

#: Names of the scenario fields that hold a distribution (a number or a mapping with ``dist:``).
_DIST_FIELDS = frozenset(
    name
    for model in Model.__subclasses__()
    for name, field in model.model_fields.items()
    if any(meta in get_args(Dist) for meta in field.metadata)
)


def _describe(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    loc = err.get("loc") or ()
    if kind in ("model_type", "model_attributes_type"):
        dist_field = bool(loc) and loc[-1] in _DIST_FIELDS and loc[-2:-1] != ("policies",)
        if kind == "model_attributes_type" and dist_field:
            return (
                "expected a number or a mapping with 'dist:' and its parameters, "
                f"got {_describe(err.get('input'))}"
            )
        return f"expected a mapping of keys, got {_describe(err.get('input'))}"
    ctx = err.get("ctx") or {}
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        return (
            f"{err.get('input')!r} is not a valid id: use only letters, digits, '_' and '-' "
            "(no spaces or dots)"
        )
    if kind == "union_tag_invalid":
        return (
            f"unknown {ctx.get('discriminator', 'type').strip(chr(39))} {ctx.get('tag')!r}; "
            f"expected one of: {ctx.get('expected_tags')}"
        )
    if kind == "union_tag_not_found":
        return f"needs a {ctx.get('discriminator', 'type').strip(chr(39))!r} key"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg[:1].lower() + msg[1:]


def validation_problems(file: str, exc: ValidationError, data: Any) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into problems with user-facing paths."""
    out = []
    for err in exc.errors(include_url=False):
        message = _message(err)
        if "[key]" in err["loc"]:
            message = f"invalid key: {message}"
        out.append(Problem(file, _error_path(err["loc"], data), message))
    return out


def validate_model(model: type[BaseModel], data: Any, file: str) -> BaseModel:
    """Validate ``data`` as ``model``, raising :class:`ConfigError` with every problem.

    ``file`` is also the validation context: files a scenario names (a demand history) are found
    relative to it.
    """
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise ConfigError([Problem(file, "(document)", f"expected a mapping of keys, got {kind}")])
    try:
        return model.model_validate(data, context={"file": file})
    except ValidationError as exc:
        raise ConfigError(validation_problems(file, exc, data)) from None


# --- scenarios ----------------------------------------------------------------------------------


def parse_scenario(data: Any, file: str = "<scenario>", overrides: Sequence[str] = ()) -> Scenario:
    """Validate a scenario given as plain data (a dict as YAML would give it).

    Args:
        data: the scenario as nested dicts and lists.
        file: the name to use in messages.
        overrides: ``PATH=VALUE`` strings applied before validation (see ``--set``).

    Raises:
        ConfigError: with every problem found.
    """
    if overrides:
        data = apply_overrides(data, overrides, file)
    scenario = validate_model(Scenario, data, file)
    problems = [Problem(file, path, msg) for path, msg in cross_check(scenario)]
    if problems:
        raise ConfigError(problems)
    return scenario


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, override and validate a scenario file.

    Args:
        path: the YAML file.
        overrides: ``PATH=VALUE`` strings, e.g. ``suppliers.acme.lead_time_days.mean=8``.

    Raises:
        ConfigError: with every problem found, each naming the file and the field path.
    """
    return parse_scenario(read_yaml(path), str(path), overrides)
