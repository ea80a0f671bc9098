"""Readable labels on the report's axes: parameter paths in words with units, the path kept in
the caption, and KPI axes labelled from the registry."""

from __future__ import annotations

import pytest

from simulator import kpis
from simulator.report import figures as F
from simulator.report.experiment_gallery import experiment_figures, swept_text
from simulator.report.figures.labels import parameter_label, parameters_label


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("suppliers.acme.lead_time_days.mean", "Lead time, acme, mean (days)"),
        ("warehouse.policies.widget.service_level", "Service level, widget (0..1)"),
        ("warehouse.policies.widget.review_days", "Review period, widget (days)"),
        ("warehouse.policies.widget.q", "Order quantity Q, widget"),
        ("horizon_days", "Horizon (days)"),
        ("products.widget.unit_cost", "Unit cost, widget (money)"),
        ("carriers.parcel.transit_days.sd", "Transit time, parcel, sd (days)"),
        (
            "customers.segments.retail.orders_per_customer_per_day",
            "Orders per customer, retail (per day)",
        ),
        ("customers.segments.retail.behaviour.loyalty.threshold", "Loyalty threshold, retail"),
        ("warehouse.policies.widget", "Policy, widget"),
    ],
)
def test_parameter_paths_read_as_words_with_units(path, label):
    assert parameter_label(path) == label


def test_several_parameters_and_the_caption_keep_the_paths():
    paths = ["warehouse.policies.widget.service_level", "suppliers.acme.lead_time_days.mean"]
    assert parameters_label(paths) == (
        "Service level, widget (0..1) / Lead time, acme, mean (days)"
    )
    text = swept_text(paths)
    for path in paths:
        assert f"(scenario path {path})" in text


def summary_rows(points):
    rows = []
    for p, value in enumerate(points):
        for v in ("base", "other"):
            for kpi in ("fill_rate", "cost_holding"):
                rows.append(
                    {
                        "variant": v,
                        "point": p,
                        "suppliers.acme.lead_time_days.mean": value,
                        "kpi": kpi,
                        "mean": 0.9 if kpi == "fill_rate" else 100.0 + p,
                        "ci_low": 0.85 if kpi == "fill_rate" else 90.0,
                        "ci_high": 0.95 if kpi == "fill_rate" else 110.0 + p,
                        "half_width": 0.05,
                        "n": 3,
                        "confidence": 0.95,
                    }
                )
    return rows


def test_sweep_and_frontier_axes_say_what_was_swept_and_measured():
    summary = summary_rows([7.0, 14.0])
    fig = F.sweep_figure(summary, [], colours={"base": "#333333", "other": "#1f77b4"})
    assert fig.axes[-1].get_xlabel() == "Lead time, acme, mean (days)"
    assert [ax.get_title() for ax in fig.axes[::2]] == [
        kpis.label("fill_rate"),
        kpis.label("cost_holding"),
    ]
    fig = F.frontier_figure(summary)
    assert fig.axes[0].get_xlabel().startswith(kpis.label("cost_holding"))
    assert fig.axes[0].get_ylabel().startswith(kpis.label("fill_rate"))
    assert "Lead time, acme, mean (days)" in fig.get_suptitle()
    items, _ = experiment_figures(summary, [])
    for item in items:
        assert "scenario path suppliers.acme.lead_time_days.mean" in item.caption, item.id
