"""A results folder in one self-contained HTML page, and its figures as PNG files.

:func:`write_run_report` and :func:`write_experiment_report` read a run folder or an experiment
folder (:mod:`simulator.report.folders`), draw its figures (:mod:`simulator.report.gallery`) into
``figures/<id>.png`` (and ``<id>.svg`` beside it) and render ``report.html`` from the Jinja2
templates in ``templates/`` (:mod:`simulator.report.run_page` and
:mod:`simulator.report.experiment_page` say what the page shows). The page needs nothing but itself:
figures are embedded as base64 PNG data URIs, the style is inline, there are no scripts and no links
to other files or sites, so it can be mailed or archived as it is. The templates are autoescaped, so
every text from the folder is shown as text; every file is written atomically.

The page is rebuilt from the folder's files alone, so ``supplysim report DIR`` gives the same
report as the command that made the folder. A folder that cannot be written, or whose
``figures`` is a symbolic link, is refused before anything is drawn
(:mod:`simulator.outputs`): figures are never written, nor old ones deleted, where a link points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from simulator.io import atomic_write_bytes, atomic_write_text
from simulator.outputs import FIGURES_DIR, check_figures, check_folder
from simulator.report.experiment_gallery import experiment_colours, experiment_figures
from simulator.report.experiment_page import experiment_page
from simulator.report.folders import (
    ReportError,
    read_experiment_folder,
    read_run_folder,
)
from simulator.report.gallery import FigureItem, run_figures
from simulator.report.run_page import run_page
from simulator.report.story import replication_stories
from simulator.store import STORE_NAME
from simulator.version import __version__

#: The report's file name inside a results folder.
REPORT_NAME = "report.html"

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("simulator.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def render(template: str, context: Mapping[str, Any]) -> str:
    """A page from one of the report templates (``run.html``, ``experiment.html``).

    The time of writing and the version of supplysim are added to ``context`` here.
    """
    written = datetime.now(UTC).isoformat(timespec="seconds")
    return _ENV.get_template(template).render(
        {**context, "written": written, "version": __version__}
    )


def write_figures(folder: str | Path, items: Iterable[FigureItem]) -> list[Path]:
    """Write each figure as ``folder/figures/<id>.png`` and ``<id>.svg`` (atomically).

    Figures of an earlier build that this one does not have (``fig-*.png``, ``fig-*.svg``) are
    removed, so the folder shows what the report shows.

    Returns:
        The paths of the PNG files.

    Raises:
        OutputError: ``figures`` is a symbolic link or not a folder, or a file cannot be written.
    """
    check_figures(folder)
    out = Path(folder) / FIGURES_DIR
    written, svgs = [], []
    for item in items:
        written.append(atomic_write_bytes(out / f"{item.id}.png", item.png))
        if item.svg:
            svgs.append(atomic_write_bytes(out / f"{item.id}.svg", item.svg))
    stale = {*out.glob("fig-*.png"), *out.glob("fig-*.svg")} - {*written, *svgs}
    for path in stale:
        path.unlink(missing_ok=True)
    return written


def write_run_report(folder: str | Path) -> Path:
    """Draw a run folder's figures into ``figures/`` and write its ``report.html``.

    Reads ``result.json`` (required), ``scenario.yaml``, ``provenance.json`` and ``trace.csv``
    (each optional: without a trace there are no inventory and bullwhip pictures).

    Returns:
        The path of ``report.html``.

    Raises:
        ReportError: the folder has no readable result document.
    """
    run = read_run_folder(folder)
    items, notes = run_figures(run.document, run.trace, run.customer_days)
    run.trace = None  # long traces: free the rows before the page is rendered
    write_figures(folder, items)
    html = render("run.html", run_page(run, items, notes))
    return atomic_write_text(Path(folder) / REPORT_NAME, html)


def write_experiment_report(folder: str | Path) -> Path:
    """Draw an experiment folder's figures into ``figures/`` and write its ``report.html``.

    Reads the runs in ``results.sqlite`` and summarises them again as the experiment does,
    with the design of ``experiment.yaml`` and ``scenario.yaml``; ``provenance.json`` is
    optional. Replication 0 of each variant is simulated again, traced, for the story figure
    (:mod:`simulator.report.story`).

    Returns:
        The path of ``report.html``.

    Raises:
        ReportError: the folder has no readable store or experiment, or they do not match.
    """
    experiment = read_experiment_folder(folder)
    results = experiment.results
    colours = experiment_colours(results.summary, results.comparison)  # one per variant
    stories = replication_stories(experiment.design, results.variants)
    items, notes = experiment_figures(results.summary, results.comparison, colours, stories)
    write_figures(folder, items)
    html = render("experiment.html", experiment_page(experiment, items, notes, colours))
    return atomic_write_text(Path(folder) / REPORT_NAME, html)


def write_report(folder: str | Path) -> Path:
    """The report of a run folder (``result.json``) or an experiment folder (the store).

    Raises:
        ReportError: the folder does not exist or is neither.
        OutputError: the folder cannot be written (checked before anything is drawn).
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        raise ReportError(folder, what, "(folder)")
    check_folder(folder, "(folder)")
    if (folder / "result.json").is_file():
        return write_run_report(folder)
    if (folder / STORE_NAME).is_file():
        return write_experiment_report(folder)
    raise ReportError(
        folder,
        f"not a results folder: it holds neither result.json (a run) nor {STORE_NAME} "
        "(an experiment)",
        "(folder)",
    )


__all__ = [
    "FIGURES_DIR",
    "REPORT_NAME",
    "ReportError",
    "render",
    "write_experiment_report",
    "write_figures",
    "write_report",
    "write_run_report",
]
