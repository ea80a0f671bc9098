"""A carrier lane: transit time, damage, cost and emissions of the shipments it carries."""

from __future__ import annotations

from simulator.records import Recorder
from simulator.samplers import binomial_sampler
from simulator.specs import LaneSpec


class Lane:
    """One use of a carrier (inbound, or towards one customer segment), with its own streams.

    Args:
        spec: the lane (an ideal one is instant, free and never damages anything).
        recorder: where costs and emissions are added.
    """

    def __init__(self, spec: LaneSpec, recorder: Recorder) -> None:
        self.recorder = recorder
        self.instant = spec.instant
        self.transit = spec.transit
        self.active = spec.active
        self.damage_rate = spec.damage_rate
        rng = spec.damage_rng
        self._damaged = None if rng is None else binomial_sampler(rng, spec.damage_rate)
        self.cost_per_shipment = spec.cost_per_shipment
        self.cost_per_unit = spec.cost_per_unit
        self.co2_per_shipment = spec.co2_per_shipment
        self.co2_per_unit = spec.co2_per_unit

    def carry(self, units: int, breakable: int) -> int:
        """Carry one shipment of ``units`` units: its cost and emissions, and its damage.

        Returns:
            How many of its ``breakable`` units (those not already defective) arrive damaged.
        """
        rec = self.recorder
        if rec.measuring:
            rec.cost_transport += self.cost_per_shipment + self.cost_per_unit * units
            rec.co2_kg += self.co2_per_shipment + self.co2_per_unit * units
        if self._damaged is None:
            return 0
        return self._damaged(breakable)
