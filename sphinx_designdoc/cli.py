"""The ``designdoc`` command: look up, check, compare and export design records.

The reading verbs (``trace``, ``impact``, ``diff``, ``export``) work from a saved
``designdoc.json`` and never import Sphinx or docutils, so a lookup on a large project
answers in a fraction of a second.  Only ``check`` and ``--data SRC`` (a source folder)
build, and they import Sphinx when they do.  Every expected error is one line on stderr
and exit status 2; ``check`` exits 1 when a finding is not suppressed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from ._version import __version__
from .codec import SCHEMA_VERSION, DecodeError, check_report, graph_of
from .formats import FORMATS
from .safety import terminal_data, terminal_json, terminal_text

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

#: where a build usually leaves designdoc.json, relative to the current folder
BUILD_FOLDERS = (
    "_build/html",
    "_build/designdoc",
    "_build/dirhtml",
    "docs/_build/html",
    "docs/_build/designdoc",
    "docs/_build/dirhtml",
    "doc/_build/html",
    "doc/_build/designdoc",
    "build/html",
    "build/designdoc",
    "build/sphinx/html",
    "docs/build/html",
    "docs/build/designdoc",
)
REPORT_NAME = "designdoc.json"
#: source files above which ``check`` shows Sphinx's progress on a terminal
PROGRESS_THRESHOLD = 100


class CLIError(Exception):
    """An expected failure: reported as one line on stderr, exit status 2."""


class UsageError(CLIError):
    """A command line argparse refused; its message names the command already."""


# -- output helpers --------------------------------------------------------------


class Style:
    """ANSI styling that turns itself off for pipes, ``NO_COLOR`` and dumb terminals."""

    CODES = {
        "bold": "1",
        "dim": "2",
        "red": "31",
        "green": "32",
        "yellow": "33",
        "cyan": "36",
    }
    GOOD = frozenset({"accepted", "approved", "implemented", "verified", "traced"})
    PENDING = frozenset({"proposed", "draft", "review"})
    BAD = frozenset({"rejected", "deprecated", "superseded", "obsolete", "untraced"})

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stream(cls, stream: IO[str], mode: str = "auto") -> Style:
        if mode == "always":
            return cls(True)
        if mode == "never" or os.environ.get("NO_COLOR"):
            return cls(False)
        if os.environ.get("FORCE_COLOR"):
            return cls(True)
        isatty = getattr(stream, "isatty", None)
        return cls(bool(isatty and isatty()) and os.environ.get("TERM") != "dumb")

    def __call__(self, value: str, *styles: str) -> str:
        codes = [self.CODES[s] for s in styles if s]
        if not self.enabled or not codes or not value:
            return value
        return f"\033[{';'.join(codes)}m{value}\033[0m"

    def status(self, value: str) -> str:
        if value in self.GOOD:
            return self(value, "green")
        if value in self.PENDING:
            return self(value, "yellow")
        if value in self.BAD:
            return self(value, "red")
        return value


Cell = tuple[str, Sequence[str]] | str


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Cell]], style: Style) -> str:
    """Columns aligned on the visible text, styles applied after padding."""
    plain_rows: list[list[tuple[str, Sequence[str]]]] = [
        [(c, ()) if isinstance(c, str) else c for c in row] for row in rows
    ]
    widths = [len(h) for h in headers]
    for row in plain_rows:
        for i, (value, _) in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = [
        "  ".join(style(h.ljust(w), "bold") for h, w in zip(headers, widths, strict=True)).rstrip()
    ]
    for row in plain_rows:
        cells = []
        for i, (value, styles) in enumerate(row):
            padded = value.ljust(widths[i]) if i < len(row) - 1 else value
            cells.append(style(value, *styles) + padded[len(value) :] if styles else padded)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _status_cell(status: Any, style: Style) -> Cell:
    value = "" if status is None else str(status)
    if value in Style.GOOD:
        return (value, ("green",))
    if value in Style.PENDING:
        return (value, ("yellow",))
    if value in Style.BAD:
        return (value, ("red",))
    return value


def _write(text: str, stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(text if text.endswith("\n") else text + "\n")


def _dump_json(data: Any) -> str:
    """JSON for a terminal or a pipe: the data exactly, no control character raw."""
    return terminal_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


# -- finding and loading designdoc.json -------------------------------------------


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sphinx-designdoc"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CLIError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CLIError(f"{path} is a folder, not a designdoc.json") from None
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None


def _check_header(path: Path, data: Mapping[str, Any]) -> None:
    version = data.get("schema_version")
    if not isinstance(version, int) or version <= 1:
        return
    if version > SCHEMA_VERSION:
        raise CLIError(
            f"{path} has schema version {version}, newer than this sphinx-designdoc "
            f"({__version__}) reads ({SCHEMA_VERSION}); upgrade sphinx-designdoc"
        )


def load_report(path: Path, raw: bytes | None = None) -> dict[str, Any]:
    """Read and sanity-check a designdoc.json; every problem is a one-line CLIError."""
    raw = _read_bytes(path) if raw is None else raw
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CLIError(f"{path} is not UTF-8 text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "rebuild the docs to rewrite it"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        raise CLIError(f"{path} is not a designdoc.json report (it has no 'objects' list)")
    _check_header(path, data)
    try:
        check_report(data)
    except DecodeError as exc:
        raise CLIError(f"{path} is not a designdoc.json report: {exc}") from None
    return data


def load_for_trace(path: Path, wanted: str) -> dict[str, Any]:
    """A report with the header and only the objects ``trace`` shows about ``wanted``.

    Decodes a few objects instead of the whole file (see :mod:`.reports.reader`); any
    surprise, including an ID it cannot find, falls back to :func:`load_report`, so
    errors and suggestions are those of the full parse.
    """
    from .reports.reader import NotIndexable, ReportFile

    raw = _read_bytes(path)
    try:
        rf = ReportFile(raw)
        header = rf.header()
        if not isinstance(header.get("vocabulary"), dict):
            raise NotIndexable("no vocabulary")
        _check_header(path, header)
        objs: dict[str, dict[str, Any]] = {}

        def need(item_id: str) -> dict[str, Any]:
            if item_id not in objs:
                found = rf.get(item_id)
                if found is None:
                    raise NotIndexable(f"{item_id} not indexed")
                objs[item_id] = found
            return objs[item_id]

        obj = need(wanted)
        # a surprise in what was read falls back to the full parse, which names it
        check_report({**header, "objects": [obj]})
        for targets in (obj.get("links") or {}).values():
            for target in targets:
                need(target)
        for sources in (obj.get("incoming") or {}).values():
            for source_id in sources:
                source = need(source_id)
                if source.get("type") == obj.get("type"):
                    continue
                for targets in (source.get("links") or {}).values():
                    for target in targets:
                        need(target)
        report = {**header, "objects": list(objs.values())}
        check_report(report)
        return report
    except (NotIndexable, UnicodeDecodeError, DecodeError):
        return load_report(path, raw)


def _usual_report(base: Path) -> Path | None:
    """The newest designdoc.json under ``base``'s usual build folders."""
    found = [base / folder / REPORT_NAME for folder in BUILD_FOLDERS]
    existing = [p for p in found if p.is_file()]
    if not existing:
        return None
    return max(existing, key=lambda p: p.stat().st_mtime)


