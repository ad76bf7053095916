project = "tracing-custom"
extensions = ["sphinx_designdoc"]
exclude_patterns = ["_build"]
# the shape of a Doorstop project converted: a parent document (srd), a child document
# whose items satisfy it (spec), and a grandchild (test); statuses of their own, so an
# object counts for tracing while it is active
designdoc_types = {
    "srd": {"label": "SRD", "statuses": ["active", "inactive"], "inactive_statuses": ["inactive"]},
    "spec": {
        "label": "Spec",
        "statuses": ["draft", "active", "inactive"],
        "inactive_statuses": ["inactive"],
    },
    # no inactive status: nothing to propose as a way to drop one
    "test": {"label": "Test", "statuses": ["written", "run"]},
}
designdoc_links = {
    "satisfies": {"incoming": "satisfied by", "source": "spec", "target": "srd", "traces": True},
    "checks": {"incoming": "checked by", "source": "test", "target": "spec", "traces": True},
}
designdoc_min_coverage = 80
designdoc_exports = ["md", "html", "junit"]
show_warning_types = True
