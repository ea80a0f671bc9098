"""The supplier side: bullwhip against Chen et al. (2000), VMI and consignment, the supplier
scorecard against the event trace, backup and split sourcing, expediting, forecasts, and the
validation of the keys that drive them."""

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from simulator import load_scenario, parse_scenario, simulate
from simulator.cli import main
from simulator.forecast import DailyTotals, Forecaster, ForecastSpec
from simulator.records import Recorder
from simulator.theory import chen_bullwhip
from tests.intervals import assert_ci

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BACKUP = SCENARIOS / "textbook" / "backup_supplier.yaml"
COL = {name: i for i, name in enumerate(Recorder.TRACE_COLUMNS)}
TIME, EVENT, ORDER, PRODUCT, UNITS, DETAIL = (
    COL[c] for c in ("time", "event", "order", "product", "units", "detail")
)
#: customers who never leave, so that two policies face exactly the same orders
NO_BEHAVIOUR = [
    "customers.segments.retail.behaviour=none",
    "customers.segments.business.behaviour=none",
]
BOTH = ("widget", "gadget")


def details(row) -> dict[str, str]:
    """``key=value`` pairs of a trace row's detail column."""
    return dict(part.split("=", 1) for part in str(row[DETAIL]).split() if "=" in part)


def rows(trace, event, start=-math.inf, end=math.inf):
    return [row for row in trace if row[EVENT] == event and start <= row[TIME] < end]


# --- 1. bullwhip: Chen, Drezner, Ryan & Simchi-Levi (2000) ------------------------------------


def chen_chain(lead_days: int, window: int, horizon: int = 1000, warmup: int = 30):
    """Chen et al.'s setting, made of ideal parts.

    Demand: Poisson orders, 100 a day, of exactly 5 units: i.i.d. daily totals of mean 500 and
    coefficient of variation 0.1, so an order is (practically) never cut at zero. The supplier
    delivers every order exactly ``lead_days`` later (no processing, no carrier, no capacity
    limit). Every day (R = 1) the warehouse orders up to S_t = k x (mean of the last ``window``
    days) + 50, with k = R + L.
    """
    return parse_scenario(
        {
            "name": "chen",
            "horizon_days": horizon,
            "warmup_days": warmup,
            "products": [{"id": "p", "unit_cost": 1, "price": 2}],
            "suppliers": [{"id": "v", "products": ["p"], "lead_time_days": lead_days}],
            "warehouse": {
                "policies": {
                    "p": {
                        "type": "periodic",
                        "review_days": 1,
                        "forecast": {"moving_average": {"window": window}},
                        "safety_stock": 50,
                    }
                }
            },
            "customers": {
                "segments": [
                    {
                        "id": "c",
                        "count": 1,
                        "orders_per_customer_per_day": 100,
                        "quantity": 5,
                        "product_mix": {"p": 1.0},
                        "promised_days": 0,
                    }
                ]
            },
        }
    )


@pytest.mark.analytic
@pytest.mark.parametrize(("k", "p"), [(2, 4), (4, 4), (3, 6)])
def test_bullwhip_of_a_moving_average_order_up_to_policy_is_chens(k, p):
    """Var(q) / Var(D) = 1 + 2k/p + 2k²/p² (Chen, Drezner, Ryan & Simchi-Levi, "Quantifying
    the bullwhip effect in a simple supply chain", Management Science 46(3), 2000, 436-443).

    Order-up-to S_t = k x (p-day moving average) + constant safety stock under i.i.d. demand
    orders q_t = D_{t-1} + (k/p)(D_{t-1} - D_{t-1-p}), k = review period + lead time (Chen's
    L: an order placed at the end of period t arrives at the start of t + L, i.e. L counts the
    review period). Pairs: k/p = 1/2 and 1 at different lead times (L = 1, 3, 2); the third
    checks that k is R + L (k = L alone would give 1.89, not 2.5). 20 runs of 1,000 days.
    """
    sc = chen_chain(lead_days=k - 1, window=p)
    ratios = [simulate(sc, replication=r).kpis["bullwhip_ratio"] for r in range(20)]
    assert_ci(ratios, chen_bullwhip(k, p))


