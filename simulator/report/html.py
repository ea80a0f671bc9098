"""A results folder in one self-contained HTML page, and its figures as PNG files.

:func:`write_run_report` and :func:`write_experiment_report` read what a run folder
(``result.json``, ``scenario.yaml``, ``trace.csv``, ``provenance.json``) or an experiment
folder (``summary.csv``, ``comparison.csv``, ``experiment.yaml``, ``scenario.yaml``,
``provenance.json``) holds, draw its figures (:mod:`simulator.report.figures`) into
``figures/<id>.png`` and write ``report.html``: the scenario summary, the KPI tables, the verdict
with its intervals (experiments), every figure with a caption, and the provenance. The page
needs nothing but itself: figures are embedded as base64 PNG data URIs, the style is inline,
there are no scripts and no links to other files or sites, so it can be mailed or archived as
it is. Every file is written atomically; every text from the folder is HTML-escaped.

The page is rebuilt from the folder's files alone, so ``supplysim report DIR`` gives the same
report as the command that made the folder.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import shlex
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from sys import intern
from typing import Any

from simulator import __version__
from simulator.config.safe_yaml import parse_yaml, read_text
from simulator.io import atomic_write_bytes, atomic_write_text
from simulator.report import figures as F
from simulator.report.tables import GROUPS, fmt

#: The report's file name inside a results folder.
REPORT_NAME = "report.html"
#: The folder (inside a results folder) that holds the figures as PNG files.
FIGURES_DIR = "figures"
#: Resolution of the PNG figures (a 10-inch-wide figure is 1000 pixels wide).
DPI = 100
#: Trace events the figures use; other events (deliveries, ...) are not loaded.
FIGURE_EVENTS = frozenset(
    {"order_placed", "po_placed", "po_received", "return_restocked", "replacement_delivered"}
)
#: Sweep points shown in the report's tables; the rest are in the CSV files.
MAX_POINTS_SHOWN = 50


class ReportError(Exception):
    """A folder or file cannot be reported on: ``PATH: (what): message``, a user's mistake."""

    def __init__(self, path: str | Path, message: str, what: str = "(file)") -> None:
        super().__init__(f"{path}: {what}: {message}")
        self.path = Path(path)
        self.message = message


# --- reading a folder ---------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(path, f"cannot read: {exc}") from None


def read_json(path: str | Path) -> Any:
    """A JSON file's content (``ReportError`` if it is missing or not JSON)."""
    path = Path(path)
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ReportError(path, f"not valid JSON: {exc}") from None


def read_yaml(path: str | Path) -> Any:
    """A YAML file's content, by the guarded reader of scenario files (``ConfigError`` if not)."""
    return parse_yaml(read_text(path), str(path))


def _optional(reader: Callable[[Path], Any], path: Path, default: Any) -> Any:
    """``reader(path)`` if the file exists and holds a mapping, else ``default``."""
    if not path.is_file():
        return default
    data = reader(path)
    return data if isinstance(data, dict) else default


def parse_cell(text: str) -> Any:
    """A CSV cell as a value: blank is ``None``, ``True``/``False`` booleans, numbers numbers."""
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


#: Columns of the experiment tables that are names, never numbers.
NAME_COLUMNS = frozenset({"variant", "kpi", "baseline", "verdict"})


