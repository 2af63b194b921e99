"""Working notes stay out of the catalogue's public texts (issue #19, point 7): the default catalogue has none, and a
working note in a public column is a Warnung of check and compile naming sheet, cell and word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixtures import make_report_workspace
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import SHEETS, RawRow, load_catalogue
from toolkit.catalogue.sheets import INDICATORS, default_rows, workbook_rows
from toolkit.catalogue.wording import working_notes

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
# what the issue found in the published report, and where the catalogue had it
INSIDER = ("Quelle prüfen", "Bezeichnung prüfen", "Erfassung noch zu klären", "in neueren Berichten J6",
           "niedersächsische", "eingestellten Mindestdauer", "Länder-Monitoring")


def _public_texts(rows) -> list[tuple[str, str, str]]:
    return [(spec.name, column.key, raw.values.get(column.key, "")) for spec in SHEETS
            for raw in rows.get(spec.name, []) for column in spec.columns if column.public]


def test_the_default_catalogue_has_no_working_note_in_a_public_column():
    assert load_catalogue().warnings == ()
    assert load_catalogue(REPO / "templates" / "Indikatorenmatrix.xlsx").warnings == ()
    texts = _public_texts(default_rows())
    assert len(texts) > 500
    assert [(sheet, key, phrase) for sheet, key, text in texts for phrase in INSIDER if phrase in text] == []


def test_the_working_notes_moved_to_the_internal_notes(catalogue):
    moved = [o.code for o in catalogue.offices.values() if o.notiz_intern.startswith("Bezeichnung prüfen")]
    assert moved == ["STAT", "WAHL", "EINB", "FB40", "INTK", "PERS", "ORD"]
    assert catalogue.offices["STAT"].name == "Amt für Statistik, Wahlen und Digitalisierung"
    assert "Quelle prüfen" in catalogue.indicators["SPR-05"].notiz_intern
    assert "noch zu klären" in catalogue.indicators["GES-04"].notiz_intern
    assert "J6" in catalogue.indicators["SPR-02"].notiz_intern
    assert "niedersächsische" in catalogue.indicators["BIL-08"].notiz_intern
    assert "Integrationsmonitoring der Länder (Indikator C5b)" in catalogue.indicators["SPR-02"].hinweis_bericht


@pytest.mark.parametrize(("text", "word"), [
    ("Landesschulamt (Quelle prüfen)", "prüfen"),
    ("Gesundheitsamt (Erfassung noch zu klären)", "klären"),
    ("mit dem Amt abklären", "abklären"),
    ("Die Abgrenzung ist noch offen.", "noch offen"),
    ("TODO: Nenner", "TODO"),
    ("Quelle ???", "???"),
    ("Stand xxx", "xxx"),
])
def test_a_working_note_is_found(text, word):
    [found] = working_notes({"Indikatoren": [RawRow("Indikatoren", 7, {"id": "BIL-06", "quelle": text})]}, "K.xlsx")
    assert (found.code, found.sheet, found.cell, found.found, found.indicator) == \
        ("arbeitsnotiz", "Indikatoren", "M7", word, "BIL-06")


@pytest.mark.parametrize("text", [
    "wer die Prüfung wiederholt, kann mehrfach gezählt werden",  # SPR-02
    "Personen mit ungeklärter Staatsangehörigkeit",  # Merkmale nichtdeutsch
    "geprüfte Angaben der Schulen",
    "Das lässt sich mit dem Zuzug erklären.",
    "getrennt nach Schutzstatus (Verfahren offen, Schutz anerkannt, abgelehnt)",  # DEM-08
    "Luxemburg, Malta und Österreich",
])
def test_ordinary_german_is_no_working_note(text):
    assert working_notes({"Indikatoren": [RawRow("Indikatoren", 7, {"id": "BIL-06", "definition": text})]}, "K") == []


def test_internal_and_configuration_columns_are_not_scanned():
    rows = {"Indikatoren": [RawRow("Indikatoren", 7, {"id": "BIL-06", "notiz_intern": "Quelle prüfen",
                                                       "referenz": "KGSt (prüfen)"})],
            "Geheimhaltung": [RawRow("Geheimhaltung", 3, {"code": "ba10", "beschreibung": "mit der BA klären"})]}
    assert working_notes(rows, "K") == []


def _note_in_spr05(workspace) -> None:
    rows = workbook_rows(workspace.catalogue_file)
    spr05 = next(r for r in rows["Indikatoren"] if r.values["id"] == "SPR-05")
    spr05.values["quelle"] += " (Quelle prüfen)"
    mit_eg = next(r for r in rows["Merkmale"] if r.values["code"] == "mit_eg")
    mit_eg.values["beschreibung"] += " TODO Quelle"
    write_catalogue_workbook(workspace.catalogue_file, rows)


def test_check_warns_about_a_working_note_with_sheet_cell_and_word(workspace):
    _note_in_spr05(workspace)
    result = runner.invoke(toolkit.cli.app, ["check", "--format", "json", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output  # a Warnung: nothing is blocked
    [report] = json.loads(result.stdout)
    assert (report["file"], report["office"], report["ok"]) == ("templates/Indikatorenmatrix.xlsx", "Katalog", True)
    assert [(p["code"], p["severity"], p["sheet"], p["cell"], p["found"], p["message"]) for p in report["problems"]] == [
        ("arbeitsnotiz", "warnung", "Indikatoren", "M19", "prüfen",
         "Indikatoren!M19 (Spalte „Quelle“, SPR-05): „prüfen“ sieht nach einer Arbeitsnotiz aus: „…für Bildung "
         "Sachsen-Anhalt (Quelle prüfen)“. Der Text dieser Spalte steht im Bericht, in den Erhebungsbögen "
         "oder den E-Mails an die Stellen. Bitte die Notiz in die Spalte „Interne Notiz“ verschieben oder den Text "
         "umformulieren."),
        ("arbeitsnotiz", "warnung", "Merkmale", "E19", "TODO",
         "Merkmale!E19 (Spalte „Beschreibung“, mit_eg): „TODO“ sieht nach einer Arbeitsnotiz aus: „…den Angaben der "
         "Befragten gebildet. TODO Quelle“. Der Text dieser Spalte steht im Bericht oder in den "
         "Erhebungsbögen. Bitte den Text für Leserinnen und Leser umformulieren (dieses Blatt hat keine Spalte für "
         "interne Notizen)."),
    ]


def test_compile_shows_the_warning(tmp_path):
    workspace = make_report_workspace(tmp_path / "ws", indicators=("BIL-06",))
    rows = workbook_rows(workspace.catalogue_file)
    rows["Indikatoren"][0].values["quelle"] = "Schulstatistik (Stand klären)"
    write_catalogue_workbook(workspace.catalogue_file, rows)
    result = runner.invoke(toolkit.cli.app, ["compile", "--year", "2024", "-w", str(workspace.root)])
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert ("Warnung: Indikatoren!M2 (Spalte „Quelle“, BIL-06): „klären“ sieht nach einer Arbeitsnotiz aus: "
            "„Schulstatistik (Stand klären)“.") in output


def test_a_rate_allowed_over_100_collected_by_stadtteil_warns(workspace):
    rows = workbook_rows(workspace.catalogue_file)
    next(r for r in rows["Indikatoren"] if r.values["id"] == "BIL-02").values["max_wert"] = "150"
    write_catalogue_workbook(workspace.catalogue_file, rows)
    [warning] = load_catalogue(workspace.catalogue_file).warnings
    assert (warning.code, warning.cell, warning.indicator) == ("quote-stadtteile-ueber-100", "V21", "BIL-02")
    assert warning.message.startswith("Indikatoren!V21 (BIL-02): Die Quote darf über 100 % liegen (Höchstwert 150) "
                                      "und wird nach Stadtteilen erhoben.")
    assert INDICATORS.column("max_wert").header == "Höchstwert"
