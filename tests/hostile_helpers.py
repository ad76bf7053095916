"""Hostile inputs: the corpus in ``roots/test-hostile`` built with every builder, and
every output parsed the way its consumer (a browser, a spreadsheet, a Markdown renderer,
LaTeX, an XML parser, a SARIF viewer, sphinx-needs) would read it.

The corpus plants scripts, event handlers, quote breakouts, TeX commands, Markdown links,
spreadsheet formulas, hostile statuses, IDs, option values and URLs in local objects, in
views, in ``:dd:ref:`` roles and in two ``designdoc_external`` files.  A test fails on
any script that carries a planted payload, any ``on*`` attribute, and any link whose URL
fails the package's one URL policy (:func:`allowed_url`).  It also checks that the hostile
text is still there, escaped: safe output that silently dropped the content would pass
the safety checks and lose the author's data.

Every payload carries a numbered ``alert(N)`` or ``msgbox(N)`` so that a finding points
at the line of the corpus that caused it.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_designdoc.nodes import designdoc_graph

ROOT = Path(__file__).parent / "roots" / "test-hostile"


DATA = Path(__file__).parent / "data"


ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


#: what browsers strip from both ends of a URL: C0 controls and space (WHATWG URL)
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


#: what browsers remove anywhere in a URL before parsing it
_TAB_AND_NEWLINE = {ord("\t"): None, ord("\n"): None, ord("\r"): None}


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads from ``value`` (lower case), or None for a relative URL."""
    url = value.strip(_C0_AND_SPACE).translate(_TAB_AND_NEWLINE)
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def allowed_url(value: str) -> bool:
    """The package's URL policy: relative, or http, https, mailto (case-insensitive)."""
    scheme = url_scheme(value)
    return scheme is None or scheme in ALLOWED_SCHEMES


#: IDs of the corpus are only valid with the permissive regex: then they are real objects
#: and anchors, link targets and report rows carry the payloads
CONFIGS: dict[str, dict[str, Any]] = {
    "default": {},
    "permissive": {"designdoc_id_regex": r"^.+$"},
}


DOT_MISSING = shutil.which("dot") is None


#: the project's own graphviz_output_format = "svg" (dd-graph draws SVG whatever it is)
SVG_BUILD = pytest.param(
    "html-svg",
    marks=pytest.mark.skipif(
        DOT_MISSING,
        reason="Graphviz 'dot' is not installed: dd-graph cannot be drawn as SVG",
    ),
)


#: designdoc_graph_format = "png": a picture with links laid over its boxes
PNG_BUILD = pytest.param(
    "html-png",
    marks=pytest.mark.skipif(
        DOT_MISSING,
        reason="Graphviz 'dot' is not installed: dd-graph cannot be drawn as PNG",
    ),
)


BUILDERS = [
    "html",
    "dirhtml",
    "singlehtml",
    "latex",
    "text",
    "man",
    "designdoc",
    SVG_BUILD,
    PNG_BUILD,
]


HTML_BUILDERS = ["html", "dirhtml", "singlehtml", SVG_BUILD, PNG_BUILD]


REPORT_BUILDERS = ["html", "designdoc"]


DOT_BUILDERS = ["html", "dirhtml", "singlehtml", "latex"]


@dataclass
class Build:
    outdir: Path
    warnings: str
    error: str | None = None
    #: (docname, DOT source) of every Graphviz node as the writer gets it
    dot_sources: list[tuple[str, str]] = field(default_factory=list)

    def ok(self) -> Build:
        if self.error is not None:
            pytest.fail(f"the build crashed:\n{self.error}")
        return self

    def read(self, name: str) -> str:
        path = self.outdir / name
        assert path.is_file(), f"{name} was not written"
        return path.read_text(encoding="utf-8")


