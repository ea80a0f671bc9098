"""Figures and HTML reports: the plotted data are the recorded numbers, the CLI writes the page.

Figure tests look at the artists, not at pixels: the on-hand line's data are the trace's
``on_hand`` values, the error bars of a comparison are summary.csv's interval bounds, the points
of the frontier are the summary's means.
"""

import json
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import yaml
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from simulator import kpis
from simulator.cli import main
from simulator.experiment import run_experiment
from simulator.report import figures as F
from simulator.report.figures.inventory import REPLACEMENT
from simulator.report.folders import (
    FIGURE_EVENTS,
    ReportError,
    load_customer_days,
    load_trace,
    read_experiment_folder,
)
from simulator.report.gallery import run_figures
from simulator.report.html import write_experiment_report, write_report, write_run_report
from simulator.runs import run, write_run_folder

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
CUSTOMERS = ROOT / "scenarios" / "customer_service.yaml"
RQ = ROOT / "scenarios" / "textbook" / "rq_poisson.yaml"

KPIS = ["fill_rate", "by_product.widget.fill_rate", "cost_holding", "cost_total", "profit"]


def experiment_file(folder: Path, name: str, sweep: bool) -> Path:
    """A tiny experiment: 2 variants x 3 replications of 30 days (x 2 sweep points)."""
    data = {
        "name": name,
        "description": "Tiny <test> experiment & friends",
        "scenario": str(BASELINE),
        "horizon_days": 30,
        "warmup_days": 10,
        "replications": 3,
        "seed": 1,
        "kpis": KPIS,
    }
    if sweep:
        data["variants"] = {
            "continuous": {},
            "weekly": {"warehouse.policies.widget.review_days": 7},
        }
        data["baseline"] = "continuous"
        data["sweep"] = {"grid": {"warehouse.policies.widget.service_level": [0.85, 0.97]}}
    else:
        data["variants"] = {
            "sl90": {"warehouse.policies.widget.service_level": 0.90},
            "sl99": {"warehouse.policies.widget.service_level": 0.99},
        }
        data["baseline"] = "sl90"
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def customer_run(tmp_path_factory):
    """30 measured days of the customer scenario: two products, two suppliers, churn, returns."""
    scenario, result = run(CUSTOMERS, days=30, trace=True)
    folder = write_run_folder(tmp_path_factory.mktemp("run") / "customers", scenario, result)
    return result.document, result.trace, folder


@pytest.fixture(scope="module")
def rq_run():
    """The textbook (r, Q) = (8, 5) scenario: unit demand, constant lead time, no noise."""
    _, result = run(RQ, days=200, trace=True)
    return result.document, result.trace


@pytest.fixture(scope="module")
def plain_experiment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exp")
    results = run_experiment(
        experiment_file(folder, "tiny", sweep=False), workers=1, out=folder / "out", progress=False
    )
    return results, folder / "out"


@pytest.fixture(scope="module")
def sweep_experiment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    results = run_experiment(
        experiment_file(folder, "tiny_sweep", sweep=True),
        workers=1,
        out=folder / "out",
        progress=False,
    )
    return results, folder / "out"


def folder_tables(folder: Path) -> tuple[list[dict], list[dict]]:
    """The summary and comparison rows of an experiment folder, as the report reads them."""
    results = read_experiment_folder(folder).results
    return results.summary, results.comparison


def line(ax, label):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, f"{label!r} among {[ln.get_label() for ln in ax.get_lines()]}"
    return found[0]


def errorbar_bounds(container: ErrorbarContainer, axis: str = "y") -> list[tuple[float, float]]:
    """(low, high) of each error bar of a container (the y bars, or the x bars)."""
    segments = []
    for collection in container.lines[2]:
        for seg in collection.get_segments():
            seg = np.asarray(seg)
            if axis == "y" and math.isclose(seg[0, 0], seg[1, 0]):
                segments.append((min(seg[:, 1]), max(seg[:, 1])))
            if axis == "x" and math.isclose(seg[0, 1], seg[1, 1]):
                segments.append((min(seg[:, 0]), max(seg[:, 0])))
    return segments


def flat(pairs) -> list[float]:
    """[(a, b), (c, d)] -> [a, b, c, d], for pytest.approx (which takes no nested data)."""
    return [x for pair in pairs for x in pair]


# --- the inventory story -------------------------------------------------------------------------


