"""The command line in everyday use: long check output summarised, the Prüfberichte named, paths that open from
where the user stands, --debug anywhere, whole sentences in `toolkit --help`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import make_workspace
from typer.testing import CliRunner
from workbook_edit import filled_cells, generate, set_cells

from toolkit.cli import app, debug_first
from toolkit.collect.layout import plan_workbook

runner = CliRunner()


def _text(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def many_warnings(tmp_path_factory, catalogue) -> Path:
    """A return of the Jugendamt with every number typed as text: a Warnung in each of its input cells."""
    folder = tmp_path_factory.mktemp("viele")
    blank = generate(folder / "blank.xlsx", catalogue, "JUGA", 2025)
    slots = plan_workbook(catalogue, "JUGA", 2025).input_slots()
    return set_cells(blank, folder / "Erhebung_2025_JUGA.xlsx",
                     {(s.sheet, s.cell): f"{100 + n}" for n, s in enumerate(slots)})


def test_many_findings_are_summarised_and_the_pruefbericht_is_named(tmp_path, many_warnings, monkeypatch):
    workspace = make_workspace(tmp_path / "ws")
    (workspace.inbox / many_warnings.name).write_bytes(many_warnings.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "-w", "ws"])
    assert result.exit_code == 0, result.output
    text = _text(result)
    report = Path("ws/outbox/2025/Pruefberichte/Pruefbericht_Erhebung_2025_JUGA.xlsx")
    assert "Befunde (zusammengefasst)" in text and "Zahl als Text" in text
    assert "Erfassung!" in text and " …" in text  # the first cells of a kind, then an ellipsis
    total = int(text.split(" Befunde zusammengefasst.")[0].rsplit(" ", 1)[1])
    assert total > 100 and len(result.output.splitlines()) < 40  # was one table row per finding, 190 of them
    assert text.endswith(f"{total} Befunde zusammengefasst. Jeden einzeln zeigen der Prüfbericht und 'toolkit check "
                         f"--alle'. Prüfbericht (zum Zurücksenden an die Stelle): {report}")
    assert (tmp_path / report).is_file()
    every = runner.invoke(app, ["check", "--alle", "-w", "ws"])
    assert every.exit_code == 0 and "zusammengefasst" not in every.output
    assert len(re.findall(r"│ (?:Fehler|Warnung|Hinweis) +│", every.output.split("Befunde")[1])) == total  # one row per finding


def test_a_few_findings_are_shown_each(tmp_path, catalogue, monkeypatch):
    workspace = make_workspace(tmp_path / "ws")
    blank = generate(tmp_path / "blank.xlsx", catalogue, "WAHL", 2025)
    plan = plan_workbook(catalogue, "WAHL", 2025)
    slot = plan.input_slots()[0]
    set_cells(blank, workspace.inbox / "Erhebung_2025_WAHL.xlsx", {**filled_cells(plan), (slot.sheet, slot.cell): "viele"})
    monkeypatch.chdir(workspace.root)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    text = _text(result)
    assert "Befunde (zusammengefasst)" not in text and "Befunde" in text
    assert len(re.findall(r"│ Fehler +│", result.output.split("Befunde")[1])) == 1 and "„viele“" in text  # the finding with its message
    assert text.endswith(f"Prüfbericht (zum Zurücksenden an die Stelle): "
                         f"{Path('outbox/2025/Pruefberichte/Pruefbericht_Erhebung_2025_WAHL.xlsx')}")


@pytest.mark.parametrize("args", [["log", "--debug"], ["--debug", "log"], ["log", "--indicator", "XYZ-99", "--debug"]])
def test_debug_is_accepted_anywhere(workspace, args):
    """Was: 'Aufruf fehlerhaft: Unbekannte Option --debug.' (exit 2) after the command."""
    result = runner.invoke(app, [*args, "-w", str(workspace.root)])
    assert "Unbekannte Option" not in result.output
    if "--indicator" in args:  # an error shows its technical cause with --debug
        assert result.exit_code == 2 and "Traceback (most recent call last)" in result.output
    else:
        assert result.exit_code == 0 and result.output == "Noch keine Daten übernommen; das Protokoll ist leer.\n"


def test_debug_after_a_double_dash_stays_an_argument():
    assert debug_first(["check", "--debug", "a.xlsx"]) == ["--debug", "check", "a.xlsx"]
    assert debug_first(["check", "--", "--debug"]) == ["check", "--", "--debug"]


def test_the_command_list_shows_whole_sentences():
    """Was: 'init  Einen neuen Arbeitsordner anlegen (toolkit.toml,...'."""
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = result.output.split("Befehle:")[1]
    assert "..." not in commands
    text = " ".join(commands.split())
    for command in app.registered_commands:
        first = " ".join(command.callback.__doc__.split("\n\n")[0].split())
        assert first.endswith(".") and f"{command.name or command.callback.__name__} {first}" in text
