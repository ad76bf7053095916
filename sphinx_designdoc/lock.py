"""``designdoc.lock``: the links a person reviewed, with what their targets meant then.

When a requirement's text changes, the decisions addressing it may no longer hold.  The
lock keeps, per link (source ID, link name, target ID), a stamp of the target's meaning
when the link was last reviewed: a short digest of its title, of its body text and of
each field, and its status as written.  A build compares the stamps with the objects
(:func:`find_suspects`); ``designdoc review accept`` writes new ones (:func:`dump`).

The file is plain text, one sorted line per link, so a merge or a review of the lock
itself is easy:

.. code-block:: text

   DEC-1 addresses REQ-1 status=approved title=5d0c1a2b9e4f text=0a1b2c3d4e5f field.kind=77aa01bc9d3e

A stamp leaves out what does not change an object's meaning: its location, its own
links (a link's change is its source's, reviewed there), and whitespace (a reflowed
paragraph reads the same).  No Sphinx here.
"""

# implements: DEC-REVIEW-LOCK (docs/design.rst)

from __future__ import annotations

import functools
import hashlib
import sys
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .model import Item
from .safety import natural_key

#: the default file name, beside ``conf.py``
DEFAULT_NAME = "designdoc.lock"

#: the lock's first lines: what it is and how to change it
HEADER = (
    "# designdoc.lock: the links reviewed, and what their targets meant then.",
    "# Written by `designdoc review accept`; one line per link, sorted. A build warns",
    "# (designdoc.suspect) where a target changed since; review the link, then accept it.",
)

#: a link: (source ID, link name, target ID)
LinkKey = tuple[str, str, str]

#: a stamp: the parts after a lock line's three IDs, as the line holds them
#: (``status=approved title=… text=… field.kind=…``), so equal meanings are equal
#: strings and a build compares each link with one string comparison
Stamp = str

_CONFLICT_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")
_HEX = "0123456789abcdef"
_DIGEST_SIZE = 6  # 12 hex digits: a chance collision per change is one in 2.8e14
_FIXED = ("status", "title", "text")


def _digest(value: str) -> str:
    return hashlib.blake2b(value.encode("utf-8"), digest_size=_DIGEST_SIZE).hexdigest()


_EMPTY = _digest("")


@functools.lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    """A token of a lock line: no whitespace, ``=`` or ``%`` left as is.  Cached: the
    same statuses and field names are written on every line."""
    return urllib.parse.quote(value, safe="-_.:~/+@!$&'()*,;<>[]{}^|")


def _unquote(token: str) -> str:
    return urllib.parse.unquote(token, errors="strict")


#: fields that say how an object is checked, not what it means: a change to them makes
#: no link to the object suspect (which tests verify a requirement is not the requirement)
UNSTAMPED_FIELDS = frozenset({"verified-by"})


def stamp_of(item: Item) -> Stamp:
    """What ``item`` means, as the lock keeps it: its status as written, digests of its
    title, its body text and each field (but :data:`UNSTAMPED_FIELDS`), whitespace
    collapsed in all of them."""
    parts = [
        "status=" + _quote(item.status),
        "title=" + _digest(" ".join(item.title.split())),
        "text=" + (_digest(" ".join(item.text.split())) if item.text else _EMPTY),
    ]
    fields = item.fields
    for name in sorted(fields) if len(fields) > 1 else fields:
        if name in UNSTAMPED_FIELDS:
            continue
        value = fields[name]
        joined = "\x1f".join(value) if isinstance(value, tuple) else value
        parts.append(f"field.{_quote(name)}={_digest(' '.join(joined.split()))}")
    return " ".join(parts)


def _canonical(parts: Mapping[str, str]) -> Stamp:
    """A stamp from its parts (unquoted), in the order :func:`stamp_of` writes them."""
    rest = sorted(k for k in parts if k not in _FIXED)
    return " ".join(f"{_quote(k)}={_quote(parts[k])}" for k in (*_FIXED, *rest) if k in parts)


