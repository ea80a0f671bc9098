"""Regenerate the golden outputs on purpose: ``python tests/golden/regenerate.py``.

Run it only when a change of the model's numbers is intended, and say why in the commit message:
the diff of the JSON files then shows exactly which figures moved.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from simulator import load_scenario, simulate  # noqa: E402

#: scenario file, overrides: short runs of each example, every part of the model exercised.
CASES = {
    "baseline": ("scenarios/baseline.yaml", ["horizon_days=90"]),
    "customer_service": ("scenarios/customer_service.yaml", ["horizon_days=90"]),
    "safety_stock": ("scenarios/safety_stock.yaml", ["horizon_days=90"]),
    "vmi": ("scenarios/vmi.yaml", ["horizon_days=90"]),
    "rq_poisson": ("scenarios/textbook/rq_poisson.yaml", ["horizon_days=500"]),
}


def produce(name: str) -> dict:
    """The result document of one golden case."""
    path, overrides = CASES[name]
    return simulate(load_scenario(ROOT / path, overrides)).document


def main() -> None:
    for name in CASES:
        doc = produce(name)
        doc.pop("version", None)
        (HERE / f"{name}.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        print(f"wrote tests/golden/{name}.json")


if __name__ == "__main__":
    main()
