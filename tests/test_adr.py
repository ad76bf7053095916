"""``designdoc import-adr``: the records of adr-tools, MADR, log4brains and of teams that
name their files their own way become decision objects that build, keep every relation
the records state, keep links, images and option texts whole, and say per record what
they could not carry.  (Hostile records: ``test_safety_adr.py``.)"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import load_report, warnings_of, write_project

from sphinx_designdoc.adr import decision_status, import_records, iso_date
from sphinx_designdoc.cli import main

pytest.importorskip("myst_parser", reason="the import writes MyST Markdown")

CONF = (
    'extensions = ["myst_parser", "sphinx_designdoc"]\nshow_warning_types = True\n'
    'suppress_warnings = ["designdoc.unjustified"]\n'
)
INDEX = "# Project\n\n```{toctree}\ndecisions\n```\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"

NYGARD_1 = """\
# 1. Record architecture decisions

Date: 2018-03-12

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records, as
[described by Michael Nygard](https://thinkrelevance.com/blog/2011/11/15/adr).

## Consequences

See [the next record](0002-use-postgresql.md#decision) for the first one.
"""

NYGARD_2 = """\
# 2. Use PostgreSQL

Date: 2018-04-01

## Status

Superseded by [3. Use a managed database](0003-use-a-managed-database.md)

## Context

We need a database.

## Decision

Run `postgres` ourselves:

```sh
docker run postgres
```
"""

MADR_3 = """\
---
status: accepted
date: 2019-01-10
decision-makers: [Ana Lima, "Ben Okafor"]
consulted: Chen Wei
nav_order: 3
tags: [storage, ops]
---
# Use a managed database

## Context and Problem Statement

Running [PostgreSQL ourselves](0002-use-postgresql.md) costs time.

## Considered Options

* Managed PostgreSQL, as [offered by our cloud](https://cloud.example.org/pg)
* Self-hosted PostgreSQL; with backups
* Section "Consequences" listing them as "Good, because"
* `DynamoDB`

## Decision Outcome

Chosen option: "Managed PostgreSQL", because it is what we know.

### Consequences

* Good, because less work
"""

MADR_2 = """\
# Keep a changelog

* Status: under review
* Deciders: Chen Wei
* Date: 2020-05-05

## Context and Problem Statement

Users ask what changed.
"""


def adr_folder(root: Path, records: dict[str, str | bytes]) -> Path:
    folder = root / "doc" / "adr"
    folder.mkdir(parents=True)
    for name, text in records.items():
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    for name in ("README.md", "index.md", "template.md", "adr-template.md"):
        (folder / name).write_text("# Decisions\n", encoding="utf-8")  # not records
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def build(make_app: Any, root: Path, folder: Path, *options: str) -> tuple[Any, dict[str, Any]]:
    """Import ``folder`` as a user would, build the page, and read the objects."""
    src = write_project(root / "docs", {"index.md": INDEX}, conf=CONF)
    argv = ["import-adr", str(folder), "-o", str(src / "decisions.md"), "-q", *options]
    assert main(argv) == 0
    app = make_app("html", srcdir=src)
    app.build()
    assert warnings_of(app) == []
    return app, {o["id"]: o for o in load_report(app.outdir)["objects"]}


@pytest.fixture
def records(tmp_path: Path) -> Path:
    return adr_folder(
        tmp_path,
        {
            "0001-record-architecture-decisions.md": NYGARD_1,
            "0002-use-postgresql.md": NYGARD_2,
            "0003-use-a-managed-database.md": MADR_3,
            "0010-keep-a-changelog.md": MADR_2,
        },
    )


def test_the_page_builds_with_the_records_as_decisions(make_app, tmp_path, records) -> None:
    app, objects = build(make_app, tmp_path, records)
    assert sorted(objects) == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0010"]
    managed = objects["ADR-0003"]
    assert managed["status"] == "accepted" and managed["title"] == "Use a managed database"
    assert managed["links"] == {"supersedes": ["ADR-0002"]}
    assert managed["fields"]["deciders"] == "Ana Lima, Ben Okafor"
    assert managed["fields"]["tags"] == ["storage", "ops"]
    assert managed["fields"]["date"] == "2019-01-10"
    # an option's text whole: its link's words, its quotes (";" separates the field's items)
    assert managed["fields"]["alternatives"] == [
        "Managed PostgreSQL, as offered by our cloud",
        "Self-hosted PostgreSQL, with backups",
        'Section "Consequences" listing them as "Good, because"',
        "DynamoDB",
    ]
    assert objects["ADR-0002"]["status"] == "superseded"
    assert objects["ADR-0010"]["status"] == "proposed"
    assert objects["ADR-0010"]["fields"]["deciders"] == "Chen Wei"
    page = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    # a link to another record is a link to its object, with the record's own words
    assert 'href="#ADR-0002"' in page and "PostgreSQL ourselves" in page
    assert 'class="highlight-sh' in page and "postgres" in page  # code stays code
    assert "https://thinkrelevance.com/blog/2011/11/15/adr" in page
    # the considered options stay in the text too, their links live
    assert 'href="https://cloud.example.org/pg"' in page
    # front matter that is not a field stays as text; the old site's keys do not
    assert "Consulted:" in page and "Chen Wei" in page and "nav_order" not in page
    # an unknown status stays on the page as the record says it
    assert "Status: under review" in page


def test_what_was_read_and_what_was_not_is_said_per_record(capsys, tmp_path, records) -> None:
    target = tmp_path / "decisions.md"
    code, out, err = run(capsys, "import-adr", str(records), "-o", str(target), "--prefix", "DEC-")
    assert code == 0 and out == ""
    assert "~~~~{decision} Use a managed database\n:id: DEC-0003" in target.read_text("utf-8")
    assert err.splitlines() == [
        "note: 0003-use-a-managed-database.md: front matter for its old site left out: nav_order",
        "not carried: 0010-keep-a-changelog.md: status 'under review' is read as 'proposed'",
        f"imported 4 decisions from {records} into {target}; 1 thing not carried as "
        "written (listed above)",
    ]
    code, out, err = run(capsys, "import-adr", str(records), "-o", str(target))
    assert code == 2 and "exists; pass --force" in err and err.count("\n") == 1
    code, out, err = run(capsys, "import-adr", str(records), "-o", str(target), "--force", "-q")
    assert (code, out, err) == (0, "", "")
    # --strict: the page is written, and the command fails on what was not carried
    code, out, err = run(capsys, "import-adr", str(records), "-o", "-", "--strict", "-q")
    assert code == 1 and out.startswith("# Architecture decision records\n") and err == ""


NAMES = {
    "adr-001-use-adrs.md": "# Architecture Decision Record: Use ADRs\n\n## Status\n\nAccepted\n",
    "adr-002-configuration.md": "# Configuration\n\n## Status\n\nAccepted\n\n"
    "## Context\n\n[ADR-001](adr-001-use-adrs.md) says so; see [loading](module-loading.md), "
    "[ADR-001](ADR-001-use-adrs.md) and [the ADR](adr-001-use-adrs).\n",
    "adr-003-module-loading.md": "# Module loading\n\n## Status\n\nProposed\n",
    "20200925-use-lerna.md": "# Use Lerna\n\n- Status: accepted\n- Date: 2020-09-25\n",
    "20200925-use-prettier.md": "# Use Prettier\n\n- Status: accepted\n\n## Links\n\n"
    "- Relates to [Use Lerna](20200925-use-lerna.md)\n",
    "2021-03-04-dated.md": "# Dated\n\nStatus: accepted\n",
}


def test_every_common_file_name_is_a_record(make_app, capsys, tmp_path) -> None:
    folder = adr_folder(tmp_path, NAMES)
    app, objects = build(make_app, tmp_path, folder)
    assert sorted(objects) == [
        "ADR-001",
        "ADR-002",
        "ADR-003",
        "ADR-20200925",
        "ADR-20200925-2",
        "ADR-2021-03-04",
    ]
    assert objects["ADR-001"]["title"] == "Use ADRs"
    # two records of one date: two objects, and the relation between them kept
    assert objects["ADR-20200925"]["title"] == "Use Lerna"
    assert objects["ADR-20200925-2"]["links"] == {"relates-to": ["ADR-20200925"]}
    page = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    # links that miss a record only by case, suffix or number lead to it
    assert page.count('href="#ADR-001"') >= 3 and 'href="#ADR-003"' in page
    code, _, err = run(capsys, "import-adr", str(folder), "-o", "-")
    assert code == 0
    assert (
        "note: 20200925-use-prettier.md: its number is also 20200925-use-lerna.md's; "
        "it is ADR-20200925-2"
    ) in err.splitlines()
    assert "note: adr-002-configuration.md: the link 'module-loading.md' is read as ADR-003" in err


RELATIONS = {
    "0010-terraform-directory-structure.md": "# 10. Terraform directory structure\n\n"
    "## Status\n\nAccepted\n\n"
    "Amended by [17. Terraform Data Structure](0017-terraform-data-structure.md)\n",
    "0017-terraform-data-structure.md": "# 17. Terraform data structure\n\n## Status\n\n"
    "Accepted\n\nAmends [10. Terraform directory structure]"
    "(0010-terraform-directory-structure.md)\n\nClarifies [18. RDS](0018-use-rds.md)\n\n"
    "Extends [10. Terraform directory structure](0010-terraform-directory-structure.md)\n",
    "0018-use-rds.md": "# 18. Use RDS\n\n## Status\n\n"
    "Partly superseded by [20. Merge](0020-merge.md)\n\n## Context\n\nIt is about RDS.\n",
    "0019-dns.md": "# 19. DNS\n\n## Status\n\n⌛️ Superseded [0020](0020-merge.md)\n",
    "0020-merge.md": "# 20. Merge\n\n## Status\n\n✅ Accepted (documenting an existing thing)\n\n"
    "Related to [Use RDS](0018-use-rds.md)\n",
    "0021-rejected.md": "# 21. Rejected\n\n## Status\n\n❌ Rejected (see [019](0019-dns.md))\n",
    "0022-outline.md": "# 22. Outline\n\n## Status\n\nPartly superseded\n\nAmends 99\n",
}


def test_every_relation_the_records_state_is_a_link(make_app, capsys, tmp_path) -> None:
    folder = adr_folder(tmp_path, RELATIONS)
    app, objects = build(make_app, tmp_path, folder)
    links = {item_id: obj["links"] for item_id, obj in objects.items()}
    assert links == {
        "ADR-0010": {},
        "ADR-0017": {
            "amends": ["ADR-0010"],
            "clarifies": ["ADR-0018"],
            "extends": ["ADR-0010"],
        },
        "ADR-0018": {},
        "ADR-0019": {},
        "ADR-0020": {
            "partly-supersedes": ["ADR-0018"],
            "relates-to": ["ADR-0018"],
            "supersedes": ["ADR-0019"],
        },
        "ADR-0021": {},
        "ADR-0022": {},
    }
    statuses = {item_id: obj["status"] for item_id, obj in objects.items()}
    assert statuses["ADR-0018"] == "accepted"  # in force in part
    assert statuses["ADR-0019"] == "superseded"
    assert statuses["ADR-0020"] == "accepted" and statuses["ADR-0021"] == "rejected"
    assert objects["ADR-0010"]["incoming"] == {
        "amended by": ["ADR-0017"],
        "extended by": ["ADR-0017"],
    }
    page = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    # what a status line says beyond its word stays, its record link live
    assert "(documenting an existing thing)" in page and "Partly superseded" in page
    assert "Amends 99" in page  # a relation to no record here stays as text
    _, _, err = run(capsys, "import-adr", str(folder), "-o", "-")
    assert "not carried: 0022-outline.md: 'Partly superseded' names no record" in err
    assert "not carried: 0022-outline.md: there is no record number 99" in err


def test_links_images_and_autolinks_come_through(make_app, capsys, tmp_path) -> None:
    folder = adr_folder(
        tmp_path,
        {
            "0001-diagram.md": "# 1. Diagram\n\n## Status\n\nAccepted\n\n## Context\n\n"
            '![Flow](./0001-flow.png?raw=true "Flow") and ![Nested](img/nested.jpg)\n\n'
            "See <https://example.org/a?b=1&c=2> and <team@example.org>.\n\n"
            "![Remote](https://img.example.org/badge.svg) ![Vector](0001-vector.svg)\n\n"
            "Code: [main.tf](../../terraform/main.tf), [empty]()\n",
            "0001-flow.png": PNG,
        },
    )
    (folder / "img").mkdir()
    (folder / "img" / "nested.jpg").write_bytes(b"\xff\xd8\xff\xe0jpeg")
    (folder / "0001-vector.svg").write_text("<svg/>", encoding="utf-8")
    app, _ = build(
        make_app, tmp_path, folder, "--base-url", "https://git.example.org/repo/blob/main/doc/adr/"
    )
    images = tmp_path / "docs" / "decisions-images"
    assert (images / "0001-flow.png").read_bytes() == PNG
    assert (images / "img" / "nested.jpg").is_file()
    assert not (images / "0001-vector.svg").exists()  # an SVG can hold script
    page = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    assert page.count('src="_images/') == 2 and 'alt="Flow"' in page
    # (MyST 4 with Sphinx 7.4 writes any link's "&" as "&amp;amp;": theirs, not ours)
    assert 'href="https://example.org/a?b=1&amp;c=2"' in page.replace("&amp;amp;", "&amp;")
    assert "mailto:team" in page or "team&#64;example" in page
    assert 'src="https://img.example.org/badge.svg"' in page
    # a file that is not a record: at the address the records are published at
    assert 'src="https://git.example.org/repo/blob/main/doc/adr/0001-vector.svg"' in page
    assert 'href="https://git.example.org/repo/blob/main/terraform/main.tf"' in page
    # to standard output no image can be copied: said, per record
    code, out, err = run(capsys, "import-adr", str(folder), "-o", "-", "--strict")
    assert code == 1 and "[image: Flow]" in out.replace("\\", "")
    assert "not carried: 0001-diagram.md: the image './0001-flow.png' is not copied" in err
    assert "the .svg image to '0001-vector.svg' (not a record) is shown as its text" in err
    assert "a link to '../../terraform/main.tf' (not a record) is shown as its text" in err
    assert "not carried: 0001-diagram.md: a link with no address is shown as its text" in err


def test_dates_are_read_as_the_team_writes_them(make_app, capsys, tmp_path) -> None:
    folder = adr_folder(
        tmp_path,
        {
            "001-a.md": "# A\n\nDate: 09/10/2020\n\n## Status\n\nAccepted\n",
            "002-b.md": "# B\n\nDate: 2020/10/09\n\n## Status\n\nAccepted\n",
        },
    )
    _, objects = build(make_app, tmp_path, folder, "--dates", "dmy", "--force")
    assert objects["ADR-001"]["fields"]["date"] == "2020-10-09"
    assert objects["ADR-002"]["fields"]["date"] == "2020-10-09"
    _, out, err = run(capsys, "import-adr", str(folder), "-o", "-")
    assert ":date:" not in out.split("~~~~{decision} B")[0]  # left as text, and said
    assert "Date: 09/10/2020" in out
    assert "its date '09/10/2020' is not an ISO date" in err


@pytest.mark.parametrize(
    ("text", "order", "date"),
    [
        ("2018-03-12", "", "2018-03-12"),
        ("2018.3.2", "", "2018-03-02"),
        ("12/03/2018", "", None),
        ("12/03/2018", "dmy", "2018-03-12"),
        ("12/03/2018", "mdy", "2018-12-03"),
        ("31/02/2018", "dmy", None),
        ("soon", "dmy", None),
    ],
)
def test_iso_date(text: str, order: str, date: str | None) -> None:
    assert iso_date(text, order) == date


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Accepted", "accepted"),
        ("✅ Accepted (documenting an existing thing)", "accepted"),
        ("Proposed", "proposed"),
        ("Draft", "proposed"),
        ("Rejected", "rejected"),
        ("Deprecated", "deprecated"),
        ("superseded", "superseded"),
        ("⌛️ Superseded by ADR-0005", "superseded"),
        ("under review", None),
        ("", None),
    ],
)
def test_status_words(text: str, status: str | None) -> None:
    assert decision_status(text) == status


def test_front_matter_that_is_not_yaml_is_kept(capsys, tmp_path) -> None:
    folder = adr_folder(
        tmp_path,
        {
            "0001-a.md": "---\nstatus: [accepted\n---\n# A\n\nText.\n",
            "0002-b.md": "---\nstatus: accepted\nextra: {nested: [1, 2]}\ntitle: From YAML\n---\n"
            "Text.\n",
        },
    )
    page = import_records(folder)
    assert "```text\nstatus: [accepted\n```" in page.text
    assert "~~~~{decision} From YAML\n:id: ADR-0002\n:status: accepted" in page.text
    assert page.lost == [
        "0001-a.md: its front matter is not a YAML mapping; it is shown as code",
        "0002-b.md: front matter 'extra' holds nested data; it is not carried",
    ]


# -- files a folder should not have -------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names and links")
def test_names_that_are_not_utf8_and_links_out_are_skipped(capsys, tmp_path) -> None:
    folder = adr_folder(tmp_path, {"0001-good.md": "# Good\n\nStatus: accepted\n"})
    outside = tmp_path / "secret.md"
    outside.write_text("# Secret\n\nthe build machine's secret\n", encoding="utf-8")
    (folder / "0002-out.md").symlink_to(outside)
    (folder / "0003-in.md").symlink_to(folder / "0001-good.md")
    os.close(os.open(os.fsencode(folder) + b"/0004-caf\xe9.md", os.O_CREAT | os.O_WRONLY))
    (folder / "0005-latin1.md").write_bytes("# Caf\xe9\n\nStatus: accepted\n".encode("latin-1"))
    code, out, err = run(capsys, "import-adr", str(folder), "-o", "-")
    assert code == 0 and "secret" not in out
    assert sorted(
        line.split("{decision} ")[1] for line in out.splitlines() if "{decision}" in line
    ) == [
        "Caf\ufffd",
        "Good",
        "Good",
    ]
    lines = err.splitlines()
    assert f"not carried: 0002-out.md: skipped: a link to a file outside {folder}" in lines
    assert "not carried: 0004-caf\\xe9.md: skipped: its name is not valid UTF-8" in lines
    assert (
        "not carried: 0005-latin1.md: it is not valid UTF-8 (byte 0xe9 at offset 5); "
        "undecodable bytes are shown as \ufffd"
    ) in lines


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
@pytest.mark.parametrize(
    "argv",
    [
        ["import-adr", os.fsdecode(b"caf\xe9")],
        ["import-adr", ".", "--title", os.fsdecode(b"T\xff")],
        ["new", os.fsdecode(b"Caf\xe9 design"), "-o", "-"],
    ],
    ids=["import folder", "import title", "new title"],
)
def test_an_argument_that_is_not_utf8_is_one_line(capsys, tmp_path, monkeypatch, argv) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "not valid UTF-8 text (byte 0x" in err and "unexpected" not in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["import-adr", "missing-folder"], "missing-folder: no such folder"),
        (["import-adr", "."], "no numbered Markdown record"),
        (["import-adr", ".", "--prefix", "9 bad"], "makes IDs that are not valid"),
        (["import-adr", ".", "--base-url", "javascript:alert(1)"], "is not an http(s) URL"),
    ],
)
def test_cli_misuse_is_one_line(capsys, tmp_path, monkeypatch, argv, needle) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and needle in err, err


def test_records_that_relate_to_each_other_build_without_a_cycle(make_app, tmp_path) -> None:
    folder = adr_folder(
        tmp_path,
        {
            "0001-a.md": "# 1. A\n\n## Status\n\nAccepted\n\nRelated to [2. B](0002-b.md)\n",
            "0002-b.md": "# 2. B\n\n## Status\n\nAccepted\n\nRelated to [1. A](0001-a.md)\n",
        },
    )
    _, objects = build(make_app, tmp_path, folder)  # no designdoc.cycle warning
    assert objects["ADR-0001"]["links"] == {"relates-to": ["ADR-0002"]}
    assert objects["ADR-0002"]["links"] == {"relates-to": ["ADR-0001"]}
