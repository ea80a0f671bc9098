"""What a user's mistake is told: the file kind, the misspelt id, every problem at once."""

from pathlib import Path

import yaml

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
EXPERIMENT = str(ROOT / "experiments" / "service_levels.yaml")


def problems(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.err.strip().splitlines()


def test_a_scenario_given_to_experiment_says_so(capsys):
    code, lines = problems(capsys, "experiment", BASELINE)
    assert code == 2
    assert lines == [
        f"{BASELINE}: (document): this is a scenario file, not an experiment (it has no "
        "variants:); run it with supplysim run, or name it as an experiment's scenario:"
    ]


def test_an_experiment_given_to_run_says_so(capsys):
    code, lines = problems(capsys, "run", EXPERIMENT)
    assert code == 2
    assert len(lines) == 1
    assert "this is an experiment file, not a scenario (it has variants:)" in lines[0]


def test_a_misspelt_product_id_under_set_names_the_closest(capsys):
    override = "warehouse.policies.widgit.service_level=0.9"
    code, lines = problems(capsys, "run", BASELINE, "--set", override)
    assert code == 2
    assert lines == [
        f"{BASELINE}: --set {override}: warehouse.policies has no 'widgit' (did you mean 'widget'?)"
    ]
    assert not any("type" in line for line in lines)


def test_a_new_key_that_is_valid_is_accepted(capsys):
    code = main(["run", BASELINE, "--days", "20", "--set", "warehouse.initial_stock.widget=50"])
    assert code == 0, capsys.readouterr().err


def test_field_and_cross_field_problems_are_reported_together(tmp_path, capsys):
    scenario = {
        "name": "four",
        "horizon_days": 100,
        "products": [{"id": "widget", "unit_cost": -5, "price": 10}],  # field: unit_cost < 0
        "suppliers": [{"id": "acme", "products": ["widget", "gizmo"], "lead_time_days": 5}],
        "warehouse": {"id": "wh", "policies": {"widget": {"type": "base_stock", "level": -3}}},
        "customers": {
            "segments": [
                {
                    "id": "s",
                    "count": 10,
                    "orders_per_customer_per_day": 0.1,
                    "quantity": 1,
                    "promised_days": 3,
                    "product_mix": {"widget": 0.5},
                }
            ]
        },
    }
    file = tmp_path / "four.yaml"
    file.write_text(yaml.safe_dump(scenario))
    code, lines = problems(capsys, "validate", str(file))
    assert code == 2
    paths = sorted(line.split(": ")[1] for line in lines)
    assert paths == [
        "customers.segments.0.product_mix",  # cross-field: shares sum to 0.5
        "products.0.unit_cost",  # field
        "suppliers.0.products.1",  # cross-field: unknown product gizmo
        "warehouse.policies.widget.level",  # field
    ]
    assert any("unknown product 'gizmo'" in line for line in lines)


def test_a_cross_field_problem_on_an_invalid_field_is_not_repeated(tmp_path, capsys):
    data = yaml.safe_load(Path(BASELINE).read_text())
    data["customers"]["segments"][0]["product_mix"] = {"widget": "lots"}
    file = tmp_path / "mix.yaml"
    file.write_text(yaml.safe_dump(data))
    code, lines = problems(capsys, "validate", str(file))
    assert code == 2
    assert len(lines) == 1 and "customers.segments.0.product_mix.widget" in lines[0]
