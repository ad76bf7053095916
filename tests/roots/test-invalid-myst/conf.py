extensions = ["myst_parser", "sphinx_designdoc"]
project = "invalid"
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
show_warning_types = True
