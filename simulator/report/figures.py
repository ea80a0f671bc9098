"""Matplotlib figures of runs and experiments: plain data in, one ``Figure`` out per function.

Every function takes what a results folder holds, already parsed: a result document (the dict
of ``result.json``, or ``RunResult.document``), trace rows (the tuples of ``RunResult.trace``,
or the rows of ``trace.csv``, see :func:`simulator.report.html.load_trace`) or summary and
comparison rows (the dicts of ``ExperimentResults.summary`` / ``.comparison``, or the rows of
``summary.csv`` / ``comparison.csv``). Each returns a :class:`matplotlib.figure.Figure` drawn on
the Agg canvas, made without pyplot, so figures can be built in worker threads and notebooks
alike and are freed as soon as nothing refers to them. A function raises ``ValueError`` when the
data hold nothing it could draw (e.g. the customer story of a run whose customers never churn).

Figures plot the recorded numbers themselves: the on-hand line of the inventory story is the
trace's ``on_hand`` column, the error bars of a comparison are the summary's CI bounds. The only
exception is a series longer than ``max_points``, which is thinned to the first, lowest, highest
and last point of each of ``max_points / 4`` time slices (what a screen could show anyway).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

#: Longest series drawn point for point; longer ones are thinned (see the module docstring).
MAX_POINTS = 20_000

#: Trace columns, in ``Recorder.TRACE_COLUMNS`` order.
TIME, EVENT, ORDER, PRODUCT, UNITS, ON_HAND, BACKORDERS, DETAIL = range(8)

#: The parts of a supplier's score, in the order the scorecard draws them.
SCORE_PARTS = ("on_time", "quality", "lead_time_consistency", "cost", "availability")

#: Colours: one per role, so a reader learns them once.
COLOURS = {
    "on_hand": "#1f77b4",
    "position": "#ff7f0e",
    "backorders": "#d62728",
    "arrival": "#2ca02c",
    "level": "#7f7f7f",
    "demand": "#1f77b4",
    "ordered": "#d62728",
    "better": "#2ca02c",
    "worse": "#d62728",
    "neutral": "#555555",
}
WARMUP_SHADE = "#ececec"


# --- small helpers ------------------------------------------------------------------------------


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas, laid out by matplotlib's constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _num(value: Any) -> float | None:
    """A number from a typed value or a CSV cell; ``None`` for blanks, ``None`` and NaN."""
    if value is None or value == "":
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _int(value: Any) -> int | None:
    if type(value) is int:  # the common case, fast: trace rows hold ints
        return value
    x = _num(value)
    return None if x is None else int(x)


def is_rate(kpi: str) -> bool:
    """Whether a KPI (plain or dotted) is a ratio in 0..1, drawn as a percentage."""
    name = kpi.rsplit(".", 1)[-1]
    return (name.endswith("_rate") or name == "fill_rate") and name != "bullwhip_ratio"


def _thousands(x: float, _pos: Any = None) -> str:
    """Tick text: separators for thousands, millions shortened (1.125M) so ticks do not collide."""
    if abs(x) >= 1e6:
        return f"{x / 1e6:.4g}M"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:g}"


def _format_axis(axis: Any, kpi: str, difference: bool = False) -> None:
    """Percent ticks for rates (percentage points for their differences), separators otherwise."""
    if is_rate(kpi):
        if difference:
            axis.set_major_formatter(
                FuncFormatter(lambda x, _p: "0" if x == 0 else f"{100 * x:+.3g} pp")
            )
        else:
            axis.set_major_formatter(PercentFormatter(1.0))
    else:
        axis.set_major_formatter(FuncFormatter(_thousands))


def slug(text: str) -> str:
    """``text`` made safe for an HTML id and a file name (letters, digits, ``-`` and ``_``)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-") or "x"


