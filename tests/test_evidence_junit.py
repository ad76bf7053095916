"""JUnit XML test results read into test cases: each runner's shape (synthetic files that
reproduce what pytest, xmlrunner, go-junit-report, gotestsum, cargo-nextest, Maven
Surefire and jest-junit write), hostile files, the cache and the patterns."""

from __future__ import annotations

import marshal
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sphinx_designdoc.evidence import junit, model
from sphinx_designdoc.evidence.junit import read_results
from sphinx_designdoc.evidence.model import Problem

# the requirement these tests verify, written into their JUnit results by our own
# pytest plugin (docs/design.rst shows the outcome)
pytestmark = pytest.mark.verifies("REQ-EVIDENCE")

# the model's classes by their module: pytest would take ``Test*`` names for test classes
Run = model.TestRun


def _write(folder: Path, name: str, xml: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(xml).lstrip(), encoding="utf-8")
    return path


def _read(folder: Path, name: str, xml: str) -> Run:
    _write(folder, name, xml)
    return read_results([name], folder)


def _by_id(run: Run) -> dict[str, model.TestCase]:
    return {case.id: case for case in run.cases}


# pytest (junit_family=xunit1): the file and the 0-based line of each item, one line
PYTEST_XUNIT1 = (
    '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
    '<testsuite name="pytest" errors="1" failures="1" skipped="2" tests="7" time="0.1" '
    'timestamp="2025-11-15T11:51:49.548396-05:00" hostname="ci">'
    '<testcase classname="tests.test_pay.TestRefund" name="test_refund[a-b]" '
    'file="tests/test_pay.py" line="2" time="0.001"><properties>'
    '<property name="verifies" value="REQ-1, REQ-2"/><property name="owner" value="REQ-9"/>'
    '<property name="verifies" value="REQ-2 REQ-3"/></properties></testcase>'
    '<testcase classname="tests.test_pay" name="test_module_level" file="tests/test_pay.py" '
    'line="0" time="0.001"><failure message="AssertionError: assert 1 == 2&#10;'
    ' +  where 1 = f()">def test_module_level():\n&gt;  assert f() == 2</failure></testcase>'
    '<testcase classname="tests.test_pay.TestRefund" name="test_inherited" '
    'file="tests/base.py" line="9" time="0"/>'
    '<testcase classname="tests.test_pay" name="test_setup" file="tests/test_pay.py" '
    'line="20" time="0"><error message="failed on setup with &quot;ValueError: no db&quot;">'
    "trace</error></testcase>"
    '<testcase classname="tests.test_pay" name="test_skip" file="tests/test_pay.py" '
    'line="30" time="0"><skipped type="pytest.skip" message="not on CI">'
    "tests/test_pay.py:31: not on CI</skipped></testcase>"
    '<testcase classname="tests.test_pay" name="test_xfail" file="tests/test_pay.py" '
    'line="40" time="0"><skipped type="pytest.xfail" message=""/></testcase>'
    '<testcase classname="pre.tests.test_pay" name="test_prefixed" file="tests/test_pay.py" '
    'line="50" time="0"/>'
    '<testcase classname="tests.doc.txt" name="README.txt" file="tests/doc.txt" line="0" '
    'time="0"/>'
    "</testsuite></testsuites>"
)


