"""Builds the SimPy world from a Scenario and runs it: the only bridge from config to SimPy.

``simulate(scenario, seed=..., replication=...)`` is the one call most code needs: it builds the
model, runs warm-up plus horizon, and returns a :class:`RunResult` with the KPIs (see
:mod:`simulator.metrics`) and, when asked for, the event trace.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import simpy

from simulator.config.schema import Scenario, Supplier
from simulator.entities.carrier import Lane
from simulator.entities.customers import BehaviouralSegment, SegmentDemand
from simulator.entities.returns import ReturnsNode
from simulator.entities.service_desk import ServiceDeskNode
from simulator.entities.supplier import Plant, SupplierNode
from simulator.entities.warehouse import Stock, VendorReview, WarehouseNode
from simulator.events import REVIEW, WARMUP_END, Call
from simulator.forecast import DailyTotals, Forecaster
from simulator.policies import DemandRate, LeadTime, Rule, VmiBand, resolve
from simulator.records import Recorder
from simulator.rng import Streams


def demand_rates(sc: Scenario) -> dict[str, DemandRate]:
    """Mean and variance of each product's demand per day, summed over the segments.

    A segment's orders for product p form a Poisson process of rate λ = count x orders per
    customer per day x share of p; with order size K the daily demand is compound Poisson with
    mean λ E[K] and variance λ E[K²].
    """
    out: dict[str, list[float]] = {}
    for seg in sc.customers.segments:
        k_mean, k_var = seg.quantity.int_moments()
        for pid, share in seg.product_mix.items():
            lam = seg.count * seg.orders_per_customer_per_day * share
            acc = out.setdefault(pid, [0.0, 0.0])
            acc[0] += lam * k_mean
            acc[1] += lam * (k_var + k_mean**2)
    return {pid: DemandRate(mean, var) for pid, (mean, var) in out.items()}


def lead_time(sc: Scenario, supplier: Supplier) -> LeadTime:
    """Moments of order-to-available time: processing + lead time + transit + inspection.

    Production time and waits for capacity or outages are left out: they depend on the load.
    """
    parts = [supplier.order_processing_days, supplier.lead_time_days]
    carrier = sc.carrier(sc.warehouse.inbound_carrier)
    if carrier is not None:
        parts.append(carrier.transit_days)
    if sc.warehouse.inspection is not None:
        parts.append(sc.warehouse.inspection.days)
    return LeadTime(sum(d.mean for d in parts), sum(d.variance for d in parts))


def holding_cost(sc: Scenario, pid: str) -> float:
    """Holding cost per unit per day of product ``pid``."""
    own = sc.product(pid).holding_cost_per_unit_day
    return sc.warehouse.holding_cost_per_unit_day if own is None else own


def resolve_rules(sc: Scenario) -> dict[str, Rule]:
    """Every product's policy with its numbers decided (service levels, EOQ)."""
    rates = demand_rates(sc)
    rules = {}
    for pid, policy in sc.warehouse.policies.items():
        supplier = sc.primary_supplier(pid)
        rules[pid] = resolve(
            policy,
            rates.get(pid, DemandRate(0.0, 0.0)),
            lead_time(sc, supplier),
            supplier.order_cost,
            holding_cost(sc, pid),
        )
    return rules


@dataclass
class RunResult:
    """What one replication produced."""

    document: dict[str, Any]
    """The result document (SPEC.md): scenario, seed, kpis, by_product, suppliers, ..."""
    trace: list[tuple] | None = None
    """Every event as a row (``Recorder.TRACE_COLUMNS``), when the run was traced."""
    model: Any = field(default=None, repr=False)
    """The model after the run (levels and counters), for tests and inspection."""

    @property
    def kpis(self) -> dict[str, Any]:
        """The whole-system KPIs."""
        return self.document["kpis"]