def parts_of(stamp: Stamp) -> dict[str, str]:
    """A stamp's parts: name -> value (unquoted)."""
    out: dict[str, str] = {}
    for token in stamp.split():
        name, _, value = token.partition("=")
        out[_unquote(name)] = _unquote(value)
    return out


def changes(stamp: Stamp, now: Stamp) -> list[str]:
    """What changed between two stamps of one target, in the order a reader looks:
    ``["status approved -> deprecated", "title", "text", "field 'kind'"]``."""
    before, after = parts_of(stamp), parts_of(now)
    out: list[str] = []
    if before.get("status") != after.get("status"):
        out.append(
            f"status {before.get('status') or '(none)'} -> {after.get('status') or '(none)'}"
        )
    out.extend(part for part in ("title", "text") if before.get(part) != after.get(part))
    names = sorted({k for k in (*before, *after) if k.startswith("field.")}, key=natural_key)
    out.extend(f"field {k[6:]!r}" for k in names if before.get(k) != after.get(k))
    return out


# -- the file --------------------------------------------------------------------------


def line_of(key: LinkKey, stamp: Stamp) -> str:
    return " ".join([_quote(key[0]), _quote(key[1]), _quote(key[2]), stamp])


def link_sort_key(key: LinkKey) -> tuple[object, ...]:
    source, name, target = key
    return (natural_key(source), name, natural_key(target))


def dump(entries: Mapping[LinkKey, Stamp]) -> str:
    """The lock's text for ``entries``: the header, then one sorted line per link."""
    lines = [*HEADER]
    lines += [line_of(key, entries[key]) for key in sorted(entries, key=link_sort_key)]
    return "\n".join(lines) + "\n"


