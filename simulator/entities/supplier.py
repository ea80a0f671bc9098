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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.config.schema import Inspection, RandomDisruption, Scenario, Supplier
from simulator.entities.carrier import Lane
from simulator.events import RECEIPT, Call
from simulator.records import Recorder
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


def outage_intervals(supplier: Supplier, streams: Streams, end: float) -> list[tuple[float, float]]:
    """All outages of ``supplier`` before ``end``, merged and sorted, as (start, end) pairs."""
    spans = []
    for i, d in enumerate(supplier.disruptions):
        if isinstance(d, RandomDisruption):
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
        insp_mean = inspection.days.mean if inspection else 0.0
        self.quoted = (
            cfg.quoted_lead_time_days
            if cfg.quoted_lead_time_days is not None
            else cfg.order_processing_days.mean + cfg.lead_time_days.mean + carrier_mean + insp_mean
        )
        self.tally = recorder.supplier(cfg.id)
        self.unit_cost = {
            pid: cfg.unit_costs.get(pid, scenario.product(pid).unit_cost) for pid in cfg.products
        }

    def available_from(self, t: float) -> float:
        """The earliest time at or after ``t`` that is not inside an outage."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self.outages[i][1]:
            return self.outages[i][1]
        return t

    def down_days(self, start: float, end: float) -> float:
        """Days of outage that fall between ``start`` and ``end``."""
        return sum(max(0.0, min(e, end) - max(s, start)) for s, e in self.outages)

    def order(self, stock: Stock, units: int, order_cost: bool = True) -> None:
        """Accept a purchase order and schedule its arrival at the warehouse."""
        now = self.env.now
        t = now + self.processing()
        if self.outages:
            t = self.available_from(t)
        if self.capacity is not None:
            t = max(t, self.busy_until) + units / self.capacity
            self.busy_until = t
        t += self.lead()
        if not self.lane.instant:
            t += self.lane.transit()
        rec = self.recorder
        if rec.measuring:
            self.tally.orders += 1
            if order_cost:
                self.tally.cost_ordering += self.cfg.order_cost
                stock.tally.cost_ordering += self.cfg.order_cost
        defective = 0
        if self._defect_rng is not None:
            defective = int(self._defect_rng.binomial(units, self.defect_rate))
        Call(self.env, t - now, self._arrive, Shipment(stock, units, now, defective), RECEIPT)

    def _arrive(self, event: Call) -> None:
        """A shipment reaches the warehouse dock: score the delivery, then inspect or put away."""
        ship: Shipment = event.arg
        now = self.env.now
        ship.damaged = self.lane.damaged(ship.units - ship.defective)
        self.lane.charge(ship.units)
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
        if self.recorder.measuring:
            cost = accepted * self.unit_cost[ship.stock.pid]
            self.tally.cost_purchase += cost
            ship.stock.tally.cost_purchase += cost
        ship.stock.receive(accepted, ship.defective - caught, rejected, self)
