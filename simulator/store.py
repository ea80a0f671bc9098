"""The optimiser's run store: SQLite, one row per run of one definition, committed at once.

An experiment keeps its runs in :mod:`simulator.experiment.results_store` instead, keyed by what
each run is so that a changed design re-uses them; its schema 1 was this one. This store is the
search's memory. The parent process writes every run as soon as a worker hands it back, in its
own transaction, so a crash (even ``kill -9``) loses at most the runs still being computed.
SQLite's write-ahead log (WAL) lets a reader (a notebook, ``sqlite3``, a test) look at the runs
while the search goes on.

Tables::

    meta(key, value)      design_hash, definition (JSON), version, created
    runs(variant, point, replication, params, seed, kpis, seconds, finished)
                          one row per run; params and kpis are JSON objects;
                          primary key (variant, point, replication): a run is stored once
    kpi_values            a view: one row per run and KPI (variant, point, replication, seed,
                          kpi, value), for SQL and for tidy exports

A store belongs to one definition: the hash of what determines the runs' numbers (for an
optimisation: its scenario, search space, seed, simulator version). Opening it for another
definition is refused, so resumed results are never a mixture of two experiments. The store
does not lock its folder: :func:`simulator.outputs.claim` does, for the whole command, so that
checking the definition and writing the first run happen under one lock.

Every problem with the file (not a database, a folder in its place, a read-only folder, a full
disk) is a :class:`StoreError` naming it; runs committed before a failure stay stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from simulator.io import OutputError, dumps
from simulator.version import __version__

STORE_NAME = "results.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    variant TEXT NOT NULL,
    point INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    params TEXT NOT NULL,
    seed INTEGER NOT NULL,
    kpis TEXT NOT NULL,
    seconds REAL,
    finished TEXT NOT NULL,
    PRIMARY KEY (variant, point, replication)
);
CREATE VIEW IF NOT EXISTS kpi_values AS
    SELECT runs.variant, runs.point, runs.replication, runs.seed,
           j.key AS kpi, j.value AS value
    FROM runs, json_each(runs.kpis) AS j;
"""


class StoreError(OutputError):
    """The store cannot be used as asked (another experiment, runs already, or a bad file)."""


@dataclass(frozen=True)
class RunRecord:
    """One finished run: where it sits in the design and every KPI it produced."""

    variant: str
    """Variant name."""
    point: int
    """Sweep point index (0 without a sweep)."""
    replication: int
    """Replication index: the random streams it used (the same in every design point)."""
    seed: int
    """Root seed of the run."""
    kpis: dict[str, Any]
    """Every KPI of the run (``None`` where a KPI did not apply)."""
    params: dict[str, Any] = field(default_factory=dict)
    """The sweep point's parameter values (path -> value)."""
    seconds: float | None = None
    """Wall-clock seconds the simulation took (not part of the results' identity)."""

    @property
    def key(self) -> tuple[str, int, int]:
        """The run's identity in the design."""
        return (self.variant, self.point, self.replication)


