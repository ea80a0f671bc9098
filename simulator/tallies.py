"""The recorder's counters: per product, per supplier and per plant, and the level monitors.

A :class:`~simulator.records.Recorder` keeps one tally per product (stock), supplier and plant;
processes add to them while the model runs and :mod:`simulator.metrics` reads them afterwards.
Each is a fixed set of numbers (sums, counts, a histogram of fixed resolution, daily series), so a
long run keeps O(days) numbers whatever its number of orders.
"""

from __future__ import annotations

import math

from simulator.series import DailySeries

#: Resolution of the cycle-time histogram (days): percentiles are exact to this.
CYCLE_BIN = 1e-3


class ProductTally:
    """Per-product counters of the measured horizon."""

    __slots__ = (
        "orders",
        "units",
        "filled_units",
        "filled_orders",
        "lost_units",
        "delivered",
        "on_time",
        "otif",
        "perfect",
        "defective_orders",
        "damaged_orders",
        "wrong_orders",
        "cycle_sum",
        "cycle_min",
        "cycle_max",
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
        "sold",
        "sold_units",
    )

    def __init__(self):
        self.daily_demand = DailySeries()
        self.daily_ordered = DailySeries()
        self.reset()

    def reset(self) -> None:
        """Zero every counter (the daily series in place: day books feed them by reference)."""
        self.orders = self.units = self.filled_units = self.filled_orders = 0
        self.lost_units = self.delivered = 0
        self.on_time = self.otif = self.perfect = 0
        self.defective_orders = self.damaged_orders = self.wrong_orders = 0
        self.cycle_sum = 0.0
        self.cycle_min = math.inf
        self.cycle_max = -math.inf
        self.cycle_hist: dict[int, int] = {}
        self.shipped_units = 0
        self.revenue = self.refunds = 0.0
        self.po_count = self.po_units = self.units_received = self.expedited = 0
        self.cost_ordering = self.cost_purchase = 0.0
        self.daily_demand.reset()
        self.daily_ordered.reset()
        self.sold = self.sold_units = 0

    def settle(self, price: float) -> None:
        """At the end: orders sold at once (``Stock.sell``) go into every counter they count in.

        Each was filled, delivered on time, in full and perfect, with a cycle time of 0.
        """
        n, units = self.sold, self.sold_units
        if not n:
            return
        self.orders += n
        self.units += units
        self.filled_units += units
        self.filled_orders += n
        self.shipped_units += units
        self.revenue += units * price
        self.delivered += n
        self.on_time += n
        self.otif += n
        self.perfect += n
        hist = self.cycle_hist
        hist[0] = hist.get(0, 0) + n
        self.cycle_min = min(self.cycle_min, 0.0)
        self.cycle_max = max(self.cycle_max, 0.0)
        self.sold = self.sold_units = 0


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
        "made",
        "demand",
    )

    def __init__(self):
        self.made = DailySeries()  # units its plants made per day, all products
        self.demand = DailySeries()  # units of its plants' products demanded per day
        self.reset()

    def reset(self) -> None:
        """Zero every counter (the daily series in place: stocks feed them by reference)."""
        self.orders = self.deliveries = self.on_time = self.units = self.defective_units = 0
        self.lead_sum = self.lead_sumsq = 0.0
        self.cost_purchase = self.cost_ordering = 0.0
        self.made.reset()
        self.demand.reset()


class StockLevels:
    """Level monitor of one product's stock: time-weighted areas of on hand, backorders, on order.

    The stock calls :meth:`mark` with its levels just before any of them changes, so each area
    grows by the level held since the previous mark times the time it was held.
    """

    __slots__ = ("t", "on_hand", "backorders", "on_order")

    def __init__(self, now: float = 0.0) -> None:
        self.restart(now)

    def restart(self, now: float) -> None:
        """Start the areas again from zero at ``now`` (end of warm-up)."""
        self.t = now
        self.on_hand = self.backorders = self.on_order = 0.0

    def mark(self, now: float, on_hand: int, backorders: int, on_order: int) -> None:
        """The levels held since the previous mark were these, until ``now``."""
        dt = now - self.t
        if dt:
            self.on_hand += on_hand * dt
            self.backorders += backorders * dt
            self.on_order += on_order * dt
            self.t = now


class PlantTally:
    """A supplier plant's facts for one product: output, costs and its finished-goods level."""

    __slots__ = (
        "made",
        "cost_production",
        "cost_changes",
        "daily_made",
        "daily_demand",
        "t",
        "area_finished",
    )

    def __init__(self, now: float = 0.0) -> None:
        self.daily_made = DailySeries()
        self.daily_demand = DailySeries()  # demand for the product, to compare production with
        self.t = now
        self.reset(now)

    def reset(self, now: float) -> None:
        """Zero every counter and the finished-goods area (the series in place)."""
        self.made = 0
        self.cost_production = self.cost_changes = 0.0
        self.daily_made.reset()
        self.daily_demand.reset()
        self.t = now
        self.area_finished = 0.0

    def mark(self, now: float, finished: int) -> None:
        """``finished`` units of finished goods were held since the previous mark, until ``now``."""
        self.area_finished += finished * (now - self.t)
        self.t = now
