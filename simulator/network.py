"""Scenario to specs for a supply network: sites, lanes, and each site's stocks and rules.

The companion of :mod:`simulator.build` for a scenario with ``sites:``: each site's products get
a stock spec with the rule resolved from the demand the site sees (its own customers plus every
site it replenishes, all the way down) and the lead time from its source (a supplier's
processing, lead time and lane transit; an upstream site's lane transit, its waits left out).
Stocks come upstream first, so that the model can wire each site to the sites it orders from.
A ``warehouse:`` scenario never comes here: it is the one-site network :func:`build` makes.
"""

from __future__ import annotations

import dataclasses
import math

from simulator.build import (
    desk_spec,
    inspection_spec,
    lane,
    picking_spec,
    returns_spec,
    scorecard,
    segment_spec,
    sourcing_rule,
    supplier_spec,
)
from simulator.config.network import Site
from simulator.config.network_checks import lateral_products, segment_site, source_of
from simulator.config.schema import Carrier, EchelonBaseStockPolicy, Product, Scenario
from simulator.distributions import Dist
from simulator.policies import DemandRate, LeadTime, Rule, VmiBand
from simulator.resolve import NO_DEMAND, demand_rates, resolve, segment_moments
from simulator.rng import Streams
from simulator.specs import LaneSpec, LateralSpec, ModelSpec, SiteSpec, StockSpec
from simulator.substitutes import with_substitutes


def upstream_first(sc: Scenario) -> list[Site]:
    """The sites ordered so that every site comes after the sites it replenishes from."""
    ids = {s.id for s in sc.sites}
    done: list[Site] = []
    seen: set[str] = set()

    def visit(site: Site) -> None:
        if site.id in seen:
            return
        seen.add(site.id)
        for src in site.replenish_from.values():
            if src in ids:
                visit(next(s for s in sc.sites if s.id == src))
        done.append(site)

    for site in sc.sites:
        visit(site)
    return done


def site_demand(sc: Scenario) -> dict[tuple[str, str], DemandRate]:
    """Mean and variance of the daily demand each site sees per product.

    A site's demand is that of the segments it serves plus that of every site it replenishes
    (one-for-one passing on, as under base stock; batching policies pass on more variance).
    """
    own: dict[tuple[str, str], list[float]] = {}
    for i, seg in enumerate(sc.customers.segments):
        sid = segment_site(sc, i)
        for pid, share in seg.product_mix.items():
            mean, var = segment_moments(sc, seg, share)
            acc = own.setdefault((sid, pid), [0.0, 0.0])
            acc[0] += mean
            acc[1] += var
    out: dict[tuple[str, str], DemandRate] = {}
    for site in reversed(upstream_first(sc)):  # downstream first: they add to their sources
        for pid in site.policies:
            mean, var = own.get((site.id, pid), (0.0, 0.0))
            for down in sc.sites:
                if down.replenish_from.get(pid) == site.id:
                    d = out[(down.id, pid)]
                    mean, var = mean + d.mean, var + d.variance
            out[(site.id, pid)] = DemandRate(mean, var)
    return out


def installation_level(sc: Scenario, site: Site, pid: str) -> int:
    """The installation base stock equivalent to ``site``'s echelon base stock of ``pid``.

    Under continuous review, one for one, every demand travels up the chain at once, so each
    echelon position stays at its level and the site's own position at its echelon level less
    the echelon levels of the sites it replenishes (Axsäter, Inventory Control, echelon stock).
    """
    below = sum(s.policies[pid].level for s in sc.sites if s.replenish_from.get(pid) == site.id)
    return site.policies[pid].level - below


def lane_spec(sc: Scenario, origin: str, site: Site, streams: Streams) -> LaneSpec:
    """The lane from ``origin`` to ``site``.

    The scenario's lane if there is one (its ``transit_days`` replacing the carrier's), else the
    site's inbound carrier from a supplier and an ideal lane from a site.
    """
    found = sc.lane(origin, site.id)
    role = f"lane/{origin}/{site.id}"
    if found is None:
        carrier = sc.carrier(site.inbound_carrier) if sc.supplier(origin) else None
        return lane(carrier, streams, role)
    spec = lane(sc.carrier(found.carrier), streams, role)
    return with_transit(spec, found.transit_days, streams, role)


def with_transit(spec: LaneSpec, dist: Dist | None, streams: Streams, role: str) -> LaneSpec:
    """``spec`` with its transit time replaced by ``dist`` (``None``: as it is)."""
    if dist is None:
        return spec
    return dataclasses.replace(
        spec,
        transit=dist.sampler(streams.generator(f"{role}/transit_override")),
        instant=dist.is_constant and dist.mean == 0,
    )


