"""HTML: one standalone file with the coverage summary, matrices, untraced list, findings
and every object, in sortable and filterable tables.

It has no external resources (inline CSS and a few lines of inline JS), so it can be
attached to a CI run or mailed.  Every authored value is escaped, and only URLs the
package's policy allows (:func:`..safety.safe_url`) become links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape as _escape
from typing import Any

from ..evidence.verify import STATES
from ..vocabulary import display_name
from ._common import Obj, Relation, ReportView, location, share, text

CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--bad:#b42318;--ok:#067647}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:2rem auto;max-width:80rem;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid var(--line)}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:0}
table.dd-sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.num,th.num{text-align:right}
td{overflow-wrap:break-word}
.dd-wrap{overflow-wrap:anywhere}
code.dd-id{white-space:nowrap}
@media (max-width:48rem){body{margin:1rem auto}.dd-scroll{overflow-x:auto}}
.dd-bad{color:var(--bad);font-weight:600}.dd-ok{color:var(--ok)}
.dd-muted{color:var(--muted)}.dd-inactive-mark{color:var(--muted);font-style:italic;white-space:nowrap}
.dd-filter{width:100%;max-width:30rem;padding:.3rem .5rem;font:inherit}
code{font-size:90%}
"""

# Sorting: click a header (numbers compare as numbers, IDs naturally: REQ-2 before
# REQ-10); filtering: rows whose text contains every word typed.  No data lives in the
# script.
JS = """
(function(){
function key(c){var t=c.textContent.trim();var n=parseFloat(t.replace('%',''));
return (t!==''&&!isNaN(n)&&/^-?[0-9.]+%?$/.test(t))?n:t.toLowerCase();}
document.querySelectorAll('table.dd-sortable').forEach(function(tb){
var hs=tb.tHead.rows[0].cells;
Array.prototype.forEach.call(hs,function(h,i){h.tabIndex=0;
function go(){var asc=h.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(hs,function(o){o.removeAttribute('aria-sort');});
h.setAttribute('aria-sort',asc?'ascending':'descending');
var b=tb.tBodies[0];var rs=Array.prototype.slice.call(b.rows);
rs.sort(function(x,y){var a=key(x.cells[i]),c=key(y.cells[i]);
if(typeof a!==typeof c){a=String(a);c=String(c);}
var r=typeof a==='string'?a.localeCompare(c,undefined,{numeric:true}):(a<c?-1:a>c?1:0);
return r*(asc?1:-1);});
rs.forEach(function(r){b.appendChild(r);});}
h.addEventListener('click',go);
h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});});});
document.querySelectorAll('input.dd-filter').forEach(function(inp){
var tb=document.getElementById(inp.getAttribute('data-table'));
inp.addEventListener('input',function(){var ws=inp.value.toLowerCase().split(/\\s+/).filter(Boolean);
Array.prototype.forEach.call(tb.tBodies[0].rows,function(r){var t=r.textContent.toLowerCase();
r.hidden=!ws.every(function(w){return t.indexOf(w)>=0;});});});});
})();
"""


def _traced_cell(traced: Any) -> str:
    if traced is True:
        return "yes"
    return '<span class="dd-bad">no</span>' if traced is False else ""


def esc(value: Any) -> str:
    return _escape(text(value), quote=True)


def _location(obj: Obj) -> str:
    """``docs/design/payments.rst:12`` that may wrap after a ``/`` (a column of
    locations need not be as wide as the longest path), nowhere else."""
    return "<code>" + "/<wbr>".join(esc(part) for part in location(obj).split("/")) + "</code>"


#: a word this long (a URL, a path) may break anywhere: the column need not be as wide
LONG_WORD = 30


def _long_words(html: str) -> str:
    if max((len(word) for word in html.split()), default=0) < LONG_WORD:
        return html
    return f'<span class="dd-wrap">{html}</span>'


