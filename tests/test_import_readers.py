"""toolkit import reads every row or refuses with the line: CSV structure, character sets, doubled header names,
years with footnote marks, groups and sexes by their German labels (issue 18, scope 3).

Every refusal is checked through the CLI (exit code, the exact German message) with the store unchanged; every
acceptance with exactly the intended values in the store.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import xlsxwriter
from conftest import make_workspace
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.model import CITY
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.merge.imports import import_values
from toolkit.merge.mapping import load_mapping

runner = CliRunner()
HEADER = "Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"
SEED = ObservationKey("DEM-01", 2020, CITY, "insgesamt", "insgesamt", "wert")


def _invoke(workspace, path: Path, *extra: object) -> tuple[int, str]:
    """Exit code and output of `toolkit import`; a wide terminal, so a message stays on one line of the table."""
    result = runner.invoke(toolkit.cli.app, ["import", str(path), "-w", str(workspace.root), *map(str, extra)],
                           env={"COLUMNS": "2000"})
    return result.exit_code, result.output


def _stored(workspace) -> dict:
    """Every stored value as (value, flag, note), and the number of deliveries."""
    with Store(workspace.store_file) as store:
        return {"values": {k: (v.value, v.flag, v.note) for k, v in store.values().items()},
                "deliveries": len(store.deliveries())}


@pytest.fixture(scope="module")
def _seeded_once(tmp_path_factory) -> Workspace:
    folder = tmp_path_factory.mktemp("seeded")
    workspace = make_workspace(folder / "ws")
    path = folder / "seed.csv"
    path.write_text(HEADER + "2020;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;240000;;\n", encoding="utf-8")
    assert import_values(workspace, path).report.ok
    return workspace


@pytest.fixture
def seeded(_seeded_once, tmp_path) -> Workspace:
    """A working folder with one value in the store, so that "nothing changed" is a real comparison (a copy of one
    built per module)."""
    shutil.copytree(_seeded_once.root, tmp_path / "ws", copy_function=shutil.copyfile)  # copy2 needs what Wine lacks
    return Workspace(tmp_path / "ws")


def _refused(workspace, path: Path, message: str, *extra: object) -> None:
    before = _stored(workspace)
    code, output = _invoke(workspace, path, *extra)
    assert code == 1, output
    assert message in output, output
    assert f"{path.name}: nicht übernommen" in output
    assert _stored(workspace) == before


def _written(folder: Path, name: str, rows: list[str]) -> Path:
    """A long CSV file of ``rows`` below the header, in UTF-8, lines ending in LF on every platform."""
    path = folder / name
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode("utf-8"))
    return path


def _rows(n: int, start: int = 2000) -> list[str]:
    return [f"{start + i};DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;{1000 + i};;" for i in range(n)]


# ---- CSV structure -------------------------------------------------------------------------------------------


def test_an_unclosed_quote_is_refused_with_its_line_instead_of_swallowing_40_rows(seeded, tmp_path):
    rows = _rows(41)
    rows[0] += '"Schätzung des Amts'  # before: exit 0, "1 Zeilen importiert", 40 rows in one 2,058-character Hinweis
    _refused(seeded, _written(tmp_path, "reihe.csv", rows), "reihe.csv, Zeile 2, Spalte Hinweis: Das Anführungszeichen vor „Schätzung des Amts“ wird "
                           "nicht geschlossen; alle Zeilen ab Zeile 3 gerieten so in dieses eine Feld. Bitte das "
                           "schließende Anführungszeichen ergänzen (oder das öffnende löschen) und erneut importieren.")


def test_an_unclosed_quote_in_a_file_over_128_kb_is_the_same_message_not_exit_4(seeded, tmp_path):
    rows = _rows(61)
    rows[0] += '"Schätzung des Amts'
    rows[1:] = [row + "ein langer Hinweis " + "x" * 3000 for row in rows[1:]]  # before: exit 4, field limit
    path = tmp_path / "gross.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 128 * 1024
    _refused(seeded, path, "gross.csv, Zeile 2, Spalte Hinweis: Das Anführungszeichen vor „Schätzung des Amts“ wird "
                           "nicht geschlossen; alle Zeilen ab Zeile 3 gerieten so in dieses eine Feld.")


def test_a_quote_closed_a_line_later_in_a_row_too_short_is_refused_naming_the_line(seeded, tmp_path):
    rows = _rows(3)
    rows[0] = rows[0].removesuffix(";;") + ';"Schätzung;'  # the quote opens in Kennzeichen ...
    rows[1] += 'Ende"'  # ... and closes at the end of the next line: one record of 8 fields holding row 3
    _refused(seeded, _written(tmp_path, "spaet.csv", rows), "spaet.csv, Zeile 2, Spalte Kennzeichen: Das Anführungszeichen vor „Schätzung;“ wird erst "
                           "in Zeile 3 geschlossen; Zeile 3 geriet so in dieses eine Feld. Bitte das schließende "
                           "Anführungszeichen in Zeile 2 ergänzen (oder das öffnende löschen) und erneut importieren.")


def test_a_quoted_note_holding_lines_like_rows_is_read_as_written_with_a_warning(seeded, tmp_path):
    # valid CSV (csv.writer writes it so): the note of row 2 runs to line 4, and line 3 has as many ";" as a row;
    # whether a closing quote was forgotten cannot be told, so it is read as written and the line is named
    rows = _rows(4)
    rows[0] += '"Schätzung'
    rows[2] += 'Ende"'
    code, output = _invoke(seeded, _written(tmp_path, "spaet.csv", rows))
    assert code == 0, output
    assert ("spaet.csv, Zeile 2, Spalte Hinweis: Der Text in Anführungszeichen ab „Schätzung“ reicht bis Zeile 4; "
            "Zeile 3 darin hat so viele Trennzeichen „;“ wie eine Datenzeile. Übernommen als ein Text. Fehlt in Zeile "
            "2 ein schließendes Anführungszeichen, bitte ergänzen und erneut importieren; sonst ist nichts zu tun."
            ) in output
    values = _stored(seeded)["values"]
    note = "Schätzung\n" + _rows(4)[1] + "\n" + _rows(4)[2] + "Ende"
    assert values[SEED._replace(year=2000)] == (1000.0, "", note)
    assert values[SEED._replace(year=2003)] == (1003.0, "", "")
    assert SEED._replace(year=2001) not in values and SEED._replace(year=2002) not in values


def test_a_note_written_by_the_csv_module_with_a_line_like_a_row_imports_exactly_its_rows(seeded, tmp_path):
    # the case that was refused before: a valid CSV whose quoted Hinweis has a line break and a line of 8 ";"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER.strip().split(";"))
    writer.writerow([2021, "DEM-01", "Gesamtstadt", "insgesamt", "insgesamt", "Wert", 5, "", "Quelle:\n;;;;;;;;"])
    writer.writerow([2022, "DEM-01", "Gesamtstadt", "insgesamt", "insgesamt", "Wert", 6, "", ""])
    path = tmp_path / "legit.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    code, output = _invoke(seeded, path)
    assert code == 0, output
    assert "2 Zeilen importiert" in output, output
    values = _stored(seeded)["values"]
    assert values[SEED._replace(year=2021)] == (5.0, "", "Quelle:\n;;;;;;;;")
    assert values[SEED._replace(year=2022)] == (6.0, "", "")


def test_text_after_a_closing_quote_is_refused(seeded, tmp_path):
    path = tmp_path / "zitat.csv"
    path.write_text(HEADER + _rows(1)[0] + '"Schätzung" des Amts\n', encoding="utf-8")
    _refused(seeded, path, "zitat.csv, Zeile 2: Nach einem schließenden Anführungszeichen folgt noch Text. Ein "
                           "Anführungszeichen in einem Text bitte verdoppeln (\"\") oder weglassen und erneut "
                           "importieren.")


def test_ragged_rows_are_refused_with_their_lines(seeded, tmp_path):
    rows = _rows(3)
    rows[0] += "Schätzung\ndes Amts"  # a line break in an unquoted note: the rest becomes a row of one field
    rows[2] = rows[2].removesuffix(";;")  # two fields short
    path = tmp_path / "zeilen.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    _refused(seeded, path, "zeilen.csv, Zeile 3: 1 statt 9 Felder wie in der Kopfzeile. Bitte fehlende Trennzeichen "
                           "„;“ ergänzen oder überzählige löschen; steht ein Zeilenumbruch oder ein „;“ in einem Text, "
                           "den Text in Anführungszeichen setzen.")
    assert "zeilen.csv, Zeile 5: 7 statt 9 Felder wie in der Kopfzeile." in _invoke(seeded, path)[1]
    path.write_text(HEADER + _rows(1)[0] + ";x\n", encoding="utf-8")  # one field too many
    _refused(seeded, path, "zeilen.csv, Zeile 2: 10 statt 9 Felder wie in der Kopfzeile.")


def test_empty_fields_at_the_end_of_a_row_are_fine(workspace, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(HEADER + _rows(1)[0] + ";;;\n", encoding="utf-8")
    code, output = _invoke(workspace, path)
    assert code == 0, output
    assert _stored(workspace)["values"] == {ObservationKey("DEM-01", 2000, CITY, "insgesamt", "insgesamt", "wert"):
                                            (1000.0, "", "")}


def test_a_field_longer_than_an_excel_cell_is_refused(seeded, tmp_path):
    path = tmp_path / "lang.csv"
    path.write_text(HEADER + _rows(1)[0] + '"' + "Text " * 8000 + '"\n', encoding="utf-8")
    _refused(seeded, path, "lang.csv, Zeile 2, Spalte Hinweis: Das Feld ist 40.000 Zeichen lang, mehr als eine "
                           "Excel-Zelle fasst (32.767). Bitte den Text kürzen; ein so langes Feld entsteht meist durch "
                           "ein nicht geschlossenes Anführungszeichen.")
    path.write_text(HEADER + _rows(1)[0] + '"' + "Text " * 30000 + '"\n', encoding="utf-8")  # over the csv limit
    _refused(seeded, path, "lang.csv, Zeile 2: Ein Feld ist länger als 131.072 Zeichen, mehr als eine Excel-Zelle "
                           "fasst (32.767).")


def test_quoted_notes_with_line_breaks_semicolons_and_quotes_import_as_written(workspace, tmp_path):
    path = tmp_path / "hinweise.csv"
    path.write_text(HEADER + '2024;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;5;;"Erste Zeile; mit ""Zitat""\n'
                             'zweite Zeile"\n2024;DEM-01;04;insgesamt;insgesamt;Wert;6;;ohne\n', encoding="utf-8",
                    newline="")  # the line break in the note as written, also on Windows
    code, output = _invoke(workspace, path)
    assert code == 0 and "2 Zeilen importiert" in output, output
    assert _stored(workspace)["values"] == {
        ObservationKey("DEM-01", 2024, CITY, "insgesamt", "insgesamt", "wert"):
            (5.0, "", 'Erste Zeile; mit "Zitat"\nzweite Zeile'),
        ObservationKey("DEM-01", 2024, "st04", "insgesamt", "insgesamt", "wert"): (6.0, "", "ohne"),
    }


# ---- character sets ------------------------------------------------------------------------------------------

NOTE = "Größe, Bürger, Straße; Änderung"


@pytest.mark.parametrize("encoding, bom, hint", [
    ("utf-8", b"", ""),
    ("utf-8", codecs.BOM_UTF8, ""),
    ("utf-16-le", codecs.BOM_UTF16_LE, ""),
    ("utf-16-be", codecs.BOM_UTF16_BE, ""),
    ("cp1252", b"", "gelesen als Windows-1252 (ANSI), z. B. „Messgröße“. Stimmen die Umlaute nicht, bitte mit "
                    "--zeichensatz cp850 erneut importieren."),
    ("cp850", b"", "gelesen als DOS (Codepage 850), z. B. „Messgröße“. Stimmen die Umlaute nicht, bitte mit "
                   "--zeichensatz cp1252 erneut importieren."),  # before: exit 4 ("ü" is 0x81)
])
def test_every_supported_character_set_is_read(workspace, tmp_path, encoding, bom, hint):
    path = tmp_path / "zeichen.csv"
    text = HEADER + f'2024;DEM-01;Alte Neustadt;insgesamt;insgesamt;Wert;12374;;"{NOTE}"\r\n'
    path.write_bytes(bom + text.encode(encoding))
    code, output = _invoke(workspace, path)
    assert code == 0, output
    assert (f"Die Importdatei zeichen.csv ist nicht in UTF-8 gespeichert; {hint}" in output) == bool(hint), output
    assert _stored(workspace)["values"] == {ObservationKey("DEM-01", 2024, "st04", "insgesamt", "insgesamt", "wert"):
                                            (12374.0, "", NOTE)}


@pytest.mark.parametrize("content, message", [
    ((HEADER + _rows(1)[0] + "Bürger\n").encode("utf-16-le"),
     "Die Importdatei datei.csv enthält in Zeile 1 Null-Bytes: sie ist keine Textdatei oder in UTF-16 ohne "
     "Byte-Order-Mark gespeichert. Bitte als „CSV UTF-8“ speichern und erneut importieren."),
    (HEADER.encode("utf-8") + (_rows(1)[0] + "Bürger\n").encode("cp1252"),
     "Die Importdatei datei.csv mischt zwei Zeichensätze: sie enthält Umlaute in UTF-8, in Zeile 2 aber ein Zeichen "
     "in einem anderen Zeichensatz. Bitte in Excel oder einem Editor als „CSV UTF-8“ speichern und die Umlaute ab "
     "Zeile 2 prüfen."),
    ((HEADER.replace("ö", "oe").replace("ß", "ss") + _rows(1)[0]).encode() + b"x\x8d\x90y\n",
     "Der Zeichensatz der Importdatei datei.csv ist nicht zu erkennen: Zeile 2 enthält das Byte 0x8D, das weder zu "
     "UTF-8 noch zu Windows-1252 passt, und als DOS-Zeichensatz (Codepage 850) gelesen ergäbe die Datei keinen "
     "Umlaut. Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern und erneut importieren."),
    (codecs.BOM_UTF32_LE + (HEADER + _rows(1)[0]).encode("utf-32-le"),
     "Die Importdatei datei.csv ist in UTF-32 gespeichert; gelesen werden UTF-8, UTF-16, Windows-1252 und DOS "
     "(Codepage 850). Bitte als „CSV UTF-8“ speichern und erneut importieren."),
    (codecs.BOM_UTF8 + HEADER.encode() + b"2024;\xfc\n",
     "Die Importdatei datei.csv ist am Anfang als UTF-8 gekennzeichnet (Byte-Order-Mark), Zeile 2 ist darin aber "
     "nicht gültig (Datei beschädigt oder aus zwei Dateien zusammengesetzt)."),
], ids=["utf-16-ohne-bom", "gemischt", "unbekannt", "utf-32", "bom-passt-nicht"])
def test_a_character_set_that_cannot_be_read_is_refused_by_name(seeded, tmp_path, content, message):
    path = tmp_path / "datei.csv"
    path.write_bytes(content)
    _refused(seeded, path, message)


def test_zeichensatz_forces_the_character_set_and_makes_another_import(workspace, tmp_path):
    path = tmp_path / "dos.csv"
    header = HEADER.replace("ö", "oe").replace("ß", "ss")  # nothing German to recognise CP850 by
    path.write_bytes((header + _rows(1)[0] + "Café\n").encode("cp850"))
    key = ObservationKey("DEM-01", 2000, CITY, "insgesamt", "insgesamt", "wert")
    code, output = _invoke(workspace, path)
    assert code == 0 and "gelesen als Windows-1252 (ANSI), z. B. „Caf‚“" in output, output
    assert _stored(workspace)["values"][key] == (1000.0, "", "Caf‚")  # the guess is wrong, and it is shown
    code, output = _invoke(workspace, path, "--zeichensatz", "CP850")
    assert code == 0 and "1 geänderter Wert" in output, output  # not "schon importiert": it reads other text
    assert _stored(workspace)["values"][key] == (1000.0, "", "Café")
    code, output = _invoke(workspace, path, "--zeichensatz", "utf-8")
    assert code == 1 and ("Die Importdatei dos.csv ist nicht in UTF-8 gespeichert (--zeichensatz utf-8): Zeile 2 "
                          "enthält ein Zeichen, das es darin nicht gibt.") in output, output
    code, output = _invoke(workspace, path, "--zeichensatz", "latin9")
    assert code == 2 and "Den Zeichensatz „latin9“ kennt toolkit import nicht." in " ".join(output.split())
    assert "Erlaubt: utf-8, utf-16, cp1252, cp850" in " ".join(output.split())


# ---- a column named twice ------------------------------------------------------------------------------------


def test_a_long_table_with_wert_twice_is_refused_naming_both_cells(seeded, tmp_path):
    path = tmp_path / "doppelt.csv"  # before: exit 0, the last "Wert" (4944) stored
    path.write_text(HEADER.strip() + ";Wert\n2024;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;11734;;;4944\n",
                    encoding="utf-8")
    _refused(seeded, path, "Spalte „Wert“ steht zweimal in der Kopfzeile: G1 und J1. Welche gilt, ist nicht zu "
                           "erkennen; bitte eine davon umbenennen oder löschen und erneut importieren.")


def test_a_column_the_long_format_does_not_read_is_named(workspace, tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(HEADER.strip() + ";Quelle\n" + _rows(1)[0] + ";Melderegister\n", encoding="utf-8")
    code, output = _invoke(workspace, path)
    assert code == 0, output
    assert ("Die Spalte „Quelle“ (Import!J1) gehört nicht zum Langformat und wird nicht gelesen; gelesen werden: "
            "Jahr, Indikator, Gebiet, Gruppe, Geschlecht, Messgröße, Wert, Kennzeichen, Hinweis, Altersgruppe, "
            "Staatsangehörigkeit.") in output
    assert list(_stored(workspace)["values"].values()) == [(1000.0, "", "")]


def _two_row_header(path: Path, first_year: object = 2025) -> Path:
    """A statistics office's table: "Deutsche" over C:E, "Ausländer" over F:H (merged cells), then the sexes."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Daten")
    sheet.merge_range("C1:E1", "Deutsche")
    sheet.merge_range("F1:H1", "Ausländer")
    sheet.write_row(1, 0, ["Jahr", "Stadtteil", "insgesamt", "männlich", "weiblich", "insgesamt", "männlich",
                           "weiblich"])
    sheet.write_row(2, 0, [first_year, "04", 11734, 5800, 5934, 4944, 2500, 2444])
    sheet.write_row(3, 0, [first_year, "01", 2100, 1000, 1100, 640, 300, 340])
    book.close()
    return path