def lateral_spec(sc: Scenario, site: Site, streams: Streams) -> LateralSpec | None:
    """``site``'s lateral transshipment: its siblings in order, a lane from each (or ``None``)."""
    lat = site.lateral
    if lat is None:
        return None
    carrier = sc.carrier(lat.carrier)
    lanes = []
    for sid in lat.from_:
        role = f"lateral/{sid}/{site.id}"
        lanes.append(with_transit(lane(carrier, streams, role), lat.transit_days, streams, role))
    return LateralSpec(
        sources=tuple(lat.from_),
        lanes=tuple(lanes),
        products=tuple(lateral_products(site)),
        keep=lat.keep,
    )


def lead_time(sc: Scenario, origin: str, site: Site) -> LeadTime:
    """Moments of order-to-available time from ``origin`` (supplier or site) to ``site``.

    From a supplier: its processing and lead time, the lane's transit and the site's inspection.
    """
    parts = []
    supplier = sc.supplier(origin)
    if supplier is not None:
        parts += [supplier.order_processing_days, supplier.lead_time_days]
    found = sc.lane(origin, site.id)
    if supplier is not None and site.inspection is not None:
        parts.append(site.inspection.days)
    if found is not None and found.transit_days is not None:
        parts.append(found.transit_days)
    else:
        cid = found.carrier if found is not None else None
        if found is None and supplier is not None:
            cid = site.inbound_carrier
        carrier = sc.carrier(cid)
        if carrier is not None:
            parts.append(carrier.transit_days)
    return LeadTime(sum(d.mean for d in parts), sum(d.variance for d in parts))


def _origins(sc: Scenario, site: Site, pid: str, primary: str) -> tuple[str, ...]:
    """Where ``site`` may order ``pid``: its primary source, and the suppliers of its rule."""
    rule = site.sourcing.get(pid)
    named = [] if rule is None else [rule.backup, *sorted(rule.shares)]
    return tuple(dict.fromkeys(o for o in (primary, *named) if o is not None))


def site_spec(
    sc: Scenario,
    site: Site,
    sources: dict[str, str],
    lanes: dict[tuple[str, str], LaneSpec],
    streams: Streams,
) -> SiteSpec:
    """One site: its outbound side, its lanes in, and the parts a warehouse has."""
    prefix = f"site/{site.id}/"
    expedite = None
    if site.expedite is not None:
        expedite = lane(sc.carrier(site.expedite.carrier), streams, f"{prefix}expedite")
    return SiteSpec(
        id=site.id,
        kind=site.kind,
        picking=picking_spec(site.picking, streams, prefix),
        sources=sources,
        lanes={o: spec for (o, dest), spec in lanes.items() if dest == site.id},
        inspection=None
        if site.inspection is None
        else inspection_spec(site.inspection, streams, f"site/{site.id}"),
        returns=None if site.returns is None else returns_spec(sc, site.returns, streams, prefix),
        expedite=expedite,
        lateral=lateral_spec(sc, site, streams),
    )


def quoted_carrier(sc: Scenario, supplier: str) -> Carrier | None:
    """The carrier whose transit a supplier's default quote includes, as with ``warehouse:``.

    That of every route its goods take to the sites ordering from it, when they all take the
    same carrier at its own transit time; otherwise none (the quote is processing and lead
    time: give ``quoted_lead_time_days`` when the routes differ).
    """
    carriers = set()
    for site in sc.sites:
        if not any(
            supplier in _origins(sc, site, p, source_of(sc, site, p)) for p in site.policies
        ):
            continue
        found = sc.lane(supplier, site.id)
        if found is None:
            carriers.add(site.inbound_carrier)
        else:
            carriers.add(found.carrier if found.transit_days is None else "")
    only = carriers.pop() if len(carriers) == 1 else None
    return sc.carrier(only) if only else None


def site_holding_cost(site: Site, product: Product) -> float:
    """Holding cost per unit per day of ``product`` at ``site``: its own, else the site's."""
    own = product.holding_cost_per_unit_day
    return site.holding_cost_per_unit_day if own is None else own


