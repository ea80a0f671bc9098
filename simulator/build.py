"""Scenario to specs: the build step, the only reader of the configuration.

``build(scenario, streams)`` turns a validated scenario into a :class:`~simulator.specs.ModelSpec`:
every policy resolved into a rule with its numbers decided (service levels, EOQ: its companion
:mod:`simulator.resolve`), every distribution into a sampler on its own named random stream (one
stream per source, so that adding or changing one part never shifts another's draws), every
default (holding cost, quoted lead time, primary supplier, sourcing rule) decided.
:mod:`simulator.model` wires entities from the result.
"""

from __future__ import annotations

import math

import numpy as np

from simulator import behaviour
from simulator.config.schema import (
    Carrier,
    Inspection,
    Picking,
    RandomDisruption,
    Returns,
    Scenario,
    Segment,
    Supplier,
)
from simulator.config.schema import Sourcing as SourcingConfig
from simulator.policies import DemandRate, Rule, VmiBand
from simulator.replay import bootstrap_days, replay_days
from simulator.resolve import (
    NO_DEMAND,
    demand_rates,
    forecast_spec,
    holding_cost,
    rate_profile,
    resolve_rules,
)
from simulator.rng import Streams
from simulator.samplers import (
    block_sampler,
    constant_sampler,
    exponential_sampler,
    uniform_sampler,
)
from simulator.sourcing import Backup, Single, Sourcing, Split
from simulator.specs import (
    BehaviourSpec,
    DeskSpec,
    InspectionSpec,
    LaneSpec,
    ModelSpec,
    PickingSpec,
    PlantSpec,
    ReturnsSpec,
    SegmentSpec,
    StockSpec,
    SupplierSpec,
)
from simulator.substitutes import with_substitutes


def build(sc: Scenario, streams: Streams) -> ModelSpec:
    """Everything one replication of ``sc`` is made of, drawing on ``streams``."""
    if not math.isfinite(sc.horizon_days):
        raise ValueError("horizon_days must be finite")
    end = sc.warmup_days + sc.horizon_days
    rates = demand_rates(sc)
    rules = resolve_rules(sc)
    wh = sc.warehouse
    inbound = sc.carrier(wh.inbound_carrier)
    expedite = None
    if wh.expedite is not None:
        expedite = lane(sc.carrier(wh.expedite.carrier), streams, "expedite")
    returns = None if wh.returns is None else returns_spec(sc, wh.returns, streams)
    return ModelSpec(
        name=sc.name,
        seed=streams.seed,
        replication=streams.replication,
        horizon_days=sc.horizon_days,
        warmup_days=sc.warmup_days,
        end=end,
        inbound=lane(inbound, streams, "inbound"),
        expedite=expedite,
        suppliers=tuple(
            supplier_spec(sc, s, streams, end, rules, rates, inbound) for s in sc.suppliers
        ),
        stocks=tuple(stock_spec(sc, pid, rule, streams, rates) for pid, rule in rules.items()),
        picking=picking_spec(wh.picking, streams),
        desk=desk_spec(sc, streams),
        returns=returns,
        segments=tuple(
            with_substitutes(sc, segment_spec(sc, seg, streams, end), set(rules), streams)
            for seg in sc.customers.segments
        ),
        scorecard=scorecard(sc),
    )


def returns_spec(sc: Scenario, r: Returns, streams: Streams, prefix: str = "") -> ReturnsSpec:
    """Reverse logistics of bad deliveries, on streams named under ``prefix``."""
    return ReturnsSpec(
        probability=r.probability,
        refurbish_share=r.refurbish_share,
        refurbish_cost_per_unit=r.refurbish_cost_per_unit,
        handling_cost_per_unit=r.handling_cost_per_unit,
        refund=r.resolution == "refund",
        rng=streams.generator(f"{prefix}returns/decisions"),
        inspect=r.inspection_days.sampler(streams.generator(f"{prefix}returns/inspection")),
        lane=lane(sc.carrier(r.carrier), streams, f"{prefix}returns"),
    )


