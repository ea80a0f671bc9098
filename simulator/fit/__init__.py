"""Fitting distributions to your own history: demand per day, order sizes and lead times.

Read a CSV file or an Excel sheet, fit Poisson, negative binomial, geometric, gamma, lognormal,
normal and empirical distributions by maximum likelihood, rank them by AIC or BIC with a
goodness-of-fit test, and write the best as a scenario ``DIST`` (see ``docs/fitting.md``)::

    from simulator.fit import fit_file, fit_text
    for column in fit_file("scenarios/data/demand_history.csv"):
        print(fit_text(column))
"""

from importlib import import_module
from typing import Any

#: Where each public name lives; imported on first use, so that reading a history file (the
#: scenario loader does, for ``history:``) does not import scipy and matplotlib.
_HOMES = {
    "ColumnFit": "history",
    "fit_file": "history",
    "fit_text": "history",
    "write_outputs": "history",
    "MIN_ROWS": "ranking",
    "Candidate": "ranking",
    "Ranking": "ranking",
    "rank": "ranking",
    "HistoryError": "reading",
    "KINDS": "series",
    "Series": "series",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'simulator.fit' has no attribute {name!r}")
    return getattr(import_module(f"simulator.fit.{_HOMES[name]}"), name)
