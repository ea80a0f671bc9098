"""Matplotlib figures of runs and experiments: plain data in, one ``Figure`` out per function.

Every function takes what a results folder holds, already read: a result document (the dict of
``result.json``, or ``RunResult.document``), trace rows (the tuples of ``RunResult.trace``, or
the rows of ``trace.csv`` read by :func:`simulator.report.folders.load_trace`) or summary and
comparison rows (``ExperimentResults.summary`` / ``.comparison``). Each returns a
:class:`matplotlib.figure.Figure` drawn on the Agg canvas, made without pyplot, so figures can be
built in worker threads and notebooks alike and are freed as soon as nothing refers to them. A
function raises ``ValueError`` when the data hold nothing it could draw (e.g. the customer story
of a run whose customers never churn).

One module per story: :mod:`.inventory` (stock and the bullwhip, from the trace),
:mod:`.people` (customers and suppliers), :mod:`.customer_days` (customers over time),
:mod:`.network` (a network's sites and lanes), :mod:`.sites` (each site's stock over time),
:mod:`.experiment` (comparison and sweep), :mod:`.frontier` (service versus cost) and
:mod:`.story` (one replication per variant);
:mod:`.common` holds what they share.
"""

from simulator.report.figures.common import MAX_POINTS, new_figure, slug, thin
from simulator.report.figures.customer_days import (
    band_shares,
    customer_days_figure,
    segment_days,
)
from simulator.report.figures.experiment import (
    baseline_variant,
    colours_of,
    comparison_figure,
    confidence_text,
    design_points,
    experiment_kpis,
    experiment_variants,
    sweep_figure,
    sweep_parameters,
    variant_colour,
)
from simulator.report.figures.frontier import frontier_figure, frontier_kpis
from simulator.report.figures.inventory import (
    InventorySeries,
    bullwhip_figure,
    daily_flows,
    inventory_figure,
    inventory_series,
    is_replacement,
    policy_levels,
    rows_by_product,
)
from simulator.report.figures.labels import parameter_label, parameters_label
from simulator.report.figures.network import is_network, network_figure, network_of
from simulator.report.figures.people import (
    CUSTOMER_COUNTS,
    SCORE_PARTS,
    churn_reasons_figure,
    customer_figure,
    scorecard_figure,
)
from simulator.report.figures.story import story_customer_totals, story_figure

__all__ = [
    "CUSTOMER_COUNTS",
    "MAX_POINTS",
    "SCORE_PARTS",
    "InventorySeries",
    "band_shares",
    "baseline_variant",
    "bullwhip_figure",
    "churn_reasons_figure",
    "colours_of",
    "comparison_figure",
    "confidence_text",
    "customer_days_figure",
    "customer_figure",
    "daily_flows",
    "design_points",
    "experiment_kpis",
    "experiment_variants",
    "frontier_figure",
    "frontier_kpis",
    "inventory_figure",
    "inventory_series",
    "rows_by_product",
    "is_network",
    "is_replacement",
    "network_figure",
    "network_of",
    "new_figure",
    "parameter_label",
    "parameters_label",
    "policy_levels",
    "scorecard_figure",
    "segment_days",
    "slug",
    "story_customer_totals",
    "story_figure",
    "sweep_figure",
    "sweep_parameters",
    "thin",
    "variant_colour",
]
