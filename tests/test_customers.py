"""Customers who remember: analytic checks (Erlang C, geometric repurchase, satisfaction
convergence) and paired behaviour checks under common random numbers."""

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from simulator import load_scenario, parse_scenario, simulate
from simulator.behaviour import experience, stay_probability, update_satisfaction
from simulator.config.schema import Loyalty, Sensitivity
from simulator.theory import erlang_c, geometric_orders_mean
from tests.intervals import assert_ci

ROOT = Path(__file__).resolve().parents[1]
CUSTOMER_SERVICE = ROOT / "scenarios" / "customer_service.yaml"


def one_product_chain(**segment):
    """An ideal chain (stock always there unless said otherwise) with one behavioural segment."""
    seg = {
        "id": "s",
        "count": 200,
        "orders_per_customer_per_day": 0.05,
        "product_mix": {"p": 1.0},
        "promised_days": 0,
        "behaviour": {},
    }
    seg.update(segment)
    return {
        "name": "t",
        "horizon_days": 1000,
        "warmup_days": 50,
        "products": [{"id": "p", "unit_cost": 1, "price": 2}],
        "suppliers": [{"id": "v", "products": ["p"], "lead_time_days": 0}],
        "carriers": [{"id": "slow", "transit_days": 0.5}],
        "warehouse": {"policies": {"p": {"type": "base_stock", "level": 10**6}}},
        "customers": {"segments": [seg]},
    }


# --- analytic -------------------------------------------------------------------------------


@pytest.mark.analytic
def test_service_desk_mean_wait_is_erlang_c():
    """M/M/c: mean wait in queue Wq = C(c, a) / (c mu - lambda) (Erlang 1917; Kleinrock,
    Queueing Systems vol. 1, 1975, sec. 3.5).

    Nothing is ever in stock and sales are lost, so every order is at once a bad experience,
    complained about with probability 1. Customers never leave (stay probability 1) and none
    arrive, so complaints form a Poisson process of rate 200 x 0.05 = 10 a day. Two agents with
    exponential handling of mean 2.4 hours: offered load a = 10/24 x 2.4 = 1 erlang, utilisation
    0.5, where the estimate of a mean wait is least noisy per simulated complaint.
    """
    sc = lost_everything(
        stay=1.0,
        count=200,
        per_day=0,
        per_customer=0.05,
        complain=1.0,
        desk={"agents": 2, "handle_hours": {"dist": "exponential", "mean": 2.4}},
        horizon=14000,
    )
    theory = erlang_c(2, 10 / 24, 2.4)["wait_mean"]
    waits = [simulate(sc, replication=r).kpis["service_desk_wait_hours_mean"] for r in range(16)]
    assert_ci(waits, theory)


def lost_everything(
    stay,
    count=0,
    per_day=50.0,
    memory=0.3,
    initial=1.0,
    per_customer=1.0,
    complain=0.0,
    desk=None,
    horizon=400,
):
    """Nothing is ever in stock and sales are lost: each order is, at once, an experience of
    exactly 1 - short = 0.7, and the customer decides to stay right then."""
    data = one_product_chain(
        count=count,
        orders_per_customer_per_day=per_customer,
        behaviour={
            "initial_satisfaction": initial,
            "memory": memory,
            "sensitivity": {"short": 0.3},
            "loyalty": {"min_stay": stay, "max_stay": stay},
            "survey_rate": 0,
            "complaint_probability": complain,
            "acquisition": {"base_per_day": per_day},
        },
    )
    data["warehouse"] = {
        "unmet_demand": "lost_sale",
        "initial_stock": {"p": 0},
        "policies": {"p": {"type": "base_stock", "level": 0}},
    }
    if desk is not None:
        data["service_desk"] = desk
    data["horizon_days"] = horizon
    data["warmup_days"] = 100
    return parse_scenario(data)


@pytest.mark.analytic
def test_orders_per_customer_is_geometric():
    """With a constant stay probability p after every order, the number of orders a customer
    places is geometric on 1, 2, ... with mean 1 / (1 - p) (e.g. Fader & Hardie, "How to
    project customer retention", 2007). Customers arrive at 50 a day and the system is
    stationary after the warm-up, so those who leave in the horizon are a fair sample."""
    p = 0.8
    sc = lost_everything(stay=p)
    means = [
        simulate(sc, replication=r).document["customers"]["s"]["orders_per_churned_customer_mean"]
        for r in range(10)
    ]
    assert_ci(means, geometric_orders_mean(p))


def test_satisfaction_converges_as_the_update_rule_implies():
    """s_n = e + (1 - w)^n (s_0 - e) after n orders of constant experience e, exactly."""
    sc = lost_everything(stay=1.0, count=40, per_day=0, memory=0.25, initial=1.0)
    result = simulate(sc)
    seg = result.model.segments[0]
    e, w = 0.7, 0.25
    assert max(seg.orders_of) > 100  # long enough to converge
    for c in range(40):
        n = seg.orders_of[c]
        assert seg.satisfaction[c] == pytest.approx(e + (1 - w) ** n * (1.0 - e), abs=1e-12)
    assert result.kpis["satisfaction_mean"] == pytest.approx(e, abs=1e-9)


# --- the pure rules -------------------------------------------------------------------------