def test_the_simulator_places_chens_orders():
    """Why the CI test above is Chen's model and not a look-alike: day by day, the order placed
    at the review of day t is D_{t-1} + (k/p)(D_{t-1} - D_{t-1-p}) up to rounding to whole
    units (at most 1 unit off: q_t = round(S_t - position), so the rounding errors of two
    reviews enter). D_t counts the units demanded in [t, t + 1): reviews at integer times see
    every complete day, and no order is ever cut at zero."""
    k, p = 3, 6
    r = simulate(chen_chain(lead_days=k - 1, window=p, horizon=300, warmup=0), trace=True)
    end = 300
    demand = np.zeros(end)
    for row in rows(r.trace, "order_placed"):
        demand[math.floor(row[TIME])] += row[UNITS]
    ordered = np.zeros(end)
    for row in rows(r.trace, "po_placed"):
        assert row[TIME] == int(row[TIME]), "reviews happen at whole days"
        ordered[int(row[TIME])] += row[UNITS]
    t = np.arange(p + 1, end)
    chen = demand[t - 1] + k / p * (demand[t - 1] - demand[t - 1 - p])
    assert np.max(np.abs(ordered[t] - chen)) <= 1.0
    assert ordered[t].min() > 0  # never truncated: Chen's linear formula applies
    # and the receipts: each order arrives exactly L = k - 1 days after it was placed
    placed = {row[ORDER]: row[TIME] for row in rows(r.trace, "po_placed")}
    leads = {row[TIME] - placed[row[ORDER]] for row in rows(r.trace, "po_arrived")}
    assert leads == {k - 1.0}


# --- 2. consignment -------------------------------------------------------------------------


def test_consignment_moves_the_holding_cost_to_the_supplier_and_nothing_else():
    """Who owns the stock changes who pays for holding it, not what happens: the flows are
    identical, the chain's total cost is the same, and exactly the warehouse's holding cost of
    consigned stock appears in the supplier's holding cost."""
    own = [f"warehouse.policies.{pid}.consignment=false" for pid in BOTH]
    consigned = simulate(load_scenario(SCENARIOS / "vmi.yaml")).document
    owned = simulate(load_scenario(SCENARIOS / "vmi.yaml", overrides=own)).document
    for key in ("orders", "units_demanded", "fill_rate", "on_hand_mean", "bullwhip_ratio"):
        assert consigned["kpis"][key] == owned["kpis"][key], key
    for pid in BOTH:
        assert consigned["by_product"][pid]["consigned"] is True
        assert owned["by_product"][pid]["consigned"] is False
        assert consigned["by_product"][pid]["cost_holding"] == 0
        assert owned["by_product"][pid]["cost_holding"] > 0
    moved = owned["kpis"]["cost_holding"]
    assert consigned["kpis"]["cost_holding"] == 0
    party_c, party_o = consigned["costs_by_party"], owned["costs_by_party"]
    acme_c, acme_o = party_c["suppliers"]["acme"], party_o["suppliers"]["acme"]
    assert acme_c["cost_holding"] - acme_o["cost_holding"] == pytest.approx(moved, rel=1e-9)
    assert consigned["suppliers"]["acme"]["cost_holding_consignment"] == pytest.approx(moved)
    assert party_c["chain"]["cost_total"] == pytest.approx(party_o["chain"]["cost_total"], rel=1e-6)
    assert party_c["warehouse"]["cost_holding"] == 0


# --- 3. information: VMI against our own safety stock -----------------------------------------


