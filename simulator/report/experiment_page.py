"""What the experiment report shows: the design, the verdict per sweep point, and every mean.

:func:`experiment_page` turns a read experiment folder
(:class:`simulator.report.folders.ExperimentFolder`: the typed experiment and the results
summarised from its store) and its figures into the context of ``templates/experiment.html``.
Every number is formatted by :mod:`simulator.report.numbers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simulator import kpis as registry
from simulator.report import figures as F
from simulator.report import numbers
from simulator.report.folders import ExperimentFolder
from simulator.report.gallery import FigureItem, experiment_colours
from simulator.report.layout import (
    Cell,
    Row,
    Table,
    days,
    facts,
    heading,
    one_line,
    provenance_facts,
    table,
)

#: Sweep points shown in the report's tables; the rest are in the CSV files.
MAX_POINTS_SHOWN = 50

#: The CSS class of a verdict's row (its colour).
VERDICT_CLASSES = {
    "better": "better",
    "worse": "worse",
    "different": "different",
    numbers.NOT_SIGNIFICANT: "nodiff",
}


def point_text(point: Mapping[str, Any]) -> str:
    """A sweep point's parameter values (``path = value, ...``)."""
    return ", ".join(f"{k} = {numbers.text(k, v)}" for k, v in point.items())


def _difference(c: Mapping[str, Any], currency: str | None = None) -> str:
    return numbers.difference(c["kpi"], c["difference"], c["ci_low"], c["ci_high"], currency)


def _significant(c: Mapping[str, Any]) -> str:
    return numbers.significance(c["significant"], c["verdict"])


def verdict_table(
    rows: Sequence[Mapping[str, Any]],
    p: int,
    point: Mapping[str, Any],
    base: str,
    conf: str,
    currency: str | None = None,
) -> Table:
    """The comparison rows of one design point: each KPI's baseline, then each variant's.

    Money carries ``currency`` (the scenario's), when given.
    """
    span = {k: sum(1 for r in rows if r["kpi"] == k) for k in F.experiment_kpis(rows)}
    out = []
    shown: set[str] = set()
    for c in rows:
        kpi = c["kpi"]
        first = []
        if kpi not in shown:  # the KPI and its baseline once, spanning its variants' rows
            shown.add(kpi)
            baseline = numbers.mean_pm(kpi, c["baseline_mean"], c["baseline_half_width"], currency)
            first = [
                Cell(kpi, header=True, rowspan=span[kpi]),
                Cell(baseline, numeric=True, rowspan=span[kpi]),
            ]
        cells = [
            *first,
            Cell(c["variant"]),
            Cell(numbers.mean_pm(kpi, c["variant_mean"], c["variant_half_width"], currency), True),
            Cell(_difference(c, currency), numeric=True, classes="wrap"),
            Cell(numbers.p_value(c["p_value"]), numeric=True),
            Cell(_significant(c), classes="verdict"),
        ]
        out.append(Row(cells, VERDICT_CLASSES.get(c["verdict"], "")))
    header = [
        "KPI",
        f"{base} (baseline)",
        "variant",
        "mean",
        f"difference [{conf} CI]",
        "p-value",
        "significant",
    ]
    caption = f"Point {p}: {point_text(point)}" if point else ""
    result = table(header, out, caption, table_id=f"table-verdict-{p}")
    result.numeric_columns = frozenset({1, 3, 4, 5})
    result.classes = "verdict"
    return result


def _mean_cell(kpi: str, row: Mapping[str, Any] | None, currency: str | None) -> Cell:
    if row is None:
        return Cell(numbers.MISSING)
    low, high = (numbers.text(kpi, row[k]) for k in ("ci_low", "ci_high"))
    bounds = numbers.with_currency(kpi, f"[{low}, {high}]", currency)
    text = f"{numbers.mean_pm(kpi, row['mean'], row['half_width'], currency)} (n={row['n']})"
    return Cell(text, numeric=True, title=bounds)


def means_tables(
    summary: Sequence[Mapping[str, Any]],
    points: Sequence[Mapping[str, Any]],
    currency: str | None = None,
) -> list[Table]:
    """Every mean: one table without a sweep, else one per KPI with a row per sweep point."""
    kpis = F.experiment_kpis(summary)
    variants = F.experiment_variants(summary)
    by = {(r["variant"], r["point"], r["kpi"]): r for r in summary}
    if len(points) == 1:
        rows = [
            [heading(k)] + [_mean_cell(k, by.get((v, 0, k)), currency) for v in variants]
            for k in kpis
        ]
        return [table(["KPI", *variants], rows, table_id="table-means")]
    return [
        table(
            ["sweep point", *variants],
            [
                [heading(point_text(points[p]) or p)]
                + [_mean_cell(k, by.get((v, p, k)), currency) for v in variants]
                for p in range(min(len(points), MAX_POINTS_SHOWN))
            ],
            k,
            table_id=f"table-means-{F.slug(k)}",
        )
        for k in kpis
    ]


