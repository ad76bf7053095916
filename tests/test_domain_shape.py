"""The shape of the ``dd`` domain: it stores what was read and resolves links; a record
is complete once its page is read, in one domain method; other projects' objects are
loaded by :mod:`.external`, badges are the checks', and what the store implies for the
whole project is :mod:`.project`'s."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import write_project

from sphinx_designdoc.checks import badges
from sphinx_designdoc.config import CONFIG_VALUES, build_settings
from sphinx_designdoc.confpy import ConfLocation
from sphinx_designdoc.domain import DesigndocDomain, get_domain
from sphinx_designdoc.external import load_all
from sphinx_designdoc.model import Finding

PACKAGE = Path(__file__).resolve().parent.parent / "sphinx_designdoc"

PAGE = """
Payment gateway
===============

.. designdoc::
   :status: accepted

.. only:: html

   .. only:: not latex

      .. requirement:: Pay by card
         :id: REQ-CARD

Context
-------

Text.
"""


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (a lazy import counts too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            found.update(f"{base}.{alias.name}".replace("..", ".", 1) for alias in node.names)
    return found


def _replace_calls(path: Path) -> list[str]:
    """The functions of ``path`` that call ``dataclasses.replace``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    callers: list[str] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "replace"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "dataclasses"
            ):
                callers.append(func.name)
    return callers


def test_a_record_is_complete_once_its_page_is_read(make_app, tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", {"index.rst": PAGE})
    app = make_app("dummy", srcdir=src)
    app.build()
    rec = get_domain(app.env).docs["index"]
    by_id = {item.id: item for item in rec.items}
    assert rec.title == "Payment gateway"
    assert rec.sections == ["Context"]
    # a header without a title takes the page's; nested blocks read outermost first
    assert by_id["index"].title == "Payment gateway"
    assert by_id["REQ-CARD"].only == ("html", "not latex")


def test_records_are_completed_in_one_domain_method() -> None:
    callers = {
        str(path.relative_to(PACKAGE)): names
        for path in PACKAGE.rglob("*.py")
        if (names := _replace_calls(path))
    }
    # the ``only`` blocks around each object, and the page title a header takes (the
    # one function the domain and the language server's reader share)
    assert callers == {"domain.py": ["complete_doc"], "declaration.py": ["with_page_title"]}
    assert "dataclasses" not in _imported(PACKAGE / "extension.py")


def test_the_domain_loads_nothing_and_checks_nothing() -> None:
    imported = _imported(PACKAGE / "domain.py")
    for module in (".external", ".fetch", ".checks", ".codec", ".subtypes"):
        assert not {name for name in imported if name.startswith(module)}, module
    derived = ("badges", "external", "all_items", "hidden_ids", "foreign_items", "project_needs")
    assert [name for name in derived if hasattr(DesigndocDomain, name)] == []


def test_badges_are_the_checks_unsilenced_findings_of_an_object() -> None:
    findings = [
        Finding("untraced", "m", id="REQ-1"),
        Finding("unused", "m", id="REQ-1"),
        Finding("untraced", "again", id="REQ-1"),
        Finding("unjustified", "m", id="DEC-1"),
        Finding("dangling", "not a badge", id="REQ-2"),
        Finding("untraced", "no object"),
    ]
    assert badges(findings, []) == {"REQ-1": ("untraced", "unused"), "DEC-1": ("unjustified",)}
    assert badges(findings, ["designdoc.untraced"]) == {
        "REQ-1": ("unused",),
        "DEC-1": ("unjustified",),
    }
    assert badges(findings, ["designdoc"]) == {}


def test_external_problems_are_located_at_the_setting(tmp_path: Path) -> None:
    conf_py = tmp_path / "conf.py"
    conf_py.write_text(
        'extensions = ["sphinx_designdoc"]\n\ndesigndoc_external = [{"path": "gone.json"}]\n',
        encoding="utf-8",
    )
    values = {cv.name: cv.default for cv in CONFIG_VALUES}
    values["designdoc_external"] = [{"path": "gone.json"}]
    settings = build_settings(values)[0]
    conf = ConfLocation(conf_py, tmp_path)
    items, findings = load_all(settings, conf, tmp_path, tmp_path / "cache", tmp_path)
    assert items == []
    assert findings == [
        Finding("external", "designdoc_external: file 'gone.json' does not exist", "conf.py", 3)
    ]
