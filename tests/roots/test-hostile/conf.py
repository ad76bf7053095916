"""A corpus of hostile inputs: every payload a title, status, option, ID, URL or
external file can carry.  tests/test_safety_pages.py and tests/test_safety_reports.py
build it with many builders and fail on any script, event handler or link with a scheme
outside http, https and mailto."""

project = "hostile"
extensions = ["myst_parser", "sphinx_designdoc"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build", "ext"]
show_warning_types = True

designdoc_exports = ["csv", "md", "html", "junit", "sarif", "needs"]

designdoc_types = {
    "risk": {
        "label": "Risk <script>alert(1101)</script>",
        "statuses": ["open", "mitigated", "accepted"],
        "inactive_statuses": ["accepted"],
        "fields": {
            "severity": ["low", "medium", "high"],
            "homepage": "url",
            "notes": None,
        },
    },
}

designdoc_links = {
    "mitigates": {
        "incoming": "mitigated by",
        "source": ["decision"],
        "target": ["risk"],
        "traces": True,
    },
}

designdoc_external = [
    # a designdoc.json with hostile urls, titles, statuses and ids; no base_url, so the
    # object's own url is used as it is
    {"path": "ext/designdoc.json", "prefix": "EXTDD-"},
    # the same file behind a hostile base_url
    {"path": "ext/designdoc.json", "prefix": "EXTDB-", "base_url": "javascript:alert(1201)//"},
    # a sphinx-needs needs.json with hostile external_url values
    {"path": "ext/needs.json", "prefix": "EXTN-", "base_url": "https://safety.example/docs"},
    # the same needs behind a hostile base_url
    {"path": "ext/needs.json", "prefix": "EXTNB-", "base_url": "javascript:alert(1202)//"},
]
