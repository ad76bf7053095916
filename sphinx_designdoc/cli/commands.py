"""``designdoc export``, ``designdoc new`` and ``designdoc import-adr``."""

from __future__ import annotations

import argparse
import os
import re
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from ..reports.load import load_report
from ..safety import safe_url, terminal_text
from .data import resolve_data
from .errors import EXIT_FINDINGS, EXIT_OK, CLIError
from .terminal import announcer, write_line, write_output

# -- export -----------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from ..reports import render

    path = resolve_data(args.data, verbose=args.verbose, say=announcer(args))
    report = load_report(path)
    options: dict[str, Any] = {}
    if args.format == "sarif":
        options["path_prefix"] = args.path_prefix or ""
    if args.format == "needs":
        options["version"] = args.needs_version
    if args.format in ("html", "md"):
        if args.base_url and safe_url(args.base_url) is None:
            raise CLIError(f"--base-url {args.base_url!r} is not an http(s) or relative URL")
        options["url_base"] = args.base_url or _relative_base(path.parent, args.output)
    write_output(render(args.format, report, **options), args.output)
    return EXIT_OK


def _relative_base(outdir: Path, output: str | None) -> str:
    """The build's output folder as seen from the report's file, so its relative links
    still reach the pages; nothing when it is written there or to stdout."""
    if output in (None, "-"):
        return ""
    base = os.path.relpath(outdir.resolve(), Path(output).resolve().parent)
    if base == ".":
        return ""
    base = base.replace(os.sep, "/")
    try:
        base.encode("utf-8")
    except UnicodeEncodeError:
        # a folder named in another encoding: its bytes, as a URL spells them
        base = urllib.parse.quote(base, safe="/", errors="surrogateescape")
    return base


# -- new --------------------------------------------------------------------------


def refuse_overwrite(target: Path, force: bool) -> None:
    """Writing verbs never replace a file unless told to."""
    if target.exists() and not force:
        raise CLIError(f"{target} exists; pass --force to overwrite it")


def cmd_new(args: argparse.Namespace) -> int:
    from ..scaffold import default_filename, scaffold

    fmt = args.format
    if fmt is None:
        fmt = "md" if args.output and args.output.endswith(".md") else "rst"
    try:
        text = scaffold(args.title, fmt=fmt, prefix=args.prefix)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output or default_filename(args.title, fmt))
    refuse_overwrite(target, args.force)
    write_output(text, str(target))
    write_line(f"wrote {target}\n" + next_steps(target, fmt), sys.stderr)
    return EXIT_OK


def cmd_import_adr(args: argparse.Namespace) -> int:
    from ..config import DEFAULT_ID_REGEX

    try:
        import myst_parser  # noqa: F401  (the records are read as MyST reads them)
    except ImportError:
        raise CLIError(
            "import-adr reads records with MyST's parser: install myst-parser "
            "(pip install 'sphinx-designdoc[myst]')"
        ) from None
    from ..adr import adr_files, import_records

    folder = Path(args.folder)
    if not folder.is_dir():
        raise CLIError(f"{args.folder}: no such folder")
    if not re.match(DEFAULT_ID_REGEX, f"{args.prefix}0001"):
        raise CLIError(f"--prefix {args.prefix!r} makes IDs that are not valid")
    if args.base_url and (
        safe_url(args.base_url) is None or not args.base_url.startswith(("http://", "https://"))
    ):
        raise CLIError(f"--base-url {args.base_url!r} is not an http(s) URL")
    skipped: list[str] = []
    if not adr_files(folder, skipped):
        why = f" ({len(skipped)} skipped: {skipped[0]})" if skipped else ""
        raise CLIError(
            f"{args.folder}: no numbered Markdown record (such as 0001-title.md, "
            f"adr-001-title.md or 20200925-title.md){why}"
        )
    target = None if args.output == "-" else Path(args.output)
    if target is not None:
        refuse_overwrite(target, args.force)
    imported = import_records(
        folder,
        prefix=args.prefix,
        page_title=args.title,
        assets=None if target is None else f"{target.stem}-images",
        base_url=args.base_url or "",
        dates=args.dates or "",
    )
    if target is not None:
        _copy_images(imported.images, target.parent, args.force)
    write_output(imported.text, args.output)
    sys.stdout.flush()  # the page before the notes, when both go to one terminal
    if not args.quiet:
        for note in imported.notes:
            write_line(terminal_text(f"note: {note}"), sys.stderr)
        for what in imported.lost:
            write_line(terminal_text(f"not carried: {what}"), sys.stderr)
        where = "" if target is None else f" into {target}"
        images = f", {len(imported.images)} images copied" if imported.images else ""
        count = len(imported.lost)
        lost = (
            f"; {count} {'thing' if count == 1 else 'things'} not carried as written (listed above)"
            if count
            else ""
        )
        write_line(
            terminal_text(
                f"imported {imported.count} decisions from {folder}{where}{images}{lost}"
            ),
            sys.stderr,
        )
    return EXIT_FINDINGS if args.strict and imported.lost else EXIT_OK


