"""Reading a results folder for a report: typed data from known files, never sniffed text.

A run folder gives its result document (``result.json``), its resolved scenario
(``scenario.yaml``), its provenance (``provenance.json``), its event trace (``trace.csv``,
read by the trace's declared columns, :data:`TRACE_COLUMNS`) and its customers per day
(``customers_daily.csv``). An experiment folder gives its runs
from the results store (``results.sqlite``), and its summary and paired comparisons are computed
again from them by the experiment's own summary function, with the design read from the
folder's ``experiment.yaml`` and ``scenario.yaml``: the CSV tables are for people and other
programs, the report does not parse them back.

Every problem is a :class:`ReportError` naming the file: a user's mistake, not a crash.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, Any

from simulator import customer_days
from simulator.config import safe_yaml
from simulator.config.errors import ConfigError
from simulator.store import STORE_NAME, RunRecord, describe_change

if TYPE_CHECKING:
    from simulator.experiment import Design, ExperimentResults

#: The columns of ``customers_daily.csv`` (:mod:`simulator.customer_days`).
CUSTOMER_DAY_COLUMNS = customer_days.COLUMNS

#: Trace events the figures use; other events (deliveries, ...) are not loaded.
FIGURE_EVENTS = frozenset(
    {
        "order_placed",
        "po_placed",
        "po_reordered",
        "po_received",
        "return_restocked",
        "replacement_delivered",
    }
)


class ReportError(Exception):
    """A folder or file cannot be reported on: ``PATH: (what): message``, a user's mistake."""

    def __init__(self, path: str | Path, message: str, what: str = "(file)") -> None:
        super().__init__(f"{path}: {what}: {message}")
        self.path = Path(path)
        self.message = message


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(path, f"cannot read: {exc}") from None


def read_json(path: str | Path) -> Any:
    """A JSON file's content (``ReportError`` if it is missing or not JSON)."""
    path = Path(path)
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ReportError(path, f"not valid JSON: {exc}") from None


def read_yaml(path: str | Path) -> Any:
    """A YAML file's content, by the guarded reader (``ReportError`` if missing or refused).

    The reader of scenario files refuses alias bombs, endless and oversized files.
    """
    path = Path(path)
    try:
        return safe_yaml.read_yaml(path)
    except ConfigError as exc:
        raise ReportError(path, "; ".join(p.message for p in exc.problems)) from None


def _optional(reader: Callable[[Path], Any], path: Path) -> dict[str, Any]:
    """``reader(path)`` if the file exists and holds a mapping, else an empty dict."""
    if not path.is_file():
        return {}
    data = reader(path)
    return data if isinstance(data, dict) else {}


# --- the trace ----------------------------------------------------------------------------------


def _count(cell: str) -> int | None:
    return int(float(cell)) if cell else None


def _flag(cell: str) -> bool:
    return cell == "True"


#: The columns of ``trace.csv`` and how each cell is read; a row of :func:`load_trace` holds them
#: in this order, like ``RunResult.trace``. Blank cells are ``None`` (``False`` for the flag).
TRACE_COLUMNS: tuple[tuple[str, Callable[[str], Any]], ...] = (
    ("time", float),
    ("event", intern),  # repeated names share one string: long traces fit in memory
    ("order", str),
    ("product", intern),
    ("units", _count),
    ("on_hand", _count),
    ("backorders", _count),
    ("detail", intern),
    ("replacement", _flag),
    ("segment", intern),
    ("site", intern),
)
#: Columns that older traces do not have: without ``replacement`` every order of such a trace
#: reads as customer demand; without ``segment`` the orders' segments are unknown (blank);
#: without ``site`` the stock rows name no site (as with one warehouse).
OPTIONAL_COLUMNS = frozenset({"replacement", "segment", "site"})


@contextmanager
def _table(path: Path) -> Iterator[tuple[dict[str, int], Iterator[list[str]]]]:
    """An open CSV file: each column's position by its header name, and the lines below it."""
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ReportError(path, f"cannot read: {exc}") from None
    with fh:
        reader = csv.reader(fh)
        yield {name: i for i, name in enumerate(next(reader, None) or [])}, reader


