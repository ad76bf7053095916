"""The language server's own reading of a project (no build) against the build's: on
every test root and on the benchmark corpus, the objects, the problems found while
reading, the ``:dd:ref:`` roles and the views must be the build's, field for field.

Then the reader on what the sources may hold: includes, ``only``, objects inside other
directives, a directive in a code block, MyST's ``{eval-rst}``, and input no page should
hold, which must never stop it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sphinx_designdoc.lsp.build_data import BuildData
from sphinx_designdoc.lsp.index import Index
from sphinx_designdoc.lsp.project import LspProject, find_projects

pytestmark = pytest.mark.verifies("REQ-EDITOR")

ROOTS = Path(__file__).parent / "roots"
ALL_ROOTS = sorted(p.name for p in ROOTS.iterdir() if (p / "conf.py").is_file())


def _item_key(item: Any) -> tuple[Any, ...]:
    """An object as both readers see it (``text``, the body rendered as text, is the
    build's alone: the server does not render bodies)."""
    return (
        item.id,
        item.type,
        item.title,
        item.status,
        item.docname,
        item.source,
        item.line,
        dict(item.fields),
        dict(item.links),
        item.only,
        item.content,
    )


def _records(docs: Any) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = {"items": set(), "findings": set(), "refs": set(), "views": set()}
    for rec in docs:
        out["items"] |= {repr(_item_key(i)) for i in rec.items if not i.origin and not i.external}
        out["findings"] |= {(f.subtype, f.message, f.source, f.line) for f in rec.findings}
        out["refs"] |= {(r.target, r.source, r.line, r.docname) for r in rec.refs}
        out["views"] |= {(v.kind, v.source, v.line, repr(v.plan)) for v in rec.views}
    return out


def _server_records(srcdir: Path) -> dict[str, set[Any]]:
    index = Index(LspProject.load(srcdir))
    index.read_all()
    return _records(page.record for page in index.pages.values())


@pytest.mark.parametrize("root", ALL_ROOTS)
def test_the_servers_records_are_the_builds(make_app: Any, tmp_path: Path, root: str) -> None:
    src = tmp_path / root
    shutil.copytree(ROOTS / root, src)
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    try:
        docs = app.env.domains["dd"].docs.values()
    except KeyError:  # a project with no object of ours: the extension stays out of it
        docs = []
    built = _records(docs)
    assert built["items"] or root in ("test-needs-import", "test-needs-peer")
    assert _server_records(src) == built


@pytest.mark.parametrize("flavour_docs", [3])
def test_the_benchmark_corpus_reads_the_same(
    make_app: Any, tmp_path: Path, flavour_docs: int
) -> None:
    generate = Path(__file__).parents[1] / "benchmarks" / "generate.py"
    subprocess.run(
        [sys.executable, str(generate), str(tmp_path), "--docs", str(flavour_docs),
         "--flavour", "designdoc"],
        check=True, capture_output=True,
    )  # fmt: skip
    src = tmp_path / "designdoc"
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    built = _records(app.env.domains["dd"].docs.values())
    assert len(built["items"]) == flavour_docs * 22
    assert _server_records(src) == built


# -- what pages may hold ----------------------------------------------------------------


def _project(tmp_path: Path, files: dict[str, str | bytes], conf: str = "") -> Index:
    src = tmp_path / "docs"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinx_designdoc", "myst_parser"]\nexclude_patterns = ["_build"]\n' + conf,
        encoding="utf-8",
    )
    for name, text in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    index = Index(LspProject.load(src))
    index.read_all()
    return index


