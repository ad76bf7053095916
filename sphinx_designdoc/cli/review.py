"""``designdoc review accept`` and ``designdoc review status``: the lock of reviewed links.

Both build the project into the cache first (as ``--data SRC`` does), so what they stamp
or compare is what the sources say now, never an older report.  Writing the lock takes
turns with any other ``review accept`` of the same project (a lock in the build cache),
and the file is replaced whole, so two at once never leave a mixed or cut file.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build import BuildError, build_cached, cache_lock, project_cache
from ..codec import decode_object
from ..fileio import write_atomic
from ..lock import (
    LinkKey,
    Lock,
    Stamp,
    changes,
    describe,
    dump,
    link_sort_key,
    parse,
    stamp_links,
)
from ..model import Item
from ..reports.load import load_report
from ..safety import natural_key, terminal_text
from .check import _default_source
from .errors import EXIT_FINDINGS, EXIT_OK, CLIError
from .terminal import Style, dump_json, write_line


@dataclass
class _Project:
    """What a review works on: the objects as built now, and the lock file."""

    srcdir: Path
    lock_path: Path
    items: dict[str, Item]

    def links(self, sources: Iterable[Item] | None = None) -> dict[LinkKey, Stamp]:
        """The current stamp of every link of ``sources`` (all local objects if None)."""
        chosen = (i for i in self.items.values() if not i.external) if sources is None else sources
        return stamp_links(chosen, self.items)


def _split_arguments(values: list[str]) -> tuple[list[str], Path | None]:
    """``ID… [SRC]``: the last argument is the source folder when it is a folder."""
    if values and Path(values[-1]).is_dir():
        return values[:-1], Path(values[-1])
    return values, None


def _load(src: Path | None, args: argparse.Namespace) -> _Project:
    srcdir = src if src is not None else _default_source()
    if not (srcdir / "conf.py").is_file():
        raise CLIError(f"{srcdir} is not a Sphinx source folder (it has no conf.py)")
    try:
        report_path = build_cached(srcdir, verbose=args.verbose)
    except BuildError as exc:
        raise CLIError(str(exc)) from None
    report = load_report(report_path)
    lock_name = report.get("lock")
    if not isinstance(lock_name, str):
        raise CLIError(
            f"change review is off in {srcdir / 'conf.py'} (designdoc_lock = None); "
            "set designdoc_lock to use it"
        )
    items: dict[str, Item] = {}
    for index, data in enumerate(report["objects"]):
        item = decode_object(data, f"objects[{index}]").item
        items.setdefault(item.id, item)  # a duplicate ID: the first keeps it, as in a build
    return _Project(srcdir, srcdir / lock_name, items)


def _read_lock(path: Path) -> Lock | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse(data.decode("utf-8", errors="replace"))


def _kept_stamps(lock: Lock | None, current: Mapping[LinkKey, Stamp]) -> dict[LinkKey, Stamp]:
    """One stamp per link of the lock, for the links ``accept`` leaves as they are: of
    two (a merge conflict kept both sides), the one that matches the link as it is now,
    so rewriting the lock never makes a link suspect that was not."""
    if lock is None:
        return {}
    kept: dict[LinkKey, Stamp] = {}
    for key, stamps in lock.stamps.items():
        now = current.get(key)
        kept[key] = now if now is not None and now in stamps else stamps[0]
    return kept


def _unknown(item_id: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(item_id, list(known), n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown ID {item_id!r}{hint}"


def cmd_review_accept(args: argparse.Namespace) -> int:
    ids, src = _split_arguments(args.args)
    if args.all and ids:
        raise CLIError("give IDs or --all, not both")
    if not args.all and not ids:
        raise CLIError("name the objects whose links to accept (IDs), or --all")
    project = _load(src, args)
    chosen: list[Item] = []
    for item_id in dict.fromkeys(ids):
        item = project.items.get(item_id)
        if item is None:
            raise CLIError(_unknown(item_id, project.items))
        if item.external:
            raise CLIError(f"{item_id} is another project's object: its links are reviewed there")
        chosen.append(item)
    with cache_lock(project_cache(project.srcdir) / "review.lock"):
        lock = _read_lock(project.lock_path)
        current = project.links()
        before = _kept_stamps(lock, current)
        if args.all:
            entries = current
        else:
            accepted = {item.id for item in chosen}
            entries = {key: stamp for key, stamp in before.items() if key[0] not in accepted}
            entries.update(project.links(chosen))
        stamped = {k for k in entries if k[0] in {i.id for i in chosen} or args.all}
        cleared = sorted(
            (k for k in stamped if k in before and before[k] != entries[k]),
            key=link_sort_key,
        )
        dropped = len([k for k in before if k not in entries])
        try:
            write_atomic(project.lock_path, dump(entries))
        except OSError as exc:
            raise CLIError(f"cannot write {project.lock_path}: {exc.strerror or exc}") from None
    who = "every object" if args.all else ", ".join(i.id for i in chosen)
    message = f"stamped {len(stamped)} link(s) of {who} in {project.lock_path}"
    if cleared:
        message += f"; {len(cleared)} were suspect or changed"
    if dropped:
        message += f"; dropped {dropped} entry(ies) for links that no longer exist"
    write_line(terminal_text(message))
    return EXIT_OK


@dataclass
class _Status:
    suspect: list[dict[str, Any]] = field(default_factory=list)
    unstamped: list[dict[str, str]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    #: links stamped and unchanged
    ok: int = 0


def _status(project: _Project, lock: Lock | None) -> _Status:
    status = _Status()
    current = project.links()
    stamps = lock.stamps if lock is not None else {}
    for key in sorted(current, key=link_sort_key):
        source, name, target = key
        row = {"source": source, "link": name, "target": target}
        known = stamps.get(key)
        if not known:
            status.unstamped.append(row)
        elif current[key] not in known:
            status.suspect.append({**row, "changed": changes(known[0], current[key])})
        else:
            status.ok += 1
    if lock is not None:
        for key in sorted(stamps.keys() - current.keys(), key=link_sort_key):
            source, name, target = key
            gone = [part for part in (source, target) if part not in project.items]
            why = (
                f"no object {' or '.join(gone)}" if gone else "the link is no longer in the sources"
            )
            status.stale.append(
                {
                    "source": source,
                    "link": name,
                    "target": target,
                    "line": lock.lines[key],
                    "why": why,
                }
            )
        status.problems = [{"line": line, "message": msg} for line, msg in lock.problems]
    return status


def cmd_review_status(args: argparse.Namespace) -> int:
    src = Path(args.src) if args.src else None
    if src is not None and not src.is_dir():
        raise CLIError(f"no such folder: {src}")
    project = _load(src, args)
    lock = _read_lock(project.lock_path)
    status = _status(project, lock)
    if args.json:
        data = {
            "lock": str(project.lock_path),
            "exists": lock is not None,
            "unchanged": status.ok,
            "suspect": status.suspect,
            "unstamped": status.unstamped,
            "stale": status.stale,
            "problems": status.problems,
        }
        write_line(dump_json(data))
    else:
        sys.stdout.write(
            _status_text(project, lock, status, Style.for_stream(sys.stdout, args.color))
        )
    return EXIT_FINDINGS if status.suspect else EXIT_OK


def _status_text(project: _Project, lock: Lock | None, status: _Status, style: Style) -> str:
    lines: list[str] = []
    t = terminal_text
    if lock is None:
        lines.append(
            f"No {t(project.lock_path.name)} yet: change review starts with "
            "'designdoc review accept --all'."
        )

    def section(title: str, entries: list[str], colour: str = "") -> None:
        if entries:
            lines.append(style(f"{title} ({len(entries)})", "bold", colour))
            lines.extend("  " + e for e in entries)

    section(
        "Suspect",
        [
            f"{t(r['source'])} {t(r['link'])} {t(r['target'])}: {t(describe(r['changed']))} changed"
            for r in status.suspect
        ],
        "red",
    )
    section(
        "Unstamped",
        [f"{t(r['source'])} {t(r['link'])} {t(r['target'])}" for r in status.unstamped],
    )
    section(
        "Stale entries",
        [
            f"line {r['line']}: {t(r['source'])} {t(r['link'])} {t(r['target'])} ({t(r['why'])})"
            for r in status.stale
        ],
    )
    section(
        "Lock problems",
        [f"line {p['line']}: {t(p['message'])}" for p in status.problems],
        "red",
    )
    lines.append(
        f"{status.ok} link(s) stamped and unchanged, {len(status.suspect)} suspect, "
        f"{len(status.unstamped)} unstamped."
    )
    if status.suspect:
        sources = sorted({r["source"] for r in status.suspect}, key=natural_key)
        shown = " ".join(t(s) for s in sources[:8]) + (" …" if len(sources) > 8 else "")
        lines.append(f"After reviewing: designdoc review accept {shown}")
    return "\n".join(lines) + "\n"
