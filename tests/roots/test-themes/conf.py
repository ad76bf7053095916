"""A small design document in the template's shape, built with each popular theme by
tests/test_browser.py (light and dark) and by scripts/gallery.py for the docs' gallery."""

project = "Checkout"
extensions = ["sphinx_designdoc"]
exclude_patterns = ["_build"]
show_warning_types = True
html_theme = "alabaster"
