"""The design checks (untraced, unused, unjustified, supersession, section, coverage,
pyproject) in RST and MyST: located warnings and designdoc.json findings."""

from __future__ import annotations

import pytest
from conftest import find_warning, load_report, warnings_of, write_project

from sphinx_designdoc.checks import CHECKS, checked_subtypes

ROOTS = {"checks": "rst", "checks-myst": "md"}


def _count(warnings: list[str], subtype: str) -> int:
    return sum(1 for w in warnings if w.endswith(f"[designdoc.{subtype}]"))


def test_every_design_check_is_registered() -> None:
    names = set(checked_subtypes())
    assert {
        "untraced",
        "unused",
        "unjustified",
        "supersession",
        "section",
        "coverage",
        "pyproject",
    } <= names
    assert all(callable(c.run) for c in CHECKS)


@pytest.mark.parametrize("root", list(ROOTS))
def test_design_checks(make_app, copy_root, root: str) -> None:
    ext = ROOTS[root]
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    w = warnings_of(app)
    design, adr, other = f"design.{ext}:", f"adr.{ext}:", f"other.{ext}:"

    # untraced: active requirements without a counting decision (rejected ones exempt)
    find_warning(w, design, "untraced", "requirement REQ-2 is untraced")
    find_warning(w, design, "untraced", "add ':addresses: REQ-4' to a decision")
    assert _count(w, "untraced") == 2
    # unused: a dependency only a rejected decision uses
    find_warning(w, design, "unused", "dependency DEP-6 is unused")
    assert _count(w, "unused") == 1
    # unjustified: a proposed decision that addresses nothing
    find_warning(w, design, "unjustified", "decision DEC-2 (proposed) addresses no requirement")
    assert _count(w, "unjustified") == 1
    # supersession: orphan superseded, superseding a live decision, one cycle reported once
    find_warning(w, design, "supersession", "DEC-4 has status superseded but nothing supersedes it")
    find_warning(w, design, "supersession", "DEC-5 supersedes DEC-1, whose status is 'accepted'")
    find_warning(w, design, "supersession", "supersession cycle: DEC-6 -> DEC-7 -> DEC-6")
    assert _count(w, "supersession") == 3
    # section: default template (case-insensitive titles), a configured one with aliases
    find_warning(
        w, design, "section", "lacks the section 'Observability' required by template 'default'"
    )
    assert not [x for x in w if "'Technical Design'" in x]  # "technical design" matches
    assert not [x for x in w if "'Current Context'" in x]
    assert _count(w, "section") == 7
    find_warning(w, adr, "section", "ADR-1 lacks the section 'Consequences'")
    assert not [x for x in w if "'Decision'" in x]  # matched through its alias "Outcome"
    find_warning(w, other, "invalid", "DD-2: unknown :template: 'nope' (known: adr, default)")
    # coverage: 1 of 3 active requirements, located at the first design document
    find_warning(w, adr, "coverage", "requirement coverage is 33.3% (1 of 3 traced)")
    # pyproject: specifier sets compared as sets; names canonicalised; groups searched
    find_warning(w, design, "pyproject", "DEP-2 (click) has :version: '>=7'")
    find_warning(w, design, "pyproject", "DEP-4 (ruff) has :version: '>=0.6'")
    find_warning(w, design, "pyproject", "runtime dependency DEP-5 (numpy) is missing")
    assert not [x for x in w if "DEP-1" in x or "DEP-3" in x or "DEP-7" in x]
    assert _count(w, "pyproject") == 4  # DEP-2, DEP-4, DEP-5 and the unused DEP-6

    report = load_report(app.outdir)
    findings = report["findings"]
    assert len(findings) == len(w)
    by_id = {(f["subtype"], f["id"]) for f in findings}
    assert ("untraced", "REQ-2") in by_id and ("unjustified", "DEC-2") in by_id
    assert ("supersession", "DEC-6") in by_id and ("supersession", "DEC-7") not in by_id
    untraced = next(f for f in findings if f["id"] == "REQ-2")
    assert untraced["source"] == f"design.{ext}" and untraced["line"]
    assert report["checks"]["untraced"] == 2 and report["checks"]["pyproject"] == 4
    assert report["coverage"]["requirement"]["percent"] == 33.3


def test_exact_locations_in_rst(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("checks"))
    app.build()
    w = warnings_of(app)
    find_warning(w, "design.rst:18:", "untraced", "REQ-2")
    find_warning(w, "design.rst:37:", "unjustified", "DEC-2")
    find_warning(w, "design.rst:58:", "supersession", "cycle")
    find_warning(w, "design.rst:4:", "section", "DD-1")
    find_warning(w, "adr.rst:4:", "coverage", "below designdoc_min_coverage 80%")


