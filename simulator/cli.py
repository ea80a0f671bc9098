"""The ``supplysim`` command: a thin layer over the Python API, one function per subcommand.

Exit codes: 0 success, 2 invalid input (file, field, value), 1 anything else. A user's mistake is
reported as ``FILE: path.to.field: message`` lines, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence

from simulator.version import __version__

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
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
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "run",
        parents=[common, limits],
        help="run one replication of a scenario and print its KPIs",
    )
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=int, help="root random seed (default: the scenario's)")
    p.add_argument("--days", type=float, help="simulated days after warm-up")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value, e.g. suppliers.acme.lead_time_days.mean=8 (repeatable)",
    )
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
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "experiment",
        parents=[common, limits],
        help="run variants x sweep points x replications and compare them",
    )
    p.add_argument("experiment", metavar="EXPERIMENT")
    p.add_argument("--workers", type=int, help="worker processes (default: all cores; 1: serial)")
    p.add_argument("--replications", type=int, help="replications per design point")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a value of the base scenario of every variant (repeatable)",
    )
    p.add_argument("--seed", type=int, help="root random seed (default: the experiment's)")
    p.add_argument("--out", metavar="DIR", help="results folder (default: results/<name>/)")
    p.add_argument("--resume", action="store_true", help="keep stored runs, run the missing ones")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask scheduler (or 'local')")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_experiment)

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
    p.set_defaults(func=cmd_optimize)

    p = sub.add_parser(
        "report",
        parents=[common],
        help="(re)build the figures and report.html of a run or experiment folder",
    )
    p.add_argument("folder", metavar="DIR", help="a results folder (run --out or experiment)")
    p.set_defaults(func=cmd_report)

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
    p.set_defaults(func=cmd_fit)

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
    p.set_defaults(func=cmd_check)
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


def _limits(args: argparse.Namespace) -> dict[str, int]:
    """The work limits of a command: its flags, or the stated defaults (docs/limits.md)."""
    from simulator.config.limits import DEFAULT_MAX_CUSTOMERS, DEFAULT_MAX_EVENTS

    events, customers = args.max_events, args.max_customers
    return {
        "max_events": DEFAULT_MAX_EVENTS if events is None else events,
        "max_customers": DEFAULT_MAX_CUSTOMERS if customers is None else customers,
    }


def cmd_validate(args: argparse.Namespace) -> int:
    """``supplysim validate FILE...``: every check ``run`` or ``experiment`` makes first."""
    from simulator.config import ConfigError
    from simulator.validate import validate_file

    status = EXIT_OK
    for file in args.files:
        try:
            validate_file(file, **_limits(args))
        except ConfigError as exc:
            status = EXIT_INVALID
            for problem in exc.problems:
                print(problem, file=sys.stderr)
        else:
            print(f"{file}: valid")
    return status


def cmd_run(args: argparse.Namespace) -> int:
    """``supplysim run SCENARIO ...``."""
    from simulator.config import load_scenario
    from simulator.config.limits import MAX_REPLICATIONS
    from simulator.report.tables import run_table
    from simulator.runs import timed_run, write_run_folder
    from simulator.work import check_work

    if args.days is not None and not 0 < args.days < float("inf"):
        print(
            f"{args.scenario}: --days: must be > 0 and finite, got {args.days:g}", file=sys.stderr
        )
        return EXIT_INVALID
    if args.seed is not None and args.seed < 0:
        print(f"{args.scenario}: --seed: must be >= 0, got {args.seed}", file=sys.stderr)
        return EXIT_INVALID
    if args.replication < 0:
        print(
            f"{args.scenario}: --replication: must be >= 0, got {args.replication}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if args.replications is not None and not 2 <= args.replications <= MAX_REPLICATIONS:
        print(
            f"{args.scenario}: --replications: must be 2 to {MAX_REPLICATIONS:,}, "
            f"got {args.replications}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    scenario = load_scenario(args.scenario, args.overrides)
    check_work(args.scenario, [scenario], args.replications or 1, days=args.days, **_limits(args))
    if args.replications is not None:
        return _run_replications(args)
    scenario, result, seconds = timed_run(
        args.scenario,
        seed=args.seed,
        days=args.days,
        overrides=args.overrides,
        replication=args.replication,
        trace=args.out is not None,
        plan=args.plan,
    )
    note = sys.stderr if args.json else sys.stdout
    if args.json:
        print(json.dumps(result.document, indent=2))
    else:
        print(run_table(result.document, currency=scenario.currency))
    if args.overrides:
        from simulator.replan import changes_text, replanned

        changes = replanned(load_scenario(args.scenario), scenario)
        print(changes_text(changes, args.plan), file=note)
    orders = result.kpis["orders"] or 0
    print(f"simulated in {seconds:.2f} s ({orders:,} measured orders)", file=note)
    if args.out:
        from simulator.report.html import write_run_report

        folder = write_run_folder(args.out, scenario, result, args.argv, seconds)
        report = write_run_report(folder)
        print(
            f"wrote {folder}/ (result.json, scenario.yaml, trace.csv, provenance.json, "
            f"{report.name} with its figures in figures/)",
            file=note,
        )
    return EXIT_OK


def _run_replications(args: argparse.Namespace) -> int:
    """``supplysim run SCENARIO --replications N``: each KPI's mean and interval."""
    from simulator.replicate import intervals_json, replicate, write_replications_folder
    from simulator.report.tables import intervals_table
    from simulator.runs import what_if

    scenario = what_if(args.scenario, args.overrides, args.seed, args.days, args.plan)
    replicated = replicate(scenario, args.replications)
    note = sys.stderr if args.json else sys.stdout
    if args.json:
        print(json.dumps(intervals_json(replicated), indent=2))
    else:
        title = f"Scenario {scenario.name!r}  seed {scenario.seed}"
        print(intervals_table(title, replicated.intervals, args.replications, 0.95))
    print(f"{args.replications} replications in {replicated.seconds:.2f} s", file=note)
    if args.out:
        folder = write_replications_folder(args.out, replicated, args.argv)
        print(
            f"wrote {folder}/ (replications.csv, intervals.json, scenario.yaml, provenance.json)",
            file=note,
        )
    return EXIT_OK


