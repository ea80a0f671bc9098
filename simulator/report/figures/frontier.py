"""The service-versus-cost frontier of an experiment: one curve per variant through its points.

Which KPIs it draws comes from the KPI registry: service is a rate of the ``Service`` group, cost
a ``Money`` KPI where less is better (holding cost and total cost first: inventory bought for
service, and the whole bill).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from simulator import kpis as registry
from simulator.report.figures.common import fixed_grid, format_axis, num
from simulator.report.figures.experiment import (
    colours_of,
    confidence_text,
    design_points,
    experiment_kpis,
    experiment_variants,
    sweep_x,
)

#: The costs a frontier draws first: holding cost is the classic trade-off with service
#: (inventory bought for service), total cost the whole bill.
FIRST_COSTS = ("cost_holding", "cost_total")


def service_kpis() -> list[str]:
    """Service KPIs a frontier can draw, best first: the registry's service rates, in order."""
    return [k for k in registry.in_group("Service") if registry.is_rate(k)]


def cost_kpis() -> list[str]:
    """Cost KPIs a frontier can draw, best first: money where less is better, from the registry."""
    costs = [
        k
        for k in registry.in_group("Money")
        if registry.kind(k) == "money" and registry.direction(k) is False
    ]
    return [*FIRST_COSTS, *(k for k in costs if k not in FIRST_COSTS)]


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
    costs, services = _pick(kpis, cost_kpis(), 2), _pick(kpis, service_kpis(), 1)
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
    colours: Mapping[str, str] | None = None,
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
        colours: each variant's colour, the same in every figure of a page (default:
            :func:`~simulator.report.figures.experiment.colours_of`, the first variant as the
            baseline).
    """
    if not summary:
        raise ValueError("no summary rows")
    if cost is None or service is None:
        costs, default_service = frontier_kpis(experiment_kpis(summary))
        cost = costs if cost is None else cost
        service = service or default_service
    costs = [cost] if isinstance(cost, str) else list(cost)
    variants = experiment_variants(summary)
    points = design_points(summary)
    swept = len(points) > 1
    xs, xlabel, labels, numeric = sweep_x(summary, parameter)
    order = sorted(points, key=lambda p: xs[p])
    by = {(str(r["variant"]), r["point"], str(r["kpi"])): r for r in summary}
    conf = confidence_text(summary)
    base = variants[0] if variants else ""
    colours = colours or colours_of(variants, base)
    fig, grid = fixed_grid(
        5.2 * len(costs) + 1.0,
        5.5,
        1,
        len(costs),
        margins=(1.0, 0.25, 0.8, 0.65),
        gaps=(0.0, 0.35),
        sharey=True,
    )
    axes = grid[0]
    for ax, c in zip(axes, costs, strict=True):
        for v in variants:
            cx, cy, ex, ey, tags = [], [], [[], []], [[], []], []
            for p in order:
                rc, rs = by.get((v, p, c)), by.get((v, p, service))
                if rc is None or rs is None:
                    continue
                mx, my = num(rc.get("mean")), num(rs.get("mean"))
                if mx is None or my is None:
                    continue
                cx.append(mx)
                cy.append(my)
                for err, row, m in ((ex, rc, mx), (ey, rs, my)):
                    lo, hi = num(row.get("ci_low")), num(row.get("ci_high"))
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
        ax.set_xlabel(f"{registry.label(c)}: mean, {conf} CI")
        format_axis(ax.xaxis, c)
        format_axis(ax.yaxis, service)
        ax.set_title(f"{registry.label(service)} against {registry.label(c)}", fontsize="medium")
        ax.legend(title="variant", fontsize="small")
        ax.grid(alpha=0.3)
        ax.margins(0.12)
    axes[0].set_ylabel(f"{registry.label(service)}: mean, {conf} CI")
    title = "Service versus cost"
    if swept:
        title += f": points labelled by {xlabel}"
    fig.suptitle(title, fontsize="medium")
    return fig
