"""Customers over time: each segment's active, new and churned customers, and what they say.

A segment of customers who remember puts one row a day on record, at the end of the day, from
counters it keeps anyway (who is active, how many customers it has had, how many active customers
last answered the survey as promoters or detractors); nothing is added per order, and nothing per
customer: a row costs the same for 100 customers as for 100,000. A row is a fixed number of counts,
so a run keeps O(days) numbers whatever its number of customers or orders. Every count is exact.

Satisfaction itself (a number per customer) is read once, at the end of the run, into exact counts
per band of :data:`BANDS`: reading every customer every day would cost more than the orders of a
day when customers order rarely (4,000 customers ordering every 50 days: 80 orders, 4,000 reads).
Over time, the distribution a planner follows is the survey's: active promoters (last answer 9-10)
and detractors (0-6), which the segment counts as answers come in.

Days count from the start of the run, warm-up included (a report shades the warm-up): day ``d``
is the time ``[d, d + 1)`` and its row describes the segment at its end (the end of the run for
the last, possibly partial, day). New and churned customers are those of that day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

#: Width of a satisfaction band: ten bands of 0.1, ``[0, 0.1)`` ... ``[0.9, 1]``.
BAND_WIDTH = 0.1

#: Satisfaction bands (0..1) counted at the end: ``[lower, upper)``, the last one up to 1 included.
BANDS = tuple((round(i * BAND_WIDTH, 1), round((i + 1) * BAND_WIDTH, 1)) for i in range(10))

#: Each band's key in a segment's ``satisfaction_bands`` (``satisfaction_0.9_1``).
BAND_COLUMNS = tuple(f"satisfaction_{lo:g}_{hi:g}" for lo, hi in BANDS)

#: The columns of a row (``customers_daily.csv``).
COLUMNS = ("day", "segment", "active", "new", "churned", "promoters", "detractors")

#: The daily CSV file of a run folder.
FILE_NAME = "customers_daily.csv"


def band_counts(satisfactions: np.ndarray) -> list[int]:
    """How many of ``satisfactions`` (each in 0..1) fall in each band of :data:`BANDS`."""
    last = len(BANDS) - 1
    index = np.minimum((satisfactions * len(BANDS)).astype(np.intp), last)
    return np.bincount(index, minlength=len(BANDS)).tolist()


class CustomerDays:
    """The daily rows of every segment of customers who remember, and its bands at the end.

    ``rows`` are tuples in the order of :data:`COLUMNS`; ``bands`` the customers of each segment
    per satisfaction band (:data:`BAND_COLUMNS`) at the end of the run.
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
    ) -> None:
        """The day ending at ``now``: ``active`` customers of the ``ever`` the segment has had.

        ``promoters`` and ``detractors`` are the active customers whose last survey answer was
        9-10 and 0-6. New customers of the day are the growth of ``ever``, churned ones the growth
        of ``ever - active``. A second row for the same day is ignored (the last day is recorded
        at the end of the run, which may also be a day's end).
        """
        day = max(0, math.ceil(now) - 1)
        last, ever_before, gone_before = self._seen[segment]
        if day <= last:
            return
        gone = ever - active
        self._seen[segment] = (day, ever, gone)
        self.rows.append(
            (day, segment, active, ever - ever_before, gone - gone_before, promoters, detractors)
        )

    def record_end(self, segment: str, satisfactions: Iterable[float], active: int) -> None:
        """The satisfactions of the segment's ``active`` customers at the end of the run."""
        values = np.fromiter(satisfactions, float, active)
        self.bands[segment] = dict(zip(BAND_COLUMNS, band_counts(values), strict=True))
