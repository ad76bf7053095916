"""CSV: one row per object, for spreadsheets and ad-hoc scripts.

Every cell that a spreadsheet would read as a formula is neutralised (OWASP's advice for
CSV injection): titles and fields are authored text, and a title such as ``=HYPERLINK(...)``
must stay text when a reviewer opens the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from ..safety import safe_url
from ._common import ReportView, text

#: first characters that make Excel, LibreOffice or Google Sheets evaluate a cell
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

BASE_COLUMNS = ("id", "type", "title", "status", "traced", "docname", "source", "line", "url")


def neutralise(cell: str) -> str:
    """Prefix a formula-looking cell with ``'`` so it is shown as text, not evaluated."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def render(report: Mapping[str, Any], **_: Any) -> str:
    view = ReportView(report)
    links = view.link_names()
    incoming = view.incoming_names()
    fields = view.field_names()
    header = [*BASE_COLUMNS, *links, *incoming, *fields]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for obj in view.objects:
        row: list[Any] = [obj.get(c) for c in BASE_COLUMNS]
        row[BASE_COLUMNS.index("url")] = safe_url(obj.get("url"))
        row += [(obj.get("links") or {}).get(name) for name in links]
        row += [(obj.get("incoming") or {}).get(name) for name in incoming]
        row += [(obj.get("fields") or {}).get(name) for name in fields]
        writer.writerow([neutralise(text(cell, "; ")) for cell in row])
    return out.getvalue()
