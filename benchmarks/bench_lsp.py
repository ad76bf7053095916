"""The language server (``designdoc lsp``) driven as an editor drives it, at scale.

A real client (pygls's ``LanguageClient``) starts ``python -m sphinx_designdoc lsp``
over stdio on the benchmark corpus (``generate.py``'s ``designdoc`` flavour; ``--docs
1000`` is 22,000 objects), to which the benchmark adds one page that names one
requirement ``--refs`` times in ``:dd:ref:`` roles.  Each run starts the server three
times on the same files:

``cold``    a never-built project and an empty cache folder (``$XDG_CACHE_HOME``).
            The middle document is opened right after ``initialized``, while the
            workspace is read in the background: the time from ``didOpen`` to its first
            diagnostics and to its outline (``documentSymbol``); the time from
            ``initialized`` to the log line "N objects indexed", and the progress
            notifications seen meanwhile.  Then, with the server idle and the added
            page open too: completion in a link option (the cursor after
            ``:addresses:``, every ID a candidate) and in a ``:dd:ref:`` role;
            edits that turn a link's target into an unknown ID and back, each timed
            from ``didChange`` to the diagnostics that show it (the ``dangling``
            diagnostic appears, then goes), with the server idle before each; and
            ``rename`` of the much-named requirement, its ``WorkspaceEdit`` checked
            against the files;
``cached``  started again with the cache folder the first session wrote;
``build``   an empty cache folder, but a previous build's ``designdoc.json`` in
            ``_build/html`` (the corpus is built once with ``sphinx-build``).

Every session ends with the server's peak RSS (``VmHWM``).  Times are wall times seen
by the client; the server's CPU time (user + sys, from ``/proc``) is shown beside them,
since the machine may be shared.  "Idle" is the server using no CPU for half a second
(its analysis of the whole project, which follows the reading and each pause in
editing, has finished).  ``--profile`` instead profiles the same work in this process,
on :class:`sphinx_designdoc.lsp.workspace.Workspace` without the protocol (cProfile);
``--server-profile FILE`` runs the first session's server under cProfile (its main
thread: the handlers and the protocol).

Usage::

    python benchmarks/bench_lsp.py --docs 1000 --runs 2
    python benchmarks/bench_lsp.py --docs 100 --runs 1 --json
    python benchmarks/bench_lsp.py --docs 1000 --profile
    python benchmarks/bench_lsp.py --docs 1000 --runs 1 --server-profile server.prof
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as _dt
import io
import json
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import machine, sphinx_build, warm_up  # noqa: E402

#: the page the benchmark adds: one requirement named ``--refs`` times
REFS_DOC = "many_refs"
#: the line of that page the role completions and the rename use (0-based)
REFS_LINE = 3
DANGLING = "designdoc.dangling"
#: an ID no page declares, written in place of a link's target
UNKNOWN_ID = "REQ-9999-99"
LINK = "   :addresses: "
#: the issue's targets: key -> (what, target; None: "at once", judged by whether the
#: page was answered before the reading ended)
TARGETS: dict[str, tuple[str, float | None]] = {
    "open_diagnostics_s": ("page opened during the reading: first diagnostics", None),
    "open_symbols_s": ("page opened during the reading: outline", None),
    "index_cold_s": ("workspace read, never built, empty cache", 30.0),
    "index_cached_s": ("workspace read, the server's cache present", 3.0),
    "index_build_s": ("workspace read, only a build's designdoc.json", 3.0),
    "completion_p95_s": ("completion, p95 of all", 0.050),
    "diagnostics_p95_s": ("diagnostics after an edit, p95", 0.300),
    "rename_s": ("rename of an ID written in 200+ places", 1.0),
    "peak_rss_mb": ("peak RSS of the server (VmHWM)", 300.0),
}


# -- the corpus -----------------------------------------------------------------------


@dataclass
class Corpus:
    src: Path
    corpus: generate.Corpus
    #: the page opened and edited (the middle document)
    page: Path
    #: the requirement the added page names ``--refs`` times
    renamed: str
    refs_page: Path
    #: how many places name ``renamed``: its ``:id:``, the links to it, the roles
    places: int


def make_corpus(work: Path, docs: int, refs: int) -> Corpus:
    corpus = generate.Corpus(docs, 12, 6, 4)
    src = generate.generate(work / "corpus", corpus, ["designdoc"])["designdoc"]
    mid = docs // 2
    renamed = corpus.req_id(mid, 3)
    title = f"Many references to {renamed}"
    lines = [title, "=" * len(title), ""]
    for start in range(0, refs, 10):
        lines += [", ".join([f":dd:ref:`{renamed}`"] * min(10, refs - start)) + ".", ""]
    refs_page = src / f"{REFS_DOC}.rst"
    refs_page.write_text("\n".join(lines), encoding="utf-8")
    index = src / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + f"   {REFS_DOC}\n", encoding="utf-8")
    links = sum(
        targets.count(renamed) for obj in corpus.all_objects() for targets in obj.links.values()
    )
    page = src / f"{corpus.docname(mid)}.rst"
    return Corpus(src, corpus, page, renamed, refs_page, 1 + links + refs)


def _link_line(lines: list[str]) -> tuple[int, str, int]:
    """The first ``:addresses:`` of the page: its line, first target and that column."""
    line = next(n for n, text in enumerate(lines) if text.startswith(LINK))
    target = lines[line][len(LINK) :].split(",")[0].strip()
    return line, target, lines[line].index(target)


# -- the server's process -------------------------------------------------------------


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of the process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_status_mb(pid: int, key: str) -> float:
    """A ``kB`` value of ``/proc/<pid>/status``, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile, nearest rank (p95 of 200 values is the 190th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


# -- the client -----------------------------------------------------------------------


def _client_class() -> Any:
    """A pygls client that keeps what the server sends, with the time it arrived."""
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    class Client(LanguageClient):
        def __init__(self) -> None:
            super().__init__("designdoc-bench", "1")
            self.logs: list[tuple[float, str]] = []
            self.published: dict[str, list[tuple[float, list[types.Diagnostic]]]] = {}
            self.progress: dict[str, int] = {"begin": 0, "report": 0, "end": 0}
            self.arrived = asyncio.Event()
            self.stderr = bytearray()

            # pygls passes the client to a handler whose first parameter is ``ls``
            @self.feature(types.WINDOW_LOG_MESSAGE)
            def _log(ls: Client, params: types.LogMessageParams) -> None:
                ls.logs.append((time.perf_counter(), params.message))
                ls.arrived.set()

            @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            def _diagnostics(ls: Client, params: types.PublishDiagnosticsParams) -> None:
                ls.published.setdefault(params.uri, []).append(
                    (time.perf_counter(), list(params.diagnostics))
                )
                ls.arrived.set()

            @self.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
            def _create(ls: Client, params: types.WorkDoneProgressCreateParams) -> None:
                return None

            @self.feature(types.PROGRESS)
            def _progress(ls: Client, params: types.ProgressParams) -> None:
                value = params.value
                kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", "")
                if kind in ls.progress:
                    ls.progress[kind] += 1

        async def drain_stderr(self) -> None:
            """Keep the tail of the server's stderr (a full pipe would block it)."""
            server = self._server
            if server is None or server.stderr is None:
                return
            while chunk := await server.stderr.read(65536):
                self.stderr += chunk
                del self.stderr[:-20000]

        async def until(self, found: Callable[[], Any], timeout: float, what: str) -> Any:
            """``found()`` once it is true, checked whenever a message arrives."""
            deadline = time.perf_counter() + timeout
            while True:
                self.arrived.clear()
                value = found()
                if value:
                    return value
                left = deadline - time.perf_counter()
                if left <= 0 or self.stopped:
                    raise RuntimeError(f"no {what} within {timeout:.0f} s{self.tail()}")
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.arrived.wait(), min(left, 0.5))

        def tail(self) -> str:
            text = self.stderr.decode("utf-8", "replace").strip()
            return f"; the server's stderr ends: {text[-2000:]}" if text else ""

    return Client


