"""Reference tables generated from the definitions the code uses, so the documentation
cannot drift from it: ``designdoc-config-reference`` (every setting, from
``config.CONFIG_VALUES``), ``designdoc-warnings`` (every warning kind, from
``subtypes.SUBTYPES``), ``designdoc-types-reference`` (every built-in object type, its
statuses, fields and links, from the vocabulary) and ``designdoc-cli-reference`` (every
command's help, from the command line's own parser)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from sphinx_designdoc.cli.parser import build_parser
from sphinx_designdoc.config import CONFIG_VALUES
from sphinx_designdoc.subtypes import SUBTYPES
from sphinx_designdoc.vocabulary import COMMON_FIELDS
from sphinx_designdoc.vocabulary_config import build_schema


def _table(
    classes: str,
    widths: tuple[int, ...],
    header: list[str],
    rows: list[list[str]],
    literal: tuple[bool, ...],
    ids: list[str] | None = None,
) -> nodes.table:
    table = nodes.table(classes=[classes])
    group = nodes.tgroup(cols=len(widths))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(header, (False,) * len(header))
    body = nodes.tbody()
    group += body
    for index, cells in enumerate(rows):
        row = _row(cells, literal)
        if ids is not None:  # a link target per row: the badges and SARIF help link here
            row["ids"].append(ids[index])
        body += row
    return table


def _row(cells: list[str], literal: tuple[bool, ...]) -> nodes.row:
    row = nodes.row()
    for text, is_literal in zip(cells, literal, strict=True):
        entry = nodes.entry()
        para = nodes.paragraph()
        para += nodes.literal(text, text) if is_literal else nodes.Text(text)
        entry += para
        row += entry
    return row


class ConfigReference(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        rows = [[cv.name, repr(cv.default), cv.help] for cv in CONFIG_VALUES]
        return [
            _table(
                "designdoc-config",
                (25, 25, 50),
                ["Setting", "Default", "Meaning"],
                rows,
                (True, True, False),
            )
        ]


class WarningsReference(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        rows = [
            [s.rule, s.summary, s.fix, s.level, "yes" if s.regression else "no"]
            for s in SUBTYPES.values()
        ]
        return [
            _table(
                "designdoc-warnings",
                (18, 36, 28, 9, 9),
                ["Warning", "Meaning", "What to do", "SARIF level", "A regression"],
                rows,
                (True, False, False, False, False),
                [s.rule.replace(".", "-") for s in SUBTYPES.values()],
            )
        ]


def _field_kind(kind: str, choices: tuple[str, ...], default: Any) -> str:
    text = kind
    if choices:
        text += ": " + ", ".join(choices)
    if default is not None:
        text += f" (default {default})"
    return text


class TypesReference(SphinxDirective):
    """Per built-in object type: its directives, statuses, fields and links."""

    def run(self) -> list[nodes.Node]:
        schema = build_schema({}, {})
        out: list[nodes.Node] = []
        for typedef in schema.types.values():
            section = nodes.section(ids=[f"type-{typedef.name}"])
            title = f"{typedef.name} ({typedef.label})"
            section += nodes.title(title, title)
            statuses = ", ".join(typedef.statuses)
            inactive = ", ".join(typedef.inactive_statuses) or "none"
            rows = [
                ["directive", f".. {typedef.name}::  /  .. dd:{typedef.name}::"],
                ["statuses", f"{statuses} (default {typedef.default_status})"],
                ["inactive statuses", inactive],
            ]
            section += _table("designdoc-type", (25, 75), ["", ""], rows, (False, True))
            fields = [
                [f.name, _field_kind(f.kind, f.choices, f.default)]
                for f in (*COMMON_FIELDS, *typedef.fields)
            ]
            fields.insert(0, ["id", "text: the object's ID (designdoc_id_regex)"])
            fields.insert(1, ["status", "choice: " + statuses])
            for link in schema.links_from(typedef.name):
                fields.append([link.name, f"link to {' or '.join(link.targets)}"])
            section += _table(
                "designdoc-type-options", (25, 75), ["option", "value"], fields, (True, False)
            )
            incoming = [
                [link.incoming, f"from {' or '.join(link.sources)} ({link.name})"]
                for link in schema.links.values()
                if typedef.name in link.targets
            ]
            if incoming:
                section += _table(
                    "designdoc-type-incoming",
                    (25, 75),
                    ["backlink", "made by"],
                    incoming,
                    (True, False),
                )
            out.append(section)
        return out


class CliReference(SphinxDirective):
    """Every ``designdoc`` command's ``--help``, as the installed parser prints it."""

    def run(self) -> list[nodes.Node]:
        parser = build_parser()
        out: list[nodes.Node] = [nodes.literal_block(text := parser.format_help(), text)]
        actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
        for action in actions:
            for name, sub in action.choices.items():  # type: ignore[attr-defined]
                section = nodes.section(ids=[f"command-{name}"])
                section += nodes.title(f"designdoc {name}", f"designdoc {name}")
                help_text = sub.format_help()
                section += nodes.literal_block(help_text, help_text)
                out.append(section)
        return out


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("designdoc-config-reference", ConfigReference)
    app.add_directive("designdoc-warnings", WarningsReference)
    app.add_directive("designdoc-types-reference", TypesReference)
    app.add_directive("designdoc-cli-reference", CliReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
