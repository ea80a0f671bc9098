"""The summary of an experiment: per design point means and intervals, paired differences, verdicts.

Replication r of every design point saw the same random numbers, so each variant is compared with
the baseline replication by replication (:func:`simulator.stats.paired_difference`); a verdict
reads the difference in the direction the KPI registry gives (:func:`simulator.kpis.direction`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from simulator import kpis
from simulator.experiment.design import Design
from simulator.report.numbers import NOT_SIGNIFICANT, unit
from simulator.stats import Interval, paired_difference, t_interval
from simulator.store import RunRecord

#: What to install for :meth:`ExperimentResults.to_pandas`.
PANDAS_MISSING = 'to_pandas() needs pandas, which is optional: pip install "supplysim[data]"'


class Tables(NamedTuple):
    """The three result tables as pandas DataFrames."""

    runs: Any
    summary: Any
    comparison: Any


@dataclass
class ExperimentResults:
    """What an experiment produced: tidy rows of runs, their summary and the comparisons."""

    name: str
    """The experiment's name."""
    baseline: str
    """The baseline variant."""
    variants: list[str]
    """Variant names, in file order."""
    points: list[dict[str, Any]]
    """Sweep points (one empty point without a sweep)."""
    kpis: list[str]
    """KPIs summarised and compared."""
    replications: int
    """Replications per design point."""
    seed: int
    """Root seed of every run."""
    confidence: float
    """Confidence level of every interval."""
    runs: list[dict[str, Any]]
    """One row per run: variant, point, parameters, replication, seed and every KPI."""
    summary: list[dict[str, Any]]
    """One row per variant, point and KPI: n, mean, sd, confidence interval."""
    comparison: list[dict[str, Any]]
    """One row per point, non-baseline variant and KPI: the paired difference with the
    baseline, its interval, p-value and verdict."""
    design_hash: str
    """Hash of the experiment definition the runs belong to."""
    currency: str | None = None
    """The base scenario's ``currency`` (money in the tables carries it), or ``None``."""
    out: Path | None = None
    """The results folder, when one was written."""
    executed: int = 0
    """Runs simulated by this call (the others came from the store)."""
    rerun: str = ""
    """What this call re-used from the folder's store and what changed since the design stored
    there ("" when the store held no run)."""
    seconds: float = 0.0
    """Wall-clock time of this call."""
    executor: dict[str, Any] = field(default_factory=dict)
    """What ran the runs (kind, workers, address)."""

    def to_pandas(self) -> Tables:
        """``(runs, summary, comparison)`` as pandas DataFrames.

        Raises:
            ImportError: pandas is not installed (it comes with the ``data`` extra).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(PANDAS_MISSING) from None
        return Tables(
            pd.DataFrame(self.runs), pd.DataFrame(self.summary), pd.DataFrame(self.comparison)
        )


def verdict(kpi: str, significant: bool | None, difference: float | None) -> str:
    """``better``, ``worse``, ``different`` (no preferred direction), ``not significant`` or ``""``.

    ``""`` when there is nothing to judge (fewer than two pairs). A difference whose interval
    holds zero is *not significant*, never "no difference": the runs cannot tell, which is not
    evidence of equality.
    """
    if significant is None or difference is None:
        return ""
    if not significant:
        return NOT_SIGNIFICANT
    higher = kpis.direction(kpi)
    if higher is None or difference == 0:
        return "different"
    return "better" if (difference > 0) == higher else "worse"


def _chosen(design: Design, records: Iterable[RunRecord], replications: int) -> list[RunRecord]:
    """The records of the first ``replications`` of the design, in design order."""
    order = {v: i for i, v in enumerate(design.variants)}
    return sorted(
        (
            r
            for r in records
            if r.variant in order and r.point < len(design.points) and r.replication < replications
        ),
        key=lambda r: (order[r.variant], r.point, r.replication),
    )


def _run_rows(design: Design, chosen: list[RunRecord]) -> list[dict[str, Any]]:
    """One row per run: where it sits in the design, its seed and every KPI any run reported."""
    names: dict[str, None] = {}
    for r in chosen:
        names.update(dict.fromkeys(r.kpis))
    return [
        {
            "variant": r.variant,
            "point": r.point,
            **design.points[r.point],
            "replication": r.replication,
            "seed": r.seed,
            **{k: r.kpis.get(k) for k in names},
        }
        for r in chosen
    ]


def summarise(design: Design, records: Iterable[RunRecord], replications: int) -> ExperimentResults:
    """The results tables of the first ``replications`` of every design point."""
    exp = design.experiment
    chosen = _chosen(design, records, replications)
    by_key = {r.key: r for r in chosen}

    def values(v: str, p: int, kpi: str) -> list[Any]:
        return [
            by_key[(v, p, r)].kpis.get(kpi) if (v, p, r) in by_key else None
            for r in range(replications)
        ]

    conf = exp.confidence
    currency = design.scenarios[(design.baseline, 0)].currency
    summary, comparison = [], []
    intervals: dict[tuple[str, int, str], Interval] = {}
    for v in design.variants:
        for p, point in enumerate(design.points):
            for kpi in design.kpis:
                ci = intervals[(v, p, kpi)] = t_interval(values(v, p, kpi), conf)
                summary.append(
                    {
                        "variant": v,
                        "point": p,
                        **point,
                        "kpi": kpi,
                        "unit": unit(kpi, currency),
                        "n": ci.n,
                        "mean": ci.mean,
                        "sd": ci.sd,
                        "ci_low": ci.low,
                        "ci_high": ci.high,
                        "half_width": ci.half_width,
                        "confidence": conf,
                    }
                )
    base = design.baseline
    for p, point in enumerate(design.points):
        for kpi in design.kpis:
            b = values(base, p, kpi)
            for v in design.variants:
                if v == base:
                    continue
                d = paired_difference(b, values(v, p, kpi), conf)
                b_mean = intervals[(base, p, kpi)].mean
                relative = d.mean / abs(b_mean) if d.mean is not None and b_mean else None
                comparison.append(
                    {
                        "point": p,
                        **point,
                        "kpi": kpi,
                        "unit": unit(kpi, currency),
                        "baseline": base,
                        "variant": v,
                        "n": d.n,
                        "baseline_mean": b_mean,
                        "baseline_half_width": intervals[(base, p, kpi)].half_width,
                        "variant_mean": intervals[(v, p, kpi)].mean,
                        "variant_half_width": intervals[(v, p, kpi)].half_width,
                        "difference": d.mean,
                        "difference_sd": d.sd,
                        "ci_low": d.low,
                        "ci_high": d.high,
                        "half_width": d.half_width,
                        "relative_difference": relative,
                        "p_value": d.p_value,
                        "significant": d.significant,
                        "verdict": verdict(kpi, d.significant, d.mean),
                        "confidence": conf,
                    }
                )
    return ExperimentResults(
        name=design.name,
        baseline=base,
        variants=list(design.variants),
        points=list(design.points),
        kpis=design.kpis,
        replications=replications,
        seed=exp.seed,
        confidence=conf,
        runs=_run_rows(design, chosen),
        summary=summary,
        comparison=comparison,
        design_hash=design.design_hash,
        currency=currency,
    )
