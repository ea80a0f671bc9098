"""Scheduling helpers: one SimPy event that calls a function, and the order of same-time events.

SimPy orders events by time, then priority, then creation. The product contract says that at one
instant receipts are handled before reviews and reviews before demand; these priorities make that
hold whatever order the events were scheduled in. A :class:`Call` is a bare SimPy event carrying
one argument to one callback: the cheapest way to say "at time t, do this", which matters on the
per-order hot path (a generator process costs several events per step). It pushes itself on the
environment's queue exactly as ``Environment.schedule`` does, without that extra call.
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
