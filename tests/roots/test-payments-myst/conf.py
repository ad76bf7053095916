"""A payment gateway's design, in the shape issue 21 tried: 15 requirements, 11
decisions (2 rejected, 1 superseded) and 9 dependencies, in MyST.
Its default matrix must fit the page on every theme (tests/test_browser_matrix.py)."""

project = "Payment gateway"
extensions = ["myst_parser", "sphinx_designdoc"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
show_warning_types = True
html_theme = "alabaster"
