"""The ``dd`` domain: the per-document store of what was read, and link resolution.

The store is keyed by docname, so ``clear_doc`` and ``merge_domaindata`` are exact and
cheap, and parallel reads merge nothing global.  A record is complete once its page is
read (:meth:`DesigndocDomain.complete_doc`).  What the store implies for the whole
project (the graph, the findings, the badges, other projects' objects) is
:mod:`.project`'s, held by the domain instance, which Sphinx never pickles: derived data
is always recomputed, never merged.  The one exception is the encoded
``designdoc.json`` rows, kept per document with the digest of everything they depend on
(:func:`.incremental.refresh_rows`).
"""

# implements: DEC-DOMAIN-STORE (docs/design.rst)

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain, ObjType
from sphinx.errors import NoUri
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from ._compat import env_app
from .config import Settings
from .declaration import with_page_title
from .directives.objects import make_directive
from .graph import Graph
from .marks import mark_of
from .model import DocRecord, Finding, Item, Ref, View
from .project import Project
from .render import fill_title, mark_nodes, search_anchor, titled_text
from .state import ProjectState, project_state
from .vocabulary import BUILTIN_TYPES

if TYPE_CHECKING:
    from docutils.parsers.rst import Directive
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


class DesigndocRefRole(XRefRole):
    """``:dd:ref:`` — remembers each use so an unknown ID is reported with its location."""

    def result_nodes(
        self,
        document: nodes.document,
        env: BuildEnvironment,
        node: nodes.Element,
        is_ref: bool,
    ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        domain = get_domain(env)
        source, line = self.get_source_info()
        node["refwarn"] = False
        domain.note_ref(
            env.docname,
            Ref(node["reftarget"], domain.relative_source(source), line or 0, env.docname),
        )
        return [node], []


class DesigndocDomain(Domain):
    name = "dd"
    label = "Design documents"
    roles = {"ref": DesigndocRefRole(innernodeclass=nodes.inline)}
    #: ``rows``: per document, the ``designdoc.json`` rows of its objects, encoded and
    #: compressed, with the fingerprint and URL scheme they were encoded for (see
    #: :mod:`.incremental`)
    initial_data = {"docs": {}, "rows": {}}
    data_version = 10

    object_types = {t.name: ObjType(t.label, "ref", "any") for t in BUILTIN_TYPES}
    directives = {t.name: make_directive(t.name) for t in BUILTIN_TYPES}

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._settings: Settings | None = None
        #: what the store implies for the whole project; :meth:`invalidate` resets it
        self.project = Project(self)
        #: findings of this build made outside the checks (the sphinx-needs bridge's)
        self.build_findings: list[Finding] = []
        #: per document, the digest of what it shows that other documents decide, as
        #: computed in this build (:meth:`fingerprints`); the report rows' cache key
        self.current_fingerprints: dict[str, str] = {}

    def directive(self, name: str) -> type[Directive] | None:
        # ``dd:<type>`` for types that conf.py adds
        if name not in self.directives and name in self.settings.schema.types:
            self.directives[name] = make_directive(name)
        return super().directive(name)

    # -- the store -------------------------------------------------------------

    @property
    def docs(self) -> dict[str, DocRecord]:
        return cast("dict[str, DocRecord]", self.data["docs"])

    @property
    def settings(self) -> Settings:
        """Validated settings, computed on first use: domains are created before Sphinx
        attaches the current configuration to the environment."""
        if self._settings is None:
            self._settings = self.state.settings
            for name, typedef in self._settings.schema.types.items():
                if name not in self.object_types:
                    self.add_object_type(name, ObjType(typedef.label, "ref", "any"))
        return self._settings

    def record(self, docname: str) -> DocRecord:
        """The record of a document being read, with its digests reset."""
        rec = self.docs.get(docname)
        if rec is None:
            rec = self.docs[docname] = DocRecord()
        rec.digests = None
        return rec

    def invalidate(self) -> None:
        """Forget derived data after the store changed."""
        self.project.invalidate()

    def start_build(self) -> None:
        """Forget the findings the previous build made outside the checks."""
        self.build_findings = []

    def note_item(self, docname: str, item: Item) -> None:
        self.record(docname).items.append(item)
        self.invalidate()

    def note_finding(self, docname: str, finding: Finding) -> None:
        self.record(docname).findings.append(finding)
        self.invalidate()

    def note_ref(self, docname: str, ref: Ref) -> None:
        self.record(docname).refs.append(ref)
        self.invalidate()

    def note_view(self, docname: str, view: View) -> None:
        self.record(docname).views.append(view)
        self.invalidate()

    def clear_doc(self, docname: str) -> None:
        self.data["rows"].pop(docname, None)
        if self.docs.pop(docname, None) is not None:
            self.invalidate()

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            rec = otherdata["docs"].get(docname)
            if rec is not None:
                self.docs[docname] = rec
        self.invalidate()

    def complete_doc(self, docname: str, doctree: nodes.document) -> None:
        """Complete the record of a page just read with what only the whole page tells,
        at ``doctree-read``, once Sphinx collected the page's title.

        A directive cannot know it while it runs: the page title may come after it (a
        ``designdoc`` without a title takes it, and ``dd-table``'s ``doc`` column shows
        it), the top-level section titles that the ``section`` check compares with the
        template come after it, and the ``.. only::`` blocks around it are not its
        ancestors yet (an inner block is read before it is placed in the outer one).
        """
        if docname not in self.docs:
            return
        rec = self.record(docname)
        title_node = self.env.titles.get(docname)
        rec.title = title_node.astext() if title_node is not None else ""
        only: dict[str, list[tuple[str, ...]]] = {}
        for box in doctree.findall(nodes.container):
            if box.get("dd_id"):
                exprs = tuple(
                    parent["expr"]
                    for parent in _ancestors(box)
                    if isinstance(parent, addnodes.only)
                )
                only.setdefault(box["dd_id"], []).append(exprs[::-1])
        for index, item in enumerate(rec.items):
            queue = only.get(item.id)
            exprs = queue.pop(0) if queue else ()
            if exprs:
                rec.items[index] = dataclasses.replace(item, only=exprs)
        types = self.settings.schema.types
        if any(types[i.type].page_header for i in rec.items):
            top = next((n for n in doctree.children if isinstance(n, nodes.section)), None)
            if top is not None:
                rec.sections = [
                    child[0].astext()
                    for child in top.children
                    if isinstance(child, nodes.section) and isinstance(child[0], nodes.title)
                ]
            title = rec.title or docname
            for index, item in with_page_title(rec.items, types, title):
                rec.items[index] = item
                fill_title(doctree, item.id, title)
        self.invalidate()

    def relative_source(self, path: str | os.PathLike[str] | None) -> str:
        """A source path relative to the source folder, with ``/`` separators."""
        if not path:
            path = self.env.doc2path(self.env.docname)
        rel = os.path.relpath(os.fspath(path), os.fspath(self.env.srcdir))
        return rel.replace(os.sep, "/")

    # -- what the store implies -----------------------------------------------

    @property
    def state(self) -> ProjectState:
        """The application's :class:`ProjectState`, which :mod:`.project` reads through
        the store it is given, so that it needs no Sphinx application of its own."""
        return project_state(env_app(self.env))

    @property
    def graph(self) -> Graph:
        """The project's graph, which links resolve against (:mod:`.project`)."""
        return self.project.graph

    # -- cross-references ------------------------------------------------------

    def reference(
        self,
        builder: Builder,
        fromdocname: str,
        item: Item,
        contnode: nodes.Element,
        marked: bool = False,
    ) -> nodes.reference:
        """The resolved link from ``fromdocname`` to ``item`` around ``contnode``, with
        the object's inactive mark after it when ``marked`` (:mod:`.marks`).

        The one place an object link becomes a hyperlink: Sphinx's resolver reaches it
        through :meth:`resolve_xref`, and views reach it through :meth:`link` for the
        objects they already hold, which spares the resolver thousands of
        ``pending_xref`` nodes on a project-wide matrix.  ``fromdocname`` is the page
        the link was written on, so builders that merge pages (LaTeX, singlehtml) link
        as from that page.

        :raises NoUri: when there is nothing to link to: an external object without an
            allowed URL, or a page the builder does not write (an orphan in LaTeX).
        """
        children = self._marked(item, contnode, marked)
        if item.external:
            if not item.external_url:
                raise NoUri(item.id)
            ref = nodes.reference(
                "", "", internal=False, refuri=item.external_url, reftitle=item.title
            )
            ref += children
            return ref
        return make_refnode(builder, fromdocname, item.docname, item.id, children, item.title)

    def _marked(self, item: Item, contnode: nodes.Element, marked: bool) -> list[nodes.Node]:
        mark = mark_of(item, self.settings.schema) if marked else None
        return [contnode] if mark is None else [contnode, *mark_nodes(mark)]

    def link(
        self,
        builder: Builder,
        fromdocname: str,
        item: Item,
        contnode: nodes.Element,
        marked: bool = False,
    ) -> nodes.Element:
        """:meth:`reference`, or the text alone where there is nothing to link to, as
        Sphinx's resolver leaves the text of a reference it cannot make."""
        try:
            return self.reference(builder, fromdocname, item, contnode, marked)
        except NoUri:
            children = self._marked(item, contnode, marked)
            return contnode if len(children) == 1 else nodes.inline("", "", *children)

    def _make_refnode(
        self,
        builder: Builder,
        fromdocname: str,
        item: Item,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference:
        if not node.get("refexplicit"):
            contnode = titled_text(item)
        return self.reference(builder, fromdocname, item, contnode, marked=True)

    def titled_reference(self, builder: Builder, fromdocname: str, item: Item) -> nodes.Element:
        """The link that reads "ID: title", marked, as a link without explicit text
        shows."""
        return self.link(builder, fromdocname, item, titled_text(item), marked=True)

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        item = self.graph.get(target)
        if item is None:
            return None
        return self._make_refnode(builder, fromdocname, item, node, contnode)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        item = self.graph.get(target)
        if item is None:
            return []
        return [("dd:ref", self._make_refnode(builder, fromdocname, item, node, contnode))]

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        """Every object of this project, for the inventory and the search index.

        The display name reads "ID: title", which the search page shows and matches a
        query's words against: a search for an object's title finds the object.  The
        anchor is its header's (:func:`.search_anchor`), not its ID: Sphinx's search
        page (7.4 to 9.x alike) rebuilds an anchor equal to the full name from the
        display name, "ID: title", which no element has.  The full name stays the ID,
        which intersphinx looks references up by.
        """
        self.settings  # noqa: B018 (registers custom object types for the inventory)
        for item in self.graph.by_id.values():  # Sphinx sorts what it writes
            if item.declared_here:  # a need is in sphinx-needs' inventory already
                display = f"{item.id}: {item.title}" if item.title else item.id
                yield item.id, display, item.type, item.docname, search_anchor(item.id), 1

    def get_full_qualified_name(self, node: nodes.Element) -> str | None:
        return node.get("reftarget")


def _ancestors(node: nodes.Node) -> Iterator[nodes.Element]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def get_domain(env: BuildEnvironment) -> DesigndocDomain:
    return cast("DesigndocDomain", env.domains["dd"])
