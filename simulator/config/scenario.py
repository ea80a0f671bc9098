"""The whole scenario: every section together, with look-ups the model builder uses."""

from __future__ import annotations

from functools import cached_property
from types import SimpleNamespace

from pydantic import Field

from simulator.config.base import Days, Model
from simulator.config.customers import Customers, ServiceDesk
from simulator.config.network import Lane, Site
from simulator.config.products import Carrier, Product
from simulator.config.suppliers import Scorecard, Supplier
from simulator.config.warehouse import Warehouse


class Scenario(Model):
    """A complete scenario: the supply chain, its policies and its customers."""

    name: str = Field(min_length=1)
    """Short name, reported with every result."""
    description: str = ""
    """What the scenario represents, for a reader."""
    horizon_days: Days
    """Simulated time measured, after the warm-up."""
    warmup_days: float = Field(default=0.0, ge=0)
    """Simulated time run before statistics start (they are reset at its end)."""
    currency: str | None = Field(default=None, min_length=1, max_length=8)
    """The currency of every amount of money (``EUR``, ``$``), shown beside money in tables and
    reports; omit for none."""
    seed: int = Field(default=1, ge=0)
    """Root random seed; the same seed gives the same numbers."""
    products: list[Product] = Field(min_length=1)
    """Products."""
    suppliers: list[Supplier] = Field(default_factory=list)
    """Suppliers."""
    carriers: list[Carrier] = Field(default_factory=list)
    """Carriers, referred to by the warehouse and the customer segments."""
    warehouse: Warehouse | None = None
    """The warehouse (a network of one site); give either this or ``sites``."""
    sites: list[Site] = Field(default_factory=list)
    """The sites of a supply network (instead of ``warehouse``); see docs/networks.md."""
    lanes: list[Lane] = Field(default_factory=list)
    """Transport lanes of a network, from a supplier or site to a site."""
    customers: Customers
    """The customers."""
    service_desk: ServiceDesk | None = None
    """The service desk; omit for none (complaints are counted but not queued)."""
    scorecard: Scorecard = Field(default_factory=Scorecard)
    """Supplier scorecard settings."""

    def product(self, pid: str) -> Product:
        """The product with id ``pid``."""
        return self.index.products[pid]

    def carrier(self, cid: str | None) -> Carrier | None:
        """The carrier with id ``cid`` (``None`` for none)."""
        return None if cid is None else next(c for c in self.carriers if c.id == cid)

    def supplier(self, sid: str) -> Supplier | None:
        """The supplier with id ``sid``, or ``None`` (in a network: a site's id, say)."""
        return self.index.suppliers.get(sid)

    def lane(self, origin: str, destination: str) -> Lane | None:
        """The lane from ``origin`` (a supplier or site) to site ``destination``, if listed."""
        return self.index.lanes.get((origin, destination))

    @cached_property
    def index(self) -> SimpleNamespace:
        """Products, suppliers and lanes by id, and each product's suppliers, built once."""
        suppliers_of: dict[str, list[Supplier]] = {}
        for s in self.suppliers:
            for pid in s.products:
                suppliers_of.setdefault(pid, []).append(s)
        return SimpleNamespace(
            products={p.id: p for p in self.products},
            suppliers={s.id: s for s in self.suppliers},
            lanes={(ln.origin, ln.destination): ln for ln in reversed(self.lanes)},
            suppliers_of=suppliers_of,
        )

    def suppliers_of(self, pid: str) -> list[Supplier]:
        """Suppliers that supply product ``pid``, in file order."""
        return self.index.suppliers_of.get(pid, [])

    def primary_supplier(self, pid: str) -> Supplier:
        """The supplier that normally gets ``pid``'s orders (sourcing ``primary``, else first)."""
        rule = None if self.warehouse is None else self.warehouse.sourcing.get(pid)
        if rule is not None and rule.primary is not None:
            return self.index.suppliers[rule.primary]
        if rule is not None and rule.rule == "split" and rule.shares:
            return self.index.suppliers[max(rule.shares, key=rule.shares.get)]
        return self.suppliers_of(pid)[0]
