"""The nodes of ours in a doctree.

Two placeholders (backlinks and views) exist only between reading and writing: the
post-transform (:mod:`.transforms`) replaces them with standard docutils nodes, so every
builder sees plain docutils; the skip visitors registered for them are a safety net for
third-party builders that write doctrees without running post-transforms.  The third,
:class:`designdoc_html_table`, carries a view's table on the HTML fast path.
"""

from __future__ import annotations

from docutils import nodes


class designdoc_backlinks(nodes.General, nodes.Element):
    """Where an object's incoming links go; attributes: ``item_id``, ``docname`` (the
    page it was read from, for builders that resolve references on a merged tree)."""


class designdoc_badges(nodes.Inline, nodes.Element):
    """Where an object's state goes in its header ("untraced", "unused", ...), known only
    once every page is read; attribute: ``item_id``."""


class designdoc_view(nodes.General, nodes.Element):
    """A view (``dd-matrix``, ``dd-table``, ``dd-graph``); attributes: ``view`` (kind),
    ``spec`` (its options), ``docname``, ``source``, ``line``."""


class designdoc_html_table(nodes.General, nodes.Element):
    """A view table on the HTML fast path, written by the HTML translator; attributes:
    ``writer`` (a callable returning the table's HTML).

    Writing the HTML at translation time, not in the post-transform, puts the work in
    the worker processes of a parallel build (Sphinx runs post-transforms serially in
    the main process) and keeps the table out of the search index: each object's own
    page is what a search should find, not the project-wide table that lists it.
    """


PLACEHOLDERS = (designdoc_backlinks, designdoc_badges, designdoc_view)
