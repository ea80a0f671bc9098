"""Hostile and extreme inputs: each is refused at the door with exit 2 and its field path, or runs
within bounds; never a traceback, an "internal error", a hang or unbounded memory.

Every case here was reproduced against the first version (issue 10) before it was fixed. Cases
that could hang or exhaust memory run the CLI in a child process with a time limit and an address
space cap, so a regression fails the test instead of taking the machine down.
"""

from __future__ import annotations

import json
import math
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
RQ = ROOT / "scenarios" / "textbook" / "rq_poisson.yaml"
VMI = ROOT / "scenarios" / "vmi.yaml"
CUSTOMERS = ROOT / "scenarios" / "customer_service.yaml"
SERVICE_LEVELS = ROOT / "experiments" / "service_levels.yaml"

#: Wall-clock bound of one refused command (the door, not the simulation).
DOOR_SECONDS = 30
#: Address-space cap of a child process (bytes): a run that tries to allocate past it fails.
MEMORY_CAP = 3 * 1024**3


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli(*args: str, timeout: float = DOOR_SECONDS, cwd: Path | None = None):
    """Run ``supplysim ARGS`` in a child process; (exit code, stdout, stderr, seconds)."""
    start = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_cap_memory,
        cwd=cwd or ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


def assert_refused(result, *needles: str) -> None:
    """Exit 2, no traceback, no internal error, and every needle named in the message."""
    code, out, err, _ = result
    text = out + err
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    assert code == 2, (code, text)
    for needle in needles:
        assert needle in text, (needle, text)


def assert_clean(result) -> None:
    """Exit 0 and nothing on stderr but what the tool itself says (no warnings)."""
    code, out, err, _ = result
    assert code == 0, (code, out, err)
    assert "Warning" not in err, err
    assert "Traceback" not in err, err


def mutated(tmp_path: Path, source: Path, name: str, change) -> Path:
    """A copy of ``source`` with ``change(data)`` applied, written next to the test."""
    data = yaml.safe_load(source.read_text())
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def strict_json(text: str):
    """Parse JSON refusing NaN and Infinity, as strict readers do."""

    def refuse(token: str):
        raise ValueError(f"not strict JSON: {token}")

    return json.loads(text, parse_constant=refuse)


# --- numbers at the door ------------------------------------------------------------------------


def _set(*path):
    def change(data):
        node = data
        for key in path[:-2]:
            node = node[key]
        node[path[-2]] = path[-1]

    return change


NUMBER_CASES = [
    ("horizon_inf", RQ, ("horizon_days", math.inf), "horizon_days"),
    ("horizon_huge", RQ, ("horizon_days", 1e308), "horizon_days"),
    ("warmup_inf", RQ, ("warmup_days", math.inf), "warmup_days"),
    ("lead_time_inf", RQ, ("suppliers", 0, "lead_time_days", math.inf), "lead_time_days"),
    ("lead_time_huge", RQ, ("suppliers", 0, "lead_time_days", 1e308), "lead_time_days"),
    (
        "reorder_point_huge",
        RQ,
        ("warehouse", "policies", "item", "reorder_point", 1e308),
        "reorder_point",
    ),
    ("order_cost_inf", RQ, ("suppliers", 0, "order_cost", math.inf), "order_cost"),
    (
        "vmi_days_huge",
        VMI,
        ("warehouse", "policies", "widget", "max_days_of_supply", 1e308),
        "max_days_of_supply",
    ),
    (
        "order_rate_overflow",
        RQ,
        ("customers", "segments", 0, "orders_per_customer_per_day", 1e300),
        "orders_per_customer_per_day",
    ),
    ("horizon_tiny", RQ, ("horizon_days", 1e-300), "horizon_days"),
]