BY_NAME = 'jahr = "Jahr"\ngebiet = "Stadtteil"\nkopfzeile = 2\n[spalten.insgesamt]\nindikator = "DEM-01"\n'
BY_LETTER = ('jahr = "Jahr"\ngebiet = "Stadtteil"\nkopfzeile = 2\n'
             '[[spalten.insgesamt]]\nspalte = "C"\nindikator = "DEM-01"\ngruppe = "Deutsche"\n'
             '[[spalten.insgesamt]]\nspalte = "F"\nindikator = "DEM-01"\ngruppe = "Nichtdeutsche"\n')
TWO_ROWS = ('jahr = "Jahr"\ngebiet = "Stadtteil"\nkopfzeile = [1, 2]\n'
            '[spalten."Deutsche insgesamt"]\nindikator = "DEM-01"\ngruppe = "deutsch"\n'
            '[spalten."Ausländer insgesamt"]\nindikator = "DEM-01"\ngruppe = "nichtdeutsch"\n')


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zuordnung.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wide_header_with_insgesamt_twice_is_refused_with_the_cells_and_how_to_choose(seeded, tmp_path):
    table = _two_row_header(tmp_path / "bevoelkerung.xlsx")  # before: exit 0, 4,944 (Ausländer) overwrote 11,734
    _refused(seeded, table, "Spalte „insgesamt“ steht zweimal in der Kopfzeile: C2 und F2. Bitte in der Zuordnung "
                            "zuordnung.toml je Ziel angeben, welche gemeint ist: unter [[spalten.\"insgesamt\"]] eine "
                            "Zeile wie spalte = \"C\"; oder mit kopfzeile = [1, 2] die Zeile darüber zum Namen nehmen "
                            "(z. B. „Deutsche insgesamt“).", "--zuordnung", _mapping(tmp_path, BY_NAME))


