"""Writing a view's table for one builder: docutils nodes for every builder, or HTML
written when the page is translated, for the HTML builders (:func:`use_html_fast_path`).

A project-wide view page is rewritten whenever any object it shows changes, and as
docutils nodes its table costs more than the rest of such a rebuild; the HTML fast path
writes the same elements, classes and links as Sphinx's writer would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from html import escape
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import _ as translate
from sphinx.util.nodes import make_refnode

from ..graph import Graph
from ..marks import mark_of
from ..model import Item
from ..nodes import designdoc_html
from ..render import xref
from ..safety import encode_url, safe_url
from ..vocabulary import Schema
from .cells import Fragment, TableModel

if TYPE_CHECKING:
    from sphinx.builders import Builder


@dataclass(frozen=True)
class ViewContext:
    """What a renderer uses, and nothing else: the project graph and vocabulary, the
    builder, the page the view is on, and how to link an object and name a page."""

    graph: Graph
    schema: Schema
    builder: Builder
    #: the page the view was written on (LaTeX and singlehtml merge pages into one tree)
    fromdocname: str
    #: the link to an object around the given node (with the object's inactive mark
    #: after it when ``marked``), or the node alone (no URI for it):
    #: :meth:`.DesigndocDomain.link`
    link: Callable[..., nodes.Element]
    #: a page's title, by docname
    page_title: Callable[[str], str]
    #: whether Graphviz's ``dot`` can be run
    graphviz: bool = True
    #: how ``dd-graph`` is drawn in HTML: ``svg`` or ``png`` (``designdoc_graph_format``)
    graph_format: str = "svg"


def paragraph(*children: nodes.Node, classes: Sequence[str] = ()) -> nodes.paragraph:
    para = nodes.paragraph("", "", classes=list(classes))
    para.extend(children)
    return para


def text_node(text: str, classes: Sequence[str] = ()) -> nodes.Node:
    if classes:
        return nodes.inline(text, text, classes=list(classes))
    return nodes.Text(text)


def use_html_fast_path(builder: Builder) -> bool:
    """Write view tables straight to HTML for this builder?

    A project-wide view page is rewritten whenever any object it shows changes; as
    docutils nodes its table costs more than all the other rewritten pages together
    (node creation, reference resolving, the HTML writer, the search indexer).  Builders
    that post-process links in the doctree stay on the docutils path, which raw HTML
    would bypass: EPUB (visible URLs, ID fixes) and singlehtml (double anchors, fixed
    up differently by Sphinx versions; it rewrites its one page on every build anyway).
    """
    return builder.format == "html" and builder.name not in ("singlehtml", "epub")


class Output:
    """Writes the cells of one view for one builder, linking as from ``fromdocname``
    (the page the view was written on, which LaTeX and singlehtml merge into one tree)."""

    def __init__(self, ctx: ViewContext) -> None:
        self.ctx = ctx
        self.builder = ctx.builder
        self.fromdocname = ctx.fromdocname
        self._uris: dict[str, str | None] = {}
        self._anchors: dict[str, str] = {}
        self._marks: dict[str, str] = {}

    # -- docutils ----------------------------------------------------------------------

    def node(self, fragment: Fragment) -> nodes.Node:
        kind, text, extra = fragment
        if kind == "text":
            return text_node(text, extra)
        if kind == "strong":
            return nodes.strong(text, text, classes=list(extra))
        if kind in ("ref", "link"):
            item = self.ctx.graph.get(extra)
            if item is None:
                return xref(text, self.fromdocname, text)
            contnode = nodes.inline(text, text, classes=["dd-ref"])
            if kind == "link":
                return self.ctx.link(item, contnode, marked=True)
            return self.ctx.link(item, contnode)
        try:
            return make_refnode(
                self.builder,
                self.fromdocname,
                extra,
                None,
                nodes.inline(text, text, classes=["dd-doc"]),
            )
        except Exception:  # a builder without URIs for documents
            return text_node(text)

    def para(self, cell: Sequence[Fragment]) -> nodes.paragraph:
        return paragraph(*(self.node(fragment) for fragment in cell))

    def table(self, model: TableModel) -> nodes.table:
        table = nodes.table(classes=["dd-table", *model.classes])
        if model.caption:
            table += nodes.title(model.caption, model.caption)
        group = nodes.tgroup(cols=len(model.headers))
        table += group
        for width in model.widths:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        header_row = nodes.row()
        for cell in model.headers:
            header_row += nodes.entry("", self.para(cell))
        head += header_row
        group += head
        body = nodes.tbody()
        for cells, row_classes in model.row_list():
            row = nodes.row(classes=list(row_classes))
            for fragments in cells:
                row += nodes.entry("", self.para(fragments))
            body += row
        group += body
        return table

    # -- HTML --------------------------------------------------------------------------

    def doc_uri(self, docname: str) -> str | None:
        """``builder.get_relative_uri`` as :func:`sphinx.util.nodes.make_refnode` uses
        it, once per target page (a matrix links to the same pages thousands of times)."""
        if docname not in self._uris:
            try:
                self._uris[docname] = self.builder.get_relative_uri(self.fromdocname, docname)
            except Exception:  # a builder without URIs for documents
                self._uris[docname] = None
        return self._uris[docname]

    def item_href(self, item: Item) -> str | None:
        """The ``href`` that :meth:`.DesigndocDomain.reference` gives ``item`` through
        Sphinx's HTML writer."""
        if item.external:
            return item.external_url or None
        if item.docname == self.fromdocname:
            return "#" + item.id
        uri = self.doc_uri(item.docname)
        if uri is None:
            return None
        return f"{uri}#{item.id}"

    def graph_href(self, item: Item) -> str | None:
        """The link of a graph's box, written into the page itself (inline SVG, or links
        over a PNG): :meth:`item_href`, on the URL policy and percent-encoded.

        Sphinx's single-page builder rewrites a link to another document's object
        (``index.html#document-x#ID``) to the object alone; raw HTML escapes that
        rewrite, so the graph makes it itself.
        """
        href = self.item_href(item)
        if href is None or safe_url(href) is None:
            return None
        first = href.find("#")
        second = href.find("#", first + 1) if first >= 0 else -1
        if second >= 0:
            href = href[second:]
        return encode_url(href)

    def html(self, fragment: Fragment) -> str:
        kind, text, extra = fragment
        if kind == "text":
            if extra:
                return f'<span class="{_class_attr(extra)}">{escape(text)}</span>'
            return escape(text)
        if kind == "strong":
            classes = f' class="{_class_attr(extra)}"' if extra else ""
            return f"<strong{classes}>{escape(text)}</strong>"
        if kind in ("ref", "link"):
            inner = f'<span class="dd-ref">{escape(text)}</span>'
            return self.link_html(extra, inner, marked=kind == "link")
        uri = self.doc_uri(extra)
        if uri is None:
            return escape(text)
        return (
            f'<a class="reference internal" href="{escape(uri or "#")}">'
            f'<span class="dd-doc">{escape(text)}</span></a>'
        )

    def link_html(self, item_id: str, inner: str, marked: bool = True) -> str:
        """The link to an object around ``inner`` (HTML), as :meth:`.DesigndocDomain.link`
        makes it through Sphinx's writer: when ``marked``, the object's inactive mark
        (:mod:`..marks`) follows ``inner`` inside it; with no URI, the text alone."""
        mark = ""
        if marked:
            cached = self._marks.get(item_id)
            mark = self._marks[item_id] = self._mark_html(item_id) if cached is None else cached
        opening = self._anchors.get(item_id)
        if opening is None:
            opening = self._anchors[item_id] = self._anchor(item_id)
        if opening:
            return f"{opening}{inner}{mark}</a>"
        return f"<span>{inner}{mark}</span>" if mark else inner

    def _mark_html(self, item_id: str) -> str:
        """The mark after a link's text, ``""`` for an active object: made once per
        object and table."""
        mark = mark_of(self.ctx.graph.by_id[item_id], self.ctx.schema)
        if mark is None:
            return ""
        return f' <span class="{_class_attr(mark.classes)}">{escape(mark.text)}</span>'

    def titled_html(self, item_id: str) -> str:
        """The marked link that reads "ID: title" (:meth:`.DesigndocDomain.titled_reference`;
        :func:`..render.titled_text`), as an object's links and backlinks show it."""
        item = self.ctx.graph.by_id[item_id]
        inner = (
            f'<span class="dd-ref"><span class="dd-ref-id">{escape(item.id)}</span>: '
            f"{escape(item.title)}</span>"
        )
        return self.link_html(item_id, inner)

    def _anchor(self, item_id: str) -> str:
        """The opening ``<a>`` of a link to an object (``""``: no link), made once per
        object and table: a matrix links to the same objects many times."""
        item = self.ctx.graph.by_id[item_id]  # only resolvable tables come here
        href = self.item_href(item)
        if href is None:
            return ""
        scope = "external" if item.external else "internal"
        return f'<a class="reference {scope}" href="{escape(href)}" title="{escape(item.title)}">'

    def html_table(self, model: TableModel, table_id: str | None) -> list[str]:
        """The table as Sphinx's HTML writer writes the docutils one (same elements,
        classes, row striping, caption and permalink), so the stylesheet and the page
        look stay the same.

        Written in ASCII, other characters as character references (a matrix's ✓): one
        character outside Latin-1 makes Python store a whole string at two bytes a
        character, and the page's body is joined and copied several times on its way
        to the file.
        """
        html = self.html
        classes = " ".join(["dd-table", *model.classes, "docutils", "align-default"])
        id_attr = f' id="{table_id}"' if table_id else ""
        out = [f'<table class="{classes}"{id_attr}>\n']
        if model.caption:
            out.append(f'<caption><span class="caption-text">{escape(model.caption)}</span>')
            config = self.builder.config
            if (
                table_id
                and config.html_permalinks
                and getattr(self.builder, "add_permalinks", True)
            ):
                title = escape(translate("Link to this table"))
                out.append(
                    f'<a class="headerlink" href="#{table_id}" title="{title}">'
                    f"{config.html_permalinks_icon}</a>"
                )
            out.append("</caption>\n")
        out.append('<thead>\n<tr class="row-odd">')
        out.append(
            "\n".join(
                '<th class="head"><p>' + "".join(map(html, cell)) + "</p></th>"
                for cell in model.headers
            )
        )
        out.append("\n</tr>\n</thead>\n<tbody>\n")
        for index, (cells, row_classes) in enumerate(model.row_list()):
            stripe = "row-even" if index % 2 == 0 else "row-odd"
            out.append(f'<tr class="{escape(" ".join([*row_classes, stripe]))}">')
            out.append(
                "\n".join("<td><p>" + "".join(map(html, cell)) + "</p></td>" for cell in cells)
            )
            out.append("\n</tr>\n")
        out.append("</tbody>\n</table>\n")
        return [_ascii(piece) for piece in out]

    def render(self, model: TableModel, placeholder: nodes.Element) -> nodes.Element:
        """The table for this builder: HTML written at translation time on the HTML fast
        path (:class:`.designdoc_html`), else docutils nodes."""
        if use_html_fast_path(self.builder) and model.resolvable(self.ctx.graph):
            table_id = _new_id(placeholder) if model.caption else None
            return designdoc_html(writer=partial(self.html_table, model, table_id))
        table = self.table(model)
        _set_id(placeholder, table)
        if self.builder.format != "latex":
            return table
        # read by the LaTeX writer for the table that follows, as ``tabularcolumns``
        layout = latex_layout(model)
        spec = addnodes.tabular_col_spec(spec=layout.colspec)
        box = nodes.container(classes=["dd-table-box", f"dd-latex-{layout.size}"])
        box += [spec, table]
        return box


