"""The recorder: what processes append while the model runs, kept small enough for long runs.

Processes record facts; :mod:`simulator.metrics` turns them into KPIs afterwards, reading these
records only. Facts that would grow with the number of orders (every cycle time, every event) are
kept as incremental aggregates: sums, counts, a fixed-resolution histogram for percentiles,
per-day totals for variances, and time-weighted areas for levels (level monitors). The full event
trace is kept only when asked for.

Everything here is reset at the end of the warm-up, so KPIs describe the measured horizon only,
and closed at the end of the run (:meth:`Recorder.close`), after which the records are complete.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.customer_days import CustomerDays
from simulator.orders import Order
from simulator.series import DailySeries, DayBook, ForecastErrors
from simulator.tallies import CYCLE_BIN, PlantTally, ProductTally, StockLevels, SupplierTally


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or ``None`` when there is nothing to divide by (a KPI's denominator)."""
    return num / den if den else None


def lateral_key(site: str, pid: str, sibling: str) -> str:
    """The tally of product ``pid`` moved laterally from ``sibling`` to ``site``."""
    return f"{site}/{pid}>lateral<{sibling}"


def substituted_key(stock_key: str) -> str:
    """The tally of the orders for a stock's product that a substitute served."""
    return f"{stock_key}>substituted"


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    """What a segment of customers who remember reports at the end of the run."""

    active_customers_end: int
    new_customers: int
    churned_customers: int
    retention_cohort: int
    """Customers active at the end of the warm-up."""
    retained: int
    """Of those, customers still active at the end."""
    satisfaction_mean: float | None
    """Mean satisfaction of the customers active at the end."""
    survey_answers: int
    promoter_answers: int
    detractor_answers: int
    complaints: int
    churned_orders: int
    """Orders the churned customers had placed, over their lifetime."""
    churn_reasons: dict[str, int]


