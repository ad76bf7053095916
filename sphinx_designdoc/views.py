"""Views (``dd-matrix``, ``dd-table``, ``dd-graph``): plans and renderers.

A view is planned twice from the same raw options: while reading, to report problems
with a location (the directive does that), and while writing, to render from the whole
project graph.  Planning is a pure function of the options and the vocabulary, so both
passes agree and the incremental-build digest (:func:`view_types`) can tell which object
types a page's views can show.

Renderers emit standard docutils nodes (tables, paragraphs, resolved references) and the
Graphviz node of ``sphinx.ext.graphviz``, so HTML, LaTeX and text builders all work.  For
the HTML builders the matrix and table are written straight to HTML by the translator
instead (:func:`use_html_fast_path`): a project-wide view page is rewritten whenever any
object it shows changes, and as docutils nodes it costs more than the rest of such a
rebuild.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.errors import NoUri
from sphinx.locale import _ as translate
from sphinx.util.nodes import make_refnode
from sphinx.util.osutil import relative_uri

from .filters import FilterError, Predicate, compile_filter, parse, validate
from .graph import Graph
from .model import Item
from .nodes import designdoc_html_table
from .render import VIEW_RENDERERS, xref
from .safety import css_class, encode_url, natural_key
from .vocabulary import COMMON_FIELDS, LinkDef, Schema

if TYPE_CHECKING:
    from sphinx.builders import Builder

    from .domain import DesigndocDomain

#: Grid layout (one column per linked object) up to this many columns, then ID lists.
GRID_MAX_COLUMNS = 12
#: A graph larger than this is cut (with a note): Graphviz output stops being readable.
MAX_GRAPH_NODES = 400
DEFAULT_GRAPH_DEPTH = 2

MATRIX_OPTIONS = ("rows", "columns", "link", "filter", "layout", "caption", "class")
TABLE_OPTIONS = ("type", "columns", "filter", "sort", "caption", "class")
GRAPH_OPTIONS = ("root", "depth", "filter", "types", "direction", "caption", "class")
VIEW_OPTIONS = {"matrix": MATRIX_OPTIONS, "table": TABLE_OPTIONS, "graph": GRAPH_OPTIONS}

#: Table columns that every object has, besides its fields and links.
TABLE_BASE_COLUMNS = ("id", "title", "status", "type", "doc", "traced")
DEFAULT_TABLE_COLUMNS = ("id", "title", "status")


def split_names(value: str | None, separators: str = r"[,\s]+") -> list[str]:
    if not value:
        return []
    return [v.strip() for v in re.split(separators, value) if v.strip()]


def _check_filter(text: str | None, schema: Schema, problems: list[str]) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        validate(parse(text), schema)
    except FilterError as exc:
        problems.append(f"invalid :filter: {text!r}: {exc}")
        return None
    return text


def _check_types(value: str | None, schema: Schema, option: str, problems: list[str]) -> list[str]:
    names = []
    for name in split_names(value):
        if name in schema.types:
            names.append(name)
        else:
            problems.append(
                f"unknown type {name!r} in :{option}: (known: {', '.join(sorted(schema.types))})"
            )
    return names


def _unknown_options(kind: str, spec: Mapping[str, Any], problems: list[str]) -> None:
    known = VIEW_OPTIONS[kind]
    for name in spec.get("options", {}):
        if name not in known:
            problems.append(f"unknown option :{name}: (known: {', '.join(known)})")


def _graph_types(schema: Schema) -> list[str]:
    return [t.name for t in schema.types.values() if not t.page_header]


# -- matrix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixPlan:
    rows: str
    columns: str
    link: LinkDef
    #: True when column objects link to row objects (decision -addresses-> requirement)
    incoming: bool
    filter: str | None
    layout: str
    caption: str | None


def _connects(link: LinkDef, rows: str, columns: str) -> bool | None:
    """True: columns link to rows; False: rows link to columns; None: not connected."""
    if columns in link.sources and rows in link.targets:
        return True
    if rows in link.sources and columns in link.targets:
        return False
    return None


def plan_matrix(spec: Mapping[str, Any], schema: Schema) -> tuple[MatrixPlan | None, list[str]]:
    problems: list[str] = []
    opts = spec.get("options", {})
    _unknown_options("matrix", spec, problems)
    row_types = _check_types(opts.get("rows"), schema, "rows", problems)
    column_types = _check_types(opts.get("columns"), schema, "columns", problems)
    if (opts.get("rows") and not row_types) or (opts.get("columns") and not column_types):
        return None, problems
    rows = (row_types or ["requirement"])[0]
    columns = (column_types or ["decision"])[0]
    link_name = (opts.get("link") or "").strip()
    link: LinkDef | None = None
    if link_name:
        link = schema.links.get(link_name) or schema.links_by_incoming().get(link_name)
        if link is None:
            problems.append(
                f"unknown link {link_name!r} in :link: (known: {', '.join(sorted(schema.links))})"
            )
            return None, problems
    else:
        candidates = sorted(schema.links.values(), key=lambda lk: (not lk.traces, lk.name))
        default = schema.links.get("addresses")
        if default is not None:
            candidates.insert(0, default)
        link = next((lk for lk in candidates if _connects(lk, rows, columns) is not None), None)
        if link is None:
            problems.append(
                f"no link type connects {rows!r} rows and {columns!r} columns; name one with :link:"
            )
            return None, problems
    incoming = _connects(link, rows, columns)
    if incoming is None:
        problems.append(
            f"link {link.name!r} goes from {'/'.join(link.sources)} to {'/'.join(link.targets)}; "
            f"it does not connect {rows!r} rows and {columns!r} columns"
        )
        return None, problems
    layout = (opts.get("layout") or "auto").strip()
    if layout not in ("auto", "grid", "list"):
        problems.append(f"unknown :layout: {layout!r} (expected auto, grid or list)")
        layout = "auto"
    flt = _check_filter(opts.get("filter"), schema, problems)
    if opts.get("filter") and flt is None:
        return None, problems
    return MatrixPlan(rows, columns, link, incoming, flt, layout, opts.get("caption")), problems


# -- table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    #: attr, field, link, incoming
    kind: str
    key: str


@dataclass(frozen=True)
class TablePlan:
    types: tuple[str, ...]
    columns: tuple[Column, ...]
    sort: tuple[tuple[Column, bool], ...]  # (column, descending)
    filter: str | None
    caption: str | None


def _column_index(schema: Schema) -> dict[str, Column]:
    index: dict[str, Column] = {}
    labels = {"id": "ID", "doc": "Document"}
    for name in TABLE_BASE_COLUMNS:
        index[name] = Column(name, labels.get(name, name.capitalize()), "attr", name)
    for fdef in COMMON_FIELDS:
        index[fdef.name] = Column(fdef.name, fdef.name.capitalize(), "field", fdef.name)
    for typedef in schema.types.values():
        for fdef in typedef.fields:
            index.setdefault(
                fdef.name, Column(fdef.name, fdef.name.capitalize(), "field", fdef.name)
            )
    for link in schema.links.values():
        index.setdefault(link.name, Column(link.name, link.name.capitalize(), "link", link.name))
        incoming = Column(link.incoming, link.incoming.capitalize(), "incoming", link.incoming)
        index.setdefault(link.incoming, incoming)
        index.setdefault(link.incoming.replace(" ", "_"), incoming)
    return index


def plan_table(spec: Mapping[str, Any], schema: Schema) -> tuple[TablePlan | None, list[str]]:
    problems: list[str] = []
    opts = spec.get("options", {})
    _unknown_options("table", spec, problems)
    types = _check_types(opts.get("type"), schema, "type", problems)
    if opts.get("type") and not types:
        return None, problems
    index = _column_index(schema)
    columns: list[Column] = []
    for name in split_names(opts.get("columns"), r",") or DEFAULT_TABLE_COLUMNS:
        column = index.get(name) or index.get(name.lower())
        if column is None:
            problems.append(f"unknown column {name!r} in :columns:")
        elif column not in columns:
            columns.append(column)
    if not columns:
        columns = [index[name] for name in DEFAULT_TABLE_COLUMNS]
    sort: list[tuple[Column, bool]] = []
    for name in split_names(opts.get("sort"), r","):
        descending = name.startswith("-")
        column = index.get(name.lstrip("+-").strip())
        if column is None:
            problems.append(f"unknown column {name.lstrip('+-')!r} in :sort:")
        else:
            sort.append((column, descending))
    flt = _check_filter(opts.get("filter"), schema, problems)
    if opts.get("filter") and flt is None:
        return None, problems
    return (
        TablePlan(
            tuple(types or _graph_types(schema)),
            tuple(columns),
            tuple(sort),
            flt,
            opts.get("caption"),
        ),
        problems,
    )


# -- graph ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphPlan:
    root: str | None
    depth: int
    direction: str
    types: tuple[str, ...] | None
    filter: str | None
    caption: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def plan_graph(spec: Mapping[str, Any], schema: Schema) -> tuple[GraphPlan | None, list[str]]:
    problems: list[str] = []
    opts = spec.get("options", {})
    _unknown_options("graph", spec, problems)
    root = (opts.get("root") or "").strip() or None
    depth = DEFAULT_GRAPH_DEPTH
    raw_depth = (opts.get("depth") or "").strip()
    if raw_depth:
        if raw_depth.isdigit():
            depth = int(raw_depth)
        else:
            problems.append(f":depth: must be a whole number, not {raw_depth!r}")
    direction = (opts.get("direction") or "both").strip()
    if direction not in ("both", "down", "up"):
        problems.append(f"unknown :direction: {direction!r} (expected both, down or up)")
        direction = "both"
    types = _check_types(opts.get("types"), schema, "types", problems)
    if opts.get("types") and not types:
        return None, problems
    flt = _check_filter(opts.get("filter"), schema, problems)
    if opts.get("filter") and flt is None:
        return None, problems
    return (
        GraphPlan(root, depth, direction, tuple(types) or None, flt, opts.get("caption")),
        problems,
    )


PLANNERS: dict[str, Callable[..., tuple[Any, list[str]]]] = {
    "matrix": plan_matrix,
    "table": plan_table,
    "graph": plan_graph,
}


def view_types(spec: Mapping[str, Any], schema: Schema) -> frozenset[str] | None:
    """The object types whose changes can change what a view shows; None for all.

    A view shows its own types and, through link columns, backlinks and the traced flag,
    the types linked to them in either direction.
    """
    kind = spec.get("view", "")
    planner = PLANNERS.get(kind)
    if planner is None:
        return None
    plan, _ = planner(spec, schema)
    if plan is None:
        return frozenset()
    if isinstance(plan, MatrixPlan):
        shown = {plan.rows, plan.columns}
    elif isinstance(plan, TablePlan):
        shown = set(plan.types)
    elif isinstance(plan, GraphPlan):
        if plan.root is not None or plan.types is None:
            return None
        shown = set(plan.types)
    else:  # pragma: no cover
        return None
    related = set(shown)
    for link in schema.links.values():
        if shown.intersection(link.targets):
            related.update(link.sources)
        if shown.intersection(link.sources):
            related.update(link.targets)
    return frozenset(related)


# -- rendering helpers ------------------------------------------------------------------


def _compile(flt: str | None, graph: Graph, schema: Schema) -> Predicate | None:
    if flt is None:
        return None
    return compile_filter(flt, schema, graph)


def _select(graph: Graph, types: Iterable[str], predicate: Predicate | None) -> list[Item]:
    wanted = set(types)
    items = [i for i in graph.by_id.values() if i.type in wanted]
    if predicate is not None:
        items = [i for i in items if predicate(i)]
    items.sort(key=lambda i: natural_key(i.id))
    return items


def _para(*children: nodes.Node, classes: Sequence[str] = ()) -> nodes.paragraph:
    para = nodes.paragraph("", "", classes=list(classes))
    para.extend(children)
    return para


def _text(text: str, classes: Sequence[str] = ()) -> nodes.Node:
    if classes:
        return nodes.inline(text, text, classes=list(classes))
    return nodes.Text(text)


# -- table cells, independent of the output ---------------------------------------------
#
# ``dd-matrix`` and ``dd-table`` first describe their table as cells of fragments, then
# write it either as docutils nodes (every builder) or straight to HTML (HTML builders):
# one description, so both outputs show the same rows, texts and links.

#: One piece of a cell: ``("text", text, classes)``, ``("strong", text, classes)``,
#: ``("ref", object ID, Item or None)`` (a link to an object, None when the ID is not in
#: the graph) or ``("doc", page title, docname)`` (a link to a page).
Fragment = tuple[str, str, Any]
Cell = list[Fragment]


@dataclass
class TableModel:
    headers: list[Cell]
    #: (cells, row classes) per row
    rows: list[tuple[list[Cell], list[str]]]
    widths: list[int]
    classes: list[str]
    caption: str | None = None

    @property
    def resolvable(self) -> bool:
        """True when every object link has its object: links to unknown IDs stay
        ``pending_xref`` for Sphinx (``missing-reference`` handlers such as intersphinx
        may still resolve them), which only the docutils path can carry."""
        return not any(
            kind == "ref" and extra is None
            for cells in [self.headers, *(cells for cells, _ in self.rows)]
            for cell in cells
            for kind, _text_, extra in cell
        )


def _label(text: str) -> Cell:
    return [("text", text, ())]


def _ref_cell(item_id: str, graph: Graph) -> Cell:
    return [("ref", item_id, graph.get(item_id))]


def _id_list(ids: Sequence[str], graph: Graph) -> Cell:
    out: Cell = []
    for index, item_id in enumerate(ids):
        if index:
            out.append(("text", ", ", ()))
        item = graph.get(item_id)
        out.append(("ref", item_id, item))
        if item is not None and not graph.counts_for_tracing(item):
            out.append(("text", f" ({item.status})", ("dd-muted",)))
    return out


def _status(status: str) -> Cell:
    return [("text", status, ("dd-status", f"dd-status-{css_class(status)}"))]


def _untraced_mark() -> Fragment:
    return ("strong", "untraced", ("dd-untraced-mark",))


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


class _Output:
    """Writes the cells of one view for one builder, linking as from ``fromdocname``
    (the page the view was written on, which LaTeX and singlehtml merge into one tree)."""

    def __init__(self, domain: DesigndocDomain, builder: Builder, fromdocname: str) -> None:
        self.domain = domain
        self.builder = builder
        self.fromdocname = fromdocname
        self._uris: dict[str, str | None] = {}

    # -- docutils ----------------------------------------------------------------------

    def node(self, fragment: Fragment) -> nodes.Node:
        kind, text, extra = fragment
        if kind == "text":
            return _text(text, extra)
        if kind == "strong":
            return nodes.strong(text, text, classes=list(extra))
        if kind == "ref":
            if extra is None:
                return xref(text, self.fromdocname, text)
            contnode = nodes.inline(text, text, classes=["dd-ref"])
            return self.domain.link(self.builder, self.fromdocname, extra, contnode)
        try:
            return make_refnode(
                self.builder, self.fromdocname, extra, None, nodes.inline(text, text)
            )
        except Exception:  # a builder without URIs for documents
            return _text(text)

    def para(self, cell: Cell) -> nodes.paragraph:
        return _para(*(self.node(fragment) for fragment in cell))

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
        for cells, row_classes in model.rows:
            row = nodes.row(classes=list(row_classes))
            for cell in cells:
                row += nodes.entry("", self.para(cell))
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

    def graph_href(self, item: Item, svg: bool = False) -> str | None:
        """The link of a graph node: :meth:`item_href`, percent-encoded so that no
        quote in it can end the attribute Graphviz writes it into.

        Sphinx's graphviz extension rewrites the relative links of an SVG, which lives
        in the images folder, by resolving them against the page's folder and making
        them relative to the images folder again (``fix_svg_relative_paths``).  A link
        to the page itself (``#ID``) has no path and comes out wrong, and dirhtml pages
        get the wrong folder; so for SVG the link is written as the path from the
        images folder to the page, prefixed with the page's own path to that folder,
        which the rewrite turns into exactly that path.
        """
        href = self.item_href(item)
        if href is None or not svg or item.external:
            return None if href is None else encode_url(href)
        try:
            target = self.builder.get_target_uri(item.docname).split("#", 1)[0]
            page = self.builder.get_target_uri(self.fromdocname).split("#", 1)[0]
        except NoUri:
            return None
        imagedir = getattr(self.builder, "imagedir", "_images")
        from_images = posixpath.relpath(target or ".", imagedir)
        written = posixpath.normpath(posixpath.join(relative_uri(page, imagedir), from_images))
        return encode_url(f"{written}#{item.id}")

    def html(self, fragment: Fragment) -> str:
        kind, text, extra = fragment
        if kind == "text":
            if extra:
                return f'<span class="{escape(" ".join(extra))}">{escape(text)}</span>'
            return escape(text)
        if kind == "strong":
            classes = f' class="{escape(" ".join(extra))}"' if extra else ""
            return f"<strong{classes}>{escape(text)}</strong>"
        if kind == "ref":
            inner = f'<span class="dd-ref">{escape(text)}</span>'
            href = self.item_href(extra)
            if href is None:
                return inner
            scope = "external" if extra.external else "internal"
            return (
                f'<a class="reference {scope}" href="{escape(href)}" '
                f'title="{escape(extra.title)}">{inner}</a>'
            )
        uri = self.doc_uri(extra)
        if uri is None:
            return escape(text)
        return (
            f'<a class="reference internal" href="{escape(uri or "#")}">'
            f"<span>{escape(text)}</span></a>"
        )

    def html_table(self, model: TableModel, table_id: str | None) -> str:
        """The table as Sphinx's HTML writer writes the docutils one (same elements,
        classes, row striping, caption and permalink), so the stylesheet and the page
        look stay the same."""
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
        for index, (cells, row_classes) in enumerate(model.rows):
            stripe = "row-even" if index % 2 == 0 else "row-odd"
            out.append(f'<tr class="{escape(" ".join([*row_classes, stripe]))}">')
            out.append(
                "\n".join("<td><p>" + "".join(map(html, cell)) + "</p></td>" for cell in cells)
            )
            out.append("\n</tr>\n")
        out.append("</tbody>\n</table>\n")
        return "".join(out)

    def render(self, model: TableModel, placeholder: nodes.Element) -> nodes.Element:
        """The table for this builder: HTML written at translation time on the HTML fast
        path (:class:`.designdoc_html_table`), else docutils nodes."""
        if use_html_fast_path(self.builder) and model.resolvable:
            table_id = _new_id(placeholder) if model.caption else None
            return designdoc_html_table(writer=partial(self.html_table, model, table_id))
        table = self.table(model)
        _set_id(placeholder, table)
        return table


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


def _wrap(kind: str, spec: Mapping[str, Any], *children: nodes.Node) -> nodes.container:
    extra = split_names(spec.get("options", {}).get("class"))
    box = nodes.container(classes=["dd-view", f"dd-{kind}", *extra])
    box.extend(children)
    return box


def _error(kind: str, message: str) -> list[nodes.Node]:
    text = f"[{kind} not shown: {message}]"
    return [nodes.paragraph(text, text, classes=["dd-view-error"])]


def _percent(traced: int, total: int) -> str:
    value = 100.0 if total == 0 else 100.0 * traced / total
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


# -- matrix rendering -------------------------------------------------------------------


def render_matrix(
    node: nodes.Element, domain: DesigndocDomain, builder: Builder, docname: str
) -> list[nodes.Node]:
    spec = node["spec"]
    schema = domain.settings.schema
    plan, _ = plan_matrix(spec, schema)
    if plan is None:
        return _error("dd-matrix", "see the warning for this view")
    graph = domain.graph
    predicate = _compile(plan.filter, graph, schema)
    row_items = _select(graph, [plan.rows], predicate)
    link = plan.link

    def linked(item: Item) -> list[str]:
        ids: Sequence[str]
        if plan.incoming:
            ids = graph.incoming_of(item.id).get(link.incoming, ())
        else:
            ids = tuple(dict.fromkeys(item.links.get(link.name, ())))
        out = []
        for other_id in ids:
            other = graph.get(other_id)
            if other is not None and other.type == plan.columns:
                out.append(other_id)
        out.sort(key=natural_key)
        return out

    cells_of = {item.id: linked(item) for item in row_items}
    column_ids = sorted({c for ids in cells_of.values() for c in ids}, key=natural_key)
    grid = plan.layout == "grid" or (
        plan.layout == "auto" and 0 < len(column_ids) <= GRID_MAX_COLUMNS
    )
    mark = "X" if builder.format == "latex" else "\u2713"
    mark_cell: Cell = [("text", mark, ("dd-mark",))]
    empty_cell: Cell = [("text", "", ())]
    col_label = schema.types[plan.columns].label
    link_label = (link.incoming if plan.incoming else link.name).capitalize()

    traced_count = total = 0
    rows: list[tuple[list[Cell], list[str]]] = []
    for item in row_items:
        ids = cells_of[item.id]
        # objects of other projects are shown but, as in coverage, not counted
        active = graph.is_active(item) and not item.external
        if plan.incoming:
            traced = any(graph.counts_for_tracing(graph.by_id[i]) for i in ids)
        else:
            traced = bool(ids)
        classes = ["dd-row"]
        if active:
            total += 1
            traced_count += traced
            classes.append("dd-traced" if traced else "dd-untraced")
        else:
            classes.append("dd-inactive")
        marker: Fragment
        if not active:
            marker = ("text", "n/a", ("dd-na",))
        elif traced:
            marker = ("text", mark, ("dd-mark",))
        else:
            marker = _untraced_mark()
        cells: list[Cell] = [
            [("ref", item.id, item)],
            [("text", item.title, ())],
            _status(item.status),
        ]
        if grid:
            members = set(ids)
            for column_id in column_ids:
                cells.append(mark_cell if column_id in members else empty_cell)
            cells.append([marker])
        else:
            if ids:
                cell = _id_list(ids, graph)
                if active and not traced:
                    cell += [("text", " ", ()), marker]
                cells.append(cell)
            else:
                cells.append([marker] if active else [("text", "\u2014", ("dd-na",))])
        rows.append((cells, classes))

    row_label = schema.types[plan.rows].label
    headers: list[Cell] = [_label("ID"), _label(row_label), _label("Status")]
    widths = [12, 40, 10]
    if grid:
        # header cells of object columns link to the objects too
        headers.extend(_ref_cell(column_id, graph) for column_id in column_ids)
        widths.extend([6] * len(column_ids))
        headers.append(_label("Traced"))
        widths.append(10)
    else:
        headers.append(_label(f"{link_label} ({col_label.lower()})"))
        widths.append(30)
    model = TableModel(headers, rows, widths, ["dd-matrix-table"], plan.caption)
    output = _Output(domain, builder, node.get("docname") or docname)
    table = output.render(model, node)
    coverage_text = f"{traced_count} of {total} traced ({_percent(traced_count, total)})"
    coverage = nodes.paragraph(coverage_text, coverage_text, classes=["dd-coverage"])
    if total and traced_count < total:
        coverage["classes"].append("dd-coverage-incomplete")
    scroll = nodes.container(classes=["dd-scroll"])
    scroll += table
    return [_wrap("matrix", spec, coverage, scroll)]


# -- table rendering --------------------------------------------------------------------


def _value(item: Item, column: Column, graph: Graph) -> Any:
    if column.kind == "attr":
        if column.key == "traced":
            traced = graph.is_traced(item.id)
            return None if traced is None else ("yes" if traced else "untraced")
        if column.key == "doc":
            return item.docname
        return getattr(item, column.key)
    if column.kind == "field":
        return item.fields.get(column.key)
    if column.kind == "link":
        return tuple(dict.fromkeys(item.links.get(column.key, ())))
    return tuple(graph.incoming_of(item.id).get(column.key, ()))


def _sorted(
    items: list[Item], column: Column, descending: bool, graph: Graph, schema: Schema
) -> list[Item]:
    """One stable sort pass; a choice field sorts in its declared order (must before
    should, proposed before accepted) and objects without a value always come last."""
    present: list[tuple[Any, Item]] = []
    missing: list[Item] = []
    for item in items:
        value = _value(item, column, graph)
        if value is None or value == () or value == "":
            missing.append(item)
            continue
        order: Sequence[str] = ()
        typedef = schema.types.get(item.type)
        if typedef is not None:
            if column.key == "status":
                order = typedef.statuses
            elif column.kind == "field":
                fdef = typedef.field(column.key)
                order = fdef.choices if fdef is not None else ()
        text = _sort_text(value)
        rank = order.index(text) if text in order else len(order)
        present.append(((rank, natural_key(text)), item))
    present.sort(key=lambda pair: pair[0], reverse=descending)
    return [item for _, item in present] + missing


def _sort_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def _doc_cell(item: Item, domain: DesigndocDomain) -> Cell:
    if item.external:
        return [("text", item.external_url or "", ())]
    title_node = domain.env.titles.get(item.docname)
    text = title_node.astext() if title_node is not None else item.docname
    return [("doc", text, item.docname)]


def render_table(
    node: nodes.Element, domain: DesigndocDomain, builder: Builder, docname: str
) -> list[nodes.Node]:
    spec = node["spec"]
    schema = domain.settings.schema
    plan, _ = plan_table(spec, schema)
    if plan is None:
        return _error("dd-table", "see the warning for this view")
    graph = domain.graph
    items = _select(graph, plan.types, _compile(plan.filter, graph, schema))
    for column, descending in reversed(plan.sort):
        items = _sorted(items, column, descending, graph, schema)
    if not items:
        text = "No objects match."
        return [_wrap("table", spec, nodes.paragraph(text, text, classes=["dd-empty"]))]
    rows: list[tuple[list[Cell], list[str]]] = []
    for item in items:
        cells = [_cell(item, column, graph, domain) for column in plan.columns]
        classes = ["dd-row", f"dd-type-{css_class(item.type)}"]
        if graph.is_traced(item.id) is False:
            classes.append("dd-untraced")
        elif not graph.is_active(item):
            classes.append("dd-inactive")
        rows.append((cells, classes))
    widths = [12 if c.name == "id" else 40 if c.name == "title" else 14 for c in plan.columns]
    headers = [_label(c.label) for c in plan.columns]
    model = TableModel(headers, rows, widths, [], plan.caption)
    output = _Output(domain, builder, node.get("docname") or docname)
    return [_wrap("table", spec, output.render(model, node))]


def _cell(item: Item, column: Column, graph: Graph, domain: DesigndocDomain) -> Cell:
    if column.kind == "attr":
        if column.key == "id":
            return [("ref", item.id, item)]
        if column.key == "status":
            return _status(item.status)
        if column.key == "doc":
            return _doc_cell(item, domain)
        if column.key == "type":
            typedef = domain.settings.schema.types.get(item.type)
            return [("text", typedef.label if typedef else item.type, ())]
    value = _value(item, column, graph)
    if column.kind in ("link", "incoming"):
        return _id_list(list(value), graph) if value else [("text", "", ())]
    if column.key == "traced" and value == "untraced":
        return [_untraced_mark()]
    return [("text", _sort_text(value), ())]


# -- graph rendering --------------------------------------------------------------------

_STATUS_COLOURS = {
    "accepted": "#15803d",
    "approved": "#15803d",
    "implemented": "#15803d",
    "verified": "#15803d",
    "proposed": "#a16207",
    "draft": "#a16207",
    "review": "#a16207",
}


def _dot(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _graph_items(plan: GraphPlan, graph: Graph, schema: Schema) -> list[Item]:
    predicate = _compile(plan.filter, graph, schema)
    types = set(plan.types) if plan.types is not None else set(_graph_types(schema))
    if plan.root is None:
        return _select(graph, types, predicate)
    root = graph.get(plan.root)
    if root is None:
        return []
    reached: dict[str, Item] = {root.id: root}
    directions = ("down", "up") if plan.direction == "both" else (plan.direction,)
    for direction in directions:
        for step in graph.walk(root.id, direction, plan.depth):
            reached.setdefault(step.item.id, step.item)
    items = [
        i
        for i in reached.values()
        if i is root or (i.type in types and (predicate is None or predicate(i)))
    ]
    items.sort(key=lambda i: natural_key(i.id))
    return items


def build_dot(
    items: Sequence[Item], graph: Graph, schema: Schema, url: Callable[[Item], str | None]
) -> str:
    """DOT source of the traceability graph: fill colour by type, outline by status."""
    shown = {item.id for item in items}
    # a name unique to the content: HTML image maps of two graphs on a page must differ
    name = (
        "dd_"
        + hashlib.sha1("\0".join(sorted(shown)).encode(), usedforsecurity=False).hexdigest()[:12]
    )
    lines = [
        f"digraph {name} {{",
        '  graph [rankdir=LR, bgcolor="transparent", fontname="Helvetica"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#6b7280", fontcolor="#4b5563"];',
    ]
    for item in items:
        typedef = schema.types.get(item.type)
        attrs = {
            "label": f"{item.id}\n" + "\n".join(textwrap.wrap(item.title, 28)[:3]),
            "fillcolor": typedef.color if typedef else "#e5e7eb",
            "color": _STATUS_COLOURS.get(item.status, "#374151"),
            "tooltip": f"{item.id}: {item.title} ({item.type}, {item.status})",
        }
        style = "rounded,filled"
        if not graph.is_active(item):
            style += ",dashed"
            attrs["fontcolor"] = "#6b7280"
            attrs["color"] = "#9ca3af"
        if graph.is_traced(item.id) is False:
            attrs["color"] = "#dc2626"
            attrs["penwidth"] = "2"
        attrs["style"] = style
        link = url(item)
        if link:
            # Graphviz copies a URL into SVG and image-map attributes as it is, where
            # a raw "&" is not well-formed: the entity passes through unchanged
            attrs["URL"] = link.replace("&", "&amp;")
            attrs["target"] = "_top"
        body = ", ".join(f"{k}={_dot(v)}" for k, v in attrs.items())
        lines.append(f"  {_dot(item.id)} [{body}];")
    for item in items:
        for link_name, target in graph.outgoing(item):
            if target in shown and link_name in schema.links:
                lines.append(f"  {_dot(item.id)} -> {_dot(target)} [label={_dot(link_name)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(
    node: nodes.Element, domain: DesigndocDomain, builder: Builder, docname: str
) -> list[nodes.Node]:
    from sphinx.ext.graphviz import graphviz

    spec = node["spec"]
    schema = domain.settings.schema
    plan, _ = plan_graph(spec, schema)
    if plan is None:
        return _error("dd-graph", "see the warning for this view")
    graph = domain.graph
    if plan.root is not None and plan.root not in graph:
        return _error("dd-graph", f"unknown root {plan.root!r}")
    items = _graph_items(plan, graph, schema)
    children: list[nodes.Node] = []
    if not items:
        text = "No objects match."
        return [_wrap("graph", spec, nodes.paragraph(text, text, classes=["dd-empty"]))]
    if len(items) > MAX_GRAPH_NODES:
        text = (
            f"Showing {MAX_GRAPH_NODES} of {len(items)} objects; "
            "narrow the graph with :root:, :depth:, :types: or :filter:."
        )
        children.append(nodes.paragraph(text, text, classes=["dd-note"]))
        items = items[:MAX_GRAPH_NODES]
    output = _Output(domain, builder, docname)
    if not domain.graphviz:
        # the designdoc.graph finding says why and how to install Graphviz
        text = "Graphviz is not installed, so this graph is shown as a table of its links."
        children.append(nodes.paragraph(text, text, classes=["dd-note"]))
        children.append(output.render(_graph_table(items, graph, schema, plan.caption), node))
        return [_wrap("graph", spec, *children)]
    gv = graphviz()
    if builder.format == "html":  # image-map and SVG links only mean something in HTML
        svg = builder.config.graphviz_output_format == "svg"
        url: Callable[[Item], str | None] = partial(output.graph_href, svg=svg)
    else:
        url = lambda item: None  # noqa: E731
    gv["code"] = build_dot(items, graph, schema, url)
    gv["options"] = {"docname": docname}
    gv["alt"] = _graph_alt(
        plan.caption
        or (f"Traceability graph of {plan.root}" if plan.root else "Traceability graph"),
        builder.format,
    )
    children.append(gv)
    if plan.caption:
        children.append(nodes.paragraph(plan.caption, plan.caption, classes=["dd-caption"]))
    return [_wrap("graph", spec, *children)]


def _graph_alt(text: str, output_format: str) -> str:
    """The graph's alternative text, escaped for the output: ``sphinx.ext.graphviz``
    writes it into HTML, man and Texinfo as it is, unescaped."""
    if output_format == "html":
        return escape(text)
    if output_format == "man":
        return text.replace("\\", "\\e")
    if output_format == "texinfo":
        return re.sub(r"([@{}])", r"@\1", text)
    return text


def _graph_table(
    items: Sequence[Item], graph: Graph, schema: Schema, caption: str | None
) -> TableModel:
    """What a graph shows, as a table: each object with its links to the others."""
    shown = {item.id for item in items}
    rows: list[tuple[list[Cell], list[str]]] = []
    for item in items:
        links: Cell = []
        for link_name, targets in item.links.items():
            kept = [t for t in dict.fromkeys(targets) if t in shown]
            if not kept or link_name not in schema.links:
                continue
            if links:
                links.append(("text", "; ", ()))
            links.append(("text", f"{link_name} ", ("dd-muted",)))
            links.extend(_id_list(kept, graph))
        classes = ["dd-row", f"dd-type-{css_class(item.type)}"]
        if graph.is_traced(item.id) is False:
            classes.append("dd-untraced")
        cells: list[Cell] = [
            [("ref", item.id, item)],
            [("text", item.title, ())],
            _status(item.status),
            links,
        ]
        rows.append((cells, classes))
    headers = [_label("ID"), _label("Title"), _label("Status"), _label("Links")]
    return TableModel(headers, rows, [12, 40, 10, 38], ["dd-graph-table"], caption)


VIEW_RENDERERS.update({"matrix": render_matrix, "table": render_table, "graph": render_graph})
