"""Executing experiments: the same numbers serially, on a process pool and on Dask; a run killed
with SIGKILL resumes to exactly the results of an uninterrupted one.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from simulator import run_experiment
from simulator.cli import main
from simulator.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "scenarios" / "textbook"
POLICY = "warehouse.policies.item"


def design(**fields) -> dict:
    """Two variants x two sweep points of the textbook (r, Q) scenario, short runs."""
    data = {
        "name": "modes",
        "scenario": str(TEXTBOOK / "rq_poisson.yaml"),
        "horizon_days": 150,
        "warmup_days": 20,
        "variants": {
            "r6": {f"{POLICY}.reorder_point": 6},
            "r9": {f"{POLICY}.reorder_point": 9},
        },
        "sweep": {"grid": {f"{POLICY}.order_quantity": [4, 7]}},
        "replications": 5,
        "seed": 11,
        "kpis": ["fill_rate", "backorders_mean"],
    }
    data.update(fields)
    return data


def test_serial_pool_and_dask_write_identical_runs_csv(tmp_path):
    distributed = pytest.importorskip("distributed")
    serial = run_experiment(design(), workers=1, out=tmp_path / "serial")
    pool = run_experiment(design(), workers=2, out=tmp_path / "pool")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        dask = run_experiment(design(), dask=client, out=tmp_path / "dask")
    assert serial.executor["kind"] == "serial"
    assert pool.executor == {"kind": "pool", "workers": 2}
    assert dask.executor["kind"] == "dask" and dask.executor["workers"] == 2
    expected = (tmp_path / "serial" / "runs.csv").read_bytes()
    assert len(expected.splitlines()) == 1 + 2 * 2 * 5
    for mode in ("pool", "dask"):
        assert (tmp_path / mode / "runs.csv").read_bytes() == expected, mode
        for table in ("summary.csv", "comparison.csv"):
            assert (tmp_path / mode / table).read_bytes() == (
                tmp_path / "serial" / table
            ).read_bytes()


def _stored(db: Path) -> int:
    """Runs committed to a store another process is writing (0 before it exists)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


