"""One replication's story per variant: the re-simulated replication 0 is the stored run, the
variants share their random numbers, and the figure draws each variant in its page colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from simulator.experiment import run_experiment
from simulator.report import figures as F
from simulator.report.experiment_gallery import experiment_colours, experiment_figures
from simulator.report.folders import read_experiment_folder
from simulator.report.story import Story, replication_stories

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = ROOT / "scenarios" / "customer_service.yaml"


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    """The customer scenario, two review regimes for the widget, 2 replications of 20 days."""
    base = tmp_path_factory.mktemp("story")
    data = {
        "name": "story",
        "scenario": str(CUSTOMERS),
        "horizon_days": 20,
        "warmup_days": 5,
        "replications": 2,
        "seed": 3,
        "kpis": ["fill_rate", "churned_customers", "on_hand_mean"],
        "variants": {"as_is": {}, "weekly": {"warehouse.policies.widget.review_days": 7}},
        "baseline": "as_is",
    }
    file = base / "story.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    run_experiment(file, workers=1, out=base / "out", progress=False)
    folder = read_experiment_folder(base / "out")
    return folder, replication_stories(folder.design, folder.results.variants)


def test_the_story_is_the_stored_replication_zero(experiment):
    folder, stories = experiment
    stored = {(r["variant"], r["replication"]): r for r in folder.results.runs}
    assert [s.variant for s in stories] == ["as_is", "weekly"]
    for story in stories:
        run = stored[(story.variant, 0)]
        for kpi in ("fill_rate", "churned_customers", "on_hand_mean"):
            assert story.kpis[kpi] == run[kpi], (story.variant, kpi)
        assert story.seconds > 0


def test_the_variants_share_their_random_numbers(experiment):
    _, stories = experiment
    base, weekly = stories
    # the gadget's policy is the same in both: with common random numbers its stock is too
    t0, y0 = base.on_hand["gadget"]
    t1, y1 = weekly.on_hand["gadget"]
    assert np.array_equal(t0, t1) and np.array_equal(y0, y1)
    assert not np.array_equal(base.on_hand["widget"][1], weekly.on_hand["widget"][1])
    assert base.customer_days and weekly.customer_days


def test_the_story_figure_draws_each_variant_in_its_page_colour(experiment):
    folder, stories = experiment
    results = folder.results
    colours = experiment_colours(results.summary, results.comparison)
    fig = F.story_figure(stories, colours)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "Units on hand, widget",
        "Units on hand, gadget",
        "Active customers (all segments)",
        "Customers churned since the start (all segments)",
    ]
    for ax in fig.axes:
        lines = {ln.get_label(): ln for ln in ax.get_lines()}
        assert set(lines) == {"as_is", "weekly"}
        for variant, line in lines.items():
            assert line.get_color() == colours[variant]
    (widget, *_) = fig.axes
    line = next(ln for ln in widget.get_lines() if ln.get_label() == "weekly")
    assert np.array_equal(line.get_ydata(), stories[1].on_hand["widget"][1])
    items, _ = experiment_figures(results.summary, results.comparison, colours, stories)
    assert items[-1].id == "fig-story"
    assert "replication 0" in items[-1].caption


def test_without_stories_there_is_no_story_figure(experiment):
    folder, _ = experiment
    items, _ = experiment_figures(folder.results.summary, folder.results.comparison)
    assert "fig-story" not in [i.id for i in items]
    with pytest.raises(ValueError, match="nothing|no stock"):
        F.story_figure([])


def test_a_network_without_customers_who_remember_has_a_note_instead(experiment):
    folder, stories = experiment
    empty = [Story(s.variant, s.warmup) for s in stories]
    items, notes = experiment_figures(
        folder.results.summary, folder.results.comparison, stories=empty
    )
    assert "fig-story" not in [i.id for i in items]
    assert any("No story of replication 0" in n for n in notes)