def _ref(view: ReportView, obj: Obj | None, item_id: str, marked: bool = True) -> str:
    """A link to an object, its inactive mark inside the link (:mod:`..marks`) unless
    ``marked`` is off (a row's own ID, whose status is in a column of the row)."""
    label = f'<code class="dd-id">{esc(item_id)}</code>'
    mark = view.mark(obj) if marked else None
    if mark is not None:
        label += f' <span class="{esc(" ".join(mark.classes))}">{esc(mark.text)}</span>'
    url = view.url(obj)
    if url is not None:
        return f'<a href="{esc(url)}">{label}</a>'
    return label


def _relations(view: ReportView, rels: Iterable[Relation]) -> str:
    return ", ".join(_ref(view, r.obj, r.id) for r in rels)


class _Tables:
    """Numbers the tables so each filter box finds its own."""

    def __init__(self) -> None:
        self.count = 0

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        *,
        numeric: Sequence[int] = (),
        filterable: bool = True,
        caption: str = "",
    ) -> str:
        """``header`` is plain text (escaped here); ``rows`` cells are HTML already."""
        self.count += 1
        table_id = f"dd-table-{self.count}"
        parts = []
        if filterable:
            parts.append(
                f'<input class="dd-filter" type="search" data-table="{table_id}" '
                f'placeholder="Filter rows" aria-label="Filter {esc(caption or "rows")}">'
            )
        # wide enough for the page on a desktop (cells wrap); on a phone the table
        # scrolls in this box rather than the page sideways
        parts.append('<div class="dd-scroll">')
        parts.append(f'<table class="dd-sortable" id="{table_id}">')
        if caption:
            parts.append(f'<caption class="dd-muted">{esc(caption)}</caption>')
        parts.append(
            "<thead><tr>"
            + "".join(
                f'<th{" class=num" if i in numeric else ""} scope="col">{esc(h)}</th>'
                for i, h in enumerate(header)
            )
            + "</tr></thead><tbody>"
        )
        for row in rows:
            parts.append(
                "<tr>"
                + "".join(
                    f"<td{' class=num' if i in numeric else ''}>{cell}</td>"
                    for i, cell in enumerate(row)
                )
                + "</tr>"
            )
        parts.append("</tbody></table></div>")
        return "\n".join(parts)