def thin(t: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most about ``max_points`` points of a step series, keeping every slice's extremes.

    The time axis is cut into ``max_points // 4`` equal slices; of each slice the first, the
    lowest, the highest and the last point are kept, in time order. Short series are returned
    as they are.
    """
    n = len(t)
    if n <= max_points or n == 0:
        return t, y
    slices = max(1, max_points // 4)
    span = float(t[-1] - t[0]) or 1.0
    index = np.minimum(((t - t[0]) / span * slices).astype(int), slices - 1)
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    ends = np.r_[starts[1:], n]
    keep = []
    for a, b in zip(starts, ends, strict=True):
        part = y[a:b]
        keep += [a, a + int(np.argmin(part)), a + int(np.argmax(part)), b - 1]
    keep = np.unique(np.asarray(keep))
    return t[keep], y[keep]


# --- a run: the inventory story -----------------------------------------------------------------


def _row(row: Any) -> Sequence[Any]:
    """A trace row as a sequence in column order (tuples, lists and CSV dicts accepted)."""
    if type(row) is tuple:
        return row
    if isinstance(row, Mapping):
        return (
            row.get("time"),
            row.get("event"),
            row.get("order"),
            row.get("product"),
            row.get("units"),
            row.get("on_hand"),
            row.get("backorders"),
            row.get("detail"),
        )
    return row


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


def inventory_series(trace: Iterable[Any], product: str) -> InventorySeries:
    """The stock-level rows of ``product`` in a trace, with the inventory position derived."""
    t, oh, bo, pos = [], [], [], []
    at, au, ao, pt, pu = [], [], [], [], []
    on_order = 0
    for raw in trace:
        row = _row(raw)
        if row[PRODUCT] != product:
            continue
        event = row[EVENT]
        time = float(row[TIME])
        if event == "po_placed":
            units = _int(row[UNITS]) or 0
            on_order += units
            pt.append(time)
            pu.append(units)
        elif event == "po_received":
            units = _int(row[UNITS]) or 0
            on_order -= units
        on_hand = _int(row[ON_HAND])
        if on_hand is None:
            continue
        backorders = _int(row[BACKORDERS]) or 0
        t.append(time)
        oh.append(on_hand)
        bo.append(backorders)
        pos.append(on_hand + on_order - backorders)
        if event == "po_received":
            at.append(time)
            au.append(_int(row[UNITS]) or 0)
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


def _shade_warmup(ax: Any, warmup: float | None, label: bool = True) -> None:
    if warmup and warmup > 0:
        ax.axvspan(
            0,
            warmup,
            color=WARMUP_SHADE,
            zorder=0,
            label="warm-up (not measured)" if label else None,
        )


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
    warmup = _num(document.get("warmup_days"))
    fig = new_figure(10, 6)
    ax, bx = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.2])
    _shade_warmup(ax, warmup)
    _shade_warmup(bx, warmup, label=False)
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
    if _num(row.get("fill_rate")) is not None:
        extra.append(f"fill rate {100 * row['fill_rate']:.1f}%")
    if _num(row.get("on_hand_mean")) is not None:
        extra.append(f"mean on hand {row['on_hand_mean']:,.0f}")
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


def daily_flows(
    trace: Iterable[Any], document: Mapping[str, Any], product: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units demanded by customers and units ordered from suppliers per measured day.

    Days are counted as the recorder counts them: day ``d`` of the measured horizon holds the
    events at times ``warmup + d <= t < warmup + d + 1`` (the last day also holds the end).
    Replacements of returned goods are not customer demand and are left out, as the recorder
    leaves them out: a replacement is placed at the very instant its return is restocked, so it
    is the ``order_placed`` row right after a ``return_restocked`` row of the same product and
    time (and its id reappears in a ``replacement_delivered`` row).

    Returns:
        The day indices (0 = first measured day), units demanded (``order_placed``) and units
        ordered (``po_placed``) on each.
    """
    warmup = _num(document.get("warmup_days")) or 0.0
    horizon = _num(document.get("horizon_days")) or 0.0
    days = max(1, math.ceil(horizon))
    demanded = np.zeros(days)
    ordered = np.zeros(days)
    placed: list[tuple[int, str, int]] = []
    replacements = set()
    restocked: tuple[Any, Any] | None = None  # (time, product) of the row just before
    for raw in trace:
        row = _row(raw)
        event = row[EVENT]
        previous, restocked = restocked, None
        if event == "replacement_delivered":
            replacements.add(str(row[ORDER]))
            continue
        if event == "return_restocked":
            restocked = (row[TIME], row[PRODUCT])
            continue
        if event == "order_placed" and previous == (row[TIME], row[PRODUCT]):
            replacements.add(str(row[ORDER]))
            continue
        if event not in ("order_placed", "po_placed"):
            continue
        if product is not None and row[PRODUCT] != product:
            continue
        time = float(row[TIME])
        if time < warmup:
            continue
        day = min(days - 1, int(time - warmup))
        units = _int(row[UNITS]) or 0
        if event == "po_placed":
            ordered[day] += units
        else:
            placed.append((day, str(row[ORDER]), units))
    for day, order, units in placed:
        if order not in replacements:
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
    warmup = _num(document.get("warmup_days")) or 0.0
    x = warmup + days
    var_d = float(np.var(demanded, ddof=1)) if len(days) > 1 else 0.0
    var_o = float(np.var(ordered, ddof=1)) if len(days) > 1 else 0.0
    if product is None:
        ratio = _num((document.get("kpis") or {}).get("bullwhip_ratio"))
    else:
        ratio = _num(((document.get("by_product") or {}).get(product) or {}).get("bullwhip_ratio"))
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
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
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


# --- a run: customers ---------------------------------------------------------------------------


def _segments(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    segments = document.get("customers") or {}
    if not segments:
        raise ValueError("the run has no customers with behaviour (behaviour: none everywhere)")
    return dict(segments)


#: The customer counts of the customer story, as (result key, label).
CUSTOMER_COUNTS = (
    ("retention_cohort", "active at end of warm-up"),
    ("new_customers", "new"),
    ("churned_customers", "churned"),
    ("active_customers_end", "active at end"),
)


def customer_figure(document: Mapping[str, Any]) -> Figure:
    """The customer story per segment: how many came and went, and how they feel.

    Left: customers active at the end of warm-up, new and churned during the measured horizon,
    and active at the end (grouped bars; active at end = active at end of warm-up + new -
    churned). Right: retention rate and mean satisfaction of each segment (0..1), with the NPS
    in the segment's label. The result document records these figures at the end of the run,
    not over time.
    """
    segments = _segments(document)
    names = list(segments)
    fig = new_figure(10, 4.2)
    ax, bx = fig.subplots(1, 2, width_ratios=[1.4, 1])
    x = np.arange(len(names))
    width = 0.8 / len(CUSTOMER_COUNTS)
    for i, (key, label) in enumerate(CUSTOMER_COUNTS):
        heights = [_num(segments[n].get(key)) or 0.0 for n in names]
        bars = ax.bar(x + (i - 1.5) * width, heights, width, label=label)
        ax.bar_label(bars, labels=[f"{h:,.0f}" for h in heights], fontsize="x-small", padding=1)
    ax.set_xticks(x, names)
    ax.set_ylabel("customers")
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_title("Customers per segment")
    ax.legend(fontsize="small")
    ax.grid(axis="y", alpha=0.3)

    width = 0.38
    for i, (key, label) in enumerate(
        (("retention_rate", "retention rate"), ("satisfaction_mean", "mean satisfaction"))
    ):
        values = [_num(segments[n].get(key)) for n in names]
        heights = [np.nan if v is None else v for v in values]
        bars = bx.bar(x + (i - 0.5) * width, heights, width, label=label)
        bx.bar_label(
            bars,
            labels=["n/a" if v is None else f"{100 * v:.1f}%" for v in values],
            fontsize="x-small",
            padding=1,
        )
    ticks = []
    for n in names:
        nps = _num(segments[n].get("nps"))
        ticks.append(n if nps is None else f"{n}\nNPS {nps:+.0f}")
    bx.set_xticks(x, ticks)
    bx.set_ylim(0, 1.1)
    bx.yaxis.set_major_formatter(PercentFormatter(1.0))
    bx.set_title("Retention and satisfaction")
    bx.legend(fontsize="small", loc="lower right")
    bx.grid(axis="y", alpha=0.3)
    return fig


def churn_reasons_figure(document: Mapping[str, Any]) -> Figure:
    """Why customers left: churned customers per reason, stacked by segment (horizontal bars).

    A reason is a kind of bad experience among the customer's last orders (``late``,
    ``defect``, ...); ``none`` counts customers who left without one. A customer can have
    several reasons, so the bars can add up to more than the churned customers.
    """
    segments = _segments(document)
    totals: dict[str, float] = {}
    for seg in segments.values():
        for reason, n in (seg.get("churn_reasons") or {}).items():
            totals[reason] = totals.get(reason, 0) + (_num(n) or 0)
    if not totals:
        raise ValueError("no customer churned in the measured horizon")
    reasons = sorted(totals, key=lambda r: (-totals[r], r))[::-1]  # largest at the top
    fig = new_figure(10, 1.2 + 0.45 * len(reasons))
    ax = fig.subplots()
    left = np.zeros(len(reasons))
    for name, seg in segments.items():
        counts = np.asarray([_num((seg.get("churn_reasons") or {}).get(r)) or 0.0 for r in reasons])
        ax.barh(reasons, counts, left=left, label=name)
        left += counts
    for y, total in enumerate(left):
        ax.annotate(
            f"{total:,.0f}",
            (total, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    ax.set_xlabel("churned customers with this reason")
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_title("Churn reasons (none: left without a bad experience)")
    ax.legend(title="segment", fontsize="small", loc="lower right")
    ax.set_xlim(0, float(left.max()) * 1.12 or 1)
    ax.grid(axis="x", alpha=0.3)
    return fig


# --- a run: suppliers ---------------------------------------------------------------------------


def scorecard_figure(document: Mapping[str, Any]) -> Figure:
    """The supplier scorecard: each supplier's score and its parts (0..1), as grouped bars.

    The score is the weighted mean of the parts that apply; a part that does not apply (e.g.
    quality without deliveries) is marked ``n/a`` and left out of the score.
    """
    suppliers = {
        sid: row
        for sid, row in (document.get("suppliers") or {}).items()
        if row.get("score_parts") is not None
    }
    if not suppliers:
        raise ValueError("the run has no supplier scorecard")
    names = list(suppliers)
    first = suppliers[names[0]]
    weights = first.get("score_weights") or {}
    parts = [p for p in SCORE_PARTS if p in first["score_parts"]]
    parts += [p for p in first["score_parts"] if p not in parts]
    series = [("score", "score (weighted)")] + [
        (p, f"{p} (weight {100 * weights[p]:.0f}%)" if p in weights else p) for p in parts
    ]
    fig = new_figure(max(9.0, 3.5 + 1.8 * len(names)), 4.2)
    ax = fig.subplots()
    x = np.arange(len(names))
    width = 0.84 / len(series)
    for i, (key, label) in enumerate(series):
        values = [
            _num(suppliers[n].get("score") if key == "score" else suppliers[n]["score_parts"][key])
            for n in names
        ]
        bars = ax.bar(
            x + (i - (len(series) - 1) / 2) * width,
            [np.nan if v is None else v for v in values],
            width,
            label=label,
            color="#333333" if key == "score" else None,
        )
        ax.bar_label(
            bars,
            labels=["n/a" if v is None else f"{v:.2f}" for v in values],
            fontsize="x-small",
            padding=1,
            rotation=90,
        )
    ax.set_xticks(x, names)
    ax.set_ylim(0, 1.22)
    ax.set_ylabel("score (0 worst .. 1 best)")
    ax.set_title("Supplier scorecard")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig


# --- experiments --------------------------------------------------------------------------------


def experiment_kpis(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The KPIs of summary or comparison rows, in order of first appearance."""
    return list(dict.fromkeys(str(r["kpi"]) for r in rows))


def experiment_variants(summary: Iterable[Mapping[str, Any]]) -> list[str]:
    """The variants of summary rows, in order of first appearance."""
    return list(dict.fromkeys(str(r["variant"]) for r in summary))


def sweep_parameters(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The swept parameter paths: the columns between ``point`` and ``kpi`` of a results row."""
    if not rows:
        return []
    keys = list(rows[0])
    try:
        return keys[keys.index("point") + 1 : keys.index("kpi")]
    except ValueError:
        return []


def _points(rows: Iterable[Mapping[str, Any]]) -> list[int]:
    return sorted({int(_num(r["point"]) or 0) for r in rows})


def baseline_variant(comparison: Sequence[Mapping[str, Any]], variants: Sequence[str]) -> str:
    """The baseline named by the comparison rows (the first variant without any)."""
    for row in comparison:
        if row.get("baseline"):
            return str(row["baseline"])
    return variants[0]


def _errorbar_args(mean: float | None, low: Any, high: Any) -> np.ndarray | None:
    """Asymmetric error-bar lengths ``[[below], [above]]``, or ``None`` without an interval."""
    lo, hi = _num(low), _num(high)
    if mean is None or lo is None or hi is None:
        return None
    return np.asarray([[mean - lo], [hi - mean]])


def _errors(centres: Sequence[float | None], rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Error-bar lengths ``[[below...], [above...]]`` of several points (0 without a bound)."""
    below, above = [], []
    for c, row in zip(centres, rows, strict=True):
        lo, hi = _num(row.get("ci_low")), _num(row.get("ci_high"))
        below.append(c - lo if c is not None and lo is not None else 0.0)
        above.append(hi - c if c is not None and hi is not None else 0.0)
    return np.asarray([below, above])


def _verdict_colour(verdict: Any) -> str:
    return COLOURS.get(str(verdict), COLOURS["neutral"])


def confidence_text(rows: Iterable[Mapping[str, Any]]) -> str:
    """The confidence level of summary or comparison rows, as text (``95%``)."""
    for row in rows:
        c = _num(row.get("confidence"))
        if c is not None:
            return f"{100 * c:g}%"
    return "95%"


#: Variant colours: no green or red, which mean better and worse in the difference panels.
VARIANT_COLOURS = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
BASELINE_COLOUR = "#333333"


def variant_colour(index: int, baseline: bool = False) -> str:
    """The colour of the ``index``-th non-baseline variant (dark grey for the baseline)."""
    return BASELINE_COLOUR if baseline else VARIANT_COLOURS[index % len(VARIANT_COLOURS)]


def _colours(variants: Sequence[str], base: str) -> dict[str, str]:
    others = [v for v in variants if v != base]
    out = {v: variant_colour(i) for i, v in enumerate(others)}
    out[base] = variant_colour(0, baseline=True)
    return out


def _explain(fig: Figure, base: str, conf: str, others: bool) -> None:
    if not others:
        fig.suptitle(f"Mean with its {conf} confidence interval", fontsize="small")
        return
    text = f"Left: mean of each variant with its {conf} confidence interval."
    if others:
        text += (
            f"\nRight: paired difference from the baseline {base} (variant − baseline) with "
            f"its {conf} interval; dashed: no difference."
        )
    fig.suptitle(text, fontsize="small")


def comparison_figure(
    summary: Sequence[Mapping[str, Any]],
    comparison: Sequence[Mapping[str, Any]],
    kpis: Sequence[str] | None = None,
    point: int = 0,
) -> Figure:
    """An experiment's verdict in pictures: one row of panels per KPI, at one design point.

    Left: each variant's mean with its confidence interval (one error-bar container per
    variant, bars from the summary's ``ci_low`` to ``ci_high``; the baseline is the square).
    Right: each other variant's paired difference from the baseline with its interval (the
    comparison's ``ci_low``/``ci_high``) and a dashed zero line: an interval that does not
    cross zero is a significant difference (green: better, red: worse, grey: the KPI has no
    better direction; a hollow marker is not significant).

    Args:
        summary: summary rows (``summary.csv`` or ``ExperimentResults.summary``).
        comparison: comparison rows (``comparison.csv`` or ``ExperimentResults.comparison``).
        kpis: KPIs to draw (default: all, in the summary's order).
        point: the design point (sweep point index; 0 without a sweep).
    """
    summary = [r for r in summary if int(_num(r["point"]) or 0) == point]
    comparison = [r for r in comparison if int(_num(r["point"]) or 0) == point]
    if not summary:
        raise ValueError(f"no summary rows at point {point}")
    kpis = list(kpis) if kpis is not None else experiment_kpis(summary)
    variants = experiment_variants(summary)
    base = baseline_variant(comparison, variants)
    others = [v for v in variants if v != base]
    colours = _colours(variants, base)
    conf = confidence_text(summary)
    by = {(str(r["variant"]), str(r["kpi"])): r for r in summary}
    cmp = {(str(r["variant"]), str(r["kpi"])): r for r in comparison}
    fig = new_figure(10 if others else 6, 1.0 + 2.3 * len(kpis))
    axes = fig.subplots(
        len(kpis), 2 if others else 1, squeeze=False, width_ratios=[1.15, 1] if others else None
    )
    _explain(fig, base, conf, bool(others))
    for row_axes, kpi in zip(axes, kpis, strict=True):
        ax = row_axes[0]
        for i, v in enumerate(variants):
            row = by.get((v, kpi)) or {}
            mean = _num(row.get("mean"))
            ax.errorbar(
                [i],
                [np.nan if mean is None else mean],
                yerr=_errorbar_args(mean, row.get("ci_low"), row.get("ci_high")),
                fmt="s" if v == base else "o",
                ms=7,
                capsize=5,
                color=colours[v],
                label=v,
            )
        ax.set_xticks(
            range(len(variants)), [f"{v}\n(baseline)" if v == base else v for v in variants]
        )
        ax.set_xlim(-0.6, len(variants) - 0.4)
        ax.set_title(f"{kpi}", fontsize="medium")
        _format_axis(ax.yaxis, kpi)
        ax.grid(axis="y", alpha=0.3)
        if not others:
            continue
        dx = row_axes[1]
        for j, v in enumerate(others):
            row = cmp.get((v, kpi)) or {}
            diff = _num(row.get("difference"))
            colour = _verdict_colour(row.get("verdict"))
            dx.errorbar(
                [j],
                [np.nan if diff is None else diff],
                yerr=_errorbar_args(diff, row.get("ci_low"), row.get("ci_high")),
                fmt="o",
                ms=7,
                capsize=5,
                color=colour,
                mfc=colour if row.get("significant") in (True, "True") else "white",
                label=v,
            )
        dx.axhline(0.0, color=BASELINE_COLOUR, lw=0.9, ls="--", label="no difference")
        dx.set_xticks(range(len(others)), others)
        dx.set_xlim(-0.6, len(others) - 0.4)
        dx.set_title(f"{kpi}: variant − {base}", fontsize="medium")
        _format_axis(dx.yaxis, kpi, difference=True)
        dx.grid(axis="y", alpha=0.3)
    return fig


def _value_text(value: Any) -> str:
    x = _num(value)
    return f"{x:g}" if x is not None and not isinstance(value, bool) else str(value)


def _sweep_x(
    summary: Sequence[Mapping[str, Any]], parameter: str | None
) -> tuple[dict[int, float], str, dict[int, str], bool]:
    """The x axis of a sweep: each point's position, the axis label, each point's label.

    The last value says whether x is the swept parameter itself (one numeric parameter) or
    the design point's index (several parameters, or values that are not numbers).
    """
    params = sweep_parameters(summary)
    points = _points(summary)
    first = {int(_num(r["point"]) or 0): r for r in reversed(summary)}
    if parameter is None and len(params) == 1:
        parameter = params[0]
    if parameter is not None:
        values = {p: _num(first[p].get(parameter)) for p in points}
        if all(v is not None for v in values.values()):
            labels = {p: f"{values[p]:g}" for p in points}
            xs = {p: float(values[p]) for p in points}  # type: ignore[arg-type]
            return xs, parameter, labels, True
    labels = {p: " / ".join(_value_text(first[p].get(k)) for k in params) or str(p) for p in points}
    names = " / ".join(k.rsplit(".", 1)[-1] for k in params)
    return (
        {p: float(p) for p in points},
        f"design point ({names})" if names else "point",
        labels,
        False,
    )


def sweep_figure(
    summary: Sequence[Mapping[str, Any]],
    comparison: Sequence[Mapping[str, Any]],
    kpis: Sequence[str] | None = None,
    parameter: str | None = None,
) -> Figure:
    """A sweep's KPIs against the swept value: one row of panels per KPI.

    Left: each variant's mean at every sweep point with its confidence interval (one
    error-bar container per variant, in the summary's order). Right: each other variant's
    paired difference from the baseline at every point, with its interval, and a dashed zero
    line. The x axis is the swept parameter when there is one numeric parameter (or
    ``parameter`` names one), otherwise the design point's index.
    """
    if not summary:
        raise ValueError("no summary rows")
    kpis = list(kpis) if kpis is not None else experiment_kpis(summary)
    variants = experiment_variants(summary)
    base = baseline_variant(comparison, variants)
    others = [v for v in variants if v != base]
    colours = _colours(variants, base)
    conf = confidence_text(summary)
    xs, xlabel, labels, numeric = _sweep_x(summary, parameter)
    by = {(str(r["variant"]), int(_num(r["point"]) or 0), str(r["kpi"])): r for r in summary}
    cmp = {(str(r["variant"]), int(_num(r["point"]) or 0), str(r["kpi"])): r for r in comparison}
    points = sorted(xs, key=lambda p: xs[p])
    fig = new_figure(10 if others else 6, 1.0 + 2.5 * len(kpis))
    axes = fig.subplots(len(kpis), 2 if others else 1, squeeze=False, sharex=True)
    _explain(fig, base, conf, bool(others))
    for row_axes, kpi in zip(axes, kpis, strict=True):
        ax = row_axes[0]
        for v in variants:
            rows = [by.get((v, p, kpi)) or {} for p in points]
            means = [_num(r.get("mean")) for r in rows]
            ax.errorbar(
                [xs[p] for p in points],
                [np.nan if m is None else m for m in means],
                yerr=_errors(means, rows),
                fmt="s-" if v == base else "o-",
                ms=5,
                capsize=4,
                color=colours[v],
                label=f"{v} (baseline)" if v == base else v,
            )
        ax.set_title(kpi, fontsize="medium")
        _format_axis(ax.yaxis, kpi)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        if not others:
            continue
        dx = row_axes[1]
        for v in others:
            rows = [cmp.get((v, p, kpi)) or {} for p in points]
            diffs = [_num(r.get("difference")) for r in rows]
            dx.errorbar(
                [xs[p] for p in points],
                [np.nan if d is None else d for d in diffs],
                yerr=_errors(diffs, rows),
                fmt="o-",
                ms=5,
                capsize=4,
                color=colours[v],
                label=v,
            )
        dx.axhline(0.0, color=BASELINE_COLOUR, lw=0.9, ls="--", label="no difference")
        dx.set_title(f"{kpi}: variant − {base}", fontsize="medium")
        _format_axis(dx.yaxis, kpi, difference=True)
        dx.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
        if not numeric:
            ax.set_xticks(points, [labels[p] for p in points], rotation=30, ha="right")
    return fig


#: Service KPIs a frontier prefers, best first (a dotted per-product name matches its suffix).
SERVICE_KPIS = ("fill_rate", "otif_rate", "order_fill_rate", "on_time_rate", "perfect_order_rate")
#: Cost KPIs a frontier draws, best first: holding cost is the classic trade-off with service
#: (inventory bought for service), total cost the whole bill; at most two panels.
COST_KPIS = (
    "cost_holding",
    "cost_total",
    "cost_ordering",
    "cost_transport",
    "cost_purchase",
    "cost_handling",
    "cost_returns",
)


def _pick(kpis: Sequence[str], preferred: Sequence[str], n: int) -> list[str]:
    """Up to ``n`` of ``kpis`` in ``preferred`` order, plain names before dotted ones."""
    out: list[str] = [name for name in preferred if name in kpis]
    for name in preferred:
        out += [k for k in kpis if k.rsplit(".", 1)[-1] == name and k not in out]
    return out[:n]


def frontier_kpis(kpis: Sequence[str]) -> tuple[list[str], str]:
    """The cost KPIs (one or two) and the service KPI a frontier of these KPIs draws.

    Raises:
        ValueError: no service KPI or no cost KPI among ``kpis``.
    """
    costs, services = _pick(kpis, COST_KPIS, 2), _pick(kpis, SERVICE_KPIS, 1)
    if not costs or not services:
        raise ValueError(
            "a frontier needs a service KPI (e.g. fill_rate) and a cost KPI (e.g. cost_holding "
            "or cost_total) among the experiment's kpis"
        )
    return costs, services[0]


def frontier_figure(
    summary: Sequence[Mapping[str, Any]],
    cost: str | Sequence[str] | None = None,
    service: str | None = None,
    parameter: str | None = None,
) -> Figure:
    """The service-versus-cost frontier: one curve per variant through its sweep points.

    Each point is a design point's mean cost (x) and mean service (y), with the confidence
    intervals of both as error bars (one error-bar container per variant and panel, in the
    summary's order), labelled with the swept value (or with the variant's name without a
    sweep). Up and to the left is better: more service for less money. One panel per cost KPI.

    Args:
        summary: summary rows.
        cost: a cost KPI or a list of them (default: see :func:`frontier_kpis`).
        service: the service KPI (default: see :func:`frontier_kpis`).
        parameter: the swept parameter whose values label the points (default: the only one).
    """
    if not summary:
        raise ValueError("no summary rows")
    if cost is None or service is None:
        costs, default_service = frontier_kpis(experiment_kpis(summary))
        cost = costs if cost is None else cost
        service = service or default_service
    costs = [cost] if isinstance(cost, str) else list(cost)
    variants = experiment_variants(summary)
    points = _points(summary)
    swept = len(points) > 1
    xs, xlabel, labels, numeric = _sweep_x(summary, parameter)
    order = sorted(points, key=lambda p: xs[p])
    by = {(str(r["variant"]), int(_num(r["point"]) or 0), str(r["kpi"])): r for r in summary}
    conf = confidence_text(summary)
    base = variants[0] if variants else ""
    colours = _colours(variants, base)
    for i, v in enumerate(variants):  # curves: one colour per variant, the baseline's too
        colours[v] = variant_colour(i)
    fig = new_figure(5.2 * len(costs) + 1.0, 5.5)
    axes = fig.subplots(1, len(costs), squeeze=False, sharey=True)[0]
    for ax, c in zip(axes, costs, strict=True):
        for v in variants:
            cx, cy, ex, ey, tags = [], [], [[], []], [[], []], []
            for p in order:
                rc, rs = by.get((v, p, c)), by.get((v, p, service))
                if rc is None or rs is None:
                    continue
                mx, my = _num(rc.get("mean")), _num(rs.get("mean"))
                if mx is None or my is None:
                    continue
                cx.append(mx)
                cy.append(my)
                for err, row, m in ((ex, rc, mx), (ey, rs, my)):
                    lo, hi = _num(row.get("ci_low")), _num(row.get("ci_high"))
                    err[0].append(m - lo if lo is not None else 0.0)
                    err[1].append(hi - m if hi is not None else 0.0)
                tags.append(labels[p] if swept else v)
            if not cx:
                continue
            ax.errorbar(
                cx,
                cy,
                xerr=np.asarray(ex),
                yerr=np.asarray(ey),
                fmt="o-" if swept and numeric else "o",
                ms=6,
                capsize=3,
                elinewidth=0.8,
                color=colours[v],
                label=v,
            )
            for x, y, tag in zip(cx, cy, tags, strict=True):
                ax.annotate(
                    tag,
                    (x, y),
                    xytext=(5, -11),
                    textcoords="offset points",
                    fontsize="small",
                    color=colours[v],
                )
        if not ax.containers:
            raise ValueError(f"no variant has both {c} and {service}")
        ax.set_xlabel(f"{c} (mean, {conf} CI)")
        _format_axis(ax.xaxis, c)
        _format_axis(ax.yaxis, service)
        ax.set_title(f"{service} against {c}", fontsize="medium")
        ax.legend(title="variant", fontsize="small")
        ax.grid(alpha=0.3)
        ax.margins(0.12)
    axes[0].set_ylabel(f"{service} (mean, {conf} CI)")
    title = "Service versus cost"
    if swept:
        title += f": points labelled by {xlabel}"
    fig.suptitle(title, fontsize="medium")
    return fig