def test_objects_inside_other_directives_and_only(tmp_path: Path) -> None:
    index = _project(
        tmp_path,
        {
            "index.rst": (
                "Title\n=====\n\n.. note::\n\n   .. requirement:: In a note\n      :id: R-1\n\n"
                ".. only:: html\n\n   .. requirement:: Only in HTML\n      :id: R-2\n\n"
                ".. code-block:: rst\n\n   .. requirement:: An example, not an object\n"
                "      :id: R-3\n\n"
                ".. some-directive-of-another-extension:: arg\n   :opt: 1\n\n"
                "   .. decision:: Inside it\n      :id: D-1\n      :addresses: R-1\n"
            ),
            "page.md": (
                "# Page\n\n```{eval-rst}\n.. requirement:: From eval-rst\n   :id: R-4\n```\n\n"
                "::::{note}\n```{requirement} In a MyST note\n:id: R-5\n```\n::::\n\n"
                "```python\n.. requirement:: code\n   :id: R-6\n```\n"
            ),
        },
        conf='myst_enable_extensions = ["colon_fence"]\n',
    )
    items = {i.id: i for p in index.pages.values() for i in p.record.items}
    assert sorted(items) == ["D-1", "R-1", "R-2", "R-4", "R-5"]
    assert items["R-2"].only == ("html",)
    assert items["R-4"].line == 4 and items["R-4"].source == "page.md"
    assert items["R-5"].line == 9
    assert items["D-1"].links == {"addresses": ("R-1",)}


def test_an_included_file_is_read_where_it_is(tmp_path: Path) -> None:
    index = _project(
        tmp_path,
        {
            "index.rst": "Title\n=====\n\n.. include:: parts/reqs.inc\n",
            "parts/reqs.inc": ".. requirement:: Included\n   :id: R-1\n",
        },
    )
    page = index.pages["index.rst"]
    (item,) = page.record.items
    assert (item.source, item.line) == ("parts/reqs.inc", 1)
    assert page.includes == ["parts/reqs.inc"]
    assert [(m.source, m.line, m.kind) for m in page.mentions] == [("parts/reqs.inc", 1, "id")]


@pytest.mark.parametrize(
    "text",
    [
        b"\xff\xfe\x00\x01 binary \x80",  # not UTF-8: not read
        ".. requirement::\n   :id:\n" * 2000,
        "```{requirement}\n" * 3000,
        ".. " + "x" * 100_000 + "::",
        ":dd:ref:`" * 20_000,
        "{dd:ref}`" * 20_000,
        ".. requirement:: T\n" + "   :id: X\n" * 5000,
        "\x00\x01\x02\x1b[31m",
        ("  " * 2000).join(".. note::\n" for _ in range(200)),
    ],
    ids=[
        "binary",
        "empty-ids",
        "unclosed-fences",
        "long-name",
        "rst-roles",
        "myst-roles",
        "repeated-option",
        "controls",
        "deep-nesting",
    ],
)
def test_hostile_pages_never_stop_the_reader(tmp_path: Path, text: str | bytes) -> None:
    index = _project(
        tmp_path,
        {"bad.rst": text, "bad.md": text, "good.rst": ".. requirement:: Fine\n   :id: OK-1\n"},
    )
    assert "OK-1" in index.declared
    for source in ("bad.rst", "bad.md"):
        index.page_findings(source)  # answers, whatever the page holds


def test_a_page_too_large_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sphinx_designdoc.lsp.scan as module

    monkeypatch.setattr(module, "MAX_PAGE_BYTES", 1000)
    index = _project(tmp_path, {"big.rst": ".. requirement:: Big\n   :id: BIG-1\n" + "x" * 2000})
    assert "big.rst" not in index.pages and "BIG-1" not in index.declared


def test_a_conf_py_that_raises_leaves_the_defaults(tmp_path: Path) -> None:
    index = _project(
        tmp_path,
        {"index.rst": ".. requirement:: Still read\n   :id: R-1\n"},
        conf="raise RuntimeError('broken')\n",
    )
    assert "R-1" in index.declared
    (finding,) = index.project.findings
    assert finding.subtype == "config" and "RuntimeError: broken" in finding.message


def test_projects_of_a_workspace(tmp_path: Path) -> None:
    for name in ("a/docs", "b/doc", "b/doc/_build/html", "node_modules/x", ".venv/y"):
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "conf.py").write_text("", encoding="utf-8")
    found = [p.relative_to(tmp_path.resolve()).as_posix() for p in find_projects(tmp_path)]
    assert found == ["a/docs", "b/doc"]


