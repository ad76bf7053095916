"""Building a Sphinx project for its reports, in this process: what ``designdoc check``
and ``--data SRC`` run.  Sphinx is imported only when a build starts.

The cache of ``--data SRC`` builds is shared by every command run on the same project:
a lock file makes two commands take turns.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .codec import FILENAME as REPORT_NAME


class BuildError(Exception):
    """A project that cannot be built: one line for the user, exit status 2."""


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sphinx-designdoc"


def project_cache(srcdir: Path) -> Path:
    """The cache folder of a source folder's builds (and of what takes turns with them)."""
    import hashlib

    key = hashlib.sha256(str(srcdir.resolve()).encode()).hexdigest()[:16]
    return _cache_root() / key


def build_cached(srcdir: Path, *, verbose: bool = False, jobs: int = 1) -> Path:
    """Build a source folder into a per-project cache folder; incremental next time.

    Two commands building the same project at once take turns (a lock file in the
    cache folder): Sphinx's environment pickle and the reports are not written to be
    shared by two builds at a time.
    """
    root = project_cache(srcdir)
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
        raise BuildError(
            f"cannot lock the build cache {path.parent}: {exc.strerror or exc}"
        ) from None
    deadline = time.monotonic() + timeout
    with fh:
        while not _try_lock(fh):
            if time.monotonic() > deadline:
                raise BuildError(
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


def count_sources(srcdir: Path, limit: int) -> int:
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
        raise BuildError(f"{srcdir} is not a Sphinx source folder (it has no conf.py)")
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
        raise BuildError(f"cannot build {srcdir}: {_build_error(exc, srcdir)}") from None
    except Exception as exc:  # a third-party extension failed
        raise BuildError(f"cannot build {srcdir}: {_one_line(exc)}") from None
    report = outdir / REPORT_NAME
    if not report.is_file():
        raise BuildError(f"building {srcdir} wrote no {REPORT_NAME}")
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
