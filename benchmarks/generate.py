"""Synthetic corpus of design documents, in five flavours of the same text.

``designdoc``
    sphinx-designdoc: ``requirement`` / ``decision`` / ``dependency`` directives, links
    as options, one page with a ``dd-matrix`` and a ``dd-table``.
``minimal``
    the build a team has today, the baseline of the goals: the same prose, each object
    an ``admonition`` with a label before it, its links as ``:ref:`` in a sentence of
    its body; no field lists, no matrix page.
``equivalent``
    plain Sphinx with the same visible output as designdoc's objects, by hand: each
    object an ``admonition`` with a label, its status and fields as a field list, its
    links as ``:ref:`` showing ``ID: title``; no matrix page.
``plain``
    ``equivalent``, plus the matrix page written out as static ``list-table`` tables of
    ``:ref:`` links ("equivalent output by hand", views included).  Plain Sphinx cannot
    compute backlinks, so no plain flavour shows them: the baselines are the text an
    author would write, not our output.
``needs``
    sphinx-needs: the same objects as needs (``req``, ``dec``, ``dep``) with the same
    links as ``needs_extra_links``, and ``needtable`` in place of the matrix and table.

Shape (defaults): ``N`` documents, each with 12 requirements, 6 decisions and 4
dependencies = 22 objects, so 100 documents = 2,200 objects and 1,000 documents = 22,000.
Each document is a design document in the shape of ``design-doc-template.md``: a title and
its top-level sections, the objects under Requirements, Design Decisions and Dependencies,
a paragraph of body text per object.

Links, within and across documents (document ``i``, its neighbours ``i-1`` / ``i+1``):

* requirements 3, 7 and 11 refine a requirement of document ``i-1`` (in every document
  but the first, so refinements form chains, not a cycle);
* decision ``j`` addresses requirements ``2j-1`` and ``2j`` of its document, except
  decision 6, which addresses requirement 11 and requirement 12 of document ``i+1``;
* decision 4 is superseded by decision 5 (``supersedes``), so it no longer traces its
  requirements 7 and 8;
* decision ``j`` uses dependency ``(j-1) % 3 + 1``; decision 1 also uses dependency 4 of
  document ``i-1``;
* untraced: requirements 7 and 8 of every document (their decision is superseded), and
  requirement 12 of every fifth document (the cross-document link is left out).

The corpus is deterministic: the same arguments give the same files.

Usage::

    python benchmarks/generate.py OUT_DIR --docs 100 [--flavour designdoc plain needs]
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FLAVOURS = ("designdoc", "minimal", "equivalent", "plain", "needs")
#: flavours without a matrix page: it is what a team has today, or its objects alone
NO_MATRIX = frozenset({"minimal", "equivalent"})

#: Top-level sections of the design-doc template, in order.
TEMPLATE_SECTIONS = (
    "Current Context",
    "Requirements",
    "Design Decisions",
    "Technical Design",
    "Implementation Plan",
    "Observability",
    "Future Considerations",
    "Dependencies",
    "Security Considerations",
    "Rollout Strategy",
    "References",
)

TYPE_LABEL = {"requirement": "Requirement", "decision": "Decision", "dependency": "Dependency"}
NEEDS_TYPE = {"requirement": "req", "decision": "dec", "dependency": "dep"}
#: link option -> incoming name (as in sphinx-designdoc's built-in vocabulary)
LINKS = {
    "addresses": "addressed by",
    "uses": "used by",
    "supersedes": "superseded by",
    "refines": "refined by",
}

_TEXT = (
    "the service keeps latency within budget while the cache absorbs bursts of reads "
    "from clients; writes go through a queue so that a slow store never blocks callers "
    "and every change is recorded with its author, time and reason for later audits"
)
_WORDS = _TEXT.split(" ")


@dataclass
class Obj:
    id: str
    type: str
    title: str
    status: str
    fields: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    body: str = ""


@dataclass
class Corpus:
    docs: int
    requirements: int = 12
    decisions: int = 6
    dependencies: int = 4

    @property
    def width(self) -> int:
        return max(4, len(str(self.docs)))

    @property
    def objects_per_doc(self) -> int:
        return self.requirements + self.decisions + self.dependencies

    @property
    def total(self) -> int:
        return self.docs * self.objects_per_doc

    def docname(self, i: int) -> str:
        return f"doc{i:0{self.width}d}"

    def req_id(self, i: int, k: int) -> str:
        return f"REQ-{i % self.docs:0{self.width}d}-{k:02d}"

    def dec_id(self, i: int, j: int) -> str:
        return f"DEC-{i % self.docs:0{self.width}d}-{j:02d}"

    def dep_id(self, i: int, p: int) -> str:
        return f"DEP-{i % self.docs:0{self.width}d}-{p:02d}"

    # -- the objects of one document -------------------------------------------

    def objects(self, i: int) -> tuple[list[Obj], list[Obj], list[Obj]]:
        n, nr, nd, np_ = self.docs, self.requirements, self.decisions, self.dependencies
        reqs = []
        for k in range(1, nr + 1):
            non_functional = k > nr * 2 // 3
            fields = {
                "kind": "non-functional" if non_functional else "functional",
                "priority": ("must", "should", "could")[k % 3],
            }
            if non_functional:
                fields["category"] = ("performance", "security", "observability")[k % 3]
            links = {}
            if k % 4 == 3 and i > 0:  # the first document refines none: no cycle
                links["refines"] = [self.req_id(i - 1, k)]
            reqs.append(
                Obj(
                    self.req_id(i, k),
                    "requirement",
                    f"Component {i} requirement {k}: handle case {k} of the workload",
                    "approved",
                    fields,
                    links,
                    _body(i * 131 + k),
                )
            )
        deps = []
        for p in range(1, np_ + 1):
            deps.append(
                Obj(
                    self.dep_id(i, p),
                    "dependency",
                    f"Library {p} of component {i}",
                    "approved",
                    {
                        "scope": "runtime" if p % 2 else "development",
                        "package": f"lib{p}-component{i}",
                        "version": f">={p}.0,<{p + 1}",
                        "license": "MIT",
                    },
                    {},
                    _body(i * 137 + 50 + p),
                )
            )
        decs = []
        for j in range(1, nd + 1):
            links: dict[str, list[str]] = {}
            addressed = [2 * j - 1, 2 * j]
            if j == nd:
                links["addresses"] = [self.req_id(i, k) for k in addressed[:1] if k <= nr]
                if (i + 1) % n % 5 != 0:
                    links["addresses"].append(self.req_id(i + 1, min(2 * j, nr)))
            else:
                links["addresses"] = [self.req_id(i, k) for k in addressed if k <= nr]
            uses = [self.dep_id(i, (j - 1) % min(3, np_) + 1)] if np_ else []
            if j == 1 and np_ >= 4 and n > 1:
                uses.append(self.dep_id(i - 1, 4))
            if uses:
                links["uses"] = uses
            status = "accepted"
            if j == 4 and nd >= 5:
                status = "superseded"
            if j == 5:
                links["supersedes"] = [self.dec_id(i, 4)]
            links = {k: v for k, v in links.items() if v}
            decs.append(
                Obj(
                    self.dec_id(i, j),
                    "decision",
                    f"Component {i} decision {j}: choose approach {j}",
                    status,
                    {
                        "date": f"2024-{(j % 12) + 1:02d}-{(i % 28) + 1:02d}",
                        "deciders": "architecture board",
                        "alternatives": f"approach {j + 1}; do nothing",
                    },
                    links,
                    _body(i * 139 + 100 + j),
                )
            )
        return reqs, decs, deps

    def all_objects(self) -> list[Obj]:
        out: list[Obj] = []
        for i in range(self.docs):
            for group in self.objects(i):
                out.extend(group)
        return out


def _body(seed: int) -> str:
    """A deterministic paragraph of about 40 words."""
    words = [_WORDS[(seed * 7 + n * 3) % len(_WORDS)] for n in range(40)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


# -- rendering -----------------------------------------------------------------


def _heading(text: str, char: str, overline: bool = False) -> list[str]:
    bar = char * len(text)
    return [bar, text, bar, ""] if overline else [text, bar, ""]


def _indent(lines: Iterable[str], by: str = "   ") -> list[str]:
    return [by + line if line else "" for line in lines]


def _designdoc_object(obj: Obj) -> list[str]:
    lines = [f".. {obj.type}:: {obj.title}", f"   :id: {obj.id}", f"   :status: {obj.status}"]
    for name, value in obj.fields.items():
        lines.append(f"   :{name}: {value}")
    for name, targets in obj.links.items():
        lines.append(f"   :{name}: {', '.join(targets)}")
    return [*lines, "", *_indent([obj.body]), ""]


def _needs_object(obj: Obj) -> list[str]:
    lines = [
        f".. {NEEDS_TYPE[obj.type]}:: {obj.title}",
        f"   :id: {obj.id}",
        f"   :status: {obj.status}",
    ]
    for name, value in obj.fields.items():
        lines.append(f"   :{name}: {value}")
    for name, targets in obj.links.items():
        lines.append(f"   :{name}: {', '.join(targets)}")
    return [*lines, "", *_indent([obj.body]), ""]


def _plain_ref(target: str, titles: dict[str, str]) -> str:
    return f":ref:`{target}: {_escape(titles[target])} <{target}>`"


def _escape(text: str) -> str:
    return text.replace("<", r"\<").replace("`", r"\`")


def _plain_object(obj: Obj, titles: dict[str, str]) -> list[str]:
    lines = [
        f".. _{obj.id}:",
        "",
        f".. admonition:: {TYPE_LABEL[obj.type]} {obj.id}: {obj.title}",
        f"   :class: dd-object dd-type-{obj.type}",
        "",
        f"   :Status: {obj.status}",
    ]
    for name, value in obj.fields.items():
        lines.append(f"   :{name.capitalize()}: {value}")
    for name, targets in obj.links.items():
        lines.append(
            f"   :{name.capitalize()}: " + ", ".join(_plain_ref(t, titles) for t in targets)
        )
    return [*lines, "", *_indent([obj.body]), ""]


def _minimal_object(obj: Obj, titles: dict[str, str]) -> list[str]:
    """An object as a team writes it without any tool: a label, an admonition with the
    ID and title, the prose, and its links in a sentence."""
    lines = [f".. _{obj.id}:", "", f".. admonition:: {obj.id}: {obj.title}", ""]
    body = obj.body
    for name, targets in obj.links.items():
        # a label before an admonition needs the link's text: ":ref:`ID <ID>`"
        body += f" {name.capitalize()} " + ", ".join(f":ref:`{t} <{t}>`" for t in targets) + "."
    return [*lines, *_indent([body]), ""]


def render_doc(corpus: Corpus, i: int, flavour: str, titles: dict[str, str]) -> str:
    reqs, decs, deps = corpus.objects(i)
    render = {
        "designdoc": _designdoc_object,
        "needs": _needs_object,
        "plain": lambda o: _plain_object(o, titles),
        "equivalent": lambda o: _plain_object(o, titles),
        "minimal": lambda o: _minimal_object(o, titles),
    }[flavour]
    nfunc = corpus.requirements * 2 // 3
    lines = _heading(f"Component {i} Design Document", "=", overline=True)
    for section in TEMPLATE_SECTIONS:
        lines += _heading(section, "=")
        if section == "Requirements":
            lines += _heading("Functional Requirements", "-")
            for obj in reqs[:nfunc]:
                lines += render(obj)
            lines += _heading("Non-Functional Requirements", "-")
            for obj in reqs[nfunc:]:
                lines += render(obj)
        elif section == "Design Decisions":
            for obj in decs:
                lines += render(obj)
        elif section == "Dependencies":
            lines += _heading("Runtime Dependencies", "-")
            for obj in deps:
                lines += render(obj)
        else:
            lines += [_body(i * 11 + len(section)), ""]
    return "\n".join(lines).rstrip() + "\n"


MATRIX_DOC = "traceability"


def render_matrix_page(corpus: Corpus, flavour: str, objs: Sequence[Obj]) -> str:
    lines = _heading("Traceability", "=", overline=True)
    lines += ["Requirements against the decisions that address them, and the dependencies.", ""]
    if flavour == "designdoc":
        lines += _heading("Matrix", "=")
        lines += [
            ".. dd-matrix::",
            "   :rows: requirement",
            "   :columns: decision",
            "   :link: addresses",
            "",
        ]
        lines += _heading("Dependencies", "=")
        lines += [
            ".. dd-table::",
            "   :type: dependency",
            "   :columns: id, title, status, scope, version, used by",
            "",
        ]
    elif flavour == "needs":
        lines += _heading("Matrix", "=")
        lines += [
            ".. needtable::",
            "   :types: req",
            "   :columns: id;title;addresses_back",
            "   :style: table",
            "   :sort: id",
            "",
        ]
        lines += _heading("Dependencies", "=")
        lines += [
            ".. needtable::",
            "   :types: dep",
            "   :columns: id;title;status;scope;version;uses_back",
            "   :style: table",
            "   :sort: id",
            "",
        ]
    else:
        titles = {o.id: o.title for o in objs}
        addressed_by: dict[str, list[str]] = {}
        used_by: dict[str, list[str]] = {}
        for o in objs:
            for t in o.links.get("addresses", ()):
                addressed_by.setdefault(t, []).append(o.id)
            for t in o.links.get("uses", ()):
                used_by.setdefault(t, []).append(o.id)
        reqs = sorted((o for o in objs if o.type == "requirement"), key=lambda o: o.id)
        deps = sorted((o for o in objs if o.type == "dependency"), key=lambda o: o.id)
        traced = sum(1 for r in reqs if r.id in addressed_by)
        lines += _heading("Matrix", "=")
        lines += [f"{traced} of {len(reqs)} traced ({100.0 * traced / len(reqs):.1f}%)", ""]
        lines += [
            ".. list-table::",
            "   :header-rows: 1",
            "",
            "   * - Requirement",
            "     - Decisions",
        ]
        for r in reqs:
            lines.append(f"   * - {_plain_ref(r.id, titles)}")
            decs = ", ".join(_plain_ref(d, titles) for d in sorted(addressed_by.get(r.id, [])))
            lines.append(f"     - {decs or 'untraced'}")
        lines += ["", *_heading("Dependencies", "=")]
        lines += [".. list-table::", "   :header-rows: 1", ""]
        lines += [
            "   * - ID",
            "     - Title",
            "     - Status",
            "     - Scope",
            "     - Version",
            "     - Used by",
        ]
        for d in deps:
            lines.append(f"   * - {_plain_ref(d.id, titles)}")
            lines.append(f"     - {d.title}")
            lines.append(f"     - {d.status}")
            lines.append(f"     - {d.fields['scope']}")
            lines.append(f"     - ``{d.fields['version']}``")
            users = ", ".join(_plain_ref(u, titles) for u in sorted(used_by.get(d.id, [])))
            lines.append(f"     - {users}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_conf(flavour: str, corpus: Corpus) -> str:
    lines = [
        f'project = "Benchmark corpus ({flavour}, {corpus.total} objects)"',
        'html_theme = "alabaster"',
        # the default sidebar's global toctree lists every section of every page on
        # every page: quadratic in the number of documents for all flavours alike
        "html_sidebars = {'**': ['localtoc.html', 'relations.html', 'searchbox.html']}",
        "suppress_warnings = ['designdoc.untraced', 'designdoc.unused']",
    ]
    if flavour == "designdoc":
        lines.insert(0, 'extensions = ["sphinx_designdoc"]')
    elif flavour in ("plain", "minimal", "equivalent"):
        lines.insert(0, "extensions = []")
    else:
        lines.insert(0, 'extensions = ["sphinx_needs"]')
        lines += [
            "needs_types = [",
            '    {"directive": "req", "title": "Requirement", "prefix": "REQ-",'
            ' "color": "#BFD8D2", "style": "node"},',
            '    {"directive": "dec", "title": "Decision", "prefix": "DEC-",'
            ' "color": "#FEDCD2", "style": "node"},',
            '    {"directive": "dep", "title": "Dependency", "prefix": "DEP-",'
            ' "color": "#DF744A", "style": "node"},',
            "]",
            "needs_fields = {"
            + ", ".join(
                f"{n!r}: {{'nullable': True}}"
                for n in (
                    "kind",
                    "priority",
                    "category",
                    "date",
                    "deciders",
                    "alternatives",
                    "scope",
                    "package",
                    "version",
                    "license",
                )
            )
            + "}",
            "needs_links = {",
            *(
                f'    "{opt}": {{"incoming": "{inc}", "outgoing": "{opt}"}},'
                for opt, inc in LINKS.items()
            ),
            "}",
            'needs_id_regex = r"^[A-Za-z][A-Za-z0-9_.:-]*$"',
            "needs_build_json = False",
        ]
    return "\n".join(lines) + "\n"


def render_index(corpus: Corpus, with_matrix: bool) -> str:
    lines = _heading("Benchmark corpus", "=", overline=True)
    lines += [".. toctree::", "   :maxdepth: 1", ""]
    if with_matrix:
        lines.append(f"   {MATRIX_DOC}")
    lines += [f"   {corpus.docname(i)}" for i in range(corpus.docs)]
    return "\n".join(lines) + "\n"


def generate(
    out: Path,
    corpus: Corpus,
    flavours: Sequence[str] = FLAVOURS,
    with_matrix: bool = True,
) -> dict[str, Path]:
    """Write one Sphinx project per flavour under ``out/<flavour>``; return their paths."""
    objs = corpus.all_objects()
    titles = {o.id: o.title for o in objs}
    result: dict[str, Path] = {}
    for flavour in flavours:
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown flavour {flavour!r} (expected one of {FLAVOURS})")
        root = out / flavour
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        matrix = with_matrix and flavour not in NO_MATRIX
        (root / "conf.py").write_text(render_conf(flavour, corpus), encoding="utf-8")
        (root / "index.rst").write_text(render_index(corpus, matrix), encoding="utf-8")
        if matrix:
            (root / f"{MATRIX_DOC}.rst").write_text(
                render_matrix_page(corpus, flavour, objs), encoding="utf-8"
            )
        for i in range(corpus.docs):
            (root / f"{corpus.docname(i)}.rst").write_text(
                render_doc(corpus, i, flavour, titles), encoding="utf-8"
            )
        result[flavour] = root
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (one subfolder per flavour)")
    parser.add_argument("--docs", type=int, default=100, help="design documents (default 100)")
    parser.add_argument("--requirements", type=int, default=12)
    parser.add_argument("--decisions", type=int, default=6)
    parser.add_argument("--dependencies", type=int, default=4)
    parser.add_argument("--flavour", nargs="+", default=list(FLAVOURS), choices=FLAVOURS)
    parser.add_argument("--no-matrix", action="store_true", help="leave out the matrix/table page")
    args = parser.parse_args(argv)
    corpus = Corpus(args.docs, args.requirements, args.decisions, args.dependencies)
    paths = generate(args.out, corpus, args.flavour, with_matrix=not args.no_matrix)
    for flavour, path in paths.items():
        print(f"{flavour}: {path} ({corpus.docs} documents, {corpus.total} objects)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
