"""One contract over all commands: German help with an example, exit 3 for a missing working folder,
exit 2 for wrong usage, and no traceback unless --debug."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from toolkit.cli import app, main

runner = CliRunner()
COMMANDS = ["init", "upgrade", "distribute", "check", "merge", "status", "compile", "import", "log", "withdraw",
            "export", "demo"]


def test_root_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_german_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Beispiel: toolkit " in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["distribute", "--year", "2025"],
        ["check"],
        ["merge"],
        ["status", "--year", "2025"],
        ["compile", "--year", "2025"],
        ["log"],
        ["withdraw", "1", "--reason", "Test"],
        ["export", "--year", "2025"],
    ],
)
def test_missing_working_folder_gives_exit_3_and_a_german_message(tmp_path, args):
    missing = tmp_path / "gibt-es-nicht"
    result = runner.invoke(app, [*args, "-w", str(missing)])
    assert result.exit_code == 3, result.output
    assert "existiert nicht" in result.output
    assert "Traceback" not in result.output


def test_folder_without_catalogue_gives_exit_3(tmp_path):
    result = runner.invoke(app, ["check", "-w", str(tmp_path)])
    assert result.exit_code == 3
    assert "Indikatorenkatalog" in result.output


def test_import_of_missing_file_gives_exit_3(workspace, tmp_path):
    result = runner.invoke(app, ["import", str(tmp_path / "fehlt.csv"), "-w", str(workspace.root)])
    assert result.exit_code == 3, result.output
    assert "fehlt.csv" in result.output


def test_usage_errors_give_exit_2():
    assert main(["gibtsnicht"]) == 2
    assert main(["status", "--year", "zwanzig"]) == 2
    assert main(["check", "--format", "xml"]) == 2


def test_broken_catalogue_names_sheet_row_and_column(workspace):
    from openpyxl import load_workbook

    book = load_workbook(workspace.catalogue_file)
    book["Indikatoren"]["N2"] = "XYZ"  # Zuständige Stelle of DEM-01
    book.save(workspace.catalogue_file)
    result = runner.invoke(app, ["check", "-w", str(workspace.root)])
    assert result.exit_code == 3
    assert "Blatt Indikatoren, Zeile 2" in result.output
    assert "XYZ" in result.output


def test_init_makes_a_working_folder_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "neu"
    first = runner.invoke(app, ["init", str(target)])
    assert first.exit_code == 0, first.output
    for name in ("toolkit.toml", "templates/Indikatorenmatrix.xlsx", "templates/Bericht.docx"):
        assert (target / name).is_file(), name
    for folder in ("inbox", "outbox", "archive", "data"):
        assert (target / folder).is_dir()
    before = (target / "toolkit.toml").read_bytes()
    second = runner.invoke(app, ["init", str(target)])
    assert second.exit_code == 3
    assert "nicht leer" in second.output
    assert (target / "toolkit.toml").read_bytes() == before


def test_broken_settings_file_is_named(workspace):
    workspace.settings_file.write_text("[mail]\nsmtp_port = 'abc'\n", encoding="utf-8")
    result = runner.invoke(app, ["distribute", "--year", "2025", "-w", str(workspace.root), "--dry-run"])
    assert result.exit_code == 3
    assert "toolkit.toml" in result.output and "smtp_port" in result.output


def test_unexpected_error_shows_no_traceback_without_debug(monkeypatch, workspace):
    import toolkit.cli as cli_module

    def boom(*args, **kwargs):
        raise RuntimeError("geheime Abteilungsdaten 4711")

    monkeypatch.setattr(cli_module, "open_workspace", boom)
    quiet = runner.invoke(app, ["log", "-w", str(workspace.root)])
    assert quiet.exit_code == 4
    assert "Traceback" not in quiet.output and "4711" not in quiet.output
    assert "--debug" in quiet.output
    loud = runner.invoke(app, ["--debug", "log", "-w", str(workspace.root)])
    assert loud.exit_code == 4
    assert "Traceback" in loud.output


ENGLISH = ("Usage:", "Options:", "Arguments:", "Commands:", "Show this message", "required]", "Error:",
           "No such", "Missing", "Invalid value", "Input should", "Try '")


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_pages_are_german(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Aufruf: toolkit" in result.output and "Diese Hilfe zeigen und beenden." in result.output
    assert not [word for word in ENGLISH if word in result.output]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["gibtsnicht"], "Unbekannter Befehl „gibtsnicht“"),
        (["status"], "Pflichtangabe fehlt: '--year'"),
        (["status", "--year", "zwanzig"], "bitte eine ganze Zahl angeben"),
        (["status", "--year", "1800"], "die Zahl muss mindestens 1990 sein"),
        (["import"], "Argument fehlt: DATEI"),
        (["check", "--nope"], "Unbekannte Option --nope"),
    ],
)
def test_usage_errors_are_german_with_exit_2(args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Hilfe: toolkit " in result.output
    assert not [word for word in ENGLISH if word in result.output]


def test_result_lines_are_plain_text_and_never_broken(monkeypatch, capsys):
    """Office texts may hold [brackets]; long paths must stay on one line to be copied."""
    import toolkit.cli as cli_module

    long_path = "/sehr/langer/pfad/" + "unterordner/" * 12 + "Integrationsbericht_2025.docx"
    cli_module._print_lines([f"Bericht: {long_path}", "Bemerkung: [bold]vorläufig[/bold]"])
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"Bericht: {long_path}"
    assert printed[1] == "Bemerkung: [bold]vorläufig[/bold]"


def test_check_of_an_empty_inbox_says_where_returns_go(workspace):
    result = runner.invoke(app, ["check", "-w", str(workspace.root)])
    assert result.exit_code == 0
    assert "inbox/ ist leer" in " ".join(result.output.split())
