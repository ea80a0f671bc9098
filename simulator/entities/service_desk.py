"""The service desk: complaints queue, first come first served, for a limited number of agents.

A complaint's wait (arrival to the moment an agent picks it up) is reported back to the customer's
segment, where it costs satisfaction: a slow recovery hurts a second time. With Poisson complaint
arrivals and exponential handling times this is an M/M/c queue, whose mean wait is Erlang C's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.entities.queueing import FifoServers
from simulator.events import Scheduled
from simulator.records import Recorder
from simulator.specs import DeskSpec

if TYPE_CHECKING:
    import simpy


class Complaint(Scheduled):
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
        spec: the service desk.
        recorder: where facts go.
    """

    def __init__(self, env: simpy.Environment, spec: DeskSpec, recorder: Recorder) -> None:
        self.env = env
        self.cost_per_complaint = spec.cost_per_complaint
        self.recorder = recorder
        self.agents = FifoServers(env, spec.agents, spec.hours, started=self._picked_up)

    def complain(self, segment: Any, customer: int) -> None:
        """A customer complains: an agent takes it now if one is free, else it waits its turn."""
        self.agents.arrive(Complaint(segment, customer, self.env.now, self.recorder.measuring))

    def _picked_up(self, item: Complaint) -> None:
        """An agent picks the complaint up: its wait is known."""
        wait_hours = (self.env.now - item.t_arrival) * 24.0
        rec = self.recorder
        if item.measured:
            rec.desk_served += 1
            rec.desk_wait_hours += wait_hours
        if rec.measuring:
            rec.cost_service += self.cost_per_complaint
        item.segment.complaint_waited(item.customer, wait_hours)
