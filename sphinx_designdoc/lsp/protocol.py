"""pygls' protocol as the server needs it: a request it cannot read is answered with
an error, and what it cannot read is one line on stderr, not a traceback."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol


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
