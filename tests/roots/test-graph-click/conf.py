"""A payment gateway's design: 15 requirements, 11 decisions (2 rejected, 1
superseded) and 9 dependencies, over pages at two depths; tests/test_browser_graph.py
clicks every box of its graphs."""

project = "Payment gateway"
extensions = ["sphinx_designdoc"]
exclude_patterns = ["_build"]
show_warning_types = True
html_theme = "alabaster"
