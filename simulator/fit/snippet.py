"""The scenario snippet of a fit: YAML to paste into a scenario file, and why it is that one.

A lead time becomes a supplier's ``lead_time_days`` and an order size a segment's ``quantity``,
each the best-ranked family a scenario can name (negative binomial cannot be named: the next best
is used and the note says so). Demand per day is different: a scenario does not draw daily
totals, it draws Poisson orders of ``count x orders_per_customer_per_day`` a day, each of
``quantity`` units. So daily demand becomes a segment whose daily totals have the observed mean
and variance: Poisson orders of one unit when the variance is not above the mean, otherwise
Poisson orders with geometric sizes of mean q = (variance / mean + 1) / 2 at a rate of mean / q
a day (a compound Poisson whose variance / mean is 2q - 1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml

from simulator.fit.ranking import Candidate, Ranking
from simulator.fit.series import Series

#: Significant digits of the numbers in a snippet.
DIGITS = 4
#: The most distinct values an ``empirical`` snippet lists before it is not worth pasting.
MAX_EMPIRICAL_VALUES = 60


@dataclass(frozen=True)
class Snippet:
    """A YAML fragment and the reasoning behind it."""

    mapping: dict[str, Any]
    """The fragment as data (for ``fit.json``)."""
    yaml: str
    """The fragment as YAML text."""
    note: str
    """Where it goes and why this distribution."""


def _round(x: float) -> float | int:
    """``x`` to :data:`DIGITS` significant digits, an int when whole."""
    value = float(f"{x:.{DIGITS}g}")
    return int(value) if value.is_integer() else value


def dist_of(candidate: Candidate, ranking: Ranking) -> dict[str, Any]:
    """The ``DIST`` mapping of a candidate (``empirical``: the observed values and counts)."""
    if candidate.name == "empirical":
        counts = Counter(_round(v) for v in ranking.sample.values.tolist())
        values = sorted(counts)
        return {"dist": "empirical", "values": values, "weights": [counts[v] for v in values]}
    return {"dist": candidate.name, **{k: _round(v) for k, v in candidate.params.items()}}


def snippet(series: Series, ranking: Ranking) -> Snippet:
    """The snippet of one fitted series."""
    if series.kind == "demand":
        return _demand(series, ranking)
    best = ranking.best
    chosen = ranking.best_in_scenario()
    if chosen.name == "empirical" and len(set(ranking.sample.values.tolist())) > (
        MAX_EMPIRICAL_VALUES
    ):
        chosen = next(c for c in ranking.candidates if c.in_scenario and c.name != "empirical")
    key, where = {
        "lead_time": ("lead_time_days", "in suppliers[]"),
        "quantity": ("quantity", "in customers.segments[]"),
    }[series.kind]
    note = f"{where}: {chosen.name} ranks first by {ranking.criterion.upper()}"
    if chosen is not best:
        delta = getattr(chosen, ranking.criterion) - getattr(best, ranking.criterion)
        note = (
            f"{where}: {best.name} ranks first, but a scenario cannot name it; {chosen.name} is "
            f"the best a scenario can (its {ranking.criterion.upper()} is {delta:.1f} higher)"
        )
    if series.kind == "quantity":
        note += "; the simulator rounds order sizes to whole units, at least 1"
    mapping = {key: dist_of(chosen, ranking)}
    return Snippet(mapping, _dump(mapping), note)


def _demand(series: Series, ranking: Ranking) -> Snippet:
    """A customer segment whose daily totals have the observed mean and variance."""
    mean, var = ranking.mean, ranking.sd**2
    segment: dict[str, Any] = {"id": series.name, "count": 1}
    if var <= mean:
        segment |= {"orders_per_customer_per_day": _round(mean), "quantity": 1}
        how = "Poisson orders of one unit, same mean" + (
            " (the data vary less than Poisson: the simulator cannot vary less)"
        ) * (var < 0.9 * mean)
    else:
        q = (var / mean + 1) / 2
        segment |= {
            "orders_per_customer_per_day": _round(mean / q),
            "quantity": {"dist": "geometric", "mean": _round(q)},
        }
        how = "Poisson orders with geometric sizes, same daily mean and variance"
    segment |= {"behaviour": "none"}
    note = (
        f"in customers.segments (add product_mix and promised_days): {how}; "
        f"{ranking.best.name} ranks first for the daily totals. To model the weekday and month "
        "profiles, add them under profile: (docs/demand.md)"
    )
    mapping = {"segments": [segment]}
    return Snippet(mapping, _dump(mapping), note)


def _dump(mapping: dict[str, Any]) -> str:
    """YAML with the innermost mappings and lists on one line, as scenario files write them."""
    return yaml.safe_dump(mapping, default_flow_style=None, sort_keys=False, width=100)
