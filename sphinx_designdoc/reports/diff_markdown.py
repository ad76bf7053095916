"""A diff of two reports as a pull-request comment (GitHub-flavoured Markdown).

A verdict and a table of counts always come first; the details follow in collapsible
sections, each cut with an honest "… N more" so the whole comment stays under
:data:`LIMIT` characters (GitHub refuses a comment over 65,536).  Every string of a
report is passed through :func:`.markdown.inert`: in a comment, a title must not ping a
user, link an issue, run HTML or become a link.  Report strings never reach the
``<summary>`` lines, which hold only our own words and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..safety import encode_url, safe_url, terminal_text, url_scheme
from ._common import text
from .diff import change_count, coverage_text, shorten, value_text
from .markdown import inert as _inert

#: the most characters of a comment: under GitHub's 65,536, with room to spare
LIMIT = 60_000
#: the most regression reasons listed under the verdict (each section lists them all)
REASONS_SHOWN = 10


def inert(value: Any) -> str:
    """A report's string for the comment: inert, and short (a title may be a page)."""
    return _inert(shorten(text(value)))


@dataclass
class _Section:
    title: str
    noun: str
    entries: list[str]
    #: lines before the entries (a table's header)
    header: list[str] = field(default_factory=list)

    def render(self, kept: int) -> str:
        body = [*self.header, *self.entries[:kept]]
        more = len(self.entries) - kept
        if more:
            body += ["", f"*… {more} more {self.noun} not shown*"]
        return (
            f"<details><summary>{self.title} ({len(self.entries)})</summary>\n\n"
            + "\n".join(body)
            + "\n\n</details>\n"
        )


def object_link(item: Mapping[str, Any], site_url: str) -> str:
    """An object's ID, a link to its page on the site when there is one."""
    label = f"**{inert(item.get('id'))}**"
    url = safe_url(item.get("url"))
    if not site_url or url is None:
        return label
    if not url_scheme(url):
        url = site_url.rstrip("/") + "/" + url.lstrip("/")
    return f"[{label}](<{encode_url(url)}>)"


def fenced(lines: Sequence[str], language: str) -> str:
    """A fenced code block, its fence longer than any run of backticks in ``lines``."""
    longest = 0
    for line in lines:
        run = 0
        for char in line:
            run = run + 1 if char == "`" else 0
            longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return "\n".join([fence + language, *lines, fence])


def _verdict(diff: Mapping[str, Any], reasons: Sequence[str]) -> str:
    if reasons:
        return f"❌ Regression: {len(reasons)} reason{'s' * (len(reasons) != 1)}"
    if not change_count(diff):
        return "No design change"
    return "✅ No regression"


def _counts(diff: Mapping[str, Any]) -> list[str]:
    rows = [
        ("Objects added", str(len(diff["added"]))),
        ("Objects removed", str(len(diff["removed"]))),
        ("Objects changed", str(len(diff["changed"]))),
        ("Links added / removed", f"+{len(diff['links_added'])} / -{len(diff['links_removed'])}"),
        ("New findings", str(len(diff["findings_added"]))),
        ("Resolved findings", str(len(diff["findings_removed"]))),
        ("New suspect links", str(len(diff["suspects_added"]))),
        ("Suspect links cleared", str(len(diff["suspects_removed"]))),
        ("Newly untraced", str(len(diff["newly_untraced"]))),
    ]
    return ["| Change | Count |", "|---|---:|", *(f"| {a} | {b} |" for a, b in rows)]


def _changed_entry(entry: Mapping[str, Any], site_url: str) -> str:
    lines = [
        f"{object_link(entry, site_url)} {inert(entry.get('type'))}: {inert(entry.get('title'))}",
        "",
    ]
    diff_lines: list[str] = []
    for change in entry["changes"]:
        if change["field"] == "text":
            lines.append("- text changed")
            diff_lines = [terminal_text(line) for line in entry["text_diff"]]
            if entry.get("text_diff_more"):
                diff_lines.append(f"… {entry['text_diff_more']} more lines")
        else:
            lines.append(
                f"- {inert(change['field'])}: {inert(value_text(change['before']))} → "
                f"{inert(value_text(change['after']))}"
            )
    if diff_lines:
        lines += ["", fenced(diff_lines, "diff")]
    return "\n".join(lines) + "\n"


def _object_line(o: Mapping[str, Any], site_url: str) -> str:
    return (
        f"- {object_link(o, site_url)} {inert(o.get('type'))}: {inert(o.get('title'))}"
        f" ({inert(o.get('status'))})"
    )