class Model:
    """One replication of a scenario, built and ready to run.

    Args:
        scenario: a validated scenario.
        seed: root seed; default: the scenario's.
        replication: replication index (selects independent streams of the same seed).
        trace: keep every event (memory grows with the run; for ``--out`` and tests).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        replication: int = 0,
        trace: bool = False,
    ) -> None:
        sc = scenario
        self.scenario = sc
        self.seed = sc.seed if seed is None else int(seed)
        self.replication = replication
        self.streams = streams = Streams(self.seed, replication)
        self.env = env = simpy.Environment()
        self.warmup = sc.warmup_days
        self.end = sc.warmup_days + sc.horizon_days
        self.recorder = rec = Recorder(self.warmup, self.end, trace)

        inbound = Lane(sc.carrier(sc.warehouse.inbound_carrier), streams, "inbound", rec)
        self.suppliers = {
            s.id: SupplierNode(env, s, sc, streams, rec, inbound, sc.warehouse.inspection)
            for s in sc.suppliers
        }
        self.warehouse = wh = WarehouseNode(env, sc.warehouse.picking, streams, rec)
        self.vendor_reviews: list[VendorReview] = []
        self.rules = resolve_rules(sc)
        rates = demand_rates(sc)
        express = None
        if sc.warehouse.expedite is not None:
            lane = Lane(sc.carrier(sc.warehouse.expedite.carrier), streams, "expedite", rec)
            express = (sc.warehouse.expedite.backorder_threshold, lane)
        for s in sc.suppliers:
            if s.production is not None:
                node = self.suppliers[s.id]
                for pid in s.products:
                    if pid in self.rules:
                        prior = rates.get(pid, DemandRate(0.0, 0.0)).mean
                        node.plants[pid] = Plant(env, node, pid, s.production, prior, rec)
        for pid, rule in self.rules.items():
            supplier = self.suppliers[sc.primary_supplier(pid).id]
            initial = sc.warehouse.initial_stock.get(pid, rule.target)
            stock = Stock(
                env,
                pid,
                sc.product(pid).price,
                rule,
                supplier,
                initial,
                sc.warehouse.unmet_demand == "backorder",
                wh,
                rec,
                streams.generator(f"stock/{pid}/defective_picks"),
            )
            wh.stocks[pid] = stock
            sourcing = sc.warehouse.sourcing.get(pid)
            if sourcing is not None and sourcing.rule != "single":
                stock.sourcing = sourcing
                stock.suppliers = {s.id: self.suppliers[s.id] for s in sc.suppliers_of(pid)}
            stock.expedite = express
            for node in {self.suppliers[s.id] for s in sc.suppliers_of(pid)}:
                plant = node.plants.get(pid)
                if plant is not None:
                    stock.supplier_demand += [plant.daily_demand, node.demand_total]
            self._plan_reviews(stock, rates.get(pid, DemandRate(0.0, 0.0)).mean)
        order_ids = itertools.count(1)
        self.desk = (
            ServiceDeskNode(env, sc.service_desk, streams, rec) if sc.service_desk else None
        )
        returns = sc.warehouse.returns
        if returns is not None:
            lane = Lane(sc.carrier(returns.carrier), streams, "returns", rec)
            wh.returns = ReturnsNode(env, returns, lane, streams, rec, order_ids)
        self.segments = []
        for seg in sc.customers.segments:
            lane = Lane(sc.carrier(seg.outbound_carrier), streams, f"segment/{seg.id}", rec)
            if seg.behaves:
                node = BehaviouralSegment(
                    env, seg, wh.stocks, lane, streams, rec, order_ids, self.desk
                )
            else:
                node = SegmentDemand(env, seg, wh.stocks, lane, streams, rec, order_ids)
            self.segments.append(node)
        if self.warmup > 0:
            Call(env, self.warmup, lambda ev: rec.start_measuring(env.now), None, WARMUP_END)

    def _plan_reviews(self, stock: Stock, prior: float) -> None:
        """Who reviews the stock, when, and from which forecast."""
        env, rule = self.env, stock.rule
        plant = stock.supplier.plants.get(stock.pid)
        if isinstance(rule, VmiBand):
            stock.consigned = rule.consignment
            forecaster = Forecaster(rule.forecast, prior)
            if rule.information == "sales":
                stock.sales = DailyTotals(forecaster.update)
                if plant is not None:
                    # the plant forecasts from the sales it sees (plus any re-orders of rejected
                    # units), through its own daily signal, which it closes before each plan
                    stock.plant_signal = plant.signal
            self.vendor_reviews.append(VendorReview(env, stock, forecaster, plant))
            return
        if rule.forecast is not None:
            stock.forecaster = Forecaster(rule.forecast, prior)
            stock.sales = DailyTotals(stock.forecaster.update)
        if stock.continuous:
            Call(env, 0, lambda ev, s=stock: s.review(), None, REVIEW)
        else:
            Call(env, 0, stock.periodic_review, None, REVIEW)

    def run(self) -> RunResult:
        """Run warm-up and horizon; measure."""
        from simulator.metrics import measure

        self.env.run(until=self.end)
        for stock in self.warehouse.stocks.values():
            stock._mark(self.end)
        return RunResult(measure(self), self.recorder.trace, self)


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    replication: int = 0,
    trace: bool = False,
) -> RunResult:
    """Build and run one replication of ``scenario``.

    Args:
        scenario: a validated scenario (see :func:`simulator.load_scenario`).
        seed: root seed; default: the scenario's ``seed``.
        replication: replication index; replications of one seed are independent, and replication
            r sees the same random streams in every variant (common random numbers).
        trace: keep the full event trace.

    Returns:
        The result document, the trace if asked for, and the finished model.
    """
    if not math.isfinite(scenario.horizon_days):
        raise ValueError("horizon_days must be finite")
    return Model(scenario, seed, replication, trace).run()