def test_pytest_xunit1_node_ids_lines_verifies_and_outcomes(tmp_path: Path) -> None:
    run = _read(tmp_path, "results/junit.xml", PYTEST_XUNIT1)
    assert run.problems == []
    assert run.files == ["results/junit.xml"]
    cases = _by_id(run)
    assert list(cases) == [
        "tests/test_pay.py::TestRefund::test_refund[a-b]",
        "tests/test_pay.py::test_module_level",
        "tests.test_pay.TestRefund.test_inherited",
        "tests/test_pay.py::test_setup",
        "tests/test_pay.py::test_skip",
        "tests/test_pay.py::test_xfail",
        "pre.tests.test_pay.test_prefixed",
        "tests/doc.txt::README.txt",
    ]
    refund = cases["tests/test_pay.py::TestRefund::test_refund[a-b]"]
    assert refund == model.TestCase(
        id="tests/test_pay.py::TestRefund::test_refund[a-b]",
        outcome="passed",
        names=(
            "tests/test_pay.py::TestRefund::test_refund[a-b]",
            "tests.test_pay.TestRefund.test_refund[a-b]",
        ),
        file="tests/test_pay.py",
        line=3,  # pytest's location is 0-based
        message="",
        verifies=("REQ-1", "REQ-2", "REQ-3"),  # in order, once; "owner" is no link
        results="results/junit.xml",
        results_line=1,
    )
    module_level = cases["tests/test_pay.py::test_module_level"]
    assert (module_level.outcome, module_level.line) == ("failed", 1)
    assert module_level.message == "AssertionError: assert 1 == 2"
    assert module_level.names[1] == "tests.test_pay.test_module_level"
    # a test inherited from another file: no node ID to be made, the 0-based line kept
    inherited = cases["tests.test_pay.TestRefund.test_inherited"]
    assert (inherited.names, inherited.file, inherited.line) == (
        ("tests.test_pay.TestRefund.test_inherited",),
        "tests/base.py",
        10,
    )
    assert cases["tests/test_pay.py::test_setup"].outcome == "failed"
    assert (
        cases["tests/test_pay.py::test_setup"].message == 'failed on setup with "ValueError: no db"'
    )
    assert cases["tests/test_pay.py::test_skip"].outcome == "skipped"
    assert cases["tests/test_pay.py::test_skip"].message == "not on CI"
    assert cases["tests/test_pay.py::test_xfail"].outcome == "skipped"
    assert cases["tests/test_pay.py::test_xfail"].message == ""
    # junit_prefix: the classname is no longer made from the file
    assert cases["pre.tests.test_pay.test_prefixed"].line == 51
    # a non-Python item keeps its extension in the classname, as pytest makes it
    assert cases["tests/doc.txt::README.txt"].line == 1


def test_pytest_xunit2_dotted_ids_and_no_suite_properties(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "junit.xml",
        """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites name="pytest tests">
          <testsuite name="pytest" errors="0" failures="1" skipped="0" tests="3" time="0.019">
            <properties>
              <property name="verifies" value="REQ-SUITE"/>
            </properties>
            <testcase classname="tests.test_lib" name="test_parameterized[param1]" time="0.0">
              <properties>
                <property name="verifies" value="REQ-1"/>
              </properties>
            </testcase>
            <testcase classname="tests.test_lib" name="test_always_fail" time="0.000">
              <failure message="assert False">def test_always_fail():
                &gt; assert False</failure>
              <error message="failed on teardown with &quot;OSError&quot;">x</error>
            </testcase>
            <testcase classname="custom_classname" name="test_attr" time="0.000"/>
          </testsuite>
        </testsuites>
        """,
    )
    assert run.problems == []
    assert [(c.id, c.names, c.outcome, c.message, c.verifies, c.results_line) for c in run.cases] == [
        ("tests.test_lib.test_parameterized[param1]", ("tests.test_lib.test_parameterized[param1]",), "passed", "", ("REQ-1",), 7),
        ("tests.test_lib.test_always_fail", ("tests.test_lib.test_always_fail",), "failed", "assert False", (), 12),
        ("custom_classname.test_attr", ("custom_classname.test_attr",), "passed", "", (), 17),
    ]  # fmt: skip
    assert all(c.file == "" and c.line == 0 for c in run.cases)