def sweep_text(sweep: Any) -> str:
    """The sweep in words: the grid's values, or the Latin hypercube's ranges."""
    if sweep is None:
        return ""
    if sweep.grid:
        return "; ".join(
            f"{k} in {', '.join(numbers.text(k, x) for x in values)}"
            for k, values in sweep.grid.items()
        )
    lhs = sweep.latin_hypercube
    return f"Latin hypercube, {lhs.samples} samples of " + ", ".join(
        f"{k} in [{lo}, {hi}]" for k, (lo, hi) in lhs.ranges.items()
    )


def headline(results: Any, conf: str) -> str:
    """The verdict in one sentence: the first KPI's paired difference of the first variant.

    At the first design point, the first non-baseline variant against the baseline, with the
    difference's interval and whether it is significant (and better or worse).
    """
    kpi = results.kpis[0]
    rows = [c for c in results.comparison if c["point"] == 0 and c["kpi"] == kpi]
    if not rows:
        row = next((r for r in results.summary if r["point"] == 0 and r["kpi"] == kpi), {})
        return (
            f"One variant ({results.baseline}): {registry.label(kpi)} "
            f"{numbers.mean_pm(kpi, row.get('mean'), row.get('half_width'), results.currency)} "
            f"({conf} confidence, {row.get('n', 0)} replications)."
        )
    c = rows[0]
    if c["significant"]:
        word = "significantly " + (
            c["verdict"] if c["verdict"] in ("better", "worse") else "different"
        )
    else:
        word = numbers.NOT_SIGNIFICANT
    return (
        f"{c['variant']} against {c['baseline']}: {registry.label(kpi)} "
        f"{_difference(c, results.currency)} ({conf} interval of the paired difference over "
        f"{c['n']} replications): {word}."
    )


def experiment_page(
    folder: ExperimentFolder,
    items: Sequence[FigureItem],
    notes: Sequence[str],
    colours: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The context of ``experiment.html``: the headline, the design's facts, verdict and means.

    ``colours`` is the variant -> colour map the figures were drawn with (shown as a legend).
    """
    results, exp = folder.results, folder.design.experiment
    scenario = folder.design.scenarios[(results.baseline, 0)]
    conf = F.confidence_text(results.summary)
    n_points = len(results.points)
    variants = [
        [
            heading(f"{v} (baseline)" if v == results.baseline else v),
            Cell(point_text(exp.variants[v]) or "the base scenario as it is"),
        ]
        for v in results.variants
    ]
    verdicts = [
        verdict_table(
            [c for c in results.comparison if c["point"] == p],
            p,
            results.points[p],
            results.baseline,
            conf,
            results.currency,
        )
        for p in range(min(n_points, MAX_POINTS_SHOWN))
    ]
    design = f"{len(results.variants)} variants x {n_points} point{'s' if n_points != 1 else ''}"
    return {
        "title": f"Experiment report: {results.name}",
        "subtitle": [
            one_line(exp.description),
            f"{design} x {results.replications} replications, baseline {results.baseline}, "
            f"{conf} confidence",
        ],
        "nav": [
            ("summary", "Experiment"),
            ("verdict", "Verdict"),
            ("kpis", "Means"),
            ("figures", "Figures"),
            ("provenance", "Provenance"),
        ],
        "summary": facts(
            [
                ("name", results.name),
                ("description", one_line(exp.description)),
                ("base scenario", scenario.name),
                ("scenario description", one_line(scenario.description)),
                ("horizon", days(scenario.horizon_days)),
                ("warm-up", days(scenario.warmup_days)),
                ("seed", results.seed),
                (
                    "replications",
                    f"{results.replications} per design point (common random numbers)",
                ),
                ("confidence", conf),
                ("sweep", sweep_text(exp.sweep)),
                ("design points", f"{len(results.variants)} variants x {n_points} points"),
            ]
        ),
        "variants": table(
            ["variant", "overrides of the base scenario"], variants, numeric_from=None
        ),
        "headline": headline(results, conf),
        "colours": colours or experiment_colours(results.summary, results.comparison),
        "conf": conf,
        "verdicts": verdicts if results.comparison else [],
        "more_points": max(0, n_points - MAX_POINTS_SHOWN),
        "means": means_tables(results.summary, results.points, results.currency),
        "items": items,
        "notes": notes,
        "provenance": provenance_facts(folder.provenance),
    }
