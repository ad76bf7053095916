"""designdoc new: the scaffold builds, refuses to overwrite, and says what to do next."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, run

from sphinx_designdoc.config import DEFAULT_TEMPLATE

pytestmark = pytest.mark.usefixtures("plain_cli")


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_new_scaffold_builds_with_only_untraced_warnings(
    capsys, make_app, tmp_path: Path, fmt: str
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    extensions = '["myst_parser", "sphinx_designdoc"]' if fmt == "md" else '["sphinx_designdoc"]'
    (src / "conf.py").write_text(
        f"extensions = {extensions}\nproject = 'x'\nshow_warning_types = True\n"
    )
    target = src / f"index.{fmt}"
    code, out, err = run(capsys, "new", "Payment Gateway", "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    text = target.read_text(encoding="utf-8")
    assert "Payment Gateway Design Document" in text
    for name in ("requirement", "decision", "dependency", "designdoc"):
        assert ("```{" + name if fmt == "md" else f".. {name}::") in text
    if fmt == "md":
        assert ":version: >=0.27,<1" in text and "\n% " in text
    else:
        assert ":version: >=0.27,<1" in text and "\n.. One requirement directive" in text
    app = make_app("html", srcdir=src)
    app.build()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    warnings = [w for w in plain.splitlines() if "WARNING" in w]
    assert all(w.endswith("[designdoc.untraced]") for w in warnings), warnings
    report = json.loads((app.outdir / "designdoc.json").read_text(encoding="utf-8"))
    ids = {o["id"]: o for o in report["objects"]}
    assert set(ids) == {
        "PAYMENT-GATEWAY-DOC",
        *(f"PAYMENT-GATEWAY-{kind}-{n}" for kind in ("REQ", "DEC", "DEP") for n in (1, 2)),
    }
    assert ids["PAYMENT-GATEWAY-REQ-1"]["traced"] is True
    assert ids["PAYMENT-GATEWAY-REQ-2"]["traced"] is False  # the one expected warning
    assert ids["PAYMENT-GATEWAY-DEP-1"]["fields"]["version"] == ">=0.27,<1"
    # the development dependency says its scope, so no filler decision has to use it
    assert ids["PAYMENT-GATEWAY-DEP-2"]["fields"]["scope"] == "dev"
    assert ids["PAYMENT-GATEWAY-DEP-2"]["incoming"] == {}
    assert not any("PAYMENT-GATEWAY-DEP-2" in o["links"].get("uses", []) for o in ids.values())
    # an example of the shared template that names no project of ours
    assert "Freqtrade" not in text and "Celery" not in text
    if "untraced" in report["checks"]:
        assert [(f["subtype"], f["id"]) for f in report["findings"]] == [
            ("untraced", "PAYMENT-GATEWAY-REQ-2")
        ]
    else:
        assert report["findings"] == []
    # all top-level sections of the template, in order
    heading = "## " if fmt == "md" else ""
    lines = text.splitlines()
    if fmt == "md":
        found = [line[3:] for line in lines if line.startswith(heading)]
    else:
        found = [lines[i - 1] for i, line in enumerate(lines) if line and set(line) == {"-"}]
    assert found == [titles[0] for titles in DEFAULT_TEMPLATE]


def test_new_refuses_to_overwrite_and_other_options(capsys, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "doc.md"
    assert run(capsys, "new", "Search", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("% Design document")  # md from suffix
    before = target.read_text(encoding="utf-8")
    assert_one_line_error(*run(capsys, "new", "Other", "-o", str(target)), "exists", "--force")
    assert target.read_text(encoding="utf-8") == before
    assert run(capsys, "new", "Other", "-o", str(target), "--force", "--format", "md")[0] == 0
    assert "OTHER-REQ-1" in target.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "new", "Search Design Document", "--prefix", "SRCH", "-o", "-")
    assert code == 0 and "SRCH-DEC-1" in out and "Search Design Document\n=====" in out
    assert "Design Document Design Document" not in out
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "new", "Über Cache")[0] == 0
    assert (tmp_path / "uber-cache.rst").is_file()
    assert_one_line_error(*run(capsys, "new", "T", "--prefix", "9x", "-o", "-"), "invalid IDs")
    assert_one_line_error(*run(capsys, "new", "  ", "-o", "-"), "title is empty")


def test_new_says_what_to_do_next_in_neutral_words(capsys, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("extensions = []\n", encoding="utf-8")
    (tmp_path / "docs" / "index.rst").write_text("Index\n=====\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "new", "Billing", "-o", "docs/billing.rst")
    assert code == 0 and out == ""
    assert "add 'billing' to a toctree (in docs/index.rst, say)" in err
    assert "add 'sphinx_designdoc' to extensions in conf.py" in err
    assert "python -m sphinx -b html docs docs/_build/html" in err
    text = (tmp_path / "docs" / "billing.rst").read_text(encoding="utf-8")
    for product in ("httpx", "pytest", "Stripe", "pypi.org"):
        assert product not in text