def test_inventory_figure_plots_the_recorded_stock(customer_run):
    doc, trace, _ = customer_run
    fig = F.inventory_figure(trace, doc, "widget")
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    rows = [r for r in trace if r[3] == "widget" and r[5] != ""]
    on_hand = line(top, "on hand")
    assert on_hand.get_drawstyle() == "steps-post"
    assert list(on_hand.get_xdata()) == [r[0] for r in rows]
    assert list(on_hand.get_ydata()) == [r[5] for r in rows]
    backorders = line(bottom, "backorders")
    assert list(backorders.get_ydata()) == [r[6] for r in rows]
    arrivals = line(top, "purchase order received")
    received = [r for r in rows if r[1] == "po_received"]
    assert len(received) > 0
    assert list(arrivals.get_xdata()) == [r[0] for r in received]
    assert list(arrivals.get_ydata()) == [r[5] for r in received]
    r = doc["policies"]["widget"]["reorder_point"]
    q = doc["policies"]["widget"]["order_quantity"]
    assert list(line(top, f"reorder point r = {r:,.0f}").get_ydata()) == [r, r]
    assert list(line(top, f"r + Q = {r + q:,.0f}").get_ydata()) == [r + q, r + q]
    assert top.get_ylabel() == "units"
    assert bottom.get_xlabel() == "time (days)"
    assert "widget" in top.get_title()
    # the warm-up is shaded, from 0 to its end
    shade = [p for p in top.patches if p.get_label() == "warm-up (not measured)"]
    assert len(shade) == 1
    assert shade[0].get_x() == 0 and shade[0].get_width() == doc["warmup_days"]


def test_min_max_levels_are_drawn(customer_run):
    doc, trace, _ = customer_run
    top = F.inventory_figure(trace, doc, "gadget").axes[0]
    policy = doc["policies"]["gadget"]
    assert policy["type"] == "min_max"
    assert list(line(top, f"min s = {policy['min']:,}").get_ydata()) == [policy["min"]] * 2
    assert list(line(top, f"max S = {policy['max']:,}").get_ydata()) == [policy["max"]] * 2


def test_inventory_position_follows_the_rq_policy(rq_run):
    """The derived position of a continuous (8, 5) policy with unit demand cycles 8..13."""
    doc, trace = rq_run
    top = F.inventory_figure(trace, doc, "item").axes[0]
    position = line(top, "inventory position")
    x, y = np.asarray(position.get_xdata()), np.asarray(position.get_ydata())
    rows = [r for r in trace if r[3] == "item" and r[5] != ""]
    assert len(y) == len(rows)
    placed = [i for i, r in enumerate(rows) if r[1] == "po_placed"]
    assert len(placed) > 50
    # after the first order the position never leaves r .. r + Q, and every order lifts it to 13
    assert set(y[placed[0] :]) <= set(range(8, 14))
    assert all(y[i] == 13 for i in placed)
    assert list(line(top, "reorder point r = 8").get_ydata()) == [8, 8]
    assert list(line(top, "r + Q = 13").get_ydata()) == [13, 13]
    assert x[0] == rows[0][0]


