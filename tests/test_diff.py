"""designdoc diff: objects and findings matched by meaning, field and text changes,
suspect links, and the four formats (text, JSON, a pull-request comment, SARIF)."""

from __future__ import annotations

import copy
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_one_line_error, run
from conftest import touch_later, write_project

from sphinx_designdoc.reports.diff import diff_reports, message_identity, regressions

pytestmark = pytest.mark.usefixtures("plain_cli")


def _obj(oid: str, type_: str = "requirement", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": oid,
        "type": type_,
        "title": f"Title of {oid}",
        "status": "proposed",
        "fields": {},
        "docname": "index",
        "source": "index.rst",
        "line": 4,
        "url": f"index.html#{oid}",
        "external": False,
        "links": {},
        "incoming": {},
        "traced": None,
    }
    base.update(extra)
    return base


def _finding(subtype: str, oid: str, message: str, source: str = "index.rst", line: int = 4):
    return {
        "subtype": subtype,
        "rule": f"designdoc.{subtype}",
        "message": message,
        "id": oid,
        "docname": source.rsplit(".", 1)[0],
        "source": source,
        "line": line,
        "suppressed": False,
    }


def _report(objects: list[dict[str, Any]], findings: list[dict[str, Any]] | None = None):
    reqs = [o for o in objects if o["type"] == "requirement" and o.get("traced") is not None]
    traced = sum(1 for o in reqs if o["traced"])
    coverage = (
        {"requirement": {"traced": traced, "total": len(reqs), "percent": 0.0}} if reqs else {}
    )
    return {
        "schema_version": 1,
        "generator": {"name": "sphinx-designdoc", "version": "0"},
        "project": "p",
        "coverage": coverage,
        "objects": objects,
        "findings": findings or [],
    }


def _base() -> dict[str, Any]:
    return _report(
        [
            _obj(
                "REQ-1", traced=True, fields={"priority": "must"}, text="Search is fast.\nAlways."
            ),
            _obj("REQ-2", traced=True, text="Ranking."),
            _obj(
                "DEC-1",
                "decision",
                status="accepted",
                links={"addresses": ["REQ-1", "REQ-2"]},
                content="Body *as written*.",
                text="Body as written.",
            ),
        ],
        [
            _finding("invalid", "REQ-1", "REQ-1: unknown priority 'x'"),
            _finding(
                "duplicate",
                "REQ-2",
                "duplicate ID 'REQ-2': also declared at index.rst:9, which keeps the ID; "
                "give one of them a new ID",
                line=20,
            ),
        ],
    )


def _write(tmp_path: Path, name: str, report: dict[str, Any]) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return str(path)


def _moved(report: dict[str, Any]) -> dict[str, Any]:
    """The same design, written elsewhere: every object and finding in another file at
    another line, the body written in MyST, the duplicate's location moved with it."""
    moved = copy.deepcopy(report)
    for o in moved["objects"]:
        o.update(source="design/spec.md", docname="design/spec", line=o["line"] + 40)
        o["url"] = f"design/spec.html#{o['id']}"
        if "content" in o:
            o["content"] = "Body {emphasis}`as written`."
    for f in moved["findings"]:
        f.update(source="design/spec.md", docname="design/spec", line=f["line"] + 40)
        f["message"] = f["message"].replace("index.rst:9", "design/spec.md:49")
    moved["findings"].reverse()
    return moved


def test_a_moved_design_is_no_change(capsys, tmp_path: Path) -> None:
    """Objects moved to another file and line, their markup changed but not their text,
    findings moved, a duplicate whose message names the moved location: no change, no
    regression."""
    old = _base()
    new = _moved(old)
    diff = diff_reports(old, new)
    assert {k: v for k, v in diff.items() if v and k != "coverage"} == {}
    assert regressions(diff) == []
    code, out, _ = run(
        capsys,
        "diff",
        _write(tmp_path, "old", old),
        _write(tmp_path, "new", new),
        "--fail-on-regression",
    )
    assert code == 0 and "No object, link, tracing or finding changes." in out
    code, out, _ = run(
        capsys,
        "diff",
        str(tmp_path / "old.json"),
        str(tmp_path / "new.json"),
        "--format",
        "markdown",
    )
    assert code == 0 and "No design change" in out


