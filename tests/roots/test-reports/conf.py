extensions = ["sphinx_designdoc"]
project = "reports"
exclude_patterns = ["_build"]
designdoc_exports = ["csv", "md", "html", "junit", "sarif", "needs"]
show_warning_types = True
