"""The evidence recipes of docs/howto.md run as written, and the evidence pages name only
what exists.  The pytest recipe's files are read from the page's fences (markdown-it, as
MyST reads the page), its tests run by pytest in a child process with ``--junitxml`` as
the page says, and the design document built with the results: the requirement whose
test passes is ``passed``, the one whose test fails on purpose is ``failed`` and the
warning the page shows.  The CI recipes' steps run in bash on the same files.  The
guide's ``:verified-by:`` examples build in reStructuredText and MyST."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import load_report, warnings_of, write_project

from sphinx_designdoc.config import CONFIG_VALUES
from sphinx_designdoc.subtypes import SUBTYPES
from sphinx_designdoc.views import KINDS
from sphinx_designdoc.vocabulary import BUILTIN_TYPES, COMMON_FIELDS

yaml = pytest.importorskip("yaml", reason="PyYAML (a dependency of myst-parser) reads the recipes")

ROOT = Path(__file__).resolve().parent.parent
HOWTO = ROOT / "docs" / "howto.md"
GUIDE = ROOT / "docs" / "guide.md"
HOWTO_SECTION = "Trace tests to requirements"
GUIDE_SECTION = "Evidence: tests and code"

#: the pytest plugin of this checkout, whatever the installed package registers (as
#: tests/test_evidence_pytest_plugin.py runs it), and no cache written into the project
PYTEST_OPTIONS = "-p no:cacheprovider -p no:designdoc -p sphinx_designdoc.pytest_plugin"


def fences(page: Path, section: str, subsection: str | None = None) -> list[tuple[str, str]]:
    """(info, content) of every fence under the ``##`` heading ``section`` (and the
    ``###`` heading ``subsection``), in order."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(page.read_text(encoding="utf-8"))
    in_section = in_subsection = False
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[index + 1].content
            if token.tag == "h2":
                in_section, in_subsection = title == section, subsection is None
            elif token.tag == "h3" and in_section and subsection is not None:
                in_subsection = title == subsection
        elif in_section and in_subsection and token.type == "fence":
            found.append((token.info.strip(), token.content))
    assert found, f"no fence under {section!r} / {subsection!r} in {page.name}"
    return found


def section_text(page: Path, section: str) -> str:
    text = page.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def by_first_line(found: list[tuple[str, str]], info: str) -> dict[str, str]:
    """The fences of language ``info`` whose first line is a comment naming their file."""
    named = {}
    for lang, content in found:
        first = content.splitlines()[0]
        if lang == info and (m := re.fullmatch(r"(?:#|//) (\S+)", first.strip())):
            named[m.group(1)] = content
    return named


def pytest_recipe(tmp: Path) -> dict[str, Any]:
    """The pytest recipe's files written into ``tmp`` as the page lays them out."""
    found = fences(HOWTO, HOWTO_SECTION, "pytest")
    python = by_first_line(found, "python")
    assert set(python) == {"tests/test_refunds.py", "docs/conf.py"}, set(python)
    (rst,) = [content for lang, content in found if lang == "rst"]
    (console,) = [content for lang, content in found if lang == "console"]
    (expected,) = [content for lang, content in found if lang == "text"]
    (tmp / "tests").mkdir(parents=True)
    (tmp / "docs").mkdir()
    (tmp / "tests" / "test_refunds.py").write_text(python["tests/test_refunds.py"])
    # show_warning_types: the page shows the subtype, as Sphinx 8 does by default
    conf = python["docs/conf.py"] + "show_warning_types = True\n"
    (tmp / "docs" / "conf.py").write_text(conf, encoding="utf-8")
    (tmp / "docs" / "index.rst").write_text(rst, encoding="utf-8")
    commands = [line[2:] for line in console.splitlines() if line.startswith("$ ")]
    return {"commands": commands, "warnings": expected.splitlines(), "conf": conf}


