project = "checks"
extensions = ["myst_parser", "sphinx_designdoc"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
designdoc_min_coverage = 80
designdoc_pyproject = "pyproject.toml"
designdoc_templates = {"adr": ["Context", ["Decision", "Outcome"], "Consequences"]}
show_warning_types = True