def test_xmlrunner_testsuite_root_one_based_lines_and_xfail(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "reports/TEST-tests.test_acme.TestAcme-20251114214921.xml",
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="tests.test_acme.TestAcme-20251114214921" tests="5" file="tests/test_acme.py" time="0.001" timestamp="2025-11-14T21:49:22" failures="1" errors="1" skipped="1">
        \t<testcase classname="tests.test_acme.TestAcme" name="test_always_pass" time="0.000" timestamp="2025-11-14T21:49:22" file="tests/test_acme.py" line="8">
        \t\t<!--Passes, always.-->
        \t</testcase>
        \t<testcase classname="tests.test_acme.TestAcme" name="test_with_subtests (i=1)" time="0.000" timestamp="2025-11-14T21:49:22" file="tests/test_acme.py" line="11"/>
        \t<testcase classname="tests.test_acme.TestAcme" name="test_error" time="0.000" timestamp="2025-11-14T21:49:22" file="tests/test_acme.py" line="30">
        \t\t<error type="Exception" message="error"><![CDATA[Traceback (most recent call last):
          File "tests/test_acme.py", line 31, in test_error
        Exception: error
        ]]></error>
        \t\t<system-out><![CDATA[printed]]></system-out>
        \t</testcase>
        \t<testcase classname="TestMain" name="test_expected_failure" time="0.000" timestamp="2025-11-14T21:49:22" file="tests/test_lib.py" line="26">
        \t\t<skipped type="XFAIL" message="expected failure: (&lt;class 'AssertionError'&gt;, AssertionError('expected failure'))"/>
        \t</testcase>
        </testsuite>
        """,
    )
    assert run.problems == []
    assert [(c.id, c.outcome, c.file, c.line, c.results_line) for c in run.cases] == [
        ("tests/test_acme.py::TestAcme::test_always_pass", "passed", "tests/test_acme.py", 8, 3),
        ("tests/test_acme.py::TestAcme::test_with_subtests (i=1)", "passed", "tests/test_acme.py", 11, 6),
        ("tests/test_acme.py::TestAcme::test_error", "failed", "tests/test_acme.py", 30, 7),
        ("TestMain.test_expected_failure", "skipped", "tests/test_lib.py", 26, 14),
    ]  # fmt: skip
    assert run.cases[0].names[1] == "tests.test_acme.TestAcme.test_always_pass"
    assert run.cases[2].message == "error"
    assert run.cases[3].message.startswith("expected failure: (<class 'AssertionError'>")


def test_go_junit_report_tests_and_package_failures(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "go.xml",
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites tests="5" errors="3">
        \t<testsuite name="package/subtests" tests="3" failures="1" errors="0" id="0" hostname="hostname" time="0.100" timestamp="2022-01-01T00:00:00Z">
        \t\t<properties>
        \t\t\t<property name="go.version" value="1.0"></property>
        \t\t</properties>
        \t\t<testcase name="TestSubtests/Subtest#01" classname="package/subtests" time="0.100">
        \t\t\t<failure message="Failed"><![CDATA[    x_test.go:10: msg]]></failure>
        \t\t</testcase>
        \t\t<testcase name="TestSkip" classname="package/subtests" time="0.000">
        \t\t\t<skipped message="Skipped"><![CDATA[    x_test.go:20: later]]></skipped>
        \t\t</testcase>
        \t\t<testcase name="TestPass" classname="package/subtests" time="0.000"></testcase>
        \t</testsuite>
        \t<testsuite name="package/name/failing1" tests="1" failures="0" errors="1" id="1" hostname="hostname" time="0.000" timestamp="2022-01-01T00:00:00Z">
        \t\t<testcase name="[build failed]" classname="package/name/failing1" time="0.000">
        \t\t\t<error message="Build error"><![CDATA[failing1/failing_test.go:15: undefined: x]]></error>
        \t\t</testcase>
        \t</testsuite>
        \t<testsuite name="package/setup" tests="1" failures="0" errors="1" id="2" hostname="hostname" time="0.000" timestamp="2022-01-01T00:00:00Z">
        \t\t<testcase name="[setup failed]" classname="package/setup" time="0.000">
        \t\t\t<error message="Build error"><![CDATA[setup/failing_test.go:4: cannot find package "other/package" in any of:
        \t/path/vendor (vendor tree)]]></error>
        \t\t</testcase>
        \t</testsuite>
        \t<testsuite name="package/panic" tests="1" failures="0" errors="1" id="3" hostname="hostname" time="0.003" timestamp="2022-01-01T00:00:00Z">
        \t\t<testcase name="Failure" classname="package/panic" time="0.000">
        \t\t\t<error message="Runtime error"><![CDATA[panic: init
        stacktrace]]></error>
        \t\t</testcase>
        \t</testsuite>
        </testsuites>
        """,
    )
    assert [(c.id, c.outcome, c.message, c.verifies) for c in run.cases] == [
        ("package/subtests.TestSubtests/Subtest#01", "failed", "x_test.go:10: msg", ()),
        ("package/subtests.TestSkip", "skipped", "x_test.go:20: later", ()),
        ("package/subtests.TestPass", "passed", "", ()),
    ]
    assert run.problems == [
        Problem("go.xml", 16, "package package/name/failing1 failed to build: failing1/failing_test.go:15: undefined: x"),
        Problem("go.xml", 21, 'package package/setup failed to set up: setup/failing_test.go:4: cannot find package "other/package" in any of:'),
        Problem("go.xml", 27, "package package/panic failed at run time: panic: init"),
    ]  # fmt: skip


