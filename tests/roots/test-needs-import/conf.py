# A sphinx-needs project (without sphinx_designdoc in its extensions) that imports the
# needs export (designdoc-needs.json) of tests/roots/test-reports twice: with needimport,
# and as external needs.  The need types, fields and link types it must declare come
# from the package's recipe, as the docs show it.
from sphinx_designdoc import needs_config

extensions = ["sphinx_needs"]
project = "importer"
exclude_patterns = ["_build"]

globals().update(needs_config())
needs_external_needs = [
    {
        "base_url": "https://docs.example.org/reports",
        "json_path": "designdoc-needs.json",
        "id_prefix": "EXT-",
    }
]
show_warning_types = True