@pytest.mark.parametrize("name,source,change,field", NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_extreme_numbers_refused_at_the_door(tmp_path, command, name, source, change, field):
    path = mutated(tmp_path, source, f"{name}.yaml", _set(*change))
    result = cli(command, str(path))
    assert_refused(result, str(path), field)


def test_word_of_mouth_rate_too_large_refused(tmp_path):
    def change(data):
        seg = data["customers"]["segments"][0]
        seg["behaviour"]["acquisition"]["per_promoter"] = 1e300

    path = mutated(tmp_path, CUSTOMERS, "wom.yaml", change)
    assert_refused(cli("run", str(path), "--days", "30"), "per_promoter")


def test_empirical_weights_that_overflow_are_refused(tmp_path):
    change = _set(
        "suppliers",
        0,
        "lead_time_days",
        {"dist": "empirical", "values": [1, 2], "weights": [1e308, 1e308]},
    )
    path = mutated(tmp_path, RQ, "weights.yaml", change)
    assert_refused(cli("validate", str(path)), "lead_time_days")


def test_exponent_without_a_dot_is_a_number(tmp_path):
    """YAML 1.1 reads ``1e0`` as text; users mean the number, as ``6e1`` already was."""
    text = RQ.read_text().replace("lead_time_days: 4", "lead_time_days: 4e0")
    assert "4e0" in text
    path = tmp_path / "exp.yaml"
    path.write_text(text)
    code, out, err, _ = cli("run", str(path), "--days", "100", "--json")
    assert code == 0, err
    plain = cli("run", str(RQ), "--days", "100", "--json")[1]
    assert strict_json(out)["kpis"] == strict_json(plain)["kpis"]


def test_negative_replication_refused():
    assert_refused(cli("run", str(RQ), "--replication", "-1"), "--replication")


# --- work and memory limits ---------------------------------------------------------------------


def test_billion_customers_with_behaviour_refused(tmp_path):
    def change(data):
        data["customers"]["segments"][0]["count"] = 10**9

    path = mutated(tmp_path, CUSTOMERS, "crowd.yaml", change)
    result = cli("run", str(path))
    assert_refused(result, "count")


def test_billion_customers_without_behaviour_refused_by_work_estimate(tmp_path):
    path = mutated(tmp_path, RQ, "crowd.yaml", _set("customers", "segments", 0, "count", 10**9))
    result = cli("run", str(path))
    assert_refused(result, "orders")
    assert result[3] < DOOR_SECONDS


def test_billion_day_horizon_refused_by_work_estimate(tmp_path):
    path = mutated(tmp_path, RQ, "long.yaml", _set("horizon_days", 1e9))
    assert_refused(cli("run", str(path)), "orders")


def test_review_period_that_stops_time_refused(tmp_path):
    change = _set("warehouse", "policies", "item", "review_days", 1e-300)
    path = mutated(tmp_path, RQ, "review.yaml", change)
    assert_refused(cli("run", str(path)), "review_days")


def test_replications_flag_respects_the_cap():
    result = cli("experiment", str(SERVICE_LEVELS), "--replications", "10000000", "--out", "/tmp/x")
    assert_refused(result, "replications")


def test_validate_huge_grid_refused(tmp_path):
    exp = {
        "name": "grid",
        "scenario": str(RQ),
        "sweep": {
            "grid": {
                "warehouse.policies.item.reorder_point": list(range(1000)),
                "warehouse.policies.item.order_quantity": list(range(1, 1001)),
                "suppliers.vendor.lead_time_days": list(range(1, 1001)),
            }
        },
        "replications": 2,
        "kpis": ["fill_rate"],
    }
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(exp))
    result = cli("validate", str(path))
    assert_refused(result, "sweep")


def test_validate_endless_file_refused():
    result = cli("validate", "/dev/zero")
    assert_refused(result, "/dev/zero")


def test_fifo_as_scenario_refused(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert_refused(cli("run", str(fifo)), str(fifo))


def test_large_yaml_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("w") as f:
        f.write(RQ.read_text())
        f.write("padding:\n")
        line = "  - " + "x" * 100 + "\n"
        for _ in range(500_000):
            f.write(line)
    result = cli("validate", str(path))
    assert_refused(result, str(path))
    assert result[3] < 15


BOMB = "[&a [1,1,1,1,1,1,1,1,1], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b],"
BOMB += " &d [*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d],"
BOMB += " &f [*e,*e,*e,*e,*e,*e,*e,*e,*e], &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]]"


def test_alias_bomb_in_set_value_refused():
    result = cli("run", str(RQ), "--set", f"description={BOMB}")
    assert_refused(result, "description")


def test_alias_bomb_in_results_scenario_refused(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(RQ), "--days", "20", "--out", str(out)]) == 0
    (out / "scenario.yaml").write_text(f"bomb: {BOMB}\n")
    assert_refused(cli("report", str(out)), "scenario.yaml")


# --- output paths -------------------------------------------------------------------------------


