"""Checking the simulator against theory: textbook reductions of a scenario and ``--self``.

from simulator import load_scenario
from simulator.check import check, reduce
sc = load_scenario("scenarios/textbook/rq_poisson.yaml")
reduction = reduce(sc)
if reduction.case is not None:
    agreement = check(sc, reduction.case, replications=10)
"""

from simulator.check.agreement import SELF_CASES, Agreement, check, self_check
from simulator.check.cases import Case, Reduction, reduce
from simulator.check.text import agreement_text, reduction_text, self_text

__all__ = [
    "SELF_CASES",
    "Agreement",
    "Case",
    "Reduction",
    "agreement_text",
    "check",
    "reduce",
    "reduction_text",
    "self_check",
    "self_text",
]
