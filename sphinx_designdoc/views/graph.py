"""``dd-graph``: a traceability graph drawn by Graphviz through ``sphinx.ext.graphviz``,
or, where Graphviz cannot be run, a table of the same objects and links."""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Callable, Sequence
from functools import partial
from html import escape

from docutils import nodes

from ..graph import Graph
from ..model import Item
from ..safety import css_class, css_color, natural_key
from ..vocabulary import Schema
from .cells import (
    Cell,
    Row,
    TableModel,
    compile_predicate,
    id_list,
    label,
    row,
    select,
    status_cell,
)
from .output import Output, ViewContext, error, scrolling, wrap
from .plans import MAX_GRAPH_NODES, GraphPlan, graph_types

#: outline colour of a box by the tone of its status (:func:`..vocabulary.status_tone`)
_TONE_COLOURS = {"good": "#15803d", "pending": "#a16207"}
#: box text: dark on the light fills, whatever the page's mode (the drawing keeps its
#: own light boxes on a dark page, and transparent space around them)
_TEXT = "#111827"
_TEXT_INACTIVE = "#4b5563"
_UNTRACED = "#dc2626"
_EDGE = "#6b7280"


def _dot(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _edge_label(text: str) -> str:
    """An edge label on a light chip of its own, readable where it crosses a line and
    on a dark page (Graphviz HTML-like label; the name is escaped for it)."""
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="1" bgcolor="#ffffff">'
        f'<tr><td><font color="{_TEXT}">{escape(text)}</font></td></tr></table>>'
    )


def _graph_items(plan: GraphPlan, graph: Graph, schema: Schema) -> list[Item]:
    predicate = compile_predicate(plan.filter, graph, schema)
    types = set(plan.types) if plan.types is not None else set(graph_types(schema))
    if plan.root is None:
        return select(graph, types, predicate)
    root = graph.get(plan.root)
    if root is None:
        return []
    reached: dict[str, Item] = {root.id: root}
    if plan.direction == "both":  # what a change to the root affects, as designdoc impact
        for affected in graph.impact(root.id, plan.depth):
            reached.setdefault(affected.item.id, affected.item)
    else:  # only outgoing (down) or incoming (up) links
        for step in graph.walk(root.id, plan.direction, plan.depth):
            reached.setdefault(step.item.id, step.item)
    items = [
        i
        for i in reached.values()
        if i is root or (i.type in types and (predicate is None or predicate(i)))
    ]
    items.sort(key=lambda i: natural_key(i.id))
    return items


def build_dot(
    items: Sequence[Item],
    graph: Graph,
    schema: Schema,
    url: Callable[[Item], str | None],
    root: str | None = None,
) -> str:
    """DOT source of the traceability graph: fill colour by type, outline by status (red
    and thick: untraced; dashed: inactive), the root drawn with a double outline."""
    shown = {item.id for item in items}
    # a name unique to the content: HTML image maps of two graphs on a page must differ
    name = (
        "dd_"
        + hashlib.sha1("\0".join(sorted(shown)).encode(), usedforsecurity=False).hexdigest()[:12]
    )
    lines = [
        f"digraph {name} {{",
        '  graph [rankdir=LR, bgcolor="transparent", fontname="Helvetica"];',
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
        f'fontcolor="{_TEXT}"];',
        f'  edge [fontname="Helvetica", fontsize=8, color="{_EDGE}", arrowsize=0.7];',
    ]
    for item in items:
        typedef = schema.types.get(item.type)
        attrs = {
            "label": f"{item.id}\n" + "\n".join(textwrap.wrap(item.title, 28)[:3]),
            "fillcolor": typedef.color if typedef else "#e5e7eb",
            "color": _TONE_COLOURS.get(typedef.tone(item.status) if typedef else "", "#374151"),
            "tooltip": f"{item.id}: {item.title} ({item.type}, {item.status})",
        }
        style = "rounded,filled"
        if not graph.is_active(item):
            style += ",dashed"
            attrs["fontcolor"] = _TEXT_INACTIVE
            attrs["color"] = "#9ca3af"
        if graph.is_traced(item.id) is False:
            attrs["color"] = _UNTRACED
            attrs["penwidth"] = "2"
        if item.id == root:
            attrs["peripheries"] = "2"
            attrs["penwidth"] = "2"
            attrs["fontname"] = "Helvetica-Bold"
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
                label = _edge_label(link_name)
                lines.append(f"  {_dot(item.id)} -> {_dot(target)} [label={label}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_legend(
    items: Sequence[Item], graph: Graph, schema: Schema, root: str | None, swatches: bool
) -> nodes.bullet_list:
    """What the drawing's colours, outlines and arrows mean, for the types and links it
    shows; with colour swatches where the output is HTML."""
    legend = nodes.bullet_list(classes=["dd-graph-legend"])

    def entry(text: str, color: str | None = None, classes: Sequence[str] = ()) -> None:
        para = nodes.paragraph(classes=list(classes))
        style = css_color(color) if (swatches and color) else None
        if style is not None:
            html = f'<span class="dd-swatch" style="background:{style}"></span>'
            para += nodes.raw("", html, format="html")
        para += nodes.Text(text)
        legend.append(nodes.list_item("", para))

    present = {item.type for item in items}
    for typedef in schema.types.values():
        if typedef.name in present:
            entry(typedef.label, typedef.color)
    shown = {item.id for item in items}
    links = sorted(
        {
            name
            for item in items
            for name, target in graph.outgoing(item)
            if target in shown and name in schema.links
        }
    )
    if links:
        entry("arrows: " + ", ".join(links))
    entry("green outline: accepted; amber: proposed; dashed: rejected or superseded")
    if any(graph.is_traced(item.id) is False for item in items):
        entry("thick red outline: untraced", classes=["dd-legend-untraced"])
    if root is not None:
        entry(f"double outline: {root}, where the graph starts")
    return legend


