"""Which figures a report shows, each with a stable id, a title, a caption and an alt text.

:func:`run_figures` and :func:`experiment_figures` draw every figure that the data allow (with
:mod:`simulator.report.figures`) and keep each one's PNG bytes, and say in a note why an expected
figure is absent. The words around a figure are plain text; the page escapes them.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.report import figures as F
from simulator.report import numbers
from simulator.report.network_gallery import network_items

#: Resolution of the PNG figures (a 10-inch-wide figure is 1000 pixels wide).
DPI = 100


@dataclass
class FigureItem:
    """One figure of a report: its stable id, words around it, and the PNG bytes."""

    id: str
    """Stable HTML id and file stem, e.g. ``fig-inventory-widget``."""
    title: str
    """A short heading."""
    caption: str
    """How to read the figure (plain text)."""
    alt: str
    """What the figure shows, for someone who cannot see it (plain text)."""
    png: bytes = field(repr=False, default=b"")
    """The figure as a PNG."""
    svg: bytes = field(repr=False, default=b"")
    """The same figure as SVG (written beside the PNG, for print and slides)."""

    @property
    def src(self) -> str:
        """The PNG as a data URI, so the page needs no other file."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def png_bytes(figure: Any, dpi: int = DPI, fmt: str = "png") -> bytes:
    """A matplotlib figure as PNG bytes (or ``fmt``: ``"svg"``)."""
    buf = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Creator": None, "Date": None}
    figure.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    return buf.getvalue()


