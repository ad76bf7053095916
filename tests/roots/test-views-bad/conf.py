project = "bad views"
extensions = ["sphinx_designdoc"]
exclude_patterns = ["_build"]
show_warning_types = True
