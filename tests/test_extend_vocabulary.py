"""Extending the vocabulary keeps it: an entry of ``designdoc_types`` / ``designdoc_links``
for a built-in type or link changes only the keys it names; dependencies have scopes, and
``designdoc_decided_scopes`` says which of them the ``unused`` check asks a decision for.
Units through build_schema / build_settings, and builds in reStructuredText and MyST."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import find_warning, load_report, warnings_of, write_project

from sphinx_designdoc.checks import CheckContext
from sphinx_designdoc.checks.tracing import check_unused
from sphinx_designdoc.config import build_settings
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.model import Item
from sphinx_designdoc.vocabulary import BUILTIN_TYPES
from sphinx_designdoc.vocabulary_config import build_schema

BUILTIN = {t.name: t for t in BUILTIN_TYPES}
REQUIREMENT_STATUSES = list(BUILTIN["requirement"].statuses)


def _schema(types: Any = None, links: Any = None) -> tuple[Any, list[str]]:
    problems: list[str] = []
    return build_schema(types, links, problems=problems), problems


# -- an entry for a built-in type changes only the keys it names -----------------------


def test_one_more_status_keeps_every_other_key_of_the_builtin_type() -> None:
    schema, problems = _schema({"requirement": {"statuses": [*REQUIREMENT_STATUSES, "retired"]}})
    assert problems == []
    requirement, builtin = schema.types["requirement"], BUILTIN["requirement"]
    assert requirement.statuses == (*builtin.statuses, "retired")
    # fields, label, colour, inactive statuses and the default status are kept
    assert requirement.fields == builtin.fields
    assert requirement.field("priority") is not None
    assert (requirement.label, requirement.color) == (builtin.label, builtin.color)
    assert requirement.inactive_statuses == builtin.inactive_statuses
    assert requirement.default_status == "proposed"
    # the other built-in types are untouched
    assert schema.types["decision"] == BUILTIN["decision"]


def test_a_statuses_list_replaces_the_statuses_and_its_first_is_the_default() -> None:
    schema, problems = _schema(
        {"requirement": {"statuses": ["draft", "approved", "rejected"], "color": "#ffffff"}}
    )
    requirement = schema.types["requirement"]
    assert requirement.statuses == ("draft", "approved", "rejected")
    assert requirement.default_status == "draft"
    assert requirement.color == "#ffffff" and requirement.label == "Requirement"
    # the inactive statuses still present are kept; the one that is gone is said
    assert requirement.inactive_statuses == ("rejected",)
    assert len(problems) == 1
    assert "designdoc_types['requirement']: inactive status 'deprecated' is not one" in problems[0]
    assert "give 'inactive_statuses'" in problems[0]


def test_fields_are_added_or_replaced_by_name_and_false_removes_one() -> None:
    schema, problems = _schema(
        {
            "requirement": {
                "fields": {
                    "risk": ["low", "high"],  # added
                    "priority": ["p1", "p2", "p3"],  # replaced
                    "category": False,  # removed
                }
            }
        }
    )
    assert problems == []
    requirement = schema.types["requirement"]
    assert [f.name for f in requirement.fields] == ["kind", "priority", "risk"]
    assert requirement.field("priority").choices == ("p1", "p2", "p3")  # type: ignore[union-attr]
    assert requirement.field("kind") == BUILTIN["requirement"].field("kind")
    assert requirement.statuses == BUILTIN["requirement"].statuses


def test_notes_on_an_entry_keep_it() -> None:
    schema, problems = _schema(
        {
            "requirement": {"status": ["x"], "fields": {"nonesuch": False}},
            "risk": {"statuses": ["open", "closed"], "inactive_statuses": ["gone"]},
        }
    )
    assert schema.types["requirement"] == BUILTIN["requirement"]
    assert schema.types["risk"].inactive_statuses == ()
    assert problems == [
        "designdoc_types['requirement']: 'nonesuch' is not a field of requirement, so there "
        "is none to remove",
        "designdoc_types['requirement']: unknown key 'status' (did you mean 'statuses'?) is "
        "ignored (known: label, statuses, inactive_statuses, fields, color, verifiable)",
        "designdoc_types['risk']: inactive status 'gone' is not one of its statuses (open, "
        "closed), so it is dropped; add it to 'statuses', or remove it from "
        "'inactive_statuses'",
    ]


def test_a_type_of_its_own_means_what_it_meant() -> None:
    schema, problems = _schema({"risk": {"fields": {"severity": ["low", "high"]}}})
    assert problems == []
    risk = schema.types["risk"]
    assert risk.statuses == ("draft", "approved") and risk.inactive_statuses == ()
    assert [f.name for f in risk.fields] == ["severity"] and risk.label == "Risk"


def test_a_field_that_would_shadow_a_builtin_link_is_refused_and_the_type_kept() -> None:
    schema, problems = _schema({"decision": {"fields": {"uses": "text"}}})
    assert schema.types["decision"] == BUILTIN["decision"]
    assert problems == [
        "designdoc_types['decision']: field 'uses' clashes with the link option :uses: of a "
        "decision"
    ]


def test_an_entry_for_a_builtin_link_changes_only_the_keys_it_names() -> None:
    schema, problems = _schema(
        {"risk": {"statuses": ["open", "closed"]}},
        {"addresses": {"target": ["requirement", "risk"]}, "uses": {"incoming": "relied on by"}},
    )
    assert problems == []
    addresses = schema.links["addresses"]
    assert addresses.targets == ("requirement", "risk")
    assert addresses.traces and addresses.incoming == "addressed by"
    assert addresses.sources == ("decision",)
    uses = schema.links["uses"]
    assert uses.incoming == "relied on by" and uses.targets == ("dependency",)
    assert not uses.traces


# -- builds: a status, a field and a link type added to built-in types -----------------

CONF = """\
extensions = [{extensions}]
show_warning_types = True
designdoc_types = {{
    "requirement": {{
        "statuses": ["proposed", "draft", "approved", "implemented", "verified",
                     "rejected", "deprecated", "retired"],
        "fields": {{"risk": ["low", "high"]}},
    }},
}}
designdoc_links = {{
    "depends-on": {{"incoming": "needed by", "source": "requirement", "target": "requirement"}},
}}
"""

PAGES = {
    "rst": """\
