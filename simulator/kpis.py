"""The KPI registry: every KPI's name, unit, scope, direction, group and meaning, said once.

Tables, figures, the HTML report, verdicts, experiment KPI lists and ``docs/kpis.md`` all read
this module; none of them spells out a KPI list of its own. Adding a KPI means adding one
:class:`Kpi` here and computing it in :mod:`simulator.metrics` (a test checks that the two agree).

Scopes say where a KPI appears in the result document:

- ``system``: the whole chain, under ``kpis``;
- ``product``: per product, under ``by_product.<id>``;
- ``supplier``: per supplier, under ``suppliers.<id>`` (the scorecard);
- ``segment``: per customer segment, under ``customers.<id>`` (customers who remember);
- ``site``: per site of a network, under ``by_site.<id>`` (every order the site received, from
  customers or from downstream sites).

The order of :data:`REGISTRY` is the order in which tables and figures list KPIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SYSTEM, PRODUCT, SUPPLIER, SEGMENT, SITE = "system", "product", "supplier", "segment", "site"
SCOPES = (SYSTEM, PRODUCT, SUPPLIER, SEGMENT, SITE)

#: Where each scope lives in the result document.
SECTIONS = {
    SYSTEM: "kpis",
    PRODUCT: "by_product",
    SUPPLIER: "suppliers",
    SEGMENT: "customers",
    SITE: "by_site",
}

#: How values of each unit are read by a person: ``rate`` (a share, shown in %), ``money``,
#: ``count`` (whole things), ``amount`` (a measured quantity), ``flag`` (yes/no).
KINDS = {
    "share": "rate",
    "money": "money",
    "orders": "count",
    "units": "amount",
    "customers": "count",
    "days": "amount",
    "hours": "amount",
    "per year": "amount",
    "ratio": "amount",
    "kg CO2": "amount",
    "score": "amount",
    "index": "amount",
    "per million": "amount",
    "flag": "flag",
}


@dataclass(frozen=True)
class Kpi:
    """One KPI as the product contract names it."""

    name: str
    """The key in the result document (``fill_rate``)."""
    unit: str
    """One of :data:`KINDS`: ``share`` (a fraction, 0..1), ``index`` (a 0..1 score that is not a
    fraction of anything), ``money``, ``orders``, ``units``, ``days`` ..."""
    scopes: tuple[str, ...]
    """Where it is reported: some of :data:`SCOPES`."""
    higher_is_better: bool | None
    """Direction for verdicts and colours; ``None`` when neither way is better in itself."""
    group: str
    """The table a planner finds it in (Service, Inventory, Money ...)."""
    meaning: str
    """One line: what the number measures."""
    needs: str | None = None
    """A model part without which the KPI is ``null`` (``behaviour``, ``returns``, ``desk``)."""
    spec: bool = True
    """Named in the product contract (SPEC); ``False`` for the extras the model adds."""

    @property
    def kind(self) -> str:
        """How the value is formatted: ``rate``, ``money``, ``count``, ``amount`` or ``flag``."""
        return KINDS[self.unit]

    @property
    def label(self) -> str:
        """A readable label with the unit, for axes and headings (``Fill rate (%)``)."""
        dropped = {"days", "hours", "kg", "units"}
        words = " ".join(w for w in self.name.split("_") if w not in dropped)
        words = words[0].upper() + words[1:]
        unit = {"share": "%", "money": "money", "ratio": "", "index": "0..1"}.get(
            self.unit, self.unit
        )
        return f"{words} ({unit})" if unit else words


#: Model parts whose KPIs are left out of the document, rather than ``null``, when a scenario
#: lacks them: a supplier without a plant, a scenario without substitutes.
LEFT_OUT = ("production", "substitutes")

S, P, SP = (SYSTEM,), (PRODUCT,), (SYSTEM, PRODUCT)
SPS, PS = (SYSTEM, PRODUCT, SITE), (PRODUCT, SITE)

# fmt: off
REGISTRY: tuple[Kpi, ...] = (
    # Service: system and product
    Kpi("orders", "orders", SPS, None, "Service", "customer orders placed"),
    Kpi("units_demanded", "units", SPS, None, "Service", "units in the orders placed"),
    Kpi("fill_rate", "share", SPS, True, "Service",
        "units allocated from stock on hand at the moment the order was placed / units demanded"),
    Kpi("order_fill_rate", "share", SPS, True, "Service",
        "orders allocated complete at the moment they were placed / orders"),
    Kpi("on_time_rate", "share", SP, True, "Service",
        "orders delivered within the segment's promised days / orders delivered"),
    Kpi("otif_rate", "share", SP, True, "Service",
        "orders delivered on time and in full / orders whose outcome is known"),
    Kpi("perfect_order_rate", "share", SP, True, "Service",
        "orders on time, in full, with no defective or damaged unit and the right item / orders "
        "whose outcome is known"),
    Kpi("order_cycle_days_mean", "days", SP, False, "Service",
        "mean time from placement to delivery, over delivered orders"),
    Kpi("order_cycle_days_p95", "days", SP, False, "Service",
        "95th percentile of placement to delivery, over delivered orders (exact to 0.001 day)"),
    Kpi("lost_sales_units", "units", SP, False, "Service",
        "units of demand not served (lost-sale mode)"),
    Kpi("substituted_orders", "orders", SP, None, "Service",
        "orders served with a substitute because the product ordered was out of stock (per "
        "product: the product ordered; counted in the substitute's orders)",
        needs="substitutes", spec=False),
    Kpi("substitution_rate", "share", S, None, "Service",
        "substituted_orders / orders", needs="substitutes", spec=False),
    # Inventory
    Kpi("backorders_mean", "units", SPS, False, "Inventory", "time-average units backordered"),
    Kpi("on_hand_mean", "units", SPS, None, "Inventory", "time-average units on the shelf"),
    Kpi("on_order_mean", "units", PS, None, "Inventory",
        "time-average units ordered from suppliers and not yet received", spec=False),
    Kpi("purchase_orders", "orders", P, None, "Inventory",
        "purchase orders sent to suppliers (a split order counts once per supplier; re-orders of "
        "rejected units count too)", spec=False),
    Kpi("units_ordered", "units", P, None, "Inventory",
        "units in the purchase orders sent, re-orders of rejected units included", spec=False),
    Kpi("units_received", "units", PS, None, "Inventory",
        "units accepted into stock from suppliers", spec=False),
    Kpi("inventory_turns", "per year", SP, True, "Inventory",
        "cost of units sold per year (annualised) / average inventory value, both at the "
        "product's unit_cost"),
    Kpi("bullwhip_ratio", "ratio", SP, False, "Inventory",
        "variance of units ordered from suppliers per day (re-orders of rejected units included) / "
        "variance of units demanded per day"),
    Kpi("consigned", "flag", P, None, "Inventory",
        "the stock is on consignment: the supplier's until sold", spec=False),
    Kpi("expedited_orders", "orders", P, None, "Inventory",
        "purchase orders sent by the express carrier", spec=False),
    # Forecast: of a policy that forecasts from daily sales
    Kpi("forecast_mape", "share", SP, False, "Forecast",
        "mean absolute percentage error of the one-day-ahead forecast, over days with demand "
        "(system: weighted by units demanded)", needs="forecast", spec=False),
    Kpi("forecast_bias", "share", SP, None, "Forecast",
        "sum of (forecast - actual) / sum of actual demand, one day ahead: > 0 over-forecasts",
        needs="forecast", spec=False),
    # Money
    Kpi("cost_holding", "money", SPS, False, "Money",
        "time-integral of units on hand x holding cost per unit per day"),
    Kpi("cost_ordering", "money", SPS, False, "Money",
        "the order cost of each purchase order sent (re-orders of rejected units and VMI "
        "shipments carry none)"),
    Kpi("cost_purchase", "money", SPS, False, "Money",
        "units accepted from suppliers x their unit cost"),
    Kpi("cost_transport", "money", S, False, "Money",
        "inbound and outbound shipments: per shipment + per unit"),
    Kpi("cost_handling", "money", S, False, "Money",
        "picking (per order) and inspection (per unit) labour", spec=False),
    Kpi("cost_returns", "money", S, False, "Money",
        "customer returns: return shipments, handling and refurbishing (a refund lowers revenue)"),
    Kpi("cost_service", "money", S, False, "Money",
        "service desk: agents' time handling complaints", spec=False),
    Kpi("cost_total", "money", S, False, "Money", "the sum of the costs above"),
    Kpi("revenue", "money", SP, True, "Money", "units delivered to customers x price"),
    Kpi("profit", "money", S, True, "Money", "revenue - cost_total"),
    # Quality and suppliers
    Kpi("defective_delivery_rate", "share", S, False, "Quality and suppliers",
        "delivered orders with at least one defective unit / delivered orders"),
    Kpi("damaged_delivery_rate", "share", S, False, "Quality and suppliers",
        "delivered orders with at least one unit damaged in transit / delivered orders",
        spec=False),
    Kpi("wrong_item_rate", "share", S, False, "Quality and suppliers",
        "delivered orders picked with the wrong item / delivered orders"),
    Kpi("supplier_on_time_rate", "share", S, True, "Quality and suppliers",
        "supplier deliveries arriving within their quoted lead time / deliveries"),
    Kpi("co2_kg", "kg CO2", S, False, "Environment", "emissions of every shipment, in and out"),
    # Customers who remember (null with behaviour: none)
    Kpi("satisfaction_mean", "index", (SYSTEM, SEGMENT), True, "Customers",
        "mean satisfaction (0..1) of the customers active at the end", needs="behaviour"),
    Kpi("nps", "score", (SYSTEM, SEGMENT), True, "Customers",
        "net promoter score of survey answers, -100..100", needs="behaviour"),
    Kpi("retention_rate", "share", (SYSTEM, SEGMENT), True, "Customers",
        "customers active at the end of warm-up who are still active at the end",
        needs="behaviour"),
    Kpi("new_customers", "customers", (SYSTEM, SEGMENT), None, "Customers",
        "customers won by word of mouth during the horizon", needs="behaviour"),
    Kpi("churned_customers", "customers", (SYSTEM, SEGMENT), False, "Customers",
        "customers who stopped buying during the horizon", needs="behaviour"),
    Kpi("active_customers_end", "customers", (SYSTEM, SEGMENT), True, "Customers",
        "customers still buying at the end", needs="behaviour"),
    Kpi("complaints", "orders", (SYSTEM, SEGMENT), False, "Customers",
        "complaints raised with the service desk", needs="behaviour"),
    Kpi("service_desk_wait_hours_mean", "hours", S, False, "Customers",
        "mean wait of a complaint for an agent (customers who remember complain)", needs="desk"),
    Kpi("returns_units", "units", S, None, "Customers",
        "units customers sent back", needs="returns"),
    # Suppliers: the scorecard
    Kpi("orders", "orders", (SUPPLIER,), None, "Suppliers",
        "purchase orders received from the warehouse"),
    Kpi("deliveries", "orders", (SUPPLIER,), None, "Suppliers", "deliveries made"),
    Kpi("on_time_rate", "share", (SUPPLIER,), True, "Suppliers",
        "deliveries arriving within the quoted lead time / deliveries"),
    Kpi("quoted_lead_time_days", "days", (SUPPLIER,), None, "Suppliers",
        "the lead time the supplier promises, order to dock (a limited-capacity line adds each "
        "order's own production time)"),
    Kpi("units_delivered", "units", (SUPPLIER,), None, "Suppliers", "units delivered"),
    Kpi("dppm", "per million", (SUPPLIER,), False, "Suppliers",
        "defective units per million delivered"),
    Kpi("lead_time_days_mean", "days", (SUPPLIER,), False, "Suppliers",
        "mean lead time, order to dock"),
    Kpi("lead_time_days_sd", "days", (SUPPLIER,), False, "Suppliers",
        "standard deviation of the lead time"),
    Kpi("cost_purchase", "money", (SUPPLIER,), None, "Suppliers",
        "what the warehouse paid this supplier for goods"),
    Kpi("cost_ordering", "money", (SUPPLIER,), False, "Suppliers",
        "order costs of the purchase orders this supplier received"),
    Kpi("disruption_days", "days", (SUPPLIER,), False, "Suppliers",
        "outage days inside the horizon"),
    Kpi("cost_holding_consignment", "money", (SUPPLIER,), False, "Suppliers",
        "holding cost of consigned stock at the warehouse, borne by the supplier"),
    Kpi("units_made", "units", (SUPPLIER,), None, "Suppliers",
        "units the supplier's plant produced", needs="production"),
    Kpi("finished_goods_mean", "units", (SUPPLIER,), None, "Suppliers",
        "time-average finished goods at the plant", needs="production"),
    Kpi("cost_production", "money", (SUPPLIER,), False, "Suppliers",
        "the plant's cost per unit made", needs="production"),
    Kpi("cost_production_changes", "money", (SUPPLIER,), False, "Suppliers",
        "the plant's cost of changes in its daily output", needs="production"),
    Kpi("cost_holding_finished_goods", "money", (SUPPLIER,), False, "Suppliers",
        "the plant's holding cost of finished goods", needs="production"),
    Kpi("production_bullwhip_ratio", "ratio", (SUPPLIER,), False, "Suppliers",
        "variance of the plant's daily output / variance of customer demand per day",
        needs="production"),
    Kpi("score", "score", (SUPPLIER,), True, "Suppliers",
        "weighted scorecard score, 0..1"),
    # Sites of a network
    Kpi("downstream_orders", "orders", (SITE,), None, "Sites",
        "of the orders received, those from downstream sites (the rest are customers')",
        spec=False),
    Kpi("fallback_orders", "orders", (SITE,), None, "Sites",
        "of the customer orders received, those of other sites' customers whose own site was "
        "out of stock (this site is their fallback_site)", spec=False),
    Kpi("lateral_units_in", "units", (SITE,), None, "Sites",
        "units received in good order from sibling sites by lateral transshipment", spec=False),
    Kpi("lateral_units_out", "units", (SITE,), None, "Sites",
        "units this site shipped to sibling sites by lateral transshipment", spec=False),
    Kpi("cost_total", "money", (SITE,), False, "Sites",
        "the site's holding, ordering and purchase costs", spec=False),
)
# fmt: on

_INDEX: dict[tuple[str, str], Kpi] = {(scope, k.name): k for k in REGISTRY for scope in k.scopes}

#: Table groups in the order a planner reads them (system scope).
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(k.group for k in REGISTRY if SYSTEM in k.scopes))


def get(name: str, scope: str = SYSTEM) -> Kpi | None:
    """The KPI called ``name`` in ``scope``, or ``None`` when there is none.

    A dotted name (``by_product.widget.fill_rate``, ``suppliers.acme.dppm``) is looked up in the
    scope of its section, whatever ``scope`` says.
    """
    if "." in name:
        section, _, rest = name.partition(".")
        leaf = rest.rsplit(".", 1)[-1]
        scopes = {v: s for s, v in SECTIONS.items()}
        return _INDEX.get((scopes.get(section, scope), leaf))
    return _INDEX.get((scope, name))


def names(scope: str = SYSTEM, spec_only: bool = False) -> list[str]:
    """Every KPI name of ``scope``, in registry order."""
    return [k.name for k in REGISTRY if scope in k.scopes and (k.spec or not spec_only)]


def in_group(group: str, scope: str = SYSTEM) -> list[str]:
    """The KPIs of one table group, in order."""
    return [k.name for k in REGISTRY if scope in k.scopes and k.group == group]


def direction(name: str) -> bool | None:
    """Whether a higher value is better (``None``: no direction, or an unknown name)."""
    k = get(name)
    return None if k is None else k.higher_is_better


def kind(name: str) -> str:
    """How a value of ``name`` is formatted (``amount`` for a name the registry does not know)."""
    k = get(name)
    return "amount" if k is None else k.kind


def is_rate(name: str) -> bool:
    """Whether ``name`` is a share shown in percent."""
    return kind(name) == "rate"


def label(name: str) -> str:
    """A readable label with the unit; a dotted name keeps its owner (``widget: Fill rate (%)``)."""
    k = get(name)
    if k is None:
        return name
    if "." in name:
        owner = name.split(".")[1]
        return f"{owner}: {k.label}"
    return k.label


def needing(part: str, scope: str = SYSTEM) -> list[str]:
    """KPIs of ``scope`` that need a model part (``behaviour``, ``substitutes`` ...).

    Without the part they are ``null``, or left out for the parts in :data:`LEFT_OUT`.
    """
    return [k.name for k in REGISTRY if scope in k.scopes and k.needs == part]


def experiment_names(
    products: Iterable[str], suppliers: Iterable[tuple[str, bool]], sites: Iterable[str] = ()
) -> list[str]:
    """Every name an experiment may list: system KPIs, then product, supplier and site paths.

    Args:
        products: product ids in scenario order.
        suppliers: ``(supplier id, has a plant)`` in scenario order.
        sites: site ids of a network, in scenario order (none for a single warehouse).
    """
    out = names(SYSTEM)
    for pid in products:
        out += [f"by_product.{pid}.{n}" for n in names(PRODUCT)]
    for sid, plant in suppliers:
        out += [
            f"suppliers.{sid}.{k.name}"
            for k in REGISTRY
            if SUPPLIER in k.scopes and (plant or k.needs != "production")
        ]
    for sid in sites:
        out += [f"by_site.{sid}.{n}" for n in names(SITE)]
    return out


def _rows(scope: str) -> Iterator[str]:
    for k in REGISTRY:
        if scope in k.scopes:
            note = "" if k.spec else " *(extra)*"
            unit = "0..1" if k.unit == "share" else k.unit
            yield f"| `{k.name}`{note} | {unit} | {_arrow(k)} | {k.meaning} |"


def _arrow(k: Kpi) -> str:
    return {True: "higher", False: "lower", None: ""}[k.higher_is_better]


def markdown_table(scope: str, group: str | None = None) -> str:
    """The registry as a Markdown table (``docs/kpis.md`` is generated from these)."""
    head = ["| key | unit | better | meaning |", "|---|---|---|---|"]
    rows = [
        row
        for k, row in zip([k for k in REGISTRY if scope in k.scopes], _rows(scope), strict=True)
        if group is None or k.group == group
    ]
    return "\n".join(head + rows)