def open_store(path: str, set_up: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """A store's database opened in WAL mode and set up; every problem a :class:`StoreError`.

    ``path`` is a file (its folder made if need be) or ``":memory:"``; ``set_up`` creates or
    checks the tables (a :class:`sqlite3.DatabaseError` there means the file is no store).
    """
    if path != ":memory:":
        file = Path(path)
        if file.is_dir():
            raise StoreError(
                f"{path}: is a folder, not a results store: move it away, or choose another --out"
            )
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        db = sqlite3.connect(path)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the results store: {exc}") from None
    try:
        db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed run survives the process being killed (not a power cut).
        db.execute("PRAGMA synchronous=NORMAL")
        set_up(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StoreError(
            f"{path}: not a usable results store ({exc}): move it away, or choose another --out"
        ) from None
    except BaseException:
        db.close()
        raise
    return db


def _json(value: Any) -> str:
    return dumps(value, sort_keys=False, separators=(",", ":"))


class Database:
    """A store's open database, closed on leaving a ``with`` block."""

    _db: sqlite3.Connection

    def close(self) -> None:
        """Close the database (every run is already committed)."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Store(Database):
    """An experiment's SQLite store (a file, or ``":memory:"`` for nothing on disk).

    Args:
        path: the database file, or ``":memory:"``.
        design_hash: the hash of the experiment definition the runs belong to.
        definition: that definition as plain data (kept to explain a mismatch).
        resume: whether runs already stored may be kept and extended.

    Raises:
        StoreError: if the file holds runs and ``resume`` is false, or holds runs of another
            definition.
    """

    def __init__(
        self,
        path: str | Path,
        design_hash: str,
        definition: dict[str, Any] | None = None,
        resume: bool = False,
    ) -> None:
        self.path = str(path)
        self._db = open_store(
            self.path, lambda db: self._set_up(db, design_hash, definition, resume)
        )

    def _set_up(
        self, db: sqlite3.Connection, design_hash: str, definition: dict | None, resume: bool
    ) -> None:
        self._db = db
        db.executescript(_SCHEMA)
        self._claim(design_hash, definition or {}, resume)

    def _claim(self, design_hash: str, definition: dict[str, Any], resume: bool) -> None:
        stored = self.meta().get("design_hash")
        count = self.count()
        if count and not resume:
            raise StoreError(
                f"{self.path}: already holds {count} runs; pass --resume to continue that "
                "experiment, or choose another --out"
            )
        if count and stored != design_hash:
            raise StoreError(
                f"{self.path}: holds {count} runs of a different experiment definition "
                f"({describe_change(self.definition(), definition)}); --resume would mix two "
                "experiments: choose another --out, or delete the folder to start again"
            )
        with self._db:
            for key, value in (
                ("design_hash", design_hash),
                ("definition", _json(definition)),
                ("version", __version__),
            ):
                self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
            self._db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('created', ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"),),
            )

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        return dict(self._db.execute("SELECT key, value FROM meta"))

    def definition(self) -> dict[str, Any]:
        """The stored experiment definition."""
        raw = self.meta().get("definition")
        return json.loads(raw) if raw else {}

    def count(self) -> int:
        """Number of runs stored."""
        return int(self._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def keys(self) -> set[tuple[str, int, int]]:
        """``(variant, point, replication)`` of every stored run."""
        return {
            (v, int(p), int(r))
            for v, p, r in self._db.execute("SELECT variant, point, replication FROM runs")
        }

    def add(self, records: Iterable[RunRecord]) -> int:
        """Store finished runs in one transaction (committed on return); returns how many.

        A run already stored is left as it is (it was computed from the same definition, so it
        holds the same numbers).
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            (
                r.variant,
                r.point,
                r.replication,
                _json(r.params),
                r.seed,
                _json(r.kpis),
                r.seconds,
                now,
            )
            for r in records
        ]
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR IGNORE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
                )
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: cannot store runs: {exc} (the runs stored before are kept: free "
                "the space or fix the folder, then --resume)"
            ) from None
        return len(rows)

    def records(self) -> list[RunRecord]:
        """Every stored run (in no particular order)."""
        out = []
        for variant, point, rep, params, seed, kpis, seconds, _ in self._db.execute(
            "SELECT * FROM runs"
        ):
            out.append(
                RunRecord(
                    variant,
                    int(point),
                    int(rep),
                    int(seed),
                    json.loads(kpis),
                    json.loads(params),
                    seconds,
                )
            )
        return out


def describe_change(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Which parts of an experiment definition differ, in words."""
    names = {
        "scenario": "the base scenario",
        "variants": "the variants",
        "points": "the sweep points",
        "seed": "the seed",
        "version": "the simulator version",
    }
    changed = [text for key, text in names.items() if old.get(key) != new.get(key)]
    others = sorted(set(old) ^ set(new) - set(names))
    changed += others
    return "changed: " + ", ".join(changed) if changed else "a different design hash"
