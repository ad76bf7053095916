"""Change review: the body text objects carry, ``designdoc.lock`` and the suspect links
it finds, ``designdoc review accept|status``, in reStructuredText and MyST, serial,
parallel and incremental builds, and a lock nobody wrote by hand."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_one_line_error, run
from conftest import CONF, edit, find_warning, load_report, touch_later, warnings_of, write_project

from sphinx_designdoc.lock import dump, find_suspects, parse, stamp_of
from sphinx_designdoc.model import Item

MYST_CONF = CONF + 'extensions += ["myst_parser"]\nmyst_enable_extensions = ["colon_fence"]\n'

REQS_RST = """\
Requirements
============

.. requirement:: Pay by card
   :id: REQ-1
   :priority: must

   Customers pay by *card*; all major
   brands are accepted.

   - Visa
   - Mastercard

.. requirement:: Refunds
   :id: REQ-2

   Refunds within ``14`` days.
"""

DECS_RST = """\
Decisions
=========

.. decision:: Use Stripe
   :id: DEC-1
   :status: accepted
   :addresses: REQ-1, REQ-2

   Stripe covers both.

.. decision:: Keep a ledger
   :id: DEC-2
   :status: accepted
   :addresses: REQ-2

   Our own record.

.. dd-table::
   :type: decision
   :columns: id, suspect
   :filter: suspect
"""

REQS_MD = """\
# Requirements

```{requirement} Pay by card
:id: REQ-1
:priority: must

Customers pay by *card*; all major brands
are accepted.

* Visa
* Mastercard
```

```{requirement} Refunds
:id: REQ-2

Refunds within `14` days.
```
"""

DECS_MD = """\
# Decisions

```{decision} Use Stripe
:id: DEC-1
:status: accepted
:addresses: REQ-1, REQ-2

Stripe covers both.
```

```{decision} Keep a ledger
:id: DEC-2
:status: accepted
:addresses: REQ-2

Our own record.
```

