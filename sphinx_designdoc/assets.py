"""What the extension adds to an output besides its pages: the stylesheet (HTML), the
LaTeX package (PDF), and no stray files in an EPUB.

Files are copied when the build finishes instead of through ``html_static_path`` or
``latex_additional_files``: changing those settings would make every incremental build
report a configuration change.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC_DIR = Path(__file__).parent / "static"
STYLESHEET = "designdoc.css"
#: ``\usepackage{sphinxdesigndoc}``: frames objects, colours badges and marks
LATEX_PACKAGE = "sphinxdesigndoc"


def setup_assets(app: Sphinx) -> None:
    app.add_css_file(STYLESHEET)
    app.add_latex_package(LATEX_PACKAGE)
    app.connect("build-finished", _copy_assets)
    app.connect("html-collect-pages", _keep_image_maps_out_of_epub)


def _copy_assets(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder is None:
        return
    outdir = Path(app.outdir)
    if app.builder.format == "html":
        static = outdir / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC_DIR / STYLESHEET, static / STYLESHEET)
    elif app.builder.format == "latex":
        shutil.copyfile(STATIC_DIR / f"{LATEX_PACKAGE}.sty", outdir / f"{LATEX_PACKAGE}.sty")


def _keep_image_maps_out_of_epub(app: Sphinx) -> list[Any]:
    """Graphviz writes a clickable-map file beside every PNG it draws; an EPUB cannot
    use it, and Sphinx's EPUB builder warns about each one.  The pages are written by
    now (this event comes just before the book is packed), so the maps are listed in
    ``epub_exclude_files`` for this build."""
    builder = app.builder
    if builder is None or not builder.name.startswith("epub"):
        return []
    images = Path(app.outdir) / getattr(builder, "imagedir", "_images")
    maps = sorted(f"{images.name}/{path.name}" for path in images.glob("*.map"))
    if maps:
        app.config.epub_exclude_files = [*app.config.epub_exclude_files, *maps]
    return []
