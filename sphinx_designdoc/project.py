"""The project the ``dd`` domain's store describes, as the checks, views and reports see
it: every object the builder shows, the graph of their links, the findings and the
badges.

All of it is derived, so none of it is pickled or merged: it is made on first use in a
build and forgotten whenever the store changes (:meth:`Project.invalidate`).  Only the
objects of other projects outlive that, for the whole build: they change with files
outside the sources, never with what was read.
"""

# implements: DEC-EVIDENCE-INPUTS (docs/design.rst)

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ._compat import env_app
from .checks import CheckContext, badges, run_checks
from .config import Settings
from .evidence.model import CodeScan, CodeTag, TestRun
from .evidence.verify import Traced, verify
from .external import load_all
from .graph import Graph
from .lock import Lock, find_suspects
from .lock import parse as parse_lock
from .model import DocRecord, Finding, Item
from .state import ProjectNeeds, ProjectState

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


class Store(Protocol):
    """What the project is derived from: the ``dd`` domain, which imports this module."""

    env: BuildEnvironment
    #: findings of this build made outside the checks (the sphinx-needs bridge's)
    build_findings: list[Finding]

    @property
    def docs(self) -> Mapping[str, DocRecord]: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def state(self) -> ProjectState: ...


class Project:
    """What the store implies for the whole project, made once per version of it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._external: tuple[list[Item], list[Finding]] | None = None
        self._lock: tuple[Lock | None, list[Finding]] | None = None
        self._tests: TestRun | None = None
        self._code: CodeScan | None = None
        #: what the test results say of the objects of the current graph
        self.traced: Traced | None = None
        self._graph: Graph | None = None
        self._findings: list[Finding] | None = None
        self._needs: ProjectNeeds | None = None
        #: :meth:`badges`, made from the checks' findings
        self._badges: dict[str, tuple[str, ...]] | None = None

    def invalidate(self) -> None:
        """Forget what the store implied before it changed."""
        self._graph = None
        self._findings = None
        self._needs = None
        self._badges = None

    def all_items(self) -> Iterator[Item]:
        """Every object this builder shows: local ones outside ``.. only::`` blocks
        its tags exclude, external ones, and the project's needs of mapped types (a
        need whose ID an object of ours has stays sphinx-needs' alone)."""
        visible = self._visible
        ours: set[str] = set()
        for rec in self._store.docs.values():
            for item in rec.items:
                ours.add(item.id)
                if not item.only or visible(item.only):
                    yield item
        yield from self.external()[0]
        for item in self.needs().items:
            if item.id not in ours:
                yield item

    def needs(self) -> ProjectNeeds:
        """The project's own needs, read from sphinx-needs once per graph: they change
        only while documents are read."""
        if self._needs is None:
            store = self._store
            source = store.state.needs_source
            self._needs = source(store.env, store.settings) if source else ProjectNeeds()
        return self._needs

    def foreign_items(self) -> list[Item]:
        """Objects no record of ours holds: other projects', the project's needs."""
        return [*self.external()[0], *self.needs().items]

    def hidden_ids(self) -> set[str]:
        """IDs declared only inside ``.. only::`` blocks this builder leaves out: links
        to them are not dangling, they are just not shown."""
        visible = self._visible
        return {
            item.id
            for rec in self._store.docs.values()
            for item in rec.items
            if item.only and not visible(item.only)
        }

    def _visible(self, only: tuple[str, ...]) -> bool:
        tags = env_app(self._store.env).tags
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
            store = self._store
            env = store.env
            self._external = load_all(
                store.settings,
                store.state.conf,
                Path(env_app(env).confdir),
                cache_dir=Path(env.doctreedir) / "designdoc-external",
                srcdir=Path(env.srcdir),
            )
        return self._external

    def lock(self) -> tuple[Lock | None, list[Finding]]:
        """``designdoc.lock`` as read in this build (None while there is none) and the
        problems of its lines: like other projects' files, it changes without any
        source changing, so it is read once per build and never pickled."""
        if self._lock is None:
            store = self._store
            self._lock = read_lock(store.settings.lock, store.state.conf.path.parent, store.env)
        return self._lock

    def test_run(self) -> TestRun | None:
        """The test cases of ``designdoc_test_results`` (None when it names no file):
        like the lock, they change without any source changing, so they are read once
        per build, from a cache in the doctree folder while a file is unchanged."""
        patterns = self._store.settings.test_results
        if not patterns:
            return None
        if self._tests is None:
            from .evidence.junit import read_results  # only projects with results pay

            env = self._store.env
            self._tests = read_results(
                patterns,
                self._store.state.conf.path.parent,
                cache_dir=Path(env.doctreedir) / "designdoc-evidence",
            )
        return self._tests

    def code_scan(self) -> CodeScan | None:
        """The code tags of ``designdoc_code`` (None when it names nothing), scanned
        once per build like the test results: only files changed since the last build
        are read again (a cache in the doctree folder)."""
        entries = self._store.settings.code
        if not entries:
            return None
        if self._code is None:
            from .evidence.code import scan_code

            self._code = scan_code(
                entries,
                self._store.state.conf.path.parent,
                cache_dir=Path(self._store.env.doctreedir),
            )
        return self._code

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            settings = self._store.settings
            self._graph = Graph(
                self.all_items(),
                settings.schema,
                settings.tracing_statuses,
                hidden=self.hidden_ids(),
            )
            lock = self.lock()[0]
            if lock is not None:
                graph = self._graph
                graph.suspects = find_suspects(graph.items(), graph.by_id, lock)
            self._verify(self._graph)
            scan = self.code_scan()
            if scan is not None:
                self._graph.code = tags_by_object(scan.tags, self._graph)
        return self._graph

    def _verify(self, graph: Graph) -> None:
        """Each object's verification by the test results read, kept on the graph."""
        run = self.test_run()
        self.traced = None
        if run is None:
            return
        settings = self._store.settings
        types = settings.schema.types
        required = settings.require_verified

        def verifiable(type_name: str) -> bool:
            typedef = types.get(type_name)
            return type_name in required or (typedef is not None and typedef.verifiable)

        known = graph.by_id.keys() | graph.hidden
        objects = (
            (item.id, _patterns(item), verifiable(item.type))
            for item in graph.by_id.values()
            if not item.external
        )
        self.traced = verify(objects, run.cases, known.__contains__)
        graph.verification = self.traced.verification
        graph.tests_configured = True

    @property
    def graphviz(self) -> bool:
        """Whether Graphviz's ``dot`` can be run in this build."""
        return self._store.state.graphviz

    @property
    def findings(self) -> list[Finding]:
        """Every finding of this build, sorted: the checks', the problems of the
        settings and external files, and those made outside the checks."""
        store = self._store
        if self._findings is None:
            state = store.state
            ctx = CheckContext(
                self.graph,
                store.settings,
                store.docs,
                os.fspath(store.env.srcdir),
                conf=state.conf,
                graphviz=state.graphviz,
                unmapped_needs=self.needs().unmapped,
                lock=self.lock()[0],
                tests=self.test_run(),
                traced=self.traced,
                code_scan=self.code_scan(),
                confdir=os.fspath(state.conf.path.parent),
            )
            found = {
                *run_checks(ctx),
                *self.external()[1],
                *state.config_findings,
                *self.lock()[1],
            }
            self._findings = sorted(found, key=Finding.sort_key)
        if not store.build_findings:
            return self._findings
        return sorted({*self._findings, *store.build_findings}, key=Finding.sort_key)

    def badges(self) -> dict[str, tuple[str, ...]]:
        """:func:`.checks.badges` of this build, made once per build, not once per page
        written: a project has thousands of findings and hundreds of pages.  Badges come
        from the checks only (the findings made outside them are not of a badge's
        kind), so the checks' cache decides."""
        if self._badges is None:
            self._badges = badges(self.findings, self._store.env.config.suppress_warnings)
        return self._badges


