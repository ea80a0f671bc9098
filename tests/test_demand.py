"""Demand over time: rate profiles sampled exactly, histories replayed and bootstrapped,
Holt-Winters, forecast accuracy, and the refusals of bad input (docs/demand.md)."""

from __future__ import annotations

import copy
import math
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from simulator import parse_scenario, simulate
from simulator.build import build
from simulator.cli import main
from simulator.forecast import Forecaster, ForecastSpec
from simulator.profile import RateProfile
from simulator.rng import Streams
from simulator.series import ForecastErrors

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "scenarios" / "data" / "demand_history.csv"
WEEKLY = [1.1, 1.05, 1.0, 1.0, 1.2, 0.9, 0.75]
MONTHLY = [0.7, 0.8, 0.9, 1.2, 1.25, 1.3, 1.25, 1.1, 1.05, 0.9, 0.8, 0.75]
START = date(2025, 1, 6)  # a Monday


def scenario(segment: dict, policy: dict | None = None, days: float = 730, warmup: float = 0):
    """A one-product scenario with an ideal chain and the given segment (plain data)."""
    seg = {"id": "all", "count": 1, "product_mix": {"item": 1.0}, "promised_days": 0}
    seg.update(segment)
    return {
        "name": "demand",
        "horizon_days": days,
        "warmup_days": warmup,
        "products": [{"id": "item", "unit_cost": 10, "price": 15}],
        "suppliers": [{"id": "vendor", "products": ["item"], "lead_time_days": 2}],
        "warehouse": {
            "holding_cost_per_unit_day": 0.01,
            "policies": {"item": policy or {"type": "base_stock", "level": 60}},
        },
        "customers": {"segments": [seg]},
    }


def parse(data: dict):
    return parse_scenario(data, str(ROOT / "scenarios" / "demand.yaml"))


def placed(result) -> list[tuple[float, int]]:
    """(time, units) of every customer order placed."""
    return [(row[0], row[4]) for row in result.trace if row[1] == "order_placed"]


# --- the profile's integral and its inverse -------------------------------------------------------


def test_integral_of_a_profile_is_the_sum_of_its_pieces():
    """M(t) against a direct numerical sum, across day breakpoints and with a trend."""
    p = RateProfile.calendar(START, 400, WEEKLY, MONTHLY, trend_per_year=0.4)
    grid = np.linspace(0, 400, 400 * 200 + 1)
    mid = (grid[:-1] + grid[1:]) / 2
    rates = np.array([p.rate(t) for t in mid])
    numeric = np.concatenate([[0], np.cumsum(rates * np.diff(grid))])
    for t in (0.3, 1.0, 6.5, 31.2, 200.7, 399.9):
        i = round(t * 200)
        assert p.integral(grid[i]) == pytest.approx(numeric[i], rel=1e-6)
    for u in (0.01, 5.0, 123.4, 300.0):
        assert p.integral(p.inverse(u)) == pytest.approx(u, rel=1e-12)


def test_a_falling_trend_stops_demand_at_zero():
    p = RateProfile([1.0] * 1000, trend_per_year=-1.0)  # the rate reaches 0 on day 365
    assert p.rate(364.5) == pytest.approx(0.5 / 365)
    assert p.rate(400) == 0.0
    assert p.integral(500) == pytest.approx(365 / 2)
    assert p.inverse(365 / 2 + 1e-6) == math.inf


def test_inversion_gives_the_expected_count_over_any_interval():
    """Arrivals M⁻¹(E₁ + ... + E_k) of a unit-rate stream: the count in (a, b) is Poisson with mean
    λ (M(b) - M(a)), checked on intervals inside one day, across day and month boundaries, and
    with a trend, to 4 standard deviations."""
    lam, days, reps = 5.0, 120, 200
    p = RateProfile.calendar(START, days + 1, WEEKLY, MONTHLY, trend_per_year=-0.8)
    rng = np.random.default_rng(7)
    intervals = [(0.2, 0.7), (4.5, 6.25), (23.9, 27.1), (29.5, 33.5), (50.0, 120.0)]
    counts = Counter()
    for _ in range(reps):
        clock = np.cumsum(rng.exponential(1 / lam, size=int(lam * days * 1.6)))
        times = np.array([p.inverse(u) for u in clock])
        assert times[-1] > days  # the draws covered the whole span
        for a, b in intervals:
            counts[(a, b)] += int(np.count_nonzero((times > a) & (times <= b)))
    for a, b in intervals:
        expected = reps * lam * (p.integral(b) - p.integral(a))
        assert abs(counts[(a, b)] - expected) <= 4 * math.sqrt(expected), (a, b)