def _finding_line(f: Mapping[str, Any]) -> str:
    where = str(f.get("source") or "")
    if where and f.get("line"):
        where += f":{f['line']}"
    place = f" {inert(where)}" if where else ""
    return f"- **{inert(f.get('rule'))}**{place}: {inert(f.get('message'))}"


def _sections(diff: Mapping[str, Any], site_url: str) -> list[_Section]:
    link = lambda r, mark: (  # noqa: E731
        f"- {mark} {inert(r['source'])} {inert(r['link'])} {inert(r['target'])}"
    )
    coverage = [
        f"| {inert(name)} | {coverage_text(c['before'])} | {coverage_text(c['after'])} | "
        + ("" if not c["change"] else f"{c['change']:+.2f} points")
        + " |"
        for name, c in diff["coverage"].items()
    ]
    suspects = [
        f"- ⚠️ {object_link(s, site_url)} {inert(s['link'])} {inert(s['target'])}: "
        f"{inert(s['target'])}'s {inert(', '.join(s.get('changed') or ()) or 'content')} "
        "changed since the link was reviewed"
        for s in diff["suspects_added"]
    ] + [
        f"- cleared: {inert(s['id'])} {inert(s['link'])} {inert(s['target'])}"
        for s in diff["suspects_removed"]
    ]
    tracing = [
        f"- newly untraced: {object_link(o, site_url)} {inert(o.get('title'))}"
        + (" (new)" if o.get("new_object") else "")
        for o in diff["newly_untraced"]
    ] + [
        f"- newly traced: {object_link(o, site_url)} {inert(o.get('title'))}"
        for o in diff["newly_traced"]
    ]
    sections = [
        _Section(
            "Changed objects",
            "changed objects",
            [_changed_entry(c, site_url) for c in diff["changed"]],
        ),
        _Section("Suspect links", "suspect links", suspects),
        _Section("New findings", "findings", [_finding_line(f) for f in diff["findings_added"]]),
        _Section(
            "Resolved findings", "findings", [_finding_line(f) for f in diff["findings_removed"]]
        ),
        _Section("Added objects", "objects", [_object_line(o, site_url) for o in diff["added"]]),
        _Section("Removed objects", "objects", [_object_line(o, "") for o in diff["removed"]]),
        _Section(
            "Links",
            "links",
            [link(r, "+") for r in diff["links_added"]]
            + [link(r, "-") for r in diff["links_removed"]],
        ),
        _Section("Tracing", "objects", tracing),
        _Section(
            "Coverage",
            "types",
            coverage,
            ["| Type | Before | After | Change |", "|---|---|---|---:|"],
        ),
    ]
    return [s for s in sections if s.entries]


def _fair_shares(sizes: Sequence[int], budget: int) -> list[int]:
    """Split ``budget`` so that no section gets more than it needs and the others share
    the rest equally (a small section is shown whole beside a large one)."""
    shares = [0] * len(sizes)
    left = len(sizes)
    for index in sorted(range(len(sizes)), key=lambda i: sizes[i]):
        shares[index] = min(sizes[index], max(0, budget) // left)
        budget -= shares[index]
        left -= 1
    return shares


def _kept(entries: Sequence[str], share: int) -> int:
    used = kept = 0
    for entry in entries:
        used += len(entry) + 1
        if used > share:
            break
        kept += 1
    return kept


def render_comment(
    diff: Mapping[str, Any], reasons: Sequence[str], *, site_url: str = "", limit: int = LIMIT
) -> str:
    """The comment: verdict, reasons, counts, then the details, within ``limit``."""
    head = [f"## Design review: {_verdict(diff, reasons)}", ""]
    if reasons:
        head += [f"- {inert(reason)}" for reason in reasons[:REASONS_SHOWN]]
        if len(reasons) > REASONS_SHOWN:
            head.append(f"- … {len(reasons) - REASONS_SHOWN} more reasons (see below)")
        head.append("")
    head += [*_counts(diff), ""]
    top = "\n".join(head) + "\n"
    sections = _sections(diff, site_url)
    frames = sum(len(s.render(0)) + 1 for s in sections)
    budget = limit - len(top) - frames
    while True:
        shares = _fair_shares([sum(len(e) + 1 for e in s.entries) for s in sections], budget)
        parts = [
            s.render(_kept(s.entries, share)) for s, share in zip(sections, shares, strict=True)
        ]
        out = top + "\n".join(parts)
        if len(out) <= limit or budget <= 0:
            return out
        budget -= len(out) - limit