def test_gotestsum_testcase_properties_and_empty_classname(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "gotestsum.xml",
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="test" tests="3" failures="1" errors="1" time="2.1">
        \t<testsuite tests="0" failures="0" time="0.001000" name="example.com/x/badmain" timestamp="0001-01-01T00:00:00Z">
        \t\t<testcase classname="" name="TestMain" time="0.000000">
        \t\t\t<failure message="Failed" type="">sometimes main can exit 2&#xA;FAIL&#x9;example.com/x/badmain&#x9;0.001s&#xA;</failure>
        \t\t</testcase>
        \t</testsuite>
        \t<testsuite tests="2" failures="0" skipped="1" time="0.000000" name="example.com/x/pay" timestamp="0001-01-01T00:00:00Z">
        \t\t<properties>
        \t\t\t<property name="go.version" value="go1.25.0"></property>
        \t\t</properties>
        \t\t<testcase classname="example.com/x/pay" name="TestSkipped" time="0.000000">
        \t\t\t<skipped message="=== RUN   TestSkipped&#xA;    skip_test.go:12: not now&#xA;--- SKIP: TestSkipped (0.00s)&#xA;"></skipped>
        \t\t</testcase>
        \t\t<testcase classname="example.com/x/pay" name="TestRefund/partial" time="0.000000">
        \t\t\t<properties>
        \t\t\t\t<property name="hello" value="world"></property>
        \t\t\t\t<property name="verifies" value="REQ-7,REQ-8"></property>
        \t\t\t</properties>
        \t\t</testcase>
        \t</testsuite>
        </testsuites>
        """,
    )
    assert run.problems == []
    assert [(c.id, c.names, c.outcome, c.message, c.verifies) for c in run.cases] == [
        ("TestMain", ("TestMain",), "failed", "sometimes main can exit 2", ()),
        ("example.com/x/pay.TestSkipped", ("example.com/x/pay.TestSkipped",), "skipped", "=== RUN   TestSkipped", ()),
        ("example.com/x/pay.TestRefund/partial", ("example.com/x/pay.TestRefund/partial",), "passed", "", ("REQ-7", "REQ-8")),
    ]  # fmt: skip


def test_nextest_flaky_passes_and_reruns_that_fail_fail(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "target/nextest/default/junit.xml",
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="nextest-run" tests="3" failures="1" errors="0" uuid="45c50042-482e-477e-88a2-60cfcc3eaf95" timestamp="2024-01-09T07:50:12.664+00:00" time="0.023">
            <testsuite name="fixture-project::basic" tests="3" disabled="0" errors="0" failures="1">
                <testcase name="test_cwd" classname="fixture-project::basic" timestamp="2024-01-09T07:50:12.665+00:00" time="0.004">
                </testcase>
                <testcase name="test_failure_assert" classname="fixture-project::basic" timestamp="2024-01-09T07:50:12.665+00:00" time="0.004">
                    <failure type="test failure">thread &apos;test_failure_assert&apos; panicked at tests/basic.rs:19:5:
        assertion `left == right` failed</failure>
                    <rerunFailure timestamp="2024-01-09T07:50:12.670+00:00" time="0.004" type="test failure">thread &apos;test_failure_assert&apos; panicked again</rerunFailure>
                </testcase>
                <testcase name="tests::test_flaky_mod_4" classname="fixture-project::basic" timestamp="2024-01-09T07:50:12.683+00:00" time="0.004">
                    <flakyFailure timestamp="2024-01-09T07:50:12.665+00:00" time="0.004" type="test failure">thread &apos;test_flaky_mod_4&apos; panicked
                        <system-out>out</system-out>
                    </flakyFailure>
                </testcase>
            </testsuite>
        </testsuites>
        """,
    )
    assert run.problems == []
    assert [(c.id, c.outcome, c.message) for c in run.cases] == [
        ("fixture-project::basic.test_cwd", "passed", ""),
        ("fixture-project::basic.test_failure_assert", "failed", "thread 'test_failure_assert' panicked at tests/basic.rs:19:5:"),
        ("fixture-project::basic.tests::test_flaky_mod_4", "passed", ""),
    ]  # fmt: skip
    assert [c.results for c in run.cases] == ["target/nextest/default/junit.xml"] * 3


