"""``designdoc import-adr``: Markdown architecture decision records as ``decision`` objects.

Reads the two common layouts of numbered ADR files (``0001-use-postgres.md``):

- adr-tools (Michael Nygard's): ``# 1. Title``, a ``Date:`` line, a ``## Status``
  section whose first word is the status and whose ``Supersedes [2. …](0002-….md)`` /
  ``Superseded by …`` lines name other records, then Context, Decision, Consequences;
- MADR 2 to 4: ``# Title``, the status, date and deciders in YAML front matter (3, 4)
  or as ``* Status: …`` items under the title (2), ``## Considered Options`` as a list.

The result is one MyST Markdown page, since the records are Markdown: an RST project
adds ``myst_parser`` to read it.  Everything from the records is text the import does
not trust: the page can hold no directive, role, raw HTML or link outside the URL
policy that was not a literal in the records, so importing cannot put script on a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .safety import allowed_url, url_scheme

#: ``0001-use-postgres.md``: the files an ADR folder numbers
ADR_FILE = re.compile(r"^(\d+)-.+\.md$", re.IGNORECASE)

#: an ADR's status word -> the decision status it becomes
STATUS_WORDS = {
    "accepted": "accepted",
    "approved": "accepted",
    "adopted": "accepted",
    "decided": "accepted",
    "proposed": "proposed",
    "draft": "proposed",
    "open": "proposed",
    "pending": "proposed",
    "rejected": "rejected",
    "declined": "rejected",
    "deprecated": "deprecated",
    "retired": "deprecated",
    "superseded": "superseded",
    "replaced": "superseded",
}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED_TITLE = re.compile(r"^(\d+)\.\s+(.*)$")
_META_ITEM = re.compile(r"^\s*[*-]\s+([A-Za-z][A-Za-z -]*?)\s*:\s*(.*)$")
_META_LINE = re.compile(r"^([A-Za-z][A-Za-z -]*?)\s*:\s*(.*)$")
_LINK = re.compile(
    r"(?P<image>!?)\[(?P<text>[^\]]*)\]\(\s*<?(?P<url>(?:[^()\s>]|\([^()\s]*\))*)>?"
    r"(?:\s+\"[^\"]*\")?\s*\)"
)
#: ``[name]: url``, a link reference definition
_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]*)")
_FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+(.*)$")
_RELATION = re.compile(r"^\s*(supersedes|superseded by)\b[:\s]*(.*)$", re.IGNORECASE)
#: MADR and adr-tools section names that become options, not body
_OPTIONS_SECTIONS = {"considered options", "options considered"}
_META_KEYS = {
    "status": "status",
    "date": "date",
    "deciders": "deciders",
    "decision-makers": "deciders",
    "decision makers": "deciders",
}


@dataclass
class Record:
    """One ADR file, read."""

    path: Path
    number: str  # as the file name writes it: "0001"
    title: str = ""
    status_text: str = ""
    date: str = ""
    deciders: str = ""
    options: list[str] = field(default_factory=list)
    #: other records this one supersedes / is superseded by, as written (file or number)
    supersedes: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    @property
    def value(self) -> int:
        return int(self.number)


@dataclass
class Imported:
    """The page and what a person should know about the import."""

    text: str
    count: int
    notes: list[str]


def _fence(line: str) -> re.Match[str] | None:
    """A code fence line; a backtick fence's info string holds no backtick (CommonMark),
    so ```` ``x`` ```` on a line of its own is a code span, not a fence."""
    match = _FENCE.match(line)
    if match and match.group(2)[0] == "`" and "`" in match.group(3):
        return None
    return match


def adr_files(folder: Path) -> list[Path]:
    """The numbered Markdown files of ``folder``, in number order."""
    files = [p for p in folder.iterdir() if p.is_file() and ADR_FILE.match(p.name)]
    return sorted(files, key=lambda p: (int(ADR_FILE.match(p.name).group(1)), p.name))  # type: ignore[union-attr]


def read_record(path: Path) -> Record:
    """Read one ADR in either layout; what it cannot place stays in the body."""
    number = ADR_FILE.match(path.name).group(1)  # type: ignore[union-attr]
    record = Record(path=path, number=number)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = _front_matter(lines, record)
    section: str | None = None
    in_fence = ""
    for line in lines:
        fence = _fence(line)
        if fence and (not in_fence or fence.group(2).startswith(in_fence)):
            in_fence = "" if in_fence else fence.group(2)
        heading = None if in_fence or fence else _HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and not record.title:
            title = heading.group(2)
            numbered = _NUMBERED_TITLE.match(title)
            record.title = numbered.group(2) if numbered else title
            continue
        if heading:
            section = heading.group(2).strip().lower()
            if section not in _OPTIONS_SECTIONS and section != "status":
                record.body.append(f"{'#' * len(heading.group(1))} {heading.group(2)}")
            continue
        if section is None and not in_fence:
            meta = _META_ITEM.match(line) or _META_LINE.match(line)
            key = meta.group(1).strip().lower() if meta else ""
            if meta and key in _META_KEYS:
                _set_meta(record, _META_KEYS[key], meta.group(2))
                continue
        if section == "status" and not in_fence:
            _status_line(record, line)
            continue
        if section in _OPTIONS_SECTIONS and not in_fence:
            item = _LIST_ITEM.match(line)
            if item:
                record.options.append(_plain(item.group(1)))
                continue
            if not line.strip():
                continue
        record.body.append(line)
    record.title = _plain(record.title) or path.stem
    while record.body and not record.body[0].strip():
        record.body.pop(0)
    return record


def _front_matter(lines: list[str], record: Record) -> list[str]:
    """MADR 3/4: ``status``, ``date`` and ``deciders`` between ``---`` lines (flat YAML:
    a scalar or a ``[a, b]`` list per key)."""
    if not lines or lines[0].strip() != "---":
        return lines
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return lines
    for line in lines[1:end]:
        meta = _META_LINE.match(line)
        key = meta.group(1).strip().lower() if meta else ""
        if meta and key in _META_KEYS:
            value = meta.group(2).strip().strip("[]")
            names = [v.strip().strip("'\"") for v in value.split(",")]
            _set_meta(record, _META_KEYS[key], ", ".join(n for n in names if n))
    return lines[end + 1 :]


def _set_meta(record: Record, key: str, value: str) -> None:
    value = _plain(value)
    if key == "status":
        _status_line(record, value)
    elif key == "date":
        record.date = value
    else:
        record.deciders = value


def _status_line(record: Record, line: str) -> None:
    """A line of the status: its first word, or a supersession naming other records."""
    relation = _RELATION.match(line)
    if relation:
        targets = [m.group("url") for m in _LINK.finditer(relation.group(2))]
        if not targets:
            targets = re.findall(r"\b\d+\b", relation.group(2))[:1]
        kind = relation.group(1).lower()
        (record.supersedes if kind == "supersedes" else record.superseded_by).extend(targets)
        if kind == "superseded by" and not record.status_text:
            record.status_text = "superseded"
        return
    text = _plain(line).strip()
    if text and not record.status_text:
        record.status_text = text


def _plain(text: str) -> str:
    """Inline Markdown as the text a reader sees: link text, no code or emphasis marks."""
    text = _LINK.sub(lambda m: m.group("text"), text)
    text = re.sub(r"`+", "", text)
    text = re.sub(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))", "", text)
    return " ".join(text.split()).strip("\"'")


def decision_status(text: str) -> str | None:
    """The decision status an ADR's status text means, or None when unknown."""
    words = re.findall(r"[a-z]+", text.lower())
    return STATUS_WORDS.get(words[0]) if words else None


