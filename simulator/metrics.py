"""Records to KPIs: the result document of one run, with the KPI names of the product contract.

:func:`measure` reads the closed records (:mod:`simulator.records`) and the plain build specs
(holding costs, quoted lead times, outages), never an entity; the KPI names are the registry's
(:mod:`simulator.kpis`).

Every KPI is measured over the horizon after warm-up. A KPI that does not apply to the scenario,
or whose denominator is zero, is ``None`` (JSON ``null``), never a made-up 0.

Order-based rates count the orders *placed* in the measured horizon. An order still open at the
end whose promised date has already passed is known to be late, so it counts against
``otif_rate`` and ``perfect_order_rate``; one that could still arrive on time is left out of
their denominators (its outcome is unknown).
"""

from __future__ import annotations

from typing import Any

from simulator import behaviour, kpis
from simulator.network_metrics import lateral_shipped, site_tables
from simulator.records import Recorder, SegmentSummary, ratio, substituted_key
from simulator.series import ForecastErrors, variance_ratio
from simulator.specs import ModelSpec, StockSpec
from simulator.supplier_metrics import supplier_rows
from simulator.tallies import CYCLE_BIN, ProductTally
from simulator.version import __version__


def percentile(hist: dict[int, int], q: float, low: float, high: float) -> float | None:
    """The ``q`` quantile (0..1) of values binned by :data:`CYCLE_BIN`.

    The quantile's bin is known exactly; within it the bin's midpoint is taken, clamped to the
    smallest and largest value seen (``low``, ``high``), so instant delivery gives 0 and a constant
    cycle time gives itself rather than a bin's middle.
    """
    total = sum(hist.values())
    if not total:
        return None
    rank = q * total
    seen = 0
    key = max(hist)
    for key in sorted(hist):
        seen += hist[key]
        if seen >= rank:
            break
    return min(high, max(low, (key + 0.5) * CYCLE_BIN))


#: The counters of a product tally that add up over its stocks.
_ADDED = tuple(
    name
    for name in ProductTally.__slots__
    if name not in ("cycle_hist", "cycle_min", "cycle_max", "daily_demand", "daily_ordered")
)


def _merge(tallies: list[ProductTally]) -> ProductTally:
    """Sum several product tallies into one (the daily series are the recorder's own to keep)."""
    out = ProductTally()
    for name in _ADDED:
        setattr(out, name, sum(getattr(t, name) for t in tallies))
    for t in tallies:
        for k, v in t.cycle_hist.items():
            out.cycle_hist[k] = out.cycle_hist.get(k, 0) + v
        out.cycle_min = min(out.cycle_min, t.cycle_min)
        out.cycle_max = max(out.cycle_max, t.cycle_max)
    return out


def _by_product(spec: ModelSpec) -> dict[str, list[StockSpec]]:
    """Each product's stocks (one per site that holds it), in the order of the specs."""
    out: dict[str, list[StockSpec]] = {}
    for stock in spec.stocks:
        out.setdefault(stock.pid, []).append(stock)
    return out


def _tally(rec: Recorder, stocks: list[StockSpec]) -> ProductTally:
    """The customer-order tally of a product over its stocks (one stock: its own tally).

    Over several sites the daily series are not merged, so the product's bullwhip ratio is null.
    """
    if len(stocks) == 1:
        return rec.products[stocks[0].key]
    return _merge([rec.products[s.key] for s in stocks])


def _sold(rec: Recorder, stock: StockSpec, lateral: dict[str, int]) -> int:
    """Units a stock shipped to customers: moves to downstream or sibling sites are no sales.

    ``lateral`` holds the units each stock shipped to its sibling sites.
    """
    shipped = rec.products[stock.key].shipped_units - lateral.get(stock.key, 0)
    if stock.downstream:
        shipped -= rec.products[f"{stock.key}>downstream"].shipped_units
    return shipped


def _service(t: ProductTally, unresolved: int) -> dict[str, Any]:
    """Service KPIs of one tally; ``unresolved`` open orders not yet due are left out."""
    decided = t.orders - unresolved
    return {
        "orders": t.orders,
        "units_demanded": t.units,
        "fill_rate": ratio(t.filled_units, t.units),
        "order_fill_rate": ratio(t.filled_orders, t.orders),
        "on_time_rate": ratio(t.on_time, t.delivered),
        "otif_rate": ratio(t.otif, decided),
        "perfect_order_rate": ratio(t.perfect, decided),
        "order_cycle_days_mean": ratio(t.cycle_sum, t.delivered),
        "order_cycle_days_p95": percentile(t.cycle_hist, 0.95, t.cycle_min, t.cycle_max),
        "lost_sales_units": t.lost_units,
    }


