"""Write demand_history.csv: two years of made-up daily demand and supplier lead times.

The history is generated, not recorded, so that its truth is known: daily demand is Poisson with
a rate of BASE_PER_DAY x WEEKLY[weekday] x (1 + YEARLY_AMPLITUDE x sin(2 pi (day of year - 80) /
365.25)), peaking in late June and lowest in late December; a delivery arrives every Monday with a
gamma lead time of LEAD_MEAN days (sd LEAD_SD), rounded to a tenth of a day. ``supplysim fit``
should recover the weekly profile and a gamma lead time (tests/test_fit.py checks both).

Run from the repository root to regenerate it (the output is the same every time):

    python scenarios/data/make_history.py
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SEED = 20240101
START = date(2023, 1, 1)
DAYS = 730
BASE_PER_DAY = 20.0
#: Demand on Monday .. Sunday relative to an average day (mean 1).
WEEKLY = (1.10, 1.05, 1.00, 1.00, 1.20, 0.90, 0.75)
YEARLY_AMPLITUDE = 0.3
LEAD_MEAN, LEAD_SD = 6.0, 2.0
OUT = Path(__file__).with_name("demand_history.csv")


def history() -> str:
    """The CSV text: ``date,demand,lead_time_days`` (lead time blank on days without delivery)."""
    rng = np.random.default_rng(SEED)
    lines = ["date,demand,lead_time_days"]
    for i in range(DAYS):
        day = START + timedelta(days=i)
        season = 1 + YEARLY_AMPLITUDE * math.sin(
            2 * math.pi * (day.timetuple().tm_yday - 80) / 365.25
        )
        demand = rng.poisson(BASE_PER_DAY * WEEKLY[day.weekday()] * season)
        lead = ""
        if day.weekday() == 0:
            shape, scale = (LEAD_MEAN / LEAD_SD) ** 2, LEAD_SD**2 / LEAD_MEAN
            lead = f"{rng.gamma(shape, scale):.1f}"
        lines.append(f"{day.isoformat()},{demand},{lead}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(history())
    print(f"wrote {OUT}")
