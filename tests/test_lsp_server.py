"""``designdoc lsp`` driven as an editor drives it: a real client over stdio (pytest-lsp)
starts the server, opens pages of a project that was never built, in RST and MyST,
edits them and asks what an editor asks."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the lsp extra (pygls) is not installed")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

pytestmark = pytest.mark.verifies("REQ-EDITOR")

ROOTS = Path(__file__).parent / "roots"
#: one cache folder for the servers of this module, away from the user's
CACHE = tempfile.mkdtemp(prefix="designdoc-lsp-cache-")

CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "sphinx_designdoc", "lsp"],
    server_env={"XDG_CACHE_HOME": CACHE, "PYTHONPATH": str(Path(__file__).parents[1])},
)

SYNTAX = {
    "rst": ("test-basic", "decisions.rst", "index.rst"),
    "myst": ("test-basic-myst", "decisions.md", "index.md"),
}


@pytest.fixture(params=sorted(SYNTAX))
def project(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    root, _, _ = SYNTAX[request.param]
    target = tmp_path / "docs"
    shutil.copytree(ROOTS / root, target)
    return request.param, target


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, project: tuple[str, Path]):
    _, folder = project
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=folder.parent.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=folder.parent.as_uri(), name="ws")],
    )
    await lsp_client.initialize_session(params)
    await _indexed(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def _indexed(client: LanguageClient) -> None:
    """Wait until the server says the workspace is read."""
    for _ in range(600):
        if any("objects indexed" in m.message for m in client.log_messages):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never indexed: {[m.message for m in client.log_messages]}")


def _open(client: LanguageClient, path: Path, language: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=path.read_text(encoding="utf-8")
            )
        )
    )
    return uri


async def _diagnostics(client: LanguageClient, uri: str, want: bool, code: str) -> list:
    """The page's diagnostics once ``code`` is among them (``want``) or not."""
    for _ in range(200):
        found = client.diagnostics.get(uri)
        if found is not None and any(d.code == code for d in found) == want:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"diagnostics of {uri}: {client.diagnostics.get(uri)}")


def _replace(
    client: LanguageClient, uri: str, version: int, line: int, old: str, new: str, text: str
) -> str:
    """Edit one line as an editor does (an incremental change); the new text."""
    lines = text.split("\n")
    start = lines[line].index(old)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        types.Position(line, start), types.Position(line, start + len(old))
                    ),
                    text=new,
                )
            ],
        )
    )
    lines[line] = lines[line][:start] + new + lines[line][start + len(old) :]
    return "\n".join(lines)


def _language(syntax: str) -> str:
    return "restructuredtext" if syntax == "rst" else "markdown"


@pytest.mark.asyncio
async def test_a_dangling_id_typed_then_fixed(client: LanguageClient, project) -> None:
    syntax, folder = project
    path = folder / SYNTAX[syntax][1]
    uri = _open(client, path, _language(syntax))
    text = path.read_text(encoding="utf-8")
    clean = await _diagnostics(client, uri, False, "designdoc.dangling")
    assert not [d for d in clean if d.code == "designdoc.dangling"]
    # line 8 (0-based 7): ":uses: DEP-1" in both syntaxes
    text = _replace(client, uri, 2, 7, "DEP-1", "DEP-9", text)
    found = await _diagnostics(client, uri, True, "designdoc.dangling")
    dangling = [d for d in found if d.code == "designdoc.dangling"]
    assert len(dangling) == 1
    assert "DEP-9" in dangling[0].message
    assert dangling[0].range.start.line == 7
    # the range is the ID itself
    line = text.split("\n")[7]
    assert line[dangling[0].range.start.character : dangling[0].range.end.character] == "DEP-9"
    # the build's did-you-mean (difflib: of two as close, the greater)
    assert "did you mean 'DEP-2'" in dangling[0].message
    _replace(client, uri, 3, 7, "DEP-9", "DEP-2", text)
    await _diagnostics(client, uri, False, "designdoc.dangling")


@pytest.mark.asyncio
async def test_an_unknown_status_with_the_builds_did_you_mean(
    client: LanguageClient, project
) -> None:
    syntax, folder = project
    path = folder / SYNTAX[syntax][1]
    uri = _open(client, path, _language(syntax))
    text = path.read_text(encoding="utf-8")
    _replace(client, uri, 2, 5, "accepted", "acepted", text)
    found = await _diagnostics(client, uri, True, "designdoc.invalid")
    invalid = [d for d in found if d.code == "designdoc.invalid"]
    assert invalid[0].range.start.line == 5
    assert "unknown status 'acepted'" in invalid[0].message
    assert "did you mean 'accepted'" in invalid[0].message


