"""The verdict table of an experiment for the terminal: each variant against the baseline.

Per KPI: the baseline's mean, each variant's mean, the paired difference with its interval, the
p-value and whether the difference is significant (and better or worse, where the KPI has a
direction). Numbers are formatted by :mod:`simulator.report.numbers`; money carries the
scenario's currency, when it names one.
"""

from __future__ import annotations

from simulator.experiment.design import point_text
from simulator.experiment.summary import ExperimentResults
from simulator.report.numbers import difference, mean_pm, p_value, significance
from simulator.report.tables import grid

#: Sweep points shown in the terminal table; the rest are in comparison.csv.
MAX_POINTS_SHOWN = 12


def comparison_table(results: ExperimentResults) -> str:
    """The verdict table: per KPI, the baseline, each variant, the paired difference, its CI."""
    conf = f"{100 * results.confidence:g}%"
    n_points = len(results.points)
    lines = [
        f"Experiment {results.name!r}: {len(results.variants)} variants x {n_points} "
        f"point{'s' if n_points != 1 else ''} x {results.replications} replications "
        f"= {len(results.runs)} runs, seed {results.seed}, common random numbers",
        f"Means ± half-width of the {conf} confidence interval; differences are paired "
        f"(variant - baseline, replication by replication).",
        "",
    ]
    summary = {(s["variant"], s["point"], s["kpi"]): s for s in results.summary}
    money = results.currency
    others = [v for v in results.variants if v != results.baseline]
    for p, point in enumerate(results.points[:MAX_POINTS_SHOWN]):
        if point:
            lines.append(f"Point {p}: {point_text(point)}")
        rows = []
        cmp = {(c["variant"], c["kpi"]): c for c in results.comparison if c["point"] == p}
        for kpi in results.kpis:
            base = summary[(results.baseline, p, kpi)]
            first = [kpi, mean_pm(kpi, base["mean"], base["half_width"], money)]
            if not others:
                rows.append([*first, "", "", "", "", ""])
            for i, v in enumerate(others):
                c = cmp[(v, kpi)]
                diff = difference(kpi, c["difference"], c["ci_low"], c["ci_high"], money)
                sig = significance(c["significant"], c["verdict"])
                rows.append(
                    [
                        *(first if i == 0 else ["", ""]),
                        v,
                        mean_pm(kpi, c["variant_mean"], c["variant_half_width"], money),
                        diff,
                        p_value(c["p_value"]),
                        sig,
                    ]
                )
        header = (
            "kpi",
            f"{results.baseline} (baseline)",
            "variant",
            "mean",
            f"difference [{conf} CI]",
            "p-value",
            "significant",
        )
        lines += [grid(header, rows), ""]
    if n_points > MAX_POINTS_SHOWN:
        lines.append(f"... and {n_points - MAX_POINTS_SHOWN} more points: see comparison.csv")
    return "\n".join(lines).rstrip() + "\n"
