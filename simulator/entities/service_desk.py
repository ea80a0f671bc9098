"""The service desk: complaints queue, first come first served, for a limited number of agents.

A complaint's wait (arrival to the moment an agent picks it up) is reported back to the customer's
segment, where it costs satisfaction: a slow recovery hurts a second time. With Poisson complaint
arrivals and exponential handling times this is an M/M/c queue, whose mean wait is Erlang C's.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from simulator.config.schema import ServiceDesk
from simulator.events import FLOW, Call
from simulator.records import Recorder
from simulator.rng import Streams

if TYPE_CHECKING:
    import simpy


class Complaint:
    """One complaint: who made it, when, and whether it counts (made after warm-up)."""

    __slots__ = ("segment", "customer", "t_arrival", "measured")

    def __init__(self, segment: Any, customer: int, now: float, measured: bool):
        self.segment = segment
        self.customer = customer
        self.t_arrival = now
        self.measured = measured


class ServiceDeskNode:
    """Agents answering complaints.

    Args:
        env: the SimPy environment.
        cfg: the service desk's scenario entry.
        streams: the run's random streams.
        recorder: where facts go.
    """

    def __init__(
        self, env: simpy.Environment, cfg: ServiceDesk, streams: Streams, recorder: Recorder
    ) -> None:
        self.env = env
        self.cfg = cfg
        self.agents = cfg.agents
        self.handle_hours = cfg.handle_hours.sampler(streams.generator("service_desk/handling"))
        self.recorder = recorder
        self.queue: deque[Complaint] = deque()
        self.busy = 0

    def complain(self, segment: Any, customer: int) -> None:
        """A customer complains: an agent takes it now if one is free, else it waits its turn."""
        item = Complaint(segment, customer, self.env.now, self.recorder.measuring)
        if self.busy < self.agents:
            self.busy += 1
            self._start(item)
        else:
            self.queue.append(item)

    def _start(self, item: Complaint) -> None:
        wait_hours = (self.env.now - item.t_arrival) * 24.0
        rec = self.recorder
        if item.measured:
            rec.desk_served += 1
            rec.desk_wait_hours += wait_hours
        if rec.measuring:
            rec.cost_service += self.cfg.cost_per_complaint
        item.segment.complaint_waited(item.customer, wait_hours)
        Call(self.env, self.handle_hours() / 24.0, self._done, None, FLOW)

    def _done(self, event: Call) -> None:
        if self.queue:
            self._start(self.queue.popleft())
        else:
            self.busy -= 1
