"""Seams between the library and what a user sees (issue #10, point 5).

Office text is shown literally everywhere (never read as rich markup, never a formula in a workbook); a
failed reminder mail ends with exit 6; `toolkit log` reads through a library function; the CLI library's
usage errors and help pages are German; file names are never cut in the tables; a failing LibreOffice
ends with exit 3 and a German message.
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixtures import make_report_workspace
from rich.console import Console
from test_mail import Recorder, free_port, smtp_toml
from test_status import _round
from typer.testing import CliRunner
from workbook_edit import filled_cells, generate, set_cells

import toolkit.cli as cli_module
from toolkit.cli import app
from toolkit.collect.layout import plan_workbook
from toolkit.console.progress_bar import RichProgress
from toolkit.console.render import print_reports_table
from toolkit.core.keys import ObservationKey
from toolkit.core.problems import FileReport, Problem
from toolkit.core.store import Store

runner = CliRunner()
MARKUP = "[/x] k.A."
LINK = '=HYPERLINK("http://evil.example","klick")'
E = "Erfassung"


@pytest.fixture
def wide(monkeypatch):
    """The CLI's consoles wide enough that no table cell is folded, so texts can be found in one piece."""
    monkeypatch.setattr(cli_module, "out", Console(highlight=False, width=250))
    monkeypatch.setattr(cli_module, "err", Console(stderr=True, highlight=False, width=250))


def _return(workspace, catalogue, tmp_path, changes, name="Erhebung_2025_JUGA.xlsx", office="JUGA") -> Path:
    base = generate(tmp_path / f"base_{office}.xlsx", catalogue, office, 2025)
    cells = {**filled_cells(plan_workbook(catalogue, office, 2025)), **changes}
    return set_cells(base, workspace.inbox / name, cells)


def _flat(text: str) -> str:
    return " ".join(text.split())


# ---- 1. office text is never markup, never a formula ------------------------------------------------


def test_markup_typed_into_an_input_cell_is_a_fehler_shown_literally(workspace, catalogue, tmp_path, wide):
    _return(workspace, catalogue, tmp_path, {(E, "K5"): MARKUP})
    result = runner.invoke(app, ["check", "-w", str(workspace.root)])
    assert result.exit_code == 1, result.output
    assert "Interner Fehler" not in result.output
    line = next(line for line in result.output.splitlines() if "Erfassung!K5" in line)
    assert "Fehler" in line and MARKUP in line
    report = next(workspace.outbox.glob("**/Pruefberichte/*.xlsx"))
    texts = [c.value for row in load_workbook(report, read_only=True).active.iter_rows() for c in row]
    assert any(isinstance(t, str) and MARKUP in t for t in texts)


def test_markup_in_json_output_stays_as_typed(workspace, catalogue, tmp_path):
    _return(workspace, catalogue, tmp_path, {(E, "K5"): MARKUP})
    result = runner.invoke(app, ["check", "-w", str(workspace.root), "--format", "json"])
    assert result.exit_code == 1
    problem = next(p for p in json.loads(result.stdout)[0]["problems"] if p["cell"] == "K5")
    assert problem["code"] == "keine-zahl" and problem["found"] == MARKUP


