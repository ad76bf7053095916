"""Lines of the members of a JSON document, for warnings about other projects' files."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sphinx_designdoc.jsonpos import member_lines


def test_lines_of_an_array_and_of_an_object() -> None:
    text = '{"a": 1,\n "objects": [\n  {"id": "X"},\n\n  {"id": "Y"}, 3\n ]}'
    assert member_lines(text, ("objects",)) == {0: 3, 1: 5, 2: 5}
    # a key written twice: the last, as json.loads keeps it; keys and strings holding
    # quotes, braces and escaped newlines do not throw the walk off
    text = (
        '{"versions": {"1.0": {"needs": {\r\n"A": {"t": "}\\"{\\n"},\r\n'
        '"B\\"}": {"x": [1, {"]": 2}]},\r\n"A": {}}}}}'
    )
    assert member_lines(text, ("versions", "1.0", "needs")) == {'B"}': 3, "A": 4}
    # so also a key of the path written twice
    text = '{"objects": [1],\n"objects": [\n2,\n3], "x": {"objects": [9]}}'
    assert member_lines(text, ("objects",)) == {0: 3, 1: 4}


def test_no_lines_where_the_text_has_no_such_container() -> None:
    assert member_lines('{"versions": {}}', ("versions", "1.0", "needs")) == {}
    assert member_lines('{"objects": 3}', ("objects",)) == {}
    assert member_lines("[1, 2]", ("objects",)) == {}
    for broken in ("", "{", '{"objects": [', '{"objects": [1,', "{x}", '{"a" 1}'):
        assert member_lines(broken, ("objects",)) == {}
    deep = '{"other": ' + "[" * 100_000 + "]" * 100_000 + ', "objects": [1]}'
    assert member_lines(deep, ("objects",)) == {}  # too deep to skip: no lines, no error


tricky = st.text(alphabet='a"\\{}[]:,\n\t é\u2028', max_size=6)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | tricky,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky, inner, max_size=3),
    max_leaves=12,
)


@given(st.dictionaries(tricky, values, max_size=6), st.booleans())
def test_lines_agree_with_how_json_writes_the_file(needs: dict[str, Any], ascii: bool) -> None:
    """``json.dumps(indent=1)`` writes each key of the needs mapping on a line of its own
    and each value over as many lines as its own dump has: the walk must find the same."""
    data = {"versions": {"1.0": {"needs": needs}}}
    text = json.dumps(data, indent=1, ensure_ascii=ascii)
    expected: dict[str | int, int] = {}
    line = 5
    for key, value in needs.items():
        expected[key] = line
        line += json.dumps(value, indent=1, ensure_ascii=ascii).count("\n") + 1
    assert member_lines(text, ("versions", "1.0", "needs")) == expected
