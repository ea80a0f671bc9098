"""Demand forecasts from daily totals: moving average and exponential smoothing. No SimPy.

A :class:`DailyTotals` tracker turns a stream of (time, units) into complete days; each complete
day (zero-demand days included) is one observation for a :class:`Forecaster`. Forecasts are in
units per day. Both methods start from a prior (the scenario's analytic mean demand), as a planner
starts from what they know before data arrive.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ForecastSpec:
    """A forecast method: a moving average over ``window`` days, or smoothing with ``alpha``."""

    window: int | None = None
    """Days averaged (moving average); ``None`` for exponential smoothing."""
    alpha: float | None = None
    """Smoothing constant (exponential smoothing); ``None`` for a moving average."""


class Forecaster:
    """Forecast of demand per day, updated one observation (one day) at a time.

    Args:
        method: the forecast method (moving average or exponential smoothing).
        prior: the forecast before any observation (units per day).
    """

    def __init__(self, method: ForecastSpec, prior: float) -> None:
        self.prior = prior
        if method.window is not None:
            window = method.window
            self._window: deque[float] | None = deque([prior] * window, maxlen=window)
            self._sum = prior * window
            self.alpha = None
        else:
            self._window = None
            self.alpha = method.alpha
        self.value = prior
        self.observations = 0

    def update(self, observed: float) -> float:
        """Add one observation (units in one period) and return the new forecast."""
        self.observations += 1
        window = self._window
        if window is not None:
            self._sum += observed - window[0]
            window.append(observed)
            # recompute now and then, so rounding errors of the running sum cannot accumulate
            if self.observations % 1024 == 0:
                self._sum = math.fsum(window)
            self.value = self._sum / len(window)
        else:
            self.value += self.alpha * (observed - self.value)
        return self.value


class DailyTotals:
    """Sums units into calendar days and hands each completed day to ``on_day``.

    Args:
        on_day: called with the total of each completed day, in order, zero days included.
        start: the simulated time at which day 0 begins.
    """

    def __init__(self, on_day: Callable[[float], object], start: float = 0.0) -> None:
        self.on_day = on_day
        self.day = 0
        self.total = 0.0
        self.start = start

    def close_until(self, now: float) -> None:
        """Complete every day that ended at or before ``now``."""
        today = math.floor(now - self.start + 1e-9)
        while self.day < today:
            self.on_day(self.total)
            self.total = 0.0
            self.day += 1

    def add(self, now: float, units: float) -> None:
        """Record ``units`` demanded at time ``now``."""
        self.close_until(now)
        self.total += units
