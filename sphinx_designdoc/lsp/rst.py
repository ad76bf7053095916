"""reStructuredText read for the language server by docutils' own parser.

docutils looks directives and roles up in module-level registries; for the time of one
read (one at a time) the lookups answer with this reader's: the object and view
directives record what they declare, a directive docutils does not know (Sphinx's,
another extension's) has its content read as the page unless it holds code, and
``dd:ref`` records its target.  docutils' own directives (``include``, ``note``) are
its own classes, never what a Sphinx application registered over them in this process.
"""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

import copy
import importlib
import os
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers import Parser as BaseParser
from docutils.parsers.rst import Directive, DirectiveError, Parser, directives, roles
from docutils.parsers.rst.directives.misc import Include
from docutils.utils import DependencyList

from ..directives.options import OwnOptions, read_rst
from ..views import ViewKind
from .page import LITERAL, VIEWS, AnyOptions, Scanner, any_value

#: docutils' parser has module-level directive and role registries; each read installs
#: its own lookups for its duration, one read at a time
_DOCUTILS = threading.Lock()


@lru_cache(maxsize=1)
def _docutils_settings() -> Any:
    settings = get_default_settings(Parser)
    settings.report_level = 5
    settings.halt_level = 5
    settings.warning_stream = False
    settings.tab_width = 8
    settings.file_insertion_enabled = True
    settings.raw_enabled = False
    settings.line_length_limit = 10_000_000
    settings.character_level_inline_markup = False
    return settings


def _object_directive(scanner: Scanner, type_name: str) -> type[Directive]:
    class ObjectReader(Directive):
        has_content = True
        required_arguments = 0
        optional_arguments = 1
        final_argument_whitespace = True
        option_spec: ClassVar[dict[str, Callable[[Any], Any]]] = OwnOptions()

        def run(self) -> list[nodes.Node]:
            source_path, found = self.state_machine.get_source_and_line(self.lineno)
            line = found or 0
            source = scanner.relative(source_path)
            title, block = read_rst(self.arguments[0] if self.arguments else "")
            block_lines = self.block_text.rstrip("\n").count("\n") + 1
            content_start = self.content_offset + 1 if self.content else line + block_lines
            scanner.declare(
                type_name,
                self.name,
                title,
                block,
                source=source,
                line=line,
                end=line + block_lines - 1,
                options_end=content_start,
                content="\n".join(self.content).strip("\n"),
            )
            return _nested(self)

    return ObjectReader


def _nested(directive: Directive) -> list[nodes.Node]:
    if not directive.content:
        return []
    box = nodes.container()
    directive.state.nested_parse(directive.content, directive.content_offset, box)
    return [box]


def _view_directive(scanner: Scanner, kind: ViewKind[Any]) -> type[Directive]:
    class ViewReader(Directive):
        has_content = False
        option_spec: ClassVar[dict[str, Callable[[Any], Any]]] = AnyOptions(
            dict.fromkeys(kind.options, any_value)
        )

        def run(self) -> list[nodes.Node]:
            source_path, line = self.state_machine.get_source_and_line(self.lineno)
            scanner.view(self.name, kind, self.options, scanner.relative(source_path), line or 0)
            return []

    return ViewReader


def _other_directive(scanner: Scanner, name: str) -> type[Directive]:
    literal = name in LITERAL or name.endswith(("code", "-code-block"))

    class OtherReader(Directive):
        has_content = True
        optional_arguments = 100
        final_argument_whitespace = True
        option_spec: ClassVar[dict[str, Callable[[Any], Any]]] = AnyOptions()

        def run(self) -> list[nodes.Node]:
            if literal:
                return []
            if name == "only":
                scanner.only.append(" ".join(self.arguments))
                try:
                    return _nested(self)
                finally:
                    scanner.only.pop()
            return _nested(self)

    return OtherReader


def _ref_role(scanner: Scanner) -> Callable[..., Any]:
    def role(
        name: str, rawtext: str, text: str, lineno: int, inliner: Any, *args: Any, **kw: Any
    ) -> tuple[list[nodes.Node], list[nodes.Node]]:
        source_path, line = inliner.reporter.get_source_and_line(lineno)
        scanner.ref(rawtext, text, scanner.relative(source_path), line or lineno)
        return [nodes.inline(rawtext, text)], []

    return role


def _plain_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, *args: Any, **kw: Any
) -> tuple[list[nodes.Node], list[nodes.Node]]:
    return [nodes.inline(rawtext, utils.unescape(text))], []


#: docutils' own directives: name -> (module, class)
_REGISTRY: dict[str, tuple[str, str]] = directives._directive_registry  # type: ignore[attr-defined]

#: a file larger than this is not included (a generated file, or one that never ends)
MAX_INCLUDE_BYTES = 20_000_000


def _docutils_directive(scanner: Scanner, name: str) -> type[Directive] | None:
    """docutils' own class for one of its directives, never the one a Sphinx
    application registered over it in this process (which needs the application).

    Options docutils does not know are taken: Sphinx's classes add some to docutils'
    directives (``:collapsible:`` to the admonitions, ``:heading-level:`` to
    ``rubric``), and docutils refusing them would lose what the directive holds.
    ``include`` finds its file as Sphinx's does."""
    entry = _REGISTRY.get(name)
    if entry is None:
        return None
    module = importlib.import_module(f"docutils.parsers.rst.directives.{entry[0]}")
    found = getattr(module, entry[1], None)
    if not isinstance(found, type) or not issubclass(found, Directive):
        return None
    namespace: dict[str, Any] = {}
    if isinstance(found.option_spec, dict):
        namespace["option_spec"] = AnyOptions(found.option_spec)
    if issubclass(found, Include):
        namespace["run"] = _include_run(scanner, found)
    return type(found.__name__, (found,), namespace)


