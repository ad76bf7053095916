# A small sphinx-needs documentation project of its own, with no design object: the
# peer test builds it with and without sphinx_designdoc (in either order) and expects
# the same needs and the same warnings.
extensions = ["sphinx_needs"]
project = "Checkout requirements"
exclude_patterns = ["_build"]
show_warning_types = True
needs_build_json = True
needs_id_regex = "^[A-Z][A-Z0-9_]{2,}"
needs_types = [
    {"directive": "req", "title": "Requirement", "prefix": "R_", "color": "#BFD8D2", "style": "node"},
    {"directive": "spec", "title": "Specification", "prefix": "S_", "color": "#FEDCD2", "style": "node"},
    {"directive": "impl", "title": "Implementation", "prefix": "I_", "color": "#DF744A", "style": "node"},
    {"directive": "test", "title": "Test case", "prefix": "T_", "color": "#DCB239", "style": "node"},
]
needs_fields = {
    "component": {"description": "Component that owns the need", "nullable": True},
    "effort": {"description": "Estimated effort in days", "nullable": True},
}
needs_links = {
    "tests": {"incoming": "tested by", "outgoing": "tests"},
    "implements": {"incoming": "implemented by", "outgoing": "implements"},
}
