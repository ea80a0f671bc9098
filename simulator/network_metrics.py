"""Records to the network's tables: KPIs per site (``by_site``) and the flow on each lane.

A site's service KPIs count every order it received: its customers' and its downstream sites'
replenishment orders (``downstream_orders`` of them). Its inventory KPIs are time averages over
its stocks, its costs what it spent itself (holding, ordering, purchases from suppliers; moves
inside the network cost no purchase). Read by :func:`simulator.metrics.measure`, from the
records and the specs only.
"""

from __future__ import annotations

from typing import Any

from simulator.records import Recorder, lateral_key, ratio
from simulator.specs import ModelSpec, StockSpec
from simulator.tallies import ProductTally


def lateral_moves(rec: Recorder, spec: ModelSpec) -> list[tuple[str, str, str, ProductTally]]:
    """Every lateral route's tally, as ``(sibling, site, product, tally)``."""
    out = []
    for site in spec.sites:
        if site.lateral is not None:
            for sibling in site.lateral.sources:
                for pid in site.lateral.products:
                    tally = rec.products[lateral_key(site.id, pid, sibling)]
                    out.append((sibling, site.id, pid, tally))
    return out


def lateral_shipped(rec: Recorder, spec: ModelSpec) -> dict[str, int]:
    """Units each stock (by key) shipped to sibling sites: not sales."""
    out: dict[str, int] = {}
    for sibling, _, pid, tally in lateral_moves(rec, spec):
        key = f"{sibling}/{pid}"
        out[key] = out.get(key, 0) + tally.shipped_units
    return out


def site_tables(rec: Recorder, spec: ModelSpec) -> dict[str, Any]:
    """``by_site`` (per-site KPIs) and ``lanes`` (units moved per lane) of a network run."""
    span = spec.end - spec.warmup_days
    moves = lateral_moves(rec, spec)
    by_site: dict[str, dict[str, Any]] = {}
    for site in spec.sites:
        stocks = [s for s in spec.stocks if s.site == site.id]
        tallies = [rec.products[s.key] for s in stocks]
        down = [rec.products[f"{s.key}>downstream"] for s in stocks if s.downstream]
        orders = sum(t.orders for t in tallies + down)
        units = sum(t.units for t in tallies + down)
        holding = sum(_holding(rec, s) for s in stocks)
        ordering = sum(t.cost_ordering for t in tallies)
        purchase = sum(t.cost_purchase for t in tallies)
        by_site[site.id] = {
            "kind": site.kind,
            "orders": orders,
            "downstream_orders": sum(t.orders for t in down),
            "fallback_orders": sum(
                rec.products[f"{s.key}>fallback"].orders
                for s in stocks
                if f"{s.key}>fallback" in rec.products
            ),
            "units_demanded": units,
            "fill_rate": ratio(sum(t.filled_units for t in tallies + down), units),
            "order_fill_rate": ratio(sum(t.filled_orders for t in tallies + down), orders),
            "on_hand_mean": sum(rec.levels[s.key].on_hand for s in stocks) / span,
            "backorders_mean": sum(rec.levels[s.key].backorders for s in stocks) / span,
            "on_order_mean": sum(rec.levels[s.key].on_order for s in stocks) / span,
            "units_received": sum(t.units_received for t in tallies),
            "lateral_units_in": sum(t.units_received for _, d, _, t in moves if d == site.id),
            "lateral_units_out": sum(t.shipped_units for o, _, _, t in moves if o == site.id),
            "cost_holding": holding,
            "cost_ordering": ordering,
            "cost_purchase": purchase,
            "cost_total": holding + ordering + purchase,
        }
    return {"by_site": by_site, "lanes": lane_flows(rec, spec, moves)}


def _holding(rec: Recorder, stock: StockSpec) -> float:
    """Holding cost the site bears for one stock (none for consigned stock)."""
    return 0.0 if stock.consigned else rec.levels[stock.key].on_hand * stock.holding_cost


def lane_flows(
    rec: Recorder, spec: ModelSpec, moves: list[tuple[str, str, str, ProductTally]]
) -> list[dict[str, Any]]:
    """Units received over the horizon on each lane (origin to site), in the order of stocks.

    A stock ordering from several suppliers counts what came in over each of their lanes. The
    lateral lanes (sibling to site, marked ``lateral``) come last.
    """
    flows: dict[tuple[str, str], int] = {}
    for stock in spec.stocks:
        if len(stock.suppliers) > 1:  # split or backup sourcing: each lane counted apart
            parts = [(sid, rec.products[f"{stock.key}<{sid}"]) for sid in stock.suppliers]
        else:
            parts = [(stock.primary, rec.products[stock.key])]
        for origin, t in parts:
            key = (origin, stock.site)
            flows[key] = flows.get(key, 0) + t.units_received
    lateral: dict[tuple[str, str], int] = {}
    for origin, dest, pid, t in moves:
        stock = next(s for s in spec.stocks if s.key == f"{dest}/{pid}")
        if len(stock.suppliers) == 1:  # the stock's own receipts count both
            flows[stock.primary, dest] -= t.units_received
        lateral[origin, dest] = lateral.get((origin, dest), 0) + t.units_received
    return [
        {"origin": origin, "destination": dest, "units": units}
        for (origin, dest), units in flows.items()
    ] + [
        {"origin": origin, "destination": dest, "units": units, "lateral": True}
        for (origin, dest), units in lateral.items()
    ]