def test_message_identity_drops_known_locations_only() -> None:
    places = frozenset({"a.rst", "sub/b.md", "sub/b"})
    assert message_identity("also declared at a.rst:12, which keeps it", places) == (
        "also declared at <place> which keeps it"
    )
    assert message_identity("(at sub/b.md:3) in page 'sub/b'.", places) == (
        "(at <place> in page <place>"
    )
    # a word that only looks like a location stays: it says something
    assert message_identity("unknown priority 'a.rst:x' REQ-1:2", places) == (
        "unknown priority 'a.rst:x' REQ-1:2"
    )


def test_a_duplicate_that_moved_is_the_same_but_a_second_one_is_new() -> None:
    old = _base()
    new = _moved(old)
    extra = copy.deepcopy(new["findings"][0])
    extra["line"] = 90
    new["findings"].append(extra)
    diff = diff_reports(old, new)
    assert len(diff["findings_added"]) == 1 and diff["findings_removed"] == []
    assert diff["findings_added"][0]["line"] == 90


def test_field_changes_are_listed_per_object(capsys, tmp_path: Path) -> None:
    old = _base()
    new = copy.deepcopy(old)
    req = new["objects"][0]
    req.update(title="Search is very fast", status="accepted")
    req["fields"] = {"priority": "should", "tags": ["perf", "ux"]}
    new["objects"][2]["links"] = {"addresses": ["REQ-1"]}
    diff = diff_reports(old, new)
    (changed_dec, changed_req) = diff["changed"]
    assert changed_req["id"] == "REQ-1"
    assert changed_req["changes"] == [
        {"field": "title", "before": "Title of REQ-1", "after": "Search is very fast"},
        {"field": "status", "before": "proposed", "after": "accepted"},
        {"field": "field priority", "before": "must", "after": "should"},
        {"field": "field tags", "before": None, "after": ["perf", "ux"]},
    ]
    assert changed_dec["changes"] == [
        {"field": "link addresses", "before": ["REQ-1", "REQ-2"], "after": ["REQ-1"]}
    ]
    assert diff["retitled"] == [
        {"id": "REQ-1", "before": "Title of REQ-1", "after": "Search is very fast"}
    ]
    assert diff["status_changed"] == [{"id": "REQ-1", "before": "proposed", "after": "accepted"}]
    assert diff["links_removed"] == [{"source": "DEC-1", "link": "addresses", "target": "REQ-2"}]
    code, out, _ = run(capsys, "diff", _write(tmp_path, "old", old), _write(tmp_path, "new", new))
    assert code == 0
    assert (
        "  REQ-1 requirement 'Search is very fast'\n"
        "      title: Title of REQ-1 -> Search is very fast\n"
        "      status: proposed -> accepted\n"
        "      field priority: must -> should\n"
        "      field tags: none -> perf, ux\n"
    ) in out


def test_a_text_change_is_a_short_unified_diff(capsys, tmp_path: Path) -> None:
    old = _base()
    old["objects"][1]["text"] = "\n".join(f"Paragraph {i}." for i in range(40))
    new = copy.deepcopy(old)
    new["objects"][0]["text"] = "Search is fast.\nNearly always."
    new["objects"][1]["text"] = "\n".join(f"Paragraph {i}!" for i in range(40))
    diff = diff_reports(old, new)
    req1, req2 = diff["changed"]  # DEC-1 is unchanged
    assert req1["text_diff"] == [
        "@@ -1,2 +1,2 @@",
        " Search is fast.",
        "-Always.",
        "+Nearly always.",
    ]
    assert req1["text_diff_more"] == 0
    assert len(req2["text_diff"]) == 12 and req2["text_diff_more"] == 81 - 12
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    out = run(capsys, "diff", old_path, new_path)[1]
    assert "    text changed:\n        @@ -1,2 +1,2 @@\n         Search is fast.\n" in out
    assert "        … 69 more lines\n" in out
    data = json.loads(run(capsys, "diff", old_path, new_path, "--json")[1])
    assert data["changed"][1]["text_diff_more"] == 69
    # an older report has no text: that is an empty body, and the same on both sides
    for o in (*old["objects"], *new["objects"]):
        o.pop("text", None)
    assert diff_reports(old, new)["changed"] == []


