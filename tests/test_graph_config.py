"""Pure-Python units: vocabulary and settings validation, the traceability graph."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sphinx_designdoc.config import build_settings
from sphinx_designdoc.graph import Coverage, Graph
from sphinx_designdoc.model import Item
from sphinx_designdoc.vocabulary import ConfigError
from sphinx_designdoc.vocabulary_config import build_schema

SCHEMA = build_schema()


def item(
    item_id: str,
    type_: str,
    status: str = "proposed",
    source: str = "a.rst",
    line: int = 1,
    **links: str,
) -> Item:
    return Item(
        id=item_id,
        type=type_,
        title=item_id.title(),
        status=status,
        docname=source.rsplit(".", 1)[0],
        source=source,
        line=line,
        links={k: tuple(v.split()) for k, v in links.items()},
    )


def test_builtin_vocabulary_matches_the_specification() -> None:
    assert list(SCHEMA.types) == ["requirement", "decision", "dependency", "designdoc"]
    assert SCHEMA.types["requirement"].default_status == "proposed"
    assert SCHEMA.types["decision"].statuses == (
        "proposed",
        "accepted",
        "rejected",
        "superseded",
        "deprecated",
    )
    assert {(name, link.incoming) for name, link in SCHEMA.links.items()} == {
        ("addresses", "addressed by"),
        ("uses", "used by"),
        ("supersedes", "superseded by"),
        ("refines", "refined by"),
        # the relations of decision records (import-adr)
        ("partly-supersedes", "partly superseded by"),
        ("amends", "amended by"),
        ("clarifies", "clarified by"),
        ("extends", "extended by"),
        ("relates-to", "related from"),
    }
    assert SCHEMA.links["addresses"].traces and not SCHEMA.links["uses"].traces
    assert not any(SCHEMA.links[name].traces for name in ("amends", "relates-to"))


@pytest.mark.parametrize(
    "types,links,message",
    [
        ({"Bad Name": {}}, {}, "not a valid name"),
        ({"risk": {"statuses": []}}, {}, "at least one status"),
        ({"risk": {"fields": {"id": None}}}, {}, "reserved"),
        ({"risk": {"fields": {"x": "colour"}}}, {}, "kind 'colour'"),
        ({}, {"mitigates": {"source": "decision", "target": "risk"}}, "unknown type 'risk'"),
        ({}, {"kind": {"source": "requirement", "target": "requirement"}}, "clashes"),
        ("risk", {}, "must be a dict or a list"),
    ],
)
def test_unusable_vocabulary_is_rejected_with_a_reason(types, links, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_schema(types, links)


def test_list_form_of_custom_vocabulary() -> None:
    schema = build_schema(
        [{"name": "risk", "statuses": "open closed", "fields": ["severity"]}],
        [{"name": "mitigates", "source": ["decision"], "target": ["risk"], "traces": True}],
    )
    assert schema.types["risk"].statuses == ("open", "closed")
    assert schema.types["risk"].field("severity") is not None
    assert schema.links["mitigates"].incoming == "mitigates (incoming)"


def test_settings_report_every_problem_and_fall_back_to_defaults() -> None:
    settings, problems = build_settings(
        {
            "designdoc_id_regex": "(",
            "designdoc_min_coverage": True,
            "designdoc_exports": ["csv", "pdf", "json"],
            "designdoc_templates": {
                "short": ["Context", ["Decisions", "Design Decisions"]],
                "bad": "x",
            },
            "designdoc_external": [{"prefix": "X"}],
        }
    )
    assert settings.id_regex.pattern.startswith("^[A-Za-z]")
    assert settings.min_coverage == 0
    assert settings.exports == ("csv",)
    assert settings.templates["short"] == (("Context",), ("Decisions", "Design Decisions"))
    assert "bad" not in settings.templates and "default" in settings.templates
    assert len(problems) == 5, problems


def test_backlinks_tracing_and_coverage() -> None:
    graph = Graph(
        [
            item("REQ-1", "requirement"),
            item("REQ-2", "requirement"),
            item("REQ-3", "requirement", status="rejected"),
            item("REQ-4", "requirement", refines="REQ-1"),
            item("DEC-1", "decision", status="accepted", addresses="REQ-1 REQ-1", uses="DEP-1"),
            item("DEC-2", "decision", status="rejected", addresses="REQ-2"),
            item("DEP-1", "dependency"),
        ],
        SCHEMA,
        ("accepted", "proposed"),
    )
    assert graph.incoming_of("REQ-1") == {"addressed by": ["DEC-1"], "refined by": ["REQ-4"]}
    assert graph.incoming_of("DEP-1") == {"used by": ["DEC-1"]}
    assert graph.is_traced("REQ-1") is True
    assert graph.is_traced("REQ-2") is False  # only a rejected decision addresses it
    assert graph.is_traced("REQ-3") is None  # rejected requirements need no tracing
    assert graph.is_traced("DEP-1") is None
    cov = graph.coverage()["requirement"]
    assert (cov.traced, cov.total, cov.percent) == (1, 3, 33.3)


def test_a_type_with_nothing_to_trace_has_no_coverage() -> None:
    """Not "0 of 0 traced (100%)": no requirement at all, or only dropped ones and other
    projects', leaves the type out; a custom traced type with objects is in."""
    schema = build_schema(
        {"risk": {"statuses": ["open", "closed"], "inactive_statuses": ["closed"]}},
        {"mitigates": {"source": "decision", "target": "risk", "traces": True}},
    )
    external = replace(item("REQ-X", "requirement"), external_url="https://example.org/x")
    graph = Graph(
        [item("REQ-1", "requirement", status="rejected"), external, item("RISK-1", "risk", "open")],
        schema,
    )
    assert graph.coverage() == {"risk": Coverage(0, 1)}
    assert Graph([], schema).coverage() == {}