def inspection_spec(ins: Inspection, streams: Streams, name: str) -> InspectionSpec:
    """Inbound inspection of the deliveries ``name`` (a supplier, or a site) draws for."""
    return InspectionSpec(
        days=ins.days.sampler(streams.generator(f"{name}/inspection")),
        catch_rate=ins.catch_rate,
        catch_rng=streams.generator(f"{name}/inspection_catch"),
        cost_per_unit=ins.cost_per_unit,
    )


def scorecard(sc: Scenario) -> dict[str, float]:
    """Scorecard weight of each criterion, as given."""
    w = sc.scorecard.weights
    return {
        "on_time": w.on_time,
        "quality": w.quality,
        "lead_time_consistency": w.lead_time_consistency,
        "cost": w.cost,
        "availability": w.availability,
    }


def picking_spec(p: Picking | None, streams: Streams, prefix: str = "") -> PickingSpec | None:
    """A picking crew (``None``: instant picking), on streams named under ``prefix``."""
    if p is None:
        return None
    return PickingSpec(
        workers=p.workers,
        hours=p.pick_hours.sampler(streams.generator(f"{prefix}picking/time")),
        error_rate=p.error_rate,
        errors=uniform_sampler(streams.generator(f"{prefix}picking/errors")),
        cost_per_order=p.cost_per_order,
    )


def desk_spec(sc: Scenario, streams: Streams) -> DeskSpec | None:
    """The service desk, or ``None``."""
    if sc.service_desk is None:
        return None
    d = sc.service_desk
    return DeskSpec(
        agents=d.agents,
        hours=d.handle_hours.sampler(streams.generator("service_desk/handling")),
        cost_per_complaint=d.cost_per_complaint,
    )


# -- the parts ---------------------------------------------------------------------------------


def lane(carrier: Carrier | None, streams: Streams, role: str) -> LaneSpec:
    """One use of ``carrier`` (``None``: an ideal lane), on streams of its own named by ``role``.

    Each use draws from its own streams, so that adding a segment that uses the same carrier does
    not shift the transit times of another.
    """
    if carrier is None:
        return LaneSpec(transit=lambda: 0.0, instant=True, active=False)
    prefix = f"carrier/{carrier.id}/{role}"
    dist = carrier.transit_days
    return LaneSpec(
        transit=dist.sampler(streams.generator(f"{prefix}/transit")),
        instant=dist.is_constant and dist.mean == 0,
        active=True,
        damage_rate=carrier.damage_rate,
        damage_rng=streams.generator(f"{prefix}/damage") if carrier.damage_rate > 0 else None,
        cost_per_shipment=carrier.cost_per_shipment,
        cost_per_unit=carrier.cost_per_unit,
        co2_per_shipment=carrier.co2_kg_per_shipment,
        co2_per_unit=carrier.co2_kg_per_unit,
    )


def outage_intervals(supplier: Supplier, streams: Streams, end: float) -> list[tuple[float, float]]:
    """All outages of ``supplier`` before ``end``, merged and sorted, as (start, end) pairs."""
    spans = []
    for i, d in enumerate(supplier.disruptions):
        if isinstance(d, RandomDisruption):
            if d.duration_days.mean == 0:
                continue  # outages of length 0 change nothing (and would never let t advance)
            rng = streams.generator(f"supplier/{supplier.id}/disruption/{i}")
            up = d.time_between_days.sampler(rng)
            down = d.duration_days.sampler(rng)
            t = up()
            while t < end:
                length = down()
                spans.append((t, t + length))
                t += length + up()
        else:
            spans.append((d.start_day, d.start_day + d.duration_days))
    spans.sort()
    merged: list[tuple[float, float]] = []
    for start, stop in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        elif stop > start:
            merged.append((start, stop))
    return merged


