# The tutorial's project (docs/tutorial.md), in reStructuredText; tests/test_tutorial.py
# builds it, so every step the tutorial shows works as written.
project = "Checkout"
extensions = ["sphinx_designdoc"]
exclude_patterns = ["_build"]

# reports for CI, next to designdoc.json in the output folder
designdoc_exports = ["sarif", "junit"]
