"""Daily series in constant memory: the variance of per-day totals, and a forecast's daily errors.

The bullwhip ratios compare the variance of what is ordered (or made) per day with the variance of
what is demanded per day; a run of a million days keeps no more than a few running sums.
"""

from __future__ import annotations


class DailySeries:
    """Per-day totals summarised in constant memory: the variance of a daily series.

    Values are added with the index of the measured day they fall in; days with nothing added
    count as zeros. Only running sums are kept (shifted by the first day's total for accuracy),
    so a run of a million days costs no more memory than a run of ten.
    """

    __slots__ = ("day", "value", "n", "shift", "total", "total_sq")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything (in place: holders of a reference keep feeding the same series)."""
        self.day = 0
        self.value = 0.0
        self.n = 0
        self.shift: float | None = None
        self.total = 0.0
        self.total_sq = 0.0

    def add(self, day: int, x: float) -> None:
        """Add ``x`` to day ``day`` (days are added in non-decreasing order)."""
        if day != self.day:
            self._close(day)
        self.value += x

    def _close(self, day: int) -> None:
        """Finish the current day and the empty days before ``day``."""
        shift = self.shift
        if shift is None:
            shift = self.shift = self.value
        d = self.value - shift
        empty = day - self.day - 1  # days with nothing added count as zeros
        if empty < 0:
            empty = 0
        self.n += 1 + empty
        self.total += d - shift * empty
        self.total_sq += d * d + shift * shift * empty
        self.day = day
        self.value = 0.0

    def variance(self, days: int) -> float | None:
        """Sample variance of the ``days`` daily totals (``None`` with fewer than two days)."""
        if days < 2:
            return None
        copy = DailySeries()
        copy.day, copy.value, copy.n = self.day, self.value, self.n
        copy.shift, copy.total, copy.total_sq = self.shift, self.total, self.total_sq
        copy._close(days)
        mean = copy.total / copy.n
        return max(0.0, (copy.total_sq - copy.n * mean * mean) / (copy.n - 1))


class UnkeptSeries(DailySeries):
    """A daily series nobody reads: what is added is dropped.

    A product stocked at several sites of a network has no bullwhip ratio of its own (its sites'
    series are not merged), so its stocks feed this instead of keeping series of their own.
    """

    __slots__ = ()

    def add(self, day: int, x: float) -> None:
        """Drop ``x``."""

    def variance(self, days: int) -> float | None:
        """Nothing was kept."""
        return None


#: The one series every unkept daily series of a run may share.
UNKEPT = UnkeptSeries()


class DayBook:
    """Units of one product demanded on the current day, not yet added to its daily series.

    Adding an order's units to three or four daily series costs a call each; a stock adds them
    here instead, and :meth:`flush` adds the day's total to every series once the day is over.

    Args:
        feeds: the daily series the day's total goes to.
    """

    __slots__ = ("units", "feeds")

    def __init__(self, feeds: tuple[DailySeries, ...]) -> None:
        self.units = 0
        self.feeds = feeds

    def flush(self, day: int) -> None:
        """Day ``day`` is over: add its total to every series."""
        units = self.units
        for series in self.feeds:  # series.add(day, units), written out: once a day per feed
            if day != series.day:
                series._close(day)
            series.value += units
        self.units = 0


def variance_ratio(numerator: DailySeries, denominator: DailySeries, days: int) -> float | None:
    """Var(numerator) / Var(denominator) over ``days`` days; ``None`` if undefined."""
    var_d = denominator.variance(days)
    if not var_d:
        return None
    return numerator.variance(days) / var_d


class ForecastErrors:
    """One forecast's one-day-ahead errors over the measured days, in constant memory.

    Args:
        first: the first day counted (days before it are warm-up).
        end: the end of the run; a day counts only if it is over by then.
    """

    __slots__ = ("first", "end", "days", "actual", "error", "ape", "ape_days")

    def __init__(self, first: float, end: float) -> None:
        self.first, self.end = first, end
        self.days = 0
        self.actual = self.error = self.ape = 0.0
        self.ape_days = 0  # days with demand (the absolute percentage error needs it)

    def observe(self, day: int, forecast: float, actual: float) -> None:
        """Day ``day`` (time [day, day + 1)) had ``actual`` units; ``forecast`` was made for it."""
        if day < self.first or day + 1 > self.end:
            return
        self.days += 1
        self.actual += actual
        self.error += forecast - actual
        if actual > 0:
            self.ape += abs(forecast - actual) / actual
            self.ape_days += 1
