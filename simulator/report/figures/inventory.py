"""A run's stock and flows from its event trace: the inventory story and the bullwhip picture.

Trace rows are tuples in the trace's column order (``RunResult.trace``, or the rows of
``trace.csv`` read by :func:`simulator.report.folders.load_trace`). The plotted numbers are the
recorded ones: the on-hand line is the trace's ``on_hand`` column; only a series longer than
``max_points`` is thinned (:func:`simulator.report.figures.common.thin`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from simulator.report import numbers
from simulator.report.figures.common import (
    COLOURS,
    MAX_POINTS,
    count,
    new_figure,
    num,
    shade_warmup,
    thin,
)

#: Trace columns, in the recorder's order; ``REPLACEMENT`` is absent from older traces.
TIME, EVENT, ORDER, PRODUCT, UNITS, ON_HAND, BACKORDERS, DETAIL, REPLACEMENT = range(9)


@dataclass
class InventorySeries:
    """A product's stock over time, as recorded in the trace (one entry per stock-level row).

    ``position`` is derived: on hand + on order - backorders, where on order is the units of
    purchase orders placed (``po_placed``) less the units received (``po_received``) so far. A
    rejected part of a delivery is ordered again at once, so it stays on order.
    """

    time: np.ndarray
    on_hand: np.ndarray
    backorders: np.ndarray
    position: np.ndarray
    arrivals_time: np.ndarray
    """Times of purchase-order receipts."""
    arrivals_units: np.ndarray
    """Units accepted at each receipt."""
    arrivals_on_hand: np.ndarray
    """On hand just after each receipt (where the marker is drawn)."""
    placed_time: np.ndarray
    """Times of purchase orders placed."""
    placed_units: np.ndarray
    """Units of each purchase order placed."""


def rows_by_product(trace: Iterable[Any], products: Iterable[str]) -> dict[str, list]:
    """The trace rows of each of ``products``, in one pass over the trace."""
    rows_of: dict[str, list] = {pid: [] for pid in products}
    for row in trace:
        mine = rows_of.get(row[3])
        if mine is not None:
            mine.append(row)
    return rows_of


def inventory_series(trace: Iterable[Any], product: str) -> InventorySeries:
    """The stock-level rows of ``product`` in a trace, with the inventory position derived."""
    t, oh, bo, pos = [], [], [], []
    at, au, ao, pt, pu = [], [], [], [], []
    on_order = 0
    for row in trace:
        if row[PRODUCT] != product:
            continue
        event = row[EVENT]
        time = float(row[TIME])
        if event == "po_placed":
            units = count(row[UNITS]) or 0
            on_order += units
            pt.append(time)
            pu.append(units)
        elif event == "po_received":
            units = count(row[UNITS]) or 0
            on_order -= units
        on_hand = count(row[ON_HAND])
        if on_hand is None:
            continue
        backorders = count(row[BACKORDERS]) or 0
        t.append(time)
        oh.append(on_hand)
        bo.append(backorders)
        pos.append(on_hand + on_order - backorders)
        if event == "po_received":
            at.append(time)
            au.append(count(row[UNITS]) or 0)
            ao.append(on_hand)
    arr = np.asarray
    return InventorySeries(
        arr(t, dtype=float),
        arr(oh, dtype=float),
        arr(bo, dtype=float),
        arr(pos, dtype=float),
        arr(at, dtype=float),
        arr(au, dtype=float),
        arr(ao, dtype=float),
        arr(pt, dtype=float),
        arr(pu, dtype=float),
    )


def policy_levels(policy: Mapping[str, Any] | None) -> list[tuple[str, float]]:
    """The policy's stock levels that are fixed numbers, as ``(label, units)``.

    A reorder point, its ``r + Q`` and safety stock; min and max; an order-up-to level.
    Levels that move with a forecast, and VMI's days of supply, are not fixed numbers of units
    and are left out.
    """
    if not policy:
        return []
    kind = policy.get("type")
    out: list[tuple[str, float]] = []

    def number(key: str) -> float | None:
        value = policy.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    if kind == "reorder_point":
        r, q = number("reorder_point"), number("order_quantity")
        if r is not None:
            out.append(("reorder point r", r))
            if q is not None:
                out.append(("r + Q", r + q))
    elif kind == "min_max":
        for key, label in (("min", "min s"), ("max", "max S")):
            if number(key) is not None:
                out.append((label, number(key)))
    elif kind in ("base_stock", "periodic"):
        for key in ("level", "order_up_to"):
            if number(key) is not None:
                out.append(("order-up-to S", number(key)))
    if kind in ("reorder_point", "periodic") and number("safety_stock") is not None:
        out.append(("safety stock", number("safety_stock")))
    return out


def inventory_figure(
    trace: Iterable[Any],
    document: Mapping[str, Any],
    product: str,
    *,
    max_points: int = MAX_POINTS,
) -> Figure:
    """The inventory story of one product: stock, position, backorders, levels and arrivals.

    Top panel: units on hand and the inventory position (step lines, as recorded at every
    stock-level event of the trace), the policy's fixed levels (dashed horizontal lines, see
    :func:`policy_levels`) and the purchase-order arrivals (triangles at the stock just after
    each receipt). Bottom panel: units backordered. The warm-up is shaded.

    Args:
        trace: trace rows of the run (``RunResult.trace`` or the rows of ``trace.csv``).
        document: the run's result document (for the policy, warm-up and KPIs).
        product: the product id.
        max_points: longer series are thinned (see :func:`thin`).
    """
    s = inventory_series(trace, product)
    if not len(s.time):
        raise ValueError(f"the trace records no stock levels of product {product!r}")
    policy = (document.get("policies") or {}).get(product)
    warmup = num(document.get("warmup_days"))
    fig = new_figure(10, 6)
    ax, bx = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.2])
    shade_warmup(ax, warmup)
    shade_warmup(bx, warmup, label=False)
    ax.step(
        *thin(s.time, s.position, max_points),
        where="post",
        color=COLOURS["position"],
        lw=0.9,
        alpha=0.85,
        label="inventory position",
    )
    ax.step(
        *thin(s.time, s.on_hand, max_points),
        where="post",
        color=COLOURS["on_hand"],
        lw=1.2,
        label="on hand",
    )
    styles = ["--", "-.", ":", (0, (5, 2, 1, 2))]
    for i, (label, value) in enumerate(policy_levels(policy)):
        ax.axhline(
            value,
            color=COLOURS["level"],
            ls=styles[i % len(styles)],
            lw=1.1,
            label=f"{label} = {value:,.0f}",
        )
    if len(s.arrivals_time):
        ax.plot(
            s.arrivals_time,
            s.arrivals_on_hand,
            ls="none",
            marker="^",
            ms=5,
            color=COLOURS["arrival"],
            label="purchase order received",
        )
    ax.set_ylabel("units")
    kind = (policy or {}).get("type", "no policy")
    row = (document.get("by_product") or {}).get(product) or {}
    extra = []
    for name, words in (("fill_rate", "fill rate"), ("on_hand_mean", "mean on hand")):
        if num(row.get(name)) is not None:
            extra.append(f"{words} {numbers.fmt(name, row[name])}")
    ax.set_title(f"Inventory of {product} ({kind})" + (": " + ", ".join(extra) if extra else ""))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    ax.set_ylim(bottom=min(0.0, float(s.position.min()), float(s.on_hand.min())))
    ax.grid(alpha=0.3)

    bt, by = thin(s.time, s.backorders, max_points)
    bx.step(bt, by, where="post", color=COLOURS["backorders"], lw=1.0, label="backorders")
    bx.fill_between(bt, by, step="post", color=COLOURS["backorders"], alpha=0.25, lw=0)
    bx.set_ylabel("backordered")
    bx.set_xlabel("time (days)")
    bx.set_ylim(bottom=0)
    bx.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    bx.grid(alpha=0.3)
    ax.set_xlim(0, float(s.time[-1]))
    return fig


# --- a run: demand and orders (bullwhip) --------------------------------------------------------


def is_replacement(row: tuple) -> bool:
    """Whether a trace row is a replacement of returned goods rather than customer demand.

    Read from the trace's ``replacement`` column. A trace without that column (written by an
    older supplysim, or kept in memory by one) has no way to tell, and every order in it counts
    as customer demand.
    """
    return len(row) > REPLACEMENT and row[REPLACEMENT] is True


def daily_flows(
    trace: Iterable[Any], document: Mapping[str, Any], product: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units demanded by customers and units ordered from suppliers per measured day.

    Days are counted as the recorder counts them: day ``d`` of the measured horizon holds the
    events at times ``warmup + d <= t < warmup + d + 1`` (the last day also holds the end).
    Replacements of returned goods are not customer demand and are left out, as the recorder
    leaves them out (see :func:`is_replacement`: an older trace without the ``replacement``
    column counts them as demand).

    Returns:
        The day indices (0 = first measured day), units demanded (``order_placed``) and units
        ordered (``po_placed``, and ``po_reordered`` for rejected units sent again) on each.
    """
    warmup = num(document.get("warmup_days")) or 0.0
    horizon = num(document.get("horizon_days")) or 0.0
    days = max(1, math.ceil(horizon))
    demanded = np.zeros(days)
    ordered = np.zeros(days)
    for row in trace:
        event = row[EVENT]
        if event not in ("order_placed", "po_placed", "po_reordered"):
            continue
        if product is not None and row[PRODUCT] != product:
            continue
        time = float(row[TIME])
        if time < warmup:
            continue
        day = min(days - 1, int(time - warmup))
        units = count(row[UNITS]) or 0
        if event != "order_placed":
            ordered[day] += units
        elif not is_replacement(row):
            demanded[day] += units
    return np.arange(days), demanded, ordered


