"""Out-of-stock substitution: customers offered another product when the one ordered is out."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator import kpis
from simulator.cli import main
from simulator.config import load_scenario
from simulator.model import simulate

#: Product a is never in stock (lost sales, nothing on hand, nothing ordered); b always is.
NEVER_A: dict[str, Any] = {
    "name": "substitution",
    "horizon_days": 200,
    "warmup_days": 10,
    "products": [
        {
            "id": "a",
            "unit_cost": 1,
            "price": 2,
            "substitutes": [{"product": "b", "acceptance": 0.6}],
        },
        {"id": "b", "unit_cost": 1, "price": 3},
    ],
    "suppliers": [{"id": "vendor", "products": ["a", "b"], "lead_time_days": 2}],
    "warehouse": {
        "unmet_demand": "lost_sale",
        "initial_stock": {"a": 0, "b": 100000},
        "policies": {
            "a": {"type": "base_stock", "level": 0},
            "b": {"type": "base_stock", "level": 100000},
        },
    },
    "customers": {
        "segments": [
            {
                "id": "shops",
                "count": 1,
                "orders_per_customer_per_day": 10,
                "product_mix": {"a": 1},
                "promised_days": 1,
            }
        ]
    },
}


def write(tmp_path: Path, data: dict, name: str = "substitution.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def run(tmp_path: Path, data: dict) -> dict:
    return simulate(load_scenario(write(tmp_path, data))).document


def test_the_accepting_share_takes_the_substitute(tmp_path):
    """Every order is offered b; each customer takes it with probability 0.6 (99% interval)."""
    doc = run(tmp_path, NEVER_A)
    k = doc["kpis"]
    n = k["orders"]
    assert n > 1500
    assert k["substituted_orders"] == doc["by_product"]["a"]["substituted_orders"]
    assert doc["by_product"]["b"]["substituted_orders"] == 0
    assert k["substitution_rate"] == k["substituted_orders"] / n
    assert abs(k["substitution_rate"] - 0.6) < 2.576 * math.sqrt(0.6 * 0.4 / n)
    # a substituted order is an order for the substitute, filled and paid at its price
    assert doc["by_product"]["b"]["orders"] == k["substituted_orders"]
    assert doc["by_product"]["a"]["orders"] + doc["by_product"]["b"]["orders"] == n
    assert doc["by_product"]["b"]["revenue"] == 3 * k["substituted_orders"]
    assert k["lost_sales_units"] == n - k["substituted_orders"]
    assert k["fill_rate"] == pytest.approx(k["substitution_rate"])


def test_declined_offers_change_nothing_else(tmp_path):
    """Acceptance 0: the offers draw on a stream of their own, so every other number is as
    without substitutes; only the substitution KPIs are added (0)."""
    data = copy.deepcopy(NEVER_A)
    data["products"][0]["substitutes"][0]["acceptance"] = 0.0
    data["customers"]["segments"][0]["product_mix"] = {"a": 0.5, "b": 0.5}
    declined = run(tmp_path, data)
    del data["products"][0]["substitutes"]
    without = run(tmp_path, data)
    assert declined["kpis"].pop("substituted_orders") == 0
    assert declined["kpis"].pop("substitution_rate") == 0
    for row in declined["by_product"].values():
        assert row.pop("substituted_orders") == 0
    declined.pop("version"), without.pop("version")
    assert declined == without
    assert not set(kpis.needing("substitutes")) & set(without["kpis"])


def test_a_substitute_is_offered_only_when_it_has_the_whole_order(tmp_path):
    data = copy.deepcopy(NEVER_A)
    data["warehouse"]["initial_stock"]["b"] = 0  # b never in stock either
    data["warehouse"]["policies"]["b"]["level"] = 0
    doc = run(tmp_path, data)
    assert doc["kpis"]["substituted_orders"] == 0
    assert doc["kpis"]["lost_sales_units"] == doc["kpis"]["units_demanded"]


def test_an_order_the_product_fills_is_never_substituted(tmp_path):
    data = copy.deepcopy(NEVER_A)
    data["warehouse"]["initial_stock"]["a"] = 100000
    data["warehouse"]["policies"]["a"]["level"] = 100000
    data["products"][0]["substitutes"][0]["acceptance"] = 1.0
    doc = run(tmp_path, data)
    assert doc["kpis"]["substituted_orders"] == 0
    assert doc["kpis"]["fill_rate"] == 1.0


@pytest.mark.parametrize(("penalty", "expected"), [(None, 0.9), (0.25, 0.75), (0.0, 1.0)])
def test_a_substitute_costs_its_penalty_in_satisfaction(tmp_path, penalty, expected):
    """Everyone takes b at once: each order scores 1 - substitute, and after ~2,000 orders a
    customer's satisfaction is that score (s_n = e + 0.7^n (s_0 - e)); nobody ever leaves."""
    data = copy.deepcopy(NEVER_A)
    data["products"][0]["substitutes"][0]["acceptance"] = 1.0
    behaviour: dict[str, Any] = {
        "loyalty": {"min_stay": 1.0, "max_stay": 1.0},
        "survey_rate": 0,
        "complaint_probability": 1.0,
    }
    if penalty is not None:
        behaviour["sensitivity"] = {"substitute": penalty}
    data["customers"]["segments"][0].update(count=5, orders_per_customer_per_day=2)
    data["customers"]["segments"][0]["behaviour"] = behaviour
    k = run(tmp_path, data)["kpis"]
    assert k["substitution_rate"] == 1.0
    assert k["satisfaction_mean"] == pytest.approx(expected, abs=1e-9)
    assert k["complaints"] == 0  # the customer agreed: nothing to complain about


