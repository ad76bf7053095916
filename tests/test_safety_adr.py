"""``designdoc import-adr`` on hostile records: whatever a record says, the page it
becomes holds no role, directive, raw HTML, event attribute, off-policy URL or file
download that the record did not have as plain text, and reading it takes time in
proportion to its length."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from conftest import load_report, warnings_of, write_project
from docutils import nodes
from hostile_helpers import audit_html_files
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it.tree import SyntaxTreeNode
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sphinx import addnodes

from sphinx_designdoc.adr import import_records
from sphinx_designdoc.cli import main
from sphinx_designdoc.myst_writer import code_span, escape_text, safe_line
from sphinx_designdoc.safety import allowed_url

#: every MyST extension a site may enable: the page must be safe under each of them
EXTENSIONS = [
    "amsmath",
    "attrs_block",
    "attrs_inline",
    "colon_fence",
    "deflist",
    "dollarmath",
    "fieldlist",
    "html_admonition",
    "html_image",
    "replacements",
    "smartquotes",
    "strikethrough",
    "substitution",
    "tasklist",
]


CONF = (
    'extensions = ["myst_parser", "sphinx_designdoc"]\n'
    f"myst_enable_extensions = {EXTENSIONS!r}\n"
    "show_warning_types = True\n"
    'suppress_warnings = ["designdoc.unjustified"]\n'
)


INDEX = "# Project\n\n```{toctree}\ndecisions\n```\n"


def records(root: Path, texts: dict[str, str]) -> Path:
    folder = root / "adr"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_import(make_app: Any, root: Path, folder: Path) -> Any:
    """Import ``folder`` with the command line, as a user would, and build the page."""
    src = write_project(root / "docs", {"index.md": INDEX}, conf=CONF)
    assert main(["import-adr", str(folder), "-o", str(src / "decisions.md"), "-q"]) == 0
    app = make_app("html", srcdir=src)
    app.build()
    return app


#: a file outside the documentation that a live {download} role would copy into the site
SECRET = "the build machine's secret"


ATTACKS = {
    "an unmatched double backtick before a role": "# 1. A\n\n## Status\n\nAccepted\n\n"
    "`` {download}`../secret.txt`\n",
    "an unmatched double backtick before raw HTML": "# 1. A\n\n## Status\n\nAccepted\n\n"
    "`` <img src=x onerror=alert(1)> secret.txt\n",
    "a fence inside a list item": "# 1. A\n\n## Status\n\nAccepted\n\n## Context\n\n"
    "- item\n  ```\n<script>alert(1)</script>\n{download}`../secret.txt`\n  ```\n",
    "a tab-indented fence after a paragraph line": "# 1. A\n\n## Status\n\nAccepted\n\n"
    "## Context\n\ntext\n\t````\n{download}`../secret.txt`\n<img src=x onerror=alert(1)>\n"
    "\t```\n",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_record_cannot_put_markup_on_the_page(make_app, tmp_path, attack) -> None:
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    folder = records(tmp_path, {"0001-a.md": ATTACKS[attack]})
    app = build_import(make_app, tmp_path, folder)
    assert warnings_of(app) == []
    assert not (app.outdir / "_downloads").exists()
    assert not any(SECRET in p.read_text("utf-8", "replace") for p in app.outdir.rglob("*.*"))
    findings = audit_html_files([app.outdir / "decisions.html"], app.outdir)
    assert findings.problems == []
    # the record's words are on the page, as the text they are
    assert "secret.txt" in findings.text
    (item,) = load_report(app.outdir)["objects"]
    assert (item["id"], item["status"]) == ("ADR-0001", "accepted")


HOSTILE = """\
# 7. Use `eval` {sub}`x` <img src=x onerror=alert(1)>

Date: 2021-01-01

## Status

Accepted

## Context

