"""Reverse logistics: a bad delivery comes back, is inspected, restocked or scrapped, resolved.

What comes back: a wrong item returns every unit (good stock of the right kind is restocked as it
is); a defective or damaged delivery returns its bad units, of which ``refurbish_share`` are
refurbished and restocked and the rest scrapped. The customer then gets the units again (a
replacement order, shipped at no charge) or a refund. Every step costs money (return transport,
handling, refurbishing: ``cost_returns``) and time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.entities.carrier import Lane
from simulator.events import FLOW, Call
from simulator.orders import Order
from simulator.records import Recorder
from simulator.specs import ReturnsSpec

if TYPE_CHECKING:
    import itertools

    import simpy

    from simulator.entities.stock import Stock


class ReturnsNode:
    """Handles customer returns.

    Args:
        env: the SimPy environment.
        spec: the returns.
        lane: the return carrier lane (customer to warehouse).
        recorder: where facts go.
        order_ids: the run's order-number counter (replacements are orders too).
    """

    def __init__(
        self,
        env: simpy.Environment,
        spec: ReturnsSpec,
        lane: Lane,
        recorder: Recorder,
        order_ids: itertools.count,
    ) -> None:
        self.env = env
        self.spec = spec
        self.lane = lane
        self.recorder = recorder
        self._ids = order_ids
        self._rng = spec.rng
        self._inspect = spec.inspect

    def consider(self, order: Order) -> None:
        """After a bad delivery: does the customer send it back? If so, start the return."""
        if not (order.defective or order.damaged or order.wrong_item):
            return
        if self._rng.random() >= self.spec.probability:
            return
        delivered = order.qty - order.lost
        units = delivered if order.wrong_item else min(delivered, order.defective + order.damaged)
        if units <= 0:
            return
        rec = self.recorder
        if rec.measuring:
            rec.returns_units += units
            lane = self.lane
            rec.cost_returns += lane.cost_per_shipment + lane.cost_per_unit * units
            rec.cost_returns += self.spec.handling_cost_per_unit * units
            rec.co2_kg += lane.co2_per_shipment + lane.co2_per_unit * units
        delay = self.lane.transit() + self._inspect()
        if delay > 0:
            Call(self.env, delay, self._inspected, (order, units), FLOW)
        else:
            self._inspected_now(order, units)

    def _inspected(self, event: Call) -> None:
        self._inspected_now(*event.arg)

    def _inspected_now(self, order: Order, units: int) -> None:
        """The return is inspected: restock what can be sold, scrap the rest, resolve."""
        stock: Stock = order.product
        if order.wrong_item:
            good = units
        else:
            good = int(self._rng.binomial(units, self.spec.refurbish_share))
            if self.recorder.measuring:
                self.recorder.cost_returns += self.spec.refurbish_cost_per_unit * good
        stock.restock(good, units - good)
        if self.spec.refund:
            if order.t_delivered >= self.recorder.warmup:  # only a sale whose revenue counted
                stock.tally.revenue -= units * stock.price
                stock.tally.refunds += units * stock.price
            return
        replacement = Order(next(self._ids), order.segment, stock, units, self.env.now, False)
        replacement.customer = order.customer
        replacement.replacement = True
        stock.demand(replacement)
