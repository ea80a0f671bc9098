"""Plain-text tables of a run's KPIs, readable in a terminal and in a log file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: KPI groups in the order a planner reads them.
GROUPS: dict[str, tuple[str, ...]] = {
    "Service": (
        "orders",
        "units_demanded",
        "fill_rate",
        "order_fill_rate",
        "on_time_rate",
        "otif_rate",
        "perfect_order_rate",
        "order_cycle_days_mean",
        "order_cycle_days_p95",
        "lost_sales_units",
    ),
    "Inventory": ("on_hand_mean", "backorders_mean", "inventory_turns", "bullwhip_ratio"),
    "Quality and suppliers": (
        "defective_delivery_rate",
        "damaged_delivery_rate",
        "wrong_item_rate",
        "supplier_on_time_rate",
    ),
    "Money": (
        "revenue",
        "cost_purchase",
        "cost_holding",
        "cost_ordering",
        "cost_transport",
        "cost_handling",
        "cost_returns",
        "cost_total",
        "profit",
    ),
    "Customers": (
        "satisfaction_mean",
        "nps",
        "retention_rate",
        "new_customers",
        "churned_customers",
        "active_customers_end",
        "complaints",
        "service_desk_wait_hours_mean",
        "returns_units",
    ),
    "Environment": ("co2_kg",),
}


def fmt(name: str, value: Any) -> str:
    """Format one KPI value for a person: rates as percentages, money with separators."""
    if value is None:
        return "n/a"
    if isinstance(value, bool | str):
        return str(value)
    if name.endswith("_rate") and name != "bullwhip_ratio":
        return f"{100 * value:.2f}%"
    if name.startswith(("cost_", "revenue", "profit")):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """Columns padded to width; first column left-aligned, the rest right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_table(doc: dict[str, Any], show_empty_groups: bool = False) -> str:
    """The KPI table of one run, grouped, followed by per-product and per-supplier tables."""
    kpis = doc["kpis"]
    out = [
        f"Scenario {doc['scenario']!r}  seed {doc['seed']}  replication {doc.get('replication', 0)}"
        f"  horizon {doc['horizon_days']:g} days after {doc['warmup_days']:g} days of warm-up",
        "",
    ]
    for title, names in GROUPS.items():
        rows = [(n, fmt(n, kpis.get(n))) for n in names if n in kpis]
        if not show_empty_groups and all(kpis.get(n) is None for n in names):
            continue
        out += [grid((title, "value"), rows), ""]
    reasons = doc.get("churn_reasons")
    if reasons:
        total = sum(reasons.values())
        rows = [(name, f"{n:,}", f"{100 * n / total:.1f}%") for name, n in reasons.items()]
        out += [grid(("churn reason", "customers", "share"), rows), ""]
    products = doc.get("by_product") or {}
    if products:
        cols = ("fill_rate", "on_time_rate", "on_hand_mean", "backorders_mean", "lost_sales_units")
        rows = [[pid] + [fmt(c, row.get(c)) for c in cols] for pid, row in products.items()]
        out += [grid(("product", *cols), rows), ""]
    suppliers = doc.get("suppliers") or {}
    if suppliers:
        cols = ("on_time_rate", "dppm", "lead_time_days_mean", "disruption_days", "cost_purchase")
        rows = [[sid] + [fmt(c, row.get(c)) for c in cols] for sid, row in suppliers.items()]
        out += [grid(("supplier", *cols), rows), ""]
    policies = doc.get("policies") or {}
    if policies:
        rows = [
            [pid, p["type"], ", ".join(f"{k}={fmt(k, v)}" for k, v in p.items() if k != "type")]
            for pid, p in policies.items()
        ]
        out += [grid(("product", "policy", "resolved parameters"), rows), ""]
    return "\n".join(out).rstrip() + "\n"
