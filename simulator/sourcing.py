"""Sourcing rules as pure decisions: which supplier gets how many units of a purchase order.

A product's purchase orders go to one supplier (:class:`Single`), are divided among several by
fixed shares (:class:`Split`), or go to a backup supplier while the primary is in an outage
(:class:`Backup`). Each rule answers one question, :meth:`parts`, from plain numbers; no SimPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Single:
    """Every order goes to one supplier."""

    supplier: str

    watches_outage: ClassVar[bool] = False
    """Whether :meth:`parts` needs to know if the primary supplier is down."""

    def parts(self, units: int, primary_down: bool = False) -> list[tuple[str, int]]:
        """``(supplier id, units)`` of each purchase order that ``units`` units become."""
        return [(self.supplier, units)]


@dataclass(frozen=True, slots=True)
class Backup:
    """Orders go to ``primary``, except while it is down: then to ``backup``."""

    primary: str
    backup: str

    watches_outage: ClassVar[bool] = True

    def parts(self, units: int, primary_down: bool = False) -> list[tuple[str, int]]:
        """The whole order to the backup while the primary is down, else to the primary."""
        return [(self.backup if primary_down else self.primary, units)]


@dataclass(frozen=True, slots=True)
class Split:
    """Each order is divided by fixed shares (``(supplier id, share)`` pairs summing to 1)."""

    shares: tuple[tuple[str, float], ...]

    watches_outage: ClassVar[bool] = False

    def parts(self, units: int, primary_down: bool = False) -> list[tuple[str, int]]:
        """Whole units by share, largest remainders first, so the parts add up to the order.

        Suppliers whose part rounds to nothing get no order; parts come in supplier-id order.
        """
        shares = sorted(self.shares)
        exact = [(sid, units * share) for sid, share in shares]
        parts = {sid: int(x) for sid, x in exact}
        left = units - sum(parts.values())
        for sid, _ in sorted(exact, key=lambda item: (int(item[1]) - item[1], item[0]))[:left]:
            parts[sid] += 1
        return [(sid, n) for sid, n in sorted(parts.items()) if n > 0]


Sourcing = Single | Backup | Split
