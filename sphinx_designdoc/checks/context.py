"""What every check reads: the project graph, the settings and the records of what was
read; and the two ways a check locates a finding."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..confpy import ConfLocation
from ..evidence.model import CodeScan, TestRun
from ..evidence.verify import Traced
from ..graph import Graph
from ..lock import Lock
from ..model import DocRecord, Finding, Item, option_offset


@dataclass(frozen=True)
class CheckContext:
    graph: Graph
    settings: Settings
    records: Mapping[str, DocRecord]
    #: absolute path of the Sphinx source folder (for files such as pyproject.toml)
    srcdir: str = ""
    #: where conf.py sets each setting, for findings about settings
    conf: ConfLocation | None = None
    #: whether Graphviz's ``dot`` can be run
    graphviz: bool = True
    #: needs of this project whose type is not mapped to ours: ID -> need type
    unmapped_needs: Mapping[str, str] = field(default_factory=dict)
    #: ``designdoc.lock`` as read, None when there is none
    lock: Lock | None = None
    #: the test results read (``designdoc_test_results``), None when none are set, and
    #: what they say of the objects
    tests: TestRun | None = None
    traced: Traced | None = None
    #: the code tags found (``designdoc_code``), None when no code is set
    code_scan: CodeScan | None = None
    #: absolute path of the folder of ``conf.py``, which evidence paths are relative to
    confdir: str = ""
    #: every ID of the project, for did-you-mean, when ``graph`` holds only some of the
    #: objects (the language server checks a page against its neighbours)
    known_ids: Collection[str] | None = None
    #: source files read to locate options, by path
    _lines: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def option_line(self, item: Item, option: str) -> int:
        """The line of ``item``'s option ``option`` (``:addresses:`` three lines below
        the directive), read from its source file when a finding needs it; the
        directive's line when it cannot be found."""
        if not self.srcdir or not item.line or not item.declared_here:
            return item.line
        path = Path(self.srcdir, item.source)
        lines = self._lines.get(str(path))
        if lines is None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []
            self._lines[str(path)] = lines
        offset = option_offset(lines[item.line - 1 : item.line + 200], option)
        return item.line if offset is None else item.line + offset

    def evidence_source(self, path: str) -> str:
        """A path relative to ``conf.py``'s folder (a results or code file) relative
        to the source folder instead, as findings name files."""
        if not self.confdir or not self.srcdir or Path(self.confdir) == Path(self.srcdir):
            return path
        return os.path.relpath(Path(self.confdir, path), self.srcdir).replace(os.sep, "/")

    def at_setting(self, subtype: str, message: str, setting: str) -> Finding:
        """A finding located at the line of conf.py that sets ``setting``."""
        if self.conf is None:
            return Finding(subtype, message)
        return Finding(subtype, message, self.conf.source, self.conf.line(setting))


Check = Callable[[CheckContext], Iterable[Finding]]


def finding(subtype: str, item: Item, message: str, line: int | None = None) -> Finding:
    """A finding at ``item`` (at ``line`` of its file, its directive's line if None)."""
    at = item.line if line is None else line
    return Finding(subtype, message, item.source, at, item.docname, item.id)


def suggest(unknown: str, ctx: CheckContext) -> str:
    """What to do about an unknown ID: map the type of the sphinx-needs need of that ID
    (``designdoc_needs_types``), or " (did you mean 'X'?)" for one close to a known ID."""
    need_type = ctx.unmapped_needs.get(unknown)
    if need_type is not None:
        return (
            f", a sphinx-needs need of type {need_type!r}: to link to needs of that type, "
            f"map it to one of ours, e.g. designdoc_needs_types = {{{need_type!r}: 'requirement'}}"
        )
    known = ctx.graph.by_id.keys() if ctx.known_ids is None else ctx.known_ids
    close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