def test_experience_penalties_add_up_and_notice_softens():
    sens = Sensitivity()
    late, mask = experience(sens, 2.0, False, 0, False, False, False)
    told, _ = experience(sens, 2.0, True, 0, False, False, False)
    assert late == pytest.approx(1 - 0.15 * 2) and told == pytest.approx(1 - 0.15 * 2 * 0.5)
    assert mask == 1
    worst, mask = experience(sens, 30, False, 1, True, True, True)
    assert worst == 0 and mask == 1 | 2 | 4 | 8 | 16
    assert experience(sens, 0, False, 0, False, False, False) == (1.0, 0)


def test_loyalty_is_a_steep_logistic():
    loyalty = Loyalty(threshold=0.6, steepness=15, min_stay=0.5, max_stay=0.98)
    assert stay_probability(0.6, loyalty) == pytest.approx(0.74)
    assert stay_probability(0.0, loyalty) == pytest.approx(0.5, abs=1e-3)
    assert stay_probability(1.0, loyalty) == pytest.approx(0.98, abs=2e-3)
    values = [stay_probability(s / 20, loyalty) for s in range(21)]
    assert values == sorted(values)
    assert update_satisfaction(0.5, 1.0, 0.3) == pytest.approx(0.65)


# --- behaviour under common random numbers ----------------------------------------------------

SMALL = [
    "horizon_days=180",
    "warmup_days=30",
    "customers.segments.retail.count=1500",
    "customers.segments.business.count=60",
]
REPS = 6


def frozen_policy():
    """The widget's service-level policy frozen at its resolved numbers, so that a change in the
    supply chain is not compensated by a re-planned reorder point ("we do not re-plan")."""
    doc = simulate(load_scenario(CUSTOMER_SERVICE, [*SMALL, "horizon_days=1"])).document
    widget = doc["policies"]["widget"]
    r, q = round(widget["reorder_point"]), widget["order_quantity"]
    policy = f"{{type: reorder_point, reorder_point: {r}, order_quantity: {q}}}"
    return [f"warehouse.policies.widget={policy}"]


def paired(*overrides):
    """KPI documents of the small customer-service scenario, base and changed, same seeds."""
    fixed = [*SMALL, *frozen_policy()]
    base = load_scenario(CUSTOMER_SERVICE, fixed)
    changed = load_scenario(CUSTOMER_SERVICE, [*fixed, *overrides])
    return (
        [simulate(base, replication=r).document for r in range(REPS)],
        [simulate(changed, replication=r).document for r in range(REPS)],
    )


def paired_drop(before, after, kpi):
    """Assert the paired difference after - before is significantly negative (99%)."""
    d = np.array([a["kpis"][kpi] - b["kpis"][kpi] for a, b in zip(after, before, strict=True)])
    upper = d.mean() + stats.t.ppf(0.99, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
    assert upper < 0, f"{kpi}: paired differences {d} are not significantly negative"


def reason_share(docs, reason):
    total = sum(sum((d["churn_reasons"] or {}).values()) for d in docs)
    return sum((d["churn_reasons"] or {}).get(reason, 0) for d in docs) / total


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ("suppliers.acme.lead_time_days.mean=16", "late"),
        ("suppliers.acme.defect_rate=0.15", "defect"),
        ("warehouse.picking.error_rate=0.12", "wrong_item"),
    ],
    ids=["longer-lead-time", "more-defects", "more-picking-errors"],
)
def test_worse_service_loses_satisfaction_customers_and_revenue(override, reason):
    before, after = paired(override)
    for kpi in ("satisfaction_mean", "retention_rate", "revenue"):
        paired_drop(before, after, kpi)
    assert reason_share(after, reason) > reason_share(before, reason) + 0.05


def test_delay_notices_soften_the_same_delays():
    quiet = [
        *SMALL,
        "customers.segments.retail.behaviour.delay_notice=false",
        "suppliers.acme.lead_time_days.mean=18",
    ]
    told = [
        *quiet[:-2],
        "customers.segments.retail.behaviour.delay_notice=true",
        "suppliers.acme.lead_time_days.mean=18",
    ]
    # notices soften only the backordered orders: a small effect, which needs more replications
    # than REPS to be significant at 99% (six gave an upper bound of +3e-5 with every difference
    # negative)
    reps = 10
    a = [
        simulate(load_scenario(CUSTOMER_SERVICE, quiet), replication=r).document
        for r in range(reps)
    ]
    b = [
        simulate(load_scenario(CUSTOMER_SERVICE, told), replication=r).document for r in range(reps)
    ]
    paired_drop(b, a, "satisfaction_mean")  # without notices satisfaction is lower


def test_customer_kpis_are_consistent():
    doc = simulate(load_scenario(CUSTOMER_SERVICE, SMALL)).document
    k = doc["kpis"]
    segs = doc["customers"]
    assert k["active_customers_end"] == sum(s["active_customers_end"] for s in segs.values())
    assert k["churned_customers"] == sum(s["churned_customers"] for s in segs.values())
    assert -100 <= k["nps"] <= 100 and 0 <= k["satisfaction_mean"] <= 1
    assert 0 < k["retention_rate"] < 1
    assert k["complaints"] > 0 and k["service_desk_wait_hours_mean"] >= 0
    assert k["returns_units"] > 0 and k["cost_returns"] > 0
    assert sum(doc["churn_reasons"].values()) >= k["churned_customers"]
