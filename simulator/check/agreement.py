"""Closed form beside simulation: replications of a scenario that reduces, and ``--self``.

:func:`check` runs independent replications of a scenario that reduces to a textbook case and
forms each KPI's Student-t interval; :func:`self_check` does it for the textbook scenarios shipped
in ``scenarios/textbook`` (with the leaner (r, Q) settings of ``tests/test_analytic.py``), so
anyone can see the engine reproduce the table of ``docs/theory.md`` on their own machine.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from simulator import load_scenario
from simulator.check.cases import Case, reduce
from simulator.config import Scenario
from simulator.model import simulate
from simulator.stats import Interval, t_interval

#: The textbook scenarios and settings ``supplysim check --self`` runs: (file, overrides, label).
TEXTBOOK = Path(__file__).resolve().parents[2] / "scenarios" / "textbook"
SELF_CASES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("rq_poisson.yaml", (), "(r, Q) = (8, 5)"),
    (
        "rq_poisson.yaml",
        ("warehouse.policies.item.reorder_point=6", "warehouse.policies.item.order_quantity=3"),
        "(r, Q) = (6, 3)",
    ),
    (
        "rq_poisson.yaml",
        ("warehouse.policies.item.reorder_point=-2", "warehouse.policies.item.order_quantity=20"),
        "(r, Q) = (-2, 20)",
    ),
    ("base_stock_palm.yaml", (), "S = 7, gamma lead times"),
    ("periodic_base_stock.yaml", (), "R = 2, S = 11"),
    ("lost_sales_erlang.yaml", (), "S = 6, uniform lead times"),
)
#: Simulated days per replication of ``--self`` unless ``--days`` says otherwise.
SELF_DAYS = 10_000.0


@dataclass(frozen=True)
class Agreement:
    """Closed form beside simulation for one scenario."""

    label: str
    """The scenario (and setting) checked."""
    case: Case
    """The textbook case."""
    intervals: dict[str, Interval]
    """The t interval of each KPI over the replications."""
    days: float
    """Simulated days per replication, after warm-up."""
    seconds: float
    """Wall-clock time of the replications."""

    def inside(self, kpi: str) -> bool:
        """Whether theory lies in the KPI's interval."""
        return self.intervals[kpi].covers(self.case.theory[kpi])


def check(
    sc: Scenario,
    case: Case,
    replications: int = 10,
    confidence: float = 0.99,
    seed: int | None = None,
    label: str | None = None,
) -> Agreement:
    """Run ``replications`` independent replications and form each KPI's t interval."""
    start = time.perf_counter()
    samples: dict[str, list[float]] = {k: [] for k in case.theory}
    for i in range(replications):
        doc = simulate(sc, seed=seed, replication=i).document
        product = doc["by_product"][case.product]
        for kpi in samples:
            samples[kpi].append(product[kpi])
    intervals = {k: t_interval(v, confidence) for k, v in samples.items()}
    seconds = time.perf_counter() - start
    return Agreement(label or sc.name, case, intervals, sc.horizon_days, seconds)


def self_check(
    replications: int = 10,
    days: float | None = None,
    confidence: float = 0.99,
    seed: int | None = None,
    cases: Sequence[tuple[str, Sequence[str], str]] = SELF_CASES,
) -> list[Agreement]:
    """:func:`check` on each of :data:`SELF_CASES` (each must reduce; a failure is a bug)."""
    out = []
    for file, overrides, setting in cases:
        horizon = SELF_DAYS if days is None else days
        sc = load_scenario(TEXTBOOK / file, [*overrides, f"horizon_days={horizon:g}"])
        reduction = reduce(sc)
        if reduction.case is None:
            raise RuntimeError(f"{file} does not reduce: {reduction.obstacles}")
        label = f"{Path(file).stem} {setting}"
        out.append(check(sc, reduction.case, replications, confidence, seed, label))
    return out