Design
======

.. requirement:: Pay by card
   :id: REQ-1
   :kind: functional
   :priority: must
   :category: payments
   :risk: high
   :status: approved

.. requirement:: Pay by invoice
   :id: REQ-2
   :priority: could
   :status: retired
   :depends-on: REQ-1

.. decision:: Use a payment provider
   :id: DEC-1
   :status: accepted
   :addresses: REQ-1
""",
    "md": """\
# Design

```{requirement} Pay by card
:id: REQ-1
:kind: functional
:priority: must
:category: payments
:risk: high
:status: approved
```

```{requirement} Pay by invoice
:id: REQ-2
:priority: could
:status: retired
:depends-on: REQ-1
```

```{decision} Use a payment provider
:id: DEC-1
:status: accepted
:addresses: REQ-1
```
""",
}
EXTENSIONS = {"rst": '"sphinx_designdoc"', "md": '"myst_parser", "sphinx_designdoc"'}


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_extending_requirement_keeps_its_options(make_app, tmp_path: Path, markup: str) -> None:
    src = write_project(
        tmp_path / "src",
        {f"index.{markup}": PAGES[markup]},
        CONF.format(extensions=EXTENSIONS[markup]),
    )
    app = make_app("html", srcdir=src)
    app.build()
    w = warnings_of(app)
    assert not [line for line in w if "unknown option" in line or "unknown status" in line], w
    # REQ-2 is retired, a status that is active: it is untraced, and nothing else is said
    find_warning(w, f"index.{markup}:", "untraced", "requirement REQ-2 is untraced")
    assert len(w) == 1, w
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objects["REQ-1"]["fields"]["priority"] == "must"
    assert objects["REQ-1"]["fields"]["risk"] == "high"
    assert objects["REQ-2"]["status"] == "retired"
    assert objects["REQ-1"]["incoming"]["needed by"] == ["REQ-2"]
    vocabulary = load_report(app.outdir)["vocabulary"]["types"]["requirement"]
    assert list(vocabulary["fields"]) == ["kind", "category", "priority", "risk"]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Priority" in html and "Needed by" in html


def test_an_inactive_status_left_out_is_a_located_config_warning(make_app, tmp_path) -> None:
    conf = (
        'extensions = ["sphinx_designdoc"]\nshow_warning_types = True\n'
        'designdoc_types = {"requirement": {"statuses": ["draft", "approved", "rejected"]}}\n'
    )
    src = write_project(
        tmp_path / "src",
        {"index.rst": "Design\n======\n\n.. requirement:: A\n   :id: REQ-1\n   :priority: must\n"},
        conf,
    )
    app = make_app("html", srcdir=src)
    app.build()
    w = warnings_of(app)
    find_warning(w, "conf.py:3:", "config", "inactive status 'deprecated' is not one of its")
    assert not [line for line in w if "unknown option" in line], w
    assert load_report(app.outdir)["objects"][0]["status"] == "draft"  # the new first status


# -- dependency scopes and designdoc_decided_scopes ------------------------------------


def _dep(item_id: str, scope: str | None) -> Item:
    fields = {} if scope is None else {"scope": scope}
    return Item(item_id, "dependency", item_id, "approved", "d", "d.rst", 1, fields, {})


SCOPED = [
    _dep("DEP-RUNTIME", "runtime"),
    _dep("DEP-DEFAULT", None),  # no :scope: at all (a type with no default): runtime
    _dep("DEP-DEV", "dev"),
    _dep("DEP-OLD", "development"),  # the old spelling of dev
    _dep("DEP-TEST", "test"),
    _dep("DEP-BUILD", "build"),
    _dep("DEP-DOCS", "docs"),
    _dep("DEP-SERVICE", "service"),
]


def _unused(settings: dict[str, Any]) -> list[str]:
    built, problems = build_settings(settings)
    assert problems == []
    graph = Graph(SCOPED, built.schema, built.tracing_statuses)
    return [f.id or "" for f in check_unused(CheckContext(graph, built, {}))]


@pytest.mark.parametrize(
    ("decided", "unused"),
    [
        (None, ["DEP-RUNTIME", "DEP-DEFAULT", "DEP-SERVICE"]),
        (["runtime", "test"], ["DEP-RUNTIME", "DEP-DEFAULT", "DEP-TEST", "DEP-SERVICE"]),
        (["development"], ["DEP-DEV", "DEP-OLD"]),  # the old spelling names dev too
        (["service"], ["DEP-SERVICE"]),
        ([], []),
    ],
)
def test_only_the_decided_scopes_need_a_decision(decided, unused: list[str]) -> None:
    settings = {} if decided is None else {"designdoc_decided_scopes": decided}
    assert sorted(_unused(settings)) == sorted(unused)


def test_decided_scopes_are_validated() -> None:
    settings, problems = build_settings({"designdoc_decided_scopes": ["runtime", "tests"]})
    assert settings.decided_scopes == {"runtime"}
    assert problems == [
        "designdoc_decided_scopes: 'tests' is not a dependency scope (did you mean 'test'?) "
        "(one of: runtime, dev, test, build, docs, service); it is left out"
    ]
    settings, problems = build_settings({"designdoc_decided_scopes": 3})
    assert settings.decided_scopes == {"runtime"} and len(problems) == 1


SCOPE_PAGES = {
    "rst": """\
