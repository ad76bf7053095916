"""What the project's last build wrote that its sources do not say, read from its
``designdoc.json``: verification, the objects of sphinx-needs needs, and the objects of
each page as the build read them (they stand in for pages the server has not read yet).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..codec import decode_object
from ..evidence.verify import Verification
from ..model import Item


@dataclass
class BuildData:
    """What the project's last build wrote that the sources do not say."""

    path: Path | None = None
    verification: dict[str, Verification] = field(default_factory=dict)
    #: objects of this project that no directive of ours declares (mapped needs)
    foreign: list[Item] = field(default_factory=list)
    #: the objects our directives declared, as the build read them
    objects: list[Item] = field(default_factory=list)
    #: when the build wrote it (a page changed since is not what it says)
    mtime: float = 0.0

    @classmethod
    def read(cls, confdir: Path) -> BuildData:
        path = _newest_report(confdir)
        if path is None:
            return cls()
        try:
            mtime = path.stat().st_mtime
            data = json.loads(path.read_bytes())
            rows = [decode_object(row) for row in data.get("objects", ())]
        except Exception:  # a broken report says nothing; the build reports it
            return cls()
        return cls(
            path,
            {row.item.id: row.verification for row in rows if row.verification is not None},
            [row.item for row in rows if row.item.origin and not row.item.external],
            [row.item for row in rows if row.item.declared_here],
            mtime,
        )


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's modification time (ns) and size, None when it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _newest_report(confdir: Path) -> Path | None:
    found = [
        p
        for base in (confdir / "_build", confdir.parent / "_build", confdir.parent / "build")
        if base.is_dir()
        for p in base.glob("*/designdoc.json")
    ]
    found += [p for p in (confdir / "_build" / "designdoc.json",) if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)