def resolve_data(data: str | None, *, verbose: bool = False, jobs: int = 1) -> Path:
    """The designdoc.json that ``--data`` names, building a source folder if need be."""
    if data is None:
        found = _usual_report(Path.cwd())
        if found is None:
            looked = ", ".join(BUILD_FOLDERS[:4]) + ", ..."
            raise CLIError(
                f"no designdoc.json found under the current folder ({looked}); "
                "build the docs first or pass --data PATH"
            )
        return found
    path = Path(data)
    if path.is_file():
        return path
    if not path.exists():
        raise CLIError(f"no such file or folder: {data}")
    if (path / REPORT_NAME).is_file():
        return path / REPORT_NAME
    if (path / "conf.py").is_file():
        return build_cached(path, verbose=verbose, jobs=jobs)
    nested = _usual_report(path)
    if nested is not None:
        return nested
    raise CLIError(
        f"{data} holds neither designdoc.json nor conf.py; pass a designdoc.json, "
        "a build output folder or a Sphinx source folder"
    )


def build_cached(srcdir: Path, *, verbose: bool = False, jobs: int = 1) -> Path:
    """Build a source folder into a per-project cache folder; incremental next time.

    Two commands building the same project at once take turns (a lock file in the
    cache folder): Sphinx's environment pickle and the reports are not written to be
    shared by two builds at a time.
    """
    import hashlib

    key = hashlib.sha256(str(srcdir.resolve()).encode()).hexdigest()[:16]
    root = _cache_root() / key
    outdir = root / "out"
    with cache_lock(root / "lock"):
        build_reports(srcdir, outdir, root / "doctrees", progress=verbose, jobs=jobs)
    return outdir / REPORT_NAME