@dataclass
class Session:
    """One start of the server, from ``initialized`` to ``exit``."""

    name: str
    open_diagnostics_s: float = 0.0
    open_symbols_s: float = 0.0
    #: whether the reading was still going when the open page had both answers
    answered_while_reading: bool = False
    open_symbols: int = 0
    index_s: float = 0.0
    index_cpu_s: float = 0.0
    objects_indexed: int = 0
    #: from ``initialized`` to the server idle (its analysis of the project done)
    idle_s: float = 0.0
    progress: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    rss_mb: float = 0.0
    load: float = 0.0
    completion: dict[str, Any] = field(default_factory=dict)
    edits: dict[str, Any] = field(default_factory=dict)
    rename: dict[str, Any] = field(default_factory=dict)


class Bench:
    """One server, started on ``corpus`` with the cache folder ``cache``."""

    def __init__(
        self, corpus: Corpus, cache: Path, timeout: float, profile_to: Path | None = None
    ) -> None:
        self.corpus = corpus
        self.cache = cache
        self.timeout = timeout
        #: run the server under cProfile, its statistics written there at exit
        self.profile_to = profile_to
        self.client: Any = None
        self.pid = 0
        self.versions: dict[str, int] = {}
        #: the editor's text of each open page
        self.texts: dict[str, list[str]] = {}

    async def start(self) -> None:
        from lsprotocol import types

        self.client = _client_class()()
        env = dict(os.environ, XDG_CACHE_HOME=str(self.cache))
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        profiler = ["-m", "cProfile", "-o", str(self.profile_to)] if self.profile_to else []
        await self.client.start_io(
            sys.executable, *profiler, "-m", "sphinx_designdoc", "lsp", env=env
        )
        self.pid = self.client._server.pid
        asyncio.get_running_loop().create_task(self.client.drain_stderr())
        root = self.corpus.src.as_uri()
        capabilities = types.ClientCapabilities(
            window=types.WindowClientCapabilities(work_done_progress=True),
            text_document=types.TextDocumentClientCapabilities(
                synchronization=types.TextDocumentSyncClientCapabilities(),
                completion=types.CompletionClientCapabilities(),
                document_symbol=types.DocumentSymbolClientCapabilities(
                    hierarchical_document_symbol_support=True
                ),
                rename=types.RenameClientCapabilities(prepare_support=True),
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(),
            ),
        )
        await self.client.initialize_async(
            types.InitializeParams(
                process_id=os.getpid(),
                root_uri=root,
                capabilities=capabilities,
                workspace_folders=[types.WorkspaceFolder(uri=root, name="corpus")],
            )
        )

    async def stop(self) -> None:
        client = self.client
        if client is None or client._server is None:
            return
        try:
            if client._server.returncode is None:
                await asyncio.wait_for(client.shutdown_async(None), 30)
                client.exit(None)
                await asyncio.wait_for(client._server.wait(), 30)
        finally:
            if client._server.returncode is None:
                client._server.kill()
                await client._server.wait()
            await client.stop()

    def cpu(self) -> float:
        return _proc_cpu(self.pid)

    async def idle(self) -> None:
        """Wait until the server has used no CPU for half a second."""
        start = time.perf_counter()
        quiet = 0
        before = self.cpu()
        while quiet < 2:
            await asyncio.sleep(0.25)
            now = self.cpu()
            quiet = quiet + 1 if now - before < 0.005 else 0
            before = now
            if time.perf_counter() - start > self.timeout:
                raise RuntimeError(f"the server was still busy after {self.timeout:.0f} s")

    # -- what an editor sends ----------------------------------------------------------

    def open(self, path: Path) -> str:
        from lsprotocol import types

        uri = path.as_uri()
        text = path.read_text(encoding="utf-8")
        self.versions[uri] = 1
        self.texts[uri] = text.split("\n")
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="restructuredtext", version=1, text=text
                )
            )
        )
        return uri

    def replace(self, uri: str, line: int, start: int, old: str, new: str) -> None:
        """Replace ``old`` at ``line``, ``start`` by ``new``, as one incremental change."""
        from lsprotocol import types

        text = self.texts[uri][line]
        assert text[start : start + len(old)] == old, (text, old)
        self.texts[uri][line] = text[:start] + new + text[start + len(old) :]
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            types.Position(line, start), types.Position(line, start + len(old))
                        ),
                        text=new,
                    )
                ],
            )
        )

    def _indexed(self) -> tuple[float, int] | None:
        for at, message in self.client.logs:
            match = re.search(r"(\d+) objects indexed", message)
            if match:
                return at, int(match.group(1))
        return None

    # -- the measures ------------------------------------------------------------------

    async def session(self, name: str) -> Session:
        """Start, open the middle page at once, wait for the reading to end and for
        the server to be idle."""
        from lsprotocol import types

        result = Session(name)
        await self.start()
        cpu0 = self.cpu()
        t0 = time.perf_counter()
        self.client.initialized(types.InitializedParams())
        opened = time.perf_counter()
        uri = self.open(self.corpus.page)
        symbols = await self.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        result.open_symbols_s = time.perf_counter() - opened
        result.open_symbols = len(symbols or ())
        first = await self.client.until(
            lambda: self.client.published.get(uri), self.timeout, "diagnostics of the open page"
        )
        result.open_diagnostics_s = first[0][0] - opened
        answered = max(first[0][0], opened + result.open_symbols_s)
        at, count = await self.client.until(self._indexed, self.timeout, '"objects indexed"')
        result.index_cpu_s = self.cpu() - cpu0
        result.index_s = at - t0
        result.objects_indexed = count
        result.answered_while_reading = answered < at
        await self.idle()
        result.idle_s = time.perf_counter() - t0
        result.progress = dict(self.client.progress)
        return result

    def finish(self, result: Session) -> None:
        result.peak_rss_mb = _proc_status_mb(self.pid, "VmHWM")
        result.rss_mb = _proc_status_mb(self.pid, "VmRSS")
        result.load = os.getloadavg()[0]

    async def completions(self, count: int) -> dict[str, Any]:
        """``count`` completions one after the other: every other one after
        ``:addresses:`` of the open page's first decision (every ID a candidate), the
        rest in a ``:dd:ref:`` role of the added page, after the backtick or after part
        of the ID."""
        from lsprotocol import types

        uri = self.corpus.page.as_uri()
        refs_uri = self.corpus.refs_page.as_uri()
        line, _, _ = _link_line(self.texts[uri])
        role = self.texts[refs_uri][REFS_LINE].index("`") + 1
        places = [
            ("a link option", uri, line, len(LINK)),
            ("a role", refs_uri, REFS_LINE, role),
            ("a role, part of the ID typed", refs_uri, REFS_LINE, role + 7),
        ]
        times: dict[str, list[float]] = {}
        answers: dict[str, dict[str, Any]] = {}
        cpu0 = self.cpu()
        for n in range(count):
            what, where, at_line, column = places[0] if n % 2 == 0 else places[1 + (n // 2) % 2]
            params = types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=where),
                position=types.Position(at_line, column),
            )
            start = time.perf_counter()
            answer = await self.client.text_document_completion_async(params)
            times.setdefault(what, []).append(time.perf_counter() - start)
            items = getattr(answer, "items", answer) or []
            ordered = sorted(items, key=lambda i: i.sort_text or i.label)
            answers[what] = {
                "items": len(items),
                "incomplete": bool(getattr(answer, "is_incomplete", False)),
                "first": [i.label for i in ordered[:3]],
            }
        cpu = self.cpu() - cpu0
        every = [t for values in times.values() for t in values]
        return {
            "count": len(every),
            "cpu_mean_s": cpu / max(len(every), 1),
            "p50_s": statistics.median(every),
            "p95_s": _percentile(every, 95),
            "max_s": max(every),
            "by_place": {
                what: {
                    "count": len(values),
                    "p50_s": statistics.median(values),
                    "p95_s": _percentile(values, 95),
                    **answers[what],
                }
                for what, values in times.items()
            },
        }

    async def edits(self, count: int) -> dict[str, Any]:
        """``count`` edits of the open page's first ``:addresses:`` target, to an
        unknown ID and back, the server idle before each."""
        uri = self.corpus.page.as_uri()
        line, target, column = _link_line(self.texts[uri])
        current = target
        times: list[float] = []
        cpu: list[float] = []
        settle_cpu: list[float] = []
        first_right = 0
        for n in range(count):
            new = UNKNOWN_ID if n % 2 == 0 else target
            seen = len(self.client.published.get(uri, ()))
            cpu0 = self.cpu()
            sent = time.perf_counter()
            self.replace(uri, line, column, current, new)
            want = new == UNKNOWN_ID

            def shows(seen: int = seen, want: bool = want) -> tuple[float, int] | None:
                """The first diagnostics since the edit that show it, and how many
                came before them."""
                for number, (at, diagnostics) in enumerate(
                    self.client.published.get(uri, [])[seen:]
                ):
                    dangling = [
                        d for d in diagnostics if d.code == DANGLING and d.range.start.line == line
                    ]
                    if bool(dangling) == want:
                        return at, number
                return None

            at, before = await self.client.until(shows, self.timeout, f"diagnostics of edit {n}")
            times.append(at - sent)
            cpu1 = self.cpu()
            cpu.append(cpu1 - cpu0)
            first_right += before == 0
            current = new
            await self.idle()
            settle_cpu.append(self.cpu() - cpu1)
        return {
            "count": len(times),
            "first_publish_right": first_right,
            "p50_s": statistics.median(times),
            "p95_s": _percentile(times, 95),
            "max_s": max(times),
            "cpu_p50_s": statistics.median(cpu),
            "cpu_max_s": max(cpu),
            "settle_cpu_p50_s": statistics.median(settle_cpu),
        }

    async def rename(self) -> dict[str, Any]:
        """Rename the much-named requirement from one of its roles on the added page;
        every edit must cover the old ID in the files."""
        from lsprotocol import types

        uri = self.corpus.refs_page.as_uri()
        column = self.texts[uri][REFS_LINE].index(self.corpus.renamed) + 2
        new_name = self.corpus.renamed + "-RENAMED"
        cpu0 = self.cpu()
        start = time.perf_counter()
        edit = await self.client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(REFS_LINE, column),
                new_name=new_name,
            )
        )
        seconds = time.perf_counter() - start
        cpu = self.cpu() - cpu0
        changes = (edit.changes if edit is not None else None) or {}
        edits = [(u, e) for u, es in changes.items() for e in es]
        wrong = 0
        files: dict[str, list[str]] = {}
        for file_uri, text_edit in edits:
            if file_uri not in files:
                path = Path(url2pathname(urlparse(file_uri).path))
                files[file_uri] = path.read_text(encoding="utf-8").split("\n")
            rng = text_edit.range
            old = files[file_uri][rng.start.line][rng.start.character : rng.end.character]
            wrong += rng.start.line != rng.end.line or old != self.corpus.renamed
            wrong += text_edit.new_text != new_name
        return {
            "seconds": seconds,
            "cpu_s": cpu,
            "edits": len(edits),
            "files": len(changes),
            "expected": self.corpus.places,
            "wrong": wrong,
        }


