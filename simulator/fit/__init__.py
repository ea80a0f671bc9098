"""Fitting distributions to your own history: demand per day, order sizes and lead times.

Read a CSV file or an Excel sheet, fit Poisson, negative binomial, geometric, gamma, lognormal,
normal and empirical distributions by maximum likelihood, rank them by AIC or BIC with a
goodness-of-fit test, and write the best as a scenario ``DIST`` (see ``docs/fitting.md``)::

    from simulator.fit import fit_file, fit_text
    for column in fit_file("scenarios/data/demand_history.csv"):
        print(fit_text(column))
"""

from simulator.fit.history import ColumnFit, fit_file, fit_text, write_outputs
from simulator.fit.ranking import MIN_ROWS, Candidate, Ranking, rank
from simulator.fit.reading import HistoryError
from simulator.fit.series import KINDS, Series

__all__ = [
    "KINDS",
    "MIN_ROWS",
    "Candidate",
    "ColumnFit",
    "HistoryError",
    "Ranking",
    "Series",
    "fit_file",
    "fit_text",
    "rank",
    "write_outputs",
]
