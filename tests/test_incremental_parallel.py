"""Incremental and parallel builds: where traceability tools go stale, we must not."""

from __future__ import annotations

import gc
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import edit, load_report, touch_later, warnings_of
from sphinx.util.console import strip_colors


def _status(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())


def _written(app) -> set[str]:
    """Documents that the build wrote, from Sphinx's progress lines."""
    return set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", _status(app)))


@pytest.mark.parametrize("root", ["basic", "basic-myst"])
def test_no_change_rebuild_reads_and_writes_nothing(make_app, copy_root, root: str) -> None:
    src = copy_root(root)
    make_app("html", srcdir=src).build()
    again = make_app("html", srcdir=src)
    again.build()
    status = _status(again)
    assert "reading sources... [" not in status
    assert "writing output... [" not in status
    assert load_report(again.outdir)["objects"]


@pytest.mark.parametrize("root,ext", [("basic", "rst"), ("basic-myst", "md")])
def test_editing_an_object_updates_backlinks_on_other_pages(
    make_app, copy_root, root: str, ext: str
) -> None:
    src = copy_root(root)
    make_app("html", srcdir=src).build()

    edit(src / f"decisions.{ext}", "Use the Stripe API", "Use the Adyen API")
    app = make_app("html", srcdir=src)
    app.build()
    # index.rst did not change, but its backlinks name DEC-1: it is rewritten
    assert _written(app) == {"decisions", "index"}
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "DEC-1</span>: Use the Adyen API" in index
    assert "Use the Stripe API" not in index
    objs = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objs["DEC-1"]["title"] == "Use the Adyen API"

    # a target's new title shows in the outgoing links of pages that point at it
    edit(src / f"index.{ext}", "Respond within 200 ms", "Respond within 100 ms")
    app = make_app("html", srcdir=src)
    app.build()
    assert _written(app) == {"decisions", "index"}
    decisions = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    assert "REQ-2</span>: Respond within 100 ms" in decisions


@pytest.mark.parametrize("root,ext", [("basic", "rst"), ("basic-myst", "md")])
def test_deleting_a_file_removes_its_objects_and_backlinks(
    make_app, copy_root, root: str, ext: str
) -> None:
    src = copy_root(root)
    make_app("html", srcdir=src).build()

    (src / f"decisions.{ext}").unlink()
    edit(src / f"index.{ext}", "decisions\n", "\n")
    app = make_app("html", srcdir=src)
    app.build()
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Addressed by" not in index and "DEC-1" not in index
    report = load_report(app.outdir)
    assert not [o for o in report["objects"] if o["type"] in ("decision", "dependency")]
    objs = {o["id"]: o for o in report["objects"]}
    assert objs["REQ-1"]["incoming"] == {"refined by": ["REQ-2"]}
    assert objs["REQ-1"]["traced"] is False
    dangling = [f for f in report["findings"] if f["subtype"] == "dangling"]
    assert [f["message"] for f in dangling] == [":dd:ref: to unknown ID 'DEC-1'"]


def _many_docs(src: Path, docs: int = 12) -> None:
    """A project large enough for Sphinx to read and write in parallel."""
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinx_designdoc"]\nproject = "par"\nshow_warning_types = True\n',
        encoding="utf-8",
    )
    toc = "\n".join(f"   doc{i}" for i in range(docs))
    (src / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toc}\n", encoding="utf-8")
    for i in range(docs):
        nxt = (i + 1) % docs
        (src / f"doc{i}.rst").write_text(
            f"Doc {i}\n======\n\n"
            f".. requirement:: Requirement {i}\n   :id: REQ-{i}\n\n"
            f".. requirement:: Orphan {i}\n   :id: ORPHAN-{i}\n   :status: {'draft' if i % 2 else 'bogus'}\n\n"
            f".. decision:: Decision {i}\n   :id: DEC-{i}\n   :status: accepted\n"
            f"   :addresses: REQ-{i}, REQ-{nxt}\n   :uses: DEP-{nxt}\n\n"
            f".. dependency:: Package {i}\n   :id: DEP-{i}\n   :version: >={i}\n\n"
            f"See :dd:ref:`DEC-{nxt}` and :dd:ref:`MISSING-{i}`.\n",
            encoding="utf-8",
        )


