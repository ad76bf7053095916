"""Where a build's peak memory comes from: ``sphinx-build`` with the resident memory
(and the peak so far) printed around the write of one page and around the extension's
``build-finished`` work (``designdoc.json`` and the exports).

    python benchmarks/memory_trace.py PAGE -- -b html SRC OUT

Run it from a checkout (``PYTHONPATH=.``) on a corpus of ``generate.py``; PAGE is
``traceability`` for the page with the matrix.
"""

from __future__ import annotations

import resource
import sys
from typing import Any


def rss() -> int:
    """The process's resident memory now, in MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def say(what: str) -> None:
    print(f"{what}: rss {rss()} MB, peak {peak()} MB", file=sys.stderr)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    page = argv[0]
    from sphinx.builders.html import StandaloneHTMLBuilder

    import sphinx_designdoc.extension as extension

    write_doc = StandaloneHTMLBuilder.write_doc

    def traced_write_doc(self: Any, docname: str, doctree: Any) -> None:
        if docname == page:
            say(f"before writing {page}")
        write_doc(self, docname, doctree)
        if docname == page:
            say(f"after writing {page}")

    StandaloneHTMLBuilder.write_doc = traced_write_doc  # type: ignore[method-assign]
    finished = extension._on_build_finished

    def traced_finished(app: Any, exception: BaseException | None) -> None:
        say("before designdoc's build-finished")
        finished(app, exception)
        say("after designdoc's build-finished")

    extension._on_build_finished = traced_finished  # connected by setup, which runs later
    from sphinx.cmd.build import main as sphinx_main

    code = sphinx_main(argv[2:])
    say("end of build")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
