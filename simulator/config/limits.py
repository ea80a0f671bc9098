"""The stated limits on inputs, each with its reason, and the check that numbers respect them.

Every limit a user can meet is named here once; docs/limits.md explains them. The limits keep
every accepted input within what the simulator can compute exactly and finish: no number is
infinite or large enough for a product of a few of them to overflow, no file or tree is large
enough to exhaust memory before it is checked, and no run is so large that it would not finish
(that estimate is :mod:`simulator.work`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

#: Largest magnitude of any number in a scenario or experiment file (quantities, money, days,
#: rates). A trillion is beyond any real stock level, price or number of days (2.7 billion
#: years), and small enough that products of a few such numbers over a run (units x price x
#: orders) stay far below the largest float (1e308) and exact in 64-bit integers where counted.
MAX_MAGNITUDE = 1e12

#: Smallest size of a number other than 0. Below it a number is almost surely a slip (a rate of
#: 1e-300 is 0 in all but name), and ratios of two numbers (a standard deviation over a mean, a
#: horizon over a review period) stay within 1e24, where every formula and sampler is exact.
MIN_MAGNITUDE = 1e-12

#: Shortest duration of a period that repeats (horizon, review period, outage), in days: about
#: 0.09 s. A shorter step could not move a clock that has run for years (floating-point time).
MIN_PERIOD_DAYS = 1e-6

#: Largest size of a scenario or experiment file (bytes). Real files are a few kilobytes; a
#: larger one is refused before it is read, so that a huge or endless file cannot fill memory.
MAX_FILE_BYTES = 10 * 1024 * 1024

#: Largest YAML tree, in nodes after aliases are expanded ("billion laughs" documents).
MAX_NODES = 200_000

#: Default upper bound on the customers with behaviour (satisfaction, loyalty) one run may hold,
#: counting the worst case of word of mouth: each is remembered individually (a few hundred
#: bytes each: a million took 170 MB more than a thousand). ``--max-customers`` raises it.
DEFAULT_MAX_CUSTOMERS = 1_000_000

#: Largest units per customer order: the 1 - 1e-13 quantile of a segment's ``quantity`` must not
#: exceed it (the simulator computes the exact distribution of whole units up to that size).
MAX_ORDER_UNITS = 1_000_000

#: Largest stock a policy may aim at, and largest initial stock, per product (units). Which units
#: on a shelf are defective is drawn exactly (a hypergeometric draw, which numpy supports up to a
#: billion units); 100 million leaves room for what arrives above the target.
MAX_STOCK_UNITS = 100_000_000

#: Default upper bound on the events one command may simulate (customer orders, reviews, daily
#: updates, outages; all runs of an experiment together): half a minute to a few minutes of
#: simulation on one core. ``--max-events`` raises it.
DEFAULT_MAX_EVENTS = 10_000_000

#: Most replications per design point of an experiment (the file's ``replications``,
#: ``sequential.max_replications`` and ``--replications``).
MAX_REPLICATIONS = 100_000

#: Most sweep points an experiment may have (a grid's combinations, a Latin hypercube's samples),
#: checked before the grid is expanded.
MAX_SWEEP_POINTS = 10_000

#: Fields that hold an identifier rather than a quantity: any whole number >= 0 is accepted.
UNBOUNDED_FIELDS = frozenset({"seed"})


def number_text(x: float) -> str:
    """A limit as people write it: ``1e12``, ``1e-6``."""
    return f"{x:.0e}".replace("e+", "e").replace("e-0", "e-")


_LOW, _HIGH = number_text(MIN_MAGNITUDE), number_text(MAX_MAGNITUDE)


def number_problem(value: Any) -> str | None:
    """Why a value breaks the number limits: not finite, or neither 0 nor between the magnitudes.

    Looks inside lists, mappings' values and distributions, naming where the number sits
    (``weights.1: ...``); scenario models are skipped, as they check their own fields. ``None``
    when every number is within the limits.
    """
    found = _first_bad(value)
    if found is None:
        return None
    where, number = found
    named = f"{'.'.join(where)} = {number}" if where else str(number)
    if not math.isfinite(number):
        return f"{named}: must be a finite number"
    return (
        f"{named}: outside the limits on any number: 0, or between {_LOW} and {_HIGH} in size "
        "(see docs/limits.md)"
    )


def _first_bad(value: Any) -> tuple[list[str], float] | None:
    """Where the first number outside the limits sits inside ``value``, and the number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        size = abs(value)
        within = size == 0 or MIN_MAGNITUDE <= size <= MAX_MAGNITUDE
        return None if within else ([], value)
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list | tuple):
        items = [(str(i), v) for i, v in enumerate(value)]
    elif isinstance(value, BaseModel) and not getattr(value, "checks_own_numbers", False):
        fields = type(value).model_fields
        items = [(f.alias or name, getattr(value, name)) for name, f in fields.items()]
    else:
        return None
    for key, item in items:
        found = _first_bad(item)
        if found is not None:
            return [key, *found[0]], found[1]
    return None
