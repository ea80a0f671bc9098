"""Each site's stock in a network run: the trace's stock rows name their site, the report draws
every site's stock over time, by echelon, in figures of at most a dozen sites."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest

from simulator.config import load_scenario
from simulator.model import simulate
from simulator.records import Recorder
from simulator.report.figures import sites as S
from simulator.report.folders import load_trace
from simulator.report.gallery import run_figures

ROOT = Path(__file__).resolve().parents[1]
COL = {name: i for i, name in enumerate(Recorder.TRACE_COLUMNS)}
STOCK_EVENTS = {"order_placed", "transfer_placed", "po_placed", "po_received", "po_reordered"}


@pytest.fixture(scope="module")
def network():
    sc = load_scenario(ROOT / "scenarios" / "network.yaml", overrides=["horizon_days=60"])
    result = simulate(sc, trace=True)
    return result.document, result.trace, result.model


def test_a_networks_stock_rows_name_their_site(network):
    _, trace, model = network
    assert Recorder.TRACE_COLUMNS[-1] == "site"
    rows = [r for r in trace if r[COL["on_hand"]] != ""]
    assert {r[COL["event"]] for r in rows} <= STOCK_EVENTS | {"return_restocked"}
    assert {r[COL["site"]] for r in rows} == {"dc", "north", "south", "west"}
    # each site's rows are those of the products it stocks (west sells gears only)
    named = {(r[COL["site"]], r[COL["product"]]) for r in rows}
    assert named == {(site, pid) for site, node in model.sites.items() for pid in node.stocks}
    # rows that are not a stock's name no site
    assert all(r[COL["site"]] == "" for r in trace if r[COL["on_hand"]] == "")


def test_a_single_warehouses_rows_name_no_site():
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml", overrides=["horizon_days=20"])
    trace = simulate(sc, trace=True).trace
    assert trace and all(len(r) == len(Recorder.TRACE_COLUMNS) and r[-1] == "" for r in trace)


def test_site_totals_add_up_each_products_levels(network):
    _, trace, model = network
    stocks = S.site_stocks(trace)
    assert set(stocks) == {"dc", "north", "south", "west"}
    north = stocks["north"]
    assert north.products == ["gear", "shaft"] or north.products == ["shaft", "gear"]
    rows = [r for r in trace if r[COL["site"]] == "north" and r[COL["on_hand"]] != ""]
    assert len(north.time) == len(rows) + 1 and north.time[0] == 0
    # it starts from the site's initial stocks (each policy's target), with no backorders
    initial = {s.pid: s.initial for s in model.spec.stocks if s.site == "north"}
    assert north.on_hand[0] == sum(initial.values()) and north.backorders[0] == 0
    # after each row the sum is the last recorded on hand of each product (or its initial)
    last = dict(initial)
    for i, r in enumerate(rows, start=1):
        last[r[COL["product"]]] = r[COL["on_hand"]]
        assert north.on_hand[i] == sum(last.values())
    gear_t, gear_units = north.by_product["gear"]
    assert len(gear_t) == 1 + sum(1 for r in rows if r[COL["product"]] == "gear")
    assert gear_units[0] == initial["gear"] and gear_units.min() >= 0


def test_the_report_draws_each_echelon_of_sites(network, tmp_path):
    document, trace, _ = network
    items, notes = run_figures(document, trace)
    by_id = {item.id: item for item in items}
    assert "fig-sites-echelon-1" in by_id and "fig-sites-echelon-2" in by_id
    assert "dc on hand between" in by_id["fig-sites-echelon-1"].alt
    assert by_id["fig-sites-echelon-2"].alt.count("on hand between") == 3
    assert by_id["fig-sites-echelon-2"].png.startswith(b"\x89PNG")


def test_a_large_echelon_takes_several_figures():
    by_site = {"dc": {"kind": "distribution_centre"}}
    by_site |= {f"s{i:02d}": {"kind": "store"} for i in range(20)}
    lanes = [{"origin": "plant", "destination": "dc", "units": 1}]
    lanes += [{"origin": "dc", "destination": s, "units": 1} for s in by_site if s != "dc"]
    document = {"by_site": by_site, "lanes": lanes}
    groups = S.site_groups(document)
    assert [(g.echelon, len(g.sites), g.part, g.parts) for g in groups] == [
        (1, 1, 1, 1),
        (2, 12, 1, 2),
        (2, 8, 2, 2),
    ]
    assert [g.slug for g in groups] == ["echelon-1", "echelon-2-1", "echelon-2-2"]
    assert S.group_title(groups[2], document) == (
        "Stock at the sites, echelon 2 (store): sites 13-20 of 20"
    )


def test_a_trace_without_the_site_column_still_reads(network, tmp_path):
    """An older trace.csv: no site column; the report then says why it draws no site's stock."""
    document, trace, _ = network
    path = tmp_path / "trace.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(Recorder.TRACE_COLUMNS[:-1])
        out.writerows(row[:-1] for row in trace)
    rows = load_trace(path)
    assert len(rows) == len(trace) and all(r[-1] == "" for r in rows)
    items, notes = run_figures(copy.deepcopy(document), rows)
    assert not any(item.id.startswith("fig-sites") for item in items)
    assert any("names no site" in note for note in notes)