def site_rule(sc: Scenario, site: Site, pid: str, rate: DemandRate) -> Rule:
    """Product ``pid``'s policy at ``site`` with its numbers decided, from the demand it sees."""
    policy = site.policies[pid]
    src = source_of(sc, site, pid)
    supplier = sc.supplier(src)
    if isinstance(policy, EchelonBaseStockPolicy):
        policy = policy.model_copy(update={"level": installation_level(sc, site, pid)})
    return resolve(
        policy,
        rate,
        lead_time(sc, src, site),
        supplier.order_cost if supplier is not None else 0.0,
        site_holding_cost(site, sc.product(pid)),
    )


def network_rules(sc: Scenario) -> dict[str, Rule]:
    """Every site's policies with their numbers decided, keyed ``site/product``."""
    demand = site_demand(sc)
    return {
        f"{site.id}/{pid}": site_rule(sc, site, pid, demand.get((site.id, pid), NO_DEMAND))
        for site in sc.sites
        for pid in site.policies
    }


def build_network(sc: Scenario, streams: Streams) -> ModelSpec:
    """Everything one replication of the network scenario ``sc`` is made of."""
    if not math.isfinite(sc.horizon_days):
        raise ValueError("horizon_days must be finite")
    end = sc.warmup_days + sc.horizon_days
    demand = site_demand(sc)
    ordered = upstream_first(sc)
    feeds = {src for s in sc.sites for src in s.replenish_from.values()}
    stocks = []
    sites = []
    lanes: dict[tuple[str, str], LaneSpec] = {}  # one per origin and site, shared by products
    for site in ordered:
        sources = {pid: source_of(sc, site, pid) for pid in site.policies}
        origins = {pid: _origins(sc, site, pid, sources[pid]) for pid in site.policies}
        for origin in dict.fromkeys(o for group in origins.values() for o in group):
            lanes[origin, site.id] = lane_spec(sc, origin, site, streams)
        sites.append(site_spec(sc, site, sources, lanes, streams))
        for pid in site.policies:
            src = sources[pid]
            supplier = sc.supplier(src)
            product = sc.product(pid)
            holding = site_holding_cost(site, product)
            rate = demand.get((site.id, pid), NO_DEMAND)
            rule = site_rule(sc, site, pid, rate)
            stocks.append(
                StockSpec(
                    pid=pid,
                    price=product.price,
                    unit_cost=product.unit_cost,
                    holding_cost=holding,
                    rule=rule,
                    initial=site.initial_stock.get(pid, rule.target),
                    backorder=site.unmet_demand == "backorder",
                    primary=src,
                    suppliers=origins[pid],
                    sourcing=sourcing_rule(site.sourcing.get(pid), src),
                    consigned=isinstance(rule, VmiBand) and rule.consignment,
                    expedite_above=None
                    if site.expedite is None
                    else site.expedite.backorder_threshold,
                    prior=rate.mean,
                    defective_picks=streams.generator(f"site/{site.id}/stock/{pid}/defective"),
                    site=site.id,
                    source_site="" if supplier is not None else src,
                    inbound=lanes[src, site.id],
                    ship_partial=site.ship_partial,
                    downstream=site.id in feeds
                    and any(s.replenish_from.get(pid) == site.id for s in sc.sites),
                )
            )
    rates = demand_rates(sc)
    rules = {s.pid: s.rule for s in stocks}  # the products a supplier's plant may make
    segments = []
    for i, seg in enumerate(sc.customers.segments):
        spec = segment_spec(sc, seg, streams, end)
        fallback = {}
        if seg.fallback_site is not None:
            carrier = sc.carrier(seg.fallback_carrier or seg.outbound_carrier)
            fallback = {
                "fallback_site": seg.fallback_site,
                "fallback_lane": lane(carrier, streams, f"segment/{seg.id}/fallback"),
            }
        spec = dataclasses.replace(spec, site=segment_site(sc, i), **fallback)
        stocked = next(s for s in sc.sites if s.id == spec.site).policies
        segments.append(with_substitutes(sc, spec, set(stocked), streams))
    return ModelSpec(
        name=sc.name,
        seed=streams.seed,
        replication=streams.replication,
        horizon_days=sc.horizon_days,
        warmup_days=sc.warmup_days,
        end=end,
        inbound=lane(None, streams, "inbound"),
        expedite=None,
        suppliers=tuple(
            supplier_spec(sc, s, streams, end, rules, rates, quoted_carrier(sc, s.id))
            for s in sc.suppliers
        ),
        stocks=tuple(stocks),
        picking=None,
        desk=desk_spec(sc, streams),
        returns=None,
        segments=tuple(segments),
        scorecard=scorecard(sc),
        sites=tuple(sites),
    )
