"""Scenario to specs for out-of-stock substitution: what a segment's customers are offered.

A product's ``substitutes`` are offered only where they are stocked: at the warehouse, or at the
site serving the segment (a site without a policy for a substitute never offers it). The offers
of one segment draw on a stream of their own, so a scenario without substitutes, or another
segment's offers, leave every other draw where it was.
"""

from __future__ import annotations

import dataclasses

from simulator.config.schema import Scenario
from simulator.rng import Streams
from simulator.samplers import uniform_sampler
from simulator.specs import SegmentSpec


def with_substitutes(
    sc: Scenario, spec: SegmentSpec, stocked: set[str], streams: Streams
) -> SegmentSpec:
    """``spec`` with the substitutes of its products that are in ``stocked`` (if any)."""
    offers = {}
    for pid in spec.products:
        subs = tuple(
            (s.product, s.acceptance) for s in sc.product(pid).substitutes if s.product in stocked
        )
        if subs:
            offers[pid] = subs
    if not offers:
        return spec
    draws = uniform_sampler(streams.generator(f"demand/{spec.id}/substitution"))
    return dataclasses.replace(spec, substitutes=offers, substitution=draws)