async def run_sessions(
    corpus: Corpus,
    work: Path,
    built: Path | None,
    completions: int,
    edits: int,
    timeout: float,
    profile_to: Path | None = None,
) -> dict[str, Any]:
    """The sessions of one run, each a new server (the first under cProfile with
    ``profile_to``)."""
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    sessions: dict[str, Session] = {}

    bench = Bench(corpus, cache, timeout, profile_to)
    try:
        cold = await bench.session("cold")
        bench.open(corpus.refs_page)
        await bench.idle()
        cold.completion = await bench.completions(completions)
        cold.edits = await bench.edits(edits)
        cold.rename = await bench.rename()
        bench.finish(cold)
    finally:
        await bench.stop()
    sessions["cold"] = cold

    bench = Bench(corpus, cache, timeout)
    try:
        sessions["cached"] = await bench.session("cached")
        bench.finish(sessions["cached"])
    finally:
        await bench.stop()

    if built is not None:
        build_dir = corpus.src / "_build"
        built.rename(build_dir)
        bench = Bench(corpus, work / "cache-build", timeout)
        shutil.rmtree(bench.cache, ignore_errors=True)
        try:
            sessions["build"] = await bench.session("build")
            bench.finish(sessions["build"])
        finally:
            await bench.stop()
            build_dir.rename(built)
    return {name: asdict(s) for name, s in sessions.items()}


