"""Substitutes checked against the whole scenario: known, not the product itself, stocked."""

from __future__ import annotations

from simulator.config.scenario import Scenario


def stocked(sc: Scenario) -> set[str]:
    """Products some stocking point holds: a policy at the warehouse or at any site."""
    if sc.warehouse is not None:
        return set(sc.warehouse.policies)
    return {pid for site in sc.sites for pid in site.policies}


def substitution_checks(sc: Scenario) -> list[tuple[str, str]]:
    """Substitutes that are unknown, the product itself, listed twice, or stocked nowhere."""
    problems: list[tuple[str, str]] = []
    products = {p.id for p in sc.products}
    held = stocked(sc)
    for i, product in enumerate(sc.products):
        seen: set[str] = set()
        for j, sub in enumerate(product.substitutes):
            path = f"products.{i}.substitutes.{j}.product"
            if sub.product not in products:
                known = ", ".join(sorted(products))
                problems.append((path, f"unknown product {sub.product!r} (products: {known})"))
            elif sub.product == product.id:
                problems.append((path, f"{product.id!r} cannot substitute itself"))
            elif sub.product in seen:
                problems.append((path, f"{sub.product!r} is listed twice"))
            elif sub.product not in held:
                where = "the warehouse" if sc.warehouse is not None else "any site"
                problems.append((path, f"{sub.product!r} has no policy at {where}: never on hand"))
            seen.add(sub.product)
    return problems
