"""The answers of the language server, from the index: completion, hover, definition,
references, rename, outlines and diagnostics, as protocol types.

Positions here are in code points (0-based lines and columns); :mod:`.server` turns
them into the units the editor negotiated.  Text from the sources shown in a hover is
escaped for Markdown: a title is the author's text, not markup of ours.
"""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from ..model import Finding, Item
from ..reports.markdown import inert
from ..safety import without_controls
from ..vocabulary import COMMON_FIELDS, TypeDef
from .index import Index
from .page import Mention, Page, Site

#: most completion items sent at once; more, and the list is marked incomplete so the
#: editor asks again as the user types
MAX_ITEMS = 200
#: the characters of an ID as the default ``designdoc_id_regex`` allows them
_ID_CHAR = re.compile(r"[\w.:-]")
#: ``:name: value`` up to the cursor (the option reader's syntax, on one line)
_OPTION_AT = re.compile(r"^\s*:([\w-]*)(?::[ \t]*(.*))?$")
_ROLE_OPENERS = (":dd:ref:`", "{dd:ref}`")
#: what ends the ID before the cursor: the separators of a list of IDs, a role's
#: backtick, an explicit title's ``<``, MyST's YAML quoting
_STOPS = frozenset(" \t,`<[]'\"")
#: the IDs already in a list
_NAMES = re.compile(r"[^\s,`<>\[\]'\"]+")

SYMBOL_KINDS = {
    "requirement": types.SymbolKind.Interface,
    "decision": types.SymbolKind.Event,
    "dependency": types.SymbolKind.Package,
    "designdoc": types.SymbolKind.File,
}


@dataclass(frozen=True)
class Place:
    """An ID at the cursor: the ID, and its span on the cursor's line."""

    id: str
    line: int
    start: int
    end: int


def place_at(index: Index, page: Page, lines: list[str], line: int, column: int) -> Place | None:
    """The ID under the cursor: a place the page writes one (an ``:id:``, a link, a
    role, a view's option), else a word that is a known ID."""
    for mention in page.mentions:
        if (
            mention.line == line
            and mention.start <= column <= mention.end
            and mention.source == page.source
        ):
            return Place(mention.id, line, mention.start, mention.end)
    if line >= len(lines):
        return None
    text = lines[line]
    start = column
    while start > 0 and _ID_CHAR.match(text[start - 1]):
        start -= 1
    end = column
    while end < len(text) and _ID_CHAR.match(text[end]):
        end += 1
    word = text[start:end].strip(".:-")
    if word and word in index.declared:
        offset = text.find(word, start)
        return Place(word, line, offset, offset + len(word))
    return None


# -- completion -----------------------------------------------------------------------


def complete(
    index: Index, page: Page | None, lines: list[str], line: int, column: int
) -> types.CompletionList:
    """What may be written at the cursor: IDs in a link option or a ``:dd:ref:`` role
    (objects of the link's target types first), option names and status values of the
    object's type, directive names of the project's types.  Each item replaces what
    was typed of it (editors disagree on where a word with ``-`` or ``:`` starts)."""
    text = lines[line][:column] if line < len(lines) else ""
    schema = index.project.settings.schema
    none = types.CompletionList(is_incomplete=False, items=[])

    def at(typed: str) -> types.Range:
        return _range(line, column - len(typed), column)

    for opener in _ROLE_OPENERS:
        start = text.rfind(opener)
        if start >= 0 and "`" not in text[start + len(opener) :]:
            typed = _word_before(text)
            return _ids(index, typed, (), at(typed), set())
    stripped = text.lstrip()
    if stripped.startswith(".. ") and " " not in stripped[3:] and "::" not in stripped:
        return _directives(index, stripped[3:], "::", at(stripped[3:]))
    for fence in ("```{", ":::{"):
        if stripped.startswith(fence) and "}" not in stripped:
            typed = stripped[len(fence) :]
            return _directives(index, typed, "}", at(typed))
    site = _site_at(page, line) if page is not None else None
    typedef = schema.types.get(site.type) if site is not None else None
    if site is None or typedef is None:
        return none
    match = _OPTION_AT.match(text)
    if match is not None and match.group(2) is None:
        return _options(index, typedef, match.group(1), lines, site, at(match.group(1)))
    if match is None:
        option = _continued_option(lines, line, site)
        value = text
    else:
        option, value = match.group(1).lower(), match.group(2)
    if option is None:
        return none
    typed = _word_before(text)
    links = {link.name: link for link in schema.links_from(typedef.name)}
    if option in links:
        written = set(_NAMES.findall(value)) - {typed}
        return _ids(index, typed, links[option].targets, at(typed), written)
    if option == "status":
        return _values(typedef.statuses, typed, "status", at(typed))
    fdef = typedef.field(option)
    if fdef is not None and fdef.kind == "choice":
        return _values(fdef.choices, typed, option, at(typed))
    return none


def _word_before(text: str) -> str:
    """The ID (or value) being typed: what follows the last separator of a list, a
    backtick or ``<``."""
    start = len(text)
    while start > 0 and text[start - 1] not in _STOPS:
        start -= 1
    return text[start:]


