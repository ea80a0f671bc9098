"""What a what-if re-plans: resolved policy numbers before and after overrides, and frozen plans.

A policy written as a target (``service_level``, ``fill_rate``, ``eoq: true``) is resolved into
numbers (a reorder point, an order quantity, a safety stock) from the scenario's demand and lead
times. Changing the world with ``--set`` therefore re-plans: a longer lead time raises the reorder
point. Two questions follow, and this module answers both without simulating:

- *what re-planned?* :func:`replanned` resolves the scenario with and without the overrides and
  lists every number that moved, from what to what;
- *what if I do not re-plan?* :func:`frozen_overrides` pins each policy to the numbers it
  resolves to in the base scenario, so that the changed world runs with the old plan
  (``supplysim run --plan frozen``, ``plan: frozen`` on an experiment variant).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from simulator.config.schema import Scenario
from simulator.network import network_rules
from simulator.resolve import resolve_rules

#: How a changed world treats the policies: re-plan them from the changed world (the default) or
#: keep the numbers planned for the base scenario.
Plan = Literal["replan", "frozen"]
PLANS: tuple[str, ...] = ("replan", "frozen")


@dataclass(frozen=True)
class Change:
    """One resolved policy number that a what-if moved."""

    product: str
    name: str
    before: Any
    after: Any


def resolved_numbers(sc: Scenario) -> dict[str, dict[str, Any]]:
    """Each product's resolved policy parameters, as :meth:`~simulator.policies.Rule.describe`.

    In a network, each site's: keyed ``site/product``, as the run's policies table.
    """
    rules = network_rules(sc) if sc.sites else resolve_rules(sc)
    return {key: rule.describe() for key, rule in rules.items()}


def replanned(base: Scenario, changed: Scenario) -> list[Change]:
    """Every resolved policy number that differs between ``base`` and ``changed``.

    Only parameters both plans have are compared: a frozen plan states its reorder point without
    the safety stock it came from, which is no change.
    """
    before, after = resolved_numbers(base), resolved_numbers(changed)
    out = []
    for pid, now in after.items():
        old = before.get(pid, {})
        for name in now:
            if name in old and old[name] != now[name]:
                out.append(Change(pid, name, old.get(name), now.get(name)))
    return out


def _pinned(rule: dict[str, Any], written: dict[str, Any]) -> dict[str, Any] | None:
    """The policy ``written`` with its resolved numbers fixed, or ``None`` if nothing to fix."""
    kind = written.get("type")
    if kind == "reorder_point" and written.get("forecast") is None:
        if written.get("reorder_point") is not None and not written.get("eoq"):
            return None
        out = {"type": kind, "reorder_point": rule["reorder_point"]}
        out["order_quantity"] = rule["order_quantity"]
        if written.get("review_days") is not None:
            out["review_days"] = written["review_days"]
        return out
    if kind in ("reorder_point", "periodic") and written.get("forecast") is not None:
        if written.get("safety_stock") is not None and not written.get("eoq"):
            return None
        out = {k: v for k, v in written.items() if k not in ("service_level", "fill_rate", "eoq")}
        out["safety_stock"] = rule["safety_stock"]
        if kind == "reorder_point":
            out["order_quantity"] = rule["order_quantity"]
        return out
    return None


def frozen_overrides(base: Scenario, touched: Iterable[str] = ()) -> list[tuple[str, Any]]:
    """Overrides that pin every policy to the numbers it resolves to in ``base``.

    A policy whose own settings an override changes (a path under ``warehouse.policies.<id>``, or
    ``sites.<site>.policies.<id>`` in a network, in ``touched``) is left to re-plan: the user
    asked for a new plan there.

    Args:
        base: the scenario the plan was made for.
        touched: the paths the what-if overrides.
    """
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    rules = resolved_numbers(base)
    if base.sites:  # each site's policies, addressed by the site's id
        places = [(f"sites.{s['id']}", f"{s['id']}/", s["policies"]) for s in data["sites"]]
    else:
        places = [("warehouse", "", data["warehouse"]["policies"])]
    out = []
    for where, key, policies in places:
        for pid, policy in policies.items():
            path = f"{where}.policies.{pid}"
            if any(t == path or t.startswith(path + ".") for t in touched):
                continue
            pinned = _pinned(rules[key + pid], policy)
            if pinned is not None:
                out.append((path, pinned))
    return out


def override_paths(overrides: Iterable[str | tuple[str, Any]]) -> list[str]:
    """The dotted paths of ``PATH=VALUE`` strings or ``(path, value)`` pairs."""
    return [(o.partition("=")[0] if isinstance(o, str) else o[0]).strip() for o in overrides]


def changes_text(changes: list[Change], plan: str = "replan") -> str:
    """The ``re-planned:`` block printed by ``supplysim run --set``: one line per number."""
    from simulator.report.numbers import fmt

    if not changes and plan == "frozen":
        return (
            "re-planned: nothing (plan frozen: the policies keep their numbers from before --set)"
        )
    if not changes:
        return "re-planned: nothing (no resolved policy number depends on what was set)"
    lines = ["re-planned (the policies resolved again for the changed scenario):"]
    for c in changes:
        lines.append(f"  {c.product}.{c.name}: {fmt(c.name, c.before)} -> {fmt(c.name, c.after)}")
    return "\n".join(lines)
