"""Network benchmark: a plant, 3 DCs and 20 stores with 50 products, beside one warehouse.

Run from the repository root:

    python benchmarks/bench_network.py            # a year (365 days)
    python benchmarks/bench_network.py --days 90  # shorter
    python benchmarks/bench_network.py --repeat 5 # best of 5 (a busy machine needs more)

It builds two scenarios with the same customers (20 segments, one per store, each ordering
every product): the network (plant -> 3 DCs -> 20 stores, lanes with transit times) and the
single-site baseline (every segment served by one warehouse), each with two kinds of policies:
one for one (base stock at every site) and batches ((r, Q) at every site). It prints
microseconds per customer order of each (build and run, wall clock, the best of ``--repeat``
runs taken in turns, so that a busy moment of the machine hits both alike), with their ratio
(goal: the network within 1.5x of the baseline), and the peak traced memory (tracemalloc) of
the network at half the horizon, the horizon and twice the horizon (goal: flat in simulated
days).

By construction each customer order of the network moves stock twice (a transfer from the DC
to the store, and the DC's purchase order), where the baseline's moves it once: the ratio
measures what a hop costs, not the network's bookkeeping alone.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

from simulator.config.loading import validate_model
from simulator.config.schema import Scenario
from simulator.model import simulate

PRODUCTS, DCS, STORES = 50, 3, 20


def customers() -> list[dict]:
    """One segment per store, each ordering every product equally."""
    mix = {f"p{i}": 1.0 / PRODUCTS for i in range(PRODUCTS)}
    return [
        {
            "id": f"c{j}",
            "count": 50,
            "orders_per_customer_per_day": 0.2,
            "product_mix": mix,
            "promised_days": 3,
        }
        for j in range(STORES)
    ]


def base(days: float) -> dict:
    """The parts both scenarios share."""
    return {
        "name": "bench",
        "horizon_days": days,
        "warmup_days": 10,
        "products": [{"id": f"p{i}", "unit_cost": 1, "price": 2} for i in range(PRODUCTS)],
        "suppliers": [
            {"id": "plant", "products": [f"p{i}" for i in range(PRODUCTS)], "lead_time_days": 4}
        ],
    }


#: The policies of each run, by site kind: one for one (every customer order is replenished at
#: once, at every echelon: the most replenishment work per order there is) or in batches (r, Q),
#: about 8 of a store's orders per transfer and 40 units per purchase order.
POLICIES = {
    "one_for_one": {
        "dc": {"type": "base_stock", "level": 40},
        "store": {"type": "base_stock", "level": 6},
        "single": {"type": "base_stock", "level": 60},
    },
    "batch": {
        "dc": {"type": "reorder_point", "reorder_point": 16, "order_quantity": 40},
        "store": {"type": "reorder_point", "reorder_point": 2, "order_quantity": 8},
        "single": {"type": "reorder_point", "reorder_point": 30, "order_quantity": 40},
    },
}


def network(days: float, policies: str = "one_for_one") -> Scenario:
    """Plant -> 3 DCs -> 20 stores."""
    data = base(days)
    dc, store = POLICIES[policies]["dc"], POLICIES[policies]["store"]
    data["sites"] = [
        {"id": f"dc{k}", "policies": {f"p{i}": dict(dc) for i in range(PRODUCTS)}}
        for k in range(DCS)
    ] + [
        {
            "id": f"s{j}",
            "replenish_from": {f"p{i}": f"dc{j % DCS}" for i in range(PRODUCTS)},
            "policies": {f"p{i}": dict(store) for i in range(PRODUCTS)},
        }
        for j in range(STORES)
    ]
    data["lanes"] = [
        {"origin": f"dc{j % DCS}", "destination": f"s{j}", "transit_days": 1} for j in range(STORES)
    ]
    segs = customers()
    for j, seg in enumerate(segs):
        seg["site"] = f"s{j}"
    data["customers"] = {"segments": segs}
    return validate_model(Scenario, data, "network")


def single(days: float, policies: str = "one_for_one") -> Scenario:
    """The same customers at one warehouse."""
    data = base(days)
    own = POLICIES[policies]["single"]
    data["warehouse"] = {"policies": {f"p{i}": dict(own) for i in range(PRODUCTS)}}
    data["customers"] = {"segments": customers()}
    return validate_model(Scenario, data, "single")


def per_order(sc: Scenario) -> tuple[float, int]:
    """Microseconds per measured customer order, and the orders.

    The previous run's garbage is collected first, outside the timing: it would otherwise be
    traversed by the collector during this run and charged to it.
    """
    gc.collect()
    start = time.perf_counter()
    doc = simulate(sc).document
    elapsed = time.perf_counter() - start
    orders = doc["kpis"]["orders"]
    return elapsed / orders * 1e6, orders


def peak_mib(sc: Scenario) -> float:
    """Peak traced memory of one run (MiB)."""
    tracemalloc.start()
    simulate(sc)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    """Print the timings and the memory figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--policies",
        choices=[*POLICIES, "both"],
        default="both",
        help="one for one at every site, (r, Q) batches, or both (default)",
    )
    args = parser.parse_args()
    days = args.days
    for kind in POLICIES if args.policies == "both" else [args.policies]:
        singles, networks = [], []
        for _ in range(max(1, args.repeat)):  # in turns: a busy moment slows both alike
            singles.append(per_order(single(days, kind)))
            networks.append(per_order(network(days, kind)))
        us_single, n_single = min(singles)
        us_net, n_net = min(networks)
        n = len(singles)
        print(f"policies {kind}:")
        print(f"  single site : {us_single:7.1f} us/order ({n_single:,} orders), best of {n}")
        print(f"  network     : {us_net:7.1f} us/order ({n_net:,} orders), best of {n}")
        print(f"  ratio       : {us_net / us_single:7.2f} (goal <= 1.5)")
    spans = (days / 2, days, 2 * days)
    peaks = ", ".join(f"{peak_mib(network(d)):.1f} MiB at {d:g} days" for d in spans)
    print(f"peak memory : {peaks}")


if __name__ == "__main__":
    main()