def test_trace_csv_gives_the_same_figure_data(customer_run):
    doc, trace, folder = customer_run
    loaded = load_trace(folder / "trace.csv", FIGURE_EVENTS)
    for product in ("widget", "gadget"):
        a = F.inventory_series(trace, product)
        b = F.inventory_series(loaded, product)
        for name in ("time", "on_hand", "backorders", "position", "arrivals_on_hand"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for i in range(3):
        assert np.array_equal(F.daily_flows(trace, doc)[i], F.daily_flows(loaded, doc)[i])


def test_thin_keeps_every_slice_extremes():
    t = np.linspace(0, 100, 100_001)
    y = np.sin(t * 7) * 50 + np.where(t > 60, 30, 0)
    y[12_345] = 500  # a lone spike
    tt, yy = F.thin(t, y, 4000)
    assert len(tt) <= 4000
    assert tt[0] == t[0] and tt[-1] == t[-1]
    assert yy.max() == 500 and yy.min() == y.min()
    assert np.all(np.diff(tt) > 0)
    short = np.arange(10.0)
    assert F.thin(short, short, 4000)[0] is short


def test_policy_levels():
    assert F.policy_levels({"type": "base_stock", "level": 40}) == [("order-up-to S", 40.0)]
    assert (
        F.policy_levels(
            {"type": "reorder_point", "reorder_point": "forecast x cover_days + safety_stock"}
        )
        == []
    )
    assert F.policy_levels({"type": "vmi", "min_days_of_supply": 3.0}) == []
    assert F.policy_levels(None) == []


# --- bullwhip, customers, suppliers --------------------------------------------------------------


def test_bullwhip_figure_is_the_recorded_bullwhip(customer_run):
    """Daily demand and orders from the trace give exactly the run's bullwhip_ratio KPI."""
    doc, trace, _ = customer_run
    if len(trace[0]) <= REPLACEMENT:
        pytest.skip("the recorder does not yet write the trace's replacement column")
    days, demanded, ordered = F.daily_flows(trace, doc)
    assert len(days) == math.ceil(doc["horizon_days"])
    assert demanded.sum() == doc["kpis"]["units_demanded"]  # replacements are not demand
    assert ordered.sum() == sum(p["units_ordered"] for p in doc["by_product"].values())
    ratio = np.var(ordered, ddof=1) / np.var(demanded, ddof=1)
    assert ratio == pytest.approx(doc["kpis"]["bullwhip_ratio"], rel=1e-9)
    ax = F.bullwhip_figure(trace, doc).axes[0]
    lines = {ln.get_label().split(" (")[0]: ln for ln in ax.get_lines()}
    assert list(lines["units demanded by customers"].get_ydata()) == list(demanded)
    assert list(lines["units ordered from suppliers"].get_ydata()) == list(ordered)
    assert list(lines["units ordered from suppliers"].get_xdata()) == list(
        doc["warmup_days"] + days
    )
    assert ax.get_ylabel() == "units per day"
    assert f"{doc['kpis']['bullwhip_ratio']:,.3g}" in ax.get_title()


def flow_row(time, event, units, replacement=None):
    row = (time, event, "1", "widget", units, None, None, "")
    return row if replacement is None else (*row, replacement)


def test_daily_flows_leave_out_replacements():
    doc = {"warmup_days": 1.0, "horizon_days": 3.0}
    trace = [
        flow_row(0.5, "order_placed", 7, False),  # warm-up: not measured
        flow_row(1.2, "order_placed", 2, False),
        flow_row(1.2, "order_placed", 5, True),  # a replacement of returned goods
        flow_row(2.5, "po_placed", 10, False),
        flow_row(3.9, "order_placed", 3, False),
    ]
    days, demanded, ordered = F.daily_flows(trace, doc)
    assert list(days) == [0, 1, 2]
    assert list(demanded) == [2, 0, 3]
    assert list(ordered) == [0, 10, 0]


def test_daily_flows_of_a_trace_without_the_replacement_column_count_every_order():
    doc = {"warmup_days": 0.0, "horizon_days": 1.0}
    trace = [flow_row(0.1, "order_placed", 2), flow_row(0.2, "order_placed", 5)]
    assert list(F.daily_flows(trace, doc)[1]) == [7]


def test_load_trace_reads_the_declared_columns(tmp_path):
    header = "time,event,order,product,units,on_hand,backorders,detail"
    old = tmp_path / "old.csv"
    old.write_text(f"{header}\n1.5,order_placed,4,widget,2,10.0,0,filled=2\n")
    assert load_trace(old) == [
        (1.5, "order_placed", "4", "widget", 2, 10, 0, "filled=2", False, "", "")
    ]
    new = tmp_path / "new.csv"
    new.write_text(
        f"{header},replacement\n2,order_placed,5,widget,1,,,,True\n3,po_placed,,widget,9,,,,\n"
    )
    rows = load_trace(new)
    assert [r[-3] for r in rows] == [True, False]
    assert [r[-2:] for r in rows] == [("", ""), ("", "")]  # no segment, no site
    assert rows[0][4:7] == (1, None, None)
    (tmp_path / "bad.csv").write_text("when,what\n1,x\n")
    with pytest.raises(ReportError, match="not a trace: no column time, event"):
        load_trace(tmp_path / "bad.csv")


def test_customer_figure_bars_are_the_segment_figures(customer_run):
    doc, _, _ = customer_run
    segments = doc["customers"]
    fig = F.customer_figure(doc)
    counts, rates = fig.axes
    assert [c.get_label() for c in counts.containers] == [label for _, label in F.CUSTOMER_COUNTS]
    for container, (key, _) in zip(counts.containers, F.CUSTOMER_COUNTS, strict=True):
        assert isinstance(container, BarContainer)
        assert [b.get_height() for b in container] == [s[key] for s in segments.values()]
    for seg in segments.values():  # the identity the caption states
        assert seg["active_customers_end"] == (
            seg["retention_cohort"] + seg["new_customers"] - seg["churned_customers"]
        )
    retention, satisfaction = rates.containers
    assert [b.get_height() for b in retention] == [s["retention_rate"] for s in segments.values()]
    assert [b.get_height() for b in satisfaction] == [
        s["satisfaction_mean"] for s in segments.values()
    ]
    assert counts.get_ylabel() == "customers"
    assert [t.get_text().split("\n")[0] for t in counts.get_xticklabels()] == list(segments)
    # the legend names the KPIs as the registry labels them, with their units
    assert [c.get_label() for c in rates.containers] == [
        kpis.label("retention_rate"),
        kpis.label("satisfaction_mean"),
    ]


def test_churn_reasons_figure_stacks_the_segments(customer_run):
    doc, _, _ = customer_run
    ax = F.churn_reasons_figure(doc).axes[0]
    reasons = [t.get_text() for t in ax.get_yticklabels()]
    assert set(reasons) == set(doc["churn_reasons"])
    totals = dict.fromkeys(reasons, 0)
    for container, (name, seg) in zip(ax.containers, doc["customers"].items(), strict=True):
        assert container.get_label() == name
        widths = [b.get_width() for b in container]
        assert widths == [seg["churn_reasons"].get(r, 0) for r in reasons]
        for r, w in zip(reasons, widths, strict=True):
            totals[r] += w
    assert totals == doc["churn_reasons"]


def test_customer_figures_need_customers_who_behave():
    _, result = run(BASELINE, days=5)
    with pytest.raises(ValueError, match="behaviour"):
        F.customer_figure(result.document)
    with pytest.raises(ValueError, match="behaviour"):
        F.churn_reasons_figure(result.document)


def test_scorecard_bars_are_the_scores_and_parts(customer_run):
    doc, _, _ = customer_run
    suppliers = doc["suppliers"]
    ax = F.scorecard_figure(doc).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(suppliers)
    score, *parts = ax.containers
    assert [b.get_height() for b in score] == pytest.approx(
        [s["score"] for s in suppliers.values()]
    )
    assert len(parts) == len(F.SCORE_PARTS)
    for container, part in zip(parts, F.SCORE_PARTS, strict=True):
        assert container.get_label().startswith(part)
        expected = [s["score_parts"][part] for s in suppliers.values()]
        assert [b.get_height() for b in container] == pytest.approx(expected)


# --- experiments ---------------------------------------------------------------------------------


def test_comparison_error_bars_are_the_csv_intervals(plain_experiment):
    _, folder = plain_experiment
    summary, comparison = folder_tables(folder)
    fig = F.comparison_figure(summary, comparison)
    axes = np.asarray(fig.axes).reshape(len(KPIS), 2)
    for (left, right), kpi in zip(axes, KPIS, strict=True):
        assert left.get_title() == kpis.label(kpi)
        rows = [r for r in summary if r["kpi"] == kpi]
        assert [c.get_label() for c in left.containers] == ["sl90", "sl99"]
        for container, row in zip(left.containers, rows, strict=True):
            assert isinstance(container, ErrorbarContainer)
            assert list(container.lines[0].get_ydata()) == [row["mean"]]
            ((low, high),) = errorbar_bounds(container)
            assert low == pytest.approx(row["ci_low"], rel=1e-12, abs=1e-12)
            assert high == pytest.approx(row["ci_high"], rel=1e-12, abs=1e-12)
        (c,) = [r for r in comparison if r["kpi"] == kpi]
        (container,) = right.containers
        assert list(container.lines[0].get_ydata()) == [c["difference"]]
        ((low, high),) = errorbar_bounds(container)
        assert low == pytest.approx(c["ci_low"], rel=1e-12, abs=1e-12)
        assert high == pytest.approx(c["ci_high"], rel=1e-12, abs=1e-12)
        assert list(line(right, "no difference").get_ydata()) == [0, 0]


def test_figures_take_results_in_memory_as_well(plain_experiment):
    results, folder = plain_experiment
    a = F.comparison_figure(results.summary, results.comparison)
    b = F.comparison_figure(*folder_tables(folder))
    for ax_a, ax_b in zip(a.axes, b.axes, strict=True):
        for ca, cb in zip(ax_a.containers, ax_b.containers, strict=True):
            ya = np.asarray(ca.lines[0].get_ydata(), dtype=float)
            yb = np.asarray(cb.lines[0].get_ydata(), dtype=float)
            assert np.allclose(ya, yb, rtol=1e-12)


def test_the_report_summarises_the_stored_runs_again(plain_experiment):
    """The folder's store gives the very tables the experiment computed, typed."""
    results, folder = plain_experiment
    summary, comparison = folder_tables(folder)
    assert summary == results.summary
    assert comparison == results.comparison
    assert isinstance(summary[0]["point"], int) and isinstance(comparison[0]["significant"], bool)


def test_the_report_refuses_runs_of_another_experiment(plain_experiment, tmp_path):
    _, source = plain_experiment
    folder = tmp_path / "copy"
    shutil.copytree(source, folder)
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text())
    scenario["warehouse"]["holding_cost_per_unit_day"] = 123.0
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario))
    with pytest.raises(
        ReportError,
        match=r"another experiment.*\(base scenario warehouse.holding_cost_per_unit_day: "
        r"0.02 -> 123.0\)",
    ):
        write_experiment_report(folder)
    (folder / "results.sqlite").unlink()
    with pytest.raises(ReportError, match="not an experiment folder: no results.sqlite"):
        write_experiment_report(folder)


