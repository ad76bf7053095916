"""Settings with problems: each is a located designdoc.config (or .external) finding,
the default is used instead, and the rest of the configuration still works."""

extensions = ["sphinx_designdoc"]
project = "config"
exclude_patterns = ["_build"]
show_warning_types = True

designdoc_min_coverage = "80"
designdoc_types = {
    "note": {"statuses": ["open"]},
    "risk": {"statuses": ["open", "closed"]},
}
designdoc_links = {"mitigates": {"source": "decision", "target": "risk", "traces": True}}
designdoc_external = [{"path": "missing.json"}, {"prefix": "X"}]
