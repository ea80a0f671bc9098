"""Documentation that is generated from code must match the code, and leave nothing out."""

import inspect
import re
import typing
from pathlib import Path

from pydantic import BaseModel

from simulator import kpi_reference, kpis
from simulator.config import reference, schema
from simulator.config.experiment_schema import Experiment
from simulator.config.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_REFERENCE = (ROOT / "docs" / "scenario-reference.md").read_text()

#: Models the hand-written list of sections once left out of the reference.
ONCE_MISSING = {
    "Production",
    "Forecast",
    "MovingAverage",
    "ExponentialSmoothing",
    "VmiPolicy",
    "Sourcing",
    "Expedite",
    "Scorecard",
    "ScorecardWeights",
}


def _models_in(annotation) -> set[type[BaseModel]]:
    """Models a value of ``annotation`` can hold, through every generic argument."""
    if inspect.isclass(annotation) and not typing.get_args(annotation):
        return {annotation} if issubclass(annotation, BaseModel) else set()
    return {m for arg in typing.get_args(annotation) for m in _models_in(arg)}


def _reachable(root: type[BaseModel]) -> set[type[BaseModel]]:
    """Every model reachable from ``root`` through its fields' annotations (not the generator's)."""
    seen: set[type[BaseModel]] = set()
    todo = [root]
    while todo:
        model = todo.pop()
        if model not in seen:
            seen.add(model)
            for info in model.model_fields.values():
                todo.extend(_models_in(info.annotation))
    return seen


def _missing_sections(doc: str, models: set[type[BaseModel]]) -> list[str]:
    """Names of the models without a section heading ``### ... (Name)`` in ``doc``."""
    return sorted(
        m.__name__
        for m in models
        if not re.search(rf"^#+ .*\({m.__name__}\)$", doc, flags=re.MULTILINE)
    )


def test_scenario_reference_is_up_to_date():
    assert SCENARIO_REFERENCE == reference.render(), (
        "docs/scenario-reference.md is stale: python -m simulator.config.reference --write"
    )


def test_the_walk_reaches_the_models_once_left_out():
    names = {m.__name__ for m in _reachable(Scenario)}
    assert ONCE_MISSING <= names
    assert {"Normal", "Empirical"} <= names  # the distributions a DIST can be


def test_every_reachable_model_has_a_section():
    models = _reachable(Scenario) | _reachable(Experiment)
    assert len(models) >= 44
    assert _missing_sections(SCENARIO_REFERENCE, models) == []


def test_a_missing_section_is_noticed():
    without_vmi = re.sub(r"^### .*\(VmiPolicy\)$", "", SCENARIO_REFERENCE, flags=re.MULTILINE)
    assert _missing_sections(without_vmi, _reachable(Scenario)) == ["VmiPolicy"]


def test_every_schema_model_is_reachable_from_the_scenario():
    exported = {
        getattr(schema, name)
        for name in schema.__all__
        if inspect.isclass(getattr(schema, name)) and issubclass(getattr(schema, name), BaseModel)
    }
    assert exported - {schema.Model} <= _reachable(Scenario)


def test_kpi_reference_is_up_to_date():
    committed = (ROOT / "docs" / "kpis.md").read_text()
    assert committed == kpi_reference.render(), (
        "docs/kpis.md is stale: python -m simulator.kpi_reference --write"
    )


def test_kpi_reference_lists_every_kpi_of_every_scope():
    doc = kpi_reference.render()
    for k in kpis.REGISTRY:
        assert f"| `{k.name}`" in doc, k.name
    assert "until returns are modelled" not in doc


def test_write_puts_the_text_in_the_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    assert kpi_reference.main(["--write"]) == 0
    assert (tmp_path / "docs" / "kpis.md").read_text() == kpi_reference.render()
    assert reference.main(["--bogus"]) == 2
