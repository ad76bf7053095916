"""``designdoc lsp`` on input no editor should send: broken frames, malformed JSON,
unknown methods, requests with the wrong parameters, a workspace without ``conf.py``,
a ``conf.py`` that raises, a page of 50 MB.  The server answers with protocol errors
or nothing, and keeps serving until it is told to exit."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the lsp extra (pygls) is not installed")


pytestmark = pytest.mark.verifies("REQ-EDITOR")


class RawClient:
    """JSON-RPC over the server's stdin and stdout, frame by frame, bytes as given."""

    def __init__(self, cwd: Path, cache: Path) -> None:
        env = {
            "PATH": "",
            "XDG_CACHE_HOME": str(cache),
            "PYTHONPATH": str(Path(__file__).parents[1]),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sphinx_designdoc", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        #: every message the server sent, in order
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(stream.read(length))
            self.seen.append(message)
            self.messages.put(message)

    def send_bytes(self, body: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_bytes(json.dumps({"jsonrpc": "2.0", **message}).encode())

    def answer(self, request_id: int, timeout: float = 60) -> dict[str, Any]:
        """The response to request ``request_id`` (notifications on the way skipped)."""
        while True:
            message = self.messages.get(timeout=timeout)
            if message.get("id") == request_id and "method" not in message:
                return message

    def initialize(self, root: Path) -> None:
        self.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}},
            }
        )
        assert "result" in self.answer(1)
        self.send({"method": "initialized", "params": {}})

    def stop(self) -> int:
        self.send({"id": 999, "method": "shutdown"})
        assert self.answer(999).get("result") is None
        self.send({"method": "exit"})
        return self.process.wait(timeout=30)


def _open(client: RawClient, path: Path, text: str) -> None:
    client.send(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": path.as_uri(),
                    "languageId": "restructuredtext",
                    "version": 1,
                    "text": text,
                }
            },
        }
    )


def _symbols(client: RawClient, path: Path, request_id: int) -> Any:
    client.send(
        {
            "id": request_id,
            "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": path.as_uri()}},
        }
    )
    return client.answer(request_id)


def test_bad_messages_get_errors_and_the_server_goes_on(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('extensions = ["sphinx_designdoc"]\n', encoding="utf-8")
    page = docs / "index.rst"
    page.write_text(".. requirement:: One\n   :id: R-1\n", encoding="utf-8")
    client = RawClient(tmp_path, tmp_path / "cache")
    client.initialize(tmp_path)

    client.send_bytes(b"{this is not json")
    client.send_bytes(b"\xff\xfe\x00garbage")
    client.send({"id": 2, "method": "designdoc/noSuchMethod", "params": {}})
    unknown = client.answer(2)
    assert unknown["error"]["code"] == -32601
    client.send({"id": 3, "method": "textDocument/hover", "params": {"nonsense": True}})
    assert client.answer(3)["error"]["code"] == -32602  # invalid params, not silence
    client.send({"id": 4, "method": "textDocument/hover", "params": None})
    assert client.answer(4)["error"]["message"].endswith("textDocument/hover")
    # a document in no project, and a URI that is no file
    client.send(
        {
            "id": 5,
            "method": "textDocument/hover",
            "params": {
                "textDocument": {"uri": "untitled:Untitled-1"},
                "position": {"line": 0, "character": 0},
            },
        }
    )
    assert client.answer(5).get("result") is None

    _open(client, page, page.read_text(encoding="utf-8"))
    answer = _symbols(client, page, 6)
    assert [s["name"] for s in answer["result"]] == ["R-1"]
    assert client.stop() == 0
    # one line on stderr for each message it could not read, no traceback
    assert client.process.stderr is not None
    errors = client.process.stderr.read().decode().splitlines()
    # two frames that are no JSON-RPC, an unknown method, two requests it cannot read
    assert len(errors) == 5, errors
    assert not any("Traceback" in line for line in errors)
    # nothing shown to the user for what the editor sent
    assert not [m for m in client.seen if m.get("method") == "window/showMessage"]


def test_a_workspace_without_conf_py_and_a_conf_py_that_raises(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    client = RawClient(tmp_path, tmp_path / "cache")
    client.initialize(empty)
    stray = empty / "stray.rst"
    stray.write_text(".. requirement:: Stray\n   :id: S-1\n", encoding="utf-8")
    _open(client, stray, stray.read_text(encoding="utf-8"))
    assert _symbols(client, stray, 2).get("result") is None
    logs = [m["params"]["message"] for m in client.seen if m.get("method") == "window/logMessage"]
    assert any("no conf.py in the workspace" in m for m in logs)
    assert client.stop() == 0

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "conf.py").write_text("import no_such_module_here\n", encoding="utf-8")
    page = broken / "index.rst"
    page.write_text(".. requirement:: Read anyway\n   :id: R-1\n", encoding="utf-8")
    client = RawClient(tmp_path, tmp_path / "cache")
    client.initialize(broken)
    _open(client, page, page.read_text(encoding="utf-8"))
    assert [s["name"] for s in _symbols(client, page, 2)["result"]] == ["R-1"]
    assert client.stop() == 0


def test_a_page_of_50_mb_is_left_alone(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('extensions = ["sphinx_designdoc"]\n', encoding="utf-8")
    big = docs / "big.rst"
    text = ".. requirement:: Big\n   :id: BIG-1\n\n" + ("word " * 12 + "\n") * 850_000
    assert len(text) > 50_000_000
    big.write_text(text, encoding="utf-8")
    small = docs / "index.rst"
    small.write_text(".. requirement:: Small\n   :id: R-1\n", encoding="utf-8")
    client = RawClient(tmp_path, tmp_path / "cache")
    client.initialize(tmp_path)
    _open(client, big, text)
    assert _symbols(client, big, 2).get("result") is None
    _open(client, small, small.read_text(encoding="utf-8"))
    assert [s["name"] for s in _symbols(client, small, 3)["result"]] == ["R-1"]
    assert client.stop() == 0


def test_a_conf_py_that_prints_cannot_break_the_protocol(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        "import os, sys\n"
        'print("Content-Length: 5\\r\\n\\r\\nhello")\n'
        'os.system("echo from a program conf.py runs")\n'
        'sys.stdout.write("more")\n'
        'extensions = ["sphinx_designdoc"]\n',
        encoding="utf-8",
    )
    page = docs / "index.rst"
    page.write_text(".. requirement:: One\n   :id: R-1\n", encoding="utf-8")
    client = RawClient(tmp_path, tmp_path / "cache")
    client.initialize(tmp_path)
    _open(client, page, page.read_text(encoding="utf-8"))
    assert [s["name"] for s in _symbols(client, page, 2)["result"]] == ["R-1"]
    assert client.stop() == 0
    assert client.process.stderr is not None
    assert "from a program conf.py runs" in client.process.stderr.read().decode()
