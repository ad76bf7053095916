"""The object directives: ``requirement``, ``decision``, ``dependency``, ``designdoc``
and every type a project adds with ``designdoc_types``.

A directive validates what it can see on its own (option values, ID syntax), records a
plain :class:`~sphinx_designdoc.model.Item` in the domain and renders the object.  What
needs the whole project (backlinks, tracing, dangling links) happens after reading.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol, cast

from docutils import nodes
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from sphinx.util.docutils import SphinxDirective

from ..config import Settings
from ..model import FieldValue, Finding, Item
from ..render import render_object
from ..safety import URL_POLICY, allowed_url
from ..vocabulary import COMMON_FIELDS, FieldDef, TypeDef, did_you_mean, split_names
from .options import OptionBlock, OwnOptions, as_text, read_myst, read_rst


class Store(Protocol):
    """What a directive needs of the ``dd`` domain, which imports the directives: the
    settings, and where to record what it read."""

    @property
    def settings(self) -> Settings: ...

    def note_item(self, docname: str, item: Item) -> None: ...

    def note_finding(self, docname: str, finding: Finding) -> None: ...

    def relative_source(self, path: str | os.PathLike[str] | None) -> str: ...


def check_value(fdef: FieldDef, raw: str) -> tuple[FieldValue, str | None]:
    """Parse a field value; return it with a problem description, or None when valid.

    The value is kept even when invalid so that no data the author wrote is lost.
    """
    if fdef.kind == "list":
        # each character of the separator splits (``,\n``: commas or lines)
        return tuple(split_names(raw, f"[{re.escape(fdef.separator)}]")), None
    if fdef.kind == "choice" and fdef.meaning(raw) not in fdef.choices:
        return raw, (
            f"unknown {fdef.name} {raw!r}{did_you_mean(raw, fdef.choices)} "
            f"(expected one of: {', '.join(fdef.choices)})"
        )
    if fdef.kind == "date":
        try:
            _dt.date.fromisoformat(raw)
        except ValueError:
            return raw, f"{fdef.name} {raw!r} is not an ISO date (YYYY-MM-DD)"
    if fdef.kind == "specifier":
        try:
            SpecifierSet(raw)
        except InvalidSpecifier:
            return raw, f"{fdef.name} {raw!r} is not a PEP 440 version specifier (e.g. '>=1.2,<2')"
    if fdef.kind == "url" and raw and not allowed_url(raw):
        return raw, f"{fdef.name} {raw!r} is not {URL_POLICY}; it is shown as text, not a link"
    return raw, None


def body_text(body: Sequence[nodes.Node]) -> str:
    """An object's body as plain text: one line per outermost text block (a paragraph,
    a list item's paragraph, a literal block, a table cell's paragraph), whitespace
    collapsed.  Read from the parsed nodes, so markup that renders alike (``*x*`` in
    either syntax, a role in RST or MyST spelling) reads alike, and a reflowed
    paragraph is the same line."""
    lines: list[str] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, (nodes.Invisible, nodes.system_message)):
            return  # comments, targets, the parser's own messages: not the body's text
        if isinstance(node, nodes.TextElement):
            line = " ".join(node.astext().split())
            if line:
                lines.append(line)
            return
        for child in node.children:
            walk(child)

    for node in body:
        walk(node)
    return "\n".join(lines)


def page_id(docname: str) -> str:
    """The ID of a page's design document when it names none: the docname, slugged
    (``guides/payment gateway`` -> ``guides-payment-gateway``)."""
    slug = re.sub(r"[^A-Za-z0-9_.:-]+", "-", docname).strip("-.:")
    return slug if slug[:1].isalpha() and slug[:1].isascii() else f"doc-{slug}"


class ObjectDirective(SphinxDirective):
    """One directive class per object type; the type's vocabulary is looked up when it
    runs, so links that ``conf.py`` adds to built-in types are options here too."""

    has_content = True
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    #: read by :mod:`.options`, not by docutils or MyST (see there why)
    option_spec: ClassVar[dict[str, Callable[[Any], Any]]] = OwnOptions(
        {"id": as_text, "status": as_text, "tags": as_text, "owner": as_text}
    )
    type_name: ClassVar[str] = ""
    #: option name -> offset of its line from the directive's (set by :meth:`run`)
    _option_lines: dict[str, int]

    def run(self) -> list[nodes.Node]:
        domain = cast("Store", self.env.domains["dd"])
        settings = domain.settings
        typedef = settings.schema.types[self.type_name]
        source_abs, line = self.get_source_info()
        source = domain.relative_source(source_abs)
        docname = self.env.docname
        title, block = self._read_option_block()
        self.options = block.options
        self._option_lines = block.lines
        #: (message, the option at fault or None for the directive itself)
        problems: list[tuple[str, str | None]] = []

        item_id = as_text(self.options.get("id"))
        if not item_id and typedef.page_header:
            # a design document is its page: its ID defaults to the page's name
            item_id = page_id(docname)
            if not settings.id_regex.match(item_id):
                problems.append(
                    (
                        f"{typedef.name} has no :id:, and its page name makes the ID "
                        f"{item_id!r}, which does not match designdoc_id_regex "
                        f"{settings.id_regex.pattern!r}; add an :id:",
                        None,
                    )
                )
                item_id = ""
        elif not item_id:
            problems.append(
                (f"{typedef.name} has no :id: option; add a unique ID such as ':id: X-1'", None)
            )
        elif not settings.id_regex.match(item_id):
            problems.append(
                (
                    f"ID {item_id!r} does not match designdoc_id_regex "
                    f"{settings.id_regex.pattern!r}",
                    "id",
                )
            )

        # a page header without a title takes the page's title once the page is read
        # (see DesigndocDomain.complete_doc); the directive cannot see it in MyST
        if not title and not typedef.page_header:
            problems.append(
                (f"{item_id or typedef.name} has no title; write one after '{self.name}::'", None)
            )

        status = as_text(self.options.get("status")) or typedef.default_status
        if status not in typedef.statuses:
            problems.append(
                (
                    f"unknown status {status!r} for a {typedef.name}"
                    f"{did_you_mean(status, typedef.statuses)} "
                    f"(expected one of: {', '.join(typedef.statuses)})",
                    "status",
                )
            )

        fields, links = self._read_options(settings, typedef, problems)

        body: list[nodes.Node] = []
        if self.content:
            body = self.parse_content_to_nodes(allow_section_headings=False)

        item = None
        if item_id:
            item = Item(
                id=item_id,
                type=typedef.name,
                title=title or ("" if typedef.page_header else item_id),
                status=status,
                docname=docname,
                source=source,
                line=line or 0,
                fields=fields,
                links=links,
                content="\n".join(self.content).strip("\n"),
                text=body_text(body),
            )
            domain.note_item(docname, item)
        located = [
            (message, self.option_line(option, line or 0) if option else line)
            for message, option in problems
        ]
        located += [(message, (line or 0) + offset) for message, offset in block.problems]
        for message, at in located:
            prefix = "" if not item_id or message.startswith(("ID ", item_id)) else f"{item_id}: "
            domain.note_finding(
                docname,
                Finding("invalid", prefix + message, source, at, docname, item_id or None),
            )

        return render_object(typedef, settings, item, title, status, fields, links, body, docname)

    def _read_option_block(self) -> tuple[str, OptionBlock]:
        """The title and the option block, as written (:mod:`.options`): in MyST the
        options open the content, which then starts after them; in reStructuredText
        they follow the title in the argument."""
        argument = self.arguments[0] if self.arguments else ""
        if not type(self.state).__module__.startswith("myst_parser"):
            return read_rst(argument)
        used, block = read_myst(list(self.content))
        if used:
            self.content = self.content[used:]
            self.content_offset += used
        return argument.strip(), block

    def option_line(self, name: str, line: int) -> int:
        """The line of option ``name`` in the source: the directive's ``line`` plus the
        option's offset in its option block; ``line`` itself when it has none."""
        offset = self._option_lines.get(name)
        return line if offset is None else line + offset

    def _read_options(
        self, settings: Settings, typedef: TypeDef, problems: list[tuple[str, str | None]]
    ) -> tuple[dict[str, FieldValue], dict[str, tuple[str, ...]]]:
        field_defs = {f.name: f for f in (*COMMON_FIELDS, *typedef.fields)}
        link_names = {link.name for link in settings.schema.links_from(typedef.name)}
        fields: dict[str, FieldValue] = {}
        links: dict[str, tuple[str, ...]] = {}
        for name, raw in self.options.items():
            if name in ("id", "status"):
                continue
            value = as_text(raw)
            if name in link_names:
                links[name] = tuple(dict.fromkeys(split_names(value)))
            elif name in field_defs:
                parsed, problem = check_value(field_defs[name], value)
                fields[name] = parsed
                if problem:
                    problems.append((problem, name))
            else:
                # kept, so nothing the author wrote is lost; but it is no field of the
                # type, so no sphinx-needs need (the bridge's, the export's) carries it
                fields[name] = value
                known = sorted({"id", "status", *field_defs, *link_names})
                problems.append(
                    (
                        f"unknown option :{name}: for a {typedef.name}"
                        f"{did_you_mean(name, known)} (known: {', '.join(known)}); "
                        "the value is kept on the page and in designdoc.json, "
                        "not in sphinx-needs needs or the needs export",
                        name,
                    )
                )
        for fdef in typedef.fields:
            if fdef.default is not None and fdef.name not in fields:
                fields[fdef.name] = fdef.default
        return dict(sorted(fields.items())), links


def make_directive(type_name: str) -> type[ObjectDirective]:
    class_name = type_name.title().replace("-", "").replace("_", "") + "Directive"
    return type(class_name, (ObjectDirective,), {"type_name": type_name})
