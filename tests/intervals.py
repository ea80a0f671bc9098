"""The confidence-interval assertion shared by the tests that compare the simulator with theory.

A test against a closed form must be able to fail: the theoretical value has to lie in the
interval, and the interval has to be narrow enough (a bounded half-width) that a short or noisy
run cannot pass by luck.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats


def assert_ci(
    samples: Sequence[float],
    truth: float,
    rel_halfwidth: float = 0.02,
    confidence: float = 0.99,
    what: str = "value",
) -> tuple[float, float]:
    """Assert that ``truth`` lies in the t confidence interval of the mean of ``samples``.

    Also asserts that the interval's half-width is below ``rel_halfwidth`` x |truth|, so that a
    run too short or too noisy to tell right from wrong fails instead of passing by luck.

    Args:
        samples: one estimate per independent replication (at least 2).
        truth: the theoretical value.
        rel_halfwidth: the largest acceptable half-width, relative to ``truth``.
        confidence: the two-sided confidence level.
        what: a name for the failure message.

    Returns:
        The sample mean and the half-width.
    """
    x = np.asarray(samples, dtype=float)
    n = x.size
    assert n >= 2, f"{what}: need at least 2 replications, got {n}"
    mean = float(x.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    report = (
        f"{what}: mean {mean:.6g}, {confidence:.0%} CI [{mean - half:.6g}, {mean + half:.6g}] "
        f"(half-width {half:.3g} = {half / abs(truth):.2%} of truth, n = {n}), "
        f"theory {truth:.6g}"
    )
    too_wide = f"interval too wide (limit {rel_halfwidth:.0%} of truth): "
    assert half < rel_halfwidth * abs(truth), too_wide + report
    assert abs(mean - truth) <= half, "theory outside the interval: " + report
    return mean, half