def supplier_spec(
    sc: Scenario,
    s: Supplier,
    streams: Streams,
    end: float,
    rules: dict[str, Rule],
    rates: dict[str, DemandRate],
    inbound: Carrier | None,
) -> SupplierSpec:
    """One supplier, with a plant for each of its products that has a policy (make to stock)."""
    name = f"supplier/{s.id}"
    inspection = None
    if sc.warehouse is not None and sc.warehouse.inspection is not None:
        inspection = inspection_spec(sc.warehouse.inspection, streams, name)
    plants = ()
    if s.production is not None:
        p = s.production
        plants = tuple(
            PlantSpec(
                pid=pid,
                capacity_per_day=p.capacity_per_day,
                initial_stock=p.initial_stock,
                cover_days=p.cover_days,
                forecast=forecast_spec(p.forecast),
                prior=rates.get(pid, NO_DEMAND).mean,
                cost_per_unit=p.cost_per_unit,
                change_cost_per_unit=p.change_cost_per_unit,
                holding_cost_per_unit_day=p.holding_cost_per_unit_day,
            )
            for pid in s.products
            if pid in rules
        )
    # a delivery is scored at the dock, before inspection, so the default promise leaves the
    # warehouse's own inspection time out
    quoted = s.quoted_lead_time_days
    quoted_per_unit = 0.0
    if quoted is None:
        transit = inbound.transit_days.mean if inbound is not None else 0.0
        quoted = s.order_processing_days.mean + s.lead_time_days.mean + transit
        if s.capacity_per_day is not None and s.production is None:
            # a make-to-order line quotes the order's own production time too
            quoted_per_unit = 1.0 / s.capacity_per_day
    return SupplierSpec(
        id=s.id,
        lead=s.lead_time_days.sampler(streams.generator(f"{name}/lead_time")),
        processing=s.order_processing_days.sampler(streams.generator(f"{name}/processing")),
        capacity=s.capacity_per_day,
        defect_rate=s.defect_rate,
        defect_rng=streams.generator(f"{name}/defects") if s.defect_rate > 0 else None,
        order_cost=s.order_cost,
        quoted=quoted,
        quoted_per_unit=quoted_per_unit,
        outages=tuple(outage_intervals(s, streams, end)),
        unit_cost={pid: s.unit_costs.get(pid, sc.product(pid).unit_cost) for pid in s.products},
        inspection=inspection,
        plants=plants,
    )


def sourcing(sc: Scenario, pid: str) -> Sourcing:
    """The rule deciding which supplier gets each purchase order of ``pid``."""
    return sourcing_rule(sc.warehouse.sourcing.get(pid), sc.primary_supplier(pid).id)


def sourcing_rule(rule: SourcingConfig | None, primary: str) -> Sourcing:
    """A sourcing rule as given (``None``: single sourcing from ``primary``)."""
    if rule is None or rule.rule == "single":
        return Single(primary)
    if rule.rule == "backup":
        return Backup(primary, rule.backup)
    return Split(tuple(sorted(rule.shares.items())))


def stock_spec(
    sc: Scenario, pid: str, rule: Rule, streams: Streams, rates: dict[str, DemandRate]
) -> StockSpec:
    """One product's stock at the warehouse."""
    product = sc.product(pid)
    wh = sc.warehouse
    return StockSpec(
        pid=pid,
        price=product.price,
        unit_cost=product.unit_cost,
        holding_cost=holding_cost(sc, pid),
        rule=rule,
        initial=wh.initial_stock.get(pid, rule.target),
        backorder=wh.unmet_demand == "backorder",
        primary=sc.primary_supplier(pid).id,
        suppliers=tuple(s.id for s in sc.suppliers_of(pid)),
        sourcing=sourcing(sc, pid),
        consigned=isinstance(rule, VmiBand) and rule.consignment,
        expedite_above=None if wh.expedite is None else wh.expedite.backorder_threshold,
        prior=rates.get(pid, NO_DEMAND).mean,
        defective_picks=streams.generator(f"stock/{pid}/defective_picks"),
    )