@pytest.mark.asyncio
async def test_hover_definition_references(client: LanguageClient, project) -> None:
    syntax, folder = project
    decisions = folder / SYNTAX[syntax][1]
    uri = _open(client, decisions, _language(syntax))
    # REQ-1 in ":addresses: REQ-1 REQ-2" (line 7, 0-based 6)
    line = decisions.read_text(encoding="utf-8").split("\n")[6]
    at = types.Position(6, line.index("REQ-1") + 2)
    doc = types.TextDocumentIdentifier(uri=uri)

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc, position=at)
    )
    assert hover is not None
    text = hover.contents.value
    assert "**REQ-1**" in text and "Accept card payments" in text
    assert "requirement" in text and "proposed" in text
    assert "- addressed by: DEC-0, DEC-1\n- refined by: REQ-2" in text
    assert text.endswith("traced")

    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc, position=at)
    )
    assert definition and definition[0].uri.endswith(SYNTAX[syntax][2])
    index_lines = (folder / SYNTAX[syntax][2]).read_text(encoding="utf-8").split("\n")
    target = definition[0].range
    assert index_lines[target.start.line][target.start.character : target.end.character] == "REQ-1"

    refs = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True), text_document=doc, position=at
        )
    )
    places = sorted(
        (Path(r.uri).name if "://" not in r.uri else r.uri.rsplit("/", 1)[1], r.range.start.line)
        for r in refs
    )
    # declared in the index page, addressed by DEC-1 and DEC-0, named by a role there
    names = [name for name, _ in places]
    assert names.count(SYNTAX[syntax][1]) == 2
    assert names.count(SYNTAX[syntax][2]) >= 2


@pytest.mark.asyncio
async def test_completion_offers_ids_options_and_statuses(client: LanguageClient, project) -> None:
    syntax, folder = project
    decisions = folder / SYNTAX[syntax][1]
    uri = _open(client, decisions, _language(syntax))
    doc = types.TextDocumentIdentifier(uri=uri)
    text = decisions.read_text(encoding="utf-8")

    # in ":uses: " as the ID is typed: IDs, the link's target type (dependency) first
    text = _replace(client, uri, 2, 7, "DEP-1", "", text)
    at = types.Position(7, len(text.split("\n")[7]))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=at)
    )
    labels = [i.label for i in sorted(result.items, key=lambda i: i.sort_text or i.label)]
    assert labels[:2] == ["DEP-1", "DEP-2"]
    assert "REQ-1" in labels
    first = next(i for i in result.items if i.label == "DEP-1")
    assert first.detail == "dependency · proposed" and first.documentation == "stripe"
    text = _replace(client, uri, 3, 7, ":uses: ", ":uses: re", text)
    at = types.Position(7, len(text.split("\n")[7]))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=at)
    )
    assert sorted(i.label for i in result.items) == ["REQ-1", "REQ-2", "REQ-3"]

    # an option name: those of a decision not written yet
    text = _replace(client, uri, 5, 9, ":date: 2026-01-20", ":d", text)
    at = types.Position(9, len(text.split("\n")[9]))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=at)
    )
    assert {i.label for i in result.items} == {"date"}

    # a status value
    text = _replace(client, uri, 6, 5, "accepted", "", text)
    at = types.Position(5, len(text.split("\n")[5]))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=at)
    )
    assert {"proposed", "accepted", "rejected", "superseded"} <= {i.label for i in result.items}


@pytest.mark.asyncio
async def test_rename_an_id_everywhere(client: LanguageClient, project) -> None:
    syntax, folder = project
    decisions = folder / SYNTAX[syntax][1]
    uri = _open(client, decisions, _language(syntax))
    line = decisions.read_text(encoding="utf-8").split("\n")[6]
    at = types.Position(6, line.index("REQ-1") + 1)
    doc = types.TextDocumentIdentifier(uri=uri)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc, position=at)
    )
    assert prepared is not None and prepared.placeholder == "REQ-1"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc, position=at, new_name="REQ-100")
    )
    assert edit is not None and edit.changes
    files = {uri.rsplit("/", 1)[1]: edits for uri, edits in edit.changes.items()}
    assert len(files[SYNTAX[syntax][1]]) == 2  # DEC-1's and DEC-0's :addresses:
    assert len(files[SYNTAX[syntax][2]]) >= 2  # the :id: and the role
    assert all(e.new_text == "REQ-100" for edits in files.values() for e in edits)

    with pytest.raises(Exception, match="designdoc_id_regex"):
        await client.text_document_rename_async(
            types.RenameParams(text_document=doc, position=at, new_name="not an id")
        )


@pytest.mark.asyncio
async def test_outline_and_workspace_symbols(client: LanguageClient, project) -> None:
    syntax, folder = project
    uri = _open(client, folder / SYNTAX[syntax][1], _language(syntax))
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri=uri))
    )
    assert [s.name for s in symbols] == ["DEC-1", "DEC-0", "DEC-2", "DEP-1", "DEP-2"]
    assert symbols[0].detail == "decision: Use the Stripe API"
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="card"))
    assert [s.name for s in found] == ["REQ-1"]
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="dep-"))
    assert [s.name for s in found] == ["DEP-1", "DEP-2"]


