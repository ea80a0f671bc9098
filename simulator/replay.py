"""Recorded daily demand as the days of a run: replayed in order, or resampled in blocks. No SimPy.

Replay makes day d of the run row ``d mod n`` of the history. The block bootstrap (a circular
moving-block bootstrap) builds the run from blocks of ``block`` consecutive rows, each starting at
a uniformly drawn row and wrapping round the end of the history, so that what happens within a
week (or a month) stays together while the order of the blocks is new in every replication.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def replay_days(history: Sequence[int], days: int) -> tuple[int, ...]:
    """The first ``days`` days of the history repeated end to end."""
    n = len(history)
    return tuple(history[d % n] for d in range(days))


def bootstrap_days(
    history: Sequence[int], days: int, block: int, rng: np.random.Generator
) -> tuple[int, ...]:
    """``days`` days made of blocks of ``block`` consecutive rows from random starting rows.

    The starts are drawn in one call from ``rng`` (the segment's own stream), so the same
    replication gives the same days in every variant.
    """
    n = len(history)
    starts = rng.integers(0, n, size=-(-days // block))
    index = (starts[:, None] + np.arange(block)[None, :]).ravel()[:days] % n
    values = np.asarray(history, dtype=np.int64)[index]
    return tuple(int(v) for v in values)
