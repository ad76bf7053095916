"""``designdoc diff``, ``designdoc export`` and ``designdoc new``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..graph import format_percent
from ..reports.diff import diff_reports, is_regression
from ..reports.load import load_report, resolve_data
from ..safety import terminal_data
from .errors import EXIT_FINDINGS, EXIT_OK, CLIError
from .terminal import Style, dump_json, write_line, write_output


def _diff_text(diff: Mapping[str, Any], style: Style) -> str:
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

        def fmt(v: Mapping[str, Any] | None) -> str:
            if v is None:
                return "n/a"
            return (
                f"{format_percent(v.get('percent', 0))} ({v.get('traced', 0)}/{v.get('total', 0)})"
            )

        change = c["change"]
        mark = ""
        if change:
            mark = style(f"  {change:+g} points", "red" if change < 0 else "green")
        lines.append(f"  {type_name}: {fmt(c['before'])} -> {fmt(c['after'])}{mark}")
    section(
        "Added",
        [f"{o['id']} {o['type']} {o['title']!r} ({o['status']})" for o in diff["added"]],
        "green",
    )
    section("Removed", [f"{o['id']} {o['type']} {o['title']!r}" for o in diff["removed"]], "red")
    section("Retitled", [f"{r['id']}: {r['before']!r} -> {r['after']!r}" for r in diff["retitled"]])
    section(
        "Status changed",
        [f"{r['id']}: {r['before']} -> {r['after']}" for r in diff["status_changed"]],
    )
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
    section(
        "Newly untraced",
        [
            f"{o['id']} {o['title']!r}" + (" (new)" if o["new_object"] else "")
            for o in diff["newly_untraced"]
        ],
        "red",
    )
    section("Newly traced", [f"{o['id']} {o['title']!r}" for o in diff["newly_traced"]], "green")
    changes = sum(len(v) for k, v in diff.items() if k != "coverage")
    if not changes:
        lines.append("No object, link or tracing changes.")
    return "\n".join(lines) + "\n"


def cmd_diff(args: argparse.Namespace) -> int:
    old = load_report(resolve_data(args.old, verbose=args.verbose))
    new = load_report(resolve_data(args.new, verbose=args.verbose))
    diff = diff_reports(old, new)
    regression = is_regression(diff)
    if args.json:
        write_line(dump_json({**diff, "regression": regression}))
    else:
        text = _diff_text(terminal_data(diff), Style.for_stream(sys.stdout, args.color))
        if regression:
            text += "Regression: coverage dropped or a requirement became untraced.\n"
        sys.stdout.write(text)
    return EXIT_FINDINGS if args.fail_on_regression and regression else EXIT_OK


# -- export -----------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from ..reports import render

    report = load_report(resolve_data(args.data, verbose=args.verbose))
    options: dict[str, Any] = {}
    if args.format == "sarif":
        options["path_prefix"] = args.path_prefix or ""
    if args.format == "needs":
        options["version"] = args.needs_version
    write_output(render(args.format, report, **options), args.output)
    return EXIT_OK


# -- new --------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from ..scaffold import default_filename, scaffold

    fmt = args.format
    if fmt is None:
        fmt = "md" if args.output and args.output.endswith(".md") else "rst"
    try:
        text = scaffold(args.title, fmt=fmt, prefix=args.prefix)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output or default_filename(args.title, fmt))
    if target.exists() and not args.force:
        raise CLIError(f"{target} exists; pass --force to overwrite it")
    write_output(text, str(target))
    write_line(f"wrote {target}", sys.stderr)
    return EXIT_OK
