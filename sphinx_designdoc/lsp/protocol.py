"""pygls' protocol as the server needs it: a request it cannot read is answered with
an error, what it cannot read is one line on stderr, not a traceback; and the editor's
side of things: URIs, positions in its units, the files it watches for the server."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from .features import file_lines
from .index import Index

_T = TypeVar("_T")


class Protocol(LanguageServerProtocol):
    """pygls' protocol, answering a request it cannot read (parameters of the wrong
    shape) with an error rather than with silence, so the editor does not wait."""

    def structure_message(self, data: Any) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                method = str(data["method"])[:100]
                error = types.ResponseError(code=exc.code, message=f"{exc.message}: {method}")
                self._send_response(data["id"], error=error)
            raise


class OneLine(logging.Formatter):
    """A log record on one line: its first line, and the error's name and message
    without the traceback (pygls logs what it cannot read with one)."""

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().strip().splitlines() or [""]
        text = f"{record.levelname.lower()}: {record.name}: {lines[0][:300]}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f" ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''})"
        return text


def one_line_handler() -> logging.Handler:
    """A stderr handler writing :class:`OneLine` records.  pygls says twice that it
    could not read a message; the line that names the error ("Unable to handle
    message") is the one kept."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLine())
    handler.addFilter(lambda record: not record.getMessage().startswith("Unable to deserialize"))
    return handler


def folders(server: LanguageServer) -> list[str]:
    folders = [to_fs_path(f.uri) for f in server.workspace.folders.values()]
    found = [f for f in folders if f]
    if not found and server.workspace.root_path:
        found = [server.workspace.root_path]
    return found


def uri_path(uri: str) -> Path | None:
    if urlparse(uri).scheme != "file":
        return None
    fs = to_fs_path(uri)
    return Path(fs) if fs else Path(unquote(urlparse(uri).path))


def source_in(index: Index, path: Path) -> str:
    try:
        return index.source_of(path)
    except ValueError:
        return ""


def to_client(server: LanguageServer, uri: str, lines: list[str], item: _T) -> _T:
    """A diagnostic's range in the editor's units (UTF-16 unless it asked otherwise)."""
    codec = server.workspace.position_codec
    rng = getattr(item, "range", None)
    if rng is not None:
        item.range = codec.range_to_client_units(lines, rng)  # type: ignore[attr-defined]
    return item


def client_location(
    server: LanguageServer,
    index: Index,
    source: str,
    line: int,
    start: int,
    end: int,
    read: dict[str, list[str]] | None = None,
) -> types.Location | None:
    """A place of ``source`` in the editor's units; ``read`` keeps the lines of the
    files read for one answer (a rename touches one file in many places)."""
    path = index.project.confdir / source
    uri = from_fs_path(str(path))
    if uri is None:
        return None
    lines = read.get(uri) if read is not None else None
    if lines is None:
        lines = lines_of(server, uri, path)
        if read is not None:
            read[uri] = lines
    codec = server.workspace.position_codec
    rng = codec.range_to_client_units(
        lines, types.Range(types.Position(line, start), types.Position(line, end))
    )
    return types.Location(uri=uri, range=rng)


def lines_of(server: LanguageServer, uri: str, path: Path) -> list[str]:
    document = server.workspace.text_documents.get(uri)
    if document is not None:
        return document.source.splitlines()
    return file_lines(path)


async def watch_files(ls: Any, indexes: list[Index]) -> None:
    """Ask the editor to say when pages and ``conf.py`` change on disk (a checkout, a
    file written by another tool), if it can."""
    workspace = getattr(ls.client_capabilities, "workspace", None)
    watched = getattr(workspace, "did_change_watched_files", None)
    if not getattr(watched, "dynamic_registration", False):
        return
    suffixes = sorted(
        {s.lstrip(".") for index in indexes for s in index.project.suffixes} | {"rst", "md"}
    )
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[
            types.FileSystemWatcher(glob_pattern=f"**/*.{{{','.join(suffixes)}}}"),
            types.FileSystemWatcher(glob_pattern="**/conf.py"),
        ]
    )
    registration = types.Registration(
        id=str(uuid.uuid4()),
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as exc:  # the editor declined: pages are read when opened
        ls.say(f"designdoc: no file watching: {type(exc).__name__}")


def guarded(default: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A handler that answers ``default`` and logs one line instead of raising."""

    def wrap(handler: Callable[..., Any]) -> Callable[..., Any]:
        def run(ls: Any, params: Any) -> Any:  # ``ls``: pygls passes the server by name
            try:
                return handler(ls, params)
            except Exception as exc:
                ls.say(f"designdoc: {handler.__name__} failed: {type(exc).__name__}: {exc}")
                return default

        run.__name__ = handler.__name__
        return run

    return wrap
