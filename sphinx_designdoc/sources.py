"""Whether a project's sources use the extension, looked up before anything is read.

The sphinx-needs bridge must tell sphinx-needs of our need types, fields and link types
while the configuration is read, before any document; a project that writes no design
object should get none of them (its needs, flows and ``needs.json`` stay as they were
without the extension).  Reading the environment is not possible that early, so the
source files are searched for our directives, stopping at the first one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.matching import Matcher

from .views import KINDS

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from .vocabulary import Schema

#: suffixes searched besides the project's source suffixes: files pulled in with
#: ``.. include::`` often end so
INCLUDE_SUFFIXES = (".rst", ".md", ".txt", ".inc")


def directive_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A directive of one of ``names`` (or its ``dd:`` form) opening a line, in
    reStructuredText (``.. requirement::``) or MyST (```` ```{requirement} ````,
    ``:::{requirement}``), also inside block quotes and lists."""
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    return re.compile(
        rf"^[ \t>*+-]*(?:\.\.[ \t]+|(?:`{{3,}}|~{{3,}}|:{{3,}})[ \t]*\{{)(?:dd:)?(?:{alternatives})(?:::|\}})",
        re.MULTILINE,
    )


def uses_designdoc(app: Sphinx, config: Config, schema: Schema) -> bool:
    """Whether a source file of the project holds an object or view directive."""
    pattern = directive_pattern([*schema.types, *(kind.directive for kind in KINDS.values())])
    suffixes = tuple({*_source_suffixes(app, config), *INCLUDE_SUFFIXES})
    excluded = Matcher([*config.exclude_patterns, "_build", "**/_build"])
    srcdir = Path(app.srcdir)
    outdir = Path(app.outdir).resolve()
    for root, dirs, files in os.walk(srcdir):
        here = Path(root)
        rel = here.relative_to(srcdir).as_posix()
        rel = "" if rel == "." else rel + "/"
        dirs[:] = sorted(
            d
            for d in dirs
            if not excluded(rel + d) and not d.startswith(".") and (here / d).resolve() != outdir
        )
        for name in sorted(files):
            if not name.endswith(suffixes) or excluded(rel + name):
                continue
            try:
                text = (here / name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if pattern.search(text):
                return True
    return False


def _source_suffixes(app: Sphinx, config: Config) -> list[str]:
    """The suffixes Sphinx reads: ``source_suffix`` in any of its shapes, and those
    parsers such as MyST add."""
    raw = config.source_suffix
    if isinstance(raw, str):
        configured = [raw]
    elif isinstance(raw, dict):
        configured = list(raw)
    else:
        configured = list(raw or ())
    return [*configured, *getattr(app.registry, "source_suffix", {})]
