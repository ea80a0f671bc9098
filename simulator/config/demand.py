"""Demand over time for a segment: a weekly and yearly profile with a trend, or a recorded history.

A profile's multipliers can be pasted from ``supplysim fit``'s output (``Mon 1.12 Tue 1.02 ...``)
as a mapping, or given as a list (Monday first, January first). A history names a CSV or Excel
file, relative to the scenario file, and one of its columns of daily totals; the file is read
once, when the scenario is validated, and every problem names the file, its line and column.
"""

from __future__ import annotations

import calendar
import math
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from simulator.config.base import Model
from simulator.fit.reading import HistoryError, numbers, read_table

WEEKDAYS = tuple(calendar.day_abbr)
"""Mon, Tue, ... Sun: the keys of a weekly profile given as a mapping."""
MONTHS = tuple(calendar.month_abbr[1:])
"""Jan, Feb, ... Dec: the keys of a yearly profile given as a mapping."""


def _multipliers(value: object, labels: tuple[str, ...], what: str) -> object:
    """A list of multipliers from a list, or from a mapping keyed by ``labels``."""
    if isinstance(value, dict):
        keys = {str(k).strip().title()[:3]: v for k, v in value.items()}
        unknown = sorted(str(k) for k in value if str(k).strip().title()[:3] not in labels)
        if unknown:
            raise ValueError(f"unknown {what} {', '.join(unknown)} (use {', '.join(labels)})")
        missing = [label for label in labels if label not in keys]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}: give all {len(labels)} {what}s")
        return [keys[label] for label in labels]
    if isinstance(value, list | tuple) and len(value) != len(labels):
        raise ValueError(
            f"expected {len(labels)} multipliers ({labels[0]}..{labels[-1]}), got {len(value)}"
        )
    return value


class Profile(Model):
    """The order rate over time: rate x weekly[weekday] x yearly[month] x (1 + trend x years)."""

    start_date: date | None = None
    """Calendar date of day 0 of the run (``2025-01-06``); it fixes the weekday and month of every
    simulated day. Needed with ``weekly`` or ``yearly``."""
    weekly: list[float] | None = None
    """Seven multipliers, Monday to Sunday, as a list or as ``{Mon: 1.12, Tue: 1.02, ...}`` (the
    weekday profile ``supplysim fit`` prints). Omit for a flat week."""
    yearly: list[float] | None = None
    """Twelve multipliers, one per calendar month, as a list (January first) or as
    ``{Jan: 0.73, Feb: 0.83, ...}`` (the month profile ``supplysim fit`` prints). Omit for a flat
    year."""
    trend_per_year: float = Field(default=0.0, allow_inf_nan=False)
    """Linear trend: the rate is multiplied by 1 + trend_per_year x (days since day 0) / 365,
    floored at 0 (``0.1``: +10% a year)."""

    @field_validator("weekly", mode="before")
    @classmethod
    def _weekly(cls, value: object) -> object:
        return _multipliers(value, WEEKDAYS, "weekday")

    @field_validator("yearly", mode="before")
    @classmethod
    def _yearly(cls, value: object) -> object:
        return _multipliers(value, MONTHS, "month")

    @field_validator("weekly", "yearly")
    @classmethod
    def _factors(cls, value: list[float] | None) -> list[float] | None:
        if value is None:
            return None
        for x in value:
            if not math.isfinite(x) or x < 0:
                raise ValueError(f"multipliers must be finite and >= 0, got {x}")
        if not any(value):
            raise ValueError("every multiplier is 0: no demand at all")
        return value

    @model_validator(mode="after")
    def _dated(self) -> Profile:
        if (self.weekly is not None or self.yearly is not None) and self.start_date is None:
            raise ValueError("a weekly or yearly profile needs start_date (the date of day 0)")
        return self


class History(Model):
    """Recorded daily demand replayed, or resampled in blocks, as the segment's orders."""

    file: str = Field(min_length=1)
    """CSV or Excel file (``.xlsx``) with a header row, relative to the scenario file. Each data
    row is one day, in order; the column holds that day's total units (whole numbers >= 0)."""
    column: str = Field(min_length=1)
    """The column of daily totals."""
    sheet: str | None = None
    """Worksheet of an Excel file (default: the first)."""
    mode: Literal["replay", "block_bootstrap"] = "replay"
    """``replay``: day d of the run is row d (from the top again when the run is longer);
    ``block_bootstrap``: the run is made of blocks of ``block_days`` consecutive rows starting at
    random rows (wrapping round the end), drawn afresh for each replication."""
    block_days: int | None = Field(default=None, ge=1)
    """Block length of ``block_bootstrap`` (7 or a multiple keeps whole weeks together)."""
    _days: tuple[int, ...] = PrivateAttr(default=())

    @property
    def days(self) -> tuple[int, ...]:
        """The file's daily totals, in row order."""
        return self._days

    @field_validator("file")
    @classmethod
    def _absolute(cls, value: str, info: ValidationInfo) -> str:
        """Resolve the path against the scenario file's folder (kept absolute from then on)."""
        path = Path(value).expanduser()
        if not path.is_absolute():
            scenario = (info.context or {}).get("file")
            base = Path(scenario).parent if scenario else Path.cwd()
            path = base / path
        return str(path.resolve())

    @model_validator(mode="after")
    def _read(self) -> History:
        if self.mode == "block_bootstrap" and self.block_days is None:
            raise ValueError("block_bootstrap needs block_days")
        if self.mode == "replay" and self.block_days is not None:
            raise ValueError("block_days goes with mode: block_bootstrap")
        try:
            table = read_table(self.file, self.sheet)
            values, rows = numbers(table, self.column)
        except HistoryError as exc:
            raise ValueError(str(exc)) from None
        cells = table.column(self.column)
        if len(values) < len(cells):
            blank = next(i for i, cell in enumerate(cells) if cell is None)
            # the row is in the table because another of its cells is not blank: that says where
            where = next(c[blank].where for c in table.cells.values() if c[blank] is not None)
            raise ValueError(
                f"{self.file}: {where}, column {self.column!r}: blank cell (write 0 for a day "
                "without demand; each row is one day)"
            )
        for x, i in zip(values, rows, strict=True):
            if x < 0 or x != int(x):
                where = cells[i].where
                raise ValueError(
                    f"{self.file}: {where}, column {self.column!r}: {x:g} is not a whole number "
                    ">= 0 (daily demand in units)"
                )
        if self.block_days is not None and self.block_days > len(values):
            raise ValueError(f"block_days ({self.block_days}) exceeds the {len(values)} days")
        self._days = tuple(int(x) for x in values)
        return self
