"""One page as the language server reads it: the records the build makes of it (its
objects, the problems found reading them, the ``:dd:ref:`` roles, the views) and where
every ID is written, for references and rename.

:class:`Scanner` holds what reading one page collects; :mod:`.rst` and :mod:`.myst`
drive it with docutils' parser and with markdown-it as MyST configures it.  An object's
title and options go through the same reader (:mod:`..directives.options`) and the
same validation (:func:`..declaration.read_declaration`) as in a build, so the records
are the build's (a test compares them on every test root).  No Sphinx application and
no language-server library here.
"""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import utils

from ..config import Settings
from ..declaration import read_declaration
from ..directives.options import OptionBlock, as_text
from ..model import DocRecord, Finding, Item, Ref, option_offset, pickled_by_field_names
from ..views import KINDS, ViewKind

#: directives whose content is code, data or another language: never read as the page
LITERAL = frozenset(
    {
        "code-block", "sourcecode", "code", "literalinclude", "highlight", "math",
        "raw", "productionlist", "graphviz", "graph", "digraph", "mermaid", "plantuml",
        "uml", "csv-table", "doctest", "testcode", "testoutput", "testsetup",
        "testcleanup", "ipython", "jupyter-execute", "code-cell", "autolink-skip",
        "toctree",
        "needtable", "needflow", "needlist", "needimport", "needextend", "needuml",
        "needpie", "needbar", "needgantt", "needsequence", "needextract",
    }
)  # fmt: skip

#: a token of a list of IDs as :func:`.split_names` splits it, with MyST's YAML quoting
_NAME = re.compile(r"[^,\s\[\]'\"]+")


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class Mention:
    """An ID written somewhere in a page: at its object's ``:id:`` (``kind="id"``), in a
    link option (``"link"``) or in a ``:dd:ref:`` role (``"ref"``).  Lines and columns
    are 0-based, columns count code points."""

    id: str
    kind: str
    source: str
    line: int
    start: int
    end: int
    #: the link option that names it (``addresses``), for ``"link"``
    option: str = ""
    #: the object whose option it is, for ``"id"`` and ``"link"``
    owner: str = ""


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class Site:
    """Where an object's directive is: its first line, its last, and where its option
    block ends (0-based lines), for the outline and for completion; ``id`` is ``""``
    for a directive whose object has no usable ID yet."""

    id: str
    type: str
    title: str
    source: str
    line: int
    end: int
    #: the line after the option block (the first the body may take)
    options_end: int


@dataclass
class Page:
    """What the server knows of one page: the build's record of it, and the places."""

    docname: str
    source: str
    syntax: str
    record: DocRecord = field(default_factory=DocRecord)
    mentions: list[Mention] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    #: files the page read besides itself (``.. include::``), relative to the sources
    includes: list[str] = field(default_factory=list)
    #: made of the last build's report while the page waits to be read: its objects,
    #: not yet where their IDs are written
    provisional: bool = False


@dataclass(frozen=True)
class Reading:
    """What reading a page needs of its project."""

    settings: Settings
    srcdir: Path
    #: directive name as written (lower case) -> object type
    directives: dict[str, str]
    #: MyST's settings (``myst_*`` of conf.py), a :class:`MdParserConfig`
    myst: Any = None
    #: what reading pages makes once per project (MyST's parser)
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls, settings: Settings, srcdir: Path, taken: frozenset[str] = frozenset(), myst: Any = None
    ) -> Reading:
        """The directive names of every type: ``dd:<type>``, and ``<type>`` unless the
        project writes objects only so or a sphinx-needs need type has the name."""
        names: dict[str, str] = {}
        for name in settings.schema.types:
            names[f"dd:{name}".lower()] = name
            if settings.plain_directives and name not in taken:
                names[name.lower()] = name
        return cls(settings, srcdir, names, myst)


