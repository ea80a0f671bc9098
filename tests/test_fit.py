"""Fitting distributions to a history: known parameters recovered, the shipped history's weekly
profile recovered, and bad input refused with the file, row and column named (exit 2)."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.fit import MIN_ROWS, fit_file, rank
from simulator.fit.families import FAMILIES, Sample, fit

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "data" / "demand_history.csv"


def make_history():
    spec = importlib.util.spec_from_file_location(
        "make_history", HISTORY.with_name("make_history.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Samples from known distributions, fixed seeds; the truth in the scenario's own parameters.
KNOWN = [
    ("gamma", lambda g: g.gamma(4.0, 1.0, 1000), {"mean": 4.0, "sd": 2.0}),
    (
        "lognormal",
        lambda g: g.lognormal(1.0, 0.5, 1000),
        {"mean": np.exp(1.125), "sd": np.sqrt((np.exp(0.25) - 1) * np.exp(2.25))},
    ),
    ("normal", lambda g: g.normal(20.0, 3.0, 1000), {"mean": 20.0, "sd": 3.0}),
    ("poisson", lambda g: g.poisson(6.0, 1000), {"mean": 6.0}),
    ("geometric", lambda g: g.geometric(1 / 3, 1000), {"mean": 3.0}),
    (
        "negative_binomial",
        lambda g: g.negative_binomial(3, 3 / 8, 1000),
        {"mean": 5.0, "sd": np.sqrt(5 + 25 / 3)},
    ),
]


@pytest.mark.parametrize(("family", "draw", "truth"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_family_ranks_first_and_intervals_cover_truth(family, draw, truth):
    """1000 draws of a known distribution: the right family first, the truth in its intervals.

    "First" means first among the parametric families, and at worst second overall: the
    empirical distribution, with one parameter per distinct value, wins when the sample happens
    to wander from its family by more than its 20-odd extra parameters cost. Both claims are
    probabilistic, so the seeds are fixed (one stream per family: numpy's gamma, normal and
    lognormal share normal draws). Over 20 other seeds per family the right family ranked first
    overall 17 to 20 times, and every 95% interval covered the truth 18 to 20 times
    (test_wald_intervals_cover_at_their_level checks the coverage itself).
    """
    index = [k[0] for k in KNOWN].index(family)
    ranking = rank(draw(np.random.default_rng([2024, index])))
    names = [c.name for c in ranking.candidates]
    assert family in names[:2], names
    best = next(c for c in ranking.candidates if c.name != "empirical")
    assert best.name == family, names
    for name, value in truth.items():
        low, high = best.ci[name]
        assert low <= value <= high, f"{family} {name}: {value} not in [{low}, {high}]"
        assert high - low < 0.2 * value, f"{family} {name}: interval too wide to mean anything"
    assert best.p_value is not None and best.p_value > 0.01


def test_wald_intervals_cover_at_their_level():
    """Over 100 samples, the 95% intervals of gamma's mean and sd cover the truth about 95% of the
    time (binomial 99% range for 200 intervals: 181 to 197)."""
    gamma = FAMILIES["gamma"]
    covered = 0
    for seed in range(100):
        est = fit(gamma, Sample.of(np.random.default_rng([99, seed]).gamma(4.0, 1.0, 300)))
        covered += sum(
            lo <= v <= hi for v, (lo, hi) in zip((4.0, 2.0), est.ci.values(), strict=True)
        )
    assert 181 <= covered <= 197


def test_wrong_family_is_rejected_by_the_goodness_of_fit_test():
    ranking = rank(np.random.default_rng(7).negative_binomial(3, 3 / 8, 1000))
    poisson = next(c for c in ranking.candidates if c.name == "poisson")
    assert poisson.p_value < 1e-6


def test_shipped_history_is_what_its_script_writes():
    assert HISTORY.read_text() == make_history().history()
    assert HISTORY.stat().st_size < 200_000


def test_shipped_history_weekly_profile_recovered():
    (demand,) = fit_file(HISTORY, ["demand"])
    profile = demand.series.profile("weekday")
    truth = make_history().WEEKLY
    assert list(profile) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    for (day, measured), expected in zip(profile.items(), truth, strict=True):
        assert measured == pytest.approx(expected, abs=0.06), day
    months = demand.series.profile("month")
    assert months["Jun"] > 1.15 > 0.85 > months["Dec"]  # the yearly wave: summer peak, winter dip


def test_shipped_history_lead_times_are_gamma_like(capsys):
    assert main(["fit", str(HISTORY), "--column", "lead_time_days"]) == 0
    out = capsys.readouterr().out
    assert "lead_time_days: {dist:" in out
    (lead,) = fit_file(HISTORY, ["lead_time_days"])
    gamma = next(c for c in lead.ranking.candidates if c.name == "gamma")
    assert gamma.ci["mean"][0] <= 6.0 <= gamma.ci["mean"][1]
    assert gamma.aic - lead.ranking.best.aic < 2  # gamma is the truth, or within 2 AIC of it


def test_fit_cli_prints_ranking_snippet_and_writes_outputs(capsys, tmp_path):
    assert main(["fit", str(HISTORY), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for word in ("negative_binomial", "AIC", "BIC", "chi-square", "weekday profile", "segments:"):
        assert word in out
    doc = json.loads((tmp_path / "fit.json").read_text())
    assert [c["column"] for c in doc["columns"]] == ["demand", "lead_time_days"]
    assert doc["columns"][0]["weekday_profile"]["Fri"] > 1.1
    assert (tmp_path / "fit-demand.png").stat().st_size > 10_000
    assert (tmp_path / "fit-lead_time_days.png").stat().st_size > 10_000


def test_demand_snippet_matches_mean_and_variance():
    (demand,) = fit_file(HISTORY, ["demand"])
    (segment,) = demand.snippet.mapping["segments"]
    rate, q = segment["orders_per_customer_per_day"], segment["quantity"]["mean"]
    assert rate * q == pytest.approx(demand.ranking.mean, rel=1e-3)
    assert rate * (2 * q * q - q) == pytest.approx(demand.ranking.sd**2, rel=1e-3)


def test_excel_sheet_and_order_level_rows(tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Orders"
    sheet.append(["order_date", "units"])
    rng = np.random.default_rng(3)
    for day in range(60):
        for _ in range(2):
            sheet.append([f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}", int(rng.poisson(4))])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    (fit,) = fit_file(path, ["units"], sheet="Orders")
    assert fit.series.kind == "demand" and len(fit.series.values) == 60  # summed per date
    assert main(["fit", str(path), "--sheet", "Missing"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "sheet 'Missing' not found (sheets: Orders)" in err


def write(tmp_path, text, name="h.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def refused(capsys, *argv):
    assert main(["fit", *argv]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    return captured.err.strip()


def rows(n, value=lambda i: i % 7):
    return "".join(f"2024-01-{1 + i % 28:02d},{value(i)}\n" for i in range(n))


def test_refuses_empty_file(tmp_path, capsys):
    path = write(tmp_path, "")
    assert refused(capsys, path) == f"{path}: empty file (expected a header row and data rows)"


def test_refuses_missing_file(capsys):
    assert "no such file" in refused(capsys, "nowhere.csv")


def test_refuses_missing_column_with_suggestion(tmp_path, capsys):
    path = write(tmp_path, "date,demand\n" + rows(30))
    err = refused(capsys, path, "--column", "demnad")
    assert (
        err == f"{path}: column 'demnad' not found (columns: date, demand); did you mean 'demand'?"
    )


def test_refuses_text_in_numeric_column(tmp_path, capsys):
    path = write(tmp_path, "date,demand\n" + rows(30, lambda i: "twelve" if i == 9 else i % 7))
    err = refused(capsys, path, "--column", "demand")
    assert err == f"{path}: line 11, column 'demand': 'twelve' is not a number"
    # also found when the column is chosen automatically (mostly numbers)
    assert refused(capsys, path) == err


def test_refuses_negative_lead_time(tmp_path, capsys):
    path = write(tmp_path, "date,lead_time_days\n" + rows(30, lambda i: -2 if i == 4 else 5))
    err = refused(capsys, path)
    assert err == (
        f"{path}: line 6, column 'lead_time_days': -2 is negative: a lead time cannot be negative"
    )


def test_refuses_too_few_rows(tmp_path, capsys):
    path = write(tmp_path, "demand\n" + "".join(f"{i}\n" for i in range(5)))
    err = refused(capsys, path)
    assert f"5 values, too few to fit a distribution (need at least {MIN_ROWS}" in err
    assert err.startswith(f"{path}: column 'demand'")


def test_refuses_bad_date(tmp_path, capsys):
    path = write(tmp_path, "date,demand\n" + rows(25) + "someday,4\n")
    err = refused(capsys, path)
    assert (
        err
        == f"{path}: line 27, column 'date': 'someday' is not a date (write dates as YYYY-MM-DD)"
    )