def test_sweep_figure_plots_means_against_the_swept_value(sweep_experiment):
    results, folder = sweep_experiment
    summary, comparison = folder_tables(folder)
    fig = F.sweep_figure(summary, comparison)
    axes = np.asarray(fig.axes).reshape(len(KPIS), 2)
    param = "warehouse.policies.widget.service_level"
    assert F.sweep_parameters(summary) == [param]
    for (left, right), kpi in zip(axes, KPIS, strict=True):
        for container, variant in zip(left.containers, ["continuous", "weekly"], strict=True):
            rows = [r for r in summary if r["kpi"] == kpi and r["variant"] == variant]
            assert list(container.lines[0].get_xdata()) == [0.85, 0.97]
            assert list(container.lines[0].get_ydata()) == [r["mean"] for r in rows]
            bounds = errorbar_bounds(container)
            assert flat(bounds) == pytest.approx(
                flat((r["ci_low"], r["ci_high"]) for r in rows), rel=1e-12
            )
        (container,) = right.containers
        rows = [r for r in comparison if r["kpi"] == kpi]
        assert list(container.lines[0].get_ydata()) == [r["difference"] for r in rows]
    assert axes[-1][0].get_xlabel() == "Service level, widget (0..1)"  # the path is in the caption


def test_frontier_points_are_the_summary_means(sweep_experiment):
    _, folder = sweep_experiment
    summary, _ = folder_tables(folder)
    costs, service = F.frontier_kpis(KPIS)
    assert (costs, service) == (["cost_holding", "cost_total"], "fill_rate")
    fig = F.frontier_figure(summary)
    assert len(fig.axes) == 2
    for ax, cost in zip(fig.axes, costs, strict=True):
        assert ax.get_xlabel().startswith(kpis.label(cost))
        assert [c.get_label() for c in ax.containers] == ["continuous", "weekly"]
        for container, variant in zip(ax.containers, ["continuous", "weekly"], strict=True):
            mine = [r for r in summary if r["variant"] == variant]
            xs = [r["mean"] for r in mine if r["kpi"] == cost]
            ys = [r["mean"] for r in mine if r["kpi"] == service]
            assert list(container.lines[0].get_xdata()) == xs
            assert list(container.lines[0].get_ydata()) == ys
            x_bounds = [(r["ci_low"], r["ci_high"]) for r in mine if r["kpi"] == cost]
            assert flat(errorbar_bounds(container, "x")) == pytest.approx(flat(x_bounds), rel=1e-12)
        labels = sorted(t.get_text() for t in ax.texts)
        assert labels == ["0.85", "0.85", "0.97", "0.97"]
    assert fig.axes[0].get_ylabel().startswith(kpis.label("fill_rate"))


