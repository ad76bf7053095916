extensions = ["sphinx_designdoc"]
project = "payments"
exclude_patterns = ["_build"]
