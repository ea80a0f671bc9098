"""supplysim check: textbook scenarios reduce and agree with their closed forms; others are told
what stops them."""

from pathlib import Path

import pytest

from simulator import load_scenario
from simulator.check import SELF_CASES, check, reduce, self_check
from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "scenarios" / "textbook"
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.mark.parametrize(
    ("file", "case"),
    [
        ("rq_poisson.yaml", "(r, Q)"),
        ("base_stock_palm.yaml", "Palm"),
        ("periodic_base_stock.yaml", "periodic review"),
        ("lost_sales_erlang.yaml", "Erlang"),
    ],
)
def test_textbook_scenarios_reduce(file, case):
    reduction = reduce(load_scenario(TEXTBOOK / file))
    assert reduction.obstacles == []
    assert case in reduction.case.name


def test_min_max_with_unit_demand_is_rq():
    sc = load_scenario(
        TEXTBOOK / "rq_poisson.yaml",
        ["warehouse.policies.item={type: min_max, min: 8, max: 13}"],
    )
    case = reduce(sc).case
    assert "r = 8, Q = 5" in case.setting


def test_baseline_names_what_stops_it():
    obstacles = dict(reduce(load_scenario(BASELINE)).obstacles)
    assert obstacles["suppliers.acme.capacity_per_day"] == "limited capacity (orders queue)"
    assert obstacles["products"].startswith("2 products")
    assert "customers.segments.retail.quantity" in obstacles
    assert "warehouse.picking" in obstacles
    assert "carriers.freight.damage_rate" in obstacles


def test_each_obstacle_is_named(capsys):
    sc = ROOT / "scenarios" / "textbook" / "rq_poisson.yaml"
    overrides = [
        "suppliers.vendor.capacity_per_day=3",
        "suppliers.vendor.lead_time_days={dist: gamma, mean: 4, sd: 1}",
        "customers.segments.all.behaviour={}",
    ]
    obstacles = dict(reduce(load_scenario(sc, overrides)).obstacles)
    assert obstacles == {
        "customers.segments.all.behaviour": (
            "customers remember (demand is not a stationary Poisson process)"
        ),
        "suppliers.vendor.capacity_per_day": "limited capacity (orders queue)",
        "suppliers.vendor.lead_time_days": (
            "the lead time varies (this policy's closed form needs it constant)"
        ),
    }


def test_check_cli_on_baseline_lists_obstacles(capsys):
    assert main(["check", str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert "does not reduce to a textbook case" in out
    assert "  suppliers.acme.capacity_per_day: limited capacity" in out


def test_check_cli_refuses_bad_arguments(capsys):
    assert main(["check"]) == 2
    assert main(["check", str(BASELINE), "--replications", "1"]) == 2
    assert main(["check", "missing.yaml"]) == 2
    err = capsys.readouterr().err
    assert "give a SCENARIO or --self" in err and "--replications: must be >= 2" in err
    assert "Traceback" not in err


@pytest.mark.analytic
@pytest.mark.parametrize(
    "file",
    [
        "rq_poisson.yaml",
        "base_stock_palm.yaml",
        "periodic_base_stock.yaml",
        "lost_sales_erlang.yaml",
    ],
)
def test_check_agrees_on_each_textbook_scenario(file):
    """Each textbook file as shipped, 10 replications of 5,000 days: every closed form is inside
    its 99% interval, and every interval is narrower than 10% of the value (so a wrong formula
    or a broken engine cannot hide in a wide interval)."""
    sc = load_scenario(TEXTBOOK / file, ["horizon_days=5000"])
    agreement = check(sc, reduce(sc).case, replications=10)
    for kpi, ci in agreement.intervals.items():
        truth = agreement.case.theory[kpi]
        assert ci.half_width < 0.10 * truth, (kpi, ci)
        assert agreement.inside(kpi), (kpi, truth, ci)


@pytest.mark.analytic
def test_check_self_prints_the_agreement_table(capsys):
    assert main(["check", "--self", "--replications", "4", "--days", "3000"]) == 0
    out = capsys.readouterr().out
    assert len(SELF_CASES) == 6
    for label in ("rq_poisson (r, Q) = (6, 3)", "base_stock_palm", "lost_sales_erlang"):
        assert label in out
    assert "23 of 23 closed forms inside their 99% intervals" in out  # fixed seed: deterministic


def test_self_check_is_deterministic():
    a = self_check(replications=2, days=200, cases=SELF_CASES[:1])
    b = self_check(replications=2, days=200, cases=SELF_CASES[:1])
    assert a[0].intervals == b[0].intervals