# -- LaTeX -----------------------------------------------------------------------------
#
# LaTeX gives every cell at most an equal share of the line unless told the column
# widths, which breaks IDs and statuses mid-word.  The widths are estimated from the
# texts: a 10pt line holds about 46 em, a character is at most about 0.66 em wide in
# the default fonts (bold headers, capitals and digits of IDs), a column has 12pt of
# padding.

_LINE_EM = 46.0
_EM_PER_CHAR = 0.66
_PADDING_EM = 1.25
_LINE_FILL = 0.99
#: a word longer than this may be hyphenated in a column that wraps
_MIN_WRAP_CHARS = 9
#: font sizes for wide tables, with how many em of the normal size fit a line
_SIZES = (("normalsize", 1.0), ("small", 10 / 9), ("footnotesize", 10 / 8), ("scriptsize", 10 / 7))


@dataclass(frozen=True)
class LatexLayout:
    #: the font size the table is set in (a ``dd-latex-<size>`` class)
    size: str
    #: per column, the fraction of the line it takes
    fractions: tuple[float, ...]

    @property
    def colspec(self) -> str:
        """Every column a ``\\Y{fraction}``, which keeps the table inside the margins
        in whichever table environment Sphinx picks."""
        return "".join(f"\\Y{{{f:.3f}}}" for f in self.fractions)


