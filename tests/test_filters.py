"""The ``:filter:`` language on its own: parsing, validation, evaluation, hostile input."""

from __future__ import annotations

import pytest

from sphinx_designdoc.filters import (
    MAX_DEPTH,
    MAX_LENGTH,
    BoolOp,
    Compare,
    FilterError,
    Flag,
    Not,
    compile_filter,
    known_names,
    parse,
    tokenize,
)
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.model import Item
from sphinx_designdoc.vocabulary_config import build_schema

SCHEMA = build_schema(
    {"risk": {"statuses": ["open", "mitigated"], "fields": {"severity": ["low", "high"]}}},
    {"mitigates": {"incoming": "mitigated by", "source": "decision", "target": "risk"}},
)


def item(item_id: str, type_: str = "requirement", **kw: object) -> Item:
    fields = kw.pop("fields", {})
    links = kw.pop("links", {})
    return Item(
        id=item_id,
        type=type_,
        title=str(kw.pop("title", item_id)),
        status=str(kw.pop("status", "proposed")),
        docname="index",
        source="index.rst",
        line=1,
        fields=fields,  # type: ignore[arg-type]
        links=links,  # type: ignore[arg-type]
    )


ITEMS = [
    item(
        "REQ-1",
        status="approved",
        fields={"kind": "non-functional", "tags": ("security", "perf"), "priority": "must"},
        title="Encrypt at rest",
    ),
    item("REQ-2", fields={"kind": "functional", "tags": ("ui",)}, title="Dark mode"),
    item("REQ-3", status="rejected", fields={"kind": "functional"}),
    item("DEC-1", "decision", status="accepted", links={"addresses": ("REQ-1",)}),
    item("RISK-1", "risk", status="open", fields={"severity": "high"}),
    item("DEC-2", "decision", status="accepted", links={"mitigates": ("RISK-1",)}),
]
GRAPH = Graph(ITEMS, SCHEMA)


def select(text: str) -> list[str]:
    predicate = compile_filter(text, SCHEMA, GRAPH)
    return sorted(i.id for i in ITEMS if predicate(i))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('status == "approved"', ["REQ-1"]),
        ("status == 'approved'", ["REQ-1"]),
        ('kind != "functional"', ["DEC-1", "DEC-2", "REQ-1", "RISK-1"]),
        ('"security" in tags', ["REQ-1"]),
        ('"security" not in tags and type == "requirement"', ["REQ-2", "REQ-3"]),
        ('type == "requirement" and untraced', ["REQ-2"]),
        ("traced", ["REQ-1"]),
        ("not traced and not untraced", ["DEC-1", "DEC-2", "REQ-3", "RISK-1"]),
        ('type == "requirement" and (status == "rejected" or "ui" in tags)', ["REQ-2", "REQ-3"]),
        ('status in ["approved", "accepted"]', ["DEC-1", "DEC-2", "REQ-1"]),
        ('"REQ-1" in addresses', ["DEC-1"]),
        ('"DEC-1" in addressed_by', ["REQ-1"]),
        ('severity == "high"', ["RISK-1"]),
        ('"RISK-1" in mitigates', ["DEC-2"]),
        ('"rest" in title', ["REQ-1"]),
        ("priority", ["REQ-1"]),
        ("inactive", ["REQ-3"]),
        ("true", [i.id for i in sorted(ITEMS, key=lambda i: i.id)]),
        ("false", []),
        ('id == "REQ-2" or id == "DEC-1"', ["DEC-1", "REQ-2"]),
        ('not not id == "REQ-2"', ["REQ-2"]),
    ],
)
def test_filter_selects(text: str, expected: list[str]) -> None:
    assert select(text) == sorted(expected)


