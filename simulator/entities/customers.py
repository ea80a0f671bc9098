"""Customer demand: each segment's orders arrive as a Poisson process and go to the warehouse.

With ``behaviour: none`` a segment of ``count`` customers each ordering ``r`` times a day is one
Poisson stream of rate ``count * r`` (the superposition of independent Poisson streams is Poisson).
Each order is for one product, drawn by the segment's product mix, and a quantity drawn from the
segment's quantity distribution.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from simulator.config.schema import Segment
from simulator.distributions import block_sampler, exponential_sampler
from simulator.entities.carrier import Lane
from simulator.events import DEMAND, Call
from simulator.records import Order, Recorder
from simulator.rng import Streams

if TYPE_CHECKING:
    import simpy

    from simulator.entities.warehouse import Stock


class SegmentDemand:
    """The order stream of one customer segment.

    Args:
        env: the SimPy environment.
        cfg: the segment's scenario entry.
        stocks: the warehouse's stock of each product.
        lane: the outbound carrier lane to these customers.
        streams: the run's random streams.
        recorder: where facts go.
        order_ids: the run's shared order-number counter.
    """

    def __init__(
        self,
        env: simpy.Environment,
        cfg: Segment,
        stocks: dict[str, Stock],
        lane: Lane,
        streams: Streams,
        recorder: Recorder,
        order_ids: itertools.count,
    ) -> None:
        self.env = env
        self.id = cfg.id
        self.promised_days = cfg.promised_days
        self.lane = lane
        self.recorder = recorder
        self._ids = order_ids
        self.rate = cfg.count * cfg.orders_per_customer_per_day
        name = f"demand/{cfg.id}"
        mix = [(pid, share) for pid, share in cfg.product_mix.items() if share > 0]
        self._stocks = [stocks[pid] for pid, _ in mix]
        shares = np.array([share for _, share in mix], dtype=float)
        if len(mix) == 1:
            self._which = lambda: 0
        else:
            rng = streams.generator(f"{name}/product")
            cum = np.cumsum(shares / shares.sum())
            cum[-1] = 1.0  # no rounding gap above the last product
            self._which = block_sampler(lambda n: np.searchsorted(cum, rng.random(n), "right"))
        self.quantity = cfg.quantity.int_sampler(streams.generator(f"{name}/quantity"))
        if self.rate > 0:
            self.gap = exponential_sampler(streams.generator(f"{name}/arrivals"), 1.0 / self.rate)
            Call(env, self.gap(), self._arrive, None, DEMAND)

    def _arrive(self, event: Call) -> None:
        """One order arrives; the next arrival is scheduled."""
        env = self.env
        Call(env, self.gap(), self._arrive, None, DEMAND)
        stock = self._stocks[self._which()]
        rec = self.recorder
        order = Order(next(self._ids), self, stock, self.quantity(), env.now, rec.measuring)
        if rec.measuring:
            rec.open_orders[order.id] = order
        stock.demand(order)
