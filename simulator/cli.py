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

from simulator import __version__
from simulator.config import ConfigError, load_scenario
from simulator.report.tables import run_table

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supplysim",
        description="Discrete-event supply chain simulator: policies, suppliers, carriers, "
        "customers.",
    )
    parser.add_argument("--version", action="version", version=f"supplysim {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check scenario files; exit 2 listing every problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help="run one replication of a scenario and print its KPIs")
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
    p.add_argument("--replication", type=int, default=0, help="replication index (default 0)")
    p.add_argument("--json", action="store_true", help="print the result document as JSON")
    p.add_argument("--out", metavar="DIR", help="write result, resolved scenario and trace here")
    p.set_defaults(func=cmd_run)
    return parser


def cmd_validate(args: argparse.Namespace) -> int:
    """``supplysim validate FILE...``."""
    status = EXIT_OK
    for file in args.files:
        try:
            load_scenario(file)
        except ConfigError as exc:
            status = EXIT_INVALID
            for problem in exc.problems:
                print(problem, file=sys.stderr)
        else:
            print(f"{file}: valid")
    return status


def cmd_run(args: argparse.Namespace) -> int:
    """``supplysim run SCENARIO ...``."""
    from simulator.runs import timed_run, write_run_folder

    if args.days is not None and not args.days > 0:
        print(f"{args.scenario}: --days: must be > 0, got {args.days:g}", file=sys.stderr)
        return EXIT_INVALID
    if args.seed is not None and args.seed < 0:
        print(f"{args.scenario}: --seed: must be >= 0, got {args.seed}", file=sys.stderr)
        return EXIT_INVALID
    scenario, result, seconds = timed_run(
        args.scenario,
        seed=args.seed,
        days=args.days,
        overrides=args.overrides,
        replication=args.replication,
        trace=args.out is not None,
    )
    if args.json:
        print(json.dumps(result.document, indent=2))
    else:
        print(run_table(result.document))
    orders = result.kpis["orders"] or 0
    note = sys.stderr if args.json else sys.stdout
    print(f"simulated in {seconds:.2f} s ({orders:,} measured orders)", file=note)
    if args.out:
        folder = write_run_folder(args.out, scenario, result, args.argv, seconds)
        print(
            f"wrote {folder}/ (result.json, scenario.yaml, trace.csv, provenance.json)", file=note
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``supplysim`` and ``python -m simulator``; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    args.argv = ["supplysim", *(sys.argv[1:] if argv is None else argv)]
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
