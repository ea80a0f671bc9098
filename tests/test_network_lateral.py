"""Lateral transshipment: a site's customer shortfall pulled from a sibling site's stock."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.cli import main
from simulator.config import load_scenario
from simulator.model import simulate

#: Two sibling sites that never see a delivery from their supplier within the run (lead time
#: 1000 days): the north starts empty, the south with 10 units and no customers of its own.
SIBLINGS: dict[str, Any] = {
    "name": "lateral",
    "horizon_days": 40,
    "warmup_days": 0,
    "products": [{"id": "a", "unit_cost": 1, "price": 2}],
    "suppliers": [{"id": "vendor", "products": ["a"], "lead_time_days": 1000}],
    "carriers": [
        {"id": "van", "transit_days": 1, "cost_per_unit": 1.0, "cost_per_shipment": 5.0},
    ],
    "sites": [
        {
            "id": "north",
            "initial_stock": {"a": 0},
            "policies": {"a": {"type": "base_stock", "level": 0}},
            "lateral": {"from": ["south"], "carrier": "van", "keep": 4},
        },
        {"id": "south", "policies": {"a": {"type": "base_stock", "level": 10}}},
    ],
    "customers": {
        "segments": [
            {
                "id": "n",
                "site": "north",
                "count": 1,
                "orders_per_customer_per_day": 1,
                "product_mix": {"a": 1},
                "promised_days": 1,
            },
        ]
    },
}


def write(tmp_path: Path, data: dict, name: str = "lateral.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def run(tmp_path: Path, data: dict, trace: bool = False):
    return simulate(load_scenario(write(tmp_path, data)), trace=trace)


def test_a_sibling_ships_the_shortfall_down_to_what_it_keeps(tmp_path):
    """South gives 10 - keep 4 = 6 units, one per order, each a shipment on the van."""
    result = run(tmp_path, SIBLINGS)
    doc = result.document
    north, south = doc["by_site"]["north"], doc["by_site"]["south"]
    assert doc["kpis"]["orders"] > 6
    assert north["lateral_units_in"] == south["lateral_units_out"] == 6
    assert north["lateral_units_out"] == south["lateral_units_in"] == 0
    assert doc["kpis"]["cost_transport"] == pytest.approx(6 * (1.0 + 5.0))
    assert result.model.sites["south"].stocks["a"].on_hand == 4
    # the lateral lane is in the lanes table; north received nothing from its supplier
    flows = {(f["origin"], f["destination"]): f for f in doc["lanes"]}
    assert flows["south", "north"] == {
        "origin": "south",
        "destination": "north",
        "units": 6,
        "lateral": True,
    }
    assert flows["vendor", "north"]["units"] == 0
    assert north["units_received"] == 6
    # moving stock between siblings is no sale: only north's deliveries are sold
    assert doc["kpis"]["revenue"] == 6 * 2


def test_the_lateral_units_arrive_after_the_transit_and_fill_the_backorder(tmp_path):
    """Each of the first six orders waits exactly the van's day; the rest wait for ever."""
    result = run(tmp_path, SIBLINGS, trace=True)
    placed, delivered = {}, {}
    for row in result.trace:
        if row[1] == "order_placed":
            placed[row[2]] = row[0]
        elif row[1] == "delivered":
            delivered[row[2]] = row[0]
    first = sorted(placed, key=placed.get)[:6]
    assert set(delivered) == set(first)
    for oid in first:
        assert delivered[oid] - placed[oid] == pytest.approx(1.0)
    kpis = result.document["kpis"]
    assert kpis["fill_rate"] == 0  # never from the shelf at once
    assert kpis["order_cycle_days_mean"] == pytest.approx(1.0)


def test_with_lost_sales_the_customer_waits_for_the_lateral_units(tmp_path):
    data = copy.deepcopy(SIBLINGS)
    data["sites"][0]["unmet_demand"] = "lost_sale"
    doc = run(tmp_path, data).document
    orders = doc["kpis"]["orders"]
    assert doc["by_site"]["north"]["lateral_units_in"] == 6
    assert doc["kpis"]["lost_sales_units"] == orders - 6
    del data["sites"][0]["lateral"]
    without = run(tmp_path, data).document
    assert without["kpis"]["lost_sales_units"] == without["kpis"]["orders"] == orders