def test_parallel_build_writes_the_same_report_and_pages(make_app, tmp_path: Path) -> None:
    serial_src, parallel_src = tmp_path / "serial", tmp_path / "parallel"
    _many_docs(serial_src)
    _many_docs(parallel_src)
    serial = make_app("html", srcdir=serial_src)
    serial.build()
    parallel = make_app("html", srcdir=parallel_src, parallel=2)
    parallel.build()
    assert parallel.parallel == 2 and parallel.is_parallel_allowed("read")
    assert parallel.is_parallel_allowed("write")
    a = (serial.outdir / "designdoc.json").read_bytes()
    b = (parallel.outdir / "designdoc.json").read_bytes()
    assert a == b
    report = load_report(parallel.outdir)
    assert len(report["objects"]) == 12 * 4
    assert {o["id"]: o["incoming"] for o in report["objects"]}["REQ-3"] == {
        "addressed by": ["DEC-2", "DEC-3"]
    }
    # backlinks are filled in by parallel writers too
    page = (parallel.outdir / "doc3.html").read_text(encoding="utf-8")
    assert "DEC-2</span>: Decision 2" in page and 'href="doc2.html#DEC-2"' in page

    def located(app) -> list[str]:
        return sorted(
            re.findall(
                r"(doc\d+\.rst:\d+): WARNING: .*\[(designdoc\.\w+)\]", app.warning.getvalue()
            )
        )

    assert located(serial) == located(parallel)
    # one dangling role per page, six bad statuses, and every orphan requirement untraced
    assert len(located(parallel)) == 12 + 6 + 12


def test_parallel_incremental_rebuild_updates_other_pages(make_app, tmp_path: Path) -> None:
    src = tmp_path / "proj"
    _many_docs(src)
    make_app("html", srcdir=src, parallel=2).build()
    edit(src / "doc4.rst", "Decision 4", "Decision four")
    app = make_app("html", srcdir=src, parallel=2)
    app.build()
    # doc5's REQ-5 is addressed by DEC-4, doc3's text refers to DEC-4
    assert "2 found" in _status(app)
    assert "DEC-4</span>: Decision four" in (app.outdir / "doc5.html").read_text(encoding="utf-8")
    assert "DEC-4</span>: Decision four" in (app.outdir / "doc3.html").read_text(encoding="utf-8")


def _fresh_copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("_build"))
    return dest


@pytest.mark.parametrize("parallel", [1, 2])
def test_incremental_report_equals_a_fresh_builds(make_app, tmp_path: Path, parallel: int) -> None:
    """Report rows of unchanged documents are reused; the edits here change rows of
    documents that were not edited (backlink titles, traced flags, incoming lists)."""
    src = tmp_path / "proj"
    _many_docs(src)
    make_app("html", srcdir=src, parallel=parallel).build()
    edit(src / "doc4.rst", "Decision 4", "Decision four")
    edit(src / "doc6.rst", "   :status: accepted\n", "   :status: rejected\n")
    edit(src / "doc8.rst", ":addresses: REQ-8, REQ-9", ":addresses: REQ-8, ORPHAN-9")
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    assert "reading sources... [" in _status(app)
    report = load_report(app.outdir)
    objs = {o["id"]: o for o in report["objects"]}
    assert objs["REQ-5"]["incoming"] == {"addressed by": ["DEC-4", "DEC-5"]}
    assert objs["REQ-9"]["incoming"] == {"addressed by": ["DEC-9"]}
    assert objs["ORPHAN-9"]["traced"] is True
    assert objs["REQ-7"]["incoming"] == {"addressed by": ["DEC-6", "DEC-7"]}

    fresh = make_app("html", srcdir=_fresh_copy(src, tmp_path / "fresh"))
    fresh.build()
    assert (app.outdir / "designdoc.json").read_bytes() == (
        fresh.outdir / "designdoc.json"
    ).read_bytes()