def test_the_cache_answers_for_unchanged_files(tmp_path: Path) -> None:
    index = _project(tmp_path, {"index.rst": ".. requirement:: A\n   :id: R-1\n"})
    cache = tmp_path / "cache"
    first = Index(index.project, cache)
    assert first.read_all() == 1
    second = Index(index.project, cache)
    assert second.read_all() == 0  # all from the cache
    assert "R-1" in second.declared
    (index.project.confdir / "index.rst").write_text(
        ".. requirement:: B\n   :id: R-2\n", encoding="utf-8"
    )
    third = Index(index.project, cache)
    assert third.read_all() == 1
    assert "R-2" in third.declared and "R-1" not in third.declared


def test_page_findings_are_those_of_the_whole_project(tmp_path: Path) -> None:
    """Checked against its neighbours, a page has the findings the whole project's
    analysis locates in it."""
    shutil.copytree(ROOTS / "test-checks", tmp_path / "src")
    index = Index(LspProject.load(tmp_path / "src"))
    index.read_all()
    whole = index.analysis().findings
    from sphinx_designdoc.lsp.index import NEAR_SUBTYPES

    for source in index.pages:
        near = [f for f in index.page_findings(source) if f.subtype in NEAR_SUBTYPES]
        expected = index._reported(f for f in whole.get(source, ()) if f.subtype in NEAR_SUBTYPES)
        assert near == expected, source
        assert near or source != "design.rst"


def test_the_last_builds_report_stands_in_until_pages_are_read(
    make_app: Any, tmp_path: Path
) -> None:
    """With a previous build's designdoc.json, every object is known before a page is
    read (those of pages changed since the build are read first), and a dangling link
    waits until every page is read: the report leaves out objects inside ``only``."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert (src / "_build" / "html" / "designdoc.json").is_file()
    decisions = src / "decisions.rst"
    decisions.write_text(
        decisions.read_text(encoding="utf-8") + "\n.. requirement:: New\n   :id: REQ-NEW\n",
        encoding="utf-8",
    )
    index = Index(LspProject.load(src))
    index.build = BuildData.read(src)
    waiting = [(path, index.source_of(path)) for path, _ in index.project.pages()]
    assert index._stand_in(waiting) == {"index.rst"}  # decisions.rst changed since
    assert index.pages["index.rst"].provisional
    assert {"REQ-1", "REQ-2", "REQ-3", "DD-PAY"} <= index.declared.keys()
    index.read_all()
    assert index.known and index.complete
    assert not any(page.provisional for page in index.pages.values())
    assert "REQ-NEW" in index.declared
    assert len(index.declared["REQ-1"]) == 1  # the page read replaced what stood in


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("a.rst", "Text :dd:ref:`REQ-1` and :dd:ref:`the first <REQ-1>`.\n", 0, 45),
        ("b.rst", "A role over lines :dd:ref:`the first\n<REQ-1>` here.\n", 1, 1),
        ("c.md", "Text {dd:ref}``REQ-1`` and {dd:ref}`x <REQ-1>`.\n", 0, 39),
        ("d.md", "# T\n\nSee {dd:ref}`REQ-1`, 😀 {dd:ref}`REQ-1`.\n", 2, 32),
    ],
)
def test_where_a_role_writes_its_id(
    tmp_path: Path, name: str, text: str, line: int, column: int
) -> None:
    """Every role's ID is found where it is written, also in MyST's double backticks,
    after an explicit title and on the next line of a role that wraps."""
    index = _project(tmp_path, {"index.rst": ".. requirement:: R\n   :id: REQ-1\n", name: text})
    mentions = [m for m in index.pages[name].mentions if m.kind == "ref"]
    lines = text.splitlines()
    for mention in mentions:
        assert lines[mention.line][mention.start : mention.end] == "REQ-1"
    assert (mentions[-1].line, mentions[-1].start) == (line, column)
    assert len(mentions) == text.count("REQ-1")


def test_a_file_included_twice_is_one_place(tmp_path: Path) -> None:
    from sphinx_designdoc.lsp.features import references

    index = _project(
        tmp_path,
        {
            "a.rst": "A\n=\n\n.. include:: shared.inc\n",
            "b.rst": "B\n=\n\n.. include:: shared.inc\n\n.. requirement:: R\n   :id: REQ-1\n",
            "shared.inc": "See :dd:ref:`REQ-1`.\n",
        },
    )
    places = [(m.source, m.line, m.kind) for m in references(index, "REQ-1", True)]
    assert sorted(places) == [("b.rst", 6, "id"), ("shared.inc", 0, "ref")]


def test_worker_processes_read_what_the_server_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many pages are read by worker processes; their pages are those read here."""
    import sphinx_designdoc.lsp.index as module

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-payments-myst", src)
    here = _server_records(src)
    monkeypatch.setattr(module, "POOL_MIN", 1)
    monkeypatch.setenv("DESIGNDOC_LSP_WORKERS", "2")
    index = Index(LspProject.load(src))
    index.read_all()
    assert not index.problems
    assert _records(page.record for page in index.pages.values()) == here
    assert {m for p in index.pages.values() for m in p.mentions}