class Builds:
    """Each (configuration, builder) built once, on first use, into its own folder."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.done: dict[tuple[str, str], Build] = {}

    def __call__(self, config: str, builder: str) -> Build:
        key = (config, builder)
        if key not in self.done:
            self.done[key] = self._build(config, builder)
        return self.done[key]

    def _build(self, config: str, builder: str) -> Build:
        from sphinx.ext.graphviz import graphviz

        tmp = self.factory.mktemp(f"hostile-{config}-{builder}")
        src = tmp / "src"
        shutil.copytree(ROOT, src)
        overrides = dict(CONFIGS[config])
        name = builder
        if builder == "html-svg":
            name = "html"
            overrides["graphviz_output_format"] = "svg"
        elif builder == "html-png":
            name = "html"
            overrides["designdoc_graph_format"] = "png"
        warning = io.StringIO()
        # SphinxTestApp writes to builddir / buildername
        result = Build(outdir=tmp / "_build" / name, warnings="")

        def collect(_app: Any, doctree: Any, docname: str) -> None:
            for node in doctree.findall(graphviz):
                result.dot_sources.append((docname, node["code"]))
            for drawn in doctree.findall(designdoc_graph):
                result.dot_sources.append((docname, drawn["drawing"].dot))

        app = None
        try:  # setting up the extension can crash as well as building
            app = SphinxTestApp(
                name,
                srcdir=src,
                builddir=tmp / "_build",
                confoverrides=overrides,
                status=io.StringIO(),
                warning=warning,
            )
            assert Path(app.outdir) == result.outdir
            app.connect("doctree-resolved", collect, priority=999)
            app.build()
        except Exception:
            result.error = traceback.format_exc()
        finally:
            if app is not None:
                app.cleanup()
        result.warnings = strip_colors(warning.getvalue())
        return result


def report_problems(problems: list[str], what: str) -> None:
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:60])
        more = f"\n  ... and {len(problems) - 60} more" if len(problems) > 60 else ""
        pytest.fail(f"{len(problems)} problem(s) in {what}:\n{shown}{more}")


#: every payload of the corpus carries one of these; no script may contain them
MARKERS = ("alert(", "msgbox(")


URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "xlink:href",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "cite",
        "longdesc",
        "usemap",
        "codebase",
        "lowsrc",
        "dynsrc",
        "manifest",
        "ping",
    }
)


SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})


BANNED_TAGS = frozenset({"iframe", "embed", "base", "frame", "frameset", "applet"})


#: Sphinx's own scripts outside ``_static``: the search page loads the search index
SPHINX_SCRIPTS = frozenset({"searchindex.js"})


def _short(text: str, limit: int = 160) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "..."


def _trusted_script_src(src: str) -> bool:
    """A relative path to a script of Sphinx or its theme (``_static/...``, at any depth)."""
    if not allowed_url(src) or url_scheme(src) is not None or src.startswith("//"):
        return False
    path = src.split("?", 1)[0].split("#", 1)[0]
    while path.startswith(("../", "./")):
        path = path.split("/", 1)[1]
    return path.startswith("_static/") or path in SPHINX_SCRIPTS


class HtmlAudit(HTMLParser):
    """Every script, event handler, dangerous tag and URL of one HTML or SVG document.

    ``HTMLParser`` decodes character references in attribute values, so ``href`` is
    checked as the browser reads it (``&#106;avascript:`` is ``javascript:``).
    """

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.problems: list[str] = []
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self._raw: str | None = None  # the element whose text is being collected
        self._raw_attrs: dict[str, str | None] = {}
        self._raw_text: list[str] = []

    def problem(self, message: str) -> None:
        line, _ = self.getpos()
        self.problems.append(f"{self.name}:{line}: {message}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in BANNED_TAGS:
            self.problem(f"<{tag}> element: {_short(self.get_starttag_text() or '')}")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.problem(f"event handler {name}={value!r} on <{tag}>")
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                if tag == "a" and name in ("href", "xlink:href"):
                    self.hrefs.append(value)
                if not allowed_url(value):
                    self.problem(f"<{tag} {name}={value!r}>: scheme {url_scheme(value)!r}")
            elif name in SRCSET_ATTRIBUTES:
                for candidate in value.split(","):
                    url = candidate.strip().split(" ", 1)[0]
                    if not allowed_url(url):
                        self.problem(f"<{tag} {name}> candidate {url!r}")
            elif name == "style":
                lowered = value.lower().replace(" ", "")
                if "javascript:" in lowered or "expression(" in lowered:
                    self.problem(f"<{tag} style={value!r}>")
            elif name == "content" and tag == "meta":
                lowered = value.lower()
                if "url=" in lowered and not allowed_url(value[lowered.index("url=") + 4 :]):
                    self.problem(f"<meta content={value!r}> redirects off-policy")
        if tag in ("script", "style"):
            self._raw = tag
            self._raw_attrs = dict(attrs)
            self._raw_text = []
            if tag == "script" and self.get_starttag_text().rstrip().endswith("/>"):
                self._end_raw()  # XML-style <script .../> (SVG)

    def handle_endtag(self, tag: str) -> None:
        if self._raw is not None and tag.lower() == self._raw:
            self._end_raw()

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw_text.append(data)
        else:
            self.text.append(data)

    def _end_raw(self) -> None:
        kind, attrs, body = self._raw, self._raw_attrs, "".join(self._raw_text)
        self._raw = None
        if kind == "style":
            lowered = body.lower().replace(" ", "")
            if "javascript:" in lowered or "expression(" in lowered:
                self.problem(f"<style> with script: {_short(body)}")
            return
        src = attrs.get("src") or attrs.get("href") or attrs.get("xlink:href")
        if src is not None and (
            any(marker in src for marker in MARKERS) or not _trusted_script_src(src)
        ):
            self.problem(f"<script src={src!r}> is not one of Sphinx's own scripts")
        if any(marker in body for marker in MARKERS):
            self.problem(f"<script> carries a planted payload: {_short(body)}")


@dataclass
class HtmlFindings:
    problems: list[str]
    text: str
    hrefs: list[str]


def audit_html_files(paths: Iterable[Path], root: Path) -> HtmlFindings:
    problems: list[str] = []
    text: list[str] = []
    hrefs: list[str] = []
    for path in paths:
        audit = HtmlAudit(str(path.relative_to(root)))
        audit.feed(path.read_text(encoding="utf-8"))
        audit.close()
        problems += audit.problems
        text += audit.text
        hrefs += audit.hrefs
    return HtmlFindings(problems, "".join(text), hrefs)


def html_pages(build: Build) -> list[Path]:
    """The pages of an HTML build, without the standalone designdoc report."""
    return sorted(p for p in build.outdir.rglob("*.html") if p.name != "designdoc-report.html")


XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def audit_svg_xml(path: Path, root: Path) -> list[str]:
    """An SVG as an XML consumer reads it: well-formed, no entities, links on policy."""
    name = str(path.relative_to(root))
    try:
        tree = SafeET.parse(path)
    except Exception as exc:  # defusedxml and expat errors alike
        return [f"{name}: not well-formed or defused XML: {exc}"]
    problems = []
    for element in tree.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        if local in ("script", "foreignobject", *BANNED_TAGS):
            problems.append(f"{name}: <{local}> element")
        for attr, value in element.attrib.items():
            attr_local = attr.rsplit("}", 1)[-1].lower()
            if attr_local.startswith("on"):
                problems.append(f"{name}: event handler {attr}={value!r} on <{local}>")
            if (attr == XLINK_HREF or attr_local == "href") and not allowed_url(value):
                problems.append(f"{name}: <{local} {attr}={value!r}>")
    return problems


_MD_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")


_MD_ATTRIBUTE = r"""\s+[A-Za-z_:][A-Za-z0-9_.:\-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""


_MD_RAW_HTML = re.compile(
    r"<[A-Za-z][A-Za-z0-9\-]*(?:" + _MD_ATTRIBUTE + r")*\s*/?>"  # open tag
    r"|</[A-Za-z][A-Za-z0-9\-]*\s*>"  # closing tag
    r"|<!--.*?-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>"
)


_MD_DEFINITION = re.compile(r"^ {0,3}\[((?:\\.|[^\\\]])+)\]:[ \t]*(<[^>\n]*>|\S+)")


_MD_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _md_unescape(text: str) -> str:
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return html.unescape(text)


def _md_destination(text: str, start: int) -> tuple[str, int] | None:
    """A CommonMark link destination at ``text[start:]`` (after ``](``) and where the link
    ends, or None when there is no valid destination (then it is no link)."""
    i, n = start, len(text)
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] == "<":
        j = i + 1
        while j < n and text[j] != ">":
            if text[j] == "\\" and j + 1 < n:
                j += 2
                continue
            if text[j] in "<\n":
                return None
            j += 1
        if j >= n:
            return None
        dest, j = text[i + 1 : j], j + 1
    else:
        j, depth = i, 0
        while j < n and not text[j].isspace() and ord(text[j]) >= 0x20:
            if text[j] == "\\" and j + 1 < n:
                j += 2
                continue
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        dest = text[i:j]
    close = text.find(")", j)  # skip an optional title
    if close < 0:
        return None
    return _md_unescape(dest), close + 1


def _md_scan_inline(text: str, links: list[str], tags: list[str]) -> None:
    """Link and image destinations, autolinks and raw HTML of one block of inline text,
    skipping backslash escapes and code spans as CommonMark does."""
    openers = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in _MD_PUNCTUATION:
            i += 2
        elif c == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            closing = re.compile(r"(?<!`)" + "`" * run + r"(?!`)")
            found = closing.search(text, i + run)
            i = found.end() if found else i + run
        elif c == "[":
            openers += 1
            i += 1
        elif c == "]" and openers and text.startswith("](", i):
            openers -= 1
            parsed = _md_destination(text, i + 2)
            if parsed is None:
                i += 1
            else:
                links.append(parsed[0])
                i = parsed[1]
        elif c == "<":
            autolink = _MD_AUTOLINK.match(text, i)
            raw = _MD_RAW_HTML.match(text, i)
            if autolink:
                links.append(autolink.group(1))
                i = autolink.end()
            elif raw:
                tags.append(raw.group(0))
                i = raw.end()
            else:
                i += 1
        else:
            i += 1


def _md_cells(line: str) -> list[str]:
    """A GitHub table row split at unescaped pipes (cells are parsed one by one)."""
    cells, current, i = [], [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            current.append(line[i : i + 2])
            i += 2
            continue
        if line[i] == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(line[i])
        i += 1
    cells.append("".join(current))
    return cells


def markdown_links_and_tags(text: str) -> tuple[list[str], list[str]]:
    """Every link/image/autolink/definition target and every raw HTML tag of a Markdown
    document (CommonMark with GitHub tables), outside code blocks, code spans and
    escapes."""
    links: list[str] = []
    tags: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if line.startswith("    "):
            continue  # indented code
        definition = _MD_DEFINITION.match(line)
        if definition:
            links.append(_md_unescape(definition.group(2).strip("<>")))
            continue
        parts = _md_cells(line) if stripped.startswith("|") else [line]
        for part in parts:
            _md_scan_inline(part, links, tags)
    return links, tags


DOT_URL_ATTRIBUTES = frozenset(
    a.lower()
    for a in (
        "URL",
        "href",
        "headURL",
        "headhref",
        "tailURL",
        "tailhref",
        "labelURL",
        "labelhref",
        "edgeURL",
        "edgehref",
    )
)


def dot_tokens(code: str) -> Iterator[tuple[str, str]]:
    """The tokens of a DOT source: ("id", text) for IDs, quoted and HTML strings (quoted
    strings read as Graphviz's lexer, ``lib/cgraph/scan.l``, reads them), ("punct", c)
    for the rest."""
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if c.isspace():
            i += 1
        elif code.startswith("//", i) or c == "#":
            end = code.find("\n", i)
            i = n if end < 0 else end
        elif code.startswith("/*", i):
            end = code.find("*/", i + 2)
            if end < 0:
                raise ValueError("unterminated comment")
            i = end + 2
        elif c == '"':
            buf, j = [], i + 1
            while j < n and code[j] != '"':
                # Graphviz's lexer: \" is a quote, \\ stays two backslashes (so \\" ends
                # the string), backslash-newline is a line continuation
                pair = code[j : j + 2]
                if pair in ('\\"', "\\\\", "\\\n"):
                    buf.append({'\\"': '"', "\\\\": "\\\\", "\\\n": ""}[pair])
                    j += 2
                    continue
                buf.append(code[j])
                j += 1
            if j >= n:
                raise ValueError(f"unterminated string at {i}: {_short(code[i:])}")
            yield "id", "".join(buf)
            i = j + 1
        elif c == "<":
            depth, j = 0, i
            while j < n:
                depth += {"<": 1, ">": -1}.get(code[j], 0)
                j += 1
                if depth == 0:
                    break
            if depth:
                raise ValueError(f"unterminated HTML string at {i}")
            yield "id", code[i + 1 : j - 1]
            i = j
        elif code.startswith(("->", "--"), i):
            yield "punct", code[i : i + 2]
            i += 2
        elif c in "[]{}=;,:":
            yield "punct", c
            i += 1
        elif c.isalnum() or c in "_.-" or ord(c) > 127:
            j = i
            while j < n and (code[j].isalnum() or code[j] in "_." or ord(code[j]) > 127):
                j += 1
            if j == i:  # a lone sign or dot of a number
                j += 1
            yield "id", code[i:j]
            i = j
        else:
            raise ValueError(f"unexpected {c!r} at {i}: {_short(code[i:])}")


def dot_attributes(code: str) -> list[tuple[str, str]]:
    """Every ``name=value`` of a DOT source (attribute lists and graph statements)."""
    tokens = list(dot_tokens(code))
    if tokens.count(("punct", "[")) != tokens.count(("punct", "]")):
        raise ValueError("unbalanced attribute lists")
    pairs = []
    for k, token in enumerate(tokens):
        if token == ("punct", "=") and 0 < k < len(tokens) - 1:
            pairs.append((tokens[k - 1][1], tokens[k + 1][1]))
    return pairs


_LATEX_LINK = re.compile(r"\\(sphinxhref|href|sphinxurl|url|sphinxnolinkurl)\{")


_LATEX_UNESCAPE = (
    ("\\textbackslash{}", "\\"),
    ("\\textless{}", "<"),
    ("\\textgreater{}", ">"),
    ("\\#", "#"),
    ("\\%", "%"),
    ("\\&", "&"),
    ("\\_", "_"),
    ("\\{", "{"),
    ("\\}", "}"),
)


def latex_link_targets(tex: str) -> list[str]:
    """The first argument of every ``\\sphinxhref``, ``\\href``, ``\\sphinxurl`` and
    ``\\url`` (brace-balanced, with Sphinx's URL escapes undone)."""
    targets = []
    for match in _LATEX_LINK.finditer(tex):
        if match.group(1) == "sphinxnolinkurl":
            continue  # printed, not linked
        depth, j = 1, match.end()
        while j < len(tex) and depth:
            if tex[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            j += 1
        target = tex[match.end() : j - 1]
        for escaped, plain in _LATEX_UNESCAPE:
            target = target.replace(escaped, plain)
        # \url and \href drop spaces and line ends from the URL they link to
        targets.append(re.sub(r"\s+", "", target))
    return targets


#: what each builder must write, as globs under its output folder
OUTPUTS = {
    "html": ["index.html", "requirements.html", "views.html", "myst.html"],
    "html-svg": ["index.html", "views.html"],
    "html-png": ["index.html", "views.html", "_images/dd-graph-*.png"],
    "dirhtml": ["index.html", "requirements/index.html", "views/index.html"],
    "singlehtml": ["index.html"],
    "latex": ["*.tex"],
    "text": ["index.txt", "requirements.txt", "views.txt", "myst.txt"],
    "man": ["**/*.1"],
    "designdoc": ["designdoc.json"],
}


#: quote-free pieces of the corpus (Sphinx's smart quotes may curl quotes in text) that
#: must be visible, as text, in the pages
VISIBLE_TEXT = [
    "<script>alert(101)</script>",  # requirement title
    "onmouseover=",  # requirement status, owner
    "<img src=x onerror=alert(111)>",  # requirement title
    "\\input{/etc/passwd}",  # requirement title
    "[x](javascript:alert(131))",  # Markdown in a title
    "=HYPERLINK(",  # CSV formula in a title
    "\u202e",  # right-to-left override
    "\U0001f600",  # emoji
    "</p><script>alert(201)</script><p>",  # decision title
    "<script>alert(211)</script>",  # decision status
    "<svg onload=alert(1001)>",  # custom-type title
    "<script>alert(501)</script>",  # designdoc marker title
    "<script>alert(701)</script>",  # MyST title
    "<script>alert(801)</script>",  # external designdoc.json title
    "<script>alert(901)</script>",  # external needs.json title
    "javascript:alert(302)",  # a refused URL stays as text
    "vbscript:msgbox(331)",
]


VISIBLE_IDS = ["onmouseover=alert(161)", "<b>ID</b>", "<img/src=x/onerror=alert(163)>"]


#: the legitimate URL with a quote: a link, with the quote escaped or percent-encoded
GOOD_URLS = {'https://example.org/a?b=1&c="2"', "https://example.org/a?b=1&c=%222%22"}


def inline_svgs(page: Path) -> list[str]:
    """The SVG drawings in an HTML page, as written (each a well-formed XML document if
    the package escaped everything: an escaping slip breaks it or adds elements)."""
    return re.findall(r"<svg\b.*?</svg>", page.read_text(encoding="utf-8"), re.S)


def svg_texts(svg: str) -> list[str]:
    """Every text of an SVG drawing (titles, box and arrow labels), as a reader gets it."""
    root = SafeET.fromstring(svg)
    return [
        "".join(element.itertext())
        for element in root.iter()
        if element.tag.endswith("}text") or element.tag.endswith("}title")
    ]


#: titles and statuses that must reach designdoc.json verbatim
VERBATIM = {
    "REQ-SCRIPT": ('<script>alert(101)</script> & "q"', 'x" onmouseover="alert(102)'),
    "REQ-IMG": ('"><img src=x onerror=alert(111)>', "<script>"),
    "REQ-QUOTE": ("' onmouseover='alert(121)' x='", None),
    "REQ-ENT": ("&lt;b&gt;bold&lt;/b&gt; ]]> <![CDATA[x]]> <!-- c --> &amp;", None),
    "REQ-TEX": ("\\input{/etc/passwd} \\write18{rm -rf /} $x$ % # & ~ ^ _ {} \\\\", None),
    "REQ-CSV": ('=HYPERLINK("http://evil.example/141","click")', None),
    "DEC-SCRIPT": ("</p><script>alert(201)</script><p>", "accepted"),
    "DEC-STATUS": (None, "<script>alert(211)</script>"),
    "DEC-QUOTE": ('"><svg/onload=alert(221)>', 'x" onmouseover="alert(222)'),
    "RISK-1": ("<svg onload=alert(1001)>", "<script>alert(1002)</script>"),
    "DEP-JS": ("javascript dep <script>alert(301)</script>", None),
    "DD-HOSTILE": (
        "<script>alert(501)</script> design \"doc\" & '<b>bold</b>'",
        "<img src=x onerror=alert(502)>",
    ),
    "REQ-MYST": (
        "<script>alert(701)</script> {role}`x` [y](javascript:alert(702)) <b>b</b>",
        'x" onmouseover="alert(703)',
    ),
    "EXTDD-REQ-JS": ("<script>alert(801)</script> external", 'x" onmouseover="alert(802)'),
    "EXTN-NEED_JS": ("<script>alert(901)</script> need", "<b>open</b>"),
}


VERBATIM_FIELDS = {
    "REQ-SCRIPT": {"owner": "' onmouseover='alert(106)"},
    "DEC-SCRIPT": {"deciders": "' onmouseover='alert(204); \\input{/etc/passwd}"},
    "DEP-JS": {"url": "javascript:alert(302)"},
}


HOSTILE_IDS = [
    'X"onmouseover=alert(161)',
    "<b>ID</b>",
    "ID'><img/src=x/onerror=alert(163)>",
    "javascript:alert(164)",
    "TEX\\input{/etc/passwd}",
    'EXTDD-X"onmouseover=alert(810)',
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _walk(value: Any, keys: frozenset[str]) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys:
                yield key, item
            yield from _walk(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, keys)


#: TeX that must never reach the .tex as commands (Sphinx writes \textbackslash{})
TEX_PAYLOADS = ["\\input{/etc/passwd}", "\\input{/etc/shadow}", "\\write18"]
