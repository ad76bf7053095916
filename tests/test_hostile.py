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

import csv
import html
import io
import json
import re
import shutil
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import jsonschema
import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_designdoc.nodes import designdoc_graph

ROOT = Path(__file__).parent / "roots" / "test-hostile"
DATA = Path(__file__).parent / "data"

# -- the URL policy -------------------------------------------------------------------

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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("page.html#REQ-1", True),
        ("../x", True),
        ("#frag", True),
        ("//host/x", True),
        ("", True),
        ('https://example.org/a?b=1&c="2"', True),
        ("HTTP://EXAMPLE.ORG", True),
        ("mailto:someone@example.org", True),
        ("requirements.html#javascript:alert(1)", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        (" java\tscript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("javascript://%0aalert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)//page.html#X", False),
    ],
)
def test_allowed_url(value: str, expected: bool) -> None:
    assert allowed_url(value) is expected


# -- builds ---------------------------------------------------------------------------

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
    """Each (configuration, builder) built once per module, into its own folder."""

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


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory)


def report_problems(problems: list[str], what: str) -> None:
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:60])
        more = f"\n  ... and {len(problems) - 60} more" if len(problems) > 60 else ""
        pytest.fail(f"{len(problems)} problem(s) in {what}:\n{shown}{more}")


# -- HTML and SVG ---------------------------------------------------------------------

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


# -- Markdown -------------------------------------------------------------------------

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


def test_markdown_scanner_finds_links_and_tags() -> None:
    links, tags = markdown_links_and_tags(
        "| [a](<x.html#A>) | \\[b\\](javascript:1) | `<script>` | ![i](javascript:2) |\n"
        "<https://ok.example> \\<b\\> <b>raw</b> [c](&#106;avascript:3 'title')\n"
        "```\n<script>code</script> [d](javascript:4)\n```\n"
        "[e]: javascript:5\n"
    )
    assert links == [
        "x.html#A",
        "javascript:2",
        "https://ok.example",
        "javascript:3",
        "javascript:5",
    ]
    assert tags == ["<b>", "</b>"]


# -- DOT and LaTeX --------------------------------------------------------------------

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


def test_dot_attributes_reader() -> None:
    code = (
        'digraph g {\n  "A \\"q\\"" [label="x\\ny", URL="javascript:alert(1)", '
        'tooltip="a \\"b\\" c \\\\"];  # comment\n  "A" -> "B" [label=<b>];\n}\n'
    )
    assert dot_attributes(code) == [
        ("label", "x\\ny"),
        ("URL", "javascript:alert(1)"),
        ("tooltip", 'a "b" c \\\\'),
        ("label", "b"),
    ]
    with pytest.raises(ValueError):
        dot_attributes('digraph g { "A" [label="broken] }')


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


# -- the builds finish ----------------------------------------------------------------

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


