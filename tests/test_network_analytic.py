"""Analytic tests of supply networks: the simulator against closed forms, with a bounded CI.

A two-site serial chain under one-for-one base stock (``simulator.theory.serial``), and
independent identical regional sites, each of which must reproduce the single-site base-stock
closed form (``simulator.theory.base_stock_poisson``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.config import load_scenario
from simulator.model import simulate
from simulator.theory import base_stock_poisson, serial_base_stock_poisson
from tests.intervals import assert_ci

TEXTBOOK = Path(__file__).resolve().parents[1] / "scenarios" / "textbook"

#: Independent replications per test and customer orders in each (one million in all).
REPS, ORDERS_PER_REP = 20, 50_000
RATE, L1, L2, S1, S2 = 5.0, 1.0, 1.0, 5, 7  # as in serial_base_stock.yaml


@pytest.mark.analytic
def test_serial_chain_matches_the_exact_two_echelon_closed_form() -> None:
    """Supplier -> dc (S1, L1) -> store (S2, L2), unit Poisson demand at the store, backorders.

    Upstream, D1 ~ Poisson(lambda L1): on hand E[(S1 - D1)^+], backorders B1 = (D1 - S1)^+.
    Downstream the units on order are X2 = Poisson(lambda L2) + B1 (demand over the transit
    plus the upstream backorders one transit earlier, independent parts), so the store's fill
    rate is P(X2 <= S2 - 1), its on hand E[(S2 - X2)^+] and its backorders E[(X2 - S2)^+]
    (Axsäter 2006, Inventory Control, serial systems; ``theory.serial_base_stock_poisson``).
    Each value is checked at 99% confidence with a half-width under 2% of the theory.
    """
    truth = serial_base_stock_poisson(RATE, L1, L2, S1, S2)
    sc = load_scenario(
        TEXTBOOK / "serial_base_stock.yaml", overrides=[f"horizon_days={ORDERS_PER_REP / RATE:g}"]
    )
    runs: dict[str, list[float]] = {}
    for i in range(REPS):
        doc = simulate(sc, replication=i).document
        dc, store = doc["by_site"]["dc"], doc["by_site"]["store"]
        for key, value in {
            "upstream_on_hand_mean": dc["on_hand_mean"],
            "upstream_backorders_mean": dc["backorders_mean"],
            "downstream_fill_rate": store["fill_rate"],
            "downstream_on_hand_mean": store["on_hand_mean"],
            "downstream_backorders_mean": store["backorders_mean"],
        }.items():
            runs.setdefault(key, []).append(value)
    assert doc["kpis"]["fill_rate"] == store["fill_rate"]  # customers are served by the store
    for key, samples in runs.items():
        assert_ci(samples, truth[key], what=f"serial {key}")


REGIONAL = {
    "name": "regional",
    "horizon_days": 5000,
    "warmup_days": 20,
    "products": [{"id": "item", "unit_cost": 10, "price": 15}],
    "suppliers": [{"id": "vendor", "products": ["item"], "lead_time_days": 1}],
    "sites": [
        {
            "id": f"r{i}",
            "kind": "warehouse",
            "policies": {"item": {"type": "base_stock", "level": 7}},
        }
        for i in range(3)
    ],
    "customers": {
        "segments": [
            {
                "id": f"c{i}",
                "site": f"r{i}",
                "count": 1,
                "orders_per_customer_per_day": 5.0,
                "product_mix": {"item": 1.0},
                "promised_days": 0,
            }
            for i in range(3)
        ]
    },
}


@pytest.mark.analytic
def test_independent_regional_sites_each_reproduce_the_single_site_closed_form(tmp_path) -> None:
    """Three regional sites, each with its own Poisson customers (5 a day), S = 7, L = 1.

    Sites replenished independently from an unlimited supplier are three single-site systems:
    each site's fill rate P(X <= S - 1) and on hand E[(S - X)^+], X ~ Poisson(lambda L), must
    match ``theory.base_stock_poisson`` (Palm's theorem), at 99% with a half-width under 2%.
    """
    path = tmp_path / "regional.yaml"
    path.write_text(yaml.safe_dump(REGIONAL))
    sc = load_scenario(path)
    truth = base_stock_poisson(5.0, 1.0, 7)
    runs: dict[str, list[float]] = {}
    for i in range(10):
        doc = simulate(sc, replication=i).document
        for sid, row in doc["by_site"].items():
            runs.setdefault(f"{sid} fill_rate", []).append(row["fill_rate"])
            runs.setdefault(f"{sid} on_hand_mean", []).append(row["on_hand_mean"])
    for key, samples in runs.items():
        assert_ci(samples, truth[key.split()[1]], what=f"regional {key}")
