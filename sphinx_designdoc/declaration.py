"""What an object directive declares, read from its title and option block: the
object's ID, status, fields and links, and the problems with them, each located.

The directive reads this during a build and the language server (:mod:`.lsp`) reads it
from a page being edited, with no build: both call :func:`read_declaration`, so an
editor reports exactly what the build would, with the same did-you-mean.  No docutils
or Sphinx here.
"""

# implements: DEC-LENIENT-OPTIONS (docs/design.rst)

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from .config import Settings
from .directives.options import OptionBlock, as_text
from .model import FieldValue, Finding, Item
from .safety import URL_POLICY, allowed_url
from .vocabulary import COMMON_FIELDS, FieldDef, TypeDef, did_you_mean, split_names


def check_value(fdef: FieldDef, raw: str) -> tuple[FieldValue, str | None]:
    """Parse a field value; return it with a problem description, or None when valid.

    The value is kept even when invalid so that no data the author wrote is lost.
    """
    if fdef.kind == "list":
        # each character of the separator splits (``,\n``: commas or lines)
        return tuple(split_names(raw, f"[{re.escape(fdef.separator)}]")), None
    if fdef.kind == "choice" and fdef.meaning(raw) not in fdef.choices:
        return raw, (
            f"unknown {fdef.name} {raw!r}{did_you_mean(raw, fdef.choices)} "
            f"(expected one of: {', '.join(fdef.choices)})"
        )
    if fdef.kind == "date":
        try:
            _dt.date.fromisoformat(raw)
        except ValueError:
            return raw, f"{fdef.name} {raw!r} is not an ISO date (YYYY-MM-DD)"
    if fdef.kind == "specifier":
        try:
            SpecifierSet(raw)
        except InvalidSpecifier:
            return raw, f"{fdef.name} {raw!r} is not a PEP 440 version specifier (e.g. '>=1.2,<2')"
    if fdef.kind == "url" and raw and not allowed_url(raw):
        return raw, f"{fdef.name} {raw!r} is not {URL_POLICY}; it is shown as text, not a link"
    return raw, None


def page_id(docname: str) -> str:
    """The ID of a page's design document when it names none: the docname, slugged
    (``guides/payment gateway`` -> ``guides-payment-gateway``)."""
    slug = re.sub(r"[^A-Za-z0-9_.:-]+", "-", docname).strip("-.:")
    return slug if slug[:1].isalpha() and slug[:1].isascii() else f"doc-{slug}"


@dataclass
class Declaration:
    """An object as its directive declares it, before its body is read."""

    #: "" when the object has no usable ID (a finding says why); no object is recorded
    id: str
    title: str
    status: str
    fields: dict[str, FieldValue]
    links: dict[str, tuple[str, ...]]
    #: the problems, as ``invalid`` findings located on the option at fault
    findings: list[Finding] = field(default_factory=list)


def read_declaration(
    settings: Settings,
    typedef: TypeDef,
    title: str,
    block: OptionBlock,
    *,
    directive: str,
    docname: str,
    source: str,
    line: int,
) -> Declaration:
    """Read what a directive of type ``typedef`` at ``line`` of ``source`` declares:
    ``title`` and ``block`` as :mod:`.directives.options` read them from the page;
    ``directive`` is the directive's name as written (``dd:requirement``)."""
    options = block.options
    #: (message, the option at fault or None for the directive itself)
    problems: list[tuple[str, str | None]] = []

    item_id = as_text(options.get("id"))
    if not item_id and typedef.page_header:
        # a design document is its page: its ID defaults to the page's name
        item_id = page_id(docname)
        if not settings.id_regex.match(item_id):
            problems.append(
                (
                    f"{typedef.name} has no :id:, and its page name makes the ID "
                    f"{item_id!r}, which does not match designdoc_id_regex "
                    f"{settings.id_regex.pattern!r}; add an :id:",
                    None,
                )
            )
            item_id = ""
    elif not item_id:
        problems.append(
            (f"{typedef.name} has no :id: option; add a unique ID such as ':id: X-1'", None)
        )
    elif not settings.id_regex.match(item_id):
        problems.append(
            (
                f"ID {item_id!r} does not match designdoc_id_regex {settings.id_regex.pattern!r}",
                "id",
            )
        )

    # a page header without a title takes the page's title once the page is read
    # (DesigndocDomain.complete_doc); the directive cannot see it in MyST
    if not title and not typedef.page_header:
        problems.append(
            (f"{item_id or typedef.name} has no title; write one after '{directive}::'", None)
        )

    status = as_text(options.get("status")) or typedef.default_status
    if status not in typedef.statuses:
        problems.append(
            (
                f"unknown status {status!r} for a {typedef.name}"
                f"{did_you_mean(status, typedef.statuses)} "
                f"(expected one of: {', '.join(typedef.statuses)})",
                "status",
            )
        )

    fields, links = _read_options(settings, typedef, options, problems)

    def at(option: str | None) -> int:
        offset = block.lines.get(option) if option else None
        return line if offset is None else line + offset

    located = [(message, at(option)) for message, option in problems]
    located += [(message, line + offset) for message, offset in block.problems]
    findings = []
    for message, where in located:
        prefix = "" if not item_id or message.startswith(("ID ", item_id)) else f"{item_id}: "
        findings.append(
            Finding("invalid", prefix + message, source, where, docname, item_id or None)
        )
    return Declaration(item_id, title, status, fields, links, findings)


def _read_options(
    settings: Settings,
    typedef: TypeDef,
    options: dict[str, str],
    problems: list[tuple[str, str | None]],
) -> tuple[dict[str, FieldValue], dict[str, tuple[str, ...]]]:
    field_defs = {f.name: f for f in (*COMMON_FIELDS, *typedef.fields)}
    link_names = {link.name for link in settings.schema.links_from(typedef.name)}
    fields: dict[str, FieldValue] = {}
    links: dict[str, tuple[str, ...]] = {}
    for name, raw in options.items():
        if name in ("id", "status"):
            continue
        value = as_text(raw)
        if name in link_names:
            links[name] = tuple(dict.fromkeys(split_names(value)))
        elif name in field_defs:
            parsed, problem = check_value(field_defs[name], value)
            fields[name] = parsed
            if problem:
                problems.append((problem, name))
        else:
            # kept, so nothing the author wrote is lost; but it is no field of the
            # type, so no sphinx-needs need (the bridge's, the export's) carries it
            fields[name] = value
            known = sorted({"id", "status", *field_defs, *link_names})
            problems.append(
                (
                    f"unknown option :{name}: for a {typedef.name}"
                    f"{did_you_mean(name, known)} (known: {', '.join(known)}); "
                    "the value is kept on the page and in designdoc.json, "
                    "not in sphinx-needs needs or the needs export",
                    name,
                )
            )
    for fdef in typedef.fields:
        if fdef.default is not None and fdef.name not in fields:
            fields[fdef.name] = fdef.default
    return dict(sorted(fields.items())), links


def with_page_title(
    items: list[Item], types: Mapping[str, TypeDef], title: str
) -> list[tuple[int, Item]]:
    """A page header declared without a title takes the page's, known once the whole
    page is read: ``(position, completed object)`` for each object of ``items`` that
    takes it."""
    return [
        (position, dataclasses.replace(item, title=title))
        for position, item in enumerate(items)
        if (typedef := types.get(item.type)) is not None and typedef.page_header and not item.title
    ]
