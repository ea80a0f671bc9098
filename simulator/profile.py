"""Order rates that change over time: a weekly and a yearly profile and a linear trend. No SimPy.

The rate of a segment at time t (days since day 0 of the run) is its base rate times

    m(t) = weekly[weekday of day ⌊t⌋] x monthly[month of day ⌊t⌋] x max(0, 1 + trend x t / 365)

where day 0 is a stated calendar date. m is piecewise constant by day except for the trend, which
is linear, so its integral M(t) = ∫₀ᵗ m has a closed form and so does its inverse. A
non-homogeneous Poisson process of rate λ m(t) is then sampled exactly by inversion: with
unit-rate Poisson arrival times E₁ < E₂ < ... of the "operational time" u = λ M(t), the real
arrival times are M⁻¹(E_k / λ). Exponential gaps stay exponential gaps (the same random draws as a
stationary stream), only the clock they are read on changes.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from datetime import date

import numpy as np

#: Days in the year the trend is stated per.
YEAR_DAYS = 365.0


class RateProfile:
    """The multiplier m(t) of a base rate, its integral M(t) and the inverse of that integral.

    Args:
        day_factors: m of each day 0, 1, ... before the trend (weekly x monthly); after the last
            day the rate is 0 (build it for at least the run's length).
        trend_per_year: relative change of the rate per 365 days (0.1: +10% a year), linear in
            time and floored at 0 (a falling trend stops demand when it reaches 0).
    """

    def __init__(self, day_factors: Sequence[float], trend_per_year: float = 0.0) -> None:
        self.factors = [float(f) for f in day_factors]
        self.slope = trend_per_year / YEAR_DAYS
        cumulative = [0.0]
        for d, f in enumerate(self.factors):
            cumulative.append(cumulative[-1] + f * self._trend_area(d, d + 1.0))
        self.cumulative = cumulative

    @classmethod
    def calendar(
        cls,
        start: date,
        days: int,
        weekly: Sequence[float] | None = None,
        monthly: Sequence[float] | None = None,
        trend_per_year: float = 0.0,
    ) -> RateProfile:
        """The profile of ``days`` days from the calendar date ``start`` (day 0).

        Args:
            start: the date of day 0.
            days: how many days to cover.
            weekly: seven multipliers, Monday first; ``None`` for a flat week.
            monthly: twelve multipliers, January first; ``None`` for a flat year.
            trend_per_year: see the class.
        """
        dates = np.datetime64(start.isoformat(), "D") + np.arange(days)
        factors = np.ones(days)
        if weekly is not None:
            weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
            factors *= np.asarray(weekly, dtype=float)[weekday]
        if monthly is not None:
            month = dates.astype("datetime64[M]").astype(np.int64) % 12
            factors *= np.asarray(monthly, dtype=float)[month]
        return cls(factors.tolist(), trend_per_year)

    # -- the trend ---------------------------------------------------------------------------

    def _trend(self, t: float) -> float:
        return max(0.0, 1.0 + self.slope * t)

    def _trend_area(self, a: float, b: float) -> float:
        """∫ₐᵇ max(0, 1 + slope x s) ds, for a <= b."""
        k = self.slope
        if k < 0:
            b = min(b, -1.0 / k)  # the trend line reaches 0 there (for t >= 0 only a fall can)
            if b <= a:
                return 0.0
        return (b - a) * (1.0 + k * (a + b) / 2.0)

    # -- the rate, its integral and the inverse ----------------------------------------------

    def rate(self, t: float) -> float:
        """m(t): the multiplier at time ``t``."""
        d = math.floor(t)
        if d < 0 or d >= len(self.factors):
            return 0.0
        return self.factors[d] * self._trend(t)

    def integral(self, t: float) -> float:
        """M(t) = ∫₀ᵗ m(s) ds, for t >= 0."""
        d = min(math.floor(t), len(self.factors))
        if d >= len(self.factors):
            return self.cumulative[-1]
        return self.cumulative[d] + self.factors[d] * self._trend_area(d, t)

    def inverse(self, u: float) -> float:
        """The first t with M(t) = u; ``inf`` when the profile never accumulates ``u``."""
        cumulative = self.cumulative
        if u >= cumulative[-1]:
            return math.inf
        d = bisect.bisect_right(cumulative, u) - 1  # cumulative[d] <= u < cumulative[d + 1]
        rest = (u - cumulative[d]) / self.factors[d]  # area of the trend still to cover in day d
        k = self.slope
        if not k:
            return d + rest
        level = self._trend(d)
        # solve level x + k x² / 2 = rest for x >= 0 (the root that is stable for either sign)
        return d + 2.0 * rest / (level + math.sqrt(max(0.0, level * level + 2.0 * k * rest)))