def tags_by_object(tags: list[CodeTag], graph: Graph) -> dict[str, tuple[CodeTag, ...]]:
    """The code tags of each object of ``graph``, in file and line order (a tag naming
    no object is the checks' to report)."""
    found: dict[str, list[CodeTag]] = {}
    for tag in tags:
        if tag.id in graph.by_id:
            found.setdefault(tag.id, []).append(tag)
    return {object_id: tuple(object_tags) for object_id, object_tags in found.items()}


def _patterns(item: Item) -> tuple[str, ...]:
    value = item.fields.get("verified-by", ())
    return (value,) if isinstance(value, str) else value


def read_lock(
    name: str | None, confdir: Path, env: BuildEnvironment
) -> tuple[Lock | None, list[Finding]]:
    """The lock ``designdoc_lock`` names (relative to ``conf.py``'s folder), and a
    finding per line that cannot be used, located in the lock file.  A file that
    cannot be read at all is one finding, and no link is suspect."""
    if name is None:
        return None, []
    path = confdir / name
    source = os.path.relpath(path, env.srcdir).replace(os.sep, "/")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, []
    except OSError as exc:
        return None, [Finding("lock", f"cannot read {name}: {exc.strerror or exc}", source)]
    findings: list[Finding] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        line = data[: exc.start].count(b"\n") + 1
        findings.append(
            Finding(
                "lock",
                f"{name} is not UTF-8 text here; the line is read as far as it can be",
                source,
                line,
            )
        )
    lock = parse_lock(text)
    lock.source = source
    findings += [Finding("lock", message, source, line) for line, message in lock.problems]
    return lock, findings