def cmd_experiment(args: argparse.Namespace) -> int:
    """``supplysim experiment EXPERIMENT ...``."""
    from simulator.experiment import ExecutorError, run_experiment
    from simulator.report.comparison import comparison_table
    from simulator.store import StoreError
    from simulator.validate import check_design

    if args.workers is not None and args.workers < 1:
        print(f"{args.experiment}: --workers: must be >= 1, got {args.workers}", file=sys.stderr)
        return EXIT_INVALID
    check_design(
        args.experiment,
        args.replications,
        **_limits(args),
        overrides=args.overrides,
        seed=args.seed,
    )
    try:
        results = run_experiment(
            args.experiment,
            overrides=args.overrides,
            seed=args.seed,
            workers=args.workers,
            replications=args.replications,
            out=args.out,
            resume=args.resume,
            dask=args.dask,
            progress=False if args.quiet else None,
            command=args.argv,
        )
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except ExecutorError as exc:
        print(f"supplysim: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(comparison_table(results))
    where = results.executor.get("address") or f"{results.executor['workers']} worker(s)"
    print(
        f"{len(results.runs)} runs ({results.executed} simulated, "
        f"{len(results.runs) - results.executed} from the store) in {results.seconds:.1f} s "
        f"({results.executor['kind']}, {where})"
    )
    from simulator.report.html import write_experiment_report

    report = write_experiment_report(results.out)
    print(
        f"wrote {results.out}/ (runs.csv, summary.csv, comparison.csv, experiment.yaml, "
        f"scenario.yaml, provenance.json, results.sqlite, {report.name} with its figures)"
    )
    return EXIT_OK


def cmd_optimize(args: argparse.Namespace) -> int:
    """``supplysim optimize FILE ...``."""
    from simulator.experiment import ExecutorError
    from simulator.optimize import optimize
    from simulator.optimize.text import summary
    from simulator.store import StoreError

    if args.workers is not None and args.workers < 1:
        print(f"{args.optimization}: --workers: must be >= 1, got {args.workers}", file=sys.stderr)
        return EXIT_INVALID
    try:
        result = optimize(
            args.optimization,
            workers=args.workers,
            out=args.out,
            resume=args.resume,
            dask=args.dask,
            budget_runs=args.budget_runs,
            progress=False if args.quiet else None,
            command=args.argv,
        )
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except ExecutorError as exc:
        print(f"supplysim: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(summary(result))
    print(
        f"wrote {result.out}/ (trials.csv, runs.csv, final.csv, best.yaml, optuna.sqlite, "
        "runs.sqlite, provenance.json, report.html with its figures)"
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """``supplysim report DIR``: a run folder (result.json) or an experiment (summary.csv)."""
    from simulator.report.html import FIGURES_DIR, ReportError, write_report

    try:
        path = write_report(args.folder)
    except ReportError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    figures = sorted((path.parent / FIGURES_DIR).glob("fig-*.png"))
    print(f"wrote {path} and {len(figures)} figures in {path.parent / FIGURES_DIR}/")
    return EXIT_OK


def cmd_fit(args: argparse.Namespace) -> int:
    """``supplysim fit FILE [--column NAME ...]``."""
    from simulator.fit import HistoryError, fit_file, fit_text, write_outputs

    try:
        fits = fit_file(
            args.file, args.columns, args.date_column, args.sheet, args.kind, args.criterion
        )
    except HistoryError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    print("\n".join(fit_text(f) for f in fits).rstrip())
    if args.out:
        written = write_outputs(args.out, args.file, fits)
        print(f"wrote {', '.join(str(p) for p in written)}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """``supplysim check SCENARIO`` / ``supplysim check --self``."""
    from simulator.check import (
        agreement_text,
        check,
        reduce,
        reduction_text,
        self_check,
        self_text,
    )
    from simulator.config import load_scenario

    where = args.scenario or "check"
    if (args.scenario is None) == (not args.self_check):
        print("check: give a SCENARIO or --self (not both)", file=sys.stderr)
        return EXIT_INVALID
    if args.replications < 2:
        print(f"{where}: --replications: must be >= 2, got {args.replications}", file=sys.stderr)
        return EXIT_INVALID
    if args.days is not None and not args.days > 0:
        print(f"{where}: --days: must be > 0, got {args.days:g}", file=sys.stderr)
        return EXIT_INVALID
    if not 0 < args.confidence < 1:
        print(f"{where}: --confidence: must be in (0, 1), got {args.confidence:g}", file=sys.stderr)
        return EXIT_INVALID
    if args.seed is not None and args.seed < 0:
        print(f"{where}: --seed: must be >= 0, got {args.seed}", file=sys.stderr)
        return EXIT_INVALID
    if args.self_check:
        agreements = self_check(args.replications, args.days, args.confidence, args.seed)
        print(self_text(agreements))
        return EXIT_OK
    overrides = [] if args.days is None else [f"horizon_days={args.days:g}"]
    scenario = load_scenario(args.scenario, overrides)
    reduction = reduce(scenario)
    print(reduction_text(args.scenario, reduction))
    if reduction.case is not None:
        agreement = check(scenario, reduction.case, args.replications, args.confidence, args.seed)
        print()
        print(agreement_text(agreement))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``supplysim`` and ``python -m simulator``; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    args.argv = ["supplysim", *(sys.argv[1:] if argv is None else argv)]
    from simulator.config import ConfigError  # after parsing: --help and --version need none

    try:
        return args.func(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if args.debug:
            traceback.print_exc()
        else:
            print(
                f"supplysim: internal error: {type(exc).__name__}: {exc}\n"
                "(this is a bug; run again with --debug for the traceback and report it)",
                file=sys.stderr,
            )
        return EXIT_ERROR
