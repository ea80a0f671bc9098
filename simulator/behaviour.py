"""The customer rules as pure functions: experience, satisfaction, loyalty, surveys. No SimPy.

Each completed order gives the customer an *experience score* in [0, 1]: 1 minus the penalties of
what went wrong. Satisfaction is an exponentially weighted memory of experience scores. After each
order the customer stays with a probability that is a logistic function of satisfaction, so
loyalty rises steeply only above a threshold. See docs/customer-model.md for the worked example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Kinds of bad experience, as bits of a mask (an order can have several).
LATE = 1
SHORT = 2
DEFECT = 4
DAMAGE = 8
WRONG_ITEM = 16
SLOW_SERVICE = 32

REASONS = {
    LATE: "late",
    SHORT: "short",
    DEFECT: "defect",
    DAMAGE: "damage",
    WRONG_ITEM: "wrong_item",
    SLOW_SERVICE: "slow_service",
}
NO_REASON = "none"


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """Points of experience score each kind of bad experience costs (see the scenario reference)."""

    late_per_day: float
    notice_softening: float
    short: float
    defect: float
    damage: float
    wrong_item: float
    complaint_wait_per_hour: float
    substitute: float = 0.0


@dataclass(frozen=True, slots=True)
class Loyalty:
    """The logistic stay-probability curve: threshold, steepness and its two plateaus."""

    threshold: float
    steepness: float
    min_stay: float
    max_stay: float


def experience(
    sens: Sensitivity,
    days_late: float,
    notified: bool,
    short_share: float,
    defective: bool,
    damaged: bool,
    wrong_item: bool,
) -> tuple[float, int]:
    """Experience score of one order and the mask of what went wrong.

    score = 1 - late_per_day x days late x (1 - notice_softening if notified)
              - short x share of units missing - defect - damage - wrong_item   (clipped to [0, 1])
    """
    penalty = 0.0
    mask = 0
    if days_late > 0:
        softening = sens.notice_softening if notified else 0.0
        penalty += sens.late_per_day * days_late * (1.0 - softening)
        mask |= LATE
    if short_share > 0:
        penalty += sens.short * short_share
        mask |= SHORT
    if defective:
        penalty += sens.defect
        mask |= DEFECT
    if damaged:
        penalty += sens.damage
        mask |= DAMAGE
    if wrong_item:
        penalty += sens.wrong_item
        mask |= WRONG_ITEM
    return min(1.0, max(0.0, 1.0 - penalty)), mask


def substituted(score: float, sens: Sensitivity) -> float:
    """The experience score of an order served with a substitute: ``substitute`` points less.

    The customer agreed to the substitute, so it is no complaint and no churn reason; it only
    costs experience (clipped at 0), like any other service event.
    """
    return max(0.0, score - sens.substitute)


def update_satisfaction(satisfaction: float, score: float, memory: float) -> float:
    """Exponential smoothing: s <- (1 - memory) s + memory x score.

    After n orders with the same score e, s_n = e + (1 - memory)^n (s_0 - e): satisfaction
    converges to the experience score geometrically.
    """
    return (1.0 - memory) * satisfaction + memory * score


def stay_probability(satisfaction: float, loyalty: Loyalty) -> float:
    """Probability of ordering again: a logistic curve between min_stay and max_stay."""
    x = -loyalty.steepness * (satisfaction - loyalty.threshold)
    rise = 1.0 / (1.0 + math.exp(x)) if x < 700 else 0.0
    return loyalty.min_stay + (loyalty.max_stay - loyalty.min_stay) * rise


def survey_answer(satisfaction: float, noise: float) -> int:
    """Likelihood to recommend, 0-10: 10 x satisfaction plus noise, rounded and clipped."""
    return int(min(10, max(0, round(10.0 * satisfaction + noise))))


def nps(promoters: int, detractors: int, answers: int) -> float | None:
    """Net promoter score: % answers 9-10 minus % answers 0-6, in -100..100."""
    return 100.0 * (promoters - detractors) / answers if answers else None


def reasons(mask: int) -> list[str]:
    """Names of the bad experiences in ``mask`` (``["none"]`` when there were none)."""
    names = [name for bit, name in REASONS.items() if mask & bit]
    return names or [NO_REASON]
