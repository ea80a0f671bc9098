"""``python -m simulator``: the same as the ``supplysim`` command."""

from simulator.cli import main

raise SystemExit(main())
