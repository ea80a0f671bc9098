"""The README's sample verdict table is what the flagship command prints (golden: ~1 minute)."""

import re
from pathlib import Path

import pytest

from simulator import run_experiment
from simulator.report.comparison import comparison_table

ROOT = Path(__file__).resolve().parents[1]


def readme_table() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text.split("The verdict, as the first command prints it", 1)[1]
    return re.search(r"```text\n(.*?)```", after, re.S).group(1).rstrip("\n").splitlines()


@pytest.mark.golden
def test_the_readme_table_is_what_the_flagship_prints():
    results = run_experiment(
        ROOT / "experiments" / "vmi_vs_safety_stock.yaml", write=False, progress=False
    )
    printed = comparison_table(results).splitlines()
    start = next(i for i, line in enumerate(printed) if line.startswith("kpi "))
    table = printed[start : start + len(readme_table())]
    assert table == readme_table(), "README.md's sample table differs from what is printed"
