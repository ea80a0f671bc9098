"""A fill-rate target beside the cycle service level: the policy sized from the loss function."""

from __future__ import annotations

import math

import pytest

from simulator import load_scenario, simulate
from simulator.config import ConfigError
from simulator.resolve import fill_rate_factor, normal_loss, resolve_rules
from simulator.theory import rq_poisson_backorder
from tests.intervals import assert_ci
from tests.test_analytic import TEXTBOOK

#: Poisson demand of 20 a day, a constant 5-day lead time: lead-time demand ~ N(100, 10²).
RATE, LEAD = 20.0, 5.0
TARGET = 0.95


def rq_with_fill_rate(q: int, days: float = 100.0):
    return load_scenario(
        TEXTBOOK / "rq_poisson.yaml",
        [
            f"customers.segments.all.orders_per_customer_per_day={RATE:g}",
            f"suppliers.vendor.lead_time_days={LEAD:g}",
            f"warehouse.policies.item={{type: reorder_point, fill_rate: {TARGET}, "
            f"order_quantity: {q}}}",
            f"horizon_days={days:g}",
        ],
    )


def test_the_normal_loss_function_at_known_points():
    assert normal_loss(0.0) == pytest.approx(1 / math.sqrt(2 * math.pi))
    assert normal_loss(1.0) == pytest.approx(0.0833, abs=1e-4)  # the textbook table
    assert normal_loss(-3.0) == pytest.approx(3.0004, abs=1e-4)  # G(-k) = k + G(k)


def test_the_safety_factor_meets_the_shortage_per_cycle():
    k = fill_rate_factor(0.95, sd=10.0, per_cycle=100.0)
    assert 10.0 * normal_loss(k) == pytest.approx(0.05 * 100.0, rel=1e-9)
    assert fill_rate_factor(0.5, sd=1.0, per_cycle=1000.0) < -100  # long cycles: negative k


def test_fill_rate_sizes_the_reorder_point_from_the_loss_function():
    rule = resolve_rules(rq_with_fill_rate(100))["item"]
    # G(k) = (1 - 0.95) x 100 / 10 = 0.5: k = -0.19 and r = 100 - 1.9
    assert normal_loss((rule.reorder_point - 100.0) / 10.0) == pytest.approx(0.5, rel=1e-6)
    assert rule.reorder_point == pytest.approx(98.12, abs=0.01)
    # the exact Poisson fill rate of that (r, Q) is the target, to the normal approximation's error
    exact = rq_poisson_backorder(RATE, LEAD, math.floor(rule.reorder_point), 100)["fill_rate"]
    assert exact == pytest.approx(TARGET, abs=0.002)


def test_fill_rate_goes_beside_service_level_not_with_it():
    with pytest.raises(ConfigError) as err:
        load_scenario(
            TEXTBOOK / "rq_poisson.yaml",
            ["warehouse.policies.item.fill_rate=0.95"],  # beside reorder_point: 8
        )
    assert "exactly one of reorder_point, service_level and fill_rate" in str(err.value)


@pytest.mark.analytic
def test_the_simulated_fill_rate_meets_the_target():
    """(r, Q) = (r from fill_rate 0.95, 100), Poisson 20/day, L = 5: the target is in the CI."""
    sc = rq_with_fill_rate(100, days=2000.0)
    fills = [
        simulate(sc, replication=i).document["by_product"]["item"]["fill_rate"] for i in range(20)
    ]
    assert_ci(fills, TARGET, rel_halfwidth=0.01, what="fill rate of a 95% fill-rate target")