def render(report: Mapping[str, Any], *, url_base: str = "", **_: Any) -> str:
    view = ReportView(report, url_base)
    tables = _Tables()
    title = f"Traceability report: {view.project}" if view.project else "Traceability report"
    body: list[str] = [f"<h1>{esc(title)}</h1>"]
    body.append(f'<p class="dd-muted">Generated by {esc(view.generator)}.</p>')

    coverage = view.coverage_figures()
    body.append('<h2 id="coverage">Coverage</h2>')
    if coverage:
        body.append(
            tables.table(
                ["Type", "Traced", "Total", "Coverage"],
                (
                    [
                        esc(view.label(t)),
                        esc(c.get("traced", 0)),
                        esc(c.get("total", 0)),
                        esc(share(c)),
                    ]
                    for t, c in coverage.items()
                ),
                numeric=(1, 2, 3),
                filterable=False,
            )
        )
    idle = view.nothing_to_trace()
    if idle:
        body.append(f"<p>Nothing to trace: {esc(', '.join(view.label(t) for t in idle))}.</p>")
    elif not coverage:
        body.append("<p>No object type is traced in this project.</p>")

    for type_name in view.traced_types():
        label = view.label(type_name)
        body.append(f"<h2>Traceability matrix: {esc(label)}</h2>")
        body.append(f"<p>{esc(view.coverage_line(type_name))}</p>")
        tracing = [spec.incoming for spec in view.tracing_links_into(type_name)]
        rows = []
        for row in view.matrix(type_name):
            traced: Any = row.obj.get("traced")
            cells = [
                _ref(view, row.obj, row.obj["id"], marked=False),
                esc(row.obj.get("title")),
                esc(row.obj.get("status")),
            ]
            cells += [
                _relations(view, (r for r in row.tracers if r.relation == name)) for name in tracing
            ]
            cells.append(
                "; ".join(
                    f"{esc(name)} "
                    + _relations(view, (r for r in row.through if r.relation == name))
                    for name in dict.fromkeys(r.relation for r in row.through)
                )
            )
            cells.append(
                {
                    True: '<span class="dd-ok">yes</span>',
                    False: '<span class="dd-bad">no</span>',
                }.get(traced, '<span class="dd-muted">n/a</span>')
            )
            rows.append(cells)
        header = [
            "ID",
            "Title",
            "Status",
            *(display_name(n) for n in tracing),
            "Through them",
            "Traced",
        ]
        body.append(tables.table(header, rows, caption=f"{label} matrix"))

    for impact in view.impact_tables():
        body.append(f"<h2>What a change affects: {esc(impact.label)}</h2>")
        rows = [
            [
                _ref(view, o, o["id"]),
                esc(o.get("title")),
                "<br>".join(f"{esc(group)}: {_relations(view, rels)}" for group, rels in groups)
                or '<span class="dd-muted">nothing</span>',
            ]
            for o, groups in impact.rows
        ]
        caption = f"{impact.label} impact"
        body.append(tables.table(["ID", "Title", "Affects"], rows, caption=caption))

    verification = view.verification_counts()
    if verification:
        body.append('<h2 id="verification">Verification</h2>')
        body.append(
            tables.table(
                ["Type", *(state.capitalize() for state in STATES)],
                (
                    [esc(view.label(t)), *(esc(counts.get(s, 0)) for s in STATES)]
                    for t, counts in verification.items()
                ),
                numeric=tuple(range(1, len(STATES) + 1)),
                filterable=False,
            )
        )
        unverified = view.not_verified()
        if unverified:
            body.append(
                tables.table(
                    ["ID", "Title", "Verification"],
                    (
                        [_ref(view, o, o["id"]), esc(o.get("title")), esc(why)]
                        for o, why in unverified
                    ),
                    caption="objects not verified",
                )
            )

    body.append('<h2 id="untraced">Untraced</h2>')
    untraced = view.untraced()
    if untraced:
        body.append(
            tables.table(
                ["ID", "Title", "Location", "Reason"],
                (
                    [
                        _ref(view, o, o["id"]),
                        esc(o.get("title")),
                        _location(o),
                        esc(view.untraced_reason(o)),
                    ]
                    for o in untraced
                ),
                caption="untraced objects",
            )
        )
    else:
        body.append("<p>Every object that must be traced is traced.</p>")

    body.append('<h2 id="findings">Findings</h2>')
    findings = list(report.get("findings") or [])
    if findings:
        body.append(
            tables.table(
                ["Rule", "Location", "Object", "Message", "Suppressed"],
                (
                    [
                        f"<code>{esc(f.get('rule'))}</code>",
                        _location(f),
                        esc(f.get("id")),
                        esc(f.get("message")),
                        "yes" if f.get("suppressed") else "no",
                    ]
                    for f in findings
                ),
                caption="findings",
            )
        )
    else:
        body.append("<p>No findings.</p>")

    body.append('<h2 id="objects">All objects</h2>')
    # the fields in one column, as the links: a column per field name (of every type)
    # made the table many times wider than the page, and mostly empty
    fields = view.field_names()
    header = ["ID", "Type", "Title", "Status", "Traced", "Location", "Links", "Backlinks", "Fields"]
    rows = []
    for o in view.objects:
        links = "<br>".join(
            f"{esc(name)}: " + ", ".join(_ref(view, view.by_id.get(t), t) for t in targets)
            for name, targets in (o.get("links") or {}).items()
        )
        backlinks = "<br>".join(
            f"{esc(name)}: " + ", ".join(_ref(view, view.by_id.get(s), s) for s in sources)
            for name, sources in (o.get("incoming") or {}).items()
        )
        rows.append(
            [
                _ref(view, o, o["id"], marked=False),
                esc(o.get("type")),
                esc(o.get("title")),
                esc(o.get("status")),
                _traced_cell(o.get("traced")),
                _location(o),
                links,
                backlinks,
                "<br>".join(
                    f"{esc(name)}: {_long_words(esc(value))}"
                    for name in fields
                    if (value := (o.get("fields") or {}).get(name)) not in (None, "", [])
                ),
            ]
        )
    body.append(tables.table(header, rows, caption="all objects"))

    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{esc(view.generator)}">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + f"\n<script>{JS}</script>\n</body>\n</html>\n"
    )
