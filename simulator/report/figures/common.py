"""What every figure shares: the canvas, colours, number reading, axis ticks, thinning, ids."""

from __future__ import annotations

import math
import re
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from simulator.report import numbers

#: Longest series drawn point for point; longer ones are thinned (see :func:`thin`).
MAX_POINTS = 20_000

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


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas, laid out by matplotlib's constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def fixed_grid(
    width: float,
    height: float,
    rows: int,
    cols: int,
    *,
    margins: tuple[float, float, float, float] = (0.9, 0.3, 0.9, 0.7),
    gaps: tuple[float, float] = (0.9, 0.9),
    **subplots: Any,
) -> tuple[Figure, np.ndarray]:
    """A figure with a ``rows`` x ``cols`` grid of panels, laid out once with fixed margins.

    ``margins`` are (left, right, top, bottom) and ``gaps`` (between rows, between columns),
    in inches. Without a layout engine the figure is measured once, when it is drawn: a grid
    of eight panels draws in half the time of a constrained layout, which measures every tick
    label before each draw; titles sit at a fixed height above their panel (not moved clear of
    tick labels measured at each draw). For figures whose text has a known size (titles, short
    tick labels): margins in inches stay right whatever the number of panels.

    Returns:
        The figure and its axes as a 2-D array (``fig.subplots(..., squeeze=False)``).
    """
    left, right, top, bottom = margins
    hgap, wgap = gaps
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    panel_h = max(0.1, (height - top - bottom - (rows - 1) * hgap) / rows)
    panel_w = max(0.1, (width - left - right - (cols - 1) * wgap) / cols)
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=hgap / panel_h,
        wspace=wgap / panel_w,
    )
    # titles at a fixed height above their panel: matplotlib otherwise measures every tick label
    # of the axes at each draw to move the title clear of them (a quarter of a grid's draw)
    with matplotlib.rc_context({"axes.titley": 1.0}):
        return fig, fig.subplots(rows, cols, squeeze=False, **subplots)


def num(value: Any) -> float | None:
    """A number, or ``None`` for ``None``, NaN, a blank trace cell and what is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def count(value: Any) -> int | None:
    """A whole number of units, or ``None`` for a blank (trace rows hold ints or blanks)."""
    if type(value) is int:  # the common case, fast
        return value
    x = num(value)
    return None if x is None else int(x)


def format_axis(axis: Any, kpi: str, difference: bool = False) -> None:
    """Percent ticks for rates (percentage points for their differences), separators otherwise.

    Whether a KPI is a rate comes from the KPI registry (:func:`simulator.report.numbers.is_rate`).
    """
    if not numbers.is_rate(kpi):
        axis.set_major_formatter(FuncFormatter(numbers.ticks))
    elif difference:
        axis.set_major_formatter(
            FuncFormatter(lambda x, _p: "0" if x == 0 else numbers.signed(kpi, x))
        )
    else:
        axis.set_major_formatter(PercentFormatter(1.0))


def shade_warmup(ax: Any, warmup: float | None, label: bool = True) -> None:
    """Shade the warm-up (from 0 to its end), which every KPI leaves out."""
    if warmup and warmup > 0:
        ax.axvspan(
            0,
            warmup,
            color=WARMUP_SHADE,
            zorder=0,
            label="warm-up (not measured)" if label else None,
        )


def plain(text: object) -> str:
    r"""``text`` as matplotlib shows it literally: a ``$`` is a dollar, never the start of TeX.

    Every label, tick and title built from what a user wrote (a sweep value such as
    ``$\frac{1}{$``) goes through here; matplotlib would otherwise parse it as mathtext and
    fail on what is not valid TeX.
    """
    return str(text).replace("$", r"\$")


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
