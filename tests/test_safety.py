"""The rules for untrusted text (URL policy, class names, terminal text, ordering) and
the command line's use of them: nothing from a report drives a terminal, a scaffolded
title stays text, a malformed report is named, a shared build cache is locked."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOTS
from hypothesis import given
from hypothesis import strategies as st

from sphinx_designdoc import build, cli
from sphinx_designdoc.safety import (
    allowed_url,
    css_class,
    encode_url,
    natural_key,
    redact_url,
    safe_url,
    terminal_json,
    terminal_text,
)
from sphinx_designdoc.scaffold import scaffold
from sphinx_designdoc.shapes import DecodeError, check_report


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("page.html#REQ-1", True),
        ("../x/y.html", True),
        ("#REQ-1", True),
        ("//cdn.example/x", True),
        ("https://example.org/?a=1&b=2", True),
        ("HTTP://EXAMPLE.ORG", True),
        ("mailto:team@example.org", True),
        ("page.html#javascript:x", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:msgbox(1)", False),
        ("file:///etc/passwd", False),
    ],
)
def test_one_url_policy(url: str, allowed: bool) -> None:
    assert allowed_url(url) is allowed
    assert (safe_url(url) == url) is allowed


def test_safe_url_refuses_what_is_not_a_url() -> None:
    assert safe_url(None) is None and safe_url(5) is None and safe_url("  ") is None


def test_encoded_urls_cannot_close_an_attribute() -> None:
    encoded = encode_url('https://e.org/a?b=1&c="2"#<x> y')
    assert '"' not in encoded and "<" not in encoded and " " not in encoded
    assert encoded.startswith("https://e.org/a?b=1&c=%222%22#")


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("accepted", "accepted"),
        ('x" onmouseover="alert(1)', "x-onmouseover-alert-1"),
        ("<script>", "script"),
        ("Ünïcode Status", "unicode-status"),
        ("!!!", "x"),
    ],
)
def test_css_classes_are_slugs(value: str, slug: str) -> None:
    assert css_class(value) == slug


def test_terminal_text_shows_controls_instead_of_obeying_them() -> None:
    title = "ok\x1b]0;owned\x07\x1b[2J\x9b31m\u202eevil\ttab"
    shown = terminal_text(title)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\u202e" not in shown and "\\x1b]0;owned" in shown and "\ttab" in shown
    text = terminal_json(json.dumps({"t": title}, ensure_ascii=False))
    assert "\x9b" not in text and "\u202e" not in text
    assert json.loads(text) == {"t": title}  # the same data for a program


def test_natural_order_takes_any_number_of_digits() -> None:
    ids = ["REQ-10", "REQ-2", "req-3", "REQ-" + "9" * 5000, "REQ-02", "REQ-1"]
    ordered = sorted(ids, key=natural_key)
    assert ordered[:5] == ["REQ-1", "REQ-02", "REQ-2", "req-3", "REQ-10"]
    assert ordered[-1].startswith("REQ-999")


def test_natural_order_in_a_build_survives_a_huge_number(make_app, copy_root) -> None:
    src = copy_root("views")
    with (src / "requirements.rst").open("a", encoding="utf-8") as fh:
        fh.write("\n.. requirement:: Big\n   :id: REQ-" + "7" * 5000 + "\n")
    app = make_app("html", srcdir=src)
    app.build()  # the matrix and table sort it without converting it to an int
    assert ("REQ-" + "7" * 5000) in (app.outdir / "views.html").read_text(encoding="utf-8")


# -- the command line ------------------------------------------------------------------


def _report(tmp_path: Path, title: str) -> Path:
    path = tmp_path / "designdoc.json"
    path.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "vocabulary": {"types": {}, "links": {}},
                "objects": [
                    {"id": "REQ-1", "type": "requirement", "title": title, "status": "draft"}
                ],
                "findings": [
                    {"subtype": "untraced", "message": title, "id": "REQ-1", "suppressed": False}
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["trace", "impact", "check"])
def test_titles_cannot_drive_the_terminal(command: str, tmp_path: Path, capsys: Any) -> None:
    title = "Evil\x1b[2J\x1b]0;pwned\x07\x9b1m\u202e title"
    path = _report(tmp_path, title)
    args = [command, "REQ-1", "--data", str(path), "--color", "never"]
    if command == "check":
        args = ["check", str(path)]
    cli.main(args)
    out = capsys.readouterr().out
    assert "Evil" in out
    for control in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert control not in out, (command, repr(out))
    # JSON keeps the exact data, escaped
    if command != "check":
        cli.main([command, "REQ-1", "--data", str(path), "--json"])
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x9b" not in out
        assert json.loads(out)["object"]["title"] == title


@pytest.mark.parametrize(
    ("report", "field"),
    [
        ({"objects": [{"id": "A", "links": {"addresses": "B"}}]}, "objects[0].links.addresses"),
        ({"objects": [{"id": "A", "fields": {"tags": [1]}}]}, "objects[0].fields.tags[0]"),
        ({"objects": [{"id": "A", "incoming": []}]}, "objects[0].incoming"),
        ({"objects": [], "findings": [{"line": "7"}]}, "findings[0].line"),
        ({"objects": [], "vocabulary": {"links": {"x": {"sources": "a"}}}}, "vocabulary.links.x"),
        ({"objects": [], "coverage": {"requirement": {"percent": True}}}, "percent"),
    ],
)
def test_a_malformed_report_is_named_with_its_field(
    report: dict[str, Any], field: str, tmp_path: Path, capsys: Any
) -> None:
    with pytest.raises(DecodeError, match=field.replace("[", r"\[").replace("]", r"\]")):
        check_report(report)
    path = tmp_path / "designdoc.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    for command in (["trace", "A"], ["impact", "A"], ["export", "--format", "md"]):
        assert cli.main([*command, "--data", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(path) in err and field.split(".")[-1] in err
        assert "unexpected" not in err


@pytest.mark.parametrize(
    ("title", "fmt"),
    [
        (".. comment", "rst"),
        ("*Bold* `code` :role:`x` |sub| [link](javascript:x)", "rst"),
        ("{sub-ref}`today` <b>x</b> $math$ *em*", "md"),
        ("# not a heading", "md"),
    ],
)
def test_a_scaffolded_title_stays_text(title: str, fmt: str, make_app, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_designdoc"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
        'suppress_warnings = ["designdoc.untraced"]\n',
        encoding="utf-8",
    )
    (src / f"index.{fmt}").write_text(scaffold(title, fmt=fmt), encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    assert app.warning.getvalue() == ""
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    import html as html_lib

    heading = html_lib.unescape(html.split("<h1>", 1)[1].split("<a class", 1)[0])
    assert heading == f"{title} Design Document"


def _build_in_cache(src: str, cache: str, queue: Any) -> None:
    import os

    os.environ["XDG_CACHE_HOME"] = cache
    start = time.monotonic()
    code = cli.main(["trace", "REQ-1", "--data", src, "--json"])
    queue.put((code, start, time.monotonic()))


def test_two_commands_share_a_build_cache_in_turn(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    cache = tmp_path / "cache"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_build_in_cache, args=(str(src), str(cache), queue))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    results = [queue.get(timeout=5) for _ in workers]
    assert [code for code, _, _ in results] == [0, 0]
    (report,) = cache.glob("sphinx-designdoc/*/out/designdoc.json")
    assert json.loads(report.read_text(encoding="utf-8"))["objects"]
    assert list(cache.glob("sphinx-designdoc/*/lock"))


def test_the_cache_lock_excludes_a_second_holder(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    with (
        build.cache_lock(lock),
        pytest.raises(build.BuildError, match="another designdoc command"),
        build.cache_lock(lock, timeout=0.3),
    ):
        pass
    with build.cache_lock(lock, timeout=0.3):  # free again
        pass


# -- URLs that may hold credentials ------------------------------------------------------


def test_redact_url() -> None:
    assert (
        redact_url("https://user:pw@host/p?token=abc&x=1#f") == "https://***@host/p?token=***&x=***"
    )
    assert (
        redact_url("https://TOKEN@github.com/o/r/needs.json")
        == "https://***@github.com/o/r/needs.json"
    )
    # the last "@" ends the userinfo, as urllib and browsers read it
    assert redact_url("http://u:p@h\\@evil.example/x") == "http://***@evil.example/x"
    assert redact_url("https://h/p?flag&empty=&sig=a%26b;c=d") == "https://h/p?***&empty=&sig=***"
    assert redact_url("https://h/needs.json") == "https://h/needs.json"
    assert redact_url("https://[unbalanced/p?token=x") == "https://***"
    assert redact_url("ftp://u:p@h/x") == "ftp://***@h/x"


#: what a password, token or signature may be made of (no delimiter of its own part)
_secret = st.text(alphabet="abcXYZ0189-._~%!$'()*+,;:", min_size=6, max_size=20).filter(
    lambda s: s.strip(":")
)


@given(_secret, _secret, _secret, st.sampled_from(["http", "https", "HTTPS"]))
def test_redact_url_never_shows_a_secret(user: str, password: str, token: str, scheme: str) -> None:
    url = f"{scheme}://{user}:{password}@host.example:8443/a/b.json?token={token}&{token}#{token}"
    shown = redact_url(url)
    for secret in (user, password, token):
        assert secret not in shown
    assert shown == "https://***@host.example:8443/a/b.json?token=***&***".replace(
        "https", scheme.lower()
    )
