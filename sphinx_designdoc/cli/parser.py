"""The command line of ``designdoc``: its verbs, options and help."""

from __future__ import annotations

import argparse
import os
from typing import Any, NoReturn

from .._version import __version__
from ..formats import FORMATS
from ..reports.diff import REGRESSION_RULES
from .check import cmd_check
from .commands import cmd_export, cmd_import_adr, cmd_lsp, cmd_new
from .data import BUILD_FOLDERS
from .diff import cmd_diff
from .errors import UsageError
from .lookup import cmd_impact, cmd_trace
from .review import cmd_review_accept, cmd_review_status


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line and exit 2, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see '{self.prog} --help')")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        metavar="PATH",
        help="a designdoc.json, a build output folder holding one, or a Sphinx source "
        "folder (with conf.py) to build first; default: the newest designdoc.json under "
        + ", ".join(BUILD_FOLDERS),
    )


def _add_color(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output: auto (default) colours a terminal unless NO_COLOR is set",
    )


def _add_verbose(p: argparse.ArgumentParser, quiet: bool = True) -> None:
    p.add_argument(
        "-v", "--verbose", action="store_true", help="show Sphinx's progress when building"
    )
    if quiet:
        p.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="do not say which designdoc.json was found and read",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="designdoc",
        formatter_class=_Formatter,
        description="Look up, check, compare and export the traceable records "
        "(requirements, decisions, dependencies) of a sphinx-designdoc project.",
        epilog="Exit status: 0 success, 1 findings or regression (check, diff "
        "--fail-on-regression), 2 usage or input errors.\n"
        "Run 'designdoc COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser(
        "trace",
        help="an object and its neighbourhood",
        formatter_class=_Formatter,
        description="Show an object, what it links to and what links to it, one hop "
        "further through backlinks: a requirement's decisions and, through them, their "
        "dependencies; a decision's requirements, dependencies and supersessions; a "
        "dependency's decisions and the requirements behind them.",
        epilog="examples:\n  designdoc trace REQ-1\n  designdoc trace DEC-3 --json "
        "--data docs/_build/html",
    )
    p.add_argument("id", metavar="ID", help="the object's ID")
    _add_data(p)
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    _add_color(p)
    _add_verbose(p)
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser(
        "impact",
        help="what a change to an object may affect",
        formatter_class=_Formatter,
        description="List what a change to ID may affect, along the trace chain both "
        "ways: a requirement's decisions and, through them, their dependencies and "
        "successors, and the requirements it refines or that refine it; a dependency's "
        "decisions, the requirements they address and those requirements' refinements; "
        "a decision's requirements, dependencies and successors. Each object once, "
        "grouped by type, with its depth and how the change reaches it.",
        epilog="examples:\n  designdoc impact DEP-STRIPE\n  designdoc impact REQ-1 "
        "--depth 2 --json",
    )
    p.add_argument("id", metavar="ID", help="the object's ID")
    _add_data(p)
    p.add_argument("--depth", type=_positive_int, default=None, help="stop after N hops")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    _add_color(p)
    _add_verbose(p)
    p.set_defaults(func=cmd_impact)

    p = sub.add_parser(
        "check",
        help="build a project and report its findings (exit 1 if any)",
        formatter_class=_Formatter,
        description="Build SRC with the designdoc builder into a temporary folder and "
        "print the check findings. Exit 0 when clean, 1 when a finding is not "
        "suppressed (suppress_warnings in conf.py), 2 on errors. SRC may also be a "
        "designdoc.json or a build output folder, which are read without building.",
        epilog="examples:\n  designdoc check docs\n  designdoc check docs --format sarif "
        "-o designdoc.sarif\n  designdoc check docs --format junit -o designdoc-junit.xml",
    )
    p.add_argument(
        "src",
        metavar="SRC",
        nargs="?",
        help="Sphinx source folder (default: the first of ., docs, doc with a conf.py)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "junit", "sarif"),
        default="text",
        help="output format (default: text)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--show-suppressed", action="store_true", help="list suppressed findings too (text)"
    )
    p.add_argument(
        "--path-prefix",
        metavar="PREFIX",
        type=_text,
        default=None,
        help="prefix for SARIF file paths (default: SRC relative to its git repository)",
    )
    p.add_argument("-j", "--jobs", type=_positive_int, default=1, help="build with N processes")
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="never show Sphinx's progress, nor which designdoc.json was read",
    )
    _add_color(p)
    _add_verbose(p, quiet=False)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "diff",
        help="compare two designdoc.json reports, or a project with a git revision of it",
        formatter_class=_Formatter,
        description="Compare two reports by meaning: objects (matched by ID) added, "
        "removed and changed, with the fields, links and text that changed; links added "
        "and removed; suspect links introduced and cleared; requirements newly untraced "
        "and traced; findings (matched by rule, object and message, not by file or line) "
        "new and resolved; and coverage before and after. Moving an object to another "
        "file, or a page from reStructuredText to MyST, is no change. OLD and NEW may be "
        "designdoc.json files, build output folders or source folders; with --base, the "
        "source folder SRC is compared with itself at a git revision.",
        epilog="examples:\n  designdoc diff main.json designdoc.json\n  designdoc diff "
        "old/ new/ --fail-on-regression\n  designdoc diff --base origin/main docs "
        "--format markdown -o comment.md\n  designdoc diff --base HEAD~1 docs --format "
        "sarif -o diff.sarif",
    )
    p.add_argument(
        "old",
        metavar="OLD",
        nargs="?",
        help="the earlier designdoc.json (with --base: SRC, the Sphinx source folder; default: .)",
    )
    p.add_argument("new", metavar="NEW", nargs="?", help="the later designdoc.json")
    p.add_argument(
        "--base",
        metavar="GIT_REF",
        type=_text,
        default=None,
        help="compare SRC as it is in the working tree with SRC as it is at GIT_REF "
        "(a branch, tag or commit), both built",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown", "sarif"),
        default=None,
        help="output format (default: text): markdown is a pull-request comment, sarif "
        "annotates the changed and suspect objects",
    )
    p.add_argument("--json", action="store_true", help="short for --format json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--site-url",
        metavar="URL",
        type=_text,
        default=None,
        help="markdown: where the built site is published, to link the objects to it",
    )
    p.add_argument(
        "--path-prefix",
        metavar="PREFIX",
        type=_text,
        default=None,
        help="sarif: prefix for file paths (default: with --base, SRC relative to its git "
        "repository; else none)",
    )
    p.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 on a regression: " + "; ".join(REGRESSION_RULES),
    )
    _add_color(p)
    _add_verbose(p)
    p.set_defaults(func=cmd_diff)
    _add_review(sub)

    p = sub.add_parser(
        "new",
        help="scaffold a design document",
        formatter_class=_Formatter,
        description="Write a design document in the standard template's shape, with "
        "example requirement, decision and dependency directives and guidance "
        "comments. It builds with no warning except the expected 'untraced' one.",
        epilog='examples:\n  designdoc new "Payment Gateway" -o docs/payment-gateway.rst\n'
        '  designdoc new "Search" --format md -o docs/search.md',
    )
    p.add_argument("title", metavar="TITLE", type=_text, help="what the document designs")
    p.add_argument(
        "--format",
        choices=("rst", "md"),
        default=None,
        help="reStructuredText or MyST Markdown (default: from -o, else rst)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file to write; '-' for stdout (default: a file named after the title)",
    )
    p.add_argument(
        "--prefix",
        metavar="PREFIX",
        type=_text,
        help="ID prefix of the example objects (default: from the title)",
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "import-adr",
        help="turn Markdown ADR files into decision objects",
        formatter_class=_Formatter,
        description="Read the numbered Markdown architecture decision records of a "
        "folder (adr-tools, MADR or log4brains: 0001-title.md, adr-001-title.md, "
        "20200925-title.md) and write one MyST page with a decision per record: its "
        "status, date, deciders, tags and considered options as fields, its relations "
        "to other records (supersedes, amends, clarifies, extends, relates to) as "
        "links, its text as the body, its images copied beside the page. What could "
        "not be carried as written is listed on stderr, per record.",
        epilog="examples:\n  designdoc import-adr doc/adr -o docs/decisions.md\n"
        "  designdoc import-adr docs/decisions --prefix DEC-ADR- -o -\n"
        "  designdoc import-adr doc/adr -o docs/adr.md --strict \\\n"
        "      --base-url https://github.com/org/repo/blob/main/doc/adr/",
    )
    p.add_argument("folder", metavar="DIR", type=_text, help="folder of numbered Markdown records")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default="-",
        help="MyST Markdown file to write, its images into FILE-images/ beside it; "
        "'-' for stdout (default; images are then not copied)",
    )
    p.add_argument(
        "--prefix",
        metavar="PREFIX",
        type=_text,
        default="ADR-",
        help="ID prefix: record 0007 becomes PREFIX0007 (default: ADR-)",
    )
    p.add_argument(
        "--title",
        metavar="TITLE",
        type=_text,
        default="Architecture decision records",
        help="title of the page",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        type=_text,
        default=None,
        help="where the records are published: links to other files of theirs (and "
        "images that are not copied) lead there instead of becoming text",
    )
    p.add_argument(
        "--dates",
        choices=("dmy", "mdy"),
        default=None,
        help="read dates written 09/10/2020 as day/month/year or month/day/year "
        "(default: only ISO dates become the date field)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when anything could not be carried as written",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("-q", "--quiet", action="store_true", help="no notes and no summary")
    p.set_defaults(func=cmd_import_adr)

    p = sub.add_parser(
        "export",
        help="write a report format",
        formatter_class=_Formatter,
        description="Render designdoc.json in another format: "
        + "; ".join(f"{f.name} ({f.description})" for f in FORMATS.values())
        + ".",
        epilog="examples:\n  designdoc export --format md -o traceability.md\n"
        "  designdoc export --format csv -o - | head",
    )
    p.add_argument("--format", required=True, choices=tuple(FORMATS), help="report format")
    p.add_argument(
        "-o", "--output", metavar="FILE", default="-", help="file to write; '-' for stdout"
    )
    _add_data(p)
    p.add_argument(
        "--path-prefix",
        metavar="PREFIX",
        type=_text,
        default="",
        help="prefix for SARIF file paths",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        type=_text,
        default=None,
        help="html and md: put URL (where the pages are published) in front of the links; "
        "default: links relative to where the report is written",
    )
    p.add_argument(
        "--needs-version",
        metavar="VERSION",
        type=_text,
        default="1.0",
        help="version key of needs.json (default: 1.0)",
    )
    _add_verbose(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "lsp",
        help="serve editors: the language server, over stdio",
        formatter_class=_Formatter,
        description="The language server for design documents (RST and MyST): completion, "
        "hover, go to definition, references, rename, outlines and diagnostics as you type, "
        "with no build. Editors start it and speak to it over stdin and stdout; it needs the "
        "lsp extra: pip install 'sphinx-designdoc[lsp]'.",
        epilog="set-up for VS Code, Neovim, Emacs and Helix: the how-to, 'Editor support'",
    )
    p.add_argument("--stdio", action="store_true", help="speak over stdin and stdout (the default)")
    p.set_defaults(func=cmd_lsp)
    return parser


def _add_review(sub: Any) -> None:
    """``designdoc review accept|status``: the lock of reviewed links."""
    review = sub.add_parser(
        "review",
        help="stamp reviewed links; list suspect and unstamped ones",
        formatter_class=_Formatter,
        description="Change review: designdoc.lock (designdoc_lock in conf.py) keeps, per "
        "link, what its target meant when the link was reviewed. A build warns "
        "(designdoc.suspect) where a target's title, status, text or a field changed "
        "since. Both commands build SRC first (default: the first of ., docs, doc with "
        "a conf.py).",
        epilog="examples:\n  designdoc review status docs\n  designdoc review accept "
        "DEC-1 DEC-2 docs\n  designdoc review accept --all",
    )
    verbs = review.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    verbs.required = True
    p = verbs.add_parser(
        "accept",
        help="stamp the current state of objects' links as reviewed",
        formatter_class=_Formatter,
        description="Stamp the links of the named objects (or of every object, --all) "
        "with what their targets mean now, and drop the entries of their links that no "
        "longer exist. The rest of the lock is kept; the file is rewritten clean "
        "(sorted, one line per link).",
        epilog="examples:\n  designdoc review accept DEC-1\n  designdoc review accept "
        "DEC-1 DEC-2 docs\n  designdoc review accept --all docs",
    )
    p.add_argument(
        "args",
        metavar="ID",
        nargs="*",
        type=_text,
        help="objects whose links to stamp; a last argument that is a folder is SRC",
    )
    p.add_argument("--all", action="store_true", help="stamp every link of the project")
    _add_verbose(p, quiet=False)
    p.set_defaults(func=cmd_review_accept)
    p = verbs.add_parser(
        "status",
        help="list suspect, unstamped and stale links (exit 1 if any is suspect)",
        formatter_class=_Formatter,
        description="List the links whose target changed since they were stamped "
        "(suspect), the links never stamped (unstamped: added since), the lock's "
        "entries for links that no longer exist (stale) and the lock's own problems. "
        "Exit 1 while a link is suspect.",
        epilog="examples:\n  designdoc review status\n  designdoc review status docs --json",
    )
    p.add_argument("src", metavar="SRC", nargs="?", type=_text, help="Sphinx source folder")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    _add_color(p)
    _add_verbose(p, quiet=False)
    p.set_defaults(func=cmd_review_status)


def _text(value: str) -> str:
    """An argument that is written into a report or a page, so must be text: bytes of
    another encoding on the command line reach Python as lone surrogates, which no
    UTF-8 file or terminal can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(value)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise argparse.ArgumentTypeError(
                f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x} at position "
                f"{exc.start}); write it in UTF-8"
            ) from None
        raise argparse.ArgumentTypeError("not valid UTF-8 text; write it in UTF-8") from None
    return value


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value!r}")
    return number