#: Two sites: the north never holds a, the south holds no b (so it never offers b).
TWO_SITES: dict[str, Any] = {
    "name": "substitution-network",
    "horizon_days": 100,
    "warmup_days": 0,
    "products": NEVER_A["products"],
    "suppliers": NEVER_A["suppliers"],
    "sites": [
        {"id": "north", "unmet_demand": "lost_sale", **NEVER_A["warehouse"]},
        {
            "id": "south",
            "unmet_demand": "lost_sale",
            "initial_stock": {"a": 0},
            "policies": {"a": {"type": "base_stock", "level": 0}},
        },
    ],
    "customers": {
        "segments": [
            {**NEVER_A["customers"]["segments"][0], "id": "n", "site": "north"},
            {**NEVER_A["customers"]["segments"][0], "id": "s", "site": "south"},
        ]
    },
}


def test_substitutes_are_offered_where_the_order_is_served(tmp_path):
    doc = run(tmp_path, TWO_SITES)
    north, south = doc["by_site"]["north"], doc["by_site"]["south"]
    assert doc["kpis"]["substituted_orders"] > 0
    # every substituted order was served at the north; the south lost all of its orders
    assert north["units_demanded"] == north["orders"]
    assert doc["kpis"]["substituted_orders"] == doc["by_product"]["b"]["orders"]
    assert (
        doc["kpis"]["lost_sales_units"]
        == south["orders"] + north["orders"] - (doc["kpis"]["substituted_orders"])
    )


@pytest.mark.parametrize(
    ("substitutes", "path", "message"),
    [
        ([{"product": "c", "acceptance": 0.5}], "products.0.substitutes.0.product", "unknown"),
        ([{"product": "a", "acceptance": 0.5}], "products.0.substitutes.0.product", "itself"),
        (
            [{"product": "b", "acceptance": 0.5}, {"product": "b", "acceptance": 0.2}],
            "products.0.substitutes.1.product",
            "listed twice",
        ),
        ([{"product": "b", "acceptance": 1.5}], "products.0.substitutes.0.acceptance", "less"),
        ([{"product": "b"}], "products.0.substitutes.0.acceptance", "required"),
    ],
)
def test_bad_substitutes_are_refused_with_their_path(tmp_path, capsys, substitutes, path, message):
    data = copy.deepcopy(NEVER_A)
    data["products"][0]["substitutes"] = substitutes
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert f"{file}: {path}: " in err and message in err, err


def test_a_substitute_stocked_nowhere_is_refused(tmp_path, capsys):
    data = copy.deepcopy(NEVER_A)
    del data["warehouse"]["policies"]["b"]
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert f"{file}: products.0.substitutes.0.product: 'b' has no policy at the warehouse" in err
