"""Pure-Python units: vocabulary and settings validation, the traceability graph."""

from __future__ import annotations

import pytest

from sphinx_designdoc.config import build_settings
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.model import Item
from sphinx_designdoc.vocabulary import ConfigError, build_schema

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
    }
    assert SCHEMA.links["addresses"].traces and not SCHEMA.links["uses"].traces


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
    assert (cov.traced, cov.total, cov.percent) == (1, 3, 33.33)


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