@pytest.mark.parametrize("builder", BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_build_finishes_and_writes_its_output(builds: Builds, config: str, builder: str) -> None:
    build = builds(config, builder).ok()
    for pattern in [*OUTPUTS[builder], "designdoc.json"]:
        found = [p for p in build.outdir.glob(pattern) if p.stat().st_size > 0]
        assert found, f"{builder} wrote no {pattern}"
    assert "Traceback" not in build.warnings
    # warnings are expected (hostile statuses, IDs, URLs); a warning is not a crash
    assert "[designdoc." in build.warnings


# -- HTML pages -----------------------------------------------------------------------


@pytest.mark.parametrize("builder", HTML_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_html_pages_have_no_script_handler_or_off_policy_url(
    builds: Builds, config: str, builder: str
) -> None:
    build = builds(config, builder).ok()
    pages = html_pages(build)
    assert pages
    report_problems(audit_html_files(pages, build.outdir).problems, f"{builder} pages")


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


@pytest.mark.parametrize("builder", HTML_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_html_pages_show_the_hostile_text_escaped(
    builds: Builds, config: str, builder: str
) -> None:
    build = builds(config, builder).ok()
    found = audit_html_files(html_pages(build), build.outdir)
    expected = VISIBLE_TEXT + (VISIBLE_IDS if config == "permissive" else [])
    missing = [piece for piece in expected if piece not in found.text]
    assert not missing, f"hostile text dropped from the {builder} pages: {missing}"
    assert GOOD_URLS & set(found.hrefs), "the legitimate https URL is no longer a link"


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


@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml", SVG_BUILD])
@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.skipif(DOT_MISSING, reason="Graphviz 'dot' is not installed: no SVG to check")
def test_svg_graphs_are_safe(builds: Builds, config: str, builder: str, tmp_path: Path) -> None:
    """The drawings in the pages, read as an XML consumer reads SVG: well-formed, no
    script, handler or off-policy link, and every hostile title there as text."""
    build = builds(config, builder).ok()
    problems = []
    texts: list[str] = []
    count = 0
    for page in html_pages(build):
        for number, svg in enumerate(inline_svgs(page)):
            count += 1
            path = tmp_path / f"{page.stem}-{number}.svg"
            path.write_text(svg, encoding="utf-8")
            problems += audit_svg_xml(path, tmp_path)
            if not problems:
                texts += svg_texts(svg)
    assert count, "dd-graph drew no SVG"
    report_problems(problems, "SVG graphs")
    # the tooltips name each object with its title, exactly as written
    titles = {
        item_id: title
        for item_id, (title, _status) in VERBATIM.items()
        if title is not None and item_id.startswith(("REQ-", "DEC-"))
    }
    missing = [
        item_id
        for item_id, title in titles.items()
        if not any(text.startswith(f"{item_id}: {title} (") for text in texts)
    ]
    assert not missing, f"titles not in the drawings as written: {missing}"


@pytest.mark.skipif(
    DOT_MISSING,
    reason="Graphviz 'dot' is not installed: dd-graph is shown as a table, which the HTML "
    "checks cover",
)
@pytest.mark.parametrize("builder", DOT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_graphviz_sources_link_only_allowed_urls(builds: Builds, config: str, builder: str) -> None:
    """The DOT handed to Graphviz (checked without ``dot``): well-formed, and every
    ``URL``/``href`` on policy; Graphviz copies them into SVG links, image maps and PDF."""
    build = builds(config, builder).ok()
    assert build.dot_sources, "no dd-graph reached the writer"
    problems = []
    for docname, code in build.dot_sources:
        try:
            pairs = dot_attributes(code)
        except ValueError as exc:
            problems.append(f"{docname}: malformed DOT: {exc}")
            continue
        for name, value in pairs:
            if name.lower() in DOT_URL_ATTRIBUTES and not allowed_url(value):
                problems.append(f"{docname}: {name}={value!r}")
    report_problems(problems, f"dd-graph DOT sources ({builder})")


# -- designdoc.json -------------------------------------------------------------------

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


@pytest.mark.parametrize("builder", [b for b in BUILDERS if b not in (SVG_BUILD, PNG_BUILD)])
@pytest.mark.parametrize("config", CONFIGS)
def test_designdoc_json_links_on_policy_and_keeps_every_payload(
    builds: Builds, config: str, builder: str
) -> None:
    report = json.loads(builds(config, builder).ok().read("designdoc.json"))
    objects = {o["id"]: o for o in report["objects"]}
    bad = [
        f"{o['id']}: url {o['url']!r}"
        for o in report["objects"]
        if o.get("url") and not allowed_url(o["url"])
    ]
    lost = []
    for item_id, (title, status) in VERBATIM.items():
        obj = objects.get(item_id)
        if obj is None:
            lost.append(f"{item_id}: object missing")
            continue
        if title is not None and obj["title"] != title:
            lost.append(f"{item_id}: title {obj['title']!r} != {title!r}")
        if status is not None and obj["status"] != status:
            lost.append(f"{item_id}: status {obj['status']!r} != {status!r}")
        for name, value in VERBATIM_FIELDS.get(item_id, {}).items():
            if obj["fields"].get(name) != value:
                lost.append(f"{item_id}: field {name} {obj['fields'].get(name)!r} != {value!r}")
    if config == "permissive":
        lost += [f"{i}: object missing" for i in HOSTILE_IDS if i not in objects]
    report_problems(bad + lost, f"designdoc.json ({builder})")


# -- exports --------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_csv_has_no_live_formula_and_links_on_policy(
    builds: Builds, config: str, builder: str
) -> None:
    text = builds(config, builder).ok().read("designdoc.csv")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert "url" in header, header
    url_column = header.index("url")  # the object's link
    problems = []
    for number, row in enumerate(rows, start=2):
        for name, cell in zip(header, row, strict=False):
            if cell.startswith(FORMULA_STARTS):
                problems.append(f"row {number} {name}: live formula {cell!r}")
        if row[url_column] and not allowed_url(row[url_column]):
            problems.append(f"row {number} {header[0]}={row[0]!r}: url {row[url_column]!r}")
    by_id = {row[0]: dict(zip(header, row, strict=False)) for row in rows}
    assert by_id["REQ-CSV"]["title"] == "'" + VERBATIM["REQ-CSV"][0]
    assert by_id["REQ-SCRIPT"]["title"] == VERBATIM["REQ-SCRIPT"][0]
    report_problems(problems, f"designdoc.csv ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_markdown_links_on_policy_and_no_raw_html(
    builds: Builds, config: str, builder: str
) -> None:
    text = builds(config, builder).ok().read("designdoc.md")
    links, tags = markdown_links_and_tags(text)
    problems = [f"link target {link!r}" for link in links if not allowed_url(link)]
    problems += [f"raw HTML {tag!r}" for tag in tags]
    # the Markdown report lists this project's objects (matrix, untraced, findings)
    assert "alert(101)" in text and "alert(1001)" in text, "hostile titles dropped"
    report_problems(problems, f"designdoc.md ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_html_report_has_no_script_handler_or_off_policy_url(
    builds: Builds, config: str, builder: str
) -> None:
    build = builds(config, builder).ok()
    page = build.outdir / "designdoc-report.html"
    assert page.is_file()
    found = audit_html_files([page], build.outdir)
    assert "<script>alert(101)</script>" in found.text, "hostile title dropped"
    assert "<script>alert(801)</script>" in found.text, "hostile external title dropped"
    report_problems(found.problems, f"designdoc-report.html ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_junit_is_well_formed_xml(builds: Builds, config: str, builder: str) -> None:
    text = builds(config, builder).ok().read("designdoc-junit.xml")
    root = SafeET.fromstring(text.encode("utf-8"))
    names = " ".join(case.get("name") or "" for case in root.iter("testcase"))
    assert "REQ-SCRIPT" in names


def _walk(value: Any, keys: frozenset[str]) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys:
                yield key, item
            yield from _walk(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, keys)


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_sarif_is_valid_and_links_on_policy(builds: Builds, config: str, builder: str) -> None:
    log = json.loads(builds(config, builder).ok().read("designdoc.sarif"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    problems = [
        f"{key} {value!r}"
        for key, value in _walk(log, frozenset({"uri", "helpUri"}))
        if not isinstance(value, str) or not allowed_url(value)
    ]
    report_problems(problems, f"designdoc.sarif ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_needs_json_external_urls_on_policy(builds: Builds, config: str, builder: str) -> None:
    data = json.loads(builds(config, builder).ok().read("designdoc-needs.json"))
    problems = []
    count = 0
    for version in data["versions"].values():
        for need_id, need in version["needs"].items():
            count += 1
            url = need.get("external_url")
            if url not in (None, "") and not allowed_url(url):
                problems.append(f"{need_id}: external_url {url!r}")
    assert count, "designdoc-needs.json holds no need"
    report_problems(problems, f"designdoc-needs.json ({builder})")


# -- LaTeX ----------------------------------------------------------------------------

#: TeX that must never reach the .tex as commands (Sphinx writes \textbackslash{})
TEX_PAYLOADS = ["\\input{/etc/passwd}", "\\input{/etc/shadow}", "\\write18"]


@pytest.mark.parametrize("config", CONFIGS)
def test_latex_escapes_tex_payloads(builds: Builds, config: str) -> None:
    build = builds(config, "latex").ok()
    problems = []
    for tex in sorted(build.outdir.glob("*.tex")):
        text = tex.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            for payload in TEX_PAYLOADS:
                if payload in line:
                    problems.append(f"{tex.name}:{number}: raw {payload!r}: {_short(line)}")
    assert "textbackslash{}input" in "".join(
        p.read_text(encoding="utf-8") for p in build.outdir.glob("*.tex")
    ), "the TeX title was dropped instead of escaped"
    report_problems(problems, "LaTeX output")


@pytest.mark.parametrize("config", CONFIGS)
def test_latex_links_on_policy(builds: Builds, config: str) -> None:
    build = builds(config, "latex").ok()
    problems = []
    for tex in sorted(build.outdir.glob("*.tex")):
        for target in latex_link_targets(tex.read_text(encoding="utf-8")):
            if not allowed_url(target):
                problems.append(f"{tex.name}: link to {_short(target)!r}")
    report_problems(problems, "LaTeX links")