def test_frontier_needs_a_service_and_a_cost_kpi():
    assert F.frontier_kpis(["by_product.widget.fill_rate", "cost_transport", "profit"]) == (
        ["cost_transport"],
        "by_product.widget.fill_rate",
    )
    with pytest.raises(ValueError, match="service KPI"):
        F.frontier_kpis(["profit", "cost_total"])


# --- the HTML report and the CLI -----------------------------------------------------------------


class Page(HTMLParser):
    """The ids, images, links and scripts of an HTML page."""

    def __init__(self, text):
        super().__init__()
        self.ids, self.images, self.links, self.tags = [], [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "img":
            self.images.append(attrs)
        for key in ("href", "src", "action", "poster", "srcset"):
            if key in attrs and tag != "img":
                self.links.append(attrs[key])


def check_self_contained(page: Page) -> None:
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert all(link.startswith("#") for link in page.links), page.links
    for img in page.images:
        assert img["src"].startswith("data:image/png;base64,")
        assert img["alt"]


def test_report_cli_on_a_run_folder(tmp_path, capsys):
    folder = tmp_path / "run"
    assert main(["run", str(CUSTOMERS), "--days", "30", "--out", str(folder)]) == 0
    capsys.readouterr()
    assert main(["report", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {folder / 'report.html'}" in out
    text = (folder / "report.html").read_text()
    page = Page(text)
    expected = [
        "fig-inventory-widget",
        "fig-inventory-gadget",
        "fig-bullwhip",
        "fig-customers",
        "fig-customer-days",
        "fig-churn-reasons",
        "fig-scorecard",
    ]
    for fid in ["summary", "kpis", "figures", "provenance", *expected]:
        assert fid in page.ids
    assert len(page.images) == len(expected)
    assert sorted(p.stem for p in (folder / "figures").glob("*.png")) == sorted(expected)
    check_self_contained(page)
    doc = json.loads((folder / "result.json").read_text())
    assert f"{100 * doc['kpis']['fill_rate']:.2f}%" in text
    assert "supplysim run" in text  # the command, from provenance.json


def test_report_cli_on_an_experiment_folder(plain_experiment, sweep_experiment, capsys):
    for (_, folder), figures in (
        (plain_experiment, ["fig-comparison", "fig-frontier", "fig-story"]),
        (sweep_experiment, ["fig-sweep", "fig-frontier", "fig-story"]),
    ):
        assert main(["report", str(folder)]) == 0
        assert f"wrote {folder / 'report.html'}" in capsys.readouterr().out
        text = (folder / "report.html").read_text()
        page = Page(text)
        for fid in ["summary", "verdict", "kpis", "figures", "provenance", *figures]:
            assert fid in page.ids
        assert len(page.images) == len(figures)
        check_self_contained(page)
        assert "Tiny &lt;test&gt; experiment &amp; friends" in text
        _, comparison = folder_tables(folder)
        shown = re.findall(r'<td class="verdict">([^<]*)</td>', text)
        expected = [
            {"better": "yes, better", "worse": "yes, worse", "different": "yes"}.get(
                c["verdict"], "not significant" if c["verdict"] == "not significant" else "n/a"
            )
            for c in comparison
        ]
        assert comparison and shown == expected


def test_report_cli_rejects_a_folder_without_results(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("nothing to see")
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path}: (folder): not a results folder")
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'missing'}: (folder): no such folder"


def test_report_rejects_a_broken_result(tmp_path, capsys):
    (tmp_path / "result.json").write_text("{not json")
    assert main(["report", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'result.json'}: (file): not valid JSON")
    with pytest.raises(ReportError):
        write_experiment_report(tmp_path)


def test_report_escapes_text_and_does_without_a_trace(customer_run, tmp_path):
    _, _, source = customer_run
    folder = tmp_path / "copy"
    shutil.copytree(source, folder)
    (folder / "trace.csv").unlink()
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text())
    scenario["description"] = 'Says <script>alert("hi")</script> & more'
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario))
    path = write_run_report(folder)
    text = path.read_text()
    assert "<script>" not in text
    assert "Says &lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; more" in text
    page = Page(text)
    assert "fig-inventory-widget" not in page.ids and "fig-bullwhip" not in page.ids
    assert "fig-customers" in page.ids
    assert "No trace.csv in this folder" in text
    assert not (folder / "figures" / "fig-inventory-widget.png").exists()
    assert write_report(folder) == path


