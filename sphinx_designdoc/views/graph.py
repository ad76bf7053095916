"""``dd-graph``: a traceability graph.  For HTML, Graphviz lays it out and the package
draws it (:mod:`.drawing`: inline SVG by default, or a PNG with links over its boxes);
other builders get the drawing of ``sphinx.ext.graphviz`` (PDF in LaTeX).  Where Graphviz
cannot be run, the graph is a table of the same objects and links."""

from __future__ import annotations

import colorsys
import hashlib
import re
import textwrap
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util import logging

from ..graph import Graph
from ..model import Item, Plan, View, pickled_by_field_names
from ..nodes import designdoc_graph
from ..safety import css_class, css_color, natural_key
from ..vocabulary import BUILTIN_TYPES, Schema
from .cells import Cell, Row, TableModel, id_list, label, row, select, status_cell
from .drawing import Arrow, Box, Dot, Drawing, DrawingError, Span, drawing_html, fallback_html
from .kind import (
    Options,
    ViewKind,
    check_choice,
    check_filter,
    check_types,
    graph_types,
)
from .output import Output, ViewContext, error, scrolling, wrap

logger = logging.getLogger(__name__)

OPTIONS = ("root", "depth", "filter", "types", "direction", "caption", "class")
#: the first is the default
DIRECTIONS = ("both", "down", "up")
#: A graph larger than this is cut (with a note): Graphviz output stops being readable.
MAX_GRAPH_NODES = 400
DEFAULT_GRAPH_DEPTH = 2

