"""Living beside sphinx-needs: a project's own needs, need types and needs.json are
never lost or taken; decisions address its needs; a stock sphinx-needs project imports
the export; other projects' needs come in from a file (from a URL:
test_needs_external.py).

The peer test builds a small sphinx-needs documentation project of its own
(``tests/roots/test-needs-peer``) with and without the extension and expects the same
needs and the same warnings.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOTS, load_report, requires_sphinx_needs, warnings_of, write_project

from sphinx_designdoc import needs_config
from sphinx_designdoc.needs_names import vocabulary_fields
from sphinx_designdoc.vocabulary_config import build_schema

pytestmark = pytest.mark.usefixtures("_needs_installed")


@pytest.fixture
def _needs_installed() -> None:
    requires_sphinx_needs()


def _build(make_app, builder: str, src: Path, **kwargs: Any):
    """Build, then undo the global docutils registrations (sphinx-needs registers its
    directives and nodes in every application)."""
    app = make_app(builder, srcdir=src, **kwargs)
    app.build()
    app.cleanup()
    return app


def _needs(outdir: Path, name: str = "needs.json") -> dict[str, dict[str, Any]]:
    data = json.loads((outdir / name).read_text(encoding="utf-8"))
    return data["versions"][data["current_version"]]["needs"]


def _creator(outdir: Path, name: str = "needs.json") -> str:
    data = json.loads((outdir / name).read_text(encoding="utf-8"))
    return data["versions"][data["current_version"]]["creator"]["program"]


def _warnings(app, srcdir: Path) -> list[str]:
    return sorted(line.replace(str(srcdir), "SRC") for line in warnings_of(app))


#: a mixed project: the project's own need types and needs, and design objects
MIXED_CONF = """\
extensions = {extensions!r}
project = "mixed"
show_warning_types = True
needs_build_json = True
needs_id_regex = "^[A-Z][A-Z0-9_-]{{2,}}"
needs_types = [
    {{"directive": "req", "title": "Requirement", "prefix": "R_", "color": "#BFD8D2", "style": "node"}},
    {{"directive": "spec", "title": "Specification", "prefix": "S_", "color": "#FEDCD2", "style": "node"}},
]
designdoc_exports = ["needs"]
{extra}
"""


MIXED_RST = """\
Mixed
=====

.. req:: Log in
   :id: R_LOGIN

.. spec:: OAuth
   :id: S_OAUTH
   :links: R_LOGIN

.. requirement:: Fast login
   :id: REQ-1

.. decision:: Use OAuth
   :id: DEC-1
   :status: accepted
   :addresses: REQ-1, R_LOGIN

   Customers log in with the identity provider they already use.

See :dd:ref:`R_LOGIN`.

.. dd-matrix::
"""


MIXED_MD = """\
# Mixed

```{req} Log in
:id: R_LOGIN
```

```{spec} OAuth
:id: S_OAUTH
:links: R_LOGIN
```

```{requirement} Fast login
:id: REQ-1
```

```{decision} Use OAuth
:id: DEC-1
:status: accepted
:addresses: REQ-1, R_LOGIN

Customers log in with the identity provider they already use.
```

See {dd:ref}`R_LOGIN`.

