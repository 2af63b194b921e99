"""The master matrix is named apart from the catalogue (outbox/Monitoringdaten.xlsx, not Indikatorenmatrix.xlsx) and
says that it is generated; a master matrix under the former name is renamed once, with a note."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import toolkit.cli
from toolkit.core.workspace import MASTER_MATRIX

runner = CliRunner()
CSV = ("Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"
       "2023;DEM-02;Gesamtstadt;insgesamt;insgesamt;Zähler;24100;;\n")
RENAMED = ("Hinweis: Die frühere Datei outbox/Indikatorenmatrix.xlsx wird nicht mehr erneuert und heißt jetzt "
           "outbox/Indikatorenmatrix_veraltet.xlsx (sie kann gelöscht werden). Die Werte mit Herkunft stehen jetzt in "
           "outbox/Monitoringdaten.xlsx; der Indikatorenkatalog bleibt templates/Indikatorenmatrix.xlsx.")


def _import(workspace, tmp_path, name: str, value: int):
    path = tmp_path / name
    path.write_text(CSV.replace("24100", str(value)), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # printed paths are relative to where the user stands
        patch.chdir(workspace.root)
        result = runner.invoke(toolkit.cli.app, ["import", str(path)])
    return result, " ".join(result.output.split())


def test_the_master_matrix_has_its_own_name_and_says_it_is_generated(workspace, tmp_path):
    catalogue_before = workspace.catalogue_file.read_bytes()
    result, output = _import(workspace, tmp_path, "a.csv", 24100)
    assert result.exit_code == 0, output
    assert output.endswith(f"Monitoringdaten erneuert: {Path('outbox/Monitoringdaten.xlsx')}")
    assert workspace.master_matrix == workspace.root / MASTER_MATRIX == workspace.outbox / "Monitoringdaten.xlsx"
    assert not (workspace.outbox / "Indikatorenmatrix.xlsx").exists()
    assert workspace.catalogue_file.read_bytes() == catalogue_before
    book = load_workbook(workspace.master_matrix, read_only=True)
    assert book.sheetnames[0] == "Hinweise"
    assert next(book["Hinweise"].iter_rows(max_row=1, values_only=True))[0] == (
        "Monitoringdaten des Integrationsmonitorings (automatisch erzeugt – wird bei jedem 'toolkit merge' und "
        "'toolkit import' neu geschrieben, Änderungen hier gehen verloren)")
    assert book.properties.title == "Monitoringdaten des Integrationsmonitorings"
    assert book.properties.keywords == "automatisch erzeugt, nicht bearbeiten"
    book.close()
    with zipfile.ZipFile(workspace.master_matrix) as archive:
        assert 'readOnlyRecommended="1"' in archive.read("xl/workbook.xml").decode()
        assert "Automatisch erzeugt" in archive.read("docProps/custom.xml").decode()


def test_a_master_matrix_under_the_former_name_is_renamed_once(workspace, tmp_path):
    former = workspace.outbox / "Indikatorenmatrix.xlsx"
    former.write_bytes(b"Matrix aus Version 0.2, von Hand ergaenzt")
    result, output = _import(workspace, tmp_path, "a.csv", 24100)
    assert result.exit_code == 0, output
    assert output.endswith(f"Monitoringdaten erneuert: {Path('outbox/Monitoringdaten.xlsx')} {RENAMED}")
    assert not former.exists()
    assert (workspace.outbox / "Indikatorenmatrix_veraltet.xlsx").read_bytes() == \
        b"Matrix aus Version 0.2, von Hand ergaenzt"
    again, output = _import(workspace, tmp_path, "b.csv", 24200)
    assert again.exit_code == 0, output
    assert "Indikatorenmatrix" not in output and output.endswith(f"Monitoringdaten erneuert: {Path('outbox/Monitoringdaten.xlsx')}")


def test_merge_says_it_too(workspace):
    (workspace.outbox / "Indikatorenmatrix.xlsx").write_bytes(b"alt")
    (workspace.outbox / "Indikatorenmatrix_veraltet.xlsx").write_bytes(b"noch aelter")
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert output.endswith(
        "In inbox/ liegen keine Dateien; nichts zu übernehmen. Hinweis: outbox/Indikatorenmatrix.xlsx wird nicht mehr "
        "erneuert; die Werte mit Herkunft stehen jetzt in outbox/Monitoringdaten.xlsx. Die alte Datei kann gelöscht "
        "werden.")
    assert (workspace.outbox / "Indikatorenmatrix.xlsx").read_bytes() == b"alt"  # the name is taken: left alone
