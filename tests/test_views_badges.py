"""Badges: what an object's box says about its findings, in every builder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import edit, write_project

from sphinx_designdoc.subtypes import SUBTYPES


def _html(app, page: str) -> str:
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


def _badges(html: str) -> dict[str, list[str]]:
    """Object ID -> the badges in its header."""
    out: dict[str, list[str]] = {}
    for box in re.findall(
        r'<div class="dd-object[^"]*" id="([^"]+)">\s*<p class="dd-head"[^>]*>(.*?)</p>', html, re.S
    ):
        item_id, head = box
        out[item_id] = re.findall(r'class="dd-badge dd-badge-(\w+)"', head)
    return out


@pytest.mark.parametrize("root", ["views", "views-myst"])
def test_untraced_objects_say_so_on_their_own_box(make_app, copy_root, root: str) -> None:
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    badges = _badges(_html(app, "requirements"))
    assert badges["REQ-2"] == ["untraced"] and badges["REQ-10"] == ["untraced"]
    assert badges["REQ-1"] == [] and badges["REQ-3"] == []  # traced; rejected
    html = _html(app, "requirements")
    link = re.search(
        r'<span class="dd-badge dd-badge-untraced"><a class="([^"]+)" href="([^"]+)" title="([^"]+)"',
        html,
    )
    assert link is not None
    assert "dd-badge-link" in link.group(1)
    assert link.group(2) == SUBTYPES["untraced"].help_url
    assert link.group(2).endswith("checks.html#designdoc-untraced")
    assert link.group(3).startswith(SUBTYPES["untraced"].summary[:30])


def test_badges_name_every_kind_and_respect_suppress_warnings(make_app, tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": (
                "Design\n======\n\n"
                ".. requirement:: Nobody answers me\n   :id: REQ-1\n\n"
                ".. decision:: Answers nothing\n   :id: DEC-1\n   :status: accepted\n\n"
                ".. dependency:: Nobody uses me\n   :id: DEP-1\n"
            )
        },
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert _badges(_html(app, "index")) == {
        "REQ-1": ["untraced"],
        "DEC-1": ["unjustified"],
        "DEP-1": ["unused"],
    }
    quiet = make_app(
        "html",
        srcdir=src,
        builddir=tmp_path / "quiet",
        confoverrides={"suppress_warnings": ["designdoc.untraced", "designdoc.unused"]},
    )
    quiet.build()
    assert _badges(_html(quiet, "index")) == {"REQ-1": [], "DEC-1": ["unjustified"], "DEP-1": []}


@pytest.mark.parametrize("parallel", [0, 2], ids=["serial", "parallel"])
def test_badges_follow_changes_on_other_pages(make_app, copy_root, parallel: int) -> None:
    """Whether an object is traced is decided on other pages: its page is rewritten when
    that changes, in serial and parallel builds."""
    src = copy_root("views")
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    assert _badges(_html(app, "requirements"))["REQ-2"] == ["untraced"]
    edit(
        src / "decisions.rst",
        "   :id: DEC-2\n   :status: rejected",
        "   :id: DEC-2\n   :status: accepted",
    )
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    assert _badges(_html(app, "requirements"))["REQ-2"] == []
    # and back
    edit(
        src / "decisions.rst",
        "   :id: DEC-2\n   :status: accepted",
        "   :id: DEC-2\n   :status: rejected",
    )
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    assert _badges(_html(app, "requirements"))["REQ-2"] == ["untraced"]


def test_badges_in_plain_outputs_carry_no_url(make_app, copy_root) -> None:
    src = copy_root("views")
    for builder in ("text", "man"):
        app = make_app(builder, srcdir=src, builddir=src / "_build" / builder)
        app.build()
        text = "".join(
            p.read_text(encoding="utf-8")
            for p in app.outdir.glob("*.*")
            if p.suffix in (".txt", ".1")
        )
        assert "untraced" in text
        assert "readthedocs" not in text
