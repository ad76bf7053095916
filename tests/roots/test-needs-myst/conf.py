extensions = ["myst_parser", "sphinx_needs", "sphinx_designdoc"]
project = "needs-bridge"
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
show_warning_types = True
needs_flow_engine = "graphviz"
needs_build_json = True

designdoc_types = {
    "risk": {
        "statuses": ["open", "mitigated"],
        "fields": {"severity": ["low", "high"], "template": "text"},
    }
}
designdoc_links = {
    "mitigates": {"incoming": "mitigated by", "source": "risk", "target": "requirement"}
}
