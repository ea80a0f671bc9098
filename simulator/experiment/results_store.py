"""An experiment's results store: SQLite, one row per run, keyed by what the run is.

Every run is stored under ``(scenario, seed, replication)``: the scenario key of the fully
resolved scenario it simulated (:func:`simulator.experiment.identity.scenario_key`), its root
seed and its replication index. Those three determine its numbers, so a stored run is re-used by
any design that asks for the same run: the same command again, a design with one sweep value
edited, a variant added, more replications. Runs a design no longer asks for stay stored (going
back re-uses them) but are never reported: the ``design`` table lists the runs of the design
last run here, and every result is read through it.

The parent process writes every run as soon as a worker hands it back, in its own transaction,
so a crash (even ``kill -9``) loses at most the runs still being computed; SQLite's write-ahead
log lets a reader look at the runs while the experiment goes on. The store does not lock its
folder: :func:`simulator.outputs.claim` does, for the whole command.

Tables (schema 2)::

    meta(key, value)   schema, version, created, design (what the design was, to say what
                       changed), design_hash
    runs(scenario, seed, replication, kpis, seconds, finished)
                       one row per run ever made here; kpis is a JSON object
    design(variant, point, replication, params, scenario, seed)
                       the runs of the design last run here, by where they sit in it
    design_runs        a view: design joined with runs (variant, point, replication, params,
                       seed, kpis, seconds)
    kpi_values         a view: one row per run of the design and KPI (variant, point,
                       replication, seed, kpi, value)

A store of schema 1 (one experiment definition per store, runs keyed by variant, point and
replication) is migrated when it holds runs of this very definition, and refused otherwise
(its runs cannot be matched to runs of another design).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator.experiment.design import Design
from simulator.experiment.identity import RunKey
from simulator.io import dumps
from simulator.store import Database, RunRecord, StoreError, open_store
from simulator.version import __version__

SCHEMA = 2

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    scenario TEXT NOT NULL,
    seed INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    kpis TEXT NOT NULL,
    seconds REAL,
    finished TEXT NOT NULL,
    PRIMARY KEY (scenario, seed, replication)
);
CREATE TABLE IF NOT EXISTS design (
    variant TEXT NOT NULL,
    point INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    params TEXT NOT NULL,
    scenario TEXT NOT NULL,
    seed INTEGER NOT NULL,
    PRIMARY KEY (variant, point, replication)
);
CREATE VIEW IF NOT EXISTS design_runs AS
    SELECT design.variant, design.point, design.replication, design.params, design.seed,
           runs.kpis, runs.seconds
    FROM design JOIN runs USING (scenario, seed, replication);
CREATE VIEW IF NOT EXISTS kpi_values AS
    SELECT design_runs.variant, design_runs.point, design_runs.replication, design_runs.seed,
           j.key AS kpi, j.value AS value
    FROM design_runs, json_each(design_runs.kpis) AS j;
"""

#: A stored run: its KPIs and the seconds it took.
Stored = tuple[dict[str, Any], float | None]


def _json(value: Any) -> str:
    return dumps(value, sort_keys=False, separators=(",", ":"))


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def schema_of(db: sqlite3.Connection) -> int | None:
    """The schema of an open store: 1, 2, or ``None`` when it holds no runs table yet."""
    columns = _columns(db, "runs")
    if not columns:
        return None
    return 2 if "scenario" in columns else 1


def lookup(db: sqlite3.Connection, keys: Iterable[RunKey]) -> dict[RunKey, Stored]:
    """The runs among ``keys`` a schema 2 store holds: KPIs and seconds by run key."""
    wanted = set(keys)
    out: dict[RunKey, Stored] = {}
    for scenario in {k[0] for k in wanted}:
        rows = db.execute(
            "SELECT seed, replication, kpis, seconds FROM runs WHERE scenario = ?", (scenario,)
        )
        for seed, rep, kpis, seconds in rows:
            key = (scenario, int(seed), int(rep))
            if key in wanted:
                out[key] = (json.loads(kpis), seconds)
    return out


def stored_design(db: sqlite3.Connection) -> dict[str, Any] | None:
    """What the design last run in a schema 2 store was (``None`` for a new store)."""
    raw = dict(db.execute("SELECT key, value FROM meta")).get("design")
    return json.loads(raw) if raw else None


def stored_records(
    design: Design, get: Callable[[Iterable[RunKey]], Mapping[RunKey, Stored]], n: int
) -> list[RunRecord]:
    """The stored runs of the first ``n`` replications of the design, where they sit in it.

    ``get`` looks run keys up in a store (:meth:`RunStore.get`, or :func:`lookup` on a
    read-only connection).
    """
    keys = design.keys(n)
    found = get(design.run_key(*k) for k in keys)
    out = []
    for v, p, r in keys:
        key = design.run_key(v, p, r)
        if key in found:
            kpis, seconds = found[key]
            out.append(RunRecord(v, p, r, key[1], kpis, dict(design.points[p]), seconds))
    return out


