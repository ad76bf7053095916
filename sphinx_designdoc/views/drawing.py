"""A ``dd-graph`` drawn for HTML: Graphviz lays it out, the package writes it.

Graphviz's ``dot`` computes where the boxes, arrows and labels go (its JSON output, read
with the json module).  By default the drawing is then written here as SVG inside the
page: every string in it is escaped by us (Graphviz would rewrite ``\\N``, ``\\G`` and
entities in labels and tooltips), every link is ours and points where the page's other
links point, links are elements the browser lays out (so they stay on their boxes at any
width), and the colours come from the stylesheet, which follows the theme, light or
dark.  With ``designdoc_graph_format = "png"`` dot draws a picture and the links are laid
over its boxes in percentages of the image, so they scale with it too.

No Sphinx here: :mod:`.graph` says what to draw, the HTML translator calls
:func:`drawing_html`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, NamedTuple

from ..fileio import write_atomic

#: CSS pixels per Graphviz point
PX_PER_PT = 4 / 3
#: the smallest share of its natural size a drawing is shrunk to: below it a text of
#: the boxes would be too small to read, so the figure scrolls sideways in its own box
MIN_SCALE = 0.75
#: Graphviz's margin around the drawing, in points (its default ``pad``)
PAD = 4.0
#: pixels per inch of a PNG drawing: twice the CSS pixel, sharp on high-density screens
PNG_DPI = 192
#: the corner radius of a box, in points (Graphviz's ``rounded`` style)
RADIUS = 6.0

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

#: one piece of a line of a box: its text and its CSS class ("" for none)
Span = tuple[str, str]


@dataclass(frozen=True)
class Box:
    """An object's box as it is drawn: plain data, computed when the page is resolved."""

    #: the object's ID (the box is the node declared in the same place in the DOT
    #: source: dot's own names for nodes keep some escapes, its numbers do not)
    name: str
    #: its label, line by line: the first holds the ID (and the status of an inactive
    #: object, as tables show it), the others the title
    lines: tuple[tuple[Span, ...], ...]
    classes: tuple[str, ...]
    #: the link to the object (relative to the page, on the URL policy), or None
    href: str | None
    #: what a pointer over the box shows (``ID: title (type, status)``)
    tooltip: str
    #: a CSS colour for the box's accent (types without a rule in the package's
    #: stylesheet; a rule of the project's for the type's class wins over it)
    accent: str | None = None


@dataclass(frozen=True)
class Arrow:
    """A link between two boxes (their places in :attr:`Drawing.boxes`)."""

    tail: int
    head: int
    label: str


@dataclass(frozen=True)
class Drawing:
    """What the HTML translator needs to draw one graph, as plain data."""

    #: the DOT source Graphviz lays out (and, as PNG, draws)
    dot: str
    boxes: tuple[Box, ...]
    #: the arrows, in the order of the DOT source's edges
    arrows: tuple[Arrow, ...]
    #: the drawing's text alternative
    alt: str
    #: ``svg`` or ``png``
    format: str = "svg"


class DrawingError(RuntimeError):
    """Graphviz could not lay out or draw the graph (the message says why)."""


# -- layout --------------------------------------------------------------------------


# the layout's parts are tuples, so a layout is kept in a cache file as JSON as it is


class Text(NamedTuple):
    x: float
    y: float
    #: ``start``, ``middle`` or ``end``
    anchor: str
    size: float
    width: float


