"""The ``dd`` domain: the per-document store of what was read, and link resolution.

The store is keyed by docname, so ``clear_doc`` and ``merge_domaindata`` are exact and
cheap, and parallel reads merge nothing global.  The project-wide graph and the findings
are derived from it once per build and cached on the domain instance, which Sphinx never
pickles: derived data is always recomputed, never merged.  The one exception is the
encoded ``designdoc.json`` rows, kept per document with the digest of everything they
depend on (:func:`.incremental.refresh_rows`).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable, Iterator, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.errors import NoUri
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from ._compat import env_app
from .checks import CheckContext, run_checks
from .codec import is_suppressed
from .config import CONFIG_VALUES, ConfLocation, Settings, build_settings
from .directives.objects import make_directive
from .external import load_external
from .graph import Graph
from .marks import mark_of
from .model import DocRecord, Finding, Item, Ref
from .render import mark_nodes, search_anchor, titled_text
from .subtypes import BADGES
from .vocabulary import BUILTIN_TYPES

if TYPE_CHECKING:
    from docutils.parsers.rst import Directive
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .views import View


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
    data_version = 8

    object_types = {t.name: ObjType(t.label, "ref", "any") for t in BUILTIN_TYPES}
    directives = {t.name: make_directive(t.name) for t in BUILTIN_TYPES}

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._settings: Settings | None = None
        self._external: tuple[list[Item], list[Finding]] | None = None
        self._graph: Graph | None = None
        self._findings: list[Finding] | None = None
        self._needs: ProjectNeeds | None = None
        #: :meth:`badges`, made from the checks' findings (:meth:`invalidate` resets it)
        self._badges: dict[str, tuple[str, ...]] | None = None
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
            self._settings = project_state(env_app(self.env)).settings
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
        self._graph = None
        self._findings = None
        self._needs = None
        self._badges = None

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

    def relative_source(self, path: str | os.PathLike[str] | None) -> str:
        """A source path relative to the source folder, with ``/`` separators."""
        if not path:
            path = self.env.doc2path(self.env.docname)
        rel = os.path.relpath(os.fspath(path), os.fspath(self.env.srcdir))
        return rel.replace(os.sep, "/")

    # -- derived data ----------------------------------------------------------

    def all_items(self) -> Iterator[Item]:
        """Every object this builder shows: local ones outside ``.. only::`` blocks
        its tags exclude, external ones, and the project's needs of mapped types (a
        need whose ID an object of ours has stays sphinx-needs' alone)."""
        visible = self._visible
        ours: set[str] = set()
        for rec in self.docs.values():
            for item in rec.items:
                ours.add(item.id)
                if not item.only or visible(item.only):
                    yield item
        yield from self.external()[0]
        for item in self.project_needs().items:
            if item.id not in ours:
                yield item

    def project_needs(self) -> ProjectNeeds:
        """The project's own needs (:class:`ProjectNeeds`), read from sphinx-needs once
        per graph: they change only while documents are read."""
        if self._needs is None:
            source = project_state(env_app(self.env)).needs_source
            self._needs = source(self.env, self.settings) if source else ProjectNeeds()
        return self._needs

    def foreign_items(self) -> list[Item]:
        """Objects no record of ours holds: other projects', the project's needs."""
        return [*self.external()[0], *self.project_needs().items]

    def hidden_ids(self) -> set[str]:
        """IDs declared only inside ``.. only::`` blocks this builder leaves out: links
        to them are not dangling, they are just not shown."""
        visible = self._visible
        return {
            item.id
            for rec in self.docs.values()
            for item in rec.items
            if item.only and not visible(item.only)
        }

    def _visible(self, only: tuple[str, ...]) -> bool:
        tags = env_app(self.env).tags
        for expr in only:
            try:
                if not tags.eval_condition(expr):
                    return False
            except Exception:  # Sphinx keeps the content of an unreadable expression
                continue
        return True

    def external(self) -> tuple[list[Item], list[Finding]]:
        """Objects of ``designdoc_external`` files and the problems loading them; read
        once per build (never pickled), so a changed file is always picked up."""
        if self._external is None:
            app = env_app(self.env)
            conf = project_state(app).conf
            items: list[Item] = []
            findings: list[Finding] = []
            for entry in self.settings.external:
                loaded, problems = load_external(
                    entry,
                    Path(app.confdir),
                    self.settings.schema,
                    self.settings.id_regex,
                    cache_dir=Path(self.env.doctreedir) / "designdoc-external",
                    srcdir=Path(self.env.srcdir),
                )
                items.extend(loaded)
                line = conf.line("designdoc_external")
                findings.extend(Finding("external", p, conf.source, line) for p in problems)
            self._external = (items, findings)
        return self._external

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = Graph(
                self.all_items(),
                self.settings.schema,
                self.settings.tracing_statuses,
                hidden=self.hidden_ids(),
            )
        return self._graph

    @property
    def graphviz(self) -> bool:
        """Whether Graphviz's ``dot`` can be run in this build."""
        return project_state(env_app(self.env)).graphviz

    @property
    def findings(self) -> list[Finding]:
        """Every finding of this build, sorted: the checks', the problems of the
        settings and external files, and those made outside the checks."""
        if self._findings is None:
            state = project_state(env_app(self.env))
            ctx = CheckContext(
                self.graph,
                self.settings,
                self.docs,
                os.fspath(self.env.srcdir),
                conf=state.conf,
                graphviz=state.graphviz,
                unmapped_needs=self.project_needs().unmapped,
            )
            found = {*run_checks(ctx), *self.external()[1], *state.config_findings}
            self._findings = sorted(found, key=Finding.sort_key)
        if not self.build_findings:
            return self._findings
        return sorted({*self._findings, *self.build_findings}, key=Finding.sort_key)

    def badges(self) -> dict[str, tuple[str, ...]]:
        """Per object ID, the kinds of problem its own box shows (:data:`.BADGES`):
        those of this build's findings that ``suppress_warnings`` does not silence.

        Made once per build, not once per page written: a project has thousands of
        findings and hundreds of pages.  Badges come from the checks only (the findings
        made outside them are not of a badge's kind), so the checks' cache decides."""
        if self._badges is not None:
            return self._badges
        suppress = self.env.config.suppress_warnings
        out: dict[str, tuple[str, ...]] = {}
        for finding in self.findings:
            if finding.id is None or finding.subtype not in BADGES:
                continue
            if is_suppressed(finding.subtype, suppress):
                continue
            shown = out.get(finding.id, ())
            if finding.subtype not in shown:
                out[finding.id] = (*shown, finding.subtype)
        self._badges = out
        return out

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


