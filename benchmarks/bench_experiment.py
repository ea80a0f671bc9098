"""Experiment execution benchmark: serial vs a local process pool vs Dask, on the baseline.

Run from the repository root:

    python benchmarks/bench_experiment.py                 # 100 replications, 2 workers
    python benchmarks/bench_experiment.py --replications 40 --workers 4
    python benchmarks/bench_experiment.py --save   # also write results/experiment-latest.json
    python benchmarks/bench_experiment.py --report # seconds per figure of the experiment report

The design is the baseline scenario (scenarios/baseline.yaml, both products, every stage on) as
one variant, with its measured horizon shortened to 120 days (warm-up unchanged: 60 days) so that
a run takes a fraction of a second and the benchmark about a minute. The same 100 replications
(root seed 1) run three times, each through ``run_experiment`` exactly as the CLI does (design
validation, store in a temporary folder, tables written):

1. serially in this process (``workers=1``);
2. on a local process pool of ``--workers`` processes;
3. on a Dask ``LocalCluster`` of ``--workers`` single-threaded worker processes, started before
   the clock starts, each worker having imported the simulator (that start-up time is reported
   on its own: a real cluster is started once and serves many experiments).

Reported per mode: wall time, speed-up over serial, and the *overhead per run*: worker-seconds
not spent simulating, ``(workers x wall - sum of simulate() seconds) / runs``. It holds process
start-up, pickling tasks and results, the parent's SQLite commits and idle tails at the end.
The three ``runs.csv`` files are checked to be byte-identical.

Parallel speed-up needs free cores: on a machine shared with other work it is capped by what the
machine delivers, so the benchmark also times a pure CPU loop on 1 and on ``--workers`` processes
before and after, and prints that ceiling next to the pool's speed-up.

``--report`` measures the experiment report instead: the flagship experiment
(``experiments/vmi_vs_safety_stock.yaml``, 12 KPIs, 2 variants) with ``--replications``
replications (default 2 here) is run into a temporary folder, then ``report.html`` is written
``--repeat`` times (default 3) and each figure timed from drawing to its PNG and SVG bytes, with
the re-simulation of the story's replications on its own line; the fastest of the repeats is
reported per figure (other work on the machine only ever adds time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Benchmark the simulator of the checkout this file sits in, not whatever is installed.
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "experiment-latest.json"
HORIZON_DAYS = 120
SPEED_UP_TARGET = 1.8


def design(replications: int) -> dict:
    return {
        "name": "bench_baseline",
        "scenario": str(ROOT / "scenarios" / "baseline.yaml"),
        "horizon_days": HORIZON_DAYS,
        "variants": {"baseline": {}},
        "replications": replications,
        "seed": 1,
        "kpis": ["fill_rate", "cost_total"],
    }


def simulate_seconds(out: Path) -> float:
    with sqlite3.connect(out / "results.sqlite") as db:
        return float(db.execute("SELECT SUM(seconds) FROM runs").fetchone()[0])


def measure(label: str, replications: int, tmp: Path, **kwargs) -> dict:
    from simulator import run_experiment

    out = tmp / label
    start = time.perf_counter()
    res = run_experiment(design(replications), out=out, progress=False, **kwargs)
    wall = time.perf_counter() - start
    workers = res.executor["workers"]
    busy = simulate_seconds(out)
    return {
        "mode": label,
        "workers": workers,
        "runs": len(res.runs),
        "wall_seconds": wall,
        "simulate_seconds": busy,
        "overhead_ms_per_run": 1000 * (workers * wall - busy) / len(res.runs),
        "runs_csv": (out / "runs.csv").read_bytes(),
    }


def _spin(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def machine_speed_up(workers: int) -> float:
    """What this machine delivers right now: a pure CPU loop, 1 process vs ``workers`` at once.

    On an idle machine with ``workers`` free cores this is close to ``workers``; when other
    programs compete for the cores it is lower, and no pool can beat it.
    """
    import multiprocessing

    one = _spin(0)
    with multiprocessing.Pool(workers) as pool:
        start = time.perf_counter()
        pool.map(_spin, range(workers))
        wall = time.perf_counter() - start
    return workers * one / wall


FLAGSHIP = ROOT / "experiments" / "vmi_vs_safety_stock.yaml"


def report_seconds(replications: int, repeat: int) -> dict[str, float]:
    """Seconds per figure of the flagship experiment's report (the fastest of ``repeat``)."""
    from simulator import run_experiment
    from simulator.report import experiment_gallery, story
    from simulator.report.html import write_experiment_report

    best: dict[str, float] = {}
    draw, resimulate = experiment_gallery.item, story.replication_stories

    def timed_item(fid, *args, **kwargs):
        start = time.perf_counter()
        out = draw(fid, *args, **kwargs)
        seconds[fid] = time.perf_counter() - start
        return out

    def timed_stories(*args, **kwargs):
        start = time.perf_counter()
        out = resimulate(*args, **kwargs)
        seconds["story: re-simulate replication 0 of each variant"] = time.perf_counter() - start
        return out

    experiment_gallery.item = timed_item
    story.replication_stories = timed_stories
    import simulator.report.html as html

    html.replication_stories = timed_stories
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "flagship"
        run_experiment(FLAGSHIP, replications=replications, out=out, progress=False)
        for _ in range(repeat):
            seconds: dict[str, float] = {}
            start = time.perf_counter()
            write_experiment_report(out)
            seconds["whole report (figures, page, files)"] = time.perf_counter() - start
            for k, v in seconds.items():
                best[k] = min(best.get(k, v), v)
    return best


