"""The ``verifies`` marker: ``@pytest.mark.verifies("REQ-1", "REQ-2")`` on a test, a class
or a module writes ``<property name="verifies" value="REQ-1"/>`` into the test's case of
``pytest --junitxml=…``, which ``designdoc_test_results`` reads.

pytest loads this module in every run of an environment that has the package (entry
point ``pytest11``), so it imports only the standard library and pytest: never Sphinx,
docutils or the rest of the package.  The IDs go to ``item.user_properties`` at
collection, the route pytest documents for markers: pytest's junitxml writes them in
both ``junit_family`` flavours, with no warning (``record_property`` warns under
``xunit2``).
"""

from __future__ import annotations

import pytest

MARKER = "verifies"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*ids): the requirement IDs this test verifies, written as JUnit "
        "properties for sphinx-designdoc (designdoc_test_results)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each ID a test's ``verifies`` markers name (its own, its class's, its module's),
    once, as a ``("verifies", ID)`` user property.  A marker naming no ID, or naming
    something that is not a non-empty string, stops the run with a usage error naming
    the test: a typo must not pass as a verified requirement."""
    for item in items:
        ids: dict[str, None] = {}
        for mark in item.iter_markers(MARKER):
            if mark.kwargs or not mark.args:
                raise pytest.UsageError(
                    f"{item.nodeid}: @pytest.mark.{MARKER}() takes the IDs it verifies as "
                    f"strings, e.g. @pytest.mark.{MARKER}('REQ-1', 'REQ-2'); got "
                    + (f"keywords {sorted(mark.kwargs)}" if mark.kwargs else "no ID")
                )
            for value in mark.args:
                if not isinstance(value, str) or not value.strip():
                    raise pytest.UsageError(
                        f"{item.nodeid}: @pytest.mark.{MARKER}() takes the IDs it verifies "
                        f"as non-empty strings; got {value!r} ({type(value).__name__})"
                    )
                ids[value.strip()] = None
        known = {value for name, value in item.user_properties if name == MARKER}
        item.user_properties.extend((MARKER, i) for i in ids if i not in known)