def import_records(
    folder: Path, prefix: str = "ADR-", page_title: str = "Architecture decision records"
) -> Imported:
    """The MyST page of every numbered ADR in ``folder``."""
    records = [read_record(path) for path in adr_files(folder)]
    notes: list[str] = []
    ids = {r.path.name: f"{prefix}{r.number}" for r in records}
    by_value = {r.value: f"{prefix}{r.number}" for r in records}

    def target_id(record: Record, written: str) -> str | None:
        name = Path(written.split("#", 1)[0]).name
        if name in ids:
            return ids[name]
        if written.isdigit() and int(written) in by_value:
            return by_value[int(written)]
        notes.append(f"{record.path.name}: names {written!r}, which is not a record here")
        return None

    supersedes: dict[str, list[str]] = {ids[r.path.name]: [] for r in records}
    for record in records:
        own = ids[record.path.name]
        for written in record.supersedes:
            target = target_id(record, written)
            if target and target != own and target not in supersedes[own]:
                supersedes[own].append(target)
        for written in record.superseded_by:
            newer = target_id(record, written)
            if newer and newer != own and own not in supersedes[newer]:
                supersedes[newer].append(own)
    out = [
        f"# {_escape_inline(page_title)}",
        "",
        f"Imported from `{_option(folder.name)}` by `designdoc import-adr`: one decision per "
        "record, its status, date, deciders and considered options as fields, its text "
        "as the decision's body.",
        "",
    ]
    for record in records:
        item_id = ids[record.path.name]
        status = decision_status(record.status_text)
        if status is None:
            shown = record.status_text or "no status"
            notes.append(f"{record.path.name}: status {shown!r} is read as 'proposed'")
            status = "proposed"
        body = safe_body(record.body, ids)
        fence = "`" * max(4, 1 + _longest_fence(body))
        options = [f":id: {item_id}", f":status: {status}"]
        if record.date:
            options.append(f":date: {_option(record.date)}")
        if record.deciders:
            options.append(f":deciders: {_option(record.deciders)}")
        if record.options:
            alternatives = "; ".join(_option(o).replace(";", ",") for o in record.options)
            options.append(f":alternatives: {alternatives}")
        if supersedes[item_id]:
            options.append(f":supersedes: {', '.join(supersedes[item_id])}")
        out += [f"{fence}{{decision}} {_option(record.title)}", *options, ""]
        out += [*body, "", f"_Imported from `{_option(record.path.name)}`._", fence, ""]
    return Imported("\n".join(out).rstrip() + "\n", len(records), notes)