@contextlib.contextmanager
def cache_lock(path: Path, timeout: float = 600.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if need be) while the block runs;
    wait for another process that holds it, for at most ``timeout`` seconds."""
    import time

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("a+b")
    except OSError as exc:
        raise CLIError(
            f"cannot lock the build cache {path.parent}: {exc.strerror or exc}"
        ) from None
    deadline = time.monotonic() + timeout
    with fh:
        while not _try_lock(fh):
            if time.monotonic() > deadline:
                raise CLIError(
                    f"another designdoc command has been building {path.parent} for "
                    f"{timeout:.0f} s; try again later, or delete {path} if no such command runs"
                )
            time.sleep(0.1)
        try:
            yield
        finally:
            _unlock(fh)


def _try_lock(fh: IO[bytes]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh: IO[bytes]) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _count_sources(srcdir: Path, limit: int) -> int:
    count = 0
    for _, dirs, files in os.walk(srcdir):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_")) and d != "build"]
        count += sum(1 for f in files if f.endswith((".rst", ".md", ".txt")))
        if count >= limit:
            break
    return count


def build_reports(
    srcdir: Path,
    outdir: Path,
    doctreedir: Path,
    *,
    progress: bool = False,
    jobs: int = 1,
    fresh: bool = False,
) -> Path:
    """Run the ``designdoc`` builder in this process; return the designdoc.json path."""
    import io

    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    if not (srcdir / "conf.py").is_file():
        raise CLIError(f"{srcdir} is not a Sphinx source folder (it has no conf.py)")
    warnings = io.StringIO()
    try:
        with patch_docutils(srcdir), docutils_namespace():
            app = Sphinx(
                str(srcdir),
                str(srcdir),
                str(outdir),
                str(doctreedir),
                "designdoc",
                status=sys.stderr if progress else None,
                warning=sys.stderr if progress else warnings,
                freshenv=fresh,
                parallel=jobs,
            )
            app.build()
    except SphinxError as exc:
        raise CLIError(f"cannot build {srcdir}: {_build_error(exc, srcdir)}") from None
    except Exception as exc:  # a third-party extension failed
        raise CLIError(f"cannot build {srcdir}: {_one_line(exc)}") from None
    report = outdir / REPORT_NAME
    if not report.is_file():
        raise CLIError(f"building {srcdir} wrote no {REPORT_NAME}")
    return report


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _build_error(exc: BaseException, srcdir: Path) -> str:
    """Sphinx's error in one line: its messages may embed a whole traceback."""
    cause = exc.__cause__ or exc.__context__
    message = " ".join(str(exc).split())
    if cause is not None and "Traceback" in str(exc):
        return f"conf.py raised {_one_line(cause)}"
    if "designdoc" in message and ("not registered" in message or "entry point" in message):
        return f'{srcdir / "conf.py"} does not enable the extension: add "sphinx_designdoc" to extensions'
    return message or type(exc).__name__


