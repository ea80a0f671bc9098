"""The warehouse's outbound side: picking released orders, shipping them, scoring deliveries.

An order released by its stock (every unit allocated, or with lost sales whatever was available)
is picked by a free picker or waits its turn; the picked order leaves by the segment's outbound
carrier and is delivered after the transit, where it is scored (on time, in full, perfect) and
maybe sent back (:mod:`simulator.entities.returns`).
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import TYPE_CHECKING

from simulator.entities.queueing import FifoServers
from simulator.events import FLOW
from simulator.orders import Order
from simulator.records import Recorder
from simulator.specs import PickingSpec

if TYPE_CHECKING:
    import simpy

    from simulator.entities.returns import ReturnsNode
    from simulator.entities.stock import Stock


class WarehouseNode:
    """Picking and shipping of released orders.

    Args:
        env: the SimPy environment.
        picking: the picking crew, or ``None`` for instant, error-free picking.
        recorder: where facts go.
        returns: the reverse logistics bad deliveries may go back through, or ``None``.
    """

    def __init__(
        self,
        env: simpy.Environment,
        picking: PickingSpec | None,
        recorder: Recorder,
        returns: ReturnsNode | None = None,
    ) -> None:
        self.env = env
        self.recorder = recorder
        self.stocks: dict[str, Stock] = {}  # filled by the model as it wires each stock
        self.picking = picking
        self.returns = returns
        self.pickers = None
        self._delivery = (self.deliver,)  # the callbacks of an order in transit
        traced = recorder.trace is not None
        # an order released here is delivered at the same instant, with nothing else to do
        self.instant = picking is None and returns is None and not traced
        if traced:
            self._picked = self._traced("picked", self._picked)
        if picking is not None:
            self.error_rate = picking.error_rate
            self._u = picking.errors
            self.cost_per_order = picking.cost_per_order
            self.pickers = FifoServers(env, picking.workers, picking.hours, self._picked)
            self.release = self.pickers.arrive  # an allocated order goes to the pickers
        elif not traced:
            self.release = self.ship  # no picking stage: releasing an order is shipping it
        if traced:
            self.release = self._traced("released", self.release)
            self.ship = self._traced("shipped", self.ship)

    def _traced(self, stage: str, step: Callable[[Order], None]) -> Callable[[Order], None]:
        """``step`` preceded by a trace row for ``stage``: only traced runs pay for the rows."""
        rec = self.recorder

        def step_with_row(order: Order) -> None:
            units = order.qty - order.lost
            pid = order.product.pid
            seg = order.segment.id
            rec.log(self.env._now, stage, order.id, pid, units, "", "", "", order.replacement, seg)
            step(order)

        return step_with_row

    def release(self, order: Order) -> None:
        """An order is fully allocated: with no picking stage it leaves at once."""
        self.ship(order)

    def _picked(self, order: Order) -> None:
        """A picker finishes an order: ship it (it is picked and shipped at this instant)."""
        if self.error_rate and self._u() < self.error_rate:
            order.wrong_item = True
        if self.recorder.measuring:
            self.recorder.cost_handling += self.cost_per_order
        self.ship(order)

    def ship(self, order: Order) -> None:
        """Hand the order, picked now if it was not before, to the segment's outbound carrier."""
        order.t_picked = order.t_shipped = self.env._now
        lane = order.segment.lane
        if lane.active:
            units = order.qty - order.lost
            order.damaged = lane.carry(units, units - order.defective)
        if lane.instant:
            self.deliver(order)
        else:
            transit = lane.transit()
            if transit > 0:  # the order waits on the queue itself (events.at, written out)
                env = self.env
                order.callbacks = self._delivery
                heappush(env._queue, (env._now + transit, FLOW, next(env._eid), order))
            else:
                self.deliver(order)

    def deliver(self, order: Order) -> None:
        """The customer receives the order: score it."""
        now = self.env._now
        order.t_delivered = now
        stock: Stock = order.product
        rec = self.recorder
        units = order.qty - order.lost
        if order.replacement:
            if rec.trace is not None:
                rec.log(
                    now,
                    "replacement_delivered",
                    order.id,
                    stock.pid,
                    units,
                    replacement=True,
                    segment=order.segment.id,
                )
            return
        if rec.measuring:
            stock.tally.revenue += units * stock.price
        seg = order.segment
        cycle = now - order.t_placed
        bad = order.defective or order.damaged or order.wrong_item
        if order.measured:
            tally = stock.tally
            tally.delivered += 1
            rec.record_cycle(tally, cycle)
            if cycle <= seg.promised_days + 1e-9:  # on time
                tally.on_time += 1
                if order.lost == 0:
                    tally.otif += 1
                    if not bad:
                        tally.perfect += 1
            if bad:
                tally.defective_orders += order.defective > 0
                tally.damaged_orders += order.damaged > 0
                tally.wrong_orders += order.wrong_item
            if rec.open_orders:  # empty until the last days, when orders can be not yet due
                rec.open_orders.pop(order.id, None)
        if rec.trace is not None:
            rec.log(
                now,
                "delivered",
                order.id,
                stock.pid,
                units,
                "",
                "",
                f"cycle={cycle:.6g}",
                segment=seg.id,
            )
        if bad and self.returns is not None:  # only a bad delivery can come back
            self.returns.consider(order)
        if seg.behaves:
            seg.experienced(order, cycle)

    def close_unserved(self, order: Order) -> None:
        """A lost-sale order with nothing in stock: nothing is shipped; the order is closed."""
        if self.recorder.open_orders:
            self.recorder.open_orders.pop(order.id, None)
        if order.segment.behaves and not order.replacement:
            order.segment.experienced(order, None)
