"""``designdoc trace`` and ``designdoc impact``: an object and what it links to, near
and far, both as the one :class:`..graph.Graph` walks it (decoded from the rows read)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

from ..graph import Graph
from ..reports._common import ReportView
from ..reports.load import find_object, load_for_trace, load_report
from ..safety import natural_key, terminal_data, terminal_text
from .data import resolve_data
from .errors import EXIT_OK
from .terminal import Style, announcer, dump_json, format_table, status_cell, write_line


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


#: how each verification state is coloured in a terminal
_STATE_TONES = {"passed": "good", "failed": "bad", "skipped": "pending", "missing": "pending"}


def _evidence(obj: Mapping[str, Any], style: Style) -> list[str]:
    """The tests that verify an object and the code tags naming it, for ``trace``."""
    lines: list[str] = []
    verification = obj.get("verification")
    if isinstance(verification, Mapping):
        state = str(verification.get("state", ""))
        tests = [t for t in verification.get("tests") or () if isinstance(t, Mapping)]
        lines += ["", f"  Verified: {style.status(state, _STATE_TONES.get(state, ''))}"]
        rows = [
            [
                status_cell(str(t.get("outcome", "")), _STATE_TONES.get(str(t.get("outcome")), "")),
                (str(t.get("id", "")), ("cyan",)),
                (str(t.get("message", "")), ("dim",)),
            ]
            for t in tests
        ]
        if rows:
            table = format_table(["OUTCOME", "TEST", "MESSAGE"], rows, style)
            lines += ["    " + line for line in table.splitlines()]
    code = [c for c in obj.get("code") or () if isinstance(c, Mapping)]
    if code:
        lines += ["", "  Code:"]
        lines += [f"    {_code_text(c, style)}" for c in code]
    return lines


def _code_text(tag: Mapping[str, Any], style: Style) -> str:
    where = f"{tag.get('path', '')}:{tag.get('line', '')}"
    return where + (f"  {style(str(tag['url']), 'dim')}" if tag.get("url") else "")


def cmd_trace(args: argparse.Namespace) -> int:
    path = resolve_data(args.data, verbose=args.verbose, say=announcer(args))
    report = load_for_trace(path, args.id)
    wanted = args.id
    if not args.json:  # text for a terminal: nothing in the report may drive it
        report, wanted = terminal_data(report), terminal_text(wanted)
    view = ReportView(report)
    obj = find_object(view.by_id, wanted, path)
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
    lines += _evidence(obj, style)
    write_line("\n".join(lines))
    return EXIT_OK


# -- impact -----------------------------------------------------------------------


def impact_rows(graph: Graph, item_id: str, depth: int | None) -> list[dict[str, Any]]:
    """What a change to ``item_id`` may affect (:meth:`..graph.Graph.impact`), as rows
    grouped by type in the vocabulary's order, nearest first."""
    order = {name: index for index, name in enumerate(graph.schema.types)}
    affected = sorted(
        graph.impact(item_id, depth),
        key=lambda a: (order.get(a.item.type, len(order)), a.depth, natural_key(a.item.id)),
    )
    return [
        {
            "id": a.item.id,
            "type": a.item.type,
            "title": a.item.title,
            "status": a.item.status,
            "depth": a.depth,
            "path": list(a.path),
            "hops": [
                {
                    "link": h.link,
                    "direction": "forward" if h.forward else "backward",
                    "relation": h.relation,
                    "to": h.to,
                }
                for h in a.hops
            ],
            "how": a.explain(),
        }
        for a in affected
    ]


def cmd_impact(args: argparse.Namespace) -> int:
    path = resolve_data(args.data, verbose=args.verbose, say=announcer(args))
    report = load_report(path)
    wanted = args.id
    if not args.json:  # text for a terminal: nothing in the report may drive it
        report, wanted = terminal_data(report), terminal_text(wanted)
    view = ReportView(report)
    obj = find_object(view.by_id, wanted, path)
    rows = impact_rows(view.graph, obj["id"], args.depth)
    for row in rows:  # the code a change may reach: that of every object it affects
        row["code"] = list(view.by_id.get(row["id"], {}).get("code") or ())
    if args.json:
        write_line(dump_json({"object": obj, "affects": rows}))
        return EXIT_OK
    style = Style.for_stream(sys.stdout, args.color)
    lines = _header(obj, view, style)
    lines.append("")
    if not rows:
        lines.append(f"  A change to {obj['id']} affects no other object.")
        write_line("\n".join(lines + _reached_code(obj, rows, style)))
        return EXIT_OK
    count = f"{len(rows)} object{'s' * (len(rows) != 1)}"
    lines.append(style(f"A change to {obj['id']} may affect {count}:", "bold"))
    for type_name in dict.fromkeys(row["type"] for row in rows):
        group = [row for row in rows if row["type"] == type_name]
        lines += ["", f"  {view.label(type_name)} ({len(group)})"]
        table = format_table(
            ["DEPTH", "ID", "STATUS", "TITLE", "HOW"],
            [
                [
                    str(row["depth"]),
                    (row["id"], ("cyan",)),
                    status_cell(row["status"], view.tone(row["type"], row["status"])),
                    row["title"],
                    (row["how"], ("dim",)),
                ]
                for row in group
            ],
            style,
        )
        lines += ["    " + line for line in table.splitlines()]
    lines += _reached_code(obj, rows, style)
    write_line("\n".join(lines))
    return EXIT_OK


def _reached_code(obj: Mapping[str, Any], rows: list[dict[str, Any]], style: Style) -> list[str]:
    """The code a change may reach: the tags naming the object and every object it
    affects (its decisions' implementation, for a requirement)."""
    reached = [(obj["id"], tag) for tag in obj.get("code") or () if isinstance(tag, Mapping)]
    reached += [(row["id"], tag) for row in rows for tag in row["code"] if isinstance(tag, Mapping)]
    if not reached:
        return []
    count = f"{len(reached)} tag{'s' * (len(reached) != 1)}"
    lines = ["", style(f"Code that implements them ({count}):", "bold")]
    return lines + [f"    {_code_text(tag, style)}  ({item_id})" for item_id, tag in reached]
