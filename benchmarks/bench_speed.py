"""Speed of supplysim for optimisation loops, everything side by side in one run.

Run from the repository root:

    python benchmarks/bench_speed.py                 # N = 200,000 orders per scenario
    python benchmarks/bench_speed.py --quick         # N = 50,000, no memory children
    python benchmarks/bench_speed.py --experiment    # also time the flagship experiment (40 runs)
    python benchmarks/bench_speed.py --save  # also write benchmarks/results/speed-latest.json

What it measures, all in this one process unless said otherwise, in CPU seconds of this process
(``--wall`` for wall seconds: on a shared machine they include time spent waiting for a core):

1. the bare-event unit with a realistic event queue: ``PENDING`` SimPy processes each doing
   ``yield env.timeout(x)``, so that about ``PENDING`` events wait in the heap while every event
   is timed (the empty-queue figure is printed beside it for reference);
2. a lean hand-written SimPy model of the ideal (r, Q) chain of ``rq_poisson.yaml`` (Poisson
   arrivals in one process, allocation and backorders, one timeout per replenishment order): the
   floor any simulator of that chain stands on;
3. the ideal (r, Q) chain, the baseline, the customer scenario, the flagship scenario and its VMI
   variant, scaled to about N orders each: microseconds per order, bare-event costs per order,
   and Python calls per order (cProfile's call count at N/4, which machine load does not move);
   each scenario's own mean queue length is sampled too (a run of the same N), and the unit
   timed again at that length, in turns with the scenario (best of each): the targets are judged
   against that unit (a heap of 4 events costs less per event than one of 2,000, and the
   scenarios' own queues hold from 4 to about 350);
4. peak RSS of fresh processes at N/10 and N orders (trace off): flat in orders (baseline) and in
   simulated days (rq_poisson has 2 orders a day, so its N orders span N/2 days);
5. model build time (specs and wiring, not YAML validation) at 10, 100 and 1,000 products and
   suppliers, with the time to validate the scenario beside it;
6. with ``--experiment``: the wall time of the flagship experiment
   (``supplysim experiment experiments/vmi_vs_safety_stock.yaml``, 40 runs, default workers)
   and the 1,000-run sweep it implies.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_core import (  # noqa: E402
    KIB_PER_MIB,
    fmt_int,
    load_average,
    machine_info,
    maxrss_kib,
    print_table,
    proc_status_kib,
)

RESULTS = ROOT / "benchmarks" / "results" / "speed-latest.json"
SCENARIOS = {
    "rq_poisson": ROOT / "scenarios" / "textbook" / "rq_poisson.yaml",
    "baseline": ROOT / "scenarios" / "baseline.yaml",
    "customer_service": ROOT / "scenarios" / "customer_service.yaml",
    "safety_stock": ROOT / "scenarios" / "safety_stock.yaml",
    "vmi": ROOT / "scenarios" / "vmi.yaml",
}
#: The issue's targets, in bare-event costs per order.
TARGETS = {"rq_poisson": 4, "baseline": 8, "customer_service": 12, "safety_stock": 12, "vmi": 12}
MEMORY_SCENARIOS = ("rq_poisson", "baseline")
BUILD_SIZES = (10, 100, 1000)
PENDING = 2000
REPS = 3
#: Event and scenario timings are this process's CPU time: on a shared machine, time spent
#: waiting for a core is not the simulator's cost (wall time counts it; ``--wall`` restores it).
cpu_clock = time.process_time


def best_of(reps: int, fn):
    """The smallest of ``reps`` timings of ``fn()`` (which returns seconds and a count)."""
    return min((fn() for _ in range(reps)), key=lambda r: r[0])


# -- 1. the bare-event unit ---------------------------------------------------------------------


def bare_events(n: int, pending: int) -> tuple[float, int]:
    """``n`` timeouts yielded by ``pending`` processes at once: seconds and events."""
    import numpy as np
    import simpy

    env = simpy.Environment()
    xs = np.random.default_rng(1).exponential(float(pending), n).tolist()
    per = n // pending

    def proc(env, chunk):
        timeout = env.timeout
        for x in chunk:
            yield timeout(x)

    for i in range(pending):
        env.process(proc(env, xs[i * per : (i + 1) * per]))
    env.run(until=1e-12)  # start every process: the heap now holds ``pending`` timeouts
    assert len(env._queue) >= pending
    t0 = cpu_clock()
    env.run()
    return cpu_clock() - t0, per * pending


# -- 2. the lean (r, Q) model -------------------------------------------------------------------


def lean_rq(orders: int) -> tuple[float, int]:
    """The ideal (r, Q) chain of rq_poisson.yaml written by hand: seconds and orders."""
    import numpy as np
    import simpy
    from simpy.events import Timeout

    rate, r, q, lead = 2.0, 8, 5, 4.0
    env = simpy.Environment()
    gaps = np.random.default_rng(1).exponential(1 / rate, orders).tolist()
    s = {"on_hand": r + q, "on_order": 0, "back": 0, "filled": 0}

    def receive(event):
        on_hand = s["on_hand"] + q
        s["on_order"] -= q
        served = min(s["back"], on_hand)
        s["back"] -= served
        s["on_hand"] = on_hand - served

    def arrivals(env):
        timeout = env.timeout
        for gap in gaps:
            yield timeout(gap)
            if s["on_hand"]:
                s["on_hand"] -= 1
                s["filled"] += 1
            else:
                s["back"] += 1
            if s["on_hand"] + s["on_order"] - s["back"] <= r:
                s["on_order"] += q
                Timeout(env, lead).callbacks.append(receive)

    env.process(arrivals(env))
    t0 = cpu_clock()
    env.run()
    return cpu_clock() - t0, orders


# -- 3. scenarios -------------------------------------------------------------------------------


def scaled(key: str, orders: int):
    """Scenario ``key`` with its horizon set for about ``orders`` orders (nominal rate)."""
    from simulator import load_scenario

    sc = load_scenario(SCENARIOS[key])
    rate = sum(seg.count * seg.orders_per_customer_per_day for seg in sc.customers.segments)
    return load_scenario(SCENARIOS[key], overrides=[f"horizon_days={orders / rate!r}"])


def run_scenario(key: str, orders: int, profile: bool = False) -> tuple[float, int, int]:
    """One run of the scaled scenario: seconds, orders simulated (warm-up included), calls."""
    from simulator.model import Model

    sc = scaled(key, orders)
    prof = cProfile.Profile() if profile else None
    t0 = cpu_clock()
    if prof:
        prof.enable()
    model = Model(sc)
    model.run()
    if prof:
        prof.disable()
    seconds = cpu_clock() - t0
    made = next(model.segments[0]._ids) - 1  # shared by segments (replacements included)
    calls = pstats.Stats(prof).total_calls if prof else 0
    return seconds, made, calls


def mean_queue(key: str, orders: int = 20_000) -> float:
    """Mean number of events waiting in the scenario's own SimPy queue, sampled every 0.05 day.

    The bare-event unit is timed again at this length: a heap of a few events (the ideal (r, Q)
    chain) costs less per event than one of hundreds (one pending order per customer).
    """
    from simulator.model import Model

    model = Model(scaled(key, orders))
    env = model.env
    sizes: list[int] = []

    def sample():
        while True:
            sizes.append(len(env._queue) - 1)  # less the sampler's own timeout
            yield env.timeout(0.05)

    env.process(sample())
    model.run()
    return sum(sizes) / len(sizes)


# -- 4. memory in fresh processes ---------------------------------------------------------------


def child_main(spec: str) -> None:
    """Hidden ``--child KEY:ORDERS``: one run in this fresh process; print JSON."""
    key, orders = spec.split(":")
    import simulator.model  # noqa: F401  (imports counted in the base, as in real use)

    seconds, made, _ = run_scenario(key, int(orders))
    out = {"seconds": seconds, "orders": made, "maxrss_kib": maxrss_kib()}
    out["vmhwm_kib"] = proc_status_kib("VmHWM")
    print(json.dumps(out))


def run_child(key: str, orders: int) -> dict:
    """``child_main`` in a fresh interpreter."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", f"{key}:{orders}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- 5. build time ------------------------------------------------------------------------------


