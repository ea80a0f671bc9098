"""A customer order as it moves through the chain, timestamped at every stage.

Entities create and pass it along; it waits in backlogs and queues, and the recorder and the
trace read its facts when it is delivered. An order that the shelf fills at once on an instant
path may never become one (see :mod:`simulator.entities.stock`).
"""

from __future__ import annotations

from typing import Any

from simulator.events import Scheduled


class Order(Scheduled):
    """A customer order moving through the chain, timestamped at every stage.

    While it is picked or in transit the order itself waits on SimPy's queue
    (:class:`~simulator.events.Scheduled`): no event object is made for it.
    """

    __slots__ = (
        "id",
        "segment",
        "product",
        "qty",
        "t_placed",
        "filled_now",
        "remaining",
        "lost",
        "defective",
        "damaged",
        "wrong_item",
        "t_allocated",
        "t_picked",
        "t_shipped",
        "t_delivered",
        "measured",
        "customer",
        "notified",
        "replacement",
        "substituted",
        "waits",
    )

    def __init__(self, oid: int, segment: Any, product: Any, qty: int, now: float, measured: bool):
        self.id = oid
        self.segment = segment
        self.product = product
        self.qty = qty
        self.t_placed = now
        self.filled_now = 0
        self.remaining = 0
        self.lost = 0
        self.defective = 0
        self.damaged = 0
        self.wrong_item = False
        self.t_allocated = self.t_picked = self.t_shipped = self.t_delivered = None
        self.measured = measured
        self.customer = -1
        self.notified = False
        self.replacement = False
        self.substituted = False  # the customer took a substitute for the product ordered
        self.waits = False  # its shortfall waits as a backorder even where unmet demand is lost
