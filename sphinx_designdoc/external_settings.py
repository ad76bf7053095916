"""The reader of ``designdoc_external``, which :class:`.config.Settings` declares: an
entry is checked before anything is fetched or read, and quoted with its URLs
redacted.  No Sphinx here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .safety import redact_url, url_scheme
from .vocabulary import ConfigError


def read_external(value: Any, reading: Any) -> tuple[Mapping[str, Any], ...]:
    """The usable entries; each other one is reported and left out."""
    if not isinstance(value, list | tuple):
        raise ConfigError("designdoc_external must be a list of {path or url, prefix, ...} dicts")
    external: list[Mapping[str, Any]] = []
    for entry in value:
        problem = external_entry_problem(entry)
        if problem is None:
            external.append(entry)
        else:
            reading.problems.append(problem)
    return tuple(external)


def _shown_entry(entry: Any) -> Any:
    """``entry`` as a warning may quote it: every string in it that holds a URL redacted
    (it may hold credentials, whatever key it is under)."""
    if isinstance(entry, str):
        return redact_url(entry) if "://" in entry else entry
    if isinstance(entry, Mapping):
        return {k: _shown_entry(v) for k, v in entry.items()}
    if isinstance(entry, list | tuple):
        return [_shown_entry(v) for v in entry]
    return entry


def external_entry_problem(entry: Any) -> str | None:
    """Why a ``designdoc_external`` entry cannot be used, or None when it can.  An
    entry is quoted with its URLs redacted: they may hold credentials."""
    if not isinstance(entry, Mapping):
        return (
            "designdoc_external entries must be dicts with a 'path' or a 'url', "
            f"not {_shown_entry(entry)!r}"
        )
    sources = [key for key in ("path", "url") if key in entry]
    if len(sources) != 1 or not isinstance(entry[sources[0]], str) or not entry[sources[0]]:
        return (
            "designdoc_external entries need either a 'path' or a 'url' string: "
            f"{_shown_entry(entry)!r}"
        )
    label = entry["path"] if sources[0] == "path" else redact_url(entry["url"])
    if "url" in entry and url_scheme(entry["url"]) not in ("http", "https"):
        return f"designdoc_external {label!r}: 'url' must be an http or https URL"
    for key in ("prefix", "base_url"):
        if key in entry and not isinstance(entry[key], str):
            return f"designdoc_external {label!r}: {key!r} must be a string"
    timeout = entry.get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        return f"designdoc_external {label!r}: 'timeout' must be a number of seconds (more than 0, at most 300)"
    types = entry.get("types", {})
    if not isinstance(types, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in types.items()
    ):
        return f"designdoc_external {label!r}: 'types' must map type names to type names"
    return None
