"""Reruns re-use every stored run they share: runs keyed by scenario, seed and replication.

Each test runs a design, edits it, and runs the same command again: the message names what
changed and counts the runs re-used against the runs to run, only the runs of the new design are
simulated, and the tables are byte for byte those a fresh folder gives for the new design.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import yaml

from simulator.cli import main
from simulator.experiment import load_design
from simulator.store import RunRecord, Store

ROOT = Path(__file__).resolve().parents[1]
RQ = ROOT / "scenarios" / "textbook" / "rq_poisson.yaml"
POLICY = "warehouse.policies.item"
QUANTITY = f"{POLICY}.order_quantity"


def tiny(**fields) -> dict:
    """Two reorder points on the textbook (r, Q) scenario, short runs."""
    data = {
        "name": "tiny",
        "scenario": str(RQ),
        "horizon_days": 40,
        "warmup_days": 5,
        "variants": {
            "r8": {f"{POLICY}.reorder_point": 8},
            "r10": {f"{POLICY}.reorder_point": 10},
        },
        "baseline": "r8",
        "replications": 3,
        "seed": 7,
        "kpis": ["fill_rate", "on_hand_mean"],
    }
    data.update(fields)
    return data


def experiment(tmp_path: Path, capsys, data: dict, out: str = "res", *extra: str) -> str:
    """Run ``data`` as ``exp.yaml`` into ``tmp_path/out``; the terminal output (exit 0 asserted)."""
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    capsys.readouterr()
    args = ["experiment", str(path), "--workers", "1", "--quiet", "--out", str(tmp_path / out)]
    assert main([*args, *extra]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def same_tables(a: Path, b: Path) -> bool:
    return all(
        (a / name).read_bytes() == (b / name).read_bytes()
        for name in ("runs.csv", "summary.csv", "comparison.csv")
    )


def test_more_replications_run_only_the_new_ones(tmp_path, capsys):
    experiment(tmp_path, capsys, tiny())
    text = experiment(tmp_path, capsys, tiny(replications=5))
    assert f"{tmp_path / 'res'}: replications 3 -> 5; 6 runs re-used, 4 to run" in text
    assert "10 runs (4 simulated, 6 from the store)" in text  # 2 per variant
    experiment(tmp_path, capsys, tiny(replications=5), "fresh")
    assert same_tables(tmp_path / "res", tmp_path / "fresh")
    # and fewer again: nothing to run, the first three reported, the other two kept
    text = experiment(tmp_path, capsys, tiny())
    assert "replications 5 -> 3; 6 runs re-used, 0 to run" in text
    experiment(tmp_path, capsys, tiny(), "three")
    assert same_tables(tmp_path / "res", tmp_path / "three")
    with sqlite3.connect(tmp_path / "res" / "results.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 10
        assert db.execute("SELECT COUNT(*) FROM design_runs").fetchone()[0] == 6


def test_one_sweep_value_edited_runs_only_that_point(tmp_path, capsys):
    experiment(tmp_path, capsys, tiny(sweep={"grid": {QUANTITY: [5, 7, 12]}}))
    edited = tiny(sweep={"grid": {QUANTITY: [5, 7, 14]}})
    text = experiment(tmp_path, capsys, edited)
    assert f"sweep {QUANTITY}: added 14, removed 12; 12 runs re-used, 6 to run" in text
    assert "18 runs (6 simulated, 12 from the store)" in text
    experiment(tmp_path, capsys, edited, "fresh")
    assert same_tables(tmp_path / "res", tmp_path / "fresh")
    with open(tmp_path / "res" / "runs.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 18 and {row[QUANTITY] for row in rows} == {"5", "7", "14"}  # not 12


def test_a_variant_added_or_removed_runs_only_its_runs(tmp_path, capsys):
    experiment(tmp_path, capsys, tiny())
    variants = {**tiny()["variants"], "r12": {f"{POLICY}.reorder_point": 12}}
    text = experiment(tmp_path, capsys, tiny(variants=variants))
    assert "variant r12: added; 6 runs re-used, 3 to run" in text
    text = experiment(
        tmp_path, capsys, tiny(variants={"r8": variants["r8"], "r12": variants["r12"]})
    )
    assert "variant r10: removed; 6 runs re-used, 0 to run" in text
    summary = (tmp_path / "res" / "summary.csv").read_text()
    assert "r12" in summary and "r10" not in summary  # only the current design is reported


def test_an_edited_variant_names_the_edit_and_keeps_the_others(tmp_path, capsys):
    experiment(tmp_path, capsys, tiny())
    variants = {**tiny()["variants"], "r10": {f"{POLICY}.reorder_point": 11}}
    text = experiment(tmp_path, capsys, tiny(variants=variants))
    assert f"variant r10: {POLICY}.reorder_point: 10 -> 11; 3 runs re-used, 3 to run" in text


def test_an_unchanged_rerun_runs_nothing(tmp_path, capsys):
    first = experiment(tmp_path, capsys, tiny())
    assert "re-used" not in first  # nothing stored: nothing to say
    text = experiment(tmp_path, capsys, tiny())
    assert "the same design as stored; 6 runs re-used, 0 to run" in text
    assert "6 runs (0 simulated, 6 from the store)" in text


def test_a_variant_that_resolves_to_the_baseline_shares_its_runs(tmp_path, capsys):
    """Runs are keyed by the resolved scenario: writing the base's own value changes nothing."""
    base = yaml.safe_load(RQ.read_text())
    point = base["warehouse"]["policies"]["item"]["reorder_point"]
    path = tmp_path / "exp.yaml"
    path.write_text(
        yaml.safe_dump(
            tiny(
                variants={"plain": {}, "same": {f"{POLICY}.reorder_point": point}},
                baseline="plain",
            )
        )
    )
    design = load_design(path)
    assert design.run_key("plain", 0, 2) == design.run_key("same", 0, 2)
    assert design.run_key("plain", 0, 2) != design.run_key("plain", 0, 1)
    other = load_design(path, seed=8)
    assert other.run_key("plain", 0, 2) != design.run_key("plain", 0, 2)