def segment_spec(sc: Scenario, seg: Segment, streams: Streams, end: float) -> SegmentSpec:
    """One customer segment: product choice, quantities, arrivals and (maybe) behaviour.

    With ``behaviour: none`` a segment of ``count`` customers each ordering ``r`` times a day is
    one Poisson stream of rate ``count * r`` (a superposition of independent Poisson streams). A
    profile or a history draws on streams of its own, so the segment's other draws do not move.
    """
    name = f"demand/{seg.id}"
    mix = [(pid, share) for pid, share in seg.product_mix.items() if share > 0]
    if len(mix) == 1:
        which = constant_sampler(0)
    else:
        rng = streams.generator(f"{name}/product")
        shares = np.array([share for _, share in mix], dtype=float)
        cum = np.cumsum(shares / shares.sum())
        cum[-1] = 1.0  # no rounding gap above the last product
        which = block_sampler(lambda n: np.searchsorted(cum, rng.random(n), "right"))
    rate = seg.rate
    gap = None
    if not seg.behaves and rate > 0:
        gap = exponential_sampler(streams.generator(f"{name}/arrivals"), 1.0 / rate)
    days = times = None
    history = seg.history
    if history is not None:
        run_days = math.ceil(end)
        if history.mode == "replay":
            days = replay_days(history.days, run_days)
        else:
            blocks = streams.generator(f"{name}/history/blocks")
            days = bootstrap_days(history.days, run_days, history.block_days, blocks)
        times = uniform_sampler(streams.generator(f"{name}/history/times"))
    return SegmentSpec(
        id=seg.id,
        count=seg.count,
        per_customer=seg.orders_per_customer_per_day or 0.0,
        promised_days=seg.promised_days,
        products=tuple(pid for pid, _ in mix),
        which=which,
        quantity=seg.quantity.int_sampler(streams.generator(f"{name}/quantity")),
        gap=gap,
        lane=lane(sc.carrier(seg.outbound_carrier), streams, f"segment/{seg.id}"),
        behaviour=behaviour_spec(seg, streams) if seg.behaves else None,
        profile=None if seg.profile is None else rate_profile(seg.profile, end),
        days=days,
        times=times,
    )


def behaviour_spec(seg: Segment, streams: Streams) -> BehaviourSpec:
    """The customer rules' parameters of a segment that remembers, with its random sources."""
    beh = seg.behaviour
    sens, loyal, acq = beh.sensitivity, beh.loyalty, beh.acquisition
    name = f"customers/{seg.id}"
    return BehaviourSpec(
        sensitivity=behaviour.Sensitivity(
            late_per_day=sens.late_per_day,
            notice_softening=sens.notice_softening,
            short=sens.short,
            defect=sens.defect,
            damage=sens.damage,
            wrong_item=sens.wrong_item,
            complaint_wait_per_hour=sens.complaint_wait_per_hour,
            substitute=sens.substitute,
        ),
        loyalty=behaviour.Loyalty(
            threshold=loyal.threshold,
            steepness=loyal.steepness,
            min_stay=loyal.min_stay,
            max_stay=loyal.max_stay,
        ),
        memory=beh.memory,
        initial_satisfaction=beh.initial_satisfaction,
        delay_notice=beh.delay_notice,
        survey_rate=beh.survey_rate,
        survey_noise=beh.survey_noise,
        complaint_probability=beh.complaint_probability,
        acquisition_per_day=acq.base_per_day,
        acquisition_per_promoter=acq.per_promoter,
        acquisition_per_detractor=acq.per_detractor,
        unit_gap=exponential_sampler(streams.generator(f"{name}/arrivals"), 1.0),
        choose=uniform_sampler(streams.generator(f"{name}/choose")),
        stay=uniform_sampler(streams.generator(f"{name}/stay")),
        survey_rng=streams.generator(f"{name}/survey"),
        complain=uniform_sampler(streams.generator(f"{name}/complaint")),
        acquisition_rng=streams.generator(f"{name}/acquisition"),
    )
