"""Sphinx configuration for the sphinx-designdoc documentation, built with the extension."""

from __future__ import annotations

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

# the tests that verify each requirement, as objects of their own (a custom type)
designdoc_types = {
    "verification": {
        "label": "Verification",
        "statuses": ["passing", "failing"],
        "inactive_statuses": ["failing"],
        "fields": {"tests": "list"},
        "color": "#e0f2fe",
    }
}
designdoc_links = {
    "verifies": {
        "incoming": "verified by",
        "source": "verification",
        "target": "requirement",
        "traces": False,
    }
}
