"""The shape of the app's code (issue #11): no import cycle between its modules, no module over 400
lines, no `TYPE_CHECKING` import. The app is what pyproject installs (its packages and py-modules),
migrations aside (Alembic loads them by path; they import nothing of the app)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.support.app_code import app_modules

LINE_LIMIT = 400
# What each top-level package may import of the app (docs/ARCHITECTURE.md): arrows point one way.
MAY_IMPORT = {
    "storage": set(),
    "bot": {"storage"},
    "slack_api": {"bot", "storage"},
    "runtime": {"slack_api", "bot", "storage", "settings"},
    "handlers": {"runtime", "slack_api", "bot", "storage", "settings"},
    "web": set(),
    "settings": set(),
    "logs": set(),
    # The playground builds the app with app.py's own build_app (handed over, not imported).
    "playground": {"runtime", "bot", "storage", "settings", "logs"},
    "app": {"handlers", "runtime", "slack_api", "web", "bot", "storage", "settings", "logs", "playground"},
}


def imported(path: Path, name: str, known: Mapping[str, Path]) -> set[str]:
    """The app modules `name` imports (at any depth of its code: a function-local import counts)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def type_checking_blocks(path: Path) -> Iterator[int]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield node.lineno


def test_the_app_is_found_where_pyproject_says() -> None:
    modules = app_modules()
    # A wrong include list would make the other checks pass on nothing.
    for name in ("app", "settings", "handlers.commands", "runtime.worker", "storage.models", "bot.dates"):
        assert name in modules, name
    assert len(modules) > 50


def test_no_import_cycle_between_the_apps_modules() -> None:
    modules = app_modules()
    graph = {name: imported(path, name, modules) for name, path in modules.items()}
    assert cycles(graph) == []


def test_each_package_imports_only_the_layers_below_it() -> None:
    modules = app_modules()
    assert {name.split(".")[0] for name in modules} == set(MAY_IMPORT)
    upward = sorted(
        f"{name} -> {target}"
        for name, path in modules.items()
        for target in imported(path, name, modules)
        if target.split(".")[0] != name.split(".")[0]
        and target.split(".")[0] not in MAY_IMPORT[name.split(".")[0]]
    )
    assert upward == []


def test_no_module_of_the_app_is_over_400_lines() -> None:
    over = {
        name: count
        for name, path in app_modules().items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LINE_LIMIT
    }
    assert over == {}


def test_no_type_checking_import_dodges_a_cycle() -> None:
    found = {name: list(type_checking_blocks(path)) for name, path in app_modules().items()}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_cycle_check_sees_a_cycle(tmp_path: Path) -> None:
    # The check above is only worth something if it can fail: two modules importing each other.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg.b import thing\n")
    (tmp_path / "pkg" / "b.py").write_text("def thing():\n    from . import a\n")
    (tmp_path / "pkg" / "c.py").write_text("import pkg.a\n")
    known = {f"pkg.{n}": tmp_path / "pkg" / f"{n}.py" for n in "abc"} | {
        "pkg": tmp_path / "pkg" / "__init__.py"
    }
    graph = {name: imported(path, name, known) for name, path in known.items()}
    assert graph["pkg.b"] == {"pkg", "pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
