"""The code scanner (``designdoc_code``): the setting and the tags its patterns read.
Which files it reads, the links it makes and its cache: ``test_evidence_code_files.py``.
Plain Python: no Sphinx here."""

from __future__ import annotations

from pathlib import Path

import pytest
from code_helpers import (
    OFT,
    found,
    no_git_above,  # noqa: F401 - autouse: no work tree above tmp_path
    project,
    scan,
)

from sphinx_designdoc.config import ConfigError
from sphinx_designdoc.evidence import code
from sphinx_designdoc.evidence.code import DEFAULT_PATTERN, CodeEntry, code_entries, tags_in

# the requirement these tests verify, written into their JUnit results by our own
# pytest plugin (docs/design.rst shows the outcome)
pytestmark = pytest.mark.verifies("REQ-EVIDENCE")


# -- the default pattern ---------------------------------------------------------------


def test_default_pattern_reads_comments_of_any_language(tmp_path: Path) -> None:
    docs = project(
        tmp_path,
        {
            "pay.py": '"""Refunds.\n\nimplements: DEC-1\n"""\nx = 1  # satisfies: REQ-1\n',
            "pay.c": "/* implements: DEC-2 */\nint x; // satisfies: REQ-2\n",
            "pay.sql": "select 1; -- implements: DEC-3\n",
            "pay.html": "<p>\n<!-- implements: DEC-4 -->\n</p>\n",
            "pay.lisp": "(defun f ()) ; satisfies: REQ-4\n",
            "pay.txt": "implements: DEC-5\n",
        },
    )
    result = scan(docs, {"paths": ["../src/*.py", "../src/*.c", "../src/*.sql", "../src/pay.*l*"]})
    assert found(result) == [
        ("DEC-2", "implements", "../src/pay.c", 1),
        ("REQ-2", "satisfies", "../src/pay.c", 2),
        ("DEC-4", "implements", "../src/pay.html", 2),
        ("REQ-4", "satisfies", "../src/pay.lisp", 1),
        ("DEC-1", "implements", "../src/pay.py", 3),
        ("REQ-1", "satisfies", "../src/pay.py", 5),
        ("DEC-3", "implements", "../src/pay.sql", 1),
    ]
    assert result.files == 5
    assert result.problems == []


@pytest.mark.parametrize(
    ("line", "ids"),
    [
        ("# implements: DEC-1, DEC-2", ["DEC-1", "DEC-2"]),
        ("# implements: DEC-1,DEC-2 ,  DEC-3", ["DEC-1", "DEC-2", "DEC-3"]),
        ("# implements: DEC-3.", ["DEC-3"]),
        ("# implements: DEC-3: the retry", ["DEC-3"]),
        ("# implements: DEC-1, DEC-2, for refunds", ["DEC-1", "DEC-2", "for"]),
        ("# implements: pay.v2:DEC-3.", ["pay.v2:DEC-3"]),
        ("# implements:DEC-7 and more", ["DEC-7"]),
        ("# implements: DEC-1, DEC-1", ["DEC-1"]),
        ("# reimplements: DEC-1", []),
        ("# Implements: DEC-1", []),
        ("# implements DEC-1", []),
        ("# implements: 3-DEC", []),
    ],
)
def test_default_pattern_ids_and_punctuation(line: str, ids: list[str]) -> None:
    assert [t[0] for t in tags_in(line + "\n", code._compiled(DEFAULT_PATTERN))] == ids


def test_two_tags_on_a_line_and_line_numbers(tmp_path: Path) -> None:
    text = "a\r\nb\n\n// implements: DEC-1 satisfies: REQ-1\n" + "x\n" * 100 + "; satisfies: REQ-2"
    assert tags_in(text, code._compiled(DEFAULT_PATTERN)) == [
        ("DEC-1", "implements", 4),
        ("REQ-1", "satisfies", 4),
        ("REQ-2", "satisfies", 105),
    ]


def test_a_hostile_megabyte_line_is_read_in_one_pass() -> None:
    """Lines that would make a pattern with nested repetition backtrack without end
    (an ID's characters, separators and commas that almost continue the list) are one
    pass of the default pattern."""
    regex = code._compiled(DEFAULT_PATTERN)
    ident = "a" * 1_000_000
    assert tags_in(f"# implements: {ident}!", regex) == [(ident, "implements", 1)]
    commas = "# implements: DEC-1" + " ," * 300_000 + " !"
    assert tags_in(commas, regex) == [("DEC-1", "implements", 1)]
    words = "implements:" * 100_000
    assert len(tags_in(words + "DEC-1", regex)) == 1
    spaced = "# implements: " + "a-" * 250_000 + " " * 100_000 + "x"
    assert tags_in(spaced, regex) == [("a-" * 250_000, "implements", 1)]


# -- a project's own pattern ----------------------------------------------------------


