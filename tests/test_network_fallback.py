"""A segment's fallback site: orders its own site cannot fill from stock go to another site."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.cli import main
from simulator.config import load_scenario
from simulator.model import simulate

#: Two regional sites buying from one supplier; the north holds too little for its customers.
TWO_SITES: dict[str, Any] = {
    "name": "fallback",
    "horizon_days": 300,
    "warmup_days": 20,
    "products": [{"id": "a", "unit_cost": 1, "price": 2}],
    "suppliers": [{"id": "vendor", "products": ["a"], "lead_time_days": 4}],
    "carriers": [
        {"id": "courier", "mode": "express", "transit_days": 2, "cost_per_unit": 1.0},
    ],
    "sites": [
        {"id": "north", "policies": {"a": {"type": "base_stock", "level": 12}}},
        {"id": "south", "policies": {"a": {"type": "base_stock", "level": 30}}},
    ],
    "customers": {
        "segments": [
            {
                "id": "n",
                "count": 1,
                "orders_per_customer_per_day": 4,
                "product_mix": {"a": 1},
                "promised_days": 1,
                "site": "north",
                "fallback_site": "south",
                "fallback_carrier": "courier",
            },
            {
                "id": "s",
                "count": 1,
                "orders_per_customer_per_day": 4,
                "product_mix": {"a": 1},
                "promised_days": 1,
                "site": "south",
            },
        ]
    },
}


def write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "fallback.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def without_fallback(data: dict) -> dict:
    out = copy.deepcopy(data)
    for seg in out["customers"]["segments"]:
        seg.pop("fallback_site", None)
        seg.pop("fallback_carrier", None)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same seed with and without the north's fallback to the south."""
    folder = tmp_path_factory.mktemp("fallback")
    out = {}
    for name, data in (("with", TWO_SITES), ("without", without_fallback(TWO_SITES))):
        (folder / name).mkdir()
        out[name] = simulate(load_scenario(write(folder / name, data))).document
    return out


def test_a_fallback_site_raises_the_segments_fill_rate(runs):
    with_, without = runs["with"], runs["without"]
    # the segment's orders are served from either site: its fill rate is the customers' own
    assert without["kpis"]["fill_rate"] < 0.9
    assert with_["kpis"]["fill_rate"] > without["kpis"]["fill_rate"] + 0.02
    assert with_["by_site"]["south"]["fallback_orders"] > 0
    assert with_["by_site"]["north"]["fallback_orders"] == 0
    assert without["by_site"]["south"]["fallback_orders"] == 0
    # the north's own customers are fewer there: the south took the ones it could not serve
    moved = with_["by_site"]["south"]["fallback_orders"]
    north, south = with_["by_site"]["north"], with_["by_site"]["south"]
    assert north["orders"] + south["orders"] == with_["kpis"]["orders"]
    assert south["orders"] - moved == pytest.approx(without["by_site"]["south"]["orders"], abs=0)


def test_the_fallback_lane_carries_the_orders_it_serves(runs):
    """Only the fallback lane costs anything (1 a unit, one unit an order): cost = units moved."""
    with_, without = runs["with"], runs["without"]
    assert without["kpis"]["cost_transport"] == 0
    assert with_["kpis"]["cost_transport"] == with_["by_site"]["south"]["fallback_orders"]
    # ... at the courier's 2 days: orders served by the fallback arrive later than promised
    assert with_["kpis"]["on_time_rate"] < 1.0


def test_a_fallback_is_tried_only_when_it_has_the_whole_order(tmp_path):
    data = copy.deepcopy(TWO_SITES)
    data["sites"][1]["policies"]["a"]["level"] = 0  # the south never has stock
    data["customers"]["segments"].pop()  # and no customers of its own
    doc = simulate(load_scenario(write(tmp_path, data))).document
    assert doc["by_site"]["south"]["fallback_orders"] == 0
    assert doc["kpis"]["cost_transport"] == 0


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"fallback_site": "east"}, "customers.segments.0.fallback_site", "unknown site 'east'"),
        ({"fallback_site": "north"}, "customers.segments.0.fallback_site", "own site"),
        ({"fallback_carrier": "pigeon"}, "customers.segments.0.fallback_carrier", "unknown"),
        ({"fallback_site": None}, "customers.segments.0.fallback_carrier", "needs a fallback"),
    ],
)
def test_bad_fallbacks_are_refused_with_their_path(tmp_path, capsys, change, path, message):
    data = copy.deepcopy(TWO_SITES)
    data["customers"]["segments"][0].update(change)
    if change.get("fallback_site", "") is None:
        del data["customers"]["segments"][0]["fallback_site"]
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert f"{file}: {path}: " in err and message in err, err


def test_a_fallback_site_without_the_product_is_refused(tmp_path, capsys):
    data = copy.deepcopy(TWO_SITES)
    data["products"].append({"id": "b", "unit_cost": 1, "price": 2})
    data["suppliers"][0]["products"].append("b")
    data["sites"][0]["policies"]["b"] = {"type": "base_stock", "level": 3}
    data["customers"]["segments"][0]["product_mix"] = {"a": 0.5, "b": 0.5}
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert "customers.segments.0.fallback_site: 'south' has no policy for b" in err, err


def test_a_fallback_site_needs_a_network(tmp_path, capsys):
    data = copy.deepcopy(TWO_SITES)
    data["warehouse"] = data.pop("sites")[0]
    del data["warehouse"]["id"]
    for seg in data["customers"]["segments"]:
        seg.pop("site")
    file = write(tmp_path, data)
    capsys.readouterr()
    assert main(["validate", file]) == 2
    err = capsys.readouterr().err
    assert "customers.segments.0.fallback_site: a fallback site needs sites:" in err, err
