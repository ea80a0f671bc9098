"""Forecasts from daily totals: moving average, exponential smoothing, Holt-Winters. No SimPy.

A :class:`DailyTotals` tracker turns a stream of (time, units) into complete days; each complete
day (zero-demand days included) is one observation for a :class:`Forecaster`. Forecasts are in
units per day. Every method starts from a prior (the scenario's analytic mean demand), as a planner
starts from what they know before data arrive.

Additive Holt-Winters keeps a level l, a trend b and ``m`` seasonal terms s; after observing y on
a day of season index i (days counted from day 0 of the run, modulo m):

    l' = α (y - s_i) + (1 - α)(l + b)
    b' = β (l' - l) + (1 - β) b
    s_i' = γ (y - l') + (1 - γ) s_i

and the forecast h days ahead is l' + h b' + s_(i+h mod m). It starts from l = prior, b = 0 and
s = 0, so before it has seen a season it forecasts like exponential smoothing.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ForecastSpec:
    """A forecast method: moving average (``window``), smoothing (``alpha``) or Holt-Winters."""

    window: int | None = None
    """Days averaged (moving average); ``None`` for the smoothing methods."""
    alpha: float | None = None
    """Smoothing constant of the level; ``None`` for a moving average."""
    beta: float = 0.0
    """Holt-Winters: smoothing constant of the trend."""
    gamma: float = 0.0
    """Holt-Winters: smoothing constant of the seasonal terms."""
    season_days: int | None = None
    """Holt-Winters: length of the season in days; ``None`` for the other methods."""


class Forecaster:
    """Forecast of demand per day, updated one observation (one day) at a time.

    :attr:`value` is what a policy plans with: the mean forecast per day over the next
    ``horizon`` days (for a moving average or smoothing, simply the forecast). :attr:`ahead` is
    the forecast of the next day alone, the one forecast accuracy is measured on.

    Args:
        method: the forecast method.
        prior: the forecast before any observation (units per day).
        horizon: days a policy covers with the forecast (review + lead time), at least 1.
        on_observe: called as ``on_observe(day, forecast, actual)`` with each observation and the
            one-day-ahead forecast made for it before it was seen (``day`` counts observations
            from 0: with daily totals, the day of the run).
    """

    def __init__(
        self,
        method: ForecastSpec,
        prior: float,
        horizon: float = 1.0,
        on_observe: Callable[[int, float, float], object] | None = None,
    ) -> None:
        self.prior = prior
        self.on_observe = on_observe
        self.season: list[float] | None = None
        if method.season_days is not None:
            self.season = [0.0] * method.season_days
            self.level, self.trend = prior, 0.0
            self.beta, self.gamma = method.beta, method.gamma
            self.horizon = max(1, round(horizon))
        if method.window is not None:
            window = method.window
            self._window: deque[float] | None = deque([prior] * window, maxlen=window)
            self._sum = prior * window
            self.alpha = None
        else:
            self._window = None
            self.alpha = method.alpha
        self.value = self.ahead = prior
        self.observations = 0

    def update(self, observed: float) -> float:
        """Add one observation (units in one period) and return the new forecast."""
        if self.on_observe is not None:
            self.on_observe(self.observations, self.ahead, observed)
        self.observations += 1
        if self.season is not None:
            return self._holt_winters(observed)
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
        self.ahead = self.value
        return self.value

    def _holt_winters(self, observed: float) -> float:
        """One Holt-Winters step (see the module); the forecasts from the new state."""
        season, m = self.season, len(self.season)
        i = (self.observations - 1) % m
        level = self.alpha * (observed - season[i]) + (1 - self.alpha) * (self.level + self.trend)
        self.trend = self.beta * (level - self.level) + (1 - self.beta) * self.trend
        season[i] = self.gamma * (observed - level) + (1 - self.gamma) * season[i]
        self.level = level
        h = self.horizon
        self.ahead = level + self.trend + season[(i + 1) % m]
        seasonal = sum(season[(i + k) % m] for k in range(1, h + 1))
        self.value = level + self.trend * (h + 1) / 2 + seasonal / h
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
        self.safe = start + 1 - 1e-6  # before this time the day surely has not ended

    def close_until(self, now: float) -> None:
        """Complete every day that ended at or before ``now``."""
        today = math.floor(now - self.start + 1e-9)
        while self.day < today:
            self.on_day(self.total)
            self.total = 0.0
            self.day += 1
        self.safe = self.start + self.day + 1 - 1e-6

    def add(self, now: float, units: float) -> None:
        """Record ``units`` demanded at time ``now``."""
        if now >= self.safe:  # a day may have ended (else, per order, nothing to close)
            self.close_until(now)
        self.total += units
