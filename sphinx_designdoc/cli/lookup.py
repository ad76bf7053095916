"""``designdoc trace`` and ``designdoc impact``: an object and what it links to, near
and far."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from ..codec import graph_of
from ..reports._common import ReportView
from ..reports.load import find_object, load_for_trace, load_report, resolve_data
from ..safety import terminal_data, terminal_text
from .errors import EXIT_OK
from .terminal import Style, dump_json, format_table, status_cell, write_line


def _header(obj: Mapping[str, Any], view: ReportView, style: Style) -> list[str]:
    lines = [f"{style(obj['id'], 'bold', 'cyan')}  {style(str(obj.get('title', '')), 'bold')}"]
    status = str(obj.get("status", ""))
    facts = [str(obj.get("type", "")), style.status(status, view.tone(obj.get("type"), status))]
    traced = obj.get("traced")
    if traced is not None:
        facts.append(style.status(*(("traced", "good") if traced else ("untraced", "bad"))))
    if obj.get("source"):
        where = obj["source"] + (f":{obj['line']}" if obj.get("line") else "")
        facts.append(where)
    if obj.get("external"):
        facts.append("external")
    lines.append("  " + " · ".join(f for f in facts if f))
    fields = obj.get("fields") or {}
    if fields:
        from ..reports._common import text

        lines.append(
            "  " + " · ".join(f"{k}: {text(v)}" for k, v in fields.items() if text(v) != "")
        )
    if obj.get("url"):
        lines.append("  " + style(str(obj["url"]), "dim"))
    return lines


def cmd_trace(args: argparse.Namespace) -> int:
    report = load_for_trace(resolve_data(args.data, verbose=args.verbose), args.id)
    wanted = args.id
    if not args.json:  # text for a terminal: nothing in the report may drive it
        report, wanted = terminal_data(report), terminal_text(wanted)
    view = ReportView(report)
    obj = find_object(view.by_id, wanted)
    relations = view.neighbourhood(obj)
    if args.json:
        write_line(dump_json({"object": obj, "relations": [r.to_json() for r in relations]}))
        return EXIT_OK
    style = Style.for_stream(sys.stdout, args.color)
    lines = _header(obj, view, style)
    lines.append("")
    if not relations:
        lines.append("  no links to or from this object")
    else:
        rows = []
        for r in relations:
            rel = f"  {r.relation} (via {r.via})" if r.via else r.relation
            target = r.obj or {}
            rows.append(
                [
                    (rel, ("dim",) if r.via else ()),
                    (r.id, ("cyan",)),
                    str(target.get("type", "?")),
                    status_cell(
                        target.get("status"), view.tone(target.get("type"), target.get("status"))
                    ),
                    str(target.get("title", "(unknown ID)")),
                ]
            )
        table = format_table(["RELATION", "ID", "TYPE", "STATUS", "TITLE"], rows, style)
        lines += ["  " + line for line in table.splitlines()]
    if obj.get("traced") is False:
        lines += ["", "  " + style(view.untraced_reason(obj), "red")]
    write_line("\n".join(lines))
    return EXIT_OK


# -- impact -----------------------------------------------------------------------


def _path_text(path: Sequence[str], links: Mapping[str, str], direction: str) -> str:
    parts = [path[0]]
    for item_id in path[1:]:
        link = links.get(item_id, "?")
        parts.append(f"-{link}-> {item_id}" if direction == "down" else f"<-{link}- {item_id}")
    return " ".join(parts)


def cmd_impact(args: argparse.Namespace) -> int:
    report = load_report(resolve_data(args.data, verbose=args.verbose))
    wanted = args.id
    if not args.json:  # text for a terminal: nothing in the report may drive it
        report, wanted = terminal_data(report), terminal_text(wanted)
    by_id = {o["id"]: o for o in report["objects"]}
    obj = find_object(by_id, wanted)
    graph = graph_of(report)
    directions = ["down", "up"] if args.direction == "both" else [args.direction]
    result: dict[str, list[dict[str, Any]]] = {}
    for direction in directions:
        steps = graph.walk(obj["id"], direction, max_depth=args.depth)
        via = {s.item.id: s.link for s in steps}
        result["downstream" if direction == "down" else "upstream"] = [
            {
                "id": s.item.id,
                "type": s.item.type,
                "title": s.item.title,
                "status": s.item.status,
                "depth": len(s.path) - 1,
                "link": s.link,
                "path": list(s.path),
                "links": [via[i] for i in s.path[1:]],
                "path_text": _path_text(s.path, via, direction),
            }
            for s in steps
        ]
    if args.json:
        write_line(dump_json({"object": obj, **result}))
        return EXIT_OK
    style = Style.for_stream(sys.stdout, args.color)
    view = ReportView(report)
    lines = _header(obj, view, style)
    titles = {
        "downstream": f"Downstream: what {obj['id']} links to, directly or not",
        "upstream": f"Upstream: what links to {obj['id']}, directly or not",
    }
    for key, entries in result.items():
        lines += ["", style(f"{titles[key]} ({len(entries)})", "bold")]
        if not entries:
            lines.append("  nothing")
            continue
        rows = [
            [
                str(e["depth"]),
                (e["id"], ("cyan",)),
                e["type"],
                status_cell(e["status"], view.tone(e["type"], e["status"])),
                e["title"],
                (e["path_text"], ("dim",)),
            ]
            for e in entries
        ]
        table = format_table(["DEPTH", "ID", "TYPE", "STATUS", "TITLE", "PATH"], rows, style)
        lines += ["  " + line for line in table.splitlines()]
    write_line("\n".join(lines))
    return EXIT_OK
