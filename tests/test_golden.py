"""Golden tests: the example scenarios' outputs, pinned. Not a proof of correctness (the analytic
tests are that): a tripwire for unintended changes of any number. When a change is intended,
regenerate with ``python tests/golden/regenerate.py`` and explain it in the commit."""

import json
import math
from pathlib import Path

import pytest

from tests.golden.regenerate import CASES, produce

HERE = Path(__file__).resolve().parent / "golden"


def close(a, b, path=""):
    """Equal structures, floats to 1e-9 relative (the same arithmetic on another CPU)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys differ"
        for k in a:
            close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, f"{path}.{i}")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.mark.golden
@pytest.mark.parametrize("name", sorted(CASES))
def test_example_output_unchanged(name):
    expected = json.loads((HERE / f"{name}.json").read_text())
    actual = json.loads(json.dumps(produce(name)))
    actual.pop("version", None)
    close(actual, expected, name)
