"""Where a supplier and the warehouse meet: the two narrow interfaces each sees of the other.

The warehouse's stock orders from a :class:`Source` and pays it; the supplier delivers to a
:class:`Receiver`. Neither module imports the other, so either can be read (and tested) alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from simulator.entities.carrier import Lane
    from simulator.orders import Order


class Receiver(Protocol):
    """What a supplier delivers to: one product's stock at the warehouse."""

    pid: str

    def receive(self, accepted: int, defective: int, rejected: int, source: Source) -> None:
        """A delivery is put away; ``rejected`` units go back to ``source`` and are re-ordered."""


class Source(Protocol):
    """What a stock orders from: a supplier."""

    id: str
    order_cost: float

    def order(
        self,
        receiver: Receiver,
        units: int,
        order_cost: bool = True,
        lane: Lane | None = None,
        vmi: bool = False,
    ) -> str:
        """Accept a purchase order; return its reference."""

    def pay(self, pid: str, units: int) -> float:
        """The warehouse pays for ``units`` units of ``pid``; return what they cost."""

    def is_down(self, t: float) -> bool:
        """Whether the supplier is in an outage at time ``t``."""


class Outbound(Protocol):
    """Where a stock sends the customer orders it has allocated: picking and shipping."""

    def release(self, order: Order) -> None:
        """An order is fully allocated (or all that will be): pick and ship it."""

    def close_unserved(self, order: Order) -> None:
        """A lost-sale order with nothing to ship is closed."""
