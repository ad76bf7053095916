"""``designdoc_external`` entries with a ``url``: a fetch bounded by its timeout, redirects
followed only to http and https, credentials sent but never written anywhere."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import load_report, warnings_of, write_project

from sphinx_designdoc.config import DEFAULT_ID_REGEX
from sphinx_designdoc.external import load_external
from sphinx_designdoc.vocabulary_config import build_schema

SCHEMA = build_schema()
REGEX = re.compile(DEFAULT_ID_REGEX)

NEEDS = {
    "current_version": "1.0",
    "versions": {
        "1.0": {
            "needs": {
                "EXT_1": {"id": "EXT_1", "type": "req", "title": "Theirs", "docname": "x"},
                "REQ-1": {"id": "REQ-1", "type": "req", "title": "Same ID", "docname": "x"},
            }
        }
    },
}
BODY = json.dumps(NEEDS, indent=1).encode()

# -- a server on 127.0.0.1 that answers each path as a test says --------------------------

#: what a route answers: it gets the request line and headers, and the socket
Route = Callable[[str, dict[str, str], socket.socket], None]


@dataclass
class Server:
    base: str
    port: int
    routes: dict[str, Route]
    #: (path, headers) of each request, in order
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)


def _serve(listener: socket.socket, server: Server) -> None:
    listener.settimeout(0.1)  # to see the test end
    while not server.stop.is_set():
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        thread = threading.Thread(target=_answer, args=(conn, server), daemon=True)
        server.threads.append(thread)
        thread.start()


def _answer(conn: socket.socket, server: Server) -> None:
    with conn:
        conn.settimeout(10)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        path = head[0].split(" ")[1]
        headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
        server.seen.append((path, headers))
        route = server.routes.get(path.split("?")[0], _not_found)
        with contextlib.suppress(OSError):  # the client went away
            route(path, headers, conn)


def _not_found(path: str, headers: dict[str, str], conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def ok(body: bytes = BODY) -> Route:
    def route(path: str, headers: dict[str, str], conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    return route


def redirect(location: str) -> Route:
    def route(path: str, headers: dict[str, str], conn: socket.socket) -> None:
        conn.sendall(
            f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )

    return route


@pytest.fixture
def server() -> Iterator[Server]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    srv = Server(f"http://127.0.0.1:{port}", port, {})
    thread = threading.Thread(target=_serve, args=(listener, srv), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop.set()
        # no thread outlives the test (a later test that forks would be warned)
        for t in [thread, *srv.threads]:
            t.join(10)
        listener.close()


def trickle(srv: Server, head: bytes, body: bytes, every: float = 0.05) -> Route:
    """Send ``head`` at once, then ``body`` a byte at a time: a server that never stops
    answering and never finishes (until the test ends)."""

    def route(path: str, headers: dict[str, str], conn: socket.socket) -> None:
        conn.sendall(head)
        for byte in body:
            if srv.stop.wait(every):
                return
            conn.sendall(bytes([byte]))

    return route


def _load(url: str, cache: Path | None = None, **entry: Any) -> tuple[list[Any], list[str]]:
    return load_external({"url": url, **entry}, Path(), SCHEMA, REGEX, cache_dir=cache)


# -- the timeout bounds the whole fetch --------------------------------------------------

SLOW = {
    # the status line and headers, a byte at a time
    "headers": (b"", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + b"X-Slow: 1\r\n" * 200),
    # prompt headers, then the body a byte at a time
    "body": (
        b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n\r\n",
        BODY,
    ),
}


@pytest.mark.parametrize("part", sorted(SLOW))
def test_a_trickling_server_is_cut_off_at_the_timeout(
    server: Server, tmp_path: Path, part: str
) -> None:
    """Each byte comes within the timeout, so urllib's per-read timeout never fires: the
    fetch took as long as the server liked (a `timeout: 2` build held for 100 s).  The
    budget is the whole fetch now; the last good copy is used, as for any failure."""
    server.routes["/needs.json"] = ok()
    cache = tmp_path / "cache"
    items, problems = _load(f"{server.base}/needs.json", cache, timeout=0.5)
    assert {i.id for i in items} == {"EXT_1", "REQ-1"} and not problems

    head, body = SLOW[part]
    server.routes["/needs.json"] = trickle(server, head, body)
    start = time.monotonic()
    items, problems = _load(f"{server.base}/needs.json", cache, timeout=0.5)
    elapsed = time.monotonic() - start
    # a correctness bound, not a speed test: unbounded, this takes minutes
    assert elapsed < 5, elapsed
    assert len(problems) == 1
    assert "could not fetch it within its timeout of 0.5 s; using the copy fetched" in problems[0]
    assert {i.id for i in items} == {"EXT_1", "REQ-1"}


def test_a_name_lookup_that_hangs_is_bounded_too(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before any byte is read: the build stops waiting when the budget is spent."""
    release = threading.Event()

    def hanging_lookup(*args: Any, **kwargs: Any) -> Any:
        release.wait(60)
        raise OSError("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_lookup)
    start = time.monotonic()
    try:
        items, problems = _load(f"{server.base}/needs.json", timeout=0.5)
    finally:
        release.set()
        for thread in threading.enumerate():
            if thread.name == "designdoc-fetch":
                thread.join(10)
    assert time.monotonic() - start < 5
    assert items == [] and len(problems) == 1
    assert "could not fetch it within its timeout of 0.5 s; no earlier copy to use" in problems[0]


def test_a_trickling_server_in_a_build_is_one_warning_and_the_last_good_copy(
    make_app, server: Server, tmp_path: Path
) -> None:
    server.routes["/needs.json"] = ok()
    src = write_project(
        tmp_path / "src",
        {"index.rst": "Index\n=====\n\nSee :dd:ref:`EXT_1`.\n"},
        conf="extensions = ['sphinx_designdoc']\nshow_warning_types = True\n"
        f"designdoc_external = [{{'url': '{server.base}/needs.json', 'timeout': 0.5}}]\n",
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert not [w for w in warnings_of(app) if "[designdoc.external]" in w]

    server.routes["/needs.json"] = trickle(server, *SLOW["body"])
    app = make_app("html", srcdir=src, freshenv=True)
    start = time.monotonic()
    app.build()
    assert time.monotonic() - start < 30  # unbounded, the trickle takes minutes
    external = [w for w in warnings_of(app) if "[designdoc.external]" in w]
    assert len(external) == 1, external
    assert "within its timeout of 0.5 s; using the copy fetched" in external[0]
    assert "EXT_1" in {o["id"] for o in load_report(app.outdir)["objects"]}


# -- redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["ftp", "file", "data"])
def test_a_redirect_is_followed_only_to_http_and_https(server: Server, scheme: str) -> None:
    """urllib follows a redirect to ftp: (and refuses file: and data: with a message
    that quotes the whole URL, secrets and all)."""
    ftp = socket.socket()  # where an ftp: redirect leads: nothing may connect to it
    ftp.bind(("127.0.0.1", 0))
    ftp.listen(1)
    ftp.settimeout(0.2)
    targets = {
        "ftp": f"ftp://127.0.0.1:{ftp.getsockname()[1]}/needs.json?token=REDIRSECRET",
        "file": "file:///etc/passwd?token=REDIRSECRET",
        "data": "data:application/json,REDIRSECRET",
    }
    server.routes["/needs.json"] = redirect(targets[scheme])
    with ftp:
        items, problems = _load(f"{server.base}/needs.json?token=MINE", timeout=2)
        with pytest.raises(TimeoutError):
            ftp.accept()  # urllib's FTP handler would have connected by now
    assert items == [] and len(problems) == 1
    assert (
        f"it redirects to a URL of scheme {scheme!r}, which is not followed "
        "(only http and https are); no earlier copy to use" in problems[0]
    )
    assert "REDIRSECRET" not in problems[0] and "MINE" not in problems[0]


def test_a_redirect_to_http_is_followed_without_the_credentials(server: Server) -> None:
    """The userinfo is sent as Basic authentication (urllib alone makes it part of the
    host name and fails), to the URL's own host only: a redirect does not carry it on."""
    expected = "Basic " + base64.b64encode(b"me:p@ss").decode()
    server.routes["/moved"] = redirect(f"{server.base}/needs.json")
    server.routes["/needs.json"] = ok()
    items, problems = _load(f"http://me:p%40ss@127.0.0.1:{server.port}/moved", timeout=5)
    assert not problems and {i.id for i in items} == {"EXT_1", "REQ-1"}
    assert [(p, h.get("authorization")) for p, h in server.seen] == [
        ("/moved", expected),
        ("/needs.json", None),
    ]


# -- credentials and tokens are never written whole ------------------------------------------


SECRETS = ("PASSWD", "SECRET1", "SIG2", "FAILSECRET", "SPACESECRET", "CONFSECRET")


def test_credentials_in_a_url_reach_no_output(make_app, server: Server, tmp_path: Path) -> None:
    expected = "Basic " + base64.b64encode(b"user:PASSWD").decode()

    def guarded(path: str, headers: dict[str, str], conn: socket.socket) -> None:
        if headers.get("authorization") == expected:
            ok()(path, headers, conn)
        else:
            conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")

    server.routes["/needs.json"] = guarded
    good = f"http://user:PASSWD@127.0.0.1:{server.port}/needs.json?token=SECRET1&sig=SIG2"
    failing = f"http://user:PASSWD@127.0.0.1:{server.port}/gone.json?token=FAILSECRET"
    # http.client refuses a space in the path and quotes the path in its message
    invalid = f"{server.base}/x.json?token=SPACESECRET x"
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Index\n=====\n\n.. requirement:: Ours\n   :id: REQ-1\n\n"
            ".. decision:: Use theirs\n   :id: DEC-1\n   :status: accepted\n"
            "   :addresses: REQ-1, EXT_1\n"
        },
        conf="extensions = ['sphinx_designdoc']\nshow_warning_types = True\n"
        "designdoc_exports = ['csv', 'md', 'html', 'junit', 'sarif', 'needs']\n"
        # the second build must not read the first one's designdoc.md as a page where an
        # earlier test in the process left '.md' among the source suffixes
        "exclude_patterns = ['_build']\n"
        f"designdoc_external = [{{'url': {good!r}}}, {{'url': {failing!r}}},\n"
        f"    {{'url': {invalid!r}}}, {{'url': 'ftp://me:CONFSECRET@h/x.json'}},\n"
        "    'https://me:CONFSECRET@h/needs.json?token=CONFSECRET']\n",
    )

    def check(app: Any) -> list[str]:
        warnings = warnings_of(app)
        for secret in SECRETS:
            assert not [w for w in warnings if secret in w], secret
            for path in Path(app.outdir).rglob("*"):
                if path.is_file():
                    text = path.read_bytes().decode("utf-8", "replace")
                    assert secret not in text, (secret, path.name)
        return warnings

    app = make_app("html", srcdir=src)
    app.build()
    warnings = check(app)
    shown = f"http://***@127.0.0.1:{server.port}/needs.json?token=***&sig=***"
    report = load_report(app.outdir)
    objects = {o["id"]: o for o in report["objects"]}
    assert objects["EXT_1"]["source"] == shown
    # the fetched file's objects and its findings are located at the URL as shown
    duplicate = [w for w in warnings if "[designdoc.duplicate]" in w]
    assert len(duplicate) == 1 and duplicate[0].startswith(f"{shown}:")
    sarif = json.loads((app.outdir / "designdoc.sarif").read_text(encoding="utf-8"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert shown in uris
    failing_shown = f"http://***@127.0.0.1:{server.port}/gone.json?token=***"
    assert any(f"designdoc_external {failing_shown!r}: could not fetch it" in w for w in warnings)
    assert any("'ftp://***@h/x.json': 'url' must be an http or https URL" in w for w in warnings)

    # the failing fetch: the server is gone, the last good copy is used
    server.routes.clear()
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    warnings = check(app)
    assert any(f"{shown!r}: could not fetch it" in w and "using the copy" in w for w in warnings)