def find_object(by_id: Mapping[str, Any], wanted: str) -> Any:
    """The object with ID ``wanted``, or a CLIError that suggests close IDs."""
    if wanted in by_id:
        return by_id[wanted]
    folded = [i for i in by_id if i.casefold() == wanted.casefold()]
    if len(folded) == 1:
        suggestions = folded
    else:
        import difflib

        suggestions = difflib.get_close_matches(wanted, list(by_id), n=3, cutoff=0.6)
    hint = ""
    if suggestions:
        hint = " (did you mean " + ", ".join(repr(s) for s in suggestions) + "?)"
    raise CLIError(f"unknown ID {wanted!r}{hint}")


# -- trace ------------------------------------------------------------------------


def _header(obj: Mapping[str, Any], style: Style) -> list[str]:
    lines = [f"{style(obj['id'], 'bold', 'cyan')}  {style(str(obj.get('title', '')), 'bold')}"]
    facts = [str(obj.get("type", "")), style.status(str(obj.get("status", "")))]
    traced = obj.get("traced")
    if traced is not None:
        facts.append(style.status("traced" if traced else "untraced"))
    if obj.get("source"):
        where = obj["source"] + (f":{obj['line']}" if obj.get("line") else "")
        facts.append(where)
    if obj.get("external"):
        facts.append("external")
    lines.append("  " + " · ".join(f for f in facts if f))
    fields = obj.get("fields") or {}
    if fields:
        from .reports._common import text

        lines.append(
            "  " + " · ".join(f"{k}: {text(v)}" for k, v in fields.items() if text(v) != "")
        )
    if obj.get("url"):
        lines.append("  " + style(str(obj["url"]), "dim"))
    return lines


def cmd_trace(args: argparse.Namespace) -> int:
    from .reports._common import ReportView

    report = load_for_trace(resolve_data(args.data, verbose=args.verbose), args.id)
    wanted = args.id
    if not args.json:  # text for a terminal: nothing in the report may drive it
        report, wanted = terminal_data(report), terminal_text(wanted)
    view = ReportView(report)
    obj = find_object(view.by_id, wanted)
    relations = view.neighbourhood(obj)
    if args.json:
        _write(_dump_json({"object": obj, "relations": [r.to_json() for r in relations]}))
        return EXIT_OK
    style = Style.for_stream(sys.stdout, args.color)
    lines = _header(obj, style)
    lines.append("")
    if not relations:
        lines.append("  no links to or from this object")
    else:
        rows = []
        for r in relations:
            rel = f"  {r.relation} (via {r.via})" if r.via else r.relation
            target = r.obj or {}
            rows.append(
                [
                    (rel, ("dim",) if r.via else ()),
                    (r.id, ("cyan",)),
                    str(target.get("type", "?")),
                    _status_cell(target.get("status"), style),
                    str(target.get("title", "(unknown ID)")),
                ]
            )
        table = format_table(["RELATION", "ID", "TYPE", "STATUS", "TITLE"], rows, style)
        lines += ["  " + line for line in table.splitlines()]
    if obj.get("traced") is False:
        lines += ["", "  " + style(view.untraced_reason(obj), "red")]
    _write("\n".join(lines))
    return EXIT_OK


# -- impact -----------------------------------------------------------------------


def _path_text(path: Sequence[str], links: Mapping[str, str], direction: str) -> str:
    parts = [path[0]]
    for item_id in path[1:]:
        link = links.get(item_id, "?")
        parts.append(f"-{link}-> {item_id}" if direction == "down" else f"<-{link}- {item_id}")
    return " ".join(parts)