def measure(rec: Recorder, spec: ModelSpec) -> dict[str, Any]:
    """The result document of a finished run: its closed records, read with its build specs."""
    span = spec.end - spec.warmup_days
    not_yet_due = rec.not_yet_due

    by_product: dict[str, dict[str, Any]] = {}
    cost_holding = inventory_value = cogs = 0.0
    consignment: dict[str, float] = {}  # holding cost of consigned stock, borne by its supplier
    lateral = lateral_shipped(rec, spec)
    for pid, stocks in _by_product(spec).items():
        holding = value = sold = on_hand = backorders = on_order = 0.0
        for stock in stocks:
            levels = rec.levels[stock.key]
            own = levels.on_hand * stock.holding_cost
            on_hand += levels.on_hand
            backorders += levels.backorders
            on_order += levels.on_order
            value += levels.on_hand / span * stock.unit_cost
            sold += _sold(rec, stock, lateral) * stock.unit_cost
            if stock.consigned:
                consignment[stock.primary] = consignment.get(stock.primary, 0.0) + own
                own = 0.0
            holding += own
        cost_holding += holding
        inventory_value += value
        cogs += sold
        t = _tally(rec, stocks)
        row = _service(t, sum(not_yet_due.get(s.key, 0) for s in stocks))
        row.update(
            on_hand_mean=on_hand / span,
            backorders_mean=backorders / span,
            on_order_mean=on_order / span,
            purchase_orders=t.po_count,
            units_ordered=t.po_units,
            units_received=t.units_received,
            inventory_turns=ratio(sold * 365.0 / span, value),
            bullwhip_ratio=variance_ratio(t.daily_ordered, t.daily_demand, rec.days),
            cost_holding=holding,
            consigned=any(s.consigned for s in stocks),
            expedited_orders=t.expedited,
            cost_ordering=t.cost_ordering,
            cost_purchase=t.cost_purchase,
            revenue=t.revenue,
        )
        row.update(_forecast_accuracy([rec.forecasts[pid]] if pid in rec.forecasts else []))
        by_product[pid] = row

    levels = [rec.levels[s.key] for s in spec.stocks]
    total = _merge([rec.products[s.key] for s in spec.stocks])
    out = _service(total, sum(not_yet_due.values()))
    cost = {
        "cost_holding": cost_holding,
        "cost_ordering": total.cost_ordering,
        "cost_purchase": total.cost_purchase,
        "cost_transport": rec.cost_transport,
        "cost_handling": rec.cost_handling,
        "cost_returns": rec.cost_returns,
        "cost_service": rec.cost_service,
    }
    cost["cost_total"] = sum(cost.values())
    deliveries = sum(s.deliveries for s in rec.suppliers.values())
    out.update(
        backorders_mean=sum(lv.backorders for lv in levels) / span,
        on_hand_mean=sum(lv.on_hand for lv in levels) / span,
        inventory_turns=ratio(cogs * 365.0 / span, inventory_value),
        **cost,
        revenue=total.revenue,
        profit=total.revenue - cost["cost_total"],
        defective_delivery_rate=ratio(total.defective_orders, total.delivered),
        damaged_delivery_rate=ratio(total.damaged_orders, total.delivered),
        wrong_item_rate=ratio(total.wrong_orders, total.delivered),
        supplier_on_time_rate=ratio(sum(s.on_time for s in rec.suppliers.values()), deliveries),
        bullwhip_ratio=variance_ratio(rec.daily_ordered, rec.daily_demand, rec.days),
        co2_kg=rec.co2_kg,
    )
    for k in kpis.REGISTRY:  # null unless the model part they need is there (filled below)
        if kpis.SYSTEM in k.scopes and k.needs is not None and k.needs not in kpis.LEFT_OUT:
            out[k.name] = None
    if any(seg.substitutes for seg in spec.segments):
        _substitution(rec, spec, out, by_product)
    customers, churn_reasons = _customers(rec, spec, out)
    out.update(_forecast_accuracy(list(rec.forecasts.values())))

    suppliers = supplier_rows(rec, spec, consignment)
    costs_by_party = _costs_by_party(out, suppliers)

    document = {
        "scenario": spec.name,
        "seed": spec.seed,
        "replication": spec.replication,
        "horizon_days": spec.horizon_days,
        "warmup_days": spec.warmup_days,
        "version": __version__,
        "kpis": out,
        "by_product": by_product,
        "suppliers": suppliers,
        "policies": {s.key: s.rule.describe() for s in spec.stocks},  # site/product in a network
        "customers": customers,
        "churn_reasons": churn_reasons,
        "costs_by_party": costs_by_party,
    }
    if spec.sites:
        document.update(site_tables(rec, spec))
    return document


def _substitution(
    rec: Recorder, spec: ModelSpec, out: dict[str, Any], by_product: dict[str, dict[str, Any]]
) -> None:
    """Orders a substitute served: per product ordered, in all, and as a share of the orders."""
    for pid, stocks in _by_product(spec).items():
        tallies = [rec.products.get(substituted_key(s.key)) for s in stocks]
        by_product[pid]["substituted_orders"] = sum(t.orders for t in tallies if t is not None)
    total = sum(row["substituted_orders"] for row in by_product.values())
    out.update(substituted_orders=total, substitution_rate=ratio(total, out["orders"]))


