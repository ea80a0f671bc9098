"""Statistics of replications: t confidence intervals, paired differences, sequential stopping.

Each replication of a stochastic model gives one independent observation of a KPI, so the
replication means are summarised with Student's t interval, which is exact for normal
observations and close for the averages a simulation produces (central limit theorem). Two
variants run with common random numbers are compared replication by replication: the paired
difference ``variant - baseline`` of replication r removes the demand both variants saw, so
its interval is usually much narrower than the one of two independent samples.

A value of ``None`` (a KPI that did not apply in that run) is left out and ``n`` says how many
observations were used. Every function is pure and takes plain sequences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as st


def _present(values: Iterable[float | None]) -> np.ndarray:
    """The values that are numbers (``None`` and NaN left out), as floats."""
    out = [float(v) for v in values if v is not None and not _is_nan(v)]
    return np.asarray(out, dtype=float)


def _is_nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def t_quantile(confidence: float, dof: int) -> float:
    """The two-sided Student t critical value for ``confidence`` and ``dof`` degrees of freedom."""
    return float(st.t.ppf(0.5 + confidence / 2.0, dof))


@dataclass(frozen=True)
class Interval:
    """A mean with its t confidence interval; the spread fields are ``None`` when n < 2."""

    n: int
    """Observations used (runs where the KPI was present)."""
    mean: float | None
    """Sample mean."""
    sd: float | None
    """Sample standard deviation (n - 1 in the denominator)."""
    low: float | None
    """Lower end of the confidence interval."""
    high: float | None
    """Upper end of the confidence interval."""
    half_width: float | None
    """Half the interval's width: the mean is known to +/- this."""
    confidence: float
    """Confidence level of the interval."""

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval."""
        return self.low is not None and self.high is not None and self.low <= value <= self.high


def t_interval(values: Iterable[float | None], confidence: float = 0.95) -> Interval:
    """Mean and t confidence interval of independent observations.

    Args:
        values: one observation per replication; ``None`` (KPI absent) is left out.
        confidence: confidence level, e.g. 0.95.
    """
    x = _present(values)
    n = len(x)
    if n == 0:
        return Interval(0, None, None, None, None, None, confidence)
    mean = float(np.mean(x))
    if n < 2:
        return Interval(n, mean, None, None, None, None, confidence)
    sd = float(np.std(x, ddof=1))
    half = t_quantile(confidence, n - 1) * sd / math.sqrt(n)
    return Interval(n, mean, sd, mean - half, mean + half, half, confidence)


@dataclass(frozen=True)
class Difference:
    """A difference of means (``variant - baseline``) with its interval and two-sided p-value."""

    n: int
    """Pairs used (paired), or the smaller sample size (unpaired)."""
    mean: float | None
    """Estimated difference variant - baseline."""
    sd: float | None
    """Standard deviation of the paired differences (paired), or ``None`` (unpaired)."""
    low: float | None
    """Lower end of the confidence interval of the difference."""
    high: float | None
    """Upper end of the confidence interval of the difference."""
    half_width: float | None
    """Half the interval's width."""
    p_value: float | None
    """Two-sided p-value of 'no difference' (paired or Welch t test)."""
    significant: bool | None
    """Whether the difference is significant at level 1 - confidence (the interval excludes 0)."""
    confidence: float
    """Confidence level of the interval."""


def _p_value(t_stat: float, dof: float) -> float:
    return float(2.0 * st.t.sf(abs(t_stat), dof))


def paired_difference(
    baseline: Sequence[float | None], variant: Sequence[float | None], confidence: float = 0.95
) -> Difference:
    """Paired t interval and test of ``variant - baseline``, replication by replication.

    ``baseline[i]`` and ``variant[i]`` must come from the same replication (common random
    numbers); pairs where either value is ``None`` are left out. Equivalent to
    ``scipy.stats.ttest_rel``, and defined also when every difference is the same (sd = 0:
    the p-value is then 0 for a non-zero difference and 1 for none).
    """
    if len(baseline) != len(variant):
        raise ValueError(f"paired samples differ in length: {len(baseline)} != {len(variant)}")
    diffs = [
        float(v) - float(b)
        for b, v in zip(baseline, variant, strict=True)
        if b is not None and v is not None and not _is_nan(b) and not _is_nan(v)
    ]
    ci = t_interval(diffs, confidence)
    if ci.n < 2 or ci.sd is None or ci.mean is None:
        return Difference(ci.n, ci.mean, None, None, None, None, None, None, confidence)
    if ci.sd == 0.0:
        p = 1.0 if ci.mean == 0.0 else 0.0
    else:
        p = _p_value(ci.mean / (ci.sd / math.sqrt(ci.n)), ci.n - 1)
    significant = p < 1.0 - confidence
    return Difference(
        ci.n, ci.mean, ci.sd, ci.low, ci.high, ci.half_width, p, significant, confidence
    )


def welch_difference(
    baseline: Iterable[float | None], variant: Iterable[float | None], confidence: float = 0.95
) -> Difference:
    """Unpaired (Welch) t interval and test of ``variant - baseline`` for independent samples.

    What a comparison costs without common random numbers; kept to show (and test) how much
    narrower the paired interval is.
    """
    a, b = _present(baseline), _present(variant)
    n = min(len(a), len(b))
    if n < 2:
        return Difference(n, None, None, None, None, None, None, None, confidence)
    va, vb = float(np.var(a, ddof=1)) / len(a), float(np.var(b, ddof=1)) / len(b)
    mean = float(np.mean(b) - np.mean(a))
    se = math.sqrt(va + vb)
    if se == 0.0:
        p = 1.0 if mean == 0.0 else 0.0
        return Difference(n, mean, None, mean, mean, 0.0, p, p < 1 - confidence, confidence)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(st.t.ppf(0.5 + confidence / 2.0, dof)) * se
    p = _p_value(mean / se, dof)
    return Difference(
        n, mean, None, mean - half, mean + half, half, p, p < 1.0 - confidence, confidence
    )


def precise_enough(interval: Interval, relative_half_width: float) -> bool:
    """Whether an interval's half-width is at most ``relative_half_width`` x |mean|.

    A KPI observed once is not precise yet; a constant KPI (half-width 0) is, and so is one that
    never applied in any run (more runs would not make it apply).
    """
    if interval.n == 0:
        return True
    if interval.half_width is None or interval.mean is None:
        return False
    return interval.half_width <= relative_half_width * abs(interval.mean)
