"""The needs export (``designdoc-needs.json``) imports cleanly into a stock sphinx-needs
project: it holds what the build accepted, every key it writes is declared by
``needs_config()``, and an object has one need type in the design project's own
``needs.json`` and in the export, so a filter carries over.

The design project is a migrated one: a decision carries ``:effort:``, which no type
declares (the build rejects it with a located ``designdoc.invalid`` warning and keeps
the value in ``designdoc.json``), and ``:severity:``, a field of another type.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import find_warning, load_report, requires_sphinx_needs, warnings_of, write_project

from sphinx_designdoc import needs_config
from sphinx_designdoc.needs_names import CORE_FIELDS

CUSTOM_VOCABULARY = """\
designdoc_types = {
    "risk": {
        "statuses": ["open", "mitigated"],
        "fields": {"severity": ["low", "high"], "template": "text"},
    }
}
designdoc_links = {
    "mitigates": {"incoming": "mitigated by", "source": "risk", "target": "requirement"}
}
"""

#: (type, title, options, body); the decision's last two options are rejected
OBJECTS: list[tuple[str, str, list[str], str]] = [
    ("designdoc", "Payments", ["id: DD-PAY", "status: draft", "authors: Ann"], ""),
    (
        "requirement",
        "Accept card payments",
        ["id: REQ-1", "priority: must", "tags: payments, cards", "owner: team-pay"],
        "",
    ),
    (
        "decision",
        "Use the Stripe API",
        [
            "id: DEC-1",
            "status: accepted",
            "addresses: REQ-1",
            "uses: DEP-1",
            "alternatives: Adyen; build our own",
            "effort: 3",
            "severity: high",
        ],
        "Stripe takes cards in every country we sell to.",
    ),
    ("decision", "Keep PayPal", ["id: DEC-2", "status: proposed", "addresses: REQ-1"], ""),
    ("dependency", "stripe", ["id: DEP-1", "package: stripe", "version: >=5.3,<6"], ""),
]
RISK = (
    "risk",
    "Card data leaks",
    ["id: RISK-1", "severity: high", "template: threat-model", "mitigates: REQ-1"],
    "",
)

#: a filter written once, for the design project's needs and for the imported ones
FILTER = 'type == "dd_decision" and status == "accepted"'


def _page(markup: str, custom: bool) -> tuple[str, str, dict[str, int]]:
    """A page of the objects: its name, its text and the line of each rejected option."""
    objects = [*OBJECTS, RISK] if custom else OBJECTS
    lines = ["Design", "======", ""] if markup == "rst" else ["# Design", ""]
    where: dict[str, int] = {}
    for type_name, title, options, body in objects:
        if markup == "rst":
            lines.append(f".. {type_name}:: {title}")
            for option in options:
                lines.append(f"   :{option}")
                if option.startswith(("effort:", "severity:")) and type_name == "decision":
                    where[option.split(":")[0]] = len(lines)
            lines += ["", f"   {body}", ""] if body else [""]
        else:
            lines.append(f"```{{{type_name}}} {title}")
            for option in options:
                lines.append(f":{option}")
                if option.startswith(("effort:", "severity:")) and type_name == "decision":
                    where[option.split(":")[0]] = len(lines)
            lines += ["", body, "```", ""] if body else ["```", ""]
    return f"index.{markup}", "\n".join(lines), where


def _design(tmp_path: Path, markup: str, custom: bool, with_needs: bool) -> tuple[Path, dict]:
    extensions = ["sphinx_needs", "sphinx_designdoc"] if with_needs else ["sphinx_designdoc"]
    if markup == "md":
        extensions = ["myst_parser", *extensions]
    conf = (
        f"extensions = {extensions!r}\nproject = 'design'\nshow_warning_types = True\n"
        "needs_build_json = True\ndesigndoc_exports = ['needs']\n"
    )
    name, text, where = _page(markup, custom)
    src = write_project(
        tmp_path / f"design-{markup}", {name: text}, conf + (CUSTOM_VOCABULARY if custom else "")
    )
    return src, where


def _build(make_app, src: Path, **kwargs: Any):
    """Build, then undo sphinx-needs' global docutils registrations."""
    app = make_app("html", srcdir=src, **kwargs)
    app.build()
    app.cleanup()
    return app


