"""Reading scenario files: safe YAML in, a validated Scenario out, or every problem with its path.

Problems are reported as ``FILE: path.to.field: message`` (lists by index, mappings by key), all at
once. Files are read by the guarded reader of :mod:`simulator.config.safe_yaml`.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from simulator.config.errors import ConfigError, Problem
from simulator.config.overrides import apply_overrides, parse_assignment
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


def validate_checked(
    model: type[BaseModel],
    data: Any,
    file: str,
    checks: Callable[[Any], Iterable[tuple[str, str]]],
) -> Any:
    """:func:`validate_model`, then the model's cross-field ``checks`` (``(path, message)`` pairs).

    Raises:
        ConfigError: every problem, field errors first, each with its field path.
    """
    valid = validate_model(model, data, file)
    problems = [Problem(file, path, message) for path, message in checks(valid)]
    if problems:
        raise ConfigError(problems)
    return valid


# --- scenarios ----------------------------------------------------------------------------------


def parse_scenario(data: Any, file: str = "<scenario>", overrides: Sequence[str] = ()) -> Scenario:
    """Validate a scenario given as plain data (a dict as YAML would give it).

    Field problems and whole-scenario (cross-field) problems are reported together: the
    cross-field checks run on a partly validated scenario (when every id is valid: the checks
    compare ids), and only their problems that do not touch a field already reported are kept.

    Args:
        data: the scenario as nested dicts and lists.
        file: the name to use in messages.
        overrides: ``PATH=VALUE`` strings applied before validation (see ``--set``).

    Raises:
        ConfigError: with every problem found.
    """
    if isinstance(data, dict) and "variants" in data:
        message = (
            "this is an experiment file, not a scenario (it has variants:); "
            "run it with supplysim experiment"
        )
        raise ConfigError([Problem(file, "(document)", message)])
    raw = data
    if overrides:
        data = apply_overrides(data, overrides, file)
    try:
        scenario = validate_model(Scenario, data, file)
    except ConfigError as exc:
        fields = exc.problems
        ids_valid = not any(_names_entities(f) for f in fields)
        cross = _cross_problems(_partial(Scenario, data, file), file) if ids_valid else []
        problems = fields + [c for c in cross if not any(_overlap(c.path, f.path) for f in fields)]
        raise ConfigError(_name_new_keys(problems, raw, overrides, file)) from None
    problems = [Problem(file, path, msg) for path, msg in cross_check(scenario)]
    if problems:
        raise ConfigError(_name_new_keys(problems, raw, overrides, file))
    return scenario


#: Lists of the entities that cross-field checks look ids up in.
_ENTITY_LISTS = frozenset(
    ("products", "suppliers", "carriers", "sites", "lanes", "warehouse", "customers")
) | {"customers.segments"}


def _names_entities(problem: Problem) -> bool:
    """Whether a field problem is in the ids or entity lists the cross-field checks compare."""
    path = problem.path
    return path.endswith(".id") or path in _ENTITY_LISTS or "invalid key" in problem.message


def _cross_problems(partial: Any, file: str) -> list[Problem]:
    """The cross-field problems of a partly validated scenario (none if the checks cannot run)."""
    if not isinstance(partial, Scenario):
        return []
    try:
        return [Problem(file, path, msg) for path, msg in cross_check(partial)]
    except Exception:  # noqa: BLE001 - a check needs a field that is missing or invalid
        return []  # (a raw value where a model was expected): its field error says so


def _overlap(path: str, other: str) -> bool:
    """Whether one dotted path lies inside the other (a problem already reported there)."""
    a, b = path.split("."), other.split(".")
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _partial(model: type[BaseModel], data: Any, file: str) -> Any:
    """``data`` as ``model`` with every valid part validated and invalid parts left as written.

    What validates is validated; a mapping that does not is built field by field
    (``model_construct``), recursing into models, lists and mappings of models. The result is
    only read by the cross-field checks, which then see every field they need that is valid.
    """
    try:
        return model.model_validate(data, context={"file": file})
    except ValidationError:
        pass
    if not isinstance(data, dict):
        return data
    values = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in data:
            values[name] = _partial_value(field.annotation, data[key], file)
    return model.model_construct(**values)


def _partial_value(annotation: Any, value: Any, file: str) -> Any:
    """:func:`_partial` for a value of type ``annotation``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _partial_value(get_args(annotation)[0], value, file)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _partial(annotation, value, file)
    if origin is list and isinstance(value, list):
        (item,) = get_args(annotation)
        return [_partial_value(item, v, file) for v in value]
    if origin is dict and isinstance(value, dict):
        _, item = get_args(annotation)
        return {k: _partial_value(item, v, file) for k, v in value.items()}
    if origin in (Union, types.UnionType) and value is not None:
        models = [a for a in get_args(annotation) if isinstance(a, type)]
        if len([m for m in models if issubclass(m, BaseModel)]) == 1:
            model = next(m for m in models if issubclass(m, BaseModel))
            return _partial(model, value, file)
    return value


def _name_new_keys(
    problems: list[Problem], data: Any, overrides: Sequence[str], file: str
) -> list[Problem]:
    """Problems under a key an override added beside similar ones, said as the likely typo.

    ``--set warehouse.policies.widgit.service_level=0.9`` adds a policy ``widgit`` that has no
    ``type``; the user meant ``widget``. The problems under the new key become one line naming
    it with the closest existing key.
    """
    out = list(problems)
    for text in overrides:
        found = _new_key(data, text)
        if found is None:
            continue
        where, indexed, key, close = found
        inside = [p for p in out if _overlap(p.path, indexed) and len(p.path) >= len(indexed)]
        if inside and any(p.message != "unknown key" for p in inside):
            message = f"{where} has no {key!r} (did you mean {close!r}?)"
            first = out.index(inside[0])
            out = [p for p in out if p not in inside]
            out.insert(first, Problem(file, f"--set {text}", message))
    return out


def _new_key(data: Any, text: str) -> tuple[str, str, str, str] | None:
    """Where an override adds a key close to an existing one: (path, indexed path, key, match)."""
    try:
        path, _ = parse_assignment(text)
    except ValueError:
        return None
    node, walked, indexed = data, [], []
    for part in path.split("."):
        if isinstance(node, list):
            index = next(
                (
                    i
                    for i, it in enumerate(node)
                    if isinstance(it, dict) and str(it.get("id")) == part
                ),
                None,
            )
            if index is None:
                return None
            node = node[index]
            indexed.append(str(index))
        elif isinstance(node, dict):
            if part not in node:
                keys = [str(k) for k in node]
                close = difflib.get_close_matches(part, keys, n=1)
                if not close:
                    return None
                return ".".join(walked) or "(top)", ".".join([*indexed, part]), part, close[0]
            node = node[part]
            indexed.append(part)
        else:
            return None
        walked.append(part)
    return None


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, override and validate a scenario file.

    Args:
        path: the YAML file.
        overrides: ``PATH=VALUE`` strings, e.g. ``suppliers.acme.lead_time_days.mean=8``.

    Raises:
        ConfigError: with every problem found, each naming the file and the field path.
    """
    return parse_scenario(read_yaml(path), str(path), overrides)