```{dd-table}
:type: decision
:columns: id, suspect
:filter: suspect
```
"""

INDEX = ".. toctree::\n\n   reqs\n   decs\n"
INDEX_MD = "# Index\n\n```{toctree}\nreqs\ndecs\n```\n"


def _project(tmp_path: Path, markup: str, name: str = "proj") -> Path:
    if markup == "rst":
        files = {
            "index.rst": "Index\n=====\n\n" + INDEX,
            "reqs.rst": REQS_RST,
            "decs.rst": DECS_RST,
        }
        return write_project(tmp_path / name, files)
    files = {"index.md": INDEX_MD, "reqs.md": REQS_MD, "decs.md": DECS_MD}
    return write_project(tmp_path / name, files, MYST_CONF)


def _objects(outdir: Path) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in load_report(outdir)["objects"]}


def _suspect_warnings(app: Any) -> list[str]:
    return [w for w in warnings_of(app) if w.endswith("[designdoc.suspect]")]


def _accept(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run(capsys, "review", "accept", *argv)


# -- the body text ---------------------------------------------------------------------


def test_body_text_is_the_same_in_rst_and_myst(make_app, tmp_path: Path) -> None:
    texts = {}
    for markup in ("rst", "md"):
        app = make_app("html", srcdir=_project(tmp_path, markup, markup))
        app.build()
        texts[markup] = {k: o.get("text") for k, o in _objects(app.outdir).items()}
    assert texts["rst"] == texts["md"]
    # one line per block, the paragraph's line break and the markup gone
    assert texts["rst"]["REQ-1"] == (
        "Customers pay by card; all major brands are accepted.\nVisa\nMastercard"
    )
    assert texts["rst"]["REQ-2"] == "Refunds within 14 days."


# -- suspect links, end to end -----------------------------------------------------------


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_an_edited_requirement_makes_its_decisions_suspect_until_accepted(
    make_app, tmp_path: Path, capsys, plain_cli, markup: str
) -> None:
    src = _project(tmp_path, markup)
    ext = markup
    app = make_app("html", srcdir=src)
    app.build()
    assert not _suspect_warnings(app)  # no lock: nothing changes for a project

    code, out, _ = _accept(capsys, "--all", str(src))
    assert code == 0 and "stamped 3 link(s)" in out
    lock = (src / "designdoc.lock").read_text(encoding="utf-8")
    assert re.search(r"^DEC-1 addresses REQ-1 status=proposed title=\w{12} text=\w{12}", lock, re.M)

    # a reflow, a move to another line and another page, and new own links of the
    # target change nothing
    edit(src / f"reqs.{ext}", "all major", "all\n   major" if markup == "rst" else "all\nmajor")
    touch_later(src / f"reqs.{ext}")
    app = make_app("html", srcdir=src)
    app.build()
    assert not _suspect_warnings(app)

    edit(src / f"reqs.{ext}", "are accepted.", "are accepted, and wallets.")
    touch_later(src / f"reqs.{ext}")
    app = make_app("html", srcdir=src)
    app.build()
    line = 7 if markup == "rst" else 6  # the :addresses: option
    warning = find_warning(_suspect_warnings(app), f"decs.{ext}:{line}", "suspect", "REQ-1")
    assert "DEC-1 addresses REQ-1, whose text changed since the link was reviewed" in warning
    assert "designdoc review accept DEC-1" in warning
    assert len(_suspect_warnings(app)) == 1  # DEC-2 does not address REQ-1
    objs = _objects(app.outdir)
    assert objs["DEC-1"]["suspect"] == [
        {"link": "addresses", "target": "REQ-1", "changed": ["text"]}
    ]
    assert "suspect" not in objs["DEC-2"]
    report = load_report(app.outdir)
    assert report["checks"]["suspect"] == 1
    finding = next(f for f in report["findings"] if f["subtype"] == "suspect")
    assert (finding["id"], finding["source"], finding["line"]) == ("DEC-1", f"decs.{ext}", line)
    # the decisions' page was written again, though only the requirements' changed
    page = (app.outdir / "decs.html").read_text(encoding="utf-8")
    assert "dd-badge-suspect" in page
    table = page[page.index("dd-table") :]
    assert "REQ-1 (text)" in table and "DEC-2" not in table.split("</table>")[0].split("DEC-1")[-1]

    code, out, _ = run(capsys, "check", str(src))
    assert code == 1 and "designdoc.suspect" in out
    code, out, _ = run(capsys, "review", "status", str(src))
    assert code == 1 and "DEC-1 addresses REQ-1: text changed" in out

    code, out, _ = _accept(capsys, "DEC-1", str(src))
    assert code == 0 and "1 were suspect or changed" in out
    app = make_app("html", srcdir=src)
    app.build()
    assert not _suspect_warnings(app)
    assert "dd-badge-suspect" not in (app.outdir / "decs.html").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "review", "status", str(src))
    assert code == 0 and "3 link(s) stamped and unchanged, 0 suspect" in out


def test_what_changed_is_named(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    src = _project(tmp_path, "rst")
    assert _accept(capsys, "--all", str(src))[0] == 0
    edit(src / "reqs.rst", "   :priority: must\n", "   :priority: should\n   :status: approved\n")
    edit(src / "reqs.rst", "Refunds\n", "Refunds and returns\n")
    app = make_app("html", srcdir=src)
    app.build()
    messages = sorted(w.split("WARNING: ")[1] for w in _suspect_warnings(app))
    assert messages == [
        "DEC-1 addresses REQ-1, whose status proposed -> approved and field 'priority' changed "
        "since the link was reviewed; check that DEC-1 still holds, then run: designdoc "
        "review accept DEC-1 [designdoc.suspect]",
        "DEC-1 addresses REQ-2, whose title changed since the link was reviewed; check that "
        "DEC-1 still holds, then run: designdoc review accept DEC-1 [designdoc.suspect]",
        "DEC-2 addresses REQ-2, whose title changed since the link was reviewed; check that "
        "DEC-2 still holds, then run: designdoc review accept DEC-2 [designdoc.suspect]",
    ]


def test_a_new_link_is_unstamped_not_suspect(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    src = _project(tmp_path, "rst")
    assert _accept(capsys, "--all", str(src))[0] == 0
    edit(src / "decs.rst", ":addresses: REQ-2\n\n   Our", ":addresses: REQ-2, REQ-1\n\n   Our")
    edit(src / "reqs.rst", "Pay by card", "Pay by any card")
    app = make_app("html", srcdir=src)
    app.build()
    assert [w.split("WARNING: ")[1][:22] for w in _suspect_warnings(app)] == [
        "DEC-1 addresses REQ-1,"
    ]
    code, out, _ = run(capsys, "review", "status", "--json", str(src))
    status = json.loads(out)
    assert code == 1
    assert status["unstamped"] == [{"source": "DEC-2", "link": "addresses", "target": "REQ-1"}]
    assert [s["source"] for s in status["suspect"]] == ["DEC-1"]


def test_the_lock_setting(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    """``designdoc_lock`` is relative to conf.py; None turns change review off."""
    src = _project(tmp_path, "rst")
    conf = src / "conf.py"
    conf.write_text(CONF + 'designdoc_lock = "review/links.lock"\n', encoding="utf-8")
    (src / "review").mkdir()
    assert _accept(capsys, "--all", str(src))[0] == 0
    assert (src / "review" / "links.lock").is_file() and not (src / "designdoc.lock").exists()
    edit(src / "reqs.rst", "Pay by card", "Pay by any card")
    app = make_app("html", srcdir=src)
    app.build()
    assert len(_suspect_warnings(app)) == 1
    assert load_report(app.outdir)["lock"] == "review/links.lock"

    conf.write_text(CONF + "designdoc_lock = None\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    assert not _suspect_warnings(app) and "lock" not in load_report(app.outdir)
    code, out, err = run(capsys, "review", "status", str(src))
    assert_one_line_error(code, out, err, "designdoc_lock = None")

    conf.write_text(CONF + "designdoc_lock = 3\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    assert any("designdoc_lock must be a path" in w for w in warnings_of(app))


# -- removed, renamed and external targets ---------------------------------------------


def test_removed_and_renamed_objects(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    src = _project(tmp_path, "rst")
    assert _accept(capsys, "--all", str(src))[0] == 0
    edit(src / "reqs.rst", ":id: REQ-2", ":id: REQ-20")  # renamed, links not yet
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    assert not _suspect_warnings(app)  # a dangling link is the dangling check's
    find_warning(warnings, "decs.rst:7", "dangling", "REQ-2")
    lock_warnings = [w for w in warnings if w.endswith("[designdoc.lock]")]
    assert len(lock_warnings) == 2  # two entries name REQ-2
    assert all(
        "designdoc.lock:" in w and "'REQ-2', which no object has" in w for w in lock_warnings
    )

    edit(src / "decs.rst", ":addresses: REQ-1, REQ-2", ":addresses: REQ-1, REQ-20")
    edit(src / "decs.rst", ":addresses: REQ-2\n", ":addresses: REQ-20\n")
    code, out, _ = run(capsys, "review", "status", "--json", str(src))
    status = json.loads(out)
    assert code == 0 and len(status["unstamped"]) == 2 and len(status["stale"]) == 2
    assert status["stale"][0]["why"] == "no object REQ-2"
    assert _accept(capsys, "DEC-1", "DEC-2", str(src))[0] == 0
    app = make_app("html", srcdir=src)
    app.build()
    assert not [w for w in warnings_of(app) if "designdoc.lock" in w or "suspect" in w]
    assert "REQ-2 " not in (src / "designdoc.lock").read_text(encoding="utf-8")


def test_a_link_to_another_projects_object(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    """An external target is stamped with what its file says of it; when that file
    changes (another project's build), the link is suspect."""
    other = _project(tmp_path, "rst", "other")
    app = make_app("html", srcdir=other)
    app.build()
    shared = tmp_path / "shared.json"
    shared.write_bytes((app.outdir / "designdoc.json").read_bytes())
    conf = CONF + f"designdoc_external = [{{'path': {str(shared)!r}, 'prefix': 'X-'}}]\n"
    src = write_project(
        tmp_path / "ours",
        {
            "index.rst": "Ours\n====\n\n.. decision:: Reuse\n   :id: OWN-1\n"
            "   :status: accepted\n   :addresses: X-REQ-1\n"
        },
        conf,
    )
    assert _accept(capsys, "--all", str(src))[0] == 0
    assert "OWN-1 addresses X-REQ-1 " in (src / "designdoc.lock").read_text(encoding="utf-8")
    edit(other / "reqs.rst", "are accepted.", "are no longer accepted.")
    app = make_app("html", srcdir=other)
    app.build()
    shared.write_bytes((app.outdir / "designdoc.json").read_bytes())
    ours = make_app("html", srcdir=src)
    ours.build()
    [warning] = _suspect_warnings(ours)
    assert "OWN-1 addresses X-REQ-1, whose text changed" in warning
    code, out, err = _accept(capsys, "X-REQ-1", str(src))
    assert_one_line_error(code, out, err, "another project's object")


# -- parallel and incremental ----------------------------------------------------------


def test_parallel_and_serial_builds_agree(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    reports = []
    for parallel in (1, 2):
        src = _project(tmp_path, "rst", f"p{parallel}")
        for n in range(3, 9):  # enough pages for parallel reading
            (src / f"extra{n}.rst").write_text(
                f"Extra {n}\n========\n\n.. decision:: D{n}\n   :id: DEC-{n}\n"
                f"   :status: accepted\n   :addresses: REQ-1\n",
                encoding="utf-8",
            )
        assert _accept(capsys, "--all", str(src))[0] == 0
        edit(src / "reqs.rst", "Pay by card", "Pay by any card")
        app = make_app("html", srcdir=src, parallel=parallel)
        app.build()
        reports.append((app.outdir / "designdoc.json").read_bytes())
        assert len(_suspect_warnings(app)) == 7
    assert reports[0] == reports[1]


def test_an_edited_lock_alone_rewrites_the_pages(
    make_app, tmp_path: Path, capsys, plain_cli
) -> None:
    """The lock is a build input: accepting with no source change updates the badge,
    the table and the report in the next incremental build."""
    src = _project(tmp_path, "rst")
    assert _accept(capsys, "--all", str(src))[0] == 0
    edit(src / "reqs.rst", "Pay by card", "Pay by any card")
    app = make_app("html", srcdir=src)
    app.build()
    assert "dd-badge-suspect" in (app.outdir / "decs.html").read_text(encoding="utf-8")
    assert _accept(capsys, "DEC-1", str(src))[0] == 0
    app = make_app("html", srcdir=src)
    app.build()
    assert "reading sources... [" not in app.status.getvalue()
    page = (app.outdir / "decs.html").read_text(encoding="utf-8")
    assert "dd-badge-suspect" not in page and "REQ-1 (" not in page
    assert "suspect" not in _objects(app.outdir)["DEC-1"]


# -- the lock file: bad input ----------------------------------------------------------


def test_a_bad_lock_is_located_and_the_rest_used(
    make_app, tmp_path: Path, capsys, plain_cli
) -> None:
    src = _project(tmp_path, "rst")
    assert _accept(capsys, "--all", str(src))[0] == 0
    path = src / "designdoc.lock"
    good = [line for line in path.read_text(encoding="utf-8").splitlines() if "REQ-1" in line]
    others = [line for line in path.read_text(encoding="utf-8").splitlines() if "DEC-2" in line]
    path.write_bytes(
        (
            "\n".join(
                [
                    "# a comment",
                    "garbage",  # 2
                    good[0],  # 3
                    good[0].replace("title=", "title=zz"),  # 4: not a digest, and a duplicate
                    good[0],  # 5: duplicate
                    "<<<<<<< HEAD",  # 6
                    others[0],
                    "=======",
                    re.sub(r"text=\w{12}", "text=000000000000", others[0]),
                    ">>>>>>> branch",
                    "GONE-1 addresses REQ-1 status=x title=000000000000 text=000000000000",  # 11
                    "X" * 5000,  # 12
                ]
            )
            + "\n"
        ).encode("utf-8")
        + b"DEC-1 addresses REQ-2 status=\xff title=1 text=2\n"  # 13: not UTF-8
    )
    edit(src / "reqs.rst", "Pay by card", "Pay by any card")
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    lock = sorted(w for w in warnings if w.endswith("[designdoc.lock]"))
    where = sorted(int(re.search(r"designdoc\.lock:(\d+)", w).group(1)) for w in lock)
    assert where == [2, 4, 5, 6, 11, 12, 13, 13], lock
    assert all(len(w) < 400 for w in lock)  # a long line is quoted short
    # the good line still finds the suspect
    find_warning(warnings, "decs.rst:7", "suspect", "REQ-1")
    # accept rewrites it clean
    assert _accept(capsys, "--all", str(src))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert parse(text).problems == [] and "<<<<<<<" not in text and "GONE-1" not in text
    app = make_app("html", srcdir=src)
    app.build()
    assert not [w for w in warnings_of(app) if "designdoc.lock" in w or "suspect" in w]


def test_accepting_one_object_keeps_the_matching_side_of_a_conflict(
    make_app, tmp_path: Path, capsys, plain_cli
) -> None:
    """A merge conflict left two stamps for DEC-2's link, the second one current:
    accepting DEC-1 rewrites the lock with that one, so DEC-2 does not become suspect."""
    src = _project(tmp_path, "rst")
    assert _accept(capsys, "--all", str(src))[0] == 0
    path = src / "designdoc.lock"
    lines = path.read_text(encoding="utf-8").splitlines()
    [dec2] = [line for line in lines if line.startswith("DEC-2 ")]
    stale = re.sub(r"text=\w{12}", "text=000000000000", dec2)
    rest = [line for line in lines if line != dec2]
    path.write_text(
        "\n".join([*rest, "<<<<<<< ours", stale, "=======", dec2, ">>>>>>> theirs"]) + "\n",
        encoding="utf-8",
    )
    assert _accept(capsys, "DEC-1", str(src))[0] == 0
    text = path.read_text(encoding="utf-8")
    assert dec2 in text and stale not in text and "<<<<<<<" not in text
    code, out, _ = run(capsys, "review", "status", str(src))
    assert code == 0 and "3 link(s) stamped and unchanged, 0 suspect" in out


def test_lock_parsing_is_linear_and_round_trips() -> None:
    item = Item("REQ 1%", "requirement", "A title", "draft", "d", "d.rst", 1, text="x")
    key = ("DEC=1", "addresses", "REQ 1%")
    text = dump({key: stamp_of(item)})
    lock = parse(text)
    assert lock.problems == [] and lock.stamps == {key: [stamp_of(item)]}
    # a megabyte of hostile text reads in linear time and keeps every problem short
    hostile = ("<<<<<<< " + "=" * 100 + " %zz " * 1000 + "\n") * 200
    parsed = parse(hostile)
    assert len(parsed.problems) == 1 and not parsed.stamps


def test_a_stamp_reads_the_same_however_its_line_orders_its_parts() -> None:
    """A line written by hand or by a merge tool, its parts in another order or
    escaped where they need not be, means what the written line means."""
    item = Item(
        "REQ-1", "requirement", "T", "draft", "d", "d.rst", 1, fields={"a": "1", "a-b": "2"}
    )
    key = ("DEC-1", "addresses", "REQ-1")
    written = dump({key: stamp_of(item)}).splitlines()[-1]
    ids, parts = written.split()[:3], written.split()[3:]
    for variant in (
        [*ids, *reversed(parts)],
        [*ids, *parts[:3], parts[4], parts[3]],
        [*ids, *(p.replace("status=", "st%61tus=") for p in parts)],
    ):
        lock = parse(" ".join(variant))
        assert lock.problems == [] and lock.stamps == {key: [stamp_of(item)]}, variant


def test_find_suspects_uses_any_stamp_of_a_conflict() -> None:
    old = Item("REQ-1", "requirement", "Old", "draft", "d", "d.rst", 1)
    new = Item("REQ-1", "requirement", "New", "draft", "d", "d.rst", 1)
    dec = Item(
        "DEC-1", "decision", "D", "accepted", "d", "d.rst", 5, links={"addresses": ("REQ-1",)}
    )
    key = ("DEC-1", "addresses", "REQ-1")
    both = "\n".join(
        [
            "<<<<<<< a",
            dump({key: stamp_of(old)}),
            "=======",
            dump({key: stamp_of(new)}),
            ">>>>>>> b",
        ]
    )
    assert find_suspects([dec], {"REQ-1": new}, parse(both)) == {}
    only_old = parse(dump({key: stamp_of(old)}))
    [suspect] = find_suspects([dec], {"REQ-1": new}, only_old)["DEC-1"]
    assert suspect.changed == ("title",)


def test_two_accepts_at_once_keep_both(tmp_path: Path, plain_cli) -> None:
    src = _project(tmp_path, "rst")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "sphinx_designdoc", "review", "accept"]
    procs = [
        subprocess.Popen(
            [*cmd, ident, str(src)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for ident in ("DEC-1", "DEC-2")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    lock = parse((src / "designdoc.lock").read_text(encoding="utf-8"))
    assert lock.problems == []
    assert sorted(lock.stamps) == [
        ("DEC-1", "addresses", "REQ-1"),
        ("DEC-1", "addresses", "REQ-2"),
        ("DEC-2", "addresses", "REQ-2"),
    ]


# -- the command line ------------------------------------------------------------------


def test_review_misuse_is_one_line(tmp_path: Path, capsys, plain_cli) -> None:
    src = _project(tmp_path, "rst")
    for argv, needle in (
        (("review",), "required"),
        (("review", "accept", str(src)), "name the objects"),
        (("review", "accept", "--all", "DEC-1", str(src)), "not both"),
        (("review", "accept", "DEC-11", str(src)), "unknown ID 'DEC-11' (did you mean 'DEC-1'?)"),
        (("review", "status", str(tmp_path / "nowhere")), "no such folder"),
        (("review", "status", str(tmp_path)), "no conf.py"),
    ):
        code, out, err = run(capsys, *argv)
        assert_one_line_error(code, out, err, needle)


def test_status_escapes_what_it_prints(tmp_path: Path, capsys, plain_cli) -> None:
    conf = CONF + "designdoc_id_regex = r'^[A-Za-z][^\\s]*$'\n"
    src = write_project(
        tmp_path / "proj",
        {
            "index.rst": "T\n=\n\n.. requirement:: R\n   :id: R-\x1b[31m\n\n"
            ".. decision:: D\n   :id: D-1\n   :status: accepted\n   :addresses: R-\x1b[31m\n"
        },
        conf,
    )
    code, out, _ = run(capsys, "review", "status", str(src))
    assert code == 0 and "\x1b" not in out and "R-\\x1b[31m" in out


def test_a_suspect_is_in_every_report(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    src = _project(tmp_path, "rst")
    conf = src / "conf.py"
    conf.write_text(
        CONF + "designdoc_exports = ['csv', 'md', 'html', 'junit', 'sarif']\n", encoding="utf-8"
    )
    assert _accept(capsys, "--all", str(src))[0] == 0
    edit(src / "reqs.rst", "Pay by card", "Pay by any card")
    app = make_app("html", srcdir=src)
    app.build()
    out = app.outdir
    sarif = json.loads((out / "designdoc.sarif").read_text(encoding="utf-8"))
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "designdoc.suspect"]
    region = result["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"].endswith("decs.rst")
    assert region["region"]["startLine"] == 7
    code, junit, _ = run(capsys, "check", str(out / "designdoc.json"), "--format", "junit")
    assert code == 1 and 'name="designdoc.suspect decs.rst:7"' in junit
    assert "DEC-1 addresses REQ-1, whose title changed" in junit
    for name in ("designdoc.md", "designdoc-report.html"):
        assert "DEC-1 addresses REQ-1, whose title changed" in (out / name).read_text(
            encoding="utf-8"
        )
    rows = (out / "designdoc.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    dec1 = next(r for r in rows if r.startswith("DEC-1,")).split(",")
    assert dec1[header.index("suspect")] == "REQ-1 (title)"


def test_a_lock_that_cannot_be_read_or_written_is_one_line(
    tmp_path: Path, capsys, plain_cli, monkeypatch
) -> None:
    src = _project(tmp_path, "rst")
    conf = src / "conf.py"
    conf.write_text(CONF + 'designdoc_lock = "index.rst/x.lock"\n', encoding="utf-8")
    code, out, err = run(capsys, "review", "accept", "--all", str(src))
    assert_one_line_error(code, out, err, "cannot read", "x.lock: Not a directory")

    import sphinx_designdoc.cli.review as review

    def refuse(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied")

    conf.write_text(CONF, encoding="utf-8")
    monkeypatch.setattr(review, "write_atomic", refuse)
    code, out, err = run(capsys, "review", "accept", "--all", str(src))
    assert_one_line_error(code, out, err, "cannot write", "designdoc.lock: Permission denied")


def test_which_tests_verify_a_target_is_not_what_it_means() -> None:
    """``:verified-by:`` says how a requirement is checked: changing it makes no link to
    the requirement suspect; any other field does."""
    base = Item("REQ-1", "requirement", "Pay", "approved", "index", "index.rst", 3)
    tested = Item(
        "REQ-1",
        "requirement",
        "Pay",
        "approved",
        "index",
        "index.rst",
        3,
        fields={"verified-by": ("tests/test_pay.py",)},
    )
    prioritised = Item(
        "REQ-1",
        "requirement",
        "Pay",
        "approved",
        "index",
        "index.rst",
        3,
        fields={"priority": "must", "verified-by": ("tests/test_pay.py",)},
    )
    assert stamp_of(tested) == stamp_of(base)
    assert stamp_of(prioritised) != stamp_of(base)
