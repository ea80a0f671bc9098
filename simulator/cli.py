"""The ``supplysim`` command: a thin layer over the Python API, one function per subcommand.

Exit codes: 0 success, 2 invalid input (file, field, value, path), 1 anything else. A user's
mistake is reported as ``FILE: path.to.field: message`` lines (``PATH: --out: message`` for a
place results cannot go), never as a traceback; JSON output is strict (``null`` for a number that
is not finite).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from simulator.cli_parser import build_parser

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


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
    from simulator.io import dumps
    from simulator.outputs import check_folder
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
    if args.out:
        check_folder(args.out)
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
        progress=None,
    )
    note = sys.stderr if args.json else sys.stdout
    if args.json:
        print(dumps(result.document, indent=2))
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

        folder = write_run_folder(check_folder(args.out), scenario, result, args.argv, seconds)
        report = write_run_report(folder)
        print(
            f"wrote {folder}/ (result.json, scenario.yaml, trace.csv, provenance.json, "
            f"{report.name} with its figures in figures/)",
            file=note,
        )
    return EXIT_OK


def _run_replications(args: argparse.Namespace) -> int:
    """``supplysim run SCENARIO --replications N``: each KPI's mean and interval."""
    from simulator.io import dumps
    from simulator.replicate import intervals_json, replicate, write_replications_folder
    from simulator.report.tables import intervals_table
    from simulator.runs import what_if

    scenario = what_if(args.scenario, args.overrides, args.seed, args.days, args.plan)
    replicated = replicate(scenario, args.replications)
    note = sys.stderr if args.json else sys.stdout
    if args.json:
        print(dumps(intervals_json(replicated), indent=2))
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
    from simulator.outputs import claim
    from simulator.report.comparison import comparison_table
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
            notify=lambda text: print(text, flush=True),
        )
    except ExecutorError as exc:
        print(f"{args.experiment}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(comparison_table(results))
    where = results.executor.get("address") or f"{results.executor['workers']} worker(s)"
    print(
        f"{len(results.runs)} runs ({results.executed} simulated, "
        f"{len(results.runs) - results.executed} from the store) in {results.seconds:.1f} s "
        f"({results.executor['kind']}, {where})"
    )
    from simulator.report.html import write_experiment_report

    with claim(results.out):
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
    except ExecutorError as exc:
        print(f"{args.optimization}: {exc}", file=sys.stderr)
        return EXIT_INVALID
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


#: The function behind each subcommand.
COMMANDS = {
    "validate": cmd_validate,
    "run": cmd_run,
    "experiment": cmd_experiment,
    "optimize": cmd_optimize,
    "report": cmd_report,
    "fit": cmd_fit,
    "check": cmd_check,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``supplysim`` and ``python -m simulator``; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    args.argv = ["supplysim", *(sys.argv[1:] if argv is None else argv)]
    # after parsing: --help and --version need none of these
    from simulator.config import ConfigError
    from simulator.io import OutputError

    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except OutputError as exc:  # a place results cannot be written
        print(exc, file=sys.stderr)
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
