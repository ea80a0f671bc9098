"""The command line: outputs, files written, exit codes, reproducibility."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from simulator import load_scenario
from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
RQ = str(ROOT / "scenarios" / "textbook" / "rq_poisson.yaml")
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
SPEC_KPIS = [
    "orders",
    "units_demanded",
    "fill_rate",
    "order_fill_rate",
    "on_time_rate",
    "otif_rate",
    "perfect_order_rate",
    "order_cycle_days_mean",
    "order_cycle_days_p95",
    "backorders_mean",
    "on_hand_mean",
    "lost_sales_units",
    "inventory_turns",
    "cost_holding",
    "cost_ordering",
    "cost_purchase",
    "cost_transport",
    "cost_returns",
    "cost_total",
    "revenue",
    "profit",
    "satisfaction_mean",
    "nps",
    "retention_rate",
    "new_customers",
    "churned_customers",
    "active_customers_end",
    "complaints",
    "service_desk_wait_hours_mean",
    "returns_units",
    "defective_delivery_rate",
    "wrong_item_rate",
    "supplier_on_time_rate",
    "bullwhip_ratio",
    "co2_kg",
]


def run_json(capsys, *args):
    assert main(["run", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_run_prints_a_readable_table(capsys):
    assert main(["run", BASELINE, "--days", "60"]) == 0
    out = capsys.readouterr().out
    for text in (
        "Scenario 'baseline'",
        "fill_rate",
        "cost_total",
        "acme",
        "widget",
        "simulated in",
    ):
        assert text in out
    assert "Customers" not in out  # a group with nothing measured is not shown


def test_json_document_has_the_contract_keys(capsys):
    doc = run_json(capsys, BASELINE, "--days", "60")
    for key in (
        "scenario",
        "seed",
        "horizon_days",
        "warmup_days",
        "kpis",
        "by_product",
        "suppliers",
        "churn_reasons",
    ):
        assert key in doc
    assert set(SPEC_KPIS) <= set(doc["kpis"])
    assert doc["horizon_days"] == 60
    assert doc["kpis"]["nps"] is None  # does not apply without customer behaviour
    assert set(doc["by_product"]) == {"widget", "gadget"}
    assert {"on_time_rate", "dppm"} <= set(doc["suppliers"]["acme"])


def test_same_seed_same_numbers_other_seed_other_numbers(capsys):
    a = run_json(capsys, RQ, "--days", "200")
    b = run_json(capsys, RQ, "--days", "200")
    c = run_json(capsys, RQ, "--days", "200", "--seed", "2")
    assert a == b
    assert c["seed"] == 2 and c["kpis"] != a["kpis"]


def test_set_changes_the_scenario(capsys):
    low = run_json(capsys, RQ, "--days", "500", "--set", "warehouse.policies.item.reorder_point=2")
    high = run_json(
        capsys, RQ, "--days", "500", "--set", "warehouse.policies.item.reorder_point=14"
    )
    assert low["kpis"]["fill_rate"] < high["kpis"]["fill_rate"]
    assert low["kpis"]["orders"] == high["kpis"]["orders"]  # same demand: common random numbers


def test_out_writes_a_complete_folder(tmp_path, capsys):
    out = tmp_path / "run1"
    assert main(["run", BASELINE, "--days", "30", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert {p.name for p in out.iterdir()} == {
        "result.json",
        "scenario.yaml",
        "trace.csv",
        "provenance.json",
        "report.html",
        "figures",
    }
    doc = json.loads((out / "result.json").read_text())
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["version"] == doc["version"] and prov["seed"] == 1
    assert prov["command"] == ["supplysim", "run", BASELINE, "--days", "30", "--out", str(out)]
    resolved = load_scenario(out / "scenario.yaml")  # the resolved scenario is itself valid
    assert resolved.horizon_days == 30
    with open(out / "trace.csv") as fh:
        rows = list(csv.DictReader(fh))
    events = {r["event"] for r in rows}
    assert {"order_placed", "delivered", "po_placed", "po_received"} <= events
    placed = sum(1 for r in rows if r["event"] == "order_placed")
    assert placed >= doc["kpis"]["orders"]  # the trace also covers the warm-up
    assert not list(out.glob(".*.tmp"))  # no temporary files left behind


def test_rerunning_the_resolved_scenario_reproduces_the_result(tmp_path, capsys):
    out = tmp_path / "r"
    main(
        [
            "run",
            RQ,
            "--days",
            "100",
            "--seed",
            "9",
            "--set",
            "warehouse.policies.item.reorder_point=6",
            "--out",
            str(out),
        ]
    )
    capsys.readouterr()
    first = json.loads((out / "result.json").read_text())
    again = run_json(capsys, str(out / "scenario.yaml"))
    assert again["kpis"] == first["kpis"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "nope.yaml"], "nope.yaml: (file): no such file"),
        (["run", RQ, "--days", "0"], "--days: must be > 0"),
        (["run", RQ, "--seed", "-4"], "--seed: must be >= 0"),
        (
            ["run", RQ, "--set", "warehouse.policies.item.order_quantity=0"],
            "warehouse.policies.item.order_quantity: input should be greater than or equal to 1",
        ),
        (["run", RQ, "--set", "suppliers.nobody.order_cost=3"], "no item with id 'nobody'"),
        (["run"], "the following arguments are required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_user_mistakes_exit_2_without_traceback(capsys, args, needle):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_internal_error_exits_1_with_a_short_message(capsys, monkeypatch):
    import simulator.runs

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(simulator.runs, "Model", boom)
    assert main(["run", RQ]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "kaboom" in err and "Traceback" not in err


def test_module_entry_point_and_version():
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("supplysim ")


def test_console_script_validate(tmp_path):
    bad = tmp_path / "bad.yaml"
    data = yaml.safe_load(Path(RQ).read_text())
    data["horizon_days"] = -5
    bad.write_text(yaml.safe_dump(data))
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "validate", RQ, str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert f"{RQ}: valid" in done.stdout
    assert done.stderr.strip() == f"{bad}: horizon_days: input should be greater than 0"


@pytest.mark.parametrize(
    "path", sorted(str(p) for p in (ROOT / "scenarios").rglob("*.yaml")), ids=lambda p: Path(p).stem
)
def test_every_example_scenario_runs_and_prints_its_table(path, capsys):
    assert main(["run", path, "--days", "15"]) == 0
    out = capsys.readouterr().out
    assert "fill_rate" in out and "simulated in" in out


def test_debug_flag_works_after_the_subcommand(capsys):
    assert main(["run", "nothere.yaml", "--debug"]) == 2
    assert "no such file" in capsys.readouterr().err