def _site_at(page: Page, line: int) -> Site | None:
    """The object directive whose option block holds ``line`` (or ends just above it:
    an option being typed is no option yet, so the block ended before it)."""
    found = None
    for site in page.sites:
        if site.source == page.source and site.line < line <= max(site.options_end, site.line + 1):
            found = site
    return found


def _continued_option(lines: list[str], line: int, site: Site) -> str | None:
    """The option an indented line without a name continues (a list of IDs written one
    per line), looking up to the directive's line."""
    if not lines[line][:1].isspace():
        return None
    for above in range(line - 1, site.line, -1):
        match = _OPTION_AT.match(lines[above])
        if match is not None and match.group(2) is not None:
            return match.group(1).lower()
    return None


def _ids(
    index: Index, typed: str, preferred: Iterable[str], at: types.Range, written: set[str]
) -> types.CompletionList:
    preferred = tuple(preferred)
    folded = typed.casefold()
    ranked = (
        (("0" if not preferred or item.type in preferred else "1")
         + ("0" if key.startswith(folded) else "1"), object_id, item)
        for key, object_id, item in index.completion_keys()
        if folded in key and object_id not in written
    )  # fmt: skip
    best = heapq.nsmallest(MAX_ITEMS + 1, ranked, key=lambda entry: entry[:2])
    more = len(best) > MAX_ITEMS
    shown = [(rank, item) for rank, _, item in best[:MAX_ITEMS]]
    return types.CompletionList(
        is_incomplete=more,
        items=[
            types.CompletionItem(
                label=item.id,
                kind=types.CompletionItemKind.Reference,
                detail=f"{item.type} · {item.status}",
                documentation=without_controls(item.title),
                sort_text=f"{rank}{item.id}",
                filter_text=item.id,
                text_edit=types.TextEdit(range=at, new_text=item.id),
            )
            for rank, item in shown
        ],
    )


