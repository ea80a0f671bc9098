"""The checks of one product's sourcing rule, at the warehouse or at a site of a network."""

from __future__ import annotations

from simulator.config.scenario import Scenario
from simulator.config.warehouse import Sourcing


def sourcing_checks(
    sc: Scenario, path: str, pid: str, rule: Sourcing, primary: str | None
) -> list[tuple[str, str]]:
    """Problems of ``rule`` for ``pid`` (reported under ``path``), whose primary is ``primary``.

    Every supplier it names must exist and supply the product; a backup must differ from the
    primary; split shares must be given and sum to 1.
    """
    problems: list[tuple[str, str]] = []
    suppliers = {s.id: s for s in sc.suppliers}
    named = [("primary", rule.primary), ("backup", rule.backup)]
    named += [(f"shares.{sid}", sid) for sid in rule.shares]
    for key, sid in named:
        if sid is None:
            continue
        if sid not in suppliers:
            known = ", ".join(sorted(suppliers)) or "none defined"
            problems.append((f"{path}.{key}", f"unknown supplier {sid!r} (suppliers: {known})"))
        elif pid not in suppliers[sid].products:
            problems.append((f"{path}.{key}", f"supplier {sid!r} does not supply {pid!r}"))
    if rule.rule == "backup":
        if rule.backup is None:
            problems.append((f"{path}.backup", "rule backup needs a backup supplier"))
        elif rule.backup == (rule.primary or primary):
            problems.append((f"{path}.backup", "the backup must differ from the primary"))
    if rule.rule == "split":
        total = sum(rule.shares.values())
        if not rule.shares:
            problems.append((f"{path}.shares", "rule split needs shares per supplier"))
        elif abs(total - 1.0) > 1e-6:
            problems.append((f"{path}.shares", f"shares sum to {total:g}, must sum to 1"))
    return problems
