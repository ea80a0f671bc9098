"""The ``supplysim`` command's arguments: every subcommand, its flags and their help texts.

:mod:`simulator.cli` runs the subcommand the parsed arguments name (``args.command``). Nothing
here imports more than argparse, so ``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import argparse

from simulator.version import __version__


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its flags; the chosen one is ``args.command``."""
    parser = argparse.ArgumentParser(
        prog="supplysim",
        description="Discrete-event supply chain simulator: policies, suppliers, carriers, "
        "customers.",
    )
    parser.add_argument("--version", action="version", version=f"supplysim {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    limits = argparse.ArgumentParser(add_help=False)
    limits.add_argument(
        "--max-events",
        type=_count,
        metavar="N",
        help="refuse work estimated above N events (default 10 million; docs/limits.md)",
    )
    limits.add_argument(
        "--max-customers",
        type=_count,
        metavar="N",
        help="refuse more than N customers with behaviour in a run, word of mouth at worst "
        "included (default 1 million; docs/limits.md)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "validate",
        parents=[common, limits],
        help="check scenario or experiment files; exit 2 listing every problem",
    )
    p.add_argument("files", nargs="+", metavar="FILE")

    p = sub.add_parser(
        "run",
        parents=[common, limits],
        help="run one replication of a scenario and print its KPIs",
    )
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=int, help="root random seed (default: the scenario's)")
    p.add_argument("--days", type=float, help="simulated days after warm-up")
    _add_set(p, "override a scenario value, e.g. suppliers.acme.lead_time_days.mean=8")
    p.add_argument(
        "--plan",
        choices=("replan", "frozen"),
        default="replan",
        help="with --set: re-plan the policies for the changed scenario (default), or keep the "
        "numbers they resolve to without --set (frozen)",
    )
    p.add_argument("--replication", type=int, default=0, help="replication index (default 0)")
    p.add_argument(
        "--replications",
        type=int,
        metavar="N",
        help="run replications 0..N-1 and print each KPI's mean and 95%% interval",
    )
    p.add_argument("--json", action="store_true", help="print the result document as JSON")
    p.add_argument("--out", metavar="DIR", help="write result, resolved scenario and trace here")

    p = sub.add_parser(
        "experiment",
        parents=[common, limits],
        help="run variants x sweep points x replications and compare them",
    )
    p.add_argument("experiment", metavar="EXPERIMENT")
    p.add_argument("--workers", type=int, help="worker processes (default: all cores; 1: serial)")
    p.add_argument("--replications", type=int, help="replications per design point")
    _add_set(p, "override a value of the base scenario of every variant")
    p.add_argument("--seed", type=int, help="root random seed (default: the experiment's)")
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/<name>/)")
    p.add_argument(
        "--resume",
        action="store_true",
        help="accepted for old scripts: stored runs are always re-used, only the rest run",
    )
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask scheduler (or 'local')")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "optimize",
        parents=[common],
        help="search policy settings for the best objective under KPI constraints",
    )
    p.add_argument("optimization", metavar="FILE")
    p.add_argument("--workers", type=int, help="worker processes (default: all cores; 1: serial)")
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/<name>/)")
    p.add_argument("--resume", action="store_true", help="continue the search stored in --out")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask scheduler (or 'local')")
    p.add_argument("--budget-runs", type=int, metavar="N", help="override budget.runs")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "report",
        parents=[common],
        help="(re)build the figures and report.html of a run or experiment folder",
    )
    p.add_argument("folder", metavar="DIR", help="a results folder (run --out or experiment)")

    p = sub.add_parser(
        "fit",
        parents=[common],
        help="fit distributions to a CSV or Excel history and print the scenario snippet",
    )
    p.add_argument("file", metavar="FILE", help="a CSV file or an Excel workbook (.xlsx)")
    p.add_argument(
        "--column",
        dest="columns",
        action="append",
        default=[],
        metavar="NAME",
        help="a column to fit (repeatable; default: every numeric column)",
    )
    p.add_argument("--date-column", metavar="NAME", help="the dates (default: a column 'date')")
    p.add_argument("--sheet", metavar="NAME", help="worksheet of a workbook (default: the first)")
    p.add_argument(
        "--kind",
        choices=("auto", "demand", "quantity", "lead_time"),
        default="auto",
        help="what the numbers are: units per day, units per order, or days (default: by name)",
    )
    p.add_argument("--criterion", choices=("aic", "bic"), default="aic", help="rank by (aic)")
    p.add_argument("--out", metavar="DIR", help="write fit.json and a figure per column here")

    p = sub.add_parser(
        "check",
        parents=[common],
        help="the closed form beside the simulated value, where a scenario reduces to a "
        "textbook case",
    )
    p.add_argument("scenario", metavar="SCENARIO", nargs="?")
    p.add_argument(
        "--self", dest="self_check", action="store_true", help="run the built-in textbook cases"
    )
    p.add_argument("--replications", type=int, default=10, help="replications (default 10)")
    p.add_argument("--days", type=float, help="simulated days per replication after warm-up")
    p.add_argument("--seed", type=int, help="root random seed (default: the scenario's)")
    p.add_argument(
        "--confidence", type=float, default=0.99, help="interval confidence (default 0.99)"
    )
    return parser


def _count(text: str) -> int:
    """``--max-events``, ``--max-customers``: a whole number of at least 1, or ``1e8``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 1 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 1, got {text}")
    return int(value)


def _add_set(p: argparse.ArgumentParser, what: str) -> None:
    """The repeatable ``--set PATH=VALUE`` of ``run`` and ``experiment`` (into ``overrides``)."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=f"{what} (repeatable)",
    )
