"""The object directives: ``requirement``, ``decision``, ``dependency``, ``designdoc``
and every type a project adds with ``designdoc_types``.

A directive validates what it can see on its own (option values, ID syntax), records a
plain :class:`~sphinx_designdoc.model.Item` in the domain and renders the object.  What
needs the whole project (backlinks, tracing, dangling links) happens after reading.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol, cast

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..config import Settings
from ..declaration import read_declaration
from ..model import Finding, Item
from ..render import render_object
from .options import OptionBlock, OwnOptions, as_text, read_myst, read_rst


class Store(Protocol):
    """What a directive needs of the ``dd`` domain, which imports the directives: the
    settings, and where to record what it read."""

    @property
    def settings(self) -> Settings: ...

    def note_item(self, docname: str, item: Item) -> None: ...

    def note_finding(self, docname: str, finding: Finding) -> None: ...

    def relative_source(self, path: str | os.PathLike[str] | None) -> str: ...


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

    def run(self) -> list[nodes.Node]:
        domain = cast("Store", self.env.domains["dd"])
        settings = domain.settings
        typedef = settings.schema.types[self.type_name]
        source_abs, line = self.get_source_info()
        source = domain.relative_source(source_abs)
        docname = self.env.docname
        title, block = self._read_option_block()
        self.options = block.options
        declared = read_declaration(
            settings,
            typedef,
            title,
            block,
            directive=self.name,
            docname=docname,
            source=source,
            line=line or 0,
        )

        body: list[nodes.Node] = []
        if self.content:
            body = self.parse_content_to_nodes(allow_section_headings=False)

        item = None
        if declared.id:
            item = Item(
                id=declared.id,
                type=typedef.name,
                title=title or ("" if typedef.page_header else declared.id),
                status=declared.status,
                docname=docname,
                source=source,
                line=line or 0,
                fields=declared.fields,
                links=declared.links,
                content="\n".join(self.content).strip("\n"),
                text=body_text(body),
            )
            domain.note_item(docname, item)
        for finding in declared.findings:
            domain.note_finding(docname, finding)

        return render_object(
            typedef,
            settings,
            item,
            title,
            declared.status,
            declared.fields,
            declared.links,
            body,
            docname,
        )

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


def make_directive(type_name: str) -> type[ObjectDirective]:
    class_name = type_name.title().replace("-", "").replace("_", "") + "Directive"
    return type(class_name, (ObjectDirective,), {"type_name": type_name})
