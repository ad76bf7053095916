"""The words of decision records: file names, status words, relation phrases, section
and metadata names, dates.  Plain data and small readers, no Markdown here."""

from __future__ import annotations

import datetime
import re

#: ``0001-use-postgres.md``, ``adr-001-use-adrs.md``, ``20200925-x.md``,
#: ``2020-09-25-x.md``: the number (or date) names the record
ADR_FILE = re.compile(
    r"^(?:adr[-_ ]?)?(\d{4}-\d{2}-\d{2}|\d+)(?:[-_ .][^/]*)?\.(?:md|markdown)$", re.IGNORECASE
)

#: a record larger than this is not read (the largest public record seen is 40 KB)
MAX_RECORD_BYTES = 4 * 1024 * 1024

#: an ADR's status word -> the decision status it becomes
STATUS_WORDS = {
    "accepted": "accepted",
    "approved": "accepted",
    "adopted": "accepted",
    "decided": "accepted",
    "done": "accepted",
    "proposed": "proposed",
    "draft": "proposed",
    "open": "proposed",
    "pending": "proposed",
    "rejected": "rejected",
    "declined": "rejected",
    "deprecated": "deprecated",
    "retired": "deprecated",
    "obsolete": "deprecated",
    "superseded": "superseded",
    "replaced": "superseded",
}

#: a relation line's opening words -> (the relation, whether the record is its source)
#: longest first, so that "superseded by" is not read as "superseded"
RELATIONS: tuple[tuple[str, str, bool], ...] = (
    ("partially superseded by", "partly-supersedes", False),
    ("partly superseded by", "partly-supersedes", False),
    ("partially supersedes", "partly-supersedes", True),
    ("partly supersedes", "partly-supersedes", True),
    ("superseded by", "supersedes", False),
    ("supersedes", "supersedes", True),
    ("replaced by", "supersedes", False),
    ("replaces", "supersedes", True),
    ("amended by", "amends", False),
    ("amends", "amends", True),
    ("clarified by", "clarifies", False),
    ("clarifies", "clarifies", True),
    ("extended by", "extends", False),
    ("extends", "extends", True),
    ("related to", "relates-to", True),
    ("relates to", "relates-to", True),
    ("related", "relates-to", True),
    ("see also", "relates-to", True),
    ("partially superseded", "partly-supersedes", False),
    ("partly superseded", "partly-supersedes", False),
    # "⌛️ Superseded [0019](…)": a status with a link, the "by" left out
    ("superseded", "supersedes", False),
)

#: section titles (lower case) of the status, of considered options and of relations
STATUS_SECTIONS = {"status", "statuses", "state"}
OPTIONS_SECTIONS = {"considered options", "options considered", "options"}
LINKS_SECTIONS = {"links", "related", "related decisions", "related adrs", "related records"}

#: metadata keys (front matter, or ``Key: value`` lines under the title) -> field
META_KEYS = {
    "status": "status",
    "date": "date",
    "last updated": "date",
    "deciders": "deciders",
    "decision-makers": "deciders",
    "decision makers": "deciders",
    "decision-maker": "deciders",
    "decision maker": "deciders",
    "tags": "tags",
}
#: front matter keys that placed a record on the site it came from: not carried
SITE_KEYS = frozenset(
    {
        "layout",
        "parent",
        "grand_parent",
        "nav_order",
        "nav_exclude",
        "has_children",
        "permalink",
        "sidebar_position",
        "sidebar_label",
        "slug",
        "weight",
    }
)

#: a title's own number or label: "1. ", "ADR 7: ", "Architecture Decision Record: "
TITLE_NUMBER = re.compile(
    r"^(?:\d+[.:)]\s+|adr[-_ ]?\d+\s*[:.-]\s*|architecture decision record\s*:\s*)",
    re.IGNORECASE,
)


def words_of(text: str) -> list[str]:
    """The words of a line in lower case, without emoji, marks and punctuation:
    ``⌛️ Superseded by`` gives ``superseded``, ``by``."""
    return "".join(c if c.isalnum() else " " for c in text.lower()).split()


#: ``2018-03-12``, ``2018/03/12``, ``2018.03.12``
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
#: ``12/03/2018`` (read with ``--dates``)
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def iso_date(text: str, order: str = "") -> str | None:
    """The ISO date ``text`` writes, or None."""
    text = text.strip()
    match = _YMD.fullmatch(text)
    parts: tuple[str, str, str] | None = None
    if match:
        parts = (match.group(1), match.group(2), match.group(3))
    elif order in ("dmy", "mdy"):
        other = _DMY.fullmatch(text)
        if other:
            first, second, year = other.groups()
            parts = (year, second, first) if order == "dmy" else (year, first, second)
    if parts is None:
        return None
    try:
        return datetime.date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        return None


def decision_status(text: str) -> str | None:
    """The decision status an ADR's status text means, or None when unknown."""
    words = words_of(text)
    return STATUS_WORDS.get(words[0]) if words else None
