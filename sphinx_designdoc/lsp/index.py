"""The index of one project: every page read (:mod:`.scan`), kept up to date page by
page as the editor changes them, and what the whole project implies, made by the
build's own graph and checks.

What only a build knows comes from the last build's ``designdoc.json`` where there is
one: verification, and the objects of sphinx-needs needs.  Other projects' objects
(``designdoc_external``) are read as the build reads them.  While the workspace is not
read in full, only the problems a page shows on its own are reported: a link is only
dangling once every page has been read.

The index of the whole workspace is kept in the user's cache folder between sessions,
one file per project; a page whose file changed since is read again.  No
language-server library here.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from ..checks import CheckContext, run_checks
from ..graph import Graph
from ..model import DocRecord, Finding, Item
from ..subtypes import is_suppressed
from .build_data import BuildData, file_stamp
from .page import Mention, Page
from .pool import POOL_MIN, read_pages, workers
from .project import LspProject, settings_digest
from .scan import scan_file

#: the findings a page shows on its own, reported before the workspace is read
LOCAL_SUBTYPES = frozenset({"invalid", "config"})


#: what a page's findings of these kinds depend on: the page and the objects one link
#: away, so they are checked against those at every edit; the others (cycles, coverage,
#: pyproject.toml) come from the last analysis of the whole project
NEAR_SUBTYPES = frozenset(
    {"invalid", "duplicate", "dangling", "link_type", "untraced", "unused", "unjustified",
     "supersession", "section"}
)  # fmt: skip


@dataclass
class Analysis:
    """What the whole project implies, made in the background once edits settle."""

    graph: Graph
    #: source -> the findings located in it
    findings: dict[str, list[Finding]]
    #: the pages as they were when it was made (a page changed since is not judged by it)
    versions: dict[str, int]


class Index:
    """Every page of one project, read; who links to whom; and the project's analysis."""

    def __init__(self, project: LspProject, cache_dir: Path | None = None) -> None:
        self.project = project
        self.pages: dict[str, Page] = {}
        #: source -> (mtime_ns, size) of the file the page was read from
        self.stamps: dict[str, tuple[int, int]] = {}
        #: source -> how many times the page was read (an analysis remembers it)
        self.versions: dict[str, int] = {}
        #: whether every page of the workspace has been read
        self.complete = False
        #: whether every object is known: every page read, or described by the last
        #: build's report while it waits to be read (not yet where IDs are written)
        self.known = False
        #: what the last build wrote (read with the pages, in :meth:`read_all`)
        self.build = BuildData()
        self.cache_dir = cache_dir
        #: the text of pages open in the editor, which the checks read instead of files
        self.open_lines: dict[str, list[str]] = {}
        #: ID -> every object of that ID (this project's, others', needs)
        self.declared: dict[str, list[Item]] = {}
        #: target ID -> the IDs of the objects whose links name it
        self.linkers: dict[str, set[str]] = {}
        self._keys: list[tuple[str, str, Item]] | None = None
        #: whether the objects no page declares are in :attr:`declared`
        self._foreign_read = False
        self._analysis: Analysis | None = None
        self._external: tuple[list[Item], list[Finding]] | None = None
        #: what went wrong that the user may want to know (the server logs it)
        self.problems: list[str] = []
        #: held while the index changes and while a request reads it: pages are read
        #: in a thread while the editor asks
        self.lock = threading.RLock()

    # -- reading ---------------------------------------------------------------------

    def source_of(self, path: Path) -> str:
        return path.resolve().relative_to(self.project.confdir).as_posix()

    def scan(self, path: Path, text: str | None = None) -> tuple[Page, tuple[int, int]] | None:
        """:func:`.scan.scan_file` for this project: the index does not change."""
        return scan_file(self.project, path, text)

    def read(self, path: Path, text: str | None = None) -> Page | None:
        """Read (again) the page at ``path`` into the index; None, and the page
        forgotten, when it cannot be read."""
        scanned = self.scan(path, text)
        with self.lock:
            if scanned is None:
                self.forget(path)
                return None
            self.put(*scanned)
        return scanned[0]

    def put(self, page: Page, stamp: tuple[int, int] = (0, 0)) -> None:
        """Take ``page`` in place of what the index held for its file (hold
        :attr:`lock`)."""
        old = self.pages.get(page.source)
        if old is not None:
            for item in old.record.items:
                self._remove_item(item)
        self.pages[page.source] = page
        for item in page.record.items:
            self._add_item(item)
        self.stamps[page.source] = stamp
        self.versions[page.source] = self.versions.get(page.source, 0) + 1

    def forget(self, path: Path) -> None:
        source = self.source_of(path)
        old = self.pages.pop(source, None)
        if old is not None:
            for item in old.record.items:
                self._remove_item(item)
            self.versions[source] = self.versions.get(source, 0) + 1
        self.stamps.pop(source, None)

    def completion_keys(self) -> list[tuple[str, str, Item]]:
        """``(folded ID, ID, first object of that ID)`` of every ID, for completion:
        made again only after the IDs changed."""
        if self._keys is None:
            self._keys = [
                (object_id.casefold(), object_id, items[0])
                for object_id, items in self.declared.items()
            ]
        return self._keys

    def _add_item(self, item: Item) -> None:
        self._keys = None
        self.declared.setdefault(item.id, []).append(item)
        for targets in item.links.values():
            for target in targets:
                self.linkers.setdefault(target, set()).add(item.id)

    def _remove_item(self, item: Item) -> None:
        self._keys = None
        same = self.declared.get(item.id)
        if same is not None:
            same[:] = [other for other in same if other is not item]
            if not same:
                del self.declared[item.id]
        still = self.declared.get(item.id, ())
        for targets in item.links.values():
            for target in targets:
                sources = self.linkers.get(target)
                if sources is None:
                    continue
                if not any(target in t for other in still for t in other.links.values()):
                    sources.discard(item.id)
                if not sources:
                    del self.linkers[target]

    def read_all(
        self,
        progress: Callable[[int, int], None] | None = None,
        on_known: Callable[[], None] | None = None,
    ) -> int:
        """Read every page not read yet, in the order that makes the index useful
        soonest; the number of pages read from their files.

        1. pages of the cached index whose file did not change since;
        2. from the last build's ``designdoc.json``, the objects of pages unchanged
           since the build, for the time their pages are read (:attr:`known` is then
           true once the pages it cannot say are read);
        3. every other page; then the pages the report stood in for, for the places
           their IDs are written (:attr:`complete`).
        """
        # what is not read from pages: the last build's report, other projects' files
        build = BuildData.read(self.project.confdir)
        with self.lock:
            for item in self.foreign_items() if self._foreign_read else ():
                self._remove_item(item)
            self.build = build
            for item in self.foreign_items():
                self._add_item(item)
            self._foreign_read = True
        cached = self._load_cache()
        paths = [(path, self.source_of(path)) for path, _ in self.project.pages()]
        sources = {source for _, source in paths}
        with self.lock:
            for source in [s for s in self.pages if s not in sources and s not in self.open_lines]:
                self.forget(self.project.confdir / source)
        waiting: list[tuple[Path, str]] = []
        for path, source in paths:
            if source in self.open_lines:
                continue  # the editor's text is read already
            page = cached.get(source)
            if page is not None and file_stamp(path) == self.stamps.get(source):
                with self.lock:
                    self.put(page, self.stamps[source])
            else:
                waiting.append((path, source))
        stood_in = self._stand_in(waiting)
        later = [entry for entry in waiting if entry[1] in stood_in]
        first = [entry for entry in waiting if entry[1] not in stood_in]
        order = first + later
        total, done = len(order), 0
        for number, (path, scanned) in enumerate(self._scanned(order), 1):
            if number == len(first) + 1:
                self.known = True
                if on_known is not None:
                    on_known()
            if progress is not None and number % 100 == 0:
                progress(number, total)
            with self.lock:
                if self.source_of(path) in self.open_lines:
                    continue  # opened in the editor meanwhile
                if scanned is None:
                    self.forget(path)
                else:
                    self.put(*scanned)
            done += 1
        with self.lock:
            self.known = self.complete = True
        if done or len(cached) != len(self.stamps):
            self.save_cache()  # only when a page was read anew, or is gone
        return done

    def _scanned(
        self, order: list[tuple[Path, str]]
    ) -> Iterator[tuple[Path, tuple[Page, tuple[int, int]] | None]]:
        """The pages of ``order`` read, in that order: by worker processes when there are
        many (:mod:`.pool`), else here; here too for what is left if the workers fail."""
        paths = [path for path, _ in order]
        count = workers()
        given = 0
        if count > 1 and len(paths) >= POOL_MIN:
            try:
                for path, page, stamp in read_pages(self.project.confdir, paths, count):
                    given += 1
                    yield path, None if page is None else (page, stamp)
                return
            except Exception as exc:  # no process could be started: read them here
                self.problems.append(f"pages read in one process: {type(exc).__name__}: {exc}")
        for path in paths[given:]:
            yield path, self.scan(path)

    def _stand_in(self, waiting: list[tuple[Path, str]]) -> set[str]:
        """Put pages made of the last build's objects in place of the ``waiting``
        pages its report still describes (unchanged since it was written); their
        sources."""
        build = self.build
        if not build.objects or not waiting:
            return set()
        by_source: dict[str, list[Item]] = {}
        for item in build.objects:
            by_source.setdefault(item.source, []).append(item)
        stood_in = set()
        for path, source in waiting:
            items = by_source.get(source)
            stamp = file_stamp(path)
            if not items or stamp is None or stamp[0] / 1e9 > build.mtime:
                continue
            syntax = self.project.syntax_of(path) or "rst"
            page = Page(items[0].docname, source, syntax, provisional=True)
            page.record.items = list(items)
            with self.lock:
                if source not in self.pages:
                    self.put(page)
                    stood_in.add(source)
        return stood_in

    # -- the cache -------------------------------------------------------------------

    def _cache_file(self) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.blake2b(str(self.project.confdir).encode(), digest_size=12).hexdigest()
        return self.cache_dir / f"index-{key}.pickle"

    def _load_cache(self) -> dict[str, Page]:
        path = self._cache_file()
        if path is None or not path.is_file():
            return {}
        try:
            with path.open("rb") as handle:
                data = pickle.load(handle)
            if data.get("key") != (__version__, settings_digest(self.project)):
                return {}
            pages: dict[str, Page] = data["pages"]
            for source, stamp in data["stamps"].items():
                self.stamps.setdefault(source, stamp)
            return pages
        except Exception:  # a cache of another version or a broken file: read anew
            return {}

    def save_cache(self) -> None:
        path = self._cache_file()
        if path is None:
            return
        with self.lock:
            stamps = {s: st for s, st in self.stamps.items() if st != (0, 0)}
            pages = {s: p for s, p in self.pages.items() if s in stamps}
        data = {
            "key": (__version__, settings_digest(self.project)),
            "pages": pages,
            "stamps": stamps,
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            with temp.open("wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temp.replace(path)
        except OSError:
            pass  # no cache: the next session reads the pages again

    # -- the project -----------------------------------------------------------------

    def external(self) -> tuple[list[Item], list[Finding]]:
        if self._external is None:
            from ..external import load_all

            project = self.project
            cache = (self.cache_dir or Path(project.confdir, "_build", ".designdoc-lsp")) / "ext"
            try:
                self._external = load_all(
                    project.settings, project.conf, project.confdir, cache, project.confdir
                )
            except Exception:  # the build reports it
                self._external = ([], [])
        return self._external

    def foreign_items(self) -> list[Item]:
        """Objects no page declares: other projects' and, from the last build, needs."""
        return [*self.external()[0], *self.build.foreign]

    def hidden(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` declared inside ``.. only::``: whether a builder shows them
        depends on its tags, so the server neither counts them nor calls them missing."""
        return {i for i in ids if any(item.only for item in self.declared.get(i, ()))}

    def graph_near(self, ids: Iterable[str]) -> Graph:
        """A graph of the objects of ``ids``, those they link to and those that link to
        them: what every finding about those objects but a cycle depends on."""
        wanted = set(ids)
        near = set(wanted)
        for object_id in wanted:
            near |= self.linkers.get(object_id, set())
            for item in self.declared.get(object_id, ()):
                for targets in item.links.values():
                    near.update(targets)
        only = self.hidden(near)
        items = [
            item
            for object_id in near
            if object_id not in only
            for item in self.declared.get(object_id, ())
        ]
        # the objects beyond the neighbours exist, only not in this graph: a
        # neighbour's link to one is no dangling link (and asks for no did-you-mean)
        hidden = only | (self.declared.keys() - near)
        settings = self.project.settings
        graph = Graph(items, settings.schema, settings.tracing_statuses, hidden)
        graph.verification = {k: v for k, v in self.build.verification.items() if k in graph.by_id}
        graph.tests_configured = bool(self.build.verification)
        return graph

    def _context(self, graph: Graph, records: dict[str, DocRecord], near: bool) -> CheckContext:
        project = self.project
        ctx = CheckContext(
            graph,
            project.settings,
            records,
            os.fspath(project.confdir),
            conf=project.conf,
            graphviz=True,
            confdir=os.fspath(project.confdir),
            known_ids=self.declared.keys() if near else None,
        )
        ctx._lines.update(
            {os.fspath(project.confdir / s): lines for s, lines in self.open_lines.items()}
        )
        return ctx

    def page_findings(self, source: str) -> list[Finding]:
        """The findings located in the page ``source``, as a build of the sources as
        they are now would report them: the page checked against its neighbours, the
        rest from the last analysis of the whole project if the page has not changed
        since (none until it is made again otherwise)."""
        page = self.pages.get(source)
        if page is None:
            return []
        found: list[Finding] = []
        ids = {item.id for item in page.record.items}
        ids |= {ref.target for ref in page.record.refs}
        for view in page.record.views:
            if view.plan is not None:
                ids |= {object_id for _, object_id in view.plan.named_ids()}
        graph = self.graph_near(ids)
        ctx = self._context(graph, {page.docname: page.record}, near=True)
        for finding in run_checks(ctx):
            if finding.subtype in NEAR_SUBTYPES and finding.source == source:
                found.append(finding)
        analysis = self._analysis
        if analysis is not None and analysis.versions.get(source) == self.versions.get(source):
            found += [
                f for f in analysis.findings.get(source, ()) if f.subtype not in NEAR_SUBTYPES
            ]
        if source == self.project.conf.source:
            found += self.project.findings
        return self._reported(found)

    def _reported(self, found: Iterable[Finding]) -> list[Finding]:
        """What is reported of ``found``: before every page is read, only what a page
        shows on its own; never what ``suppress_warnings`` silences."""
        project = self.project
        kept = []
        for finding in found:
            if not self.known and finding.subtype not in LOCAL_SUBTYPES:
                continue
            if not self.complete and finding.subtype in ("dangling", "link_type"):
                continue  # a page the report stood in for may declare it inside ``only``
            if (
                finding.subtype in ("dangling", "link_type")
                and "sphinx_needs" in project.extensions
                and self.build.path is None
            ):
                continue  # a link may name a need only a build can read
            if is_suppressed(finding.subtype, project.suppress_warnings):
                continue
            kept.append(finding)
        return sorted(set(kept), key=Finding.sort_key)

    def analysis(self) -> Analysis:
        """The analysis of the whole project as the index is now (made again when a page
        changed since).  Made from a snapshot: the index may change meanwhile."""
        current = self._analysis
        if current is not None and current.versions == self.versions:
            return current
        with self.lock:
            versions = dict(self.versions)
            pages = list(self.pages.values())
        self._analysis = self._analyse(pages, versions)
        return self._analysis

    def _analyse(self, pages: list[Page], versions: dict[str, int]) -> Analysis:
        ours: list[Item] = []
        for page in pages:
            ours += [item for item in page.record.items if not item.only]
        hidden = {item.id for page in pages for item in page.record.items if item.only}
        settings = self.project.settings
        graph = Graph(
            [*ours, *self.foreign_items()], settings.schema, settings.tracing_statuses, hidden
        )
        records = {page.docname: page.record for page in pages}
        ctx = self._context(graph, records, near=False)
        found = [*run_checks(ctx), *self.external()[1]]
        by_source: dict[str, list[Finding]] = {}
        for finding in found:
            if finding.source is not None:
                by_source.setdefault(finding.source, []).append(finding)
        return Analysis(graph, by_source, versions)

    def mentions_of(self, object_id: str) -> list[Mention]:
        """Every place ``object_id`` is written, page by page."""
        return [m for page in self.pages.values() for m in page.mentions if m.id == object_id]