# -- what real projects write -------------------------------------------------------------


def _built_and_read(
    make_app: Any, tmp_path: Path, files: dict[str, str | bytes], conf: str = ""
) -> tuple[Index, dict[str, set[Any]], dict[str, set[Any]]]:
    """The project of ``files`` read by the server, and the records of the build and of
    the server."""
    index = _project(tmp_path, files, conf)
    app = make_app("html", srcdir=index.project.confdir, freshenv=True)
    app.build()
    built = _records(app.env.domains["dd"].docs.values())
    return index, built, _records(page.record for page in index.pages.values())


def test_sphinx_options_of_docutils_directives_keep_their_content(tmp_path: Path) -> None:
    """Sphinx gives docutils' admonitions ``:collapsible:`` and the rubric
    ``:heading-level:`` (sphinx-doc/sphinx, doc/usage/restructuredtext/directives.rst);
    docutils' own classes refuse them, and the reader lost what the admonition holds."""
    index = _project(
        tmp_path,
        {
            "index.rst": (
                "Title\n=====\n\n.. note::\n   :collapsible:\n\n"
                "   .. requirement:: In a collapsible note\n      :id: R-1\n\n"
                ".. admonition:: Example\n   :collapsible: open\n\n"
                "   .. requirement:: In a collapsible admonition\n      :id: R-2\n\n"
                ".. rubric:: A rubric\n   :heading-level: 2\n\n"
                ".. hint::\n   :class: x\n   :collapsible: closed\n\n"
                "   See :dd:ref:`R-1`.\n"
            )
        },
    )
    page = index.pages["index.rst"]
    assert [(i.id, i.line) for i in page.record.items] == [("R-1", 7), ("R-2", 13)]
    assert [(r.target, r.line) for r in page.record.refs] == [("R-1", 23)]


def test_an_include_with_a_markdown_parser_is_read_as_myst(make_app: Any, tmp_path: Path) -> None:
    """``.. include:: … :parser: myst_parser.sphinx_`` (executablebooks/MyST-Parser,
    docs/faq/index.md): MyST's parser needs a Sphinx environment, so it raised, and the
    rest of the page was lost with the included file."""
    index, built, read = _built_and_read(
        make_app,
        tmp_path,
        {
            "index.rst": (
                "Title\n=====\n\n.. include:: snippets/include-md.md\n"
                "   :parser: myst_parser.sphinx_\n\n"
                ".. decision:: After the include\n   :id: D-1\n   :addresses: R-1\n"
            ),
            "snippets/include-md.md": "Text.\n\n```{requirement} Included\n:id: R-1\n```\n",
        },
        conf='exclude_patterns = ["_build", "snippets"]\n',
    )
    assert read == built
    items = {i.id: (i.source, i.line) for i in index.pages["index.rst"].record.items}
    assert items == {"R-1": ("snippets/include-md.md", 3), "D-1": ("index.rst", 7)}
    assert index.pages["index.rst"].includes == ["snippets/include-md.md"]