class Recorder:
    """Collects the facts of one run.

    Args:
        warmup: simulated time at which statistics start.
        end: simulated time at which the run ends.
        trace: keep every event as a row (for ``--out`` and for tests); off on long runs.
    """

    TRACE_COLUMNS = (
        "time",
        "event",
        "order",
        "product",
        "units",
        "on_hand",
        "backorders",
        "detail",
        "replacement",
        "segment",
        "site",
    )
    """Columns of a trace row; ``replacement`` is true for an order that replaces returned units,
    ``segment`` names the customer segment of an order's rows (empty on other rows), ``site`` the
    network site of a stock's rows (empty with one warehouse, and on other rows)."""

    def __init__(self, warmup: float, end: float, trace: bool = False):
        self.warmup = warmup
        self.end = end
        self.days = max(1, math.ceil(end - warmup))
        self.measuring = warmup <= 0
        self.trace: list[tuple] | None = [] if trace else None
        self.products: dict[str, ProductTally] = {}
        self.suppliers: dict[str, SupplierTally] = {}
        self.levels: dict[str, StockLevels] = {}
        self.plants: dict[str, dict[str, PlantTally]] = {}  # by supplier, then product
        self.segments: dict[str, SegmentSummary] = {}  # written at the end of the run
        self.customer_days = CustomerDays()  # a row a day per segment of customers who remember
        self.forecasts: dict[str, ForecastErrors] = {}  # of the products whose policy forecasts
        # open measured orders placed late enough to be "not yet due" at the end (no others)
        self.open_orders: dict[int, Order] = {}
        self.not_yet_due: dict[str, int] = {}  # open orders at the end not yet due, by product
        self._zero()
        self.daily_demand = DailySeries()  # all products together, for the bullwhip ratio
        self.daily_ordered = DailySeries()
        self.today = 0  # the measured day whose demand the day books are adding up
        # before this time demand is surely on ``today`` (a margin; the last day never ends)
        self.day_safe = math.inf if self.days == 1 else self.warmup + 1 - 1e-6
        self.day_books: list[DayBook] = []  # the books holding units of ``today``
        self.resettables: list[Any] = []
        self._closers: list[Callable[[float], None]] = []

    def _zero(self) -> None:
        """Zero the whole-system counters."""
        self.cost_transport = self.cost_handling = self.cost_returns = self.cost_service = 0.0
        self.co2_kg = 0.0
        self.returns_units = 0
        self.complaints = 0
        self.desk_served = 0
        self.desk_wait_hours = 0.0

    def product(self, pid: str) -> ProductTally:
        """The tally of product ``pid`` (created on first use)."""
        tally = self.products.get(pid)
        if tally is None:
            tally = self.products[pid] = ProductTally()
        return tally

    def supplier(self, sid: str) -> SupplierTally:
        """The tally of supplier ``sid`` (created on first use)."""
        tally = self.suppliers.get(sid)
        if tally is None:
            tally = self.suppliers[sid] = SupplierTally()
        return tally

    def forecast_errors(self, pid: str) -> ForecastErrors:
        """The forecast errors of product ``pid``'s policy (measured days only, by their index)."""
        errors = self.forecasts[pid] = ForecastErrors(self.warmup, self.end)
        return errors

    def stock_levels(self, pid: str, now: float) -> StockLevels:
        """The level monitor of product ``pid``'s stock (created at ``now``)."""
        levels = self.levels[pid] = StockLevels(now)
        return levels

    def plant(self, sid: str, pid: str, now: float) -> PlantTally:
        """The tally of supplier ``sid``'s plant making ``pid`` (created at ``now``)."""
        tally = self.plants.setdefault(sid, {})[pid] = PlantTally(now)
        return tally

    def on_close(self, fn: Callable[[float], None]) -> None:
        """Have ``fn(end)`` called at the end of the run (to close levels, write summaries)."""
        self._closers.append(fn)

    def close(self, end: float) -> None:
        """End of the run: the records become complete.

        Every level's area is closed at ``end``, the segments write their summaries, and the open
        orders that could still arrive on time (their outcome is unknown) are counted.
        """
        for book in self.day_books:  # the last day's demand
            book.flush(self.today)
        self.day_books.clear()
        for fn in self._closers:
            fn(end)
        for order in self.open_orders.values():
            if end - order.t_placed <= order.segment.promised_days:
                pid = order.product.key
                self.not_yet_due[pid] = self.not_yet_due.get(pid, 0) + 1

    def start_measuring(self, now: float) -> None:
        """End of warm-up: zero every statistic; levels restart their time averages now."""
        self.measuring = True
        for tally in self.products.values():
            tally.reset()
        for tally in self.suppliers.values():
            tally.reset()
        for levels in self.levels.values():
            levels.restart(now)
        for plants in self.plants.values():
            for plant in plants.values():
                plant.reset(now)
        self.open_orders.clear()
        self._zero()
        self.daily_demand.reset()
        self.daily_ordered.reset()
        for item in self.resettables:
            item.reset_statistics(now)

    def to_day(self, now: float) -> None:
        """Demand at ``now``, past :attr:`day_safe` (once a day): a day ended? Books add it up."""
        day = int(now - self.warmup)  # self.day(now), written out
        if day >= self.days:
            day = self.days - 1
        if day == self.today:
            return
        for book in self.day_books:
            book.flush(self.today)
        self.day_books.clear()
        self.today = day
        self.day_safe = math.inf if day >= self.days - 1 else self.warmup + day + 1 - 1e-6

    def day(self, now: float) -> int:
        """Index of the measured day containing ``now``."""
        return min(self.days - 1, int(now - self.warmup))

    def record_cycle(self, tally: ProductTally, cycle: float) -> None:
        """Add one order-to-delivery time to the histogram."""
        key = int(cycle / CYCLE_BIN)
        hist = tally.cycle_hist
        hist[key] = hist.get(key, 0) + 1
        tally.cycle_sum += cycle
        if cycle < tally.cycle_min:
            tally.cycle_min = cycle
        if cycle > tally.cycle_max:
            tally.cycle_max = cycle

    def log(
        self,
        now: float,
        event: str,
        order: Any = "",
        product: str = "",
        units: Any = "",
        on_hand: Any = "",
        backorders: Any = "",
        detail: str = "",
        replacement: bool = False,
        segment: str = "",
        site: str = "",
    ) -> None:
        """Append one trace row (only call when ``self.trace`` is not ``None``)."""
        self.trace.append(
            (
                now,
                event,
                order,
                product,
                units,
                on_hand,
                backorders,
                detail,
                replacement,
                segment,
                site,
            )
        )