def test_checks_can_be_suppressed_and_coverage_is_off_by_default(make_app, copy_root) -> None:
    app = make_app(
        "html",
        srcdir=copy_root("checks"),
        confoverrides={
            "designdoc_min_coverage": 0,
            "designdoc_pyproject": None,
            "suppress_warnings": ["designdoc.untraced", "designdoc.section"],
        },
    )
    app.build()
    w = warnings_of(app)
    assert _count(w, "coverage") == _count(w, "pyproject") == 0
    assert _count(w, "untraced") == _count(w, "section") == 0
    assert _count(w, "unused") == 1
    flags = {f["subtype"]: f["suppressed"] for f in load_report(app.outdir)["findings"]}
    assert flags["untraced"] is True and flags["unused"] is False


@pytest.mark.parametrize(
    ("pyproject", "location", "fragment"),
    [
        # a path that cannot be read is fixed in conf.py, where the setting is
        ("missing.toml", "conf.py:", "designdoc_pyproject 'missing.toml' (missing.toml)"),
        # a file that is not TOML is fixed in the file, at the line the parser names
        ("broken.toml", "broken.toml:", "broken.toml is not valid TOML"),
    ],
)
def test_missing_or_corrupt_pyproject_is_a_warning(
    make_app, copy_root, pyproject: str, location: str, fragment: str
) -> None:
    app = make_app(
        "html", srcdir=copy_root("checks"), confoverrides={"designdoc_pyproject": pyproject}
    )
    app.build()
    w = warnings_of(app)
    find_warning(w, location, "pyproject", fragment)
    assert _count(w, "pyproject") == 1


#: a pyproject.toml as projects write them: extras (one includes another through the
#: project's own name), PEP 735 groups (one includes others), names to normalise
PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "Payment_Gateway"
version = "1.4.0"
dependencies = [
    "httpx>=0.27,<1",
    "pydantic>=2.6",
    "tomli>=1.1; python_version<'3.11'",
]

[project.optional-dependencies]
postgres = ["psycopg[binary]>=3.1"]
Docs = ["sphinx>=7.4", "myst-parser>=3"]
all = ["payment-gateway[postgres,docs]"]

