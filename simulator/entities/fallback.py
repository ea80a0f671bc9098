"""A segment's fallback site: an order its own site cannot fill goes to another site's stock.

A segment with ``fallback_site`` orders each product through a :class:`FallbackStock`, which
stands where the segment's own stock would. When an order arrives and the own site has fewer units
on hand than the order asks for while the fallback site has them all, the whole order goes to the
fallback site's stock instead: allocated, picked and shipped there, and delivered over the
fallback lane (its carrier's transit time, cost, damage and CO2). Otherwise the own site keeps it
and handles its shortfall as it always does (backorder or lost sale). Orders served this way
are tallied per fallback stock (``<site>/<product>>fallback``), for
``by_site.<id>.fallback_orders``.
"""

from __future__ import annotations

from typing import Any

from simulator.entities.carrier import Lane
from simulator.entities.stock import Stock
from simulator.orders import Order
from simulator.records import Recorder


class FallbackRoute:
    """A segment as seen by the orders its fallback site serves: the same, on another lane.

    Everything the chain asks an order's segment (its id, promise, customers' experience) is the
    segment's own; only ``lane`` differs.
    """

    def __init__(self, segment: Any, lane: Lane) -> None:
        self.segment = segment
        self.lane = lane

    def __getattr__(self, name: str) -> Any:
        return getattr(self.segment, name)


class FallbackStock:
    """Where a segment with a fallback site sends its orders for one product.

    Args:
        own: the product's stock at the segment's site.
        fallback: the product's stock at the fallback site.
        lane: the lane from the fallback site to the segment's customers.
        recorder: the run's recorder (the fallback orders are tallied there).
    """

    def __init__(self, own: Stock, fallback: Stock, lane: Lane, recorder: Recorder) -> None:
        self.own = own
        self.fallback = fallback
        self.lane = lane
        self.recorder = recorder
        self.tally = recorder.product(f"{fallback.key}>fallback")
        self._route: FallbackRoute | None = None
        # no warehouse of its own: an order here always takes the full path (the choice of site
        # needs the order), never the instant sale of a shelf with an instant outbound path
        self.warehouse = None

    def demand(self, order: Order) -> None:
        """Serve ``order`` from the own site, or from the fallback site when only it can."""
        qty = order.qty
        if self.own.on_hand >= qty or self.fallback.on_hand < qty:
            order.product = self.own
            self.own.demand(order)
            return
        if self._route is None or self._route.segment is not order.segment:
            self._route = FallbackRoute(order.segment, self.lane)
        order.segment = self._route
        order.product = self.fallback
        if order.measured:
            self.tally.orders += 1
            self.tally.units += qty
        self.fallback.demand(order)
