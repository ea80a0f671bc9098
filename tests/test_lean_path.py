"""The lean per-order path gives the numbers the full path gives.

An untraced run takes shortcuts a traced run does not: an order the shelf fills on an instant
outbound path is sold without an ``Order`` and settled into the tallies at the end, releasing an
order is shipping it, a continuous review is skipped above the rule's ``quiet_above``, the chain's
only stock feeds the chain's daily series itself. A traced run walks every stage. Both use the
same random draws, so their result documents must agree (floats to rounding: sums are added in
another order).
"""

from __future__ import annotations

import copy
import math

import pytest
from hypothesis import given

from simulator import load_scenario, parse_scenario, simulate
from simulator.policies import MinMax, OrderUpTo, ReorderPointQ
from tests.test_golden import close as same  # equal documents, floats to 1e-9 relative
from tests.test_properties import examples, scenarios


@pytest.mark.parametrize(
    ("path", "overrides"),
    [
        ("scenarios/textbook/rq_poisson.yaml", ["horizon_days=400"]),
        ("scenarios/baseline.yaml", ["horizon_days=60"]),
        ("scenarios/customer_service.yaml", ["horizon_days=60"]),
        ("scenarios/vmi.yaml", ["horizon_days=60"]),
    ],
)
def test_untraced_run_gives_the_traced_numbers(path, overrides):
    lean = simulate(load_scenario(path, overrides)).document
    full = simulate(load_scenario(path, overrides), trace=True).document
    same(lean, full)


@examples(40)
@given(scenarios())
def test_untraced_run_gives_the_traced_numbers_on_any_scenario(d):
    lean = simulate(parse_scenario(copy.deepcopy(d))).document
    full = simulate(parse_scenario(copy.deepcopy(d)), trace=True).document
    same(lean, full)


@pytest.mark.parametrize(
    "rule",
    [
        ReorderPointQ(review_days=None, reorder_point=8, quantity=5),
        ReorderPointQ(review_days=None, reorder_point=-2.5, quantity=20),
        MinMax(review_days=None, low=15, high=40),
        OrderUpTo(review_days=None, level=30),
    ],
)
def test_a_rule_never_orders_above_its_quiet_bound(rule):
    bound = rule.quiet_above
    assert bound is not None
    for position in range(-60, 120):
        if position > bound:
            assert rule.order_quantity(position) == 0, position
    assert rule.order_quantity(math.floor(bound)) > 0  # and the bound is tight


def test_a_rule_with_a_forecast_states_no_quiet_bound():
    rule = ReorderPointQ(
        review_days=None, reorder_point=0, quantity=5, safety_stock=3.0, cover_days=2.0
    )
    assert rule.quiet_above is None
