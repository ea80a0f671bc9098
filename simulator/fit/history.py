"""Fitting a history file end to end: read, rank each column, print, and write fit.json and figures.

This is what ``supplysim fit`` calls, and what a notebook calls to get the same answers as data:
:func:`fit_file` returns one :class:`ColumnFit` per column; :func:`fit_text` prints them;
:func:`write_outputs` writes ``fit.json`` and one PNG figure per column.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.fit.figure import write_figure
from simulator.fit.ranking import Candidate, Criterion, Ranking, rank
from simulator.fit.reading import read_table
from simulator.fit.series import Series, select
from simulator.fit.snippet import Snippet, snippet
from simulator.io import write_json
from simulator.report.numbers import p_value
from simulator.report.tables import grid


@dataclass(frozen=True)
class ColumnFit:
    """The fit of one column: the series, the ranking, the snippet."""

    series: Series
    """The data fitted."""
    ranking: Ranking
    """Every candidate, best first."""
    snippet: Snippet
    """What to paste into a scenario."""

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``fit.json`` (non-finite numbers as ``null``)."""
        r = self.ranking
        return _finite(
            {
                "column": self.series.name,
                "kind": self.series.kind,
                "n": r.n,
                "mean": r.mean,
                "sd": r.sd,
                "whole_numbers": r.whole,
                "criterion": r.criterion,
                "note": self.series.note or None,
                "ranking": [_candidate_dict(c) for c in r.candidates],
                "not_applicable": r.skipped,
                "snippet": self.snippet.mapping,
                "snippet_note": self.snippet.note,
                "weekday_profile": self.series.profile("weekday"),
                "month_profile": self.series.profile("month"),
            }
        )


def _candidate_dict(c: Candidate) -> dict[str, Any]:
    return {
        "family": c.name,
        "params": c.params,
        "ci95": {k: list(v) if v else None for k, v in c.ci.items()},
        "k": c.k,
        "loglik": c.loglik,
        "aic": c.aic,
        "bic": c.bic,
        "test": c.test,
        "statistic": c.statistic,
        "p_value": c.p_value,
        "in_scenario": c.in_scenario,
    }


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None`` (strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def fit_file(
    path: str | Path,
    columns: Sequence[str] = (),
    date_column: str | None = None,
    sheet: str | None = None,
    kind: str = "auto",
    criterion: Criterion = "aic",
) -> list[ColumnFit]:
    """Fit every chosen column of a CSV file or Excel sheet.

    Args:
        path: the history file.
        columns: column names (default: every numeric column but the date column).
        date_column: the date column (default: one named like ``date``, if any).
        sheet: the worksheet of an Excel workbook (default: the first).
        kind: ``demand``, ``quantity``, ``lead_time`` or ``auto`` (by column name).
        criterion: rank by ``aic`` or ``bic``.

    Raises:
        simulator.fit.HistoryError: bad input, with the file, row and column named.
    """
    table = read_table(path, sheet)
    out = []
    for series in select(table, columns, date_column, kind):
        ranking = rank(series.values, criterion)
        out.append(ColumnFit(series, ranking, snippet(series, ranking)))
    return out


def _params(c: Candidate) -> str:
    """``mean 4.102 ± 0.083, sd 1.93 ± 0.06`` (the ± is the 95% interval's half-width)."""
    if c.name == "empirical":
        return f"{c.k + 1} observed values" if c.loglik is not None else "not ranked: no density"
    parts = []
    for name, value in c.params.items():
        ci = c.ci.get(name)
        half = f" ± {(ci[1] - ci[0]) / 2:.3g}" if ci else ""
        parts.append(f"{name} {value:.4g}{half}")
    return ", ".join(parts)


def _num(x: float | None, digits: int = 1) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:,.{digits}f}"


def fit_text(fit: ColumnFit) -> str:
    """The ranking table, profiles and snippet of one column, for a terminal."""
    s, r = fit.series, fit.ranking
    head = (
        f"Column {s.name!r} ({s.kind.replace('_', ' ')}): n = {r.n:,}, mean {r.mean:.4g}, "
        f"sd {r.sd:.4g}, " + ("whole numbers" if r.whole else "with fractions")
    )
    lines = [head] + ([f"  ({s.note})"] if s.note else []) + [""]
    rows = [
        (
            f"{i}. {c.name}" + ("" if c.in_scenario else " *"),
            _params(c),
            _num(c.loglik),
            _num(c.aic),
            _num(c.bic),
            {"chi2": "chi-square", "ks": "KS"}.get(c.test or "", "-"),
            _num(c.statistic, 3),
            p_value(c.p_value) if c.test else "-",
        )
        for i, c in enumerate(r.candidates, start=1)
    ]
    header = ("family", "parameters (± 95% CI)", "loglik", "AIC", "BIC", "test", "stat", "p")
    lines.append(grid(header, rows))
    if any(not c.in_scenario for c in r.candidates):
        lines.append("* not a scenario distribution")
    for name, reason in r.skipped.items():
        lines.append(f"not fitted: {name}: {reason}")
    for by in ("weekday", "month"):
        profile = s.profile(by)
        if profile:
            cells = "  ".join(f"{k} {v:.2f}" for k, v in profile.items())
            lines.append(f"{by} profile (mean / overall mean): {cells}")
    close = [
        c.name
        for c in r.candidates[1:]
        if c.aic is not None and getattr(c, r.criterion) - getattr(r.best, r.criterion) < 2
    ]
    if close:
        lines.append(
            f"within 2 {r.criterion.upper()} of {r.best.name}: {', '.join(close)} "
            "(the data cannot tell these apart)"
        )
    note = textwrap.wrap(fit.snippet.note, 96, initial_indent="# ", subsequent_indent="# ")
    lines += ["", "Scenario snippet:", *note, fit.snippet.yaml]
    return "\n".join(lines)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "column"


def write_outputs(out: str | Path, source: str | Path, fits: Sequence[ColumnFit]) -> list[Path]:
    """Write ``fit.json`` and ``fit-<column>.png`` per column into folder ``out``."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for f in fits:
        written.append(
            write_figure(folder / f"fit-{_slug(f.series.name)}.png", f.series.name, f.ranking)
        )
    doc = {"file": str(source), "columns": [f.as_dict() for f in fits]}
    return [write_json(folder / "fit.json", doc), *written]
