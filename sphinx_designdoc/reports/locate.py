"""Naming the place in a JSON text where Python's parser gives up without saying where.

:func:`json.loads` reports a syntax error with its line and column, but not three other
refusals: nesting deeper than the interpreter's recursion limit (``RecursionError``), an
integer of more digits than Python converts (``ValueError``), and the ``NaN`` and
``Infinity`` it accepts and a report may not hold (refused by our hooks).  This walks the
text once, after the parser refused it, following only its structure (strings, brackets,
commas and colons; keys are decoded by :mod:`json` itself), and names the first such
place with the path :mod:`..shapes` uses, e.g. ``objects[3].fields.tags[0][0]...``.  It
never reads data: a report is only ever read by :mod:`json`.  No Sphinx here.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass

from ..shapes import MAX_NESTING, index, join

#: a JSON string, escapes included, in linear time (the unrolled form: its two parts
#: cannot match the same text, so nothing backtracks)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_CONSTANT = re.compile(r"-?(?:NaN|Infinity)")
#: the next character that says something about the structure (whitespace, ``true``,
#: ``false`` and ``null`` say nothing)
_NEXT = re.compile(r'["{}\[\],:0-9NI-]')
#: path components shown before the rest of a deep place is left out
_SHOWN_STEPS = 8


def max_digits() -> int:
    """The most digits :class:`int` converts from text (0: no limit)."""
    get = getattr(sys, "get_int_max_str_digits", None)
    return int(get()) if get is not None else 0


@dataclass
class _Frame:
    """One open container: an object and its current key, or a list and its position."""

    is_object: bool
    key: str = ""
    position: int = 0
    expects_key: bool = True


def _path(stack: list[_Frame]) -> str:
    where = ""
    for step, frame in enumerate(stack):
        if step == _SHOWN_STEPS:
            return where + "..."
        where = join(where, frame.key) if frame.is_object else index(where, frame.position)
    return where


def trouble(text: str) -> tuple[str, str] | None:
    """``(place, what is wrong)`` for the first container nested more than
    :data:`..shapes.MAX_NESTING` levels deep, integer of more digits than Python
    converts, number too large for a float, or ``NaN``/``Infinity``; None when there is
    none (the text then failed for another reason)."""
    stack: list[_Frame] = []
    digits = max_digits()
    pos = 0
    while (found := _NEXT.search(text, pos)) is not None:
        pos = found.start()
        char = text[pos]
        if char == '"':
            string = _STRING.match(text, pos)
            if string is None:
                return None
            if stack and stack[-1].is_object and stack[-1].expects_key:
                try:
                    stack[-1].key = str(json.loads(string.group()))
                except ValueError:
                    return None
            pos = string.end()
            continue
        if char in "{[":
            if len(stack) > MAX_NESTING:
                return _path(stack), f"is nested more than {MAX_NESTING} levels deep"
            stack.append(_Frame(is_object=char == "{"))
        elif char in "}]":
            if stack:
                stack.pop()
        elif char == ":":
            if stack:
                stack[-1].expects_key = False
        elif char == ",":
            if stack:
                stack[-1].expects_key = True
                stack[-1].position += 1
        else:
            problem, pos = _number(text, pos, digits)
            if problem:
                return _path(stack), problem
            continue
        pos += 1
    return None


def _number(text: str, pos: int, digits: int) -> tuple[str, int]:
    """What is wrong with the number (or constant) at ``pos``, and where it ends."""
    constant = _CONSTANT.match(text, pos)
    if constant is not None:
        return f"is {constant.group()}, which JSON cannot hold", constant.end()
    number = _NUMBER.match(text, pos)
    if number is None:
        return "", pos + 1
    token = number.group()
    if token.lstrip("-").isdigit():
        if digits and len(token.lstrip("-")) > digits:
            return f"is a number of {len(token.lstrip('-'))} digits, more than {digits}", pos
    elif not math.isfinite(float(token)):
        return "is a number too large to read", pos
    return "", number.end()
