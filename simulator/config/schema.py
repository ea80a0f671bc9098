"""The scenario schema in one place: every model and type of the scenario file, re-exported.

The models live in one module per section (:mod:`~simulator.config.products`,
:mod:`~simulator.config.suppliers`, :mod:`~simulator.config.replenishment`,
:mod:`~simulator.config.warehouse`, :mod:`~simulator.config.customers`,
:mod:`~simulator.config.scenario`); each field's docstring documents it. The models check what
one field can check on its own (types, ranges, ``low <= high``, ``min < max``). Checks that need
the whole scenario (ids that must exist, shares that must sum to 1, a policy for a product nobody
supplies) live in :func:`~simulator.config.checks.cross_check`, which returns every problem with
its field path instead of stopping at the first.
"""

from simulator.config.base import ID_PATTERN, Days, Id, Model, Money, Probability, Rate
from simulator.config.checks import cross_check
from simulator.config.customers import (
    Acquisition,
    Behaviour,
    Customers,
    Loyalty,
    Segment,
    Sensitivity,
    ServiceDesk,
)
from simulator.config.demand import History, Profile
from simulator.config.forecasts import (
    ExponentialSmoothing,
    Forecast,
    HoltWinters,
    MovingAverage,
    default_forecast,
)
from simulator.config.network import Lane, Site
from simulator.config.products import Carrier, Product
from simulator.config.replenishment import (
    BaseStockPolicy,
    EchelonBaseStockPolicy,
    MinMaxPolicy,
    PeriodicPolicy,
    Policy,
    ReorderPointPolicy,
    ReviewDays,
    VmiPolicy,
)
from simulator.config.scenario import Scenario
from simulator.config.suppliers import (
    Disruption,
    Production,
    RandomDisruption,
    ScheduledDisruption,
    Scorecard,
    ScorecardWeights,
    Supplier,
)
from simulator.config.warehouse import Expedite, Inspection, Picking, Returns, Sourcing, Warehouse

__all__ = [
    "ID_PATTERN",
    "Acquisition",
    "BaseStockPolicy",
    "Behaviour",
    "Carrier",
    "Customers",
    "Days",
    "Disruption",
    "EchelonBaseStockPolicy",
    "Expedite",
    "ExponentialSmoothing",
    "Forecast",
    "History",
    "HoltWinters",
    "Id",
    "Inspection",
    "Lane",
    "Loyalty",
    "MinMaxPolicy",
    "Model",
    "Money",
    "MovingAverage",
    "PeriodicPolicy",
    "Picking",
    "Policy",
    "Profile",
    "Probability",
    "Product",
    "Production",
    "RandomDisruption",
    "Rate",
    "ReorderPointPolicy",
    "Returns",
    "Site",
    "ReviewDays",
    "Scenario",
    "ScheduledDisruption",
    "Scorecard",
    "ScorecardWeights",
    "Segment",
    "Sensitivity",
    "ServiceDesk",
    "Sourcing",
    "Supplier",
    "VmiPolicy",
    "Warehouse",
    "cross_check",
    "default_forecast",
]
