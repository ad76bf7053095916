"""CSV: one row per object, for spreadsheets and ad-hoc scripts.

Every cell that a spreadsheet would read as a formula is neutralised (OWASP's advice for
CSV injection): titles and fields are authored text, and a title such as ``=HYPERLINK(...)``
must stay text when a reviewer opens the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ..lock import describe
from ..safety import safe_url
from ._common import ReportView, text

#: first characters that make Excel, LibreOffice or Google Sheets evaluate a cell
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

BASE_COLUMNS = (
    "id",
    "type",
    "title",
    "status",
    "traced",
    "suspect",
    "verified",
    "code",
    "docname",
    "source",
    "line",
    "url",
)


def neutralise(cell: str) -> str:
    """Prefix a formula-looking cell with ``'`` so it is shown as text, not evaluated."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def unique_columns(
    base: Sequence[str], links: Sequence[str], incoming: Sequence[str], fields: Sequence[str]
) -> list[str]:
    """Column names, each once: a link, backlink or field named like an earlier column
    gets a prefix (a dependency's ``:url:`` is ``field_url``; ``url`` is the object's
    link), so ``csv.DictReader`` keeps every column."""
    header = list(base)
    for prefix, names in (("link_", links), ("incoming_", incoming), ("field_", fields)):
        for name in names:
            column = name
            while column in header:
                column = prefix + column
            header.append(column)
    return header


def _linked(view: ReportView, ids: Any) -> Any:
    """Link IDs as a cell shows them, each marked when its object is inactive
    (``PG-DEC-1; PG-DEC-7 (rejected)``: :mod:`..marks`)."""
    if not isinstance(ids, list | tuple):
        return ids
    return [view.linked_text(view.by_id.get(str(i)), str(i)) for i in ids]


def render(report: Mapping[str, Any], **_: Any) -> str:
    view = ReportView(report)
    links = view.link_names()
    incoming = view.incoming_names()
    fields = view.field_names()
    header = unique_columns(BASE_COLUMNS, links, incoming, fields)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for obj in view.objects:
        row: list[Any] = [obj.get(c) for c in BASE_COLUMNS]
        row[BASE_COLUMNS.index("url")] = safe_url(obj.get("url"))
        # the links whose target changed since they were reviewed, and what changed
        row[BASE_COLUMNS.index("suspect")] = [
            f"{s['target']} ({describe(s['changed'])})" for s in obj.get("suspect") or ()
        ]
        # what the test results and the code say of it
        verification = obj.get("verification") or {}
        row[BASE_COLUMNS.index("verified")] = verification.get("state")
        row[BASE_COLUMNS.index("code")] = [
            f"{c['path']}:{c['line']}" for c in obj.get("code") or ()
        ]
        # links as text: an ID followed by its mark when the object is inactive
        row += [_linked(view, (obj.get("links") or {}).get(name)) for name in links]
        row += [_linked(view, (obj.get("incoming") or {}).get(name)) for name in incoming]
        row += [(obj.get("fields") or {}).get(name) for name in fields]
        writer.writerow([neutralise(text(cell, "; ")) for cell in row])
    return out.getvalue()
