project = "bad views"
extensions = ["sphinx_designdoc"]
exclude_patterns = ["_build"]