def _item(fid: str, title: str, caption: str, alt: str, make: Callable[[], Any]) -> FigureItem:
    """Draw a figure, keep only its PNG and SVG bytes (the Figure itself is freed).

    Values near the largest float (a reorder point of 1e308) make matplotlib's tick and layout
    arithmetic overflow: the figure is drawn as well as it can be, without warnings on stderr.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning, module="matplotlib")
        warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
        figure = make()
        png, svg = png_bytes(figure), png_bytes(figure, fmt="svg")
    return FigureItem(fid, title, caption, alt, png, svg)


def run_figures(
    document: Mapping[str, Any], trace: Sequence[Any] | None
) -> tuple[list[FigureItem], list[str]]:
    """The figures of a run, and a note for each figure that could not be drawn and why."""
    items: list[FigureItem] = []
    notes: list[str] = []
    products = list(document.get("by_product") or document.get("policies") or {})
    policies = document.get("policies") or {}
    if F.is_network(document):  # each site's stock instead of each product's
        site_items, site_notes = network_items(document, trace, _item)
        items += site_items
        notes += site_notes
        products = []
    if trace is None:
        notes.append(
            "No trace.csv in this folder: the inventory and bullwhip pictures need the event "
            "trace (supplysim run ... --out DIR writes it)."
        )
    else:
        rows_of: dict[str, list] = {pid: [] for pid in products}
        for row in trace:  # one pass: each product's figure then reads its own rows only
            mine = rows_of.get(row[3])
            if mine is not None:
                mine.append(row)
        for pid in products:
            series = F.inventory_series(rows_of[pid], pid)
            if not len(series.time):
                notes.append(f"No stock levels of {pid} in the trace: no inventory picture.")
                continue
            levels = F.policy_levels(policies.get(pid))
            level_text = (
                "; policy levels " + ", ".join(f"{name} {value:,.0f}" for name, value in levels)
                if levels
                else ""
            )
            alt = (
                f"Step plot of {pid} over {series.time[-1]:,.0f} days: units on hand between "
                f"{series.on_hand.min():,.0f} and {series.on_hand.max():,.0f}, inventory "
                f"position between {series.position.min():,.0f} and {series.position.max():,.0f}"
                f"{level_text}; {len(series.arrivals_time)} purchase orders received (markers); "
                f"backorders up to {series.backorders.max():,.0f} units."
            )
            caption = (
                f"The inventory story of {pid} ({(policies.get(pid) or {}).get('type', '')}). "
                "Blue: units on hand. Orange: the inventory position (on hand + on order − "
                "backorders), which is what the replenishment policy watches. Dashed grey: the "
                "policy's levels (when they are fixed numbers). Green triangles: purchase orders "
                "arriving. Red (lower panel): units backordered, customers waiting. The grey "
                "band is the warm-up, left out of every KPI."
            )
            items.append(
                _item(
                    f"fig-inventory-{F.slug(pid)}",
                    f"Inventory of {pid}",
                    caption,
                    alt,
                    lambda pid=pid: F.inventory_figure(rows_of[pid], document, pid),
                )
            )
        days, demanded, ordered = F.daily_flows(trace, document)
        if demanded.any() and ordered.any():
            ratio = (document.get("kpis") or {}).get("bullwhip_ratio")
            alt = (
                f"Two step lines over {len(days)} measured days: units demanded per day "
                f"(mean {demanded.mean():,.1f}, from {demanded.min():,.0f} to "
                f"{demanded.max():,.0f}) and units ordered from suppliers per day (mean "
                f"{ordered.mean():,.1f}, from {ordered.min():,.0f} to {ordered.max():,.0f}); "
                f"bullwhip ratio {numbers.fmt('bullwhip_ratio', ratio)}."
            )
            caption = (
                "The bullwhip picture: units customers demanded each day (blue) against units "
                "the warehouse ordered from its suppliers each day (red), over the measured "
                "horizon, all products together. Ordering in batches or at reviews turns a steady "
                "demand into lumpy orders; the bullwhip ratio is the variance of the red line "
                "over the variance of the blue one (1: orders as smooth as demand)."
            )
            items.append(
                _item(
                    "fig-bullwhip",
                    "Orders versus demand (bullwhip)",
                    caption,
                    alt,
                    lambda: F.bullwhip_figure(trace, document),
                )
            )
        else:
            notes.append("No demand or no purchase orders in the measured horizon: no bullwhip.")
    segments = document.get("customers") or {}
    if segments:
        alt = "Grouped bars per customer segment: " + "; ".join(
            f"{name}: "
            + ", ".join(
                f"{numbers.fmt(key, s.get(key))} {label}" for key, label in F.CUSTOMER_COUNTS
            )
            + f", retention {numbers.fmt('retention_rate', s.get('retention_rate'))}, satisfaction "
            f"{numbers.text('satisfaction_mean', s.get('satisfaction_mean'))}"
            for name, s in segments.items()
        )
        caption = (
            "The customer story per segment. Left: customers active at the end of warm-up, "
            "won (new) and lost (churned) during the measured horizon, and active at the end "
            "(= active at end of warm-up + new − churned). Right: the share of the first group "
            "still active at the end (retention) and the mean satisfaction (0..1) of the active "
            "customers, with the net promoter score under the segment's name. These are "
            "recorded at the end of the run, not over time."
        )
        items.append(
            _item(
                "fig-customers",
                "Customers",
                caption,
                alt,
                lambda: F.customer_figure(document),
            )
        )
        reasons = document.get("churn_reasons") or {}
        if reasons:
            alt = "Horizontal bars of churned customers per reason: " + ", ".join(
                f"{reason} {numbers.fmt('churned_customers', n)}"
                for reason, n in sorted(reasons.items(), key=lambda i: -i[1])
            )
            caption = (
                "Why customers left: the kinds of bad experience among the last orders of each "
                "customer who churned (late, defect, damage, wrong item, slow service, ...), "
                "stacked by segment. 'none' counts customers who left without one (they would "
                "have left anyway). A customer can have several reasons."
            )
            items.append(
                _item(
                    "fig-churn-reasons",
                    "Churn reasons",
                    caption,
                    alt,
                    lambda: F.churn_reasons_figure(document),
                )
            )
        else:
            notes.append("No customer churned in the measured horizon: no churn reasons.")
    else:
        notes.append("Customers never churn in this scenario (behaviour: none): no customer story.")
    suppliers = {
        sid: row
        for sid, row in (document.get("suppliers") or {}).items()
        if row.get("score_parts") is not None
    }
    if suppliers:
        alt = "Grouped bars per supplier of the score and its parts (0 to 1): " + "; ".join(
            f"{sid}: score {numbers.text('score', row.get('score'))}, "
            + ", ".join(f"{k} {numbers.text(k, v)}" for k, v in row["score_parts"].items())
            for sid, row in suppliers.items()
        )
        caption = (
            "The supplier scorecard: each supplier's score (dark bar) and its parts, from 0 "
            "(worst) to 1 (best): on time (deliveries by the quoted lead time), quality (1 − "
            "dppm / 100,000), lead-time consistency (1 / (1 + sd / mean)), cost (cheapest unit "
            "cost / this supplier's) and availability (share of days not disrupted). The score "
            "is the weighted mean of the parts, with the weights in the legend."
        )
        items.append(
            _item(
                "fig-scorecard",
                "Supplier scorecard",
                caption,
                alt,
                lambda: F.scorecard_figure(document),
            )
        )
    return items, notes


def experiment_figures(
    summary: Sequence[Mapping[str, Any]],
    comparison: Sequence[Mapping[str, Any]],
    colours: Mapping[str, str] | None = None,
) -> tuple[list[FigureItem], list[str]]:
    """The figures of an experiment, and a note for each figure that could not be drawn.

    ``colours`` (variant -> colour, default :func:`experiment_colours`) is used by every figure,
    so a variant has one colour on the whole page.
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
            _item(
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
            "cross the dashed zero line the difference is significant."
        )
        items.append(
            _item(
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
            + "Up and to the left is better: more service for less money; a point both lower "
            "and further right than another is dominated. The intervals here are each "
            "variant's own; whether two variants differ is the verdict's paired comparison."
        )
        items.append(
            _item(
                "fig-frontier",
                "Service versus cost",
                caption,
                alt,
                lambda: F.frontier_figure(summary, costs, service, colours=colours),
            )
        )
    return items, notes


def experiment_colours(
    summary: Sequence[Mapping[str, Any]], comparison: Sequence[Mapping[str, Any]]
) -> dict[str, str]:
    """Each variant's one colour on an experiment's page (the baseline dark grey)."""
    variants = F.experiment_variants(summary)
    if not variants:
        return {}
    colours = F.colours_of(variants, F.baseline_variant(comparison, variants))
    return {v: colours[v] for v in variants}