# --- the simulated stream -------------------------------------------------------------------------


def _weekday_month_counts(data: dict, reps: int) -> tuple[Counter, Counter, RateProfile]:
    sc = parse(data)
    weekday, month = Counter(), Counter()
    for r in range(reps):
        for t, _ in placed(simulate(sc, replication=r, trace=True)):
            d = START + timedelta(days=math.floor(t))
            weekday[d.weekday()] += 1
            month[d.month] += 1
    days = math.ceil(sc.horizon_days)
    p = RateProfile.calendar(START, days + 1, WEEKLY, MONTHLY, 0.2)
    return weekday, month, p


def _expected(p: RateProfile, days: int, key) -> Counter:
    out = Counter()
    for d in range(days):
        out[key(START + timedelta(days=d))] += p.integral(d + 1) - p.integral(d)
    return out


PROFILE = {"start_date": START.isoformat(), "weekly": WEEKLY, "yearly": MONTHLY,
           "trend_per_year": 0.2}  # fmt: skip


@pytest.mark.analytic
@pytest.mark.parametrize("behaviour", ["none", "loyal"])
def test_orders_per_weekday_and_month_follow_the_profile(behaviour):
    """Simulated orders per weekday and per calendar month against λ ∫ m over those days (a
    Poisson count, so within 4 standard deviations). Customers who remember but never leave
    (stay probability 1) order at count x rate x m(t) as well, through the redraw-on-change path."""
    seg = {"orders_per_customer_per_day": 10.0, "profile": PROFILE}
    if behaviour == "loyal":
        seg.update(count=10, orders_per_customer_per_day=1.0)
        seg["behaviour"] = {"loyalty": {"min_stay": 1.0, "max_stay": 1.0}, "survey_rate": 0}
    reps, days = 3, 730
    weekday, month, p = _weekday_month_counts(scenario(seg, days=days), reps)
    for counts, key in ((weekday, lambda d: d.weekday()), (month, lambda d: d.month)):
        expected = _expected(p, days, key)
        for k, mean in expected.items():
            mean *= 10.0 * reps
            assert abs(counts[k] - mean) <= 4 * math.sqrt(mean), (k, counts[k], mean)


def test_a_flat_profile_changes_nothing():
    """Multipliers of 1 lay the same draws on the same clock: the very same orders."""
    base = scenario({"orders_per_customer_per_day": 3.0}, days=60)
    flat = copy.deepcopy(base)
    flat["customers"]["segments"][0]["profile"] = {"start_date": "2025-01-01", "weekly": [1] * 7}
    a = placed(simulate(parse(base), trace=True))
    b = placed(simulate(parse(flat), trace=True))
    assert len(a) > 100
    assert [u for _, u in a] == [u for _, u in b]
    assert np.allclose([t for t, _ in a], [t for t, _ in b], rtol=0, atol=1e-9)


# --- history ----------------------------------------------------------------------------------


def _history_values() -> list[int]:
    return [int(line.split(",")[1]) for line in HISTORY.read_text().splitlines()[1:]]


def test_replay_reproduces_the_daily_totals_exactly():
    """behaviour: none, orders of geometric size: every day's units are the file's, twice over
    (the run is longer than the file, so it starts again from the top)."""
    history = {"file": "data/demand_history.csv", "column": "demand"}
    data = scenario({"history": history, "quantity": {"dist": "geometric", "mean": 1.6}}, days=800)
    result = simulate(parse(data), trace=True)
    totals = Counter()
    for t, units in placed(result):
        totals[math.floor(t)] += units
    values = _history_values()
    assert [totals[d] for d in range(800)] == [values[d % len(values)] for d in range(800)]
    assert result.kpis["units_demanded"] == sum(values[d % len(values)] for d in range(800))


def _days(data: dict, replication: int) -> tuple[int, ...]:
    return build(parse(data), Streams(1, replication)).segments[0].days


