"""Checks of change review: links whose target changed since they were reviewed
(``designdoc.lock``), and lock entries that name no object."""

from __future__ import annotations

from collections.abc import Iterator

from ..lock import describe
from ..model import Finding
from .context import CheckContext, finding


def check_suspects(ctx: CheckContext) -> Iterator[Finding]:
    """A finding per suspect link, at the link's option: the source object is the one
    to review, since what it relied on changed."""
    for source_id, suspects in ctx.graph.suspects.items():
        item = ctx.graph.get(source_id)
        if item is None:
            continue
        for suspect in suspects:
            yield finding(
                "suspect",
                item,
                f"{source_id} {suspect.link} {suspect.target}, whose "
                f"{describe(suspect.changed)} changed since the link was reviewed; check "
                f"that {source_id} still holds, then run: designdoc review accept {source_id}",
                ctx.option_line(item, suspect.link),
            )


def check_lock_ids(ctx: CheckContext) -> Iterator[Finding]:
    """A finding per lock entry whose source or target is no object of the project (a
    removed or renamed object): its stamp can no longer be used, and ``designdoc review
    accept`` of the source drops it.  An ID this builder leaves out (``.. only::``) is
    not unknown."""
    lock = ctx.lock
    if lock is None:
        return
    graph = ctx.graph
    known = graph.by_id.keys() | graph.hidden
    for key, line in lock.lines.items():
        unknown = [part for part in (key[0], key[2]) if part not in known]
        if not unknown:
            continue
        names = " and ".join(repr(u) for u in dict.fromkeys(unknown))
        yield Finding(
            "lock",
            f"the entry {key[0]} {key[1]} {key[2]} names {names}, which no object has "
            f"(removed or renamed?); run 'designdoc review accept --all' to drop it, or "
            f"accept the object that now holds the link",
            lock.source,
            line,
        )
