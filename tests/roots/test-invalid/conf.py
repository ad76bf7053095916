extensions = ["sphinx_designdoc"]
project = "invalid"
exclude_patterns = ["_build"]
show_warning_types = True
