"""Generates the KPI reference (docs/kpis.md): the registry's tables with the notes around them.

Every table comes from :mod:`simulator.kpis`; this module only adds the prose a table cannot say.
Regenerate from the repository root with ``python -m simulator.kpi_reference --write`` (without
``--write`` the text goes to stdout); a test fails when the committed file and the registry
disagree.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from simulator import kpis
from simulator.config.reference import emit

#: Where the reference is committed, relative to the repository root.
TARGET = Path("docs/kpis.md")

INTRO = """\
# KPIs: what each number measures

Generated from the KPI registry, `simulator/kpis.py` (`python -m simulator.kpi_reference
--write`). Every KPI is measured over the horizon **after warm-up**. Order-based KPIs count the
orders **placed** in the horizon. A KPI that does not apply, or whose denominator is zero, is
`null` (shown as `n/a`), never a made-up 0; so is a value that is not finite (a cost beyond the
largest float), so that every JSON output (`run --json`, `result.json`, the stores) is strict
JSON that any reader accepts. The names are part of the product contract: scripts may rely on
them; those marked *(extra)* are reported beyond what the contract names. "better" says which
way a KPI should move (blank: neither way is better in itself); a unit `0..1` is a share, shown
in percent.
"""

#: What follows a group's table, by group.
NOTES = {
    "Service": """\
`order_cycle_days_p95` is exact to 0.001 day (the percentile's 0.001-day bin is found exactly,
and its midpoint is kept within the smallest and largest cycle seen, so instant delivery gives 0).
`lost_sales_units` is 0 with backorders. `substituted_orders` and `substitution_rate` are in the
result only when some product lists `substitutes` (see
[networks.md](networks.md#out-of-stock-substitution)): an order a substitute served counts in the
substitute's `orders` and fill, and under the product ordered in its `substituted_orders`.

**Open orders at the end.** An order placed in the horizon but not delivered when the run stops
has no known outcome, unless its promised date has already passed: then it is certainly late, and
counts against `otif_rate` and `perfect_order_rate`. Orders that could still arrive on time are
left out of those two denominators (counting them as failures would bias both rates down by the
orders of the last `promised_days`). `on_time_rate` and the cycle times count delivered orders.
""",
    "Inventory": """\
`inventory_turns` values both the goods sold and the average stock at the product's `unit_cost`,
so the ratio does not depend on which supplier delivered at which price (`cost_purchase` uses
each supplier's own price).
""",
    "Money": """\
Units rejected at inspection are not paid for (`cost_purchase`), and the orders that replace them
cost no order cost (`cost_ordering`). Under split sourcing each supplier's part of an order is a
purchase order of its own and carries that supplier's order cost. `cost_total` also counts two
costs beyond the contract's list: `cost_handling` (picking and inspection labour) and
`cost_service` (the service desk). Customer returns are modelled with `warehouse.returns` (see
[the customer model](customer-model.md#7-returns)); without it `cost_returns` is 0.
""",
}


def _code(names: Sequence[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _customers_note() -> str:
    behaviour = kpis.needing("behaviour")
    text = (
        f"{_code(behaviour)} need customers who remember their experiences; with "
        "`behaviour: none` they are `null`, and so is `churn_reasons`. "
        f"{_code(kpis.needing('desk'))} also needs a `service_desk`, and "
        f"{_code(kpis.needing('returns'))} needs `warehouse.returns`."
    )
    return textwrap.fill(text, width=99, break_on_hyphens=False) + "\n"


def render() -> str:
    """The whole KPI reference as Markdown."""
    parts = [INTRO]
    for group in kpis.GROUPS:
        parts.append(f"## {group}\n\n{kpis.markdown_table(kpis.SYSTEM, group)}\n")
        if group in NOTES:
            parts.append(NOTES[group])
    parts.append(_customers_note())
    parts += [
        f"## Per product (`by_product.<id>`)\n\n{kpis.markdown_table(kpis.PRODUCT)}\n",
        "## Per supplier: the scorecard (`suppliers.<id>`)\n\n"
        f"{kpis.markdown_table(kpis.SUPPLIER)}\n",
        "The KPIs about the supplier's plant are there only when it has a `production:` plant.\n",
        f"## Per customer segment (`customers.<id>`)\n\n{kpis.markdown_table(kpis.SEGMENT)}\n",
        "Only segments whose customers remember (a `behaviour:` mapping) are listed.\n",
        f"## Per site of a network (`by_site.<id>`)\n\n{kpis.markdown_table(kpis.SITE)}\n",
        "Only scenarios with `sites:` have them (see docs/networks.md). A site's orders are all\n"
        "the orders it received, its customers' and its downstream sites'; the system KPIs\n"
        "count customer orders only.\n",
    ]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the KPI reference, or write it to :data:`TARGET` with ``--write``."""
    return emit(render(), TARGET, argv)


if __name__ == "__main__":
    raise SystemExit(main())