def test_markup_and_a_formula_in_bemerkung_are_merged_and_kept_as_text(workspace, catalogue, tmp_path, wide):
    _return(workspace, catalogue, tmp_path, {(E, "M5"): MARKUP, (E, "M6"): LINK})
    result = runner.invoke(app, ["merge", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert MARKUP in result.output and "Interner Fehler" not in result.output
    book = load_workbook(workspace.master_matrix)  # not read-only: the cell types are wanted
    sheet = book["Werte"]
    header = [c.value for c in sheet[1]]
    notes = [row[header.index("Bemerkung")] for row in sheet.iter_rows(min_row=2)]
    kept = {c.value: c.data_type for c in notes if c.value}
    assert kept == {MARKUP: "s", LINK: "s"}
    formulas = [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_progress_notes_and_labels_are_no_markup():
    out = io.StringIO()
    progress = RichProgress(Console(file=out, width=120))
    progress.note(f"1/7 Arbeitsordner wird angelegt: C:/Daten/{MARKUP}")
    assert list(progress.track([1, 2], f"Rückläufe {MARKUP}")) == [1, 2]
    assert f"C:/Daten/{MARKUP}" in out.getvalue() and f"Rückläufe {MARKUP}" in out.getvalue()


def test_log_of_a_user_typed_indicator_with_brackets(workspace, wide):
    with Store(workspace.store_file):
        pass
    result = runner.invoke(app, ["log", "-w", str(workspace.root), "--indicator", MARKUP])
    assert result.exit_code == 2, result.output  # no such Kennung (was exit 0, "Keine Änderungen für …")
    assert result.output.startswith(f"Fehler: Die Kennzahl „{MARKUP}“ gibt es weder im Katalog noch im "
                                    "Änderungsprotokoll.\n")


# ---- 2. a mail that cannot be sent ends with exit 6 ------------------------------------------------


class Refuser(Recorder):
    """An SMTP server that takes the envelope but refuses every message."""

    async def handle_DATA(self, server, session, envelope):
        return "554 5.7.1 [/x] Nachricht abgelehnt"


@pytest.fixture
def refusing_server():
    from aiosmtpd.controller import Controller

    controller = Controller(Refuser(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def test_status_remind_send_exits_6_when_a_mail_is_refused(workspace, catalogue, refusing_server, wide):
    _round(workspace, catalogue)
    text = workspace.settings_file.read_text(encoding="utf-8")
    workspace.settings_file.write_text(text[: text.index("[mail]")] + smtp_toml(refusing_server), encoding="utf-8")
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root), "--remind", "--send"])
    assert result.exit_code == 6, result.output
    assert "FEHLER beim Senden" in result.output and "[/x] Nachricht abgelehnt" in result.output
    assert "2 davon konnten nicht gesendet werden" in result.output
    assert f"Ihre Entwürfe liegen in {workspace.mails_dir(2025)} (Erinnerung_2025_CODE.eml)" in " ".join(
        result.output.split())
    assert (workspace.mails_dir(2025) / "Erinnerung_2025_SOZ.eml").is_file()
    assert "Interner Fehler" not in result.output


def test_status_remind_send_exits_6_when_the_server_is_unreachable(workspace, catalogue):
    _round(workspace, catalogue)
    text = workspace.settings_file.read_text(encoding="utf-8")
    workspace.settings_file.write_text(text[: text.index("[mail]")] + smtp_toml(free_port()), encoding="utf-8")
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root), "--remind", "--send",
                                 "--format", "json"])
    assert result.exit_code == 6, result.output
    assert json.loads(result.stdout)["jahr"] == 2025 and "nicht erreichbar" in result.stderr


def test_status_remind_without_failure_still_exits_0(workspace, catalogue):
    _round(workspace, catalogue)
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root), "--remind"])
    assert result.exit_code == 0, result.output


# ---- 3. toolkit log reads through a library function -----------------------------------------------


def _history(workspace) -> None:
    with Store(workspace.store_file) as store, store.transaction():
        first = store.add_delivery(office="JUGA", year=2025, file_name="Erhebung_2025_JUGA.xlsx", sha256="a")
        second = store.add_delivery(office="JUGA", year=2025, file_name="[/x] Korrektur.xlsx", sha256="b")
        k1 = ObservationKey("BIL-06", 2025, "magdeburg", "insgesamt", "insgesamt", "wert")
        k2 = ObservationKey("DEM-01", 2024, "magdeburg", "deutsch", "weiblich", "wert")
        store.put(k1, 1234.5, "vorläufig", "", first)
        store.put(k1, 1300.0, "", "", second, reason="Korrektur [bold]der Stelle[/bold]")
        store.put(k2, None, "k.A.", "", first)
        store.put(k2, 98765.0, "", "", second)
        store.db.execute("UPDATE history SET changed_at = '2026-04-01T10:15:00'")


LOG_BIL = ("2026-04-01 10:15:00  BIL-06 2025 magdeburg · insgesamt · insgesamt · wert: 1.234,5 (vorläufig) → 1.300  "
           "(neu: JUGA, [/x] Korrektur.xlsx; vorher: Erhebung_2025_JUGA.xlsx; Grund: Korrektur [bold]der Stelle"
           "[/bold])")