def _needs(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["versions"][data["current_version"]]["needs"]


def _undeclared(needs: dict[str, dict[str, Any]], config: dict, core: set[str]) -> list:
    """Every (need, key) of an export that is neither a core key nor declared by the
    recipe, and every need whose type the recipe does not declare."""
    links = set(config["needs_links"])
    declared = core | set(config["needs_fields"]) | links | {f"{x}_back" for x in links}
    types = {t["directive"] for t in config["needs_types"]}
    found = [(i, k) for i, need in needs.items() for k in need if k not in declared]
    return found + [(i, "type", n["type"]) for i, n in needs.items() if n["type"] not in types]


# -- without sphinx-needs: the export holds what the build accepted ----------------------


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_a_rejected_option_is_kept_in_designdoc_json_and_left_out_of_the_export(
    make_app, tmp_path: Path, markup: str
) -> None:
    src, where = _design(tmp_path, markup, custom=True, with_needs=False)
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    for option in ("effort", "severity"):
        line = find_warning(
            warnings, f"index.{markup}:{where[option]}:", "invalid", f"unknown option :{option}:"
        )
        # the warning says where the value went
        assert "kept on the page and in designdoc.json" in line, line
        assert "not in sphinx-needs needs or the needs export" in line, line
    # nothing the author wrote is lost: designdoc.json keeps it, with the vocabulary
    # that says it is no field of a decision
    report = load_report(app.outdir)
    dec = next(o for o in report["objects"] if o["id"] == "DEC-1")
    assert dec["fields"]["effort"] == "3" and dec["fields"]["severity"] == "high"
    assert "effort" not in report["vocabulary"]["types"]["decision"]["fields"]
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Effort" in page
    # the export holds what the build accepted, every key declared by the recipe
    export = _needs(app.outdir / "designdoc-needs.json")
    assert "effort" not in export["DEC-1"] and "severity" not in export["DEC-1"]
    assert export["DEC-1"]["alternatives"] == "Adyen; build our own"
    assert export["RISK-1"]["severity"] == "high"
    assert export["RISK-1"]["dd_template"] == "threat-model"
    assert export["RISK-1"]["mitigates"] == ["REQ-1"]
    assert export["REQ-1"]["mitigates_back"] == ["RISK-1"]
    config = needs_config(app.outdir / "designdoc.json")
    assert _undeclared(export, config, set(CORE_FIELDS)) == []
    assert {n["type"] for n in export.values()} == {
        "dd_designdoc",
        "dd_requirement",
        "dd_decision",
        "dd_dependency",
        "dd_risk",
    }


def test_a_record_with_names_its_vocabulary_lacks_exports_none_of_them() -> None:
    """``designdoc export`` renders any designdoc.json: a field or link that its
    vocabulary does not give the object's type (a record edited by hand, or written by
    another version) is left out too, so the export never holds an undeclared key."""
    from sphinx_designdoc.reports import render

    vocabulary = {
        "types": {"decision": {"label": "Decision", "fields": {"date": {"kind": "date"}}}},
        "links": {"addresses": {"incoming": "addressed by"}},
    }
    report = {
        "vocabulary": vocabulary,
        "objects": [
            {
                "id": "DEC-1",
                "type": "decision",
                "title": "T",
                "status": "accepted",
                "fields": {"date": "2024-05-01", "owner": "ann", "effort": "3"},
                "links": {"addresses": ["REQ-1"], "blocks": ["DEC-2"]},
            }
        ],
    }
    need = json.loads(render("needs", report))["versions"]["1.0"]["needs"]["DEC-1"]
    assert need["type"] == "dd_decision"
    assert need["date"] == "2024-05-01" and need["owner"] == "ann"
    assert need["addresses"] == ["REQ-1"]
    assert "effort" not in need and "blocks" not in need


def test_designdoc_external_reads_the_export_as_our_types(make_app, tmp_path: Path) -> None:
    """The ``dd_`` need types of the export are our types again in a project that
    reads it through ``designdoc_external``, custom ones too."""
    src, _ = _design(tmp_path, "rst", custom=True, with_needs=False)
    design = make_app("html", srcdir=src)
    design.build()
    other = write_project(
        tmp_path / "other",
        {
            "index.rst": "Other\n=====\n\n.. decision:: Reuse the payment service\n"
            "   :id: DEC-9\n   :status: accepted\n   :addresses: PAY-REQ-1\n"
        },
        conf="extensions = ['sphinx_designdoc']\nshow_warning_types = True\n"
        + CUSTOM_VOCABULARY
        + f"designdoc_external = [{{'path': {str(design.outdir / 'designdoc-needs.json')!r},"
        " 'prefix': 'PAY-'}]\n",
    )
    app = make_app("html", srcdir=other)
    app.build()
    assert not [w for w in warnings_of(app) if "designdoc_external" in w]
    types = {o["id"]: o["type"] for o in load_report(app.outdir)["objects"]}
    assert types["PAY-REQ-1"] == "requirement" and types["PAY-DEC-1"] == "decision"
    assert types["PAY-RISK-1"] == "risk" and types["PAY-DD-PAY"] == "designdoc"


# -- with sphinx-needs -------------------------------------------------------------------


@pytest.mark.parametrize("vocabulary", ["built-in", "custom"])
def test_every_key_of_the_export_is_core_or_declared_by_the_recipe(
    make_app, tmp_path: Path, vocabulary: str
) -> None:
    """The recipe of the built-in vocabulary (``needs_config()``) and of a custom one
    (``needs_config(designdoc.json)``) against sphinx-needs' own list of core fields."""
    requires_sphinx_needs()
    from sphinx_needs.data import NeedsCoreFields

    custom = vocabulary == "custom"
    src, _ = _design(tmp_path, "rst", custom=custom, with_needs=False)
    app = _build(make_app, src)
    export = _needs(app.outdir / "designdoc-needs.json")
    assert len(export) == len(OBJECTS) + custom
    config = needs_config(app.outdir / "designdoc.json") if custom else needs_config()
    # full_title: the legacy key sphinx-needs' importers still read
    assert _undeclared(export, config, {*NeedsCoreFields, "full_title"}) == []


@pytest.mark.parametrize("reader", ["needimport", "external"])
@pytest.mark.parametrize("markup", ["rst", "md"])
def test_a_stock_sphinx_needs_project_imports_a_migrated_project_under_W(
    make_app, tmp_path: Path, markup: str, reader: str
) -> None:
    """The recipe as the docs give it: ``globals().update(needs_config(designdoc.json))``,
    then ``needimport`` or ``needs_external_needs``; warnings as errors pass, and the
    filter written for the design project's needs selects the same objects here."""
    requires_sphinx_needs()
    from sphinx_needs.config import NeedsSphinxConfig
    from sphinx_needs.data import SphinxNeedsData
    from sphinx_needs.filter_common import filter_needs_view

    src, _ = _design(tmp_path, markup, custom=True, with_needs=True)
    design = _build(make_app, src)
    assert not [w for w in warnings_of(design) if "[needs." in w or "designdoc.needs" in w]
    bridged = _needs(design.outdir / "needs.json")
    export = _needs(design.outdir / "designdoc-needs.json")
    # one need type in both files
    assert {i: n["type"] for i, n in export.items()} == {i: bridged[i]["type"] for i in export}
    assert bridged["DEC-1"]["type"] == "dd_decision" and not bridged["DEC-1"].get("severity")

    prefix = {"needimport": "IMP-", "external": "EXT-"}[reader]
    index = "Imported\n========\n\n"
    conf = (
        "from sphinx_designdoc import needs_config\n\n"
        "extensions = ['sphinx_needs']\nshow_warning_types = True\n"
        f"globals().update(needs_config({str(design.outdir / 'designdoc.json')!r}))\n"
    )
    if reader == "needimport":
        index += f".. needimport:: designdoc-needs.json\n   :id_prefix: {prefix}\n"
    else:
        conf += (
            "needs_external_needs = [{'json_path': 'designdoc-needs.json',"
            f" 'base_url': 'https://design.example.org', 'id_prefix': {prefix!r}}}]\n"
        )
    consumer = write_project(tmp_path / "consumer", {"index.rst": index}, conf=conf)
    shutil.copy(design.outdir / "designdoc-needs.json", consumer)
    app = _build(make_app, consumer, warningiserror=True)
    assert app.warning.getvalue() == ""  # -W passes

    needs = SphinxNeedsData(app.env).get_needs_view()
    assert set(needs) == {prefix + i for i in export}
    dec = needs[f"{prefix}DEC-1"]
    assert dec["type"] == "dd_decision" and dec["type_name"] == "Decision"
    assert dec["alternatives"] == "Adyen; build our own"
    assert dec["addresses"] == [f"{prefix}REQ-1"] and "effort" not in dec
    risk = needs[f"{prefix}RISK-1"]
    assert risk["severity"] == "high" and risk["dd_template"] == "threat-model"
    assert risk["mitigates"] == [f"{prefix}REQ-1"]

    def selected(sphinx_app, strip: str = "") -> set[str]:
        view = SphinxNeedsData(sphinx_app.env).get_needs_view()
        found = filter_needs_view(view, NeedsSphinxConfig(sphinx_app.config), FILTER)
        return {str(n["id"]).removeprefix(strip) for n in found}

    assert selected(design) == {"DEC-1"} == selected(app, prefix)


def test_the_importers_own_need_types_keep_their_names(make_app, tmp_path: Path) -> None:
    """A sphinx-needs project with need types named ``requirement`` and ``decision``
    merges the recipe's types into its own, as the docstring says: no type of ours
    takes one of its names (sphinx-needs would keep the last of two, with a warning)."""
    requires_sphinx_needs()
    from sphinx_needs.data import SphinxNeedsData

    src, _ = _design(tmp_path, "rst", custom=False, with_needs=False)
    design = _build(make_app, src)
    consumer = write_project(
        tmp_path / "consumer",
        {
            "index.rst": "Theirs\n======\n\n.. requirement:: Their requirement\n"
            "   :id: TR_001\n\n.. decision:: Their decision\n   :id: TD_001\n"
            "   :links: TR_001\n\n.. needimport:: designdoc-needs.json\n"
            "   :id_prefix: IMP-\n"
        },
        conf="from sphinx_designdoc import needs_config\n\n"
        "extensions = ['sphinx_needs']\nshow_warning_types = True\n"
        "design = needs_config()\n"
        "needs_types = [\n"
        "    {'directive': 'requirement', 'title': 'Their requirement', 'prefix': 'TR_'},\n"
        "    {'directive': 'decision', 'title': 'Their decision', 'prefix': 'TD_'},\n"
        "    *design['needs_types'],\n]\n"
        "needs_fields = design['needs_fields']\nneeds_links = design['needs_links']\n",
    )
    shutil.copy(design.outdir / "designdoc-needs.json", consumer)
    app = _build(make_app, consumer, warningiserror=True)
    assert app.warning.getvalue() == ""
    needs = SphinxNeedsData(app.env).get_needs_view()
    assert needs["TR_001"]["type"] == "requirement" and needs["TR_001"]["type_name"] == (
        "Their requirement"
    )
    assert needs["TD_001"]["type"] == "decision" and needs["TD_001"]["links"] == ["TR_001"]
    assert needs["IMP-REQ-1"]["type"] == "dd_requirement"
    assert needs["IMP-DEC-1"]["type"] == "dd_decision"
    assert needs["IMP-DEC-1"]["addresses"] == ["IMP-REQ-1"]
