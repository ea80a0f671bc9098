"""Core speed and memory benchmark of supplysim, in units of a bare SimPy event.

Run from the repository root:

    python benchmarks/bench_core.py              # N = 1,000,000 orders (about 1 minute)
    python benchmarks/bench_core.py --quick      # N = 100,000
    python benchmarks/bench_core.py --orders 500000 --save
    python benchmarks/bench_core.py --profile 200000   # cProfile of the baseline only

What it measures (see benchmarks/README.md for how to read the figures):

1. the cost of a bare SimPy event: one process doing ``yield env.timeout(x)`` N times, plus two
   references without a process (a ``Timeout`` whose callback schedules the next one, and the
   simulator's own ``Call`` event used the same way);
2. the textbook (r, Q) scenario scaled to about N customer orders: microseconds per order and
   that cost in bare-event units (target: at most 15);
3. the baseline scenario scaled the same way (target: at most 40);
4. peak RSS of a fresh process running each scenario at N/10 and at N orders (trace off).

Timing runs at N/10 and the bare loops are the best of 3; the N-order runs happen once each, in
the fresh processes of item 4, which report both their run time and their peak RSS.

The memory children are started first, while this process is still small: Linux keeps
``ru_maxrss`` across ``execve``, so a child started from a process that has already run a large
simulation would report the parent's peak instead of its own. Each child also reports ``VmHWM``
(the high-water mark of its own address space) as a cross-check.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Benchmark the simulator of the checkout this file sits in, not whatever is installed.
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "core-latest.json"

SCENARIOS = {
    "rq_poisson": ROOT / "scenarios" / "textbook" / "rq_poisson.yaml",
    "baseline": ROOT / "scenarios" / "baseline.yaml",
}
#: Upper limits of the cost of one order, in bare SimPy events.
TARGETS = {"rq_poisson": 15.0, "baseline": 40.0}
#: Upper limit of peak-RSS growth with the number of orders (trace off). One retained Order
#: object (plus its dict entry) would cost ~150 MiB per million orders; 16 MiB is ~17 bytes/order.
MEMORY_TARGET_MIB_PER_M = 16.0

REPS = 3
KIB_PER_MIB = 1024.0


# -- helpers ------------------------------------------------------------------------------------


def best_of(reps: int, fn):
    """Run ``fn()`` ``reps`` times; return the result with the smallest ``seconds``."""
    results = [fn() for _ in range(reps)]
    return min(results, key=lambda r: r["seconds"])


def proc_status_kib(field: str) -> int | None:
    """A ``kB`` field of /proc/self/status (``VmHWM``, ``VmRSS``), or ``None`` off Linux."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def maxrss_kib() -> int:
    """Peak RSS of this process so far (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_model() -> str:
    """The CPU model name, as the OS reports it."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git(*args: str) -> str | None:
    """Output of a read-only git command in ROOT, or ``None`` (no git, not a checkout)."""
    try:
        proc = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip()


def code_state() -> dict:
    """Commit of the checkout and the files of the simulator that differ from it."""
    changed = git("status", "--porcelain", "--", "simulator", "scenarios")
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "changed_files": None if changed is None else len(changed.splitlines()),
    }


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages (other work on the machine skews the timings)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info() -> dict:
    """Versions and hardware of this run."""
    import numpy
    import simpy

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "simpy": simpy.__version__,
        "numpy": numpy.__version__,
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "code": code_state(),
    }


# -- 1. bare SimPy events -----------------------------------------------------------------------


def delays(n: int) -> list[float]:
    """``n`` pre-drawn positive delays (so the timed loops draw no random numbers)."""
    import numpy as np

    return np.random.default_rng(12345).exponential(1.0, n).tolist()


def bare_process(xs: list[float]) -> dict:
    """One process doing ``yield env.timeout(x)`` for every x: the bare-event unit."""
    import simpy

    env = simpy.Environment()

    def proc(env):
        timeout = env.timeout
        for x in xs:
            yield timeout(x)

    env.process(proc(env))
    t0 = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - t0
    return {"events": len(xs), "seconds": seconds}


