extensions = ["sphinx_designdoc"]
project = "payments"
exclude_patterns = ["_build"]
show_warning_types = True
