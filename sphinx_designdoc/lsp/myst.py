"""MyST read for the language server: markdown-it configured as MyST configures it
(:func:`myst_parser.parsers.mdit.create_md_parser`, with the project's ``myst_*``
settings), each directive's text split by MyST's own
:func:`~myst_parser.parsers.directives.parse_directive_text`, and its content read
again as MyST, as MyST's nested parse reads it.  ``{eval-rst}`` blocks go to
:mod:`.rst`.
"""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ..directives.options import OwnOptions, read_myst
from ..views import ViewKind
from .page import LITERAL, VIEWS, AnyOptions, Scanner, any_value
from .rst import MAX_INCLUDE_BYTES, read_rst_text, resolve_include


def md_parser(config: Any) -> Any:
    """markdown-it as MyST makes it for ``config`` (a :class:`MdParserConfig`)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(config if config is not None else MdParserConfig(), RendererHTML)


class _MystObject:
    """What MyST knows of an object directive when it splits the directive's text: an
    optional argument, content, and an option spec it sees as empty."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = OwnOptions()


class _MystOther:
    required_arguments = 0
    optional_arguments = 100
    final_argument_whitespace = True
    has_content = True
    option_spec = AnyOptions(x=any_value)


class _MystInclude:
    """What MyST knows of ``include``: one argument (a path, spaces and all), options."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    has_content = False
    option_spec = AnyOptions(x=any_value)  # not empty: MyST reads no options of an empty one


@cache
def _myst_view(kind: ViewKind[Any]) -> type:
    """What MyST knows of a view's directive: options only."""
    return type(
        "MystView",
        (),
        {
            "required_arguments": 0,
            "optional_arguments": 0,
            "final_argument_whitespace": False,
            "has_content": False,
            "option_spec": AnyOptions(dict.fromkeys(kind.options, any_value)),
        },
    )


def read_myst_text(
    scanner: Scanner, text: str, md: Any, base: int, depth: int = 0, path: Path | None = None
) -> list[Any]:
    """Read MyST ``text`` whose first line is line ``base`` (0-based) of the file at
    ``path`` (the page's unless an include reads another); return its top-level
    tokens."""
    from myst_parser.parsers.directives import MarkupError, parse_directive_text

    tokens = md.parse(text, {})
    source = scanner.page.source if path is None else scanner.relative(str(path))
    for token in tokens:
        if token.type == "inline" and token.children and token.map:
            for child in token.children:
                if child.type == "myst_role" and child.meta.get("name", "").lower() == "dd:ref":
                    raw = f"{{{child.meta['name']}}}`{child.content}`"
                    scanner.ref(raw, child.content, source, base + token.map[0] + 1)
            continue
        if token.type not in ("fence", "colon_fence") or not token.map or depth > 50:
            continue
        parts = (token.info.strip() if token.info else "").split(maxsplit=1)
        name = parts[0] if parts else ""
        if not (name.startswith("{") and name.endswith("}")):
            continue
        name = name[1:-1]
        arguments = parts[1] if len(parts) > 1 else ""
        line = base + token.map[0] + 1  # 1-based line of the directive
        content = token.content
        if token.type == "colon_fence" and content.startswith(":::"):
            content = "\n" + content
        if name == "eval-rst":
            sub = read_rst_text(scanner, token.content, path or scanner.path, offset=line)
            del sub
            continue
        key = name.lower()
        type_name = scanner.reading.directives.get(key)
        klass: Any = _MystObject if type_name else _MystOther
        if key in VIEWS:
            klass = _myst_view(VIEWS[key])
        elif key == "include":
            klass = _MystInclude
        try:
            parsed = parse_directive_text(klass, arguments, content, line=line)
        except MarkupError:
            continue
        body = list(parsed.body)
        body_base = line + parsed.body_offset  # 1-based line before the body's first
        if type_name:
            used, block = read_myst(body)
            scanner.declare(
                type_name,
                name,
                " ".join(parsed.arguments).strip() if parsed.arguments else "",
                block,
                source=source,
                line=line,
                end=base + token.map[1],
                options_end=body_base + used + 1,
                content="\n".join(body[used:]).strip("\n"),
            )
            body = body[used:]
            body_base += used
            read_myst_text(scanner, "\n".join(body), md, body_base, depth + 1, path)
        elif key in VIEWS:
            scanner.view(name, VIEWS[key], parsed.options, source, line)
        elif key == "include":
            _include(scanner, parsed.arguments[0], parsed.options, md, depth)
        elif key in LITERAL or key.endswith("code"):
            continue
        elif key == "only":
            scanner.only.append(" ".join(parsed.arguments))
            try:
                read_myst_text(scanner, "\n".join(body), md, body_base, depth + 1, path)
            finally:
                scanner.only.pop()
        else:
            read_myst_text(scanner, "\n".join(body), md, body_base, depth + 1, path)
    return tokens


def _include(scanner: Scanner, argument: str, options: dict[str, Any], md: Any, depth: int) -> None:
    """MyST's ``{include}`` as its ``MockIncludeDirective`` reads it: the file found as
    Sphinx finds it, read as MyST where it is, from ``:start-line:`` to ``:end-line:``,
    after ``:start-after:`` and before ``:end-before:``.  A literal or code include holds
    no object; a file being included already is not read again (it would never end)."""
    if "literal" in options or "code" in options or argument.startswith("<"):
        return
    path = resolve_include(scanner, argument)
    source = scanner.relative(str(path))
    if source == scanner.page.source or source in scanner.including:
        return
    try:
        if not path.is_file() or path.stat().st_size > MAX_INCLUDE_BYTES:
            return
        lines = path.read_text(encoding=str(options.get("encoding") or "utf-8")).splitlines()
    except (OSError, UnicodeError, LookupError, ValueError):
        return
    scanner.note_include(source)
    start, end = _line_option(options, "start-line"), _line_option(options, "end-line")
    if start is not None and start < 0:
        start = max(0, len(lines) + start)
    text = "\n".join(lines[start:end])
    first = start or 0
    for option in ("start-after", "end-before"):
        marker = str(options.get(option) or "")
        if not marker:
            continue
        found = text.find(marker)
        if found < 0:
            return  # the build reports it and includes nothing
        if option == "start-after":
            first += text.count("\n", 0, found + len(marker))
            text = text[found + len(marker) :]
        else:
            text = text[:found]
    scanner.including.append(source)
    try:
        read_myst_text(scanner, text, md, first, depth + 1, path)
    finally:
        scanner.including.pop()


def _line_option(options: dict[str, Any], name: str) -> int | None:
    try:
        return int(str(options[name]).strip())
    except (KeyError, ValueError):
        return None


def myst_title_and_sections(tokens: list[Any]) -> tuple[str, list[str]]:
    """The first heading's text, and the headings MyST nests directly in the first
    top-level section (a heading nests in the nearest one above it of a lower level)."""
    title = ""
    sections: list[str] = []
    stack: list[int] = []  # the levels of the sections the next heading is inside
    tops = 0
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1:])
        inline = tokens[index + 1]
        text = "".join(
            child.content for child in (inline.children or []) if child.type != "softbreak"
        )
        title = title or text
        while stack and stack[-1] >= level:
            stack.pop()
        if not stack:
            tops += 1
        elif len(stack) == 1 and tops == 1:
            sections.append(text)
        stack.append(level)
    return title, sections
