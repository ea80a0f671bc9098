"""The result document and the trace against their contracts: KPI keys from the registry, and the
trace's ``replacement`` column."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import kpis, load_scenario, simulate
from simulator.records import Recorder

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
COL = {name: i for i, name in enumerate(Recorder.TRACE_COLUMNS)}
#: Supplier-row entries that are not KPIs but groups of them.
NESTED = {"score_parts", "score_weights", "production_bullwhip_ratio_by_product"}


@pytest.mark.parametrize(
    "name", ["baseline.yaml", "vmi.yaml", "customer_service.yaml", "textbook/rq_poisson.yaml"]
)
def test_document_keys_are_the_registry(name):
    """Every KPI metrics reports is in the registry, and every registered KPI is reported."""
    sc = load_scenario(SCENARIOS / name, overrides=["horizon_days=20", "warmup_days=5"])
    doc = simulate(sc).document
    # these scenarios have no substitutes: their KPIs are left out (kpis.LEFT_OUT)
    absent = set(kpis.needing("substitutes", kpis.SYSTEM))
    assert set(doc["kpis"]) == set(kpis.names(kpis.SYSTEM)) - absent
    absent = set(kpis.needing("substitutes", kpis.PRODUCT))
    for row in doc["by_product"].values():
        assert set(row) == set(kpis.names(kpis.PRODUCT)) - absent
    plants = {s.id for s in sc.suppliers if s.production is not None}
    for sid, row in doc["suppliers"].items():
        expected = {
            k.name
            for k in kpis.REGISTRY
            if kpis.SUPPLIER in k.scopes and (sid in plants or k.needs != "production")
        }
        assert set(row) - NESTED == expected, sid
        assert ("production_bullwhip_ratio_by_product" in row) == (sid in plants)
        assert set(row["score_parts"]) == set(row["score_weights"])
    for row in (doc["customers"] or {}).values():
        assert set(kpis.names(kpis.SEGMENT)) <= set(row)


def test_trace_marks_replacement_orders():
    """The ``replacement`` column says which rows belong to replacements of returned units: their
    placement, stages and delivery; every other row says ``False``."""
    sc = load_scenario(SCENARIOS / "tutorial" / "03_defects_returns.yaml")
    trace = simulate(sc, trace=True).trace
    assert Recorder.TRACE_COLUMNS[-3:] == ("replacement", "segment", "site")
    assert all(len(row) == len(Recorder.TRACE_COLUMNS) for row in trace)
    flag, event, order = COL["replacement"], COL["event"], COL["order"]
    replacements = {row[order] for row in trace if row[flag]}
    assert replacements  # the scenario has returns resolved by replacement
    for row in trace:
        if row[event] == "replacement_delivered":
            assert row[flag] and row[order] in replacements
        elif row[event] in ("order_placed", "released", "picked", "shipped"):
            assert row[flag] == (row[order] in replacements)
        else:
            assert row[flag] is False, row
    placed = [row for row in trace if row[event] == "order_placed" and row[flag]]
    # one replacement per inspected return, placed the moment the return is restocked
    restocked = [row for row in trace if row[event] == "return_restocked"]
    assert [row[COL["time"]] for row in placed] == [row[COL["time"]] for row in restocked]
    assert not {row[order] for row in trace if row[event] == "delivered"} & replacements


def test_trace_has_every_stage_of_an_order_with_its_segment():
    """docs/model.md promises a row per stage: placed, released, picked (with a picking stage),
    shipped, delivered, in time order, each naming the order's customer segment."""
    sc = load_scenario(SCENARIOS / "customer_service.yaml", ["horizon_days=40"])
    trace = simulate(sc, trace=True).trace
    segments = {s.id for s in sc.customers.segments}
    stages = ("order_placed", "released", "picked", "shipped", "delivered")
    rows: dict = {}
    for row in trace:
        if row[COL["event"]] in stages and not row[COL["replacement"]]:
            rows.setdefault(row[COL["order"]], []).append(row)
    complete = [r for r in rows.values() if r[-1][COL["event"]] == "delivered"]
    assert len(complete) > 1000
    for r in complete:
        assert [x[COL["event"]] for x in r] == list(stages)
        times = [x[COL["time"]] for x in r]
        assert times == sorted(times)
        assert len({x[COL["segment"]] for x in r}) == 1 and r[0][COL["segment"]] in segments
    other = [row for row in trace if row[COL["event"]].startswith("po_")]
    assert other and all(row[COL["segment"]] == "" for row in other)
