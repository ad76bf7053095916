"""The ``designdoc`` command: look up, check, compare and export design records.

The reading verbs (``trace``, ``impact``, ``diff``, ``export``) work from a saved
``designdoc.json`` and never import Sphinx or docutils, so a lookup on a large project
answers in a fraction of a second.  Only ``check`` and ``--data SRC`` (a source folder)
build, and they import Sphinx when they do.  Every expected error is one line on stderr
and exit status 2; ``check`` exits 1 when a finding is not suppressed.

The commands are small functions over the library (:mod:`..reports.load`, :mod:`.data`,
:mod:`..reports.diff`, :mod:`..build`); this module runs them and turns every expected
error into one line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from ..build import BuildError
from ..reports.load import DataError
from ..safety import terminal_text
from .errors import EXIT_ERROR, EXIT_OK, CLIError, UsageError
from .parser import build_parser
from .terminal import write_line

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        write_line(str(exc), sys.stderr)
        return EXIT_ERROR
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (CLIError, DataError, BuildError) as exc:
        write_line(f"designdoc: error: {terminal_text(str(exc))}", sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # the reader (``| head``) went away: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        write_line("designdoc: interrupted", sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("DESIGNDOC_DEBUG"):
            raise
        write_line(
            f"designdoc: error: unexpected {type(exc).__name__}: {terminal_text(str(exc))} "
            "(set DESIGNDOC_DEBUG=1 for the traceback)",
            sys.stderr,
        )
        return EXIT_ERROR