def test_block_bootstrap_keeps_common_random_numbers():
    """The same replication draws the same days in two variants (another policy, another
    quantity distribution); another replication draws other days; every block is a run of
    consecutive rows."""
    history = {"file": "data/demand_history.csv", "column": "demand", "mode": "block_bootstrap",
               "block_days": 7}  # fmt: skip
    a = scenario({"history": history}, days=365)
    b = scenario({"history": history, "quantity": 2}, {"type": "base_stock", "level": 90}, 365)
    assert _days(a, 0) == _days(b, 0)
    assert _days(a, 0) != _days(a, 1)
    values = _history_values()
    n = len(values)
    days = _days(a, 3)
    assert len(days) == 365
    for start in range(0, 365, 7):
        block = list(days[start : start + 7])
        assert any([values[(i + k) % n] for k in range(len(block))] == block for i in range(n)), (
            start
        )


# --- Holt-Winters and forecast accuracy -------------------------------------------------------


def test_holt_winters_recovers_a_trend_and_a_season():
    """y = 20 + 0.05 t + s(t mod 7) + noise: level, trend and seasonal terms come back, and the
    one-day-ahead forecast beats a moving average that cannot see the week."""
    season = np.array([3.0, 1.0, 0.0, -1.0, 2.0, -2.0, -3.0])
    rng = np.random.default_rng(3)
    hw = Forecaster(ForecastSpec(alpha=0.1, beta=0.01, gamma=0.1, season_days=7), prior=20.0)
    ma = Forecaster(ForecastSpec(window=7), prior=20.0)
    errors = {"hw": [], "ma": []}
    days = 1400
    for t in range(days):
        y = 20 + 0.05 * t + season[t % 7] + rng.normal(0, 0.5)
        if t >= days - 350:
            errors["hw"].append(hw.ahead - y)
            errors["ma"].append(ma.ahead - y)
        hw.update(y)
        ma.update(y)
    assert hw.trend == pytest.approx(0.05, abs=0.005)
    offsets = np.array([hw.season[(days + k) % 7] for k in range(7)])
    truth = season[[(days + k) % 7 for k in range(7)]]
    assert np.allclose(offsets - offsets.mean(), truth - truth.mean(), atol=0.3)
    assert hw.ahead == pytest.approx(20 + 0.05 * days + season[days % 7], abs=1.0)
    assert np.sqrt(np.mean(np.square(errors["hw"]))) < 0.7  # about the noise's 0.5
    assert np.sqrt(np.mean(np.square(errors["ma"]))) > 1.5


def test_holt_winters_plans_with_the_mean_over_its_horizon():
    """A policy covering h days plans with the mean of the 1..h-day forecasts."""
    f = Forecaster(ForecastSpec(alpha=0.5, beta=0.5, gamma=0.5, season_days=3), 10.0, 4)
    for y in (12.0, 7.0, 11.0, 13.0):
        f.update(y)
    i = 4 % 3  # the season index of the next day (day 4)
    ahead = [f.level + k * f.trend + f.season[(i + k - 1) % 3] for k in range(1, 5)]
    assert f.ahead == pytest.approx(ahead[0])
    assert f.value == pytest.approx(sum(ahead) / 4)


def test_forecast_errors_count_measured_days_only():
    e = ForecastErrors(first=2, end=6)
    for day, (f, a) in enumerate([(9, 1), (9, 1), (12, 10), (8, 10), (5, 0), (3, 4), (1, 1)]):
        e.observe(day, f, a)
    assert e.days == 4  # days 2..5: 0 and 1 are warm-up, day 6 ends after the run
    assert e.error == pytest.approx(2 - 2 + 5 - 1)
    assert e.ape / e.ape_days == pytest.approx((0.2 + 0.2 + 0.25) / 3)


def _accuracy(values: list[int], forecast: dict, warmup: float, days: float, tmp_path: Path):
    file = tmp_path / "h.csv"
    file.write_text("demand\n" + "\n".join(map(str, values)) + "\n")
    policy = {"type": "periodic", "review_days": 1, "forecast": forecast, "safety_stock": 5}
    data = scenario({"history": {"file": str(file), "column": "demand"}}, policy, days, warmup)
    return simulate(parse(data)).document


def test_mape_and_bias_of_a_constant_demand_are_zero(tmp_path):
    doc = _accuracy([10] * 30, {"moving_average": {"window": 7}}, 5, 25, tmp_path)
    row = doc["by_product"]["item"]
    assert row["forecast_mape"] == 0.0 and row["forecast_bias"] == 0.0
    assert doc["kpis"]["forecast_mape"] == 0.0