def main_report(replications: int, repeat: int) -> int:
    """Print the seconds per figure of the flagship experiment's report."""
    print(
        f"flagship experiment report ({FLAGSHIP.relative_to(ROOT)}, {replications} replications), "
        f"fastest of {repeat}; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    for name, seconds in report_seconds(replications, repeat).items():
        print(f"{name:<55} {seconds:6.2f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--report", action="store_true", help="time the experiment report")
    parser.add_argument("--repeat", type=int, default=3, help="report writes (with --report)")
    args = parser.parse_args()
    if args.report:
        return main_report(args.replications or 2, args.repeat)
    args.replications = args.replications or 100

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        print(
            f"baseline, horizon {HORIZON_DAYS} days after 60 of warm-up, "
            f"{args.replications} replications; {os.cpu_count()} CPUs visible; "
            f"load average {os.getloadavg()[0]:.2f} (other work on the machine skews the "
            "parallel figures)",
            flush=True,
        )
        before = machine_speed_up(args.workers)
        print(f"machine: a pure CPU loop runs {before:.2f}x faster on {args.workers} processes")
        rows.append(measure("serial", args.replications, tmp, workers=1))
        print(f"serial: {rows[-1]['wall_seconds']:.1f} s", flush=True)
        rows.append(measure("pool", args.replications, tmp, workers=args.workers))
        print(f"pool:   {rows[-1]['wall_seconds']:.1f} s", flush=True)
        cluster_start = None
        if not args.no_dask:
            import distributed

            start = time.perf_counter()
            with (
                distributed.LocalCluster(
                    n_workers=args.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,
                distributed.Client(cluster) as client,
            ):
                # every worker imports the simulator once, as it would for its first task
                client.run(__import__, "simulator.experiment")
                cluster_start = time.perf_counter() - start
                print(
                    f"dask LocalCluster started and warmed up in {cluster_start:.1f} s", flush=True
                )
                rows.append(measure("dask", args.replications, tmp, dask=client))
            print(f"dask:   {rows[-1]['wall_seconds']:.1f} s", flush=True)

    serial = rows[0]
    identical = all(r["runs_csv"] == serial["runs_csv"] for r in rows)
    print()
    header = ("mode", "workers", "runs", "wall s", "speed-up", "simulate s", "overhead ms/run")
    table = [
        (
            r["mode"],
            str(r["workers"]),
            str(r["runs"]),
            f"{r['wall_seconds']:.2f}",
            f"{serial['wall_seconds'] / r['wall_seconds']:.2f}x",
            f"{r['simulate_seconds']:.2f}",
            f"{r['overhead_ms_per_run']:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    pool_speed_up = serial["wall_seconds"] / rows[1]["wall_seconds"]
    after = machine_speed_up(args.workers)
    print()
    print(
        f"machine speed-up of a pure CPU loop on {args.workers} processes: {before:.2f}x before, "
        f"{after:.2f}x after (the most any pool can reach right now)"
    )
    print(f"runs.csv identical in every mode: {identical}")
    verdict = "met" if pool_speed_up >= SPEED_UP_TARGET else "NOT met"
    print(
        f"pool speed-up on {args.workers} workers: {pool_speed_up:.2f}x "
        f"(target >= {SPEED_UP_TARGET}x: {verdict})"
    )
    if cluster_start is not None:
        print(f"(Dask LocalCluster start-up and import, not in the table: {cluster_start:.1f} s)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")

    if args.save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(
            json.dumps(
                {
                    "benchmark": "bench_experiment",
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "horizon_days": HORIZON_DAYS,
                    "replications": args.replications,
                    "modes": [{k: v for k, v in r.items() if k != "runs_csv"} for r in rows],
                    "pool_speed_up": pool_speed_up,
                    "machine_speed_up_before": before,
                    "machine_speed_up_after": after,
                    "dask_cluster_start_seconds": cluster_start,
                    "load_average_end": os.getloadavg()[0],
                    "runs_csv_identical": identical,
                },
                indent=2,
            )
            + "\n"
        )
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
