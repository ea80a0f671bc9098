"""The pieces of a report page as plain data: cells, tables and facts, for the templates.

The page modules (:mod:`simulator.report.run_page`, :mod:`simulator.report.experiment_page`)
decide what to show and build these; the templates (``templates/*.html``) decide how it looks
and escape every text. Numbers become text here, with :mod:`simulator.report.numbers`.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.report import numbers

#: Shown where an item (a product, a supplier) has no value for a row at all.
ABSENT = "–"


@dataclass
class Cell:
    """One table cell: its text and how it is laid out."""

    text: str
    """What the cell says (plain text, escaped by the template)."""
    numeric: bool = False
    """Right-aligned, tabular figures."""
    header: bool = False
    """A row heading (``<th scope="row">``)."""
    classes: str = ""
    """More CSS classes (``wrap``, ``verdict``)."""
    rowspan: int = 1
    """Rows the cell spans."""
    title: str = ""
    """Shown on hover (an interval's bounds)."""

    @property
    def css(self) -> str:
        """Every CSS class of the cell."""
        return " ".join(c for c in ("num" if self.numeric else "", self.classes) if c)


@dataclass
class Row:
    """One table row: its cells and a CSS class (a verdict's colour)."""

    cells: list[Cell]
    classes: str = ""


@dataclass
class Table:
    """A table: column headings, rows, an optional caption, id and CSS class."""

    header: list[str]
    rows: list[Row]
    caption: str = ""
    id: str = ""
    classes: str = ""
    numeric_columns: frozenset[int] = field(default_factory=frozenset)
    """Columns whose headings are right-aligned, like the numbers below them."""


def heading(text: Any) -> Cell:
    """A row heading."""
    return Cell(str(text), header=True)


def value_cell(name: str, value: Any, currency: str | None = None) -> Cell:
    """A KPI-like value, formatted for ``name`` (money with ``currency``); numbers right-aligned."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return Cell(numbers.text(name, value, currency), numeric=number)


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell] | Row],
    caption: str = "",
    numeric_from: int | None = 1,
    table_id: str = "",
) -> Table:
    """A table whose headings from column ``numeric_from`` on are numeric (``None``: none)."""
    numeric = frozenset(range(numeric_from, len(header))) if numeric_from is not None else None
    return Table(
        list(header),
        [r if isinstance(r, Row) else Row(list(r)) for r in rows],
        caption,
        table_id,
        numeric_columns=numeric or frozenset(),
    )


def transposed(
    columns: Mapping[str, Mapping[str, Any]],
    keys: Sequence[str],
    table_id: str = "",
    currency: str | None = None,
) -> Table:
    """One row per key and one column per item (product, supplier, segment ...).

    Keys no item has are left out; an item without a key shows :data:`ABSENT`.
    """
    names = list(columns)
    present = [k for k in keys if any(k in columns[n] for n in names)]
    rows = [
        [heading(k)]
        + [
            value_cell(k, columns[n][k], currency)
            if k in columns[n]
            else Cell(ABSENT, numeric=True)
            for n in names
        ]
        for k in present
    ]
    return table(["", *names], rows, table_id=table_id)


def facts(pairs: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(label, text) pairs of a definition list, leaving out empty values."""
    return [(k, str(v)) for k, v in pairs if v is not None and v != ""]


def days(value: Any) -> str | None:
    """A number of days as text, ``None`` when there is none (the fact is left out)."""
    return None if value is None else numbers.days(value)


def one_line(text: Any) -> str:
    """A text with its line breaks and runs of spaces made single spaces."""
    return " ".join(str(text or "").split())


def provenance_facts(provenance: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Who made the results, with what and when, as facts: the command as a shell line."""
    pairs: list[tuple[str, Any]] = []
    for key, value in provenance.items():
        if key == "command" and isinstance(value, list):
            value = shlex.join(str(v) for v in value)
        elif isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=False)
        elif isinstance(value, float):
            value = f"{value:.3f}" if key.endswith("seconds") else f"{value:g}"
        pairs.append((key.replace("_", " "), value))
    return facts(pairs)
