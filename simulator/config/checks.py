"""Whole-scenario checks: ids that must exist, shares that sum to 1, what one field cannot see."""

from __future__ import annotations

from simulator.config.network_checks import network_checks
from simulator.config.scenario import Scenario
from simulator.config.sourcing_checks import sourcing_checks
from simulator.config.substitution_checks import substitution_checks


def _duplicates(items: list, section: str) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(
                (f"{section}.{i}.id", f"duplicate id {item.id!r} (also {section}.{seen[item.id]})")
            )
        else:
            seen[item.id] = i
    return problems


def cross_check(sc: Scenario) -> list[tuple[str, str]]:
    """Every problem that needs the whole scenario to see, as ``(field path, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    for section in ("products", "suppliers", "carriers"):
        problems += _duplicates(getattr(sc, section), section)
    problems += _duplicates(sc.customers.segments, "customers.segments")

    products = {p.id for p in sc.products}
    carriers = {c.id for c in sc.carriers}
    supplied = {pid for s in sc.suppliers for pid in s.products}
    suppliers = {s.id: s for s in sc.suppliers}
    unknown_product, _ = _unknown(products, carriers)
    for i, s in enumerate(sc.suppliers):
        for j, pid in enumerate(s.products):
            if pid not in products:
                problems.append((f"suppliers.{i}.products.{j}", unknown_product(pid)))
        for pid in s.unit_costs:
            if pid not in s.products:
                problems.append(
                    (f"suppliers.{i}.unit_costs.{pid}", f"{s.id!r} does not supply {pid!r}")
                )

    wh = sc.warehouse
    if wh is None:
        if not sc.sites:
            problems.append(("warehouse", "required (or sites:, for a network)"))
        problems += network_checks(sc)
    else:
        problems += _warehouse_checks(sc, products, carriers, supplied, suppliers)
    problems += _segment_checks(sc, products, carriers)
    problems += substitution_checks(sc)
    return problems


def _warehouse_checks(
    sc: Scenario, products: set[str], carriers: set[str], supplied: set[str], suppliers: dict
) -> list[tuple[str, str]]:
    """The single warehouse's problems (a scenario without ``sites:``)."""
    problems: list[tuple[str, str]] = []
    wh = sc.warehouse
    unknown_product, unknown_carrier = _unknown(products, carriers)
    if sc.sites:
        problems.append(("sites", "give either warehouse or sites, not both"))
    if sc.lanes:
        problems.append(
            ("lanes", "lanes join the sites of a network: list sites instead of warehouse")
        )
    for i, seg in enumerate(sc.customers.segments):
        if seg.fallback_site is not None:
            problems.append(
                (
                    f"customers.segments.{i}.fallback_site",
                    "a fallback site needs sites: (a network)",
                )
            )
        if seg.site is not None and seg.site != wh.id:
            problems.append(
                (
                    f"customers.segments.{i}.site",
                    f"unknown site {seg.site!r} (the warehouse is {wh.id!r})",
                )
            )
    for pid in wh.initial_stock:
        if pid not in products:
            problems.append((f"warehouse.initial_stock.{pid}", unknown_product(pid)))
    for pid, policy in wh.policies.items():
        path = f"warehouse.policies.{pid}"
        if pid not in products:
            problems.append((path, unknown_product(pid)))
        elif pid not in supplied:
            problems.append((path, f"no supplier supplies {pid!r}, so nothing can replenish it"))
        if getattr(policy, "eoq", False):
            try:  # the supplier the model will use (primary, or largest share when split)
                sup = sc.primary_supplier(pid) if pid in supplied else None
            except StopIteration:
                sup = None  # an unknown supplier in the sourcing rule: reported below
            holding = _holding_cost(sc, pid)
            if sup is not None and sup.order_cost <= 0:
                problems.append((f"{path}.eoq", f"needs an order_cost > 0 at supplier {sup.id!r}"))
            if holding is not None and holding <= 0:
                problems.append((f"{path}.eoq", "needs a holding cost > 0 for this product"))
    for pid, rule in wh.sourcing.items():
        path = f"warehouse.sourcing.{pid}"
        if pid not in products:
            problems.append((path, unknown_product(pid)))
            continue
        first = sc.suppliers_of(pid)[0].id if pid in supplied else None
        problems += sourcing_checks(sc, path, pid, rule, first)
    if wh.expedite is not None and wh.expedite.carrier not in carriers:
        problems.append(("warehouse.expedite.carrier", unknown_carrier(wh.expedite.carrier)))
    if wh.returns is not None and wh.returns.carrier is not None:
        if wh.returns.carrier not in carriers:
            problems.append(("warehouse.returns.carrier", unknown_carrier(wh.returns.carrier)))
    if wh.inbound_carrier is not None and wh.inbound_carrier not in carriers:
        problems.append(("warehouse.inbound_carrier", unknown_carrier(wh.inbound_carrier)))
    for pid, where in _demanded(sc, products).items():
        if pid not in wh.policies:
            problems.append(
                ("warehouse.policies", f"product {pid!r} is ordered by {where} but has no policy")
            )
    return problems


def _unknown(products: set[str], carriers: set[str]):
    """The two messages for an unknown product and an unknown carrier."""

    def unknown_product(pid: str) -> str:
        return f"unknown product {pid!r} (products: {', '.join(sorted(products))})"

    def unknown_carrier(cid: str) -> str:
        known = ", ".join(sorted(carriers)) or "none defined"
        return f"unknown carrier {cid!r} (carriers: {known})"

    return unknown_product, unknown_carrier


def _demanded(sc: Scenario, products: set[str]) -> dict[str, str]:
    """Each known product some segment orders, with the first segment's path."""
    demanded: dict[str, str] = {}
    for i, seg in enumerate(sc.customers.segments):
        for pid in seg.product_mix:
            if pid in products and seg.product_mix[pid] > 0:
                demanded.setdefault(pid, f"customers.segments.{i}")
    return demanded


def _segment_checks(sc: Scenario, products: set[str], carriers: set[str]) -> list[tuple[str, str]]:
    """Each segment's products, shares and carrier."""
    problems: list[tuple[str, str]] = []
    unknown_product, unknown_carrier = _unknown(products, carriers)
    for i, seg in enumerate(sc.customers.segments):
        path = f"customers.segments.{i}"
        for pid in seg.product_mix:
            if pid not in products:
                problems.append((f"{path}.product_mix.{pid}", unknown_product(pid)))
        total = sum(seg.product_mix.values())
        if abs(total - 1.0) > 1e-6:
            problems.append((f"{path}.product_mix", f"shares sum to {total:g}, must sum to 1"))
        if seg.outbound_carrier is not None and seg.outbound_carrier not in carriers:
            problems.append((f"{path}.outbound_carrier", unknown_carrier(seg.outbound_carrier)))
    return problems


def _holding_cost(sc: Scenario, pid: str) -> float | None:
    prod = next((p for p in sc.products if p.id == pid), None)
    if prod is None:
        return None
    if prod.holding_cost_per_unit_day is not None:
        return prod.holding_cost_per_unit_day
    return None if sc.warehouse is None else sc.warehouse.holding_cost_per_unit_day
