"""What a run is, and what changed between two designs: the keys that let reruns re-use runs.

A run's numbers are a function of three things only: the fully resolved scenario it simulates
(the base scenario with the command's ``--set``, the horizon and warm-up, the variant's
overrides, the sweep point and a frozen plan's pinned numbers, defaults filled in), the root
seed and the replication index; every random stream derives from (seed, replication, stream
name). So a run is stored under ``(scenario key, seed, replication)``, where the scenario key is
the SHA-256 of the resolved scenario (less its name, description and currency) and the
simulator version. Two designs that share a (variant, sweep point) share its runs, whatever else
changed; a variant that did not change keeps its runs, and replication r of it still meets
replication r of every other design point (common random numbers).

:func:`describe` writes a design down in the few terms a person changes (seed, base scenario,
variants, sweep values, replications, version), and :func:`changes` names the differences
between two such descriptions, as the rerun message says them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from simulator.config.demand import History
from simulator.version import __version__

#: Most values or paths a change names before it says how many more there are.
SHOWN = 4

#: Top-level scenario keys that only label it: no number of a run depends on them.
LABELS = ("name", "description", "currency")

RunKey = tuple[str, int, int]
"""A run's identity: (scenario key, root seed, replication index)."""


def _plain(node: Any) -> Any:
    """A validated scenario as plain data; a demand history by its days, not its path."""
    if isinstance(node, History):
        days = hashlib.sha256(json.dumps(list(node.days)).encode()).hexdigest()
        fields = {k: _plain(getattr(node, k)) for k in type(node).model_fields if k != "file"}
        return {**fields, "days": days}
    if isinstance(node, BaseModel):
        return {k: _plain(getattr(node, k)) for k in type(node).model_fields}
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_plain(v) for v in node]
    return node


def canonical(data: Any) -> str:
    """``data`` as canonical JSON (sorted keys, no spaces): equal data, equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def scenario_key(scenario: BaseModel) -> str:
    """The SHA-256 of a resolved scenario and the simulator version: what a run simulates.

    The scenario's labels (:data:`LABELS`) are left out: renaming a scenario re-uses its runs.
    """
    plain = {k: v for k, v in _plain(scenario).items() if k not in LABELS}
    text = canonical({"scenario": plain, "version": __version__})
    return hashlib.sha256(text.encode()).hexdigest()


def describe(
    seed: int,
    base: Mapping[str, Any],
    variants: Mapping[str, Any],
    points: list[dict[str, Any]],
    replications: int,
    kpis: list[str],
) -> dict[str, Any]:
    """A design in the terms a person edits, stored with the runs to say what changed later."""
    return json.loads(
        canonical(
            {
                "version": __version__,
                "seed": seed,
                "scenario": base,
                "variants": variants,
                "points": points,
                "replications": replications,
                "kpis": kpis,
            }
        )
    )


def _listed(values: list[str]) -> str:
    more = len(values) - SHOWN
    return ", ".join(values[:SHOWN]) + (f" and {more} more" if more > 0 else "")


def _added_removed(added: list[str], removed: list[str]) -> str:
    parts = [f"added {_listed(added)}"] if added else []
    return ", ".join(parts + ([f"removed {_listed(removed)}"] if removed else []))


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values of nested data by dotted path."""
    if isinstance(node, dict) and node:
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    if isinstance(node, list) and node:
        out = {}
        for i, value in enumerate(node):
            item = str(value.get("id", i)) if isinstance(value, dict) else str(i)
            out.update(_flat(value, f"{prefix}{item}."))
        return out
    return {prefix.rstrip("."): node}


def _edits(old: Any, new: Any) -> list[str]:
    """``path: old -> new`` for every leaf that differs (``path: added`` / ``removed``)."""
    a, b = _flat(old), _flat(new)
    out = []
    for path in [*a, *(p for p in b if p not in a)]:
        if path not in b:
            out.append(f"{path}: removed")
        elif path not in a:
            out.append(f"{path}: added {b[path]}")
        elif a[path] != b[path]:
            out.append(f"{path}: {a[path]} -> {b[path]}")
    return out


def _text(value: Any) -> str:
    return canonical(value) if isinstance(value, dict | list) else str(value)


def _sweep(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """Per swept parameter, the values added and removed (or the parameter itself)."""
    old_paths = list(dict.fromkeys(p for point in old for p in point))
    new_paths = list(dict.fromkeys(p for point in new for p in point))
    out = [f"sweep {p}: removed" for p in old_paths if p not in new_paths]
    out += [f"sweep {p}: added" for p in new_paths if p not in old_paths]
    for path in (p for p in new_paths if p in old_paths):
        before = list(dict.fromkeys(_text(point[path]) for point in old))
        after = list(dict.fromkeys(_text(point[path]) for point in new))
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        if added or removed:
            out.append(f"sweep {path}: {_added_removed(added, removed)}")
    if not out and old != new:
        out.append(f"sweep points: {len(old)} -> {len(new)}")
    return out


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What differs between two :func:`describe` results, one short phrase per change."""
    out = []
    for key, name in (("version", "simulator version"), ("seed", "seed")):
        if old.get(key) != new.get(key):
            out.append(f"{name} {old.get(key)} -> {new.get(key)}")
    edits = _edits(old.get("scenario", {}), new.get("scenario", {}))
    if edits:
        out.append("base scenario " + _listed(edits))
    before, after = old.get("variants", {}), new.get("variants", {})
    out += [f"variant {v}: removed" for v in before if v not in after]
    out += [f"variant {v}: added" for v in after if v not in before]
    for v in (v for v in after if v in before and before[v] != after[v]):
        out.append(f"variant {v}: " + _listed(_edits(before[v], after[v])))
    out += _sweep(old.get("points", [{}]), new.get("points", [{}]))
    before, after = old.get("kpis", []), new.get("kpis", [])
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    if added or removed:
        out.append(f"kpis: {_added_removed(added, removed)}")
    if old.get("replications") != new.get("replications"):
        out.append(f"replications {old.get('replications')} -> {new.get('replications')}")
    return out
