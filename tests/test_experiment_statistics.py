"""The statistics of experiments against the truth: interval coverage on a closed form, and the
narrower comparison that common random numbers buy.

Both tests run in-process with ``simulate`` and the functions of :mod:`simulator.stats`, on the
textbook (r, Q) scenario with unit Poisson demand, whose fill rate has a closed form
(Hadley-Whitin, :func:`simulator.theory.rq_poisson_backorder`). Seeds are fixed, so each test
gives the same figure every time; the bounds are wide enough for any honest implementation and
narrow enough to catch a wrong quantile, a wrong degrees-of-freedom or a lost pairing.
"""

from __future__ import annotations

from pathlib import Path

from simulator import load_scenario, simulate
from simulator.stats import paired_difference, t_interval, welch_difference
from simulator.theory import rq_poisson_backorder

ROOT = Path(__file__).resolve().parents[1]
RQ = ROOT / "scenarios" / "textbook" / "rq_poisson.yaml"
POLICY = "warehouse.policies.item"

# (r, Q) = (8, 5), demand 2 per day, lead time 4 days: fill rate 0.790.
RATE, LEAD, R, Q = 2.0, 4.0, 8, 5


def rq_scenario(reorder_point: int = R, days: float = 200):
    return load_scenario(
        RQ,
        [
            f"horizon_days={days}",
            "warmup_days=50",
            f"{POLICY}.reorder_point={reorder_point}",
            f"{POLICY}.order_quantity={Q}",
            "customers.segments.all.orders_per_customer_per_day=2.0",
            "suppliers.vendor.lead_time_days=4",
        ],
    )


def test_nominal_95_percent_intervals_cover_the_true_fill_rate(capsys):
    """400 independent experiments of 5 replications each (root seeds 20000..20399)."""
    truth = rq_poisson_backorder(RATE, LEAD, R, Q)["fill_rate"]
    scenario = rq_scenario()
    experiments, replications = 400, 5
    covered = 0
    for i in range(experiments):
        values = [
            simulate(scenario, seed=20_000 + i, replication=r).kpis["fill_rate"]
            for r in range(replications)
        ]
        covered += t_interval(values, 0.95).covers(truth)
    coverage = covered / experiments
    with capsys.disabled():
        print(
            f"\ncoverage of nominal 95% t intervals (fill rate {truth:.4f}, {experiments} "
            f"experiments x {replications} replications): {100 * coverage:.1f}%"
        )
    assert 0.90 <= coverage <= 0.99


def test_common_random_numbers_narrow_the_interval_of_a_difference(capsys):
    """Reorder point 8 vs 9, 20 replications each: paired (same seed) vs independent seeds."""
    a, b = rq_scenario(8), rq_scenario(9)
    n = 20
    base = [simulate(a, seed=1, replication=r).kpis["fill_rate"] for r in range(n)]
    paired = [simulate(b, seed=1, replication=r).kpis["fill_rate"] for r in range(n)]
    independent = [simulate(b, seed=2, replication=r).kpis["fill_rate"] for r in range(n)]
    crn = paired_difference(base, paired)
    unpaired = welch_difference(base, independent)
    ratio = crn.half_width / unpaired.half_width
    with capsys.disabled():
        print(
            f"\nfill rate r=9 minus r=8, {n} replications: paired (CRN) "
            f"{crn.mean:+.4f} ± {crn.half_width:.4f}, unpaired {unpaired.mean:+.4f} ± "
            f"{unpaired.half_width:.4f}; half-width ratio paired/unpaired = {ratio:.2f}"
        )
    assert ratio < 0.7
    # both estimate the same true difference
    truth = (
        rq_poisson_backorder(RATE, LEAD, 9, Q)["fill_rate"]
        - rq_poisson_backorder(RATE, LEAD, 8, Q)["fill_rate"]
    )
    assert crn.low <= truth <= crn.high
    assert unpaired.low <= truth <= unpaired.high
