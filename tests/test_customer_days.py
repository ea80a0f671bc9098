"""Customers over time: the daily rows agree with the KPIs and the segments' own state, cost one
row a day whatever the number of customers, survive the run folder, and are what the figure draws.
"""

from __future__ import annotations

import bisect
import math
from pathlib import Path

import numpy as np
import pytest

from simulator import load_scenario
from simulator.customer_days import BAND_COLUMNS, COLUMNS, FILE_NAME, CustomerDays, band_counts
from simulator.entities.customers import BehaviouralSegment
from simulator.model import Model
from simulator.report import figures as F
from simulator.report.folders import ReportError, load_customer_days, read_run_folder
from simulator.report.gallery import run_figures
from simulator.runs import run, write_run_folder

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = ROOT / "scenarios" / "customer_service.yaml"
COL = {name: i for i, name in enumerate(COLUMNS)}


@pytest.fixture(scope="module")
def model():
    """The customer scenario, 40 measured days after 20 of warm-up, run to the end."""
    sc = load_scenario(CUSTOMERS, overrides=["horizon_days=40", "warmup_days=20"])
    m = Model(sc)
    return m, m.run()


def rows_of(rows, segment):
    return [r for r in rows if r[COL["segment"]] == segment]


def test_one_row_a_day_per_segment_from_day_zero(model):
    m, result = model
    rows = result.customers_daily
    for seg in m.segments:
        mine = rows_of(rows, seg.id)
        assert [r[COL["day"]] for r in mine] == list(range(60))


def test_new_and_churned_of_the_measured_days_are_the_kpis(model):
    m, result = model
    for sid, kpis in result.document["customers"].items():
        measured = [r for r in rows_of(result.customers_daily, sid) if r[COL["day"]] >= 20]
        assert sum(r[COL["new"]] for r in measured) == kpis["new_customers"]
        assert sum(r[COL["churned"]] for r in measured) == kpis["churned_customers"]
        assert measured[-1][COL["active"]] == kpis["active_customers_end"]


def test_active_follows_new_and_churned_from_the_initial_count(model):
    m, result = model
    for seg in m.segments:
        active = seg.count
        for r in rows_of(result.customers_daily, seg.id):
            active += r[COL["new"]] - r[COL["churned"]]
            assert r[COL["active"]] == active


def test_promoters_and_detractors_are_the_active_customers_last_answers(model):
    m, result = model
    for seg in m.segments:
        assert isinstance(seg, BehaviouralSegment)
        answers = [seg.answer[c] for c in seg.active]
        last = rows_of(result.customers_daily, seg.id)[-1]
        assert last[COL["promoters"]] == sum(a >= 9 for a in answers)
        assert last[COL["detractors"]] == sum(0 <= a <= 6 for a in answers)
        assert 0 < last[COL["promoters"]] + last[COL["detractors"]] <= last[COL["active"]]


def test_satisfaction_bands_at_the_end_count_every_active_customer(model):
    m, result = model
    edges = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    for seg in m.segments:
        bands = result.document["customers"][seg.id]["satisfaction_bands"]
        assert list(bands) == list(BAND_COLUMNS)
        expected = [0] * 10
        for c in seg.active:
            expected[bisect.bisect_right(edges, seg.satisfaction[c])] += 1
        assert list(bands.values()) == expected
        assert sum(expected) == result.document["customers"][seg.id]["active_customers_end"]


def test_band_edges():
    counts = band_counts(np.asarray([0.0, 0.0999, 0.1, 0.5, 0.95, 1.0]))
    assert counts == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]


def test_a_day_recorded_twice_counts_once_and_a_partial_last_day_counts():
    days = CustomerDays()
    days.start("s", 10)
    days.record(1.0, "s", 11, 12, 3, 1)  # day 0: 2 joined, 1 left
    days.record(1.0, "s", 11, 12, 3, 1)  # the same day again: ignored
    days.record(1.5, "s", 9, 12, 2, 1)  # the run ends half-way through day 1
    assert days.rows == [(0, "s", 11, 2, 1, 3, 1), (1, "s", 9, 0, 2, 2, 1)]


def test_a_fractional_horizon_ends_with_its_partial_day():
    sc = load_scenario(CUSTOMERS, overrides=["horizon_days=10.5", "warmup_days=0"])
    rows = Model(sc).run().customers_daily
    assert {r[COL["day"]] for r in rows} == set(range(math.ceil(10.5)))


def test_scenarios_whose_customers_never_leave_have_no_daily_rows(tmp_path):
    scenario, result = run(ROOT / "scenarios" / "baseline.yaml", days=10, trace=True)
    assert result.customers_daily is None
    folder = write_run_folder(tmp_path / "run", scenario, result)
    assert not (folder / FILE_NAME).exists()
    assert read_run_folder(folder).customer_days is None


def test_customers_daily_csv_reads_back_the_rows(tmp_path):
    scenario, result = run(CUSTOMERS, days=15, trace=True)
    folder = write_run_folder(tmp_path / "run", scenario, result)
    assert load_customer_days(folder / FILE_NAME) == result.customers_daily
    assert read_run_folder(folder).customer_days == result.customers_daily
    (tmp_path / "bad.csv").write_text("day,segment\n0,retail\n")
    with pytest.raises(ReportError, match="no column active"):
        load_customer_days(tmp_path / "bad.csv")


def test_the_figure_draws_the_rows(model):
    m, result = model
    rows = result.customers_daily
    fig = F.customer_days_figure(rows, warmup=20)
    axes = fig.axes
    names = [seg.id for seg in m.segments]
    assert len(axes) == 3 * len(names)
    for col, sid in enumerate(names):
        top = fig.axes[col]  # first row of panels, one column per segment
        (line,) = [ln for ln in top.get_lines() if ln.get_label() == "active"]
        mine = rows_of(rows, sid)
        assert list(line.get_ydata()) == [r[COL["active"]] for r in mine]
        assert list(line.get_xdata()) == [r[COL["day"]] + 1 for r in mine]
    with pytest.raises(ValueError, match="no daily customer rows"):
        F.customer_days_figure([])


def test_the_run_report_shows_customers_over_time(tmp_path):
    scenario, result = run(CUSTOMERS, days=15, trace=True)
    items, notes = run_figures(result.document, result.trace, result.customers_daily)
    ids = [i.id for i in items]
    assert ids.index("fig-customer-days") == ids.index("fig-customers") + 1
    assert not any("customers over time" in n for n in notes)
    items, notes = run_figures(result.document, result.trace)
    assert "fig-customer-days" not in [i.id for i in items]
    assert any(FILE_NAME in n for n in notes)
