"""A site of a network has every part a warehouse has: inspection, returns, expediting, sourcing.

One site listed under ``sites:`` is the same chain as that site under ``warehouse:``: with every
draw that comes from a site's own streams made certain (catch every defect, return every bad
delivery, constant transits), the two runs give the same numbers. Then each part at work in a
network of several sites.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.cli import main
from simulator.config import load_scenario
from simulator.model import simulate

#: One warehouse with every part: inspection, returns, split and backup sourcing, expediting.
#: What is random draws on streams that do not name the site (demand, supplier lead times and
#: defects, the parcel's damage); what would draw on the site's own streams is made certain.
WAREHOUSE: dict[str, Any] = {
    "name": "every part",
    "horizon_days": 200,
    "warmup_days": 20,
    "seed": 3,
    "products": [
        {"id": "a", "unit_cost": 5, "price": 9},
        {"id": "b", "unit_cost": 3, "price": 6},
    ],
    "suppliers": [
        {
            "id": "s1",
            "products": ["a", "b"],
            "lead_time_days": {"dist": "gamma", "mean": 3, "sd": 1},
            "defect_rate": 0.1,
            "order_cost": 20,
            "disruptions": [{"type": "scheduled", "start_day": 60, "duration_days": 30}],
        },
        {
            "id": "s2",
            "products": ["a", "b"],
            "lead_time_days": {"dist": "gamma", "mean": 5, "sd": 2},
            "order_cost": 10,
        },
    ],
    "carriers": [
        {"id": "truck", "mode": "standard", "transit_days": 2, "cost_per_unit": 0.1},
        {"id": "express", "mode": "express", "transit_days": 0.5, "cost_per_unit": 1.0},
        {"id": "back", "mode": "standard", "transit_days": 1, "cost_per_shipment": 2},
        {
            "id": "parcel",
            "mode": "express",
            "transit_days": {"dist": "uniform", "low": 1, "high": 2},
            "damage_rate": 0.05,
        },
    ],
    "warehouse": {
        "id": "hub",
        "holding_cost_per_unit_day": 0.05,
        "inbound_carrier": "truck",
        "inspection": {"catch_rate": 1.0, "days": 0.5, "cost_per_unit": 0.1},
        "returns": {
            "probability": 1.0,
            "carrier": "back",
            "inspection_days": 1,
            "refurbish_share": 1.0,
            "handling_cost_per_unit": 0.5,
        },
        "sourcing": {
            "a": {"rule": "split", "shares": {"s1": 0.6, "s2": 0.4}},
            "b": {"rule": "backup", "primary": "s1", "backup": "s2"},
        },
        "expedite": {"backorder_threshold": 3, "carrier": "express"},
        "policies": {
            "a": {"type": "reorder_point", "reorder_point": 20, "order_quantity": 25},
            "b": {"type": "base_stock", "level": 12},
        },
    },
    "customers": {
        "segments": [
            {
                "id": "shops",
                "count": 10,
                "orders_per_customer_per_day": 0.5,
                "product_mix": {"a": 0.6, "b": 0.4},
                "promised_days": 3,
                "outbound_carrier": "parcel",
            }
        ]
    },
}


def as_network(data: dict) -> dict:
    """The same scenario with its warehouse listed as the one site of a network."""
    out = copy.deepcopy(data)
    out["sites"] = [out.pop("warehouse")]
    return out


def write(tmp_path: Path, data: dict, name: str = "scenario.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def run(tmp_path: Path, data: dict, name: str = "scenario.yaml") -> dict:
    return simulate(load_scenario(write(tmp_path, data, name))).document


def test_one_site_with_every_part_gives_the_warehouses_numbers(tmp_path):
    single = run(tmp_path, WAREHOUSE, "single.yaml")
    network = run(tmp_path, as_network(WAREHOUSE), "network.yaml")
    kpis = single["kpis"]
    # every part was at work ...
    assert kpis["returns_units"] > 0 and kpis["cost_returns"] > 0
    assert kpis["cost_handling"] > 0  # inspection
    assert sum(p["expedited_orders"] for p in single["by_product"].values()) > 0
    assert single["suppliers"]["s2"]["orders"] > 0  # split, and backup during s1's outage
    # ... and the one-site network did exactly the same
    assert network["kpis"] == kpis
    assert network["by_product"] == single["by_product"]
    assert network["suppliers"] == single["suppliers"]


#: A DC buying from two suppliers (s1 delivers a defective unit in five) and a store it feeds.
NETWORK: dict[str, Any] = {
    "name": "dc and store",
    "horizon_days": 300,
    "warmup_days": 20,
    "seed": 5,
    "products": [{"id": "a", "unit_cost": 5, "price": 9}],
    "suppliers": [
        {"id": "s1", "products": ["a"], "lead_time_days": 3, "defect_rate": 0.2},
        {"id": "s2", "products": ["a"], "lead_time_days": 3},
    ],
    "carriers": [
        {"id": "van", "mode": "standard", "transit_days": 3, "cost_per_unit": 0.1},
        {"id": "express", "mode": "express", "transit_days": 0.2, "cost_per_unit": 1.0},
        {"id": "parcel", "mode": "express", "transit_days": 1, "damage_rate": 0.1},
    ],
    "sites": [
        {
            "id": "dc",
            "kind": "distribution_centre",
            "replenish_from": {"a": "s1"},
            "policies": {"a": {"type": "base_stock", "level": 40}},
        },
        {
            "id": "store",
            "kind": "store",
            "replenish_from": {"a": "dc"},
            "policies": {"a": {"type": "base_stock", "level": 12}},
        },
    ],
    "lanes": [{"origin": "dc", "destination": "store", "carrier": "van"}],
    "customers": {
        "segments": [
            {
                "id": "shops",
                "site": "store",
                "count": 1,
                "orders_per_customer_per_day": 3,
                "product_mix": {"a": 1},
                "promised_days": 2,
                "outbound_carrier": "parcel",
            }
        ]
    },
}


def with_site(part: str, value: Any, site: int = 0, data: dict = NETWORK) -> dict:
    out = copy.deepcopy(data)
    out["sites"][site][part] = value
    return out


def defective(doc: dict) -> float:
    return doc["kpis"]["defective_delivery_rate"]


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return run(tmp_path_factory.mktemp("plain"), NETWORK)


def test_inspection_at_a_site_keeps_a_suppliers_defects_off_its_shelves(tmp_path, plain):
    doc = run(tmp_path, with_site("inspection", {"catch_rate": 1.0, "cost_per_unit": 0.1}))
    assert defective(plain) > 0 and plain["kpis"]["cost_handling"] == 0
    assert defective(doc) == 0
    assert doc["kpis"]["cost_handling"] > 0
    # every unit caught is sent back and ordered again: the DC still receives good units only
    assert doc["by_site"]["dc"]["units_received"] > 0


def test_a_site_inspects_its_suppliers_deliveries_not_its_transfers(tmp_path, plain):
    doc = run(tmp_path, with_site("inspection", {"catch_rate": 1.0}, site=1))
    assert defective(doc) == defective(plain) > 0
    assert doc["kpis"]["cost_handling"] == 0


def test_returns_at_a_site_bring_its_customers_bad_deliveries_back(tmp_path, plain):
    returns = {"probability": 1.0, "refurbish_share": 1.0, "handling_cost_per_unit": 1.0}
    doc = run(tmp_path, with_site("returns", returns, site=1))
    assert plain["kpis"].get("returns_units") is None
    assert doc["kpis"]["returns_units"] > 0
    assert doc["kpis"]["cost_returns"] >= doc["kpis"]["returns_units"]


def test_an_expedited_transfer_rides_the_express_carrier(tmp_path, plain):
    expedite = {"backorder_threshold": 0, "carrier": "express"}
    doc = run(tmp_path, with_site("expedite", expedite, site=1))
    assert plain["by_product"]["a"]["expedited_orders"] == 0
    assert doc["by_product"]["a"]["expedited_orders"] > 0
    # express costs 1 a unit against the van's 0.1, and arrives in 0.2 days against 3
    assert doc["kpis"]["cost_transport"] > plain["kpis"]["cost_transport"]
    assert doc["by_site"]["store"]["fill_rate"] > plain["by_site"]["store"]["fill_rate"]


def test_split_sourcing_at_a_site_divides_its_orders_over_each_suppliers_lane(tmp_path):
    rule = {"a": {"rule": "split", "shares": {"s1": 0.75, "s2": 0.25}}}
    data = with_site("sourcing", rule)
    # orders of 20: 15 to s1, 5 to s2 (one-for-one orders would all round to s1)
    data["sites"][0]["policies"]["a"] = {
        "type": "reorder_point",
        "reorder_point": 30,
        "order_quantity": 20,
    }
    doc = run(tmp_path, data)
    lanes = {(ln["origin"], ln["destination"]): ln["units"] for ln in doc["lanes"]}
    into_dc = lanes["s1", "dc"] + lanes["s2", "dc"]
    assert into_dc == doc["by_site"]["dc"]["units_received"]
    assert lanes["s1", "dc"] / into_dc == pytest.approx(0.75, abs=0.01)
    assert doc["suppliers"]["s2"]["orders"] > 0


def test_backup_sourcing_at_a_site_orders_from_the_backup_during_an_outage(tmp_path, plain):
    data = with_site("sourcing", {"a": {"rule": "backup", "backup": "s2"}})
    data["suppliers"][0]["disruptions"] = [
        {"type": "scheduled", "start_day": 100, "duration_days": 50}
    ]
    doc = run(tmp_path, data)
    assert "s2" not in {ln["origin"] for ln in plain["lanes"]}
    lanes = {(ln["origin"], ln["destination"]): ln["units"] for ln in doc["lanes"]}
    assert lanes["s2", "dc"] > 0 and lanes["s1", "dc"] > 0


@pytest.mark.parametrize(
    ("site", "part", "value", "path", "message"),
    [
        (
            1,
            "sourcing",
            {"a": {"rule": "split", "shares": {"s1": 0.5, "s2": 0.5}}},
            "sites.1.sourcing.a",
            "'a' comes from site 'dc': a sourcing rule chooses among suppliers",
        ),
        (
            0,
            "sourcing",
            {"a": {"rule": "backup", "primary": "s2", "backup": "s1"}},
            "sites.0.sourcing.a.primary",
            "differs from replenish_from.a ('s1')",
        ),
        (
            0,
            "sourcing",
            {"a": {"rule": "split", "shares": {"s2": 1.0}}},
            "sites.0.sourcing.a.shares",
            "no share for 's1' (replenish_from.a)",
        ),
        (
            0,
            "sourcing",
            {"a": {"rule": "backup", "backup": "s1"}},
            "sites.0.sourcing.a.backup",
            "the backup must differ from the primary",
        ),
        (
            1,
            "expedite",
            {"backorder_threshold": 1, "carrier": "rocket"},
            "sites.1.expedite.carrier",
            "unknown carrier 'rocket'",
        ),
        (
            1,
            "returns",
            {"carrier": "pigeon"},
            "sites.1.returns.carrier",
            "unknown carrier 'pigeon'",
        ),
    ],
)
def test_a_sites_parts_are_checked_with_their_path(
    tmp_path, capsys, site, part, value, path, message
):
    file = write(tmp_path, with_site(part, value, site))
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert f"{file}: {path}: {message}" in err, err


def test_the_fast_paths_give_the_numbers_of_the_full_path():
    """Untraced, a store sells from its shelf at once and plain deliveries skip the site's dock;
    traced, every order takes the full path. Same numbers either way."""
    sc = load_scenario(
        Path(__file__).resolve().parents[1] / "scenarios" / "network.yaml",
        overrides=["horizon_days=120"],
    )
    fast = simulate(sc)
    full = simulate(sc, trace=True)
    assert not fast.model.sites["north"].stocks["gear"].warehouse.instant  # north picks
    assert fast.model.sites["south"].stocks["gear"].warehouse.instant  # south does not
    assert full.document == fast.document