def _options(
    index: Index, typedef: TypeDef, typed: str, lines: list[str], site: Site, at: types.Range
) -> types.CompletionList:
    schema = index.project.settings.schema
    written = set()
    for number in range(site.line + 1, len(lines)):  # the block, to its first blank line
        if not lines[number].strip() or lines[number].lstrip().startswith(("```", ":::")):
            break
        match = _OPTION_AT.match(lines[number])
        if match is not None and match.group(2) is not None:
            written.add(match.group(1).lower())
    names: list[tuple[str, str]] = [("id", "the object's unique ID"), ("status", "its status")]
    names += [(f.name, f.help or f.kind) for f in (*COMMON_FIELDS, *typedef.fields)]
    names += [
        (link.name, f"link to {' or '.join(link.targets)}")
        for link in schema.links_from(typedef.name)
    ]
    items = [
        types.CompletionItem(
            label=name,
            kind=types.CompletionItemKind.Property,
            detail=detail,
            text_edit=types.TextEdit(range=at, new_text=f"{name}: "),
        )
        for name, detail in names
        if name not in written and name.startswith(typed.lower())
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def _values(values: Iterable[str], typed: str, what: str, at: types.Range) -> types.CompletionList:
    items = [
        types.CompletionItem(
            label=v,
            kind=types.CompletionItemKind.EnumMember,
            detail=what,
            text_edit=types.TextEdit(range=at, new_text=v),
        )
        for v in values
        if v.startswith(typed)
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def _directives(index: Index, typed: str, suffix: str, at: types.Range) -> types.CompletionList:
    names = sorted(index.project.reading.directives)
    items = [
        types.CompletionItem(
            label=name,
            kind=types.CompletionItemKind.Class,
            detail=f"{index.project.reading.directives[name]} object",
            text_edit=types.TextEdit(range=at, new_text=name + suffix),
        )
        for name in names
        if name.startswith(typed.lower())
    ]
    return types.CompletionList(is_incomplete=False, items=items)


# -- hover ----------------------------------------------------------------------------


def hover(index: Index, place: Place) -> types.Hover | None:
    """The object's type, status, title and where it is declared, and its trace: what
    it links to, what links to it, whether it is traced, its verification."""
    items = index.declared.get(place.id)
    if not items:
        return None
    item = items[0]
    graph = index.graph_near([place.id])
    lines = [f"**{inert(item.id)}** — {inert(item.title)}", ""]
    lines.append(f"{inert(item.type)} · {inert(item.status)} · {_where(item)}")
    if len(items) > 1:
        lines.append(f"\n*declared {len(items)} times*")
    outgoing = [
        f"- {inert(name)}: {', '.join(inert(t) for t in targets)}"
        for name, targets in item.links.items()
        if targets
    ]
    incoming = [
        f"- {inert(name)}: {', '.join(inert(s) for s in sources)}"
        for name, sources in sorted(graph.incoming_of(item.id).items())
    ]
    if outgoing:
        lines += ["", "Links:", *outgoing]
    if incoming:
        lines += ["", "Linked from:", *incoming]
    traced = graph.is_traced(item.id) if index.known else None
    if traced is not None:
        lines += ["", "traced" if traced else "**not traced**"]
    verification = index.build.verification.get(item.id)
    if verification is not None:
        lines += ["", f"verified: {inert(verification.state)} (last build)"]
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n".join(lines)),
        range=_range(place.line, place.start, place.end),
    )


def _where(item: Item) -> str:
    if item.external:
        return "another project"
    if item.origin:
        return f"a {inert(item.origin)} need"
    return f"{inert(item.source)}:{item.line}"


# -- definition, references, rename ---------------------------------------------------


def declarations(index: Index, object_id: str) -> list[tuple[str, int, int, int]]:
    """Where ``object_id`` is declared: (source, line, start, end), at its ``:id:`` when
    written, else at its directive."""
    found = []
    for item in index.declared.get(object_id, ()):
        if item.external or item.origin:
            continue
        mention = _id_mention(index, item)
        if mention is not None:
            found.append((mention.source, mention.line, mention.start, mention.end))
        else:
            found.append((item.source, max(item.line - 1, 0), 0, 0))
    return found


def _id_mention(index: Index, item: Item) -> Mention | None:
    for page in index.pages.values():
        if page.docname != item.docname:
            continue
        for mention in page.mentions:
            if mention.kind == "id" and mention.id == item.id and mention.source == item.source:
                return mention
    return None


def references(index: Index, object_id: str, declaration: bool) -> list[Mention]:
    """Every place ``object_id`` is written: links, roles, views, and its ``:id:``; a
    file included by two pages counts once (a rename must not edit a place twice)."""
    seen: set[tuple[str, int, int]] = set()
    found = []
    for mention in index.mentions_of(object_id):
        key = (mention.source, mention.line, mention.start)
        if key in seen or (not declaration and mention.kind == "id"):
            continue
        seen.add(key)
        found.append(mention)
    return found


def rename_problem(index: Index, old: str, new: str) -> str | None:
    """Why ``old`` cannot become ``new``, or None."""
    settings = index.project.settings
    if not new or new != new.strip() or not settings.id_regex.match(new):
        return f"{new!r} does not match designdoc_id_regex {settings.id_regex.pattern!r}"
    if new != old and new in index.declared:
        return f"{new} is the ID of another object already"
    if old not in index.declared:
        return f"{old} is no object of this project"
    if not index.complete:
        return "the workspace is still being read; try again in a moment"
    return None


# -- outlines -------------------------------------------------------------------------


def document_symbols(page: Page) -> list[types.DocumentSymbol]:
    symbols = []
    for site in page.sites:
        if not site.id or site.source != page.source:
            continue
        whole = _range(site.line, 0, 0) if site.end <= site.line else None
        symbols.append(
            types.DocumentSymbol(
                name=site.id,
                detail=without_controls(f"{site.type}: {site.title}"),
                kind=SYMBOL_KINDS.get(site.type, types.SymbolKind.Object),
                range=whole
                or types.Range(types.Position(site.line, 0), types.Position(site.end, 0)),
                selection_range=_range(site.line, 0, 0),
            )
        )
    return symbols


def workspace_symbols(
    indexes: Iterable[Index], query: str, limit: int = 500
) -> list[tuple[Index, Item]]:
    """Objects whose ID or title holds ``query`` (case folded), IDs that start with it
    first."""
    folded = query.casefold()
    found: list[tuple[int, str, Index, Item]] = []
    for index in indexes:
        for object_id, items in list(index.declared.items()):
            item = items[0]
            if item.external or item.origin:
                continue
            key = object_id.casefold()
            if folded in key or folded in item.title.casefold():
                found.append((0 if key.startswith(folded) else 1, object_id, index, item))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [(index, item) for _, _, index, item in found[:limit]]


# -- diagnostics ----------------------------------------------------------------------


def diagnostics(page: Page, findings: list[Finding], lines: list[str]) -> list[types.Diagnostic]:
    """The findings as diagnostics, each on the ID it is about where the line writes it,
    else on the whole line."""
    out = []
    spans: dict[tuple[int, str], Mention] = {}
    for mention in page.mentions:
        if mention.source == page.source:
            spans.setdefault((mention.line, mention.id), mention)
    for finding in findings:
        line = max((finding.line or 1) - 1, 0)
        span = _span_for(finding, line, spans)
        if span is None:
            width = len(lines[line]) if line < len(lines) else 0
            rng = _range(line, 0, width)
        else:
            rng = _range(line, span.start, span.end)
        out.append(
            types.Diagnostic(
                range=rng,
                message=without_controls(finding.message),
                severity=types.DiagnosticSeverity.Warning,
                code=f"designdoc.{finding.subtype}",
                source="designdoc",
            )
        )
    return out


def _span_for(finding: Finding, line: int, spans: dict[tuple[int, str], Mention]) -> Mention | None:
    if finding.subtype in ("dangling", "link_type"):
        for (at, object_id), mention in spans.items():
            if at == line and repr(object_id) in finding.message:
                return mention
    if finding.id is not None:
        return spans.get((line, finding.id))
    return None


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(line, end))


def file_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