def test_surefire_jvm_suite_properties_are_no_links(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "target/surefire-reports/TEST-org.acme.FlakyTest.xml",
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0.2" name="org.acme.FlakyTest" time="1.324" tests="3" errors="1" skipped="0" failures="0">
          <properties>
            <property name="java.class.version" value="55.0"/>
            <property name="user.name" value="someone"/>
            <property name="verifies" value="REQ-JVM"/>
          </properties>
          <testcase name="testFlaky" classname="org.acme.FlakyTest" time="0.034">
            <flakyFailure message="expected: &lt;1&gt; but was: &lt;0&gt;" type="org.opentest4j.AssertionFailedError">
              <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <1> but was: <0>]]></stackTrace>
              <system-out><![CDATA[run 1]]></system-out>
            </flakyFailure>
            <flakyError message="boom" type="java.lang.IllegalStateException"><stackTrace>x</stackTrace></flakyError>
          </testcase>
          <testcase name="testStable" classname="org.acme.FlakyTest" time="0.001"/>
          <testcase name="test" classname="surefire.MyTest" time="0.01">
            <error message="this is different message" type="java.lang.RuntimeException">java.lang.RuntimeException: this is different message
          at surefire.MyTest.test(MyTest.java:24)</error>
          </testcase>
        </testsuite>
        """,
    )
    assert run.problems == []
    assert [(c.id, c.outcome, c.message, c.verifies) for c in run.cases] == [
        ("org.acme.FlakyTest.testFlaky", "passed", "", ()),
        ("org.acme.FlakyTest.testStable", "passed", "", ()),
        ("surefire.MyTest.test", "failed", "this is different message", ()),
    ]


def test_jest_junit_ids_and_hook_failures(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "junit.xml",
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="jest tests" tests="6" failures="2" errors="0" time="1.36">
          <testsuite name="Pay" errors="0" failures="1" skipped="1" timestamp="2020-10-27T21:39:41" time="0.486" tests="4">
            <testcase classname="Pay refund works" name="Pay refund works" time="0.001" file="src/pay.test.js">
              <properties><property name="verifies" value="REQ-4"/></properties>
            </testcase>
            <testcase classname="Test 1 &#x203a; Test 1.1" name="Failing test" time="0.002">
              <failure>Error: expect(received).toBeTruthy()

        Received: false
            at Object.&lt;anonymous&gt; (__tests__/main.test.js:10:21)</failure>
            </testcase>
            <testcase classname="" name="Load widget via link" time="0.5"/>
            <testcase classname="Pay todo" name="Pay todo" time="0">
              <skipped/>
            </testcase>
            <testcase classname="Pay Test execution failure: could be caused by test hooks like &apos;afterAll&apos;." name="Test execution failure: could be caused by test hooks like &apos;afterAll&apos;." time="0">
              <failure>Error: connection refused
            at afterAll</failure>
            </testcase>
          </testsuite>
        </testsuites>
        """,
    )
    assert [(c.id, c.names, c.outcome, c.file, c.line, c.message, c.verifies) for c in run.cases] == [
        ("Pay refund works", ("Pay refund works",), "passed", "src/pay.test.js", 0, "", ("REQ-4",)),
        ("Test 1 \u203a Test 1.1.Failing test", ("Test 1 \u203a Test 1.1.Failing test",), "failed", "", 0, "Error: expect(received).toBeTruthy()", ()),
        ("Load widget via link", ("Load widget via link",), "passed", "", 0, "", ()),
        ("Pay todo", ("Pay todo",), "skipped", "", 0, "", ()),
    ]  # fmt: skip
    assert run.problems == [
        Problem(
            "junit.xml",
            17,
            "a test hook (beforeAll, afterAll …) failed in 'Pay': Error: connection refused",
        )
    ]


