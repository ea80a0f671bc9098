"""Vendor-managed inventory: the supplier's reviews of the warehouse stock it manages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.events import REVIEW, Call

if TYPE_CHECKING:
    import simpy

    from simulator.entities.stock import Stock
    from simulator.entities.supplier import Plant
    from simulator.forecast import Forecaster


class VendorReview:
    """The supplier's side of vendor-managed inventory for one product.

    At each of its reviews the supplier estimates demand (from sales it sees as they happen, or,
    seeing only the stock level, from the consumption it infers: stock before + deliveries since
    - stock now) and applies the VMI rule to the warehouse's position (on hand + in transit -
    backorders). What it decides to ship needs no purchase order, so no processing time.

    Args:
        env: the SimPy environment.
        stock: the warehouse stock the supplier manages.
        forecaster: the supplier's forecaster of daily demand.
        plant: the supplier's plant for this product, or ``None``.
    """

    def __init__(
        self,
        env: simpy.Environment,
        stock: Stock,
        forecaster: Forecaster,
        plant: Plant | None = None,
    ) -> None:
        self.env = env
        self.stock = stock
        self.rule = stock.rule
        self.forecaster = forecaster
        self.plant = plant
        self._seen = None  # (on hand, accepted, restocked) at the previous review
        Call(env, 0, self._review, None, REVIEW)

    def _review(self, event: Call) -> None:
        stock = self.stock
        now = self.env._now
        if self.rule.information == "sales":
            stock.sales.close_until(now)
            forecast = self.forecaster.value
        else:
            seen = (stock.on_hand, stock.accepted_total, stock.restocked_total)
            forecast = self.forecaster.value
            if self._seen is not None:
                before, accepted, restocked = self._seen
                used = before - seen[0] + (seen[1] - accepted) + (seen[2] - restocked)
                forecast = self.forecaster.update(used / self.rule.review_days)
                if self.plant is not None:
                    self.plant.signal.add(now, used)
            self._seen = seen
        units = self.rule.order_quantity(stock.position, forecast)
        if units > 0:
            stock.place(units, vmi=True)
        Call(self.env, self.rule.review_days, self._review, None, REVIEW)
