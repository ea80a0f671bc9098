"""KPI definitions that the first version got subtly wrong (issue 10), each against the trace or
arithmetic: purchase orders and the bullwhip numerator include re-orders of rejected units, a
limited-capacity supplier's default quote includes the order's own production time, and the 95th
percentile of cycle times is never a made-up bin middle."""

import math

import pytest

from simulator.config.loading import parse_scenario
from simulator.metrics import percentile
from simulator.model import simulate
from simulator.records import Recorder
from simulator.tallies import CYCLE_BIN

COL = {name: i for i, name in enumerate(Recorder.TRACE_COLUMNS)}

ONE_PRODUCT = {
    "name": "kpi_definitions",
    "horizon_days": 300,
    "warmup_days": 20,
    "seed": 2,
    "products": [{"id": "item", "unit_cost": 10, "price": 15}],
    "suppliers": [{"id": "vendor", "products": ["item"], "lead_time_days": 3, "order_cost": 40}],
    "warehouse": {
        "holding_cost_per_unit_day": 0.01,
        "unmet_demand": "backorder",
        "policies": {"item": {"type": "reorder_point", "reorder_point": 30, "order_quantity": 40}},
    },
    "customers": {
        "segments": [
            {
                "id": "all",
                "count": 1,
                "orders_per_customer_per_day": 8.0,
                "quantity": 1,
                "product_mix": {"item": 1.0},
                "promised_days": 1,
            }
        ]
    },
}


def scenario(**changes):
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in ONE_PRODUCT.items()}
    data["suppliers"] = [dict(ONE_PRODUCT["suppliers"][0])]
    data["warehouse"] = dict(ONE_PRODUCT["warehouse"])
    for path, value in changes.items():
        node = data
        *head, last = path.split("__")
        for key in head:
            node = node[0] if isinstance(node, list) else node[key]
        node = node[0] if isinstance(node, list) else node
        node[last] = value
    return parse_scenario(data)


def test_reorders_of_rejected_units_are_purchase_orders():
    """Inspection rejects defective units; their re-orders are orders placed upstream: counted in
    purchase_orders and units_ordered (and so in the bullwhip numerator), free of order cost."""
    sc = scenario(
        suppliers__defect_rate=0.2,
        warehouse__inspection={"days": 0.5, "catch_rate": 1.0},
    )
    r = simulate(sc, trace=True)
    measured = [row for row in r.trace if row[COL["time"]] >= sc.warmup_days]
    placed = [row for row in measured if row[COL["event"]] == "po_placed"]
    again = [row for row in measured if row[COL["event"]] == "po_reordered"]
    assert len(again) > 20
    item = r.document["by_product"]["item"]
    assert item["purchase_orders"] == len(placed) + len(again)
    assert item["units_ordered"] == sum(row[COL["units"]] for row in placed + again)
    assert item["cost_ordering"] == pytest.approx(40 * len(placed))


def test_limited_capacity_default_quote_includes_the_orders_production():
    """A make-to-order line of 100 units a day makes a 40-unit order in 0.4 days: with no queue
    and a constant lead time every delivery arrives exactly at processing + production + lead
    time, which the default quote must count as on time (the first version scored 0%)."""
    sc = scenario(suppliers__capacity_per_day=100.0)
    doc = simulate(sc).document
    vendor = doc["suppliers"]["vendor"]
    assert vendor["deliveries"] > 20
    assert vendor["lead_time_days_mean"] == pytest.approx(3.4)
    assert vendor["on_time_rate"] == 1.0
    assert doc["kpis"]["supplier_on_time_rate"] == 1.0


def test_an_explicit_quote_is_kept_as_written():
    sc = scenario(suppliers__capacity_per_day=100.0, suppliers__quoted_lead_time_days=3.0)
    assert simulate(sc).document["suppliers"]["vendor"]["on_time_rate"] == 0.0


def test_p95_of_instant_delivery_is_zero():
    """Lost sales, ample stock, no carrier: every order is delivered the moment it is placed."""
    sc = scenario(
        warehouse__unmet_demand="lost_sale",
        warehouse__policies={"item": {"type": "base_stock", "level": 60}},
    )
    kpis = simulate(sc).document["kpis"]
    assert kpis["order_cycle_days_mean"] == 0.0
    assert kpis["order_cycle_days_p95"] == 0.0


def test_percentile_is_clamped_to_the_values_seen():
    assert percentile({0: 10}, 0.95, 0.0, 0.0) == 0.0
    key = int(2.5 / CYCLE_BIN)
    assert percentile({key: 7}, 0.95, 2.5, 2.5) == 2.5
    # spread values: the 95th percentile's bin midpoint, exact to one bin
    hist = {k: 1 for k in range(1000)}
    assert math.isclose(percentile(hist, 0.95, 0.0, 0.9995), 949.5 * CYCLE_BIN)
    assert percentile({}, 0.95, math.inf, -math.inf) is None
