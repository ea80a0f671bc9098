"""One replication's story per variant, overlaid: the stock and the customers over time.

:func:`story_figure` takes :class:`simulator.report.story.Story` objects (or anything with the
same attributes: ``variant``, ``warmup``, ``on_hand``, ``customer_days``) and draws one row of
panels per product (units on hand) and, when customers remember, their active and churned
customers, each variant in its colour of the page. The variants ran on the same random numbers,
so where the lines part, the variant made the difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from simulator.report import numbers
from simulator.report.figures.common import fixed_grid, plain, shade_warmup
from simulator.report.figures.customer_days import segment_days
from simulator.report.figures.experiment import colours_of


def story_customer_totals(
    rows: Sequence[Sequence[Any]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day ends, active customers and churned customers so far, all segments together."""
    days = segment_days(rows)
    first = next(iter(days.values()))
    end = first["day"] + 1
    active = sum(d["active"] for d in days.values())
    churned = np.cumsum(sum(d["churned"] for d in days.values()))
    return end, active, churned


def story_figure(stories: Sequence[Any], colours: Mapping[str, str] | None = None) -> Figure:
    """Replication 0 of each variant over time: units on hand per product, customers.

    One row per product (units on hand, as recorded at every stock event; step lines), then,
    when the runs have customers who remember, a row of active customers (all segments) and a
    row of customers churned since the start. Warm-up shaded.

    Args:
        stories: one story per variant (:func:`simulator.report.story.replication_stories`).
        colours: each variant's colour on the page (default: the first variant dark grey).

    Raises:
        ValueError: no story has anything to draw.
    """
    stories = list(stories)
    variants = [s.variant for s in stories]
    colours = colours or colours_of(variants, variants[0] if variants else "")
    products = list(dict.fromkeys(p for s in stories for p in s.on_hand))
    customers = [s for s in stories if s.customer_days]
    rows = len(products) + (2 if customers else 0)
    if not rows:
        raise ValueError("no stock levels and no customers to draw")
    fig, axes = fixed_grid(
        10.0,
        0.9 + 2.3 * rows,
        rows,
        1,
        margins=(0.95, 0.25, 0.45, 0.55),
        gaps=(0.55, 0.0),
        sharex=True,
    )
    panels = [a[0] for a in axes]
    warmup = max((s.warmup for s in stories), default=0.0)
    for ax in panels:
        shade_warmup(ax, warmup, label=ax is panels[0])
        ax.yaxis.set_major_formatter(FuncFormatter(numbers.ticks))
        ax.grid(alpha=0.3)
    for ax, pid in zip(panels, products, strict=False):
        for s in stories:
            if pid in s.on_hand:
                t, y = s.on_hand[pid]
                ax.step(
                    t,
                    y,
                    where="post",
                    lw=0.9,
                    alpha=0.85,
                    color=colours[s.variant],
                    label=plain(s.variant),
                )
        ax.set_title(plain(f"Units on hand, {pid}"), fontsize="medium")
    if customers:
        active_ax, churn_ax = panels[len(products)], panels[len(products) + 1]
        for s in customers:
            end, active, churned = story_customer_totals(s.customer_days)
            colour = colours[s.variant]
            active_ax.step(end, active, where="post", lw=1.1, color=colour, label=plain(s.variant))
            churn_ax.step(end, churned, where="post", lw=1.1, color=colour, label=plain(s.variant))
        active_ax.set_title("Active customers (all segments)", fontsize="medium")
        churn_ax.set_title("Customers churned since the start (all segments)", fontsize="medium")
    panels[0].legend(fontsize="small", loc="upper right", ncols=min(4, len(stories) + 1))
    panels[-1].set_xlabel("simulated day")
    return fig
