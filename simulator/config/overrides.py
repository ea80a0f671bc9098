"""Dotted-path overrides (``--set PATH=VALUE``, experiment variants) applied to raw scenario data.

A path walks mappings by key and lists of entities by ``id`` (or by index):
``suppliers.acme.lead_time_days.mean=8`` sets the mean lead time of the supplier whose id is
``acme``; ``warehouse.policies.widget.service_level=0.99`` sets a policy parameter. The value is
read as YAML by the same guarded reader as files, so ``8`` and ``1e3`` are numbers, ``true`` a
boolean and ``{dist: exponential, mean: 3}`` a mapping. Overrides are applied before validation,
so a misspelt key is reported like any other.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from simulator.config.errors import ConfigError, Problem
from simulator.config.safe_yaml import parse_yaml


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and read VALUE as YAML; raise ``ValueError`` when malformed."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ValueError(f"expected PATH=VALUE, got {text!r}")
    if any(not part for part in path.split(".")):
        raise ValueError(f"empty part in path {path!r}")
    try:
        value = parse_yaml(raw, "--set", path)
    except ConfigError as exc:
        shown = raw if len(raw) <= 40 else f"{raw[:37]}..."
        problem = exc.problems[0].message.removeprefix("invalid YAML: ")
        raise ValueError(f"cannot read value {shown!r} as YAML: {problem}") from None
    return path, value


def _child(node: Any, part: str, walked: str) -> tuple[Any, Any]:
    """The container key/index for ``part`` inside ``node`` (a dict or a list of entities)."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, Mapping) and str(item.get("id")) == part:
                return i, item
        if part.isdigit() and int(part) < len(node):
            return int(part), node[int(part)]
        ids = [str(item.get("id")) for item in node if isinstance(item, Mapping) and "id" in item]
        known = f"ids: {', '.join(ids)}; " if ids else ""
        index = f"indexes 0 to {len(node) - 1}" if node else "the list is empty"
        raise ValueError(f"{walked or '(top)'} has no item with id {part!r} ({known}{index})")
    if isinstance(node, dict):
        return part, node.get(part)
    raise ValueError(f"{walked} is a {type(node).__name__}, not a mapping or a list")


def set_path(data: dict, path: str, value: Any) -> None:
    """Set ``value`` at dotted ``path`` inside ``data`` (in place), creating missing mappings."""
    parts = path.split(".")
    node: Any = data
    walked = ""
    for part in parts[:-1]:
        key, child = _child(node, part, walked)
        if child is None and isinstance(node, dict):
            child = node[key] = {}
        elif not isinstance(child, dict | list):
            # a scalar (e.g. a constant distribution written as a number) is replaced by a mapping
            child = node[key] = {}
        node = child
        walked = f"{walked}.{part}" if walked else part
    key, _ = _child(node, parts[-1], walked) if isinstance(node, list) else (parts[-1], None)
    node[key] = value


def apply_overrides(data: Any, overrides: Iterable[str | tuple[str, Any]], file: str) -> Any:
    """A deep copy of ``data`` with each override applied in order.

    Args:
        data: raw scenario data (dicts and lists).
        overrides: ``"PATH=VALUE"`` strings or ``(path, value)`` pairs.
        file: the file name for messages.

    Raises:
        ConfigError: naming the override that cannot be applied and why.
    """
    if not isinstance(data, dict):
        return data
    out = copy.deepcopy(data)
    problems = []
    for item in overrides:
        try:
            path, value = parse_assignment(item) if isinstance(item, str) else item
            set_path(out, path, value)
        except ValueError as exc:
            problems.append(Problem(file, f"--set {item}", str(exc)))
    if problems:
        raise ConfigError(problems)
    return out
