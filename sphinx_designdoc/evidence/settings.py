"""Readers of the evidence settings (``designdoc_test_results``, ``designdoc_code``,
``designdoc_require_verified``, ``designdoc_require_implemented``), which
:class:`..config.Settings` declares.  No Sphinx here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..vocabulary import ConfigError, Schema, did_you_mean, name_list
from .code import CodeEntry, code_entries


def read_test_results(value: Any, reading: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        raise ConfigError(
            "designdoc_test_results must be a list of JUnit XML file globs (relative to "
            f"conf.py), not {value!r}"
        )
    return tuple(dict.fromkeys(v.strip() for v in value))


def required_types(name: str, everything: Callable[[Schema], set[str]]) -> Callable[..., Any]:
    """A reader of a ``designdoc_require_*`` setting: ``True`` means the types
    ``everything`` picks, a list names types, ``False`` none; an unknown type is
    reported and left out."""

    def read(value: Any, reading: Any) -> frozenset[str]:
        if value is False or value is None:
            return frozenset()
        if value is True:
            return frozenset(everything(reading.schema))
        types = reading.schema.types
        chosen: set[str] = set()
        for type_name in name_list(value, name):
            if type_name in types and not types[type_name].page_header:
                chosen.add(type_name)
            else:
                reading.problems.append(
                    f"{name}: {type_name!r} is not an object type"
                    f"{did_you_mean(type_name, types)}; it is left out"
                )
        return frozenset(chosen)

    return read


#: ``designdoc_require_verified``: ``True`` means every verifiable type
read_require_verified = required_types(
    "designdoc_require_verified",
    lambda schema: {name for name, t in schema.types.items() if t.verifiable},
)
#: ``designdoc_require_implemented``: ``True`` means the types tracing links start from
#: (decisions)
read_require_implemented = required_types(
    "designdoc_require_implemented",
    lambda schema: {s for link in schema.links.values() if link.traces for s in link.sources},
)


def read_code(value: Any, reading: Any) -> tuple[CodeEntry, ...]:
    """``designdoc_code``: every entry, or none when one cannot be used (a pattern or
    URL template that does not say what it should: scanning with the others would
    report their tags as if the setting were whole)."""
    return code_entries(value)
