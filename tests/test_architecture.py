"""Architecture tests: the shape of the package, read from its source with ``ast``.

1. Entities know nothing of the configuration: the build step turns it into specs for them.
2. No import cycle among the package's modules (imports inside functions and under
   ``TYPE_CHECKING`` count too: a cycle there is still two modules that need each other).
3. Modules stay small: at most :data:`MAX_LINES` lines each.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "simulator"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, here: str | None = None) -> set[str]:
    """Every module name ``path`` (module ``here``) imports, anywhere in the file.

    ``from a import b`` gives ``a.b`` when that is a module of the package, else ``a``.
    """
    here = module_name(path) if here is None else here
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                package = here.split(".")
                if path.name != "__init__.py":
                    package.pop()
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in MODULES else base)
    return out


def test_the_package_is_found():
    assert "simulator.model" in MODULES and "simulator.entities.stock" in MODULES
    assert imported(MODULES["simulator.model"]) >= {"simulator.build", "simulator.metrics"}


def test_every_form_of_import_is_seen(tmp_path):
    source = tmp_path / "fake.py"
    source.write_text(
        "import simulator.config.schema\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from simulator.config import Scenario\n"
        "def f():\n"
        "    from ..config import schema\n"
        "    from .. import rng\n"
    )
    assert imported(source, "simulator.entities.fake") == {
        "simulator.config.schema",
        "typing",
        "simulator.config",
        "simulator.rng",
    }


@pytest.mark.parametrize(
    "name", [n for n in MODULES if n.startswith("simulator.entities")], ids=str
)
def test_entities_do_not_import_the_configuration(name):
    bad = {m for m in imported(MODULES[name]) if m.split(".")[:2] == ["simulator", "config"]}
    assert not bad, f"{name} imports {sorted(bad)}: take a spec from simulator.build instead"


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path ``a -> b -> ... -> a``, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_cycle_finder_finds_cycles():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_import_cycles():
    graph = {
        name: {m for m in imported(path) if m in MODULES and m != name}
        for name, path in MODULES.items()
    }
    found = cycle(graph)
    assert found is None, "import cycle: " + " -> ".join(found)


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.relative_to(PACKAGE).as_posix()) for p in MODULES.values()]
)
def test_modules_are_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"