def cmd_impact(args: argparse.Namespace) -> int:
    report = load_report(resolve_data(args.data, verbose=args.verbose))
    wanted = args.id
    if not args.json:  # text for a terminal: nothing in the report may drive it
        report, wanted = terminal_data(report), terminal_text(wanted)
    by_id = {o["id"]: o for o in report["objects"]}
    obj = find_object(by_id, wanted)
    graph = graph_of(report)
    directions = ["down", "up"] if args.direction == "both" else [args.direction]
    result: dict[str, list[dict[str, Any]]] = {}
    for direction in directions:
        steps = graph.walk(obj["id"], direction, max_depth=args.depth)
        via = {s.item.id: s.link for s in steps}
        result["downstream" if direction == "down" else "upstream"] = [
            {
                "id": s.item.id,
                "type": s.item.type,
                "title": s.item.title,
                "status": s.item.status,
                "depth": len(s.path) - 1,
                "link": s.link,
                "path": list(s.path),
                "links": [via[i] for i in s.path[1:]],
                "path_text": _path_text(s.path, via, direction),
            }
            for s in steps
        ]
    if args.json:
        _write(_dump_json({"object": obj, **result}))
        return EXIT_OK
    style = Style.for_stream(sys.stdout, args.color)
    lines = _header(obj, style)
    titles = {
        "downstream": f"Downstream: what {obj['id']} links to, directly or not",
        "upstream": f"Upstream: what links to {obj['id']}, directly or not",
    }
    for key, entries in result.items():
        lines += ["", style(f"{titles[key]} ({len(entries)})", "bold")]
        if not entries:
            lines.append("  nothing")
            continue
        rows = [
            [
                str(e["depth"]),
                (e["id"], ("cyan",)),
                e["type"],
                _status_cell(e["status"], style),
                e["title"],
                (e["path_text"], ("dim",)),
            ]
            for e in entries
        ]
        table = format_table(["DEPTH", "ID", "TYPE", "STATUS", "TITLE", "PATH"], rows, style)
        lines += ["  " + line for line in table.splitlines()]
    _write("\n".join(lines))
    return EXIT_OK


# -- check ------------------------------------------------------------------------


def _default_source() -> Path:
    for candidate in (Path(), Path("docs"), Path("doc")):
        if (candidate / "conf.py").is_file():
            return candidate
    raise CLIError("no conf.py in the current folder, docs/ or doc/; pass the source folder")


def _display_path(srcdir: Path | None, source: str | None) -> str:
    if not source:
        return ""
    if srcdir is None:
        return source
    full = srcdir / source
    try:
        return os.path.relpath(full)
    except ValueError:  # another drive on Windows
        return str(full)


def cmd_check(args: argparse.Namespace) -> int:
    import tempfile

    src = Path(args.src) if args.src else _default_source()
    srcdir: Path | None = None
    if not src.exists():
        raise CLIError(f"no such file or folder: {src}")
    if src.is_dir() and (src / "conf.py").is_file():
        srcdir = src
        progress = not args.quiet and (
            args.verbose
            or (
                sys.stderr.isatty()
                and _count_sources(src, PROGRESS_THRESHOLD) >= PROGRESS_THRESHOLD
            )
        )
        with tempfile.TemporaryDirectory(prefix="designdoc-check-") as tmp:
            path = build_reports(
                src, Path(tmp) / "out", Path(tmp) / "doctrees", progress=progress, jobs=args.jobs
            )
            report = load_report(path)
    elif src.is_dir():
        report = load_report(resolve_data(str(src)))
    else:
        report = load_report(src)

    findings = list(report.get("findings") or [])
    active = [f for f in findings if not f.get("suppressed")]
    status = EXIT_FINDINGS if active else EXIT_OK
    fmt = args.format
    if fmt == "json":
        text = _dump_json(
            {
                "ok": not active,
                "findings": findings,
                "active": len(active),
                "suppressed": len(findings) - len(active),
                "coverage": report.get("coverage") or {},
            }
        )
    elif fmt == "junit":
        from .reports import junit

        text = junit.render(report, include_checks=True)
    elif fmt == "sarif":
        from .reports import sarif

        prefix = args.path_prefix
        if prefix is None:
            prefix = sarif.repository_prefix(srcdir) if srcdir is not None else ""
        text = sarif.render(report, path_prefix=prefix)
    else:
        report = terminal_data(report)
        findings = list(report.get("findings") or [])
        active = [f for f in findings if not f.get("suppressed")]
        text = _check_text(report, srcdir, findings, active, args)
    _output(text, args.output)
    return status


