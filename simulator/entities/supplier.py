"""A supplier: processes purchase orders, produces within its capacity, ships, suffers outages.

A purchase order placed at time t becomes available at the warehouse at

    t + processing + (wait for the end of an outage) + (wait for capacity + production time)
      + lead time + inbound transit + inspection time

Capacity is a production line making ``capacity_per_day`` units a day, first come first served;
with unlimited capacity there is no production time. An outage stops the supplier from *starting*
orders: an order released during one waits for its end (an order already in production finishes).
"""

from __future__ import annotations

import bisect
import itertools
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.config.schema import Inspection, RandomDisruption, Scenario, Supplier
from simulator.entities.carrier import Lane
from simulator.events import RECEIPT, REVIEW, Call
from simulator.records import DailySeries, Recorder
from simulator.rng import Streams

if TYPE_CHECKING:
    import simpy

    from simulator.entities.warehouse import Stock


@dataclass
class Shipment:
    """A purchase order on its way to the warehouse."""

    stock: Stock
    units: int
    ordered_at: float
    defective: int = 0
    damaged: int = 0
    lane: Lane | None = None
    po: str = ""
    """The purchase order's reference (``<supplier>/<n>``), linking the trace's rows."""


def outage_intervals(supplier: Supplier, streams: Streams, end: float) -> list[tuple[float, float]]:
    """All outages of ``supplier`` before ``end``, merged and sorted, as (start, end) pairs."""
    spans = []
    for i, d in enumerate(supplier.disruptions):
        if isinstance(d, RandomDisruption):
            if d.duration_days.mean == 0:
                continue  # outages of length 0 change nothing (and would never let t advance)
            rng = streams.generator(f"supplier/{supplier.id}/disruption/{i}")
            up = d.time_between_days.sampler(rng)
            down = d.duration_days.sampler(rng)
            t = up()
            while t < end:
                length = down()
                spans.append((t, t + length))
                t += length + up()
        else:
            spans.append((d.start_day, d.start_day + d.duration_days))
    spans.sort()
    merged: list[tuple[float, float]] = []
    for start, stop in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        elif stop > start:
            merged.append((start, stop))
    return merged