def test_sales_information_lowers_the_bullwhip_at_the_warehouse_and_at_the_plant():
    """Paired on the same customers (common random numbers, customers who never leave): the
    supplier who manages the stock with sight of sales ships with a lower bullwhip ratio, and its
    plant makes with a lower production bullwhip ratio, than when the warehouse orders EOQ
    batches at a 95% reorder point. With sight of the stock level only (``information:
    inventory``) the plant's production bullwhip is higher than with sales (paired mean, one-sided
    95% bound); the shipments' own bullwhip is on average a little higher too, but not in every
    replication, so that is not asserted. Twelve replications: the plant's difference varies
    much from one replication to the next (one of the first six can go the other way)."""
    classic = load_scenario(SCENARIOS / "safety_stock.yaml", overrides=NO_BEHAVIOUR)
    sales = load_scenario(SCENARIOS / "vmi.yaml", overrides=NO_BEHAVIOUR)
    inventory = load_scenario(
        SCENARIOS / "vmi.yaml",
        overrides=NO_BEHAVIOUR + [f"warehouse.policies.{p}.information=inventory" for p in BOTH],
    )
    extra = []
    for rep in range(12):
        c, s, i = (simulate(sc, replication=rep).document for sc in (classic, sales, inventory))
        assert c["kpis"]["orders"] == s["kpis"]["orders"] == i["kpis"]["orders"]
        assert c["kpis"]["units_demanded"] == s["kpis"]["units_demanded"]
        assert s["kpis"]["bullwhip_ratio"] < c["kpis"]["bullwhip_ratio"]
        plant_s = s["suppliers"]["acme"]["production_bullwhip_ratio"]
        plant_c = c["suppliers"]["acme"]["production_bullwhip_ratio"]
        assert plant_s < plant_c
        extra.append(i["suppliers"]["acme"]["production_bullwhip_ratio"] - plant_s)
    extra = np.asarray(extra)
    bound = extra.mean() - stats.t.ppf(0.95, extra.size - 1) * extra.std(ddof=1) / math.sqrt(
        extra.size
    )
    assert bound > 0, f"inventory - sales production bullwhip: {extra}"


@pytest.mark.parametrize("information", ["sales", "inventory"])
def test_the_plant_forecasts_one_observation_per_day_of_what_it_sees(information):
    """Under VMI the plant's forecast is fed once a day (sales, or inferred consumption), so it
    tracks the mean demand (it once also got a zero a day from its own empty order stream, which
    halved it)."""
    over = NO_BEHAVIOUR + [f"warehouse.policies.{p}.information={information}" for p in BOTH]
    sc = load_scenario(SCENARIOS / "vmi.yaml", overrides=over + ["horizon_days=140"])
    model = simulate(sc).model
    days = sc.warmup_days + sc.horizon_days
    for pid, plant in model.suppliers["acme"].plants.items():
        assert days - 2 <= plant.forecaster.observations <= days
        mean = model.warehouse.stocks[pid].tally.units / sc.horizon_days
        assert plant.forecaster.value == pytest.approx(mean, rel=0.3)


def test_vmi_shipments_need_no_purchase_order():
    """Under VMI the supplier decides: no order cost, no processing day (the delivery's lead time
    is the supplier's lead time and the transit only, plus any wait for finished goods)."""
    d = simulate(load_scenario(SCENARIOS / "vmi.yaml", overrides=NO_BEHAVIOUR)).document
    assert d["kpis"]["cost_ordering"] == 0
    assert d["suppliers"]["acme"]["orders"] > 0
    # gamma(4, 1.5) + uniform(1, 2) = 5.5 on average; a purchase order would add its day
    assert 5.3 < d["suppliers"]["acme"]["lead_time_days_mean"] < 6.4


# --- 4. the scorecard against the event records -------------------------------------------------


