"""Customers over time: each segment's active, new and churned customers, what they say and feel.

A segment of customers who remember puts one row a day on record, at the end of the day, from
counters it keeps as it goes: who is active, how many customers it has had, how many active
customers last answered the survey as promoters or detractors, and how many active customers
are in each satisfaction band of :data:`BANDS`. Nothing is read per customer: a row costs the
same for 100 customers as for 100,000, and a run keeps O(days) numbers whatever its number of
customers or orders. Every count is exact.

The band counts are kept incrementally, a couple of integer operations wherever a satisfaction
changes (an order's experience, a complaint's wait) and when a customer joins or leaves: reading
every customer every day would cost more than the orders of a day when customers order rarely
(4,000 customers ordering every 50 days: 80 orders, 4,000 reads). A satisfaction ``s`` is in
slot ``int(s * BANDS_PER_UNIT)`` of a segment's counts (:func:`band_slots`), the computation of
:func:`band_counts`, with one slot more for ``s == 1``, read as the top band
(:func:`read_slots`). The counts at the end of the run are the result's ``satisfaction_bands``.

Days count from the start of the run, warm-up included (a report shades the warm-up): day ``d``
is the time ``[d, d + 1)`` and its row describes the segment at its end (the end of the run for
the last, possibly partial, day). New and churned customers are those of that day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: Width of a satisfaction band: ten bands of 0.1, ``[0, 0.1)`` ... ``[0.9, 1]``.
BAND_WIDTH = 0.1

#: Satisfaction bands (0..1) counted every day: ``[lower, upper)``, the last one up to 1 included.
BANDS = tuple((round(i * BAND_WIDTH, 1), round((i + 1) * BAND_WIDTH, 1)) for i in range(10))

#: Bands per unit of satisfaction: ``s`` is in band ``int(s * BANDS_PER_UNIT)`` (1 in the last).
BANDS_PER_UNIT = len(BANDS)

#: Each band's key in ``satisfaction_bands`` and its column in a row (``satisfaction_0.9_1``).
BAND_COLUMNS = tuple(f"satisfaction_{lo:g}_{hi:g}" for lo, hi in BANDS)

#: The columns of every row: a file written before the bands were recorded has only these.
COUNT_COLUMNS = ("day", "segment", "active", "new", "churned", "promoters", "detractors")

#: The columns of a row (``customers_daily.csv``): the counts, then the customers per band.
COLUMNS = COUNT_COLUMNS + BAND_COLUMNS

#: The daily CSV file of a run folder.
FILE_NAME = "customers_daily.csv"


def band_counts(satisfactions: np.ndarray) -> list[int]:
    """How many of ``satisfactions`` (each in 0..1) fall in each band of :data:`BANDS`.

    A count of every customer, for checks and tools: a segment keeps the same counts as its
    customers' satisfactions change (:func:`band_slots`).
    """
    last = len(BANDS) - 1
    index = np.minimum((satisfactions * BANDS_PER_UNIT).astype(np.intp), last)
    return np.bincount(index, minlength=len(BANDS)).tolist()


def band_slots(satisfaction: float, customers: int) -> list[int]:
    """A segment's running band counts for ``customers`` customers at ``satisfaction``.

    Slot ``int(s * BANDS_PER_UNIT)`` counts the customers at satisfaction ``s``: one slot per
    band, and one more for ``s == 1`` (:func:`read_slots` puts it in the top band). Whoever
    changes a satisfaction from ``a`` to ``b`` takes one from slot ``int(a * BANDS_PER_UNIT)``
    and adds one to slot ``int(b * BANDS_PER_UNIT)``.
    """
    slots = [0] * (len(BANDS) + 1)
    slots[int(satisfaction * BANDS_PER_UNIT)] = customers
    return slots


def read_slots(slots: Sequence[int]) -> tuple[int, ...]:
    """The customers per band (:data:`BAND_COLUMNS` order) in counts kept by :func:`band_slots`."""
    return (*slots[:-2], slots[-2] + slots[-1])


class CustomerDays:
    """The daily rows of every segment of customers who remember, and its bands at the end.

    ``rows`` are tuples in the order of :data:`COLUMNS`; ``bands`` the customers of each segment
    per satisfaction band (:data:`BAND_COLUMNS`) at the end of the run (those of its last row).
    """

    __slots__ = ("rows", "bands", "_seen")

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.bands: dict[str, dict[str, int]] = {}  # segment: customers per band at the end
        self._seen: dict[str, tuple[int, int, int]] = {}  # segment: (last day, ever, gone)

    def start(self, segment: str, customers: int) -> None:
        """Segment ``segment`` starts with ``customers`` active customers."""
        self._seen[segment] = (-1, customers, 0)

    def record(
        self,
        now: float,
        segment: str,
        active: int,
        ever: int,
        promoters: int,
        detractors: int,
        slots: Sequence[int],
    ) -> None:
        """The day ending at ``now``: ``active`` customers of the ``ever`` the segment has had.

        ``promoters`` and ``detractors`` are the active customers whose last survey answer was
        9-10 and 0-6, ``slots`` the active customers' running band counts (:func:`band_slots`).
        New customers of the day are the growth of ``ever``, churned ones the growth
        of ``ever - active``. A second row for the same day is ignored (the last day is recorded
        at the end of the run, which may also be a day's end).
        """
        day = max(0, math.ceil(now) - 1)
        last, ever_before, gone_before = self._seen[segment]
        if day <= last:
            return
        gone = ever - active
        self._seen[segment] = (day, ever, gone)
        counts = (day, segment, active, ever - ever_before, gone - gone_before)
        self.rows.append((*counts, promoters, detractors, *read_slots(slots)))

    def record_end(self, segment: str, slots: Sequence[int]) -> None:
        """The running band counts of the segment's active customers at the end of the run."""
        self.bands[segment] = dict(zip(BAND_COLUMNS, read_slots(slots), strict=True))
