"""The package has no import cycle: between modules, and between subpackages.

Imports are read from the source (``ast``), as written at module level, so a
cycle shows before it bites at import time. ``if TYPE_CHECKING:`` blocks are
left out (they never run); imports deferred into functions are left out too
(they run after every module has loaded).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mobility"


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _imported(tree: ast.Module) -> list[str]:
    """Modules of the package imported at module level (outside TYPE_CHECKING)."""
    found: list[str] = []
    statements: list[ast.stmt] = list(tree.body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                statements += node.body
            statements += node.orelse
        elif isinstance(node, ast.Try):
            statements += node.body + node.orelse + node.finalbody
            statements += [s for h in node.handlers for s in h.body]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # ``from mobility import settings`` imports the module ``mobility.settings``.
            subs = [f"{node.module}.{a.name}" for a in node.names]
            modules = [s for s in subs if s in MODULES]
            found += modules if modules else [node.module]
    return [name for name in found if name in MODULES]


def _graph(level: int | None) -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        for target in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            a, b = name, target
            if level is not None:
                a, b = ".".join(a.split(".")[:level]), ".".join(b.split(".")[:level])
            if a != b:
                graph.add_edge(a, b)
    return graph


@pytest.mark.parametrize(("level", "what"), [(None, "modules"), (2, "subpackages")])
def test_no_import_cycle(level: int | None, what: str) -> None:
    graph = _graph(level)
    cycles = [" -> ".join([*c, c[0]]) for c in nx.simple_cycles(graph, length_bound=8)]
    assert not cycles, f"import cycles between {what}:\n" + "\n".join(sorted(cycles)[:20])


def test_the_check_sees_a_cycle() -> None:
    # The reader finds the imports a cycle would be made of.
    tree = ast.parse(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from mobility import settings\n"
        "if TYPE_CHECKING:\n    from mobility.network.load import Network\n"
        "try:\n    from mobility.schedule import plan\nexcept ImportError:\n    pass\n"
    )
    assert sorted(_imported(tree)) == ["mobility.schedule.plan", "mobility.settings"]