def child_env(tmp: Path) -> dict[str, str]:
    """This checkout first on the path, ``python`` this interpreter, the plugin as the
    tests of the plugin load it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GITHUB_", "CI"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTEST_ADDOPTS"] = PYTEST_OPTIONS
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "python"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    shim.chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if shutil.which("bash", path=env.get("PATH")) is None:
        pytest.skip(
            "the recipes are shell steps run in bash, which this machine lacks (.ci/run's has it)"
        )
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_pytest_recipe_verifies_one_requirement_and_fails_the_other(
    make_app, tmp_path: Path
) -> None:
    project = tmp_path / "pay"
    recipe = pytest_recipe(project)
    test_command, build_command = recipe["commands"]
    assert shlex.split(test_command) == [
        "python",
        "-m",
        "pytest",
        "--junitxml=test-results/pytest.xml",
    ]
    assert build_command.startswith("python -m sphinx -b html docs ")
    done = run(test_command, project, child_env(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr  # one test fails, on purpose
    assert "1 failed, 1 passed" in done.stdout
    assert (project / "test-results" / "pytest.xml").is_file()

    app = make_app("html", srcdir=project / "docs")
    app.build()
    by_id = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert by_id["REQ-1"]["verification"] == {
        "state": "passed",
        "tests": [
            {
                "id": "tests.test_refunds.test_refund_keeps_the_fee",
                "outcome": "passed",
                "file": "",
                "line": 0,
                "message": "",
            }
        ],
    }
    failed = by_id["REQ-2"]["verification"]
    assert failed["state"] == "failed"
    assert [(t["id"], t["outcome"]) for t in failed["tests"]] == [
        ("tests.test_refunds.test_partial_refund", "failed")
    ]
    # the warnings are those the page shows, at the paths it shows them
    shown = [w.replace(f"{project}{os.sep}", "").replace(os.sep, "/") for w in warnings_of(app)]
    assert shown == recipe["warnings"]
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "passed (1 test)" in page and "failed (1 of 1 test)" in page
    assert "dd-badge-failing" in page and "dd-matrix-verified" in page


def test_the_marker_and_verified_by_name_the_same_test(make_app, tmp_path: Path) -> None:
    """The page says ``:verified-by: tests/test_refunds.py::test_partial_refund`` names
    the test the marker names: without the marker, the option gives the same result, in
    both JUnit families."""
    project = tmp_path / "pay"
    recipe = pytest_recipe(project)
    text = section_text(HOWTO, HOWTO_SECTION)
    pattern = re.search(r"`:verified-by: (tests/test_refunds\.py::\w+)` on REQ-2", text)
    assert pattern is not None
    test_file = project / "tests" / "test_refunds.py"
    source = test_file.read_text(encoding="utf-8")
    test_file.write_text(source.replace('@pytest.mark.verifies("REQ-2")\n', ""))
    index = project / "docs" / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "   :id: REQ-2\n", f"   :id: REQ-2\n   :verified-by: {pattern.group(1)}\n"
        ),
        encoding="utf-8",
    )
    env = child_env(tmp_path)
    for family in ("xunit1", "xunit2"):
        done = run(recipe["commands"][0] + f" -o junit_family={family}", project, env)
        assert done.returncode == 1, done.stdout + done.stderr
        app = make_app("html", srcdir=project / "docs", freshenv=True)
        app.build()
        by_id = {o["id"]: o for o in load_report(app.outdir)["objects"]}
        tests = by_id["REQ-2"]["verification"]["tests"]
        assert [t["outcome"] for t in tests] == ["failed"], family
        # (a second application in one process warns that Sphinx's nodes are registered)
        ours = [w for w in warnings_of(app) if "[designdoc." in w]
        assert [w.split("WARNING: ", 1)[1] for w in ours] == [
            w.split("WARNING: ", 1)[1].replace(
                "tests.test_refunds.test_partial_refund",
                "tests/test_refunds.py::test_partial_refund"
                if family == "xunit1"
                else "tests.test_refunds.test_partial_refund",
            )
            for w in recipe["warnings"]
        ]


def ci_recipe(first_line: str) -> Any:
    found = [
        content
        for lang, content in fences(
            HOWTO, HOWTO_SECTION, "Keep the results and the docs from the same commit"
        )
        if lang == "yaml" and content.splitlines()[0] == first_line
    ]
    assert len(found) == 1, first_line
    return yaml.safe_load(found[0])


def _fix_the_failing_test(project: Path) -> None:
    test_file = project / "tests" / "test_refunds.py"
    text = test_file.read_text(encoding="utf-8")
    assert "== 40  #" in text
    test_file.write_text(text.replace("== 40  #", "== 35  #"), encoding="utf-8")


@pytest.mark.parametrize("tests_pass", [False, True])
def test_the_github_job_builds_the_docs_after_a_failing_test(
    tmp_path: Path, tests_pass: bool
) -> None:
    """The job runs the tests and the docs on one checkout; the docs step runs also
    when the tests failed, and fails with the failing requirement located."""
    workflow = ci_recipe("# .github/workflows/docs.yml")
    (job,) = workflow["jobs"].values()
    project = tmp_path / "pay"
    pytest_recipe(project)
    if tests_pass:
        _fix_the_failing_test(project)
    env = child_env(tmp_path)
    ran: list[tuple[str, int, str]] = []
    failed = False
    for step in job["steps"]:
        if "uses" in step:
            assert step["uses"].split("@")[0] in ("actions/checkout", "actions/setup-python")
            continue
        if "pip install" in step["run"]:
            continue
        if failed and step.get("if") != "always()":
            continue
        done = run(step["run"], project, env)
        ran.append((step.get("name", ""), done.returncode, done.stdout + done.stderr))
        failed = failed or done.returncode != 0
    names = [name for name, _, _ in ran]
    assert names == ["Test", "Build the docs with the test results"]
    (_, test_code, _), (_, docs_code, docs_output) = ran
    if tests_pass:
        assert (test_code, docs_code) == (0, 0), docs_output
    else:
        assert test_code == 1 and docs_code != 0
        # Sphinx 8 writes "file:8: WARNING: …"; Sphinx 7's -W, "Warning, treated as
        # error:" and then "file:8:…"
        assert re.search(r"docs/index\.rst:8: ?(WARNING: )?REQ-2 is not verified", docs_output)
        assert "[designdoc.failing]" in docs_output


@pytest.mark.parametrize("tests_pass", [False, True])
def test_the_gitlab_job_builds_the_docs_and_keeps_the_tests_status(
    tmp_path: Path, tests_pass: bool
) -> None:
    job = ci_recipe("# .gitlab-ci.yml")["docs"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "test-results/pytest.xml"
    project = tmp_path / "pay"
    recipe = pytest_recipe(project)
    assert recipe["conf"].count("../test-results/*.xml") == 1
    if tests_pass:
        _fix_the_failing_test(project)
    # GitLab runs the lines as one script, stopping at the first failing one
    script = "\n".join(line for line in job["script"] if not line.startswith("pip install"))
    done = run(script, project, child_env(tmp_path))
    if tests_pass:
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads((project / "public" / "designdoc.json").read_text(encoding="utf-8"))
        states = {o["id"]: o.get("verification", {}).get("state") for o in report["objects"]}
        assert states == {"REQ-1": "passed", "REQ-2": "passed", "DEC-1": None}
    else:
        assert done.returncode != 0
        assert "REQ-2 is not verified" in done.stderr and "[designdoc.failing]" in done.stderr


def test_the_github_job_reads_the_results_the_docs_name() -> None:
    workflow = ci_recipe("# .github/workflows/docs.yml")
    (job,) = workflow["jobs"].values()
    runs = [s for s in job["steps"] if "run" in s]
    test_step = next(s for s in runs if "-m pytest " in s["run"])
    docs_step = next(s for s in runs if "-m sphinx " in s["run"])
    assert runs.index(test_step) < runs.index(docs_step)
    assert "--junitxml=test-results/pytest.xml" in test_step["run"]
    assert docs_step["if"] == "always()" and " -W " in docs_step["run"]


# -- the guide's examples ------------------------------------------------------------

GUIDE_RESULTS = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" tests="3">
<testcase classname="ledger.TestExport" name="test_csv"/>
<testcase classname="tests.test_audit" name="test_log[a]"/>
<testcase classname="tests.test_audit" name="test_log[b]">
<failure message="assert 1 == 2">trace</failure></testcase>
</testsuite></testsuites>
"""


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_the_guides_verified_by_examples_build(make_app, tmp_path: Path, markup: str) -> None:
    examples = [c for lang, c in fences(GUIDE, GUIDE_SECTION) if lang == markup]
    assert examples
    decision = (
        "\n.. decision:: Export through the ledger\n   :id: DEC-1\n   :addresses: REQ-5\n"
        if markup == "rst"
        else "\n:::{decision} Export through the ledger\n:id: DEC-1\n:addresses: REQ-5\n:::\n"
    )
    conf = (
        'extensions = ["sphinx_designdoc", "myst_parser"]\nshow_warning_types = True\n'
        'myst_enable_extensions = ["colon_fence"]\ndesigndoc_test_results = ["results/*.xml"]\n'
    )
    title = "Guide\n=====\n\n" if markup == "rst" else "# Guide\n\n"
    body = title + "\n\n".join(examples) + decision
    src = write_project(tmp_path / markup, {f"index.{markup}": body}, conf)
    (src / "results").mkdir()
    (src / "results" / "pytest.xml").write_text(GUIDE_RESULTS, encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    by_id = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    tests = by_id["REQ-5"]["verification"]["tests"]
    assert [t["id"] for t in tests] == [
        "ledger.TestExport.test_csv",
        "tests.test_audit.test_log[a]",
        "tests.test_audit.test_log[b]",
    ]
    warnings = warnings_of(app)
    # the one failing test, and nothing the page wrote wrong
    assert len(warnings) == 1 and warnings[0].endswith("[designdoc.failing]"), warnings
    if markup == "rst":  # the dd-table example lists the requirement without a pass
        page = (app.outdir / "index.html").read_text(encoding="utf-8")
        assert "Requirements without a passing test" in page


# -- the pages name what exists ------------------------------------------------------


def _evidence_text() -> str:
    return section_text(GUIDE, GUIDE_SECTION) + section_text(HOWTO, HOWTO_SECTION)


def test_every_setting_the_evidence_pages_name_exists() -> None:
    named = set(re.findall(r"\bdesigndoc_[a-z_]+", _evidence_text()))
    known = {cv.name for cv in CONFIG_VALUES}
    assert {"designdoc_test_results", "designdoc_require_verified"} <= named
    assert {"designdoc_code", "designdoc_require_implemented"} <= named
    assert named <= known, sorted(named - known)


def test_every_warning_kind_the_evidence_pages_name_exists() -> None:
    named = set(re.findall(r"\bdesigndoc\.([a-z_]+)\b", _evidence_text())) - {"json", "lock"}
    assert {"failing", "unverified", "evidence", "dangling", "unimplemented"} <= named
    assert named <= set(SUBTYPES), sorted(named - set(SUBTYPES))


def test_every_option_the_evidence_pages_name_exists() -> None:
    """Every ``:option:`` of the pages' text and examples is an object's field, a view's
    option or a directive's common option."""
    text = _evidence_text()
    named = set(re.findall(r"(?m)(?:^\s*|`):([a-z][a-z-]*):", text))
    fields = {f.name for t in BUILTIN_TYPES for f in t.fields} | {f.name for f in COMMON_FIELDS}
    view_options = {o for kind in KINDS.values() for o in kind.options}
    known = fields | view_options | {"id", "status", "addresses"}
    assert {"verified-by", "verified", "filter"} <= named
    assert named <= known, sorted(named - known)
    # the table's columns and filter names the guide gives
    from sphinx_designdoc.views.table import BASE_COLUMNS

    assert {"verified", "code"} <= set(BASE_COLUMNS)
    assert "`verified` column" in text and "`code` column" in text


# -- the code tags recipe --------------------------------------------------------------


def test_the_tag_the_code_recipe_links_the_decision_to_its_line(make_app, tmp_path: Path) -> None:
    """The recipe's source file, settings and the pytest recipe's design document, in a
    git work tree with a commit: the decision shows the tag's line, linked to the code
    host at that commit; an accepted decision without a tag would be unimplemented."""
    import shutil

    if shutil.which("git") is None:
        pytest.skip("the recipe's url needs a commit, from git")
    project = tmp_path / "pay"
    recipe = pytest_recipe(project)
    named = by_first_line(fences(HOWTO, HOWTO_SECTION, "Tag the code"), "python")
    assert set(named) == {"src/pay/refund.py", "docs/conf.py"}
    (project / "src" / "pay").mkdir(parents=True)
    (project / "src" / "pay" / "refund.py").write_text(named["src/pay/refund.py"])
    conf = project / "docs" / "conf.py"
    conf.write_text(recipe["conf"] + named["docs/conf.py"].split("\n", 1)[1], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=Ann", "-c", "user.email=a@example.org", "commit", "-qm", "pay"],
    ):
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    commit = (
        subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=project, env=env, check=True, capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    # the test results are the pytest recipe's; here only the code matters
    (project / "test-results").mkdir()
    (project / "test-results" / "pytest.xml").write_text(
        '<testsuites><testsuite name="pytest"/></testsuites>', encoding="utf-8"
    )
    app = make_app("html", srcdir=project / "docs")
    app.build()
    by_id = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    text = section_text(HOWTO, HOWTO_SECTION)
    shown = re.search(r"DEC-1 then shows \*Code: ([^*]+)\*", text)
    assert shown is not None
    path, line = shown.group(1).rsplit(":", 1)
    assert by_id["DEC-1"]["code"] == [
        {
            "path": path,
            "line": int(line),
            "url": f"https://github.com/acme/pay/blob/{commit}/src/pay/refund.py#L{line}",
        }
    ]
    assert not [w for w in warnings_of(app) if "unimplemented" in w or "evidence]" in w]


def test_the_guides_code_settings_and_tags_are_read_as_it_says() -> None:
    """Each ``designdoc_code`` of the guide is a setting the scanner takes; the default
    pattern finds the guide's tags, and the OpenFastTrace pattern its tag."""
    from sphinx_designdoc.evidence.code import DEFAULT_PATTERN, code_entries, tags_in

    found = fences(GUIDE, GUIDE_SECTION)
    settings = [c for lang, c in found if lang == "python" and "designdoc_code" in c]
    assert len(settings) == 2
    entries = []
    for text in settings:
        namespace: dict[str, Any] = {}
        exec(compile(text, "conf.py", "exec"), namespace)  # the page's own settings
        entries.extend(code_entries(namespace["designdoc_code"]))
    default, oft = entries[0], entries[-1]
    assert default.pattern == "" and oft.pattern
    (tagged,) = [c for lang, c in found if lang == "python" and "implements:" in c]
    assert tags_in(tagged, re.compile(DEFAULT_PATTERN, re.M)) == [
        ("DEC-3", "implements", 1),
        ("REQ-1", "satisfies", 3),
        ("REQ-2", "satisfies", 3),
    ]
    example = re.search(r"OpenFastTrace's `(\[[^`]+\])` tags", section_text(GUIDE, GUIDE_SECTION))
    assert example is not None
    assert tags_in(f"// {example.group(1)}\n", oft.regex) == [("refund", "impl", 1)]