@pytest.mark.parametrize("mapping", [BY_LETTER, TWO_ROWS], ids=["spalte", "kopfzeile-zweizeilig"])
def test_a_mapping_picks_the_column_by_letter_or_by_the_two_row_name(workspace, tmp_path, mapping):
    table = _two_row_header(tmp_path / "bevoelkerung.xlsx")
    code, output = _invoke(workspace, table, "--zuordnung", _mapping(tmp_path, mapping))
    assert code == 0 and "2 Zeilen importiert (4 neue" in output, output
    values = {(k.area, k.group): v for k, (v, _flag, _note) in _stored(workspace)["values"].items()}
    assert values == {("st04", "deutsch"): 11734, ("st04", "nichtdeutsch"): 4944,
                      ("st01", "deutsch"): 2100, ("st01", "nichtdeutsch"): 640}


def test_a_letter_that_points_at_another_column_is_refused(seeded, tmp_path):
    table = _two_row_header(tmp_path / "bevoelkerung.xlsx")
    _refused(seeded, table, "Daten!D2: Die Spalte D heißt in Zeile 2 „männlich“, die Zuordnung zuordnung.toml "
                            "erwartet dort „insgesamt“ (spalte = \"D\"). Bitte den Spaltenbuchstaben in der Zuordnung "
                            "prüfen.", "--zuordnung", _mapping(tmp_path, BY_LETTER.replace('"C"', '"D"')))


