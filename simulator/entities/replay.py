"""Recorded demand replayed: each day's total, from a history, split into orders within the day.

A day's total units are split into orders whose sizes are drawn from the segment's quantity
distribution, the last order taking whatever is left (so the day's orders add up to the total
exactly; with the default quantity 1, one order per unit). The orders are spread over the day at
independent uniform times. Which product each order is for is drawn by the segment's mix, as for
any segment.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from simulator.entities.customers import SegmentDemand
from simulator.events import DEMAND, Call

if TYPE_CHECKING:
    import simpy

    from simulator.entities.carrier import Lane
    from simulator.entities.stock import Stock
    from simulator.records import Recorder
    from simulator.specs import SegmentSpec


class ReplaySegment(SegmentDemand):
    """A segment whose daily demand is given, day by day (``spec.days``).

    Args:
        env: the SimPy environment.
        spec: the segment, with its days and its within-day time sampler.
        stocks: the warehouse's stock of each product.
        lane: the outbound carrier lane to these customers.
        recorder: where facts go.
        order_ids: the run's shared order-number counter.
    """

    def __init__(
        self,
        env: simpy.Environment,
        spec: SegmentSpec,
        stocks: dict[str, Stock],
        lane: Lane,
        recorder: Recorder,
        order_ids: itertools.count,
    ) -> None:
        self._days = spec.days
        self._times = spec.times
        super().__init__(env, spec, stocks, lane, recorder, order_ids)

    def _start(self) -> None:
        if self._days:
            Call(self.env, 0.0, self._day, 0, DEMAND)

    def _day(self, event: Call) -> None:
        """The start of day ``event.arg``: schedule its orders (and the next day)."""
        d = event.arg
        if d + 1 < len(self._days):
            Call(self.env, 1.0, self._day, d + 1, DEMAND)
        left = self._days[d]
        sizes = []
        while left > 0:
            qty = min(self.quantity(), left)
            sizes.append(qty)
            left -= qty
        offsets = sorted(self._times() for _ in sizes)
        for qty, offset in zip(sizes, offsets, strict=True):
            Call(self.env, offset, self._order, qty, DEMAND)

    def _order(self, event: Call) -> None:
        self._place(event.arg)