def _forecast_accuracy(errors: list[ForecastErrors]) -> dict[str, float | None]:
    """MAPE and relative bias of one-day-ahead forecasts; several are weighted by units demanded.

    The MAPE of several products is Σ_p MAPE_p x units_p / Σ_p units_p; their bias is
    Σ (forecast - actual) / Σ actual, which is the same weighting of each product's bias.
    """
    scored = [e for e in errors if e.ape_days]
    mape = None
    if scored:
        units = sum(e.actual for e in scored)
        mape = ratio(sum(e.ape / e.ape_days * e.actual for e in scored), units)
    return {
        "forecast_mape": mape,
        "forecast_bias": ratio(sum(e.error for e in errors), sum(e.actual for e in errors)),
    }


def _costs_by_party(kpis: dict[str, Any], suppliers: dict[str, dict[str, Any]]) -> dict:
    """Who pays what: the warehouse, each supplier, and the chain as a whole.

    What the warehouse pays its suppliers for goods is revenue to them: a transfer inside the
    chain, so the chain's cost leaves it out and counts what suppliers spend instead.
    """
    warehouse = {
        k: kpis[k]
        for k in (
            "cost_holding",
            "cost_ordering",
            "cost_purchase",
            "cost_transport",
            "cost_handling",
            "cost_returns",
            "cost_service",
        )
    }
    warehouse["cost_total"] = sum(warehouse.values())
    by_supplier = {}
    for sid, row in suppliers.items():
        own = {
            "cost_holding": row["cost_holding_consignment"]
            + row.get("cost_holding_finished_goods", 0.0),
            "cost_production": row.get("cost_production", 0.0),
            "cost_production_changes": row.get("cost_production_changes", 0.0),
        }
        own["cost_total"] = sum(own.values())
        own["revenue"] = row["cost_purchase"]
        by_supplier[sid] = own
    chain = {k: v for k, v in warehouse.items() if k not in ("cost_purchase", "cost_total")}
    chain["cost_holding"] += sum(o["cost_holding"] for o in by_supplier.values())
    chain["cost_production"] = sum(o["cost_production"] for o in by_supplier.values())
    chain["cost_production_changes"] = sum(
        o["cost_production_changes"] for o in by_supplier.values()
    )
    chain["cost_total"] = sum(chain.values())
    return {"warehouse": warehouse, "suppliers": by_supplier, "chain": chain}


def _customers(
    rec: Recorder, spec: ModelSpec, out: dict[str, Any]
) -> tuple[dict | None, dict | None]:
    """Fill the customer KPIs from the segments' summaries; per-segment detail and reasons."""
    if spec.returns is not None or any(site.returns is not None for site in spec.sites):
        out["returns_units"] = rec.returns_units
    rows = list(rec.segments.values())
    if not rows:
        return None, None
    per = {sid: _segment(r) for sid, r in rec.segments.items()}
    for sid, row in per.items():  # the satisfaction distribution at the end
        row["satisfaction_bands"] = rec.customer_days.bands.get(sid)
    active = sum(r.active_customers_end for r in rows)
    satisfaction = sum(
        r.satisfaction_mean * r.active_customers_end for r in rows if r.active_customers_end
    )
    reasons: dict[str, int] = {}
    for r in rows:
        for name, n in r.churn_reasons.items():
            reasons[name] = reasons.get(name, 0) + n
    out.update(
        satisfaction_mean=ratio(satisfaction, active),
        nps=behaviour.nps(
            sum(r.promoter_answers for r in rows),
            sum(r.detractor_answers for r in rows),
            sum(r.survey_answers for r in rows),
        ),
        retention_rate=ratio(sum(r.retained for r in rows), sum(r.retention_cohort for r in rows)),
        new_customers=sum(r.new_customers for r in rows),
        churned_customers=sum(r.churned_customers for r in rows),
        active_customers_end=active,
        complaints=rec.complaints,
        service_desk_wait_hours_mean=(
            ratio(rec.desk_wait_hours, rec.desk_served) if spec.desk is not None else None
        ),
    )
    return per, dict(sorted(reasons.items()))


def _segment(r: SegmentSummary) -> dict[str, Any]:
    """One segment's customer KPIs."""
    return {
        "active_customers_end": r.active_customers_end,
        "new_customers": r.new_customers,
        "churned_customers": r.churned_customers,
        "retention_rate": ratio(r.retained, r.retention_cohort),
        "retention_cohort": r.retention_cohort,
        "retained": r.retained,
        "satisfaction_mean": r.satisfaction_mean,
        "nps": behaviour.nps(r.promoter_answers, r.detractor_answers, r.survey_answers),
        "survey_answers": r.survey_answers,
        "complaints": r.complaints,
        "orders_per_churned_customer_mean": ratio(r.churned_orders, r.churned_customers),
        "churn_reasons": r.churn_reasons,
    }