Design
======

.. dependency:: pytest
   :id: DEP-1
   :scope: test

.. dependency:: ruff
   :id: DEP-2
   :scope: development

.. dependency:: requests
   :id: DEP-3

.. dependency:: PostgreSQL
   :id: DEP-4
   :scope: service

.. dependency:: sphinx
   :id: DEP-5
   :scope: tests
""",
    "md": """\
# Design

```{dependency} pytest
:id: DEP-1
:scope: test
```

```{dependency} ruff
:id: DEP-2
:scope: development
```

```{dependency} requests
:id: DEP-3
```

```{dependency} PostgreSQL
:id: DEP-4
:scope: service
```

```{dependency} sphinx
:id: DEP-5
:scope: tests
```
""",
}


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_scopes_in_a_build(make_app, tmp_path: Path, markup: str) -> None:
    conf = f"extensions = [{EXTENSIONS[markup]}]\nshow_warning_types = True\n"
    src = write_project(tmp_path / "src", {f"index.{markup}": SCOPE_PAGES[markup]}, conf)
    app = make_app("html", srcdir=src)
    app.build()
    w = warnings_of(app)
    page = f"index.{markup}:"
    # runtime (the default) and service need a deciding decision; test and dev do not
    find_warning(w, page, "unused", "dependency DEP-3 is unused")
    find_warning(w, page, "unused", "set its :scope: to dev/test/build/docs")
    find_warning(w, page, "unused", "dependency DEP-4 is unused")
    # an unknown scope is an invalid value (kept, and decided like runtime)
    find_warning(w, page, "invalid", "unknown scope 'tests' (did you mean 'test'?)")
    find_warning(w, page, "unused", "dependency DEP-5 is unused")
    assert len(w) == 4, w  # the old spelling 'development' is read as dev, unsaid
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objects["DEP-2"]["fields"]["scope"] == "development"  # kept as written
    assert objects["DEP-3"]["fields"]["scope"] == "runtime"


def test_the_documented_extension_does_what_the_docs_say() -> None:
    """The example of docs/configuration.md ("Extending the built-in types"), run."""
    page = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text("utf-8")
    section = page.split("## Extending the built-in types", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # the page's own text, in the repository
    settings, problems = build_settings(
        {
            "designdoc_types": namespace["designdoc_types"],
            "designdoc_links": namespace["designdoc_links"],
        }
    )
    assert problems == []
    schema = settings.schema
    requirement = schema.types["requirement"]
    assert requirement.statuses[-1] == "retired" and requirement.default_status == "proposed"
    assert [f.name for f in requirement.fields] == ["kind", "category", "priority", "risk"]
    assert requirement.inactive_statuses == ("rejected", "deprecated")
    assert schema.types["decision"].field("deciders") is None
    assert schema.types["decision"].field("date") is not None
    assert schema.links["depends-on"].incoming == "needed by"
