"""How much a scenario asks of the machine: events to simulate, customers to remember, stock.

The estimate is read from the scenario before anything runs, so that a mistyped number (a
horizon of 1e9 days, a billion customers, a review every 1e-9 days) is refused at the door with
its size and the limit, instead of a run that never ends or fills memory. It counts what drives
the simulation's events: customer orders (customers x orders per customer per day x days, with
the worst case of word of mouth), periodic reviews (days / review period), daily updates
(forecasts, plans, word of mouth) and random outages (days / mean cycle). Every other event
(shipments, deliveries, complaints, returns) follows from these, a few per order. Stock targets
are those of the policies as the model resolves them (service levels, EOQ), so they are checked
here, where the model's rules are known, rather than with the scenario's fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from simulator.config.customers import Segment
from simulator.config.demand import Profile
from simulator.config.errors import ConfigError, Problem
from simulator.config.limits import DEFAULT_MAX_CUSTOMERS, DEFAULT_MAX_EVENTS, MAX_STOCK_UNITS
from simulator.config.replenishment import VmiPolicy
from simulator.config.scenario import Scenario
from simulator.config.suppliers import RandomDisruption
from simulator.config.warehouse import Warehouse
from simulator.resolve import resolve_rules


def _size(n: float) -> str:
    """A count for a message: ``12,345,678`` or, when astronomical, ``3.2e+15``."""
    if not math.isfinite(n):
        return "1e300+"
    return f"{n:,.0f}" if n < 1e15 else f"{n:.2g}"


def _num(x: float) -> str:
    """A parameter for a message: ``0.02``, ``1,000,000,000``, ``1e-6``."""
    return f"{x:,.10g}".replace("e-0", "e-").replace("e+", "e")


def most_customers(seg: Segment, days: float) -> float:
    """The most customers a segment can hold within ``days``: its count, plus word of mouth.

    New customers arrive at ``base_per_day + per_promoter x promoters`` a day; the worst case has
    every customer a promoter (and no one leaving), so N(t) grows as dN/dt = b + p N.
    """
    if not seg.behaves:
        return float(seg.count)
    acq = seg.behaviour.acquisition
    b, p = acq.base_per_day, acq.per_promoter
    if p == 0:
        return seg.count + b * days
    growth = p * days
    if growth > 700:  # exp would overflow: far beyond any limit anyway
        return math.inf
    return (seg.count + b / p) * math.exp(growth) - b / p


@dataclass(frozen=True)
class Part:
    """One source of events: where in the scenario it comes from, how many, and why."""

    path: str
    events: float
    why: str


def stocking_points(sc: Scenario) -> list[tuple[str, Warehouse]]:
    """The scenario's stocking points with their field paths: the warehouse, or each site."""
    if sc.warehouse is not None:
        return [("warehouse", sc.warehouse)]
    return [(f"sites.{site.id}", site) for site in sc.sites]


def _peak(profile: Profile | None, days: float) -> float:
    """The largest multiplier a rate profile reaches over ``days`` (1 without a profile)."""
    if profile is None:
        return 1.0
    peak = max(profile.weekly or [1.0]) * max(profile.yearly or [1.0])
    return peak * max(1.0, 1.0 + profile.trend_per_year * days / 365.0)


def _segment_part(where: str, seg: Segment, days: float) -> Part:
    """The orders of one segment over ``days`` days, at most."""
    if seg.history is not None:
        most = max(seg.history.days, default=0)  # at most one order per unit of a day's demand
        return Part(where, most * days, f"up to {most:,} orders a day x {_num(days)} days")
    customers = most_customers(seg, days)
    rate = seg.orders_per_customer_per_day * _peak(seg.profile, days)
    grown = "at most " if customers > seg.count else ""
    return Part(
        where,
        customers * rate * days + (customers - seg.count),
        f"{grown}{_size(customers)} customers x {_num(rate)} orders per customer per day x "
        f"{_num(days)} days",
    )


def parts(sc: Scenario, days: float | None = None) -> list[Part]:
    """Every source of events in one run of ``sc`` (``days``: another horizon after warm-up)."""
    total_days = sc.warmup_days + (sc.horizon_days if days is None else days)
    out = []
    for i, seg in enumerate(sc.customers.segments):
        out.append(_segment_part(f"customers.segments.{i}", seg, total_days))
    for where, point in stocking_points(sc):
        for pid, policy in point.policies.items():
            review = policy.review_days
            if review is not None:
                who = "the supplier's reviews" if isinstance(policy, VmiPolicy) else "reviews"
                out.append(
                    Part(
                        f"{where}.policies.{pid}.review_days",
                        total_days / review,
                        f"{who} every {_num(review)} days over {_num(total_days)} days",
                    )
                )
    for i, sup in enumerate(sc.suppliers):
        for j, d in enumerate(sup.disruptions):
            if isinstance(d, RandomDisruption) and d.duration_days.mean > 0:
                cycle = d.time_between_days.mean + d.duration_days.mean
                out.append(
                    Part(
                        f"suppliers.{i}.disruptions.{j}",
                        total_days / cycle,
                        f"an outage every {_num(cycle)} days on average over "
                        f"{_num(total_days)} days",
                    )
                )
    daily = sum(len(point.policies) for _, point in stocking_points(sc))
    daily += len(sc.customers.segments)
    daily += sum(len(s.products) for s in sc.suppliers if s.production is not None)
    out.append(
        Part("horizon_days", daily * total_days, f"{daily} daily updates x {_num(total_days)} days")
    )
    return out


