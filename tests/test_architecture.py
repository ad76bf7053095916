"""The shape of the package: no import cycles, a core that needs neither Sphinx nor the
report writers, and no module too big for one job."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sphinx_designdoc"
NAME = "sphinx_designdoc"
#: modules the command line, the report writers and the checks build on: plain Python
CORE = (
    "model",
    "declaration",
    "vocabulary",
    "vocabulary_config",
    "marks",
    "graph",
    "checks",
    "filters",
    "codec",
    "shapes",
    "safety",
    "subtypes",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str], unresolved: list[str] | None = None) -> set[str]:
    """Modules of the package that ``path`` imports, at any depth of its code (a lazy
    import inside a function is a dependency too), but not under ``TYPE_CHECKING``."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(NAME))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith(NAME):
                # ``from . import x`` names a submodule, or a name of the package
                submodules = {f"{target}.{a.name}" for a in node.names} & modules
                found.update(submodules or {target})
                if unresolved is not None and not submodules and target not in modules:
                    unresolved.append(f"{module}: from {'.' * node.level}{node.module or ''}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {name: (_imports(path, modules) & modules) - {name} for name, path in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in sorted(graph[node]):
            if child not in index:
                connect(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
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

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_every_import_of_the_package_resolves() -> None:
    """Also imports inside functions, which run only when called (and which mypy does
    not resolve with ``ignore_missing_imports``)."""
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    unresolved: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        _imports(path, modules, unresolved)
    assert unresolved == []


def test_the_walk_sees_relative_and_lazy_imports() -> None:
    graph = _graph()
    assert f"{NAME}.model" in graph[f"{NAME}.graph"]
    assert f"{NAME}.extension" in graph[NAME]  # imported lazily by setup()


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_neither_sphinx_nor_docutils_nor_reports(module: str) -> None:
    code = (
        f"import sys, json; import {NAME}.{module}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"('sphinx', 'docutils') or m.startswith('{NAME}.reports'))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert loaded == []


def test_no_module_is_over_500_lines() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {name: size for name, size in sizes.items() if size > 500} == {}


def test_readers_and_the_core_import_no_sphinx_docutils_nor_the_build() -> None:
    """Every module of the command line and the report readers, and every core module,
    imports neither Sphinx, docutils nor an optional extra at import time (what builds
    or parses imports them inside its function); the readers never import the build."""
    readers = sorted(
        name
        for name in map(_module_name, PACKAGE.rglob("*.py"))
        if name.startswith((f"{NAME}.cli", f"{NAME}.reports"))
    )
    modules = [*readers, *(f"{NAME}.{module}" for module in CORE)]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "heavy = ('sphinx', 'docutils', 'myst_parser', 'sphinx_needs', 'pygls', 'lsprotocol')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert loaded == []
    graph = _graph()
    assert [
        m for m in readers if m.startswith(f"{NAME}.reports") and f"{NAME}.build" in graph[m]
    ] == []


def _third_party_imports(path: Path) -> set[str]:
    """Top-level names of what ``path`` imports from outside the package, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_language_server_library_is_loaded_by_designdoc_lsp_alone() -> None:
    """pygls only in the server's wiring (and its protocol), lsprotocol only there and
    in the answers it sends, and the server only imported by ``designdoc lsp``: no other command, and no
    build, loads them."""
    users = {
        name: sorted(_third_party_imports(path) & {"pygls", "lsprotocol"})
        for path in PACKAGE.rglob("*.py")
        if (name := _module_name(path)) and _third_party_imports(path) & {"pygls", "lsprotocol"}
    }
    assert users == {
        f"{NAME}.lsp.server": ["lsprotocol", "pygls"],
        f"{NAME}.lsp.protocol": ["lsprotocol", "pygls"],
        f"{NAME}.lsp.features": ["lsprotocol"],
    }
    graph = _graph()
    importers = sorted(m for m, deps in graph.items() if f"{NAME}.lsp.server" in deps)
    assert importers == [f"{NAME}.cli.commands"]
    assert sorted(m for m, deps in graph.items() if f"{NAME}.lsp.features" in deps) == [
        f"{NAME}.lsp.protocol",
        f"{NAME}.lsp.server",
    ]
    assert sorted(m for m, deps in graph.items() if f"{NAME}.lsp.protocol" in deps) == [
        f"{NAME}.lsp.server"
    ]
