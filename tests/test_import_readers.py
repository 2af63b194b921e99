"""toolkit import reads every row or refuses with the line: CSV structure, character sets, doubled header names,
years with footnote marks, groups and sexes by their German labels (issue 18, scope 3).

Every refusal is checked through the CLI (exit code, the exact German message) with the store unchanged; every
acceptance with exactly the intended values in the store.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.model import CITY
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.merge.imports import import_values

runner = CliRunner()
HEADER = "Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"
SEED = ObservationKey("DEM-01", 2020, CITY, "insgesamt", "insgesamt", "wert")


def _invoke(workspace, path: Path, *extra: object) -> tuple[int, str]:  # noqa: ANN001
    """Exit code and output of `toolkit import`; a wide terminal, so a message stays on one line of the table."""
    result = runner.invoke(toolkit.cli.app, ["import", str(path), "-w", str(workspace.root), *map(str, extra)],
                           env={"COLUMNS": "2000"})
    return result.exit_code, result.output


def _stored(workspace) -> dict:  # noqa: ANN001
    """Every stored value as (value, flag, note), and the number of deliveries."""
    with Store(workspace.store_file) as store:
        return {"values": {k: (v.value, v.flag, v.note) for k, v in store.values().items()},
                "deliveries": len(store.deliveries())}


@pytest.fixture
def seeded(workspace, tmp_path):  # noqa: ANN001, ANN201
    """A working folder with one value in the store, so that "nothing changed" is a real comparison."""
    path = tmp_path / "seed.csv"
    path.write_text(HEADER + "2020;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;240000;;\n", encoding="utf-8")
    assert import_values(workspace, path).report.ok
    return workspace


def _refused(workspace, path: Path, message: str, *extra: object) -> None:  # noqa: ANN001
    before = _stored(workspace)
    code, output = _invoke(workspace, path, *extra)
    assert code == 1, output
    assert message in output, output
    assert f"{path.name}: nicht übernommen" in output
    assert _stored(workspace) == before


def _rows(n: int, start: int = 2000) -> list[str]:
    return [f"{start + i};DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;{1000 + i};;" for i in range(n)]


# ---- CSV structure -------------------------------------------------------------------------------------------


def test_an_unclosed_quote_is_refused_with_its_line_instead_of_swallowing_40_rows(seeded, tmp_path):
    rows = _rows(41)
    rows[0] += '"Schätzung des Amts'  # before: exit 0, "1 Zeilen importiert", 40 rows in one 2,058-character Hinweis
    path = tmp_path / "reihe.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    _refused(seeded, path, "reihe.csv, Zeile 2, Spalte Hinweis: Das Anführungszeichen vor „Schätzung des Amts“ wird "
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


def test_a_quote_closed_rows_later_names_the_swallowed_lines(seeded, tmp_path):
    rows = _rows(4)
    rows[0] += '"Schätzung'
    rows[2] += 'Ende"'  # closes the quote: without a check, rows 3 and 4 would vanish into one Hinweis
    path = tmp_path / "spaet.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    _refused(seeded, path, "spaet.csv, Zeile 2, Spalte Hinweis: Das Anführungszeichen vor „Schätzung“ wird erst in "
                           "Zeile 4 geschlossen; die Zeilen 3 bis 4 gerieten so in dieses eine Feld. Bitte das "
                           "schließende Anführungszeichen in Zeile 2 ergänzen (oder das öffnende löschen) und erneut "
                           "importieren.")


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


def test_quoted_notes_with_line_breaks_semicolons_and_quotes_import_as_written(workspace, tmp_path):
    path = tmp_path / "hinweise.csv"
    path.write_text(HEADER + '2024;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;5;;"Erste Zeile; mit ""Zitat""\n'
                             'zweite Zeile"\n2024;DEM-01;04;insgesamt;insgesamt;Wert;6;;ohne\n', encoding="utf-8")
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
    assert code == 0 and "1 geänderte Werte" in output, output  # not "schon importiert": it reads other text
    assert _stored(workspace)["values"][key] == (1000.0, "", "Café")
    code, output = _invoke(workspace, path, "--zeichensatz", "utf-8")
    assert code == 1 and ("Die Importdatei dos.csv ist nicht in UTF-8 gespeichert (--zeichensatz utf-8): Zeile 2 "
                          "enthält ein Zeichen, das es darin nicht gibt.") in output, output
    code, output = _invoke(workspace, path, "--zeichensatz", "latin9")
    assert code == 2 and "Den Zeichensatz „latin9“ kennt toolkit import nicht." in " ".join(output.split())
    assert "Erlaubt: utf-8, utf-16, cp1252, cp850" in " ".join(output.split())