def wide_scenario(n: int) -> dict:
    """A scenario with ``n`` products and ``n`` suppliers (supplier i makes product i)."""
    products = [{"id": f"p{i}", "unit_cost": 10, "price": 15} for i in range(n)]
    suppliers = [
        {
            "id": f"s{i}",
            "products": [f"p{i}"],
            "lead_time_days": {"dist": "gamma", "mean": 4, "sd": 1},
        }
        for i in range(n)
    ]
    policies = {
        f"p{i}": {"type": "reorder_point", "reorder_point": 20, "order_quantity": 30}
        for i in range(n)
    }
    return {
        "name": f"wide_{n}",
        "horizon_days": 10,
        "warmup_days": 0,
        "seed": 1,
        "products": products,
        "suppliers": suppliers,
        "warehouse": {"holding_cost_per_unit_day": 0.01, "policies": policies},
        "customers": {
            "segments": [
                {
                    "id": "all",
                    "count": 100,
                    "orders_per_customer_per_day": 1.0,
                    "quantity": {"dist": "poisson", "mean": 2},
                    "product_mix": {f"p{i}": 1.0 / n for i in range(n)},
                    "promised_days": 2,
                    "behaviour": "none",
                }
            ]
        },
    }


def build_times(n: int) -> tuple[float, float]:
    """Seconds to validate, and to build the model of, the ``n`` x ``n`` scenario."""
    from simulator import parse_scenario
    from simulator.model import Model

    data = wide_scenario(n)
    t0 = time.perf_counter()
    sc = parse_scenario(data)
    t1 = time.perf_counter()
    Model(sc)
    return t1 - t0, time.perf_counter() - t1