def test_sigkill_mid_experiment_then_resume_gives_every_run_once(tmp_path, capsys):
    # Palm's base-stock case over a long horizon: about 0.1 s a run, 48 runs in tasks of 6,
    # so the store fills over a few seconds and there is time to kill it half-way.
    exp = {
        "name": "killed",
        "scenario": str(TEXTBOOK / "base_stock_palm.yaml"),
        "horizon_days": 1500,
        "warmup_days": 50,
        "variants": {
            "s6": {f"{POLICY}.level": 6},
            "s8": {f"{POLICY}.level": 8},
        },
        "replications": 24,
        "seed": 5,
        "kpis": ["fill_rate", "on_hand_mean"],
    }
    path = tmp_path / "killed.yaml"
    path.write_text(yaml.safe_dump(exp))
    out, db, total = tmp_path / "out", tmp_path / "out" / "results.sqlite", 48
    command = [sys.executable, "-m", "simulator", "experiment", str(path), "--out", str(out)]
    proc = subprocess.Popen(
        [*command, "--workers", "2", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so its pool workers can be found
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 120
        while _stored(db) == 0:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no run was stored within 2 minutes"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # the real thing: no handler, no cleanup
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        try:  # the orphaned pool workers exit by themselves within a second; don't wait
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.stderr.close()
    partial = _stored(db)
    assert 0 < partial < total, partial
    assert not (out / "runs.csv").exists()  # the tables are written at the end only

    # the same command again picks up where the killed one stopped
    assert main(["experiment", str(path), "--out", str(out), "--workers", "2"]) == 0
    text = capsys.readouterr().out
    assert f"the same design as stored; {partial} runs re-used, {total - partial} to run" in text
    assert f"{total} runs ({total - partial} simulated, {partial} from the store)" in text

    with sqlite3.connect(db) as conn:
        keys = conn.execute("SELECT variant, point, replication FROM design_runs").fetchall()
        stored = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    assert len(keys) == total and len(set(keys)) == total == stored  # every run exactly once
    assert sorted(keys) == sorted((v, 0, r) for v in ("s6", "s8") for r in range(24))

    clean = run_experiment(path, workers=2, out=tmp_path / "clean")
    assert clean.executed == total
    assert (out / "runs.csv").read_bytes() == (tmp_path / "clean" / "runs.csv").read_bytes()
    assert (out / "comparison.csv").read_bytes() == (
        tmp_path / "clean" / "comparison.csv"
    ).read_bytes()


def test_pool_workers_exit_when_the_parent_dies(tmp_path):
    """A SIGKILLed parent cannot stop its workers; they notice and exit by themselves."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from simulator.experiment import PoolExecutor\n"
        "pool = PoolExecutor(2)\n"
        "futures = [pool._pool.submit(time.sleep, 0) for _ in range(2)]\n"
        "[f.result() for f in futures]\n"
        "print(' '.join(str(p) for p in pool._pool._processes), flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, cwd=ROOT, start_new_session=True
    )
    try:
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert len(workers) == 2
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.stdout.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by init) counts as gone
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return False


def test_ctrl_c_stops_the_workers_at_once_and_keeps_what_was_stored(tmp_path):
    # long enough (80 runs of 60,000 orders) that a fast machine cannot finish in the second
    # the test waits before pressing Ctrl-C
    exp = design(name="interrupted", horizon_days=30000, replications=20)
    path = tmp_path / "interrupted.yaml"
    path.write_text(yaml.safe_dump(exp))
    out = tmp_path / "out"
    command = ["experiment", str(path), "--out", str(out), "--max-events", "1e9"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=ROOT,
        # a terminal's Ctrl-C default, even when the tests run where SIGINT is ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "results.sqlite").exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1.0)  # the workers are simulating now
        start = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        assert proc.wait(timeout=30) == 130
        assert time.monotonic() - start < 10
        assert proc.stderr.read().decode().strip().splitlines()[-1] == "interrupted"
        time.sleep(0.5)
        with pytest.raises(ProcessLookupError):
            os.killpg(proc.pid, 0)  # no worker left behind
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.stderr.close()
    assert _stored(out / "results.sqlite") < 2 * 2 * 20


def test_dask_without_dask_installed_is_a_clear_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(design()))
    out = tmp_path / "res"
    assert main(["experiment", str(path), "--dask", "local", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"{path}: --dask: Dask is an optional extra and is not installed: "
        'pip install "supplysim[dask]"\n'
    )
    assert captured.out == "" and not out.exists()  # nothing run, nothing written
    with pytest.raises(ConfigError, match=re.escape('pip install "supplysim[dask]"')):
        run_experiment(design(), dask="local", write=False)


def test_full_disk_mid_experiment_is_exit_2_naming_the_store_and_keeps_stored_runs(
    tmp_path, capsys, monkeypatch
):
    """ENOSPC while storing: exit 2 with the store's path; the runs committed before stay."""
    import simulator.experiment.runner as runner
    from simulator.experiment.results_store import RunStore

    class FillingDisk(RunStore):
        """A store whose disk fills up after its first batch of runs."""

        batches = 0

        def add(self, runs):
            FillingDisk.batches += 1
            if FillingDisk.batches > 1:
                self._db.close()  # any write now fails, as on a full disk
            return super().add(runs)

    monkeypatch.setattr(runner, "RunStore", FillingDisk)
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(design()))
    out = tmp_path / "res"
    assert main(["experiment", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(out / "results.sqlite") in err and "Traceback" not in err
    assert "internal error" not in err
    assert _stored(out / "results.sqlite") == 1  # the first batch (one run per task, serial)


def test_full_disk_while_writing_a_run_folder_is_exit_2_naming_the_file(
    tmp_path, capsys, monkeypatch
):
    import errno

    import simulator.io

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(simulator.io.os, "fsync", full)
    out = tmp_path / "run"
    assert main(["run", str(TEXTBOOK / "rq_poisson.yaml"), "--days", "20", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'result.json'}: cannot write: No space left on device" in err
    assert not list(out.glob(".*.tmp"))  # no temporary file left behind