def test_openfasttrace_pattern(tmp_path: Path) -> None:
    docs = project(
        tmp_path,
        {
            "Refund.java": (
                "// [impl->dsn~refund~1]\nclass Refund {\n"
                "  // [impl->dsn~refund.partial~2] [impl->dsn~audit-log~1]\n"
                "  // [utest->dsn~refund~1] [impl->req~x~1]\n}\n"
            )
        },
    )
    result = scan(docs, {"paths": ["../src/**/*.java"], "pattern": OFT})
    assert found(result) == [
        ("refund", "impl", "../src/Refund.java", 1),
        ("audit-log", "impl", "../src/Refund.java", 3),
        ("refund.partial", "impl", "../src/Refund.java", 3),
    ]


def test_a_project_pattern_id_group_may_hold_several_ids(tmp_path: Path) -> None:
    docs = project(tmp_path, {"a.go": "// Covers REQ-1, REQ-2 REQ-3.\n// Covers: none\n"})
    result = scan(docs, {"paths": ["../src/a.go"], "pattern": r"Covers (?P<id>[^\n]+)"})
    assert found(result) == [
        ("REQ-1", "", "../src/a.go", 1),
        ("REQ-2", "", "../src/a.go", 1),
        ("REQ-3", "", "../src/a.go", 1),
    ]


# -- the setting ----------------------------------------------------------------------


def test_entries_are_plain_hashable_values() -> None:
    value = [
        {"paths": "../src/*.py"},
        {"paths": ["a/*.c"], "pattern": OFT, "url": "https://h/{path}"},
    ]
    entries = code_entries(value)
    assert entries == (
        CodeEntry(("../src/*.py",)),
        CodeEntry(("a/*.c",), OFT, "https://h/{path}"),
    )
    assert hash(entries) == hash(code_entries(value))
    assert entries[1].regex.groupindex.keys() == {"kind", "id"}
    assert code_entries([]) == ()
    assert code_entries({"paths": ["x/*"]}) == (CodeEntry(("x/*",)),)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "src/*.py",
            "designdoc_code must be a list of {'paths': [globs], 'pattern': ..., 'url': ...} dicts, not str",
        ),
        (
            ["src/*.py"],
            "designdoc_code[0] must be a dict with 'paths' (and 'pattern', 'url'), not str",
        ),
        (
            [{"paths": ["a"]}, {"path": ["a"]}],
            "designdoc_code[1]: unknown key 'path' (known: paths, pattern, url) (did you mean 'paths'?)",
        ),
        (
            [{"pattern": OFT}],
            "designdoc_code[0]: 'paths' must be a non-empty list of glob strings, relative to the folder of conf.py (e.g. ['../src/**/*.py'])",
        ),
        ([{"paths": []}], "designdoc_code[0]: 'paths' must be a non-empty list"),
        ([{"paths": ["a", 3]}], "designdoc_code[0]: 'paths' must be a non-empty list"),
        ([{"paths": [" "]}], "designdoc_code[0]: 'paths' must be a non-empty list"),
        (
            [{"paths": ["a"], "pattern": 3}],
            "designdoc_code[0]: 'pattern' must be a regular expression string",
        ),
        (
            [{"paths": ["a"], "pattern": "(?P<id>["}],
            "designdoc_code[0]: 'pattern' is not a regular expression: unterminated character set",
        ),
        (
            [{"paths": ["a"], "pattern": r"impl: (\w+)"}],
            "designdoc_code[0]: 'pattern' needs a named group (?P<id>...) that holds the ID (and may have a (?P<kind>...) group)",
        ),
        ([{"paths": ["a"], "url": 3}], "designdoc_code[0]: 'url' must be a string"),
        (
            [{"paths": ["a"], "url": "javascript:alert(1)//{path}"}],
            "designdoc_code[0]: 'url' must be an http or https URL template",
        ),
        (
            [{"paths": ["a"], "url": "/blob/{path}"}],
            "designdoc_code[0]: 'url' must be an http or https URL template",
        ),
        (
            [{"paths": ["a"], "url": "https://h/{commit"}],
            "designdoc_code[0]: 'url' is not a valid template: expected '}' before end of string",
        ),
        (
            [{"paths": ["a"], "url": "https://h/{sha}/{path}"}],
            "designdoc_code[0]: 'url' has an unknown placeholder {sha} (known: {commit}, {path}, {line}; write {{ and }} for a brace)",
        ),
        (
            [{"paths": ["a"], "url": "https://h/{pth}"}],
            "{pth} (known: {commit}, {path}, {line}; write {{ and }} for a brace) (did you mean 'path'?)",
        ),
        (
            [{"paths": ["a"], "url": "https://h/{path.__class__}"}],
            "unknown placeholder {path.__class__}",
        ),
        ([{"paths": ["a"], "url": "https://h/{line!r}"}], "unknown placeholder {line!r}"),
        ([{"paths": ["a"], "url": "https://h/{0}"}], "unknown placeholder {0}"),
    ],
)
def test_bad_settings_are_one_clear_config_error(value: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        code_entries(value)
    assert message in str(caught.value)
