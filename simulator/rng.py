"""Named random streams derived from one root seed, so that common random numbers come for free.

Every source of randomness in a model (the demand of one segment, the lead times of one supplier,
the defects in its shipments, ...) draws from its own numpy ``Generator``. Each generator is seeded
by ``SeedSequence(seed, spawn_key=(replication, key(name)))``, where ``key`` is a stable hash of the
stream's name. So:

- the same seed, replication and name give the same draws on any machine, serial or parallel;
- changing a policy, adding a supplier or switching a stage on never shifts the draws of another
  source: two variants run with the same seed see the same demand (common random numbers);
- replications are independent streams of the same root seed.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stream_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (the same on every platform and run)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


class Streams:
    """Factory of independent, reproducible random generators, one per named source.

    Args:
        seed: the root seed (a non-negative integer, recorded with every result).
        replication: the replication index; replication ``r`` of every variant sees the same
            streams, which is what makes comparisons between variants paired.
    """

    def __init__(self, seed: int, replication: int = 0) -> None:
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative integers")
        self.seed = int(seed)
        self.replication = int(replication)
        self._issued: set[str] = set()

    def generator(self, name: str) -> np.random.Generator:
        """The generator of source ``name``; asking twice for one name is a modelling error."""
        if name in self._issued:
            raise ValueError(f"random stream {name!r} requested twice")
        self._issued.add(name)
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, stream_key(name)))
        return np.random.Generator(np.random.PCG64(seq))