def events(sc: Scenario, days: float | None = None) -> float:
    """The estimated events of one run of ``sc`` (see :func:`parts`)."""
    return sum(part.events for part in parts(sc, days))


def check_work(
    file: str,
    scenarios: Iterable[Scenario],
    runs_each: int = 1,
    max_events: float = DEFAULT_MAX_EVENTS,
    max_customers: float = DEFAULT_MAX_CUSTOMERS,
    days: float | None = None,
) -> None:
    """Refuse work above the limits, naming its size, its largest source and the limit.

    Args:
        file: the file to name in the message.
        scenarios: every scenario to run (an experiment's design points).
        runs_each: runs of each scenario (an experiment's replications).
        max_events: the most events all runs together may simulate (``--max-events``).
        max_customers: the most customers with behaviour one run may hold (``--max-customers``).
        days: another horizon after warm-up (``run --days``).

    Raises:
        ConfigError: with one problem per limit exceeded.
    """
    scenarios = list(scenarios)
    problems = [p for sc in scenarios for p in _stock_problems(file, sc)]
    problems += [p for sc in scenarios for p in _customer_problems(file, sc, max_customers, days)]
    runs = [parts(sc, days) for sc in scenarios]
    total = runs_each * sum(p.events for found in runs for p in found)
    if total > max_events:
        top = max((p for found in runs for p in found), key=lambda p: p.events)
        n = len(runs) * runs_each
        times = f" in each of {n:,} runs" if n > 1 else ""
        problems.append(
            Problem(
                file,
                top.path,
                f"about {_size(total)} events (orders, reviews, daily updates) to simulate, "
                f"above the limit of {max_events:,.0f}: the largest part is "
                f"{_size(top.events)} from {top.why}{times}; make it smaller, or raise the "
                "limit with --max-events N (see docs/limits.md)",
            )
        )
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))


def _customer_problems(
    file: str, sc: Scenario, max_customers: float, days: float | None
) -> list[Problem]:
    """Customers with behaviour beyond ``max_customers`` in one run of ``sc``."""
    total_days = sc.warmup_days + (sc.horizon_days if days is None else days)
    segments = enumerate(sc.customers.segments)
    held = [(i, seg, most_customers(seg, total_days)) for i, seg in segments if seg.behaves]
    total = sum(n for _, _, n in held)
    if total <= max_customers:
        return []
    i, seg, n = max(held, key=lambda item: item[2])
    if seg.count >= n - seg.count:
        path, why = f"customers.segments.{i}.count", f"{seg.count:,} at the start"
    else:
        path = f"customers.segments.{i}.behaviour.acquisition"
        why = (
            f"{seg.count:,} at the start, and word of mouth over {_num(total_days)} days if "
            "every customer were a promoter"
        )
    return [
        Problem(
            file,
            path,
            f"up to {_size(total)} customers with behaviour ({why}), above the limit of "
            f"{max_customers:,.0f} remembered one by one; use behaviour: none for a plain "
            "Poisson stream of any size, or raise the limit with --max-customers N (see "
            "docs/limits.md)",
        )
    ]


def _stock_problems(file: str, sc: Scenario) -> list[Problem]:
    """Initial stocks and policy targets above ``MAX_STOCK_UNITS``."""
    problems = []
    limit = f"above the limit of {MAX_STOCK_UNITS:,} units per product (see docs/limits.md)"
    for where, point in stocking_points(sc):
        for pid, units in point.initial_stock.items():
            if units > MAX_STOCK_UNITS:
                problems.append(
                    Problem(file, f"{where}.initial_stock.{pid}", f"{units:,} units is {limit}")
                )
    if sc.warehouse is None:
        return problems  # a network's targets are resolved per site by its build
    for pid, rule in resolve_rules(sc).items():
        if rule.target > MAX_STOCK_UNITS:
            problems.append(
                Problem(
                    file,
                    f"warehouse.policies.{pid}",
                    f"the policy aims at {rule.target:,} units in stock, {limit}",
                )
            )
    return problems
