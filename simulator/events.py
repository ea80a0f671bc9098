"""Scheduling helpers: one SimPy event that calls a function, and the order of same-time events.

SimPy orders events by time, then priority, then creation. The product contract says that at one
instant receipts are handled before reviews and reviews before demand; these priorities make that
hold whatever order the events were scheduled in. A :class:`Call` is a bare SimPy event carrying
one argument to one callback: the cheapest way to say "at time t, do this", which matters on the
per-order hot path (a generator process costs several events per step). It pushes itself on the
environment's queue exactly as ``Environment.schedule`` does, without that extra call.

An object that waits anyway (a customer order in picking or in transit, a complaint at the
desk) can go on the queue itself, as a :class:`Scheduled`: SimPy processes it like an event and
calls its callbacks with the object, so the per-order path allocates no event at all.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import Event

#: Priorities of events at the same simulated instant (lower first).
DAY_END = -2  # a day's records: what happened before this instant, nothing at it
WARMUP_END = -1
RECEIPT = 0
REVIEW = 1
DEMAND = 2
FLOW = 3  # picking completions, deliveries: after demand at the same instant


class Scheduled:
    """Something SimPy can process as an event: it carries its own ``callbacks``.

    Push it with :func:`at`; SimPy then calls each callback with the object itself. It must not
    be on the queue twice at once (an order is either being picked or in transit, never both).
    """

    __slots__ = ("callbacks",)
    _ok = True  # SimPy checks it after the callbacks: a scheduled object never fails


def at(
    env: simpy.Environment,
    delay: float,
    item: Scheduled,
    callbacks: tuple[Callable[[Any], None], ...],
    priority: int = FLOW,
) -> None:
    """Put ``item`` on the queue: at ``now + delay`` SimPy calls each of ``callbacks(item)``.

    Same-time order is that of a :class:`Call` scheduled at this moment (the queue's running
    event id breaks ties), so an order scheduled this way keeps its place among other events.
    """
    item.callbacks = callbacks
    heappush(env._queue, (env._now + delay, priority, next(env._eid), item))


class Call(Event):
    """At ``now + delay`` (with ``priority``), call ``fn(event)``; ``event.arg`` holds ``arg``."""

    def __init__(
        self,
        env: simpy.Environment,
        delay: float,
        fn: Callable[[Any], None],
        arg: Any = None,
        priority: int = FLOW,
    ) -> None:
        self.env = env
        self.callbacks = [fn]
        self._value = None
        self._ok = True
        self.arg = arg
        heappush(env._queue, (env._now + delay, priority, next(env._eid), self))