def bare_timeout_callback(xs: list[float]) -> dict:
    """A chain of plain ``Timeout`` events, each one's callback scheduling the next (no process)."""
    import simpy
    from simpy.events import Timeout

    env = simpy.Environment()
    it = iter(xs)

    def step(event):
        x = next(it, None)
        if x is not None:
            Timeout(env, x).callbacks.append(step)

    Timeout(env, next(it)).callbacks.append(step)
    t0 = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - t0
    return {"events": len(xs), "seconds": seconds}


def bare_call(xs: list[float]) -> dict:
    """The same chain with the simulator's ``Call`` event (what the model's hot path uses)."""
    import simpy

    from simulator.events import Call

    env = simpy.Environment()
    it = iter(xs)

    def step(event):
        x = next(it, None)
        if x is not None:
            Call(env, x, step)

    Call(env, next(it), step)
    t0 = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - t0
    return {"events": len(xs), "seconds": seconds}


# -- 2./3. scenarios ------------------------------------------------------------------------------


def order_rate(path: Path) -> float:
    """Customer orders per day of the scenario (sum over its segments)."""
    from simulator import load_scenario

    sc = load_scenario(path)
    return sum(seg.count * seg.orders_per_customer_per_day for seg in sc.customers.segments)


def scaled(key: str, orders: int):
    """The scenario ``key`` with ``horizon_days`` set so that about ``orders`` are measured."""
    from simulator import load_scenario

    path = SCENARIOS[key]
    horizon = orders / order_rate(path)
    return load_scenario(path, overrides=[f"horizon_days={horizon!r}"]), horizon


def simulated_orders(result) -> int:
    """Orders created in the whole run, warm-up included (falls back to the measured count)."""
    try:
        return next(result.model.segments[0]._ids) - 1
    except (AttributeError, IndexError, TypeError):
        return int(result.kpis["orders"])


def run_scenario(key: str, orders: int) -> dict:
    """Build and run the scaled scenario once (trace off); time ``simulate()`` end to end."""
    from simulator import simulate

    sc, horizon = scaled(key, orders)
    t0 = time.perf_counter()
    result = simulate(sc)
    seconds = time.perf_counter() - t0
    return {
        "scenario": key,
        "target_orders": orders,
        "horizon_days": horizon,
        "measured_orders": int(result.kpis["orders"]),
        "orders": simulated_orders(result),
        "seconds": seconds,
    }


def child_main(spec: str) -> None:
    """Hidden ``--child KEY:ORDERS`` mode: one run in this fresh process; print JSON."""
    key, orders = spec.split(":")
    import simulator  # noqa: F401  (imports counted in the base RSS, as in real use)

    base = proc_status_kib("VmRSS")
    out = run_scenario(key, int(orders))
    out.update(
        maxrss_kib=maxrss_kib(),
        vmhwm_kib=proc_status_kib("VmHWM"),
        rss_after_import_kib=base,
    )
    print(json.dumps(out))


def run_child(key: str, orders: int) -> dict:
    """Run ``child_main`` in a fresh interpreter and return what it printed."""
    parent_maxrss = maxrss_kib()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", f"{key}:{orders}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"child run {key}:{orders} failed with exit code {proc.returncode}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["parent_maxrss_kib"] = parent_maxrss
    return out


# -- the benchmark ------------------------------------------------------------------------------


