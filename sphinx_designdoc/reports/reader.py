"""Reading a large ``designdoc.json`` for one lookup without parsing all of it.

Parsing a 22,000-object report takes most of a quarter second; ``designdoc trace`` needs
the header (vocabulary, tracing statuses) and a handful of objects.  This reader parses
the header exactly, indexes where each object starts with a byte search, and decodes
only the objects asked for.  It relies on nothing but JSON syntax plus one property of
:func:`..codec.dumps`: each object's first key is ``"id"``.  Whenever that does not hold
(another writer, an unexpected shape) it says so by returning ``None``, and the caller
parses the whole file instead, so results never depend on the shortcut.
"""

from __future__ import annotations

import json
import re
from typing import Any

_WS = b" \t\r\n"
_NEEDLE = b'"id": "'
_ID_AT = re.compile(rb'"id": "([^"\\\\]*)"')
_DECODER = json.JSONDecoder()
#: lookups answered by scanning before the index of all objects pays off
DIRECT_LOOKUPS = 12


class NotIndexable(ValueError):
    """The file does not have the shape the shortcut relies on; parse it whole."""


def _char_boundary(data: bytes, end: int) -> int:
    """Move ``end`` back so the slice does not cut a UTF-8 sequence in two."""
    while 0 < end < len(data) and (data[end] & 0xC0) == 0x80:
        end -= 1
    return end


def _decode_value(data: bytes, start: int, window: int = 8192) -> tuple[Any, int]:
    """Decode the JSON value at byte ``start``; return it and the byte offset after it."""
    while True:
        end = _char_boundary(data, min(len(data), start + window))
        text = data[start:end].decode("utf-8")
        try:
            value, consumed = _DECODER.raw_decode(text)
        except json.JSONDecodeError:
            if end >= len(data):
                raise NotIndexable("invalid JSON") from None
            window *= 4
            continue
        return value, start + len(text[:consumed].encode("utf-8"))


def _skip_ws(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] in _WS:
        pos += 1
    return pos


class ReportFile:
    """A designdoc.json held as bytes, decoded piecemeal."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._header: dict[str, Any] | None = None
        self._objects_start = 0
        self._index: dict[bytes, int] | None = None
        self._lookups = 0

    def header(self) -> dict[str, Any]:
        """Every top-level member before ``objects`` (raises NotIndexable)."""
        if self._header is not None:
            return self._header
        data = self.data
        pos = _skip_ws(data, 0)
        if data[pos : pos + 1] != b"{":
            raise NotIndexable("not a JSON object")
        pos += 1
        header: dict[str, Any] = {}
        while True:
            pos = _skip_ws(data, pos)
            key, pos = _decode_value(data, pos, 256)
            if not isinstance(key, str):
                raise NotIndexable("bad key")
            pos = _skip_ws(data, pos)
            if data[pos : pos + 1] != b":":
                raise NotIndexable("bad member")
            pos = _skip_ws(data, pos + 1)
            if key == "objects":
                if data[pos : pos + 1] != b"[":
                    raise NotIndexable("objects is not a list")
                self._objects_start = pos
                break
            header[key], pos = _decode_value(data, pos)
            pos = _skip_ws(data, pos)
            if data[pos : pos + 1] != b",":
                raise NotIndexable("no objects member")
            pos += 1
        self._header = header
        return header

    def _is_first_key(self, needle_at: int) -> int | None:
        """Offset of the ``{`` opening the object whose first key starts at ``needle_at``.

        Only a first ``"id"`` key belongs to an object (findings start with
        ``"subtype"``), so any other occurrence gives None.
        """
        brace = needle_at - 1
        data = self.data
        while brace > 0 and data[brace] in _WS:
            brace -= 1
        return brace if data[brace] == 0x7B else None

    def _build_index(self) -> dict[bytes, int]:
        """Encoded ID -> offset of its first ``"id": "…"``, for every object at once.

        Objects come before findings in the file, so the first occurrence is the
        object's; :meth:`get` checks that it opens an object before trusting it.
        """
        if self._index is not None:
            return self._index
        self.header()
        index: dict[bytes, int] = {}
        add = index.setdefault
        for match in _ID_AT.finditer(self.data, self._objects_start):
            add(match.group(1), match.start())
        self._index = index
        return index

    def _find(self, key: bytes) -> int | None:
        """Offset of this encoded ID's first ``"id": "…"`` by a direct byte search."""
        pos = self.data.find(_NEEDLE + key + b'"', self._objects_start)
        return None if pos == -1 else pos

    def get(self, item_id: str) -> dict[str, Any] | None:
        """The object with this ID, or None when the shortcut cannot find it."""
        key = json.dumps(item_id, ensure_ascii=False)[1:-1].encode("utf-8")
        if b"\\" in key:
            return None
        self.header()
        # a few lookups scan for each ID; many build the index once
        self._lookups += 1
        if self._index is None and self._lookups <= DIRECT_LOOKUPS:
            at = self._find(key)
        else:
            at = self._build_index().get(key)
        if at is None:
            return None
        brace = self._is_first_key(at)
        if brace is None:
            raise NotIndexable(f"{item_id!r} first appears outside an object")
        obj, _ = _decode_value(self.data, brace)
        if not isinstance(obj, dict) or obj.get("id") != item_id or "links" not in obj:
            raise NotIndexable(f"object {item_id!r} is not where the index says")
        return obj