def test_the_first_sibling_with_the_whole_shortfall_ships_it(tmp_path):
    """Orders of 3: a sibling with 2 to spare is passed over for the next one in the list."""
    data = copy.deepcopy(SIBLINGS)
    data["sites"].append({"id": "west", "policies": {"a": {"type": "base_stock", "level": 9}}})
    data["sites"][0]["lateral"] = {"from": ["south", "west"], "keep": 8}
    data["customers"]["segments"][0]["quantity"] = 3
    doc = run(tmp_path, data).document
    sites = doc["by_site"]
    assert sites["south"]["lateral_units_out"] == 0  # 10 - 8 = 2 < 3
    assert sites["west"]["lateral_units_out"] == 0  # 9 - 8 = 1 < 3
    data["sites"][2]["policies"]["a"]["level"] = 20
    sites = run(tmp_path, data).document["by_site"]
    assert sites["south"]["lateral_units_out"] == 0
    assert sites["west"]["lateral_units_out"] == 12  # 20 - 8 = 12: four orders of 3
    assert sites["north"]["lateral_units_in"] == 12


def test_damaged_lateral_units_are_ordered_again_from_the_regular_source(tmp_path):
    data = copy.deepcopy(SIBLINGS)
    data["carriers"][0]["damage_rate"] = 0.5
    data["sites"][1]["policies"]["a"]["level"] = 200
    data["customers"]["segments"][0]["orders_per_customer_per_day"] = 5
    result = run(tmp_path, data)
    north = result.model.sites["north"].stocks["a"]
    sites = result.document["by_site"]
    damaged = north.rejected_total
    assert damaged > 0
    # what south shipped arrived in good order, arrived damaged, or is still on the van
    in_transit = sites["south"]["lateral_units_out"] - sites["north"]["lateral_units_in"] - damaged
    assert 0 <= in_transit <= 10
    # north's on order: the units on the van, and the damaged ones re-ordered from the vendor
    # (1000 days away; north's own base stock orders more only for what no sibling covered)
    assert north.on_order >= in_transit + damaged
    assert north.on_hand >= 0 and north.backorders >= 0


@pytest.mark.parametrize(
    ("lateral", "path", "message"),
    [
        ({"from": ["east"]}, "sites.0.lateral.from.0", "unknown site 'east'"),
        ({"from": ["north"]}, "sites.0.lateral.from.0", "is the site itself"),
        ({"from": ["south", "south"]}, "sites.0.lateral.from.1", "listed twice"),
        ({"from": ["south"], "carrier": "pigeon"}, "sites.0.lateral.carrier", "unknown carrier"),
        ({"from": ["south"], "products": ["b"]}, "sites.0.lateral.products.0", "no policy for"),
        ({"from": []}, "sites.0.lateral.from", "at least 1"),
        ({"from": ["south"], "keep": -1}, "sites.0.lateral.keep", "greater than or equal"),
    ],
)
def test_bad_laterals_are_refused_with_their_path(tmp_path, capsys, lateral, path, message):
    data = copy.deepcopy(SIBLINGS)
    data["sites"][0]["lateral"] = lateral
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert f"{file}: {path}: " in err and message in err, err


def test_a_sibling_without_a_policy_for_the_product_is_refused(tmp_path, capsys):
    data = copy.deepcopy(SIBLINGS)
    data["products"].append({"id": "b", "unit_cost": 1, "price": 2})
    data["suppliers"][0]["products"].append("b")
    data["sites"][0]["policies"]["b"] = {"type": "base_stock", "level": 1}
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert f"{file}: sites.0.lateral.from.0: 'south' has no policy for b" in err, err
    # moving only the product the sibling stocks is fine
    data["sites"][0]["lateral"]["products"] = ["a"]
    assert main(["validate", write(tmp_path, data)]) == 0


def test_the_single_warehouse_has_no_siblings(tmp_path, capsys):
    data = copy.deepcopy(SIBLINGS)
    data["warehouse"] = data.pop("sites")[0]
    del data["warehouse"]["id"]
    del data["customers"]["segments"][0]["site"]
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    assert f"{file}: warehouse.lateral: " in capsys.readouterr().err