def _include_run(scanner: Scanner, base: type[Include]) -> Callable[[Include], list[Any]]:
    def run(self: Include) -> list[Any]:
        """The file found as Sphinx's ``include`` finds it: relative to the page's
        folder, or to the sources when it starts with ``/``; only a regular file, not
        too large (never a device or a pipe, which a read would wait on forever); read
        by this reader when the include names MyST's parser."""
        argument = self.arguments[0] if self.arguments else ""
        if not (argument.startswith("<") and argument.endswith(">")):
            path = resolve_include(scanner, argument)
            try:
                info = path.stat()
            except (OSError, ValueError):
                return []
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_INCLUDE_BYTES:
                return []
            self.arguments[0] = str(path)
        parser = self.options.get("parser")
        if parser is not None and {"md", "markdown", "myst"} & set(
            getattr(parser, "supported", ())
        ):
            self.options["parser"] = _markdown_reader(scanner)
        return list(base.run(self))

    return run


def resolve_include(scanner: Scanner, argument: str) -> Path:
    """The file an include names, as Sphinx finds it (``BuildEnvironment.relfn2path``):
    relative to the page's folder, whatever file the include is written in, or to the
    sources when it starts with ``/``."""
    argument = "".join(part.strip() for part in argument.splitlines())
    srcdir = scanner.reading.srcdir
    if argument.startswith(("/", os.sep)):
        return Path(os.path.normpath(srcdir / argument.lstrip("/" + os.sep)))
    folder = Path(scanner.page.source).parent
    return Path(os.path.normpath(srcdir / folder / argument))


def _markdown_reader(scanner: Scanner) -> type[BaseParser]:
    """A docutils parser that reads what it is given as MyST, for an include whose
    ``:parser:`` is MyST's (which needs a Sphinx application)."""

    class MarkdownReader(BaseParser):
        supported = ("myst",)

        def parse(self, inputstring: str, document: nodes.document) -> None:
            self.setup_parse(inputstring, document)
            if scanner.markdown is not None:
                scanner.markdown(inputstring, Path(document["source"]), 0)
            self.finish_parse()

    return MarkdownReader


def _guarded(klass: type[Directive]) -> type[Directive]:
    """``klass`` whose failure loses its own output, never the rest of the page:
    docutils stops reading a page at any exception a directive raises other than the
    errors it reports itself, and a parser of another project's or a file an include
    reads may raise anything."""

    def run(self: Directive) -> list[Any]:
        try:
            return list(klass.run(self))
        except DirectiveError:
            raise  # docutils reports it and reads on
        except Exception:
            return []

    return type(klass.__name__, (klass,), {"run": run})


@contextmanager
def _lookups(scanner: Scanner) -> Iterator[None]:
    """docutils' directive and role lookups, answering with this reader's: the object
    directives, content-reading stand-ins for directives docutils does not know, and
    ``dd:ref``."""
    object_names = scanner.reading.directives
    saved_directive, saved_role = directives.directive, roles.role
    made: dict[str, type[Directive]] = {}
    ref_role = _ref_role(scanner)

    def directive(name: str, language: Any, document: Any) -> tuple[Any, list[Any]]:
        key = name.lower()
        if key not in made:
            if key in object_names:
                made[key] = _object_directive(scanner, object_names[key])
            elif key in VIEWS:
                made[key] = _view_directive(scanner, VIEWS[key])
            elif key in _REGISTRY and key not in LITERAL:
                made[key] = _docutils_directive(scanner, key) or _other_directive(scanner, key)
            else:
                made[key] = _other_directive(scanner, key)
            made[key] = _guarded(made[key])
        return made[key], []

    def role(name: str, language: Any, lineno: int, reporter: Any) -> tuple[Any, list[Any]]:
        key = name.lower()
        if key == "dd:ref":
            return ref_role, []
        return _plain_role, []

    directives.directive = directive  # type: ignore[assignment]
    roles.role = role  # type: ignore[assignment]
    try:
        yield
    finally:
        directives.directive = saved_directive
        roles.role = saved_role


def read_rst_text(scanner: Scanner, text: str, path: Path, offset: int = 0) -> nodes.document:
    """Parse reStructuredText with docutils; ``offset`` lines above it in the file (a
    MyST ``{eval-rst}`` block)."""
    settings = copy.copy(_docutils_settings())
    settings.record_dependencies = DependencyList()  # the files this read includes
    document = utils.new_document(str(path), settings)
    if offset:
        text = "\n" * offset + text
    # what was read before a failure stays; the build reports the rest
    with _DOCUTILS, _lookups(scanner), suppress(Exception):
        Parser().parse(text, document)
    for included in settings.record_dependencies.list:
        scanner.note_include(scanner.relative(included))
    return document


def rst_title_and_sections(document: nodes.document) -> tuple[str, list[str]]:
    """The page title as Sphinx's title collector takes it (the first section's title)
    and the titles of the first top-level section's own sections."""
    first = next(iter(document.findall(nodes.section)), None)
    title = ""
    if first is not None and first.children and isinstance(first[0], nodes.title):
        title = first[0].astext()
    top = next((n for n in document.children if isinstance(n, nodes.section)), None)
    sections: list[str] = []
    if top is not None:
        sections = [
            child[0].astext()
            for child in top.children
            if isinstance(child, nodes.section) and isinstance(child[0], nodes.title)
        ]
    return title, sections
