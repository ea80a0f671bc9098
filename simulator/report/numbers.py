"""Numbers for people: every KPI value, difference, interval and p-value is formatted here.

Terminal tables, the HTML report and figure labels all call these functions, so a rate reads the
same everywhere (``95.76%``, a difference in percentage points ``+4.18 pp``) and money carries
thousands separators. How a value is read comes from the KPI registry (:mod:`simulator.kpis`);
a name the registry does not know (a policy parameter, a swept scenario path) is formatted by
its type, with ``*_rate`` names read as shares.
"""

from __future__ import annotations

import json
import math
from typing import Any

from simulator import kpis

#: Shown for a value that does not exist (``None``) or is not a number.
MISSING = "n/a"


def kind(name: str) -> str:
    """How a value of ``name`` (plain or dotted) is read: rate, money, count, amount or flag."""
    k = kpis.get(name)
    if k is not None:
        return k.kind
    leaf = name.rsplit(".", 1)[-1]
    if leaf.endswith("_rate"):
        return "rate"
    if leaf.startswith(("cost_", "revenue", "profit")):
        return "money"
    return "amount"


def is_rate(name: str) -> bool:
    """Whether ``name`` is a share (0..1) shown in percent."""
    return kind(name) == "rate"


def fmt(name: str, value: Any) -> str:
    """One value for a person: rates as percentages, money with separators, ``n/a`` for none."""
    if value is None:
        return MISSING
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING
    how = kind(name)
    if how == "rate":
        return share(value)
    if how == "money":
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def share(value: float) -> str:
    """A share (0..1) of a whole, in percent with two decimals (``95.76%``)."""
    return f"{100 * value:.2f}%"


def days(value: float) -> str:
    """A duration in days (``365 days``, ``0.5 days``)."""
    return f"{float(value):g} days"


#: Names shown with three decimals in the HTML report (scores and indices in 0..1).
THREE_DECIMALS = (
    "score",
    "satisfaction_mean",
    "on_time",
    "quality",
    "lead_time_consistency",
    "cost",
    "availability",
)


def text(name: str, value: Any) -> str:
    """Like :func:`fmt`, for report cells: yes/no flags, JSON for nested values, 0..1 scores."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, int | float) and name.rsplit(".", 1)[-1] in THREE_DECIMALS:
        return f"{value:.3f}" if math.isfinite(value) else MISSING
    return fmt(name, value)


def signed(name: str, value: Any) -> str:
    """A difference: percentage points for rates, otherwise the KPI's own format with a sign."""
    if value is None:
        return MISSING
    if is_rate(name):
        return f"{100 * value:+.2f} pp"
    return ("-" if value < 0 else "+") + fmt(name, abs(float(value)))


def mean_pm(name: str, mean: Any, half: Any) -> str:
    """A mean with the half-width of its interval (``95.76% ± 0.34%``)."""
    if mean is None:
        return MISSING
    if half is None:
        return fmt(name, mean)
    return f"{fmt(name, mean)} ± {fmt(name, half)}"


def p_value(p: Any) -> str:
    """A p-value to three decimals, ``<0.001`` below that."""
    if p is None:
        return MISSING
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def ticks(x: float, _pos: Any = None) -> str:
    """Axis tick text: thousands separators, millions shortened (``1.125M``)."""
    if abs(x) >= 1e6:
        return f"{x / 1e6:.4g}M"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:g}"
