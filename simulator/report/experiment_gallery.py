"""Which figures an experiment report shows: the verdict, the sweep, the frontier, and the story.

:func:`experiment_figures` draws every figure the summary and comparison allow, each variant in
its one colour of the page (:func:`experiment_colours`), and says in a note why an expected
figure is absent. The words around a figure are plain text; the page escapes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simulator.report import figures as F
from simulator.report import numbers
from simulator.report.gallery import FigureItem, item
from simulator.report.story import Story


def experiment_figures(
    summary: Sequence[Mapping[str, Any]],
    comparison: Sequence[Mapping[str, Any]],
    colours: Mapping[str, str] | None = None,
    stories: Sequence[Story] = (),
) -> tuple[list[FigureItem], list[str]]:
    """The figures of an experiment, and a note for each figure that could not be drawn.

    ``colours`` (variant -> colour, default :func:`experiment_colours`) is used by every figure,
    so a variant has one colour on the whole page. ``stories``: replication 0 of each variant
    simulated again (:func:`simulator.report.story.replication_stories`), drawn as the last
    figure.
    """
    items: list[FigureItem] = []
    notes: list[str] = []
    if not summary:
        return items, ["The summary is empty: no figures."]
    kpis = F.experiment_kpis(summary)
    variants = F.experiment_variants(summary)
    points = sorted({r["point"] for r in summary})
    base = F.baseline_variant(comparison, variants)
    colours = colours or experiment_colours(summary, comparison)
    conf = F.confidence_text(summary)
    verdicts = [
        f"{r['variant']} {r['kpi']} {r['verdict'] or 'n/a'}"
        for r in comparison
        if r["point"] == points[0]
    ]
    if len(points) == 1:
        alt = (
            f"One row of panels per KPI ({', '.join(kpis)}): means with {conf} confidence "
            f"intervals of {', '.join(variants)}; paired differences from {base} with their "
            "intervals and a zero line"
            + (f"; verdicts: {', '.join(verdicts)}." if verdicts else ".")
        )
        caption = (
            f"The comparison, one row per KPI. Left: each variant's mean with its {conf} "
            "confidence interval (the baseline is the square). Right: each variant's paired "
            f"difference from the baseline {base} (variant − baseline, replication by "
            "replication, on the same simulated demand) with its interval. An interval that "
            "does not cross the dashed zero line is a significant difference: green when it "
            "is better, red when worse, grey when the KPI has no better direction; a hollow "
            "marker is not significant."
        )
        items.append(
            item(
                "fig-comparison",
                "Comparison with the baseline",
                caption,
                alt,
                lambda: F.comparison_figure(summary, comparison, kpis, points[0], colours),
            )
        )
    else:
        params = F.sweep_parameters(summary)
        alt = (
            f"One row of panels per KPI ({', '.join(kpis)}) against the sweep "
            f"({', '.join(params) or 'design point'}, {len(points)} points): means with {conf} "
            f"confidence intervals, one line per variant ({', '.join(variants)}), and paired "
            f"differences from {base} with their intervals and a zero line."
        )
        caption = (
            f"The sweep, one row per KPI. Left: each variant's mean at every sweep point with "
            f"its {conf} confidence interval. Right: each variant's paired difference from the "
            f"baseline {base} at every point, with its interval; where an interval does not "
            "cross the dashed zero line the difference is significant. " + swept_text(params)
        ).strip()
        items.append(
            item(
                "fig-sweep",
                "The KPIs across the sweep",
                caption,
                alt,
                lambda: F.sweep_figure(summary, comparison, kpis, colours=colours),
            )
        )
    try:
        costs, service = F.frontier_kpis(kpis)
    except ValueError as exc:
        notes.append(f"No service-versus-cost frontier: {exc}.")
    else:
        means = {
            (r["variant"], r["point"], r["kpi"]): r.get("mean")
            for r in summary
            if r["kpi"] in (*costs, service)
        }
        alt = (
            f"Service ({service}) against cost ({' and '.join(costs)}), one panel per cost, "
            f"with {conf} error bars; (cost, service) per variant: "
            + "; ".join(
                f"{v}: "
                + ", ".join(
                    "("
                    + ", ".join(numbers.fmt(c, means.get((v, p, c))) for c in costs)
                    + f", {numbers.fmt(service, means.get((v, p, service)))})"
                    for p in points
                )
                for v in variants
            )
        )
        caption = (
            f"The service-versus-cost frontier: mean {' and mean '.join(costs)} (x, one panel "
            f"each) against mean {service} (y), with the {conf} confidence intervals of both. "
            + (
                "Each curve is a variant and each point a sweep point, labelled with the swept "
                "value. "
                if len(points) > 1
                else "Each point is a variant. "
            )
            + swept_text(F.sweep_parameters(summary) if len(points) > 1 else [])
            + "Up and to the left is better: more service for less money; a point both lower "
            "and further right than another is dominated. The intervals here are each "
            "variant's own; whether two variants differ is the verdict's paired comparison."
        )
        items.append(
            item(
                "fig-frontier",
                "Service versus cost",
                caption,
                alt,
                lambda: F.frontier_figure(summary, costs, service, colours=colours),
            )
        )
    if any(s.on_hand or s.customer_days for s in stories):
        items.append(story_item(stories, colours))
    elif stories:
        notes.append(
            "No story of replication 0 per variant: in a network the trace does not say which "
            "site a stock level belongs to, and these customers do not remember (behaviour: none)."
        )
    return items, notes


def story_item(stories: Sequence[Story], colours: Mapping[str, str]) -> FigureItem:
    """Replication 0 of each variant over time, overlaid, with its words."""
    seconds = sum(s.seconds for s in stories)
    parts = []
    for s in stories:
        stock = ", ".join(
            f"{pid} on hand {y.min():,.0f} to {y.max():,.0f}" for pid, (_, y) in s.on_hand.items()
        )
        if s.customer_days:
            end, active, churned = F.story_customer_totals(s.customer_days)
            stock += f"; active customers at the end {active[-1]:,.0f}, churned {churned[-1]:,.0f}"
        parts.append(f"{s.variant}: {stock or 'nothing recorded'}")
    alt = "Step lines over time, one per variant (" + "; ".join(parts) + ")."
    network = any(not s.on_hand for s in stories)
    caption = (
        "One replication's story: replication 0 of each variant at the first design point, "
        "simulated again for this page with the trace on (the same seed and streams as the "
        f"stored run; {seconds:.1f} s for {len(stories)} variants). Each variant in its colour "
        "of the page; one panel per product with the units on hand"
        + (
            ", then the active customers and the customers churned since the start"
            if any(s.customer_days for s in stories)
            else ""
        )
        + ". The variants saw the same demand, lead times and customers (common random "
        "numbers): where the lines part, the variant made the difference. One replication is "
        "an example, not a verdict: the verdict is the paired comparison over all of them."
        + (
            " In a network the stock per product is not drawn (the trace does not say which "
            "site a level belongs to)."
            if network
            else ""
        )
    )
    return item(
        "fig-story",
        "One replication per variant",
        caption,
        alt,
        lambda: F.story_figure(stories, colours),
    )


def swept_text(params: Sequence[str]) -> str:
    """The swept parameters in words, each with its path in the scenario (for a caption)."""
    if not params:
        return ""
    return (
        "Swept: " + "; ".join(f"{F.parameter_label(p)} (scenario path {p})" for p in params) + ". "
    )


def experiment_colours(
    summary: Sequence[Mapping[str, Any]], comparison: Sequence[Mapping[str, Any]]
) -> dict[str, str]:
    """Each variant's one colour on an experiment's page (the baseline dark grey)."""
    variants = F.experiment_variants(summary)
    if not variants:
        return {}
    colours = F.colours_of(variants, F.baseline_variant(comparison, variants))
    return {v: colours[v] for v in variants}
