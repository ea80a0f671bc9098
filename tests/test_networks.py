"""Supply networks: sites and lanes in the scenario, their checks, and a network run's tables."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator import kpis
from simulator.cli import main
from simulator.config import load_scenario
from simulator.experiment.design import reported_kpis
from simulator.model import simulate

#: Supplier -> dc -> two stores, each store with its customers.
NETWORK: dict[str, Any] = {
    "name": "network",
    "horizon_days": 200,
    "warmup_days": 20,
    "products": [{"id": "a", "unit_cost": 1, "price": 2}, {"id": "b", "unit_cost": 2, "price": 3}],
    "suppliers": [{"id": "plant", "products": ["a", "b"], "lead_time_days": 3, "order_cost": 5}],
    "carriers": [{"id": "truck", "mode": "standard", "transit_days": 1, "cost_per_unit": 0.1}],
    "sites": [
        {
            "id": "dc",
            "kind": "distribution_centre",
            "holding_cost_per_unit_day": 0.01,
            "policies": {
                "a": {"type": "base_stock", "level": 20},
                "b": {"type": "base_stock", "level": 10},
            },
        },
        {
            "id": "north",
            "kind": "store",
            "holding_cost_per_unit_day": 0.02,
            "replenish_from": {"a": "dc", "b": "dc"},
            "policies": {
                "a": {"type": "base_stock", "level": 6},
                "b": {"type": "base_stock", "level": 3},
            },
        },
        {
            "id": "south",
            "kind": "store",
            "replenish_from": {"a": "dc"},
            "policies": {"a": {"type": "base_stock", "level": 6}},
        },
    ],
    "lanes": [
        {"origin": "plant", "destination": "dc", "carrier": "truck"},
        {"origin": "dc", "destination": "north", "carrier": "truck", "transit_days": 2},
        {"origin": "dc", "destination": "south", "transit_days": 1},
    ],
    "customers": {
        "segments": [
            {
                "id": "n",
                "count": 1,
                "orders_per_customer_per_day": 2,
                "product_mix": {"a": 0.5, "b": 0.5},
                "promised_days": 3,
                "site": "north",
            },
            {
                "id": "s",
                "count": 1,
                "orders_per_customer_per_day": 1,
                "product_mix": {"a": 1},
                "promised_days": 3,
                "site": "south",
            },
        ]
    },
}


def write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "network.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: dict) -> list[str]:
    """Exit 2 and the problem lines of ``supplysim validate`` on ``data``."""
    file = write(tmp_path, data)
    capsys.readouterr()
    code = main(["validate", file])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    return [line.removeprefix(f"{file}: ") for line in err.strip().splitlines()]


def test_the_network_is_valid(tmp_path, capsys):
    file = write(tmp_path, NETWORK)
    assert main(["validate", file]) == 0


def test_a_cycle_of_sites_is_refused_with_its_path(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    data["sites"][0]["replenish_from"] = {"a": "north"}
    lines = refusals(tmp_path, capsys, data)
    assert any(
        line.startswith("sites.0.replenish_from.a: a cycle of sites: dc -> north -> dc")
        for line in lines
    ), lines


def test_a_lane_to_an_unknown_site_is_refused_with_its_path(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    data["lanes"][1]["destination"] = "east"
    lines = refusals(tmp_path, capsys, data)
    assert lines == ["lanes.1.destination: unknown site 'east' (sites: dc, north, south)"]


def test_a_product_nobody_replenishes_is_refused_with_its_path(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    data["products"].append({"id": "c", "unit_cost": 1, "price": 2})
    data["sites"][2]["policies"]["c"] = {"type": "base_stock", "level": 1}
    lines = refusals(tmp_path, capsys, data)
    assert lines == ["sites.2.replenish_from.c: nobody replenishes 'c' at 'south'"]


def test_a_product_a_site_sells_without_a_policy_is_refused(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    data["customers"]["segments"][1]["product_mix"] = {"a": 0.5, "b": 0.5}
    lines = refusals(tmp_path, capsys, data)
    assert len(lines) == 1 and lines[0].startswith("sites.2.policies: 'b' is ordered by"), lines


def test_a_segment_served_by_an_unknown_site_is_refused_with_its_path(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    data["customers"]["segments"][0]["site"] = "east"
    lines = refusals(tmp_path, capsys, data)
    assert lines == ["customers.segments.0.site: unknown site 'east' (sites: dc, north, south)"]


def test_a_segment_must_name_its_site_among_several(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    del data["customers"]["segments"][0]["site"]
    lines = refusals(tmp_path, capsys, data)
    assert len(lines) == 1 and lines[0].startswith("customers.segments.0.site: several sites")


def test_warehouse_and_sites_are_exclusive(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    data["warehouse"] = {"policies": {"a": {"type": "base_stock", "level": 1}}}
    lines = refusals(tmp_path, capsys, data)
    assert "sites: give either warehouse or sites, not both" in lines


def test_neither_warehouse_nor_sites_is_refused(tmp_path, capsys):
    data = copy.deepcopy(NETWORK)
    del data["sites"], data["lanes"]
    for seg in data["customers"]["segments"]:
        del seg["site"]
    lines = refusals(tmp_path, capsys, data)
    assert lines == ["warehouse: required (or sites:, for a network)"]


@pytest.fixture(scope="module")
def network_run(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("net"), NETWORK)
    return simulate(load_scenario(path))


def test_network_run_reports_every_site(network_run):
    doc = network_run.document
    assert set(doc["by_site"]) == {"dc", "north", "south"}
    for row in doc["by_site"].values():
        assert set(kpis.names(kpis.SITE)) <= set(row)
    dc = doc["by_site"]["dc"]
    north, south = doc["by_site"]["north"], doc["by_site"]["south"]
    # the dc sees only the stores' orders; the stores only their customers'
    assert dc["orders"] == dc["downstream_orders"] > 0
    assert north["downstream_orders"] == south["downstream_orders"] == 0
    assert doc["kpis"]["orders"] == north["orders"] + south["orders"]
    # system costs: every site's, plus transport; purchases only from the supplier
    assert doc["kpis"]["cost_purchase"] == pytest.approx(dc["cost_purchase"])
    assert north["cost_purchase"] == south["cost_purchase"] == 0
    assert doc["kpis"]["cost_holding"] == pytest.approx(
        sum(row["cost_holding"] for row in doc["by_site"].values())
    )
    assert doc["kpis"]["on_hand_mean"] == pytest.approx(
        sum(row["on_hand_mean"] for row in doc["by_site"].values())
    )


def test_lanes_carry_what_their_sites_receive(network_run):
    doc = network_run.document
    flows = {(f["origin"], f["destination"]): f["units"] for f in doc["lanes"]}
    assert set(flows) == {("plant", "dc"), ("dc", "north"), ("dc", "south")}
    for (_, dest), units in flows.items():
        assert units == doc["by_site"][dest]["units_received"]


def test_site_kpis_are_addressable_in_experiments(tmp_path):
    names = reported_kpis(load_scenario(write(tmp_path, NETWORK)))
    assert "by_site.north.fill_rate" in names
    assert "by_site.dc.backorders_mean" in names
    assert kpis.get("by_site.dc.fill_rate") is kpis.get("fill_rate", kpis.SITE)


def test_partial_shipping_conserves_units(tmp_path):
    data = copy.deepcopy(NETWORK)
    data["sites"][0]["ship_partial"] = True
    data["sites"][0]["policies"]["a"]["level"] = 2  # short upstream: many split transfers
    run = simulate(load_scenario(write(tmp_path, data)))
    stocks = [s for node in run.model.sites.values() for s in node.stocks.values()]
    for s in stocks:
        assert s.on_hand >= 0 and s.backorders >= 0
        assert s.on_hand == s.initial + s.accepted_total - s.allocated_total


SERIAL = Path(__file__).resolve().parents[1] / "scenarios" / "textbook" / "serial_base_stock.yaml"


def test_echelon_base_stock_equals_its_installation_equivalent():
    """Echelon levels E1 = 12, E2 = 7 run exactly as installation levels S1 = 5, S2 = 7."""
    short = ["horizon_days=300"]
    installation = simulate(load_scenario(SERIAL, overrides=short)).document
    echelon = simulate(
        load_scenario(
            SERIAL,
            overrides=[
                *short,
                "sites.dc.policies.item={type: echelon_base_stock, level: 12}",
                "sites.store.policies.item={type: echelon_base_stock, level: 7}",
            ],
        )
    ).document
    assert echelon["by_site"] == installation["by_site"]
    assert echelon["policies"]["dc/item"] == {
        "type": "echelon_base_stock",
        "level": 5,
        "review_days": None,
    }


def test_echelon_needs_echelon_sites_below_and_a_level_covering_theirs(tmp_path, capsys):
    data = yaml.safe_load(SERIAL.read_text())
    data["sites"][0]["policies"]["item"] = {"type": "echelon_base_stock", "level": 12}
    lines = refusals(tmp_path, capsys, data)
    assert lines == [
        "sites.0.policies.item: the sites it replenishes (store) need echelon_base_stock"
    ]
    data["sites"][1]["policies"]["item"] = {"type": "echelon_base_stock", "level": 13}
    lines = refusals(tmp_path, capsys, data)
    assert lines == ["sites.0.policies.item.level: below the echelon levels downstream (sum 13)"]
