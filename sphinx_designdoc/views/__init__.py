"""Views: ``dd-matrix``, ``dd-table`` and ``dd-graph``.

Each view kind has a planner (:data:`.plans.PLANNERS`: what the view shows, from its
options and the vocabulary, without Sphinx) and a renderer, one module per view, listed
in :data:`RENDERERS`.  Renderers take the placeholder node and a :class:`ViewContext`
(the graph, the vocabulary, the builder, how to link), and emit standard docutils nodes
(tables, paragraphs, resolved references) and the Graphviz node of
``sphinx.ext.graphviz``, so every builder works; :mod:`.output` writes the HTML
builders' tables straight to HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes

from .graph import render_graph
from .matrix import render_matrix
from .output import ViewContext
from .table import render_table

__all__ = ["RENDERERS", "Renderer", "ViewContext"]

Renderer = Callable[[nodes.Element, ViewContext], list[nodes.Node]]

#: The renderer of each view kind (the ``view`` attribute of its placeholder node).
RENDERERS: dict[str, Renderer] = {
    "matrix": render_matrix,
    "table": render_table,
    "graph": render_graph,
}
