"""Start-up: the command line imports the heavy libraries only where a command uses them.

Not a timing test (timings depend on the machine's load): it checks which modules are imported.
``supplysim --version``, ``--help`` and ``validate`` answer in well under half a second on an idle
machine because none of these is.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "matplotlib", "optuna", "jinja2", "dask", "simpy", "pandas")


def imported_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint('HEAVY', *(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return out.stdout.splitlines()[-1].split()[1:]


def test_importing_the_command_line_imports_no_heavy_library():
    assert imported_after("import simulator.cli") == []


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["validate", "scenarios/baseline.yaml"]]
)
def test_version_help_and_validating_a_scenario_import_no_heavy_library(argv):
    code = f"from simulator.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"
    assert imported_after(code) == []


def test_the_public_api_still_imports_on_first_use():
    import simulator

    assert callable(simulator.simulate) and callable(simulator.run_experiment)
    assert "simulate" in simulator.__all__
