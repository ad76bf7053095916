"""Reading one decision record: its title, metadata, status, relations and considered
options become fields and links; the rest stays as blocks of its body, to be written by
:mod:`..myst_writer` once every record of the folder is known."""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..myst_writer import escape_text, longest_fence, plain_text
from .words import (
    ADR_FILE,
    LINKS_SECTIONS,
    MAX_RECORD_BYTES,
    META_KEYS,
    OPTIONS_SECTIONS,
    RELATIONS,
    SITE_KEYS,
    STATUS_SECTIONS,
    STATUS_WORDS,
    TITLE_NUMBER,
    iso_date,
    words_of,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode


@dataclass
class RelationLine:
    """A line that relates the record to others ("Amends [10. …](0010-….md)"): a link
    between the decisions when every record it names is in the folder, else kept as the
    text it is."""

    line: list[SyntaxTreeNode]
    relation: str
    #: whether the record is the relation's source ("Amends") or its target ("Amended by")
    is_source: bool
    #: the records as written: link targets, or a number
    targets: list[str]
    resolved: bool = False
    #: the line as the page shows it when it has no inline nodes (front matter)
    fallback: str = ""


@dataclass
class Section:
    """Text a section keeps besides what became fields (the Status section's remarks),
    shown under the section's title when there is any."""

    title: str
    parts: list[Part] = field(default_factory=list)


#: a block of the body: a parsed block, a line of inline nodes, a line of ours, a
#: relation line, or what is left of a section
Part = Union["SyntaxTreeNode", "list[SyntaxTreeNode]", str, RelationLine, Section]


@dataclass
class Record:
    """One ADR file, read: what becomes fields and links, and the blocks of its body."""

    path: Path
    #: the file name as it can be shown (a name that is not UTF-8 was skipped)
    name: str
    number: str  # as the file name writes it: "0001", "2020-09-25"
    title: str = ""
    status_text: str = ""
    date: str = ""
    deciders: str = ""
    tags: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    relations: list[RelationLine] = field(default_factory=list)
    body: list[Part] = field(default_factory=list)
    #: the title front matter gives, used when the record has no ``# Title``
    title_hint: str = ""
    notes: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @property
    def value(self) -> int:
        return int(re.sub(r"\D", "", self.number) or 0)


# -- the records of a folder --------------------------------------------------------------


def record_name(path: Path) -> str | None:
    """The file name as text, or None when it is not valid UTF-8 (the file system hands
    such a name over with surrogate escapes, which no output can write)."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return path.name


def shown_name(path: Path) -> str:
    """A file name for a message, undecodable bytes as ``\\xff``."""
    return os.fsencode(path.name).decode("utf-8", "backslashreplace")


def adr_files(folder: Path, skipped: list[str] | None = None) -> list[Path]:
    """The numbered Markdown records of ``folder``, in number order.  A name that is not
    UTF-8, a symbolic link leading out of the folder, and anything but a regular file are
    skipped (with a line in ``skipped``)."""
    root = folder.resolve()
    found: list[tuple[int, str, Path]] = []
    for path in folder.iterdir():
        match = ADR_FILE.match(path.name)
        if not match:
            continue
        if record_name(path) is None:
            if skipped is not None:
                skipped.append(f"{shown_name(path)}: skipped: its name is not valid UTF-8")
            continue
        if path.is_symlink():
            target = path.resolve()
            if target.parent != root and root not in target.parents:
                if skipped is not None:
                    skipped.append(f"{path.name}: skipped: a link to a file outside {folder}")
                continue
        if not path.is_file():
            continue
        found.append((int(re.sub(r"\D", "", match.group(1))), path.name, path))
    return [path for _, _, path in sorted(found)]


def read_record(path: Path, md: MarkdownIt | None = None, dates: str = "") -> Record:
    """Read one ADR in any of the layouts; what it cannot place stays in the body."""
    from ..myst_writer import tree

    match = ADR_FILE.match(path.name)
    record = Record(path=path, name=path.name, number=match.group(1) if match else path.stem)
    size = path.stat().st_size
    if size > MAX_RECORD_BYTES:
        record.lost.append(f"it is larger than {MAX_RECORD_BYTES // (1024 * 1024)} MB; not read")
        record.title = _title_from_name(path)
        return record
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        record.lost.append(
            f"it is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "undecodable bytes are shown as \ufffd"
        )
    text = text.removeprefix("\ufeff")
    nodes = list(tree(text, md, record.lost).children)
    if nodes and nodes[0].type == "front_matter":
        _front_matter(nodes.pop(0).content, record, dates)
    _Reader(record, dates).read(nodes)
    if not record.title and record.title_hint:
        record.title = record.title_hint
    elif not record.title:
        record.title = _title_from_name(path)
        record.notes.append(f"no '# Title' heading; the title {record.title!r} is from its name")
    return record


def _title_from_name(path: Path) -> str:
    match = ADR_FILE.match(path.name)
    stem = path.stem
    if match:
        stem = stem[match.end(1) :]
    words = " ".join(stem.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else path.stem


class _Reader:
    """Walks a record's blocks once: the title, metadata lines under it, the status,
    considered options and relation sections; everything else is body."""

    def __init__(self, record: Record, dates: str) -> None:
        self.record = record
        self.dates = dates
        self.section: str | None = None
        #: the status section's text that says more than the status, kept in the body
        self.status_rest = Section("Status")

    def read(self, nodes: Sequence[SyntaxTreeNode]) -> None:
        record = self.record
        for node in nodes:
            if node.type == "heading":
                text = plain_text(node)
                if node.tag == "h1" and not record.title and self.section is None:
                    record.title = TITLE_NUMBER.sub("", text, count=1).strip() or text
                    continue
                self._end_section()
                self.section = text.strip().lower().rstrip(":")
                if self.section in STATUS_SECTIONS:
                    continue  # the heading comes back with any text the status keeps
                record.body.append(node)
                continue
            if self.section is None:
                self._lines_of(node, self._meta_line)
            elif self.section in STATUS_SECTIONS:
                self._lines_of(node, self._status_line, self.status_rest.parts)
            elif self.section in LINKS_SECTIONS:
                self._lines_of(node, self._relation_only)
            else:
                if self.section in OPTIONS_SECTIONS and node.type in (
                    "bullet_list",
                    "ordered_list",
                ):
                    record.options += [
                        plain_text(item.children[0])
                        for item in node.children
                        if item.children and item.children[0].type == "paragraph"
                    ]
                record.body.append(node)
        self._end_section()

    def _end_section(self) -> None:
        if self.status_rest.parts:
            self.record.body.append(self.status_rest)
            self.status_rest = Section("Status")

    def _lines_of(
        self,
        node: SyntaxTreeNode,
        take: Callable[[list[SyntaxTreeNode]], bool | Part],
        rest: list[Part] | None = None,
    ) -> None:
        """Offer each line of a paragraph, or of a list's items, to ``take``: True takes
        it, False leaves it, a part stands for it.  What is left stays (in ``rest``, or in
        the body), as a line of its own."""
        keep = self.record.body if rest is None else rest
        if node.type == "paragraph":
            lines = _lines(node)
        elif node.type in ("bullet_list", "ordered_list") and all(
            len(item.children) == 1 and item.children[0].type == "paragraph"
            for item in node.children
        ):
            lines = [line for item in node.children for line in _lines(item.children[0])]
        else:
            keep.append(node)
            return
        left: list[Part] = []
        for line in lines:
            taken = take(line)
            if taken is False:
                left.append(line)
            elif taken is not True:
                left.append(taken)
        if len(left) == len(lines) and all(isinstance(part, list) for part in left):
            keep.append(node)
        else:
            keep.extend(left)

    # -- what a line can say

    def _meta_line(self, line: list[SyntaxTreeNode]) -> bool | Part:
        """``Date: 2018-03-12``, ``* Status: accepted``: a field of the record."""
        key, sep, value = plain_text_of(line).partition(":")
        key = " ".join(key.strip(" *_").lower().split())
        if not sep or len(key) > 40 or key not in META_KEYS:
            return False
        return self._meta(META_KEYS[key], value.strip(), line)

    def _meta(self, key: str, value: str, line: list[SyntaxTreeNode] | None) -> bool | Part:
        record = self.record
        if key == "status":
            return self._status(value, line or [])
        if key == "date":
            date = iso_date(value, self.dates)
            if date is None:
                record.lost.append(
                    f"its date {value!r} is not an ISO date (YYYY-MM-DD); it is kept as text"
                    + ("" if self.dates else " (--dates dmy or mdy reads dd/mm/yyyy dates)")
                )
                return False
            record.date = record.date or date
            return True
        if key == "deciders":
            record.deciders = record.deciders or value
            return True
        record.tags += [t.strip() for t in value.split(",") if t.strip()]
        return True

    def _status_line(self, line: list[SyntaxTreeNode]) -> bool | Part:
        return self._status(plain_text_of(line), line)

    def _status(self, text: str, line: list[SyntaxTreeNode]) -> bool | Part:
        """A status line: a relation to other records, or a status word.  A line that
        says more than its status word ("Accepted (documenting an existing thing)"),
        and a status the import does not know, stay as text too."""
        relation = self._relation(text, line)
        if relation is not None:
            return relation
        words = words_of(text)
        if not words:
            return not text.strip()
        if not self.record.status_text:
            self.record.status_text = words[0] if words[0] in STATUS_WORDS else text.strip()
        return words[0] in STATUS_WORDS and len(words) == 1

    def _relation_only(self, line: list[SyntaxTreeNode]) -> bool | Part:
        found = self._relation(plain_text_of(line), line)
        return False if found is None else found

    def _relation(self, text: str, line: list[SyntaxTreeNode]) -> bool | Part | None:
        """A relation line (a :class:`RelationLine` standing for it), False when it names
        no record (kept as text), None when it is not one."""
        lowered = " ".join(words_of(text))
        for phrase, relation, is_source in RELATIONS:
            if not (lowered == phrase or lowered.startswith(phrase + " ")):
                continue
            targets = [
                str(node.attrs.get("href", "")) for node in _walk(line) if node.type == "link"
            ]
            if not targets:
                rest = lowered[len(phrase) :]
                targets = [word for word in rest.split() if word.isdigit()][:1]
            if phrase in ("superseded", "related", "see also") and not targets:
                return None  # a status word, or a word of a sentence
            partly = relation == "partly-supersedes"
            if not targets:
                if partly and not is_source and not self.record.status_text:
                    self.record.status_text = "accepted"
                    self.record.notes.append(
                        f"status {text.strip()!r} is read as 'accepted' (still in force in part)"
                    )
                self.record.lost.append(f"{text.strip()!r} names no record; it is kept as text")
                return False
            found = RelationLine(line, relation, is_source, targets)
            self.record.relations.append(found)
            if not is_source and not self.record.status_text:
                if relation == "supersedes":
                    self.record.status_text = "superseded"
                elif partly:
                    self.record.status_text = "accepted"
                    self.record.notes.append(
                        "it is partly superseded: read as 'accepted' (still in force in part)"
                    )
            return found
        return None


def plain_text_of(line: Sequence[SyntaxTreeNode]) -> str:
    parts = []
    for node in line:
        if node.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            parts.append(plain_text(node) if node.children else _leaf_text(node))
    return " ".join("".join(parts).split())


def _leaf_text(node: SyntaxTreeNode) -> str:
    if node.type in ("text", "code_inline", "html_inline"):
        return node.content
    if node.type == "myst_role":
        return f"{{{node.meta.get('name', '')}}}`{node.content}`"
    return ""


def _walk(nodes: Sequence[SyntaxTreeNode]) -> list[SyntaxTreeNode]:
    found: list[SyntaxTreeNode] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children))
    return found


def _lines(paragraph: SyntaxTreeNode) -> list[list[SyntaxTreeNode]]:
    """A paragraph's inline nodes, cut where the source broke its lines."""
    inline = paragraph.children[0] if paragraph.children else None
    lines: list[list[SyntaxTreeNode]] = [[]]
    for node in inline.children if inline is not None else ():
        if node.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(node)
    return [line for line in lines if line]


def _front_matter(content: str, record: Record, dates: str) -> None:
    """MADR 3/4 metadata: status, date, deciders and tags become fields; site keys
    (``nav_order``) are left out with a note; any other key stays in the body."""
    import yaml

    try:
        data = yaml.safe_load(content) if len(content) <= 64 * 1024 else None
    except (yaml.YAMLError, RecursionError, ValueError):
        data = None
    if not isinstance(data, dict):
        record.lost.append("its front matter is not a YAML mapping; it is shown as code")
        record.body.append(_code_part(content))
        return
    reader = _Reader(record, dates)
    dropped: list[str] = []
    for raw_key, value in data.items():
        key = str(raw_key)
        text = _yaml_text(value)
        if text is None:
            record.lost.append(f"front matter {key!r} holds nested data; it is not carried")
            continue
        name = META_KEYS.get(" ".join(key.strip().lower().split()))
        if name is not None:
            shown = f"**{escape_text(_label(key))}:** {escape_text(text)}"
            taken = reader._meta(name, text, None)
            if isinstance(taken, RelationLine):
                taken.fallback = shown
                record.body.append(taken)
            elif taken is False:
                record.body.append(shown)
        elif key.lower() == "title":
            record.title_hint = text
        elif key.lower() in SITE_KEYS:
            dropped.append(key)
        elif text:
            record.body.append(f"**{escape_text(_label(key))}:** {escape_text(text)}")
    if dropped:
        record.notes.append("front matter for its old site left out: " + ", ".join(sorted(dropped)))


def _yaml_text(value: Any) -> str | None:
    """A front-matter value as text: a scalar, or a list of scalars joined by commas;
    None for nested data."""
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool, datetime.date)):
        return " ".join(str(value).split())
    if isinstance(value, list) and all(
        isinstance(v, (str, int, float, bool, datetime.date)) or v is None for v in value
    ):
        return ", ".join(" ".join(str(v).split()) for v in value if v is not None)
    return None


def _label(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _code_part(content: str) -> str:
    """Text shown as code (a part of the body written by us)."""
    lines = content.rstrip("\n").split("\n")
    ticks = "`" * max(3, longest_fence(lines) + 1)
    return "\n".join([f"{ticks}text", *lines, ticks])
