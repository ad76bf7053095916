"""Sphinx configuration for the sphinx-designdoc documentation, built with the extension."""

from __future__ import annotations

from pathlib import Path

project = "sphinx-designdoc"
author = "sphinx-designdoc developers"
copyright = "2026, sphinx-designdoc developers"
extensions = ["myst_parser", "sphinx_designdoc"]
myst_enable_extensions = ["colon_fence"]
# the tutorial's projects are built by tests/test_tutorial.py; scripts/generate_docs.py
# copies what the tutorial shows of them into docs/tutorial.md
exclude_patterns = ["_build", "tutorial"]
html_theme = "alabaster"
html_title = "sphinx-designdoc"

# the project's own design document is checked like any other
designdoc_pyproject = "../pyproject.toml"
designdoc_min_coverage = 100
designdoc_exports = ["md", "html", "junit", "sarif", "csv", "needs"]

# evidence: the suite's own results verify the requirements.  .ci/run (and the README's
# test command) write them with pytest --junitxml, then build these pages again with
# them; a build before any test run has no results and shows no verification.
_ran = any((Path(__file__).resolve().parent.parent / ".test-results").glob("*.xml"))
designdoc_test_results = ["../.test-results/*.xml"] if _ran else []

# the decisions point at the code that implements them: a comment line that starts with
# "implements:" (this package's own docstrings speak of such tags without being one); an
# accepted decision that no tag names warns designdoc.unimplemented
designdoc_code = [
    {
        "paths": [
            "../sphinx_designdoc/**/*.py",
            "../sphinx_designdoc/static/*.css",
            "../benchmarks/*.py",
        ],
        "pattern": r"^(?:#|/\*) (?P<kind>implements): (?P<id>[A-Z][A-Z0-9-]*(?:, [A-Z][A-Z0-9-]*)*)",
    }
]
designdoc_require_implemented = True