def test_scorecard_agrees_with_the_trace():
    """Each supplier's scorecard, recomputed delivery by delivery from the trace: purchase orders
    (``po_placed``, and ``po_reordered`` for rejected units sent again) are linked to their
    arrivals at the dock (``po_arrived``) by reference. Lead time = arrival - placement; on time
    when within the quoted lead time; dppm = defective units per million delivered."""
    sc = load_scenario(SCENARIOS / "baseline.yaml", overrides=["horizon_days=220"])
    r = simulate(sc, trace=True)
    doc, trace = r.document, r.trace
    start, end = sc.warmup_days, sc.warmup_days + sc.horizon_days
    placed = {}
    orders = defaultdict(int)
    for row in rows(trace, "po_placed") + rows(trace, "po_reordered"):
        placed[row[ORDER]] = row[TIME]
        orders[row[DETAIL]] += row[TIME] >= start
    arrived = defaultdict(list)
    for row in rows(trace, "po_arrived", start, end):
        arrived[details(row)["supplier"]].append(row)
    assert set(arrived) == {"acme", "globex"}
    for sid, card in doc["suppliers"].items():
        got = arrived[sid]
        leads = np.array([row[TIME] - placed[row[ORDER]] for row in got])
        units = sum(row[UNITS] for row in got)
        defective = sum(int(details(row)["defective"]) for row in got)
        assert card["orders"] == orders[sid]
        assert card["deliveries"] == len(got)
        assert card["units_delivered"] == units
        assert card["dppm"] == pytest.approx(defective * 1e6 / units)
        assert card["on_time_rate"] == pytest.approx(
            np.mean(leads <= card["quoted_lead_time_days"] + 1e-9)
        )
        assert card["lead_time_days_mean"] == pytest.approx(leads.mean())
        assert card["lead_time_days_sd"] == pytest.approx(leads.std(ddof=1))
        outages = r.model.suppliers[sid].outages
        down = sum(max(0.0, min(b, end) - max(a, start)) for a, b in outages)
        assert card["disruption_days"] == pytest.approx(down)
    assert doc["suppliers"]["acme"]["quoted_lead_time_days"] == 16
    assert doc["suppliers"]["acme"]["dppm"] > 0  # the scenario has what the card measures
    assert doc["suppliers"]["globex"]["disruption_days"] >= 14  # the scheduled shutdown
    assert doc["suppliers"]["acme"]["on_time_rate"] < 1  # and lateness
    # purchase cost: accepted units put away in the horizon (one supplier per product here)
    for sid, pid in (("acme", "widget"), ("globex", "gadget")):
        received = sum(
            row[UNITS] for row in rows(trace, "po_received", start, end) if row[PRODUCT] == pid
        )
        assert doc["suppliers"][sid]["cost_purchase"] == pytest.approx(
            received * sc.product(pid).unit_cost
        )
    # the kpi over all suppliers
    deliveries = sum(len(v) for v in arrived.values())
    on_time = sum(c["on_time_rate"] * c["deliveries"] for c in doc["suppliers"].values())
    assert doc["kpis"]["supplier_on_time_rate"] == pytest.approx(on_time / deliveries)


def expected_score(card, weights):
    known = {k: v for k, v in card["score_parts"].items() if v is not None}
    return sum(weights[k] * v for k, v in known.items()) / sum(weights[k] for k in known)


