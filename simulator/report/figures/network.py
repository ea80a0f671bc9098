"""A network run in one picture: its sites by echelon, its lanes, and the units each lane moved.

Reads the result document's ``by_site`` (each site's kind and its customer orders) and ``lanes``
(units received over each lane, origin to destination). Suppliers stand in the first column,
each site one column right of the furthest origin that feeds it (its echelon), and the sites'
customers in the last. Lanes are arrows whose width grows with the units they moved, labelled
with those units; a lane that moved nothing is a thin dashed line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from simulator.report.figures.common import count, new_figure

#: Fill colour of a node, by what it is.
KIND_COLOURS = {
    "supplier": "#c7e9c0",
    "distribution_centre": "#9ecae1",
    "warehouse": "#c6dbef",
    "store": "#fdd0a2",
    "customers": "#e5e5e5",
}
#: Widest lane, in points (the busiest lane is drawn this wide).
MAX_WIDTH = 9.0
#: Name of the customers' column.
CUSTOMERS = "customers"


@dataclass(frozen=True)
class Lane:
    """One arrow of the picture: from ``origin`` to ``destination``, ``units`` moved."""

    origin: str
    destination: str
    units: int


@dataclass(frozen=True)
class Network:
    """What the picture draws: each node's column and kind, and the lanes between them."""

    columns: dict[str, int]
    """Node id -> its column: 0 suppliers, then each site's echelon, last the customers."""
    kinds: dict[str, str]
    """Node id -> ``supplier``, the site's kind, or ``customers``."""
    lanes: list[Lane]
    """The lanes of the document, then one arrow per site with customer orders."""


def is_network(document: Mapping[str, Any]) -> bool:
    """Whether the run has more than one site (a network worth drawing)."""
    return len(document.get("by_site") or {}) > 1


def network_of(document: Mapping[str, Any]) -> Network:
    """The nodes, their columns and the lanes of a network run's result document.

    Raises:
        ValueError: When the document has no sites.
    """
    sites = dict(document.get("by_site") or {})
    if not sites:
        raise ValueError("the run has no sites (by_site is empty)")
    lanes = [
        Lane(str(ln["origin"]), str(ln["destination"]), count(ln.get("units")) or 0)
        for ln in document.get("lanes") or []
    ]
    kinds = {ln.origin: "supplier" for ln in lanes if ln.origin not in sites}
    kinds.update({sid: str(row.get("kind") or "warehouse") for sid, row in sites.items()})
    origins: dict[str, list[str]] = {sid: [] for sid in sites}
    rows = document.get("lanes") or []
    for ln, row in zip(lanes, rows, strict=True):
        if not row.get("lateral"):  # a lateral lane joins siblings: it sets no column
            origins[ln.destination].append(ln.origin)
    columns = {node: 0 for node, kind in kinds.items() if kind == "supplier"}

    def column(site: str, seen: tuple[str, ...] = ()) -> int:
        if site not in columns:
            feeding = [o for o in origins[site] if o not in seen]
            columns[site] = 1 + max(
                (columns[o] if o not in sites else column(o, (*seen, site)) for o in feeding),
                default=0,
            )
        return columns[site]

    for sid in sites:
        column(sid)
    served = {
        sid: (count(row.get("orders")) or 0) - (count(row.get("downstream_orders")) or 0)
        for sid, row in sites.items()
    }
    if any(n > 0 for n in served.values()):
        columns[CUSTOMERS] = max(columns.values()) + 1
        kinds[CUSTOMERS] = CUSTOMERS
        lanes += [Lane(sid, CUSTOMERS, n) for sid, n in served.items() if n > 0]
    return Network(columns, kinds, lanes)


def _positions(net: Network) -> dict[str, tuple[float, float]]:
    """Each node's (x, y): its column, and evenly spread down the column in document order."""
    by_column: dict[int, list[str]] = {}
    for node, col in net.columns.items():
        by_column.setdefault(col, []).append(node)
    pos = {}
    for col, nodes in by_column.items():
        for i, node in enumerate(nodes):
            pos[node] = (float(col), (len(nodes) - 1) / 2 - i)
    return pos


def network_figure(document: Mapping[str, Any]) -> Figure:
    """The network: suppliers, sites by echelon and customers, the lanes sized by their flow.

    Each lane arrow carries the units received over it during the measured horizon (the
    document's ``lanes``); the arrows into the customers' column carry the customer orders each
    site received (its ``orders`` less its ``downstream_orders``). Every arrow's ``gid`` is
    ``lane:ORIGIN>DESTINATION:UNITS``, so a test or a tool can read what was drawn.

    Raises:
        ValueError: When the document has no sites.
    """
    net = network_of(document)
    pos = _positions(net)
    rows = max(sum(1 for c in net.columns.values() if c == col) for col in net.columns.values())
    cols = max(net.columns.values()) + 1
    fig = new_figure(max(7.0, 2.6 * cols), max(3.0, 1.1 * rows + 1.2))
    ax = fig.subplots()
    busiest = max((ln.units for ln in net.lanes), default=0) or 1
    for ln in net.lanes:
        (x0, y0), (x1, y1) = pos[ln.origin], pos[ln.destination]
        moved = ln.units > 0
        ax.annotate(
            "",
            xy=(x1 - 0.22, y1),
            xytext=(x0 + 0.22, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "lw": 0.8 + MAX_WIDTH * ln.units / busiest if moved else 0.8,
                "linestyle": "-" if moved else "--",
                "color": "#4a6fa5" if moved else "#999999",
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 14,
            },
            gid=f"lane:{ln.origin}>{ln.destination}:{ln.units}",
        )
        unit = "orders" if ln.destination == CUSTOMERS else "units"
        ax.text(
            (x0 + x1) / 2,
            (y0 + y1) / 2 + 0.08,
            f"{ln.units:,} {unit}",
            ha="center",
            va="bottom",
            fontsize="small",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    for node, (x, y) in pos.items():
        kind = net.kinds[node]
        label = node if kind in ("supplier", CUSTOMERS) else f"{node}\n({kind.replace('_', ' ')})"
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize="small",
            bbox={"boxstyle": "round,pad=0.4", "fc": KIND_COLOURS.get(kind, "#ffffff")},
        )
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(-rows / 2 - 0.1, rows / 2 + 0.1)
    ax.set_axis_off()
    ax.set_title("The network: units moved on each lane over the measured horizon")
    return fig