@pytest.mark.asyncio
async def test_files_that_are_no_pages_are_ignored(client: LanguageClient, project) -> None:
    syntax, folder = project
    binary = folder / f"broken.{'rst' if syntax == 'rst' else 'md'}"
    binary.write_bytes(b"\xff\xfe\x00 not utf-8 \x80\x81")
    other = folder / "notes.txt"
    other.write_text("REQ-1 in a text file", encoding="utf-8")
    for path in (binary, other):
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=path.as_uri(),
                    language_id="plaintext",
                    version=1,
                    text=path.read_bytes().decode("utf-8", errors="replace"),
                )
            )
        )
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                position=types.Position(0, 1),
            )
        )
        assert hover is None
    # and the server still answers for the pages
    uri = _open(client, folder / SYNTAX[syntax][1], _language(syntax))
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols


async def _until(check, what: str) -> None:
    for _ in range(200):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(what)


@pytest.mark.asyncio
async def test_files_changed_on_disk_and_conf_py(client: LanguageClient, project) -> None:
    """A page written by another tool, and a conf.py that gains a type, are read again
    when the editor says they changed."""
    syntax, folder = project
    other = folder / SYNTAX[syntax][2]
    text = other.read_text(encoding="utf-8")
    if syntax == "rst":
        text += "\n.. requirement:: Written elsewhere\n   :id: REQ-DISK\n"
    else:
        text += "\n```{requirement} Written elsewhere\n:id: REQ-DISK\n```\n"
    other.write_text(text, encoding="utf-8")
    conf = folder / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + '\ndesigndoc_types = {"risk": {"statuses": ["open"]}}\n',
        encoding="utf-8",
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=other.as_uri(), type=types.FileChangeType.Changed),
                types.FileEvent(uri=conf.as_uri(), type=types.FileChangeType.Changed),
            ]
        )
    )

    async def found_disk() -> bool:
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="REQ-DISK"))
        return [s.name for s in found or ()] == ["REQ-DISK"]

    await _until(found_disk, "the page changed on disk was not read again")
    page = folder / ("risks.rst" if syntax == "rst" else "risks.md")
    page.write_text(
        ".. risk:: Lock-in\n   :id: RISK-1\n"
        if syntax == "rst"
        else "```{risk} Lock-in\n:id: RISK-1\n```\n",
        encoding="utf-8",
    )
    uri = _open(client, page, _language(syntax))

    async def found_risk() -> bool:
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri=uri))
        )
        return [s.name for s in symbols or ()] == ["RISK-1"]

    await _until(found_risk, "conf.py's new type was not read")


@pytest.mark.asyncio
async def test_positions_are_in_the_editors_units(client: LanguageClient, project) -> None:
    """Columns count UTF-16 units, as the editor counts them: after two emoji (two
    units each) the ID is where the editor says it is."""
    syntax, folder = project
    path = folder / SYNTAX[syntax][1]
    uri = _open(client, path, _language(syntax))
    role = ":dd:ref:`REQ-2`" if syntax == "rst" else "{dd:ref}`REQ-2`"
    text = _replace(client, uri, 2, 12, "Stripe", f"😀😀 {role}", path.read_text(encoding="utf-8"))
    line = text.split("\n")[12]
    units = len(line[: line.index("REQ-2")].encode("utf-16-le")) // 2
    doc = types.TextDocumentIdentifier(uri=uri)

    async def hovered() -> bool:
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=types.Position(12, units + 1))
        )
        if hover is None or "**REQ-2**" not in hover.contents.value:
            return False
        assert hover.range is not None
        assert (hover.range.start.character, hover.range.end.character) == (units, units + 5)
        return True

    await _until(hovered, "no hover on the ID after the emoji")


@pytest.mark.asyncio
async def test_quick_edits_of_a_large_page_end_in_its_last_state(
    client: LanguageClient, project
) -> None:
    """Edits of a page slow to read are read once they pause: the diagnostics are
    those of the last edit."""
    syntax, folder = project
    path = folder / SYNTAX[syntax][1]
    extra = "".join(
        f"\n.. requirement:: Filler {n}\n   :id: FILL-{n}\n"
        if syntax == "rst"
        else f"\n```{{requirement}} Filler {n}\n:id: FILL-{n}\n```\n"
        for n in range(1500)
    )
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    uri = _open(client, path, _language(syntax))
    text = path.read_text(encoding="utf-8")
    await _diagnostics(client, uri, False, "designdoc.dangling")
    current = "DEP-1"
    for version in range(2, 8):
        text = _replace(client, uri, version, 7, current, f"DEP-X{version}", text)
        current = f"DEP-X{version}"

    async def last() -> bool:
        found = client.diagnostics.get(uri) or []
        return any("'DEP-X7'" in d.message for d in found) and not any(
            "'DEP-X6'" in d.message for d in found
        )

    await _until(last, "the diagnostics are not those of the last edit")