def _check_text(
    report: Mapping[str, Any],
    srcdir: Path | None,
    findings: list[Mapping[str, Any]],
    active: list[Mapping[str, Any]],
    args: argparse.Namespace,
) -> str:
    stream = sys.stdout if args.output in (None, "-") else None
    style = Style.for_stream(stream, args.color) if stream else Style(False)
    lines = []
    for f in findings:
        if f.get("suppressed") and not args.show_suppressed:
            continue
        where = _display_path(srcdir, f.get("source"))
        if where and f.get("line"):
            where += f":{f['line']}"
        subtype = str(f.get("subtype"))
        tag = f"[designdoc.{subtype}]" + (" (suppressed)" if f.get("suppressed") else "")
        lines.append(
            (style(where, "bold") + ": " if where else "")
            + style(subtype, "dim" if f.get("suppressed") else "yellow")
            + f": {f.get('message')} "
            + style(tag, "dim")
        )
    suppressed = len(findings) - len(active)
    summary = "no findings" if not active else f"{len(active)} finding{'s' * (len(active) != 1)}"
    if suppressed:
        summary += f" ({suppressed} suppressed)"
    from .reports._common import ReportView

    view = ReportView(report)
    coverage = "; ".join(f"{t} coverage {view.coverage_line(t)}" for t in view.traced_types())
    lines.append(
        style(f"designdoc: {summary}", "red" if active else "green")
        + (f"; {coverage}" if coverage else "")
    )
    return "\n".join(lines) + "\n"


def _output(text: str, output: str | None) -> None:
    if output in (None, "-"):
        if sys.stdout.isatty():  # a report shown on a terminal: no control sequence
            is_json = text.lstrip().startswith(("{", "["))
            text = terminal_json(text) if is_json else terminal_text(text)
        sys.stdout.write(text)
        return
    from .fileio import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise CLIError(f"cannot write {output}: {exc.strerror or exc}") from None


