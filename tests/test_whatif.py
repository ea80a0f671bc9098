"""What-ifs that say what re-planned, and frozen plans that keep the policies' numbers."""

from pathlib import Path

import pytest

from simulator import load_scenario
from simulator.cli import main
from simulator.experiment import load_design
from simulator.replan import frozen_overrides, replanned, resolved_numbers
from simulator.runs import what_if

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
SLOW = "suppliers.acme.lead_time_days.mean=14"


def test_run_with_set_prints_the_replanned_numbers(capsys):
    assert main(["run", BASELINE, "--days", "20", "--set", SLOW]) == 0
    out = capsys.readouterr().out
    assert "re-planned (the policies resolved again for the changed scenario):" in out
    assert "widget.reorder_point: 2,765.6 -> 3,556.2" in out
    assert "gadget." not in out.split("re-planned")[1]  # min/max has nothing to re-plan


def test_frozen_plan_keeps_the_base_numbers(capsys):
    base = load_scenario(BASELINE)
    frozen = what_if(BASELINE, [SLOW], plan="frozen")
    replan = what_if(BASELINE, [SLOW])
    assert frozen.suppliers[0].lead_time_days.mean == 14  # the world changed ...
    widget = resolved_numbers(frozen)["widget"]
    assert widget["reorder_point"] == resolved_numbers(base)["widget"]["reorder_point"]
    assert widget["order_quantity"] == resolved_numbers(base)["widget"]["order_quantity"]
    assert replanned(base, frozen) == []  # ... the plan did not
    assert resolved_numbers(replan)["widget"]["reorder_point"] > widget["reorder_point"] + 500
    assert main(["run", BASELINE, "--days", "20", "--set", SLOW, "--plan", "frozen"]) == 0
    assert "re-planned: nothing (plan frozen" in capsys.readouterr().out


def test_a_policy_the_what_if_changes_is_replanned_even_when_frozen():
    base = load_scenario(BASELINE)
    pinned = frozen_overrides(base, ["warehouse.policies.widget.service_level"])
    assert [path for path, _ in pinned] == []  # widget is the only policy with a target
    changed = what_if(
        BASELINE, ["warehouse.policies.widget.service_level=0.99", SLOW], plan="frozen"
    )
    moved = {c.name for c in replanned(base, changed)}
    assert "reorder_point" in moved


def test_experiment_variant_with_a_frozen_plan(tmp_path):
    design = load_design(
        {
            "name": "plans",
            "scenario": BASELINE,
            "replications": 2,
            "variants": {
                "base": {},
                "replan": {"suppliers.acme.lead_time_days.mean": 14},
                "frozen": {"suppliers.acme.lead_time_days.mean": 14, "plan": "frozen"},
            },
        }
    )
    rp = {
        v: resolved_numbers(design.scenarios[(v, 0)])["widget"]["reorder_point"]
        for v in design.variants
    }
    assert rp["frozen"] == pytest.approx(rp["base"])
    assert rp["replan"] > rp["base"] + 500
    assert design.scenarios[("frozen", 0)].suppliers[0].lead_time_days.mean == 14


def test_a_plan_that_is_neither_replan_nor_frozen_is_refused():
    from simulator.config import ConfigError

    with pytest.raises(ConfigError) as err:
        load_design({"name": "p", "scenario": BASELINE, "variants": {"a": {"plan": "fixed"}}})
    assert "variants.a.plan: must be replan or frozen, got 'fixed'" in str(err.value.problems[0])


NETWORK = str(ROOT / "scenarios" / "network.yaml")
DC_SERVICE = (
    "sites.dc.policies.gear={type: reorder_point, service_level: 0.95, order_quantity: 120}"
)


def test_a_network_what_if_says_what_replanned(capsys):
    """In a network the plan is per site: `site/product.name: before -> after`."""
    assert (
        main(["run", NETWORK, "--days", "20", "--set", "sites.dc.policies.gear.reorder_point=80"])
        == 0
    )
    out = capsys.readouterr().out
    assert "dc/gear.reorder_point: 60 -> 80" in out  # the plan's numbers, per site
    base = what_if(NETWORK, [DC_SERVICE])
    slow = what_if(NETWORK, [DC_SERVICE, "suppliers.plant.lead_time_days=8"])
    moved = {(c.product, c.name): (c.before, c.after) for c in replanned(base, slow)}
    assert set(moved) == {("dc/gear", "reorder_point"), ("dc/gear", "safety_stock")}
    before, after = moved["dc/gear", "reorder_point"]
    assert after > before + 20  # a longer lead time at the DC: a higher reorder point
    args = ["run", NETWORK, "--days", "20", "--set", DC_SERVICE]
    assert main([*args, "--set", "suppliers.plant.lead_time_days=8"]) == 0
    assert "dc/gear.reorder_point: " in capsys.readouterr().out


def test_a_network_plan_can_be_frozen(capsys):
    base = what_if(NETWORK, [DC_SERVICE])
    pins = dict(frozen_overrides(base))
    assert set(pins) == {"sites.dc.policies.gear"}
    assert (
        pins["sites.dc.policies.gear"]["reorder_point"]
        == resolved_numbers(base)["dc/gear"]["reorder_point"]
    )
    slow = what_if(NETWORK, [DC_SERVICE, "suppliers.plant.lead_time_days=8"])
    frozen = what_if(base, ["suppliers.plant.lead_time_days=8"], plan="frozen")
    assert replanned(base, frozen) == []
    assert replanned(base, slow) != []
    args = ["run", NETWORK, "--days", "20", "--set", "suppliers.plant.lead_time_days=8"]
    assert main([*args, "--plan", "frozen"]) == 0
    assert "re-planned: nothing (plan frozen" in capsys.readouterr().out
