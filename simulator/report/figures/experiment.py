"""An experiment's verdict in pictures: means and paired differences, at one point or a sweep.

Functions take the experiment's summary and comparison rows (``ExperimentResults.summary`` and
``.comparison``, in memory or summarised again from a folder's store by
:func:`simulator.report.folders.read_experiment_folder`). Error bars are the rows' own interval
bounds; panel titles are the KPI registry's labels (``Fill rate (%)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from simulator import kpis as registry
from simulator.report import numbers
from simulator.report.figures.common import COLOURS, fixed_grid, format_axis, num, plain
from simulator.report.figures.labels import parameter_label, parameters_label


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


def design_points(rows: Iterable[Mapping[str, Any]]) -> list[int]:
    """The design points (sweep point indices) of summary or comparison rows, in order."""
    return sorted({r["point"] for r in rows})


def baseline_variant(comparison: Sequence[Mapping[str, Any]], variants: Sequence[str]) -> str:
    """The baseline named by the comparison rows (the first variant without any)."""
    for row in comparison:
        if row.get("baseline"):
            return str(row["baseline"])
    return variants[0]


def _errorbar_args(mean: float | None, low: Any, high: Any) -> np.ndarray | None:
    """Asymmetric error-bar lengths ``[[below], [above]]``, or ``None`` without an interval."""
    lo, hi = num(low), num(high)
    if mean is None or lo is None or hi is None:
        return None
    return np.asarray([[mean - lo], [hi - mean]])


def _errors(centres: Sequence[float | None], rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Error-bar lengths ``[[below...], [above...]]`` of several points (0 without a bound)."""
    below, above = [], []
    for c, row in zip(centres, rows, strict=True):
        lo, hi = num(row.get("ci_low")), num(row.get("ci_high"))
        below.append(c - lo if c is not None and lo is not None else 0.0)
        above.append(hi - c if c is not None and hi is not None else 0.0)
    return np.asarray([below, above])


def _verdict_colour(verdict: Any) -> str:
    return COLOURS.get(str(verdict), COLOURS["neutral"])


def confidence_text(rows: Iterable[Mapping[str, Any]]) -> str:
    """The confidence level of summary or comparison rows, as text (``95%``)."""
    for row in rows:
        c = num(row.get("confidence"))
        if c is not None:
            return f"{100 * c:g}%"
    return "95%"


#: Variant colours: no green or red, which mean better and worse in the difference panels.
VARIANT_COLOURS = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
BASELINE_COLOUR = "#333333"


def variant_colour(index: int, baseline: bool = False) -> str:
    """The colour of the ``index``-th non-baseline variant (dark grey for the baseline)."""
    return BASELINE_COLOUR if baseline else VARIANT_COLOURS[index % len(VARIANT_COLOURS)]