def test_a_new_name_description_or_currency_reuses_every_run(tmp_path, capsys):
    """What only labels a scenario (its name, description, currency) changes no number."""
    base = yaml.safe_load(RQ.read_text())
    relabelled = {**base, "name": "renamed", "description": "same chain", "currency": "EUR"}
    other = tmp_path / "relabelled.yaml"
    other.write_text(yaml.safe_dump(relabelled, sort_keys=False))
    experiment(tmp_path, capsys, tiny())
    text = experiment(tmp_path, capsys, tiny(scenario=str(other)))
    assert "6 runs re-used, 0 to run" in text
    changed = {**relabelled, "warehouse": {**base["warehouse"], "initial_stock": {"item": 3}}}
    other.write_text(yaml.safe_dump(changed, sort_keys=False))
    assert "0 runs re-used, 6 to run" in experiment(tmp_path, capsys, tiny(scenario=str(other)))


def test_a_new_dotted_kpi_reruns_the_runs_that_lack_it(tmp_path, capsys):
    experiment(tmp_path, capsys, tiny())
    more = tiny(kpis=["fill_rate", "by_product.item.fill_rate"])
    text = experiment(tmp_path, capsys, more)
    assert "kpis: added by_product.item.fill_rate, removed on_hand_mean; 0 runs re-used" in text
    text = experiment(tmp_path, capsys, tiny())  # the runs kept every KPI they had
    assert "6 runs re-used, 0 to run" in text


def _legacy_store(folder: Path, design, value: float) -> None:
    """A store as an earlier supplysim wrote it: one definition, runs by variant and point."""
    with Store(folder / "results.sqlite", design.design_hash, design.definition) as store:
        store.add(
            RunRecord(v, p, r, 7, {"fill_rate": value, "on_hand_mean": value})
            for v, p, r in design.keys(design.replications)
        )


def test_an_earlier_store_of_the_same_design_is_migrated(tmp_path, capsys):
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(tiny()))
    _legacy_store(tmp_path / "res", load_design(path), 0.5)
    text = experiment(tmp_path, capsys, tiny())
    assert "runs of an earlier supplysim's store; 6 runs re-used, 0 to run" in text
    assert "0.5" in (tmp_path / "res" / "runs.csv").read_text()  # its runs, not new ones
    with sqlite3.connect(tmp_path / "res" / "results.sqlite") as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "2"


def test_an_earlier_store_of_another_design_is_refused(tmp_path, capsys):
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(tiny(seed=3)))
    _legacy_store(tmp_path / "res", load_design(path), 0.5)
    path.write_text(yaml.safe_dump(tiny()))
    capsys.readouterr()
    code = main(["experiment", str(path), "--workers", "1", "--out", str(tmp_path / "res")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"{tmp_path / 'res' / 'results.sqlite'}: a results store of an earlier supplysim" in err
    assert "holding 6 runs of another design" in err and "choose another --out" in err
    with sqlite3.connect(tmp_path / "res" / "results.sqlite") as db:  # left as it was
        assert db.execute("SELECT COUNT(*) FROM runs WHERE variant = 'r8'").fetchone()[0] == 3


def test_a_report_reads_an_earlier_store_without_changing_it(tmp_path, capsys):
    from simulator.report.folders import read_experiment_folder

    experiment(tmp_path, capsys, tiny())
    folder = tmp_path / "res"
    (folder / "results.sqlite").unlink()
    _legacy_store(folder, load_design(folder / "experiment.yaml"), 0.25)
    results = read_experiment_folder(folder).results
    assert {row["mean"] for row in results.summary} == {0.25}
    with sqlite3.connect(folder / "results.sqlite") as db:  # still the earlier schema
        assert db.execute("SELECT COUNT(*) FROM runs WHERE variant = 'r10'").fetchone()[0] == 3


def test_a_finished_experiment_leaves_no_database_journal_behind(tmp_path, capsys):
    """The report reads the store without leaving SQLite's -wal and -shm files in the folder."""
    experiment(tmp_path, capsys, tiny())
    assert main(["report", str(tmp_path / "res")]) == 0
    names = sorted(p.name for p in (tmp_path / "res").iterdir())
    assert [n for n in names if n.endswith(("-wal", "-shm"))] == [], names
    assert "results.sqlite" in names
