"""Objects of other projects (``designdoc_external``): another build's ``designdoc.json``
or a sphinx-needs ``needs.json``, read from a path or fetched from a URL, loaded as link
targets.

Loading never raises, whatever the file holds: JSON nested too deep, numbers too long
to convert, a list where a mapping belongs.  Each problem becomes one message, and the
build goes on with the objects that could be read.  What another project wrote is
untrusted text: IDs must match the project's ``designdoc_id_regex`` (they become
anchors and link targets here), URLs pass the package's one URL policy
(:func:`.safety.safe_url`), and everything else is kept as text, escaped wherever it is
shown.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .codec import decode_object
from .config import Settings
from .confpy import ConfLocation
from .fetch import fetch
from .fileio import write_atomic
from .jsonpos import member_lines
from .model import FieldValue, Finding, Item
from .needs_names import object_type
from .safety import URL_POLICY, redact_url, safe_url
from .shapes import DecodeError
from .vocabulary import Schema

#: a status that can be shown and styled as a word
_PLAIN_STATUS = re.compile(r"^[\w .-]{0,64}$")
#: how many IDs a message about several objects names
_SHOWN = 3


def _join_url(base: str, tail: str) -> str:
    if not base:
        return tail
    return base.rstrip("/") + "/" + tail.lstrip("/")


@dataclass
class _Loader:
    """The state of loading one entry: what it maps, what went wrong."""

    #: the entry as warnings name it: its path as written, or its URL as shown
    label: str
    prefix: str
    base_url: str
    schema: Schema
    id_regex: re.Pattern[str]
    types: Mapping[str, str]
    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    malformed: int = 0
    #: what was wrong with the first malformed object
    first_malformed: str = ""
    bad_ids: list[str] = field(default_factory=list)
    bad_urls: list[str] = field(default_factory=list)
    odd_statuses: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    #: the file the objects are located at (``label`` unless said otherwise)
    source: str = ""

    def type_of(self, raw: Any, default: str) -> str:
        name = raw if isinstance(raw, str) and raw else default
        if name in self.types:
            return self.types[name]
        return object_type(name, self.schema.types)

    def url(self, item_id: str, raw: Any, fallback: str) -> str:
        """The object's link, or ``""`` when what the file says may not be linked."""
        url = raw if isinstance(raw, str) and raw else fallback
        if "://" not in url and not url.startswith("mailto:"):
            url = _join_url(self.base_url, url)
        checked = safe_url(url)
        if checked is None:
            self.bad_urls.append(item_id)
            return ""
        return checked

    def add(
        self,
        raw_id: Any,
        type_name: str,
        title: Any,
        status: Any,
        docname: Any,
        url: Any,
        fields: Mapping[str, FieldValue] | None = None,
        links: Mapping[str, tuple[str, ...]] | None = None,
        line: int = 0,
        text: Any = "",
    ) -> None:
        if not isinstance(raw_id, str) or not raw_id:
            self.malformed += 1
            return
        item_id = self.prefix + raw_id
        if not self.id_regex.match(item_id) or item_id in self.seen:
            self.bad_ids.append(item_id)
            return
        self.seen.add(item_id)
        docname = docname if isinstance(docname, str) else ""
        status = status if isinstance(status, str) else ""
        if not _PLAIN_STATUS.match(status):
            self.odd_statuses.append(item_id)
        self.items.append(
            Item(
                id=item_id,
                type=type_name,
                title=title if isinstance(title, str) and title else raw_id,
                status=status,
                docname=docname,
                source=self.source or self.label,
                line=line,
                fields=fields or {},
                links=links or {},
                external_url=self.url(item_id, url, f"{docname}.html#{raw_id}"),
                # what the object says there: a link to it is suspect when it changes
                text=text if isinstance(text, str) else "",
            )
        )

    def summary(self) -> list[str]:
        """One message per kind of problem, naming a few of the objects concerned."""
        out = list(self.problems)
        where = f"designdoc_external {self.label!r}"
        if self.malformed:
            why = f" (the first: {self.first_malformed})" if self.first_malformed else ""
            out.append(f"{where}: skipped {self.malformed} malformed object(s){why}")
        if self.bad_ids:
            out.append(
                f"{where}: skipped {len(self.bad_ids)} object(s) whose ID is not valid here "
                f"or appears twice ({_names(self.bad_ids)}); IDs must match "
                "designdoc_id_regex after the entry's 'prefix'"
            )
        if self.bad_urls:
            out.append(
                f"{where}: {len(self.bad_urls)} object(s) have a URL that is not {URL_POLICY} "
                f"({_names(self.bad_urls)}); they are shown without a link"
            )
        if self.odd_statuses:
            out.append(
                f"{where}: {len(self.odd_statuses)} object(s) have a status that is not a "
                f"plain word ({_names(self.odd_statuses)}); it is shown as written"
            )
        return out