def _option(value: str) -> str:
    """A one-line option value, title or code span (the directive reads values and
    titles as plain text): no backtick, which would end a fence's info string or the
    span."""
    return " ".join(value.replace("`", "'").split())


def _escape_inline(text: str) -> str:
    """Markdown text kept literal: every ASCII punctuation character escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _longest_fence(lines: Iterable[str]) -> int:
    longest = 0
    for line in lines:
        match = _fence(line)
        if match and match.group(2)[0] == "`":
            longest = max(longest, len(match.group(2)))
    return longest


def safe_body(lines: Sequence[str], ids: dict[str, str]) -> list[str]:
    """An ADR's Markdown as body text of a MyST directive that shows what it says.

    Headings become bold lines (a directive's body holds no section); outside code:
    ``<`` and ``{`` are escaped (no raw HTML, no role), so are line starts MyST reads as
    a comment, block break, target or colon fence; a link to another imported record
    becomes a ``{dd:ref}`` to it, other links to Markdown files (pages this project
    does not have) and links outside the URL policy become their text.  Code fences
    stay code: an info string that names a directive (``{raw}``) becomes ``text``.
    """
    out: list[str] = []
    in_fence = ""
    for line in lines:
        fence = _fence(line)
        if fence and not in_fence:
            in_fence = fence.group(2)
            info = fence.group(3).strip()
            if info.startswith("{"):
                info = "text"
            out.append(f"{fence.group(1)}{fence.group(2)}{info}")
            continue
        if in_fence:
            if fence and fence.group(2).startswith(in_fence) and not fence.group(3).strip():
                in_fence = ""
            out.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            out.append(f"**{_inline(heading.group(2), ids)}**")
            continue
        out.append(_line_start(_inline(line, ids)))
    if in_fence:
        out.append(in_fence)  # an unclosed fence would swallow the rest of the page
    return out


def _line_start(line: str) -> str:
    """Escape a line start MyST reads as more than text: a comment (``%``), a block
    break (``+++``), a target (``(name)=``), a colon fence, display math, a thematic
    break or setext underline (which would open a section), or a link definition whose
    URL may not become a link."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    definition = _DEFINITION.match(line)
    if definition and _link_target(definition.group(1)) is None:
        return f"{indent}\\{stripped}"
    if stripped.startswith(("%", "+++", ":::", "(", "$$")) or re.match(
        r"^(-{3,}|\*{3,}|_{3,}|={3,})\s*$", stripped.replace(" ", "")
    ):
        return f"{indent}\\{stripped}"
    return line


def _inline(text: str, ids: dict[str, str]) -> str:
    """One line of Markdown outside code fences, made literal where MyST would read
    more than Markdown; code spans are kept as they are."""
    parts = re.split(r"(`+[^`]*`+)", text)
    for i in range(0, len(parts), 2):  # the even parts are outside code spans
        pieces = []
        end = 0
        for match in _LINK.finditer(parts[i]):
            pieces.append(_literal(parts[i][end : match.start()]))
            pieces.append(_link(match, ids))
            end = match.end()
        pieces.append(_literal(parts[i][end:]))
        parts[i] = "".join(pieces)
    return "".join(parts)


def _literal(text: str) -> str:
    """No raw HTML and no role: ``<`` as an entity, ``{`` escaped."""
    return re.sub(r"(?<!\\)\{", r"\\{", text.replace("<", "&lt;"))


def _link_target(url: str) -> str | None:
    """Where a link of the records may point on the page: an absolute URL the policy
    allows or an anchor; None for other schemes and for files of the records' folder."""
    if not allowed_url(url) or (not url_scheme(url) and not url.startswith("#")):
        return None
    return url


def _link(match: re.Match[str], ids: dict[str, str]) -> str:
    text, url = _literal(match.group("text")), match.group("url")
    name = Path(url.split("#", 1)[0]).name
    if not match.group("image") and name in ids and not url_scheme(url):
        # the role's text cannot hold what ends it or its target
        shown = " ".join(re.sub(r"[`<>\\]", "", match.group("text")).split())
        return f"{{dd:ref}}`{shown} <{ids[name]}>`" if shown else f"{{dd:ref}}`{ids[name]}`"
    target = _link_target(url)
    if target is None:
        return f"\\[image: {text}\\]" if match.group("image") else text
    return f"{match.group('image')}[{text}]({target})"
