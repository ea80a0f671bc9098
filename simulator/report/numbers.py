"""Numbers for people: every KPI value, difference, interval and p-value is formatted here.

Terminal tables, the HTML report and figure labels all call these functions, so a rate reads the
same everywhere (``95.76%``, a difference in percentage points ``+4.18 pp``) and money carries
thousands separators and, when the scenario names one, its ``currency`` (``1,234.50 EUR``,
``+590 [+447, +733] EUR``; the CSV tables say it in a ``unit`` column, :func:`unit`). How a value
is read comes from the KPI registry (:mod:`simulator.kpis`);
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

#: What a difference whose interval holds zero is called, in tables and in comparison.csv.
NOT_SIGNIFICANT = "not significant"


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


def with_currency(name: str, written: str, currency: str | None) -> str:
    """``written`` (a value of ``name`` as text) followed by ``currency`` when ``name`` is money."""
    if not currency or written == MISSING or kind(name) != "money":
        return written
    return f"{written} {currency}"


def unit(name: str, currency: str | None = None) -> str:
    """The unit the values of ``name`` are in, for a ``unit`` column of a CSV table.

    ``share`` for rates (a fraction 0..1, shown in % to people), the scenario's ``currency`` for
    money (``money`` without one), the registry's unit for other KPIs (``units``, ``days`` ...),
    ``""`` for a name the registry does not know.
    """
    how = kind(name)
    if how == "rate":
        return "share"
    if how == "money":
        return currency or "money"
    k = kpis.get(name)
    return "" if k is None else k.unit


def fmt(name: str, value: Any, currency: str | None = None) -> str:
    """One value for a person: rates as percentages, money with separators, ``n/a`` for none.

    Money carries ``currency`` when given (``1,234.50 EUR``).
    """
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
        return with_currency(name, f"{value:,.2f}", currency)
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


def text(name: str, value: Any, currency: str | None = None) -> str:
    """Like :func:`fmt`, for report cells: yes/no flags, JSON for nested values, 0..1 scores."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, int | float) and name.rsplit(".", 1)[-1] in THREE_DECIMALS:
        return f"{value:.3f}" if math.isfinite(value) else MISSING
    return fmt(name, value, currency)


def signed(name: str, value: Any, currency: str | None = None) -> str:
    """A difference: percentage points for rates, otherwise the KPI's own format with a sign."""
    if value is None:
        return MISSING
    if is_rate(name):
        return f"{100 * value:+.2f} pp"
    return ("-" if value < 0 else "+") + fmt(name, abs(float(value)), currency)


#: Significant digits of an interval's half-width; its mean is shown to the same decimal place.
HALF_WIDTH_DIGITS = 2


def decimals(half: float) -> int:
    """Decimal places that show ``half`` with :data:`HALF_WIDTH_DIGITS` significant digits.

    The mean beside it is shown to the same place: digits below the interval's precision are
    noise, digits above it are lost information (``95.76% ± 0.34%``, ``1,099,140 ± 9,277``).
    """
    if not half or not math.isfinite(half):
        return 0
    return max(0, HALF_WIDTH_DIGITS - 1 - math.floor(math.log10(abs(half))))


def _finite(*values: Any) -> bool:
    return all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    )


def _scaled(name: str, value: float) -> float:
    """Rates in percent (or percentage points), everything else as it is."""
    return 100 * value if is_rate(name) else value


def mean_pm(name: str, mean: Any, half: Any, currency: str | None = None) -> str:
    """A mean with the half-width of its interval, both to the half-width's precision.

    ``95.76% ± 0.34%``, ``1,099,140 ± 9,300`` (``1,099,140 ± 9,300 EUR`` for money with a
    currency); without a half-width (or a zero one), the value as :func:`fmt` writes it.
    """
    if not _finite(mean):
        return MISSING
    if not _finite(half) or half == 0:
        return fmt(name, mean, currency) + ("" if half is None else " ± 0")
    d = decimals(_scaled(name, half))
    pct = "%" if is_rate(name) else ""
    m, h = _scaled(name, mean), _scaled(name, half)
    return with_currency(name, f"{m:,.{d}f}{pct} ± {h:,.{d}f}{pct}", currency)


def difference(
    name: str, diff: Any, low: Any = None, high: Any = None, currency: str | None = None
) -> str:
    """A difference with its interval: ``-10.4 pp [-13.2, -7.7]``, ``+50 [+45, +55] EUR``.

    Rates in percentage points; digits from the interval's half-width, as :func:`mean_pm`;
    money followed by ``currency`` when given.
    """
    if not _finite(diff):
        return MISSING
    if not _finite(low, high) or low == high:
        return signed(name, diff, currency)
    d = decimals(_scaled(name, (high - low) / 2))
    pp = " pp" if is_rate(name) else ""
    lo, hi, x = (_scaled(name, v) for v in (low, high, diff))
    return with_currency(name, f"{x:+,.{d}f}{pp} [{lo:+,.{d}f}, {hi:+,.{d}f}]", currency)


def significance(significant: Any, verdict: str) -> str:
    """The verdict column: ``yes, better``, ``yes``, ``not significant`` or ``n/a``.

    A difference whose interval holds zero is *not significant*: the runs cannot tell the
    variants apart, which is not evidence that they are equal.
    """
    if verdict in ("better", "worse"):
        return f"yes, {verdict}"
    return {True: "yes", False: NOT_SIGNIFICANT}.get(significant, MISSING)


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
