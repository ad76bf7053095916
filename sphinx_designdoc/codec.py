"""Reading ``designdoc.json`` back: what each member must be, checked once at the door.

Every reader of a report (the command line, ``designdoc_external``) first checks it
here, so code further in can rely on the shapes: a report that another program wrote
or a person edited is named with the first field that is wrong, instead of failing
deep inside with ``AttributeError``.  No Sphinx here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class DecodeError(ValueError):
    """A report member that does not have the shape ``designdoc.json`` gives it;
    ``where`` is its path in the file, e.g. ``objects[3].links.addresses``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where or 'the top level'} {message}")
        self.where = where


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


Check = Callable[[Any, str], None]


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _is(*types: type, optional: bool = False) -> Check:
    names = dict.fromkeys(_type_name(t()) for t in types)
    wanted = " or ".join(names) + (" or null" if optional else "")

    def check(value: Any, where: str) -> None:
        if value is None and optional:
            return
        # bool is an int in Python, but not a number in a report
        if isinstance(value, bool) and bool not in types:
            raise DecodeError(where, f"must be {wanted}, not {_type_name(value)}")
        if not isinstance(value, types):
            raise DecodeError(where, f"must be {wanted}, not {_type_name(value)}")

    return check


def _list_of(item: Check) -> Check:
    def check(value: Any, where: str) -> None:
        _is(list)(value, where)
        for index, element in enumerate(value):
            item(element, f"{where}[{index}]")

    return check


def _map_of(item: Check) -> Check:
    def check(value: Any, where: str) -> None:
        _is(dict)(value, where)
        for key, element in value.items():
            item(element, _join(where, key))

    return check


def _record(members: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check(value: Any, where: str) -> None:
        _is(dict)(value, where)
        for name in required:
            if name not in value:
                raise DecodeError(where, f"has no {name!r}")
        for name, member in members.items():
            if name in value:
                member(value[name], _join(where, name))

    return check


_TEXT = _is(str)
_OPTIONAL_TEXT = _is(str, optional=True)
_IDS = _list_of(_TEXT)


def _field_value(value: Any, where: str) -> None:
    if isinstance(value, list):
        _IDS(value, where)
    else:
        _TEXT(value, where)


OBJECT = _record(
    {
        "id": _TEXT,
        "type": _TEXT,
        "title": _TEXT,
        "status": _TEXT,
        "fields": _map_of(_field_value),
        "docname": _OPTIONAL_TEXT,
        "source": _OPTIONAL_TEXT,
        "line": _is(int, optional=True),
        "url": _OPTIONAL_TEXT,
        "external": _is(bool),
        "links": _map_of(_IDS),
        "incoming": _map_of(_IDS),
        "traced": _is(bool, optional=True),
    },
    required=("id",),
)

FINDING = _record(
    {
        "subtype": _TEXT,
        "rule": _TEXT,
        "message": _TEXT,
        "id": _OPTIONAL_TEXT,
        "docname": _OPTIONAL_TEXT,
        "source": _OPTIONAL_TEXT,
        "line": _is(int, optional=True),
        "suppressed": _is(bool),
    }
)

VOCABULARY = _record(
    {
        "types": _map_of(
            _record(
                {
                    "label": _TEXT,
                    "statuses": _IDS,
                    "inactive_statuses": _IDS,
                    "fields": _map_of(_is(dict)),
                }
            )
        ),
        "links": _map_of(
            _record({"incoming": _TEXT, "sources": _IDS, "targets": _IDS, "traces": _is(bool)})
        ),
    }
)

REPORT = _record(
    {
        "schema_version": _is(int),
        "generator": _is(dict),
        "project": _OPTIONAL_TEXT,
        "vocabulary": VOCABULARY,
        "tracing_statuses": _IDS,
        "coverage": _map_of(
            _record({"traced": _is(int), "total": _is(int), "percent": _is(int, float)})
        ),
        "checks": _map_of(_is(int)),
        "objects": _list_of(OBJECT),
        "findings": _list_of(FINDING),
    },
    required=("objects",),
)


def check_report(data: Any) -> None:
    """Raise :class:`DecodeError` naming the first member of ``data`` that does not
    have the shape of a ``designdoc.json`` report."""
    REPORT(data, "")


def check_object(data: Any, where: str) -> None:
    """:func:`check_report` for one object row, read on its own."""
    OBJECT(data, where)
