"""Untrusted Markdown written back as MyST that shows what it says, and nothing more.

A Markdown text from elsewhere (an imported decision record) is parsed with markdown-it-py
configured as MyST configures it, the parser the build itself will run over the page we
write, and written back from its token tree.  Whatever the text was, the page can hold no
construct the writer did not choose: text is escaped for every MyST extension a site may
enable (roles, substitutions, math, colon fences, field and definition lists, attributes,
linkify), code stays code behind a fence longer than any run of backticks inside it, and
raw HTML, roles, directives, targets and comments of the text are shown as the text they
are.  Links and images go through the caller's policy (:class:`Links`): a link to another
imported record, a URL the package allows, or text.

Because the writer never copies a line of the source, there is no second reading of the
Markdown that could disagree with the build's: where the two parsers could differ, the
writer sees only tokens.  Every pattern here is a single character class (linear).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

#: characters that open inline markup in CommonMark or a MyST extension wherever they
#: stand: escapes, code, emphasis, links, HTML and autolinks, entities, roles and
#: substitutions and attributes, math, strikethrough, table cells
_INLINE = str.maketrans({c: "\\" + c for c in "\\`*[]<&{}$~|"})
#: an underscore that can open or close emphasis: not between two letters or digits
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
#: characters that start a block when they open a line: heading, quote, list, setext
#: underline, MyST comment, target, block break, colon fence, field and definition list
_LINE_START = frozenset("#>+-=%(:")
#: a language name a code fence may keep as its info string
_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")
#: URL characters kept as they are inside ``<...>``; the rest is percent-encoded
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


def escape_text(text: str) -> str:
    """Text as MyST shows it literally, wherever it stands on a line."""
    text = text.translate(_INLINE)
    if "_" in text:
        text = _UNDERSCORE.sub(r"\\_", text)
    # ``scheme://`` in text would become a link where a site enables linkify
    return text.replace("://", "\\://")


def safe_line(line: str) -> str:
    """A line of escaped text that cannot open a block: leading spaces (an indented code
    block) dropped, a block-starting character escaped."""
    line = line.lstrip(" \t")
    if line[:1] in _LINE_START:
        return "\\" + line
    digits = len(line) - len(line.lstrip("0123456789"))
    if digits and line[digits : digits + 1] in (".", ")"):
        return f"{line[:digits]}\\{line[digits:]}"
    return line


def code_span(content: str) -> str:
    """``content`` as an inline code span: delimited by one backtick more than its
    longest run, padded where it starts or ends with a backtick or a space."""
    content = " ".join(content.splitlines())
    ticks = "`" * (_longest_run(content, "`") + 1)
    if content[:1] in ("`", " ") or content[-1:] in ("`", " "):
        content = f" {content} "
    return f"{ticks}{content}{ticks}"


def _longest_run(text: str, char: str) -> int:
    if char not in text:
        return 0
    return max(len(run) for run in re.findall(re.escape(char) + "+", text))


def longest_fence(lines: Iterable[str], char: str = "`") -> int:
    """The longest run of ``char`` in ``lines``: a fence around them must be longer."""
    return max((_longest_run(line, char) for line in lines), default=0)


def url_text(url: str) -> str:
    """A URL for a ``<...>`` link destination: nothing that ends it or escapes."""
    return quote(url, safe=_URL_SAFE)


@dataclass(frozen=True)
class Target:
    """Where a link or an image of the text may lead on the page: ``kind`` ``ref`` (an
    object's ID), ``url`` (a URL the page may link to or show), or ``text`` (shown as its
    text; ``why`` says why, for the report of what could not be carried)."""

    kind: str
    value: str = ""
    why: str = ""


@dataclass
class Links:
    """The caller's policy for links and images, and what it could not carry."""

    link: Callable[[str], Target]
    image: Callable[[str], Target]
    #: a code fence's language; None when Pygments does not know it (shown as text)
    language: Callable[[str], str | None] = lambda name: name
    lost: list[str] = field(default_factory=list)
    #: what was left out on purpose (HTML comments, which no reader saw)
    notes: list[str] = field(default_factory=list)


