"""Property tests over generated small networks: conservation, levels, determinism, KPI ranges."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.config.loading import validate_model
from simulator.config.schema import Scenario, cross_check
from simulator.model import simulate

POLICIES = st.one_of(
    st.builds(lambda s: {"type": "base_stock", "level": s}, st.integers(0, 12)),
    st.builds(
        lambda r, q: {"type": "reorder_point", "reorder_point": r, "order_quantity": q},
        st.integers(0, 8),
        st.integers(1, 10),
    ),
    st.builds(
        lambda lo, d, r: {"type": "min_max", "min": lo, "max": lo + d, "review_days": r},
        st.integers(0, 6),
        st.integers(1, 8),
        st.sampled_from([1, 2]),
    ),
)


@st.composite
def networks(draw: Any) -> dict:
    """A supplier, one hub and one to three sites below it (or beside it), with customers.

    Sometimes a second product b that substitutes for a, and sometimes sites that pull a
    shortfall laterally from their siblings.
    """
    n = draw(st.integers(1, 3))
    products = ["a", "b"] if draw(st.booleans()) else ["a"]
    sites = [{"id": "hub", "policies": {p: draw(POLICIES) for p in products}}]
    segments = []
    mix = {"a": 1.0} if len(products) == 1 else {"a": 0.7, "b": 0.3}
    for i in range(n):
        site = {"id": f"s{i}", "policies": {p: draw(POLICIES) for p in products}}
        if draw(st.booleans()):
            site["replenish_from"] = {p: "hub" for p in products}
        site["unmet_demand"] = draw(st.sampled_from(["backorder", "lost_sale"]))
        siblings = [f"s{j}" for j in range(n) if j != i]
        if siblings and draw(st.booleans()):
            site["lateral"] = {
                "from": draw(st.permutations(siblings)),
                "keep": draw(st.integers(0, 2)),
                "transit_days": draw(st.sampled_from([0, 1, 1.5])),
            }
        sites.append(site)
        segments.append(
            {
                "id": f"c{i}",
                "site": f"s{i}",
                "count": 1,
                "orders_per_customer_per_day": draw(st.sampled_from([0.5, 1.0, 2.0])),
                "quantity": draw(st.sampled_from([1, {"dist": "poisson", "mean": 2}])),
                "product_mix": mix,
                "promised_days": 2,
            }
        )
    sites[0]["ship_partial"] = draw(st.booleans())
    lanes = [
        {
            "origin": "hub",
            "destination": s["id"],
            "transit_days": draw(st.sampled_from([0, 1, 2.5])),
        }
        for s in sites[1:]
        if "replenish_from" in s
    ]
    substitutes = []
    if len(products) == 2 and draw(st.booleans()):
        substitutes = [{"product": "b", "acceptance": draw(st.sampled_from([0.0, 0.5, 1.0]))}]
    return {
        "name": "generated",
        "horizon_days": 60,
        "warmup_days": draw(st.sampled_from([0, 5])),
        "products": [
            {"id": "a", "unit_cost": 1, "price": 2, "substitutes": substitutes},
            {"id": "b", "unit_cost": 1, "price": 3},
        ][: len(products)],
        "suppliers": [
            {"id": "v", "products": products, "lead_time_days": draw(st.sampled_from([0, 1, 3]))}
        ],
        "sites": sites,
        "lanes": lanes,
        "customers": {"segments": segments},
    }


def load(data: dict) -> Scenario:
    sc = validate_model(Scenario, data, "generated")
    assert cross_check(sc) == []
    return sc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_network_invariants(data: dict) -> None:
    sc = load(data)
    run = simulate(sc)
    stocks = [s for node in run.model.sites.values() for s in node.stocks.values()]
    for s in stocks:
        # no level negative; units conserved at each stock
        assert s.on_hand >= 0 and s.backorders >= 0 and s.on_order >= 0
        assert s.on_hand == s.initial + s.accepted_total - s.allocated_total
    # every unit a sibling shipped laterally was received, or is on its way (on order there)
    routes = [r for front in run.model.fronts.values() for f in front.values() for r in f.routes]
    flying = {id(s): 0 for s in stocks}
    for r in routes:
        assert r.shipped_total >= r.received_total
        flying[id(r.own)] += r.shipped_total - r.received_total
    received = {id(s): sum(r.received_total for r in routes if r.own is s) for s in stocks}
    for s in stocks:
        assert s.on_order >= flying[id(s)]
    # over the network: every unit the hub allocated to a transfer (the hub has no customers)
    # was received below, is on its way, or sits in a transfer still waiting for the rest
    for pid, hub in run.model.sites["hub"].stocks.items():
        below = [
            s
            for node in run.model.sites.values()
            for s in node.stocks.values()
            if s is not hub and not s.external and s.pid == pid
        ]
        assert hub.allocated_total == (
            sum(s.accepted_total - received[id(s)] for s in below)
            + sum(s.on_order - flying[id(s)] for s in below)
            - hub.backorders
        )
    doc = run.document
    again = simulate(sc).document
    assert again == doc  # same seed, same result
    for row in [doc["kpis"], *doc["by_site"].values()]:
        for key in ("fill_rate", "order_fill_rate"):
            assert row[key] is None or 0.0 <= row[key] <= 1.0
        assert row["on_hand_mean"] >= 0 and row["backorders_mean"] >= 0
    sites = doc["by_site"].values()
    assert all(row["lateral_units_in"] >= 0 and row["lateral_units_out"] >= 0 for row in sites)
    if not data["warmup_days"]:  # (a warm-up may ship units that arrive after it)
        moved = sum(r["lateral_units_out"] for r in sites)
        assert sum(r["lateral_units_in"] for r in sites) <= moved
    if "substitution_rate" in doc["kpis"]:
        rate = doc["kpis"]["substitution_rate"]
        assert rate is None or 0.0 <= rate <= 1.0
        assert doc["kpis"]["substituted_orders"] <= doc["kpis"]["orders"]
