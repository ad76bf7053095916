"""``designdoc lsp``: the language server, over stdio, on pygls.

Only this module and :mod:`.protocol` import the language-server library, and only
``designdoc lsp`` imports them.  Every handler answers from the index (:mod:`.workspace`); none lets an
exception out: a request it cannot answer gets nothing and the log one line, and the
server keeps serving.  The whole workspace is read in a thread after ``initialized``,
with progress shown in the editor; the open pages are read at once.
"""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from .._version import __version__
from ..safety import without_controls
from . import features
from .index import Index
from .page import Page
from .protocol import (
    Protocol,
    client_location,
    folders,
    guarded,
    one_line_handler,
    source_in,
    to_client,
    uri_path,
    watch_files,
)
from .workspace import Workspace, cache_dir

log = logging.getLogger("sphinx_designdoc.lsp")

#: seconds without an edit before the whole project is analysed again (cycles,
#: coverage: the findings that depend on more than a page and its neighbours; a second
#: at twenty thousand objects, in a thread that would slow the answers meanwhile); each
#: page's own findings are published at every edit
SETTLE = 2.0
#: a page read faster than this (seconds) is read at every edit
QUICK = 0.08


class DesigndocServer(LanguageServer):
    """The server, with the workspace it serves once the editor said which."""

    def __init__(self) -> None:
        super().__init__("designdoc", __version__, protocol_cls=Protocol)
        self.state: Workspace | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._settle: threading.Timer | None = None
        #: per page, how long its last reading took, and the reading waiting for the
        #: edits to pause
        self.read_cost: dict[str, float] = {}
        self.read_at: dict[str, float] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}

    # -- plumbing --------------------------------------------------------------------

    def workspace_state(self) -> Workspace:
        if self.state is None:
            roots = [Path(p) for p in folders(self)]
            self.state = Workspace(roots, cache_dir())
            if not self.state.indexes:
                self.say("no conf.py in the workspace: open a page of a Sphinx project")
        return self.state

    def report_server_error(self, error: Exception, source: Any) -> None:
        """What the server could not read or do goes to the log, in one line, not to
        the user's screen: the editor asked nothing the user can act on."""
        self.say(
            f"designdoc: {type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
        )

    def say(self, message: str) -> None:
        """One line in the editor's log (from any thread)."""
        log.info(message)
        self.in_loop(
            lambda: self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Info, message=message)
            )
        )

    def in_loop(self, call: Callable[[], Any]) -> None:
        """Run ``call`` in the server's event loop, which alone writes to the editor."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            if threading.current_thread() is threading.main_thread():
                call()
            else:
                loop.call_soon_threadsafe(call)
        except RuntimeError:
            pass  # the loop is closing: the editor is gone

    def page_of(self, uri: str) -> tuple[Index, Page, list[str]] | None:
        """The index, the page and the editor's lines of the document ``uri``."""
        path = uri_path(uri)
        if path is None:
            return None
        index = self.workspace_state().index_for(path)
        if index is None:
            return None
        page = index.pages.get(source_in(index, path))
        if page is None:
            return None
        document = self.workspace.get_text_document(uri)
        try:
            lines = document.source.splitlines()
        except Exception:  # not open: the file on disk
            lines = features.file_lines(path)
        return index, page, lines

    def publish(self, uri: str) -> None:
        """Diagnostics of the open page ``uri``, as a build would report them now."""
        found = self.page_of(uri)
        if found is None:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
            return
        index, page, lines = found
        with index.lock:
            findings = index.page_findings(page.source)
        diagnostics = [
            to_client(self, uri, lines, d) for d in features.diagnostics(page, findings, lines)
        ]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )

    def publish_open(self) -> None:
        for path in list(self.workspace_state().open):
            uri = from_fs_path(str(path))
            if uri is not None:
                self.publish(uri)

    def changed_soon(self, uri: str) -> None:
        """The editor changed the page ``uri``: read it (and publish its diagnostics) now
        if that is quick or the page was not read for as long as that takes, else once
        the edits pause for as long as it takes (a keystroke on a page that
        takes a second to read must not queue a second of work)."""
        cost = self.read_cost.get(uri, 0.0)
        pending = self.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        idle = time.perf_counter() - self.read_at.get(uri, 0.0)
        if cost < QUICK or idle >= cost or self.loop is None:  # a lone edit: at once
            guarded(None)(_changed)(self, uri)
            return
        self.pending[uri] = self.loop.call_later(
            min(cost, 1.0), lambda: guarded(None)(_changed)(self, uri)
        )

    def settle(self) -> None:
        """Analyse the whole project again once the edits pause."""
        if self._settle is not None:
            self._settle.cancel()
        self._settle = threading.Timer(SETTLE, self._analyse)
        self._settle.daemon = True
        self._settle.start()

    def _analyse(self) -> None:
        state = self.workspace_state()
        try:
            for index in state.all_indexes():
                if index.complete:
                    index.analysis()
        except Exception as exc:  # never let the analysis take the server down
            self.say(f"designdoc: analysis failed: {type(exc).__name__}: {exc}")
            return
        self.in_loop(self.publish_open)

    def read_workspace(self) -> None:
        """Read every page, with progress shown in the editor; then publish again."""
        state = self.workspace_state()
        token = str(uuid.uuid4())
        progress = self._progress(token)
        last = [0]

        def report(project: str, done: int, total: int) -> None:
            percent = int(done * 100 / max(total, 1))
            if progress and percent != last[0]:
                last[0] = percent
                value = types.WorkDoneProgressReport(
                    message=f"{project}: {done}/{total} pages", percentage=percent
                )
                self.in_loop(lambda: self.work_done_progress.report(token, value))

        def known(index: Index) -> None:
            self.say(
                f"designdoc: {len(index.declared)} objects known from the last build; "
                "reading the pages"
            )
            self.in_loop(self.publish_open)

        try:
            state.read_all(report, known)
        except Exception as exc:
            self.say(f"designdoc: reading the workspace failed: {type(exc).__name__}: {exc}")
        finally:
            if progress:
                end = types.WorkDoneProgressEnd(message="indexed")
                self.in_loop(lambda: self.work_done_progress.end(token, end))
        for index in state.all_indexes():
            for problem in index.problems:
                self.say(f"designdoc: {problem}")
            index.problems.clear()
        # the index lives as long as the server: out of the collector's full passes,
        # which walked it at every few requests (as the build freezes its environment)
        gc.collect()
        gc.freeze()
        count = sum(len(index.declared) for index in state.all_indexes())
        self.say(f"designdoc: {count} objects indexed")
        self.in_loop(self.publish_open)
        self._analyse()

    def _progress(self, token: str) -> bool:
        capabilities = self.client_capabilities
        window = getattr(capabilities, "window", None)
        if not getattr(window, "work_done_progress", False) or self.loop is None:
            return False
        try:
            created = asyncio.run_coroutine_threadsafe(
                self.work_done_progress.create_async(token), self.loop
            )
            created.result(timeout=5)
        except Exception:
            return False
        begin = types.WorkDoneProgressBegin(title="designdoc: indexing", percentage=0)
        self.in_loop(lambda: self.work_done_progress.begin(token, begin))
        return True