def load_trace(path: str | Path, events: Collection[str] | None = None) -> list[tuple]:
    """The rows of a ``trace.csv`` as typed tuples in :data:`TRACE_COLUMNS` order.

    Columns are found by their header names. A trace written before the ``replacement`` column
    existed reads as if no order were a replacement of returned goods (``False`` in every row),
    so its bullwhip picture counts replacements as demand.

    Args:
        path: the trace file.
        events: keep only these events, and rows that record stock levels (default: every row).
            :data:`FIGURE_EVENTS` keeps what the figures need and saves memory on long traces.
    """
    path = Path(path)
    rows = []
    with _table(path) as (where, reader):
        missing = [n for n, _ in TRACE_COLUMNS if n not in where and n not in OPTIONAL_COLUMNS]
        if missing:
            raise ReportError(path, f"not a trace: no column {', '.join(missing)}")
        readers = [(where.get(name), read) for name, read in TRACE_COLUMNS]
        on_hand = where["on_hand"]
        event = where["event"]
        for line, cells in enumerate(reader, start=2):
            if events is not None and cells[event] not in events and cells[on_hand] == "":
                continue
            try:
                rows.append(tuple(read(cells[i] if i is not None else "") for i, read in readers))
            except (ValueError, IndexError) as exc:
                raise ReportError(path, f"line {line}: {exc}") from None
    return rows


def load_customer_days(path: str | Path) -> list[tuple]:
    """The rows of a ``customers_daily.csv`` as typed tuples in :data:`CUSTOMER_DAY_COLUMNS` order.

    Columns are found by their header names; the segment is text, every other cell a count. A
    file without the satisfaction band columns (``satisfaction_0_0.1``, ...) gives rows of the
    counts alone (:data:`simulator.customer_days.COUNT_COLUMNS`).
    """
    path = Path(path)
    rows = []
    with _table(path) as (where, reader):
        missing = [n for n in customer_days.COUNT_COLUMNS if n not in where]
        if missing:
            raise ReportError(path, f"not a daily customer table: no column {', '.join(missing)}")
        bands = [n for n in customer_days.BAND_COLUMNS if n not in where]
        if bands and len(bands) < len(customer_days.BAND_COLUMNS):
            raise ReportError(path, f"not a daily customer table: no column {', '.join(bands)}")
        names = customer_days.COUNT_COLUMNS if bands else CUSTOMER_DAY_COLUMNS
        index = [(where[n], str if n == "segment" else int) for n in names]
        for line, cells in enumerate(reader, start=2):
            try:
                rows.append(tuple(read(cells[i]) for i, read in index))
            except (ValueError, IndexError) as exc:
                raise ReportError(path, f"line {line}: {exc}") from None
    return rows


# --- folders ------------------------------------------------------------------------------------


@dataclass
class RunFolder:
    """What a run report shows, as read from a run folder."""

    document: dict[str, Any]
    """The result document (``result.json``)."""
    scenario: dict[str, Any]
    """The resolved scenario as plain data (empty without ``scenario.yaml``)."""
    provenance: dict[str, Any]
    """Who made the run (empty without ``provenance.json``)."""
    trace: list[tuple] | None
    """The trace rows the figures need (:data:`FIGURE_EVENTS`), or ``None`` without a trace."""
    customer_days: list[tuple] | None = None
    """The rows of ``customers_daily.csv``, or ``None`` without one."""


def read_run_folder(folder: str | Path) -> RunFolder:
    """Read a run folder: ``result.json`` (required), the rest when present.

    Raises:
        ReportError: the folder has no readable result document.
    """
    folder = Path(folder)
    path = folder / "result.json"
    if not path.is_file():
        raise ReportError(folder, "not a run folder: no result.json", "(folder)")
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("kpis"), dict):
        raise ReportError(path, "not a result document: no kpis")
    trace_path = folder / "trace.csv"
    days_path = folder / customer_days.FILE_NAME
    return RunFolder(
        document,
        _optional(read_yaml, folder / "scenario.yaml"),
        _optional(read_json, folder / "provenance.json"),
        load_trace(trace_path, FIGURE_EVENTS) if trace_path.is_file() else None,
        load_customer_days(days_path) if days_path.is_file() else None,
    )


def open_reader(path: Path) -> sqlite3.Connection:
    """A connection that can only read the store at ``path``.

    Opened for writing but with every statement refused that would write (``query_only``), so
    that closing it checkpoints SQLite's journal and removes the ``-wal`` and ``-shm`` files a
    read-only connection would leave in the folder; a folder that cannot be written is opened
    read-only instead. Either way the results on record are never changed.
    """
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=rw", uri=True)
        db.execute("PRAGMA query_only = ON")
        return db
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?mode=ro", uri=True)


