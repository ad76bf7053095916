"""What each member of ``designdoc.json`` must be, checked once at the door.

A report that another program wrote or a person edited is named with the first member
that is wrong (``objects[3].links must be ..., not a list``), instead of failing deep
inside a reader.  Everything a reader relies on is checked here, so that past
:func:`check_report` a reader may take a member's type for granted (it still finds a
member missing: only an object's ``id`` and a finding's ``subtype`` and ``message`` are
required, as reports of other versions leave members out).  Members this version does
not know are kept, but may not nest deeper than :data:`MAX_NESTING` nor hold a number
that JSON cannot write back.  No Sphinx here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

#: how deep a member this version does not know may nest (a report's own members go
#: six levels down): readers and writers recurse into what they keep
MAX_NESTING = 32
#: a name longer than this is shortened where it names a place
_NAME_SHOWN = 40
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-]+")


class DecodeError(ValueError):
    """A report member that does not have the shape ``designdoc.json`` gives it;
    ``where`` is its path in the file, e.g. ``objects[3].links.addresses``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where or 'the top level'} {message}")
        self.where = where


def join(where: str, name: str) -> str:
    """The path of member ``name`` of ``where``: ``links.addresses``, or quoted when the
    name is not a plain word (``incoming["addressed by"]``), shortened when long, so a
    path stays one readable line whatever the file holds."""
    if len(name) <= _NAME_SHOWN and _PLAIN_NAME.fullmatch(name):
        return f"{where}.{name}" if where else name
    shown = name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 3] + "..."
    return f"{where}[{json.dumps(shown, ensure_ascii=False)}]"


def index(where: str, position: int) -> str:
    return f"{where}[{position}]"


#: where a member is: the path it starts from (``""`` for the top of a report), or the
#: place of its container and its key or position there.  Built as pairs and spelled
#: only for an error: a large report has hundreds of thousands of members.
Place: TypeAlias = str | tuple["Place", str | int]
Check = Callable[[Any, Place], None]


def spell(place: Place) -> str:
    """The path of a place, as an error names it: ``objects[3].links.addresses``."""
    steps: list[str | int] = []
    while isinstance(place, tuple):
        place, step = place
        steps.append(step)
    where = place
    for step in reversed(steps):
        where = index(where, step) if isinstance(step, int) else join(where, step)
    return where


def type_name(value: Any) -> str:
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


def _is(*types: type, optional: bool = False, wanted: str = "") -> Check:
    names = dict.fromkeys(type_name(t()) for t in types)
    wanted = wanted or " or ".join(names) + (" or null" if optional else "")
    # exact types pass at once (bool is an int in Python, but not a number in a report;
    # a float must be finite, as JSON has no infinity)
    exact = frozenset(t for t in types if t is not float) | ({type(None)} if optional else set())

    def check(value: Any, place: Place) -> None:
        if type(value) in exact:
            return
        if isinstance(value, float):
            if float in types and math.isfinite(value):
                return
        elif isinstance(value, types) and not isinstance(value, bool):
            return  # a subclass: a str of a docutils node, say
        shown = str(value) if isinstance(value, float) else type_name(value)
        raise DecodeError(spell(place), f"must be {wanted}, not {shown}")

    return check


def _count(optional: bool = False, least: int = 0) -> Check:
    """A whole number of ``least`` or more: a line, a number of objects or findings."""
    is_int = _is(int, optional=optional, wanted="a whole number" + " or null" * optional)

    def check(value: Any, place: Place) -> None:
        is_int(value, place)
        if value is not None and value < least:
            raise DecodeError(spell(place), f"must be {least} or more, not {value}")

    return check


def _list_of(item: Check, wanted: str = "a list") -> Check:
    is_list = _is(list, wanted=wanted)

    def check(value: Any, place: Place) -> None:
        is_list(value, place)
        for position, element in enumerate(value):
            item(element, (place, position))

    return check


def _map_of(item: Check, wanted: str = "an object") -> Check:
    is_dict = _is(dict, wanted=wanted)

    def check(value: Any, place: Place) -> None:
        is_dict(value, place)
        for key, element in value.items():
            item(element, (place, key))

    return check


def free(value: Any, place: Place) -> None:
    """A member this version does not read: any JSON, kept as it is, within bounds."""
    stack = [(value, place, 0)]
    while stack:
        value, place, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise DecodeError(spell(place), f"is {value}, which JSON cannot hold")
        if isinstance(value, dict | list):
            if depth >= MAX_NESTING:
                raise DecodeError(spell(place), f"is nested more than {MAX_NESTING} levels deep")
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            # reversed: the first wrong member in the file's order is named
            stack.extend(reversed([(v, (place, k), depth + 1) for k, v in pairs]))