def _copy_images(images: list[tuple[Path, str]], base: Path, force: bool) -> None:
    """Copy the records' images beside the page, never over a different file unless
    told to."""
    import shutil

    for source, shown in images:
        dest = base / shown
        if dest.exists() and not force and dest.read_bytes() != source.read_bytes():
            raise CLIError(f"{dest} exists; pass --force to overwrite it")
    for source, shown in images:
        dest = base / shown
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
        except OSError as exc:
            raise CLIError(f"cannot copy {source.name} to {dest}: {exc.strerror or exc}") from None


def next_steps(target: Path, fmt: str) -> str:
    """What to do with a new design document, for the project it was written into: the
    nearest folder above it with a ``conf.py`` is taken for the Sphinx source folder."""
    folder = target.resolve().parent
    srcdir = next((p for p in (folder, *folder.parents) if (p / "conf.py").is_file()), None)
    if srcdir is None:
        shown_src = "docs"
        docname = target.with_suffix("").name
        conf = ""
    else:
        shown_src = os.path.relpath(srcdir) if srcdir != Path.cwd() else "."
        docname = target.resolve().with_suffix("").relative_to(srcdir).as_posix()
        conf = (srcdir / "conf.py").read_text(encoding="utf-8", errors="replace")
    needed = ["sphinx_designdoc"] + (["myst_parser"] if fmt == "md" else [])
    missing = [name for name in needed if name not in conf]
    index = next(
        (
            f"{shown_src}/{name}"
            for name in ("index.rst", "index.md")
            if srcdir is not None and (srcdir / name).is_file()
        ),
        "your index page",
    )
    steps = [f"add {docname!r} to a toctree (in {index}, say)"]
    if srcdir is None:
        steps.append(f"put it in your Sphinx source folder ({shown_src}/, with a conf.py)")
    if missing:
        steps.append(
            "add " + " and ".join(repr(name) for name in missing) + " to extensions in conf.py"
        )
    steps.append(f"build: python -m sphinx -b html {shown_src} {shown_src}/_build/html")
    steps.append(
        "replace the bracketed text and the example objects; the build warns (designdoc.*) "
        f"until every requirement is traced; designdoc check {shown_src} gates CI"
    )
    return "next:\n" + "\n".join(f"  {index}. {step}" for index, step in enumerate(steps, 1))


def cmd_lsp(args: argparse.Namespace) -> int:
    """Serve the language server until the editor stops it."""
    try:
        from ..lsp.server import serve
    except ImportError as exc:
        raise CLIError(
            f"designdoc lsp needs the lsp extra ({exc.name or 'pygls'} is not installed): "
            "pip install 'sphinx-designdoc[lsp]'"
        ) from None
    serve()
    return EXIT_OK
