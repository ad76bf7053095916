"""Text for a terminal: tables, colours that turn themselves off, JSON and files.

Whatever reaches the terminal from a report has passed :mod:`..safety` first: the
commands give these helpers text from which control characters are gone.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from ..safety import terminal_json, terminal_text
from .errors import CLIError


class Style:
    """ANSI styling that turns itself off for pipes, ``NO_COLOR`` and dumb terminals."""

    CODES = {
        "bold": "1",
        "dim": "2",
        "red": "31",
        "green": "32",
        "yellow": "33",
        "cyan": "36",
    }
    #: the colour of a status by its tone (:func:`..vocabulary.status_tone`)
    TONES = {"good": "green", "pending": "yellow", "bad": "red"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stream(cls, stream: IO[str], mode: str = "auto") -> Style:
        if mode == "always":
            return cls(True)
        if mode == "never" or os.environ.get("NO_COLOR"):
            return cls(False)
        if os.environ.get("FORCE_COLOR"):
            return cls(True)
        isatty = getattr(stream, "isatty", None)
        return cls(bool(isatty and isatty()) and os.environ.get("TERM") != "dumb")

    def __call__(self, value: str, *styles: str) -> str:
        codes = [self.CODES[s] for s in styles if s]
        if not self.enabled or not codes or not value:
            return value
        return f"\033[{';'.join(codes)}m{value}\033[0m"

    def status(self, value: str, tone: str) -> str:
        return self(value, self.TONES.get(tone, ""))


Cell = tuple[str, Sequence[str]] | str


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Cell]], style: Style) -> str:
    """Columns aligned on the visible text, styles applied after padding."""
    plain_rows: list[list[tuple[str, Sequence[str]]]] = [
        [(c, ()) if isinstance(c, str) else c for c in row] for row in rows
    ]
    widths = [len(h) for h in headers]
    for row in plain_rows:
        for i, (value, _) in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = [
        "  ".join(style(h.ljust(w), "bold") for h, w in zip(headers, widths, strict=True)).rstrip()
    ]
    for row in plain_rows:
        cells = []
        for i, (value, styles) in enumerate(row):
            padded = value.ljust(widths[i]) if i < len(row) - 1 else value
            cells.append(style(value, *styles) + padded[len(value) :] if styles else padded)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def status_cell(status: Any, tone: str) -> Cell:
    value = "" if status is None else str(status)
    colour = Style.TONES.get(tone)
    return (value, (colour,)) if colour else value


def announcer(args: Any) -> Callable[[str], None] | None:
    """Where a command says which report it found (stderr), unless ``-q``."""
    if getattr(args, "quiet", False):
        return None
    return lambda message: write_line(f"designdoc: {terminal_text(message)}", sys.stderr)


def write_line(text: str, stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(text if text.endswith("\n") else text + "\n")


def dump_json(data: Any) -> str:
    """JSON for a terminal or a pipe: the data exactly, no control character raw."""
    return terminal_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def write_output(text: str, output: str | None) -> None:
    if output in (None, "-"):
        if sys.stdout.isatty():  # a report shown on a terminal: no control sequence
            is_json = text.lstrip().startswith(("{", "["))
            text = terminal_json(text) if is_json else terminal_text(text)
        sys.stdout.write(text)
        return
    from ..fileio import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise CLIError(f"cannot write {output}: {exc.strerror or exc}") from None
