"""The terminal tables: the run table (groups from the KPI registry) and the verdict table."""

from __future__ import annotations

from simulator import kpis
from simulator.experiment import ExperimentResults
from simulator.report.comparison import comparison_table
from simulator.report.tables import run_table


def _row(kpi, variant, mean, half, diff, low, high, p, significant, verdict):
    return {
        "point": 0,
        "kpi": kpi,
        "variant": variant,
        "baseline_mean": None,
        "variant_mean": mean,
        "variant_half_width": half,
        "difference": diff,
        "ci_low": low,
        "ci_high": high,
        "p_value": p,
        "significant": significant,
        "verdict": verdict,
    }


def results() -> ExperimentResults:
    """Three variants at one sweep point: a rate, money, a count and a per-product amount."""
    point = {"warehouse.policies.item.order_quantity": 5}
    names = ["fill_rate", "profit", "orders", "by_product.item.backorders_mean"]
    base = {
        "fill_rate": (0.9576, 0.0034),
        "profit": (1099140.07, 9276.65),
        "orders": (1200, None),
        "by_product.item.backorders_mean": (0.123456, 0.0123),
    }
    summary = [
        {"variant": "base", "point": 0, "kpi": k, "mean": m, "half_width": h}
        for k, (m, h) in base.items()
    ]
    comparison = [
        _row("fill_rate", "more", 0.9994, 0.0004, 0.0418, 0.0385, 0.0452, 0.0001, True, "better"),
        _row(
            "fill_rate", "less", 0.95, 0.004, -0.0076, -0.02, 0.005, 0.2, False, "not significant"
        ),
        _row(
            "profit",
            "more",
            1024858.79,
            6624.51,
            -74281.28,
            -83075.06,
            -65487.51,
            0.0,
            True,
            "worse",
        ),
        _row("profit", "less", None, None, None, None, None, None, None, ""),
        _row("orders", "more", 1250, 3.5, 50, 45.5, 54.5, 0.0004, True, "different"),
        _row("orders", "less", 1200, 0.0, 0, None, None, 1.0, False, "not significant"),
        _row(
            "by_product.item.backorders_mean",
            "more",
            0.05,
            0.004,
            -0.073456,
            -0.08,
            -0.066,
            0.002,
            True,
            "better",
        ),
        _row(
            "by_product.item.backorders_mean",
            "less",
            2500.5,
            12.25,
            2500.376544,
            2400.1,
            2600.9,
            0.0312,
            True,
            "worse",
        ),
    ]
    return ExperimentResults(
        name="demo",
        baseline="base",
        variants=["base", "more", "less"],
        points=[point],
        kpis=names,
        replications=20,
        seed=1,
        confidence=0.95,
        runs=[{}] * 60,
        summary=summary,
        comparison=comparison,
        design_hash="h",
    )


EXPECTED = """\
Experiment 'demo': 3 variants x 1 point x 20 replications = 60 runs, seed 1, common random numbers
Means ± half-width of the 95% confidence interval; differences are paired (variant - baseline, replication by replication).

Point 0: warehouse.policies.item.order_quantity=5
kpi                                base (baseline)  variant               mean         difference [95% CI]  p-value      significant
-------------------------------  -----------------  -------  -----------------  --------------------------  -------  ---------------
fill_rate                           95.76% ± 0.34%     more   99.940% ± 0.040%     +4.18 pp [+3.85, +4.52]   <0.001      yes, better
                                                       less     95.00% ± 0.40%        -0.8 pp [-2.0, +0.5]    0.200  not significant
profit                           1,099,140 ± 9,277     more  1,024,859 ± 6,625  -74,281 [-83,075, -65,488]   <0.001       yes, worse
                                                       less                n/a                         n/a      n/a              n/a
orders                                       1,200     more      1,250.0 ± 3.5        +50.0 [+45.5, +54.5]   <0.001              yes
                                                       less          1,200 ± 0                          +0    1.000  not significant
by_product.item.backorders_mean      0.123 ± 0.012     more    0.0500 ± 0.0040  -0.0735 [-0.0800, -0.0660]    0.002      yes, better
                                                       less         2,500 ± 12     +2,500 [+2,400, +2,601]    0.031       yes, worse
"""  # noqa: E501


def test_the_verdict_table_shows_digits_from_the_half_width():
    # each mean and difference to the decimal place of its interval's half-width (two
    # significant digits), rates in % and pp, and "not significant" where the interval holds 0
    assert comparison_table(results()) == EXPECTED


def test_the_run_table_groups_kpis_as_the_registry_does():
    doc = {
        "scenario": "demo",
        "seed": 1,
        "replication": 0,
        "horizon_days": 30,
        "warmup_days": 5,
        "kpis": {name: 0.5 for name in kpis.names()},
    }
    text = run_table(doc)
    titles = [line.split()[0] for line in text.splitlines() if line.endswith("value")]
    assert titles == [group.split()[0] for group in kpis.GROUPS]
    rows = {line.split()[0]: line.split()[-1] for line in text.splitlines()[2:] if line.strip()}
    assert set(kpis.names()) <= set(rows)  # every system KPI, cost_service included
    assert rows["fill_rate"] == "50.00%" and rows["cost_service"] == "0.50"
    assert rows["bullwhip_ratio"] == "0.5"