class RunStore(Database):
    """An experiment's run store (a file, or ``":memory:"`` for nothing on disk).

    Args:
        path: the database file, or ``":memory:"``.
        legacy: how to migrate a schema 1 store: the design hash it must hold, and the run key
            of ``(variant, point, replication)`` in that design (``None`` outside it).

    Raises:
        StoreError: the file is not a results store, cannot be written, or is a schema 1 store
            of another design.
    """

    def __init__(
        self, path: str | Path, legacy: tuple[str, Callable[[str, int, int], RunKey | None]]
    ) -> None:
        self.path = str(path)
        self._db = open_store(self.path, lambda db: self._set_up(db, legacy))

    def _set_up(
        self,
        db: sqlite3.Connection,
        legacy: tuple[str, Callable[[str, int, int], RunKey | None]],
    ) -> None:
        self._db = db
        if schema_of(db) == 1:
            self._migrate(*legacy)
        db.executescript(_TABLES)
        with db:
            for key, value in (("schema", str(SCHEMA)), ("version", __version__)):
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
            db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('created', ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"),),
            )

    def _migrate(self, design_hash: str, key: Callable[[str, int, int], RunKey | None]) -> None:
        """A schema 1 store of this very design rewritten as schema 2; any other one refused."""
        meta = dict(self._db.execute("SELECT key, value FROM meta"))
        rows = self._db.execute(
            "SELECT variant, point, replication, kpis, seconds, finished FROM runs"
        ).fetchall()
        if rows and meta.get("design_hash") != design_hash:
            raise StoreError(
                f"{self.path}: a results store of an earlier supplysim ({meta.get('version')}) "
                f"holding {len(rows)} runs of another design; its runs cannot be matched to "
                "this one: choose another --out, or move the folder away to start again (its "
                "CSV tables and report stay readable)"
            )
        self._db.execute("BEGIN")  # one transaction: the old store, or the new one, whole
        try:
            self._db.execute("ALTER TABLE runs RENAME TO runs_v1")
            self._db.execute("DROP VIEW IF EXISTS kpi_values")
            for statement in _TABLES.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            keyed = [(key(v, int(p), int(r)), *rest) for v, p, r, *rest in rows]
            self._db.executemany(
                "INSERT OR IGNORE INTO runs VALUES (?, ?, ?, ?, ?, ?)",
                [(*k, kpis, seconds, done) for k, kpis, seconds, done in keyed if k is not None],
            )
            self._db.execute("DROP TABLE runs_v1")
            self._db.execute("DELETE FROM meta WHERE key = 'definition'")
            self._db.commit()
        except BaseException:
            self._db.rollback()
            raise

    def count(self) -> int:
        """Runs stored (for any design)."""
        return int(self._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def stored_design(self) -> dict[str, Any] | None:
        """What the design last run here was (``None`` for a new store)."""
        return stored_design(self._db)

    def get(self, keys: Iterable[RunKey]) -> dict[RunKey, Stored]:
        """The stored runs among ``keys``: KPIs and seconds by run key."""
        return lookup(self._db, keys)

    def add(self, runs: Iterable[tuple[RunKey, dict[str, Any], float | None]]) -> int:
        """Store finished runs in one transaction (committed on return); returns how many.

        A run stored already keeps its KPIs and gains any new one (a design may extract more
        per-product or per-supplier KPIs from the same run: the numbers are the same).
        """
        runs = list(runs)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            old = self.get(key for key, _, _ in runs)
            rows = [
                (*key, _json({**old.get(key, ({}, None))[0], **kpis}), seconds, now)
                for key, kpis, seconds in runs
            ]
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: cannot store runs: {exc} (the runs stored before are kept: free "
                "the space or fix the folder, then run the same command again)"
            ) from None
        return len(rows)

    def set_design(
        self,
        description: Mapping[str, Any],
        design_hash: str,
        rows: Iterable[tuple[str, int, int, dict[str, Any], RunKey]],
    ) -> None:
        """Record the design now run here: its description and where each of its runs sits."""
        try:
            with self._db:
                self._db.execute("DELETE FROM design")
                self._db.executemany(
                    "INSERT INTO design VALUES (?, ?, ?, ?, ?, ?)",
                    [(v, p, r, _json(params), key[0], key[1]) for v, p, r, params, key in rows],
                )
                for name, value in (("design", _json(description)), ("design_hash", design_hash)):
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot store the design: {exc}") from None