#: outline colour of a box by the tone of its status (:func:`..vocabulary.status_tone`)
_TONE_COLOURS = {"good": "#15803d", "pending": "#a16207"}
#: box text: dark on the light fills of Graphviz's own pictures (PNG, PDF), which keep
#: their light boxes on a dark page (an HTML drawing takes its colours from the theme)
_TEXT = "#111827"
_TEXT_INACTIVE = "#4b5563"
_UNTRACED = "#dc2626"
_EDGE = "#6b7280"
#: the colours of the built-in types, which the stylesheet gives their accents
_BUILTIN_COLOURS = {(t.name, t.color) for t in BUILTIN_TYPES}
#: characters XML 1.0 cannot hold, not even as references (Graphviz writes its labels
#: into SVG and image maps; the package's own drawing replaces them too)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _dot(value: str) -> str:
    """A DOT string (characters XML cannot hold replaced: dot copies names and labels
    into SVG and image maps, and the source must encode to UTF-8)."""
    value = _NOT_XML.sub("\ufffd", value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_text(text: str) -> str:
    """A label's text for Graphviz, which reads entities in labels (``&lt;`` would be
    drawn as ``<``): its ``&`` escaped, so Graphviz draws the text as written."""
    return text.replace("&", "&amp;")


def _edge_label(text: str) -> str:
    """An edge label on a light chip of its own, readable where it crosses a line and
    on a dark page (Graphviz HTML-like label; the name is escaped for it)."""
    return (
        '<<table border="0" cellborder="0" cellspacing="0" cellpadding="1" bgcolor="#ffffff">'
        f'<tr><td><font color="{_TEXT}">{escape(_NOT_XML.sub("", text))}</font></td></tr></table>>'
    )


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class GraphPlan(Plan):
    root: str | None
    depth: int
    direction: str
    types: tuple[str, ...] | None
    filter: str | None
    caption: str | None = None

    def shown_types(self) -> tuple[str, ...] | None:
        """A graph from a root shows what the links reach, of any type."""
        return self.types if self.root is None else None

    def named_ids(self) -> tuple[tuple[str, str], ...]:
        return () if self.root is None else (("root", self.root),)


def plan_graph(options: Options, schema: Schema, problems: list[str]) -> GraphPlan:
    root = (options.get("root") or "").strip() or None
    depth = DEFAULT_GRAPH_DEPTH
    raw_depth = (options.get("depth") or "").strip()
    if raw_depth:
        if raw_depth.isdigit():
            depth = int(raw_depth)
        else:
            problems.append(f":depth: must be a whole number, not {raw_depth!r}")
    direction = check_choice(options, "direction", DIRECTIONS, problems)
    (types,) = check_types(options, schema, problems, "types")
    flt = check_filter(options, schema, problems)
    return GraphPlan(root, depth, direction, tuple(types) or None, flt, options.get("caption"))


def _graph_items(plan: GraphPlan, graph: Graph, schema: Schema) -> list[Item]:
    types = set(plan.types) if plan.types is not None else set(graph_types(schema))
    if plan.root is None:
        return select(graph, schema, types, plan.filter)
    root = graph.get(plan.root)
    if root is None:
        return []
    reached: dict[str, Item] = {root.id: root}
    if plan.direction == "both":  # what a change to the root affects, as designdoc impact
        for affected in graph.impact(root.id, plan.depth):
            reached.setdefault(affected.item.id, affected.item)
        for item in root_context(graph, root, plan.depth):
            reached.setdefault(item.id, item)
    else:  # only outgoing (down) or incoming (up) links
        for step in graph.walk(root.id, plan.direction, plan.depth):
            reached.setdefault(step.item.id, step.item)
    others = (i for i in reached.values() if i is not root)
    return sorted(
        [root, *select(graph, schema, types, plan.filter, others)], key=lambda i: natural_key(i.id)
    )


def root_context(graph: Graph, root: Item, depth: int) -> Iterable[Item]:
    """What a reader needs beside the root to judge a change to it, which a change does
    not necessarily reach (:meth:`.Graph.impact` leaves it out):

    - its history: the objects of its own type it is linked with either way (for a
      decision: what it supersedes, amends or extends and what supersedes it, ...),
      and theirs, up to ``depth`` links from the root;
    - its alternatives: the other sources of its tracing links into the same targets
      (for a decision: the other decisions, of any status, that address the
      requirements it addresses), one step from those targets.
    """
    by_id, links = graph.by_id, graph.schema.links
    incoming_links = graph.schema.links_by_incoming()
    seen = {root.id}
    queue: deque[tuple[str, int]] = deque([(root.id, 0)])
    while queue:
        current, hops = queue.popleft()
        if hops >= depth:
            continue
        neighbours = [target for name, target in graph.outgoing(by_id[current]) if name in links]
        neighbours += [
            source
            for name, sources in graph.incoming_of(current).items()
            if name in incoming_links
            for source in sources
        ]
        for other in neighbours:
            item = by_id.get(other)
            if item is None or item.type != root.type or other in seen:
                continue
            seen.add(other)
            yield item
            queue.append((other, hops + 1))
    for link_name, target in graph.outgoing(root):
        link = links.get(link_name)
        if link is None or not link.traces or target not in by_id:
            continue
        for source in graph.incoming_of(target).get(link.incoming, ()):
            if source not in seen:
                seen.add(source)
                yield by_id[source]


def _accent(schema: Schema, type_name: str) -> str | None:
    """The accent of a type the stylesheet has no rule for (a project's own type, or a
    built-in one given another ``color``): its colour's hue, dark enough to tint a box
    on a light page and light enough on a dark one."""
    typedef = schema.types.get(type_name)
    if typedef is None or (typedef.name, typedef.color) in _BUILTIN_COLOURS:
        return None
    colour = css_color(typedef.color)
    if colour is None or not colour.startswith("#") or len(colour) not in (4, 7):
        return colour
    digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, _light, saturation = colorsys.rgb_to_hls(red, green, blue)
    red, green, blue = colorsys.hls_to_rgb(hue, 0.42, min(saturation, 0.75))
    return "#" + "".join(f"{round(v * 255):02x}" for v in (red, green, blue))


def _lines(item: Item, active: bool) -> tuple[tuple[Span, ...], ...]:
    """A box's label: the ID (followed, for an inactive object, by its status in
    brackets, as tables and the list matrix mark it) and up to three lines of title."""
    first: tuple[Span, ...] = ((item.id, ""),)
    if not active:
        first += ((f" ({item.status})", "dd-muted"),)
    title = textwrap.wrap(item.title, 28)
    if len(title) > 3:
        title = [*title[:2], textwrap.shorten(" ".join(title[2:]), 27, placeholder="…")]
    return (first, *(((line, ""),) for line in title))


def make_boxes(
    items: Sequence[Item],
    graph: Graph,
    schema: Schema,
    href: Callable[[Item], str | None],
    root: str | None,
) -> list[Box]:
    """The boxes of the drawing: label, classes (type, status tone, inactive, untraced,
    root), link and tooltip of each object."""
    boxes = []
    for item in items:
        typedef = schema.types.get(item.type)
        active = graph.is_active(item)
        tone = typedef.tone(item.status) if typedef else ""
        classes = [f"dd-type-{css_class(item.type)}", f"dd-tone-{tone or 'none'}"]
        if not active:
            classes.append("dd-inactive")
        if graph.is_traced(item.id) is False:
            classes.append("dd-untraced")
        if item.id == root:
            classes.append("dd-root")
        tooltip = f"{item.id}: {item.title} ({item.type}, {item.status})"
        boxes.append(
            Box(
                item.id,
                _lines(item, active),
                tuple(classes),
                href(item),
                tooltip,
                _accent(schema, item.type),
            )
        )
    return boxes


def make_arrows(items: Sequence[Item], graph: Graph, schema: Schema) -> list[Arrow]:
    """The links between the objects shown, each between two places in ``items``."""
    place = {item.id: index for index, item in enumerate(items)}
    return [
        Arrow(place[item.id], place[target], link_name)
        for item in items
        for link_name, target in graph.outgoing(item)
        if target in place and link_name in schema.links
    ]


def build_dot(items: Sequence[Item], graph: Graph, schema: Schema, root: str | None = None) -> str:
    """DOT source of the traceability graph: fill colour by type, outline by status (red
    and thick: untraced; dashed: inactive), the root drawn with a double outline.  The
    colours are those of Graphviz's own pictures; the package's SVG takes its colours
    from the stylesheet, and only the layout from this source."""
    boxes = make_boxes(items, graph, schema, lambda item: None, root)
    # a name unique to the content
    name = (
        "dd_"
        + hashlib.sha1(
            "\0".join(sorted(b.name for b in boxes)).encode(), usedforsecurity=False
        ).hexdigest()[:12]
    )
    lines = [
        f"digraph {name} {{",
        '  graph [rankdir=LR, bgcolor="transparent", fontname="Helvetica"];',
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
        f'fontcolor="{_TEXT}"];',
        f'  edge [fontname="Helvetica", fontsize=8, color="{_EDGE}", arrowsize=0.7];',
    ]
    for item, box in zip(items, boxes, strict=True):
        typedef = schema.types.get(item.type)
        text = "\n".join("".join(t for t, _ in line) for line in box.lines)
        attrs = {
            "label": _dot_text(text),
            # only a colour: Graphviz reads more in a colour list (and crashes on some)
            "fillcolor": (css_color(typedef.color) if typedef else None) or "#e5e7eb",
            "color": _TONE_COLOURS.get(typedef.tone(item.status) if typedef else "", "#374151"),
        }
        style = "rounded,filled"
        if "dd-inactive" in box.classes:
            style += ",dashed"
            attrs["fontcolor"] = _TEXT_INACTIVE
            attrs["color"] = "#9ca3af"
        if "dd-untraced" in box.classes:
            attrs["color"] = _UNTRACED
            attrs["penwidth"] = "2"
        if "dd-root" in box.classes:
            attrs["peripheries"] = "2"
            attrs["penwidth"] = "2"
            attrs["fontname"] = "Helvetica-Bold"
        attrs["style"] = style
        body = ", ".join(f"{k}={_dot(v)}" for k, v in attrs.items())
        lines.append(f"  {_dot(item.id)} [{body}];")
    for arrow in make_arrows(items, graph, schema):
        tail, head = _dot(items[arrow.tail].id), _dot(items[arrow.head].id)
        lines.append(f"  {tail} -> {head} [label={_edge_label(arrow.label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_legend(
    items: Sequence[Item],
    graph: Graph,
    schema: Schema,
    root: str | None,
    swatches: str | None,
) -> nodes.bullet_list:
    """What the drawing's colours, outlines and arrows mean, for the types and links it
    shows; with colour swatches where the output is HTML: ``swatches`` is ``svg`` (the
    stylesheet's colours, as the package's drawing has them) or ``png`` (Graphviz's)."""
    legend = nodes.bullet_list(classes=["dd-graph-legend"])

    def entry(text: str, swatch: str | None = None, classes: Sequence[str] = ()) -> None:
        para = nodes.paragraph(classes=list(classes))
        if swatch is not None:
            para += nodes.raw("", swatch, format="html")
        para += nodes.Text(text)
        legend.append(nodes.list_item("", para))

    present = {item.type for item in items}
    for typedef in schema.types.values():
        if typedef.name not in present:
            continue
        swatch = None
        if swatches == "svg":
            accent = _accent(schema, typedef.name)
            own = f' dd-accent-own" style="--dd-type-color:{accent}' if accent else ""
            swatch = f'<span class="dd-swatch dd-type-{css_class(typedef.name)}{own}"></span>'
        elif swatches == "png" and css_color(typedef.color):
            swatch = (
                f'<span class="dd-swatch" style="background:{css_color(typedef.color)}"></span>'
            )
        entry(typedef.label, swatch)
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
    inactive = sorted({f"({i.status})" for i in items if not graph.is_active(i)})
    outlines = "green outline: accepted; amber: proposed"
    if inactive:
        marks = (
            ", ".join(inactive[:-1]) + " or " + inactive[-1] if len(inactive) > 1 else inactive[0]
        )
        outlines += f"; dashed, {marks} after the ID: inactive"
    entry(outlines)
    if any(graph.is_traced(item.id) is False for item in items):
        entry("thick red outline: untraced", classes=["dd-legend-untraced"])
    if root is not None:
        entry(f"double outline: {root}, where the graph starts")
    return legend


def render_graph(plan: GraphPlan, node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    from sphinx.ext.graphviz import graphviz

    view: View = node["view"]
    graph, schema, builder = ctx.graph, ctx.schema, ctx.builder
    if plan.root is not None and plan.root not in graph:
        return error("dd-graph", f"unknown root {plan.root!r}")
    items = _graph_items(plan, graph, schema)
    children: list[nodes.Node] = []
    if not items:
        text = "No objects match."
        return [wrap(node, nodes.paragraph(text, text, classes=["dd-empty"]))]
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
        return [wrap(node, *children)]
    alt = plan.caption or (
        f"Traceability graph of {plan.root}" if plan.root else "Traceability graph"
    )
    code = build_dot(items, graph, schema, plan.root)
    html = builder.format == "html"
    if html:
        drawing = Drawing(
            code,
            tuple(make_boxes(items, graph, schema, output.graph_href, plan.root)),
            tuple(make_arrows(items, graph, schema)),
            alt,
            ctx.graph_format,
        )
        location = f"{Path(builder.srcdir, view.source)}:{view.line}"
        children.append(designdoc_graph(drawing=drawing, location=location))
    else:
        gv = graphviz()
        gv["code"] = code
        gv["options"] = {"docname": ctx.fromdocname}
        gv["alt"] = _graph_alt(alt, builder.format)
        children.append(gv)
    if plan.caption:
        children.append(nodes.paragraph(plan.caption, plan.caption, classes=["dd-caption"]))
    swatches = ctx.graph_format if html else None
    children.append(graph_legend(items, graph, schema, plan.root, swatches))
    return [wrap(node, *children)]


def visit_graph_html(self: Any, node: designdoc_graph) -> None:
    """Write a graph's drawing into the page (the HTML translator's visitor)."""
    builder, config = self.builder, self.builder.config
    cache = Path(builder.doctreedir) / "designdoc-graphs"
    dot = Dot(str(config.graphviz_dot or "dot"), tuple(config.graphviz_dot_args or ()), cache)
    images = (Path(builder.outdir) / getattr(builder, "imagedir", "_images"), builder.imgpath)
    drawing: Drawing = node["drawing"]
    try:
        html = drawing_html(drawing, dot, images)
    except DrawingError as exc:
        logger.warning(
            f"dd-graph cannot be drawn: {exc}; its objects and links are listed instead",
            type="designdoc",
            subtype="graph",
            location=node["location"],
        )
        html = fallback_html(drawing, str(exc))
    self.body.append(html)
    raise nodes.SkipNode


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
        elif not graph.is_active(item):
            classes.append("dd-inactive")
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


KIND = ViewKind(
    "graph",
    OPTIONS,
    plan_graph,
    render_graph,
    uses_graphviz=True,
)
