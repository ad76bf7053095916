"""Views: ``dd-matrix``, ``dd-table`` and ``dd-graph``.

Each view kind has a planner (:data:`.plans.PLANNERS`: what the view shows, from its
options and the vocabulary, without Sphinx) and a renderer, one module per view, listed
in :data:`RENDERERS`.  Renderers take the placeholder node and a :class:`ViewContext`
(the graph, the vocabulary, the builder, how to link), and emit standard docutils nodes
(tables, paragraphs, resolved references) and, for graphs, the Graphviz node of
``sphinx.ext.graphviz``, so every builder works; :mod:`.output` writes the HTML
builders' tables straight to HTML, and :mod:`.drawing` their graphs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes

from .graph import render_graph
from .matrix import render_matrix
from .output import ViewContext, error
from .plans import PLANNERS
from .table import render_table

__all__ = ["RENDERERS", "ViewContext", "render_view"]

#: The renderer of each view kind (the ``view`` attribute of its placeholder node); it
#: gets the view's plan, the placeholder and the context.
RENDERERS: dict[str, Callable[[Any, nodes.Element, ViewContext], list[nodes.Node]]] = {
    "matrix": render_matrix,
    "table": render_table,
    "graph": render_graph,
}


def render_view(node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    """The nodes that replace a view's placeholder: the view, or a note in its place
    when its options cannot be used (its warning, given while reading, says why)."""
    kind = node["view"]
    plan, _ = PLANNERS[kind](node["spec"], ctx.schema)
    if plan is None:
        return error(f"dd-{kind}", "see the warning for this view")
    return RENDERERS[kind](plan, node, ctx)