def test_precedence_and_binds_tighter_than_or() -> None:
    tree = parse("a == 'x' or b == 'y' and not c")
    assert isinstance(tree, BoolOp) and tree.op == "or"
    right = tree.operands[1]
    assert isinstance(right, BoolOp) and right.op == "and"
    assert isinstance(right.operands[1], Not)
    assert isinstance(right.operands[1].operand, Flag)
    assert isinstance(tree.operands[0], Compare)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("status = 'x'", "'=='"),
        ("status == ", "expected a field name or a value"),
        ("status == 'x", "not closed"),
        ("(status == 'x'", "expected ')'"),
        ("status == 'x')", "unexpected ')'"),
        ("status == 'x' status", "join conditions"),
        ("'x'", "a value alone"),
        ("a == b == c", "chained"),
        ("and", "expected a field name"),
        ("__import__('os')", "cannot call functions"),
        ("__import__('os').system('echo hi')", "unexpected character '.'"),
        ("open('x')", "cannot call functions"),
        ("item.__class__", "unexpected character '.'"),
        ("status == 'a' ; import os", "unexpected character ';'"),
        ("lambda: 1", "unexpected character ':'"),
        ("[1, 2", "expected ',' or ']'"),
        ("status in [status]", "quoted values"),
        ("status @ 'x'", "unexpected character '@'"),
    ],
)
def test_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(FilterError) as info:
        compile_filter(text, SCHEMA, GRAPH)
    assert message in str(info.value)


def test_error_has_column() -> None:
    with pytest.raises(FilterError) as info:
        parse('status == "a" and kind = "b"')
    assert info.value.column == 24
    assert "(at column 24)" in str(info.value)


def test_unknown_field_is_named_with_a_suggestion() -> None:
    with pytest.raises(FilterError) as info:
        compile_filter('statuss == "accepted"', SCHEMA, GRAPH)
    assert "unknown field 'statuss'" in str(info.value)
    assert "did you mean 'status'" in str(info.value)
    assert info.value.column == 1


def test_dunder_names_are_unknown_fields() -> None:
    with pytest.raises(FilterError, match="unknown field '__class__'"):
        compile_filter("__class__ == 'x'", SCHEMA, GRAPH)


def test_custom_vocabulary_is_known() -> None:
    names = known_names(SCHEMA)
    assert names["severity"] == "field:severity"
    assert names["mitigates"] == "link:mitigates"
    assert names["mitigated_by"] == "in:mitigated by"


def test_very_long_filter_is_refused_not_crashing() -> None:
    text = " or ".join(['status == "x"'] * 1000)
    assert len(text) > MAX_LENGTH
    with pytest.raises(FilterError, match="longer than"):
        parse(text)


def test_long_flat_filter_within_limit_works() -> None:
    text = " or ".join(f'id == "REQ-{n}"' for n in range(150))
    assert len(text) < MAX_LENGTH
    assert select(text) == ["REQ-1", "REQ-2", "REQ-3"]


def test_deep_nesting_is_refused_not_recursion_error() -> None:
    deep = "(" * 500 + "traced" + ")" * 500
    with pytest.raises(FilterError, match="nested deeper"):
        parse(deep)
    with pytest.raises(FilterError, match="nested deeper"):
        parse("not " * 500 + "traced")


def test_nesting_at_the_limit_works() -> None:
    ok = "(" * (MAX_DEPTH - 1) + "traced" + ")" * (MAX_DEPTH - 1)
    assert select(ok) == ["REQ-1"]


def test_not_a_string() -> None:
    with pytest.raises(FilterError):
        parse(42)  # type: ignore[arg-type]


def test_tokens_keep_positions_and_escapes() -> None:
    tokens = tokenize(r'title == "say \"hi\""')
    assert [t.kind for t in tokens] == ["NAME", "OP", "STRING", "END"]
    assert tokens[2].value == 'say "hi"'
    assert tokens[2].pos == 9


def test_compiled_once_evaluates_many_objects() -> None:
    many = [
        item(f"R-{n}", fields={"tags": ("a",) if n % 2 else ("b",), "kind": "functional"})
        for n in range(20000)
    ]
    graph = Graph(many, SCHEMA)
    predicate = compile_filter('"a" in tags and kind == "functional" and untraced', SCHEMA, graph)
    assert sum(1 for i in many if predicate(i)) == 10000