class NodeShape(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    texts: tuple[Text, ...]


class EdgeShape(NamedTuple):
    #: the boxes it joins, by their place in the DOT source
    tail: int
    head: int
    #: the line: a start point and then cubic Bézier segments (three points each)
    points: tuple[tuple[float, float], ...]
    #: the arrowhead's corners
    arrow: tuple[tuple[float, float], ...]
    label: Text | None


class Layout(NamedTuple):
    """Where dot put everything, in points, with the origin at the top left (SVG's) and
    Graphviz's margin included."""

    width: float
    height: float
    #: the boxes, in the order the DOT source declares them
    nodes: tuple[NodeShape, ...]
    edges: tuple[EdgeShape, ...]


_ANCHORS = {"l": "start", "c": "middle", "r": "end"}


def _number(value: Any) -> float:
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def read_layout(text: str) -> Layout:
    """The layout in dot's JSON output (``-Tjson``); :class:`DrawingError` if it is not
    the JSON dot writes."""
    try:
        data = json.loads(text)
        return _layout(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise DrawingError(f"dot's layout could not be read: {exc}") from exc


def _layout(data: dict[str, Any]) -> Layout:
    x0, y0, x1, y1 = (_number(v) for v in str(data["bb"]).split(","))

    def point(p: Sequence[Any]) -> tuple[float, float]:
        return (round(_number(p[0]) - x0 + PAD, 2), round(y1 - _number(p[1]) + PAD, 2))

    def texts(ops: Sequence[dict[str, Any]]) -> list[Text]:
        out, size = [], 14.0
        for op in ops:
            if op.get("op") == "F":
                size = _number(op["size"])
            elif op.get("op") == "T":
                x, y = point(op["pt"])
                anchor = _ANCHORS.get(str(op.get("align")), "middle")
                out.append(Text(x, y, anchor, size, _number(op.get("width", 0))))
        return out

    # nodes are numbered (``_gvid``) in the order the source declares them
    nodes = sorted((o for o in data.get("objects", ()) if "pos" in o), key=lambda o: o["_gvid"])
    places = {int(obj["_gvid"]): place for place, obj in enumerate(nodes)}
    shapes: list[NodeShape] = []
    for obj in nodes:
        cx, cy = point(str(obj["pos"]).split(","))
        w, h = _number(obj["width"]) * 72, _number(obj["height"]) * 72
        shapes.append(
            NodeShape(
                round(cx - w / 2, 2),
                round(cy - h / 2, 2),
                round(w, 2),
                round(h, 2),
                tuple(texts(obj.get("_ldraw_", ()))),
            )
        )
    edges = []
    for edge in data.get("edges", ()):
        line: list[tuple[float, float]] = []
        for op in edge.get("_draw_", ()):
            if op.get("op") in ("b", "B"):
                line.extend(point(p) for p in op["points"])
        arrow: list[tuple[float, float]] = []
        for op in edge.get("_hdraw_", ()):
            if op.get("op") in ("p", "P"):
                arrow.extend(point(p) for p in op["points"])
        labels = texts(edge.get("_ldraw_", ()))
        edges.append(
            EdgeShape(
                places[int(edge["tail"])],
                places[int(edge["head"])],
                tuple(line),
                tuple(arrow),
                labels[0] if labels else None,
            )
        )
    size = (round(x1 - x0 + 2 * PAD, 2), round(y1 - y0 + 2 * PAD, 2))
    return Layout(*size, tuple(shapes), tuple(edges))


def _cached_layout(text: str) -> Layout:
    """A layout as :meth:`Dot.layout` keeps it (``json.dumps`` of the tuples), every
    value checked to be what it must be: numbers, an anchor, box numbers."""
    width, height, shapes, edges = json.loads(text)

    def points(values: list[Any]) -> tuple[tuple[float, float], ...]:
        return tuple((_number(x), _number(y)) for x, y in values)

    def text_of(t: list[Any] | None) -> Text | None:
        if t is None:
            return None
        anchor = t[2] if t[2] in _ANCHORS.values() else "middle"
        return Text(_number(t[0]), _number(t[1]), anchor, _number(t[3]), _number(t[4]))

    return Layout(
        _number(width),
        _number(height),
        tuple(
            NodeShape(
                _number(n[0]),
                _number(n[1]),
                _number(n[2]),
                _number(n[3]),
                tuple(t for t in map(text_of, n[4]) if t is not None),
            )
            for n in shapes
        ),
        tuple(
            EdgeShape(int(e[0]), int(e[1]), points(e[2]), points(e[3]), text_of(e[4]))
            for e in edges
        ),
    )


# -- running dot -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    """How to run Graphviz, and where its results are kept between builds."""

    #: the ``dot`` program and its extra arguments (Sphinx's ``graphviz_dot`` and
    #: ``graphviz_dot_args``)
    program: str
    args: tuple[str, ...] = ()
    #: a folder for layouts already computed (the build's doctree folder), or None
    cache: Path | None = None

    def key(self, drawing: Drawing) -> str:
        text = "\0".join([drawing.format, self.program, *self.args, drawing.dot])
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()

    def layout(self, drawing: Drawing, png: Path | None = None) -> Layout:
        """The layout of ``drawing`` (and, given ``png``, its picture there), from the
        cache when dot has laid out the same source before."""
        cached = self.cache / f"{self.key(drawing)}.json" if self.cache else None
        if cached is not None and cached.is_file() and (png is None or png.is_file()):
            try:
                return _cached_layout(cached.read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError, KeyError, IndexError):
                pass  # written by another version, or damaged: lay it out again
        command = [self.program, *self.args]
        if png is not None:
            png.parent.mkdir(parents=True, exist_ok=True)
            command += [f"-Gdpi={PNG_DPI}", "-Tpng", f"-o{png}"]
        command.append("-Tjson")
        try:
            done = subprocess.run(
                command, input=drawing.dot.encode(), capture_output=True, check=False
            )
        except OSError as exc:
            message = f"Graphviz's dot program {self.program!r} cannot be run: {exc}"
            raise DrawingError(message) from exc
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DrawingError(
                f"Graphviz's dot program failed (exit status {done.returncode})"
                + (f": {said[0]}" if said else "")
            )
        layout = read_layout(done.stdout.decode("utf-8", "replace"))
        if cached is not None:
            _write_cache(cached, json.dumps(layout, separators=(",", ":")))
        return layout


def _write_cache(path: Path, text: str) -> None:
    """Keep a layout for the next build (parallel writers may lay out the same graph:
    each file is written whole or not at all)."""
    with contextlib.suppress(OSError):  # a cache: the next build lays the graph out again
        write_atomic(path, text)


# -- writing -----------------------------------------------------------------------------


def xml_text(text: str) -> str:
    """``text`` escaped for XML and HTML alike (quotes too, for attributes), with the
    characters XML 1.0 cannot hold at all replaced: an SVG inside an XHTML page (EPUB)
    must stay well-formed."""
    return escape(_xml_chars(text), quote=True)


def _xml_chars(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(
        c
        if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff"
        else "\ufffd"
        for c in text
    )


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _size_style(width: float) -> str:
    """The figure's width: the column's, at most its natural size and at least
    :data:`MIN_SCALE` of it (then it scrolls sideways in its own box)."""
    natural = width * PX_PER_PT
    return f"max-width:{_n(natural)}px;min-width:{_n(natural * MIN_SCALE)}px"


def write_svg(drawing: Drawing, layout: Layout) -> str:
    """The drawing as an SVG element for the page (well-formed XML too)."""
    w, h = layout.width, layout.height
    out = [
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" class="dd-graph-svg" '
        f'viewBox="0 0 {_n(w)} {_n(h)}" width="{_n(w * PX_PER_PT)}" '
        f'height="{_n(h * PX_PER_PT)}" style="{_size_style(w)}">',
        f"<title>{xml_text(drawing.alt)}</title>",
    ]
    # dot lists the edges in an order of its own: each takes the next arrow between
    # the same two boxes, in the order of the source
    arrows: dict[tuple[int, int], list[Arrow]] = {}
    for arrow in drawing.arrows:
        arrows.setdefault((arrow.tail, arrow.head), []).append(arrow)
    for edge in layout.edges:
        waiting = arrows.get((edge.tail, edge.head))
        arrow = waiting.pop(0) if waiting else Arrow(edge.tail, edge.head, "")
        names = (drawing.boxes[edge.tail].name, drawing.boxes[edge.head].name)
        out.append(_edge_svg(arrow, edge, names))
    for box, shape in zip(drawing.boxes, layout.nodes, strict=False):
        out.append(_box_svg(box, shape))
    out.append("</svg>")
    return "".join(out)


def _edge_svg(arrow: Arrow, edge: EdgeShape, names: tuple[str, str]) -> str:
    parts = [
        '<g class="dd-edge">',
        f"<title>{xml_text(f'{names[0]} {arrow.label} {names[1]}')}</title>",
    ]
    if edge.points:
        first, rest = edge.points[0], edge.points[1:]
        path = f"M{_n(first[0])},{_n(first[1])}"
        whole = len(rest) - len(rest) % 3
        if whole:
            path += "C" + " ".join(f"{_n(x)},{_n(y)}" for x, y in rest[:whole])
        parts.append(f'<path class="dd-edge-line" d="{path}"/>')
    if edge.arrow:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in edge.arrow)
        parts.append(f'<polygon class="dd-edge-head" points="{points}"/>')
    label = edge.label
    if label is not None and arrow.label:
        left = {"start": label.x, "middle": label.x - label.width / 2}.get(
            label.anchor, label.x - label.width
        )
        parts.append(
            f'<rect class="dd-edge-chip" x="{_n(left - 1.5)}" y="{_n(label.y - label.size * 0.82)}" '
            f'width="{_n(label.width + 3)}" height="{_n(label.size * 1.12)}" rx="2"/>'
            f'<text class="dd-edge-label" x="{_n(label.x)}" y="{_n(label.y)}" '
            f'text-anchor="{label.anchor}" font-size="{_n(label.size)}">'
            f"{xml_text(arrow.label)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _box_svg(box: Box, shape: NodeShape) -> str:
    classes = " ".join(("dd-node", *box.classes, *(("dd-accent-own",) if box.accent else ())))
    # the type's own colour, which a project's stylesheet rule for the type overrides
    style = f' style="--dd-type-color:{xml_text(box.accent)}"' if box.accent else ""
    if box.href:
        href = xml_text(box.href)
        opening = (
            f'<a class="{xml_text(classes)}" href="{href}" xlink:href="{href}" '
            f'target="_top"{style}>'
        )
        closing = "</a>"
    else:
        opening, closing = f'<g class="{xml_text(classes)}"{style}>', "</g>"
    parts = [opening, f"<title>{xml_text(box.tooltip)}</title>"]
    x, y, w, h = shape.x, shape.y, shape.width, shape.height
    parts.append(
        f'<rect class="dd-box" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
        f'rx="{_n(RADIUS)}"/>'
    )
    if "dd-root" in box.classes:  # a second outline inside the first, as Graphviz draws it
        parts.append(
            f'<rect class="dd-box-inner" x="{_n(x + 4)}" y="{_n(y + 4)}" width="{_n(w - 8)}" '
            f'height="{_n(h - 8)}" rx="{_n(RADIUS - 2)}"/>'
        )
    for line, text in zip(box.lines, shape.texts, strict=False):
        spans = "".join(
            f'<tspan class="{xml_text(cls)}">{xml_text(t)}</tspan>' if cls else xml_text(t)
            for t, cls in line
        )
        parts.append(
            f'<text x="{_n(text.x)}" y="{_n(text.y)}" text-anchor="{text.anchor}" '
            f'font-size="{_n(text.size)}">{spans}</text>'
        )
    parts.append(closing)
    return "".join(parts)


def write_png(drawing: Drawing, layout: Layout, src: str) -> str:
    """The PNG picture at ``src``, with a link laid over each box, placed and sized in
    percentages of the picture: the links scale with it, at any width."""
    w, h = layout.width, layout.height
    out = [
        f'<div class="dd-graph-png" style="{_size_style(w)}">',
        f'<img src="{xml_text(src)}" alt="{xml_text(drawing.alt)}" '
        f'width="{_n(w * PX_PER_PT)}" height="{_n(h * PX_PER_PT)}"/>',
    ]
    for box, shape in zip(drawing.boxes, layout.nodes, strict=False):
        if not box.href:
            continue
        place = (
            f"left:{_n(100 * shape.x / w)}%;top:{_n(100 * shape.y / h)}%;"
            f"width:{_n(100 * shape.width / w)}%;height:{_n(100 * shape.height / h)}%"
        )
        # where dot drew the box, in the picture's own pixels
        px = ",".join(
            str(round(v * PNG_DPI / 72))
            for v in (shape.x, shape.y, shape.x + shape.width, shape.y + shape.height)
        )
        classes = " ".join(("dd-node-link", *box.classes))
        out.append(
            f'<a class="{xml_text(classes)}" href="{xml_text(box.href)}" target="_top" '
            f'title="{xml_text(box.tooltip)}" aria-label="{xml_text(box.tooltip)}" '
            f'style="{place}" data-px="{px}"></a>'
        )
    out.append("</div>")
    return "".join(out)


def fallback_html(drawing: Drawing, reason: str) -> str:
    """What stands for a graph dot could not draw: why, and its objects and links."""
    out = [f'<p class="dd-view-error">[dd-graph not drawn: {xml_text(reason)}]</p>', "<ul>"]
    by_tail: dict[int, list[Arrow]] = {}
    for arrow in drawing.arrows:
        by_tail.setdefault(arrow.tail, []).append(arrow)
    for place, box in enumerate(drawing.boxes):
        name = xml_text(box.name)
        item = f'<a href="{xml_text(box.href)}">{name}</a>' if box.href else name
        links = "; ".join(
            f"{xml_text(a.label)} {xml_text(drawing.boxes[a.head].name)}"
            for a in by_tail.get(place, ())
        )
        out.append(f"<li>{item}: {xml_text(box.tooltip)}{' — ' + links if links else ''}</li>")
    out.append("</ul>")
    return "".join(out)


def drawing_html(drawing: Drawing, dot: Dot, images: tuple[Path, str] | None = None) -> str:
    """The drawing as HTML: inline SVG, or, for a PNG drawing, the picture (written into
    ``images``: the images folder and its path from the page) with links over its
    boxes.  :class:`DrawingError` when dot cannot lay it out."""
    if drawing.format == "png" and images is not None:
        name = f"dd-graph-{dot.key(drawing)}.png"
        layout = dot.layout(drawing, images[0] / name)
        body = write_png(drawing, layout, f"{images[1]}/{name}" if images[1] else name)
    else:
        body = write_svg(drawing, dot.layout(drawing))
    return f'<div class="dd-graph-figure">{body}</div>\n'