def read_table(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a results CSV table (``summary.csv``, ``comparison.csv``, ...) as dicts.

    Cells are typed with :func:`parse_cell`, except the name columns (``variant``, ``kpi``,
    ``baseline``, ``verdict``), which stay text; the header order is kept. A file without a
    header row (the comparison of a single variant) has no rows.
    """
    path = Path(path)
    reader = csv.reader(io.StringIO(_read_text(path)))
    header = next(reader, None)
    if not header:
        return []  # e.g. the comparison of an experiment with one variant
    rows = []
    for line, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise ReportError(
                path, f"line {line}: {len(cells)} cells, the header has {len(header)}"
            )
        rows.append(
            {
                h: (c if h in NAME_COLUMNS else parse_cell(c))
                for h, c in zip(header, cells, strict=True)
            }
        )
    return rows


def load_trace(path: str | Path, events: Collection[str] | None = None) -> list[tuple]:
    """The rows of a ``trace.csv`` as typed tuples, the shape of ``RunResult.trace``.

    Args:
        path: the trace file.
        events: keep only these events, and rows that record stock levels (default: every row).
            :data:`FIGURE_EVENTS` keeps what the figures need and saves memory on long traces.
    """
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ReportError(path, f"cannot read: {exc}") from None
    rows = []
    with fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header or header[:2] != ["time", "event"] or len(header) < 8:
            raise ReportError(path, "not a trace: the header must start with time,event")
        for line, row in enumerate(reader, start=2):
            try:
                time, event, order, product, units, on_hand, backorders, detail = row[:8]
                if events is not None and event not in events and on_hand == "":
                    continue
                rows.append(
                    (
                        float(time),
                        intern(event),  # repeated names share one string: long traces fit
                        order,
                        intern(product),
                        int(units) if units else None,
                        int(float(on_hand)) if on_hand else None,
                        int(float(backorders)) if backorders else None,
                        intern(detail),
                    )
                )
            except ValueError as exc:
                raise ReportError(path, f"line {line}: {exc}") from None
    return rows


# --- figures ------------------------------------------------------------------------------------


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


def png_bytes(figure: Any, dpi: int = DPI) -> bytes:
    """A matplotlib figure as PNG bytes."""
    buf = io.BytesIO()
    figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _item(fid: str, title: str, caption: str, alt: str, make: Callable[[], Any]) -> FigureItem:
    """Draw a figure, keep only its PNG bytes (the Figure itself is freed)."""
    return FigureItem(fid, title, caption, alt, png_bytes(make()))


def _n(x: float | None, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def run_figures(
    document: Mapping[str, Any], trace: Sequence[Any] | None
) -> tuple[list[FigureItem], list[str]]:
    """The figures of a run, and a note for each figure that could not be drawn and why."""
    items: list[FigureItem] = []
    notes: list[str] = []
    products = list(document.get("by_product") or document.get("policies") or {})
    policies = document.get("policies") or {}
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
                f"bullwhip ratio {_n(ratio, 2)}."
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
            f"{name}: {_n(s.get('retention_cohort'))} active at end of warm-up, "
            f"{_n(s.get('new_customers'))} new, {_n(s.get('churned_customers'))} churned, "
            f"{_n(s.get('active_customers_end'))} active at end, retention "
            f"{_pct(s.get('retention_rate'))}, satisfaction {_pct(s.get('satisfaction_mean'))}"
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
                f"{reason} {_n(n)}" for reason, n in sorted(reasons.items(), key=lambda i: -i[1])
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
            f"{sid}: score {_n(row.get('score'), 2)}, "
            + ", ".join(f"{k} {_n(v, 2)}" for k, v in row["score_parts"].items())
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
    summary: Sequence[Mapping[str, Any]], comparison: Sequence[Mapping[str, Any]]
) -> tuple[list[FigureItem], list[str]]:
    """The figures of an experiment, and a note for each figure that could not be drawn."""
    items: list[FigureItem] = []
    notes: list[str] = []
    if not summary:
        return items, ["The summary is empty: no figures."]
    kpis = F.experiment_kpis(summary)
    variants = F.experiment_variants(summary)
    points = sorted({int(r["point"]) for r in summary})
    base = F.baseline_variant(comparison, variants)
    conf = F.confidence_text(summary)
    verdicts = [
        f"{r['variant']} {r['kpi']} {r['verdict'] or 'n/a'}"
        for r in comparison
        if int(r["point"]) == points[0]
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
                lambda: F.comparison_figure(summary, comparison, kpis, points[0]),
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
                lambda: F.sweep_figure(summary, comparison, kpis),
            )
        )
    try:
        costs, service = F.frontier_kpis(kpis)
    except ValueError as exc:
        notes.append(f"No service-versus-cost frontier: {exc}.")
    else:
        means = {
            (r["variant"], int(r["point"]), r["kpi"]): r.get("mean")
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
                    + ", ".join(_n(means.get((v, p, c))) for c in costs)
                    + f", {fmt(service, means.get((v, p, service)))})"
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
                lambda: F.frontier_figure(summary, costs, service),
            )
        )
    return items, notes


def write_figures(folder: str | Path, items: Iterable[FigureItem]) -> list[Path]:
    """Write each figure as ``folder/figures/<id>.png`` (atomically); return the paths.

    Figures of an earlier build that this one does not have (``fig-*.png``) are removed, so
    the folder shows what the report shows.
    """
    out = Path(folder) / FIGURES_DIR
    written = [atomic_write_bytes(out / f"{item.id}.png", item.png) for item in items]
    for stale in set(out.glob("fig-*.png")) - set(written):
        stale.unlink(missing_ok=True)
    return written


# --- HTML pieces --------------------------------------------------------------------------------

CSS = """
:root { --ink: #1d2327; --muted: #5f6b73; --rule: #d7dde2; --band: #f4f6f8;
        --better: #1a7f37; --worse: #c62828; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
header { background: var(--accent); color: #fff; padding: 1.2rem 1.5rem 0.8rem; }
header h1 { margin: 0 0 0.2rem; font-size: 1.6rem; }
header p { margin: 0.1rem 0; opacity: 0.9; }
nav { margin-top: 0.6rem; font-size: 0.9rem; }
nav a { color: #fff; margin-right: 1.1rem; }
main { max-width: 1320px; margin: 0 auto; padding: 0.5rem 1.5rem 3rem; }
section { margin-top: 2rem; }
h2 { border-bottom: 2px solid var(--rule); padding-bottom: 0.2rem; font-size: 1.3rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
p.note { color: var(--muted); font-size: 0.92rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1.2rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.4rem 0 1rem; font-size: 0.86rem; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
th, td { padding: 0.22rem 0.55rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { background: var(--band); text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.better td.verdict { color: var(--better); font-weight: 600; }
tr.worse td.verdict { color: var(--worse); font-weight: 600; }
tr.different td.verdict { font-weight: 600; }
td.verdict { white-space: nowrap; }
td.wrap { white-space: normal; min-width: 9rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em; }
.scroll { overflow-x: auto; }
.tables { display: flex; flex-wrap: wrap; gap: 0 2.5rem; align-items: flex-start; }
figure { margin: 1.5rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 0.92rem; max-width: 60rem; }
figcaption strong { color: var(--ink); }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 3rem; }
@media print { header { background: none; color: var(--ink); } nav { display: none; }
               figure { break-inside: avoid; } }
"""


def e(value: Any) -> str:
    """Any value as escaped HTML text."""
    return escape(str(value), quote=True)


def value_text(name: str, value: Any) -> str:
    """A KPI-like value for a person (plain text): rates in %, money with separators."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    short = name.rsplit(".", 1)[-1]
    if short == "score" or short in F.SCORE_PARTS or short == "satisfaction_mean":
        return f"{value:.3f}"
    return fmt(short, value)


def _row_th(text: Any) -> str:
    return f'<th scope="row">{e(text)}</th>'


def _num_td(text: str) -> str:
    return f'<td class="num">{e(text)}</td>'


def _cell(name: str, value: Any) -> str:
    cls = ' class="num"' if isinstance(value, int | float) and not isinstance(value, bool) else ""
    return f"<td{cls}>{e(value_text(name, value))}</td>"


def _th(text: str, numeric: bool = False) -> str:
    cls = ' class="num"' if numeric else ""
    return f'<th{cls} scope="col">{e(text)}</th>'


def html_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    caption: str = "",
    numeric_from: int | None = 1,
    table_id: str = "",
) -> str:
    """A table of already-built ``<td>`` cells; header texts are escaped here.

    Header cells from column ``numeric_from`` on are right-aligned, like the numbers below them
    (``None``: no numeric columns).
    """
    ths = "".join(
        _th(h, numeric_from is not None and i >= numeric_from) for i, h in enumerate(header)
    )
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    tid = f' id="{e(table_id)}"' if table_id else ""
    return (
        f'<div class="scroll"><table{tid}>{cap}<thead><tr>{ths}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def transposed_table(
    caption: str, columns: Mapping[str, Mapping[str, Any]], keys: Sequence[str], table_id: str = ""
) -> str:
    """A table with one row per key and one column per item (product, supplier, segment...)."""
    names = list(columns)
    present = [k for k in keys if any(k in columns[n] for n in names)]
    rows = [
        [_row_th(k)]
        + [_cell(k, columns[n][k]) if k in columns[n] else '<td class="num">–</td>' for n in names]
        for k in present
    ]
    return html_table(["", *names], rows, caption, table_id=table_id)


def facts(pairs: Iterable[tuple[str, Any]]) -> str:
    """A definition list of (label, value) pairs, skipping empty values."""
    items = "".join(
        f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in pairs if v is not None and v != ""
    )
    return f'<dl class="facts">{items}</dl>'


def figure_html(item: FigureItem) -> str:
    """A ``<figure>`` with the PNG embedded as a data URI, its alt text and caption."""
    data = base64.b64encode(item.png).decode("ascii")
    return (
        f'<figure id="{e(item.id)}">'
        f'<img src="data:image/png;base64,{data}" alt="{e(item.alt)}">'
        f"<figcaption><strong>{e(item.title)}.</strong> {e(item.caption)}</figcaption>"
        "</figure>"
    )


def figures_section(items: Sequence[FigureItem], notes: Sequence[str]) -> str:
    """The figures section: every figure, then why any expected figure is absent."""
    parts = ['<section id="figures"><h2>Figures</h2>']
    parts += [figure_html(item) for item in items]
    parts += [f'<p class="note">{e(note)}</p>' for note in notes]
    if not items and not notes:
        parts.append('<p class="note">No figures.</p>')
    parts.append("</section>")
    return "".join(parts)


def _days(x: Any) -> str:
    return "" if x is None else f"{float(x):g} days"


def provenance_section(provenance: Mapping[str, Any]) -> str:
    """Who made the results, with what and when; and when this report was written."""
    pairs: list[tuple[str, Any]] = []
    for key, value in provenance.items():
        if key == "command" and isinstance(value, list):
            value = shlex.join(str(v) for v in value)
        elif isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=False)
        elif isinstance(value, float):
            value = f"{value:.3f}" if key.endswith("seconds") else f"{value:g}"
        pairs.append((key.replace("_", " "), value))
    written = datetime.now(UTC).isoformat(timespec="seconds")
    body = (
        facts(pairs)
        if pairs
        else '<p class="note">No provenance.json in this folder: who made these results is '
        "unknown.</p>"
    )
    return (
        '<section id="provenance"><h2>Provenance</h2>'
        f"{body}"
        f'<p class="note">This report was written {e(written)} by supplysim {e(__version__)}; '
        "rebuild it with <code>supplysim report DIR</code>.</p></section>"
    )


def page(title: str, subtitle: Sequence[str], sections: Sequence[str], nav: Sequence[str]) -> str:
    """The whole HTML document."""
    links = "".join(f'<a href="#{e(sid)}">{e(label)}</a>' for sid, label in nav)
    subs = "".join(f"<p>{e(s)}</p>" for s in subtitle if s)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="supplysim {e(__version__)}">'
        f"<title>{e(title)}</title><style>{CSS}</style></head>\n"
        f"<body><header><h1>{e(title)}</h1>{subs}<nav>{links}</nav></header>\n<main>\n"
        + "\n".join(sections)
        + "\n</main></body></html>\n"
    )


# --- the run report -----------------------------------------------------------------------------

#: Per-product rows of the run report, in reading order.
PRODUCT_KEYS = (
    *GROUPS["Service"],
    "on_hand_mean",
    "backorders_mean",
    "on_order_mean",
    "purchase_orders",
    "units_ordered",
    "units_received",
    "expedited_orders",
    "inventory_turns",
    "bullwhip_ratio",
    "consigned",
    "cost_holding",
    "cost_ordering",
    "cost_purchase",
    "revenue",
)
#: Per-supplier rows of the run report.
SUPPLIER_KEYS = (
    "score",
    "on_time_rate",
    "dppm",
    "quoted_lead_time_days",
    "lead_time_days_mean",
    "lead_time_days_sd",
    "orders",
    "deliveries",
    "units_delivered",
    "disruption_days",
    "cost_purchase",
    "cost_ordering",
    "cost_holding_consignment",
    "units_made",
    "finished_goods_mean",
    "production_bullwhip_ratio",
    "cost_production",
    "cost_production_changes",
    "cost_holding_finished_goods",
)
#: Per-segment rows of the run report.
SEGMENT_KEYS = (
    "retention_cohort",
    "new_customers",
    "churned_customers",
    "active_customers_end",
    "retained",
    "retention_rate",
    "satisfaction_mean",
    "nps",
    "survey_answers",
    "complaints",
    "orders_per_churned_customer_mean",
)


def _policy_value(key: str, value: Any) -> str:
    if key == "review_days" and value is None:
        return "continuous"
    return value_text(key, value)


def _run_kpi_tables(document: Mapping[str, Any]) -> str:
    kpis = document.get("kpis") or {}
    tables = []
    grouped: set[str] = set()
    for title, names in GROUPS.items():
        grouped.update(names)
        present = [n for n in names if n in kpis]
        if not present or all(kpis.get(n) is None for n in present):
            continue
        rows = [[_row_th(n), _cell(n, kpis.get(n))] for n in present]
        tables.append(html_table(["KPI", "value"], rows, title))
    rest = [n for n in kpis if n not in grouped and kpis.get(n) is not None]
    if rest:
        rows = [[_row_th(n), _cell(n, kpis.get(n))] for n in rest]
        tables.append(html_table(["KPI", "value"], rows, "Other"))
    skipped = [n for n in kpis if kpis.get(n) is None]
    out = ['<section id="kpis"><h2>KPIs</h2>']
    out.append(
        '<p class="note">Measured over the horizon after warm-up. Rates are shares of orders or '
        "units (see docs/kpis.md for every definition).</p>"
    )
    out.append(f'<div class="tables">{"".join(tables)}</div>')
    if skipped:
        out.append(
            f'<p class="note">Not applicable to this scenario (null): {e(", ".join(skipped))}.</p>'
        )
    products = document.get("by_product") or {}
    if products:
        out.append("<h3>Per product</h3>")
        out.append(transposed_table("", products, PRODUCT_KEYS, "table-products"))
    policies = document.get("policies") or {}
    if policies:
        rows = [
            [
                _row_th(pid),
                f"<td>{e(p.get('type', ''))}</td>",
                "<td>"
                + e(", ".join(f"{k}={_policy_value(k, v)}" for k, v in p.items() if k != "type"))
                + "</td>",
            ]
            for pid, p in policies.items()
        ]
        out.append("<h3>Replenishment policies</h3>")
        out.append(
            html_table(
                ["product", "policy", "resolved parameters"],
                rows,
                numeric_from=None,
                table_id="table-policies",
            )
        )
    suppliers = document.get("suppliers") or {}
    if suppliers:
        out.append("<h3>Suppliers</h3>")
        out.append(transposed_table("", suppliers, SUPPLIER_KEYS, "table-suppliers"))
    segments = document.get("customers") or {}
    if segments:
        out.append("<h3>Customers</h3>")
        out.append(transposed_table("", segments, SEGMENT_KEYS, "table-customers"))
    reasons = document.get("churn_reasons") or {}
    if reasons:
        total = sum(reasons.values()) or 1
        rows = [
            [
                _row_th(r),
                _cell("n", n),
                f'<td class="num">{100 * n / total:.1f}%</td>',
            ]
            for r, n in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))
        ]
        out.append(
            html_table(
                ["churn reason", "customers", "share"], rows, "Churn reasons", 1, "table-churn"
            )
        )
    parties = document.get("costs_by_party") or {}
    if parties:
        columns: dict[str, Mapping[str, Any]] = {}
        if parties.get("warehouse"):
            columns["warehouse"] = parties["warehouse"]
        for sid, row in (parties.get("suppliers") or {}).items():
            columns[f"supplier {sid}"] = row
        if parties.get("chain"):
            columns["chain"] = parties["chain"]
        keys = list(dict.fromkeys(k for row in columns.values() for k in row))
        keys = [k for k in keys if k != "cost_total"] + ["cost_total"]
        out.append("<h3>Costs by party</h3>")
        out.append(
            '<p class="note">What the warehouse pays its suppliers is their revenue: the chain '
            "counts what the suppliers spend instead.</p>"
        )
        out.append(transposed_table("", columns, keys, "table-costs"))
    out.append("</section>")
    return "".join(out)


def run_report_html(
    document: Mapping[str, Any],
    scenario: Mapping[str, Any],
    provenance: Mapping[str, Any],
    items: Sequence[FigureItem],
    notes: Sequence[str] = (),
) -> str:
    """The HTML report of one run (see :func:`write_run_report`)."""
    name = document.get("scenario") or scenario.get("name") or "run"
    horizon, warmup = document.get("horizon_days"), document.get("warmup_days")
    description = " ".join(str(scenario.get("description") or "").split())
    segments = (scenario.get("customers") or {}).get("segments") or []
    chain = [
        ("products", ", ".join(str(p.get("id")) for p in scenario.get("products") or [])),
        ("suppliers", ", ".join(str(s.get("id")) for s in scenario.get("suppliers") or [])),
        ("carriers", ", ".join(str(c.get("id")) for c in scenario.get("carriers") or [])),
        (
            "customer segments",
            ", ".join(f"{s.get('id')} ({s.get('count')} customers)" for s in segments),
        ),
        ("unmet demand", (scenario.get("warehouse") or {}).get("unmet_demand")),
    ]
    summary = (
        '<section id="summary"><h2>Scenario</h2>'
        + facts(
            [
                ("name", name),
                ("description", description),
                ("horizon", _days(horizon)),
                ("warm-up", _days(warmup)),
                ("seed", document.get("seed")),
                ("replication", document.get("replication")),
                *chain,
            ]
        )
        + '<p class="note">The resolved scenario (overrides applied) is scenario.yaml in this '
        "folder: <code>supplysim run scenario.yaml</code> repeats this run exactly.</p></section>"
    )
    subtitle = [
        description,
        f"seed {document.get('seed')}, replication {document.get('replication', 0)}, "
        f"{_days(horizon)} measured after {_days(warmup)} of warm-up",
    ]
    nav = [
        ("summary", "Scenario"),
        ("kpis", "KPIs"),
        ("figures", "Figures"),
        ("provenance", "Provenance"),
    ]
    sections = [
        summary,
        _run_kpi_tables(document),
        figures_section(items, notes),
        provenance_section(provenance),
    ]
    return page(f"Run report: {name}", subtitle, sections, nav)


def write_run_report(folder: str | Path) -> Path:
    """Draw a run folder's figures into ``figures/`` and write its ``report.html``.

    Reads ``result.json`` (required), ``scenario.yaml``, ``provenance.json`` and ``trace.csv``
    (each optional: without a trace there are no inventory and bullwhip pictures).

    Returns:
        The path of ``report.html``.

    Raises:
        ReportError: the folder has no readable result document.
    """
    folder = Path(folder)
    path = folder / "result.json"
    if not path.is_file():
        raise ReportError(folder, "not a run folder: no result.json", "(folder)")
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("kpis"), dict):
        raise ReportError(path, "not a result document: no kpis")
    scenario = _optional(read_yaml, folder / "scenario.yaml", {})
    provenance = _optional(read_json, folder / "provenance.json", {})
    trace_path = folder / "trace.csv"
    trace = load_trace(trace_path, FIGURE_EVENTS) if trace_path.is_file() else None
    items, notes = run_figures(document, trace)
    del trace
    write_figures(folder, items)
    return atomic_write_text(
        folder / REPORT_NAME, run_report_html(document, scenario, provenance, items, notes)
    )


# --- the experiment report ----------------------------------------------------------------------


def _signed(kpi: str, value: Any) -> str:
    """A difference: percentage points for rates, else the KPI's format with a sign."""
    if value is None:
        return "n/a"
    if F.is_rate(kpi):
        return f"{100 * value:+.2f} pp"
    return ("-" if value < 0 else "+") + value_text(kpi, abs(float(value)))


def _mean_pm(kpi: str, mean: Any, half: Any) -> str:
    if mean is None:
        return "n/a"
    if half is None:
        return value_text(kpi, mean)
    return f"{value_text(kpi, mean)} ± {value_text(kpi, half)}"


def _p_text(p: Any) -> str:
    if p is None:
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _point_text(row: Mapping[str, Any], params: Sequence[str]) -> str:
    return ", ".join(f"{k} = {value_text(k, row.get(k))}" for k in params)


def _verdict_section(
    summary: Sequence[Mapping[str, Any]],
    comparison: Sequence[Mapping[str, Any]],
    params: Sequence[str],
    conf: str,
) -> str:
    out = ['<section id="verdict"><h2>Verdict</h2>']
    if not comparison:
        out.append(
            '<p class="note">One variant only: nothing to compare (its means are below).</p>'
        )
        out.append("</section>")
        return "".join(out)
    out.append(
        f'<p class="note">Each variant against the baseline, KPI by KPI: means ± half-width '
        f"of the {e(conf)} confidence interval; the difference is paired (variant − "
        "baseline, replication by replication, on the same simulated demand), with its "
        f"{e(conf)} interval and p-value. Significant means the interval excludes zero; better "
        "or worse follows the KPI's direction (more fill rate is better, more cost worse); a KPI "
        "without one (e.g. stock on hand) is only significant or not.</p>"
    )
    points = sorted({int(r["point"]) for r in comparison})
    first = {int(r["point"]): r for r in reversed(summary)}
    for p in points[:MAX_POINTS_SHOWN]:
        rows = []
        here = [r for r in comparison if int(r["point"]) == p]
        span = {k: sum(1 for r in here if r["kpi"] == k) for k in F.experiment_kpis(here)}
        shown: set[str] = set()
        for c in here:
            kpi = c["kpi"]
            if c.get("ci_low") is not None and c.get("ci_high") is not None:
                lo = _signed(kpi, c["ci_low"]).removesuffix(" pp")
                hi = _signed(kpi, c["ci_high"]).removesuffix(" pp")
                diff = f"{_signed(kpi, c.get('difference'))} [{lo}, {hi}]"
            else:
                diff = _signed(kpi, c.get("difference"))
            verdict = c.get("verdict") or "n/a"
            significant = {True: "yes", False: "no"}.get(c.get("significant"), "n/a")
            if verdict in ("better", "worse"):
                significant = f"yes, {verdict}"
            cls = {
                "better": "better",
                "worse": "worse",
                "different": "different",
                "no difference": "nodiff",
            }.get(verdict, "")
            first_cells = []
            if kpi not in shown:  # the KPI and its baseline once, spanning its variants' rows
                shown.add(kpi)
                rowspan = f' rowspan="{span[kpi]}"' if span[kpi] > 1 else ""
                base_text = _mean_pm(kpi, c.get("baseline_mean"), c.get("baseline_half_width"))
                first_cells = [
                    f'<th scope="row"{rowspan}>{e(kpi)}</th>',
                    f'<td class="num"{rowspan}>{e(base_text)}</td>',
                ]
            rows.append(
                (
                    cls,
                    [
                        *first_cells,
                        f"<td>{e(c['variant'])}</td>",
                        _num_td(_mean_pm(kpi, c.get("variant_mean"), c.get("variant_half_width"))),
                        f'<td class="num wrap">{e(diff)}</td>',
                        f'<td class="num">{e(_p_text(c.get("p_value")))}</td>',
                        f'<td class="verdict">{e(significant)}</td>',
                    ],
                )
            )
        base = next((c["baseline"] for c in comparison if c.get("baseline")), "baseline")
        header = [
            "KPI",
            f"{base} (baseline)",
            "variant",
            "mean",
            f"difference [{conf} CI]",
            "p-value",
            "significant",
        ]
        ths = "".join(_th(h, i in (1, 3, 4, 5)) for i, h in enumerate(header))
        body = "".join(f'<tr class="{cls}">{"".join(cells)}</tr>' for cls, cells in rows)
        caption = f"Point {p}: {_point_text(first.get(p, {}), params)}" if params else ""
        cap = f"<caption>{e(caption)}</caption>" if caption else ""
        out.append(
            f'<div class="scroll"><table class="verdict" id="table-verdict-{p}">{cap}'
            f"<thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></div>"
        )
    if len(points) > MAX_POINTS_SHOWN:
        out.append(
            f'<p class="note">... and {len(points) - MAX_POINTS_SHOWN} more points: see '
            "comparison.csv.</p>"
        )
    out.append("</section>")
    return "".join(out)


def _means_section(summary: Sequence[Mapping[str, Any]], params: Sequence[str], conf: str) -> str:
    kpis = F.experiment_kpis(summary)
    variants = F.experiment_variants(summary)
    points = sorted({int(r["point"]) for r in summary})
    by = {(r["variant"], int(r["point"]), r["kpi"]): r for r in summary}
    out = ['<section id="kpis"><h2>Means</h2>']
    out.append(
        f'<p class="note">Mean ± half-width of the {e(conf)} confidence interval over the '
        "replications (n runs; hover a cell for the interval's bounds). Every run's KPIs are "
        "in runs.csv.</p>"
    )

    def cell(kpi: str, row: Mapping[str, Any] | None) -> str:
        if row is None:
            return "<td>n/a</td>"
        bounds = f"[{value_text(kpi, row.get('ci_low'))}, {value_text(kpi, row.get('ci_high'))}]"
        text = f"{_mean_pm(kpi, row.get('mean'), row.get('half_width'))} (n={row.get('n')})"
        return f'<td class="num" title="{e(bounds)}">{e(text)}</td>'

    if len(points) == 1:
        rows = [[_row_th(k)] + [cell(k, by.get((v, points[0], k))) for v in variants] for k in kpis]
        out.append(html_table(["KPI", *variants], rows, table_id="table-means"))
    else:
        for k in kpis:
            rows = [
                [_row_th(_point_text(by.get((variants[0], p, k)) or {}, params) or p)]
                + [cell(k, by.get((v, p, k))) for v in variants]
                for p in points[:MAX_POINTS_SHOWN]
            ]
            out.append(
                html_table(["sweep point", *variants], rows, k, table_id=f"table-means-{F.slug(k)}")
            )
    out.append("</section>")
    return "".join(out)


def experiment_report_html(
    summary: Sequence[Mapping[str, Any]],
    comparison: Sequence[Mapping[str, Any]],
    experiment: Mapping[str, Any],
    scenario: Mapping[str, Any],
    provenance: Mapping[str, Any],
    items: Sequence[FigureItem],
    notes: Sequence[str] = (),
) -> str:
    """The HTML report of an experiment (see :func:`write_experiment_report`)."""
    name = experiment.get("name") or provenance.get("experiment") or "experiment"
    variants = F.experiment_variants(summary)
    params = F.sweep_parameters(summary)
    points = sorted({int(r["point"]) for r in summary})
    conf = F.confidence_text(summary)
    base = F.baseline_variant(comparison, variants) if variants else ""
    description = " ".join(str(experiment.get("description") or "").split())
    horizon = experiment.get("horizon_days", scenario.get("horizon_days"))
    warmup = experiment.get("warmup_days", scenario.get("warmup_days"))
    replications = experiment.get("replications") or max(
        (int(r.get("n") or 0) for r in summary), default=None
    )
    overrides = experiment.get("variants") or {}
    variant_rows = [
        [
            _row_th(f"{v} (baseline)" if v == base else v),
            "<td>"
            + e(
                ", ".join(f"{k} = {value_text(k, x)}" for k, x in (overrides.get(v) or {}).items())
                or "the base scenario as it is"
            )
            + "</td>",
        ]
        for v in variants
    ]
    sweep = experiment.get("sweep") or {}
    sweep_text = ""
    if sweep.get("grid"):
        sweep_text = "; ".join(
            f"{k} in {', '.join(value_text(k, x) for x in values)}"
            for k, values in sweep["grid"].items()
        )
    elif sweep.get("latin_hypercube"):
        lhs = sweep["latin_hypercube"]
        sweep_text = f"Latin hypercube, {lhs.get('samples')} samples of " + ", ".join(
            f"{k} in [{lo}, {hi}]" for k, (lo, hi) in (lhs.get("ranges") or {}).items()
        )
    elif params:
        sweep_text = f"{len(points)} points over {', '.join(params)}"
    summary_html = (
        '<section id="summary"><h2>Experiment</h2>'
        + facts(
            [
                ("name", name),
                ("description", description),
                ("base scenario", scenario.get("name")),
                (
                    "scenario description",
                    " ".join(str(scenario.get("description") or "").split()),
                ),
                ("horizon", _days(horizon)),
                ("warm-up", _days(warmup)),
                ("seed", experiment.get("seed", provenance.get("seed"))),
                ("replications", f"{replications} per design point (common random numbers)"),
                ("confidence", conf),
                ("sweep", sweep_text),
                ("design points", f"{len(variants)} variants x {len(points)} points"),
            ]
        )
        + "<h3>Variants</h3>"
        + html_table(["variant", "overrides of the base scenario"], variant_rows, numeric_from=None)
        + '<p class="note">experiment.yaml and scenario.yaml in this folder re-run it: '
        "<code>supplysim experiment experiment.yaml</code>.</p></section>"
    )
    subtitle = [
        description,
        f"{len(variants)} variants x {len(points)} point{'s' if len(points) != 1 else ''} x "
        f"{replications} replications, baseline {base}, {conf} confidence",
    ]
    nav = [
        ("summary", "Experiment"),
        ("verdict", "Verdict"),
        ("kpis", "Means"),
        ("figures", "Figures"),
        ("provenance", "Provenance"),
    ]
    sections = [
        summary_html,
        _verdict_section(summary, comparison, params, conf),
        _means_section(summary, params, conf),
        figures_section(items, notes),
        provenance_section(provenance),
    ]
    return page(f"Experiment report: {name}", subtitle, sections, nav)


def write_experiment_report(folder: str | Path) -> Path:
    """Draw an experiment folder's figures into ``figures/`` and write its ``report.html``.

    Reads ``summary.csv`` (required), ``comparison.csv``, ``experiment.yaml``,
    ``scenario.yaml`` and ``provenance.json`` (optional).

    Returns:
        The path of ``report.html``.

    Raises:
        ReportError: the folder has no readable summary table.
    """
    folder = Path(folder)
    path = folder / "summary.csv"
    if not path.is_file():
        raise ReportError(folder, "not an experiment folder: no summary.csv", "(folder)")
    summary = read_table(path)
    if not summary:
        raise ReportError(path, "empty summary: no runs to report")
    missing = {"variant", "point", "kpi", "mean"} - set(summary[0])
    if missing:
        raise ReportError(path, f"not an experiment summary: no {', '.join(sorted(missing))}")
    cmp_path = folder / "comparison.csv"
    comparison = read_table(cmp_path) if cmp_path.is_file() else []
    experiment = _optional(read_yaml, folder / "experiment.yaml", {})
    scenario = _optional(read_yaml, folder / "scenario.yaml", {})
    provenance = _optional(read_json, folder / "provenance.json", {})
    items, notes = experiment_figures(summary, comparison)
    write_figures(folder, items)
    html = experiment_report_html(
        summary, comparison, experiment, scenario, provenance, items, notes
    )
    return atomic_write_text(folder / REPORT_NAME, html)


def write_report(folder: str | Path) -> Path:
    """The report of a run folder (``result.json``) or an experiment folder (``summary.csv``).

    Raises:
        ReportError: the folder does not exist or is neither.
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        raise ReportError(folder, what, "(folder)")
    if (folder / "result.json").is_file():
        return write_run_report(folder)
    if (folder / "summary.csv").is_file():
        return write_experiment_report(folder)
    raise ReportError(
        folder,
        "not a results folder: it holds neither result.json (a run) nor summary.csv "
        "(an experiment)",
        "(folder)",
    )


__all__ = [
    "FIGURE_EVENTS",
    "FigureItem",
    "ReportError",
    "experiment_figures",
    "experiment_report_html",
    "load_trace",
    "read_table",
    "run_figures",
    "run_report_html",
    "write_experiment_report",
    "write_report",
    "write_run_report",
]