def _names(ids: list[str]) -> str:
    shown = ", ".join(repr(i[:60]) for i in ids[:_SHOWN])
    return shown + (f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else "")


def load_external(
    entry: Mapping[str, Any],
    base_dir: Path,
    schema: Schema,
    id_regex: re.Pattern[str],
    cache_dir: Path | None = None,
    srcdir: Path | None = None,
) -> tuple[list[Item], list[str]]:
    """Items of one ``designdoc_external`` entry (as :func:`.config.build_settings`
    checked it), and the problems met loading it.

    A ``url`` entry is fetched (once per build: :class:`.project.Project` keeps what
    this returns) and, when it reads as a designdoc.json or needs.json, kept in
    ``cache_dir``; when the fetch fails or returns something else, the last good copy is
    used, with a warning that says so.  Its URL is written everywhere without credentials or query
    values (:func:`.safety.redact_url`); only the fetch and the cache's file name (a
    hash) see it whole.

    Each item is located where a reader finds it: ``source`` is the file (relative to
    ``srcdir``, as our own objects' are) or the URL as shown, ``line`` the line of the
    object in that file.
    """
    label = entry.get("path") or redact_url(entry["url"])
    base_url = entry.get("base_url", "")
    loader = _Loader(label, entry.get("prefix", ""), "", schema, id_regex, entry.get("types", {}))
    if base_url and safe_url(base_url) is None:
        loader.problems.append(
            f"designdoc_external {label!r}: base_url {redact_url(base_url)!r} is not "
            f"{URL_POLICY}; it is not used"
        )
    else:
        loader.base_url = base_url
    if "url" in entry:
        cache = _cache_file(cache_dir, entry["url"])
        text, problem = fetch(entry["url"], float(entry.get("timeout", 10)))
        data, why = _parse(text) if text is not None else (None, problem)
        if data is not None and cache is not None:
            with contextlib.suppress(OSError):
                write_atomic(cache, text or "")
        elif data is None:
            text, data, stale = _cached(cache)
            if data is None:
                return [], [f"designdoc_external {label!r}: {why}; no earlier copy to use"]
            loader.problems.append(f"designdoc_external {label!r}: {why}; using {stale}")
    else:
        raw_path = Path(entry["path"])
        path = raw_path if raw_path.is_absolute() else base_dir / raw_path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return [], [f"designdoc_external: file {label!r} does not exist"]
        except (OSError, UnicodeDecodeError) as exc:
            return [], [f"designdoc_external: cannot read {label!r}: {exc}"]
        data, why = _parse(text)
        if data is None:
            return [], [f"designdoc_external: cannot read {label!r}: {why}"]
        loader.source = _relative(path, srcdir) if srcdir is not None else label
    assert text is not None
    if isinstance(data.get("objects"), list):
        _from_designdoc(data["objects"], loader, member_lines(text, ("objects",)))
    else:
        _from_needs(data, loader, text)
    return loader.items, loader.summary()


def load_all(
    settings: Settings, conf: ConfLocation, confdir: Path, cache_dir: Path, srcdir: Path
) -> tuple[list[Item], list[Finding]]:
    """The objects of every ``designdoc_external`` entry, and each problem loading them
    as a finding at the line of conf.py that sets the entries: the problems are the
    setting's, wherever the file is."""
    items: list[Item] = []
    findings: list[Finding] = []
    for entry in settings.external:
        loaded, problems = load_external(
            entry, confdir, settings.schema, settings.id_regex, cache_dir=cache_dir, srcdir=srcdir
        )
        items.extend(loaded)
        line = conf.line("designdoc_external")
        findings.extend(Finding("external", p, conf.source, line) for p in problems)
    return items, findings


def _relative(path: Path, srcdir: Path) -> str:
    """``path`` as our objects' sources are written: relative to the source folder with
    ``/`` (``../`` when outside it), or absolute on another drive."""
    try:
        return os.path.relpath(path, srcdir).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return str(path)


def _parse(text: str) -> tuple[dict[str, Any] | None, str]:
    """A designdoc.json or needs.json as data, or None and why not."""
    try:
        data = json.loads(text)
    except RecursionError:
        return None, "it is nested too deeply"
    except ValueError as exc:  # invalid JSON, or a number too long to convert
        return None, f"not valid JSON ({_first_line(exc)})"
    if isinstance(data, dict) and (
        isinstance(data.get("objects"), list) or isinstance(data.get("versions"), dict)
    ):
        return data, ""
    return None, "it is neither a designdoc.json nor a needs.json"


def _cache_file(cache_dir: Path | None, url: str) -> Path | None:
    if cache_dir is None:
        return None
    name = hashlib.sha256(url.encode()).hexdigest()[:32]
    return cache_dir / f"{name}.json"


def _cached(cache: Path | None) -> tuple[str | None, dict[str, Any] | None, str]:
    """The last good copy of a fetched file (text and data), and when it was fetched."""
    if cache is None or not cache.is_file():
        return None, None, ""
    try:
        text = cache.read_text(encoding="utf-8")
        fetched = datetime.fromtimestamp(cache.stat().st_mtime, tz=timezone.utc)
    except (OSError, UnicodeDecodeError):
        return None, None, ""
    data, _ = _parse(text)
    return text, data, f"the copy fetched {fetched:%Y-%m-%d %H:%M} UTC"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _from_designdoc(objects: list[Any], loader: _Loader, lines: Mapping[str | int, int]) -> None:
    for index, obj in enumerate(objects):
        if isinstance(obj, dict) and obj.get("external") is True:
            continue  # another project's own external objects are not re-exported
        try:
            row = decode_object(obj, f"objects[{index}]")
        except DecodeError as exc:
            loader.malformed += 1
            loader.first_malformed = loader.first_malformed or str(exc)
            continue
        item = row.item
        loader.add(
            item.id,
            loader.type_of(item.type, "requirement"),
            item.title,
            item.status,
            item.docname,
            row.url,
            dict(item.fields),
            {
                name: tuple(loader.prefix + t for t in targets)
                for name, targets in item.links.items()
            },
            lines.get(index, 0),
            item.text,
        )


def _from_needs(data: Mapping[str, Any], loader: _Loader, text: str) -> None:
    versions = data["versions"]
    version = data.get("current_version")
    if not isinstance(version, str) or version not in versions:
        keys = sorted(k for k in versions if isinstance(k, str))
        fallback = keys[-1] if keys else None
        if "current_version" in data and fallback is not None:
            loader.problems.append(
                f"designdoc_external {loader.label!r}: current_version {_short(version)} "
                f"is not one of its versions; reading version {fallback!r}"
            )
        version = fallback
    content = versions.get(version) if version is not None else None
    needs = content.get("needs") if isinstance(content, dict) else None
    if not isinstance(needs, dict):
        loader.problems.append(
            f"designdoc_external {loader.label!r}: version {version!r} has no 'needs' mapping"
        )
        return
    lines = member_lines(text, ("versions", version, "needs")) if version is not None else {}
    for need_id, need in sorted(needs.items()):
        if not isinstance(need, dict):
            loader.malformed += 1
            continue
        if need.get("is_external") is True:
            continue  # a third project's, written when needs_builder_filter lets it through
        loader.add(
            need_id,
            loader.type_of(need.get("type"), "requirement"),
            need.get("title"),
            need.get("status"),
            need.get("docname"),
            need.get("external_url"),
            line=lines.get(need_id, 0),
            text=need.get("content"),
        )