def latex_layout(model: TableModel) -> LatexLayout:
    """The font size and column widths of a table in LaTeX: a column that must not
    break (IDs, statuses, marks) is as wide as its longest text, the others are at
    least as wide as a short word and share the rest by their relative widths; the
    smallest font size at which that fits the line is used."""
    fit = model.column_fit()
    need: list[float] = []  # em, at the normal size
    for index, kind in enumerate(fit):
        texts = list(model.column_texts(index))
        if kind:
            chars = max(map(len, texts), default=1)
        else:
            chars = max((_unbreakable(word) for text in texts for word in text.split()), default=1)
        need.append(chars * _EM_PER_CHAR + _PADDING_EM)
    size, scale = _SIZES[-1]
    for name, factor in _SIZES:
        if sum(need) <= _LINE_EM * factor * _LINE_FILL:
            size, scale = name, factor
            break
    line = _LINE_EM * scale
    minimum = [n / line for n in need]
    rest = max(0.0, _LINE_FILL - sum(minimum))
    shares = sum(w for w, kind in zip(model.widths, fit, strict=True) if not kind)
    if not shares:  # nothing wraps: the spare width goes to every column alike
        fractions = [m + rest / len(minimum) for m in minimum]
    else:
        fractions = [
            m if kind else m + rest * w / shares
            for m, w, kind in zip(minimum, model.widths, fit, strict=True)
        ]
    fixed = sum(f for f, kind in zip(fractions, fit, strict=True) if kind)
    flexible = sum(fractions) - fixed
    if fixed + flexible > _LINE_FILL:
        # too wide even in the smallest size: what wraps is squeezed (and hyphenated
        # harder), IDs and statuses keep their width while they fit at all
        room = _LINE_FILL - fixed
        if room > 0.05 * len(fit) and flexible:
            fractions = [
                f if kind else f * room / flexible for f, kind in zip(fractions, fit, strict=True)
            ]
        else:
            fractions = [f * _LINE_FILL / (fixed + flexible) for f in fractions]
    return LatexLayout(size, tuple(fractions))


