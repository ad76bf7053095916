"""What the command-line test modules share: running ``designdoc`` in this process and
reading its one-line errors.  Their fixtures (``data``, ``plain_cli``) are conftest's."""

from __future__ import annotations

import pytest

from sphinx_designdoc.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
