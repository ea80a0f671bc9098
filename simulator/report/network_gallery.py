"""The figures of a network run: the network itself, and each site's stock by echelon.

Called by :func:`simulator.report.gallery.run_figures` for a run with several sites; it hands
over its way of drawing and keeping a figure (``make``: id, title, caption, alt, drawing
function to :class:`~simulator.report.gallery.FigureItem`), so the two modules do not import
each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simulator.report import figures as F
from simulator.report.figures import sites as S

Make = Callable[[str, str, str, str, Callable[[], Any]], Any]


def network_items(
    document: Mapping[str, Any], trace: Sequence[Any] | None, make: Make
) -> tuple[list[Any], list[str]]:
    """The network picture, then one small-multiples figure per echelon (or part of one)."""
    items = [network_item(document, make)]
    notes: list[str] = []
    if trace is None:
        return items, notes
    stocks = S.site_stocks(trace)
    if not stocks:
        notes.append(
            "The trace names no site on its stock rows (written by an older supplysim): "
            "each site's stock over time is not drawn (its averages are in by_site)."
        )
        return items, notes
    for group in S.site_groups(document):
        shown = [s for s in group.sites if s in stocks]
        if not shown:
            notes.append(f"No stock levels of {', '.join(group.sites)} in the trace.")
            continue
        title = S.group_title(group, document)
        alt = f"{len(shown)} small step plots, one per site: " + "; ".join(
            f"{sid} on hand between {stocks[sid].on_hand.min():,.0f} and "
            f"{stocks[sid].on_hand.max():,.0f} units over its {len(stocks[sid].products)} "
            f"products, backorders up to {stocks[sid].backorders.max():,.0f}"
            for sid in shown
        )
        caption = (
            f"{title}: one panel per site (echelon 1 is supplied by suppliers only, each "
            "further echelon by the one before). Coloured lines: units on hand of each product "
            f"when a site stocks at most {S.MAX_PRODUCT_LINES}, else blue: units on hand summed "
            "over its products. Red: units backordered at the site, its customers' and its "
            "downstream sites' orders waiting. The grey band is the warm-up. The panel's title "
            "gives the site's fill rate (by_site)."
        )
        items.append(
            make(
                f"fig-sites-{group.slug}",
                title,
                caption,
                alt + ".",
                lambda group=group: S.sites_figure(stocks, document, group),
            )
        )
    return items, notes


def network_item(document: Mapping[str, Any], make: Make) -> Any:
    """The picture of a network run's sites and lanes, with its words."""
    net = F.network_of(document)
    alt = (
        f"Diagram of {len(net.columns)} nodes in {max(net.columns.values()) + 1} columns "
        "(suppliers, sites by echelon, customers) with arrows sized by flow: "
        + "; ".join(f"{ln.origin} to {ln.destination} {ln.units:,}" for ln in net.lanes)
        + "."
    )
    caption = (
        "The network, left to right: suppliers, then each site one column after the furthest "
        "site or supplier that replenishes it, then the customers. Each arrow is a lane, as wide "
        "as the units it brought in over the measured horizon (the result's lanes); a dashed "
        "arrow moved nothing. The arrows into the customers carry each site's customer orders. "
        "Colours say what a site is: distribution centre, warehouse or store."
    )
    return make("fig-network", "Network", caption, alt, lambda: F.network_figure(document))