def test_an_rst_include_finds_its_file_as_sphinx_does(make_app: Any, tmp_path: Path) -> None:
    """Sphinx finds an included file relative to the sources when its path starts with
    ``/`` and relative to the page's folder otherwise, even in a file another include
    read (``BuildEnvironment.relfn2path``); docutils took ``/parts/a.rst`` for a path
    of the file system and found nothing."""
    index, built, read = _built_and_read(
        make_app,
        tmp_path,
        {
            "index.rst": "Title\n=====\n\n.. toctree::\n\n   guide/page\n",
            "guide/page.rst": (
                "Page\n====\n\n.. include:: /parts/a.rst\n\n.. include:: ../parts/empty.rst\n"
            ),
            "parts/empty.rst": "No object yet.\n",
            "parts/a.rst": ".. requirement:: A\n   :id: R-A\n\n.. include:: near.rst\n",
            "guide/near.rst": ".. requirement:: Near the page\n   :id: R-N\n",
        },
        conf='exclude_patterns = ["_build", "parts", "guide/near.rst"]\n',
    )
    assert read == built
    page = index.pages["guide/page.rst"]
    assert [(i.id, i.source, i.line) for i in page.record.items] == [
        ("R-A", "parts/a.rst", 1),
        ("R-N", "guide/near.rst", 1),
    ]
    # every included file is noted, one without objects too (its first one is seen when
    # it is saved)
    assert sorted(page.includes) == ["guide/near.rst", "parts/a.rst", "parts/empty.rst"]


def _myst_major() -> int:
    import myst_parser

    return int(myst_parser.__version__.split(".")[0])


def test_a_myst_include_is_read_where_it_is(make_app: Any, tmp_path: Path) -> None:
    """MyST's ``{include}`` (executablebooks/MyST-Parser, docs/faq/index.md and
    docs/syntax/organising_content.md) reads the file as MyST, relative to the page or
    to the sources, from ``:start-line:``; the reader did not read it."""
    index, built, read = _built_and_read(
        make_app,
        tmp_path,
        {
            "guide/page.md": (
                "# Page\n\n```{include} ../parts/a.md\n```\n\n"
                "```{include} /parts/b.md\n:start-line: 3\n```\n\n"
                ":::{note}\n```{include} ../parts/c.md\n```\n:::\n"
            ),
            "parts/a.md": "Intro {dd:ref}`R-B`\n\n```{requirement} A\n:id: R-A\n```\n",
            "parts/b.md": "```{requirement} Skipped\n:id: R-X\n```\n\n```{requirement} B\n:id: R-B\n```\n",
            "parts/c.md": "Text\n\n```{eval-rst}\n.. requirement:: C\n   :id: R-C\n```\n",
            "parts/empty.md": "No object yet.\n",
            "index.md": "# Index\n\n```{include} parts/empty.md\n```\n",
        },
        conf='myst_enable_extensions = ["colon_fence"]\nexclude_patterns = ["_build", "parts"]\n',
    )
    if _myst_major() >= 5:
        assert read == built
    else:  # MyST-Parser 4 (with Sphinx 7.4) puts an included file's lines one too low
        assert read["refs"] == {(r, s, line - 1, d) for r, s, line, d in built["refs"]}
    page = index.pages["guide/page.md"]
    assert [(i.id, i.source, i.line) for i in page.record.items] == [
        ("R-A", "parts/a.md", 3),
        ("R-B", "parts/b.md", 5),
        ("R-C", "parts/c.md", 4),
    ]
    assert [(m.id, m.source, m.line) for m in page.mentions if m.kind == "ref"] == [
        ("R-B", "parts/a.md", 0)
    ]
    assert sorted(page.includes) == ["parts/a.md", "parts/b.md", "parts/c.md"]
    # a file with no object yet is known, so its first object is seen when it is saved
    assert index.pages["index.md"].includes == ["parts/empty.md"]