[dependency-groups]
test = ["pytest>=8", "hypothesis>=6", "respx"]
lint = ["ruff>=0.6", "mypy>=1.10"]
dev = [{include-group = "test"}, {include-group = "lint"}, "pre-commit"]
build = ["build>=1"]
release = ["twine>=5"]
Typing = ["types-requests"]
"""

#: (ID, package, :scope: or None, :version: or None)
PYPROJECT_DEPENDENCIES = [
    ("DEP-HTTPX", "httpx", None, "<1,>=0.27"),
    ("DEP-PYDANTIC", "pydantic", "runtime", ">=2"),  # version differs
    ("DEP-PSYCOPG", "psycopg", "runtime", ">=3.1"),  # an extra: an optional runtime feature
    ("DEP-PYTEST", "pytest", "test", ">=8"),
    ("DEP-HYPOTHESIS", "hypothesis", "dev", None),  # dev may be in any development group
    ("DEP-RUFF", "ruff", "development", ">=0.6"),  # the old spelling of dev
    ("DEP-MYPY", "mypy", "test", None),  # a dev group holds test dependencies too
    ("DEP-SPHINX", "sphinx", "docs", ">=7.4"),  # the extra "Docs", normalised
    ("DEP-MYST", "myst-parser", "test", None),  # in the docs extra only
    ("DEP-RESPX", "respx", None, None),  # runtime by default, in test groups only
    ("DEP-PRECOMMIT", "pre-commit", "build", None),  # in the dev group
    ("DEP-HATCHLING", "hatchling", "build", ">=1.25"),  # in [build-system] requires
    ("DEP-BUILD", "build", "build", ">=1"),
    ("DEP-TWINE", "twine", "dev", ">=5"),  # a dependency group of another name: dev
    ("DEP-TYPES", "types-requests", "dev", None),
    ("DEP-TOMLI", "tomli", "dev", None),  # installed with the package
    ("DEP-NUMPY", "numpy", "docs", None),  # nowhere
    ("DEP-STRIPE", "stripe-api", "service", None),  # a service: not a package to list
]


def _dependency_page(markup: str) -> str:
    blocks = []
    for item_id, package, scope, version in PYPROJECT_DEPENDENCIES:
        options = [("id", item_id), ("package", package)]
        options += [("scope", scope)] if scope else []
        options += [("version", version)] if version else []
        if markup == "rst":
            blocks.append(
                f".. dependency:: {package}\n"
                + "".join(f"   :{name}: {value}\n" for name, value in options)
            )
        else:
            blocks.append(
                f"```{{dependency}} {package}\n"
                + "".join(f":{name}: {value}\n" for name, value in options)
                + "```\n"
            )
    heading = "Dependencies\n============\n" if markup == "rst" else "# Dependencies\n"
    return heading + "\n" + "\n".join(blocks)


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_pyproject_scopes_follow_the_groups(make_app, tmp_path, markup: str) -> None:
    """Where pyproject.toml lists a package says its scope; each dependency is found in
    a place of its scope, or the check says where it is instead."""
    extensions = '"myst_parser", "sphinx_designdoc"' if markup == "md" else '"sphinx_designdoc"'
    src = write_project(
        tmp_path / "src",
        {f"index.{markup}": _dependency_page(markup), "pyproject.toml": PYPROJECT},
        f"extensions = [{extensions}]\nshow_warning_types = True\n"
        "designdoc_pyproject = 'pyproject.toml'\nsuppress_warnings = ['designdoc.unused']\n",
    )
    app = make_app("html", srcdir=src)
    app.build()
    w = warnings_of(app)
    page = f"index.{markup}:"
    find_warning(w, page, "pyproject", "DEP-PYDANTIC (pydantic) has :version: '>=2' but")
    myst = find_warning(
        w,
        page,
        "pyproject",
        "test dependency DEP-MYST (myst-parser) is listed only in "
        # "all" includes the docs extra through the project's own name
        "[project.optional-dependencies] docs (docs) and [project.optional-dependencies] all "
        "(runtime) of pyproject.toml; set :scope: docs, or move it to a test group of "
        "[dependency-groups] or [project.optional-dependencies] (test, tests, testing)",
    )
    find_warning(
        w,
        page,
        "pyproject",
        "runtime dependency DEP-RESPX (respx) is listed only in [dependency-groups] test "
        "(test) and [dependency-groups] dev (dev) of pyproject.toml; set :scope: test, or move it "
        "to [project].dependencies",
    )
    find_warning(
        w,
        page,
        "pyproject",
        "dev dependency DEP-TOMLI (tomli) is listed only in [project].dependencies (runtime)",
    )
    find_warning(
        w,
        page,
        "pyproject",
        "docs dependency DEP-NUMPY (numpy) is missing from a docs group of [dependency-groups] "
        "or [project.optional-dependencies] (docs, doc, documentation) of pyproject.toml",
    )
    assert _count(w, "pyproject") == 5, w
    assert len(w) == 5, w
    # a scope that disagrees is located at the :scope: line
    lines = (src / f"index.{markup}").read_text(encoding="utf-8").splitlines()
    at = int(myst.split(page, 1)[1].split(":", 1)[0])
    assert lines[at - 1].strip() == ":scope: test" and "myst-parser" in "".join(lines[at - 4 : at])


def test_tracing_statuses_and_dev_groups(make_app, copy_root) -> None:
    """Only decisions in designdoc_tracing_statuses trace; DEC-1..9 are accepted or
    superseded, so with ["proposed"] only the proposed DEC-2 would count."""
    app = make_app(
        "html",
        srcdir=copy_root("checks"),
        confoverrides={"designdoc_tracing_statuses": ["proposed"]},
    )
    app.build()
    w = warnings_of(app)
    find_warning(w, "design.rst:", "untraced", "REQ-1")
    find_warning(w, "design.rst:", "unused", "DEP-1")
    assert _count(w, "unjustified") == 1  # DEC-2 is still the only unjustified one


def test_supersession_cycle_of_three_reported_once(make_app, tmp_path) -> None:
    src = tmp_path / "cycle"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_designdoc"]\n', encoding="utf-8")
    decisions = "".join(
        f".. decision:: D{n}\n   :id: D-{n}\n   :status: superseded\n"
        f"   :supersedes: D-{(n % 3) + 1}\n\n"
        for n in (1, 2, 3)
    )
    (src / "index.rst").write_text(
        "Cycle\n=====\n\n.. requirement:: R\n   :id: R-1\n\n"
        ".. decision:: Keeper\n   :id: D-0\n   :status: accepted\n   :addresses: R-1\n\n"
        + decisions
        + ".. decision:: Self\n   :id: D-9\n   :status: superseded\n   :supersedes: D-9\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    w = warnings_of(app)
    cycles = [x for x in w if "supersession cycle" in x]
    assert len(cycles) == 2, w
    assert any("D-1 -> D-2 -> D-3 -> D-1" in x for x in cycles)
    assert any("D-9 -> D-9" in x for x in cycles)


CUSTOM = {"tracing-custom": "rst", "tracing-custom-myst": "md"}


@pytest.mark.parametrize("root", list(CUSTOM))
def test_types_of_their_own_trace_as_their_links_say(
    make_app, copy_root, capsys: pytest.CaptureFixture[str], root: str
) -> None:
    """The shape of a Doorstop project converted (srd <- spec <- test, statuses of their
    own): the 3 objects that link nothing are unjustified, as Doorstop's 'no links to
    parent document', the 2 that nothing active links to are untraced, as its 'no links
    from child document'; every message in the type's own statuses."""
    from sphinx_designdoc.cli import main

    app = make_app("html", srcdir=copy_root(root))
    app.build()
    w = warnings_of(app)
    page = f"index.{CUSTOM[root]}:"
    find_warning(
        w,
        page,
        "unjustified",
        "spec SPEC-2 (draft) satisfies no srd; add ':satisfies:' naming the srd it answers, "
        "or set its status to inactive [",
    )
    find_warning(w, page, "unjustified", "spec SPEC-3 (active) satisfies no srd; add")
    # a type without an inactive status is offered none
    find_warning(
        w,
        page,
        "unjustified",
        "test TEST-3 (run) checks no spec; add ':checks:' naming the spec it answers [",
    )
    assert _count(w, "unjustified") == 3  # not SPEC-4 (inactive), nor those that link
    find_warning(
        w,
        page,
        "untraced",
        "srd SRD-2 is untraced: no active or draft spec satisfies it; add ':satisfies: SRD-2' "
        "to a spec, or set its status to inactive if it is dropped [",
    )
    find_warning(
        w, page, "untraced", "spec SPEC-2 is untraced: no run or written test checks it; add"
    )
    assert _count(w, "untraced") == 2
    tracing = [x for x in w if "[designdoc.un" in x]
    assert not [x for x in tracing if "accepted" in x or "proposed" in x or "rejected" in x]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "satisfied by a spec that is active or draft" in html  # the legend
    md = (app.outdir / "designdoc.md").read_text(encoding="utf-8")
    assert "satisfied by SPEC-4 (inactive) only, and a spec counts when it is active or draft" in md
    junit = (app.outdir / "designdoc-junit.xml").read_text(encoding="utf-8")
    assert 'message="SPEC-2 is untraced: no run or written test checks it"' in junit
    for text in (html, md, junit):
        assert "accepted or proposed" not in text
    assert main(["trace", "SRD-2", "--data", str(app.outdir)]) == 0
    assert "a spec counts when it is active or draft" in capsys.readouterr().out


@pytest.mark.parametrize("root", list(CUSTOM))
def test_a_type_with_nothing_to_trace_is_no_share_of_nothing(
    make_app, copy_root, capsys: pytest.CaptureFixture[str], root: str
) -> None:
    """Coverage is of the types with objects to trace: the requirement (only a rejected
    one) is not "0 of 0 traced (100%)" in any output, and designdoc_min_coverage does
    not judge it."""
    from sphinx_designdoc.cli import main

    app = make_app("html", srcdir=copy_root(root))
    app.build()
    w = warnings_of(app)
    page = f"index.{CUSTOM[root]}:"
    find_warning(w, page, "coverage", "srd coverage is 50% (1 of 2 traced)")
    find_warning(w, page, "coverage", "spec coverage is 66.7% (2 of 3 traced)")
    assert _count(w, "coverage") == 2
    report = load_report(app.outdir)
    assert report["coverage"] == {
        "spec": {"traced": 2, "total": 3, "percent": 66.7},
        "srd": {"traced": 1, "total": 2, "percent": 50.0},
    }
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert ">1 of 2 traced (50%)</p>" in html  # the srd matrix
    assert ">nothing to trace</p>" in html  # the requirement matrix
    md = (app.outdir / "designdoc.md").read_text(encoding="utf-8")
    assert "| SRD | 1 | 2 | 50% |" in md and "Nothing to trace: Requirement." in md
    assert "## Traceability matrix: Requirement\n\nnothing to trace\n" in md
    standalone = (app.outdir / "designdoc-report.html").read_text(encoding="utf-8")
    assert "<p>Nothing to trace: Requirement.</p>" in standalone
    assert "<p>nothing to trace</p>" in standalone
    for text in (html, md, standalone):
        assert "of 0 traced" not in text and "| 0 | 0 |" not in text and ">0</td>" not in text
    assert main(["check", str(app.outdir)]) == 1
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.endswith(
        "; requirement: nothing to trace; spec coverage 2 of 3 traced (66.7%); "
        "srd coverage 1 of 2 traced (50%)"
    )