def test_mape_and_bias_are_what_arithmetic_says(tmp_path):
    """Demand 10, 20, 10, 20 ... and a one-day moving average (tomorrow = today): on a day of 10
    the forecast is 20 (error 100%), on a day of 20 it is 10 (error 50%): MAPE 75%, and over an
    even number of days the errors +10 and -10 cancel: bias 0. A constant demand of 10 forecast
    by smoothing from the prior 10 is exact, and a forecast of 20 for a demand of 10 has bias
    +100%."""
    doc = _accuracy([10, 20] * 20, {"moving_average": {"window": 1}}, 2, 30, tmp_path)
    assert doc["by_product"]["item"]["forecast_mape"] == pytest.approx(0.75)
    assert doc["by_product"]["item"]["forecast_bias"] == pytest.approx(0.0, abs=1e-12)
    e = ForecastErrors(0, 10)
    f = Forecaster(ForecastSpec(alpha=0.5), prior=20.0, on_observe=e.observe)
    f.update(10.0)
    assert e.error / e.actual == pytest.approx(1.0)


def test_a_policy_without_a_forecast_has_no_accuracy():
    doc = simulate(parse(scenario({"orders_per_customer_per_day": 2.0}, days=20))).document
    assert doc["by_product"]["item"]["forecast_mape"] is None
    assert doc["kpis"]["forecast_bias"] is None


# --- bad input --------------------------------------------------------------------------------


def _validate(tmp_path: Path, capsys, segment: dict) -> tuple[int, str]:
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario(segment)))
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _with_file(tmp_path: Path, text: str, column: str = "demand") -> dict:
    (tmp_path / "h.csv").write_text(text)
    return {"history": {"file": "h.csv", "column": column}}


@pytest.mark.parametrize(
    ("text", "column", "expected"),
    [
        ("", "demand", ["h.csv", "empty file"]),
        ("date,demand\n2025-01-01,3\n", "demnad", ["h.csv", "'demnad' not found", "'demand'"]),
        ("date,demand\n2025-01-01,3\n2025-01-02,twelve\n", "demand",
         ["h.csv", "line 3", "column 'demand'", "'twelve' is not a number"]),
        ("date,demand\n2025-01-01,3\n2025-01-02,-4\n", "demand",
         ["h.csv", "line 3", "column 'demand'", "-4 is not a whole number >= 0"]),
        ("date,demand\n2025-01-01,3\n2025-01-02,\n", "demand",
         ["h.csv", "line 3", "blank cell"]),
    ],
)  # fmt: skip
def test_bad_history_files_are_refused_with_where(tmp_path, capsys, text, column, expected):
    code, out = _validate(tmp_path, capsys, _with_file(tmp_path, text, column))
    assert code == 2
    assert "customers.segments.0.history" in out
    for part in expected:
        assert part in out


@pytest.mark.parametrize(
    ("profile", "field", "message"),
    [
        ({"start_date": "2025-01-01", "weekly": [1] * 6}, "profile.weekly",
         "expected 7 multipliers (Mon..Sun), got 6"),
        ({"start_date": "2025-01-01", "yearly": [1] * 13}, "profile.yearly",
         "expected 12 multipliers (Jan..Dec), got 13"),
        ({"start_date": "2025-01-01", "weekly": {"Mon": 1, "Tue": 1}}, "profile.weekly",
         "missing Wed, Thu, Fri, Sat, Sun"),
        ({"start_date": "2025-01-01", "weekly": [1, 1, 1, 1, 1, 1, -1]}, "profile.weekly",
         "finite and >= 0"),
        ({"weekly": [1] * 7}, "profile", "needs start_date"),
    ],
)  # fmt: skip
def test_bad_profiles_are_refused_with_their_path(tmp_path, capsys, profile, field, message):
    code, out = _validate(tmp_path, capsys, {"orders_per_customer_per_day": 1, "profile": profile})
    assert code == 2
    assert f"customers.segments.0.{field}: " in out and message in out


def test_a_history_needs_behaviour_none(tmp_path, capsys):
    segment = _with_file(tmp_path, "demand\n1\n2\n") | {"behaviour": {}}
    code, out = _validate(tmp_path, capsys, segment)
    assert code == 2 and "behaviour: none" in out


def test_a_profile_pasted_from_fit_reads_as_a_mapping():
    weekly = dict(zip(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], WEEKLY, strict=True))
    seg = {"orders_per_customer_per_day": 2.0, "profile": {"start_date": "2025-01-06",
           "weekly": weekly}}  # fmt: skip
    sc = parse(scenario(seg))
    assert sc.customers.segments[0].profile.weekly == WEEKLY
