"""Supply networks in the scenario: sites and the lanes between them.

A network lists ``sites:`` (each with what ``warehouse:`` has, plus a kind and where each product
is replenished from) and ``lanes:`` (a carrier from a supplier or site to a site). A scenario has
either ``warehouse:`` (a network of one site) or ``sites:``, never both; the checks that need the
whole network are in :mod:`simulator.config.network_checks`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from simulator.config.base import Id, Model
from simulator.config.warehouse import Warehouse
from simulator.distributions import Dist


class Lateral(Model):
    """Lateral transshipment: a site's shortfall pulled from sibling sites' stock."""

    from_: list[Id] = Field(alias="from", min_length=1)
    """Sibling sites to pull from, in the order they are asked; the first with the whole
    shortfall on hand (beyond ``keep``) ships it."""
    products: list[Id] | None = None
    """Products moved laterally; default: every product the site has a policy for."""
    carrier: Id | None = None
    """The carrier of a lateral move (cost, damage, CO2, transit); omit for an ideal lane."""
    transit_days: Dist | None = None
    """Transit time of a lateral move, replacing the carrier's."""
    keep: int = Field(default=0, ge=0)
    """Units of a product a sibling always keeps on hand for its own customers."""


class Site(Warehouse):
    """A stocking point of a network: a warehouse, a distribution centre or a store."""

    id: Id
    """Unique site id."""
    kind: Literal["warehouse", "distribution_centre", "store"] = "warehouse"
    """What the site is (for reading and drawing; every kind behaves the same)."""
    replenish_from: dict[Id, Id] = Field(default_factory=dict)
    """Where each product is replenished from: a supplier id or an upstream site id; default:
    the product's primary supplier."""
    ship_partial: bool = False
    """Orders from downstream sites: ship what is on hand at once and the rest as it arrives
    (``false``: hold an order until it can ship complete). Either way they wait (backorder),
    first come first served with this site's customer orders."""
    lateral: Lateral | None = None
    """Lateral transshipment: when this site's customer order has a shortfall, pull the missing
    units from a sibling site (see docs/networks.md#lateral-transshipment); omit for none."""


class Lane(Model):
    """A transport lane: how goods travel from a supplier or a site to a site."""

    origin: Id
    """The supplier or site the goods leave from."""
    destination: Id
    """The site they go to."""
    carrier: Id | None = None
    """The carrier; omit for an ideal lane (no cost, no damage, transit 0 unless overridden)."""
    transit_days: Dist | None = None
    """Transit time on this lane, replacing the carrier's."""
