"""``run --replications N``: each KPI's mean and interval over replications with common numbers."""

import csv
import json
from pathlib import Path

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
RQ = str(ROOT / "scenarios" / "textbook" / "rq_poisson.yaml")


def run_json(capsys, *args):
    assert main(["run", RQ, "--days", "200", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_gives_mean_and_interval_per_kpi(capsys):
    out = run_json(capsys, "--replications", "4")
    fill = out["fill_rate"]
    assert set(fill) == {"mean", "half_width", "low", "high", "n"}
    assert fill["n"] == 4
    assert fill["low"] < fill["mean"] < fill["high"]
    assert abs(fill["high"] - fill["low"] - 2 * fill["half_width"]) < 1e-12
    text = json.dumps(out, allow_nan=False)  # strict JSON
    assert "NaN" not in text


def test_intervals_shrink_with_replications(capsys):
    few = run_json(capsys, "--replications", "3")
    many = run_json(capsys, "--replications", "12")
    for kpi in ("fill_rate", "on_hand_mean", "cost_total"):
        assert many[kpi]["half_width"] < few[kpi]["half_width"], kpi


def test_replication_r_is_run_replication_r(capsys, tmp_path):
    assert main(["run", RQ, "--days", "200", "--replications", "3", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    with open(tmp_path / "replications.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["replication"] for row in rows] == ["0", "1", "2"]
    for r in (0, 2):
        single = run_json(capsys, "--replication", str(r))
        assert float(rows[r]["on_hand_mean"]) == single["kpis"]["on_hand_mean"]
        assert float(rows[r]["fill_rate"]) == single["kpis"]["fill_rate"]
    intervals = json.loads((tmp_path / "intervals.json").read_text())
    mean = sum(float(row["fill_rate"]) for row in rows) / 3
    assert abs(intervals["fill_rate"]["mean"] - mean) < 1e-12
    assert (tmp_path / "scenario.yaml").is_file()
    provenance = json.loads((tmp_path / "provenance.json").read_text())
    assert provenance["replications"] == 3


def test_table_shows_mean_plus_minus(capsys):
    assert main(["run", RQ, "--days", "100", "--replications", "3"]) == 0
    out = capsys.readouterr().out
    assert "over 3 replications" in out
    line = next(x for x in out.splitlines() if x.startswith("fill_rate"))
    assert "±" in line and "%" in line


def test_too_few_replications_is_a_usage_error(capsys):
    assert main(["run", RQ, "--replications", "1"]) == 2
    assert "--replications: must be 2 to" in capsys.readouterr().err
