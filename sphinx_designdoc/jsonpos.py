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
        pos = _skip_space(text, 0)
        for key in path:
            pos = _value_of(text, pos, key)
            if pos < 0:
                return {}
        offsets = _members(text, pos)
    except (ValueError, IndexError, RecursionError):
        return {}
    lines: dict[str | int, int] = {}
    line, counted = 1, 0
    for member, offset in sorted(offsets.items(), key=lambda pair: pair[1]):
        line += text.count("\n", counted, offset)
        counted = offset
        lines[member] = line
    return lines


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _value_of(text: str, pos: int, key: str) -> int:
    """Where the value of ``key`` in the object at ``pos`` starts, or -1."""
    found = -1
    for name, _, value in _object_members(text, pos):
        if name == key:
            found = value
    return found


def _object_members(text: str, pos: int) -> list[tuple[str, int, int]]:
    """(key, where the key starts, where its value starts) of the object at ``pos``,
    each value skipped with the scanner; [] when there is no object at ``pos``."""
    if text[pos] != "{":
        return []
    out: list[tuple[str, int, int]] = []
    pos = _skip_space(text, pos + 1)
    if text[pos] == "}":
        return out
    while True:
        name, end = _READ(text, pos)
        if not isinstance(name, str):
            raise ValueError("a key must be a string")
        colon = _skip_space(text, end)
        if text[colon] != ":":
            raise ValueError("a key must be followed by ':'")
        value = _skip_space(text, colon + 1)
        out.append((name, pos, value))
        _, end = _READ(text, value)
        pos = _skip_space(text, end)
        if text[pos] != ",":
            return out
        pos = _skip_space(text, pos + 1)


def _members(text: str, pos: int) -> dict[str | int, int]:
    """Where each member of the container at ``pos`` starts."""
    if text[pos] == "{":
        return {name: start for name, start, _ in _object_members(text, pos)}
    if text[pos] != "[":
        return {}
    out: dict[str | int, int] = {}
    pos = _skip_space(text, pos + 1)
    if text[pos] == "]":
        return out
    while True:
        out[len(out)] = pos
        _, end = _READ(text, pos)
        pos = _skip_space(text, end)
        if text[pos] != ",":
            return out
        pos = _skip_space(text, pos + 1)