# -- 6. the flagship experiment -----------------------------------------------------------------


def flagship_experiment() -> float:
    """Wall seconds of ``supplysim experiment experiments/vmi_vs_safety_stock.yaml``."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "simulator", "experiment", "--quiet", "--out", out]
        cmd.append(str(ROOT / "experiments" / "vmi_vs_safety_stock.yaml"))
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - t0


# -- the run ------------------------------------------------------------------------------------


def benchmark(n: int, memory: bool, experiment: bool) -> dict:
    wall0 = time.perf_counter()
    doc: dict = {"orders": n, "load_start": load_average()}
    if memory:  # first, while this process is small (ru_maxrss survives execve)
        mem = doc["memory"] = {}
        for key in MEMORY_SCENARIOS:
            small, large = run_child(key, n // 10), run_child(key, n)
            growth = (large["maxrss_kib"] - small["maxrss_kib"]) / KIB_PER_MIB
            mem[key] = {"small": small, "large": large, "growth_mib": growth}
    doc["machine"] = machine_info()

    unit, events = best_of(REPS, lambda: bare_events(n, PENDING))
    unit = unit / events * 1e6
    empty, events = best_of(REPS, lambda: bare_events(n, 1))
    empty = empty / events * 1e6
    doc["bare_us"] = unit
    doc["bare_empty_queue_us"] = empty
    lean_s, lean_n = best_of(REPS, lambda: lean_rq(n))
    rows = [["bare event, 2,000 pending (unit)", f"{unit:.3f}", "1.00", "", "", ""]]
    rows.append(["bare event, empty queue", f"{empty:.3f}", f"{empty / unit:.2f}", "", "", ""])
    lean_us = lean_s / lean_n * 1e6
    doc["lean_rq_us"] = lean_us
    lean = f"{lean_us:.3f}"
    rows.append(["lean SimPy (r, Q) model", lean, f"{lean_us / unit:.2f}", "", "", ""])

    scen = doc["scenarios"] = {}
    for key in SCENARIOS:
        run_scenario(key, 2000)  # warm imports and caches
        queue = mean_queue(key, n)  # at the same N: queues of customers who remember grow
        # the scenario and the unit at its own queue, timed in turns (best of each): a change of
        # load during the run moves both alike
        runs, units = [], []
        for _ in range(REPS):
            runs.append(run_scenario(key, n)[:2])
            units.append(bare_events(n, max(1, round(queue))))
        seconds, made = min(runs, key=lambda r: r[0])
        own, own_events = min(units, key=lambda r: r[0])
        _, pmade, calls = run_scenario(key, n // 4, profile=True)
        us = seconds / made * 1e6
        own_unit = own / own_events * 1e6
        scen[key] = {
            "orders": made,
            "seconds": seconds,
            "us_per_order": us,
            "bare_per_order": us / unit,
            "mean_queue": queue,
            "own_queue_unit_us": own_unit,
            "bare_per_order_own_queue": us / own_unit,
            "calls_per_order": calls / pmade,
            "target": TARGETS[key],
        }
        verdict = "pass" if us / own_unit <= TARGETS[key] else "FAIL"
        rows.append(
            [
                f"{key} ({fmt_int(made)} orders)",
                f"{us:.3f}",
                f"{us / unit:.2f}",
                f"{queue:.0f}: {own_unit:.3f} us, {us / own_unit:.2f}",
                f"{calls / pmade:.1f}",
                f"<= {TARGETS[key]} {verdict}",
            ]
        )
        print(f"{key}: {us:.2f} us/order", flush=True)

    builds = doc["build"] = {}
    for size in BUILD_SIZES:
        builds[size] = best_of(REPS, lambda size=size: build_times(size)[::-1])[::-1]

    print(
        f"\nN = {fmt_int(n)} orders; commit {doc['machine']['code']['commit']}; "
        f"load at start {doc['load_start']}\n"
    )
    print_table(
        [
            "case",
            "us/order",
            "bare events/order",
            "own queue: unit, events/order",
            "calls/order",
            "target (own queue)",
        ],
        rows,
    )
    if memory:
        print("\nPeak RSS, fresh process per run, trace off (MiB)\n")
        print_table(
            ["scenario", "orders N/10", "peak", "orders N", "peak", "growth"],
            [
                [
                    key,
                    fmt_int(m["small"]["orders"]),
                    f"{m['small']['maxrss_kib'] / KIB_PER_MIB:.1f}",
                    fmt_int(m["large"]["orders"]),
                    f"{m['large']['maxrss_kib'] / KIB_PER_MIB:.1f}",
                    f"{m['growth_mib']:+.1f}",
                ]
                for key, m in doc["memory"].items()
            ],
        )
    print("\nBuild time: n products and n suppliers (seconds)\n")
    print_table(
        ["n", "validate", "build model"],
        [[fmt_int(k), f"{v[0]:.3f}", f"{v[1]:.3f}"] for k, v in builds.items()],
    )
    if experiment:
        wall = doc["experiment_seconds"] = flagship_experiment()
        print(
            f"\nflagship experiment (40 runs): {wall:.1f} s wall; "
            f"a 1,000-run sweep: about {wall * 25 / 60:.1f} min"
        )
    doc["load_end"] = load_average()
    doc["wall_seconds"] = time.perf_counter() - wall0
    print(f"\ntotal {doc['wall_seconds']:.0f} s; load at end {doc['load_end']}")
    return doc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=None, help="N (default 200,000)")
    parser.add_argument("--quick", action="store_true", help="N = 50,000, no memory children")
    parser.add_argument("--experiment", action="store_true", help="time the flagship experiment")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--wall", action="store_true", help="time in wall seconds, not CPU")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.wall:
        global cpu_clock
        cpu_clock = time.perf_counter
    if args.child:
        child_main(args.child)
        return
    n = args.orders or (50_000 if args.quick else 200_000)
    doc = benchmark(n, memory=not args.quick, experiment=args.experiment)
    if args.save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(doc, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
