"""Replenishment rules: the pure decision functions and the resolution of service levels and EOQ."""

import math

import pytest
from scipy import stats

from simulator.config.schema import (
    BaseStockPolicy,
    MinMaxPolicy,
    PeriodicPolicy,
    ReorderPointPolicy,
)
from simulator.policies import (
    DemandRate,
    LeadTime,
    MinMax,
    OrderUpTo,
    ReorderPointQ,
    economic_order_quantity,
    protection_demand,
)
from simulator.resolve import resolve

DEMAND = DemandRate(mean=10.0, variance=30.0)
LEAD = LeadTime(mean=4.0, variance=1.0)


def test_order_up_to_orders_the_gap_only():
    rule = OrderUpTo(review_days=None, level=20)
    assert rule.order_quantity(20) == 0
    assert rule.order_quantity(25) == 0
    assert rule.order_quantity(13) == 7
    assert rule.order_quantity(-5) == 25


def test_reorder_point_orders_multiples_of_q_until_above_r():
    rule = ReorderPointQ(review_days=None, reorder_point=10, quantity=6)
    assert rule.order_quantity(11) == 0
    assert rule.order_quantity(10) == 6  # position 16 > 10
    assert rule.order_quantity(4) == 12  # 4 -> 16 (10 would not be above r)
    assert rule.order_quantity(-3) == 18  # -3 -> 15
    for position in range(-30, 11):
        q = rule.order_quantity(position)
        assert q % 6 == 0 and position + q > 10 and position + q - 6 <= 10


def test_min_max_orders_up_to_max_at_or_below_min():
    rule = MinMax(review_days=7, low=5, high=30)
    assert rule.order_quantity(6) == 0
    assert rule.order_quantity(5) == 25
    assert rule.order_quantity(-2) == 32


def test_protection_demand_formula():
    mean, sd = protection_demand(DEMAND, LEAD, review_days=3)
    assert mean == pytest.approx(10 * 7)
    assert sd == pytest.approx(math.sqrt(7 * 30 + 100 * 1))


def test_service_level_reorder_point():
    policy = ReorderPointPolicy(type="reorder_point", service_level=0.95, order_quantity=50)
    rule = resolve(policy, DEMAND, LEAD)
    mean, sd = 40.0, math.sqrt(4 * 30 + 100 * 1)
    z = stats.norm.ppf(0.95)
    assert rule.reorder_point == pytest.approx(mean + z * sd)
    assert rule.safety_stock == pytest.approx(z * sd)
    assert rule.quantity == 50


def test_higher_service_level_gives_higher_reorder_point():
    points = [
        resolve(
            ReorderPointPolicy(type="reorder_point", service_level=s, order_quantity=5),
            DEMAND,
            LEAD,
        ).reorder_point
        for s in (0.5, 0.8, 0.9, 0.95, 0.99)
    ]
    assert points == sorted(points) and points[0] == pytest.approx(40.0)


def test_eoq():
    assert economic_order_quantity(10, 50, 0.1) == round(math.sqrt(2 * 10 * 50 / 0.1))
    policy = ReorderPointPolicy(type="reorder_point", reorder_point=5, eoq=True)
    assert resolve(policy, DEMAND, LEAD, order_cost=50, holding_per_day=0.1).quantity == 100
    with pytest.raises(ValueError):
        economic_order_quantity(10, 0, 0.1)


def test_resolve_each_type():
    assert resolve(BaseStockPolicy(type="base_stock", level=9), DEMAND, LEAD).target == 9
    periodic = resolve(PeriodicPolicy(type="periodic", review_days=7, order_up_to=80), DEMAND, LEAD)
    assert periodic.review_days == 7 and periodic.order_quantity(50) == 30
    mm = resolve(MinMaxPolicy(type="min_max", min=3, max=9), DEMAND, LEAD)
    assert mm.describe() == {"type": "min_max", "min": 3, "max": 9, "review_days": None}
