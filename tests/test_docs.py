"""Documentation that is generated from code must match the code."""

from pathlib import Path

from simulator.config.reference import render

ROOT = Path(__file__).resolve().parents[1]


def test_scenario_reference_is_up_to_date():
    committed = (ROOT / "docs" / "scenario-reference.md").read_text()
    assert committed == render(), (
        "docs/scenario-reference.md is stale: "
        "python -m simulator.config.reference > docs/scenario-reference.md"
    )