# -- diff -------------------------------------------------------------------------


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed between two reports, as plain data (``--json`` prints it as is)."""
    before = {o["id"]: o for o in old["objects"]}
    after = {o["id"]: o for o in new["objects"]}

    def brief(o: Mapping[str, Any]) -> dict[str, Any]:
        return {k: o.get(k) for k in ("id", "type", "title", "status")}

    def link_set(objs: Mapping[str, Mapping[str, Any]]) -> set[tuple[str, str, str]]:
        return {
            (oid, name, target)
            for oid, o in objs.items()
            for name, targets in (o.get("links") or {}).items()
            for target in targets
        }

    common = sorted(before.keys() & after.keys())
    old_links, new_links = link_set(before), link_set(after)
    was_untraced = {i for i, o in before.items() if o.get("traced") is False}
    now_untraced = {i for i, o in after.items() if o.get("traced") is False}
    now_traced = {i for i, o in after.items() if o.get("traced") is True}
    coverage: dict[str, dict[str, Any]] = {}
    old_cov, new_cov = old.get("coverage") or {}, new.get("coverage") or {}
    for type_name in sorted(set(old_cov) | set(new_cov)):
        b, a = old_cov.get(type_name), new_cov.get(type_name)
        change = None
        if b is not None and a is not None:
            change = round(a.get("percent", 0) - b.get("percent", 0), 2)
        coverage[type_name] = {"before": b, "after": a, "change": change}
    return {
        "added": [brief(after[i]) for i in sorted(after.keys() - before.keys())],
        "removed": [brief(before[i]) for i in sorted(before.keys() - after.keys())],
        "retitled": [
            {"id": i, "before": before[i].get("title"), "after": after[i].get("title")}
            for i in common
            if before[i].get("title") != after[i].get("title")
        ],
        "status_changed": [
            {"id": i, "before": before[i].get("status"), "after": after[i].get("status")}
            for i in common
            if before[i].get("status") != after[i].get("status")
        ],
        "links_added": [
            {"source": s, "link": n, "target": t} for s, n, t in sorted(new_links - old_links)
        ],
        "links_removed": [
            {"source": s, "link": n, "target": t} for s, n, t in sorted(old_links - new_links)
        ],
        "newly_untraced": [
            {**brief(after[i]), "new_object": i not in before}
            for i in sorted(now_untraced - was_untraced)
        ],
        "newly_traced": [brief(after[i]) for i in sorted(now_traced & was_untraced)],
        "coverage": coverage,
    }


def is_regression(diff: Mapping[str, Any]) -> bool:
    """Coverage of a type dropped, or an object that existed before became untraced.

    A new object that is born untraced is listed but is not by itself a regression: it
    lowers coverage when nothing else improves, and that is caught as a drop.
    """
    dropped = any(c["change"] is not None and c["change"] < 0 for c in diff["coverage"].values())
    return dropped or any(not o["new_object"] for o in diff["newly_untraced"])


def _diff_text(diff: Mapping[str, Any], style: Style) -> str:
    lines: list[str] = []

    def section(title: str, entries: list[str], colour: str = "") -> None:
        if not entries:
            return
        lines.append(style(f"{title} ({len(entries)})", "bold", colour))
        lines.extend("  " + e for e in entries)

    lines.append(style("Coverage", "bold"))
    if not diff["coverage"]:
        lines.append("  no traced types")
    for type_name, c in diff["coverage"].items():

        def fmt(v: Mapping[str, Any] | None) -> str:
            if v is None:
                return "n/a"
            return f"{v.get('percent', 0):g}% ({v.get('traced', 0)}/{v.get('total', 0)})"

        change = c["change"]
        mark = ""
        if change:
            mark = style(f"  {change:+g} points", "red" if change < 0 else "green")
        lines.append(f"  {type_name}: {fmt(c['before'])} -> {fmt(c['after'])}{mark}")
    section(
        "Added",
        [f"{o['id']} {o['type']} {o['title']!r} ({o['status']})" for o in diff["added"]],
        "green",
    )
    section("Removed", [f"{o['id']} {o['type']} {o['title']!r}" for o in diff["removed"]], "red")
    section("Retitled", [f"{r['id']}: {r['before']!r} -> {r['after']!r}" for r in diff["retitled"]])
    section(
        "Status changed",
        [f"{r['id']}: {r['before']} -> {r['after']}" for r in diff["status_changed"]],
    )
    section(
        "Links added",
        [f"{r['source']} {r['link']} {r['target']}" for r in diff["links_added"]],
        "green",
    )
    section(
        "Links removed",
        [f"{r['source']} {r['link']} {r['target']}" for r in diff["links_removed"]],
        "red",
    )
    section(
        "Newly untraced",
        [
            f"{o['id']} {o['title']!r}" + (" (new)" if o["new_object"] else "")
            for o in diff["newly_untraced"]
        ],
        "red",
    )
    section("Newly traced", [f"{o['id']} {o['title']!r}" for o in diff["newly_traced"]], "green")
    changes = sum(len(v) for k, v in diff.items() if k != "coverage")
    if not changes:
        lines.append("No object, link or tracing changes.")
    return "\n".join(lines) + "\n"


def cmd_diff(args: argparse.Namespace) -> int:
    old = load_report(resolve_data(args.old, verbose=args.verbose))
    new = load_report(resolve_data(args.new, verbose=args.verbose))
    diff = diff_reports(old, new)
    regression = is_regression(diff)
    if args.json:
        _write(_dump_json({**diff, "regression": regression}))
    else:
        text = _diff_text(terminal_data(diff), Style.for_stream(sys.stdout, args.color))
        if regression:
            text += "Regression: coverage dropped or a requirement became untraced.\n"
        sys.stdout.write(text)
    return EXIT_FINDINGS if args.fail_on_regression and regression else EXIT_OK


# -- export -----------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from .reports import render

    report = load_report(resolve_data(args.data, verbose=args.verbose))
    options: dict[str, Any] = {}
    if args.format == "sarif":
        options["path_prefix"] = args.path_prefix or ""
    if args.format == "needs":
        options["version"] = args.needs_version
    _output(render(args.format, report, **options), args.output)
    return EXIT_OK


# -- new --------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import default_filename, scaffold

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
    if target.exists() and not args.force:
        raise CLIError(f"{target} exists; pass --force to overwrite it")
    _output(text, str(target))
    _write(f"wrote {target}", sys.stderr)
    return EXIT_OK


# -- the parser -------------------------------------------------------------------


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
        "_build/html, _build/designdoc, docs/_build/html, docs/_build/designdoc, build/...",
    )


def _add_color(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output: auto (default) colours a terminal unless NO_COLOR is set",
    )


def _add_verbose(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-v", "--verbose", action="store_true", help="show Sphinx's progress when building"
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
        help="everything reachable from an object, downstream and upstream",
        formatter_class=_Formatter,
        description="List every object reachable from ID along links (downstream) and "
        "along backlinks (upstream), any number of hops, each with the path that "
        "reaches it. Cycles are followed once.",
        epilog="examples:\n  designdoc impact DEP-2\n  designdoc impact REQ-1 "
        "--direction up --depth 2 --json",
    )
    p.add_argument("id", metavar="ID", help="the object's ID")
    _add_data(p)
    p.add_argument(
        "--direction",
        choices=("both", "down", "up"),
        default="both",
        help="which way to walk (default: both)",
    )
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
        default=None,
        help="prefix for SARIF file paths (default: SRC relative to its git repository)",
    )
    p.add_argument("-j", "--jobs", type=_positive_int, default=1, help="build with N processes")
    p.add_argument("-q", "--quiet", action="store_true", help="never show Sphinx's progress")
    _add_color(p)
    _add_verbose(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "diff",
        help="compare two designdoc.json reports",
        formatter_class=_Formatter,
        description="Compare two reports: objects added, removed and retitled, links "
        "added and removed, status changes, requirements newly untraced and newly "
        "traced, and coverage before and after. OLD and NEW may be designdoc.json "
        "files, build output folders or source folders.",
        epilog="examples:\n  designdoc diff main.json designdoc.json\n  designdoc diff "
        "old/ new/ --fail-on-regression",
    )
    p.add_argument("old", metavar="OLD", help="the earlier designdoc.json")
    p.add_argument("new", metavar="NEW", help="the later designdoc.json")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 when coverage dropped or a requirement became untraced",
    )
    _add_color(p)
    _add_verbose(p)
    p.set_defaults(func=cmd_diff)

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
    p.add_argument("title", metavar="TITLE", help="what the document designs")
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
        help="ID prefix of the example objects (default: from the title)",
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_new)

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
        "--path-prefix", metavar="PREFIX", default="", help="prefix for SARIF file paths"
    )
    p.add_argument(
        "--needs-version",
        metavar="VERSION",
        default="1.0",
        help="version key of needs.json (default: 1.0)",
    )
    _add_verbose(p)
    p.set_defaults(func=cmd_export)
    return parser


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value!r}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        _write(str(exc), sys.stderr)
        return EXIT_ERROR
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CLIError as exc:
        _write(f"designdoc: error: {terminal_text(str(exc))}", sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # the reader (``| head``) went away: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        _write("designdoc: interrupted", sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("DESIGNDOC_DEBUG"):
            raise
        _write(
            f"designdoc: error: unexpected {type(exc).__name__}: {terminal_text(str(exc))} "
            "(set DESIGNDOC_DEBUG=1 for the traceback)",
            sys.stderr,
        )
        return EXIT_ERROR
