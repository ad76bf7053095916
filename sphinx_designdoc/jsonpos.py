"""Where the members of a JSON document start, for warnings about another project's
file (``designdoc_external``) that name a line.  No Sphinx here.

:func:`json.loads` gives values, not positions.  This walks the text with the json
module's own reader (:meth:`json.JSONDecoder.raw_decode`, which reads one value at a
given place, with the C scanner where there is one) down one path of keys, and notes where each member of the container found there
begins: the same parser, so the two cannot disagree about the text, at the cost of
reading it a second time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

_READ = json.JSONDecoder().raw_decode
_SPACE = re.compile(r"[ \t\n\r]*")


def member_lines(text: str, path: Sequence[str]) -> dict[str | int, int]:
    """The line (from 1) on which each member of the container at ``path`` starts: an
    object's keys (where the key is written) or an array's indexes.  For a key written
    twice, the last, as :func:`json.loads` keeps the last.  ``{}`` when the text has no
    container there or is not JSON."""
    try:
        offsets, _ = _walk(text, _skip_space(text, 0), path)
    except (ValueError, IndexError, RecursionError):
        return {}
    lines: dict[str | int, int] = {}
    line, counted = 1, 0
    for member, offset in sorted((offsets or {}).items(), key=lambda pair: pair[1]):
        line += text.count("\n", counted, offset)
        counted = offset
        lines[member] = line
    return lines


Offsets = dict[str | int, int]


def _walk(text: str, pos: int, path: Sequence[str]) -> tuple[Offsets | None, int]:
    """Where the members of the container at ``path`` below the value at ``pos`` start
    (None when there is none), and where that value ends.  Each part of the text is
    read once: the values on the path by this walk, every other value by the scanner."""
    if not path:
        return _members(text, pos)
    if text[pos] != "{":
        _, end = _READ(text, pos)
        return None, end
    found: Offsets | None = None
    pos = _skip_space(text, pos + 1)
    if text[pos] == "}":
        return None, pos + 1
    while True:
        name, value = _key(text, pos)
        if name == path[0]:
            found, end = _walk(text, value, path[1:])
        else:
            _, end = _READ(text, value)
        pos = _skip_space(text, end)
        if text[pos] == "}":
            return found, pos + 1
        pos = _next(text, pos)


def _members(text: str, pos: int) -> tuple[Offsets | None, int]:
    """Where each member of the container at ``pos`` starts, and where it ends."""
    opening = text[pos]
    if opening not in "{[":
        _, end = _READ(text, pos)
        return None, end
    closing = "}" if opening == "{" else "]"
    out: Offsets = {}
    pos = _skip_space(text, pos + 1)
    if text[pos] == closing:
        return out, pos + 1
    while True:
        if opening == "{":
            name, value = _key(text, pos)
            out[name] = pos
        else:
            value = pos
            out[len(out)] = pos
        _, end = _READ(text, value)
        pos = _skip_space(text, end)
        if text[pos] == closing:
            return out, pos + 1
        pos = _next(text, pos)


def _key(text: str, pos: int) -> tuple[str, int]:
    """The key at ``pos`` and where its value starts."""
    name, end = _READ(text, pos)
    if not isinstance(name, str):
        raise ValueError("a key must be a string")
    colon = _skip_space(text, end)
    if text[colon] != ":":
        raise ValueError("a key must be followed by ':'")
    return name, _skip_space(text, colon + 1)


def _next(text: str, pos: int) -> int:
    """Past the ``,`` at ``pos`` to the next member."""
    if text[pos] != ",":
        raise ValueError("members must be separated by ','")
    return _skip_space(text, pos + 1)


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos
