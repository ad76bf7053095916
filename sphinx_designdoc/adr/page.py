"""The page of a folder of decision records: IDs, links between the records, where
their links and images lead, and the MyST text of one ``decision`` per record."""

# implements: DEC-IMPORT-TOKENS (docs/design.rst)

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin

from ..myst_writer import Links, Target, Writer, code_span, escape_text, longest_fence, safe_line
from ..safety import allowed_url, safe_url, url_scheme
from .records import Part, Record, RelationLine, Section, adr_files, read_record
from .words import ADR_FILE, decision_status

#: image files the import copies beside the page (never SVG, which can hold script)
RASTER = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})


@dataclass
class Imported:
    """The page and what a person should know about the import."""

    text: str
    count: int
    #: how something was read ("status 'Pending' is read as 'proposed'")
    notes: list[str]
    #: what could not be carried as it was: a record's link shown as text, a record
    #: skipped (``--strict`` fails on these)
    lost: list[str] = field(default_factory=list)
    #: images to copy: (the record's file, the path beside the page it is shown from)
    images: list[tuple[Path, str]] = field(default_factory=list)


@dataclass
class Options:
    """How to import: the ID prefix, the page title, where images go and links lead."""

    prefix: str = "ADR-"
    page_title: str = "Architecture decision records"
    #: the folder beside the page that images are copied into, relative to the page;
    #: None when the page goes to standard output (images cannot be copied)
    assets: str | None = None
    #: where the records are published: relative links to other files resolve there
    base_url: str = ""
    #: ``dmy`` or ``mdy``: how to read a date written ``09/10/2020``; "" leaves it text
    dates: str = ""


def _slug(name: str) -> str:
    """A record's name without its number and suffix: ``module-loading``."""
    match = ADR_FILE.match(name)
    stem = name[match.end(1) :] if match else name
    stem = stem.removesuffix(".md").removesuffix(".markdown")
    return stem.strip("-_ .")


def _language(name: str) -> str | None:
    """A code block's language as Pygments knows it (an unknown one would be a build
    warning), or None."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        get_lexer_by_name(name)
    except ClassNotFound:
        return None
    return name


class _Page:
    """Where each record's links and images lead on the page."""

    def __init__(self, folder: Path, records: list[Record], ids: dict[str, str], options: Options):
        self.folder = folder
        self.root = folder.resolve()
        self.options = options
        self.ids = ids
        self.by_value: dict[int, list[str]] = {}
        self.by_lower: dict[str, list[str]] = {}
        self.by_slug: dict[str, list[str]] = {}
        for record in records:
            item_id = ids[record.name]
            self.by_value.setdefault(record.value, []).append(item_id)
            self.by_lower.setdefault(record.name.lower(), []).append(item_id)
            self.by_slug.setdefault(_slug(record.name.lower()), []).append(item_id)
        self.images: list[tuple[Path, str]] = []
        #: the record being written, whose notes a lenient link adds to
        self.current: Record | None = None

    def record_of(self, written: str) -> tuple[str | None, str]:
        """The ID of the record ``written`` (a link or a number) names, or None and
        why not.  A link that misses a record only by case, by its ``.md`` or by its
        number (``ADR-004-x.md``, ``adr-006-x``, ``module-loading.md``) names it, with a
        note: GitHub would not follow it, but its author meant that record."""
        if url_scheme(written) or written.startswith("//"):
            return None, f"{written[:80]!r} is not a record of this folder"
        if written.isdigit():
            found = self.by_value.get(int(written), [])
            if len(found) == 1:
                return found[0], ""
            if found:
                return None, f"record number {written} is ambiguous ({', '.join(found)})"
            return None, f"there is no record number {written}"
        name = unquote(PurePosixPath(written.split("#", 1)[0].split("?", 1)[0]).name)
        if not name:
            return None, "an empty link names no record"
        if name in self.ids:
            return self.ids[name], ""
        key = name.lower()
        for candidates in (self.by_lower, self.by_slug):
            for guess in (key, key + ".md", _slug(key)):
                found = candidates.get(guess, [])
                if len(found) == 1:
                    if self.current is not None:
                        note = f"the link {written[:80]!r} is read as {found[0]}"
                        if note not in self.current.notes:
                            self.current.notes.append(note)
                    return found[0], ""
        return None, f"{written[:80]!r} is not a record of this folder"

    def link(self, href: str) -> Target:
        if url_scheme(href) or href.startswith("//"):
            url = safe_url(href)
            if url is None or not url_scheme(href):
                return Target("text", why=f"a link to {href[:80]!r} is shown as its text")
            return Target("url", url)
        if not href.strip():
            return Target("text", why="a link with no address is shown as its text")
        if href.startswith("#"):
            return Target("text", why="links to a heading of the record are shown as their text")
        target, _ = self.record_of(href)
        if target is not None:
            return Target("ref", target)
        return self._elsewhere(href, "a link")

    def _elsewhere(self, href: str, what: str) -> Target:
        """A relative link to a file that is not a record: at its published address."""
        if self.options.base_url:
            url = urljoin(self.options.base_url.rstrip("/") + "/", href)
            if allowed_url(url) and url_scheme(url):
                return Target("url", url)
        return Target(
            "text",
            why=f"{what} to {href[:80]!r} (not a record) is shown as its text"
            + ("" if self.options.base_url else "; --base-url makes it a link"),
        )

    def image(self, src: str) -> Target:
        if url_scheme(src) or src.startswith("//"):
            url = safe_url(src)
            if url is None or url_scheme(src) not in ("http", "https"):
                return Target("text", why=f"the image {src[:80]!r} is shown as its description")
            return Target("url", url)
        relative = unquote(src.split("#", 1)[0].split("?", 1)[0])
        path = (self.folder / relative).resolve()
        inside = path.parent == self.root or self.root in path.parents
        if not inside or not path.is_file():
            return Target("text", why=f"the image {src[:80]!r} is not a file of the records")
        if path.suffix.lower() not in RASTER:
            return self._elsewhere(relative, f"the {path.suffix or 'untyped'} image")
        if self.options.assets is None:
            return (
                self._elsewhere(relative, "the image")
                if self.options.base_url
                else Target(
                    "text", why=f"the image {relative[:80]!r} is not copied: write the page with -o"
                )
            )
        shown = f"{self.options.assets}/{path.relative_to(self.root).as_posix()}"
        if (path, shown) not in self.images:
            self.images.append((path, shown))
        return Target("url", shown)


