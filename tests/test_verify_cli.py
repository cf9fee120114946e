"""``kantong forms`` and ``kantong verify`` on the command line (once the CLI has them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_verify_helpers import fill_form, form_ids, make_run
from typer.testing import CliRunner

from kantong.cli import build_app

pytestmark = pytest.mark.slow


def _commands() -> set[str]:
    app = build_app()
    return {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}


@pytest.fixture(scope="module")
def cli_run(shared_city, tmp_path_factory) -> Path:
    if not {"forms", "verify"} <= _commands():
        pytest.skip("kantong forms / kantong verify are not wired into the CLI yet")
    return make_run(shared_city, tmp_path_factory.mktemp("verify_cli"), hostile_names=False)


def test_forms_then_verify(cli_run, tmp_path):
    runner = CliRunner()
    res = runner.invoke(build_app(), ["forms", str(cli_run), "--out", str(tmp_path / "forms"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    book = max((p for p in (tmp_path / "forms").glob("*.xlsx") if p.name != "kantong_verifikasi.xlsx"), key=lambda p: len(form_ids(p)))
    ids = form_ids(book)[:12]
    filled = fill_form(book, tmp_path / "kembali.xlsx", lambda i: {"finding": "ditemukan"} if i in ids else None)
    res = runner.invoke(build_app(), ["verify", str(cli_run), str(filled), str(tmp_path / "nope.csv"), "--out", str(tmp_path / "v")])
    assert res.exit_code == 0, res.output
    assert "12 keluarga diperiksa" in res.output and "nope.csv" in res.output
    assert (tmp_path / "v" / "internal" / "households_verified.csv").exists()
    res = runner.invoke(build_app(), ["verify", str(cli_run), str(filled), "--out", str(cli_run)])
    assert res.exit_code == 2 and "Traceback" not in res.output