def _unbreakable(word: str) -> int:
    """How many characters of ``word`` LaTeX cannot break: a word of letters is
    hyphenated (down to :data:`_MIN_WRAP_CHARS`), a word breaks after its hyphens, and
    IDs, numbers and words in brackets or with punctuation do not break at all."""
    parts = word.split("-")
    if len(parts) > 1:
        return max(_unbreakable(part) + 1 for part in parts)
    return min(len(word), _MIN_WRAP_CHARS) if word.isalpha() else len(word)


def _ascii(text: str) -> str:
    """``text`` in ASCII, other characters as HTML character references."""
    return text if text.isascii() else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


@lru_cache(maxsize=512)
def _class_attr(classes: tuple[str, ...]) -> str:
    """A ``class`` attribute's value: a table repeats a few class lists thousands of
    times."""
    return escape(" ".join(classes))


def _set_id(placeholder: nodes.Element, table: nodes.table) -> None:
    """A captioned table needs an ID (HTML numbering looks it up)."""
    document = placeholder.document
    if document is not None and table.children and isinstance(table[0], nodes.title):
        document.set_id(table)


def _new_id(placeholder: nodes.Element) -> str | None:
    """A page-unique ID for a captioned HTML fast-path table, from the same counter as
    the docutils path, so the permalink stays the same."""
    document = placeholder.document
    if document is None:
        return None
    return document.set_id(nodes.table())


def scrolling(table: nodes.Node) -> nodes.container:
    """A table in a box of its own that scrolls, so a wide table never widens the page
    (the stylesheet keeps its header row and ID column in view)."""
    box = nodes.container(classes=["dd-scroll"])
    box += table
    return box


def wrap(placeholder: nodes.Element, *children: nodes.Node) -> nodes.container:
    """The box of the view in ``placeholder``, with its kind's class and its own."""
    view = placeholder["view"]
    box = nodes.container(classes=["dd-view", f"dd-{view.kind}", *view.classes])
    box.extend(children)
    return box


def error(kind: str, message: str) -> list[nodes.Node]:
    text = f"[{kind} not shown: {message}]"
    return [nodes.paragraph(text, text, classes=["dd-view-error"])]
