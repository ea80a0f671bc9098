"""Customers over time: the daily rows agree with the KPIs and the segments' own state, cost one
row a day whatever the number of customers, survive the run folder, and are what the figure draws.
The satisfaction bands of every day are those of a brute-force count of every active customer.
"""

from __future__ import annotations

import bisect
import math
from pathlib import Path

import numpy as np
import pytest

from simulator import load_scenario
from simulator.customer_days import (
    BAND_COLUMNS,
    COLUMNS,
    COUNT_COLUMNS,
    FILE_NAME,
    CustomerDays,
    band_counts,
    band_slots,
    read_slots,
)
from simulator.entities.customers import BehaviouralSegment
from simulator.model import Model
from simulator.report import figures as F
from simulator.report.folders import ReportError, load_customer_days, read_run_folder
from simulator.report.gallery import run_figures
from simulator.runs import run, write_run_folder

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = ROOT / "scenarios" / "customer_service.yaml"
COL = {name: i for i, name in enumerate(COLUMNS)}
BANDS = slice(len(COUNT_COLUMNS), None)


def counted_run(overrides):
    """The customer scenario with ``overrides``, run to the end: the model and its result.

    At every day's end each segment's active customers are also counted per band by brute
    force (:func:`band_counts` of every active customer's satisfaction), in ``model.seen``.
    """
    sc = load_scenario(CUSTOMERS, overrides=overrides)
    seen: dict[str, list[list[int]]] = {}
    day_end = BehaviouralSegment._day_end

    def counted(seg, event=None):
        mine = seen.setdefault(seg.id, [])
        if len(mine) < math.ceil(seg.env.now):  # the last day may be recorded twice
            satisfactions = np.asarray([seg.satisfaction[c] for c in seg.active])
            mine.append(band_counts(satisfactions))
        day_end(seg, event)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BehaviouralSegment, "_day_end", counted)
        m = Model(sc)
        result = m.run()
    m.seen = seen
    return m, result


@pytest.fixture(scope="module")
def model():
    """The customer scenario, 40 measured days after 20 of warm-up, run to the end."""
    return counted_run(["horizon_days=40", "warmup_days=20"])


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


def test_every_days_bands_are_a_count_of_every_active_customer(model):
    m, result = model
    for seg in m.segments:
        mine = rows_of(result.customers_daily, seg.id)
        assert [list(r[BANDS]) for r in mine] == m.seen[seg.id]
        assert all(sum(r[BANDS]) == r[COL["active"]] for r in mine)
        assert len({r[BANDS] for r in mine}) > 10  # satisfaction moves from day to day


def test_bands_at_the_end_are_the_last_days(model):
    m, result = model
    for seg in m.segments:
        bands = result.document["customers"][seg.id]["satisfaction_bands"]
        last = rows_of(result.customers_daily, seg.id)[-1]
        assert tuple(bands.values()) == last[BANDS]


def test_every_way_satisfaction_changes_keeps_the_bands():
    """Orders of every experience, complaints that wait long, customers joining and leaving:
    with every retail customer complaining to a desk of one slow agent, the running counts agree
    with a count of every customer at every day's end, and at the end of the run."""
    retail = "customers.segments.retail"
    m, result = counted_run(
        [
            "horizon_days=30",
            "warmup_days=0",
            f"{retail}.count=400",
            f"{retail}.orders_per_customer_per_day=0.3",
            f"{retail}.behaviour.complaint_probability=1.0",
            "service_desk.agents=1",
            f"{retail}.promised_days=2",
            "service_desk.handle_hours.mean=0.6",
        ]
    )
    assert result.kpis["service_desk_wait_hours_mean"] > 5  # waits that cost satisfaction
    for seg in m.segments:
        satisfactions = np.asarray([seg.satisfaction[c] for c in seg.active])
        assert list(read_slots(seg.bands)) == band_counts(satisfactions)
        assert [list(r[BANDS]) for r in rows_of(result.customers_daily, seg.id)] == m.seen[seg.id]
    retail_kpis = result.document["customers"]["retail"]
    assert retail_kpis["new_customers"] and retail_kpis["churned_customers"]


def test_band_edges():
    counts = band_counts(np.asarray([0.0, 0.0999, 0.1, 0.5, 0.95, 1.0]))
    assert counts == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]


