"""A carrier lane: transit time, damage, cost and emissions of the shipments it carries."""

from __future__ import annotations

import numpy as np

from simulator.config.schema import Carrier
from simulator.records import Recorder
from simulator.rng import Streams


class Lane:
    """One use of a carrier (inbound, or towards one customer segment), with its own streams.

    Each lane draws from its own random streams, so that adding a segment that uses the same
    carrier does not shift the transit times of another.

    Args:
        carrier: the carrier, or ``None`` for an ideal lane (instant, free, no damage).
        streams: the run's random streams.
        role: what the lane is for (``inbound``, ``segment/<id>``): part of the stream names.
        recorder: where costs and emissions are added.
    """

    def __init__(self, carrier: Carrier | None, streams: Streams, role: str, recorder: Recorder):
        self.carrier = carrier
        self.recorder = recorder
        if carrier is None:
            self.instant = True
            self.transit = lambda: 0.0
            self.damage_rate = 0.0
            self._damage_rng = None
            self.cost_per_shipment = self.cost_per_unit = 0.0
            self.co2_per_shipment = self.co2_per_unit = 0.0
            self.active = False
            return
        prefix = f"carrier/{carrier.id}/{role}"
        dist = carrier.transit_days
        self.instant = dist.is_constant and dist.mean == 0
        self.transit = dist.sampler(streams.generator(f"{prefix}/transit"))
        self.damage_rate = carrier.damage_rate
        self._damage_rng: np.random.Generator | None = (
            streams.generator(f"{prefix}/damage") if carrier.damage_rate > 0 else None
        )
        self.cost_per_shipment = carrier.cost_per_shipment
        self.cost_per_unit = carrier.cost_per_unit
        self.co2_per_shipment = carrier.co2_kg_per_shipment
        self.co2_per_unit = carrier.co2_kg_per_unit
        self.active = True

    def charge(self, units: int) -> None:
        """Add the cost and emissions of one shipment of ``units`` units."""
        rec = self.recorder
        if rec.measuring:
            rec.cost_transport += self.cost_per_shipment + self.cost_per_unit * units
            rec.co2_kg += self.co2_per_shipment + self.co2_per_unit * units

    def damaged(self, units: int) -> int:
        """How many of ``units`` units arrive damaged."""
        if self._damage_rng is None or units <= 0:
            return 0
        return int(self._damage_rng.binomial(units, self.damage_rate))
