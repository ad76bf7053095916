# A sphinx-needs project (without sphinx_designdoc) that imports the needs.json export
# of tests/roots/test-reports twice: with needimport, and as external needs.
extensions = ["sphinx_needs"]
project = "importer"
exclude_patterns = ["_build"]

needs_types = [
    {"directive": "requirement", "title": "Requirement", "prefix": "REQ-", "color": "#dbeafe", "style": "node"},
    {"directive": "decision", "title": "Decision", "prefix": "DEC-", "color": "#dcfce7", "style": "node"},
    {"directive": "dependency", "title": "Dependency", "prefix": "DEP-", "color": "#fef3c7", "style": "node"},
    {"directive": "designdoc", "title": "Design document", "prefix": "DD-", "color": "#f3e8ff", "style": "node"},
]
needs_links = {
    "addresses": {"incoming": "addressed by", "outgoing": "addresses", "allow_dead_links": True},
    "uses": {"incoming": "used by", "outgoing": "uses"},
    "supersedes": {"incoming": "superseded by", "outgoing": "supersedes"},
    "refines": {"incoming": "refined by", "outgoing": "refines"},
}
needs_fields = {
    name: {"nullable": True}
    for name in (
        "kind", "category", "priority", "owner", "alternatives", "date", "deciders",
        "scope", "package", "version", "license", "url", "authors", "reviewers",
        "designdoc_template",
    )
}
needs_external_needs = [
    {"base_url": "https://docs.example.org/reports", "json_path": "needs.json", "id_prefix": "EXT-"}
]
show_warning_types = True