def test_report_ids_are_stable(customer_run):
    doc, trace, folder = customer_run
    items, notes = run_figures(doc, trace, load_customer_days(folder / "customers_daily.csv"))
    assert [i.id for i in items] == [
        "fig-inventory-widget",
        "fig-inventory-gadget",
        "fig-bullwhip",
        "fig-customers",
        "fig-customer-days",
        "fig-churn-reasons",
        "fig-scorecard",
    ]
    assert notes == []
    for item in items:
        assert item.png.startswith(b"\x89PNG\r\n\x1a\n")
        assert re.fullmatch(r"fig-[a-z0-9-]+", item.id)


# --- networks ------------------------------------------------------------------------------------

NETWORK = ROOT / "scenarios" / "network.yaml"


@pytest.fixture(scope="module")
def network_run():
    """30 measured days of the example network: a plant, a DC and three regional warehouses."""
    _, result = run(NETWORK, days=30, trace=True)
    return result.document, result.trace


def drawn_lanes(fig: Figure) -> dict[tuple[str, str], tuple[int, float]]:
    """(origin, destination) -> (units, arrow width) of every arrow the network figure drew."""
    drawn = {}
    for ax in fig.axes:
        for artist in ax.texts:
            gid = artist.get_gid() or ""
            if gid.startswith("lane:"):
                ends, units = gid[5:].rsplit(":", 1)
                origin, destination = ends.split(">")
                drawn[origin, destination] = (int(units), artist.arrow_patch.get_linewidth())
    return drawn


