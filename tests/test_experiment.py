"""Experiments: the file and its validation, design expansion, statistics, store, CLI and API.

Execution modes (serial, pool, Dask), the SIGKILL-and-resume test and the statistical tests
(coverage, paired vs unpaired) are in test_experiment_execution.py and
test_experiment_statistics.py.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats as st

from simulator import ExperimentResults, run_experiment
from simulator.cli import main
from simulator.config import ConfigError
from simulator.experiment import latin_hypercube, load_design, verdict
from simulator.stats import (
    paired_difference,
    precise_enough,
    t_interval,
    welch_difference,
)

ROOT = Path(__file__).resolve().parents[1]
RQ = ROOT / "scenarios" / "textbook" / "rq_poisson.yaml"
POLICY = "warehouse.policies.item"


def tiny(**fields) -> dict:
    """A fast experiment on the textbook (r, Q) scenario: two reorder points, short runs."""
    data = {
        "name": "tiny",
        "scenario": str(RQ),
        "horizon_days": 60,
        "warmup_days": 10,
        "variants": {
            "r8": {f"{POLICY}.reorder_point": 8, f"{POLICY}.order_quantity": 5},
            "r10": {f"{POLICY}.reorder_point": 10, f"{POLICY}.order_quantity": 5},
        },
        "baseline": "r8",
        "replications": 4,
        "seed": 7,
        "kpis": ["fill_rate", "backorders_mean", "on_hand_mean"],
    }
    data.update(fields)
    return data


def write(folder: Path, data: dict, name: str = "exp.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


# --- the experiment file: every mistake named by its field path ---------------------------------

MISTAKES = [
    (
        "unknown variant path key",
        {"variants": {"r8": {}, "r10": {f"{POLICY}.reorder_pont": 10}}},
        "variants.r10.warehouse.policies.item.reorder_pont: unknown key",
    ),
    (
        "baseline not among variants",
        {"baseline": "r9"},
        "baseline: 'r9' is not a variant (variants: r8, r10)",
    ),
    (
        "unknown KPI",
        {"kpis": ["fill_rate", "fill_rte"]},
        "kpis.1: unknown KPI 'fill_rte' (did you mean 'fill_rate'?)",
    ),
    (
        "bad sweep range",
        {
            "sweep": {
                "latin_hypercube": {"samples": 4, "ranges": {f"{POLICY}.reorder_point": [9, 3]}}
            }
        },
        "sweep.latin_hypercube.ranges.warehouse.policies.item.reorder_point: "
        "low (9) must be below high (3)",
    ),
    (
        "missing scenario file",
        {"scenario": "no/such/scenario.yaml"},
        "scenario: no such file: no/such/scenario.yaml",
    ),
    (
        "unknown entity id in a variant path",
        {"variants": {"r8": {}, "r10": {"suppliers.nobody.lead_time_days": 3}}},
        "variants.r10.suppliers.nobody.lead_time_days: suppliers has no item with id 'nobody' "
        "(ids: vendor; indexes 0 to 0)",
    ),
    (
        "a value the scenario refuses, set by a variant",
        {"variants": {"r8": {}, "r10": {"suppliers.vendor.lead_time_days": -2}}},
        "variants.r10.suppliers.vendor.lead_time_days: input should be greater than or equal to 0",
    ),
    (
        "a value the scenario refuses, set by a sweep point",
        {"sweep": {"grid": {f"{POLICY}.order_quantity": [5, 0]}}},
        "sweep.grid.warehouse.policies.item.order_quantity.1: "
        "input should be greater than or equal to 1",
    ),
    (
        "unknown top-level key",
        {"replication": 5},
        "replication: unknown key",
    ),
    (
        "unknown KPI in the sequential rule",
        {"sequential": {"kpis": ["cost_total"], "relative_half_width": 0.1, "max_replications": 8}},
        "sequential.kpis.0: 'cost_total' is not among kpis",
    ),
    (
        "too few replications",
        {"replications": 1},
        "replications: input should be greater than or equal to 2",
    ),
    (
        "neither or both kinds of sweep",
        {"sweep": {}},
        "sweep: give exactly one of grid and latin_hypercube",
    ),
]


@pytest.mark.parametrize("case, change, line", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_invalid_experiment_files_name_the_field(tmp_path, capsys, case, change, line):
    path = write(tmp_path, tiny(**change))
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"{path}: {line}"]
    assert main(["experiment", str(path), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"{path}: {line}"]
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_a_problem_of_the_base_scenario_names_the_scenario_file(tmp_path, capsys):
    scenario = yaml.safe_load(RQ.read_text())
    scenario["warehouse"]["holding_cost_per_unit_day"] = -1
    bad = write(tmp_path, scenario, "scenario.yaml")
    path = write(tmp_path, tiny(scenario="scenario.yaml"))  # relative to the experiment file
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{bad}: warehouse.holding_cost_per_unit_day: input should be greater than or equal to 0"
    ]


def test_the_shipped_experiment_files_are_valid(capsys):
    files = sorted(str(p) for p in (ROOT / "experiments").glob("*.yaml"))
    assert files
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": valid") == len(files)


def test_validate_still_checks_scenarios(capsys):
    assert main(["validate", str(RQ)]) == 0


def test_replications_on_the_command_line_are_checked(tmp_path, capsys):
    path = write(tmp_path, tiny())
    assert main(["experiment", str(path), "--replications", "1", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"{path}: --replications: must be at least 2, got 1"


# --- design expansion ---------------------------------------------------------------------------


def test_grid_points_are_every_combination_last_fastest(tmp_path):
    grid = {f"{POLICY}.order_quantity": [4, 6], "suppliers.vendor.lead_time_days": [3, 4, 5]}
    design = load_design(write(tmp_path, tiny(sweep={"grid": grid})))
    assert design.points == [
        {f"{POLICY}.order_quantity": q, "suppliers.vendor.lead_time_days": lt}
        for q in (4, 6)
        for lt in (3, 4, 5)
    ]
    sc = design.scenarios[("r10", 4)]
    assert sc.warehouse.policies["item"].order_quantity == 6
    assert sc.warehouse.policies["item"].reorder_point == 10  # the variant's override
    assert sc.suppliers[0].lead_time_days.mean == 4
    assert sc.horizon_days == 60 and sc.warmup_days == 10  # the experiment's overrides


def test_sweep_values_override_the_variants():
    design = load_design(tiny(sweep={"grid": {f"{POLICY}.reorder_point": [3]}}))
    assert {
        design.scenarios[(v, 0)].warehouse.policies["item"].reorder_point for v in ("r8", "r10")
    } == {3}


def test_latin_hypercube_is_stratified_reproducible_and_keeps_integers():
    ranges = {"a": (0.0, 1.0), "b": (10, 19)}
    points = latin_hypercube(ranges, 10, seed=3)
    assert points == latin_hypercube(ranges, 10, seed=3)
    assert points != latin_hypercube(ranges, 10, seed=4)
    # each tenth of [0, 1] holds exactly one value of a: a Latin hypercube
    assert sorted(int(p["a"] * 10) for p in points) == list(range(10))
    # whole-number bounds give whole numbers, here each of 10..19 exactly once
    assert sorted(p["b"] for p in points) == list(range(10, 20))
    assert all(isinstance(p["b"], int) for p in points)


def test_latin_hypercube_points_are_validated_like_the_grid():
    design = load_design(
        tiny(
            sweep={
                "latin_hypercube": {"samples": 5, "ranges": {f"{POLICY}.order_quantity": [2, 9]}}
            }
        )
    )
    assert len(design.points) == 5
    assert all(2 <= p[f"{POLICY}.order_quantity"] <= 9 for p in design.points)


def test_design_hash_follows_what_changes_the_numbers():
    base = load_design(tiny()).design_hash
    assert load_design(tiny(replications=9, kpis=["fill_rate"])).design_hash == base
    assert load_design(tiny(name="other", description="x")).design_hash == base
    assert load_design(tiny(seed=8)).design_hash != base
    assert load_design(tiny(horizon_days=61)).design_hash != base
    assert load_design(tiny(variants={"r8": {}, "r10": {}})).design_hash != base


# --- statistics ---------------------------------------------------------------------------------


def test_t_interval_matches_scipy():
    x = [3.1, 2.7, 3.6, 2.9, 3.3, 3.0]
    ci = t_interval(x, 0.9)
    low, high = st.t.interval(0.9, len(x) - 1, loc=np.mean(x), scale=st.sem(x))
    assert ci.n == 6
    assert ci.low == pytest.approx(low) and ci.high == pytest.approx(high)
    assert ci.sd == pytest.approx(np.std(x, ddof=1))


def test_missing_values_are_left_out_and_counted():
    ci = t_interval([1.0, None, 3.0, float("nan"), 2.0])
    assert ci.n == 3 and ci.mean == pytest.approx(2.0)
    assert t_interval([None, None]).n == 0 and t_interval([None]).mean is None
    one = t_interval([5.0])
    assert one.n == 1 and one.mean == 5.0 and one.half_width is None
    d = paired_difference([1.0, 2.0, None, 4.0], [1.5, None, 3.0, 4.4])
    assert d.n == 2 and d.mean == pytest.approx(0.45)


def test_paired_difference_matches_scipy_ttest_rel():
    rng = np.random.default_rng(5)
    a = rng.normal(10, 2, 15)
    b = a + rng.normal(0.4, 0.5, 15)
    d = paired_difference(list(a), list(b))
    ref = st.ttest_rel(b, a)
    assert d.p_value == pytest.approx(ref.pvalue)
    assert d.mean == pytest.approx(np.mean(b - a))
    assert d.significant == (ref.pvalue < 0.05)
    w = welch_difference(list(a), list(b))
    assert w.p_value == pytest.approx(st.ttest_ind(b, a, equal_var=False).pvalue)


def test_constant_differences_have_a_defined_verdict():
    same = paired_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert same.p_value == 1.0 and same.significant is False and same.half_width == 0.0
    shifted = paired_difference([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    assert shifted.p_value == 0.0 and shifted.significant is True


def test_precision_rule_of_the_sequential_mode():
    assert precise_enough(t_interval([10.0, 10.1, 9.9, 10.0]), 0.05)
    assert not precise_enough(t_interval([10.0, 20.0, 5.0]), 0.05)
    assert precise_enough(t_interval([None, None]), 0.01)  # never applies: nothing to refine
    assert not precise_enough(t_interval([1.0]), 0.5)


# --- running, the store, resume -----------------------------------------------------------------


def test_run_experiment_api_returns_tidy_tables(tmp_path):
    res = run_experiment(tiny(), workers=1, out=tmp_path / "res")
    assert isinstance(res, ExperimentResults)
    assert len(res.runs) == 2 * 4 and res.executed == 8
    assert [(r["variant"], r["replication"]) for r in res.runs] == [
        (v, r) for v in ("r8", "r10") for r in range(4)
    ]
    assert {r["seed"] for r in res.runs} == {7}
    assert len(res.summary) == 2 * 3 and len(res.comparison) == 3
    fill = next(c for c in res.comparison if c["kpi"] == "fill_rate")
    assert fill["variant"] == "r10" and fill["baseline"] == "r8" and fill["n"] == 4
    assert fill["difference"] > 0 and fill["verdict"] in ("better", "no difference")
    # replication r of both variants saw the same demand: common random numbers
    orders = {(r["variant"], r["replication"]): r["units_demanded"] for r in res.runs}
    assert all(orders[("r8", r)] == orders[("r10", r)] for r in range(4))
    assert len({orders[("r8", r)] for r in range(4)}) > 1  # but replications differ


def test_results_folder_is_complete_and_rerunnable(tmp_path, capsys):
    path = write(tmp_path, tiny(sweep={"grid": {f"{POLICY}.order_quantity": [5, 7]}}))
    out = tmp_path / "res"
    assert main(["experiment", str(path), "--workers", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    for needle in ("r8 (baseline)", "r10", "difference [95% CI]", "Point 1:", f"wrote {out}/"):
        assert needle in text
    names = {p.name for p in out.iterdir()}
    assert {
        "experiment.yaml",
        "scenario.yaml",
        "runs.csv",
        "summary.csv",
        "comparison.csv",
        "provenance.json",
        "results.sqlite",
    } <= names
    runs = read_csv(out / "runs.csv")
    assert len(runs) == 2 * 2 * 4
    assert list(runs[0])[:5] == [
        "variant",
        "point",
        f"{POLICY}.order_quantity",
        "replication",
        "seed",
    ]
    assert len(read_csv(out / "summary.csv")) == 2 * 2 * 3
    assert len(read_csv(out / "comparison.csv")) == 2 * 3
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["version"] and prov["seed"] == 7 and prov["runs"] == 16
    assert prov["command"][:2] == ["supplysim", "experiment"]
    # the folder is self-contained: its experiment.yaml reruns to the same runs.csv
    again = tmp_path / "again"
    assert (
        main(["experiment", str(out / "experiment.yaml"), "--workers", "1", "--out", str(again)])
        == 0
    )
    assert (again / "runs.csv").read_bytes() == (out / "runs.csv").read_bytes()
    # the store holds one row per run, every KPI as JSON, and a tidy view
    with sqlite3.connect(out / "results.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 16
        (value,) = db.execute(
            "SELECT value FROM kpi_values WHERE variant='r10' AND point=1 AND replication=2 "
            "AND kpi='fill_rate'"
        ).fetchone()
    row = next(r for r in runs if (r["variant"], r["point"], r["replication"]) == ("r10", "1", "2"))
    assert float(row["fill_rate"]) == value


def test_a_rerun_shows_the_stored_result_and_a_changed_seed_runs_afresh(tmp_path, capsys):
    path = write(tmp_path, tiny())
    out = tmp_path / "res"
    args = ["experiment", str(path), "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    first = (out / "runs.csv").read_bytes()
    capsys.readouterr()
    assert main(args) == 0  # the same command again: the stored runs, nothing simulated
    text = capsys.readouterr().out
    assert f"{out}: the same design as stored; 8 runs re-used, 0 to run" in text
    assert "8 runs (0 simulated, 8 from the store)" in text
    assert main([*args, "--resume"]) == 0  # accepted, and the same
    assert "8 runs (0 simulated, 8 from the store)" in capsys.readouterr().out
    assert (out / "runs.csv").read_bytes() == first

    write(tmp_path, tiny(seed=8))  # other random numbers: no stored run is one of these
    assert main(args) == 0
    text = capsys.readouterr().out
    assert f"{out}: seed 7 -> 8; 0 runs re-used, 8 to run" in text
    assert "8 runs (8 simulated, 0 from the store)" in text
    assert (out / "runs.csv").read_bytes() != first
    write(tmp_path, tiny())  # and back: the first runs are still stored
    assert main(args) == 0
    assert "seed 8 -> 7; 8 runs re-used, 0 to run" in capsys.readouterr().out
    assert (out / "runs.csv").read_bytes() == first


def test_resume_with_more_replications_runs_only_the_new_ones(tmp_path, capsys):
    path = write(tmp_path, tiny())
    out, fresh = tmp_path / "res", tmp_path / "fresh"
    assert main(["experiment", str(path), "--workers", "1", "--out", str(out)]) == 0
    assert (
        main(
            [
                "experiment",
                str(path),
                "--workers",
                "1",
                "--out",
                str(out),
                "--resume",
                "--replications",
                "6",
            ]
        )
        == 0
    )
    assert "12 runs (4 simulated, 8 from the store)" in capsys.readouterr().out
    run_experiment(path, workers=1, replications=6, out=fresh)
    assert (out / "runs.csv").read_bytes() == (fresh / "runs.csv").read_bytes()


def test_sequential_mode_adds_replications_until_precise():
    seq = {"relative_half_width": 0.04, "max_replications": 60, "batch": 3}
    res = run_experiment(
        tiny(replications=3, kpis=["fill_rate"], sequential=seq), workers=1, write=False
    )
    assert 3 < res.replications < 60 and res.replications % 3 == 0
    assert len(res.runs) == 2 * res.replications  # every variant got the same replications
    assert max(s["half_width"] / s["mean"] for s in res.summary) <= 0.04
    # one batch fewer was not precise enough for some variant: it stopped at the first chance
    fewer = run_experiment(
        tiny(replications=res.replications - 3, kpis=["fill_rate"]), workers=1, write=False
    )
    assert max(s["half_width"] / s["mean"] for s in fewer.summary) > 0.04


def test_to_pandas_gives_dataframes():
    pd = pytest.importorskip("pandas")
    tables = run_experiment(tiny(), workers=1, write=False).to_pandas()
    assert isinstance(tables.runs, pd.DataFrame) and len(tables.runs) == 8
    assert set(tables.comparison["kpi"]) == {"fill_rate", "backorders_mean", "on_hand_mean"}


def test_per_product_kpis_can_be_chosen():
    res = run_experiment(
        tiny(kpis=["by_product.item.fill_rate", "suppliers.vendor.on_time_rate", "fill_rate"]),
        workers=1,
        write=False,
    )
    row = res.runs[0]
    assert row["by_product.item.fill_rate"] == row["fill_rate"]  # one product: the same
    assert {c["kpi"] for c in res.comparison} == {
        "by_product.item.fill_rate",
        "suppliers.vendor.on_time_rate",
        "fill_rate",
    }


def test_an_experiment_object_and_its_file_give_the_same_runs(tmp_path):
    from simulator.config.experiment_schema import load_experiment

    path = write(tmp_path, tiny())
    a = run_experiment(load_experiment(path), workers=1, write=False)
    b = run_experiment(path, workers=1, write=False)
    assert a.runs == b.runs


def test_bad_design_raises_config_error_from_python():
    with pytest.raises(ConfigError) as info:
        load_design(tiny(kpis=["zzz"]))
    assert str(info.value) == "<experiment>: kpis.0: unknown KPI 'zzz' (see docs/kpis.md)"


def test_latin_hypercube_samples_outside_what_the_scenario_accepts(tmp_path, capsys):
    ranges = {f"{POLICY}.order_quantity": [-4, 5]}
    path = write(tmp_path, tiny(sweep={"latin_hypercube": {"samples": 10, "ranges": ranges}}))
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    prefix = f"{path}: sweep.latin_hypercube.ranges.{POLICY}.order_quantity: sample "
    assert lines and all(line.startswith(prefix) for line in lines)
    assert all(line.endswith(": input should be greater than or equal to 1") for line in lines)
    assert len(lines) == 5  # -4..0 each sampled once (integer bounds: integer values)


def test_to_pandas_without_pandas_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    res = ExperimentResults("x", "a", ["a"], [{}], [], 2, 1, 0.95, [], [], [], "hash")
    with pytest.raises(ImportError, match=re.escape('pip install "supplysim[data]"')):
        res.to_pandas()


# --- KPI names and directions come from the registry --------------------------------------------


def test_kpi_names_are_checked_without_simulating(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("validating an experiment must not simulate")

    for name, module in list(sys.modules.items()):
        if name == "simulator.model" or name.startswith("simulator.experiment"):
            if hasattr(module, "simulate"):
                monkeypatch.setattr(module, "simulate", boom)
    chosen = ["fill_rate", "cost_service", "by_product.item.otif_rate", "suppliers.vendor.score"]
    assert load_design(tiny(kpis=chosen)).kpis == chosen


def test_plant_kpis_exist_only_for_a_supplier_with_production():
    with pytest.raises(ConfigError) as info:
        load_design(tiny(kpis=["suppliers.vendor.units_made"]))
    assert str(info.value).startswith(
        "<experiment>: kpis.0: unknown KPI 'suppliers.vendor.units_made'"
    )
    plant = tiny(
        scenario=str(ROOT / "scenarios" / "safety_stock.yaml"),
        variants={"a": {}, "b": {}},
        baseline="a",
        kpis=["suppliers.acme.units_made"],
    )
    assert load_design(plant).kpis == ["suppliers.acme.units_made"]


@pytest.mark.parametrize(
    "kpi, difference, expected",
    [
        ("fill_rate", 0.02, "better"),
        ("bullwhip_ratio", 0.5, "worse"),
        ("cost_service", -10.0, "better"),  # direction from the registry, not a list of its own
        ("by_product.item.fill_rate", -0.01, "worse"),
        ("suppliers.vendor.dppm", -50.0, "better"),  # a supplier KPI: its own scope's direction
        ("orders", 3.0, "different"),  # no preferred direction
    ],
)
def test_verdicts_read_the_direction_from_the_kpi_registry(kpi, difference, expected):
    assert verdict(kpi, True, difference) == expected
    assert verdict(kpi, False, difference) == "not significant"
    assert verdict(kpi, None, None) == ""
