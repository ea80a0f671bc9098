"""Test configuration: in CI, hypothesis runs the same examples every time.

Locally, property tests explore new random examples on each run (and remember failures in
.hypothesis/), which is how bugs are found. In CI (the CI environment variable is set), the
examples are derived from each test's name instead, so a green main stays green: a property that
fails only on a new random example is found locally, not by chance in somebody's CI run.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
