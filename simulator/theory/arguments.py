"""Argument checks shared by the closed forms: finite reals, signs and whole numbers."""

from __future__ import annotations

import math
import numbers


def as_real(value: float, name: str) -> float:
    """Return ``value`` as a finite float or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return result


def as_non_negative(value: float, name: str) -> float:
    """Return ``value`` as a finite float >= 0 or raise ValueError."""
    result = as_real(value, name)
    if result < 0.0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return result


def as_positive(value: float, name: str) -> float:
    """Return ``value`` as a finite float > 0 or raise ValueError."""
    result = as_real(value, name)
    if result <= 0.0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return result


def as_integer(value: float, name: str, minimum: int | None = None) -> int:
    """Return ``value`` as an int (integral floats accepted) or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not isinstance(value, numbers.Integral):
        as_float = float(value)
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return result
