extensions = ["sphinx_designdoc"]
project = "invalid"
exclude_patterns = ["_build"]
