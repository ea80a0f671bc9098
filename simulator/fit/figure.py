"""The figure of a fit: the data's histogram with the fitted curves, and a Q-Q plot of the best.

Drawn on matplotlib's Agg canvas without pyplot, so it works without a display and in threads.
Whole-number data are shown as the share of each value, with each family's probability of that
value (a continuous family's probability of the interval that rounds to it); fractional data as
a density histogram with each family's density.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simulator.fit.ranking import Ranking
from simulator.io import atomic_write_bytes

#: How many ranked families are drawn over the histogram.
CURVES = 4


def fit_figure(title: str, ranking: Ranking) -> Figure:
    """Histogram with the best :data:`CURVES` fitted families, and a Q-Q plot of the best."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    FigureCanvasAgg(fig)
    hist, qq = fig.subplots(1, 2, width_ratios=(3, 2))
    x = ranking.sample.values
    fitted = [c for c in ranking.candidates if c.estimate is not None][:CURVES]
    if ranking.whole:
        k, n = np.unique(x, return_counts=True)
        hist.bar(k, n / len(x), width=0.8, color="0.8", label="data")
        grid = np.arange(int(x.min()), int(x.max()) + 1)
        for c in fitted:
            dist = c.estimate.frozen()
            if c.estimate.family.discrete:
                p = dist.pmf(grid)
            else:
                p = dist.cdf(grid + 0.5) - dist.cdf(grid - 0.5)
            hist.plot(grid, p, marker="o", markersize=3, label=c.name)
        hist.set_ylabel("share of observations")
    else:
        hist.hist(x, bins="auto", density=True, color="0.8", label="data")
        grid = np.linspace(0, x.max() * 1.05, 400)
        for c in fitted:
            hist.plot(grid, c.estimate.frozen().pdf(grid), label=c.name)
        hist.set_ylabel("density")
    hist.set_xlabel(title)
    hist.set_title(f"{title}: data and fitted families (n = {len(x):,})")
    hist.legend(frameon=False)
    best = fitted[0] if fitted else None
    if best is not None:
        probs = (np.arange(1, len(x) + 1) - 0.5) / len(x)
        theory = best.estimate.frozen().ppf(probs)
        qq.scatter(theory, np.sort(x), s=6, color="C0")
        top = max(float(np.nanmax(theory[np.isfinite(theory)])), float(x.max()))
        qq.plot([0, top], [0, top], color="0.4", linewidth=1)
        qq.set_xlabel(f"{best.name} quantile")
        qq.set_ylabel("observed quantile")
        qq.set_title(f"Q-Q plot: {best.name}")
    return fig


def write_figure(path: str | Path, title: str, ranking: Ranking) -> Path:
    """Draw :func:`fit_figure` and save it as a PNG at ``path``, atomically."""
    buf = io.BytesIO()
    fit_figure(title, ranking).savefig(buf, format="png", dpi=110)
    return atomic_write_bytes(path, buf.getvalue())