def test_score_is_the_weighted_mean_of_its_parts_with_the_scenarios_weights():
    """score = sum_i w_i x part_i / sum_i w_i over the parts that can be measured, with
    on_time = on-time rate, quality = max(0, 1 - dppm / 100,000), lead_time_consistency =
    1 / (1 + sd / mean of the lead time), cost = cheapest unit cost / own, availability =
    1 - outage days / horizon."""
    base = ["horizon_days=220"]
    sc = load_scenario(SCENARIOS / "baseline.yaml", overrides=base)
    doc = simulate(sc).document
    w = sc.scorecard.weights.model_dump()
    for card in doc["suppliers"].values():
        parts = card["score_parts"]
        assert parts["on_time"] == card["on_time_rate"]
        assert parts["quality"] == pytest.approx(max(0.0, 1 - card["dppm"] / 100_000))
        cv = card["lead_time_days_sd"] / card["lead_time_days_mean"]
        assert parts["lead_time_consistency"] == pytest.approx(1 / (1 + cv))
        assert parts["cost"] == 1.0  # each is the only supplier of its product
        assert parts["availability"] == pytest.approx(1 - card["disruption_days"] / 220)
        assert card["score"] == pytest.approx(expected_score(card, w))
        assert sum(card["score_weights"].values()) == pytest.approx(1.0)
    assert doc["suppliers"]["globex"]["score_parts"]["availability"] < 1

    def rescored(**weights):
        full = dict.fromkeys(w, 0.0) | weights
        over = base + ["scorecard.weights=" + yaml.safe_dump(full, default_flow_style=True)]
        return simulate(load_scenario(SCENARIOS / "baseline.yaml", overrides=over)).document

    only_on_time = rescored(on_time=1.0)
    only_availability = rescored(availability=3.0)  # weights are normalised
    doubled = simulate(
        load_scenario(
            SCENARIOS / "baseline.yaml",
            overrides=base + [f"scorecard.weights.{k}={2 * v}" for k, v in w.items()],
        )
    ).document
    for sid, card in doc["suppliers"].items():
        # the weights change the score, never the measured parts
        assert only_on_time["suppliers"][sid]["score_parts"] == card["score_parts"]
        assert only_on_time["suppliers"][sid]["score"] == pytest.approx(card["on_time_rate"])
        assert only_availability["suppliers"][sid]["score"] == pytest.approx(
            card["score_parts"]["availability"]
        )
        assert doubled["suppliers"][sid]["score"] == pytest.approx(card["score"])
    assert only_availability["suppliers"]["acme"]["score"] == 1.0  # acme has no outages


def test_default_quoted_lead_time_is_processing_plus_lead_time_plus_transit():
    """Deliveries are scored at the dock, so the default promise leaves inspection out (as the
    scenario reference says)."""
    data = yaml.safe_load(BACKUP.read_text())
    data["suppliers"][0]["order_processing_days"] = 0.5
    data["warehouse"]["inspection"] = {"catch_rate": 0.5, "days": 3}
    doc = simulate(parse_scenario(data)).document
    assert doc["suppliers"]["main"]["quoted_lead_time_days"] == 0.5 + 4 + 2
    assert doc["suppliers"]["spare"]["quoted_lead_time_days"] == 7 + 2


# --- 5. sourcing and expediting -------------------------------------------------------------


def outage_fill_rate(trace, start=100, end=140):
    """Units filled from stock / units demanded, over the orders placed in [start, end)."""
    placed = rows(trace, "order_placed", start, end)
    return sum(int(details(row)["filled"]) for row in placed) / sum(row[UNITS] for row in placed)


def test_a_backup_supplier_keeps_the_shelf_filled_during_an_outage():
    """Paired on the same customers: the fill rate of the orders placed during main's 40-day
    shutdown is higher when spare takes over than when orders wait for main; and every order of
    the shutdown went to spare, every other one to main."""
    backup = load_scenario(BACKUP)
    single = load_scenario(BACKUP, overrides=["warehouse.sourcing.item.rule=single"])
    for rep in range(6):
        with_backup = simulate(backup, replication=rep, trace=True)
        alone = simulate(single, replication=rep, trace=True)
        assert outage_fill_rate(with_backup.trace) > outage_fill_rate(alone.trace) + 0.2
        for row in rows(with_backup.trace, "po_placed"):
            assert row[DETAIL] == ("spare" if 100 <= row[TIME] < 140 else "main"), row
        assert {row[DETAIL] for row in rows(alone.trace, "po_placed")} == {"main"}
        assert with_backup.document["suppliers"]["spare"]["deliveries"] > 0


