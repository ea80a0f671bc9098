"""Formatting rules of simulator.report.numbers: digits from the half-width, %, pp, verdicts."""

import pytest

from simulator.report import numbers


@pytest.mark.parametrize(
    ("half", "places"),
    [(0.34, 2), (3.4, 1), (34, 0), (9276.65, 0), (0.0004, 5), (0.0012, 4), (1.0, 1), (0, 0)],
)
def test_decimals_show_two_significant_digits_of_the_half_width(half, places):
    assert numbers.decimals(half) == places


def test_a_rate_and_its_half_width_are_in_percent_to_the_same_place():
    assert numbers.mean_pm("fill_rate", 0.9576, 0.0034) == "95.76% ± 0.34%"
    # the "0.959 ± 0.000": now the digits the interval supports
    assert numbers.mean_pm("fill_rate", 0.95912, 0.00004) == "95.9120% ± 0.0040%"
    assert numbers.mean_pm("fill_rate", 0.9, 0.031) == "90.0% ± 3.1%"


def test_money_and_amounts_to_the_half_widths_place():
    assert numbers.mean_pm("profit", 1099140.07, 9276.65) == "1,099,140 ± 9,277"
    assert numbers.mean_pm("backorders_mean", 0.123456, 0.0123) == "0.123 ± 0.012"
    assert numbers.mean_pm("orders", 1200, None) == "1,200"
    assert numbers.mean_pm("orders", 1200, 0.0) == "1,200 ± 0"
    assert numbers.mean_pm("profit", None, 3.0) == numbers.MISSING


def test_a_rate_difference_is_in_percentage_points_with_its_interval():
    assert numbers.difference("fill_rate", 0.0418, 0.0385, 0.0452) == "+4.18 pp [+3.85, +4.52]"
    # the "+0.0004817 [+5.189e-05, +0.0009115]" for a rate
    assert numbers.difference("fill_rate", 0.0004817, 5.189e-05, 0.0009115) == (
        "+0.048 pp [+0.005, +0.091]"
    )
    assert numbers.difference("profit", -74281.28, -83075.06, -65487.51) == (
        "-74,281 [-83,075, -65,488]"
    )
    assert numbers.difference("orders", 0, None, None) == "+0"


def test_a_difference_that_is_not_significant_is_never_called_no_difference():
    assert numbers.significance(False, "not significant") == "not significant"
    assert numbers.significance(True, "better") == "yes, better"
    assert numbers.significance(True, "different") == "yes"
    assert numbers.significance(None, "") == numbers.MISSING


def test_money_carries_the_scenarios_currency():
    assert numbers.fmt("profit", 1234.5, "EUR") == "1,234.50 EUR"
    assert numbers.fmt("profit", 1234.5) == "1,234.50"
    assert numbers.fmt("fill_rate", 0.5, "EUR") == "50.00%"