def test_units_are_conserved_over_a_network_with_lateral_moves_and_substitutes(tmp_path):
    """Every unit the network started with or bought is on a shelf, was handed to a customer
    (counted from the trace, order by order), is on its way inside the network, or was damaged
    on a lateral lane."""
    carriers = [{"id": "van", "transit_days": 1, "damage_rate": 0.05, "cost_per_unit": 0.5}]
    stores = []
    for i in range(3):
        siblings = [f"s{j}" for j in range(3) if j != i]
        stores.append(
            {
                "id": f"s{i}",
                "replenish_from": {"a": "hub", "b": "hub"},
                "unmet_demand": ["backorder", "lost_sale"][i % 2],
                "policies": {
                    "a": {"type": "base_stock", "level": 2 + i},
                    "b": {"type": "min_max", "min": 1, "max": 4, "review_days": 1},
                },
                "lateral": {"from": siblings, "carrier": "van", "keep": i % 2},
            }
        )
    data = {
        "name": "conservation",
        "horizon_days": 150,
        "warmup_days": 0,
        "products": [
            {
                "id": "a",
                "unit_cost": 1,
                "price": 2,
                "substitutes": [{"product": "b", "acceptance": 0.5}],
            },
            {"id": "b", "unit_cost": 1, "price": 3},
        ],
        "suppliers": [{"id": "v", "products": ["a", "b"], "lead_time_days": 3}],
        "carriers": carriers,
        "sites": [
            {
                "id": "hub",
                "policies": {
                    "a": {"type": "base_stock", "level": 8},
                    "b": {"type": "base_stock", "level": 6},
                },
            },
            *stores,
        ],
        "lanes": [{"origin": "hub", "destination": f"s{i}", "transit_days": 2} for i in range(3)],
        "customers": {
            "segments": [
                {
                    "id": f"c{i}",
                    "site": f"s{i}",
                    "count": 1,
                    "orders_per_customer_per_day": 1.5,
                    "quantity": {"dist": "poisson", "mean": 1.5},
                    "product_mix": {"a": 0.7, "b": 0.3},
                    "promised_days": 2,
                }
                for i in range(3)
            ]
        },
    }
    result = run(tmp_path, data, trace=True)
    model, doc = result.model, result.document
    assert doc["kpis"]["substituted_orders"] > 0
    assert sum(row["lateral_units_out"] for row in doc["by_site"].values()) > 0
    hubs = model.sites["hub"].stocks.values()
    below = [s for sid, node in model.sites.items() if sid != "hub" for s in node.stocks.values()]
    routes = [r for f in model.fronts.values() for front in f.values() for r in front.routes]
    # units handed to customers: released orders, and the allocated part of those still waiting
    handed = sum(row[4] for row in result.trace if row[1] == "released" and not row[8])
    handed += sum(o.qty - o.remaining for s in below for o in s.backlog)
    lateral_in = sum(r.received_total for r in routes)
    damaged = sum(s.rejected_total for s in below)  # only the van damages units
    lateral_flying = sum(r.shipped_total for r in routes) - lateral_in - damaged
    # transfers the hub allocated that have not arrived: what the stores have on order, less
    # what still waits at the hub and what rides the van
    waiting = sum(h.backorders for h in hubs)
    transfers_flying = sum(s.on_order for s in below) - waiting - lateral_flying
    assert damaged > 0 and lateral_flying >= 0 and transfers_flying >= 0
    stocks = [*hubs, *below]
    assert sum(s.initial for s in stocks) + sum(h.accepted_total for h in hubs) == (
        sum(s.on_hand for s in stocks) + handed + transfers_flying + lateral_flying + damaged
    )


def test_the_network_figure_draws_lateral_lanes_between_siblings(tmp_path):
    """A lateral lane joins two sites of one echelon: it is drawn, and moves neither site."""
    from simulator.report.figures.network import network_of

    data = copy.deepcopy(SIBLINGS)
    data["sites"][1]["lateral"] = {"from": ["north"]}  # and back: a circle of siblings
    net = network_of(run(tmp_path, data).document)
    assert net.columns["north"] == net.columns["south"] == 1
    assert ("south", "north", 6) in {(ln.origin, ln.destination, ln.units) for ln in net.lanes}
