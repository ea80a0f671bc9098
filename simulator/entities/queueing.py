"""A FIFO multi-server station: ``c`` servers, one first-come-first-served queue, no balking.

Used for picking (pickers and orders) and the service desk (agents and complaints). An item that
arrives to a free server starts at once; otherwise it waits its turn. Service times are drawn
in hours, at the start of each service. Items are :class:`~simulator.events.Scheduled`: an item
in service waits on SimPy's queue itself, with no event made for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from heapq import heappush
from typing import TYPE_CHECKING, Any

from simulator.events import FLOW, Scheduled

if TYPE_CHECKING:
    import simpy


class FifoServers:
    """``servers`` servers fed by one FIFO queue of :class:`~simulator.events.Scheduled` items.

    Args:
        env: the SimPy environment.
        servers: how many items can be served at once.
        hours: sampler of one service time (hours).
        finished: called with each item when its service ends (before the next one starts).
        started: called with each item when its service starts, or ``None``.
    """

    def __init__(
        self,
        env: simpy.Environment,
        servers: int,
        hours: Callable[[], float],
        finished: Callable[[Any], None] | None = None,
        started: Callable[[Any], None] | None = None,
    ) -> None:
        self.env = env
        self.servers = servers
        self.busy = 0
        self.queue: deque[Scheduled] = deque()
        self._hours = hours
        self._finished = finished
        self._started = started
        self._end = (self._done,)  # the callbacks of an item whose service ends

    def arrive(self, item: Scheduled) -> None:
        """An item arrives: a free server takes it now, else it joins the queue."""
        if self.busy < self.servers:
            self.busy += 1
            # the start of a service (events.at), written out here and in _done: the per-order path
            if self._started is not None:
                self._started(item)
            env = self.env
            item.callbacks = self._end
            heappush(env._queue, (env._now + self._hours() / 24.0, FLOW, next(env._eid), item))
        else:
            self.queue.append(item)

    def _done(self, item: Scheduled) -> None:
        """A service ends: hand the item on; the server takes the next item waiting, if any."""
        if self._finished is not None:
            self._finished(item)
        if self.queue:
            item = self.queue.popleft()
            if self._started is not None:
                self._started(item)
            env = self.env
            item.callbacks = self._end
            heappush(env._queue, (env._now + self._hours() / 24.0, FLOW, next(env._eid), item))
        else:
            self.busy -= 1
