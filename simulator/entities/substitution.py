"""Out-of-stock substitution: a customer offered another product when the one ordered is out.

A segment whose products have substitutes orders each of them through a
:class:`SubstitutingStock`, which stands where the product's stock (or its fallback or lateral
front) would. When an order arrives and the serving stock has fewer units on hand than it asks
for, the first substitute with the whole quantity on hand at the same place is offered; the
customer takes it with the substitute's ``acceptance`` probability (one uniform draw of the
segment's substitution stream per offer). Taken, the whole order becomes an order for the
substitute, served from its shelf at its price, and is marked ``substituted`` (a service event
of its own for customers who remember). Declined, or nothing to offer, the order goes on as
without substitutes: fallback site, lateral transshipment, backorder or lost sale.

Orders served by a substitute are tallied under the product ordered
(``<stock key>>substituted``: ``orders`` and ``units``), for ``substituted_orders``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.orders import Order
from simulator.records import Recorder, substituted_key

if TYPE_CHECKING:
    from simulator.entities.stock import Stock
    from simulator.samplers import Sampler
    from simulator.specs import SegmentSpec


class SubstitutingStock:
    """One product of a segment, with the substitutes offered when it is out of stock.

    Args:
        inner: where the order goes when no substitute is taken (a stock or a front of one).
        own: the product's stock where the segment is served.
        offers: each substitute's stock there, with the share of customers who accept it.
        draw: U(0, 1) draws, one per offer.
        recorder: where the substituted orders are tallied.
    """

    def __init__(
        self,
        inner: Any,
        own: Stock,
        offers: list[tuple[Stock, float]],
        draw: Sampler,
        recorder: Recorder,
    ) -> None:
        self.inner = inner
        self.own = own
        self.offers = offers
        self.draw = draw
        self.tally = recorder.product(substituted_key(own.key))
        # an order the shelf fills at once is never offered a substitute: the inner fast path
        self.warehouse = getattr(inner, "warehouse", None)
        if self.warehouse is not None:
            self.sell = inner.sell

    def demand(self, order: Order) -> None:
        """Offer a substitute when the product is out; otherwise serve as without one."""
        qty = order.qty
        if self.own.on_hand < qty:
            for stock, acceptance in self.offers:
                if stock.on_hand >= qty:
                    if self.draw() < acceptance:
                        order.product = stock
                        order.substituted = True
                        if order.measured:
                            self.tally.orders += 1
                            self.tally.units += qty
                        stock.demand(order)
                        return
                    break  # one offer: declined, the order goes on as without substitutes
        order.product = self.own
        self.inner.demand(order)


def substituting(
    fronts: dict[str, Any], stocks: dict[str, Stock], spec: SegmentSpec, recorder: Recorder
) -> dict[str, Any]:
    """``fronts`` with the segment's products that have substitutes put behind an offer."""
    out = dict(fronts)
    for pid, subs in spec.substitutes.items():
        offers = [(stocks[sub], acceptance) for sub, acceptance in subs]
        out[pid] = SubstitutingStock(fronts[pid], stocks[pid], offers, spec.substitution, recorder)
    return out