@dataclass
class Lock:
    """A lock file as read: every stamp per link (a merge conflict may leave two), and
    the problems of its lines (line number, message)."""

    stamps: dict[LinkKey, list[Stamp]] = field(default_factory=dict)
    #: the line each link's first stamp is on
    lines: dict[LinkKey, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: the file, relative to the source folder, as findings name it
    source: str = DEFAULT_NAME


def parse(text: str) -> Lock:
    """Read a lock's text.  Every line that can be read is used; each problem is one
    entry of :attr:`Lock.problems` (a malformed line, a duplicate link outside a merge
    conflict, a merge conflict once per conflict)."""
    lock = Lock()
    in_conflict = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        marker = next((m for m in _CONFLICT_MARKERS if line.startswith(m)), None)
        if marker is not None:
            if marker == "<<<<<<<" and not in_conflict:
                in_conflict = True
                lock.problems.append(
                    (
                        number,
                        "unresolved merge conflict: the stamps of both sides are used (a "
                        "link is suspect only if neither matches); run 'designdoc review "
                        "accept --all' or accept the links concerned to write it clean",
                    )
                )
            elif marker == ">>>>>>>":
                in_conflict = False
            continue
        entry = _entry(line)
        if isinstance(entry, str):
            lock.problems.append((number, f"{entry}; the line is ignored: {_shown(line)}"))
            continue
        key, stamp = entry
        known = lock.stamps.get(key)
        if known is None:
            lock.stamps[key] = [stamp]
            lock.lines[key] = number
            continue
        known.append(stamp)
        if not in_conflict:
            lock.problems.append(
                (
                    number,
                    f"duplicate entry for {key[0]} {key[1]} {key[2]} (first on line "
                    f"{lock.lines[key]}): the link is suspect only if neither stamp matches",
                )
            )
    return lock


def _shown(line: str, limit: int = 80) -> str:
    return repr(line if len(line) <= limit else line[: limit - 3] + "...")


def _entry(line: str) -> tuple[LinkKey, Stamp] | str:
    """A line's link and stamp, or what is wrong with it.  Linear, and fast on the
    common line (no ``%``-escape): every build of a large project reads the lock."""
    tokens = line.split()
    if len(tokens) < 4 or "=" in tokens[0] or "=" in tokens[1] or "=" in tokens[2]:
        return "not a lock entry (expected 'SOURCE LINK TARGET status=... title=... text=...')"
    escaped = "%" in line
    intern = sys.intern  # a target or link name is on many lines: kept once
    try:
        if escaped:
            key: LinkKey = (
                intern(_unquote(tokens[0])),
                intern(_unquote(tokens[1])),
                intern(_unquote(tokens[2])),
            )
        else:
            key = (intern(tokens[0]), intern(tokens[1]), intern(tokens[2]))
        stamp: dict[str, str] = {}
        for token in tokens[3:]:
            part, sep, value = token.partition("=")
            if not sep or not part:
                return f"{_shown(token, 40)} is not a 'part=value' pair"
            if escaped:
                part, value = _unquote(part), _unquote(value)
            if part != "status" and (len(value) != 2 * _DIGEST_SIZE or value.strip(_HEX)):
                return f"the value of {part!r} is not a digest of 12 hex digits"
            stamp[part] = value
    except UnicodeDecodeError:
        return "a %-escape is not UTF-8"
    if "status" not in stamp or "title" not in stamp or "text" not in stamp:
        missing = [p for p in _FIXED if p not in stamp]
        return f"missing {', '.join(missing)}"
    rest = [token.partition("=")[0] for token in tokens[6:]]
    canonical = (
        not escaped
        and tokens[3].startswith("status=")
        and tokens[4].startswith("title=")
        and tokens[5].startswith("text=")
        and len(stamp) == len(tokens) - 3
        and all(rest[i] < rest[i + 1] for i in range(len(rest) - 1))
    )
    # as written when it is written as stamp_of writes it (the common line)
    return key, " ".join(tokens[3:]) if canonical else _canonical(stamp)


# -- comparing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Suspect:
    """A link whose target changed since it was stamped."""

    link: str
    target: str
    #: what changed (:func:`changes`)
    changed: tuple[str, ...]


def stamp_links(sources: Iterable[Item], by_id: Mapping[str, Item]) -> dict[LinkKey, Stamp]:
    """The current stamp of every link of ``sources`` whose target is an object (a
    dangling link has nothing to stamp until its target exists): what ``designdoc
    review accept`` writes."""
    stamps: dict[str, Stamp] = {}
    out: dict[LinkKey, Stamp] = {}
    for item in sources:
        for name, targets in item.links.items():
            for target in targets:
                obj = by_id.get(target)
                if obj is None:
                    continue
                if target not in stamps:
                    stamps[target] = stamp_of(obj)
                out[(item.id, name, target)] = stamps[target]
    return out


def find_suspects(
    items: Iterable[Item], by_id: Mapping[str, Item], lock: Lock
) -> dict[str, list[Suspect]]:
    """Per source object ID, its stamped links whose target no longer matches any of
    the link's stamps.  A link without a stamp is not suspect (it is unstamped, which
    ``designdoc review status`` lists); nor one whose target is not an object (the
    ``dangling`` check says that)."""
    out: dict[str, list[Suspect]] = {}
    stamps_now: dict[str, Stamp] = {}
    for item in items:
        for name, targets in item.links.items():
            for target in targets:
                stamps = lock.stamps.get((item.id, name, target))
                if not stamps:
                    continue
                obj = by_id.get(target)
                if obj is None:
                    continue
                now = stamps_now.get(target)
                if now is None:
                    now = stamps_now[target] = stamp_of(obj)
                if now in stamps:  # a stamp equal to the target's meaning now
                    continue
                changed = tuple(changes(stamps[0], now)) or ("stamp",)
                out.setdefault(item.id, []).append(Suspect(name, target, changed))
    return out


def describe(changed: Iterable[str]) -> str:
    """``title and field 'kind'``: what changed, as a message says it."""
    names = list(changed)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
