"""Fuzz: mutated example scenarios are refused with exit 2 and a field path, or run cleanly.

A few hundred cases run in CI (``SUPPLYSIM_FUZZ_CASES`` sets more, ``SUPPLYSIM_FUZZ_SEED`` another
seed). The driver (tests/fuzz_scenarios.py) runs in a child process with an address-space cap, so
a case that tries to allocate without bound fails here instead of taking the machine down.
"""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

DRIVER = Path(__file__).with_name("fuzz_scenarios.py")
CASES = int(os.environ.get("SUPPLYSIM_FUZZ_CASES", "300"))
SEED = int(os.environ.get("SUPPLYSIM_FUZZ_SEED", "1"))
MEMORY_CAP = 3 * 1024**3


def _cap():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def test_mutated_scenarios_are_refused_or_run_cleanly():
    proc = subprocess.run(
        [sys.executable, str(DRIVER), "--cases", str(CASES), "--seed", str(SEED)],
        capture_output=True,
        text=True,
        timeout=60 + 25 * CASES,
        preexec_fn=_cap,
        stdin=subprocess.DEVNULL,
    )
    lines = proc.stdout.strip().splitlines()
    assert lines, proc.stderr[-2000:]
    report = json.loads(lines[-1])
    assert report["cases"] == CASES
    assert report["failures"] == [], "\n".join(report["failures"][:20])
    assert proc.returncode == 0, proc.stderr[-2000:]
