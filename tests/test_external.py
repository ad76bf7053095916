"""``designdoc_external``: objects of other projects as link targets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import load_report, warnings_of, write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_designdoc.config import DEFAULT_ID_REGEX
from sphinx_designdoc.external import load_external
from sphinx_designdoc.safety import allowed_url
from sphinx_designdoc.vocabulary_config import build_schema

SCHEMA = build_schema()
REGEX = re.compile(DEFAULT_ID_REGEX)


def test_external_designdoc_and_needs_objects_are_link_targets(
    make_app, copy_root, tmp_path
) -> None:
    upstream = make_app("html", srcdir=copy_root("basic", "upstream"))
    upstream.build()
    upstream.cleanup()
    needs = {
        "current_version": "1.0",
        "versions": {
            "1.0": {
                "needs": {
                    "SAFE_001": {
                        "id": "SAFE_001",
                        "type": "req",
                        "title": "Be safe",
                        "docname": "safety",
                    },
                }
            }
        },
    }
    (tmp_path / "needs.json").write_text(json.dumps(needs), encoding="utf-8")
    src = copy_root("basic")
    with (src / "decisions.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. decision:: Reuse upstream\n   :id: DEC-EXT\n   :status: accepted\n"
            "   :addresses: UP-REQ-1, SAFETY-SAFE_001\n\nSee :dd:ref:`UP-DEC-1`.\n"
        )
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8")
        + "designdoc_external = [\n"
        + f"    {{'path': {str(upstream.outdir / 'designdoc.json')!r}, 'prefix': 'UP-',"
        + " 'base_url': 'https://up.example/docs'},\n"
        + f"    {{'path': {str(tmp_path / 'needs.json')!r}, 'prefix': 'SAFETY-',"
        + " 'base_url': 'https://safety.example'},\n"
        + "    {'path': 'missing.json'},\n"
        + "]\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    warnings = [line for line in text.splitlines() if "designdoc" in line]
    assert len(warnings) == 1
    line = conf.read_text(encoding="utf-8").splitlines().index("designdoc_external = [") + 1
    assert (
        f"conf.py:{line}: WARNING: designdoc_external: file 'missing.json' does not exist"
        in warnings[0]
    )
    assert warnings[0].endswith("[designdoc.external]")

    html = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    assert 'href="https://up.example/docs/index.html#REQ-1"' in html
    assert "UP-REQ-1</span>: Accept card payments" in html
    assert 'href="https://safety.example/safety.html#SAFE_001"' in html
    assert 'href="https://up.example/docs/decisions.html#DEC-1"' in html
    report = load_report(app.outdir)
    objs = {o["id"]: o for o in report["objects"]}
    assert objs["UP-REQ-1"]["external"] is True and objs["UP-REQ-1"]["traced"] is None
    assert objs["SAFETY-SAFE_001"]["type"] == "requirement"
    # links among the other project's objects are kept, under its prefix
    assert objs["UP-REQ-1"]["incoming"]["addressed by"] == ["DEC-EXT", "UP-DEC-0", "UP-DEC-1"]
    # external objects do not count in this project's coverage
    assert report["coverage"]["requirement"]["total"] == 2
    assert [f["subtype"] for f in report["findings"]] == ["external"]


def test_corrupt_external_file_is_a_warning(make_app, copy_root) -> None:
    src = copy_root("basic")
    (src / "broken.json").write_text("{not json", encoding="utf-8")
    app = make_app(
        "html", srcdir=src, confoverrides={"designdoc_external": [{"path": "broken.json"}]}
    )
    app.build()
    assert "cannot read 'broken.json'" in app.warning.getvalue()
    assert "[designdoc.external]" in app.warning.getvalue()
    assert len(load_report(app.outdir)["objects"]) == 9


# -- whatever another project's file holds, the build goes on ----------------------------

ODD_FILES = {
    "versions-hold-a-list": '{"versions": {"1.0": []}}',
    "current-version-is-a-list": '{"current_version": [1], "versions": {"1.0": {"needs": {}}}}',
    "current-version-is-a-dict": '{"current_version": {}, "versions": {}}',
    "needs-is-a-list": '{"versions": {"1.0": {"needs": [1, 2]}}}',
    "deep": "[" * 100_000 + "]" * 100_000,
    "huge-integer": '{"objects": [{"id": "A", "line": ' + "9" * 5000 + "}]}",
    "objects-of-every-kind": '{"objects": [1, null, "x", [], {"id": 5}, {"id": "BAD-1", '
    '"title": 7, "status": {}, "fields": [], "links": {"addresses": 3}, "url": 9}, '
    '{"id": "OK-1", "title": "Fine", "url": "ok.html#OK-1"}]}',
    "not-utf8": b"\xff\xfe{}",
    "top-level-list": "[1, 2, 3]",
}


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_odd_external_files_are_one_warning_each(make_app, copy_root, name: str) -> None:
    src = copy_root("basic")
    content = ODD_FILES[name]
    path = src / "odd.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    app = make_app("html", srcdir=src, confoverrides={"designdoc_external": [{"path": "odd.json"}]})
    app.build()  # never raises
    warnings = [w for w in warnings_of(app) if "[designdoc.external]" in w]
    assert len(warnings) <= 1, warnings
    report = load_report(app.outdir)
    ids = {o["id"] for o in report["objects"]}
    assert len(ids) >= 9  # the project's own objects are all there
    assert len(warnings) == 1, name
    if name == "objects-of-every-kind":
        # the valid object of the file is kept; the warning names the first bad one
        assert "OK-1" in ids and "BAD-1" not in ids
        assert (
            "skipped 6 malformed object(s) (the first: objects[0] must be an object"
            in (warnings[0])
        )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "title",
                    "status",
                    "url",
                    "fields",
                    "links",
                    "objects",
                    "versions",
                    "current_version",
                    "needs",
                    "external_url",
                    "docname",
                    "x",
                ]
            )
            | st.text(max_size=4),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_the_loader_never_raises_on_any_json(tmp_path_factory, value: Any) -> None:
    folder = tmp_path_factory.mktemp("ext")
    (folder / "x.json").write_text(json.dumps(value), encoding="utf-8")
    items, problems = load_external({"path": "x.json"}, folder, SCHEMA, REGEX)
    for item in items:
        assert isinstance(item.id, str) and REGEX.match(item.id)
        assert isinstance(item.title, str) and isinstance(item.status, str)
        assert item.external_url is not None
        assert item.external_url == "" or allowed_url(item.external_url)
    assert all(isinstance(p, str) for p in problems)


def test_unsafe_urls_of_other_projects_are_not_links(tmp_path: Path) -> None:
    data = {
        "objects": [
            {"id": "A", "url": "javascript:alert(1)"},
            {"id": "B", "url": " JaVa\tScript:alert(1)"},
            {"id": "C", "url": "https://example.org/c"},
            {"id": "D"},
        ]
    }
    (tmp_path / "x.json").write_text(json.dumps(data), encoding="utf-8")
    items, problems = load_external(
        {"path": "x.json", "base_url": "data:text/html,x"}, tmp_path, SCHEMA, REGEX
    )
    urls = {i.id: i.external_url for i in items}
    assert urls == {"A": "", "B": "", "C": "https://example.org/c", "D": ".html#D"}
    assert any("base_url 'data:text/html,x' is not" in p for p in problems)
    assert any("2 object(s) have a URL that is not" in p for p in problems)


# -- an ID of another project that this project has too --------------------------------------

LOCAL = "Index\n=====\n\n.. requirement:: Ours\n   :id: REQ-1\n   :status: proposed\n"


def _other_file(form: str, ids: tuple[str, ...], docname: str = "theirs") -> str:
    """A pretty-printed designdoc.json or needs.json, as other projects write them."""
    if form == "designdoc":
        objs = [
            {"id": i, "type": "requirement", "title": f"Their {i}", "docname": docname} for i in ids
        ]
        return json.dumps({"objects": objs}, indent=2)
    needs = {i: {"id": i, "type": "req", "title": f"Their {i}", "docname": docname} for i in ids}
    return json.dumps({"current_version": "1", "versions": {"1": {"needs": needs}}}, indent=2)


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize("form", ["designdoc", "needs"])
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_an_id_this_project_has_too_is_reported_at_the_other_file(
    make_app, tmp_path, form: str, where: str
) -> None:
    """It was reported at ``other.json::`` (no line); now at the object's line in the
    file, naming this project's object, which keeps the ID."""
    text = _other_file(form, ("EXT-1", "REQ-1"))
    folder = tmp_path / "src" if where == "inside" else tmp_path / "shared"
    folder.mkdir(parents=True)
    (folder / "other.json").write_text(text, encoding="utf-8")
    path = "other.json" if where == "inside" else "../shared/other.json"
    src = write_project(
        tmp_path / "src",
        {"index.rst": LOCAL},
        conf="extensions = ['sphinx_designdoc']\nshow_warning_types = True\n"
        "designdoc_exports = ['sarif']\n"
        f"designdoc_external = [{{'path': {path!r}}}]\n",
    )
    app = make_app("html", srcdir=src)
    app.build()
    line = _line_of(text, '"REQ-1"') if form == "needs" else _line_of(text, '"REQ-1"') - 1
    duplicate = [w for w in warnings_of(app) if "[designdoc.duplicate]" in w]
    assert duplicate == [
        f"{folder / 'other.json'}:{line}: WARNING: duplicate ID 'REQ-1': this project's "
        "object at index.rst:4 has it too and keeps it, so links to 'REQ-1' go there, not "
        "to this object of designdoc_external; give the entry a 'prefix' (or one of them "
        "a new ID) [designdoc.duplicate]"
    ]
    report = load_report(app.outdir)
    objs = {o["id"]: o for o in report["objects"]}
    assert objs["REQ-1"]["source"] == "index.rst" and not objs["REQ-1"].get("external")
    assert objs["EXT-1"]["source"] == (
        "other.json" if where == "inside" else "../shared/other.json"
    )
    sarif = json.loads((app.outdir / "designdoc.sarif").read_text(encoding="utf-8"))
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "designdoc.duplicate"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": line}
    assert physical["artifactLocation"]["uri"] == path