def test_nested_suites_are_read_in_document_order(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "nested.xml",
        """
        <testsuite name="outer">
          <testcase classname="a" name="first"/>
          <testsuite name="inner">
            <testcase classname="b" name="second"/>
            <testsuite name="innermost"><testcase classname="c" name="third"/></testsuite>
          </testsuite>
          <testcase classname="a" name="fourth"/>
        </testsuite>
        """,
    )
    assert [(c.id, c.results_line) for c in run.cases] == [
        ("a.first", 2),
        ("b.second", 4),
        ("c.third", 5),
        ("a.fourth", 7),
    ]


def test_untrusted_text_is_kept_as_plain_text(tmp_path: Path) -> None:
    """A name or message with markup and control characters: the name as written (the
    views escape it), the message one line without controls and at most 300 characters."""
    run = _read(
        tmp_path,
        "x.xml",
        '<testsuites><testsuite name="s">'
        '<testcase classname="&lt;script&gt;alert(1)&lt;/script&gt;" name="t&amp;&quot;">'
        '<failure message="\x9b31mred\u202eevil\x7f\tend&#13;second line"/></testcase>'
        f'<testcase classname="c" name="long"><skipped message="{"x" * 5000}"/></testcase>'
        '<testcase classname="c" name="lines" line="-1" file="t.py"/>'
        '<testcase classname="c" name="junk" line="1e3" file="t.py"/>'
        '<testcase classname="c" name="digits" line="\u0661\u0662" file="t.py"/>'
        "</testsuite></testsuites>",
    )
    first, long, *lines = run.cases
    assert first.id == '<script>alert(1)</script>.t&"'
    assert first.message == "31mredevil end"
    assert len(long.message) == 300 and long.message == "x" * 299 + "…"
    assert [(c.id, c.line) for c in lines] == [("c.lines", 0), ("c.junk", 0), ("c.digits", 0)]


def test_nameless_cases_and_overlong_ids_are_problems(tmp_path: Path) -> None:
    run = _read(
        tmp_path,
        "x.xml",
        f"""
        <testsuites><testsuite name="s">
          <testcase classname="" name="" time="0.9"/>
          <testcase classname="c" name="   "/>
          <testcase classname="c" name="{"n" * 1001}"/>
          <testcase classname="c" name="ok">
            <properties><property name="verifies" value="REQ-1 {"R" * 1001} REQ-2"/></properties>
          </testcase>
        </testsuite></testsuites>
        """,
    )
    assert [(c.id, c.verifies) for c in run.cases] == [("c.ok", ("REQ-1", "REQ-2"))]
    assert run.problems == [
        Problem("x.xml", 2, "a <testcase> without a name: skipped"),
        Problem("x.xml", 3, "a <testcase> without a name: skipped"),
        Problem("x.xml", 4, "a test ID of 1,003 characters (over 1000): skipped"),
        Problem("x.xml", 5, "an ID of 1,001 characters in verifies: ignored"),
    ]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuites><testsuite name="s"><testcase classname="c" name="&lol9;"/></testsuite></testsuites>