def _record(members: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    """An object with these members; a member it does not list is :func:`free`."""
    is_dict = _is(dict)

    def check(value: Any, place: Place) -> None:
        is_dict(value, place)
        for name, element in value.items():
            members.get(name, free)(element, (place, name))
        for name in required:
            if name not in value:
                raise DecodeError(spell(place), f"has no {name!r}")

    return check


TEXT = _is(str)
OPTIONAL_TEXT = _is(str, optional=True)
IDS = _list_of(TEXT, "a list of IDs")
NAMES = _list_of(TEXT, "a list of names")
_TEXTS = _list_of(TEXT, "a list of text")
_TEXT_OR_TEXTS = _is(str, wanted="text or a list of text")


def _field_value(value: Any, place: Place) -> None:
    (_TEXTS if type(value) is list else _TEXT_OR_TEXTS)(value, place)


SUSPECT = _record(
    {"link": TEXT, "target": TEXT, "changed": NAMES},
    required=("link", "target", "changed"),
)

TEST = _record(
    {
        "id": TEXT,
        "outcome": TEXT,
        "file": TEXT,
        "line": _count(),
        "message": TEXT,
    },
    required=("id", "outcome"),
)

VERIFICATION = _record(
    {"state": TEXT, "tests": _list_of(TEST, "a list of tests")},
    required=("state",),
)

CODE = _record(
    {"path": TEXT, "line": _count(), "url": OPTIONAL_TEXT},
    required=("path", "line"),
)

OBJECT = _record(
    {
        "id": TEXT,
        "type": TEXT,
        "title": TEXT,
        "status": TEXT,
        "fields": _map_of(_field_value, "an object of field names to values"),
        "docname": OPTIONAL_TEXT,
        "source": OPTIONAL_TEXT,
        "line": _count(optional=True),
        "url": OPTIONAL_TEXT,
        "external": _is(bool),
        "origin": OPTIONAL_TEXT,
        "content": OPTIONAL_TEXT,
        "text": OPTIONAL_TEXT,
        "suspect": _list_of(SUSPECT, "a list of suspect links"),
        "verification": VERIFICATION,
        "code": _list_of(CODE, "a list of code tags"),
        "links": _map_of(IDS, "an object of link names to lists of IDs"),
        "incoming": _map_of(IDS, "an object of incoming link names to lists of IDs"),
        "traced": _is(bool, optional=True),
    },
    required=("id",),
)

FINDING = _record(
    {
        "subtype": TEXT,
        "rule": TEXT,
        "message": TEXT,
        "id": OPTIONAL_TEXT,
        "docname": OPTIONAL_TEXT,
        "source": OPTIONAL_TEXT,
        "line": _count(optional=True),
        "suppressed": _is(bool),
    },
    required=("subtype", "message"),
)

FIELD_DEF = _record(
    {
        "kind": TEXT,
        "choices": NAMES,
        "default": OPTIONAL_TEXT,
        "separator": TEXT,
    }
)

VOCABULARY = _record(
    {
        "types": _map_of(
            _record(
                {
                    "label": TEXT,
                    "statuses": NAMES,
                    "inactive_statuses": NAMES,
                    "fields": _map_of(FIELD_DEF, "an object of field names to fields"),
                    "color": TEXT,
                    "page_header": _is(bool),
                    "verifiable": _is(bool),
                }
            ),
            "an object of type names to types",
        ),
        "links": _map_of(
            _record(
                {
                    "incoming": TEXT,
                    "sources": NAMES,
                    "targets": NAMES,
                    "traces": _is(bool),
                    "affects": NAMES,
                    "loops": _is(bool),
                }
            ),
            "an object of link names to links",
        ),
    }
)

COVERAGE = _record(
    {"traced": _count(), "total": _count(), "percent": _is(int, float)},
    required=("traced", "total", "percent"),
)

REPORT = _record(
    {
        "schema_version": _count(least=1),
        "generator": _record({"name": TEXT, "version": TEXT}),
        "project": OPTIONAL_TEXT,
        "vocabulary": VOCABULARY,
        "tracing_statuses": NAMES,
        "coverage": _map_of(COVERAGE, "an object of type names to coverage"),
        "checks": _map_of(_count(), "an object of check names to numbers of findings"),
        "objects": _list_of(OBJECT, "a list of objects"),
        "findings": _list_of(FINDING, "a list of findings"),
        "lock": OPTIONAL_TEXT,
    },
    required=("objects",),
)


def check_report(data: Any) -> None:
    """Raise :class:`DecodeError` naming the first member of ``data`` that does not
    have the shape of a ``designdoc.json`` report."""
    REPORT(data, "")


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(data: Any) -> None:
    """Raise :class:`DecodeError` naming the first string (or key) of ``data`` that
    holds half of a UTF-16 pair: JSON can spell one (``"\\ud800"``), Python reads it,
    but it is not text, and no file or terminal can be written with it."""
    stack: list[tuple[Any, Place]] = [(data, "")]
    while stack:
        value, place = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise DecodeError(spell(place), "holds a lone UTF-16 surrogate, which is not text")
        elif isinstance(value, dict):
            if any(_SURROGATE.search(key) for key in value):
                raise DecodeError(spell(place), "has a name holding a lone UTF-16 surrogate")
            stack.extend(reversed([(child, (place, key)) for key, child in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(child, (place, i)) for i, child in enumerate(value)]))


def may_hold_surrogates(raw: bytes) -> bool:
    """Whether JSON text may spell a lone surrogate (only a ``\\uD800``-``\\uDFFF``
    escape can; a build never writes one): :func:`check_text` is needed only then."""
    return b"\\ud" in raw or b"\\uD" in raw


def check_object(data: Any, where: str) -> None:
    """:func:`check_report` for one object row, read on its own."""
    OBJECT(data, where)


def check_finding(data: Any, where: str) -> None:
    """:func:`check_report` for one finding, read on its own."""
    FINDING(data, where)