def read_runs(path: str | Path) -> tuple[list[RunRecord], dict[str, Any]]:
    """Every run in a results store of schema 1, and the experiment definition stored with them.

    The store is opened read-only, so a report never changes the results it shows.
    """
    path = Path(path)
    try:
        db = open_reader(path)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            rows = db.execute(
                "SELECT variant, point, replication, seed, kpis, params, seconds FROM runs"
            ).fetchall()
        finally:
            db.close()
        definition = json.loads(meta.get("definition") or "{}")
        records = [
            RunRecord(v, int(p), int(r), int(s), json.loads(k), json.loads(q), sec)
            for v, p, r, s, k, q, sec in rows
        ]
    except (sqlite3.Error, json.JSONDecodeError) as exc:
        raise ReportError(path, f"not a results store: {exc}") from None
    return records, definition


@dataclass
class ExperimentFolder:
    """What an experiment report shows, as read from an experiment folder."""

    results: ExperimentResults
    """The tables summarised from the stored runs, as the experiment summarises them."""
    design: Design
    """The design of ``experiment.yaml`` and ``scenario.yaml``."""
    provenance: dict[str, Any]
    """Who made the results (empty without ``provenance.json``)."""


def _comparable(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition as stored (JSON), without the version: a newer supplysim may report on it."""
    plain = json.loads(json.dumps(definition, default=str))
    return {k: v for k, v in plain.items() if k != "version"}


def _legacy_records(store: Path, design: Any) -> list[RunRecord]:
    """The runs of a schema 1 store (one definition per store), if it is this design's."""
    records, stored = read_runs(store)
    if not records:
        raise ReportError(store, "no runs to report")
    if _comparable(stored) != _comparable(design.definition):
        raise ReportError(
            store,
            "its runs belong to another experiment than experiment.yaml and scenario.yaml "
            f"describe ({describe_change(_comparable(stored), _comparable(design.definition))})",
        )
    return records


def _design_records(store: Path, design: Any) -> list[RunRecord]:
    """The runs of ``design`` a store holds (it may hold runs of other designs too)."""
    from simulator.experiment.identity import changes
    from simulator.experiment.results_store import (
        lookup,
        schema_of,
        stored_design,
        stored_records,
    )

    try:
        db = open_reader(store)
        try:
            if schema_of(db) != 2:
                db.close()
                return _legacy_records(store, design)
            count = int(db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
            records = stored_records(design, lambda keys: lookup(db, keys), design.replications)
            before = stored_design(db)
        finally:
            db.close()
    except (sqlite3.Error, json.JSONDecodeError) as exc:
        raise ReportError(store, f"not a results store: {exc}") from None
    if not count:
        raise ReportError(store, "no runs to report")
    if not records:
        said = "; ".join(changes(before, design.description)) if before else "another design"
        raise ReportError(
            store,
            "its runs belong to another experiment than experiment.yaml and scenario.yaml "
            f"describe ({said})",
        )
    return records


def read_experiment_folder(folder: str | Path) -> ExperimentFolder:
    """Read an experiment folder: its design, and the summary of its runs in its store.

    The store may hold runs of earlier designs run in the folder; only the runs of the design
    ``experiment.yaml`` and ``scenario.yaml`` describe are summarised.

    Raises:
        ReportError: the folder has no store or no readable ``experiment.yaml``, the store holds
            no runs, or none of this design.
    """
    from simulator.config import ConfigError
    from simulator.experiment import load_design, summarise

    folder = Path(folder)
    store = folder / STORE_NAME
    if not store.is_file():
        raise ReportError(folder, f"not an experiment folder: no {STORE_NAME}", "(folder)")
    try:
        design = load_design(folder / "experiment.yaml")
    except ConfigError as exc:
        first = exc.problems[0]
        raise ReportError(first.file, first.message, first.path or "(file)") from None
    records = _design_records(store, design)
    results = summarise(design, records, design.replications)
    return ExperimentFolder(results, design, _optional(read_json, folder / "provenance.json"))


__all__ = [
    "FIGURE_EVENTS",
    "TRACE_COLUMNS",
    "ExperimentFolder",
    "ReportError",
    "RunFolder",
    "load_trace",
    "read_experiment_folder",
    "read_json",
    "read_runs",
    "read_run_folder",
    "read_yaml",
]