class SupplierNode:
    """The SimPy side of one supplier.

    Args:
        env: the SimPy environment.
        cfg: the supplier's scenario entry.
        scenario: the whole scenario (unit costs, inbound carrier).
        streams: the run's random streams.
        recorder: where facts go.
        lane: the inbound carrier lane.
        inspection: inbound inspection, or ``None``.
    """

    def __init__(
        self,
        env: simpy.Environment,
        cfg: Supplier,
        scenario: Scenario,
        streams: Streams,
        recorder: Recorder,
        lane: Lane,
        inspection: Inspection | None,
    ) -> None:
        self.env = env
        self.cfg = cfg
        self.id = cfg.id
        self.recorder = recorder
        self.lane = lane
        name = f"supplier/{cfg.id}"
        self.lead = cfg.lead_time_days.sampler(streams.generator(f"{name}/lead_time"))
        self.processing = cfg.order_processing_days.sampler(streams.generator(f"{name}/processing"))
        self.capacity = cfg.capacity_per_day
        self.busy_until = 0.0
        self.defect_rate = cfg.defect_rate
        self._defect_rng = streams.generator(f"{name}/defects") if cfg.defect_rate > 0 else None
        self.inspection = inspection
        if inspection is not None:
            self.inspect_days = inspection.days.sampler(streams.generator(f"{name}/inspection"))
            self._catch_rng = streams.generator(f"{name}/inspection_catch")
        self.outages = outage_intervals(cfg, streams, recorder.end)
        self._starts = [s for s, _ in self.outages]
        carrier_mean = lane.carrier.transit_days.mean if lane.carrier else 0.0
        # a delivery is scored at the dock, before inspection, so the default promise leaves
        # the warehouse's own inspection time out
        self.quoted = (
            cfg.quoted_lead_time_days
            if cfg.quoted_lead_time_days is not None
            else cfg.order_processing_days.mean + cfg.lead_time_days.mean + carrier_mean
        )
        self.tally = recorder.supplier(cfg.id)
        self._po_numbers = itertools.count(1)
        self.unit_cost = {
            pid: cfg.unit_costs.get(pid, scenario.product(pid).unit_cost) for pid in cfg.products
        }
        self.plants: dict[str, Plant] = {}  # make-to-stock production, per product
        self.made_total = DailySeries()  # units made per day, all products
        self.demand_total = DailySeries()  # units of its products demanded per day

    def pay(self, stock: Stock, units: int) -> None:
        """The warehouse pays for ``units`` units (at receipt, or at sale under consignment)."""
        cost = units * self.unit_cost[stock.pid]
        self.tally.cost_purchase += cost
        stock.tally.cost_purchase += cost

    def available_from(self, t: float) -> float:
        """The earliest time at or after ``t`` that is not inside an outage."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self.outages[i][1]:
            return self.outages[i][1]
        return t

    def down_days(self, start: float, end: float) -> float:
        """Days of outage that fall between ``start`` and ``end``."""
        return sum(max(0.0, min(e, end) - max(s, start)) for s, e in self.outages)

    def is_down(self, t: float) -> bool:
        """Whether the supplier is in an outage at time ``t``."""
        return bool(self.outages) and self.available_from(t) > t

    def order(
        self,
        stock: Stock,
        units: int,
        order_cost: bool = True,
        lane: Lane | None = None,
        vmi: bool = False,
    ) -> str:
        """Accept a purchase order (or, under VMI, decide a shipment) and set it on its way.

        Args:
            stock: the warehouse stock it is for.
            units: how many units.
            order_cost: charge the fixed order cost (not for replacements of rejected units).
            lane: the inbound lane (an express one when expediting); default: the usual one.
            vmi: a shipment the supplier decided itself: no purchase order to process.

        Returns:
            The order's reference, which the trace's ``po_arrived`` row repeats.
        """
        now = self.env.now
        t = now if vmi else now + self.processing()
        if self.outages:
            t = self.available_from(t)
        rec = self.recorder
        if rec.measuring:
            self.tally.orders += 1
            if order_cost and not vmi:
                self.tally.cost_ordering += self.cfg.order_cost
                stock.tally.cost_ordering += self.cfg.order_cost
        ship = Shipment(stock, units, now, lane=lane or self.lane)
        ship.po = f"{self.id}/{next(self._po_numbers)}"
        plant = self.plants.get(stock.pid)
        if plant is not None:
            if not vmi:
                plant.signal.add(now, units)
            if t > now:
                Call(self.env, t - now, plant.request_event, ship, RECEIPT)
            else:
                plant.request(ship)
            return ship.po
        if self.capacity is not None:
            t = max(t, self.busy_until) + units / self.capacity
            self.busy_until = t
        self.dispatch(ship, t)
        return ship.po

    def dispatch(self, ship: Shipment, t: float) -> None:
        """The goods leave production at time ``t`` (now or later): lead time and transit."""
        now = self.env.now
        t += self.lead()
        if not ship.lane.instant:
            t += ship.lane.transit()
        if self._defect_rng is not None:
            ship.defective = int(self._defect_rng.binomial(ship.units, self.defect_rate))
        Call(self.env, t - now, self._arrive, ship, RECEIPT)

    def _arrive(self, event: Call) -> None:
        """A shipment reaches the warehouse dock: score the delivery, then inspect or put away."""
        ship: Shipment = event.arg
        now = self.env.now
        ship.damaged = ship.lane.damaged(ship.units - ship.defective)
        ship.lane.charge(ship.units)
        rec = self.recorder
        if rec.measuring:
            tally = self.tally
            lead = now - ship.ordered_at
            tally.deliveries += 1
            tally.on_time += lead <= self.quoted + 1e-9
            tally.units += ship.units
            tally.defective_units += ship.defective
            tally.lead_sum += lead
            tally.lead_sumsq += lead * lead
        if rec.trace is not None:
            detail = f"supplier={self.id} defective={ship.defective} damaged={ship.damaged}"
            rec.log(now, "po_arrived", ship.po, ship.stock.pid, ship.units, "", "", detail)
        if self.inspection is None:
            self._put_away(ship, caught=0)
            return
        if rec.measuring:
            rec.cost_handling += self.inspection.cost_per_unit * ship.units
        caught = 0
        if ship.defective:
            caught = int(self._catch_rng.binomial(ship.defective, self.inspection.catch_rate))
        delay = self.inspect_days()
        if delay > 0:
            Call(self.env, delay, lambda ev: self._put_away(ship, caught), None, RECEIPT)
        else:
            self._put_away(ship, caught)

    def _put_away(self, ship: Shipment, caught: int) -> None:
        """Accepted units go to stock and are paid for; rejected ones go back and are re-ordered."""
        rejected = caught + ship.damaged
        accepted = ship.units - rejected
        if self.recorder.measuring and not ship.stock.consigned:
            self.pay(ship.stock, accepted)
        ship.stock.receive(accepted, ship.defective - caught, rejected, self)


class Plant:
    """A supplier's make-to-stock production of one product, planned once a day.

    Each day the plant forecasts the demand it sees (the warehouse's orders under classic
    replenishment; sales, or consumption inferred from stock levels, under VMI) and makes

        clip(forecast x cover_days + units owed - finished goods, 0, capacity_per_day)

    units, available the next day. Orders are served from finished goods, first come first
    served; an order that finds too little waits for production, which lengthens its lead time.
    Lumpy orders make lumpy forecasts and lumpy production: the bullwhip shows in the plant's
    change costs, its stock and its lead times.

    Args:
        env: the SimPy environment.
        supplier: the supplier owning the plant.
        pid: the product made.
        cfg: the production settings.
        prior: the forecast before any data (units per day).
        recorder: where facts go.
    """

    def __init__(self, env, supplier: SupplierNode, pid: str, cfg, prior: float, recorder) -> None:
        from simulator.forecast import DailyTotals, Forecaster

        self.env = env
        self.supplier = supplier
        self.pid = pid
        self.cfg = cfg
        self.recorder = recorder
        self.finished = cfg.initial_stock
        self.owed: deque[Shipment] = deque()
        self.owed_units = 0
        self.forecaster = Forecaster(cfg.forecast, prior)
        self.signal = DailyTotals(self.forecaster.update)
        self.last_made: int | None = None
        self.daily_made = DailySeries()
        self.daily_demand = DailySeries()  # demand for the product, to compare production with
        self._t = env.now
        self.area_finished = 0.0
        self.reset_statistics(env.now)
        recorder.resettables.append(self)
        Call(env, 0, self._plan, None, REVIEW)

    def reset_statistics(self, now: float) -> None:
        """Restart the plant's statistics (end of warm-up)."""
        self._mark(now)
        self.area_finished = 0.0
        self.made = 0
        self.cost_production = 0.0
        self.cost_changes = 0.0
        self.daily_made.reset()
        self.daily_demand.reset()
        self.supplier.made_total.reset()
        self.supplier.demand_total.reset()

    def _mark(self, now: float) -> None:
        self.area_finished += self.finished * (now - self._t)
        self._t = now

    def request_event(self, event: Call) -> None:
        """A released order asks for finished goods (scheduled form of :meth:`request`)."""
        self.request(event.arg)

    def request(self, ship: Shipment) -> None:
        """Serve an order from finished goods now, or make it wait its turn."""
        if not self.owed and self.finished >= ship.units:
            self._mark(self.env.now)
            self.finished -= ship.units
            self.supplier.dispatch(ship, self.env.now)
        else:
            self.owed.append(ship)
            self.owed_units += ship.units

    def _plan(self, event: Call) -> None:
        """The daily production plan."""
        now = self.env.now
        self.signal.close_until(now)
        cfg = self.cfg
        make = 0
        if not self.supplier.is_down(now):
            want = self.forecaster.value * cfg.cover_days + self.owed_units - self.finished
            make = int(min(cfg.capacity_per_day, max(0.0, round(want))))
        rec = self.recorder
        if rec.measuring:
            self.made += make
            self.cost_production += make * cfg.cost_per_unit
            if self.last_made is not None:
                self.cost_changes += abs(make - self.last_made) * cfg.change_cost_per_unit
            self.daily_made.add(rec.day(now), make)
            self.supplier.made_total.add(rec.day(now), make)
        self.last_made = make
        if make:
            Call(self.env, 1.0, self._made, make, RECEIPT)
        Call(self.env, 1.0, self._plan, None, REVIEW)

    def _made(self, event: Call) -> None:
        """Yesterday's production is finished: serve waiting orders in turn."""
        now = self.env.now
        self._mark(now)
        self.finished += event.arg
        owed = self.owed
        while owed and owed[0].units <= self.finished:
            ship = owed.popleft()
            self.owed_units -= ship.units
            self.finished -= ship.units
            self.supplier.dispatch(ship, now)
