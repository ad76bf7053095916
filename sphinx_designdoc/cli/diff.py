"""``designdoc diff``: two reports compared, as text, JSON, a pull-request comment or
SARIF; with ``--base``, the working tree compared with a git revision of it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..reports.diff import (
    change_count,
    coverage_text,
    diff_reports,
    regressions,
    suspect_text,
    value_text,
)
from ..reports.load import load_report
from ..safety import safe_url, terminal_data, terminal_text
from .data import resolve_data
from .errors import EXIT_FINDINGS, EXIT_OK, CLIError
from .terminal import Style, announcer, dump_json, write_output


def _diff_text(diff: Mapping[str, Any], style: Style) -> str:
    """The diff for a terminal; ``diff`` has passed :func:`..safety.terminal_data`."""
    lines: list[str] = []

    def section(title: str, entries: list[str], colour: str = "") -> None:
        if not entries:
            return
        lines.append(style(f"{title} ({len(entries)})", "bold", colour))
        lines.extend("  " + e for e in entries)

    lines.append(style("Coverage", "bold"))
    if not diff["coverage"]:
        lines.append("  no traced types")
    for type_name, c in diff["coverage"].items():
        counts = [
            f"{n:+d} {_plural(type_name, n)} {what}"
            for n, what in ((c.get("traced_change"), "traced"), (c.get("total_change"), "to trace"))
            if n
        ]
        change = c["change"] or 0
        colour = "red" if change < 0 else "green" if change > 0 else ""
        mark = style(", " + ", ".join(counts), colour) if counts else ""
        lines.append(
            f"  {type_name}: {coverage_text(c['before'])} -> {coverage_text(c['after'])}{mark}"
        )
    section(
        "Added",
        [f"{o['id']} {o['type']} {o['title']!r} ({o['status']})" for o in diff["added"]],
        "green",
    )
    section("Removed", [f"{o['id']} {o['type']} {o['title']!r}" for o in diff["removed"]], "red")
    section("Changed", [_changed_text(c, style) for c in diff["changed"]], "yellow")
    section(
        "Links added",
        [f"{r['source']} {r['link']} {r['target']}" for r in diff["links_added"]],
        "green",
    )
    section(
        "Links removed",
        [f"{r['source']} {r['link']} {r['target']}" for r in diff["links_removed"]],
        "red",
    )
    section("New suspect links", [suspect_text(s) for s in diff["suspects_added"]], "red")
    section(
        "Suspect links cleared",
        [f"{s['id']} {s['link']} {s['target']}" for s in diff["suspects_removed"]],
        "green",
    )
    section(
        "Newly untraced",
        [
            f"{o['id']} {o['title']!r}" + (" (new)" if o["new_object"] else "")
            for o in diff["newly_untraced"]
        ],
        "red",
    )
    section("Newly traced", [f"{o['id']} {o['title']!r}" for o in diff["newly_traced"]], "green")
    section("New findings", [_finding_text(f) for f in diff["findings_added"]], "red")
    section("Findings gone", [_finding_text(f) for f in diff["findings_removed"]], "green")
    if not change_count(diff):
        lines.append("No object, link, tracing or finding changes.")
    return "\n".join(lines) + "\n"


def _changed_text(entry: Mapping[str, Any], style: Style) -> str:
    """One changed object: its ID and title, then each change indented under it, and
    its text diff under that (the lines a section adds its indent to)."""
    out = [f"{entry['id']} {entry['type']} {entry['title']!r}"]
    for change in entry["changes"]:
        if change["field"] == "text":
            out.append("    text changed:")
            colours = {"+": "green", "-": "red", "@": "cyan"}
            out += [
                "      " + style(line, colours.get(line[:1], "")) for line in entry["text_diff"]
            ]
            if entry["text_diff_more"]:
                out.append(f"      … {entry['text_diff_more']} more lines")
        else:
            out.append(
                f"    {change['field']}: {value_text(change['before'])} -> "
                f"{value_text(change['after'])}"
            )
    return "\n  ".join(out)


def _plural(noun: str, count: int) -> str:
    """``requirement`` for one, ``requirements`` for more (``policy``: ``policies``)."""
    if abs(count) == 1:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _finding_text(finding: Mapping[str, Any]) -> str:
    where = str(finding.get("source") or "")
    if where and finding.get("line"):
        where += f":{finding['line']}"
    return (f"{where}: " if where else "") + f"{finding.get('message')} [{finding.get('rule')}]"


def _reports(args: argparse.Namespace) -> tuple[Path, Path, str]:
    """The two reports to compare, and the SARIF path prefix their paths need."""
    say = announcer(args)
    if args.base is None:
        if args.old is None or args.new is None:
            raise CLIError(
                "diff needs two reports, OLD and NEW (or --base GIT_REF [SRC] to compare "
                "a source folder with a git revision of it)"
            )
        old = resolve_data(args.old, verbose=args.verbose, say=say)
        new = resolve_data(args.new, verbose=args.verbose, say=say)
        return old, new, ""
    if args.new is not None:
        raise CLIError(
            f"with --base, diff takes at most one folder (SRC), not {args.old!r} and "
            f"{args.new!r}: the working tree of SRC is compared with it at {args.base}"
        )
    src = Path(args.old or ".")
    if not (src / "conf.py").is_file():
        raise CLIError(f"{src}: no conf.py; --base compares a Sphinx source folder")
    from ..reports.sarif import repository_prefix
    from .gitbase import report_at_ref

    old = report_at_ref(args.base, src, verbose=args.verbose, say=say)
    new = resolve_data(str(src), verbose=args.verbose, say=say)
    return old, new, repository_prefix(src)


def cmd_diff(args: argparse.Namespace) -> int:
    fmt = args.format or ("json" if args.json else "text")
    if args.json and fmt != "json":
        raise CLIError(f"--json is short for --format json, not --format {fmt}")
    if args.site_url is not None and safe_url(args.site_url) is None:
        raise CLIError(f"--site-url {args.site_url!r} is not an http(s) or relative URL")
    old_path, new_path, prefix = _reports(args)
    diff = diff_reports(load_report(old_path), load_report(new_path))
    reasons = regressions(diff)
    if fmt == "json":
        output = dump_json({**diff, "regression": bool(reasons), "regressions": reasons})
    elif fmt == "markdown":
        from ..reports.diff_markdown import render_comment

        output = render_comment(diff, reasons, site_url=args.site_url or "")
    elif fmt == "sarif":
        from ..reports.diff_sarif import render_sarif

        prefix = prefix if args.path_prefix is None else args.path_prefix
        output = render_sarif(diff, path_prefix=prefix)
    else:
        to_stdout = args.output in (None, "-")
        style = (
            Style.for_stream(sys.stdout, args.color) if to_stdout else Style(args.color == "always")
        )
        output = _diff_text(terminal_data(diff), style)
        if reasons:
            output += "Regression:\n" + "".join(
                f"  {terminal_text(reason)}\n" for reason in reasons
            )
        if to_stdout:  # its colours are the only control sequences, made here
            sys.stdout.write(output)
            return EXIT_FINDINGS if args.fail_on_regression and reasons else EXIT_OK
    write_output(output, args.output)
    return EXIT_FINDINGS if args.fail_on_regression and reasons else EXIT_OK
