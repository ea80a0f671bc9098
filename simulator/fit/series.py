"""From a read table to the series to fit: column choice, kinds, checks, daily totals, profiles.

A series is one column read as one kind of quantity: ``demand`` (units per day), ``quantity``
(units per order) or ``lead_time`` (days from order to receipt). The kind decides which checks
apply and what the scenario snippet looks like. Demand with a date column is summed per date (so
an order-level file becomes daily totals) and its weekday and month profiles are measured: each
is the mean per weekday (or month) divided by the overall mean, so 1.15 on Fridays means Fridays
see 15% more than an average day.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from simulator.fit.ranking import MIN_ROWS
from simulator.fit.reading import HistoryError, Table, date_column, dates, numbers, numeric_columns

Kind = Literal["demand", "quantity", "lead_time"]
KINDS: tuple[str, ...] = ("demand", "quantity", "lead_time")
#: Words in a column name that make ``auto`` read it as a lead time, or as order sizes.
LEAD_TIME_WORDS = ("lead", "transit", "delay", "days")
QUANTITY_WORDS = ("quantity", "qty", "size", "units_per_order")
WEEKDAYS = tuple(calendar.day_abbr)
MONTHS = tuple(calendar.month_abbr[1:])


@dataclass(frozen=True)
class Series:
    """One column to fit."""

    name: str
    """Column name."""
    kind: Kind
    """What the numbers are."""
    values: list[float]
    """The observations (daily totals for dated demand)."""
    dates: list[date] | None
    """The date of each observation, when the file has a date column."""
    note: str = ""
    """What was done to the column on the way (e.g. summed per date)."""

    def profile(self, by: Literal["weekday", "month"]) -> dict[str, float] | None:
        """Mean per weekday (or month) / overall mean; ``None`` without dates or for non-demand."""
        if self.dates is None or self.kind != "demand":
            return None
        labels = WEEKDAYS if by == "weekday" else MONTHS
        groups: dict[int, list[float]] = defaultdict(list)
        for d, v in zip(self.dates, self.values, strict=True):
            groups[d.weekday() if by == "weekday" else d.month - 1].append(v)
        overall = float(np.mean(self.values))
        if overall <= 0:
            return None
        return {labels[i]: float(np.mean(groups[i])) / overall for i in sorted(groups)}


def guess_kind(name: str) -> Kind:
    """``auto``: a lead time or an order size by the column's name, otherwise demand per day."""
    low = name.lower()
    if any(w in low for w in LEAD_TIME_WORDS):
        return "lead_time"
    if any(w in low for w in QUANTITY_WORDS):
        return "quantity"
    return "demand"


def select(
    table: Table,
    columns: Sequence[str] = (),
    date_name: str | None = None,
    kind: str = "auto",
) -> list[Series]:
    """The series of ``columns`` (default: every numeric column but the date column).

    Raises:
        HistoryError: a missing column, a text cell, too few values, a negative value, or all
            values equal; each message names the file and the row and column.
    """
    dated = date_name if date_name is not None else date_column(table)
    day_of = dates(table, dated) if dated is not None else None
    names = list(columns) or numeric_columns(table, exclude=[dated] if dated else [])
    if not names:
        raise HistoryError(f"{table.file}: no numeric column (columns: {', '.join(table.header)})")
    out = []
    for name in names:
        values, rows = numbers(table, name)
        series_kind: Kind = guess_kind(name) if kind == "auto" else kind  # type: ignore[assignment]
        _check(table, name, series_kind, values, rows)
        when = None
        note = ""
        if day_of is not None:
            missing = next((r for r in rows if day_of[r] is None), None)
            if missing is not None:
                where = table.cells[name][missing].where
                raise HistoryError(f"{table.file}: {where}, column {dated!r}: no date")
            when = [day_of[r] for r in rows]
            if series_kind == "demand" and len(set(when)) < len(when):
                values, when = _daily_totals(values, when)
                note = f"summed per {dated} into {len(values)} daily totals"
                if len(values) < MIN_ROWS:
                    raise HistoryError(_too_few(table.file, name, len(values), "daily totals"))
        out.append(Series(name, series_kind, values, when, note))
    return out


def _check(table: Table, name: str, kind: Kind, values: list[float], rows: list[int]) -> None:
    """Refuse what no scenario distribution can describe, naming the first offending row."""
    if len(values) < MIN_ROWS:
        raise HistoryError(_too_few(table.file, name, len(values), "values"))
    for x, r in zip(values, rows, strict=True):
        if x < 0:
            what = {
                "lead_time": "a lead time cannot be negative",
                "quantity": "an order size cannot be negative",
                "demand": "demand cannot be negative (returns belong in their own column)",
            }[kind]
            where = table.cells[name][r].where
            raise HistoryError(f"{table.file}: {where}, column {name!r}: {x:g} is negative: {what}")
    if min(values) == max(values):
        raise HistoryError(
            f"{table.file}: column {name!r}: every value is {values[0]:g}; nothing to fit "
            f"(in a scenario, write the plain number {values[0]:g})"
        )


def _too_few(file: str, name: str, n: int, what: str) -> str:
    return (
        f"{file}: column {name!r}: {n} {what}, too few to fit a distribution "
        f"(need at least {MIN_ROWS}; a few hundred give useful intervals)"
    )


def _daily_totals(values: list[float], when: list[date]) -> tuple[list[float], list[date]]:
    """Sum the values of each date, in date order (dates with no row stay absent)."""
    totals: dict[date, float] = defaultdict(float)
    for v, d in zip(values, when, strict=True):
        totals[d] += v
    days = sorted(totals)
    return [totals[d] for d in days], days