def make_server() -> DesigndocServer:
    server = DesigndocServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: DesigndocServer, params: types.InitializedParams) -> None:
        ls.loop = asyncio.get_running_loop()
        ls.workspace_state()
        threading.Thread(target=ls.read_workspace, name="designdoc-index", daemon=True).start()
        await watch_files(ls, list(ls.workspace_state().all_indexes()))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(None)
    def did_open(ls: DesigndocServer, params: types.DidOpenTextDocumentParams) -> None:
        _changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(None)
    def did_change(ls: DesigndocServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed_soon(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(None)
    def did_close(ls: DesigndocServer, params: types.DidCloseTextDocumentParams) -> None:
        pending = ls.pending.pop(params.text_document.uri, None)
        if pending is not None:
            pending.cancel()
        path = uri_path(params.text_document.uri)
        if path is not None:
            ls.workspace_state().close(path)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )
        ls.settle()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(None)
    def watched(ls: DesigndocServer, params: types.DidChangeWatchedFilesParams) -> None:
        state = ls.workspace_state()
        reload = False
        for change in params.changes:
            path = uri_path(change.uri)
            if path is None:
                continue
            if path.name == "conf.py":
                reload = state.reload(path.parent) or reload
            elif path.resolve() not in state.open:
                state.file_changed(path)
        if reload:
            threading.Thread(target=ls.read_workspace, name="designdoc-index", daemon=True).start()
        ls.publish_open()
        ls.settle()

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[":", "`", "{", " ", ",", "<"]),
    )
    @guarded(None)
    def completion(ls: DesigndocServer, params: types.CompletionParams) -> Any:
        uri = params.text_document.uri
        path = uri_path(uri)
        index = ls.workspace_state().index_for(path) if path else None
        if index is None or path is None:
            return None
        document = ls.workspace.get_text_document(uri)
        lines = document.source.splitlines()
        position = document.position_codec.position_from_client_units(
            document.lines, params.position
        )
        page = index.pages.get(source_in(index, path))
        with index.lock:
            answer = features.complete(index, page, lines, position.line, position.character)
        codec = document.position_codec
        for item in answer.items:
            if isinstance(item.text_edit, types.TextEdit):
                item.text_edit.range = codec.range_to_client_units(lines, item.text_edit.range)
        return answer

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    def hover(ls: DesigndocServer, params: types.HoverParams) -> Any:
        found = _place(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        index, place, lines = found
        with index.lock:
            answer = features.hover(index, place)
        if answer is not None and answer.range is not None:
            answer.range = ls.workspace.position_codec.range_to_client_units(lines, answer.range)
        return answer

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(None)
    def definition(ls: DesigndocServer, params: types.DefinitionParams) -> Any:
        found = _place(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        index, place, _ = found
        with index.lock:
            places = features.declarations(index, place.id)
        read: dict[str, list[str]] = {}
        locations = [client_location(ls, index, *where, read=read) for where in places]
        return [loc for loc in locations if loc is not None] or None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(None)
    def references(ls: DesigndocServer, params: types.ReferenceParams) -> Any:
        found = _place(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        index, place, _ = found
        with index.lock:
            mentions = features.references(index, place.id, params.context.include_declaration)
        read: dict[str, list[str]] = {}
        locations = [
            client_location(ls, index, m.source, m.line, m.start, m.end, read) for m in mentions
        ]
        return [loc for loc in locations if loc is not None]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(None)
    def prepare_rename(ls: DesigndocServer, params: types.PrepareRenameParams) -> Any:
        found = _place(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        index, place, lines = found
        if place.id not in index.declared:
            return None
        rng = types.Range(
            types.Position(place.line, place.start), types.Position(place.line, place.end)
        )
        return types.PrepareRenamePlaceholder(
            range=ls.workspace.position_codec.range_to_client_units(lines, rng),
            placeholder=place.id,
        )

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def rename(ls: DesigndocServer, params: types.RenameParams) -> Any:
        try:
            found = _place(ls, params.text_document.uri, params.position)
        except Exception as exc:
            ls.say(f"designdoc: rename failed: {type(exc).__name__}: {exc}")
            return None
        if found is None:
            return None
        index, place, _ = found
        with index.lock:
            problem = features.rename_problem(index, place.id, params.new_name)
            mentions = features.references(index, place.id, declaration=True)
        if problem is not None:
            from pygls.exceptions import JsonRpcInvalidParams

            raise JsonRpcInvalidParams(problem)
        changes: dict[str, list[types.TextEdit]] = {}
        read: dict[str, list[str]] = {}
        for mention in mentions:
            location = client_location(
                ls, index, mention.source, mention.line, mention.start, mention.end, read
            )
            if location is not None:
                changes.setdefault(location.uri, []).append(
                    types.TextEdit(range=location.range, new_text=params.new_name)
                )
        return types.WorkspaceEdit(changes=changes)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(None)
    def document_symbol(ls: DesigndocServer, params: types.DocumentSymbolParams) -> Any:
        found = ls.page_of(params.text_document.uri)
        if found is None:
            return None
        _, page, lines = found
        symbols = features.document_symbols(page)
        codec = ls.workspace.position_codec
        for symbol in symbols:
            symbol.range = codec.range_to_client_units(lines, symbol.range)
            symbol.selection_range = codec.range_to_client_units(lines, symbol.selection_range)
        return symbols

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded(None)
    def workspace_symbol(ls: DesigndocServer, params: types.WorkspaceSymbolParams) -> Any:
        state = ls.workspace_state()
        out = []
        for index, item in features.workspace_symbols(state.all_indexes(), params.query):
            uri = from_fs_path(str(index.project.confdir / item.source))
            if uri is None:
                continue
            line = max(item.line - 1, 0)
            out.append(
                types.WorkspaceSymbol(
                    name=item.id,
                    kind=features.SYMBOL_KINDS.get(item.type, types.SymbolKind.Object),
                    location=types.Location(
                        uri=uri,
                        range=types.Range(types.Position(line, 0), types.Position(line, 0)),
                    ),
                    container_name=without_controls(item.title),
                )
            )
        return out

    return server


def _changed(ls: DesigndocServer, uri: str) -> None:
    """Read the page ``uri`` from the editor's text and publish its diagnostics."""
    ls.pending.pop(uri, None)
    path = uri_path(uri)
    if path is None:
        return
    document = ls.workspace.get_text_document(uri)
    started = time.perf_counter()
    found = ls.workspace_state().update(path, document.source)
    if found is not None:
        ls.publish(uri)
        ls.settle()
    ls.read_at[uri] = time.perf_counter()
    ls.read_cost[uri] = ls.read_at[uri] - started


def _place(
    ls: DesigndocServer, uri: str, position: types.Position
) -> tuple[Index, features.Place, list[str]] | None:
    found = ls.page_of(uri)
    if found is None:
        return None
    index, page, lines = found
    document = ls.workspace.get_text_document(uri)
    at = document.position_codec.position_from_client_units(document.lines, position)
    with index.lock:
        place = features.place_at(index, page, lines, at.line, at.character)
    return None if place is None else (index, place, lines)


def serve() -> None:
    """Serve over stdio until the editor says exit; problems go to stderr, a line each.

    The protocol keeps standard output to itself: the server writes to a copy of it,
    and the process's own standard output becomes standard error, so that a ``print``
    in a project's ``conf.py`` (or a program it runs) cannot break a message."""
    import os
    import sys

    logging.basicConfig(level=logging.WARNING, handlers=[one_line_handler()], force=True)
    sys.stdout.flush()
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    make_server().start_io(sys.stdin.buffer, protocol_out)