def is_comment(html: str) -> bool:
    """Whether raw HTML is one comment and nothing else."""
    text = html.strip()
    return text.startswith("<!--") and text.endswith("-->") and text.find("-->", 4) == len(text) - 3


def parser() -> MarkdownIt:
    """markdown-it-py as MyST configures it by default (no optional extension): the
    parser the build runs over the page."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(), RendererHTML)


def plain_text(node: SyntaxTreeNode) -> str:
    """What a reader sees of inline content: text, code, link texts, image alternatives,
    the source of roles and raw HTML; lines joined by spaces."""
    parts: list[str] = []
    _plain(node, parts)
    return " ".join("".join(parts).split())


def _plain(node: SyntaxTreeNode, parts: list[str]) -> None:
    kind = node.type
    if kind in ("text", "code_inline", "html_inline"):
        parts.append(node.content)
    elif kind in ("softbreak", "hardbreak"):
        parts.append(" ")
    elif kind == "myst_role":
        parts.append(f"{{{node.meta.get('name', '')}}}`{node.content}`")
    elif kind == "footnote_ref":
        parts.append(f"[^{node.meta.get('label', '')}]")
    for child in node.children:
        _plain(child, parts)


class Writer:
    """MyST lines from a token tree; :attr:`Links.lost` collects what became text."""

    def __init__(self, links: Links) -> None:
        self.links = links
        #: inside a heading, which becomes one bold line: no emphasis of its own
        self._flat = False

    def lose(self, what: str) -> None:
        if what not in self.links.lost:
            self.links.lost.append(what)

    def html(self, content: str) -> bool:
        """Whether raw HTML is to be shown (as text): a comment is left out."""
        if is_comment(content):
            if "HTML comments are left out" not in self.links.notes:
                self.links.notes.append("HTML comments are left out")
            return False
        self.lose("raw HTML is shown as text")
        return True

    # -- blocks -----------------------------------------------------------------------

    def blocks(self, nodes: Sequence[SyntaxTreeNode], tight: bool = False) -> list[str]:
        """The lines of a sequence of blocks, a blank line between two (none in a tight
        list item before a nested list or code, which interrupt a paragraph)."""
        out: list[str] = []
        for node in nodes:
            lines = self.block(node)
            if not lines:
                continue
            if out and not (tight and node.type in ("bullet_list", "ordered_list", "fence")):
                out.append("")
            out.extend(lines)
        return out

    def block(self, node: SyntaxTreeNode) -> list[str]:
        kind = node.type
        if kind == "paragraph":
            return self.inline_lines(node.children[0] if node.children else None)
        if kind == "heading":
            # a directive's body holds no section: a heading is a bold line
            self._flat = True
            try:
                text = " ".join(self.inline_lines(node.children[0] if node.children else None))
            finally:
                self._flat = False
            return [f"**{text}**"] if text.strip() else []
        if kind in ("bullet_list", "ordered_list"):
            return self.list_(node)
        if kind == "blockquote":
            inner = self.blocks(node.children)
            return [f"> {line}" if line else ">" for line in inner]
        if kind in ("fence", "code_block"):
            return self.code(node.content, node.info if kind == "fence" else "")
        if kind == "table":
            return self.table(node)
        if kind == "hr":
            return []  # a transition is not allowed inside a directive; no text is lost
        if kind == "html_block":
            return self.text_block(node.content) if self.html(node.content) else []
        if kind == "myst_target":
            return self.text_block(f"({node.content})=")
        if kind == "myst_line_comment":
            return self.text_block(f"%{node.content}")
        if kind == "myst_block_break":
            return self.text_block(f"+++{node.content}")
        if kind == "footnote_reference":
            label = escape_text(f"[{node.meta.get('label', '')}]")
            inner = self.blocks(node.children)
            if inner:
                inner[0] = f"{label} {inner[0]}"
            return inner or [label]
        if kind == "front_matter":
            return self.code(node.content, "yaml")
        if node.children:
            return self.blocks(node.children)
        self.lose(f"a {kind} block is shown as text")
        return self.text_block(node.content)

    def text_block(self, text: str) -> list[str]:
        """Source shown as text, its lines kept by hard breaks."""
        lines = [safe_line(escape_text(line)) for line in text.rstrip("\n").splitlines()]
        lines = [line for line in lines if line.strip()]
        return [line + "\\" for line in lines[:-1]] + lines[-1:]

    def list_(self, node: SyntaxTreeNode) -> list[str]:
        ordered = node.type == "ordered_list"
        number = int(node.attrs.get("start", 1) or 1) if ordered else 0
        tight = any(
            c.type == "paragraph" and c.hidden for item in node.children for c in item.children
        )
        out: list[str] = []
        for item in node.children:
            marker = f"{number}." if ordered else "-"
            number += 1
            inner = self.blocks(item.children, tight=tight)
            if out and not tight:
                out.append("")
            if not inner:
                out.append(marker)
                continue
            pad = " " * (len(marker) + 1)
            out.append(f"{marker} {inner[0]}" if inner[0] else marker)
            out.extend(f"{pad}{line}" if line else "" for line in inner[1:])
        return out

    def code(self, content: str, info: str) -> list[str]:
        """Code behind a backtick fence no line of it can close; the info string keeps a
        known language name and nothing else (never a directive's ``{name}``)."""
        lines = content.rstrip("\n").split("\n") if content.strip("\n") else []
        ticks = "`" * max(3, longest_fence(lines) + 1)
        words = info.split()
        language = ""
        if words:
            name = words[0]
            if name.startswith("{"):
                self.lose(f"a {name} block is shown as code")
            elif _LANGUAGE.fullmatch(name):
                known = self.links.language(name)
                if known is None:
                    self.lose(f"{name!r} code is shown as text (Pygments does not know it)")
                    language = "text"
                else:
                    language = known
        return [f"{ticks}{language}", *lines, ticks]

    def table(self, node: SyntaxTreeNode) -> list[str]:
        rows: list[list[str]] = []
        aligns: list[str] = []
        for section in node.children:
            for row in section.children:
                cells = []
                for cell in row.children:
                    if section.type == "thead":
                        style = str(cell.attrs.get("style", ""))
                        aligns.append(
                            ":-:"
                            if "center" in style
                            else ":--"
                            if "left" in style
                            else "--:"
                            if "right" in style
                            else "---"
                        )
                    inline = cell.children[0].children if cell.children else []
                    # a cell is inline content on one line, never the start of a block
                    text = "".join(self.inline(c) for c in inline).replace("\n", " ")
                    # a pipe ends a cell even inside code or a link: every one escaped
                    cells.append(text.replace("\\|", "|").replace("|", "\\|"))
                rows.append(cells)
        if not rows:
            return []
        width = max(len(aligns), *(len(r) for r in rows))
        aligns += ["---"] * (width - len(aligns))
        out = []
        for index, cells in enumerate(rows):
            cells = cells + [""] * (width - len(cells))
            out.append("| " + " | ".join(cells) + " |")
            if index == 0:
                out.append("| " + " | ".join(aligns) + " |")
        return out

    # -- inline -----------------------------------------------------------------------

    def inline_lines(self, node: SyntaxTreeNode | None) -> list[str]:
        """An inline node's content as lines (split where the source broke them), each
        safe at the start of a line."""
        return self.paragraph(node.children) if node is not None else []

    def paragraph(self, nodes: Sequence[SyntaxTreeNode]) -> list[str]:
        """Inline nodes as the lines of one paragraph."""
        text = "".join(self.inline(child) for child in nodes)
        lines = [safe_line(line) for line in text.split("\n")]
        return [line for line in lines if line.strip()]

    def inline(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind in ("text", "text_special"):
            return escape_text(node.content)
        if kind == "softbreak":
            return "\n"
        if kind == "hardbreak":
            return "\\\n"
        if kind == "code_inline":
            return code_span(node.content)
        if kind in ("em", "strong"):
            inner = "".join(self.inline(c) for c in node.children)
            mark = "*" if kind == "em" else "**"
            return f"{mark}{inner}{mark}" if inner.strip() and not self._flat else inner
        if kind == "link":
            return self.link(node)
        if kind == "image":
            return self.image(node)
        if kind == "html_inline":
            return escape_text(node.content) if self.html(node.content) else ""
        if kind == "myst_role":
            self.lose(f"a {{{node.meta.get('name', '')}}} role is shown as text")
            return escape_text(f"{{{node.meta.get('name', '')}}}`{node.content}`")
        if kind == "footnote_ref":
            return escape_text(f"[{node.meta.get('label', '')}]")
        if node.children:
            return "".join(self.inline(c) for c in node.children)
        self.lose(f"a {kind} is shown as text")
        return escape_text(node.content)

    def link(self, node: SyntaxTreeNode) -> str:
        href = str(node.attrs.get("href", ""))
        target = self.links.link(href)
        inner = "".join(self.inline(c) for c in node.children).replace("\n", " ")
        if target.kind == "ref":
            # the role's text is not Markdown; it cannot hold what ends it or its target
            shown = " ".join(re.sub(r"[`<>\\]", "", plain_text(node)).split())
            return (
                f"{{dd:ref}}`{shown} <{target.value}>`" if shown else f"{{dd:ref}}`{target.value}`"
            )
        if target.kind == "url" and node.markup == "autolink":
            url = url_text(target.value)
            if url.startswith("mailto:") and inner == escape_text(url[7:]):
                return f"<{url[7:]}>"
            return f"<{url}>"
        if target.kind == "url":
            title = str(node.attrs.get("title", "") or "")
            title_part = ""
            if title:
                title_part = (
                    ' "' + " ".join(title.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'
                )
            return f"[{inner or escape_text(target.value)}](<{url_text(target.value)}>{title_part})"
        self.lose(target.why or f"a link to {href!r} is shown as its text")
        return inner

    def image(self, node: SyntaxTreeNode) -> str:
        src = str(node.attrs.get("src", ""))
        alt = plain_text(node)
        target = self.links.image(src)
        if target.kind == "url":
            return f"![{escape_text(alt)}](<{url_text(target.value)}>)"
        self.lose(target.why or f"the image {src!r} is shown as its description")
        return escape_text(f"[image: {alt}]")


def render(links: Links, nodes: Sequence[SyntaxTreeNode]) -> list[str]:
    """The MyST lines of ``nodes`` (blocks of one parsed text)."""
    return Writer(links).blocks(nodes)


#: inline content (a paragraph, a heading, a table cell) longer than this keeps its text
#: but not its markup: markdown-it's inline rules take time that grows with the square
#: of a paragraph's length on some inputs (1 MB of ``![`` takes minutes), and the
#: longest paragraph of six public decision-record collections is 1,076 characters
INLINE_LIMIT = 5_000


def tree(text: str, md: MarkdownIt | None = None, lost: list[str] | None = None) -> SyntaxTreeNode:
    """The token tree of ``text`` as the build would parse it: MyST's core rules in
    their order, with inline content over :data:`INLINE_LIMIT` read as plain text (said
    in ``lost``)."""
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode

    md = md or parser()
    state = StateCore(text, md, {})
    for rule in md.core.ruler.getRules(""):
        if getattr(rule, "__name__", "") != "inline":
            rule(state)
            continue
        for token in state.tokens:
            if token.type != "inline":
                continue
            token.children = []
            if len(token.content) <= INLINE_LIMIT:
                md.inline.parse(token.content, md, state.env, token.children)
                continue
            token.children.append(Token("text", "", 0, content=token.content))
            if lost is not None:
                lost.append(
                    f"a paragraph of {len(token.content):,} characters is shown as plain "
                    f"text (markup is read in paragraphs of up to {INLINE_LIMIT:,})"
                )
    return SyntaxTreeNode(state.tokens)


__all__: Any = [
    "Links",
    "Target",
    "Writer",
    "code_span",
    "escape_text",
    "longest_fence",
    "parser",
    "plain_text",
    "render",
    "safe_line",
    "tree",
    "url_text",
]
