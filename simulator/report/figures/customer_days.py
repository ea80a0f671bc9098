"""Customers over time: each segment's active, new and churned customers, and what they say.

:func:`customer_days_figure` takes the daily rows of a run (``RunResult.customers_daily``, or
``customers_daily.csv`` read by :func:`simulator.report.folders.load_customer_days`), one tuple
per segment and day in the columns of :data:`simulator.customer_days.COLUMNS`, and draws one
column of panels per segment, over the whole run with the warm-up shaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from simulator.customer_days import COLUMNS
from simulator.report import numbers
from simulator.report.figures.common import COLOURS, fixed_grid, shade_warmup

_COL = {name: i for i, name in enumerate(COLUMNS)}

#: Colours of the survey groups: promoters green, the rest grey, detractors red.
GROUP_COLOURS = {
    "promoters": COLOURS["better"],
    "passive or not asked": "#c7c7c7",
    "detractors": COLOURS["worse"],
}


def segment_days(rows: Iterable[Sequence[Any]]) -> dict[str, dict[str, np.ndarray]]:
    """The daily rows by segment, as one array per column (``day``, ``active``, ``new``, ...)."""
    by: dict[str, list[Sequence[Any]]] = {}
    for row in rows:
        by.setdefault(str(row[_COL["segment"]]), []).append(row)
    out = {}
    for segment, mine in by.items():
        out[segment] = {
            name: np.asarray([float(r[i]) for r in mine])
            for name, i in _COL.items()
            if name != "segment"
        }
    return out


def customer_days_figure(rows: Iterable[Sequence[Any]], warmup: float | None = None) -> Figure:
    """Each segment's customers per day: one column of three panels per segment.

    Top: active customers at the end of each day. Middle: new customers (up, green) and churned
    customers (down, red) of each day. Bottom: the active customers by their last survey
    answer, as shares of the active customers: promoters (9-10), detractors (0-6), and the
    rest (7-8, or not asked yet). The warm-up is shaded.

    Raises:
        ValueError: no rows (customers never leave in this run: ``behaviour: none``).
    """
    days = segment_days(rows)
    if not days:
        raise ValueError("no daily customer rows (customers who remember: behaviour)")
    names = list(days)
    fig, axes = fixed_grid(
        max(6.0, 4.6 * len(names) + 0.8),
        8.2,
        3,
        len(names),
        margins=(0.85, 0.25, 0.55, 0.65),
        gaps=(0.55, 0.8),
        sharex="col",
        height_ratios=[1.0, 0.8, 1.0],
    )
    for col, name in enumerate(names):
        d = days[name]
        end = d["day"] + 1  # a row describes the end of its day
        top, mid, low = axes[0][col], axes[1][col], axes[2][col]
        shade_warmup(top, warmup, label=col == 0)
        top.step(end, d["active"], where="post", color=COLOURS["on_hand"], label="active")
        top.set_title(f"{name}: active customers", fontsize="medium")
        top.yaxis.set_major_formatter(FuncFormatter(numbers.ticks))
        top.grid(alpha=0.3)
        if col == 0 and warmup:
            top.legend(fontsize="small", loc="lower left")
        shade_warmup(mid, warmup, label=False)
        edges = np.r_[d["day"][:1], end]  # day d spans [d, d + 1): one step each, not a bar
        mid.stairs(d["new"], edges, fill=True, color=COLOURS["better"], label="new")
        mid.stairs(-d["churned"], edges, fill=True, color=COLOURS["worse"], label="churned")
        mid.axhline(0.0, color="#555555", lw=0.6)
        mid.set_title(f"{name}: new (up) and churned (down) per day", fontsize="medium")
        mid.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: numbers.ticks(abs(y))))
        mid.legend(fontsize="small", loc="upper right")
        mid.grid(alpha=0.3)
        active = np.where(d["active"] > 0, d["active"], np.nan)
        promoters, detractors = d["promoters"] / active, d["detractors"] / active
        rest = 1.0 - promoters - detractors
        shade_warmup(low, warmup, label=False)
        low.stackplot(
            end,
            promoters,
            rest,
            detractors,
            labels=list(GROUP_COLOURS),
            colors=list(GROUP_COLOURS.values()),
            step="post",
        )
        low.set_ylim(0.0, 1.0)
        low.yaxis.set_major_formatter(PercentFormatter(1.0))
        low.set_title(f"{name}: active customers by last survey answer", fontsize="medium")
        low.set_xlabel("simulated day")
        low.legend(fontsize="small", loc="lower left", framealpha=0.85)
        low.set_xlim(0.0, float(end[-1]))
    return fig
