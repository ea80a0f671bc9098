"""What the run report shows: the scenario's facts and every KPI table of a result document.

:func:`run_page` turns a read run folder (:class:`simulator.report.folders.RunFolder`) and its
figures into the context of ``templates/run.html``. KPI groups, their order and every value's
format come from the KPI registry (:mod:`simulator.kpis`) and :mod:`simulator.report.numbers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simulator import kpis
from simulator.report import numbers
from simulator.report.folders import RunFolder
from simulator.report.gallery import FigureItem
from simulator.report.layout import (
    Cell,
    Table,
    days,
    facts,
    heading,
    one_line,
    provenance_facts,
    table,
    transposed,
    value_cell,
)


def row_keys(scope: str, items: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The rows of a per-item table: the scope's KPIs in registry order, then any other number.

    Nested values (a supplier's score parts, a segment's churn reasons) have tables or figures
    of their own and are left out.
    """
    known = kpis.names(scope)
    extra = {
        k: None
        for row in items.values()
        for k, v in row.items()
        if k not in known and not isinstance(v, dict | list)
    }
    return [*known, *extra]


def kpi_tables(
    values: Mapping[str, Any], currency: str | None = None
) -> tuple[list[Table], list[str]]:
    """One table per registry group with a value, and the KPIs that are null (not applicable).

    Money carries ``currency`` (the scenario's), when given.
    """
    tables = []
    grouped: set[str] = set()
    for group in kpis.GROUPS:
        names = kpis.in_group(group)
        grouped.update(names)
        present = [n for n in names if n in values]
        if any(values[n] is not None for n in present):
            rows = [[heading(n), value_cell(n, values[n], currency)] for n in present]
            tables.append(table(["KPI", "value"], rows, group))
    rest = [n for n in values if n not in grouped and values[n] is not None]
    if rest:
        rows = [[heading(n), value_cell(n, values[n], currency)] for n in rest]
        tables.append(table(["KPI", "value"], rows, "Other"))
    return tables, [n for n in values if values[n] is None]


def _policy_text(key: str, value: Any) -> str:
    if key == "review_days" and value is None:
        return "continuous"
    return numbers.text(key, value)


def policies_table(policies: Mapping[str, Mapping[str, Any]]) -> Table:
    """Each product's replenishment policy with its resolved parameters."""
    rows = [
        [
            heading(pid),
            Cell(str(p.get("type", ""))),
            Cell(", ".join(f"{k}={_policy_text(k, v)}" for k, v in p.items() if k != "type")),
        ]
        for pid, p in policies.items()
    ]
    header = ["product", "policy", "resolved parameters"]
    return table(header, rows, numeric_from=None, table_id="table-policies")


def churn_table(reasons: Mapping[str, int]) -> Table:
    """Churned customers per reason, most frequent first, with their share."""
    total = sum(reasons.values()) or 1
    rows = [
        [heading(r), value_cell("churned_customers", n), Cell(numbers.share(n / total), True)]
        for r, n in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))
    ]
    header = ["churn reason", "customers", "share"]
    return table(header, rows, "Churn reasons", table_id="table-churn")


def costs_table(parties: Mapping[str, Any], currency: str | None = None) -> Table:
    """Costs by party: the warehouse, each supplier and the chain, total cost last."""
    columns: dict[str, Mapping[str, Any]] = {}
    if parties.get("warehouse"):
        columns["warehouse"] = parties["warehouse"]
    for sid, row in (parties.get("suppliers") or {}).items():
        columns[f"supplier {sid}"] = row
    if parties.get("chain"):
        columns["chain"] = parties["chain"]
    keys = [k for k in dict.fromkeys(k for row in columns.values() for k in row)]
    keys = [k for k in keys if k != "cost_total"] + ["cost_total"]
    return transposed(columns, keys, "table-costs", currency)


def _scenario_facts(run: RunFolder) -> list[tuple[str, str]]:
    document, scenario = run.document, run.scenario
    segments = (scenario.get("customers") or {}).get("segments") or []
    return facts(
        [
            ("name", document.get("scenario") or scenario.get("name")),
            ("description", one_line(scenario.get("description"))),
            ("horizon", days(document.get("horizon_days"))),
            ("warm-up", days(document.get("warmup_days"))),
            ("seed", document.get("seed")),
            ("replication", document.get("replication")),
            ("products", ", ".join(str(p.get("id")) for p in scenario.get("products") or [])),
            ("suppliers", ", ".join(str(s.get("id")) for s in scenario.get("suppliers") or [])),
            ("carriers", ", ".join(str(c.get("id")) for c in scenario.get("carriers") or [])),
            (
                "customer segments",
                ", ".join(f"{s.get('id')} ({s.get('count')} customers)" for s in segments),
            ),
            ("unmet demand", (scenario.get("warehouse") or {}).get("unmet_demand")),
        ]
    )


def headline(document: Mapping[str, Any], currency: str | None = None) -> str:
    """The run in one sentence: fill rate, total cost and profit over the measured horizon."""
    values = document.get("kpis") or {}
    parts = [
        f"{kpis.label(name).split(' (')[0].lower()} {numbers.fmt(name, values.get(name), currency)}"
        for name in ("fill_rate", "cost_total", "profit")
        if name in values
    ]
    horizon = days(document.get("horizon_days")) or "the horizon"
    text = ", ".join(parts)
    return f"Over {horizon} measured: {text}." if text else f"Over {horizon} measured."


def run_page(run: RunFolder, items: Sequence[FigureItem], notes: Sequence[str]) -> dict[str, Any]:
    """The context of ``run.html``: the page's title, facts, tables and figures."""
    document = run.document
    name = document.get("scenario") or run.scenario.get("name") or "run"
    horizon, warmup = document.get("horizon_days"), document.get("warmup_days")
    money = run.scenario.get("currency")
    tables, skipped = kpi_tables(document.get("kpis") or {}, money)
    products = document.get("by_product") or {}
    suppliers = document.get("suppliers") or {}
    segments = document.get("customers") or {}
    reasons = document.get("churn_reasons") or {}
    parties = document.get("costs_by_party") or {}
    policies = document.get("policies") or {}
    return {
        "title": f"Run report: {name}",
        "subtitle": [
            one_line(run.scenario.get("description")),
            f"seed {document.get('seed')}, replication {document.get('replication', 0)}, "
            f"{days(horizon) or ''} measured after {days(warmup) or ''} of warm-up",
        ],
        "nav": [
            ("summary", "Scenario"),
            ("kpis", "KPIs"),
            ("figures", "Figures"),
            ("provenance", "Provenance"),
        ],
        "headline": headline(document, money),
        "colours": {},
        "summary": _scenario_facts(run),
        "kpi_tables": tables,
        "skipped": skipped,
        "products": transposed(products, row_keys(kpis.PRODUCT, products), "table-products", money)
        if products
        else None,
        "policies": policies_table(policies) if policies else None,
        "suppliers": transposed(
            suppliers, row_keys(kpis.SUPPLIER, suppliers), "table-suppliers", money
        )
        if suppliers
        else None,
        "segments": transposed(segments, row_keys(kpis.SEGMENT, segments), "table-customers")
        if segments
        else None,
        "churn": churn_table(reasons) if reasons else None,
        "costs": costs_table(parties, money) if parties else None,
        "items": items,
        "notes": notes,
        "provenance": provenance_facts(run.provenance),
    }