def _with_suspect(report: dict[str, Any], changed: list[str]) -> dict[str, Any]:
    out = copy.deepcopy(report)
    dec = out["objects"][2]
    dec["suspect"] = [{"link": "addresses", "target": "REQ-1", "changed": changed}]
    out["findings"].append(
        _finding(
            "suspect",
            "DEC-1",
            "DEC-1 addresses REQ-1, whose text changed since the link was reviewed; "
            "review DEC-1, then run: designdoc review accept DEC-1",
            line=12,
        )
    )
    return out


def test_a_new_suspect_link_is_a_regression(capsys, tmp_path: Path) -> None:
    old = _base()
    new = _with_suspect(old, ["text"])
    diff = diff_reports(old, new)
    assert [(s["id"], s["link"], s["target"], s["changed"]) for s in diff["suspects_added"]] == [
        ("DEC-1", "addresses", "REQ-1", ["text"])
    ]
    # one reason for the suspect link, not a second one for its finding
    assert regressions(diff) == ["new suspect link: DEC-1 addresses REQ-1 (REQ-1's text changed)"]
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    code, out, _ = run(capsys, "diff", old_path, new_path, "--fail-on-regression")
    assert code == 1 and "New suspect links (1)\n  DEC-1 addresses REQ-1" in out
    code, out, _ = run(capsys, "diff", new_path, old_path, "--fail-on-regression")
    assert code == 0 and "Suspect links cleared (1)\n  DEC-1 addresses REQ-1\n" in out
    # still suspect, for another reason too: not a new suspect
    again = _write(tmp_path, "again", _with_suspect(old, ["text", "status"]))
    assert run(capsys, "diff", new_path, again, "--fail-on-regression")[0] == 0


# -- formats ------------------------------------------------------------------------

HOSTILE = (
    "<script>alert(1)</script> [x](javascript:alert(1)) *b* `c` @octocat #123 "
    "https://evil.example www.evil.example a@b.example $x$ &amp; |cell|\nnext \x1b[31mred"
)


def _hostile_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """Two reports whose every string a renderer shows is hostile."""
    old = _base()
    for o in old["objects"]:
        o["fields"]["note"] = HOSTILE
    new = _with_suspect(old, [HOSTILE])
    req = new["objects"][0]
    req.update(title=HOSTILE, status=HOSTILE, text=f"Search is fast.\n{HOSTILE}\n````")
    req["fields"]["note"] = HOSTILE + "!"
    new["objects"].append(_obj("REQ-9", title=HOSTILE, url="javascript:alert(1)"))
    new["objects"].append(_obj("REQ-10", title="x", url=HOSTILE))
    new["findings"].append(_finding("invalid", "REQ-9", HOSTILE, source=HOSTILE))
    new["findings"][0]["suppressed"] = True  # resolved
    return old, new


def _tokens(md: str) -> list[Any]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("gfm-like", {"linkify": False}).parse(md)
    out = []
    for token in tokens:
        out.append(token)
        out.extend(token.children or ())
    return out


def test_markdown_comment_structure(capsys, tmp_path: Path) -> None:
    """The comment read by a CommonMark/GFM parser: the verdict heading, the table of
    counts, collapsible sections, a text diff in a fence longer than its backticks, and
    links to the site for the objects."""
    old, new = _hostile_pair()
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    code, out, _ = run(
        capsys,
        "diff",
        old_path,
        new_path,
        "--format",
        "markdown",
        "--site-url",
        "https://docs.example.org/latest/",
        "--fail-on-regression",
    )
    assert code == 1
    tokens = _tokens(out)
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h2"
    assert tokens[1].content == "Design review: ❌ Regression: 2 reasons"
    table = [t for t in tokens if t.type == "inline"]
    cells = [t.content for t in tokens if t.type == "inline"]
    start = cells.index("Change")
    counts = dict(zip(cells[start + 2 :: 2], cells[start + 3 :: 2], strict=False))
    assert counts["Objects added"] == "2" and counts["Objects changed"] == "1"
    assert counts["New suspect links"] == "1"
    assert counts["New findings"] == "2"  # the suspect link's finding, and REQ-9's
    assert counts["Resolved findings"] == "1" and counts["Links added / removed"] == "+0 / -0"
    assert table
    html = [t.content for t in tokens if t.type in ("html_block", "html_inline")]
    summaries = [h for h in html if h.startswith("<details>")]
    assert [h.split("<summary>")[1].split("</summary>")[0] for h in summaries] == [
        "Changed objects (1)",
        "Suspect links (1)",
        "New findings (2)",
        "Resolved findings (1)",
        "Added objects (2)",
        "Tracing (0)" if False else "Coverage (1)",
    ]
    assert all(h.strip() in ("</details>",) or h.startswith("<details><summary>") for h in html)
    assert not any(t.type == "html_inline" for t in tokens)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "diff" and fences[0].markup == "`````"
    assert "+" + HOSTILE.replace("\n", "").split("\x1b")[0] not in fences[0].content
    assert "-Always." in fences[0].content and "+````" in fences[0].content
    hrefs = [t.attrs.get("href") for t in tokens if t.type == "link_open"]
    assert "https://docs.example.org/latest/index.html#REQ-1" in hrefs
    # the object whose URL is not allowed has none; every link leads to the site
    assert all(str(h).startswith("https://docs.example.org/latest/") for h in hrefs)
    assert "**REQ-9**" in out and "[**REQ-9**]" not in out