```{dd-matrix}
```
"""


def _mixed(tmp_path: Path, markup: str = "rst", extensions=None, extra: str = "") -> Path:
    extensions = extensions or ["sphinx_needs", "sphinx_designdoc"]
    if markup == "md":
        extensions = ["myst_parser", *extensions]
    conf = MIXED_CONF.format(extensions=extensions, extra=extra)
    index = {"rst": ("index.rst", MIXED_RST), "md": ("index.md", MIXED_MD)}[markup]
    return write_project(tmp_path / f"mixed-{markup}", {index[0]: index[1]}, conf=conf)


@pytest.mark.parametrize("builder", ["html", "needs"])
@pytest.mark.parametrize("markup", ["rst", "md"])
def test_needs_json_is_never_overwritten(
    make_app, tmp_path: Path, markup: str, builder: str
) -> None:
    src = _mixed(tmp_path, markup)
    app = _build(make_app, builder, src)
    ours = _needs(app.outdir)
    # sphinx-needs' file: the project's needs, and the design objects as needs
    assert _creator(app.outdir) == "sphinx_needs"
    assert {"R_LOGIN", "S_OAUTH", "REQ-1", "DEC-1"} <= set(ours)
    assert ours["R_LOGIN"]["type"] == "req" and ours["DEC-1"]["type"] == "dd_decision"
    # the export has a name of its own: the design objects only, with their bodies
    export = _needs(app.outdir, "designdoc-needs.json")
    assert _creator(app.outdir, "designdoc-needs.json") == "sphinx-designdoc"
    assert sorted(export) == ["DEC-1", "REQ-1"]
    assert export["DEC-1"]["content"] == (
        "Customers log in with the identity provider they already use."
    )


THEIR_TYPES = """\
needs_types = [
    {"directive": "requirement", "title": "Their requirement", "prefix": "TR_", "color": "#BFD8D2", "style": "node"},
    {"directive": "decision", "title": "Their decision", "prefix": "TD_", "color": "#FEDCD2", "style": "node"},
]
"""


THEIR_RST = """\
Theirs
======

.. requirement:: Their own requirement
   :id: TR_001

.. decision:: Their own decision
   :id: TD_001
   :links: TR_001

.. dd:requirement:: Our requirement
   :id: REQ-1

.. dd:decision:: Our decision
   :id: DEC-1
   :status: accepted
   :addresses: REQ-1

.. dependency:: A package
   :id: DEP-1
"""


THEIR_MD = """\
# Theirs

```{requirement} Their own requirement
:id: TR_001
```

```{decision} Their own decision
:id: TD_001
:links: TR_001
```

```{dd:requirement} Our requirement
:id: REQ-1
```

```{dd:decision} Our decision
:id: DEC-1
:status: accepted
:addresses: REQ-1
```

