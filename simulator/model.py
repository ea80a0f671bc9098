"""Wires the SimPy world from the build step's specs and runs it.

``simulate(scenario, seed=..., replication=...)`` is the one call most code needs: it builds the
specs (:mod:`simulator.build`), wires the entities, runs warm-up plus horizon, closes the records
and returns a :class:`RunResult` with the KPIs (see :mod:`simulator.metrics`) and, when asked
for, the event trace.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import simpy

from simulator.build import build
from simulator.config.schema import Scenario
from simulator.entities.carrier import Lane
from simulator.entities.customers import BehaviouralSegment, SegmentDemand
from simulator.entities.fallback import FallbackStock
from simulator.entities.lateral import lateral_stocks
from simulator.entities.ports import Outbound, Source
from simulator.entities.replay import ReplaySegment
from simulator.entities.returns import ReturnsNode
from simulator.entities.service_desk import ServiceDeskNode
from simulator.entities.site import LaneSource, SiteOutbound, SiteSource
from simulator.entities.stock import Stock
from simulator.entities.substitution import substituting
from simulator.entities.supplier import SupplierNode
from simulator.entities.vendor import VendorReview
from simulator.entities.warehouse import WarehouseNode
from simulator.events import REVIEW, WARMUP_END, Call
from simulator.forecast import DailyTotals, Forecaster
from simulator.metrics import measure
from simulator.network import build_network
from simulator.policies import VmiBand
from simulator.records import Recorder
from simulator.rng import Streams
from simulator.series import UNKEPT
from simulator.specs import StockSpec


@dataclass
class RunResult:
    """What one replication produced."""

    document: dict[str, Any]
    """The result document (SPEC.md): scenario, seed, kpis, by_product, suppliers, ..."""
    trace: list[tuple] | None = None
    """Every event as a row (``Recorder.TRACE_COLUMNS``), when the run was traced."""
    model: Any = field(default=None, repr=False)
    """The model after the run (levels and counters), for tests and inspection."""
    customers_daily: list[tuple] | None = None
    """Each segment's customers per day (``simulator.customer_days.COLUMNS``), when customers
    remember."""

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
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else int(seed)
        self.replication = replication
        self.streams = Streams(self.seed, replication)
        make = build if scenario.warehouse is not None else build_network
        self.spec = spec = make(scenario, self.streams)
        self.env = env = simpy.Environment()
        self.warmup = spec.warmup_days
        self.end = spec.end
        self.recorder = rec = Recorder(self.warmup, self.end, trace)

        inbound = Lane(spec.inbound, rec)
        self.suppliers = {s.id: SupplierNode(env, s, rec, inbound) for s in spec.suppliers}
        order_ids = itertools.count(1)  # customer orders and replacements share the numbers
        returns = None
        if spec.returns is not None:
            lane = Lane(spec.returns.lane, rec)
            returns = ReturnsNode(env, spec.returns, lane, rec, order_ids)
        self.warehouse = wh = WarehouseNode(env, spec.picking, rec, returns)
        self.rules = {s.pid: s.rule for s in spec.stocks}
        self.vendor_reviews: list[VendorReview] = []
        express = None if spec.expedite is None else Lane(spec.expedite, rec)
        self.sites: dict[str, WarehouseNode] = {}
        self.fronts: dict[str, dict] = {}  # per site, the products it pulls laterally
        if spec.sites:
            self._wire_sites(order_ids)
        else:
            for stock_spec in spec.stocks:
                wh.stocks[stock_spec.pid] = self._stock(stock_spec, express)
            if len(wh.stocks) == 1:
                next(iter(wh.stocks.values())).alone()
        self.desk = None if spec.desk is None else ServiceDeskNode(env, spec.desk, rec)
        self.segments: list[SegmentDemand] = []
        for seg in spec.segments:
            lane = Lane(seg.lane, rec)
            real = stocks = self.sites[seg.site].stocks if seg.site else wh.stocks
            if seg.site in self.fronts:
                stocks = {**stocks, **self.fronts[seg.site]}
            if seg.fallback_site:
                other, route = self.sites[seg.fallback_site].stocks, Lane(seg.fallback_lane, rec)
                stocks = {p: FallbackStock(stocks[p], other[p], route, rec) for p in seg.products}
            if seg.substitutes:
                stocks = substituting(stocks, real, seg, rec)
            if seg.behaviour is not None:
                node = BehaviouralSegment(env, seg, stocks, lane, rec, order_ids, self.desk)
            elif seg.days is not None:
                node = ReplaySegment(env, seg, stocks, lane, rec, order_ids)
            else:
                node = SegmentDemand(env, seg, stocks, lane, rec, order_ids)
            self.segments.append(node)
        if self.warmup > 0:
            Call(env, self.warmup, lambda ev: rec.start_measuring(env.now), None, WARMUP_END)

    def _wire_sites(self, order_ids: itertools.count) -> None:
        """A network: each site's outbound side and stocks, upstream sites first."""
        env, rec = self.env, self.recorder
        outbound, express, lanes = {}, {}, {}
        for site in self.spec.sites:
            returns = None
            if site.returns is not None:
                back = Lane(site.returns.lane, rec)
                returns = ReturnsNode(env, site.returns, back, rec, order_ids)
            node = self.sites[site.id] = WarehouseNode(env, site.picking, rec, returns)
            outbound[site.id] = SiteOutbound(node)
            express[site.id] = None if site.expedite is None else Lane(site.expedite, rec)
            for origin, spec in site.lanes.items():
                lanes[origin, site.id] = Lane(spec, rec)
        self.warehouse = self.sites[self.spec.sites[-1].id]
        partial = {s.key: s.ship_partial for s in self.spec.stocks}
        inspection = {s.id: s.inspection for s in self.spec.sites}
        sites_of = Counter(s.pid for s in self.spec.stocks)
        for spec in self.spec.stocks:
            if sites_of[spec.pid] > 1:  # no bullwhip ratio per stock: no daily series either
                tally = rec.product(spec.key)
                tally.daily_demand = tally.daily_ordered = UNKEPT
            if spec.source_site:
                up = self.sites[spec.source_site].stocks[spec.pid]
                lane = lanes[spec.source_site, spec.site]
                sources = {spec.primary: SiteSource(env, up, lane, rec, partial[up.key])}
            else:
                several = len(spec.suppliers) > 1
                plain = (
                    not several and inspection[spec.site] is None and spec.expedite_above is None
                )
                sources = {
                    sid: LaneSource(
                        self.suppliers[sid],
                        lanes[sid, spec.site],
                        env,
                        rec,
                        inspection[spec.site],
                        rec.product(f"{spec.key}<{sid}") if several else None,
                        plain and not lanes[sid, spec.site].damage_rate,
                    )
                    for sid in spec.suppliers
                }
            stock = self._stock(spec, express[spec.site], outbound[spec.site], sources)
            self.sites[spec.site].stocks[spec.pid] = stock
        stocks = {sid: node.stocks for sid, node in self.sites.items()}
        for site in self.spec.sites:
            if site.lateral is not None:
                self.fronts[site.id] = lateral_stocks(env, site.lateral, site.id, stocks, rec)

    def _stock(
        self,
        spec: StockSpec,
        express: Lane | None,
        outbound: Outbound | None = None,
        sources: dict[str, Source] | None = None,
    ) -> Stock:
        """One product's stock, wired to its suppliers, their plants and its forecasts."""
        env, rule = self.env, spec.rule
        suppliers = sources or {sid: self.suppliers[sid] for sid in spec.suppliers}
        feeds = []
        for node in suppliers.values():
            plant = node.plants.get(spec.pid)
            if plant is not None:
                feeds += [plant.tally.daily_demand, node.tally.demand]
        plant = suppliers[spec.primary].plants.get(spec.pid)
        forecaster = sales = plant_signal = None
        # a forecast fed daily sales is scored on them: its one-day-ahead errors go on record
        scored = self.recorder.forecast_errors
        if isinstance(rule, VmiBand):
            if rule.information == "sales":
                vendor = Forecaster(
                    rule.forecast, spec.prior, rule.max_days, scored(spec.pid).observe
                )
                sales = DailyTotals(vendor.update)
                if plant is not None:
                    # the plant forecasts from the sales it sees (plus any re-orders of rejected
                    # units), through its own daily signal, which it closes before each plan
                    plant_signal = plant.signal
            else:
                vendor = Forecaster(rule.forecast, spec.prior, rule.max_days)
        elif rule.forecast is not None:
            cover = getattr(rule, "cover_days", None) or 1.0
            forecaster = Forecaster(rule.forecast, spec.prior, cover, scored(spec.pid).observe)
            sales = DailyTotals(forecaster.update)
        if sales is not None:
            self.recorder.on_close(sales.close_until)  # the days not closed yet still count
        stock = Stock(
            env,
            spec,
            self.recorder,
            outbound or self.warehouse,
            suppliers,
            express=express,
            feeds=tuple(feeds),
            forecaster=forecaster,
            sales=sales,
            plant_signal=plant_signal,
        )
        # who reviews the stock, and when
        if isinstance(rule, VmiBand):
            self.vendor_reviews.append(VendorReview(env, stock, vendor, plant))
        elif stock.continuous:
            Call(env, 0, lambda ev, s=stock: s.review(), None, REVIEW)
        else:
            Call(env, 0, stock.periodic_review, None, REVIEW)
        return stock

    def run(self) -> RunResult:
        """Run warm-up and horizon; close the records; measure."""
        self.env.run(until=self.end)
        self.recorder.close(self.end)
        rec = self.recorder
        return RunResult(measure(rec, self.spec), rec.trace, self, rec.customer_days.rows or None)


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

    Raises:
        ValueError: when the horizon is not finite.
    """
    return Model(scenario, seed, replication, trace).run()
