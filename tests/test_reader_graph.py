"""Readers ask the one graph: ``designdoc trace``, the reports' neighbourhoods and their
untraced reasons follow the links and the tracing rule of :class:`.Graph`, never the
rows' own copies of them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sphinx_designdoc import codec
from sphinx_designdoc.cli import main
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.model import Item
from sphinx_designdoc.neighbourhood import Neighbour, neighbourhood, untraced_reason
from sphinx_designdoc.reports._common import ReportView
from sphinx_designdoc.vocabulary import LinkDef, Schema, TypeDef

#: a project vocabulary of its own: a spec counts while it is active (none of its
#: statuses is a tracing status), and it satisfies an srd
SCHEMA = Schema(
    {
        "srd": TypeDef("srd", "SRD", ("active", "inactive"), inactive_statuses=("inactive",)),
        "spec": TypeDef(
            "spec", "Spec", ("draft", "active", "inactive"), inactive_statuses=("inactive",)
        ),
        "test": TypeDef("test", "Test", ("run",)),
    },
    {
        "satisfies": LinkDef("satisfies", "satisfied by", ("spec",), ("srd",), traces=True),
        "checks": LinkDef("checks", "checked by", ("test",), ("spec",)),
    },
)


def item(item_id: str, type_name: str, status: str, **links: str) -> Item:
    return Item(
        item_id,
        type_name,
        f"{item_id} title",
        status,
        "doc",
        "doc.rst",
        1,
        links={name: tuple(ids.split()) for name, ids in links.items()},
    )


def project() -> Graph:
    return Graph(
        [
            item("SRD-1", "srd", "active"),
            item("SRD-2", "srd", "active"),
            item("SPEC-1", "spec", "draft", satisfies="SRD-1 SRD-9"),
            item("SPEC-2", "spec", "inactive", satisfies="SRD-2"),
            item("TEST-1", "test", "run", checks="SPEC-1"),
        ],
        SCHEMA,
        ("accepted", "proposed"),
    )


def report_of(graph: Graph) -> dict[str, Any]:
    return codec.build_report(graph, [], graph.schema, graph.tracing_statuses)


def test_a_type_that_counts_while_active_is_traced_and_explained_by_the_graph() -> None:
    graph = project()
    assert graph.is_traced("SRD-1") is True  # a draft spec counts: it is active
    assert untraced_reason(graph, "SRD-2") == (
        "SRD-2 is untraced: satisfied by SPEC-2 (inactive) only, "
        "and a spec counts when it is active or draft"
    )
    view = ReportView(report_of(graph))
    assert view.untraced_reason(view.by_id["SRD-2"]) == untraced_reason(graph, "SRD-2")


def test_the_neighbourhood_is_the_graphs_in_report_order() -> None:
    graph = project()
    # the link it was reached by is not followed back out of SPEC-1
    assert neighbourhood(graph, "SRD-1") == [Neighbour("satisfied by", "up", "SPEC-1")]
    # a spec's own links (an unknown ID too) and its test through the backlink
    assert neighbourhood(graph, "SPEC-1") == [
        Neighbour("satisfies", "down", "SRD-1"),
        Neighbour("satisfies", "down", "SRD-9"),
        Neighbour("checked by", "up", "TEST-1"),
    ]
    assert neighbourhood(graph, "NOPE-1") == []


def test_trace_follows_the_links_not_a_rows_stale_backlinks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report whose ``incoming`` lists a source that no longer links there (edited
    by hand, or written by another tool): trace shows what the links say, as impact
    does."""
    report = report_of(project())
    edited = copy.deepcopy(report)
    row = next(o for o in edited["objects"] if o["id"] == "SRD-2")
    row["incoming"]["satisfied by"].append("SPEC-1")
    path = tmp_path / "designdoc.json"
    path.write_text(codec.dumps(edited), encoding="utf-8")
    assert main(["trace", "SRD-2", "--data", str(path), "--json"]) == 0
    relations = json.loads(capsys.readouterr().out)["relations"]
    assert [(r["relation"], r["id"]) for r in relations] == [("satisfied by", "SPEC-2")]


def test_an_untraced_reason_decodes_only_the_untraced_and_their_sources() -> None:
    """JUnit explains every untraced object: that must not cost a decode of every row."""
    graph = project()
    view = ReportView(report_of(graph))
    assert view.untraced_reason(view.by_id["SRD-2"]) == untraced_reason(graph, "SRD-2")
    assert "graph" not in vars(view)
    assert sorted(i.id for i in view._untraced_graph.items()) == ["SPEC-2", "SRD-2"]


def test_reports_read_the_vocabulary_as_the_graph_does() -> None:
    """One reader of a report's vocabulary: a report's labels, tones, marks, separators
    and tracing links are the schema the graph is decoded with, also where a hand-edited
    vocabulary leaves a label empty."""
    vocabulary = codec.encode_vocabulary(SCHEMA)
    vocabulary["types"]["test"]["label"] = ""
    report = {"objects": [], "vocabulary": vocabulary, "tracing_statuses": []}
    view = ReportView(report)
    assert view.schema == codec.graph_of(report).schema
    assert view.label("srd") == "SRD" and view.label("test") == "test"
    assert view.label("unknown") == "unknown"
    assert view.tone("spec", "inactive") == "bad" and view.tone("spec", "draft") == "pending"
    assert view.tone("unknown", "draft") == ""
    mark = view.mark({"type": "srd", "status": "inactive"})
    assert mark is not None and mark.status == "inactive"
    assert [link.name for link in view.tracing_links_into("srd")] == ["satisfies"]
    assert view.leaf_types() == ["srd"]
