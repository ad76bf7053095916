"""Finding and reading a ``designdoc.json`` for the command line's reading verbs.

A report is read once, checked member by member (:func:`..shapes.check_report`), and
every problem is a :class:`DataError` of one line naming the file and what is wrong.
``trace`` decodes only the objects it shows (:mod:`.reader`); everything else parses the
whole file.  Which file ``--data`` names, and building a source folder for it, is the
command line's business (:mod:`..cli.data`): reading a report never runs Sphinx.
"""

# implements: DEC-CLI-JSON (docs/design.rst)

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._version import __version__
from ..codec import SCHEMA_VERSION
from ..shapes import DecodeError, check_object, check_report, check_text, may_hold_surrogates
from .locate import trouble


class DataError(Exception):
    """A report that cannot be found or read: one line for the user, exit status 2."""


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise DataError(f"{path} is a folder, not a designdoc.json") from None
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None


def _check_header(path: Path, data: Mapping[str, Any]) -> None:
    version = data.get("schema_version")
    if not isinstance(version, int) or version <= 1:
        return
    if version > SCHEMA_VERSION:
        raise DataError(
            f"{path} has schema version {version}, newer than this sphinx-designdoc "
            f"({__version__}) reads ({SCHEMA_VERSION}); upgrade sphinx-designdoc"
        )


class _Refused(ValueError):
    """A number JSON cannot hold (``NaN``, ``Infinity``, ``1e400``): Python reads them,
    but no other program does, and a report written back with one is not JSON."""


def _refuse_constant(name: str) -> Any:
    raise _Refused(name)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(text)
    return value


def _parse(path: Path, raw: bytes) -> Any:
    """The JSON in ``raw``; every refusal is one line naming the file and the place."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text: {exc.reason}") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "rebuild the docs to rewrite it"
        ) from None
    except (RecursionError, ValueError):
        # nested too deeply, a number too long or too large: json does not say where
        found = trouble(text)
    if found is None:
        raise DataError(f"{path} is not valid JSON; rebuild the docs to rewrite it")
    where, problem = found
    raise DataError(f"{path}: {where or 'the top level'} {problem}")


def load_report(path: Path, raw: bytes | None = None) -> dict[str, Any]:
    """Read and check a designdoc.json; every problem is a one-line :class:`DataError`
    naming the file and the member (past it, members have the types
    :mod:`..shapes` gives them)."""
    raw = _read_bytes(path) if raw is None else raw
    data = _parse(path, raw)
    if not isinstance(data, dict) or "objects" not in data:
        raise DataError(f"{path} is not a designdoc.json report (it has no 'objects' list)")
    _check_header(path, data)
    try:
        check_report(data)
        if may_hold_surrogates(raw):
            check_text(data)
    except DecodeError as exc:
        raise DataError(f"{path}: {exc}") from None
    return data


def load_for_trace(path: Path, wanted: str) -> dict[str, Any]:
    """A report with the header and only the objects ``trace`` shows about ``wanted``.

    Decodes a few objects instead of the whole file (see :mod:`.reports.reader`); any
    surprise, including an ID it cannot find, falls back to :func:`load_report`, so
    errors and suggestions are those of the full parse.
    """
    from .reader import NotIndexable, ReportFile

    raw = _read_bytes(path)
    try:
        rf = ReportFile(raw)
        header = rf.header()
        if not isinstance(header.get("vocabulary"), dict):
            raise NotIndexable("no vocabulary")
        _check_header(path, header)
        objs: dict[str, dict[str, Any]] = {}

        def need(item_id: str) -> dict[str, Any]:
            if item_id not in objs:
                found = rf.get(item_id)
                if found is None:
                    raise NotIndexable(f"{item_id} not indexed")
                check_object(found, "object")  # its links are walked next
                objs[item_id] = found
            return objs[item_id]

        obj = need(wanted)
        # a surprise in what was read falls back to the full parse, which names it
        check_report({**header, "objects": [obj]})
        for targets in (obj.get("links") or {}).values():
            for target in targets:
                need(target)
        for sources in (obj.get("incoming") or {}).values():
            for source_id in sources:
                source = need(source_id)
                if source.get("type") == obj.get("type"):
                    continue
                for targets in (source.get("links") or {}).values():
                    for target in targets:
                        need(target)
        report = {**header, "objects": list(objs.values())}
        check_report(report)
        check_text(report)  # the few objects read: cheaper than looking for \ud escapes
        return report
    except (ValueError, RecursionError):
        # anything the shortcut cannot read (NotIndexable, DecodeError, bytes that are
        # not UTF-8, a number too long) is read and named by the full parse
        return load_report(path, raw)


def find_object(by_id: Mapping[str, Any], wanted: str, source: Path | None = None) -> Any:
    """The object with ID ``wanted``, or a :class:`DataError` that names the report it
    looked in (``source``) and suggests close IDs."""
    if wanted in by_id:
        return by_id[wanted]
    folded = [i for i in by_id if i.casefold() == wanted.casefold()]
    if len(folded) == 1:
        suggestions = folded
    else:
        import difflib

        suggestions = difflib.get_close_matches(wanted, list(by_id), n=3, cutoff=0.6)
    hint = ""
    if suggestions:
        hint = " (did you mean " + ", ".join(repr(s) for s in suggestions) + "?)"
    where = f" in {source}" if source is not None else ""
    raise DataError(f"unknown ID {wanted!r}{where}{hint}")
