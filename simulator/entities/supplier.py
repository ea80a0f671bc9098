"""A supplier: processes purchase orders, produces within its capacity, ships, suffers outages.

A purchase order placed at time t becomes available at the warehouse at

    start = avail(max(t + processing, end of the job ahead))
    t_available = start + production time + lead time + inbound transit + inspection time

where avail(x) is x, or the end of the outage x falls in (production time and the job ahead only
with a limited capacity).

Capacity is a production line making ``capacity_per_day`` units a day, first come first served;
with unlimited capacity there is no production time. An outage stops the supplier from *starting*
orders: an order released during one waits for its end (an order already in production finishes).
"""

from __future__ import annotations

import bisect
import itertools
from collections import deque
from dataclasses import dataclass
from heapq import heappush
from typing import TYPE_CHECKING

from simulator.entities.carrier import Lane
from simulator.entities.ports import Receiver
from simulator.events import RECEIPT, REVIEW, Call, Scheduled
from simulator.forecast import DailyTotals, Forecaster
from simulator.records import Recorder
from simulator.samplers import binomial_sampler
from simulator.specs import PlantSpec, SupplierSpec

if TYPE_CHECKING:
    import simpy


@dataclass(slots=True)
class Shipment(Scheduled):
    """A purchase order on its way to the warehouse (it waits on SimPy's queue itself)."""

    stock: Receiver
    """The stock it is for."""
    units: int
    ordered_at: float
    defective: int = 0
    damaged: int = 0
    lane: Lane | None = None
    po: str = ""
    """The purchase order's reference (``<supplier>/<n>``), linking the trace's rows."""