def test_split_sourcing_divides_each_order_by_the_shares():
    """Each order is cut into parts of floor or ceil of units x share, which add up to it; each
    part is a purchase order of its own, with its supplier's order cost."""
    shares = {"main": 0.7, "spare": 0.3}
    sc = load_scenario(
        BACKUP,
        overrides=[
            "warehouse.sourcing.item={rule: split, shares: {main: 0.7, spare: 0.3}}",
            "warehouse.policies.item={type: periodic, review_days: 1, order_up_to: 200}",
            "suppliers.main.order_cost=50",
            "suppliers.spare.order_cost=80",
        ],
    )
    r = simulate(sc, trace=True)
    by_time = defaultdict(dict)
    for row in rows(r.trace, "po_placed"):
        by_time[row[TIME]][row[DETAIL]] = row[UNITS]
    odd = 0
    for parts in by_time.values():
        total = sum(parts.values())
        for sid, units in parts.items():
            assert math.floor(total * shares[sid]) <= units <= math.ceil(total * shares[sid])
        odd += any(total * s != int(total * s) for s in shares.values())
    assert odd > 10  # orders that do not divide evenly were tested
    measured = [t for t in by_time if t >= sc.warmup_days]
    item = r.document["by_product"]["item"]
    assert item["purchase_orders"] == sum(len(by_time[t]) for t in measured)
    costs = {s.id: s.order_cost for s in sc.suppliers}
    charged = sum(costs[sid] for t in measured for sid in by_time[t])
    assert item["cost_ordering"] == pytest.approx(charged)
    assert item["units_ordered"] == sum(sum(by_time[t].values()) for t in measured)
    totals = {sid: sum(p.get(sid, 0) for p in by_time.values()) for sid in shares}
    grand = sum(totals.values())
    for sid, share in shares.items():
        assert abs(totals[sid] - share * grand) <= len(by_time)


def test_expedited_orders_ride_the_express_carrier_at_a_price():
    """While backorders exceed the threshold, new purchase orders travel by air (0.5 days instead
    of 2 by truck): each expedited order is one placed above the threshold and arrives exactly
    0.5 + 4 days after main can start it; expediting costs transport money."""
    single = ["warehouse.sourcing.item.rule=single"]
    plain = simulate(load_scenario(BACKUP, overrides=single), trace=True)
    sc = load_scenario(
        BACKUP, overrides=single + ["warehouse.expedite={backorder_threshold: 20, carrier: air}"]
    )
    fast = simulate(sc, trace=True)
    item = fast.document["by_product"]["item"]
    assert item["expedited_orders"] > 0
    assert plain.document["by_product"]["item"]["expedited_orders"] == 0
    assert fast.kpis["cost_transport"] > plain.kpis["cost_transport"]
    start = sc.warmup_days
    backorders = COL["backorders"]
    pos = rows(fast.trace, "po_placed")
    urgent = {row[ORDER] for row in pos if row[backorders] > 20}
    assert item["expedited_orders"] == sum(
        row[ORDER] in urgent for row in pos if row[TIME] >= start
    )
    main_node = fast.model.suppliers["main"]
    placed = {row[ORDER]: row[TIME] for row in pos}
    for row in rows(fast.trace, "po_arrived"):
        ready = main_node.available_from(placed[row[ORDER]])
        transit = 0.5 if row[ORDER] in urgent else 2.0
        assert row[TIME] == pytest.approx(ready + 4 + transit)


# --- 6. forecasts ---------------------------------------------------------------------------


def moving_average(window):
    return ForecastSpec(window=window)


def test_moving_average_starts_from_the_prior_and_forgets_it():
    f = Forecaster(moving_average(3), prior=10.0)
    assert f.value == 10.0
    assert f.update(1.0) == pytest.approx((10 + 10 + 1) / 3)
    assert f.update(2.0) == pytest.approx((10 + 1 + 2) / 3)
    assert f.update(3.0) == pytest.approx(2.0)
    assert f.update(0.0) == pytest.approx(5 / 3)
    for x in range(5000):  # the running sum is re-summed now and then; still exact
        f.update(float(x % 7))
    assert f.value == pytest.approx((4999 % 7 + 4998 % 7 + 4997 % 7) / 3)
    assert f.observations == 5004