def test_the_year_column_twice_in_a_wide_table_is_refused(seeded, tmp_path):
    path = tmp_path / "breit.csv"
    path.write_text("Jahr;Stadtteil;Einwohner;Jahr\n2025;04;12374;2024\n", encoding="utf-8")
    _refused(seeded, path, "Spalte „Jahr“ steht zweimal in der Kopfzeile: A1 und D1. Welche gilt, ist nicht zu "
                           "erkennen;", "--zuordnung", _mapping(tmp_path, 'jahr = "Jahr"\ngebiet = "Stadtteil"\n'
                                                                          '[spalten.Einwohner]\nindikator = "DEM-01"\n'))


# ---- years with a footnote mark ------------------------------------------------------------------------------


def test_a_year_with_a_footnote_mark_in_a_long_table_is_read_with_a_warning(workspace, tmp_path):
    path = tmp_path / "fussnote.csv"  # before: exit 4
    path.write_text(HEADER + "2025¹;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;245834;;\n"
                             "2024*;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;244000;;\n"
                             "2023 1);DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;243000;;\n", encoding="utf-8")
    code, output = _invoke(workspace, path)
    assert code == 0 and "3 Zeilen importiert" in output, output
    for cell, written, year, mark in (("A2", "2025¹", 2025, "¹"), ("A3", "2024*", 2024, "*"),
                                      ("A4", "2023 1)", 2023, "1)")):
        assert (f"Import!{cell} (Spalte Jahr): „{written}“ als Jahr {year} gelesen; das Fußnotenzeichen „{mark}“ wird "
                "nicht übernommen. Bitte in der Quelle nachlesen, was die Fußnote sagt (z. B. vorläufig).") in output
    assert {k.year: v for k, (v, _f, _n) in _stored(workspace)["values"].items()} == {2025: 245834, 2024: 244000,
                                                                                      2023: 243000}