def fmt_int(n: int | float) -> str:
    return f"{int(n):,}"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """Print a plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    line = fmt(headers)
    print(line)
    print("-" * len(line))
    for r in rows:
        print(fmt(r))


def benchmark(n: int, save: bool) -> dict:
    small = max(1, n // 10)
    wall0 = time.perf_counter()
    load_start = load_average()

    # 4. (first, while this process is small) fresh processes at N/10 and N orders.
    children: dict[str, dict[str, dict]] = {}
    for key in SCENARIOS:
        children[key] = {}
        for label, orders in (("small", small), ("large", n)):
            print(f"[child] {key} at {fmt_int(orders)} orders ...", flush=True)
            children[key][label] = run_child(key, orders)

    info = machine_info()
    code = info["code"]
    dirty = code["changed_files"]
    print(
        f"\nPython {info['python']} ({info['implementation']}), SimPy {info['simpy']}, "
        f"numpy {info['numpy']}\nCPU: {info['cpu']} ({info['cpus']} logical CPUs), "
        f"{info['platform']}\ncode: {ROOT} at {code['commit'] or '(no git)'}"
        + (f", {dirty} file(s) under simulator/ or scenarios/ changed" if dirty else "")
        + f"\nload average at start: {load_start}\n",
        flush=True,
    )

    # 1. bare events
    xs = delays(n)
    bare = {
        "process": best_of(REPS, lambda: bare_process(xs)),
        "timeout_callback": best_of(REPS, lambda: bare_timeout_callback(xs)),
        "call": best_of(REPS, lambda: bare_call(xs)),
    }
    for b in bare.values():
        b["us_per_event"] = b["seconds"] / b["events"] * 1e6
    unit = bare["process"]["us_per_event"]
    print(f"bare SimPy event (process + timeout): {unit:.3f} us", flush=True)

    # 2./3. scenarios: N/10 best of 3 here; N from the fresh process (run once).
    scen: dict[str, dict] = {}
    for key in SCENARIOS:
        run_scenario(key, min(small, 10_000))  # warm imports and caches
        s = best_of(REPS, lambda key=key: run_scenario(key, small))
        big = children[key]["large"]
        scen[key] = {"small": s, "large": big}
        for r in (s, big):
            r["us_per_order"] = r["seconds"] / r["orders"] * 1e6
            r["bare_events_per_order"] = r["us_per_order"] / unit
            r["target"] = TARGETS[key]
            r["pass"] = r["bare_events_per_order"] <= TARGETS[key]
        print(
            f"{key}: N/10 {s['us_per_order']:.2f} us/order, N {big['us_per_order']:.2f} us/order",
            flush=True,
        )

    # 4. memory
    memory: dict[str, dict] = {}
    for key in SCENARIOS:
        a, b = children[key]["small"], children[key]["large"]
        growth = (b["maxrss_kib"] - a["maxrss_kib"]) / KIB_PER_MIB
        per_m = growth / ((b["orders"] - a["orders"]) / 1e6)
        hwm_growth = None
        if a.get("vmhwm_kib") and b.get("vmhwm_kib"):
            hwm_growth = (b["vmhwm_kib"] - a["vmhwm_kib"]) / KIB_PER_MIB
        memory[key] = {
            "orders_small": a["orders"],
            "orders_large": b["orders"],
            "maxrss_kib_small": a["maxrss_kib"],
            "maxrss_kib_large": b["maxrss_kib"],
            "vmhwm_kib_small": a.get("vmhwm_kib"),
            "vmhwm_kib_large": b.get("vmhwm_kib"),
            "rss_after_import_kib": b.get("rss_after_import_kib"),
            "parent_maxrss_kib_at_spawn": max(a["parent_maxrss_kib"], b["parent_maxrss_kib"]),
            "ratio": b["maxrss_kib"] / a["maxrss_kib"],
            "growth_mib": growth,
            "growth_mib_vmhwm": hwm_growth,
            "mib_per_million_orders": per_m,
            "target_mib_per_million_orders": MEMORY_TARGET_MIB_PER_M,
            "pass": per_m <= MEMORY_TARGET_MIB_PER_M,
        }

    # -- tables
    print("\nPeak memory (fresh process per run, trace off; ru_maxrss, MiB)\n")
    rows = []
    for key, m in memory.items():
        rows.append(
            [
                key,
                fmt_int(m["orders_small"]),
                f"{m['maxrss_kib_small'] / KIB_PER_MIB:.1f}",
                fmt_int(m["orders_large"]),
                f"{m['maxrss_kib_large'] / KIB_PER_MIB:.1f}",
                f"{m['ratio']:.3f}",
                f"{m['mib_per_million_orders']:+.2f}",
                f"{(m['rss_after_import_kib'] or 0) / KIB_PER_MIB:.1f}",
            ]
        )
    print_table(
        [
            "scenario",
            "orders N/10",
            "peak",
            "orders N",
            "peak",
            "ratio",
            "MiB/M orders",
            "after import",
        ],
        rows,
    )
    spawn = max(m["parent_maxrss_kib_at_spawn"] for m in memory.values()) / KIB_PER_MIB
    print(f"(parent peak RSS when the children were started: {spawn:.1f} MiB)")

    table = []

    def bare_row(name: str, b: dict) -> None:
        table.append(
            {
                "case": name,
                "count": b["events"],
                "seconds": b["seconds"],
                "us": b["us_per_event"],
                "bare": b["us_per_event"] / unit,
                "target": None,
                "pass": None,
            }
        )

    bare_row("bare: process yield timeout (unit)", bare["process"])
    bare_row("ref: Timeout + callback chain", bare["timeout_callback"])
    bare_row("ref: simulator Call chain", bare["call"])
    for key in SCENARIOS:
        for label, tag in (("small", "N/10 best of 3"), ("large", "N once, fresh proc")):
            r = scen[key][label]
            table.append(
                {
                    "case": f"{key} ({tag})",
                    "count": r["orders"],
                    "seconds": r["seconds"],
                    "us": r["us_per_order"],
                    "bare": r["bare_events_per_order"],
                    "target": f"<= {r['target']:g}",
                    "pass": r["pass"],
                }
            )
    for key, m in memory.items():
        table.append(
            {
                "case": f"{key} peak RSS growth",
                "count": m["orders_large"],
                "seconds": None,
                "us": None,
                "bare": None,
                "target": f"<= {MEMORY_TARGET_MIB_PER_M:g} MiB/M orders",
                "pass": m["pass"],
                "note": f"{m['mib_per_million_orders']:+.2f} MiB/M orders",
            }
        )

    print(f"\nResults (N = {fmt_int(n)}; bare-event unit = {unit:.3f} us)\n")
    rows = []
    for t in table:
        verdict = "" if t["pass"] is None else ("pass" if t["pass"] else "FAIL")
        if t.get("note"):
            verdict += f" ({t['note']})"
        rows.append(
            [
                t["case"],
                fmt_int(t["count"]),
                "" if t["seconds"] is None else f"{t['seconds']:.3f}",
                "" if t["us"] is None else f"{t['us']:.3f}",
                "" if t["bare"] is None else f"{t['bare']:.2f}",
                t["target"] or "",
                verdict,
            ]
        )
    print_table(
        [
            "case",
            "orders/events",
            "seconds",
            "us per order/event",
            "bare-event costs/order",
            "target",
            "pass/fail",
        ],
        rows,
    )
    wall = time.perf_counter() - wall0
    load_end = load_average()
    info["load_average_start"] = load_start
    info["load_average_end"] = load_end
    print(f"\ntotal wall time: {wall:.1f} s; load average at end: {load_end}")
    if load_start and load_start[0] > 0.5:
        print(
            "warning: the machine was busy when the benchmark started (1-minute load "
            f"{load_start[0]}); timings may be slow and noisy, run again on an idle machine"
        )

    doc = {
        "machine": info,
        "orders": n,
        "bare_event_us": unit,
        "bare": bare,
        "scenarios": scen,
        "memory": memory,
        "table": table,
        "wall_seconds": wall,
    }
    if save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"saved {RESULTS.relative_to(ROOT)}")
    return doc


def profile(orders: int, top: int = 25) -> None:
    """cProfile of the baseline at ``orders`` orders, top functions by own time."""
    import cProfile
    import pstats

    from simulator import simulate

    sc, _ = scaled("baseline", orders)
    prof = cProfile.Profile()
    prof.enable()
    result = simulate(sc)
    prof.disable()
    print(f"baseline, {fmt_int(simulated_orders(result))} orders simulated, under cProfile\n")
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=None, help="N (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="N = 100,000")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=200_000,
        default=None,
        metavar="ORDERS",
        help="only profile the baseline at ORDERS orders (default 200,000) with cProfile",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child)
        return
    if args.profile is not None:
        profile(args.profile)
        return
    n = args.orders if args.orders is not None else (100_000 if args.quick else 1_000_000)
    if n < 10:
        parser.error("--orders must be at least 10")
    benchmark(n, args.save)


if __name__ == "__main__":
    main()
