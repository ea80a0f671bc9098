"""The optimisation's ``report.html``: one self-contained page (Jinja2) with its PNG figures.

Figures (also written to ``figures/``, and embedded in the page so that it travels alone):
convergence of the best feasible objective over the trials, the objective against each decision
variable, feasible and infeasible settings against each constraint, and, with two objectives,
the Pareto front of the settings that meet the constraints on average.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from simulator import kpis
from simulator.io import atomic_write_bytes, atomic_write_text
from simulator.optimize.candidates import Candidate, feasible_on_mean, signed
from simulator.optimize.problem import BASE
from simulator.outputs import FIGURES_DIR
from simulator.report.numbers import difference, fmt, mean_pm, p_value, ticks
from simulator.report.numbers import signed as signed_text

if TYPE_CHECKING:
    from simulator.optimize.result import OptimizationResult

_COLOURS = {"feasible": "#1b7837", "infeasible": "#b2182b", "line": "#2166ac"}


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _axes(title: str, xlabel: str, ylabel: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.yaxis.set_major_formatter(FuncFormatter(ticks))
    return fig, ax


def _valid(result: OptimizationResult) -> list[Candidate]:
    return [c for c in result.outcome.candidates if not c.error and c.runs]


def _convergence(result: OptimizationResult) -> bytes:
    setup = result.setup
    kpi = setup.objectives[0]
    fig, ax = _axes("Convergence", "trial", kpis.label(kpi))
    xs, ys, colours, best, best_x = [], [], [], [], []
    incumbent = None
    for row in result.outcome.trials:
        told = row.get(f"told.{kpi}")
        if told is None:
            continue
        ok = row.get("told_feasible") is not False
        xs.append(row["trial"])
        ys.append(told)
        colours.append(_COLOURS["feasible" if ok else "infeasible"])
        if ok and (incumbent is None or signed(setup, 0, told) < signed(setup, 0, incumbent)):
            incumbent = told
        if incumbent is not None:
            best_x.append(row["trial"])
            best.append(incumbent)
    ax.scatter(xs, ys, c=colours, s=14, alpha=0.7)
    ax.step(best_x, best, where="post", color=_COLOURS["line"], label="best meeting constraints")
    if best:
        ax.legend(loc="best", fontsize=8)
    return _png(fig)


def _against_variable(result: OptimizationResult, path: str) -> bytes:
    setup = result.setup
    kpi = setup.objectives[0]
    fig, ax = _axes(f"{kpis.label(kpi)} against {path}", path, kpis.label(kpi))
    for c in _valid(result):
        value = c.settings[path]
        x = value if isinstance(value, int | float) else json.dumps(value)
        ok = feasible_on_mean(setup, c)
        ax.scatter(
            [x],
            [c.mean(kpi)],
            s=10 + 4 * len(c.runs),
            color=_COLOURS["feasible" if ok else "infeasible"],
            alpha=0.7,
        )
    return _png(fig)


def _against_constraint(result: OptimizationResult, index: int) -> bytes:
    setup = result.setup
    con = setup.opt.constraints[index]
    kpi = setup.objectives[0]
    fig, ax = _axes(f"Settings against {con}", kpis.label(con.kpi), kpis.label(kpi))
    for c in _valid(result):
        ok = feasible_on_mean(setup, c)
        ax.scatter(
            [c.mean(con.kpi)],
            [c.mean(kpi)],
            s=10 + 4 * len(c.runs),
            color=_COLOURS["feasible" if ok else "infeasible"],
            alpha=0.7,
        )
    ax.axvline(con.bound, color="black", linestyle="--", linewidth=1, label=str(con))
    ax.legend(loc="best", fontsize=8)
    return _png(fig)


def pareto_front(result: OptimizationResult) -> list[Candidate]:
    """The settings meeting the constraints on average that no other such setting dominates."""
    setup = result.setup
    points = []
    for c in _valid(result):
        means = [c.mean(k) for k in setup.objectives]
        if feasible_on_mean(setup, c) and None not in means:
            points.append((c, [signed(setup, i, m) for i, m in enumerate(means)]))
    front = []
    for c, p in points:
        dominated = any(
            all(q_i <= p_i for q_i, p_i in zip(q, p, strict=True)) and q != p for _, q in points
        )
        if not dominated:
            front.append(c)
    return sorted(front, key=lambda c: c.mean(setup.objectives[0]))


def _pareto(result: OptimizationResult) -> bytes:
    setup = result.setup
    a, b = setup.objectives
    fig, ax = _axes("Pareto front", kpis.label(a), kpis.label(b))
    for c in _valid(result):
        ok = feasible_on_mean(setup, c)
        ax.scatter(
            [c.mean(a)],
            [c.mean(b)],
            s=14,
            color=_COLOURS["feasible" if ok else "infeasible"],
            alpha=0.5,
        )
    front = pareto_front(result)
    ax.plot([c.mean(a) for c in front], [c.mean(b) for c in front], "o-", color=_COLOURS["line"])
    return _png(fig)


def figures(result: OptimizationResult) -> list[tuple[str, str, bytes]]:
    """Every figure as ``(file name, caption, PNG)``."""
    setup = result.setup
    out = [
        (
            "fig-convergence.png",
            "Each trial's estimate when it was told (green: meets the constraints on average, "
            "red: misses one) and the best so far.",
            _convergence(result),
        )
    ]
    for i, path in enumerate(setup.opt.variables):
        out.append(
            (
                f"fig-variable-{i}.png",
                f"The first objective against {path}; a dot per setting, larger with more "
                "replications.",
                _against_variable(result, path),
            )
        )
    for i, con in enumerate(setup.opt.constraints):
        out.append(
            (
                f"fig-constraint-{i}.png",
                f"Feasible (green) and infeasible (red) settings: {con}, on the search's means.",
                _against_constraint(result, i),
            )
        )
    if len(setup.objectives) == 2:
        out.append(
            (
                "fig-pareto.png",
                "Both objectives; the line joins the settings no other feasible one beats on both.",
                _pareto(result),
            )
        )
    return out


def _finalist_rows(result: OptimizationResult) -> list[dict[str, Any]]:
    from simulator.optimize.text import setting_text

    setup, cmp = result.setup, result.comparison
    kpi, money = setup.objectives[0], setup.base.currency
    rows = []
    for f in [*cmp.finalists, cmp.base]:
        d = cmp.pairs.get((BASE, f.name))
        rows.append(
            {
                "name": f.name,
                "winner": f is cmp.winner,
                "settings": [
                    setting_text(f.candidate.settings[p]) if p in f.candidate.settings else "(base)"
                    for p in setup.opt.variables
                ],
                "kpis": [
                    mean_pm(k, f.intervals[k].mean, f.intervals[k].half_width, money)
                    for k in setup.measured
                ],
                "checks": [
                    f"{fmt(c.constraint.split()[0], c.bound, money)} "
                    f"{'holds' if c.holds else 'fails'}"
                    for c in f.checks
                ],
                "vs_base": ""
                if d is None
                else f"{difference(kpi, d.mean, d.low, d.high, money)}, p {p_value(d.p_value)}",
            }
        )
    return rows


def _pairs(result: OptimizationResult) -> list[list[str]]:
    cmp = result.comparison
    kpi, money = result.setup.objectives[0], result.setup.base.currency
    names = [f.name for f in cmp.finalists]
    out = []
    for a in names:
        row = [a]
        for b in names:
            d = cmp.pairs.get((a, b))
            row.append(
                "" if d is None else f"{signed_text(kpi, d.mean, money)} (p {p_value(d.p_value)})"
            )
        out.append(row)
    return out


def write_report(folder: Path, result: OptimizationResult) -> Path:
    """Write ``report.html`` and ``figures/*.png`` into ``folder``; return the page's path."""
    from simulator.optimize.text import summary

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    shown = []
    for name, caption, png in figures(result):
        atomic_write_bytes(folder / FIGURES_DIR / name, png)
        shown.append({"caption": caption, "data": base64.b64encode(png).decode("ascii")})
    setup = result.setup
    html = env.get_template("report.html.j2").render(
        setup=setup,
        variables=setup.opt.variables,
        summary=summary(result),
        finalists=_finalist_rows(result),
        measured=setup.measured,
        names=[f.name for f in result.comparison.finalists],
        pairs=_pairs(result),
        figures=shown,
        front=[c.settings for c in pareto_front(result)] if len(setup.objectives) == 2 else [],
    )
    return atomic_write_text(folder / "report.html", html)
