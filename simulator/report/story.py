"""One replication's story per variant: replication 0 of each variant simulated again, traced.

An experiment stores each run's KPIs only: what the stock and the customers did day by day is
not kept (it would be a trace per run). The report tells one replication's story instead: the
first design point's replication 0 of every variant is simulated again in the reporting process,
with the trace on. Every random stream comes from (seed, replication, stream name), so this is
exactly the stored run, and the variants saw the same demand, lead times and customers (common
random numbers): where their lines part, the policy made the difference.

Only what the figure draws is kept of each trace (each product's units on hand over time, thinned
to :data:`MAX_STORY_POINTS` points a line, and the customers per day), so the traces are freed
variant by variant.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.report import figures as F

if TYPE_CHECKING:
    from simulator.experiment import Design

#: Points a story line keeps (each time slice's extremes survive, see ``figures.thin``).
MAX_STORY_POINTS = 4_000

#: Variants whose story is told; an experiment with more shows the first ones.
MAX_STORY_VARIANTS = 8


@dataclass
class Story:
    """What one replication of one variant did over time."""

    variant: str
    warmup: float
    """Days of warm-up (shaded in the figure)."""
    on_hand: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Each product's (time, units on hand), thinned; empty for a network (see the note)."""
    customer_days: list[tuple] | None = None
    """The rows of ``customers_daily.csv`` (``None`` when customers do not remember)."""
    seconds: float = 0.0
    """Wall-clock seconds the replication took to simulate again."""
    kpis: dict[str, Any] = field(default_factory=dict)
    """The run's KPIs (those of the stored run: the same seed and streams)."""


def _on_hand(trace: Sequence[Any], products: Sequence[str]) -> dict[str, tuple]:
    out = {}
    for pid, rows in F.rows_by_product(trace, products).items():
        series = F.inventory_series(rows, pid)
        if len(series.time):
            out[pid] = F.thin(series.time, series.on_hand, MAX_STORY_POINTS)
    return out


def _has_story(scenario: Any) -> bool:
    """Whether a run of ``scenario`` has a story: one warehouse's stock, or customers who remember.

    A network's stock is drawn per site in its run report, not here: the story of a network is
    its customers'.
    """
    if scenario.warehouse is not None:
        return True
    return any(seg.behaviour is not None for seg in scenario.customers.segments)


def replication_stories(
    design: Design, variants: Sequence[str], point: int = 0, replication: int = 0
) -> list[Story]:
    """Replication ``replication`` of each variant at design point ``point``, simulated again.

    At most :data:`MAX_STORY_VARIANTS` variants, in the given order. A network whose customers
    do not remember has nothing to tell: it is not simulated (its stories are empty).
    """
    from simulator.model import simulate

    stories = []
    for variant in list(variants)[:MAX_STORY_VARIANTS]:
        scenario = design.scenarios[(variant, point)]
        if not _has_story(scenario):
            stories.append(Story(variant, float(scenario.warmup_days)))
            continue
        start = time.perf_counter()
        result = simulate(
            scenario,
            seed=design.experiment.seed,
            replication=replication,
            trace=True,
        )
        doc = result.document
        products = [] if F.is_network(doc) else list(doc.get("by_product") or {})
        stories.append(
            Story(
                variant,
                float(doc.get("warmup_days") or 0.0),
                _on_hand(result.trace or [], products),
                result.customers_daily,
                time.perf_counter() - start,
                dict(doc["kpis"]),
            )
        )
        del result  # the trace of one variant at a time
    return stories
