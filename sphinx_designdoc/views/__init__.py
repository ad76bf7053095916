"""Views: ``dd-matrix``, ``dd-table`` and ``dd-graph``.

Each view kind is one module (:mod:`.matrix`, :mod:`.table`, :mod:`.graph`) holding
its options, its plan, the types it shows, its renderer and the :class:`.ViewKind`
that gathers them, listed in :data:`KINDS`.  Renderers take the placeholder node and a
:class:`ViewContext` (the graph, the vocabulary, the builder, how to link), and emit
standard docutils nodes (tables, paragraphs, resolved references) and, for graphs, the
Graphviz node of ``sphinx.ext.graphviz``, so every builder works; :mod:`.output` writes
the HTML builders' tables straight to HTML, and :mod:`.drawing` their graphs.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from ..model import View
from . import graph, matrix, table
from .kind import ViewKind
from .output import ViewContext, error

__all__ = ["KINDS", "View", "ViewContext", "ViewKind", "render_view"]

#: The view kinds, by name, in the order the docs present them.
KINDS: dict[str, ViewKind[Any]] = {
    kind.name: kind for kind in (matrix.KIND, table.KIND, graph.KIND)
}


def render_view(node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    """The nodes that replace a view's placeholder: the view, or a note in its place
    when its options cannot be used (its warning, given while reading, says why)."""
    view: View = node["view"]
    if view.plan is None:
        return error(f"dd-{view.kind}", "see the warning for this view")
    return KINDS[view.kind].render(view.plan, node, ctx)
