project = "bad views"
extensions = ["myst_parser", "sphinx_designdoc"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
show_warning_types = True