class SupplierNode:
    """The SimPy side of one supplier.

    Args:
        env: the SimPy environment.
        spec: the supplier.
        recorder: where facts go.
        lane: the inbound carrier lane.
    """

    def __init__(
        self, env: simpy.Environment, spec: SupplierSpec, recorder: Recorder, lane: Lane
    ) -> None:
        self.env = env
        self.id = spec.id
        self.recorder = recorder
        self.lane = lane
        self._arrival = (self._arrive,)  # the callbacks of a shipment on its way
        self.lead = spec.lead
        self.processing = spec.processing
        self.capacity = spec.capacity
        self.busy_until = 0.0
        self.defect_rate = spec.defect_rate
        rng = spec.defect_rng
        self._defective = None if rng is None else binomial_sampler(rng, spec.defect_rate)
        self._caught = None
        if spec.inspection is not None:
            self._caught = binomial_sampler(spec.inspection.catch_rng, spec.inspection.catch_rate)
        self.order_cost = spec.order_cost
        self.inspection = spec.inspection
        self.outages = list(spec.outages)
        self._starts = [s for s, _ in self.outages]
        self.quoted = spec.quoted
        self.quoted_per_unit = spec.quoted_per_unit
        self.tally = recorder.supplier(spec.id)
        self._po_numbers = itertools.count(1)
        self.unit_cost = spec.unit_cost
        self.plants: dict[str, Plant] = {
            p.pid: Plant(env, self, p, recorder) for p in spec.plants
        }  # make-to-stock production, per product

    def pay(self, pid: str, units: int) -> float:
        """The warehouse pays for ``units`` units (at receipt, or at sale under consignment)."""
        cost = units * self.unit_cost[pid]
        self.tally.cost_purchase += cost
        return cost

    def available_from(self, t: float) -> float:
        """The earliest time at or after ``t`` that is not inside an outage."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self.outages[i][1]:
            return self.outages[i][1]
        return t

    def is_down(self, t: float) -> bool:
        """Whether the supplier is in an outage at time ``t``."""
        return bool(self.outages) and self.available_from(t) > t

    def order(
        self,
        stock: Receiver,
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
            The order's reference, which the trace's ``po_arrived`` row repeats ("" untraced).
        """
        now = self.env._now
        t = now if vmi else now + self.processing()
        if self.outages:
            t = self.available_from(t)
        if self.recorder.measuring:
            self.tally.orders += 1
            if order_cost and not vmi:
                self.tally.cost_ordering += self.order_cost
        ship = Shipment(stock, units, now, lane=lane or self.lane)
        number = next(self._po_numbers)  # numbered always; the reference only shows in traces
        if self.recorder.trace is not None:
            ship.po = f"{self.id}/{number}"
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
            # production starts when the line is free and the supplier is up: a job queued
            # behind a long one must not start inside an outage that began meanwhile
            start = max(t, self.busy_until)
            if self.outages:
                start = self.available_from(start)
            t = start + units / self.capacity
            self.busy_until = t
        self.dispatch(ship, t)
        return ship.po

    def dispatch(self, ship: Shipment, t: float) -> None:
        """The goods leave production at time ``t`` (now or later): lead time and transit."""
        now = self.env._now
        t += self.lead()
        if not ship.lane.instant:
            t += ship.lane.transit()
        if self._defective is not None:
            ship.defective = self._defective(ship.units)
        env = self.env  # events.at, written out: once per purchase order
        ship.callbacks = self._arrival
        heappush(env._queue, (env._now + (t - now), RECEIPT, next(env._eid), ship))

    def _arrive(self, ship: Shipment) -> None:
        """A shipment reaches the warehouse dock: score the delivery, then inspect or put away."""
        now = self.env._now
        if ship.lane.active:  # an ideal lane costs nothing and damages nothing
            ship.damaged = ship.lane.carry(ship.units, ship.units - ship.defective)
        rec = self.recorder
        if rec.measuring:
            tally = self.tally
            lead = now - ship.ordered_at
            tally.deliveries += 1
            tally.on_time += lead <= self.quoted + ship.units * self.quoted_per_unit + 1e-9
            tally.units += ship.units
            tally.defective_units += ship.defective
            tally.lead_sum += lead
            tally.lead_sumsq += lead * lead
        if rec.trace is not None:
            detail = f"supplier={self.id} defective={ship.defective} damaged={ship.damaged}"
            rec.log(now, "po_arrived", ship.po, ship.stock.pid, ship.units, "", "", detail)
        inspection = self.inspection
        if inspection is None:  # _put_away(ship, 0), written out: once per delivery
            damaged = ship.damaged
            ship.stock.receive(ship.units - damaged, ship.defective, damaged, self)
            return
        if rec.measuring:
            rec.cost_handling += inspection.cost_per_unit * ship.units
        caught = self._caught(ship.defective)
        delay = inspection.days()
        if delay > 0:
            Call(self.env, delay, lambda ev: self._put_away(ship, caught), None, RECEIPT)
        else:
            self._put_away(ship, caught)

    def _put_away(self, ship: Shipment, caught: int) -> None:
        """Accepted units go to stock; rejected ones go back and are re-ordered."""
        rejected = caught + ship.damaged
        ship.stock.receive(ship.units - rejected, ship.defective - caught, rejected, self)


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
        spec: the production settings of the product.
        recorder: where facts go.
    """

    def __init__(
        self, env: simpy.Environment, supplier: SupplierNode, spec: PlantSpec, recorder: Recorder
    ) -> None:
        self.env = env
        self.supplier = supplier
        self.pid = spec.pid
        self.spec = spec
        self.recorder = recorder
        self.finished = spec.initial_stock
        self.owed: deque[Shipment] = deque()
        self.owed_units = 0
        self.forecaster = Forecaster(spec.forecast, spec.prior)
        self.signal = DailyTotals(self.forecaster.update)
        self.last_made: int | None = None
        self.tally = recorder.plant(supplier.id, spec.pid, env._now)
        self._made_total = supplier.tally.made
        recorder.on_close(self._close)
        Call(env, 0, self._plan, None, REVIEW)

    def _close(self, end: float) -> None:
        self.tally.mark(end, self.finished)

    def request_event(self, event: Call) -> None:
        """A released order asks for finished goods (scheduled form of :meth:`request`)."""
        self.request(event.arg)

    def request(self, ship: Shipment) -> None:
        """Serve an order from finished goods now, or make it wait its turn."""
        if not self.owed and self.finished >= ship.units:
            self.tally.mark(self.env._now, self.finished)
            self.finished -= ship.units
            self.supplier.dispatch(ship, self.env._now)
        else:
            self.owed.append(ship)
            self.owed_units += ship.units

    def _plan(self, event: Call) -> None:
        """The daily production plan."""
        now = self.env._now
        self.signal.close_until(now)
        spec = self.spec
        make = 0
        if not self.supplier.is_down(now):
            want = self.forecaster.value * spec.cover_days + self.owed_units - self.finished
            make = int(min(spec.capacity_per_day, max(0.0, round(want))))
        rec = self.recorder
        if rec.measuring:
            tally = self.tally
            tally.made += make
            tally.cost_production += make * spec.cost_per_unit
            if self.last_made is not None:
                tally.cost_changes += abs(make - self.last_made) * spec.change_cost_per_unit
            tally.daily_made.add(rec.day(now), make)
            self._made_total.add(rec.day(now), make)
        self.last_made = make
        if make:
            Call(self.env, 1.0, self._made, make, RECEIPT)
        Call(self.env, 1.0, self._plan, None, REVIEW)

    def _made(self, event: Call) -> None:
        """Yesterday's production is finished: serve waiting orders in turn."""
        now = self.env._now
        self.tally.mark(now, self.finished)
        self.finished += event.arg
        owed = self.owed
        while owed and owed[0].units <= self.finished:
            ship = owed.popleft()
            self.owed_units -= ship.units
            self.finished -= ship.units
            self.supplier.dispatch(ship, now)
