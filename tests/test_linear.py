"""Every pattern of the package that reads a user's text takes time in proportion to its
length: a megabyte of the input each pattern is worst at is read in well under a second
(hang guards, not benchmarks: a super-linear pattern takes minutes on these).  The
import's and the option reader's patterns are pinned in ``test_safety_adr.py`` and
``test_options.py``."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from sphinx_designdoc import filters, safety
from sphinx_designdoc.checks.lifecycle import _norm_title
from sphinx_designdoc.evidence.code import DEFAULT_PATTERN, tags_in
from sphinx_designdoc.evidence.files import Rest
from sphinx_designdoc.evidence.verify import _glob_matcher
from sphinx_designdoc.lock import parse as parse_lock
from sphinx_designdoc.model import option_offset
from sphinx_designdoc.reports.diff import message_identity, text_diff
from sphinx_designdoc.reports.markdown import escape, inert
from sphinx_designdoc.scaffold import default_prefix, full_title
from sphinx_designdoc.sources import directive_pattern
from sphinx_designdoc.views.graph import _dot
from sphinx_designdoc.vocabulary import split_names

MB = 1_000_000


def _tokens(text: str) -> Any:
    try:
        return filters.tokenize(text)
    except filters.FilterError:
        return None


def _code_tags(text: str) -> Any:
    return tags_in(text, re.compile(DEFAULT_PATTERN, re.MULTILINE))


CASES: dict[str, tuple[Callable[[str], Any], str]] = {
    "filter string": (_tokens, '"' + "\\a" * (MB // 2)),
    "filter name": (_tokens, "a" * MB + "!"),
    "filter number": (_tokens, "-" + "1" * MB + ".x"),
    "url scheme": (safety.safe_url, "a" * MB),
    "url tabs": (safety.allowed_url, " \t" * (MB // 2) + "javascript:x"),
    "redacted url": (safety.redact_url, "https://h/?" + "a=b&" * (MB // 4)),
    "css class": (safety.css_class, "-!" * (MB // 2)),
    "terminal text": (safety.terminal_text, "\x1b" * MB),
    "natural key": (safety.natural_key, "a1" * (MB // 2)),
    "section title": (_norm_title, "1." * (MB // 2) + "x"),
    "section digits": (_norm_title, " " + "1" * MB),
    "option line": (lambda text: option_offset(["x", text], "id"), " " * MB + "x"),
    "directive line": (
        lambda text: directive_pattern(["requirement"]).search(text),
        "> " * (MB // 2),
    ),
    "directive fence": (lambda text: directive_pattern(["requirement"]).search(text), "`" * MB),
    "link names": (split_names, ", " * (MB // 2)),
    "markdown report": (escape, "*" * MB),
    "pull-request comment": (inert, "www." * (MB // 4)),
    "lock line": (parse_lock, "A b C " + "x=%zz" * (MB // 5)),
    "lock lines": (parse_lock, "<<<<<<<\n=======\n" * (MB // 16)),
    "finding identity": (
        lambda text: message_identity(text, frozenset({"a.rst"})),
        "a.rst:1, " * (MB // 9),
    ),
    "text diff": (lambda text: text_diff(text, text.replace("a", "b")), "a1\nc2\n" * (MB // 6)),
    "dot string": (_dot, '\x01\\"' * (MB // 3)),
    "scaffold title": (lambda text: (default_prefix(text), full_title(text)), "a-" * (MB // 2)),
    "code tag id": (_code_tags, "# implements: " + "a-" * (MB // 2) + "!"),
    "code tag list": (_code_tags, "# implements: DEC-1" + " ," * (MB // 2) + "!"),
    "code tag words": (_code_tags, "implements:" * (MB // 11)),
    "code tag spaces": (_code_tags, "satisfies: a" + " " * MB + "!"),
    "code glob name": (Rest(["*a*a*a*a*b"]).match, "a" * MB),
    "verified-by glob": (_glob_matcher("*a*a*a*a*b"), "a" * MB),
    "code glob folders": (Rest(["**", "a", "**", "a", "**", "b"]).match, "a/" * 2000 + "b"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_megabyte_is_read_in_linear_time(name: str) -> None:
    read, text = CASES[name]
    start = time.perf_counter()
    read(text)
    assert time.perf_counter() - start < 3.0  # on a loaded 2-core machine; quadratic is minutes