def test_hostile_strings_are_inert_in_every_format(capsys, tmp_path: Path) -> None:
    old, new = _hostile_pair()
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    md = run(capsys, "diff", old_path, new_path, "--format", "markdown")[1]
    tokens = _tokens(md)
    assert not any(t.type in ("link_open", "image", "html_inline") for t in tokens)
    text = "".join(t.content for t in tokens if t.type == "text")
    assert "<script>alert(1)</script>" in text and "[x](javascript:alert(1))" in text
    # outside the text diff's code block (where GitHub makes nothing live): no mention,
    # issue reference or bare URL
    prose = "".join(md.split("`````")[0::2])
    assert "`````diff" in md and "@octocat" in md.split("`````")[1]
    for live in ("@octocat", "#123", "https://evil", "www.evil", "a@b.example"):
        assert live not in prose, live
    assert "@\u200doctocat" in prose and "#\u200d123" in prose
    assert "\x1b" not in md and "\\x1b" in text
    for line in md.splitlines():  # every report string stays on its line, in one cell
        if line.startswith("| ") and "Change" not in line:
            assert line.count(" | ") <= 3, line
    sarif = run(capsys, "diff", old_path, new_path, "--format", "sarif")[1]
    log = json.loads(sarif)
    messages = [r["message"]["text"] for r in log["runs"][0]["results"]]
    assert "\x1b" not in sarif and any("<script>alert(1)</script>" in m for m in messages)
    assert " ".join(HOSTILE.split()) in messages  # a finding's message, on one line
    plain = run(capsys, "diff", old_path, new_path)[1]
    assert "\x1b" not in plain and "\\x1b[31mred" in plain
    data = run(capsys, "diff", old_path, new_path, "--json")[1]
    assert "\x1b" not in data and json.loads(data)["changed"][0]["title"] == HOSTILE


def test_sarif_annotates_changed_and_suspect_objects(capsys, tmp_path: Path) -> None:
    old = _base()
    new = _moved(_with_suspect(old, ["text"]))
    new["objects"][0]["title"] = "Search is very fast"
    new["findings"].append(
        _finding("invalid", "REQ-2", "REQ-2: unknown priority 'y'", "design/spec.md", 70)
    )
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    code, out, _ = run(
        capsys,
        "diff",
        old_path,
        new_path,
        "--format",
        "sarif",
        "--path-prefix",
        "docs",
        "--fail-on-regression",
    )
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("designdoc.changed", "note"),
        ("designdoc.suspect", "warning"),
        ("designdoc.invalid", "error"),
    ]
    for r in results:
        assert rules[r["ruleIndex"]] == r["ruleId"]
    changed, suspect, finding = results
    assert changed["message"]["text"] == (
        "REQ-1 changed: title (Title of REQ-1 -> Search is very fast)"
    )
    where = changed["locations"][0]["physicalLocation"]
    assert where == {
        "artifactLocation": {"uri": "docs/design/spec.md"},
        "region": {"startLine": 44},
    }
    # the suspect link at the line of its finding, the link's option
    assert suspect["locations"][0]["physicalLocation"]["region"] == {"startLine": 52}
    assert suspect["message"]["text"].startswith("DEC-1 addresses REQ-1 (REQ-1's text changed)")
    assert finding["locations"][0]["physicalLocation"]["region"] == {"startLine": 70}