def render_graph(plan: GraphPlan, node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    from sphinx.ext.graphviz import graphviz

    spec = node["spec"]
    graph, schema, builder = ctx.graph, ctx.schema, ctx.builder
    if plan.root is not None and plan.root not in graph:
        return error("dd-graph", f"unknown root {plan.root!r}")
    items = _graph_items(plan, graph, schema)
    children: list[nodes.Node] = []
    if not items:
        text = "No objects match."
        return [wrap("graph", spec, nodes.paragraph(text, text, classes=["dd-empty"]))]
    if len(items) > MAX_GRAPH_NODES:
        text = (
            f"Showing {MAX_GRAPH_NODES} of {len(items)} objects; "
            "narrow the graph with :root:, :depth:, :types: or :filter:."
        )
        children.append(nodes.paragraph(text, text, classes=["dd-note"]))
        items = items[:MAX_GRAPH_NODES]
    output = Output(ctx)
    if not ctx.graphviz:
        # the designdoc.graph finding says why and how to install Graphviz
        text = "Graphviz is not installed, so this graph is shown as a table of its links."
        children.append(nodes.paragraph(text, text, classes=["dd-note"]))
        table = output.render(_graph_table(items, graph, schema, plan.caption), node)
        children.append(scrolling(table))
        return [wrap("graph", spec, *children)]
    gv = graphviz()
    if builder.format == "html":  # image-map and SVG links only mean something in HTML
        svg = builder.config.graphviz_output_format == "svg"
        url: Callable[[Item], str | None] = partial(output.graph_href, svg=svg)
    else:
        url = lambda item: None  # noqa: E731
    gv["code"] = build_dot(items, graph, schema, url, plan.root)
    gv["options"] = {"docname": ctx.fromdocname}
    gv["alt"] = _graph_alt(
        plan.caption
        or (f"Traceability graph of {plan.root}" if plan.root else "Traceability graph"),
        builder.format,
    )
    children.append(gv)
    if plan.caption:
        children.append(nodes.paragraph(plan.caption, plan.caption, classes=["dd-caption"]))
    children.append(graph_legend(items, graph, schema, plan.root, builder.format == "html"))
    return [wrap("graph", spec, *children)]


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
    rows: list[Row] = []
    for item in items:
        links: Cell = []
        for link_name, targets in item.links.items():
            kept = [t for t in dict.fromkeys(targets) if t in shown]
            if not kept or link_name not in schema.links:
                continue
            if links:
                links.append(("text", "; ", ()))
            links.append(("text", f"{link_name} ", ("dd-muted",)))
            links.extend(id_list(kept, graph))
        classes = ["dd-row", f"dd-type-{css_class(item.type)}"]
        if graph.is_traced(item.id) is False:
            classes.append("dd-untraced")
        cells: list[Cell] = [
            [("ref", item.id, item.id)],
            [("text", item.title, ())],
            status_cell(item, schema),
            links,
        ]
        rows.append(row(cells, classes))
    headers = [label("ID"), label("Title"), label("Status"), label("Links")]
    fit = ["l", "", "l", ""]
    return TableModel(headers, rows, [12, 40, 10, 38], ["dd-graph-table"], caption, fit)