<script>alert(1)</script> and <b onclick="alert(1)">bold</b>
[click](javascript:alert(1)) and [mail](mailto:team@example.org) and [ftp](ftp://x.org/f)
![logo](images/logo.png) {raw}`<script>alert(1)</script>` ![pixel](data:image/png;base64,AA)
[ref]: javascript:alert(1)
See [it][ref].
% this line is text, not a MyST comment
(target)=
$x$ and {{ sub }} and {#anchor .cls}
Under this a setext underline
---

```{raw} html
<script>alert(1)</script>
```

:::{raw} html
<script>alert(1)</script>
:::

term
: definition

````` ```` `````
"""


def test_hostile_records_put_nothing_live_on_the_page(make_app, tmp_path) -> None:
    folder = records(tmp_path, {"0007-hostile.md": HOSTILE})
    app = build_import(make_app, tmp_path, folder)
    assert warnings_of(app) == []
    findings = audit_html_files([app.outdir / "decisions.html"], app.outdir)
    assert findings.problems == []
    assert not [h for h in findings.hrefs if h.startswith(("javascript", "ftp", "data"))]
    assert any(h.startswith("mailto:team") for h in findings.hrefs)  # Sphinx obfuscates it
    page = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    assert 'class="math' not in page
    assert page.count("<dl") == page.count('<dl class="dd-fields')  # no definition list
    for text in (
        "<script>alert(1)</script> and",
        "% this line is text",
        "(target)=",
        "$x$ and {{ sub }} and {#anchor .cls}",
        "Under this a setext underline",
        "Use eval {sub}`x` <img src=x onerror=alert(1)>",
        "[click](javascript:alert(1)) and",
        "term",
        ": definition",
        "Imported from 0007-hostile.md",
        "[image: logo]",
        "[image: pixel]",
    ):
        assert text in findings.text, text
    (item,) = load_report(app.outdir)["objects"]
    assert item["id"] == "ADR-0007" and item["status"] == "accepted"


FRAGMENTS = [
    "\n",
    "\n\n",
    "  ",
    "\t",
    "    ",
    "`",
    "``",
    "```",
    "~~~",
    "```{raw} html\n",
    ":::{raw} html\n",
    ":::",
    "{download}`../secret.txt`",
    "{raw}`<b>x</b>`",
    "{doc}`index`",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- c -->",
    "<div>",
    "- ",
    "* ",
    "1. ",
    "> ",
    "# ",
    "## Status\n",
    "Accepted",
    "Superseded by [2](0002-b.md)",
    "Amends 2",
    "---\n",
    "===",
    "% ",
    "(t)=",
    "+++",
    "$",
    "$$",
    "{{ s }}",
    "{#i .c}",
    "term\n: def",
    ":name: value",
    "|",
    "| a | b |\n|---|---|\n",
    "[a](javascript:alert(1))",
    "[b](0002-b.md)",
    "[c](ftp://x.org)",
    "[d](https://example.org/x?y=1)",
    "<https://example.org>",
    "<ftp://x.org>",
    "![e](diagram.png?raw=true)",
    "![f](../secret.txt)",
    "![g](data:image/png;base64,AA)",
    "[h]: javascript:alert(1)\n",
    "[h]",
    "[^1]",
    "[^1]: n\n",
    "*",
    "_",
    "**",
    "~~",
    "\\",
    "&lt;",
    "&#60;script&#62;",
    "http://x.org",
    "ftp://x.org",
    "www.example.org",
    "x",
]


#: ``(target)=``, comments and the like: MyST constructs that must not come out of a record
FORBIDDEN_TOKENS = {
    "html_block",
    "html_inline",
    "myst_target",
    "myst_line_comment",
    "myst_block_break",
    "colon_fence",
    "math_inline",
    "math_block",
    "math_inline_double",
    "math_block_label",
    "amsmath",
    "substitution_inline",
    "substitution_block",
    "dl_open",
    "field_list_open",
    "footnote_ref",
    "front_matter",
}


def _site_parser() -> Any:
    from markdown_it.renderer import RendererHTML

    return create_md_parser(MdParserConfig(enable_extensions=set(EXTENSIONS)), RendererHTML)


SITE = _site_parser()


def _check_markdown(text: str, problems: list[str], depth: int = 0) -> None:
    """Walk the page as a site with every MyST extension parses it, into the bodies of
    the decisions, for any construct a record could have planted."""
    for node in SyntaxTreeNode(SITE.parse(text)).walk(include_self=False):
        kind = node.type
        if kind in FORBIDDEN_TOKENS:
            problems.append(f"{kind}: {node.content[:60]!r}")
        elif kind == "attrs" or "attrs" in (node.meta or {}):
            problems.append(f"attributes on {kind}")
        elif kind == "myst_role" and node.meta.get("name") != "dd:ref":
            problems.append(f"role {node.meta.get('name')}")
        elif kind == "link" and not allowed_url(str(node.attrs.get("href", ""))):
            problems.append(f"link {node.attrs.get('href')!r}")
        elif kind == "image":
            src = str(node.attrs.get("src", ""))
            if not (src.startswith("decisions-images/") or src.startswith("https://")):
                problems.append(f"image {src!r}")
        elif kind == "fence" and node.info.startswith("{"):
            if depth == 0 and node.info.startswith("{decision}"):
                lines = node.content.split("\n")
                body = lines[lines.index("") + 1 :] if "" in lines else []
                _check_markdown("\n".join(body), problems, depth + 1)
            else:
                problems.append(f"directive {node.info!r}")


MARKDOWN = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="ab :.-*_`<>[](){}!\n", max_size=6)),
    max_size=40,
).map("".join)


@pytest.fixture(scope="module")
def folder_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("adr-property")
    folder = records(root, {"0002-b.md": "# 2. B\n\nAccepted\n"})
    (folder / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MARKDOWN)
def test_no_markdown_becomes_markup_of_its_own(folder_root: Path, text: str) -> None:
    (folder_root / "0001-a.md").write_text(text, encoding="utf-8")
    page = import_records(folder_root, assets="decisions-images")
    problems: list[str] = []
    _check_markdown(page.text, problems)
    assert problems == [], page.text


#: what a record's text never becomes: raw output, a file copied into the site, math, a
#: comment that hides text, a substitution
FORBIDDEN_NODES = (
    nodes.raw,
    addnodes.download_reference,
    nodes.math,
    nodes.math_block,
    nodes.comment,
    nodes.substitution_reference,
)

#: the raw nodes MyST writes for a hard line break (two spaces or a backslash at the end
#: of a line), its own markup, which no text can change
HARD_BREAK = {("html", "<br />\n"), ("latex", "\\\\\n")}


def _doctree_problems(doctree: nodes.document) -> list[str]:
    problems = []
    for node in doctree.findall(nodes.Element):
        if isinstance(node, nodes.raw) and (node["format"], node.astext()) in HARD_BREAK:
            continue  # a record's hard line break, as MyST writes every one
        if isinstance(node, FORBIDDEN_NODES):
            problems.append(type(node).__name__)
        elif isinstance(node, addnodes.pending_xref) and node.get("refdomain") != "dd":
            problems.append(f"{node.get('refdomain')}:{node.get('reftype')} reference")
        elif isinstance(node, nodes.reference) and node.get("refuri"):
            if not allowed_url(node["refuri"]):
                problems.append(f"reference {node['refuri']!r}")
        elif isinstance(node, nodes.image):
            uri = node.get("uri", "")
            if not (uri.startswith("decisions-images/") or uri.startswith("https://")):
                problems.append(f"image {uri!r}")
    return problems


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=MARKDOWN)
@example(text="a  \nb\\\nc")  # hard line breaks: MyST's own raw <br />, allowed
def test_a_build_of_any_record_shows_text_only(make_app, tmp_path_factory, text) -> None:
    root = tmp_path_factory.mktemp("adr-build")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    folder = records(root, {"0001-a.md": text, "0002-b.md": "# 2. B\n\nAccepted\n"})
    (folder / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    app = build_import(make_app, root, folder)
    assert not (app.outdir / "_downloads").exists()
    problems = _doctree_problems(app.env.get_doctree("decisions"))
    assert problems == [], (problems, (root / "docs" / "decisions.md").read_text("utf-8"))
    assert audit_html_files([app.outdir / "decisions.html"], app.outdir).problems == []
    assert [w for w in warnings_of(app) if "[designdoc." in w] == []


MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        " " * MEGABYTE,
        "a_" * (MEGABYTE // 2),
        "[" * MEGABYTE,
        "://" * (MEGABYTE // 3),
        "`" * MEGABYTE,
        "1" * MEGABYTE + ".",
    ],
    ids=["spaces", "underscores", "brackets", "schemes", "backticks", "digits"],
)
def test_the_writers_escapes_are_linear(text: str) -> None:
    start = time.perf_counter()
    escape_text(text)
    safe_line(text)
    code_span(text)
    assert time.perf_counter() - start < 3.0  # on a loaded 2-core machine; quadratic is minutes


@pytest.mark.parametrize(
    "record",
    [
        "# " + " " * MEGABYTE + "x\n",  # a heading with a million spaces
        "# T\n\nStatus: " + "a " * (MEGABYTE // 2) + "\n",  # a 1 MB metadata line
        "# T\n\n" + "Date" + " " * MEGABYTE + ":\n",
        "# T\n\n## Status\n\n" + "superseded " * (MEGABYTE // 11) + "\n",
        "# T\n\n" + "![" * (MEGABYTE // 2),  # markdown-it takes minutes on this inline
        "# T\n\n" + "[a](" * (MEGABYTE // 4),
    ],
    ids=["heading", "metadata", "key", "status", "images", "links"],
)
def test_a_megabyte_record_is_read_in_linear_time(tmp_path: Path, record: str) -> None:
    folder = records(tmp_path, {"0001-a.md": record})
    start = time.perf_counter()
    page = import_records(folder)
    # a hang guard, not a benchmark: the patterns this replaced took minutes here
    assert time.perf_counter() - start < 10.0
    assert "~~~~{decision}" in page.text
