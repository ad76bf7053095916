"""``designdoc new``: a design document in the template's shape, ready to build.

The template text ships in ``templates/`` (package data), one file per markup, so what
``designdoc new`` writes does not depend on anything outside the installed package.
Example IDs get a prefix made from the title, so two scaffolded documents in one
project do not collide.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from importlib import resources
from string import Template

from .config import DEFAULT_ID_REGEX

FORMATS = ("rst", "md")
_SUFFIX = " design document"
_STOP_WORDS = frozenset({"a", "an", "the", "of", "for", "and", "design", "document"})


def _ascii_words(title: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.findall(r"[A-Za-z0-9]+", folded)


def default_prefix(title: str) -> str:
    """Up to three significant words of the title, upper case: ``PAYMENT-GATEWAY``."""
    words = [w for w in _ascii_words(title) if w.lower() not in _STOP_WORDS][:3]
    prefix = "-".join(w.upper() for w in words)[:24].strip("-")
    if not prefix:
        return "DD"
    return prefix if prefix[0].isalpha() else f"DD-{prefix}"


def default_filename(title: str, fmt: str) -> str:
    words = [w.lower() for w in _ascii_words(title)]
    return f"{'-'.join(words) or 'design-document'}.{fmt}"


def full_title(title: str) -> str:
    """``Payment Gateway`` -> ``Payment Gateway Design Document``, as the template names it."""
    title = " ".join(title.split())
    if title.lower().endswith(_SUFFIX):
        return title
    return f"{title} Design Document"


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markup(text: str) -> str:
    """``text`` as literal text in reStructuredText and in Markdown: a backslash before
    each ASCII punctuation character, which both read as that character itself.  So a
    title cannot become a comment (``.. x``), a role (``{role}`x```), a link or
    emphasis, and letters, digits and spaces stay as they are."""
    return _PUNCTUATION.sub(r"\\\1", text)


def template_text(fmt: str) -> str:
    return (
        resources.files("sphinx_designdoc")
        .joinpath("templates")
        .joinpath(f"designdoc.{fmt}.tmpl")
        .read_text(encoding="utf-8")
    )


def scaffold(
    title: str, *, fmt: str = "rst", prefix: str | None = None, date: _dt.date | None = None
) -> str:
    """The text of a new design document; ValueError for an unusable title or prefix."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use rst or md)")
    if not title.strip():
        raise ValueError("the title is empty")
    if "\n" in title.strip():
        raise ValueError("the title must be one line")
    prefix = prefix if prefix is not None else default_prefix(title)
    if not re.match(DEFAULT_ID_REGEX, f"{prefix}-REQ-1"):
        raise ValueError(
            f"prefix {prefix!r} would make invalid IDs: start with a letter and use "
            "letters, digits, '_', '.', ':' or '-'"
        )
    heading = escape_markup(full_title(title))
    return Template(template_text(fmt)).substitute(
        title=heading,
        title_line=heading,
        title_rule="=" * max(len(heading), 3),
        prefix=prefix,
        date=(date or _dt.date.today()).isoformat(),
    )
