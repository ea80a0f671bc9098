"""Lateral transshipment: a site's customer shortfall pulled from a sibling site's stock.

A site with ``lateral`` takes its customers' orders for a product through a
:class:`LateralStock`, which stands where the site's stock would. When an order arrives and the
site has fewer units on hand than it asks for, the siblings are asked in their listed order; the
first with the whole shortfall on hand beyond the units it keeps (``keep``) ships it at once over
the lateral lane (its carrier's transit, cost, damage and CO2). The customer order then waits for
the shortfall at its own site, as a backorder, even when the site loses its unmet demand
otherwise; the lateral units join the site's stock when they arrive and serve its backorders
first come first served. No sibling has enough: the site handles the shortfall as it always does.

The units in transit count as on order at the site, so its policy does not order them again; the
sibling's position falls by what it gave, and its own policy replenishes it. Damaged units are
sent back and ordered again from the site's regular source. Each (site, product, sibling) has a
tally ``<site>/<product>>lateral<<sibling>``: units shipped (``shipped_units``, counted when they
leave) and units received in good order (``units_received``), for ``by_site`` and ``lanes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.entities.carrier import Lane
from simulator.entities.site import SiteSource, Transfer
from simulator.orders import Order
from simulator.records import Recorder, lateral_key

if TYPE_CHECKING:
    import simpy

    from simulator.entities.stock import Stock
    from simulator.specs import LateralSpec


class LateralRoute(SiteSource):
    """One sibling's stock of a product as the source of a site's lateral moves.

    Args:
        env: the SimPy environment.
        sibling: the sibling's stock of the product.
        own: the site's stock of the product.
        lane: the lateral lane from the sibling to the site.
        recorder: where facts go.
    """

    def __init__(
        self, env: simpy.Environment, sibling: Stock, own: Stock, lane: Lane, recorder: Recorder
    ) -> None:
        super().__init__(env, sibling, lane, recorder)
        self.own = own
        self.moved = recorder.product(lateral_key(own.key.split("/", 1)[0], own.pid, self.id))
        self._link = Transfer(self, own)
        # conservation counters over the whole run (never reset)
        self.shipped_total = self.received_total = 0

    def order(
        self, receiver: Stock, units: int, order_cost: bool = True, lane=None, vmi=False
    ) -> str:
        """Units damaged on the lateral lane are ordered again from the site's regular source."""
        return self.own.supplier.order(receiver, units, order_cost, lane, vmi)

    def pull(self, units: int) -> None:
        """Move ``units`` units from the sibling's shelf towards the site (on order there)."""
        own = self.own
        own.levels.mark(self.env.now, own.on_hand, own.backorders, own.on_order)
        own.on_order += units
        ref = f"{self.id}>{next(self._numbers)}"
        # an internal order, not one of the sibling's customers': left out of its service tallies
        self.upstream.transfer(Order(ref, self._link, self.upstream, units, self.env.now, False))

    def ship(self, order: Order) -> None:
        """The sibling released the units: they ride the lateral lane to the site."""
        self.shipped_total += order.qty
        if self.recorder.measuring:
            self.moved.shipped_units += order.qty
            self.moved.orders += 1
        self.ride(order)

    def _deliver(self, order: Order, damaged: int) -> None:
        self.received_total += order.qty - damaged
        if self.recorder.measuring:
            self.moved.units_received += order.qty - damaged
        super()._deliver(order, damaged)


class LateralStock:
    """Where a site's customer orders for one product go when the site pulls from siblings.

    Args:
        own: the site's stock of the product.
        routes: one route per sibling, in the order they are asked.
        keep: units each sibling keeps on hand for its own customers.
    """

    def __init__(self, own: Stock, routes: list[LateralRoute], keep: int) -> None:
        self.own = own
        self.routes = routes
        self.keep = keep
        self.pid = own.pid
        self.key = own.key
        # an order the shelf fills at once needs no lateral move: the shelf's own fast path
        self.warehouse = own.warehouse
        self.sell = own.sell

    @property
    def on_hand(self) -> int:
        """Units on the site's shelf."""
        return self.own.on_hand

    def demand(self, order: Order) -> None:
        """Serve ``order`` at the site, its shortfall pulled from the first sibling that can."""
        own = self.own
        order.product = own
        short = order.qty - own.on_hand
        if short > 0:
            for route in self.routes:
                if route.upstream.on_hand - self.keep >= short:
                    route.pull(short)
                    order.waits = True  # for the lateral units, even where sales are lost
                    break
        own.demand(order)


def lateral_stocks(
    env: simpy.Environment,
    spec: LateralSpec,
    site: str,
    stocks: dict[str, dict[str, Stock]],
    recorder: Recorder,
) -> dict[str, LateralStock]:
    """The lateral front of each product ``site`` moves laterally, by product id."""
    lanes = [Lane(lane, recorder) for lane in spec.lanes]
    out = {}
    for pid in spec.products:
        own = stocks[site][pid]
        routes = [
            LateralRoute(env, stocks[sib][pid], own, lane, recorder)
            for sib, lane in zip(spec.sources, lanes, strict=True)
        ]
        out[pid] = LateralStock(own, routes, spec.keep)
    return out