@dataclass
class ProjectState:
    """What the extension knows of one Sphinx application besides its environment:
    the settings, validated once when the configuration is read, the problems found
    with them, and whether Graphviz can be run.  Lives with the application, so it is
    never pickled, and parallel workers inherit it."""

    settings: Settings
    conf: ConfLocation
    #: problems of the settings (``config``) and of the sphinx-needs bridge's set-up
    config_findings: list[Finding] = field(default_factory=list)
    #: whether Graphviz's ``dot`` can be run (``dd-graph`` draws, or shows a table)
    graphviz: bool = True
    #: whether this build froze objects and must hand them back (:mod:`.collector`)
    frozen: bool = False
    #: with the sphinx-needs bridge: the project's needs as objects (those of the types
    #: ``designdoc_needs_types`` maps) and the need type of every other need, by ID
    needs_source: Callable[[BuildEnvironment, Settings], ProjectNeeds] | None = None


@dataclass(frozen=True)
class ProjectNeeds:
    """The needs sphinx-needs read in this project, as the checks and views see them."""

    #: needs of a mapped type, as objects of ours (``origin="sphinx-needs"``)
    items: list[Item] = field(default_factory=list)
    #: every other need: ID -> need type (a link to one says how to map its type)
    unmapped: dict[str, str] = field(default_factory=dict)


_STATES: weakref.WeakKeyDictionary[Sphinx, ProjectState] = weakref.WeakKeyDictionary()


def set_project_state(app: Sphinx, state: ProjectState) -> None:
    _STATES[app] = state


def project_state(app: Sphinx) -> ProjectState:
    """The state :func:`set_project_state` recorded at ``config-inited``; for an
    application that never ran it (a stand-in in a benchmark), settings from its
    configuration as they are."""
    state = _STATES.get(app)
    if state is None:
        values = {cv.name: getattr(app.config, cv.name, cv.default) for cv in CONFIG_VALUES}
        conf = ConfLocation(Path(app.confdir or app.srcdir) / "conf.py", app.srcdir)
        state = _STATES[app] = ProjectState(build_settings(values)[0], conf)
    return state


def get_domain(env: BuildEnvironment) -> DesigndocDomain:
    return cast("DesigndocDomain", env.domains["dd"])