def import_records(
    folder: Path, prefix: str = "ADR-", page_title: str | None = None, **more: Any
) -> Imported:
    """The MyST page of every numbered ADR in ``folder``."""
    from ..myst_writer import parser

    options = Options(prefix=prefix, **more)
    if page_title is not None:
        options.page_title = page_title
    skipped: list[str] = []
    md = parser()
    records = [read_record(path, md, options.dates) for path in adr_files(folder, skipped)]
    notes: list[str] = []
    lost: list[str] = list(skipped)

    ids: dict[str, str] = {}
    taken: dict[str, str] = {}
    for record in records:
        item_id = f"{prefix}{record.number}"
        if item_id in taken:
            first = taken[item_id]
            suffix = 2
            while f"{item_id}-{suffix}" in taken:
                suffix += 1
            item_id = f"{item_id}-{suffix}"
            record.notes.append(f"its number is also {first}'s; it is {item_id}")
        taken[item_id] = record.name
        ids[record.name] = item_id
    page = _Page(folder, records, ids, options)

    links: dict[str, dict[str, list[str]]] = {ids[r.name]: {} for r in records}
    for record in records:
        own = ids[record.name]
        page.current = record
        for found in record.relations:
            others = [page.record_of(text) for text in found.targets]
            missing = [why for other, why in others if other is None]
            if missing:
                # the line stays as text (its links to records still lead to them)
                record.lost.append(f"{missing[0]}: the line is kept as text, not as a link")
                continue
            found.resolved = True
            for other, _ in others:
                if other is None or other == own:
                    continue
                source, target = (own, other) if found.is_source else (other, own)
                named = links[source].setdefault(found.relation, [])
                if target not in named:
                    named.append(target)

    out = [
        f"# {safe_line(escape_text(options.page_title))}",
        "",
        f"Imported from {code_span(folder.name)} by {code_span('designdoc import-adr')}: "
        "one decision per record, its status, date, deciders and considered options as "
        "fields, its relations to other records as links, its text as the decision's body.",
        "",
    ]
    for record in records:
        item_id = ids[record.name]
        status = decision_status(record.status_text)
        if status is None:
            shown = record.status_text or "no status"
            (record.lost if record.status_text else record.notes).append(
                f"status {shown!r} is read as 'proposed'"
            )
            status = "proposed"
        elif record.status_text.lower() not in (status, "superseded"):
            record.notes.append(f"status {record.status_text!r} is read as {status!r}")
        writer_links = Links(link=page.link, image=page.image, language=_language)
        page.current = record
        body = _render_body(record.body, Writer(writer_links))
        record.lost += writer_links.lost
        record.notes += writer_links.notes
        fence = "~" * max(4, longest_fence(body, "~") + 1)
        fields = [f":id: {item_id}", f":status: {status}"]
        if record.date:
            fields.append(f":date: {record.date}")
        if record.deciders:
            fields.append(f":deciders: {_value(record.deciders)}")
        if record.tags:
            fields.append(f":tags: {_value(', '.join(t.replace(',', ' ') for t in record.tags))}")
        if record.options:
            # ";" separates alternatives: one inside an option's text reads as ","
            fields.append(
                ":alternatives: " + _value("; ".join(o.replace(";", ",") for o in record.options))
            )
        for relation, targets in sorted(links[item_id].items()):
            fields.append(f":{relation}: {', '.join(targets)}")
        title = " ".join(record.title.split()) or item_id
        out += [f"{fence}{{decision}} {title}", *fields, ""]
        if body:
            out += [*body, ""]
        out += [f"*Imported from* {code_span(record.name)}.", fence, ""]
        for note in record.notes:
            notes.append(f"{record.name}: {note}")
        for what in record.lost:
            lost.append(f"{record.name}: {what}")
    return Imported("\n".join(out).rstrip() + "\n", len(records), notes, lost, page.images)


def _render_body(parts: Sequence[Part], writer: Writer) -> list[str]:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            lines = part.split("\n")
        elif isinstance(part, list):
            lines = writer.paragraph(part)
        elif isinstance(part, RelationLine):
            if part.resolved:
                continue
            lines = writer.paragraph(part.line) if part.line else [part.fallback]
        elif isinstance(part, Section):
            lines = _render_body(part.parts, writer)
            lines = [f"**{escape_text(part.title)}**", "", *lines] if lines else []
        else:
            lines = writer.block(part)
        if not lines:
            continue
        if out:
            out.append("")
        out.extend(lines)
    return out


def _value(text: str) -> str:
    """An option value on one line, read back as written: in JSON quotes where the
    option reader would take a quote, a bracket or a block marker for YAML."""
    value = " ".join(text.split())
    if value[:1] in ('"', "'", "[") or value in ("|", ">", "|-", ">-"):
        return json.dumps(value, ensure_ascii=False)
    return value
