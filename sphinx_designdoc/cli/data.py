"""Which ``designdoc.json`` a reading verb reads: what ``--data`` names, or the newest
report under the usual build folders.

A source folder is built first (:mod:`..build`), which is why this lives with the
command line and not with the report readers: reading a report never runs Sphinx.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from ..build import build_cached
from ..codec import FILENAME as REPORT_NAME
from ..reports.load import DataError

#: where a build usually leaves designdoc.json, relative to the current folder
BUILD_FOLDERS = (
    "_build/html",
    "_build/designdoc",
    "_build/dirhtml",
    "docs/_build/html",
    "docs/_build/designdoc",
    "docs/_build/dirhtml",
    "doc/_build/html",
    "doc/_build/designdoc",
    "build/html",
    "build/designdoc",
    "build/sphinx/html",
    "docs/build/html",
    "docs/build/designdoc",
)


def _usual_report(base: Path) -> Path | None:
    """The newest designdoc.json under ``base``'s usual build folders."""
    found = [base / folder / REPORT_NAME for folder in BUILD_FOLDERS]
    existing = [p for p in found if p.is_file()]
    if not existing:
        return None
    return max(existing, key=lambda p: p.stat().st_mtime)


def resolve_data(
    data: str | None,
    *,
    verbose: bool = False,
    jobs: int = 1,
    say: Callable[[str], None] | None = None,
) -> Path:
    """The designdoc.json that ``--data`` names, building a source folder if need be.

    When it had to look for the file (no ``--data``, or a folder to search), ``say``
    hears which file it read and how old it is: a stale report should not pass for a
    fresh one.
    """
    if data is None:
        found = _usual_report(Path.cwd())
        if found is None:
            looked = ", ".join(BUILD_FOLDERS[:4]) + ", ..."
            raise DataError(
                f"no designdoc.json found under the current folder ({looked}); "
                "build the docs first or pass --data PATH"
            )
        return _found(found, say)
    path = Path(data)
    if not path.exists():
        raise DataError(f"no such file or folder: {data}")
    if not path.is_dir():  # a file, or a pipe: --data <(git show main:designdoc.json)
        return path
    if (path / REPORT_NAME).is_file():
        return _found(path / REPORT_NAME, say)
    if (path / "conf.py").is_file():
        return build_cached(path, verbose=verbose, jobs=jobs)
    nested = _usual_report(path)
    if nested is not None:
        return _found(nested, say)
    raise DataError(
        f"{data} holds neither designdoc.json nor conf.py; pass a designdoc.json, "
        "a build output folder or a Sphinx source folder"
    )


def _found(path: Path, say: Callable[[str], None] | None) -> Path:
    if say is not None:
        try:
            shown = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            shown = str(path)
        say(f"reading {shown} (written {_age(time.time() - path.stat().st_mtime)})")
    return path


def _age(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' * (count != 1)} ago"
    return "just now"
