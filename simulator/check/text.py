"""Terminal text of a check: the reduction or its obstacles, and theory beside simulation."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.check.agreement import Agreement
from simulator.check.cases import Reduction
from simulator.report.numbers import fmt, mean_pm
from simulator.report.tables import grid


def reduction_text(file: str, reduction: Reduction) -> str:
    """What ``file`` reduces to, or each part that stops it, one per line."""
    if reduction.case is None:
        lines = [f"{file} does not reduce to a textbook case; what stops it:"]
        lines += [f"  {path}: {reason}" for path, reason in reduction.obstacles]
        return "\n".join(lines)
    case = reduction.case
    return f"{file} reduces to: {case.name}\n  product {case.product}: {case.setting}"


def _verdict(a: Agreement, kpi: str) -> str:
    return "yes" if a.inside(kpi) else "NO"


def agreement_text(a: Agreement) -> str:
    """One scenario's KPIs: theory, simulated mean with its interval, and whether theory is in."""
    first = next(iter(a.intervals.values()))
    rows = [
        (kpi, fmt(kpi, a.case.theory[kpi]), mean_pm(kpi, ci.mean, ci.half_width), _verdict(a, kpi))
        for kpi, ci in a.intervals.items()
    ]
    head = (
        f"{first.n} replications x {a.days:,.0f} days in {a.seconds:.1f} s; "
        f"{first.confidence:.0%} t intervals"
    )
    table = grid(
        ("KPI", "theory", f"simulated (± {first.confidence:.0%} half-width)", "inside"), rows
    )
    return head + "\n\n" + table


def self_text(agreements: Sequence[Agreement]) -> str:
    """The agreement table of every textbook case, as in docs/theory.md, and a summary line."""
    rows = []
    for a in agreements:
        for kpi, ci in a.intervals.items():
            truth = a.case.theory[kpi]
            rel = ci.half_width / abs(truth) if ci.half_width is not None and truth else None
            rows.append(
                (
                    a.label,
                    kpi,
                    mean_pm(kpi, ci.mean, ci.half_width),
                    fmt(kpi, truth),
                    "n/a" if rel is None else f"{rel:.2%}",
                    _verdict(a, kpi),
                )
            )
    inside = sum(a.inside(k) for a in agreements for k in a.intervals)
    total = sum(len(a.intervals) for a in agreements)
    first = next(iter(agreements[0].intervals.values()))
    header = ("scenario", "KPI", "simulated (mean ± half-width)", "theory", "half/theory", "inside")
    seconds = sum(a.seconds for a in agreements)
    summary = (
        f"{inside} of {total} closed forms inside their {first.confidence:.0%} intervals "
        f"({first.n} replications x {agreements[0].days:,.0f} days each, {seconds:.1f} s). "
        f"A {first.confidence:.0%} interval misses the truth {1 - first.confidence:.0%} of the "
        "time: a miss that comes and goes with --seed is chance, one that stays is a bug."
    )
    return grid(header, rows) + "\n\n" + summary
