"""``experiment --set`` and ``--seed``: recorded in the provenance and the design's identity."""

import csv
import json
from pathlib import Path

import yaml

from simulator.cli import main
from simulator.experiment import load_design

ROOT = Path(__file__).resolve().parents[1]
RQ = ROOT / "scenarios" / "textbook" / "rq_poisson.yaml"


def experiment_file(tmp_path: Path) -> str:
    data = {
        "name": "rq",
        "scenario": str(RQ),
        "horizon_days": 100,
        "variants": {"r8": {}, "r10": {"warehouse.policies.item.reorder_point": 10}},
        "replications": 2,
        "kpis": ["fill_rate", "on_hand_mean"],
    }
    file = tmp_path / "rq.yaml"
    file.write_text(yaml.safe_dump(data))
    return str(file)


def on_hand(folder: Path) -> list[float]:
    with open(folder / "runs.csv", newline="") as fh:
        return [float(row["on_hand_mean"]) for row in csv.DictReader(fh)]


def run(capsys, file, out, *args):
    code = main(["experiment", file, "--out", str(out), "--workers", "1", "--quiet", *args])
    captured = capsys.readouterr()
    return code, captured


def test_set_and_seed_change_the_runs_and_are_recorded(tmp_path, capsys):
    file = experiment_file(tmp_path)
    assert run(capsys, file, tmp_path / "plain")[0] == 0
    code, _ = run(
        capsys, file, tmp_path / "set", "--set", "suppliers.vendor.lead_time_days=6", "--seed", "7"
    )
    assert code == 0
    assert on_hand(tmp_path / "set") != on_hand(tmp_path / "plain")
    provenance = json.loads((tmp_path / "set" / "provenance.json").read_text())
    assert provenance["overrides"] == ["suppliers.vendor.lead_time_days=6"]
    assert provenance["seed"] == 7
    scenario = yaml.safe_load((tmp_path / "set" / "scenario.yaml").read_text())
    assert scenario["suppliers"][0]["lead_time_days"] == 6  # the folder re-runs what ran
    assert yaml.safe_load((tmp_path / "set" / "experiment.yaml").read_text())["seed"] == 7


def test_seed_is_the_same_as_writing_it_in_the_file(tmp_path, capsys):
    file = experiment_file(tmp_path)
    assert run(capsys, file, tmp_path / "flag", "--seed", "5")[0] == 0
    data = yaml.safe_load(Path(file).read_text())
    data["seed"] = 5
    other = tmp_path / "seeded.yaml"
    other.write_text(yaml.safe_dump(data))
    assert run(capsys, str(other), tmp_path / "file")[0] == 0
    assert on_hand(tmp_path / "flag") == on_hand(tmp_path / "file")


def test_a_stored_design_under_other_overrides_is_not_mixed_in(tmp_path, capsys):
    file = experiment_file(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, file, out)[0] == 0
    plain = on_hand(out)
    changed_runs = ["--set", "suppliers.vendor.lead_time_days=6"]
    code, captured = run(capsys, file, out, *changed_runs)
    assert code == 0 and on_hand(out) != plain  # none of the other scenario's runs re-used
    assert "(4 simulated, 0 from the store)" in captured.out
    assert "base scenario suppliers.vendor.lead_time_days: " in captured.out
    assert "0 runs re-used, 4 to run" in captured.out
    changed = on_hand(out)
    code, captured = run(capsys, file, out, *changed_runs, "--resume")
    assert code == 0 and on_hand(out) == changed  # the same --set again: its own runs
    assert "(0 simulated, 4 from the store)" in captured.out
    code, captured = run(capsys, file, out)
    assert code == 0 and on_hand(out) == plain  # and without it: the first runs, not mixed
    assert "(0 simulated, 4 from the store)" in captured.out
    plain_design = load_design(file)
    changed = load_design(file, overrides=["suppliers.vendor.lead_time_days=6"])
    reseeded = load_design(file, seed=3)
    assert len({plain_design.design_hash, changed.design_hash, reseeded.design_hash}) == 3
    assert changed.overrides == ["suppliers.vendor.lead_time_days=6"]


def test_set_mistakes_are_named(tmp_path, capsys):
    file = experiment_file(tmp_path)
    code, captured = run(
        capsys, file, tmp_path / "bad", "--set", "suppliers.vendr.lead_time_days=6"
    )
    assert code == 2
    assert "--set suppliers.vendr.lead_time_days=6" in captured.err
    assert "vendor" in captured.err
    code, captured = run(capsys, file, tmp_path / "bad", "--seed", "-1")
    assert code == 2 and "--seed: must be >= 0" in captured.err
