"""A network site's links: ordering from a supplier over a lane, or from an upstream site.

In a network each stock orders through a :class:`~simulator.entities.ports.Source`:

- :class:`LaneSource` passes its orders to a supplier, riding the lane from that supplier to the
  site, and takes the deliveries in through the site's inspection;
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
from simulator.samplers import binomial_sampler
from simulator.specs import InspectionSpec
from simulator.tallies import ProductTally

if TYPE_CHECKING:
    import simpy

    from simulator.entities.carrier import Lane
    from simulator.entities.ports import Outbound, Receiver, Source
    from simulator.entities.stock import Stock


class LaneSource:
    """A supplier as seen by one stock of a site: its orders ride the lane to the site.

    It is also where the supplier delivers (a :class:`~simulator.entities.ports.Receiver`): the
    site's inbound inspection, if any, finds a share of the defective units (after its time)
    before the rest goes on the shelf, and units sent back are ordered again over the same lane.

    Args:
        supplier: the supplier.
        lane: the lane from the supplier to the site.
        env: the SimPy environment.
        recorder: where facts go.
        inspection: the site's inbound inspection, or ``None``.
        tally: where the units received over this lane are counted, when the stock orders
            from several suppliers (``None``: the stock's own count is the lane's).
        direct: deliveries go straight to the stock (no inspection, no lane count, and no unit
            ever sent back, so none is ordered again over the lane): one call less each.
    """

    def __init__(
        self,
        supplier: Source,
        lane: Lane,
        env: simpy.Environment,
        recorder: Recorder,
        inspection: InspectionSpec | None = None,
        tally: ProductTally | None = None,
        direct: bool = False,
    ) -> None:
        self.supplier = supplier
        self.id = supplier.id
        self.order_cost = supplier.order_cost
        self.lane = lane
        self.plants = supplier.plants
        self.tally = supplier.tally
        self.pay = supplier.pay
        self.is_down = supplier.is_down
        self.env = env
        self.recorder = recorder
        self.inspection = inspection
        self._caught = None
        if inspection is not None:
            self._caught = binomial_sampler(inspection.catch_rng, inspection.catch_rate)
        self.lane_tally = tally
        self.stock: Receiver | None = None
        self.pid = ""
        # deliveries come through here only when there is something to do on the way in
        self.direct = direct
        self._to: Receiver | None = None

    def order(
        self,
        receiver: Receiver,
        units: int,
        order_cost: bool = True,
        lane: Lane | None = None,
        vmi: bool = False,
    ) -> str:
        """Order from the supplier over this site's lane (or the express one), delivered here."""
        to = self._to
        if to is None:  # the first order names the one stock this source serves
            self.stock, self.pid = receiver, receiver.pid
            to = self._to = receiver if self.direct else self
        return self.supplier.order(to, units, order_cost, lane or self.lane, vmi)

    def receive(self, accepted: int, defective: int, rejected: int, source: Source) -> None:
        """A delivery reaches the site: inspected (maybe), then put away."""
        inspection = self.inspection
        if inspection is None:
            self._put_away(accepted, defective, rejected, 0)
            return
        if self.recorder.measuring:
            self.recorder.cost_handling += inspection.cost_per_unit * (accepted + rejected)
        caught = self._caught(defective)
        delay = inspection.days()
        if delay > 0:
            parts = (accepted, defective, rejected, caught)
            Call(self.env, delay, self._inspected, parts, RECEIPT)
        else:
            self._put_away(accepted, defective, rejected, caught)

    def _inspected(self, event: Call) -> None:
        self._put_away(*event.arg)

    def _put_away(self, accepted: int, defective: int, rejected: int, caught: int) -> None:
        """Units inspection caught go back with the damaged ones; the rest goes on the shelf."""
        if self.lane_tally is not None and self.recorder.measuring:
            self.lane_tally.units_received += accepted - caught
        self.stock.receive(accepted - caught, defective - caught, rejected + caught, self)


class Transfer:
    """Where a transfer order goes: the downstream stock, over a lane (a segment's stand-in).

    The lane is the one from the upstream site, or the express one of an expedited order.
    """

    behaves = False
    internal = True

    def __init__(self, source: SiteSource, receiver: Receiver, lane: Lane | None = None) -> None:
        self.source = source
        self.receiver = receiver
        self.lane = source.lane if lane is None else lane


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
        self._link: Transfer | None = None

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
        """Place a transfer order (in parts, with ``ship_partial``) on the upstream stock.

        An expedited order (``lane``: the express one) rides that lane instead of the site's.
        """
        ref = next(self._numbers)  # named ``<site>/<n>`` only where a trace row shows it
        if self.recorder.trace is not None:
            ref = f"{self.id}/{ref}"
        link = self._link  # one link serves every order riding the usual lane
        if lane is not None or link is None or link.receiver is not receiver:
            link = Transfer(self, receiver, lane or self.lane)
            if lane is None:
                self._link = link
        up = self.upstream
        if not self.ship_partial or units == 1:
            up.transfer(Order(ref, link, up, units, self.env.now, self.recorder.measuring))
            return ref
        now_ = min(units, up.on_hand)
        for part in ([now_] if now_ else []) + [1] * (units - now_):
            up.transfer(Order(ref, link, up, part, self.env.now, self.recorder.measuring))
        return ref

    def ship(self, order: Order) -> None:
        """The transfer is allocated: it rides its lane to the downstream site."""
        up = self.upstream
        if self.recorder.measuring and up.downstream is not None:
            up.downstream.shipped_units += order.qty
        self.ride(order)

    def ride(self, order: Order) -> None:
        """Carry ``order`` over its lane (cost, damage, transit) and deliver it at the end."""
        lane = order.segment.lane
        units = order.qty
        damaged = lane.carry(units, units - order.defective) if lane.active else 0
        transit = 0.0 if lane.instant else lane.transit()
        if transit > 0:
            order.damaged = damaged
            Call(self.env, transit, self._arrive, order, RECEIPT)
        else:
            self._deliver(order, damaged)

    def _arrive(self, event: Call) -> None:
        order = event.arg
        self._deliver(order, order.damaged)

    def _deliver(self, order: Order, damaged: int) -> None:
        """Damaged units go back and are ordered again; the rest is put away."""
        order.t_delivered = self.env.now
        order.segment.receiver.receive(order.qty - damaged, order.defective, damaged, self)


class SiteOutbound:
    """A site's outbound side: customer orders to picking and shipping, transfers to their lane.

    Args:
        node: the site's picking and shipping.
    """

    def __init__(self, node: Outbound) -> None:
        self.node = node
        self.close_unserved = node.close_unserved
        # customer orders the shelf fills may be sold and delivered at once, as at a warehouse
        self.instant = getattr(node, "instant", False)
        self._release = node.release

    def release(self, order: Order) -> None:
        """An allocated order leaves: a transfer on its lane, a customer order via picking."""
        link = order.segment
        if link.__class__ is Transfer:
            link.source.ship(order)
        else:
            self._release(order)
