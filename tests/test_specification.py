"""Tests as a specification: real returned workbooks (tests/data) are read and checked as ``toolkit check`` does,
and what the toolkit takes from each file and reports about it must equal tests/expected exactly.

Where a message is the product, the complete German text stands in the test: text in a number cell, a
broken file, the lock of the working folder held by a second process.

tests/specification.py describes the expected files; ``python tests/data/make_data.py --expected`` refreshes
them on purpose (never a test).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import make_workspace
from specification import (
    CLEAN,
    DATA,
    DATA_FILES,
    EXPECTED,
    LIBREOFFICE,
    REFRESH,
    TEXT_IN_NUMBER,
    TRUNCATED,
    check_data,
    expected_file,
    load_expected,
)
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.core.errors import BusyError
from toolkit.core.workspace import Workspace, locked
from toolkit.returns.checks import check_files

ROOT = Path(__file__).resolve().parent.parent
KEY = "TEI-05|2025|gesamtstadt|insgesamt|insgesamt|wert"  # the one value DEZSOZ delivers (Erfassung!K5)

TEXT_IN_NUMBER_MESSAGE = (
    "In Erfassung!K5 (TEI-05) steht „k.A.“ statt einer Zahl. Bitte eine Zahl eintragen oder die Zelle leer lassen "
    "und das Kennzeichen „kein Wert verfügbar“ wählen.")
TRUNCATED_MESSAGE = (
    "Die Datei Erhebung_2025_DEZSOZ_abgeschnitten.xlsx ist beschädigt oder unvollständig (ZIP-Container defekt, die "
    "Datei ist vermutlich abgeschnitten). Bitte den Erhebungsbogen erneut speichern und senden.")
NOTE = "Stand 31.12.2025 laut Sitzungsprotokollen; das Protokoll der Dezembersitzung ist noch nicht genehmigt."

runner = CliRunner()


@pytest.fixture(scope="module")
def observed(tmp_path_factory) -> dict[str, dict]:
    return check_data(make_workspace(tmp_path_factory.mktemp("specification") / "ws"))


def test_the_data_files_are_the_specified_ones_each_with_an_expected_file():
    data = sorted(p.name for p in DATA.iterdir() if p.suffix == ".xlsx")
    assert data == sorted(DATA_FILES)
    assert sorted(p.name for p in EXPECTED.iterdir()) == sorted(expected_file(n).name for n in DATA_FILES)
    sizes = {name: (DATA / name).stat().st_size for name in DATA_FILES}
    assert all(5_000 < size < 150_000 for size in sizes.values()), sizes


@pytest.mark.parametrize("name", DATA_FILES)
def test_check_reads_and_reports_exactly_what_is_expected(observed, name):
    assert observed[name] == load_expected(name), \
        f"{name} wird anders gelesen oder geprüft als in {expected_file(name).name} festgehalten. Ist die Änderung " \
        f"gewollt: {REFRESH}, den Unterschied prüfen und mit einchecken."


def test_clean_return_gives_its_value_flag_and_note_and_only_a_hinweis(observed):
    clean = observed[CLEAN]
    assert (clean["office"], clean["year"], clean["ok"]) == ("DEZSOZ", 2025, True)
    assert clean["report_year"] == {KEY: {"value": 14.0, "flag": "vorläufig", "note": NOTE}}
    assert set(clean["earlier_years"].values()) == {None} and len(clean["earlier_years"]) == 4
    assert [(p["code"], p["severity"], p["sheet"], p["cell"], p["indicator"], p["message"])
            for p in clean["problems"]] == [
        ("bemerkung", "hinweis", "Erfassung", "M5", "TEI-05", f"Erfassung!M5: Bemerkung der Dienststelle: „{NOTE}“")]


def test_saved_by_libreoffice_reads_and_checks_the_same_as_the_clean_return(observed):
    clean, resaved = observed[CLEAN], observed[LIBREOFFICE]
    assert resaved["sha256"] != clean["sha256"]  # really another file, not a copy
    different = {"file", "sha256"}
    assert {k: v for k, v in resaved.items() if k not in different} == \
        {k: v for k, v in clean.items() if k not in different}


def test_text_in_a_number_cell_is_a_fehler_with_the_complete_message(observed):
    found = observed[TEXT_IN_NUMBER]
    assert (found["office"], found["year"], found["ok"]) == ("DEZSOZ", 2025, False)
    assert found["report_year"] == {KEY: {"value": None, "flag": "", "note": "Zahl liegt noch nicht vor."}}
    assert [(p["code"], p["severity"], p["cell"], p["message"]) for p in found["problems"]] == [
        ("keine-zahl", "fehler", "K5", TEXT_IN_NUMBER_MESSAGE),
        ("bemerkung", "hinweis", "M5", "Erfassung!M5: Bemerkung der Dienststelle: „Zahl liegt noch nicht vor.“")]


def test_truncated_file_is_a_fehler_with_the_complete_message(observed):
    found = observed[TRUNCATED]
    assert (found["office"], found["year"], found["ok"], found["report_year"]) == ("", None, False, {})
    assert [(p["code"], p["severity"], p["sheet"], p["cell"], p["message"]) for p in found["problems"]] == [
        ("nicht-lesbar", "fehler", "", "", TRUNCATED_MESSAGE)]


def test_check_of_the_inbox_reports_the_expected_problems_per_file(tmp_path):
    """``toolkit check`` without file names: every file in inbox/, in name order, one report each."""
    workspace = make_workspace(tmp_path / "ws")
    for name in DATA_FILES:
        shutil.copyfile(DATA / name, workspace.inbox / name)
    reports = check_files(workspace)
    assert [r.file for r in reports] == sorted(DATA_FILES, key=str.casefold)  # the same on Windows and Linux
    for report in reports:
        expected = load_expected(report.file)
        problems = sorted((p.as_json() for p in report.problems),
                          key=lambda p: (p["sheet"], p["cell"], p["code"], p["message"]))
        assert (report.office, report.year, report.ok, report.sha256, problems) == \
            (expected["office"], expected["year"], expected["ok"], expected["sha256"], expected["problems"])


def test_cli_check_prints_the_complete_message_for_text_in_a_number_cell(tmp_path):
    workspace = make_workspace(tmp_path / "ws")
    result = runner.invoke(app, ["check", str(DATA / TEXT_IN_NUMBER), "-w", str(workspace.root), "--format", "json"])
    assert result.exit_code == 1, result.output
    [report] = json.loads(result.stdout)
    assert (report["file"], report["office"], report["year"], report["ok"]) == (TEXT_IN_NUMBER, "DEZSOZ", 2025, False)
    assert report["problems"][0] == {
        "code": "keine-zahl", "severity": "fehler", "sheet": "Erfassung", "cell": "K5", "indicator": "TEI-05",
        "found": "k.A.", "expected": "Zahl", "message": TEXT_IN_NUMBER_MESSAGE}


def test_second_process_gets_the_complete_lock_message(tmp_path):
    """While another process holds the working folder, a command stops at once with the full message, exit 5."""
    workspace = make_workspace(tmp_path / "ws")
    root = workspace.root.resolve()
    holder = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        from toolkit.core.workspace import Workspace, locked
        with locked(Workspace(Path({str(root)!r})), "toolkit merge (Kollegin)"):
            print("gesperrt", os.getpid(), flush=True)
            sys.stdin.readline()
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, cwd=ROOT, env=env)
    try:
        word, pid = process.stdout.readline().split()
        assert word == "gesperrt"
        message = (f"Der Arbeitsordner {root} ist gerade gesperrt (toolkit merge (Kollegin), Prozess {pid}).\n"
                   "Bitte warten, bis der andere Befehl fertig ist, und dann erneut starten.")
        with pytest.raises(BusyError) as caught, locked(Workspace(root), "toolkit check"):
            pass
        assert str(caught.value) == message
        result = runner.invoke(app, ["merge", "-w", str(root)])
        assert result.exit_code == 5
        assert result.stderr.replace("\r\n", "\n") == f"Fehler: {message}\n"
    finally:
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait(timeout=30)