def test_a_year_with_a_footnote_mark_in_a_wide_table_is_named_once(workspace, tmp_path):
    table = _two_row_header(tmp_path / "bevoelkerung.xlsx", first_year="2025¹")
    code, output = _invoke(workspace, table, "--zuordnung", _mapping(tmp_path, TWO_ROWS))
    assert code == 0, output
    assert ("Daten!A3 (Spalte Jahr): „2025¹“ in 2 Zeilen (ab Zeile 3) als Jahr 2025 gelesen; das Fußnotenzeichen "
            "„¹“ wird nicht übernommen.") in output
    assert {k.year for k in _stored(workspace)["values"]} == {2025}


def test_a_year_that_is_no_year_is_refused_with_the_range(seeded, tmp_path):
    path = tmp_path / "jahr.csv"
    path.write_text(HEADER + "2025a;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;1;;\n", encoding="utf-8")
    _refused(seeded, path, "Zeile 2, Spalte Jahr: „2025a“ ist kein Jahr von 1990 bis 2100.")


# ---- groups, sexes and areas by their German label -----------------------------------------------------------


def test_groups_sexes_and_areas_are_read_by_label_or_code(workspace, tmp_path):
    path = tmp_path / "namen.csv"  # before: "Nichtdeutsche" refused, "unbekannte Gruppe (Codes im Blatt Merkmale …)"
    path.write_text(HEADER + "2024;DEM-01;Alte Neustadt;Nichtdeutsche;Weiblich;Wert;1800;;\n"
                             "2024;DEM-01;04;nichtdeutsch;männlich;Wert;1900;;\n"
                             "2024;DEM-01;Gesamtstadt;Deutsche mit Migrationshintergrund;insgesamt;Anzahl;9000;;\n"
                             "2024;DEM-02;Sachsen-Anhalt;Insgesamt;;Zähler;155463;;\n", encoding="utf-8")
    code, output = _invoke(workspace, path)
    assert code == 0 and "4 Zeilen importiert" in output, output
    assert set(_stored(workspace)["values"]) == {
        ObservationKey("DEM-01", 2024, "st04", "nichtdeutsch", "weiblich", "wert"),
        ObservationKey("DEM-01", 2024, "st04", "nichtdeutsch", "maennlich", "wert"),
        ObservationKey("DEM-01", 2024, CITY, "deutsch_mit_mh", "insgesamt", "wert"),
        ObservationKey("DEM-02", 2024, "sachsen-anhalt", "insgesamt", "insgesamt", "zaehler"),
    }


