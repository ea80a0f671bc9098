"""The supplier side of the result document: each supplier's scorecard row, plant and score.

Read from the records and the build specs only, like the rest of :mod:`simulator.metrics`: on-time
deliveries against the quote, defects per million, lead-time spread, costs, outage days, the
plant's production figures, and the weighted scorecard score the scenario's weights give.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.records import Recorder, ratio
from simulator.series import variance_ratio
from simulator.specs import ModelSpec, SupplierSpec


def supplier_rows(
    rec: Recorder, spec: ModelSpec, consignment: dict[str, float]
) -> dict[str, dict[str, Any]]:
    """Every supplier's scorecard row (``consignment``: the holding cost each bears)."""
    span = spec.end - spec.warmup_days
    suppliers: dict[str, dict[str, Any]] = {}
    for sup in spec.suppliers:
        t = rec.suppliers[sup.id]
        lead_mean = ratio(t.lead_sum, t.deliveries)
        lead_sd = None
        if t.deliveries > 1:
            var = (t.lead_sumsq - t.deliveries * lead_mean**2) / (t.deliveries - 1)
            lead_sd = float(np.sqrt(max(0.0, var)))
        suppliers[sup.id] = {
            "orders": t.orders,
            "deliveries": t.deliveries,
            "on_time_rate": ratio(t.on_time, t.deliveries),
            "quoted_lead_time_days": sup.quoted,
            "units_delivered": t.units,
            "dppm": ratio(t.defective_units * 1e6, t.units),
            "lead_time_days_mean": lead_mean,
            "lead_time_days_sd": lead_sd,
            "cost_purchase": t.cost_purchase,
            "cost_ordering": t.cost_ordering,
            "disruption_days": sup.down_days(spec.warmup_days, spec.end),
            "cost_holding_consignment": consignment.get(sup.id, 0.0),
        }
        suppliers[sup.id].update(_plant_figures(rec, sup, span))
    _score(spec, suppliers, span)
    return suppliers


def _plant_figures(rec: Recorder, sup: SupplierSpec, span: float) -> dict[str, Any]:
    """The supplier's own side: production, finished goods, its costs and its bullwhip."""
    if not sup.plants:
        return {}
    out = {"units_made": 0, "finished_goods_mean": 0.0, "cost_production": 0.0}
    out.update(cost_production_changes=0.0, cost_holding_finished_goods=0.0)
    ratios = {}
    for plant in sup.plants:
        t = rec.plants[sup.id][plant.pid]
        out["units_made"] += t.made
        out["finished_goods_mean"] += t.area_finished / span
        out["cost_production"] += t.cost_production
        out["cost_production_changes"] += t.cost_changes
        out["cost_holding_finished_goods"] += t.area_finished * plant.holding_cost_per_unit_day
        ratios[plant.pid] = variance_ratio(t.daily_made, t.daily_demand, rec.days)
    out["production_bullwhip_ratio_by_product"] = ratios
    if len(ratios) == 1:
        out["production_bullwhip_ratio"] = next(iter(ratios.values()))
    else:  # a multi-product plant: all its products' output against their demand
        t = rec.suppliers[sup.id]
        out["production_bullwhip_ratio"] = variance_ratio(t.made, t.demand, rec.days)
    return out


def _score(spec: ModelSpec, suppliers: dict[str, dict[str, Any]], span: float) -> None:
    """Add each supplier's weighted scorecard score (0..1) and its parts."""
    weights = dict(spec.scorecard)
    total = sum(weights.values())
    cheapest: dict[str, float] = {}
    for sup in spec.suppliers:
        for pid, cost in sup.unit_cost.items():
            cheapest[pid] = min(cheapest.get(pid, cost), cost)
    for sup in spec.suppliers:
        row = suppliers[sup.id]
        mean, sd = row["lead_time_days_mean"], row["lead_time_days_sd"]
        parts = {
            "on_time": row["on_time_rate"],
            "quality": None if row["dppm"] is None else max(0.0, 1 - row["dppm"] / 100_000),
            "lead_time_consistency": (
                None if mean is None or sd is None or mean <= 0 else 1 / (1 + sd / mean)
            ),
            "cost": float(
                np.mean([cheapest[p] / c if c > 0 else 1.0 for p, c in sup.unit_cost.items()])
            ),
            "availability": max(0.0, 1 - row["disruption_days"] / span),
        }
        known = {k: v for k, v in parts.items() if v is not None}
        weight = sum(weights[k] for k in known)
        row["score_parts"] = parts
        row["score"] = (
            sum(weights[k] * v for k, v in known.items()) / weight if weight > 0 else None
        )
        row["score_weights"] = {k: v / total for k, v in weights.items()}
