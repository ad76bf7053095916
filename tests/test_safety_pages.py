"""Hostile input, pages: a project full of payloads builds, and its HTML pages, SVG
graphs, Graphviz sources and LaTeX carry no live markup or off-policy URL.

The corpus, its builds and the readers that audit them are in hostile_helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import (
    BUILDERS,
    CONFIGS,
    DOT_BUILDERS,
    DOT_MISSING,
    DOT_URL_ATTRIBUTES,
    GOOD_URLS,
    HTML_BUILDERS,
    OUTPUTS,
    SVG_BUILD,
    TEX_PAYLOADS,
    VERBATIM,
    VISIBLE_IDS,
    VISIBLE_TEXT,
    Builds,
    _short,
    allowed_url,
    audit_html_files,
    audit_svg_xml,
    dot_attributes,
    html_pages,
    inline_svgs,
    latex_link_targets,
    markdown_links_and_tags,
    report_problems,
    svg_texts,
)


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


@pytest.mark.parametrize("builder", HTML_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_html_pages_have_no_script_handler_or_off_policy_url(
    builds: Builds, config: str, builder: str
) -> None:
    build = builds(config, builder).ok()
    pages = html_pages(build)
    assert pages
    report_problems(audit_html_files(pages, build.outdir).problems, f"{builder} pages")


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
