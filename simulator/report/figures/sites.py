"""Each site's stock over time in a network run: small multiples, one figure per echelon.

Reads the trace's stock rows, which name their site (the trace's ``site`` column), and the
result document's ``by_site`` (each site's kind and fill rate) and ``lanes`` (which echelon a
site is in, as in the network figure: :func:`simulator.report.figures.network.network_of`).
Each site gets a small panel: the units on hand of each of its products when it stocks few
(at most :data:`MAX_PRODUCT_LINES`), else the units on hand summed over its products; and the
units backordered, summed. A figure holds the sites of one echelon, at most :data:`PANELS` of
them (a larger echelon takes several figures), so that 24 sites stay readable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from simulator.report import numbers
from simulator.report.figures.common import COLOURS, MAX_POINTS, count, new_figure, num, thin
from simulator.report.figures.common import shade_warmup as shade
from simulator.report.figures.network import network_of

#: Trace columns used here, in the recorder's order (``SITE`` is absent from older traces).
TIME, EVENT, PRODUCT, UNITS, ON_HAND, BACKORDERS, DETAIL, SITE = 0, 1, 3, 4, 5, 6, 7, 10
#: Most sites in one figure (4 columns of 3 rows).
PANELS = 12
#: Most products drawn one line each in a site's panel; more are drawn as their sum.
MAX_PRODUCT_LINES = 4
#: Line colours of a site's products, in the order the site's rows first name them.
PRODUCT_COLOURS = ("#1f77b4", "#9467bd", "#17becf", "#8c564b")


@dataclass
class SiteStock:
    """One site's stock levels over time, as its stock rows in the trace record them."""

    site: str
    products: list[str]
    """The products with stock rows, in the order the trace first names them."""
    time: np.ndarray
    """Time 0, then the time of each of the site's stock rows."""
    on_hand: np.ndarray
    """Units on hand summed over the site's products: initially, then after each row."""
    backorders: np.ndarray
    """Units backordered summed over the site's products: initially (none), then after each row."""
    by_product: dict[str, tuple[np.ndarray, np.ndarray]]
    """Each product's own (times, units on hand), from time 0."""


def site_of(row: tuple) -> str:
    """The site a trace row names (``""``: none, or a trace without the column)."""
    return (row[SITE] or "") if len(row) > SITE else ""


def level_before(row: tuple) -> int:
    """Units on hand just before a stock row's event (the row holds the level after it).

    An order (a customer's or a transfer) took the units it was filled with (``filled=k`` in its
    detail); a receipt and a restocked return brought their units; anything else moved none.
    """
    on_hand = count(row[ON_HAND]) or 0
    event = row[EVENT]
    if event in ("order_placed", "transfer_placed"):
        detail = str(row[DETAIL] or "")
        return on_hand + int(detail[7:]) if detail.startswith("filled=") else on_hand
    if event in ("po_received", "return_restocked"):
        return on_hand - (count(row[UNITS]) or 0)
    return on_hand


def site_stocks(trace: Sequence[Any]) -> dict[str, SiteStock]:
    """Each site's stock levels from a trace (rows naming no site are skipped).

    Each product's stock holds its initial level until its first row (which says what that
    level was, see :func:`level_before`), so every site's sum starts at time 0 from the sum of
    its initial stocks, with no backorders.
    """
    rows_of: dict[str, list] = {}
    for row in trace:
        site = site_of(row)
        if site and count(row[ON_HAND]) is not None:
            rows_of.setdefault(site, []).append(row)
    out = {}
    for site, rows in rows_of.items():
        last: dict[str, tuple[int, int]] = {}
        for row in rows:
            last.setdefault(row[PRODUCT], (level_before(row), 0))
        series = {pid: ([0.0], [float(oh)]) for pid, (oh, _) in last.items()}
        on_hand = sum(oh for oh, _ in last.values())
        backorders = 0
        t, ohs, bos = [0.0], [float(on_hand)], [0.0]
        for row in rows:
            pid, time = row[PRODUCT], float(row[TIME])
            now_oh, now_bo = count(row[ON_HAND]) or 0, count(row[BACKORDERS]) or 0
            was_oh, was_bo = last[pid]
            last[pid] = (now_oh, now_bo)
            on_hand += now_oh - was_oh
            backorders += now_bo - was_bo
            t.append(time)
            ohs.append(on_hand)
            bos.append(backorders)
            series[pid][0].append(time)
            series[pid][1].append(now_oh)
        arr = np.asarray
        out[site] = SiteStock(
            site,
            list(series),
            arr(t, dtype=float),
            arr(ohs, dtype=float),
            arr(bos, dtype=float),
            {p: (arr(tt, dtype=float), arr(u, dtype=float)) for p, (tt, u) in series.items()},
        )
    return out


