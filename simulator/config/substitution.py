"""Out-of-stock substitution in the scenario: a product's substitutes and who accepts them.

A product lists ``substitutes`` in ``products:``; when it is out of stock where a customer's order
is served, the first substitute with the whole order on hand there is offered, and the share
``acceptance`` of customers take it. The whole-scenario checks are in
:mod:`simulator.config.substitution_checks`.
"""

from __future__ import annotations

from simulator.config.base import Id, Model, Probability


class Substitute(Model):
    """A product a customer may take instead of the one ordered when that one is out of stock."""

    product: Id
    """The substitute product (same quantity, its own price)."""
    acceptance: Probability
    """Share of customers who take the substitute when it is offered (the rest are served as
    without it: fallback site, lateral transshipment, backorder or lost sale)."""
