"""The nodes of ours in a doctree.

Placeholders (an object's header and fields, views) exist only between reading and
writing: the post-transform (:mod:`.transforms`) replaces them with standard docutils
nodes, so every builder sees plain docutils, or, for the HTML builders, with
:class:`designdoc_html`, whose HTML the translator writes.  The skip visitors registered
for them are a safety net for third-party builders that write doctrees without running
post-transforms (Sphinx runs them for every builder of its own): such a builder shows
each object's body only.
"""

from __future__ import annotations

from docutils import nodes


class designdoc_placeholder(nodes.General, nodes.Element):
    """What the post-transform replaces: one class, so it finds every kind in one
    walk by class (docutils' fast path)."""


class designdoc_fields(designdoc_placeholder):
    """An object's header, fields, outgoing links and, once every page is read,
    backlinks, as plain data until the page is written: as docutils nodes they cost
    about forty per object, which every transform of the read and write phases walks.
    It is the first child of the object's box.

    Attributes: ``head`` (:data:`.render.Head`: type label, ID, title), ``rows``
    (:data:`.render.FieldRow` tuples), ``item_id`` (empty for an object without an ID:
    no backlinks), ``docname`` (the page it was read from, for builders that resolve
    references on a merged tree).
    """


class designdoc_view(designdoc_placeholder):
    """A view (``dd-matrix``, ``dd-table``, ``dd-graph``); attributes: ``view``
    (:class:`.views.View`, planned while reading) and ``docname``."""


class designdoc_html(nodes.General, nodes.Element):
    """HTML written by the HTML translator (a view's table, an object's fields);
    attributes: ``writer`` (a callable returning the HTML, as a list of pieces).

    Writing the HTML at translation time, not in the post-transform, puts the work in
    the worker processes of a parallel build (Sphinx runs post-transforms serially in
    the main process).  A view's table has no text child, so it stays out of the search
    index (each object's own page is what a search should find, not the project-wide
    table that lists it); an object's fields keep the text of their values.
    """


class designdoc_graph(nodes.General, nodes.Element):
    """A ``dd-graph`` drawn by the HTML translator (:func:`.views.graph.visit_graph_html`);
    attributes: ``drawing`` (:class:`.views.drawing.Drawing`, plain data) and
    ``location`` (``path:line`` of the directive, for a warning when dot fails).

    Drawn when the page is written, so a parallel build runs Graphviz in its writer
    processes, as ``sphinx.ext.graphviz`` does.  It has no text child: the objects a
    graph shows are found by a search on their own pages.
    """


PLACEHOLDERS = (designdoc_fields, designdoc_view)