@dataclass(frozen=True)
class SiteGroup:
    """The sites one figure shows: part ``part`` of ``parts`` of one echelon."""

    echelon: int
    """1: the sites supplied by suppliers only; 2: the sites one step below; ..."""
    sites: list[str]
    part: int
    parts: int
    first: int = 1
    """The number of the group's first site within its echelon."""
    total: int = 0
    """Sites in the echelon."""

    @property
    def slug(self) -> str:
        """The part of the figure's id after ``fig-sites-``."""
        return f"echelon-{self.echelon}" + (f"-{self.part}" if self.parts > 1 else "")


def site_groups(document: Mapping[str, Any], panels: int = PANELS) -> list[SiteGroup]:
    """The sites of a network run by echelon, cut into figures of at most ``panels`` sites."""
    net = network_of(document)
    sites = list(document.get("by_site") or {})
    echelons = sorted({net.columns[s] for s in sites})
    groups = []
    for echelon in echelons:
        members = [s for s in sites if net.columns[s] == echelon]
        parts = math.ceil(len(members) / panels)
        for k in range(parts):
            chunk = members[k * panels : (k + 1) * panels]
            number = echelons.index(echelon) + 1
            groups.append(SiteGroup(number, chunk, k + 1, parts, k * panels + 1, len(members)))
    return groups


def group_title(group: SiteGroup, document: Mapping[str, Any]) -> str:
    """The figure's title, e.g. ``Stock at the sites, echelon 2 (store): sites 1-12 of 20``."""
    by_site = document.get("by_site") or {}
    kinds = sorted({str(by_site[s].get("kind") or "warehouse") for s in group.sites})
    title = f"Stock at the sites, echelon {group.echelon} ({', '.join(kinds).replace('_', ' ')})"
    if group.parts > 1:
        title += f": sites {group.first}-{group.first + len(group.sites) - 1} of {group.total}"
    return title


def sites_figure(
    stocks: Mapping[str, SiteStock],
    document: Mapping[str, Any],
    group: SiteGroup,
    *,
    max_points: int = MAX_POINTS,
) -> Figure:
    """Small multiples of the stock at one group of sites, one panel per site.

    Each panel: units on hand (blue, or one line per product when the site stocks at most
    :data:`MAX_PRODUCT_LINES`), units backordered (red, summed over its products), the warm-up
    shaded; its title names the site, its kind and its fill rate (``by_site``). Panels share
    their time axis.

    Raises:
        ValueError: When no site of the group has stock rows in the trace.
    """
    shown = [s for s in group.sites if s in stocks]
    if not shown:
        raise ValueError("the trace records no stock levels of these sites")
    cols = min(4, len(shown))
    rows = math.ceil(len(shown) / cols)
    # at least 7 inches wide: a lone site's panel reads like every other figure's
    fig = new_figure(max(7.0, 3.4 * cols + 0.4), 2.3 * rows + 0.8)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, squeeze=False)).ravel()
    warmup = num(document.get("warmup_days"))
    by_site = document.get("by_site") or {}
    end = max(float(stocks[s].time[-1]) for s in shown)
    for ax, sid in zip(axes, shown, strict=False):
        s = stocks[sid]
        shade(ax, warmup, label=False)
        if len(s.products) <= MAX_PRODUCT_LINES:
            for i, pid in enumerate(s.products):
                t, y = s.by_product[pid]
                colour = PRODUCT_COLOURS[i % len(PRODUCT_COLOURS)]
                ax.step(*thin(t, y, max_points), where="post", lw=0.9, color=colour, label=pid)
        else:
            label = f"on hand, {len(s.products)} products"
            ax.step(
                *thin(s.time, s.on_hand, max_points),
                where="post",
                lw=0.9,
                color=COLOURS["on_hand"],
                label=label,
            )
        if s.backorders.any():
            ax.step(
                *thin(s.time, s.backorders, max_points),
                where="post",
                lw=0.9,
                color=COLOURS["backorders"],
                label="backordered",
            )
        row = by_site.get(sid) or {}
        kind = str(row.get("kind") or "warehouse").replace("_", " ")
        fill = row.get("fill_rate")
        words = f"{sid} ({kind})"
        if num(fill) is not None:
            words += f": fill rate {numbers.fmt('fill_rate', fill)}"
        ax.set_title(words, fontsize="small")
        ax.set_ylim(bottom=0)
        ax.set_xlim(0, end)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize="x-small")
        ax.legend(loc="upper right", fontsize="x-small", framealpha=0.8)
    for ax in axes[len(shown) :]:
        ax.set_axis_off()
    for ax in axes[(rows - 1) * cols :]:
        ax.set_xlabel("time (days)", fontsize="small")
    for ax in axes[::cols]:
        ax.set_ylabel("units", fontsize="small")
    fig.suptitle(group_title(group, document))
    return fig