# -- in process, under the profiler -----------------------------------------------------


def profile(corpus: Corpus, work: Path, built: Path | None, top: int) -> None:
    """The server's work without the protocol, under cProfile: the reading (empty
    cache, then cached), a build's report, diagnostics after an edit, completion."""
    sys.path.insert(0, str(REPO))
    from sphinx_designdoc.lsp import features
    from sphinx_designdoc.lsp.index import BuildData
    from sphinx_designdoc.lsp.workspace import Workspace

    def show(label: str, call: Callable[[], Any], times: int = 1) -> None:
        profiler = cProfile.Profile()
        cpu = time.process_time()
        profiler.enable()
        for _ in range(times):
            call()
        profiler.disable()
        cpu = time.process_time() - cpu
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        print(f"## {label}: {cpu:.2f} s CPU under the profiler ({times} call(s))")
        print(out.getvalue())

    cache = work / "cache-profile"
    shutil.rmtree(cache, ignore_errors=True)
    workspace = Workspace([corpus.src], cache)
    show("the reading, empty cache (Workspace.read_all)", workspace.read_all)
    workspace = Workspace([corpus.src], cache)
    show("the reading, the cache present (Workspace.read_all)", workspace.read_all)
    if built is not None:
        built.rename(corpus.src / "_build")
        try:
            show("a build's designdoc.json (BuildData.read)", lambda: BuildData.read(corpus.src))
        finally:
            (corpus.src / "_build").rename(built)
    index = next(workspace.all_indexes())
    path = corpus.page.resolve()
    text = corpus.page.read_text(encoding="utf-8")
    lines = text.split("\n")
    line, target, column = _link_line(lines)
    workspace.update(path, text)
    index.analysis()
    source = index.source_of(path)
    edited = list(lines)
    edited[line] = lines[line][:column] + UNKNOWN_ID + lines[line][column + len(target) :]
    texts = ["\n".join(edited), text]
    count = [0]

    def edit() -> None:
        body = texts[count[0] % 2]
        count[0] += 1
        workspace.update(path, body)
        with index.lock:
            found = index.page_findings(source)
        features.diagnostics(index.pages[source], found, body.splitlines())

    show("an edit: Workspace.update, Index.page_findings, features.diagnostics", edit, 10)
    page = index.pages[source]
    show(
        "completion after ':addresses: ' (features.complete)",
        lambda: features.complete(index, page, lines, line, len(LINK)),
        20,
    )