def test_json_is_the_diff_as_data(capsys, tmp_path: Path) -> None:
    old = _base()
    new = _with_suspect(old, ["status"])
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    short = run(capsys, "diff", old_path, new_path, "--json")[1]
    assert run(capsys, "diff", old_path, new_path, "--format", "json")[1] == short
    data = json.loads(short)
    for key in (
        "added",
        "removed",
        "changed",
        "retitled",
        "status_changed",
        "links_added",
        "links_removed",
        "suspects_added",
        "suspects_removed",
        "newly_untraced",
        "newly_traced",
        "findings_added",
        "findings_removed",
        "coverage",
        "regression",
        "regressions",
    ):
        assert key in data, key
    assert data["regression"] is True and len(data["suspects_added"]) == 1
    target = tmp_path / "out" / "diff.json"
    code, out, _ = run(capsys, "diff", old_path, new_path, "--json", "-o", str(target))
    assert code == 0 and out == "" and json.loads(target.read_text()) == data
    assert_one_line_error(
        *run(capsys, "diff", old_path, new_path, "--json", "--format", "markdown"),
        "--json is short for --format json",
    )


def test_a_long_comment_is_cut_honestly(capsys, tmp_path: Path) -> None:
    """Thousands of changes: the comment stays under the limit, keeps its verdict and
    counts, and each cut section says how many it does not show."""
    objects = [_obj(f"REQ-{i}", text=f"Line {i}.\n" * 3) for i in range(3000)]
    old = _report(objects, [_finding("invalid", f"REQ-{i}", f"bad {i}") for i in range(2000)])
    new = copy.deepcopy(old)
    for o in new["objects"]:
        o["title"] = "Changed " + "x" * 50
        o["text"] = "Another.\n" * 30
    new["findings"] = [_finding("invalid", f"REQ-{i}", f"worse {i}") for i in range(2000)]
    new["objects"] += [_obj(f"NEW-{i}") for i in range(500)]
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    md = run(capsys, "diff", old_path, new_path, "--format", "markdown")[1]
    assert 50_000 < len(md) <= 60_000
    assert md.startswith("## Design review: ❌ Regression: 2000 reasons\n")
    assert "\n- … 1990 more reasons (see below)\n" in md
    assert "| Objects changed | 3000 |" in md and "| New findings | 2000 |" in md
    sections = md.split("<details><summary>")[1:]
    assert len(sections) == 4
    shown = {
        "Changed objects": lambda s: s.count("\n- title: "),
        "New findings": lambda s: s.count("\n- **designdoc.invalid**"),
        "Resolved findings": lambda s: s.count("\n- **designdoc.invalid**"),
        "Added objects": lambda s: s.count("\n- **NEW-"),
    }
    totals = {
        "Changed objects": 3000,
        "New findings": 2000,
        "Resolved findings": 2000,
        "Added objects": 500,
    }
    for section in sections:
        title = section.split(" (")[0]
        count = shown[title](section)
        more = int(section.split("*… ")[1].split(" ")[0])
        assert count > 0 and count + more == totals[title], title
    assert _tokens(md)[1].content.startswith("Design review")


def test_diff_misuse_is_one_line(capsys, tmp_path: Path) -> None:
    path = _write(tmp_path, "old", _base())
    assert_one_line_error(*run(capsys, "diff", path), "diff needs two reports, OLD and NEW")
    assert_one_line_error(*run(capsys, "diff"), "diff needs two reports")
    assert_one_line_error(
        *run(capsys, "diff", "--base", "main", path, path), "with --base, diff takes at most one"
    )
    assert_one_line_error(*run(capsys, "diff", "--base", "main", str(tmp_path)), "no conf.py")
    for url in ("javascript:alert(1)", " JaVa\tscript:x", "data:text/html,x"):
        assert_one_line_error(
            *run(capsys, "diff", path, path, "--format", "markdown", "--site-url", url),
            "--site-url",
        )
    assert_one_line_error(*run(capsys, "diff", path, path, "--format", "html"), "invalid choice")


# -- built projects -----------------------------------------------------------------