def test_report_rows_follow_the_builder(make_app, tmp_path: Path) -> None:
    """Rows cached by one builder are not reused by another that links differently."""
    src = tmp_path / "proj"
    _many_docs(src, docs=3)
    make_app("html", srcdir=src).build()
    dirhtml = make_app("dirhtml", srcdir=src)  # the same doctrees folder
    dirhtml.build()
    urls = {o["id"]: o["url"] for o in load_report(dirhtml.outdir)["objects"]}
    assert urls["REQ-1"] == "doc1/#REQ-1"
    fresh = make_app("dirhtml", srcdir=_fresh_copy(src, tmp_path / "fresh"))
    fresh.build()
    assert (dirhtml.outdir / "designdoc.json").read_bytes() == (
        fresh.outdir / "designdoc.json"
    ).read_bytes()


def test_cached_rows_keep_ids_with_any_character(make_app, tmp_path: Path) -> None:
    """A permissive ``designdoc_id_regex`` lets control characters into IDs: the cached
    rows of an unchanged document come back whole and each under its own ID (``R``
    must not get a piece of ``R<US>X1``'s row), and a page without objects has none."""
    from conftest import write_project

    src = write_project(
        tmp_path / "proj",
        {
            "index.rst": "Index\n=====\n\n.. toctree::\n\n   a\n   b\n   empty\n",
            "a.rst": "A\n=\n\n.. requirement:: Plain\n   :id: R\n\n"
            ".. requirement:: Odd\n   :id: R\x1fX1\n",
            "b.rst": "B\n=\n\n.. decision:: D\n   :id: D-1\n   :status: accepted\n"
            "   :addresses: R\n",
            "empty.rst": "Empty\n=====\n\nNo objects.\n",
        },
        conf='extensions = ["sphinx_designdoc"]\ndesigndoc_id_regex = ".+"\n',
    )
    make_app("html", srcdir=src).build()
    edit(src / "empty.rst", "No objects.", "Still no objects.")  # a.rst's rows are reused
    app = make_app("html", srcdir=src)
    app.build()
    objs = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objs["R\x1fX1"]["title"] == "Odd" and objs["R"]["title"] == "Plain"
    assert objs["R"]["incoming"] == {"addressed by": ["D-1"]}
    fresh = make_app("html", srcdir=_fresh_copy(src, tmp_path / "fresh"))
    fresh.build()
    assert (app.outdir / "designdoc.json").read_bytes() == (
        fresh.outdir / "designdoc.json"
    ).read_bytes()


@pytest.mark.parametrize("freeze", [True, False])
def test_parallel_build_freezes_before_forking(make_app, tmp_path: Path, freeze: bool) -> None:
    """A parallel build hands set-up's objects to gc.freeze before Sphinx forks its
    readers, and the merged environment before it forks its writers, so the main
    process's collections (it loads, resolves and indexes every page) stop walking
    them; everything is handed back when the build ends."""
    gc.unfreeze()
    src = tmp_path / "src"
    _many_docs(src)
    app = make_app("html", srcdir=src, parallel=2, confoverrides={"designdoc_gc_freeze": freeze})
    before_read: list[int] = []
    records_collectable: list[bool] = []

    def after_reading(app, env) -> None:
        # frozen objects are in no generation of the collector
        records = env.domaindata["dd"]["docs"]
        records_collectable.append(any(o is records for o in gc.get_objects()))

    app.connect(
        "env-before-read-docs",
        lambda app, env, docnames: before_read.append(gc.get_freeze_count()),
        priority=999,
    )
    app.connect("env-updated", after_reading, priority=999)
    app.build()
    assert app.builder.parallel_ok
    assert (before_read[0] > 0) is freeze
    assert records_collectable == [not freeze]
    assert gc.get_freeze_count() == 0
    # the build is the same either way
    assert len(load_report(app.outdir)["objects"]) == 4 * 12


def test_pyproject_is_a_build_input(make_app, copy_root) -> None:
    src = copy_root("checks")
    app = make_app("html", srcdir=src)
    app.build()
    app.cleanup()
    missing = [w for w in warnings_of(app) if "(numpy) is missing from" in w]
    assert len(missing) == 1
    # declare numpy in pyproject.toml alone: the finding goes, and one appears for click
    pyproject = src / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('"Click>=8"]', '"Click>=9", "numpy"]')
    pyproject.write_text(text, encoding="utf-8")
    touch_later(pyproject)
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    assert not [w for w in warnings if "(numpy) is missing from" in w]
    assert [w for w in warnings if "declares 'Click>=9'" in w]
    assert "reading sources... [" not in strip_colors(app.status.getvalue())