def test_network_figure_draws_the_result_documents_lanes(network_run):
    document, _ = network_run
    drawn = drawn_lanes(F.network_figure(document))
    lanes = {(ln["origin"], ln["destination"]): ln["units"] for ln in document["lanes"]}
    assert len(lanes) == 4 and all(units > 0 for units in lanes.values())
    assert {k: units for k, (units, _) in drawn.items() if k[1] != "customers"} == lanes
    # each site's customer orders flow to the customers
    for site, row in document["by_site"].items():
        served = row["orders"] - row["downstream_orders"]
        assert drawn.get((site, "customers"), (0, 0))[0] == served
    # wider arrows for more units; the busiest lane is the plant's, into the DC
    ordered = sorted(drawn.values())
    assert all(a[1] <= b[1] for a, b in zip(ordered, ordered[1:], strict=False))
    assert max(drawn, key=lambda k: drawn[k][0]) == ("plant", "dc")
    net = F.network_of(document)
    assert net.columns["plant"] == 0 and net.columns["dc"] == 1
    assert net.columns["north"] == net.columns["south"] == net.columns["west"] == 2
    assert net.kinds["dc"] == "distribution_centre"


def test_a_lane_that_moved_nothing_is_drawn_dashed():
    document = {
        "by_site": {"a": {"kind": "store", "orders": 3}, "b": {"kind": "store", "orders": 0}},
        "lanes": [
            {"origin": "s", "destination": "a", "units": 3},
            {"origin": "s", "destination": "b", "units": 0},
        ],
    }
    fig = F.network_figure(document)
    styles = {a.get_gid(): a.arrow_patch.get_linestyle() for a in fig.axes[0].texts if a.get_gid()}
    assert styles["lane:s>b:0"] != styles["lane:s>a:3"]
    assert "lane:a>customers:3" in styles and not any("b>customers" in g for g in styles)
    with pytest.raises(ValueError, match="no sites"):
        F.network_figure({"lanes": []})


def test_a_network_report_has_the_network_figure_and_each_sites_stock(network_run):
    document, trace = network_run
    items, notes = run_figures(document, trace)
    ids = [item.id for item in items]
    assert ids[0] == "fig-network"
    # no product's line mixing its sites: each site's stock, the DC's echelon then the regions'
    assert not any(i.startswith("fig-inventory") for i in ids)
    assert ids[1:3] == ["fig-sites-echelon-1", "fig-sites-echelon-2"]
    assert not any("site" in note for note in notes)
    assert "plant to dc" in items[0].alt


def test_a_single_site_report_has_no_network_figure(customer_run):
    document, trace, _ = customer_run
    ids = [item.id for item in run_figures(document, trace)[0]]
    assert "fig-network" not in ids and "fig-inventory-widget" in ids