def colours_of(variants: Sequence[str], base: str) -> dict[str, str]:
    """Each variant's colour: dark grey for the baseline, the others in turn.

    A report builds this map once and passes it to every figure, so a variant keeps its colour
    across the page.
    """
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
    colours: Mapping[str, str] | None = None,
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
        colours: each variant's colour, the same in every figure of a page (default:
            :func:`colours_of`).
    """
    summary = [r for r in summary if r["point"] == point]
    comparison = [r for r in comparison if r["point"] == point]
    if not summary:
        raise ValueError(f"no summary rows at point {point}")
    kpis = list(kpis) if kpis is not None else experiment_kpis(summary)
    variants = experiment_variants(summary)
    base = baseline_variant(comparison, variants)
    others = [v for v in variants if v != base]
    colours = colours or colours_of(variants, base)
    conf = confidence_text(summary)
    by = {(str(r["variant"]), str(r["kpi"])): r for r in summary}
    cmp = {(str(r["variant"]), str(r["kpi"])): r for r in comparison}
    fig, axes = fixed_grid(
        10 if others else 6,
        1.2 + 2.6 * len(kpis),
        len(kpis),
        2 if others else 1,
        margins=(0.95, 0.25, 0.85, 0.55),
        gaps=(0.95, 0.95),
        width_ratios=[1.15, 1] if others else None,
    )
    _explain(fig, base, conf, bool(others))
    for row_axes, kpi in zip(axes, kpis, strict=True):
        ax = row_axes[0]
        for i, v in enumerate(variants):
            row = by.get((v, kpi)) or {}
            mean = num(row.get("mean"))
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
        ax.set_title(registry.label(kpi), fontsize="medium")
        format_axis(ax.yaxis, kpi)
        ax.grid(axis="y", alpha=0.3)
        if not others:
            continue
        dx = row_axes[1]
        for j, v in enumerate(others):
            row = cmp.get((v, kpi)) or {}
            diff = num(row.get("difference"))
            colour = _verdict_colour(row.get("verdict"))
            dx.errorbar(
                [j],
                [np.nan if diff is None else diff],
                yerr=_errorbar_args(diff, row.get("ci_low"), row.get("ci_high")),
                fmt="o",
                ms=7,
                capsize=5,
                color=colour,
                mfc=colour if row.get("significant") is True else "white",
                label=v,
            )
        dx.axhline(0.0, color=BASELINE_COLOUR, lw=0.9, ls="--", label="no difference")
        dx.set_xticks(range(len(others)), others)
        dx.set_xlim(-0.6, len(others) - 0.4)
        dx.set_title(f"{registry.label(kpi)}: variant − {base}", fontsize="medium")
        format_axis(dx.yaxis, kpi, difference=True)
        dx.grid(axis="y", alpha=0.3)
    return fig


def sweep_x(
    summary: Sequence[Mapping[str, Any]], parameter: str | None
) -> tuple[dict[int, float], str, dict[int, str], bool]:
    """The x axis of a sweep: each point's position, the axis label, each point's label.

    The axis label is the parameter's readable label with its unit
    (:func:`~simulator.report.figures.labels.parameter_label`); the path itself is in the
    figure's caption.

    The last value says whether x is the swept parameter itself (one numeric parameter) or
    the design point's index (several parameters, or values that are not numbers). Labels
    are plain text (:func:`~simulator.report.figures.common.plain`): a swept value is what a
    user wrote.
    """
    params = sweep_parameters(summary)
    points = design_points(summary)
    first = {r["point"]: r for r in reversed(summary)}
    if parameter is None and len(params) == 1:
        parameter = params[0]
    if parameter is not None:
        values = {p: num(first[p].get(parameter)) for p in points}
        if all(v is not None for v in values.values()):
            labels = {p: plain(numbers.text(parameter, values[p])) for p in points}
            xs = {p: float(values[p]) for p in points}  # type: ignore[arg-type]
            return xs, plain(parameter_label(parameter)), labels, True
    labels = {
        p: plain(" / ".join(numbers.text(k, first[p].get(k)) for k in params) or p) for p in points
    }
    names = plain(parameters_label(params))
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
    colours: Mapping[str, str] | None = None,
) -> Figure:
    """A sweep's KPIs against the swept value: one row of panels per KPI.

    Left: each variant's mean at every sweep point with its confidence interval (one
    error-bar container per variant, in the summary's order). Right: each other variant's
    paired difference from the baseline at every point, with its interval, and a dashed zero
    line. The x axis is the swept parameter when there is one numeric parameter (or
    ``parameter`` names one), otherwise the design point's index. ``colours``: each variant's
    colour, as in :func:`comparison_figure`.
    """
    if not summary:
        raise ValueError("no summary rows")
    kpis = list(kpis) if kpis is not None else experiment_kpis(summary)
    variants = experiment_variants(summary)
    base = baseline_variant(comparison, variants)
    others = [v for v in variants if v != base]
    colours = colours or colours_of(variants, base)
    conf = confidence_text(summary)
    xs, xlabel, labels, numeric = sweep_x(summary, parameter)
    by = {(str(r["variant"]), r["point"], str(r["kpi"])): r for r in summary}
    cmp = {(str(r["variant"]), r["point"], str(r["kpi"])): r for r in comparison}
    points = sorted(xs, key=lambda p: xs[p])
    fig, axes = fixed_grid(
        10 if others else 6,
        1.6 + 2.5 * len(kpis) + (0 if numeric else 0.6),
        len(kpis),
        2 if others else 1,
        margins=(0.95, 0.25, 0.85, 0.75 if numeric else 1.35),
        gaps=(0.6, 0.95),
        sharex=True,
    )
    _explain(fig, base, conf, bool(others))
    for row_axes, kpi in zip(axes, kpis, strict=True):
        ax = row_axes[0]
        for v in variants:
            rows = [by.get((v, p, kpi)) or {} for p in points]
            means = [num(r.get("mean")) for r in rows]
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
        ax.set_title(registry.label(kpi), fontsize="medium")
        format_axis(ax.yaxis, kpi)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        if not others:
            continue
        dx = row_axes[1]
        for v in others:
            rows = [cmp.get((v, p, kpi)) or {} for p in points]
            diffs = [num(r.get("difference")) for r in rows]
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
        dx.set_title(f"{registry.label(kpi)}: variant − {base}", fontsize="medium")
        format_axis(dx.yaxis, kpi, difference=True)
        dx.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
        if not numeric:
            ax.set_xticks(points, [labels[p] for p in points], rotation=30, ha="right")
    return fig
