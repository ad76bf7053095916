"""Reading an object directive's option block ourselves.

docutils parses a directive's options by running a nested state machine over them,
built anew for every directive: for a project of thousands of objects that is a large
share of the whole build (see benchmarks/RESULTS.md).  MyST parses them as YAML, which
drops every option of an object when one value looks like YAML of another kind
(``:version: >=8.0,<9``).  An object directive therefore declares an option spec that
both see as empty (:class:`OwnOptions`), so that they hand the option block over as
written, and reads it here:

- reStructuredText: the block follows the title in the directive's argument, one line
  per option (``:name: value``), a value continued on more indented lines;
- MyST: the block opens the content, as ``:name: value`` lines or as a ``---``
  delimited ``name: value`` block; a value in quotes is read without them, and
  ``[a, b]`` as the list ``a, b``, as MyST's YAML reading gave them.

Option names are compared in lower case, as docutils compares them.  No docutils here.
"""

# implements: DEC-LENIENT-OPTIONS (docs/design.rst)

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: ``:name: value``, with the name as docutils' field marker reads it (no ``: `` inside)
_OPTION = re.compile(r"^:(?![: ])((?:[^:\\]|\\.|:(?!(?:[ `]|$)))*)(?<! ):(?:[ \t]+(.*)|$)")
#: an option's name in a MyST ``---`` block (checked on the text before the first colon:
#: a pattern that looked for the colon itself backtracked over long lines)
_YAML_NAME = re.compile(r"[A-Za-z0-9_][\w -]*")
#: how much of a line a problem quotes
_QUOTED = 80


class OwnOptions(dict[str, Callable[[Any], Any]]):
    """The options of an object directive, for tools that list them; empty to docutils
    and MyST (``bool()`` is False), which then leave the option block to
    :func:`read_block`.  Every name is accepted: an unknown one becomes a located
    ``designdoc.invalid`` warning naming the known options."""

    def __bool__(self) -> bool:
        return False

    def __missing__(self, key: str) -> Callable[[Any], Any]:
        return as_text


def as_text(value: Any) -> str:
    """An option value as text, stripped (also the converter of every option of ours,
    which accepts anything: MyST may hand over YAML scalars)."""
    return "" if value is None else str(value).strip()


@dataclass
class OptionBlock:
    """What an option block said: the options in the order written (the first of a
    repeated name), and what could not be read, each with the line (an offset from the
    directive's first line) it is on."""

    options: dict[str, str] = field(default_factory=dict)
    #: option name -> offset of its line from the directive's line
    lines: dict[str, int] = field(default_factory=dict)
    #: (message, offset)
    problems: list[tuple[str, int]] = field(default_factory=list)


def read_rst(argument: str) -> tuple[str, OptionBlock]:
    """The title and the options of a reStructuredText object directive, from its one
    argument: the title's lines, then the option lines (docutils hands them over as
    one argument when the directive declares no options)."""
    lines = argument.splitlines()
    block = OptionBlock()
    title_lines: list[str] = []
    index = 0
    while index < len(lines) and not _OPTION.match(lines[index]):
        title_lines.append(lines[index].strip())
        index += 1
    _read_lines(lines[index:], index, block)
    return " ".join(line for line in title_lines if line), block


def read_myst(content: Sequence[str]) -> tuple[int, OptionBlock]:
    """The options that open a MyST directive's content, and how many content lines
    they take (a blank line after them included)."""
    block = OptionBlock()
    lines = list(content)
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            block.problems.append(("the '---' option block is not closed with '---'", 1))
            return 0, block
        _read_yaml(lines[1:end], 2, block)
        used = end + 1
    else:
        used = 0
        while used < len(lines) and lines[used].strip():
            if not _OPTION.match(lines[used]) and not lines[used][:1].isspace():
                break
            used += 1
        if used and not _OPTION.match(lines[0]):
            return 0, block  # the content starts with text: no option block
        _read_lines(lines[:used], 1, block)
        # MyST read these lines as YAML too: a value in quotes means the text inside
        block.options = {name: _unquote(value) for name, value in block.options.items()}
    if used < len(lines) and not lines[used].strip():
        used += 1
    return used, block


def _read_lines(lines: Sequence[str], first: int, block: OptionBlock) -> None:
    """``:name: value`` lines, a value continued on more indented lines; ``first`` is
    the offset of ``lines[0]`` from the directive's line."""
    name: str | None = None  # the option a more indented line continues
    for offset, line in enumerate(lines, first):
        match = _OPTION.match(line)
        if match:
            name = _add(block, match.group(1).lower(), match.group(2) or "", offset)
        elif line[:1].isspace():
            if name is not None:
                value = block.options[name]
                block.options[name] = f"{value}\n{line.strip()}" if value else line.strip()
        elif line.strip():
            block.problems.append(
                (f"{_quote(line)} is not an option (write options as ':name: value')", offset)
            )
            name = None


def _read_yaml(lines: Sequence[str], first: int, block: OptionBlock) -> None:
    """``name: value`` lines of a MyST ``---`` block: a value in quotes is read without
    them, ``[a, b]`` as the list ``a, b``; continued on more indented lines."""
    name: str | None = None
    for offset, line in enumerate(lines, first):
        option = _yaml_option(line)
        if option and not line[:1].isspace():
            name = _add(block, option[0].lower(), _unquote(option[1]), offset)
        elif line[:1].isspace() and name is not None and line.strip():
            value = block.options[name]
            piece = line.strip().removeprefix("- ").strip()
            block.options[name] = f"{value}, {piece}" if value else piece
        elif line.strip() and not line.lstrip().startswith("#"):
            block.problems.append(
                (f"{_quote(line)} is not an option (write options as 'name: value')", offset)
            )
            name = None


def _yaml_option(line: str) -> tuple[str, str] | None:
    """``name: value`` (the value after a space or tab; none at the end of the line), or
    None; linear in the line's length."""
    name, colon, rest = line.partition(":")
    name = name.rstrip(" \t")
    if not colon or not _YAML_NAME.fullmatch(name) or rest[:1] not in ("", " ", "\t"):
        return None
    return name, rest.lstrip(" \t")


def _quote(line: str) -> str:
    """A line for a message: its start, quoted, and how much is left out."""
    text = line.strip()
    if len(text) <= _QUOTED:
        return repr(text)
    return f"{text[:_QUOTED]!r} (and {len(text) - _QUOTED:,} more characters)"


def _unquote(value: str) -> str:
    """A value as YAML reads a scalar: ``"..."`` with its backslash escapes, ``'...'``
    with ``''`` for a quote."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return str(json.loads(value))  # YAML's double-quoted escapes, as JSON's
        except ValueError:
            return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if value.startswith("[") and value.endswith("]"):
        return ", ".join(_unquote(part) for part in value[1:-1].split(",") if part.strip())
    return "" if value in ("|", ">", "|-", ">-") else value


def _add(block: OptionBlock, name: str, value: str, offset: int) -> str | None:
    """Record an option; the name when it was recorded, None for a repeated one (whose
    continuation lines are then left out too)."""
    if name in block.options:
        block.problems.append((f"option :{name}: is given twice; the first value is kept", offset))
        return None
    block.options[name] = value.strip()
    block.lines[name] = offset
    return name