class Scanner:
    """The state of reading one page: what was found, the ``only`` blocks around the
    current place, the lines of each file read (for the columns of mentions)."""

    def __init__(self, reading: Reading, page: Page, path: Path, text: str) -> None:
        self.reading = reading
        self.page = page
        self.path = path
        self.only: list[str] = []
        self.lines: dict[str, list[str]] = {page.source: text.splitlines()}
        self.path_text = str(path)
        #: paths docutils reported, relative to the sources
        self.relatives: dict[str, str] = {}
        #: per (file, line): the column from which the next role is looked for
        self.role_cursor: dict[tuple[str, int], int] = {}
        #: reads Markdown text of a file as MyST (the file's path, the 0-based line of
        #: the text's first line there): what an include with MyST's parser reads
        self.markdown: Callable[[str, Path, int], None] | None = None
        #: the files being included, innermost last (a file never includes itself)
        self.including: list[str] = []

    def relative(self, path: str | None) -> str:
        """A path docutils reports, relative to the source folder (as the build names
        sources); the page's own path, the one asked for at every directive, is known."""
        if not path or path == self.path_text:
            return self.page.source
        found = self.relatives.get(path)
        if found is None:
            try:
                found = Path(path).resolve().relative_to(self.reading.srcdir.resolve()).as_posix()
            except ValueError:
                found = Path(path).as_posix()
            self.relatives[path] = found
        return found

    def lines_of(self, source: str) -> list[str]:
        lines = self.lines.get(source)
        if lines is None:
            try:
                text = (self.reading.srcdir / source).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            lines = self.lines[source] = text.splitlines()
            self.note_include(source)
        return lines

    def note_include(self, source: str) -> None:
        """The page reads the file ``source`` (relative to the sources) besides itself:
        a change to it changes the page, whatever it holds now."""
        if source != self.page.source and source not in self.page.includes:
            self.page.includes.append(source)

    # -- objects -----------------------------------------------------------------

    def declare(
        self,
        type_name: str,
        directive: str,
        title: str,
        block: OptionBlock,
        *,
        source: str,
        line: int,
        end: int,
        options_end: int,
        content: str,
    ) -> None:
        """Record an object as the build's directive records it (1-based ``line``)."""
        reading = self.reading
        typedef = reading.settings.schema.types[type_name]
        declared = read_declaration(
            reading.settings,
            typedef,
            title,
            block,
            directive=directive,
            docname=self.page.docname,
            source=source,
            line=line,
        )
        record = self.page.record
        record.findings.extend(declared.findings)
        site = Site(declared.id, type_name, title, source, line - 1, end - 1, options_end - 1)
        self.page.sites.append(site)
        if not declared.id:
            return  # no object, but completion still knows the type of the directive
        item = Item(
            id=declared.id,
            type=typedef.name,
            title=title or ("" if typedef.page_header else declared.id),
            status=declared.status,
            docname=self.page.docname,
            source=source,
            line=line,
            fields=declared.fields,
            links=declared.links,
            content=content,
            only=tuple(self.only),
        )
        record.items.append(item)
        lines = self.lines_of(source)
        mentions = self.page.mentions
        for name, offset in block.lines.items():
            if name == "id":
                wanted: set[str] = {declared.id}
            elif name in declared.links:
                wanted = set(declared.links[name])
            else:
                continue
            kind = "id" if name == "id" else "link"
            for at, start, end_col, token in option_tokens(lines, line - 1 + offset):
                if token in wanted:
                    mentions.append(
                        Mention(token, kind, source, at, start, end_col, name, declared.id)
                    )

    def view(
        self, name: str, kind: ViewKind[Any], raw: dict[str, Any], source: str, line: int
    ) -> None:
        """Record a view (``dd-table``) as the build's directive records it, and the
        IDs its options name."""
        options = {key: as_text(value) for key, value in sorted(raw.items())}
        view, problems = kind.read(options, self.reading.settings.schema, source, line)
        record = self.page.record
        record.findings.extend(
            Finding("invalid", f"{name}: {problem}", source, line, self.page.docname)
            for problem in problems
        )
        record.views.append(view)
        if view.plan is None:
            return
        lines = self.lines_of(source)
        named: dict[str, set[str]] = {}
        for option, object_id in view.plan.named_ids():
            named.setdefault(option, set()).add(object_id)
        for option, ids in named.items():
            offset = option_offset(lines[line - 1 : line + 200], option)
            if offset is None:
                continue
            for at, start, end, token in option_tokens(lines, line - 1 + offset):
                if token in ids:
                    self.page.mentions.append(
                        Mention(token, "view", source, at, start, end, option)
                    )

    def ref(self, rawtext: str, text: str, source: str, line: int) -> None:
        """Record a ``:dd:ref:`` role: its target as the build reads it, and where the
        target is written (looked for from ``line``, where the paragraph starts)."""
        target = ref_target(text)
        if target is None:
            return
        self.page.record.refs.append(Ref(target, source, line, self.page.docname))
        if not target:
            return
        lines = self.lines_of(source)
        # the role's name and opening backtick, then the target after it (the text as
        # docutils or MyST hands it over may differ from the source: escapes, ``x``)
        prefix = rawtext.split("`", 1)[0] + "`"
        offset = rawtext.rfind(target)
        newlines = rawtext.count("\n", 0, offset) if offset >= 0 else 0
        for index in range(max(line - 1, 0), min(line + 400, len(lines))):
            col = lines[index].find(prefix, self.role_cursor.get((source, index), 0))
            if col < 0:
                continue
            self.role_cursor[(source, index)] = col + len(prefix)
            at_line = index + newlines
            if at_line >= len(lines):
                return
            at_col = lines[at_line].find(target, col + len(prefix) if not newlines else 0)
            if at_col < 0:
                return
            if not newlines:
                self.role_cursor[(source, index)] = at_col + len(target)
            self.page.mentions.append(
                Mention(target, "ref", source, at_line, at_col, at_col + len(target))
            )
            return