def test_an_external_file_is_a_build_input(make_app, copy_root, tmp_path: Path) -> None:
    upstream = tmp_path / "upstream.json"

    def write(title: str) -> None:
        upstream.write_text(
            json.dumps({"objects": [{"id": "REQ-9", "type": "requirement", "title": title}]}),
            encoding="utf-8",
        )

    write("Old title")
    src = copy_root("basic")
    with (src / "decisions.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. decision:: Reuse\n   :id: DEC-UP\n   :status: accepted\n   :addresses: UP-REQ-9\n"
        )
    overrides = {"designdoc_external": [{"path": str(upstream), "prefix": "UP-"}]}
    app = make_app("html", srcdir=src, confoverrides=overrides)
    app.build()
    app.cleanup()
    assert "UP-REQ-9</span>: Old title" in (app.outdir / "decisions.html").read_text(
        encoding="utf-8"
    )
    write("New title")
    app = make_app("html", srcdir=src, confoverrides=overrides)
    app.build()
    # the page that shows the external object is written again, though it did not change
    assert "UP-REQ-9</span>: New title" in (app.outdir / "decisions.html").read_text(
        encoding="utf-8"
    )
    assert load_report(app.outdir)["objects"][-1]["title"] == "New title"


@pytest.mark.parametrize("freeze", [True, False])
def test_gc_freeze_lasts_for_the_build_only(make_app, copy_root, freeze: bool) -> None:
    """The loaded environment is kept out of the cyclic collector while building, and
    handed back when the build ends; ``designdoc_gc_freeze = False`` leaves it alone."""
    gc.unfreeze()
    src = copy_root("basic")
    make_app("html", srcdir=src).build()  # an environment to load
    app = make_app("html", srcdir=src, confoverrides={"designdoc_gc_freeze": freeze})
    during: list[int] = []
    app.connect("env-updated", lambda app, env: during.append(gc.get_freeze_count()))
    app.build()
    assert during and (during[0] > 0) is freeze
    assert gc.get_freeze_count() == 0


def test_gc_freeze_leaves_a_fresh_build_alone(make_app, copy_root) -> None:
    """A full build has no loaded environment to freeze (freezing what set-up left
    only raised its peak memory)."""
    gc.unfreeze()
    app = make_app("html", srcdir=copy_root("basic"), freshenv=True)
    during: list[int] = []
    app.connect("env-updated", lambda app, env: during.append(gc.get_freeze_count()))
    app.build()
    assert during == [0] and gc.get_freeze_count() == 0


class Interrupt(KeyboardInterrupt):
    pass


def test_an_interrupted_build_leaves_no_page_stale(make_app, copy_root) -> None:
    src = copy_root("views")
    make_app("html", srcdir=src).build()
    edit(src / "requirements.rst", "Fast startup", "Instant startup")

    # Ctrl-C while the pages are written: the views page (which shows REQ-1) is not
    app = make_app("html", srcdir=src)

    def interrupt(app, doctree, docname: str) -> None:
        if docname == "views":
            raise Interrupt

    app.connect("doctree-resolved", interrupt)
    with pytest.raises(Interrupt):
        app.build()
    app.cleanup()

    # the next build writes what the interrupted one did not
    again = make_app("html", srcdir=src)
    again.build()
    views = (again.outdir / "views.html").read_text(encoding="utf-8")
    assert "Instant startup" in views and "Fast startup" not in views


def test_a_changed_page_title_rewrites_the_tables_that_show_it(make_app, copy_root) -> None:
    src = copy_root("views")
    make_app("html", srcdir=src).build()
    edit(src / "requirements.rst", "Requirements\n============", "Needs\n=====")
    app = make_app("html", srcdir=src)
    app.build()
    views = (app.outdir / "views.html").read_text(encoding="utf-8")
    table = views[views.index("<p>Document</p>") :]
    assert ">Needs</span></a>" in table and ">Requirements</span></a>" not in table