LOG_DEM = ("2026-04-01 10:15:00  DEM-01 2024 magdeburg · deutsch · weiblich · wert: – (k.A.) → 98.765  "
           "(neu: JUGA, [/x] Korrektur.xlsx; vorher: Erhebung_2025_JUGA.xlsx; Grund: –)")


def test_log_output_is_unchanged(workspace):
    def log(*args: str) -> str:
        result = runner.invoke(app, ["log", "-w", str(workspace.root), *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert log() == "Noch keine Daten übernommen; das Protokoll ist leer.\n"
    assert not workspace.store_file.exists()
    with Store(workspace.store_file):
        pass
    assert log() == "Keine Änderungen protokolliert.\n"
    _history(workspace)
    assert log() == f"Änderungsprotokoll (2 Änderungen, älteste zuerst):\n{LOG_BIL}\n{LOG_DEM}\n"
    assert log("--indicator", "BIL-06") == f"Änderungsprotokoll (1 Änderung, älteste zuerst):\n{LOG_BIL}\n"
    assert log("--indicator", "bil-06") == log("--indicator", "BIL-06")
    assert log("--indicator", "ARB-01") == "Keine Änderungen für ARB-01.\n"


def test_change_log_is_a_library_function_and_the_console_only_renders(workspace):
    from toolkit.merge.log import change_log

    empty = change_log(workspace)
    assert not empty.has_store and empty.entries == []
    assert not workspace.store_file.exists()
    _history(workspace)
    log = change_log(workspace, "BIL-06")
    assert log.has_store and [(e.key.indicator, e.old_value, e.new_value, e.new_file) for e in log.entries] == [
        ("BIL-06", 1234.5, 1300.0, "[/x] Korrektur.xlsx")]
    tables = Path(cli_module.__file__).parent / "console" / "render.py"
    imported = {n.module for n in ast.walk(ast.parse(tables.read_text(encoding="utf-8")))
                if isinstance(n, ast.ImportFrom)}
    assert "toolkit.core.store" not in imported


# ---- 4. the CLI library's English is German ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["distribute", "--year", "2025", "--office"],
         "Aufruf fehlerhaft: Die Option --office braucht einen Wert.\nHilfe: toolkit distribute --help\n"),
        (["chek"], "Aufruf fehlerhaft: Unbekannter Befehl „chek“. Meinten Sie „check“?\nHilfe: toolkit --help\n"),
        (["gibtsnicht"], "Aufruf fehlerhaft: Unbekannter Befehl „gibtsnicht“.\nHilfe: toolkit --help\n"),
        (["check", "--for", "json"],
         "Aufruf fehlerhaft: Unbekannte Option --for. Meinten Sie --format?\nHilfe: toolkit check --help\n"),
        (["log", "überzählig"],
         "Aufruf fehlerhaft: Unerwartete zusätzliche Angabe: überzählig.\nHilfe: toolkit log --help\n"),
        (["--debug=ja", "log"],
         "Aufruf fehlerhaft: Die Option --debug nimmt keinen Wert an.\nHilfe: toolkit --help\n"),
        (["--debug"], "Aufruf fehlerhaft: Befehl fehlt.\nHilfe: toolkit --help\n"),
    ],
)
def test_usage_errors_in_exact_german(args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.output == expected


def test_no_arguments_show_the_help_without_an_error_line():
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert result.output.startswith("Aufruf: toolkit [OPTIONEN] BEFEHL [ARGUMENTE]...")
    assert "Aufruf fehlerhaft" not in result.output


@pytest.mark.parametrize("command", ["init", "import", "check", "demo"])
def test_help_pages_show_no_type_of_an_argument(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "<" not in result.output and ">" not in result.output, result.output


def test_help_page_arguments_stay_aligned():
    lines = runner.invoke(app, ["demo", "--help"]).output.splitlines()
    first = lines.index("Argumente:") + 1
    assert lines[first].startswith("  ORDNER  Ordner für die Demo")
    assert lines[first + 1].startswith("          ") and lines[first + 1][10] != " "
    assert runner.invoke(app, ["init", "--help"]).output.count("  ORDNER  Neuer Arbeitsordner.  [Pflicht]") == 1


def test_cli_uses_no_private_module_of_typer():
    source = Path(cli_module.__file__).read_text(encoding="utf-8")
    modules = {n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Import) for a in n.names}
    assert not [m for m in modules if m and "._" in m]


# ---- 5. file names are never cut in the tables -----------------------------------------------------

NAME_A = "inbox/Erhebung_2025_ABCDEFGHIJ_Korrektur_Version_1.xlsx"
NAME_B = "inbox/Erhebung_2025_ABCDEFGHIJ_Korrektur_Version_2.xlsx"


def _first_column(text: str, title: str) -> str:
    """The text of a table's first column, all its rows joined (box of a console with legacy_windows=False)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == title)
    pieces = []
    body = False
    for line in lines[start + 1:]:
        if line.startswith(("┡", "├")):
            body = True
            continue
        if line.startswith("└"):
            break
        if body and line.startswith("│"):
            pieces.append(line.split("│")[1].strip())
    return "".join(pieces)


def test_file_names_are_never_cut_at_80_columns():
    out = io.StringIO()
    reports = [FileReport(NAME_A, "JUGA", 2025, problems=[Problem("keine-zahl", "„x“ ist keine Zahl.", sheet=E,
                                                                 cell="K5", indicator="BIL-01")]),
               FileReport(NAME_B, "JUGA", 2025)]
    print_reports_table(Console(file=out, width=80, legacy_windows=False), reports)
    text = out.getvalue()
    assert "…" not in text
    assert _first_column(text, "Prüfergebnis") == NAME_A + NAME_B
    assert _first_column(text, "Befunde") == NAME_A
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "├" in text.split("Befunde")[0]  # folded names: a line between the files
    wide = io.StringIO()
    print_reports_table(Console(file=wide, width=160, legacy_windows=False), reports)
    assert NAME_A in wide.getvalue() and "├" not in wide.getvalue().split("Befunde")[0]


def test_check_at_80_columns_names_both_files_in_full(workspace, catalogue, tmp_path, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(cli_module, "out", Console(file=out, width=80, highlight=False, legacy_windows=False))
    _return(workspace, catalogue, tmp_path, {}, name=Path(NAME_A).name)
    _return(workspace, catalogue, tmp_path, {(E, "K5"): "zwölf"}, name=Path(NAME_B).name)
    result = runner.invoke(app, ["check", "-w", str(workspace.root)])
    assert result.exit_code == 1, result.output
    assert _first_column(out.getvalue(), "Prüfergebnis") == Path(NAME_A).name + Path(NAME_B).name


# ---- 6. LibreOffice failing ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_folder(tmp_path_factory):
    """A report of one indicator for the city (BIL-06: one chart, no Stadtteil maps or profiles): LibreOffice's
    failure is the point, not the report."""
    workspace = make_report_workspace(tmp_path_factory.mktemp("lo") / "ws", indicators=("BIL-06",))
    soffice = workspace.root / "soffice.exe"
    soffice.write_bytes(b"")
    text = workspace.settings_file.read_text(encoding="utf-8")
    workspace.settings_file.write_text(text.replace('libreoffice = ""', 'libreoffice = "soffice.exe"'),
                                       encoding="utf-8")
    return workspace


def _failing(exception: BaseException | None = None):
    def run(command, **kwargs):
        if exception is not None:
            raise exception
        return subprocess.CompletedProcess(command, 77, b"", b"source file could not be loaded [/x]")
    return run


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (_failing(), "nicht in PDF umwandeln. Meldung von LibreOffice: source file could not be loaded [/x]"),
        (_failing(PermissionError(13, "Permission denied")), "LibreOffice ließ sich nicht starten"),
        (_failing(subprocess.TimeoutExpired("soffice", 300)), "nicht innerhalb von 300 s"),
    ],
)
def test_compile_pdf_with_failing_libreoffice_exits_3_in_german(report_folder, monkeypatch, failure, expected,
                                                                  wide):
    import toolkit.report.pdf as report_pdf

    monkeypatch.setattr(report_pdf.subprocess, "run", failure)
    result = runner.invoke(app, ["compile", "--year", "2024", "--pdf", "-w", str(report_folder.root)])
    assert result.exit_code == 3, result.output
    text = _flat(result.output)
    assert "Fehler:" in text and expected in text
    assert "Interner Fehler" not in text and "Traceback" not in text
    assert (report_folder.outbox / "2024" / "Integrationsbericht_2024.docx").is_file()
