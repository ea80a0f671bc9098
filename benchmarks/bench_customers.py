"""Scale of the customer model: a year with 100,000 remembering customers, time and memory.

Runs scenarios/customer_service.yaml with its customer base scaled to N customers (default
100,000; the retail segment holds 96% of them) for one measured year, each case in a fresh
subprocess so that peak memory (ru_maxrss) belongs to that case alone. Memory must not grow with
the number of orders when the trace is off: the same customers are also run for a quarter of the
horizon and the peak RSS of both runs is compared.

    python benchmarks/bench_customers.py [--customers N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "customer_service.yaml"


def one(customers: int, days: float) -> dict:
    """Run one case in this process and return its figures."""
    from simulator import load_scenario, simulate

    retail = round(customers * 0.96)
    sc = load_scenario(
        SCENARIO,
        [
            f"horizon_days={days}",
            f"customers.segments.retail.count={retail}",
            f"customers.segments.business.count={customers - retail}",
            # the warehouse is sized for the demand of the scaled customer base
            f"warehouse.policies.gadget.min={round(1500 * customers / 4150)}",
            f"warehouse.policies.gadget.max={round(2300 * customers / 4150)}",
            f"warehouse.picking.workers={max(3, round(3 * customers / 4150))}",
            f"suppliers.acme.capacity_per_day={round(400 * customers / 4150)}",
            f"service_desk.agents={max(2, round(2 * customers / 4150))}",
        ],
    )
    start = time.perf_counter()
    doc = simulate(sc).document
    seconds = time.perf_counter() - start
    k = doc["kpis"]
    return {
        "customers": customers,
        "days": days,
        "seconds": seconds,
        "orders": k["orders"],
        "us_per_order": 1e6 * seconds / max(1, k["orders"]),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "active_end": k["active_customers_end"],
        "churned": k["churned_customers"],
        "fill_rate": k["fill_rate"],
    }


def in_subprocess(customers: int, days: float) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(customers), str(days)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 customers")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(int(args.one[0]), float(args.one[1]))))
        return
    n = 10_000 if args.quick else args.customers
    print(
        f"supplysim customer-model scale benchmark, Python {platform.python_version()}, "
        f"{platform.processor() or platform.machine()}"
    )
    rows = [in_subprocess(n, 365 / 4), in_subprocess(n, 365)]
    print(
        f"{'customers':>10} {'days':>6} {'orders':>10} {'seconds':>8} {'us/order':>9} "
        f"{'peak RSS MiB':>13} {'active end':>11} {'churned':>8}"
    )
    for r in rows:
        print(
            f"{r['customers']:>10,} {r['days']:>6.0f} {r['orders']:>10,} {r['seconds']:>8.1f} "
            f"{r['us_per_order']:>9.1f} {r['peak_rss_mib']:>13.1f} {r['active_end']:>11,} "
            f"{r['churned']:>8,}"
        )
    small, big = rows
    extra_orders = (big["orders"] - small["orders"]) / 1e6
    growth = (big["peak_rss_mib"] - small["peak_rss_mib"]) / extra_orders if extra_orders else 0
    print(
        f"memory growth: {growth:.1f} MiB per million extra orders "
        f"({small['peak_rss_mib']:.0f} -> {big['peak_rss_mib']:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