# -- the report -----------------------------------------------------------------------


def measured(run: dict[str, Any]) -> dict[str, float | None]:
    """Each target's value in one run (the open page's: the slowest session)."""
    cold = run["cold"]
    return {
        "open_diagnostics_s": max(s["open_diagnostics_s"] for s in run.values()),
        "open_symbols_s": max(s["open_symbols_s"] for s in run.values()),
        "index_cold_s": cold["index_s"],
        "index_cached_s": run["cached"]["index_s"],
        "index_build_s": run["build"]["index_s"] if "build" in run else None,
        "completion_p95_s": cold["completion"]["p95_s"],
        "diagnostics_p95_s": cold["edits"]["p95_s"],
        "rename_s": cold["rename"]["seconds"],
        "peak_rss_mb": max(s["peak_rss_mb"] for s in run.values()),
    }


def _fmt(value: float, unit: str = "s") -> str:
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def render(results: dict[str, Any]) -> str:
    runs = results["runs"]
    heads = " | ".join(f"run {n + 1}" for n in range(len(runs)))
    lines = [
        f"{results['objects']:,} objects ({results['docs']:,} documents and one page of "
        f"{results['refs']} `:dd:ref:` roles); {results['date']}; {results['machine']}",
        "",
        f"| measure | target | {heads} | met |",
        "|---|---|" + "---|" * len(runs) + "---|",
    ]
    values = [measured(run) for run in runs]
    for key, (label, target) in TARGETS.items():
        got = [v[key] for v in values]
        if any(g is None for g in got):
            continue
        unit = "MB" if key.endswith("_mb") else "s"
        cells = " | ".join(_fmt(g, unit) for g in got if g is not None)
        if target is None:
            early = all(s["answered_while_reading"] for run in runs for s in run.values())
            goal, met = "at once", "yes, before the reading ended" if early else "**no**"
        else:
            goal = _fmt(target, unit)
            met = "yes" if all(g is not None and g < target for g in got) else "**no**"
        lines.append(f"| {label} | {goal} | {cells} | {met} |")
    lines += ["", f"| detail | {heads} |", "|---|" + "---|" * len(runs)]

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(run) for run in runs) + " |")

    for name in runs[0]:
        row(
            f"{name}: read; server CPU; objects",
            lambda r, n=name: (
                f"{r[n]['index_s']:.2f} s; {r[n]['index_cpu_s']:.2f} s; {r[n]['objects_indexed']:,}"
            ),
        )
        row(
            f"{name}: open page, diagnostics / outline",
            lambda r, n=name: (
                f"{_fmt(r[n]['open_diagnostics_s'])} / "
                f"{_fmt(r[n]['open_symbols_s'])} ({r[n]['open_symbols']} symbols)"
            ),
        )
        row(f"{name}: idle, from initialized", lambda r, n=name: f"{r[n]['idle_s']:.2f} s")
        row(
            f"{name}: progress begin / report / end",
            lambda r, n=name: "{begin} / {report} / {end}".format(**r[n]["progress"]),
        )
        row(
            f"{name}: peak RSS (RSS at the end); load average",
            lambda r, n=name: (
                f"{r[n]['peak_rss_mb']:.0f} MB ({r[n]['rss_mb']:.0f} MB); {r[n]['load']:.1f}"
            ),
        )

    def completion(r: dict[str, Any]) -> str:
        c = r["cold"]["completion"]
        return (
            f"{_fmt(c['p50_s'])} / {_fmt(c['p95_s'])} / {_fmt(c['max_s'])}; {_fmt(c['cpu_mean_s'])}"
        )

    row("completion: p50 / p95 / max; server CPU, mean", completion)
    for what in runs[0]["cold"]["completion"]["by_place"]:

        def place(r: dict[str, Any], what: str = what) -> str:
            c = r["cold"]["completion"]["by_place"][what]
            more = "+" if c["incomplete"] else ""
            return f"{_fmt(c['p50_s'])} / {_fmt(c['p95_s'])}; {c['items']}{more}: " + ", ".join(
                c["first"]
            )

        row(f"completion in {what}: p50 / p95; items, first", place)

    def edits(r: dict[str, Any]) -> str:
        e = r["cold"]["edits"]
        return (
            f"{_fmt(e['p50_s'])} / {_fmt(e['p95_s'])} / {_fmt(e['max_s'])}; "
            f"{_fmt(e['cpu_p50_s'])}; {e['first_publish_right']}/{e['count']}; "
            f"{_fmt(e['settle_cpu_p50_s'])}"
        )

    row(
        "edits: p50 / p95 / max; server CPU p50; first diagnostics right; CPU after, p50",
        edits,
    )
    row(
        "rename: edits (expected), files; wrong; server CPU",
        lambda r: (
            "{edits} ({expected}), {files}; {wrong}; ".format(**r["cold"]["rename"])
            + _fmt(r["cold"]["rename"]["cpu_s"])
        ),
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents (22 objects each)")
    parser.add_argument("--runs", type=int, default=2, help="runs of the three sessions")
    parser.add_argument("--refs", type=int, default=200, help="roles naming the renamed ID")
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per wait")
    parser.add_argument("--no-build", action="store_true", help="leave out the build session")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--profile", action="store_true", help="profile in process instead")
    parser.add_argument(
        "--server-profile",
        type=Path,
        metavar="FILE",
        help="run the first session's server under cProfile into FILE (its main thread: "
        "the handlers and the protocol, not the reading)",
    )
    args = parser.parse_args(argv)
    if args.docs < 2 or args.refs < 1 or args.runs < 1:
        parser.error("--docs must be at least 2, --refs and --runs at least 1")
    work = args.work or Path(tempfile.mkdtemp(prefix="designdoc-lsp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = make_corpus(work, args.docs, args.refs)
    warm_up(work, ["designdoc"], REPO)
    built = None
    if not args.no_build:
        build = sphinx_build(corpus.src, corpus.src / "_build" / "html", REPO)
        if build.returncode:
            raise SystemExit(f"the corpus did not build:\n{build.log[-3000:]}")
        built = work / "_build-aside"
        shutil.rmtree(built, ignore_errors=True)
        (corpus.src / "_build").rename(built)
    if args.profile:
        profile(corpus, work, built, top=30)
        return 0
    runs = [
        asyncio.run(
            run_sessions(
                corpus,
                work,
                built,
                args.completions,
                args.edits,
                args.timeout,
                args.server_profile if n == 0 else None,
            )
        )
        for n in range(args.runs)
    ]
    results = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "docs": args.docs,
        "objects": corpus.corpus.total,
        "refs": args.refs,
        "runs": runs,
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
