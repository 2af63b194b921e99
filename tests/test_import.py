"""toolkit import: long-format history and comparison values, validated, with provenance; toolkit log."""

from __future__ import annotations

import xlsxwriter
from typer.testing import CliRunner

import toolkit.cli
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store

runner = CliRunner()
HEADER = "Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"


def _invoke(workspace, path):
    result = runner.invoke(toolkit.cli.app, ["import", str(path), "-w", str(workspace.root)])
    return result, " ".join(result.output.split())


def test_import_csv_with_comparison_values_and_provenance(workspace, tmp_path):
    path = tmp_path / "Vergleichswerte.csv"
    path.write_text(HEADER + "2024;ARB-12;Sachsen-Anhalt;insgesamt;insgesamt;Wert;61,5;;Mikrozensus\n"
                             "2024;ARB-12;deutschland;mit_mh_mz;;wert;58,2;vorläufig;\n"
                             "2023;DEM-02;Gesamtstadt;insgesamt;insgesamt;Zähler;24.100;;\n"
                             "2023;DEM-02;gesamtstadt;insgesamt;insgesamt;Nenner;241.000;;\n", encoding="utf-8")
    result, output = _invoke(workspace, path)
    assert result.exit_code == 0, output
    assert "4 Zeilen importiert" in output and "Import Vergleichswerte.csv" in output
    with Store(workspace.store_file) as store:
        land = store.get(ObservationKey("ARB-12", 2024, "sachsen-anhalt", "insgesamt", "insgesamt", "wert"))
        bund = store.get(ObservationKey("ARB-12", 2024, "deutschland", "mit_mh_mz", "insgesamt", "wert"))
        count = store.get(ObservationKey("DEM-02", 2023, "gesamtstadt", "insgesamt", "insgesamt", "nenner"))
        delivery = store.deliveries()[0]
    assert land.value == 61.5 and land.note == "Mikrozensus"
    assert bund.value == 58.2 and bund.flag == "vorläufig"
    assert count.value == 241000
    assert delivery["source"] == "import" and delivery["file_name"] == "Vergleichswerte.csv"
    assert workspace.master_matrix.is_file()
    again, output = _invoke(workspace, path)
    assert again.exit_code == 0 and "schon importiert" in output


def test_import_rejects_bad_rows_with_cell_and_exit_1(workspace, tmp_path):
    path = tmp_path / "falsch.csv"
    path.write_text(HEADER + "2024;XYZ-99;Gesamtstadt;insgesamt;insgesamt;Wert;1;;\n"
                             "2024;DEM-02;Mond;insgesamt;insgesamt;Zähler;1;;\n"
                             "2024;DEM-02;Gesamtstadt;insgesamt;insgesamt;Zähler;viele;;\n", encoding="utf-8")
    result, output = _invoke(workspace, path)
    assert result.exit_code == 1
    assert "Import!B2" in output and "Import!C3" in output and "Import!G4" in output
    assert not workspace.store_file.exists() or Store(workspace.store_file).deliveries() == []


def test_import_runs_value_checks(workspace, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text(HEADER + "2023;DEM-02;Gesamtstadt;insgesamt;insgesamt;Zähler;300;;\n"
                             "2023;DEM-02;Gesamtstadt;insgesamt;insgesamt;Nenner;200;;\n", encoding="utf-8")
    result, output = _invoke(workspace, path)
    assert result.exit_code == 1
    assert "Zähler" in output and "größer als der Nenner" in output


def test_import_xlsx_and_history_then_log(workspace, tmp_path):
    first = tmp_path / "alt.csv"
    first.write_text(HEADER + "2022;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;240000;;\n", encoding="utf-8")
    assert _invoke(workspace, first)[0].exit_code == 0
    path = tmp_path / "korrigiert.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER.strip().split(";"))
    sheet.write_row(1, 0, [2022, "DEM-01", "Gesamtstadt", "insgesamt", "insgesamt", "Wert", 241234, "", "Zensus"])
    book.close()
    result, output = _invoke(workspace, path)
    assert result.exit_code == 0, output
    log = runner.invoke(toolkit.cli.app, ["log", "-w", str(workspace.root), "--indicator", "DEM-01"])
    text = " ".join(log.output.split())
    assert log.exit_code == 0 and "240.000" in text and "241.234" in text and "korrigiert.xlsx" in text


def test_import_missing_file_is_exit_3(workspace, tmp_path):
    result, output = _invoke(workspace, tmp_path / "fehlt.csv")
    assert result.exit_code == 3 and "gibt es nicht" in output


def test_import_warns_about_a_jump_against_the_previous_year(workspace, tmp_path):
    path = tmp_path / "reihe.csv"
    path.write_text(HEADER + "2022;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;240000;;\n"
                             "2023;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;480000;;\n", encoding="utf-8")
    result, output = _invoke(workspace, path)
    assert result.exit_code == 0
    assert "Import!G3" in output and "Vorjahr" in output