def test_out_naming_an_existing_file_refused_before_simulating(tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("mine\n")
    result = cli("run", str(RQ), "--out", str(target))
    assert_refused(result, str(target))
    assert target.read_text() == "mine\n"


def test_out_under_a_file_refused(tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("mine\n")
    assert_refused(cli("run", str(RQ), "--out", str(target / "sub")), str(target))


def test_out_under_proc_refused():
    assert_refused(cli("run", str(RQ), "--out", "/proc/supplysim-x"), "/proc/supplysim-x")


def test_experiment_out_naming_a_file_refused(tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("mine\n")
    assert_refused(cli("experiment", str(SERVICE_LEVELS), "--out", str(target)), str(target))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_out_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    assert_refused(cli("run", str(RQ), "--out", str(folder / "x")), str(folder))


def _small_experiment(tmp_path: Path, seed: int = 1, replications: int = 3) -> Path:
    exp = yaml.safe_load(SERVICE_LEVELS.read_text())
    exp["scenario"] = str(ROOT / "scenarios" / "baseline.yaml")
    exp["horizon_days"] = 30
    exp["replications"] = replications
    exp["seed"] = seed
    path = tmp_path / f"exp-{seed}.yaml"
    path.write_text(yaml.safe_dump(exp, sort_keys=False))
    return path


def test_corrupt_store_refused_with_its_path(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "results.sqlite").write_bytes(b"this is not a database" * 100)
    result = cli("experiment", str(_small_experiment(tmp_path)), "--out", str(out), "--resume")
    assert_refused(result, "results.sqlite")


def test_corrupt_optimisation_store_refused_with_its_path(tmp_path):
    out = tmp_path / "opt"
    out.mkdir()
    (out / "optuna.sqlite").write_bytes(b"this is not a database" * 100)
    optimisation = ROOT / "experiments" / "optimize_reorder_points.yaml"
    result = cli("optimize", str(optimisation), "--out", str(out), "--resume", "--quiet")
    assert_refused(result, "optuna.sqlite")


def test_store_that_is_a_directory_refused(tmp_path):
    out = tmp_path / "res"
    (out / "results.sqlite").mkdir(parents=True)
    result = cli("experiment", str(_small_experiment(tmp_path)), "--out", str(out), "--resume")
    assert_refused(result, "results.sqlite")


def test_figures_symlink_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "fig-old.png").write_bytes(b"keep me")
    out = tmp_path / "run"
    out.mkdir()
    (out / "figures").symlink_to(elsewhere)
    code, _, err, _ = cli("run", str(RQ), "--days", "20", "--out", str(out))
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert (elsewhere / "fig-old.png").read_bytes() == b"keep me"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["fig-old.png"]


def test_two_experiments_on_one_store_never_mix(tmp_path):
    """Started together on one --out: one runs, the other is refused; no store holds two."""
    out = tmp_path / "shared"
    first = _small_experiment(tmp_path, seed=1, replications=6)
    second = _small_experiment(tmp_path, seed=2, replications=6)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator",
                "experiment",
                str(f),
                "--out",
                str(out),
                "--workers",
                "1",
                "--quiet",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
        )
        for f in (first, second)
    ]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    codes = sorted(r[2] for r in results)
    assert codes == [0, 2], results
    refused = next(r for r in results if r[2] == 2)
    assert "Traceback" not in refused[1]
    assert str(out) in refused[1] or "results.sqlite" in refused[1]
    import sqlite3

    with sqlite3.connect(out / "results.sqlite") as db:
        seeds = {row[0] for row in db.execute("SELECT DISTINCT seed FROM runs")}
    assert len(seeds) == 1


# --- executors ----------------------------------------------------------------------------------


def _silent_server():
    """A TCP server that accepts and never speaks (not a Dask scheduler)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    conns = []

    def serve():
        server.settimeout(60)
        try:
            while True:
                conn, _ = server.accept()
                conns.append(conn)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    return server, conns


def test_dask_address_that_is_not_a_scheduler(tmp_path):
    server, _ = _silent_server()
    port = server.getsockname()[1]
    try:
        result = cli(
            "experiment",
            str(_small_experiment(tmp_path)),
            "--out",
            str(tmp_path / "o"),
            "--dask",
            f"tcp://127.0.0.1:{port}",
            timeout=60,
        )
    finally:
        server.close()
    assert_refused(result, f"127.0.0.1:{port}")
    assert result[3] < 40


def test_dask_refused_port(tmp_path):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    result = cli(
        "experiment",
        str(_small_experiment(tmp_path)),
        "--out",
        str(tmp_path / "o"),
        "--dask",
        f"tcp://127.0.0.1:{port}",
        timeout=60,
    )
    assert_refused(result, f"127.0.0.1:{port}")
    assert result[3] < 40


def test_workers_capped_by_runs(tmp_path):
    out = tmp_path / "o"
    code, _, err, _ = cli(
        "experiment",
        str(_small_experiment(tmp_path, replications=2)),
        "--out",
        str(out),
        "--workers",
        "1000",
        "--quiet",
        timeout=300,
    )
    assert code == 0, err
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["executor"]["workers"] <= 6


# --- output is strict and quiet -----------------------------------------------------------------


def test_run_json_is_strict_with_huge_money(tmp_path):
    path = mutated(tmp_path, RQ, "rich.yaml", _set("products", 0, "price", 1e300))
    code, out, err, _ = cli("run", str(path), "--days", "50", "--json")
    if code == 2:
        assert_refused((code, out, err, 0), "price")
    else:
        assert code == 0, err
        strict_json(out)
        assert "Warning" not in err


def test_tex_like_sweep_value_still_writes_the_report(tmp_path):
    exp = yaml.safe_load(SERVICE_LEVELS.read_text())
    exp["scenario"] = str(ROOT / "scenarios" / "baseline.yaml")
    exp["horizon_days"] = 20
    exp["replications"] = 2
    exp["variants"] = {"only": {}}
    exp["baseline"] = "only"
    exp["sweep"] = {"grid": {"description": ["$\\frac{1}{$", "plain"]}}
    path = tmp_path / "tex.yaml"
    path.write_text(yaml.safe_dump(exp))
    out = tmp_path / "o"
    result = cli("experiment", str(path), "--out", str(out), "--quiet", timeout=300)
    assert_clean(result)
    assert (out / "report.html").exists()
