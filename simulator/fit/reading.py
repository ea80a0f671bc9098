"""Reading a history file (CSV or Excel) into numeric columns and dates, with located errors.

A history is a table with a header row: one column per series (daily demand, order sizes, lead
times) and optionally a date column. Every problem names the file and where it is: the line of a
CSV file, or the sheet and row of a workbook, and the column. Blank cells are missing values and
are skipped; any other cell that is not a number is an error, since a silently dropped cell would
bias the fit.
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

#: Suffixes read as Excel workbooks (through openpyxl); anything else is read as CSV.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Header names taken as the date column when none is named.
DATE_NAMES = ("date", "day", "ds", "timestamp", "time", "order_date", "delivery_date")
#: Text date formats tried after ISO 8601, in this order; the first that reads every cell wins.
DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")


class HistoryError(Exception):
    """A history file that cannot be read as asked; ``str()`` is ``FILE: where: message``."""


@dataclass(frozen=True)
class Cell:
    """One non-blank cell: its value and where it was."""

    value: Any
    """Text (CSV) or a typed value (Excel)."""
    where: str
    """``line 7`` (CSV) or ``sheet Orders, row 7`` (Excel)."""


@dataclass
class Table:
    """The header and the non-blank cells of each column, in file order."""

    file: str
    """The file name, for messages."""
    header: list[str]
    """Column names as written."""
    cells: dict[str, list[Cell | None]] = field(default_factory=dict)
    """Each column's cells, one per data row (``None`` for a blank cell)."""

    @property
    def rows(self) -> int:
        """Number of data rows."""
        return len(next(iter(self.cells.values()), []))

    def column(self, name: str) -> list[Cell | None]:
        """The cells of column ``name``; a :class:`HistoryError` with a suggestion if absent."""
        if name in self.cells:
            return self.cells[name]
        close = difflib.get_close_matches(name, self.header, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise HistoryError(
            f"{self.file}: column {name!r} not found (columns: {', '.join(self.header)}){hint}"
        )


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV file or an Excel sheet with a header row.

    Args:
        path: the file; ``.xlsx``/``.xlsm`` is read as a workbook, anything else as CSV (comma,
            semicolon or tab separated, detected from the header line).
        sheet: the worksheet of a workbook (default: the first).

    Raises:
        HistoryError: missing or empty file, no data rows, unknown sheet, a sheet given for a CSV.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise HistoryError(f"{file}: no such file")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        header, rows = _excel_rows(path, sheet)
    else:
        if sheet is not None:
            raise HistoryError(f"{file}: --sheet: only Excel workbooks have sheets")
        header, rows = _csv_rows(path)
    if not header or all(not h for h in header):
        raise HistoryError(f"{file}: empty file (expected a header row and data rows)")
    if not rows:
        raise HistoryError(f"{file}: a header but no data rows")
    names = [h or f"column{i + 1}" for i, h in enumerate(header)]
    table = Table(file, names, {n: [] for n in names})
    for where, values in rows:
        for i, name in enumerate(names):
            value = values[i] if i < len(values) else None
            blank = value is None or (isinstance(value, str) and not value.strip())
            table.cells[name].append(None if blank else Cell(value, where))
    return table


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Header and ``(where, cells)`` of each non-empty data line of a CSV file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HistoryError(f"{path}: not a UTF-8 text file ({exc.reason})") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first.strip() else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    rows = []
    for values in reader:
        if any(v.strip() for v in values):
            rows.append((f"line {reader.line_num}", [v.strip() for v in values]))
    return header, rows


def _excel_rows(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Header and ``(where, cells)`` of each non-empty row of a worksheet."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise HistoryError(f"{path}: not a readable Excel workbook ({exc})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise HistoryError(
                f"{path}: sheet {sheet!r} not found (sheets: {', '.join(book.sheetnames)})"
            )
        it = ws.iter_rows(values_only=True)
        header = ["" if v is None else str(v).strip() for v in next(it, ())]
        rows = [
            (f"sheet {ws.title}, row {i}", list(values))
            for i, values in enumerate(it, start=2)
            if any(v is not None and str(v).strip() for v in values)
        ]
    finally:
        book.close()
    return header, rows


def numbers(table: Table, name: str) -> tuple[list[float], list[int]]:
    """The numbers of column ``name`` and the indices of the rows they come from.

    Raises:
        HistoryError: the column is missing, or a cell is text or not finite (its row named).
    """
    values, index = [], []
    for i, cell in enumerate(table.column(name)):
        if cell is None:
            continue
        x = _number(cell.value)
        if x is None:
            raise HistoryError(
                f"{table.file}: {cell.where}, column {name!r}: {cell.value!r} is not a number"
            )
        values.append(x)
        index.append(i)
    return values, index


def _number(value: Any) -> float | None:
    """A finite float from a cell, or ``None``."""
    if isinstance(value, bool) or isinstance(value, datetime | date):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def numeric_columns(table: Table, exclude: Sequence[str] = ()) -> list[str]:
    """Columns whose non-blank cells are mostly numbers (a stray text cell is then an error)."""
    out = []
    for name in table.header:
        if name in exclude:
            continue
        cells = [c for c in table.cells[name] if c is not None]
        good = sum(_number(c.value) is not None for c in cells)
        if cells and good > len(cells) / 2:
            out.append(name)
    return out


def dates(table: Table, name: str) -> list[date | None]:
    """The dates of column ``name``, one per row (``None`` for a blank cell).

    Accepts workbook dates, ISO 8601 text (``2024-03-31``, with or without a time), and the
    first of :data:`DATE_FORMATS` that reads every cell.

    Raises:
        HistoryError: the column is missing or a cell is not a date (its row named).
    """
    cells = table.column(name)
    best: list[date | None] = []
    for fmt in (None, *DATE_FORMATS):
        out = [None if c is None else _date(c.value, fmt) for c in cells]
        bad = next((c for c, d in zip(cells, out, strict=True) if c and d is None), None)
        if bad is None:
            return out
        if sum(d is not None for d in out) > sum(d is not None for d in best):
            best = out
    bad = next(c for c, d in zip(cells, best or [None] * len(cells), strict=True) if c and not d)
    raise HistoryError(
        f"{table.file}: {bad.where}, column {name!r}: {bad.value!r} is not a date "
        "(write dates as YYYY-MM-DD)"
    )


def _date(value: Any, fmt: str | None) -> date | None:
    """A date from a workbook value or text in ISO 8601 (``fmt`` None) or ``fmt``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        if fmt is None:
            return datetime.fromisoformat(value).date()
        return datetime.strptime(value, fmt).date()
    except ValueError:
        return None


def date_column(table: Table) -> str | None:
    """The date column when none is named: the first with a name in :data:`DATE_NAMES`.

    Raises:
        HistoryError: a cell of that column is not a date.
    """
    for name in table.header:
        if name.strip().lower() in DATE_NAMES:
            dates(table, name)  # a bad cell in a column named like a date is an error
            return name
    return None