def test_exponential_smoothing_follows_its_recursion():
    f = Forecaster(ForecastSpec(alpha=0.25), prior=8.0)
    expected = 8.0
    for x in (0.0, 4.0, 12.0, 12.0, 0.0):
        expected += 0.25 * (x - expected)
        assert f.update(x) == pytest.approx(expected)
    one = Forecaster(ForecastSpec(alpha=1.0), 3.0)
    assert one.update(7.0) == 7.0  # alpha = 1: yesterday's demand


def test_daily_totals_close_whole_days_including_empty_ones():
    seen = []
    days = DailyTotals(seen.append, start=10.0)
    days.add(10.2, 3)
    days.add(10.9, 2)
    days.add(11.0, 4)  # a new day starts exactly at 11
    assert seen == [5]
    days.add(13.5, 1)
    assert seen == [5, 4, 0]
    days.close_until(13.99)
    assert seen == [5, 4, 0]
    days.close_until(16.0)
    assert seen == [5, 4, 0, 1, 0, 0]
    f = Forecaster(moving_average(2), prior=0.0)
    feed = DailyTotals(f.update)
    feed.add(0.5, 6)
    feed.close_until(3.0)  # days 0, 1, 2: 6, 0, 0
    assert f.value == 0.0 and f.observations == 3


# --- 7. validation of the new keys ----------------------------------------------------------


def valid_chain():
    return {
        "name": "v",
        "horizon_days": 10,
        "products": [{"id": "p", "unit_cost": 1, "price": 2}],
        "suppliers": [
            {"id": "a", "products": ["p"], "lead_time_days": 1},
            {"id": "b", "products": ["p"], "lead_time_days": 2},
        ],
        "carriers": [{"id": "air", "mode": "express", "transit_days": 1}],
        "warehouse": {"policies": {"p": {"type": "base_stock", "level": 5}}},
        "customers": {
            "segments": [
                {
                    "id": "c",
                    "count": 1,
                    "orders_per_customer_per_day": 1,
                    "product_mix": {"p": 1.0},
                    "promised_days": 0,
                }
            ]
        },
    }


def _vmi_band(d):
    d["warehouse"]["policies"]["p"] = {
        "type": "vmi",
        "min_days_of_supply": 6,
        "max_days_of_supply": 6,
    }


def _periodic_both(d):
    d["warehouse"]["policies"]["p"] = {
        "type": "periodic",
        "review_days": 1,
        "order_up_to": 5,
        "forecast": {"moving_average": {"window": 3}},
        "safety_stock": 1,
    }


def _unknown_backup(d):
    d["warehouse"]["sourcing"] = {"p": {"rule": "backup", "primary": "a", "backup": "zz"}}


def _split_shares(d):
    d["warehouse"]["sourcing"] = {"p": {"rule": "split", "shares": {"a": 0.5, "b": 0.4}}}


def _two_capacities(d):
    d["suppliers"][1]["capacity_per_day"] = 5
    d["suppliers"][1]["production"] = {"capacity_per_day": 5}


def _unknown_express(d):
    d["warehouse"]["expedite"] = {"backorder_threshold": 3, "carrier": "jet"}


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (_vmi_band, "warehouse.policies.p", "min_days_of_supply (6.0) must be below"),
        (_periodic_both, "warehouse.policies.p", "give exactly one of order_up_to and forecast"),
        (_unknown_backup, "warehouse.sourcing.p.backup", "unknown supplier 'zz'"),
        (_split_shares, "warehouse.sourcing.p.shares", "shares sum to 0.9, must sum to 1"),
        (_two_capacities, "suppliers.1", "give capacity_per_day or production, not both"),
        (_unknown_express, "warehouse.expedite.carrier", "unknown carrier 'jet'"),
    ],
)
def test_invalid_supply_keys_exit_2_with_their_path(tmp_path, capsys, change, path, message):
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(valid_chain()))
    assert main(["validate", str(good)]) == 0
    data = valid_chain()
    change(data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    capsys.readouterr()
    assert main(["validate", str(bad)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{bad}: {path}: {message}"), lines[0]
