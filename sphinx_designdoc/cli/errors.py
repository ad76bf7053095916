"""The command's exit statuses and its errors."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class CLIError(Exception):
    """An expected failure: reported as one line on stderr, exit status 2."""


class UsageError(CLIError):
    """A command line argparse refused; its message names the command already."""
