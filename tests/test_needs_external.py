"""needs_external_needs of other projects: their types map to ours, URLs are
fetched once and only over HTTP, and the export leaves their objects out."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import load_report, requires_sphinx_needs, warnings_of, write_project

pytestmark = pytest.mark.usefixtures("_needs_installed")


@pytest.fixture
def _needs_installed() -> None:
    requires_sphinx_needs()


def _needs(outdir: Path, name: str = "needs.json") -> dict[str, dict[str, Any]]:
    data = json.loads((outdir / name).read_text(encoding="utf-8"))
    return data["versions"][data["current_version"]]["needs"]


OTHER_NEEDS = {
    "current_version": "1.0",
    "versions": {
        "1.0": {
            "needs": {
                "SWREQ_1": {"id": "SWREQ_1", "type": "swreq", "title": "Boot in 2 s"},
                "SYSREQ_1": {"id": "SYSREQ_1", "type": "sysreq", "title": "Start fast"},
            }
        }
    },
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, http.server.HTTPServer]]:
    """An HTTP server on localhost serving a folder."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", root, httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def _importer(tmp_path: Path, entry: str) -> Path:
    return write_project(
        tmp_path / "importer",
        {
            "index.rst": "Index\n=====\n\n.. decision:: Boot from flash\n   :id: DEC-1\n"
            "   :status: accepted\n   :addresses: SW-SWREQ_1, SW-SYSREQ_1\n"
        },
        conf="extensions = ['sphinx_designdoc']\nshow_warning_types = True\n"
        f"designdoc_external = [{entry}]\n",
    )


def test_external_needs_types_map_to_ours_and_come_from_a_url(make_app, tmp_path, server) -> None:
    base, root, httpd = server
    (root / "needs.json").write_text(json.dumps(OTHER_NEEDS), encoding="utf-8")
    entry = (
        f"{{'url': '{base}/needs.json', 'prefix': 'SW-', 'timeout': 5,"
        " 'types': {'swreq': 'requirement', 'sysreq': 'requirement'}}"
    )
    src = _importer(tmp_path, entry)
    app = make_app("html", srcdir=src)
    app.build()
    assert not [w for w in warnings_of(app) if "designdoc" in w]
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objects["SW-SWREQ_1"]["type"] == "requirement" and objects["SW-SWREQ_1"]["external"]

    # the server is gone: one warning, and the last good copy
    httpd.shutdown()
    httpd.server_close()
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    external = [w for w in warnings_of(app) if "[designdoc.external]" in w]
    assert len(external) == 1 and "could not fetch it" in external[0]
    assert "using the copy fetched" in external[0]
    assert "SW-SWREQ_1" in {o["id"] for o in load_report(app.outdir)["objects"]}
    assert not [w for w in warnings_of(app) if "[designdoc.dangling]" in w]


def test_a_url_never_fetched_is_one_warning(make_app, tmp_path, server) -> None:
    base, _root, _httpd = server
    src = _importer(tmp_path, f"{{'url': '{base}/missing.json', 'prefix': 'SW-'}}")
    app = make_app("html", srcdir=src)
    app.build()
    external = [w for w in warnings_of(app) if "[designdoc.external]" in w]
    assert len(external) == 1
    assert "could not fetch it (HTTP Error 404" in external[0]
    assert "no earlier copy to use" in external[0]


def test_a_url_entry_must_be_http(make_app, tmp_path) -> None:
    src = _importer(tmp_path, "{'url': 'file:///etc/passwd'}")
    app = make_app("html", srcdir=src)
    app.build()
    config = [w for w in warnings_of(app) if "[designdoc.config]" in w]
    assert len(config) == 1 and "'url' must be an http or https URL" in config[0]


def test_export_leaves_out_other_projects_objects(make_app, tmp_path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps(OTHER_NEEDS), encoding="utf-8")
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Index\n=====\n\n.. decision:: Boot from flash\n   :id: DEC-1\n"
            "   :status: accepted\n   :addresses: SW-SWREQ_1\n\n   Flash is fast.\n"
        },
        conf="extensions = ['sphinx_designdoc']\nshow_warning_types = True\n"
        "designdoc_exports = ['needs']\n"
        f"designdoc_external = [{{'path': {str(other)!r}, 'prefix': 'SW-',"
        " 'types': {'swreq': 'requirement'}}]\n",
    )
    app = make_app("html", srcdir=src)
    app.build()
    export = _needs(app.outdir, "designdoc-needs.json")
    assert sorted(export) == ["DEC-1"]
    assert export["DEC-1"]["content"] == "Flash is fast."
    assert export["DEC-1"]["addresses"] == ["SW-SWREQ_1"]