def option_tokens(lines: Sequence[str], first: int) -> Iterator[tuple[int, int, int, str]]:
    """The names in an option's value: on its own line after ``:name:`` (or
    ``name:``), then on more indented lines or ``- item`` lines below it, as
    ``(line, start, end, name)``."""
    if first >= len(lines):
        return
    text = lines[first]
    stripped = text.lstrip()
    indent = len(text) - len(stripped)
    # the value starts after the name's closing colon
    colon = text.find(":", indent + 1) if stripped.startswith(":") else text.find(":", indent)
    if colon < 0:
        return
    for match in _NAME.finditer(text, colon + 1):
        yield first, match.start(), match.end(), match.group()
    for index in range(first + 1, len(lines)):
        line = lines[index]
        body = line.lstrip()
        if not body or (len(line) - len(body) <= indent and not body.startswith("- ")):
            return
        for match in _NAME.finditer(line):
            if match.group() != "-":
                yield index, match.start(), match.end(), match.group()


def ref_target(text: str) -> str | None:
    """The target of a ``:dd:ref:`` role's text as Sphinx's ``XRefRole`` reads it
    (with its own pattern): ``title <ID>`` names ``ID``, whitespace runs read as one
    space; None for ``!ID``, which links nowhere and is not recorded."""
    from sphinx.roles import XRefRole
    from sphinx.util import ws_re

    if text.startswith("!"):
        return None
    matched = XRefRole.explicit_title_re.match(text)
    return ws_re.sub(" ", utils.unescape(matched.group(2) if matched else text))


class AnyOptions(dict[str, Callable[[Any], Any]]):
    """Every option accepted, as written: the options of a directive this reader does
    not know are not its business, its content is."""

    def __missing__(self, key: str) -> Callable[[Any], Any]:
        return any_value


def any_value(value: Any) -> Any:
    return value


#: view directive name -> its kind
VIEWS = {kind.directive: kind for kind in KINDS.values()}
