"""``designdoc check``: build a project (or read a report) and report its findings;
exit status 1 while a finding is not suppressed."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..build import build_reports, count_sources
from ..reports.load import load_report
from ..safety import terminal_data
from ..subtypes import rule_name
from .data import resolve_data
from .errors import EXIT_FINDINGS, EXIT_OK, CLIError
from .terminal import Style, announcer, dump_json, write_output

#: source files above which ``check`` shows Sphinx's progress on a terminal
PROGRESS_THRESHOLD = 100


def _default_source() -> Path:
    for candidate in (Path(), Path("docs"), Path("doc")):
        if (candidate / "conf.py").is_file():
            return candidate
    raise CLIError("no conf.py in the current folder, docs/ or doc/; pass the source folder")


def _display_path(srcdir: Path | None, source: str | None) -> str:
    if not source:
        return ""
    if srcdir is None:
        return source
    full = srcdir / source
    try:
        return os.path.relpath(full)
    except ValueError:  # another drive on Windows
        return str(full)


def cmd_check(args: argparse.Namespace) -> int:
    import tempfile

    src = Path(args.src) if args.src else _default_source()
    srcdir: Path | None = None
    if not src.exists():
        raise CLIError(f"no such file or folder: {src}")
    if src.is_dir() and (src / "conf.py").is_file():
        srcdir = src
        progress = not args.quiet and (
            args.verbose
            or (
                sys.stderr.isatty() and count_sources(src, PROGRESS_THRESHOLD) >= PROGRESS_THRESHOLD
            )
        )
        with tempfile.TemporaryDirectory(prefix="designdoc-check-") as tmp:
            path = build_reports(
                src, Path(tmp) / "out", Path(tmp) / "doctrees", progress=progress, jobs=args.jobs
            )
            report = load_report(path)
    elif src.is_dir():
        report = load_report(resolve_data(str(src), say=announcer(args)))
    else:
        report = load_report(src)

    findings = list(report.get("findings") or [])
    active = [f for f in findings if not f.get("suppressed")]
    status = EXIT_FINDINGS if active else EXIT_OK
    fmt = args.format
    if fmt == "json":
        from ..reports._common import coverage_figures

        text = dump_json(
            {
                "ok": not active,
                "findings": findings,
                "active": len(active),
                "suppressed": len(findings) - len(active),
                "coverage": coverage_figures(report),
            }
        )
    elif fmt == "junit":
        from ..reports import junit

        text = junit.render(report, include_checks=True)
    elif fmt == "sarif":
        from ..reports import sarif

        prefix = args.path_prefix
        if prefix is None:
            prefix = sarif.repository_prefix(srcdir) if srcdir is not None else ""
        text = sarif.render(report, path_prefix=prefix)
    else:
        report = terminal_data(report)
        findings = list(report.get("findings") or [])
        active = [f for f in findings if not f.get("suppressed")]
        text = _check_text(report, srcdir, findings, active, args)
    write_output(text, args.output)
    return status


def _check_text(
    report: Mapping[str, Any],
    srcdir: Path | None,
    findings: list[Mapping[str, Any]],
    active: list[Mapping[str, Any]],
    args: argparse.Namespace,
) -> str:
    stream = sys.stdout if args.output in (None, "-") else None
    style = Style.for_stream(stream, args.color) if stream else Style(False)
    lines = []
    for f in findings:
        if f.get("suppressed") and not args.show_suppressed:
            continue
        where = _display_path(srcdir, f.get("source"))
        if where and f.get("line"):
            where += f":{f['line']}"
        # as Sphinx writes a warning: where, what, and the kind at the end
        tag = f"[{rule_name(str(f.get('subtype')))}]"
        if f.get("suppressed"):
            tag += " (suppressed)"
        lines.append(
            (style(where, "bold") + ": " if where else "")
            + f"{f.get('message')} "
            + style(tag, "dim" if f.get("suppressed") else "yellow")
        )
    suppressed = len(findings) - len(active)
    summary = "no findings" if not active else f"{len(active)} finding{'s' * (len(active) != 1)}"
    if suppressed:
        summary += f" ({suppressed} suppressed)"
    from ..reports._common import ReportView

    view = ReportView(report)
    coverage = "; ".join(
        f"{t} coverage {view.coverage_line(t)}"
        if t in view.coverage_figures()
        else f"{t}: {view.coverage_line(t)}"
        for t in view.traced_types()
    )
    lines.append(
        style(f"designdoc: {summary}", "red" if active else "green")
        + (f"; {coverage}" if coverage else "")
    )
    return "\n".join(lines) + "\n"