def bullwhip_figure(
    trace: Iterable[Any], document: Mapping[str, Any], product: str | None = None
) -> Figure:
    """Units demanded by customers per day against units ordered from suppliers per day.

    Over the measured horizon (all products together, or one; see :func:`daily_flows`).
    Batches and reviews turn a steady demand into lumpy orders: the bullwhip ratio, the
    variance of the orders line over the variance of the demand line, is the run's
    ``bullwhip_ratio`` KPI, shown in the title (each line's variance is in the legend).
    """
    days, demanded, ordered = daily_flows(trace, document, product)
    if not demanded.any():
        raise ValueError("the trace records no customer demand in the measured horizon")
    warmup = num(document.get("warmup_days")) or 0.0
    x = warmup + days
    var_d = float(np.var(demanded, ddof=1)) if len(days) > 1 else 0.0
    var_o = float(np.var(ordered, ddof=1)) if len(days) > 1 else 0.0
    if product is None:
        ratio = num((document.get("kpis") or {}).get("bullwhip_ratio"))
    else:
        ratio = num(((document.get("by_product") or {}).get(product) or {}).get("bullwhip_ratio"))
    if ratio is None and var_d:
        ratio = var_o / var_d
    fig = new_figure(10, 4.2)
    ax = fig.subplots()
    ax.step(
        x,
        ordered,
        where="post",
        color=COLOURS["ordered"],
        lw=0.9,
        alpha=0.85,
        label=f"units ordered from suppliers (variance {var_o:,.0f})",
    )
    ax.step(
        x,
        demanded,
        where="post",
        color=COLOURS["demand"],
        lw=1.1,
        label=f"units demanded by customers (variance {var_d:,.0f})",
    )
    ax.set_xlabel("time (days, measured horizon)")
    ax.set_ylabel("units per day")
    ax.yaxis.set_major_formatter(FuncFormatter(numbers.ticks))
    what = f"{product}" if product else "all products"
    title = f"Orders versus demand, {what}"
    if ratio is not None:
        title += f": bullwhip ratio {ratio:,.3g}"
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize="small")
    ax.set_xlim(float(x[0]), float(x[-1]) + 1)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    return fig