def test_a_refusal_shows_the_value_and_the_allowed_labels_never_a_code(seeded, tmp_path):
    path = tmp_path / "falsch.csv"
    path.write_text(HEADER + "2024;DEM-02;Gesamtstadt;Ausländer;insgesamt;Zähler;5;;\n"
                             "2024;DEM-01;Gesamtstadt;insgesamt;Männer;Wert;5;;\n"
                             "2024;DEM-01;Gesamtstadt;insgesamt;insgesamt;Zähler;5;;\n"
                             "2024;DEM-01;Neustadt;insgesamt;insgesamt;Wert;5;;\n"
                             "2024;DEM-9;Gesamtstadt;insgesamt;insgesamt;Wert;5;;\n"
                             "2024;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;viele;;\n", encoding="utf-8")
    messages = [
        "Zeile 2, Spalte Gruppe: „Ausländer“ ist keine Gruppe von DEM-02; erlaubt: Insgesamt (Name oder Code aus dem "
        "Blatt Merkmale des Katalogs).",
        "Zeile 3, Spalte Geschlecht: „Männer“ ist kein Geschlecht von DEM-01; erlaubt: Insgesamt, Männlich, Weiblich, "
        "Divers / ohne Angabe.",
        "Zeile 4, Spalte Messgröße: „Zähler“ passt nicht zu DEM-01; erlaubt: Wert.",
        "Zeile 5, Spalte Gebiet: „Neustadt“ ist kein bekanntes Gebiet; erlaubt: Gesamtstadt, Sachsen-Anhalt, "
        "Deutschland, ein Stadtteilname (z. B. Alte Neustadt) oder der Stadtteilschlüssel des Amts für Statistik "
        "(z. B. 04).",
        "Zeile 6, Spalte Indikator: „DEM-9“ ist keine Kennzahl des Katalogs (erwartet z. B. DEM-01).",
        "Zeile 7, Spalte Wert: „viele“ ist keine Zahl (erlaubt: 1234, 1.234, 12,5).",
    ]
    _refused(seeded, path, messages[0])
    output = _invoke(seeded, path)[1]
    assert all(m in output for m in messages), output
    codes = {"maennlich", "nichtdeutsch", "deutsch_mit_mh", "divers_ohne_angabe", "zaehler", "sachsen-anhalt",
             "gesamtstadt"}
    assert not [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", output)]  # as written


def test_the_sum_warning_names_groups_by_their_labels(workspace, tmp_path):
    path = tmp_path / "summe.csv"
    path.write_text(HEADER + "2024;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;100;;\n"
                             "2024;DEM-01;Gesamtstadt;Deutsche;insgesamt;Wert;80;;\n"
                             "2024;DEM-01;Gesamtstadt;Nichtdeutsche;insgesamt;Wert;30;;\n", encoding="utf-8")
    code, output = _invoke(workspace, path)
    assert code == 0, output
    assert ("Import!G2: Die Teile (Deutsche, Nichtdeutsche) ergeben 110, die Summe „Insgesamt“ ist 100 (erwartet: "
            "Teile = Summe). Bitte prüfen.") in output


def test_a_mapping_by_label_is_the_same_mapping_and_bad_positions_are_named(catalogue, tmp_path):
    by_label, _ = load_mapping(_mapping(tmp_path, BY_LETTER), catalogue, (".",))
    by_code, _ = load_mapping(_mapping(tmp_path, BY_LETTER.replace('"Deutsche"', '"deutsch"')
                                       .replace('"Nichtdeutsche"', '"nichtdeutsch"')), catalogue, (".",))
    assert by_label is not None and by_code is not None and by_label.fingerprint == by_code.fingerprint
    mapping, problems = load_mapping(_mapping(tmp_path, BY_LETTER.replace("kopfzeile = 2", "kopfzeile = [2, 1]")
                                              .replace('spalte = "C"', 'spalte = "3"')), catalogue, (".",))
    assert mapping is None and [p.message for p in problems] == [
        "In der Zuordnung zuordnung.toml ist kopfzeile = [2, 1] ungültig; erwartet: eine Zeilennummer ab 1, oder zwei "
        "aufeinanderfolgende wie [1, 2].",
        "In der Zuordnung zuordnung.toml ist spalten.insgesamt (Ziel 1).spalte = '3' ungültig; erwartet: "
        "Spaltenbuchstaben wie \"F\".",
    ]
