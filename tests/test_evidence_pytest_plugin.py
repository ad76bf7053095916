"""The ``verifies`` pytest marker: pytest's own JUnit XML, in both families, read back
with the package's reader.  Each run is an in-process pytest of a tiny suite
(``pytester``), with the plugin given by ``-p`` (the installed package may not have the
entry point yet; ``-p no:designdoc`` keeps an installed one from registering twice)."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_designdoc.evidence.junit import read_results

pytest_plugins = ["pytester"]

# the requirement these tests verify, written into their JUnit results by our own
# pytest plugin (docs/design.rst shows the outcome)
pytestmark = pytest.mark.verifies("REQ-EVIDENCE")

PLUGIN = ("-p", "no:designdoc", "-p", "sphinx_designdoc.pytest_plugin")
REPO = Path(__file__).resolve().parent.parent

SUITE = """
import pytest

pytestmark = pytest.mark.verifies("REQ-MOD")


@pytest.mark.verifies("REQ-1", "REQ-2")
def test_refund():
    pass


@pytest.mark.verifies("REQ-3")
@pytest.mark.parametrize("amount", [1, 2])
def test_amount(amount):
    assert amount == 1


@pytest.mark.verifies("REQ-CLS", "REQ-1")
class TestLedger:
    @pytest.mark.verifies("REQ-4")
    def test_export(self):
        pass

    def test_plain(self):
        pytest.skip("not today")
"""


@pytest.mark.parametrize("family", ["xunit1", "xunit2"])
def test_the_marker_becomes_verifies_properties(pytester: pytest.Pytester, family: str) -> None:
    pytester.makepyfile(test_pay=SUITE)
    result = pytester.runpytest(
        *PLUGIN, "--strict-markers", "--junitxml=results/junit.xml", "-o", f"junit_family={family}"
    )
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    assert "PytestWarning" not in result.stdout.str()  # no record_property warning
    run = read_results(["results/*.xml"], pytester.path)
    assert run.problems == []
    got = {case.names[-1]: (case.id, case.outcome, case.verifies) for case in run.cases}
    xunit1 = family == "xunit1"

    def node(nodeid: str, dotted: str) -> str:
        return nodeid if xunit1 else dotted

    assert got == {
        "test_pay.test_refund": (
            node("test_pay.py::test_refund", "test_pay.test_refund"),
            "passed",
            ("REQ-1", "REQ-2", "REQ-MOD"),
        ),
        "test_pay.test_amount[1]": (
            node("test_pay.py::test_amount[1]", "test_pay.test_amount[1]"),
            "passed",
            ("REQ-3", "REQ-MOD"),
        ),
        "test_pay.test_amount[2]": (
            node("test_pay.py::test_amount[2]", "test_pay.test_amount[2]"),
            "failed",
            ("REQ-3", "REQ-MOD"),
        ),
        "test_pay.TestLedger.test_export": (
            node("test_pay.py::TestLedger::test_export", "test_pay.TestLedger.test_export"),
            "passed",
            ("REQ-4", "REQ-CLS", "REQ-1", "REQ-MOD"),
        ),
        "test_pay.TestLedger.test_plain": (
            node("test_pay.py::TestLedger::test_plain", "test_pay.TestLedger.test_plain"),
            "skipped",
            ("REQ-CLS", "REQ-1", "REQ-MOD"),
        ),
    }
    # xunit1 keeps the file and line (1-based once read: the line of the first decorator
    # of ``test_export``, as pytest locates it), xunit2 drops them
    export = next(c for c in run.cases if c.names[-1].endswith("test_export"))
    assert (export.file, export.line) == (("test_pay.py", 19) if xunit1 else ("", 0))


def test_without_the_plugin_strict_markers_refuses_the_marker(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_pay=SUITE)
    # in a child process: pytest's marker registry outlives an in-process run
    result = pytester.runpytest_subprocess("-p", "no:designdoc", "--strict-markers")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*'verifies' not found in `markers` configuration option*"])
    listed = pytester.runpytest(*PLUGIN, "--markers")
    listed.stdout.fnmatch_lines(["@pytest.mark.verifies(*ids): the requirement IDs *"])


@pytest.mark.parametrize(
    ("marker", "complaint"),
    [
        ("verifies(1)", "as non-empty strings; got 1 (int)"),
        ("verifies('REQ-1', '  ')", "as non-empty strings; got '  ' (str)"),
        ("verifies()", "got no ID"),
        ("verifies(ids=['REQ-1'])", "got keywords ['ids']"),
    ],
)
def test_a_marker_naming_no_id_is_a_usage_error(
    pytester: pytest.Pytester, marker: str, complaint: str
) -> None:
    pytester.makepyfile(
        test_bad=f"import pytest\n\n@pytest.mark.{marker}\ndef test_it():\n    pass\n"
    )
    result = pytester.runpytest(*PLUGIN, "--junitxml=junit.xml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: test_bad.py::test_it: @pytest.mark.verifies() *"])
    assert complaint in result.stderr.str()


def test_the_plugin_imports_only_pytest_and_the_standard_library() -> None:
    code = (
        "import json, sys\nbefore = set(sys.modules)\n"
        "import sphinx_designdoc.pytest_plugin\n"
        "print(json.dumps(sorted(m.split('.')[0] if not m.startswith('sphinx_designdoc') "
        "else m for m in set(sys.modules) - before)))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout
    )
    ours = [m for m in loaded if m.startswith("sphinx_designdoc")]
    assert ours == [
        "sphinx_designdoc",
        "sphinx_designdoc._version",
        "sphinx_designdoc.pytest_plugin",
    ]
    heavy = {"sphinx", "docutils", "junitparser", "defusedxml", "jinja2", "packaging"}
    assert heavy & set(loaded) == set()


def test_pytest_finds_the_plugin_by_its_entry_point() -> None:
    installed = [
        ep
        for ep in importlib.metadata.entry_points(group="pytest11")
        if ep.value.startswith("sphinx_designdoc")
    ]
    if installed:  # the package as installed declares it
        assert [(ep.name, ep.value) for ep in installed] == [
            ("designdoc", "sphinx_designdoc.pytest_plugin")
        ]
        return
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["entry-points"]["pytest11"] == {
        "designdoc": "sphinx_designdoc.pytest_plugin"
    }
