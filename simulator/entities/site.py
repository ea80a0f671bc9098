"""A network site's links: ordering from a supplier over a lane, or from an upstream site.

In a network each stock orders through a :class:`~simulator.entities.ports.Source`:

- :class:`LaneSource` passes its orders to a supplier, riding the lane from that supplier to the
  site;
- :class:`SiteSource` turns them into transfer orders on the upstream site's stock, which
  allocates them first come first served with its own customer orders; a shortfall waits there,
  so the upstream site's shortages lengthen the downstream lead time (its wait plus the lane's
  transit).

:class:`SiteOutbound` is the site's outbound side: customer orders go to its picking and shipping
(:class:`~simulator.entities.warehouse.WarehouseNode`), transfers onto their lane.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from simulator.events import RECEIPT, Call
from simulator.orders import Order
from simulator.records import Recorder

if TYPE_CHECKING:
    import simpy

    from simulator.entities.carrier import Lane
    from simulator.entities.ports import Outbound, Receiver, Source
    from simulator.entities.stock import Stock


class LaneSource:
    """A supplier as seen by one site: its orders ride the lane from the supplier to the site.

    Args:
        supplier: the supplier.
        lane: the lane from the supplier to the site.
    """

    def __init__(self, supplier: Source, lane: Lane) -> None:
        self.supplier = supplier
        self.id = supplier.id
        self.order_cost = supplier.order_cost
        self.lane = lane
        self.plants = supplier.plants
        self.tally = supplier.tally
        self.pay = supplier.pay
        self.is_down = supplier.is_down

    def order(
        self,
        receiver: Receiver,
        units: int,
        order_cost: bool = True,
        lane: Lane | None = None,
        vmi: bool = False,
    ) -> str:
        """Order from the supplier over this site's lane."""
        return self.supplier.order(receiver, units, order_cost, lane or self.lane, vmi)


class Transfer:
    """Where a transfer order goes: the downstream stock, over a lane (a segment's stand-in)."""

    behaves = False
    internal = True

    def __init__(self, source: SiteSource, receiver: Receiver) -> None:
        self.source = source
        self.receiver = receiver


class SiteSource:
    """An upstream site's stock of one product, as the source of a downstream site's orders.

    Args:
        env: the SimPy environment.
        upstream: the upstream site's stock of the product.
        lane: the lane from the upstream site to the downstream one.
        recorder: where facts go.
        ship_partial: split a transfer so that its units ship as they become available.
    """

    order_cost = 0.0

    def __init__(
        self,
        env: simpy.Environment,
        upstream: Stock,
        lane: Lane,
        recorder: Recorder,
        ship_partial: bool = False,
    ) -> None:
        self.env = env
        self.upstream = upstream
        self.id = upstream.key.split("/", 1)[0]
        self.lane = lane
        self.recorder = recorder
        self.ship_partial = ship_partial
        self._numbers = itertools.count(1)
        self.plants: dict = {}  # a site has no plant
        self.tally = None

    def pay(self, pid: str, units: int) -> float:
        """Stock moving inside the network costs nothing more: it was bought upstream."""
        return 0.0

    def is_down(self, t: float) -> bool:
        """A site is never in an outage."""
        return False

    def order(
        self,
        receiver: Receiver,
        units: int,
        order_cost: bool = True,
        lane: Lane | None = None,
        vmi: bool = False,
    ) -> str:
        """Place a transfer order (in parts, with ``ship_partial``) on the upstream stock."""
        ref = f"{self.id}/{next(self._numbers)}"
        link = Transfer(self, receiver)
        parts = [units]
        if self.ship_partial and units > 1:
            now_ = min(units, self.upstream.on_hand)
            parts = ([now_] if now_ else []) + [1] * (units - now_)
        for part in parts:
            order = Order(ref, link, self.upstream, part, self.env.now, self.recorder.measuring)
            self.upstream.transfer(order)
        return ref

    def ship(self, order: Order) -> None:
        """The transfer is allocated: it rides the lane to the downstream site."""
        up = self.upstream
        if self.recorder.measuring and up.downstream is not None:
            up.downstream.shipped_units += order.qty
        self.ride(order)

    def ride(self, order: Order) -> None:
        """Carry ``order`` over the lane (cost, damage, transit) and deliver it at the end."""
        lane = self.lane
        units = order.qty
        damaged = lane.carry(units, units - order.defective) if lane.active else 0
        transit = 0.0 if lane.instant else lane.transit()
        if transit > 0:
            Call(self.env, transit, self._arrive, (order, damaged), RECEIPT)
        else:
            self._deliver(order, damaged)

    def _arrive(self, event: Call) -> None:
        self._deliver(*event.arg)

    def _deliver(self, order: Order, damaged: int) -> None:
        """Damaged units go back and are ordered again; the rest is put away."""
        order.t_delivered = self.env.now
        good = order.qty - damaged
        order.segment.receiver.receive(good, order.defective, damaged, self)


class SiteOutbound:
    """A site's outbound side: customer orders to picking and shipping, transfers to their lane.

    Args:
        node: the site's picking and shipping.
    """

    def __init__(self, node: Outbound) -> None:
        self.node = node
        self.close_unserved = node.close_unserved

    def release(self, order: Order) -> None:
        """An allocated order leaves: a transfer on its lane, a customer order via picking."""
        if getattr(order.segment, "internal", False):
            order.segment.source.ship(order)
        else:
            self.node.release(order)
