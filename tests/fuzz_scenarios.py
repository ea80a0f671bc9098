"""Fuzz driver: mutate the example scenarios and check each is refused cleanly or runs cleanly.

Run by tests/test_fuzz.py in a child process with a memory cap; by hand:

    python tests/fuzz_scenarios.py --cases 2000 --seed 7

Each case takes one example scenario, replaces one to three values at random paths with hostile
ones (zero, negative, huge, infinite, NaN, tiny, text, lists, nothing), writes it to a file and
calls the CLI in-process: ``validate``, then, when valid, ``run`` with a short horizon and
``--json``. A case passes when validation refuses it with exit 2 and ``FILE: path: message``
lines, or when it runs with exit 0 and strict JSON on stdout, within a time bound. Anything else
(another exit code, a traceback, an exception escaping ``main``, non-strict JSON, a time-out) is
printed as a failure. The driver exits 1 if any case failed.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import random
import signal
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.cli import main  # noqa: E402

SOURCES = sorted(
    p
    for pattern in ("scenarios/*.yaml", "scenarios/textbook/*.yaml", "scenarios/tutorial/*.yaml")
    for p in ROOT.glob(pattern)
)
HOSTILE = [
    0,
    -1,
    1,
    0.5,
    1e-300,
    -1e-300,
    1e6,
    1e9,
    1e15,
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    2**63,
    "",
    "text",
    "1e0",
    "none",
    None,
    [],
    [1, 2],
    {},
    {"dist": "poisson", "mean": 1e12},
    {"dist": "empirical", "values": [1, 2], "weights": [1e308, 1e308]},
    {"dist": "uniform", "low": 5, "high": 1},
    True,
]
#: Seconds one case may take (validation plus a short run).
CASE_SECONDS = 20
RUN_DAYS = "5"
#: The work limit the cases run under (docs/limits.md): the default (ten million events, minutes)
#: does not fit in CASE_SECONDS; this does. Above it, a case must be refused like any other.
LIMIT = ["--max-events", "1000000"]


class TimedOut(BaseException):
    """A case ran past its time bound (a BaseException, so that main cannot swallow it)."""


def _alarm(signum, frame):
    raise TimedOut


def leaves(node, path=()):
    """Every (path, value) of a YAML tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*path, k), v
            yield from leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield (*path, i), v
            yield from leaves(v, (*path, i))


def mutate(data, rng: random.Random):
    """Replace one to three values at random paths; return the paths changed."""
    changed = []
    for _ in range(rng.randint(1, 3)):
        paths = [p for p, _ in leaves(data)]
        path = rng.choice(paths)
        node = data
        for key in path[:-1]:
            node = node[key]
        # a copy: the same list or mapping inserted twice, or mutated in place by a later change,
        # would corrupt HOSTILE for the next cases (or make the tree contain itself)
        node[path[-1]] = copy.deepcopy(rng.choice(HOSTILE))
        changed.append(".".join(map(str, path)))
    return changed


def call(args):
    """``main(args)`` with captured output: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def strict(text: str):
    def refuse(token):
        raise ValueError(f"not strict JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def check_case(path: Path) -> str | None:
    """None when the case behaved; otherwise what went wrong."""
    code, out, err = call(["validate", str(path), *LIMIT])
    text = out + err
    if "Traceback" in text or "internal error" in text:
        return f"validate: {text.strip()[-300:]}"
    if code == 2:
        if f"{path}: " not in err:
            return f"validate exit 2 without a located message: {err.strip()[-300:]}"
        return None
    if code != 0:
        return f"validate exit {code}: {text.strip()[-300:]}"
    code, out, err = call(["run", str(path), "--days", RUN_DAYS, "--json", *LIMIT])
    if code == 2:
        if "Traceback" in err or "internal error" in err:
            return f"run: {err.strip()[-300:]}"
        return f"valid but run refused it (validate must run every check run runs): {err[-300:]}"
    if code != 0:
        return f"run exit {code}: {(out + err).strip()[-300:]}"
    try:
        strict(out)
    except ValueError as exc:
        return f"run --json: {exc}"
    return None


def fuzz(cases: int, seed: int) -> list[str]:
    """Run ``cases`` cases from ``seed``; the failures, described."""
    rng = random.Random(seed)
    failures = []
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(cases):
            source = rng.choice(SOURCES)
            data = yaml.safe_load(source.read_text())
            changed = mutate(data, rng)
            path = Path(tmp) / f"case{i}.yaml"
            try:
                path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
            except yaml.YAMLError:
                continue
            signal.alarm(CASE_SECONDS)
            try:
                problem = check_case(path)
            except TimedOut:
                problem = f"no answer within {CASE_SECONDS} s"
            except BaseException as exc:  # noqa: BLE001 - anything escaping main is a failure
                problem = f"{type(exc).__name__} escaped main: {exc}"
            finally:
                signal.alarm(0)
            if problem:
                failures.append(f"case {i} ({source.name}; {', '.join(changed)}): {problem}")
    return failures


def cli(argv=None) -> int:
    """Command line of the driver."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    failures = fuzz(args.cases, args.seed)
    print(json.dumps({"cases": args.cases, "seed": args.seed, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(cli())