RST_PAGE = """Design
======

.. requirement:: Fast search
   :id: REQ-1
   :priority: must

   Search answers in *under* 100 ms.

   A second paragraph.

.. decision:: Use an index
   :id: DEC-1
   :status: accepted
   :addresses: REQ-1, REQ-404

   We build an **inverted** index.
"""

MYST_PAGE = """# Design

```{requirement} Fast search
:id: REQ-1
:priority: must

Search answers in _under_ 100 ms.

A second paragraph.
```

Some prose between them.

```{decision} Use an index
:id: DEC-1
:status: accepted
:addresses: REQ-1, REQ-404

We build an __inverted__ index.
```
"""

MYST_CONF = 'extensions = ["myst_parser", "sphinx_designdoc"]\nshow_warning_types = True\n'


def _projects(tmp_path: Path) -> tuple[Path, Path]:
    """The same design twice: as reStructuredText in ``index.rst``, and as MyST in
    another file, ``design/spec.md``, reached from an index page."""
    pytest.importorskip("myst_parser")
    rst = write_project(tmp_path / "rst", {"index.rst": RST_PAGE})
    myst = write_project(
        tmp_path / "myst",
        {"index.md": "# Home\n\n```{toctree}\ndesign/spec\n```\n"},
        MYST_CONF,
    )
    (myst / "design").mkdir()
    (myst / "design" / "spec.md").write_text(MYST_PAGE, encoding="utf-8")
    return rst, myst


def test_a_page_converted_from_rst_to_myst_is_no_change(capsys, tmp_path: Path) -> None:
    """Built, the design in RST and the same design in MyST in another file are no
    change and no regression (the dangling link's finding moved with it)."""
    from sphinx_designdoc.build import build_reports

    rst, myst = _projects(tmp_path)
    old = build_reports(rst, tmp_path / "out-rst", tmp_path / "dt-rst")
    new = build_reports(myst, tmp_path / "out-myst", tmp_path / "dt-myst")
    old_report, new_report = json.loads(old.read_text()), json.loads(new.read_text())
    assert {o["source"] for o in new_report["objects"]} == {"design/spec.md"}
    contents = [o.get("content") for r in (old_report, new_report) for o in r["objects"]]
    assert len(set(contents)) == 4  # the bodies as written differ: RST, then MyST
    assert any(f["subtype"] == "dangling" for f in new_report["findings"])
    code, out, _ = run(capsys, "diff", str(old), str(new), "--json", "--fail-on-regression")
    data = json.loads(out)
    assert code == 0 and data["regression"] is False
    assert {k: v for k, v in data.items() if v and k not in ("coverage",)} == {}
    assert run(capsys, "diff", str(old), str(new), "--format", "markdown")[1].startswith(
        "## Design review: No design change\n"
    )


def test_base_compares_the_working_tree_with_a_git_revision(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    """``--base REF SRC``: NEW is SRC built as ``--data SRC`` builds it, OLD is what
    ``gitbase.report_at_ref`` gives for SRC at REF (a stand-in here)."""
    from sphinx_designdoc.build import build_reports

    rst, myst = _projects(tmp_path)
    at_ref = build_reports(myst, tmp_path / "out-myst", tmp_path / "dt-myst")
    calls: list[tuple[Any, ...]] = []

    def report_at_ref(ref: str, src: Path, *, verbose: bool, say: Any) -> Path:
        calls.append((ref, src, verbose, say is None))
        return at_ref

    fake = types.ModuleType("sphinx_designdoc.cli.gitbase")
    fake.report_at_ref = report_at_ref  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sphinx_designdoc.cli.gitbase", fake)
    code, out, _ = run(capsys, "diff", "--base", "origin/main", str(rst), "-q", "--json")
    assert code == 0 and json.loads(out)["changed"] == []
    assert calls == [("origin/main", rst, False, True)]
    # SRC defaults to the current folder; a change of the working tree shows
    changed = RST_PAGE.replace("Use an index", "Use an inverted index")
    (rst / "index.rst").write_text(changed, encoding="utf-8")
    touch_later(rst / "index.rst")
    monkeypatch.chdir(rst)
    code, out, _ = run(capsys, "diff", "--base", "v1", "--fail-on-regression")
    assert code == 0 and calls[-1][:2] == ("v1", Path())
    assert "Changed (1)\n  DEC-1 decision 'Use an inverted index'\n" in out
    assert "      title: Use an index -> Use an inverted index\n" in out
