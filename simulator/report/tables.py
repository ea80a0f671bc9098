"""Plain-text tables of a run's KPIs, readable in a terminal and in a log file.

KPIs are grouped and ordered as the KPI registry (:mod:`simulator.kpis`) says, and formatted by
:mod:`simulator.report.numbers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulator import kpis
from simulator.report.numbers import fmt, mean_pm


def grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to width; first column left-aligned, the rest right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_table(
    doc: dict[str, Any], show_empty_groups: bool = False, currency: str | None = None
) -> str:
    """The KPI table of one run, grouped, followed by per-product and per-supplier tables.

    Money carries ``currency`` (the scenario's ``currency``), when given.
    """
    values = doc["kpis"]
    out = [
        f"Scenario {doc['scenario']!r}  seed {doc['seed']}  replication {doc.get('replication', 0)}"
        f"  horizon {doc['horizon_days']:g} days after {doc['warmup_days']:g} days of warm-up",
        "",
    ]
    for title in kpis.GROUPS:
        names = kpis.in_group(title)
        rows = [(n, fmt(n, values.get(n), currency)) for n in names if n in values]
        if not show_empty_groups and all(values.get(n) is None for n in names):
            continue
        out += [grid((title, "value"), rows), ""]
    reasons = doc.get("churn_reasons")
    if reasons:
        total = sum(reasons.values())
        rows = [(name, f"{n:,}", f"{100 * n / total:.1f}%") for name, n in reasons.items()]
        out += [grid(("churn reason", "customers", "share"), rows), ""]
    products = doc.get("by_product") or {}
    if products:
        cols = ("fill_rate", "on_time_rate", "on_hand_mean", "backorders_mean", "lost_sales_units")
        rows = [[pid] + [fmt(c, row.get(c)) for c in cols] for pid, row in products.items()]
        out += [grid(("product", *cols), rows), ""]
    suppliers = doc.get("suppliers") or {}
    if suppliers:
        cols = ("on_time_rate", "dppm", "lead_time_days_mean", "disruption_days", "cost_purchase")
        rows = [
            [sid] + [fmt(c, row.get(c), currency) for c in cols] for sid, row in suppliers.items()
        ]
        out += [grid(("supplier", *cols), rows), ""]
    policies = doc.get("policies") or {}
    if policies:
        rows = [
            [pid, p["type"], ", ".join(f"{k}={fmt(k, v)}" for k, v in p.items() if k != "type")]
            for pid, p in policies.items()
        ]
        out += [grid(("product", "policy", "resolved parameters"), rows), ""]
    return "\n".join(out).rstrip() + "\n"


def intervals_table(
    title: str, intervals: dict[str, Any], replications: int, confidence: float
) -> str:
    """Each KPI's mean ± half-width over replications, grouped as :func:`run_table` groups them.

    ``intervals`` maps a KPI to an object with ``mean`` and ``half_width``
    (:class:`simulator.stats.Interval`).
    """
    out = [
        f"{title}  mean ± half-width of the {confidence:.0%} interval over {replications} "
        "replications (common random numbers)",
        "",
    ]
    for group in kpis.GROUPS:
        names = [n for n in kpis.in_group(group) if n in intervals]
        rows = [(n, mean_pm(n, intervals[n].mean, intervals[n].half_width)) for n in names]
        if rows and any(intervals[n].mean is not None for n in names):
            out += [grid((group, "mean ± half-width"), rows), ""]
    return "\n".join(out).rstrip() + "\n"
