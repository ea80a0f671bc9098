"""The sweep of an experiment: its grid's points or its Latin hypercube sample, with their owners.

Each sweep point maps a parameter path to a value; beside it, the experiment field that set
each value, so a problem in a point's scenario is reported where the user wrote it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from simulator.config.experiment_schema import Experiment
from simulator.rng import stream_key


def sweep_points(exp: Experiment) -> tuple[list[dict[str, Any]], list[dict]]:
    """The sweep points, and for each the experiment field that set each parameter."""
    sweep = exp.sweep
    if sweep is None:
        return [{}], [{}]
    if sweep.grid is not None:
        paths = list(sweep.grid)
        points, owners = [], []
        for combo in itertools.product(*(list(enumerate(sweep.grid[p])) for p in paths)):
            points.append({p: value for p, (_, value) in zip(paths, combo, strict=True)})
            owners.append(
                {p: f"sweep.grid.{p}.{i}" for p, (i, _) in zip(paths, combo, strict=True)}
            )
        return points, owners
    lhs = sweep.latin_hypercube
    assert lhs is not None
    points = latin_hypercube(lhs.ranges, lhs.samples, exp.seed)
    owners = [{p: f"sweep.latin_hypercube.ranges.{p}" for p in lhs.ranges} for _ in points]
    return points, owners


def latin_hypercube(
    ranges: Mapping[str, tuple[float, float]], samples: int, seed: int
) -> list[dict[str, Any]]:
    """``samples`` points of a Latin hypercube over ``ranges``, reproducible from ``seed``.

    Uses ``scipy.stats.qmc.LatinHypercube`` with a generator derived from the root seed (its own
    stream, so the sample never shares draws with a simulation). A range whose bounds are both
    ``int`` yields whole numbers, each of its ``high - low + 1`` values as evenly used as
    the strata allow; other values are rounded to 6 significant digits.
    """
    from scipy.stats import qmc

    seq = np.random.SeedSequence(seed, spawn_key=(stream_key("experiment/latin_hypercube"),))
    rng = np.random.Generator(np.random.PCG64(seq))
    try:
        sampler = qmc.LatinHypercube(d=len(ranges), rng=rng)
    except TypeError:  # scipy < 1.15 calls it seed
        sampler = qmc.LatinHypercube(d=len(ranges), seed=rng)
    unit = sampler.random(samples)
    points = []
    for row in unit:
        point: dict[str, Any] = {}
        for u, (path, (low, high)) in zip(row, ranges.items(), strict=True):
            if isinstance(low, int) and isinstance(high, int):
                lo, hi = low, high
                point[path] = min(hi, lo + int(math.floor(u * (hi - lo + 1))))
            else:
                point[path] = float(f"{low + u * (high - low):.6g}")
        points.append(point)
    return points
