"""A view kind is one module: its options, plan, shown types and renderer live together,
the checks and incremental builds read the plan kept in the page record, and a new
kind needs nothing but its module (and its place in ``KINDS``)."""

from __future__ import annotations

import ast
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import edit, warnings_of, write_project
from docutils import nodes

from sphinx_designdoc import views
from sphinx_designdoc.checks import CheckContext
from sphinx_designdoc.checks.links import check_views
from sphinx_designdoc.config import build_settings
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.model import DocRecord, Plan
from sphinx_designdoc.views.kind import Options, ViewKind, check_types, watched_types
from sphinx_designdoc.views.output import ViewContext, wrap
from sphinx_designdoc.vocabulary import Schema

PACKAGE = Path(views.__file__).resolve().parent.parent
SCHEMA = build_settings({})[0].schema


def test_every_kind_is_one_module() -> None:
    for name, kind in views.KINDS.items():
        module = f"sphinx_designdoc.views.{name}"
        assert kind.name == name and kind.directive == f"dd-{name}"
        assert kind.planner.__module__ == module
        assert kind.render.__module__ == module
        view, problems = kind.read({}, SCHEMA, "x.rst", 1)
        assert problems == []
        assert type(view.plan).__module__ == module


def _kind_knowledge(path: Path) -> set[str]:
    """The kind names a module compares with, and the options of some kinds it looks up
    (those every kind has, such as ``:class:``, are shared)."""
    kinds = set(views.KINDS)
    each = [set(kind.options) for kind in views.KINDS.values()]
    options = set.union(*each) - set.intersection(*each)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            found.update(
                c.value
                for c in [node.left, *node.comparators]
                if isinstance(c, ast.Constant) and c.value in kinds
            )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in options | {"options", "view"}
        ):
            found.add(node.args[0].value)
    return found


@pytest.mark.parametrize(
    "path",
    [
        "checks/links.py",
        "incremental.py",
        "directives/views.py",
        "transforms.py",
        "sources.py",
        "views/__init__.py",
        "views/kind.py",
        "model.py",
        "views/output.py",
        "views/cells.py",
    ],
)
def test_no_shared_module_names_a_kind_or_its_options(path: str) -> None:
    """Outside its own module, nothing knows a kind by name or reads its options."""
    found = _kind_knowledge(PACKAGE / path)
    assert not found, f"{path} knows {sorted(found)}"


def test_the_record_keeps_the_plan_not_the_options() -> None:
    view, _ = views.KINDS["graph"].read({"root": "REQ-1", "class": "wide"}, SCHEMA, "x.rst", 3)
    assert view.classes == ("wide",) and view.drawn
    assert view.plan is not None and view.plan.named_ids() == (("root", "REQ-1"),)
    assert not hasattr(view, "options")
    record = DocRecord(
        views=[
            view,
            views.KINDS["matrix"].read({"layout": "grid"}, SCHEMA, "x.rst", 5)[0],
            views.KINDS["table"].read({"type": "nothing"}, SCHEMA, "x.rst", 7)[0],
        ]
    )
    assert pickle.loads(pickle.dumps(record)) == record
    assert record.views[2].plan is None  # unusable: shown as a note, watches nothing
    assert watched_types(record.views[2], SCHEMA) == frozenset()


# -- a kind of view the package does not have ----------------------------------------


@dataclass(frozen=True)
class CountPlan(Plan):
    """Counts the objects of some types; ``:like:`` names one the count is about."""

    types: tuple[str, ...]
    like: str | None

    def shown_types(self) -> tuple[str, ...]:
        return self.types

    def named_ids(self) -> Iterable[tuple[str, str]]:
        return () if self.like is None else (("like", self.like),)


def plan_count(options: Options, schema: Schema, problems: list[str]) -> CountPlan:
    (types,) = check_types(options, schema, problems, "types")
    return CountPlan(tuple(types or ["requirement"]), options.get("like") or None)


def render_count(plan: CountPlan, node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    count = sum(1 for item in ctx.graph.by_id.values() if item.type in plan.types)
    text = f"{count} objects counted"
    return [wrap(node, nodes.paragraph(text, text))]


COUNT = ViewKind("count", ("types", "like", "class"), plan_count, render_count)


def test_the_checks_and_incremental_builds_read_the_plan() -> None:
    view, problems = COUNT.read({"types": "decision", "like": "DEC-9"}, SCHEMA, "c.rst", 4)
    assert problems == []
    settings = build_settings({})[0]
    graph = Graph([], settings.schema, settings.tracing_statuses)
    ctx = CheckContext(graph, settings, {"c": DocRecord(views=[view])}, "", graphviz=False)
    ((found,),) = [list(check_views(ctx))]
    assert (found.subtype, found.source, found.line) == ("dangling", "c.rst", 4)
    assert found.message.startswith("dd-count: :like: names unknown ID 'DEC-9'")
    # decisions, and what links to them or what they link to
    assert "decision" in (watched_types(view, SCHEMA) or ())
    assert "requirement" in (watched_types(view, SCHEMA) or ())


def test_a_new_kind_needs_only_its_module(make_app, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(views.KINDS, "count", COUNT)
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Index\n=====\n\n.. toctree::\n\n   reqs\n   count\n",
            "reqs.rst": "Reqs\n====\n\n.. requirement:: Fast\n   :id: REQ-1\n",
            "count.rst": (
                "Count\n=====\n\n"
                ".. dd-count::\n   :types: requirement\n   :like: REQ-2\n   :class: mine\n\n"
                ".. dd-count::\n   :shape: round\n"
            ),
        },
    )
    app = make_app("html", srcdir=src)
    app.build()
    html = (app.outdir / "count.html").read_text(encoding="utf-8")
    assert '<div class="dd-view dd-count mine docutils container">' in html
    assert html.count("1 objects counted") == 2
    warnings = warnings_of(app)
    assert any(":like: names unknown ID 'REQ-2'" in w for w in warnings), warnings
    assert any("dd-count: unknown option :shape:" in w for w in warnings), warnings
    # a requirement added on another page rewrites the view's page: its plan says
    # which types it shows
    edit(src / "reqs.rst", ":id: REQ-1\n", ":id: REQ-1\n\n.. requirement:: Slow\n   :id: REQ-3\n")
    app = make_app("html", srcdir=src)
    app.build()
    assert (app.outdir / "count.html").read_text(encoding="utf-8").count("2 objects counted") == 2
