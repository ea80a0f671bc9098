"""Customers over time: each segment's active, new and churned customers, what they say and feel.

:func:`customer_days_figure` takes the daily rows of a run (``RunResult.customers_daily``, or
``customers_daily.csv`` read by :func:`simulator.report.folders.load_customer_days`), one tuple
per segment and day in the columns of :data:`simulator.customer_days.COLUMNS`, and draws one
column of panels per segment, over the whole run with the warm-up shaded. Rows without the
satisfaction bands (:data:`simulator.customer_days.COUNT_COLUMNS` only) draw no band panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from simulator.customer_days import BAND_COLUMNS, BANDS, COLUMNS
from simulator.report import numbers
from simulator.report.figures.common import COLOURS, fixed_grid, shade_warmup

_COL = {name: i for i, name in enumerate(COLUMNS)}

#: Colours of the survey groups: promoters green, the rest grey, detractors red.
GROUP_COLOURS = {
    "promoters": COLOURS["better"],
    "passive or not asked": "#c7c7c7",
    "detractors": COLOURS["worse"],
}

#: Colours of the satisfaction bands, lowest first: red through yellow to green.
BAND_COLOURS = tuple(
    matplotlib.colors.to_hex(c)
    for c in matplotlib.colormaps["RdYlGn"]((np.arange(len(BANDS)) + 0.5) / len(BANDS))
)


def segment_days(rows: Iterable[Sequence[Any]]) -> dict[str, dict[str, np.ndarray]]:
    """The daily rows by segment, as one array per column (``day``, ``active``, ``new``, ...)."""
    by: dict[str, list[Sequence[Any]]] = {}
    for row in rows:
        by.setdefault(str(row[_COL["segment"]]), []).append(row)
    out = {}
    for segment, mine in by.items():
        width = len(mine[0])  # the counts alone, or with the satisfaction bands
        out[segment] = {
            name: np.asarray([float(r[i]) for r in mine])
            for name, i in _COL.items()
            if name != "segment" and i < width
        }
    return out


def band_shares(days: dict[str, np.ndarray]) -> np.ndarray | None:
    """A segment's active customers per satisfaction band as shares of them, one row per band.

    ``days`` is one segment of :func:`segment_days`; ``None`` without the band columns. A day
    with no active customer has no shares (NaN).
    """
    if BAND_COLUMNS[0] not in days:
        return None
    active = np.where(days["active"] > 0, days["active"], np.nan)
    return np.vstack([days[name] / active for name in BAND_COLUMNS])


def _mark_warmup(ax: Any, warmup: float | None) -> None:
    """Shade the warm-up, and draw its end on top of what covers the shade (stacked shares)."""
    shade_warmup(ax, warmup, label=False)
    if warmup and warmup > 0:
        ax.axvline(warmup, color=COLOURS["neutral"], lw=0.8, ls="--", zorder=3)


def customer_days_figure(rows: Iterable[Sequence[Any]], warmup: float | None = None) -> Figure:
    """Each segment's customers per day: one column of four panels per segment.

    From the top: active customers at the end of each day; new customers (up, green) and
    churned customers (down, red) of each day; the active customers by their last survey answer,
    as shares of the active customers: promoters (9-10), detractors (0-6), and the rest (7-8, or
    not asked yet); the active customers by satisfaction band (0-0.1 red to 0.9-1 green), as
    shares of the active customers, stacked from the lowest band up. The warm-up is shaded and
    its end marked. Rows without the band columns draw the first three panels.

    Raises:
        ValueError: no rows (customers never leave in this run: ``behaviour: none``).
    """
    days = segment_days(rows)
    if not days:
        raise ValueError("no daily customer rows (customers who remember: behaviour)")
    names = list(days)
    shares = {name: band_shares(d) for name, d in days.items()}
    banded = all(s is not None for s in shares.values())
    fig, axes = fixed_grid(
        max(6.0, 4.6 * len(names) + 1.3),
        10.6 if banded else 8.2,
        4 if banded else 3,
        len(names),
        margins=(0.85, 0.85, 0.55, 0.65),
        gaps=(0.55, 0.8),
        sharex="col",
        height_ratios=[1.0, 0.8, 1.0, 1.0] if banded else [1.0, 0.8, 1.0],
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
        _mark_warmup(low, warmup)
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
        low.legend(fontsize="small", loc="lower left", framealpha=0.85)
        if banded:
            low = axes[3][col]
            _band_panel(low, name, end, shares[name], warmup, scale=col == len(names) - 1)
        low.set_xlabel("simulated day")
        low.set_xlim(0.0, float(end[-1]))
    return fig


def _band_panel(
    ax: Any, name: str, end: np.ndarray, shares: np.ndarray, warmup: float | None, scale: bool
) -> None:
    """The active customers by satisfaction band, stacked lowest first; ``scale``: a colour bar."""
    _mark_warmup(ax, warmup)
    ax.stackplot(end, shares, colors=BAND_COLOURS, step="post", lw=0.0)
    ax.set_ylim(0.0, 1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(f"{name}: active customers by satisfaction", fontsize="medium")
    if scale:  # one colour bar beside the last column: a band's colour, bottom (0) to top (1)
        edges = [lo for lo, _hi in BANDS] + [BANDS[-1][1]]
        bar = ScalarMappable(BoundaryNorm(edges, len(BANDS)), ListedColormap(BAND_COLOURS))
        cax = ax.inset_axes((1.03, 0.0, 0.035, 1.0))
        ax.figure.colorbar(bar, cax=cax, ticks=edges[::2])
        cax.set_ylabel("satisfaction", fontsize="small")
        cax.tick_params(labelsize="small")