def test_duplicates_keep_the_first_declaration_by_location() -> None:
    graph = Graph(
        [
            item("REQ-1", "requirement", source="b.rst", line=3),
            item("REQ-1", "requirement", source="a.rst", line=9),
        ],
        SCHEMA,
    )
    assert graph.by_id["REQ-1"].source == "a.rst"
    assert [(i.source, i.line) for i in graph.duplicates["REQ-1"]] == [("a.rst", 9), ("b.rst", 3)]


def test_walks_are_cycle_safe_and_report_paths() -> None:
    graph = Graph(
        [
            item("DEC-1", "decision", supersedes="DEC-2", addresses="REQ-1"),
            item("DEC-2", "decision", supersedes="DEC-1"),
            item("REQ-1", "requirement"),
        ],
        SCHEMA,
    )
    down = graph.walk("DEC-1", "down")
    assert [(s.item.id, s.path) for s in down] == [
        ("DEC-2", ("DEC-1", "DEC-2")),
        ("REQ-1", ("DEC-1", "REQ-1")),
    ]
    up = graph.walk("REQ-1", "up")
    assert [(s.item.id, s.link, s.path) for s in up] == [
        ("DEC-1", "addressed by", ("REQ-1", "DEC-1")),
        ("DEC-2", "superseded by", ("REQ-1", "DEC-1", "DEC-2")),
    ]
    assert graph.walk("NOPE") == []
    assert [s.item.id for s in graph.walk("DEC-1", "down", max_depth=1)] == ["DEC-2", "REQ-1"]


def test_vocabulary_round_trips_through_the_report() -> None:
    from sphinx_designdoc.codec import decode_vocabulary, encode_vocabulary

    schema = build_schema(
        {"risk": {"statuses": ["open", "closed"], "fields": {"severity": ["low", "high"]}}},
        {"mitigates": {"source": "decision", "target": "risk", "traces": True}},
    )
    encoded = encode_vocabulary(schema)
    assert encode_vocabulary(decode_vocabulary(encoded)) == encoded


def test_coverage_has_one_rounding_rule() -> None:
    from sphinx_designdoc.graph import format_percent

    assert format_percent(Coverage(2, 3).percent) == "66.7%"
    assert format_percent(Coverage(1, 2).percent) == "50%"
    # the one coverage line: a share of nothing is no 100%
    assert Coverage(2, 3).text == "2 of 3 traced (66.7%)"
    assert Coverage(0, 0).text == "nothing to trace"
    # never 100% while one object is untraced, never 0% once one is traced
    assert Coverage(1999, 2000).percent == 99.9 and Coverage(1999, 2000).ratio < 100
    assert Coverage(1, 3000).percent == 0.1


def test_impact_walks_the_trace_chain_without_turning_back() -> None:
    graph = Graph(
        [
            item("FR-1", "requirement", "proposed"),
            item("FR-2", "requirement", "proposed", refines="FR-1"),
            item("FR-3", "requirement", "proposed"),
            item("DEC-1", "decision", "accepted", addresses="FR-1 FR-3", uses="DEP-A"),
            item("DEC-2", "decision", "accepted", supersedes="DEC-1", addresses="FR-1"),
            item("DEC-3", "decision", "accepted", addresses="FR-3", uses="DEP-A DEP-B"),
            item("DEP-A", "dependency", "approved"),
            item("DEP-B", "dependency", "approved"),
        ],
        SCHEMA,
    )

    def reached(start: str) -> dict[str, str]:
        return {a.item.id: a.explain() for a in graph.impact(start)}

    # a dependency: its decisions, their requirements and those requirements' refinements
    assert reached("DEP-A") == {
        "DEC-1": "DEP-A is used by DEC-1",
        "DEC-3": "DEP-A is used by DEC-3",
        "FR-1": "DEP-A is used by DEC-1, which addresses FR-1",
        "FR-3": "DEP-A is used by DEC-1, which addresses FR-3",
        "DEC-2": "DEP-A is used by DEC-1, which is superseded by DEC-2",
        "FR-2": "DEP-A is used by DEC-1, which addresses FR-1, which is refined by FR-2",
    }  # not DEP-B, the other dependency of DEC-3
    # a requirement: its decisions, their dependencies and successors, its refinements
    assert set(reached("FR-1")) == {"DEC-1", "DEC-2", "FR-2", "DEP-A"}  # not FR-3
    # a successor is not affected by a change to what it superseded... the other way round
    assert "DEC-1" not in reached("DEC-2")
    assert "DEC-2" in reached("DEC-1")
    assert [a.item.id for a in graph.impact("DEP-A", 1)] == ["DEC-1", "DEC-3"]