def test_an_id_two_other_projects_share_stays_with_the_entry_listed_first(
    make_app, tmp_path
) -> None:
    """The first declaration keeps an ID; among other projects' files, the first is the
    entry listed first (it went by the other projects' page names, which say nothing
    here: the second entry below won, as its page name sorts first)."""
    first = _other_file("needs", ("X-1",), docname="zz")
    second = _other_file("designdoc", ("X-1",), docname="aa")
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Index\n=====\n\nSee :dd:ref:`X-1`.\n",
            "first.json": first,
            "second.json": second,
        },
        conf="extensions = ['sphinx_designdoc']\nshow_warning_types = True\n"
        "designdoc_external = [{'path': 'first.json'}, {'path': 'second.json'}]\n",
    )
    app = make_app("html", srcdir=src)
    app.build()
    duplicate = [w for w in warnings_of(app) if "[designdoc.duplicate]" in w]
    assert duplicate == [
        f"{src / 'second.json'}:3: WARNING: duplicate ID 'X-1': another designdoc_external "
        f"entry has it too, at first.json:{_line_of(first, 'X-1')}, and keeps it (its entry "
        "is listed first), so links to 'X-1' go there; give one of the entries a 'prefix' "
        "[designdoc.duplicate]"
    ]
    objs = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objs["X-1"]["source"] == "first.json"


def test_a_needs_json_leaves_out_the_needs_it_imported_itself(tmp_path: Path) -> None:
    """sphinx-needs writes a project's external needs to its needs.json when its
    ``needs_builder_filter`` lets them through (one of its own test projects does):
    they are a third project's, with its URLs (``file:`` ones of the machine that built
    it), and are not read as this file's project's, as external objects of a
    designdoc.json are not."""
    needs = {
        "current_version": "2.0",
        "versions": {
            "2.0": {
                "needs": {
                    "OWN_1": {
                        "id": "OWN_1",
                        "type": "req",
                        "docname": "index",
                        "is_external": False,
                    },
                    "THIRD_1": {
                        "id": "THIRD_1",
                        "type": "impl",
                        "docname": "index",
                        "is_external": True,
                        "external_url": "file:///home/someone/third/__error__#THIRD_1",
                    },
                }
            }
        },
    }
    (tmp_path / "needs.json").write_text(json.dumps(needs), encoding="utf-8")
    items, problems = load_external({"path": "needs.json", "prefix": "P-"}, tmp_path, SCHEMA, REGEX)
    assert [i.id for i in items] == ["P-OWN_1"] and problems == []
