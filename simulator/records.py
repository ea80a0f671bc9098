"""The recorder: what processes append while the model runs, kept small enough for long runs.

Processes record facts; :mod:`simulator.metrics` turns them into KPIs afterwards. Facts that would
grow with the number of orders (every cycle time, every event) are kept as incremental aggregates:
sums, counts, a fixed-resolution histogram for percentiles, per-day totals for variances, and
time-weighted areas for levels. The full event trace is kept only when asked for.

Everything here is reset at the end of the warm-up, so KPIs describe the measured horizon only.
"""

from __future__ import annotations

import math
from typing import Any

#: Resolution of the cycle-time histogram (days): percentiles are exact to this.
CYCLE_BIN = 1e-3


class Order:
    """A customer order moving through the chain, timestamped at every stage."""

    __slots__ = (
        "id",
        "segment",
        "product",
        "qty",
        "t_placed",
        "filled_now",
        "remaining",
        "lost",
        "defective",
        "damaged",
        "wrong_item",
        "t_allocated",
        "t_picked",
        "t_shipped",
        "t_delivered",
        "measured",
        "customer",
        "notified",
        "replacement",
    )

    def __init__(self, oid: int, segment: Any, product: Any, qty: int, now: float, measured: bool):
        self.id = oid
        self.segment = segment
        self.product = product
        self.qty = qty
        self.t_placed = now
        self.filled_now = 0
        self.remaining = 0
        self.lost = 0
        self.defective = 0
        self.damaged = 0
        self.wrong_item = False
        self.t_allocated = None
        self.t_picked = None
        self.t_shipped = None
        self.t_delivered = None
        self.measured = measured
        self.customer = -1
        self.notified = False
        self.replacement = False


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
        if self.shift is None:
            self.shift = self.value
        for v, count in ((self.value, 1), (0.0, day - self.day - 1)):
            if count > 0:
                d = v - self.shift
                self.n += count
                self.total += d * count
                self.total_sq += d * d * count
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


def variance_ratio(numerator: DailySeries, denominator: DailySeries, days: int) -> float | None:
    """Var(numerator) / Var(denominator) over ``days`` days; ``None`` if undefined."""
    var_d = denominator.variance(days)
    if not var_d:
        return None
    return numerator.variance(days) / var_d


class ProductTally:
    """Per-product counters of the measured horizon."""

    __slots__ = (
        "orders",
        "units",
        "filled_units",
        "filled_orders",
        "lost_units",
        "delivered",
        "units_delivered",
        "on_time",
        "otif",
        "perfect",
        "defective_orders",
        "damaged_orders",
        "wrong_orders",
        "cycle_sum",
        "cycle_hist",
        "shipped_units",
        "revenue",
        "refunds",
        "po_count",
        "po_units",
        "expedited",
        "cost_ordering",
        "cost_purchase",
        "units_received",
        "daily_demand",
        "daily_ordered",
    )

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        self.orders = self.units = self.filled_units = self.filled_orders = 0
        self.lost_units = self.delivered = self.units_delivered = 0
        self.on_time = self.otif = self.perfect = 0
        self.defective_orders = self.damaged_orders = self.wrong_orders = 0
        self.cycle_sum = 0.0
        self.cycle_hist: dict[int, int] = {}
        self.shipped_units = 0
        self.revenue = self.refunds = 0.0
        self.po_count = self.po_units = self.units_received = self.expedited = 0
        self.cost_ordering = self.cost_purchase = 0.0
        self.daily_demand = DailySeries()
        self.daily_ordered = DailySeries()


class SupplierTally:
    """Per-supplier counters of the measured horizon (the scorecard's raw material)."""

    __slots__ = (
        "orders",
        "deliveries",
        "on_time",
        "units",
        "defective_units",
        "lead_sum",
        "lead_sumsq",
        "cost_purchase",
        "cost_ordering",
    )

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        self.orders = self.deliveries = self.on_time = self.units = self.defective_units = 0
        self.lead_sum = self.lead_sumsq = 0.0
        self.cost_purchase = self.cost_ordering = 0.0


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
    )

    def __init__(self, warmup: float, end: float, trace: bool = False):
        self.warmup = warmup
        self.end = end
        self.days = max(1, math.ceil(end - warmup))
        self.measuring = warmup <= 0
        self.trace: list[tuple] | None = [] if trace else None
        self.products: dict[str, ProductTally] = {}
        self.suppliers: dict[str, SupplierTally] = {}
        self.open_orders: dict[int, Order] = {}
        self._zero()
        self.daily_demand = DailySeries()  # all products together, for the bullwhip ratio
        self.daily_ordered = DailySeries()
        self.resettables: list[Any] = []

    def _zero(self) -> None:
        """Zero the whole-system counters."""
        self.cost_transport = self.cost_handling = self.cost_returns = self.cost_service = 0.0
        self.co2_kg = 0.0
        self.shipments_out = 0
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

    def start_measuring(self, now: float) -> None:
        """End of warm-up: zero every statistic; levels restart their time averages now."""
        self.measuring = True
        for tally in self.products.values():
            tally.reset()
        for tally in self.suppliers.values():
            tally.reset()
        self.open_orders.clear()
        self._zero()
        self.daily_demand = DailySeries()
        self.daily_ordered = DailySeries()
        for item in self.resettables:
            item.reset_statistics(now)

    def day(self, now: float) -> int:
        """Index of the measured day containing ``now``."""
        return min(self.days - 1, int(now - self.warmup))

    def record_cycle(self, tally: ProductTally, cycle: float) -> None:
        """Add one order-to-delivery time to the histogram."""
        key = int(cycle / CYCLE_BIN)
        hist = tally.cycle_hist
        hist[key] = hist.get(key, 0) + 1
        tally.cycle_sum += cycle

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
    ) -> None:
        """Append one trace row (only call when ``self.trace`` is not ``None``)."""
        self.trace.append((now, event, order, product, units, on_hand, backorders, detail))