"""

REFUSED = (
    "the file declares an XML entity or an external reference, which no test runner "
    "writes: not read (it may be an attack: billion laughs, XXE)"
)


def test_hostile_and_broken_files_are_one_problem_each(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    files = {
        "a-bomb.xml": BILLION_LAUGHS,
        "b-xxe.xml": (
            f'<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
            '<testsuites><testsuite name="s"><testcase classname="c" name="t">'
            '<failure message="x">&xxe;</failure></testcase></testsuite></testsuites>'
        ),
        "c-internal.xml": (
            '<!DOCTYPE t [<!ENTITY req "REQ-1">]>\n<testsuites><testsuite name="s">'
            '<testcase classname="c" name="t"><properties><property name="verifies" '
            'value="&req;"/></properties></testcase></testsuite></testsuites>'
        ),
        "d-empty.xml": "",
        "e-text.xml": "this is no XML\n",
        "f-html.xml": "<!-- a page -->\n<html><body><testsuite/></body></html>",
        "g-cut.xml": '<testsuites><testsuite name="s">\n<testcase classname="c" name="t">',
        "h-good.xml": '<testsuite name="s"><testcase classname="c" name="t"/></testsuite>',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    run = read_results(["*.xml"], tmp_path)
    assert run.files == sorted(files)
    assert [(c.id, c.results) for c in run.cases] == [("c.t", "h-good.xml")]
    assert run.problems == [
        Problem("a-bomb.xml", 3, REFUSED),
        Problem("b-xxe.xml", 2, REFUSED),
        Problem("c-internal.xml", 1, REFUSED),
        Problem(
            "d-empty.xml",
            None,
            "the test results file is empty: did the test run stop before writing it?",
        ),
        Problem("e-text.xml", 1, "not well-formed XML (syntax error): not read"),
        Problem(
            "f-html.xml",
            2,
            "not JUnit XML: the root element is <html>, where JUnit results have "
            "<testsuites> or <testsuite>: not read",
        ),
        Problem("g-cut.xml", 2, "not well-formed XML (no element found): not read"),
    ]
    assert not any("TOP-SECRET" in p.message for p in run.problems)


def test_a_file_over_the_limit_is_not_read(tmp_path: Path, monkeypatch: Any) -> None:
    big = tmp_path / "big.xml"
    with open(big, "wb") as fh:  # sparse: no disk used
        fh.truncate(300 * 2**20)
    (tmp_path / "ok.xml").write_text('<testsuite><testcase name="t"/></testsuite>')

    original = junit.parse_file

    def parse(path: Path) -> Any:
        assert path.name != "big.xml", "a file over the limit was opened"
        return original(path)

    monkeypatch.setattr(junit, "parse_file", parse)
    run = read_results(["*.xml"], tmp_path)
    assert run.problems == [
        Problem(
            "big.xml", None, "the test results file is 300 MiB, over the limit of 256 MiB: not read"
        )
    ]
    assert [c.id for c in run.cases] == ["t"]
    assert run.files == ["big.xml", "ok.xml"]


def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: Any) -> None:
    (tmp_path / "a.xml").write_text('<testsuite><testcase name="t"/></testsuite>')
    (tmp_path / "b.xml").write_text('<testsuite><testcase name="u"/></testsuite>')

    def fake_open(path: Any, *args: Any) -> Any:
        if Path(path).name == "a.xml":
            raise PermissionError(13, "Permission denied")
        return open(path, *args)

    monkeypatch.setattr(junit, "open", fake_open, raising=False)
    run = read_results(["*.xml"], tmp_path)
    assert run.problems == [
        Problem("a.xml", None, "cannot read the test results: Permission denied")
    ]
    assert [c.id for c in run.cases] == ["u"]


def test_patterns_relative_absolute_recursive_and_unmatched(tmp_path: Path) -> None:
    confdir = tmp_path / "docs"
    confdir.mkdir()
    case = '<testsuite><testcase classname="c" name="{}"/></testsuite>'
    _write(tmp_path, "results/unit.xml", case.format("unit"))
    _write(tmp_path, "results/deep/er/int.xml", case.format("int"))
    _write(confdir, "local.xml", case.format("local"))
    (tmp_path / "results/dir.xml").mkdir()  # a folder whose name matches: no file
    run = read_results(
        [
            "../results/**/*.xml",
            str(tmp_path / "results" / "unit.xml"),  # absolute, and matched again
            "local.xml",
            "missing/*.xml",
            "../results/dir.xml",
        ],
        confdir,
    )
    assert run.files == ["../results/deep/er/int.xml", "../results/unit.xml", "local.xml"]
    assert [(c.id, c.results) for c in run.cases] == [
        ("c.int", "../results/deep/er/int.xml"),
        ("c.unit", "../results/unit.xml"),
        ("c.local", "local.xml"),
    ]
    assert [(p.path, p.line) for p in run.problems] == [("", None), ("", None)]
    assert run.problems[0].message.startswith(
        "designdoc_test_results: 'missing/*.xml' matches no file: run the tests first"
    )
    assert "'../results/dir.xml' matches no file" in run.problems[1].message


def _count_parses(monkeypatch: Any) -> list[str]:
    parsed: list[str] = []
    original = junit.parse_file

    def counting(path: Path) -> Any:
        parsed.append(path.name)
        return original(path)

    monkeypatch.setattr(junit, "parse_file", counting)
    return parsed


def test_the_cache_is_used_while_the_file_is_unchanged(tmp_path: Path, monkeypatch: Any) -> None:
    _write(tmp_path, "a.xml", PYTEST_XUNIT1)
    _write(tmp_path, "b.xml", '<testsuite><testcase name=""/><testcase name="t"/></testsuite>')
    cache = tmp_path / "cache"
    parsed = _count_parses(monkeypatch)
    cold = read_results(["*.xml"], tmp_path, cache)
    assert parsed == ["a.xml", "b.xml"]
    assert len(list(cache.glob("junit-*.marshal"))) == 2
    warm = read_results(["*.xml"], tmp_path, cache)
    assert parsed == ["a.xml", "b.xml"]  # nothing parsed again
    assert warm == cold and len(warm.cases) == 9
    assert warm.problems == [Problem("b.xml", 1, "a <testcase> without a name: skipped")]
    # the same files seen from another folder: the cache holds no relative path
    other = read_results(["../*.xml"], cache, cache)
    assert parsed == ["a.xml", "b.xml"]
    assert [c.results for c in other.cases] == ["../a.xml"] * 8 + ["../b.xml"]
    # a changed file is parsed again, the other is not
    _write(tmp_path, "b.xml", '<testsuite><testcase name="t"/><testcase name="u"/></testsuite>')
    changed = read_results(["*.xml"], tmp_path, cache)
    assert parsed == ["a.xml", "b.xml", "b.xml"]
    assert [c.id for c in changed.cases][-2:] == ["t", "u"] and changed.problems == []


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00garbage",
        marshal.dumps((1, ("x", 1, 2), (), ())),  # another file's key
        marshal.dumps((1, None, ((1, 2),), ())),
        marshal.dumps([1, 2, 3]),
    ],
)
def test_a_damaged_cache_entry_is_read_again(
    tmp_path: Path, monkeypatch: Any, damage: bytes
) -> None:
    _write(tmp_path, "a.xml", PYTEST_XUNIT1)
    cache = tmp_path / "cache"
    cold = read_results(["a.xml"], tmp_path, cache)
    (entry,) = cache.glob("junit-*.marshal")
    entry.write_bytes(damage)
    parsed = _count_parses(monkeypatch)
    assert read_results(["a.xml"], tmp_path, cache) == cold
    assert parsed == ["a.xml"]
    assert read_results(["a.xml"], tmp_path, cache) == cold  # rewritten: a hit again
    assert parsed == ["a.xml"]


def test_a_damaged_entry_of_the_right_key_is_refused(tmp_path: Path, monkeypatch: Any) -> None:
    path = _write(tmp_path, "a.xml", '<testsuite><testcase name="t"/></testsuite>')
    cache = tmp_path / "cache"
    read_results(["a.xml"], tmp_path, cache)
    (entry,) = cache.glob("junit-*.marshal")
    fmt, key, cases, problems = marshal.loads(entry.read_bytes())
    assert key == (str(path.resolve()), path.stat().st_size, path.stat().st_mtime_ns)
    entry.write_bytes(
        marshal.dumps((fmt, key, ((*cases[0][:1], "exploded", *cases[0][2:]),), problems))
    )
    parsed = _count_parses(monkeypatch)
    assert [c.outcome for c in read_results(["a.xml"], tmp_path, cache).cases] == ["passed"]
    assert parsed == ["a.xml"]


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    _write(tmp_path, "a.xml", '<testsuite><testcase name="t"/></testsuite>')
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be")
    assert [c.id for c in read_results(["a.xml"], tmp_path, blocked).cases] == ["t"]
    assert [c.id for c in read_results(["a.xml"], tmp_path, blocked / "sub").cases] == ["t"]


def test_suites_nested_past_the_recursion_limit_are_one_problem(tmp_path: Path) -> None:
    depth = 5000  # junitparser walks nested suites recursively
    (tmp_path / "deep.xml").write_text(
        "<testsuites>"
        + '<testsuite name="s">' * depth
        + '<testcase name="t"/>'
        + "</testsuite>" * depth
        + "</testsuites>"
    )
    (tmp_path / "ok.xml").write_text('<testsuite><testcase name="u"/></testsuite>')
    run = read_results(["*.xml"], tmp_path)
    assert run.problems == [
        Problem("deep.xml", None, "test suites nested too deeply to read: not read")
    ]
    assert [c.id for c in run.cases] == ["u"]
