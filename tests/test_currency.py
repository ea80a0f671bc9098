"""The scenario's currency beside every amount of money: terminal tables, CSV units, HTML reports.

``currency`` is optional (default none). With it, money reads ``1,234.50 EUR`` in the run table,
``12,345 ± 678 EUR`` and ``+590 [+447, +733] EUR`` in the experiment table and every report, and
the ``unit`` column of ``summary.csv`` and ``comparison.csv`` says ``EUR``; rates and other
amounts never carry it. Without it, nothing changes but the ``unit`` column, which says
``money``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from simulator.cli import main
from simulator.report import numbers

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "scenarios" / "textbook"
POLICY = "warehouse.policies.item"


def scenario(tmp_path: Path, currency: str | None, name: str = "rq_poisson.yaml") -> Path:
    """A textbook scenario copied with ``currency`` (or without one)."""
    data = yaml.safe_load((TEXTBOOK / name).read_text())
    if currency is not None:
        data["currency"] = currency
    path = tmp_path / f"{currency or 'none'}-{name}"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


# --- numbers.py: the one place ------------------------------------------------------------------


def test_money_carries_the_currency_and_nothing_else_does():
    assert numbers.fmt("cost_total", 1234.5, "EUR") == "1,234.50 EUR"
    assert numbers.mean_pm("cost_total", 1711419.2, 10270.4, "EUR") == "1,711,419 ± 10,270 EUR"
    assert numbers.difference("cost_total", 590.2, 447.1, 733.3, "EUR") == "+590 [+447, +733] EUR"
    assert numbers.signed("profit", -622.0, "$") == "-622.00 $"
    assert numbers.text("by_product.widget.revenue", 10.0, "EUR") == "10.00 EUR"
    # a rate, an amount, a missing value: never a currency
    assert numbers.mean_pm("fill_rate", 0.9576, 0.0034, "EUR") == "95.76% ± 0.34%"
    assert numbers.difference("on_hand_mean", 1.83, 1.61, 2.05, "EUR") == "+1.83 [+1.61, +2.05]"
    assert numbers.mean_pm("cost_total", None, 3.0, "EUR") == numbers.MISSING
    assert numbers.difference("cost_total", None, None, None, "EUR") == numbers.MISSING
    # without a currency, money reads as before
    assert numbers.mean_pm("cost_total", 1711419.2, 10270.4) == "1,711,419 ± 10,270"


def test_the_unit_column_names_the_currency():
    assert numbers.unit("cost_total", "EUR") == "EUR"
    assert numbers.unit("by_product.widget.profit", "$") == "$"
    assert numbers.unit("cost_total") == "money"
    assert numbers.unit("fill_rate", "EUR") == "share"
    assert numbers.unit("on_hand_mean", "EUR") == "units"
    assert numbers.unit("warehouse.policies.item.order_quantity") == ""


# --- the experiment: terminal table, CSV, report ------------------------------------------------


def experiment(tmp_path: Path, currency: str | None) -> Path:
    data = {
        "name": "money",
        "scenario": str(scenario(tmp_path, currency)),
        "horizon_days": 60,
        "warmup_days": 10,
        "variants": {"r8": {}, "r10": {f"{POLICY}.reorder_point": 10}},
        "baseline": "r8",
        "replications": 4,
        "seed": 7,
        "kpis": ["fill_rate", "cost_total", "profit"],
    }
    path = tmp_path / f"exp-{currency or 'none'}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _line(text: str, kpi: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(kpi))


def test_the_experiment_table_csv_and_report_show_the_currency(tmp_path, capsys):
    out = tmp_path / "eur"
    assert main(["experiment", str(experiment(tmp_path, "EUR")), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    cost = _line(text, "cost_total")
    assert re.search(r"± [\d,.]+ EUR .* \[[-+][\d,.]+, [-+][\d,.]+\] EUR", cost), cost
    assert "EUR" in _line(text, "profit") and "EUR" not in _line(text, "fill_rate")
    for table in ("summary.csv", "comparison.csv"):
        units = {row["kpi"]: row["unit"] for row in rows(out / table)}
        assert units == {"fill_rate": "share", "cost_total": "EUR", "profit": "EUR"}, table
        assert (
            list(rows(out / table)[0]).index("unit") == list(rows(out / table)[0]).index("kpi") + 1
        )
    page = (out / "report.html").read_text()
    assert re.search(r"[\d,.]+ ± [\d,.]+ EUR", page)  # the means and verdict tables
    assert re.search(r"\[[-+][\d,.]+, [-+][\d,.]+\] EUR", page)  # the paired differences


def test_without_a_currency_money_has_none_and_the_unit_says_money(tmp_path, capsys):
    out = tmp_path / "none"
    assert main(["experiment", str(experiment(tmp_path, None)), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "EUR" not in text and " money" not in _line(text, "cost_total")
    units = {row["kpi"]: row["unit"] for row in rows(out / "summary.csv")}
    assert units["cost_total"] == "money" and units["fill_rate"] == "share"


# --- the run report and the optimisation report -------------------------------------------------


def test_the_run_table_and_report_show_the_currency(tmp_path, capsys):
    out = tmp_path / "run"
    path = scenario(tmp_path, "EUR")
    assert main(["run", str(path), "--out", str(out), "--set", "horizon_days=60"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"cost_total\s+[\d,.]+ EUR", table)
    assert not re.search(r"fill_rate\s+\S+ EUR", table)
    page = (out / "report.html").read_text()
    # the KPI tables (not only the headline): cost_total's value cell carries the currency
    assert re.search(r"cost_total</th>\s*<td[^>]*>[\d,.]+ EUR</td>", page), "cost_total cell"
    assert re.search(r"fill_rate</th>\s*<td[^>]*>[\d.]+%</td>", page), "fill_rate cell"


def test_the_optimisation_report_shows_the_currency(tmp_path, capsys):
    problem = {
        "name": "money",
        "scenario": str(scenario(tmp_path, "EUR", "periodic_base_stock.yaml")),
        "horizon_days": 100,
        "variables": {f"{POLICY}.level": {"kind": "integer", "low": 5, "high": 30}},
        "objectives": [{"kpi": "cost_total", "direction": "minimize"}],
        "budget": {"runs": 12},
        "replications": {"initial": 2, "add": 1, "max": 3},
        "final": {"candidates": 2, "replications": 3},
    }
    path = tmp_path / "opt.yaml"
    path.write_text(yaml.safe_dump(problem))
    out = tmp_path / "opt"
    assert main(["optimize", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    page = (out / "report.html").read_text()
    assert re.search(r"[\d,.]+ ± [\d,.]+ EUR", page)  # each finalist's cost
    assert re.search(r"\[[-+][\d,.]+, [-+][\d,.]+\] EUR", page)  # against the base
    text = capsys.readouterr().out  # the terminal summary says it too
    assert re.search(r"[\d,.]+ ± [\d,.]+ EUR", text), text
    assert re.search(r"[-+][\d,.]+ EUR \(p ", text), text