def test_running_band_counts_put_one_in_the_top_band():
    for s in (0.0, 0.0999, 0.1, 0.5, 0.95, 1.0, 0.3 + 0.6):  # 0.3 + 0.6 < 0.9 as a float
        slots = band_slots(s, 3)
        assert list(read_slots(slots)) == band_counts(np.asarray([s, s, s]))
    assert len(band_slots(1.0, 1)) == len(BAND_COLUMNS) + 1


def test_a_day_recorded_twice_counts_once_and_a_partial_last_day_counts():
    days = CustomerDays()
    days.start("s", 10)
    bands = [0] * 10 + [11]  # all at satisfaction 1: the top band
    days.record(1.0, "s", 11, 12, 3, 1, bands)  # day 0: 2 joined, 1 left
    days.record(1.0, "s", 11, 12, 3, 1, bands)  # the same day again: ignored
    days.record(1.5, "s", 9, 12, 2, 1, [9] + [0] * 10)  # the run ends half-way through day 1
    assert days.rows == [
        (0, "s", 11, 2, 1, 3, 1, *[0] * 9, 11),
        (1, "s", 9, 0, 2, 2, 1, 9, *[0] * 9),
    ]


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
    header = ",".join(COLUMNS[:-1])  # one band missing: not a table of bands
    (tmp_path / "bands.csv").write_text(f"{header}\n")
    with pytest.raises(ReportError, match="no column satisfaction_0.9_1"):
        load_customer_days(tmp_path / "bands.csv")


def test_a_daily_file_without_bands_still_loads_and_draws(tmp_path):
    """Rows of the counts alone: three panels per segment, and the same words without bands."""
    scenario, result = run(CUSTOMERS, days=15, trace=True)
    old = tmp_path / FILE_NAME
    rows = [r[: len(COUNT_COLUMNS)] for r in result.customers_daily]
    lines = [",".join(COUNT_COLUMNS)] + [",".join(map(str, r)) for r in rows]
    old.write_text("\n".join(lines) + "\n")
    assert load_customer_days(old) == rows
    names = {r[COL["segment"]] for r in rows}
    assert len(F.customer_days_figure(rows).axes) == 3 * len(names)
    (item,) = [
        i for i in run_figures(result.document, None, rows)[0] if i.id == "fig-customer-days"
    ]
    assert item.alt.startswith("Three panels") and "satisfaction" not in item.alt


def test_the_figure_draws_the_rows(model):
    m, result = model
    rows = result.customers_daily
    fig = F.customer_days_figure(rows, warmup=20)
    axes = fig.axes
    names = [seg.id for seg in m.segments]
    assert len(axes) == 4 * len(names)
    assert [len(ax.child_axes) for ax in axes[-len(names) :]] == [0] * (len(names) - 1) + [1]
    days = F.segment_days(rows)
    for col, sid in enumerate(names):
        top = fig.axes[col]  # first row of panels, one column per segment
        (line,) = [ln for ln in top.get_lines() if ln.get_label() == "active"]
        mine = rows_of(rows, sid)
        assert list(line.get_ydata()) == [r[COL["active"]] for r in mine]
        assert list(line.get_xdata()) == [r[COL["day"]] + 1 for r in mine]
        shares = F.band_shares(days[sid])
        assert shares.shape == (len(BAND_COLUMNS), len(mine))
        assert np.allclose(shares.sum(axis=0), 1.0)
        assert list(shares[:, -1]) == [n / mine[-1][COL["active"]] for n in mine[-1][BANDS]]
        bands = fig.axes[3 * len(names) + col]  # fourth row: one stacked area per band
        assert len(bands.collections) == len(BAND_COLUMNS)
    with pytest.raises(ValueError, match="no daily customer rows"):
        F.customer_days_figure([])


def test_the_run_report_shows_customers_over_time(tmp_path):
    scenario, result = run(CUSTOMERS, days=15, trace=True)
    items, notes = run_figures(result.document, result.trace, result.customers_daily)
    ids = [i.id for i in items]
    assert ids.index("fig-customer-days") == ids.index("fig-customers") + 1
    assert not any("customers over time" in n for n in notes)
    days = items[ids.index("fig-customer-days")]
    assert days.alt.startswith("Four panels") and "0.8 or more" in days.alt
    assert "satisfaction_bands" in days.caption
    items, notes = run_figures(result.document, result.trace)
    assert "fig-customer-days" not in [i.id for i in items]
    assert any(FILE_NAME in n for n in notes)