def test_a_myst_include_from_a_marker_and_into_itself(tmp_path: Path) -> None:
    """``:start-after:`` counts the lines it leaves out (as MyST-Parser counts them
    since its source-line fix; earlier versions added characters); a file that includes
    itself, twice, is read once."""
    index = _project(
        tmp_path,
        {
            "index.md": (
                "# Index\n\n```{include} parts/c.md\n:start-after: <!-- start -->\n"
                ":end-before: <!-- end -->\n```\n"
            ),
            "parts/c.md": (
                "```{requirement} Before\n:id: R-X\n```\n<!-- start -->\n\n"
                "```{requirement} C\n:id: R-C\n```\n<!-- end -->\n"
                "```{requirement} After\n:id: R-Y\n```\n"
            ),
            "loop.md": "```{include} loop.md\n```\n```{include} loop.md\n```\n"
            "```{include} parts/loop.md\n```\n",
            "parts/loop.md": "```{include} /loop.md\n```\n```{include} loop.md\n```\n"
            "```{requirement} L\n:id: R-L\n```\n",
        },
        conf='exclude_patterns = ["_build", "parts"]\n',
    )
    assert [(i.id, i.line) for i in index.pages["index.md"].record.items] == [("R-C", 6)]
    assert [(i.id, i.source) for i in index.pages["loop.md"].record.items] == [
        ("R-L", "parts/loop.md")
    ]


def test_folders_of_exclude_patterns_are_not_read(tmp_path: Path) -> None:
    """Sphinx does not walk into a folder an ``exclude_patterns`` entry names
    (``sphinx.util.matching.get_matching_files``), and reads only what
    ``include_patterns`` names: the reader read the snippets folder the MyST-Parser
    test above includes as pages of their own (so their objects were duplicates)."""
    index = _project(
        tmp_path,
        {
            "index.rst": "Title\n=====\n",
            "snippets/part.md": "```{requirement} A part\n:id: R-1\n```\n",
            "deep/er/snippets/part.md": "```{requirement} Another\n:id: R-2\n```\n",
            "drafts/x.rst": ".. requirement:: Draft\n   :id: R-3\n",
        },
        conf='exclude_patterns = ["_build", "snippets", "**/snippets"]\n'
        'include_patterns = ["index.rst", "snippets/**", "deep/**"]\n',
    )
    assert sorted(index.pages) == ["index.rst"]
    project = index.project
    assert project.syntax_of(project.confdir / "snippets" / "part.md") is None
    assert project.syntax_of(project.confdir / "drafts" / "x.rst") is None


def test_a_directive_that_raises_loses_only_itself(tmp_path: Path) -> None:
    """docutils stops reading a page at any exception a directive raises but its own
    errors: an include whose parser needs a Sphinx application (``sphinx.parsers``,
    like MyST's in MyST-Parser's docs/faq/index.md) lost the rest of the page."""
    index = _project(
        tmp_path,
        {
            "index.rst": (
                "Title\n=====\n\n.. include:: part.txt\n   :parser: sphinx.parsers\n\n"
                ".. requirement:: After it\n   :id: R-1\n"
            ),
            "part.txt": "Some text.\n",
        },
    )
    assert [(i.id, i.line) for i in index.pages["index.rst"].record.items] == [("R-1", 7)]


def test_an_include_reads_only_a_regular_file_of_reasonable_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page from another repository may include a device or a pipe (a read that never
    ends: ``.. include:: ../../../../dev/zero``) or a huge generated file: not read, and
    the page is read on."""
    import sphinx_designdoc.lsp.rst as rst

    monkeypatch.setattr(rst, "MAX_INCLUDE_BYTES", 1000, raising=False)
    files: dict[str, str | bytes] = {
        "index.rst": (
            "Title\n=====\n\n.. include:: big.inc\n\n.. include:: pipe\n\n"
            ".. requirement:: After them\n   :id: R-1\n"
        ),
        "page.md": "# Page\n\n```{include} big.inc\n```\n\n```{include} pipe\n```\n",
        "big.inc": ".. requirement:: Big\n   :id: BIG-1\n\n" + "x" * 2000 + "\n",
    }
    src = tmp_path / "docs"
    src.mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(src / "pipe")
    index = _project(tmp_path, files)
    assert [(i.id, i.line) for i in index.pages["index.rst"].record.items] == [("R-1", 8)]
    assert "BIG-1" not in index.declared