```{dependency} A package
:id: DEP-1
```
"""


@pytest.mark.parametrize("markup", ["rst", "md"])
@pytest.mark.parametrize(
    "extensions",
    [["sphinx_needs", "sphinx_designdoc"], ["sphinx_designdoc", "sphinx_needs"]],
    ids=["needs-first", "designdoc-first"],
)
def test_need_types_keep_their_directive_names(
    make_app, tmp_path: Path, extensions, markup: str
) -> None:
    if markup == "md":
        extensions = ["myst_parser", *extensions]
    conf = (
        f"extensions = {extensions!r}\nshow_warning_types = True\nneeds_build_json = True\n"
        + THEIR_TYPES
    )
    index = {"rst": ("index.rst", THEIR_RST), "md": ("index.md", THEIR_MD)}[markup]
    src = write_project(tmp_path / "src", {index[0]: index[1]}, conf=conf)
    app = _build(make_app, "html", src)
    needs = _needs(app.outdir)
    # their requirement and decision are needs of their types, with their links
    assert needs["TR_001"]["type"] == "requirement"
    assert needs["TD_001"]["type"] == "decision" and needs["TD_001"]["links"] == ["TR_001"]
    # ours are objects, written with their dd: names; a type without a clash keeps its
    # plain name
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert set(objects) == {"REQ-1", "DEC-1", "DEP-1"}
    warnings = warnings_of(app)
    assert not [w for w in warnings if "already registered" in w]
    clash = [w for w in warnings if "[designdoc.config]" in w]
    assert len(clash) == 1
    assert "'requirement', 'decision' keep their directives" in clash[0]
    assert "'dd:requirement', 'dd:decision'" in clash[0]
    assert "designdoc_plain_directives = False" in clash[0]
    assert "conf.py:" in clash[0]


def test_plain_directives_off_leaves_every_plain_name(make_app, tmp_path: Path) -> None:
    conf = (
        "extensions = ['sphinx_needs', 'sphinx_designdoc']\nshow_warning_types = True\n"
        "needs_build_json = True\ndesigndoc_plain_directives = False\n" + THEIR_TYPES
    )
    rst = THEIR_RST.replace(".. dependency:: A package", ".. dd:dependency:: A package")
    src = write_project(tmp_path / "src", {"index.rst": rst}, conf=conf)
    app = _build(make_app, "html", src)
    assert not [w for w in warnings_of(app) if "designdoc.config" in w or "registered" in w]
    assert {o["id"] for o in load_report(app.outdir)["objects"]} == {"REQ-1", "DEC-1", "DEP-1"}


@pytest.mark.parametrize("installed", ["9.0.0", "8.5.0", "7.0.0"])
def test_older_sphinx_needs_turns_the_bridge_off_with_one_warning(
    make_app, tmp_path: Path, monkeypatch, installed: str
) -> None:
    import importlib.metadata

    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda name: installed if name == "sphinx-needs" else real(name),
    )
    src = _mixed(tmp_path, extra="designdoc_needs_types = {'req': 'requirement'}")
    app = _build(make_app, "html", src)
    needs_warnings = [w for w in warnings_of(app) if "[designdoc.needs]" in w]
    assert len(needs_warnings) == 1
    assert f"sphinx-needs {installed} is installed" in needs_warnings[0]
    assert "sphinx-needs>=9.1" in needs_warnings[0]
    assert "DEC-1" not in _needs(app.outdir)  # no bridge, and no error per object


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_decisions_address_needs_of_mapped_types(make_app, tmp_path: Path, markup: str) -> None:
    src = _mixed(tmp_path, markup, extra="designdoc_needs_types = {'req': 'requirement'}")
    app = _build(make_app, "html", src)
    assert not [w for w in warnings_of(app) if "designdoc" in w]
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    login = objects["R_LOGIN"]
    assert login["origin"] == "sphinx-needs" and login["type"] == "requirement"
    assert login["traced"] is True and login["incoming"] == {"addressed by": ["DEC-1"]}
    assert "S_OAUTH" not in objects  # a type not mapped
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    # the role and the decision's link reach the need's own anchor
    assert page.count('href="#R_LOGIN"') >= 2
    # the matrix shows the need as a traced requirement
    assert re.search(r'<tr class="dd-row dd-traced[^"]*"><td><p><a [^>]*href="#R_LOGIN"', page)
    # the bridged decision links to the need in sphinx-needs too
    assert sorted(_needs(app.outdir)["DEC-1"]["addresses"]) == ["REQ-1", "R_LOGIN"]
    # and the command line answers with it
    from sphinx_designdoc.cli import main

    assert main(["trace", "DEC-1", "--data", str(app.outdir), "--json", "-q"]) == 0


def test_a_link_to_a_need_of_an_unmapped_type_says_how_to_map_it(make_app, tmp_path) -> None:
    src = _mixed(tmp_path)
    app = _build(make_app, "html", src)
    dangling = [w for w in warnings_of(app) if "[designdoc.dangling]" in w]
    assert len(dangling) == 2  # the :addresses: link and the :dd:ref: role
    for line in dangling:
        assert "'R_LOGIN', a sphinx-needs need of type 'req'" in line
        assert "designdoc_needs_types = {'req': 'requirement'}" in line


def test_needs_of_mapped_types_follow_edits_on_other_pages(make_app, tmp_path: Path) -> None:
    conf = MIXED_CONF.format(
        extensions=["sphinx_needs", "sphinx_designdoc"],
        extra="designdoc_needs_types = {'req': 'requirement'}",
    )
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Index\n=====\n\n.. toctree::\n\n   needs\n   design\n",
            "needs.rst": "Needs\n=====\n\n.. req:: Log in\n   :id: R_LOGIN\n",
            "design.rst": "Design\n======\n\n.. decision:: Use OAuth\n   :id: DEC-1\n"
            "   :status: accepted\n   :addresses: R_LOGIN\n",
        },
        conf=conf,
    )
    app = _build(make_app, "html", src)
    assert 'title="Log in"' in (app.outdir / "design.html").read_text(encoding="utf-8")
    from conftest import edit

    edit(src / "needs.rst", ".. req:: Log in", ".. req:: Sign in")
    app = _build(make_app, "html", src)
    design = (app.outdir / "design.html").read_text(encoding="utf-8")
    assert 'title="Sign in"' in design and "Log in" not in design


def test_stock_sphinx_needs_imports_every_object_with_the_recipe(make_app, tmp_path) -> None:
    producer = _build(make_app, "html", _mixed(tmp_path))
    export = producer.outdir / "designdoc-needs.json"
    consumer = write_project(
        tmp_path / "consumer",
        {
            "index.rst": "Imported\n========\n\n.. needimport:: designdoc-needs.json\n"
            "   :id_prefix: IMP-\n",
        },
        conf="from sphinx_designdoc import needs_config\n\n"
        "extensions = ['sphinx_needs']\nshow_warning_types = True\n"
        "globals().update(needs_config())\n"
        "needs_external_needs = [{'json_path': 'designdoc-needs.json',"
        " 'base_url': 'https://design.example.org', 'id_prefix': 'EXT-'}]\n",
    )
    shutil.copy(export, consumer / "designdoc-needs.json")
    app = _build(make_app, "html", consumer)
    assert app.warning.getvalue() == ""  # -W passes
    from sphinx_needs.data import SphinxNeedsData

    needs = SphinxNeedsData(app.env).get_needs_view()
    exported = _needs(producer.outdir, "designdoc-needs.json")
    for need_id, need in exported.items():
        assert needs[f"IMP-{need_id}"]["title"] == need["title"]
        assert needs[f"EXT-{need_id}"]["is_external"]
    # the project's own need is not in the export: the link stays, and may be dead
    # (the recipe allows it) unless the importer loads that project's needs.json too
    assert needs["IMP-DEC-1"]["addresses"] == ["IMP-REQ-1", "R_LOGIN"]


def test_recipe_names_every_field_and_link_the_export_writes() -> None:
    config = needs_config()
    schema = build_schema({}, {})
    # the need types of the design project's own needs.json: no directive of ours, and
    # no name a project gives its own types
    assert {t["directive"] for t in config["needs_types"]} == {f"dd_{t}" for t in schema.types}
    assert {t["prefix"] for t in config["needs_types"]} == {
        f"DD_{t.upper()}_" for t in schema.types
    }
    assert set(config["needs_links"]) == set(schema.links)
    fields = set(config["needs_fields"])
    assert {"alternatives", "authors", "date", "deciders", "license", "reviewers", "url"} <= fields
    assert "dd_template" in fields and "template" not in fields
    assert len(fields) == len(vocabulary_fields(schema))


def test_recipe_reads_a_custom_vocabulary_from_designdoc_json(make_app, copy_root) -> None:
    app = _build(make_app, "html", copy_root("needs"))
    config = needs_config(app.outdir / "designdoc.json")
    assert "dd_risk" in {t["directive"] for t in config["needs_types"]}
    assert "mitigates" in config["needs_links"] and "severity" in config["needs_fields"]


def _peer(make_app, tmp_path: Path, name: str, extensions: list[str]):
    src = tmp_path / name
    shutil.copytree(ROOTS / "test-needs-peer", src)
    app = _build(make_app, "needs", src, confoverrides={"extensions": extensions})
    return app, src


def test_a_sphinx_needs_project_without_design_objects_is_unchanged(make_app, tmp_path) -> None:
    plain, plain_src = _peer(make_app, tmp_path, "plain", ["sphinx_needs"])
    baseline = _needs(plain.outdir)
    assert len(baseline) == 8 and baseline["R_RECEIPT"]["status"] == "closed"  # needextend
    expected_warnings = _warnings(plain, plain_src)
    assert any("S_MISSING" in w for w in expected_warnings)  # its own dead link
    for order in (["sphinx_needs", "sphinx_designdoc"], ["sphinx_designdoc", "sphinx_needs"]):
        app, src = _peer(make_app, tmp_path, "-".join(order), order)
        assert _needs(app.outdir) == baseline
        assert _warnings(app, src) == expected_warnings


def test_design_objects_leave_the_projects_own_needs_as_they_were(make_app, tmp_path) -> None:
    plain, _ = _peer(make_app, tmp_path, "plain", ["sphinx_needs"])
    baseline = _needs(plain.outdir)
    src = tmp_path / "mixed"
    shutil.copytree(ROOTS / "test-needs-peer", src)
    (src / "design.rst").write_text(
        "Design\n======\n\n.. decision:: Log in through the identity provider\n"
        "   :id: DEC-LOGIN\n   :status: accepted\n   :addresses: R_LOGIN, R_PAY\n",
        encoding="utf-8",
    )
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write("   design\n")
    with (src / "conf.py").open("a", encoding="utf-8") as fh:
        fh.write("designdoc_needs_types = {'req': 'requirement'}\n")
    app = _build(
        make_app, "needs", src, confoverrides={"extensions": ["sphinx_needs", "sphinx_designdoc"]}
    )
    # mapped, their requirements are checked like ours: the one no decision addresses
    designdoc = [w for w in warnings_of(app) if "designdoc" in w]
    assert len(designdoc) == 1 and "requirement R_RECEIPT is untraced" in designdoc[0]
    assert "requirements.rst:18:" in designdoc[0]
    needs = _needs(app.outdir)
    ours = {"DEC-LOGIN"}
    assert set(needs) == set(baseline) | ours
    added_keys = set()
    for need_id, before in baseline.items():
        after = needs[need_id]
        for key, value in before.items():
            assert after[key] == value, (need_id, key)
        added_keys |= {k for k in after if k not in before and after[k] not in (None, [], "")}
    # the only new values on their needs: the backlinks of our decision
    assert added_keys == {"addresses_back"}
    assert needs["R_LOGIN"]["addresses_back"] == ["DEC-LOGIN"]
    # and the requirements are traced by it
    report = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert report["R_LOGIN"]["traced"] and not report["R_RECEIPT"]["traced"]


def test_needs_as_objects_are_the_same_in_parallel_builds(make_app, tmp_path: Path) -> None:
    """The project's needs are read by parallel workers and merged; the objects made of
    them, their backlinks and tracing are the same as in a serial build."""
    files = {
        "index.rst": "Index\n=====\n\n.. toctree::\n\n"
        + "".join(f"   page{i}\n" for i in range(10))
    }
    for i in range(10):
        files[f"page{i}.rst"] = (
            f"Page {i}\n=======\n\n.. req:: Need {i}\n   :id: R_{i:03d}\n\n"
            f".. decision:: Decision {i}\n   :id: DEC-{i}\n   :status: accepted\n"
            f"   :addresses: R_{(i + 1) % 10:03d}\n"
        )
    conf = MIXED_CONF.format(
        extensions=["sphinx_needs", "sphinx_designdoc"],
        extra="designdoc_needs_types = {'req': 'requirement'}",
    )
    reports = []
    for parallel in (0, 2):
        src = write_project(tmp_path / f"p{parallel}", files, conf=conf)
        app = _build(make_app, "html", src, parallel=parallel)
        assert not [w for w in warnings_of(app) if "designdoc" in w]
        reports.append((app.outdir / "designdoc.json").read_bytes())
    assert reports[0] == reports[1]
    objects = {o["id"]: o for o in json.loads(reports[1])["objects"]}
    assert (
        objects["R_003"]["incoming"] == {"addressed by": ["DEC-2"]} and objects["R_003"]["traced"]
    )
