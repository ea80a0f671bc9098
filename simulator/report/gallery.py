"""Which figures a run report shows, each with a stable id, a title, a caption and an alt text.

:func:`run_figures` draws every figure that the data allow (with :mod:`simulator.report.figures`)
and keeps each one's PNG and SVG bytes (:func:`item`), and says in a note why an expected figure
is absent; :mod:`simulator.report.experiment_gallery` does the same for an experiment. The words
around a figure are plain text; the page escapes them.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib

from simulator.customer_days import BAND_COLUMNS
from simulator.customer_days import FILE_NAME as CUSTOMER_DAYS_FILE
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


#: SVG text stays text (``svg.fonttype: none``): no glyph outlines to write, smaller files, and
#: words a reader can select and search (the viewer's sans-serif font draws them).
SVG_STYLE = {"svg.fonttype": "none"}


def png_bytes(figure: Any, dpi: int = DPI, fmt: str = "png") -> bytes:
    """A matplotlib figure as PNG bytes (or ``fmt``: ``"svg"``)."""
    buf = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Creator": None, "Date": None}
    with matplotlib.rc_context(SVG_STYLE if fmt == "svg" else {}):
        figure.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    return buf.getvalue()


def figure_bytes(figure: Any) -> tuple[bytes, bytes]:
    """The figure as PNG and as SVG, laid out once.

    The PNG is drawn first (with its layout engine, if any); the layout is then kept as it is
    (``set_layout_engine("none")``), so the SVG is drawn without measuring everything again.
    """
    png = png_bytes(figure)
    figure.set_layout_engine("none")
    return png, png_bytes(figure, fmt="svg")


def item(fid: str, title: str, caption: str, alt: str, make: Callable[[], Any]) -> FigureItem:
    """Draw a figure, keep only its PNG and SVG bytes (the Figure itself is freed).

    Values near the largest float (a reorder point of 1e308) make matplotlib's tick and layout
    arithmetic overflow: the figure is drawn as well as it can be, without warnings on stderr.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning, module="matplotlib")
        warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
        figure = make()
        png, svg = figure_bytes(figure)
    return FigureItem(fid, title, caption, alt, png, svg)


def run_figures(
    document: Mapping[str, Any],
    trace: Sequence[Any] | None,
    customer_days: Sequence[Sequence[Any]] | None = None,
) -> tuple[list[FigureItem], list[str]]:
    """The figures of a run, and a note for each figure that could not be drawn and why.

    ``customer_days``: the rows of ``customers_daily.csv`` (``RunResult.customers_daily``).
    """
    items: list[FigureItem] = []
    notes: list[str] = []
    products = list(document.get("by_product") or document.get("policies") or {})
    policies = document.get("policies") or {}
    if F.is_network(document):  # each site's stock instead of each product's
        site_items, site_notes = network_items(document, trace, item)
        items += site_items
        notes += site_notes
        products = []
    if trace is None:
        notes.append(
            "No trace.csv in this folder: the inventory and bullwhip pictures need the event "
            "trace (supplysim run ... --out DIR writes it)."
        )
    else:
        rows_of = F.rows_by_product(trace, products)  # each figure then reads its own rows
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
                item(
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
                item(
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
            item(
                "fig-customers",
                "Customers",
                caption,
                alt,
                lambda: F.customer_figure(document),
            )
        )
        if customer_days:
            items.append(customer_days_item(customer_days, document.get("warmup_days")))
        else:
            notes.append(
                f"No {CUSTOMER_DAYS_FILE} in this folder: no customers over time (runs "
                "written by supplysim run ... --out DIR have it when customers remember)."
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
                item(
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
            item(
                "fig-scorecard",
                "Supplier scorecard",
                caption,
                alt,
                lambda: F.scorecard_figure(document),
            )
        )
    return items, notes


def customer_days_item(rows: Sequence[Sequence[Any]], warmup: float | None) -> FigureItem:
    """Each segment's customers per day, with its words."""
    days = F.segment_days(rows)
    banded = all(BAND_COLUMNS[0] in d for d in days.values())
    segments = "; ".join(
        f"{name}: {len(d['day'])} days, active customers from {d['active'].min():,.0f} to "
        f"{d['active'].max():,.0f} (at the end {d['active'][-1]:,.0f}), up to "
        f"{d['new'].max():,.0f} new and {d['churned'].max():,.0f} churned in a day, "
        f"{d['promoters'][-1]:,.0f} promoters and {d['detractors'][-1]:,.0f} detractors at "
        f"the end{_satisfaction_at_end(d) if banded else ''}"
        for name, d in days.items()
    )
    alt = f"{'Four' if banded else 'Three'} panels per segment over time; {segments}"
    bands = (
        "Fourth: the active customers by satisfaction, in bands of 0.1 stacked from the lowest "
        "(red, at the bottom) to the highest (green, at the top), as shares of the active "
        "customers; every customer is counted every day. "
    )
    caption = (
        "Customers over time, one column per segment, warm-up shaded (its end dashed where "
        "shares cover it). First: active customers at the end of each day. Second: customers "
        "won (up, green) and lost (down, red) each day. Third: the active customers by their "
        "last survey answer: promoters (9-10, green), detractors (0-6, red), and the rest (7-8, "
        f"or not asked yet). {bands if banded else ''}A falling top line with red bars is churn "
        "outrunning word of mouth; growing red (detractors, low satisfaction) warns of it "
        "before the customers leave. The last day's bands are the result's satisfaction_bands."
    )
    return item(
        "fig-customer-days",
        "Customers over time",
        caption,
        alt,
        lambda: F.customer_days_figure(rows, warmup),
    )


def _satisfaction_at_end(days: Mapping[str, Any]) -> str:
    """A segment's active customers at the end by satisfaction: below 0.5, to 0.8, and above."""
    bands = [days[name][-1] for name in BAND_COLUMNS]
    low, mid, high = sum(bands[:5]), sum(bands[5:8]), sum(bands[8:])
    return (
        f", by satisfaction at the end {low:,.0f} below 0.5, {mid:,.0f} from 0.5 to 0.8 and "
        f"{high:,.0f} at 0.8 or more"
    )
