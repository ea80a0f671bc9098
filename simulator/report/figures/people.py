"""A run's people in pictures: customers per segment, why they left, and the supplier scorecard.

Each function takes the run's result document (``result.json`` or ``RunResult.document``) and
draws what it records at the end of the run, not over time. A function raises ``ValueError`` when
the document holds nothing it could draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from simulator import kpis
from simulator.report import numbers
from simulator.report.figures.common import new_figure, num

#: The parts of a supplier's score, in the order the scorecard draws them.
SCORE_PARTS = ("on_time", "quality", "lead_time_consistency", "cost", "availability")


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
        heights = [num(segments[n].get(key)) or 0.0 for n in names]
        bars = ax.bar(x + (i - 1.5) * width, heights, width, label=label)
        ax.bar_label(bars, labels=[f"{h:,.0f}" for h in heights], fontsize="x-small", padding=1)
    ax.set_xticks(x, names)
    ax.set_ylabel("customers")
    ax.yaxis.set_major_formatter(FuncFormatter(numbers.ticks))
    ax.set_title("Customers per segment")
    ax.legend(fontsize="small")
    ax.grid(axis="y", alpha=0.3)

    width = 0.38
    for i, key in enumerate(("retention_rate", "satisfaction_mean")):
        values = [num(segments[n].get(key)) for n in names]
        heights = [np.nan if v is None else v for v in values]
        bars = bx.bar(x + (i - 0.5) * width, heights, width, label=kpis.label(key))
        bx.bar_label(
            bars,
            labels=[numbers.text(key, v) for v in values],
            fontsize="x-small",
            padding=1,
        )
    ticks = []
    for n in names:
        nps = num(segments[n].get("nps"))
        ticks.append(n if nps is None else f"{n}\nNPS {nps:+.0f}")
    bx.set_xticks(x, ticks)
    bx.set_ylim(0, 1.1)
    bx.set_ylabel("0..1 (retention: share of the cohort)")
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
            totals[reason] = totals.get(reason, 0) + (num(n) or 0)
    if not totals:
        raise ValueError("no customer churned in the measured horizon")
    reasons = sorted(totals, key=lambda r: (-totals[r], r))[::-1]  # largest at the top
    fig = new_figure(10, 1.2 + 0.45 * len(reasons))
    ax = fig.subplots()
    left = np.zeros(len(reasons))
    for name, seg in segments.items():
        counts = np.asarray([num((seg.get("churn_reasons") or {}).get(r)) or 0.0 for r in reasons])
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
    ax.xaxis.set_major_formatter(FuncFormatter(numbers.ticks))
    ax.set_title("Churn reasons (none: left without a bad experience)")
    ax.legend(title="segment", fontsize="small", loc="lower right")
    ax.set_xlim(0, float(left.max()) * 1.12 or 1)
    ax.grid(axis="x", alpha=0.3)
    return fig


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
            num(suppliers[n].get("score") if key == "score" else suppliers[n]["score_parts"][key])
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
