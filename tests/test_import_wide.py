"""toolkit import --zuordnung: the Amt für Statistik's wide tables (KISS-MD) through a mapping that is data.

The real tables are in tests/data/kiss-md/ (K3_T35, K3_T39); kiss_md.py imports them once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from kiss_md import (
    ALTE_NEUSTADT_2025,
    CITY_2025,
    TABLES,
    WITHHELD_K3_T39,
    kiss_md_workspace,
    mapping_of,
)
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.model import CITY
from toolkit.collect.layout import FLAG_WITHHELD
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.merge.imports import import_values
from toolkit.merge.mapping import MAPPINGS_FOLDER, default_mappings, load_mapping

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "kiss-md"
HEAD_T35 = 'quelle = "KISS-MD"\ntabelle = "K3_T35"\njahr = "K3_T35_var1"\ngebiet = "K3_T35_var2"\ngesperrt = ["."]\n'


def _invoke(*args: object) -> tuple[int, str]:
    result = runner.invoke(toolkit.cli.app, ["import", *map(str, args)])
    return result.exit_code, " ".join(result.output.split())


def _import(workspace, table: Path, mapping: Path) -> tuple[bool, list[str]]:
    """Import through the library: whether it went in, and the messages (a table in the terminal folds them)."""
    result = import_values(workspace, table, mapping_file=mapping)
    return result.report.ok, [p.message for p in result.report.problems]


def _key(indicator: str, year: int, area: str, group: str, measure: str) -> ObservationKey:
    return ObservationKey(indicator, year, area, group, "insgesamt", measure)


def _values(workspace) -> dict:
    with Store(workspace.store_file) as store:
        return store.values()


def _deliveries(workspace) -> int:
    if not workspace.store_file.exists():
        return 0
    with Store(workspace.store_file) as store:
        return len(store.deliveries())


def _mapping(tmp_path: Path, text: str, name: str = "zuordnung.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- the real tables -----------------------------------------------------------------------------------------


def test_the_city_and_the_stadtteile_by_the_amts_key(tmp_path):
    values = _values(kiss_md_workspace(tmp_path / "ws"))
    people, foreigners = CITY_2025["einwohner"], CITY_2025["auslaender"]
    assert values[_key("DEM-01", 2025, CITY, "insgesamt", "wert")].value == people
    assert values[_key("DEM-01", 2025, CITY, "nichtdeutsch", "wert")].value == foreigners
    for indicator in ("DEM-02", "STT-01"):  # one column feeds several indicators
        assert values[_key(indicator, 2025, CITY, "insgesamt", "nenner")].value == people
        assert values[_key(indicator, 2025, CITY, "insgesamt", "zaehler")].value == foreigners
    assert round(foreigners / people * 100, 1) == 16.0
    # 04 is Alte Neustadt (not the 4th Stadtteil in alphabetical order)
    assert values[_key("DEM-01", 2025, "st04", "insgesamt", "wert")].value == ALTE_NEUSTADT_2025["einwohner"]
    assert values[_key("STT-01", 2025, "st04", "insgesamt", "zaehler")].value == ALTE_NEUSTADT_2025["auslaender"]
    assert values[_key("DEM-01", 2011, "st01", "insgesamt", "wert")].value == 15263  # a number cell
    assert values[_key("DEM-01", 2021, "st01", "nichtdeutsch", "wert")].value == 3142  # a number as text
    assert values[_key("DEM-01", 2025, "st18", "insgesamt", "wert")].value is not None  # key written "18 "
    assert not [k for k in values if k.area in ("st16", "st62") and k.year >= 2022]  # rows the Amt leaves out
    counts = {table: sum(1 for k in values if k.year in years and k.group == group and k.indicator == "DEM-01"
                         and k.age == "alle")
              for table, years, group in (("K3_T35", range(2011, 2026), "insgesamt"),
                                          ("K3_T39", range(2021, 2026), "nichtdeutsch"))}
    assert counts == {"K3_T35": 607, "K3_T39": 193}  # every data row of each table
    by_age = [k for k in values if k.age != "alle"]  # K3_T39's five age groups (var3 … var7) of every row
    assert len(by_age) == 5 * 193 and {k.group for k in by_age} == {"nichtdeutsch"}


def test_withheld_totals_are_stored_as_gesperrt_without_a_value(tmp_path):
    values = _values(kiss_md_workspace(tmp_path / "ws"))
    withheld = {(k.year, k.area[2:]) for k, v in values.items()
                if k.indicator == "DEM-01" and k.group == "nichtdeutsch" and v.flag == FLAG_WITHHELD and k.age == "alle"}
    assert withheld == WITHHELD_K3_T39
    barleber_see = values[_key("STT-01", 2025, "st72", "insgesamt", "zaehler")]
    assert (barleber_see.value, barleber_see.flag) == (None, FLAG_WITHHELD)
    assert values[_key("STT-01", 2025, "st72", "insgesamt", "nenner")].value == 75  # K3_T35 withholds nothing
    assert sum(1 for k, v in values.items() if v.flag == FLAG_WITHHELD and k.age == "alle") == 3 * len(WITHHELD_K3_T39)
    assert sum(1 for k, v in values.items() if v.flag == FLAG_WITHHELD and k.age != "alle") == _withheld_by_age()
    assert not [k for k, v in values.items() if v.flag == FLAG_WITHHELD and k.group == "insgesamt"
                and k.measure in ("wert", "nenner")]


def test_the_withheld_cells_are_the_dots_in_the_file():
    rows = CalamineWorkbook.from_path(str(TABLES["K3_T39"])).get_sheet_by_index(0).to_python()
    dots = {(int(r[0]), r[1].strip()) for r in rows[1:] if r[7] == "."}
    assert dots == WITHHELD_K3_T39
    assert not [v for r in rows for v in r if v in ("", None)]  # no empty cells: the Amt writes "."


def _withheld_by_age() -> int:
    """The cells of the five age groups (var3 … var7) that K3_T39 gives as "." (read from the file)."""
    rows = CalamineWorkbook.from_path(str(TABLES["K3_T39"])).get_sheet_by_name("Sheet 1").to_python()
    return sum(1 for row in rows[1:] for cell in row[2:7] if str(cell).strip() == ".")


def test_import_through_the_cli_names_provenance_and_withheld_values(workspace):
    code, output = _invoke(TABLES["K3_T39"], "--zuordnung", mapping_of("K3_T39"), "-w", workspace.root)
    assert code == 0, output
    assert "193 Zeilen importiert (1.544 neue Werte, 0 geänderte Werte)" in output  # 579 totals, 5 × 193 by age
    assert "Herkunft „Import KISS-MD K3_T39“" in output
    assert f"Davon von der Quelle gesperrt: {42 + _withheld_by_age()} Werte" in output
    with Store(workspace.store_file) as store:
        delivery = store.deliveries()[0]
        assert store.get(_key("DEM-02", 2025, CITY, "insgesamt", "zaehler")).delivery_id == delivery["id"]
    assert (delivery["office"], delivery["source"]) == ("Import", "import")
    assert delivery["file_name"] == f"KISS-MD K3_T39 ({TABLES['K3_T39'].name})"
    rows = CalamineWorkbook.from_path(str(workspace.master_matrix)).get_sheet_by_name("Werte").to_python()
    header = rows[0]
    office, file = header.index("Dienststelle"), header.index("Datei")
    assert {(r[office], r[file]) for r in rows[1:]} == {("Import", delivery["file_name"])}


def test_numbers_as_text_are_fine_and_jumps_are_named_once_per_cell(workspace):
    result = import_values(workspace, TABLES["K3_T39"], mapping_file=mapping_of("K3_T39"))
    assert result.report.ok and result.rows == 193
    assert not [p for p in result.report.problems if p.code == "deutsches-zahlformat"]
    werder = [p.message for p in result.report.problems if p.cell == "H44"]  # 02 Werder: 130 in 2021, 174 in 2022
    assert werder == ["Sheet 1!H44: 174 statt 130 im Vorjahr (+33,8 %, erlaubt ± 20 %). Bitte prüfen und den Grund in "
                      "der Bemerkung nennen."]  # once, not once per indicator the cell feeds


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    workspace = kiss_md_workspace(tmp_path / "ws")
    before, deliveries = _values(workspace), _deliveries(workspace)
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", mapping_of("K3_T35"), "-w", workspace.root)
    assert code == 0 and "wurde schon importiert; es ändert sich nichts" in output
    assert "Sheet 1!C77" not in output  # the warnings of the first import are not shown again
    # the same mapping written differently (other comments) is the same import
    reworded = _mapping(tmp_path, "# eine Kopie\n" + mapping_of("K3_T35").read_text(encoding="utf-8"), "kopie.toml")
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", reworded, "-w", workspace.root)
    assert code == 0 and "schon importiert" in output
    # another mapping of the same file is another import, but with the same values it changes none
    only_2025 = _mapping(tmp_path, "nur_jahre = [2025]\n" + mapping_of("K3_T35").read_text(encoding="utf-8"),
                         "nur2025.toml")
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", only_2025, "-w", workspace.root)
    assert code == 0, output
    assert "39 Zeilen importiert (0 neue Werte, 0 geänderte Werte; 117 unverändert)" in output
    assert "übersprungen: 568 Zeilen" in output
    assert _values(workspace) == before
    assert _deliveries(workspace) == deliveries + 1


def test_a_mapping_is_found_by_name_in_a_new_working_folder(tmp_path):
    target = tmp_path / "neu"
    assert runner.invoke(toolkit.cli.app, ["init", str(target)]).exit_code == 0
    copied = sorted(p.name for p in (target / MAPPINGS_FOLDER).iterdir())
    assert copied == sorted(default_mappings()) == [f"kiss-md_{t}.toml" for t in ("K3_T1", "K3_T34", "K3_T35",
                                                                                     "K3_T39", "K3_T41", "K7_T74")]
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", "kiss-md_K3_T35", "-w", target)
    assert code == 0 and "Herkunft „Import KISS-MD K3_T35“" in output


@pytest.mark.parametrize("name", sorted(default_mappings()))
def test_every_shipped_mapping_fits_the_default_catalogue(name, catalogue):
    mapping, problems = load_mapping(mapping_of(name.removeprefix("kiss-md_").removesuffix(".toml")), catalogue,
                                     (".",))
    assert problems == [] and mapping is not None
    assert mapping.withheld == (".",) and mapping.label == f"KISS-MD {mapping.table}"


@pytest.mark.parametrize("table, file, rows, withheld", [
    ("K3_T34", "hauptwohnsitzbevoelkerung-nach-altersgruppen.xlsx", 197, 0),
    ("K7_T74", "sozialversicherungspflichtig-beschaeftigte-am-wohnort-nach-stadtteilen-und-geschlecht-"
               "altersklassen-und-staatsangehoerigkeit.xlsx", 224, 42),
])
def test_the_other_two_kiss_md_exports_import_through_their_mappings(workspace, table, file, rows, withheld):
    if not (REFERENCE / file).is_file():
        pytest.skip("../shared/reference/kiss-md/ fehlt")
    code, output = _invoke(REFERENCE / file, "--zuordnung", mapping_of(table), "-w", workspace.root)
    assert code == 0, output
    assert f"{rows} Zeilen importiert" in output and f"Herkunft „Import KISS-MD {table}“" in output
    assert (f"gesperrt: {withheld} Werte" in output) == bool(withheld)
    values = _values(workspace)
    if table == "K7_T74":  # 99998 (the Stadtteile not shown one by one) is skipped, not an error
        assert "übersprungen: 7 Zeilen" in output
        assert values[ObservationKey("ARB-01", 2024, CITY, "nichtdeutsch", "insgesamt", "zaehler")].value == 14118
    else:
        assert values[_key("DEM-01", 2025, CITY, "insgesamt", "wert")].value == CITY_2025["einwohner"]


# ---- a mapping that does not fit its table -------------------------------------------------------------------


def test_a_missing_column_is_named_with_its_row(workspace, tmp_path):
    mapping = _mapping(tmp_path, HEAD_T35 + '[spalten.K3_T35_var9]\nindikator = "DEM-01"\n')
    ok, messages = _import(workspace, TABLES["K3_T35"], mapping)
    assert not ok and messages == [
        "Spalte K3_T35_var9 fehlt in Zeile 1 von entwicklung-der-hauptwohnsitzbevoelkerung.xlsx (Blatt „Sheet 1“); die "
        "Zuordnung zuordnung.toml nennt sie. Vorhanden: K3_T35_var1, K3_T35_var2, K3_T35_var3, tabelle."]
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", mapping, "-w", workspace.root)
    assert code == 1 and "nicht übernommen – 1 Fehler" in output
    assert _deliveries(workspace) == 0


def test_a_year_out_of_the_mappings_range_is_named_with_its_cell(workspace, tmp_path):
    mapping = _mapping(tmp_path, HEAD_T35 + 'jahre = { von = 2011, bis = 2024 }\n[spalten.K3_T35_var3]\n'
                                            'indikator = "DEM-01"\n')
    ok, messages = _import(workspace, TABLES["K3_T35"], mapping)
    assert not ok and len(messages) == 39  # every row of 2025
    assert messages[0] == ("Sheet 1!A570 (Spalte K3_T35_var1, Zeile 570): Das Jahr 2025 liegt außerhalb der Jahre "
                           "2011–2024, die die Zuordnung zuordnung.toml zulässt.")


def _wide_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "breit.csv"
    path.write_text("Jahr;Stadtteil;Einwohner;Ausländer\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


WIDE = ('jahr = "Jahr"\ngebiet = "Stadtteil"\n'
        '[spalten.Einwohner]\nindikator = "DEM-01"\n'
        '[[spalten."Ausländer"]]\nindikator = "DEM-01"\ngruppe = "nichtdeutsch"\n'
        '[[spalten."Ausländer"]]\nindikator = "STT-01"\nmessgroesse = "zaehler"\n')


def test_a_wide_csv_and_its_misfits_by_cell_column_and_row(workspace, tmp_path):
    table = _wide_csv(tmp_path, "2025;04;12.374;3748", "zwanzig;01;5;1", "2025;03;5;1", "2025;02;k.A.;=HYPERLINK(\"x\")",
                      "2025;15003;245834;.", "2025;Alte Neustadt;1;1")
    ok, messages = _import(workspace, table, _mapping(tmp_path, WIDE))
    assert not ok and messages == [
        "Import!A3 (Spalte Jahr, Zeile 3): „zwanzig“ ist kein Jahr.",
        "Import!B4 (Spalte Stadtteil, Zeile 4): Der Gebietsschlüssel „03“ ist unbekannt. Erwartet: Stadtteilschlüssel "
        "des Amts für Statistik (z. B. 04), 15003 für die Gesamtstadt oder ein Stadtteilname. Soll die Zeile nicht "
        "übernommen werden, den Schlüssel in der Zuordnung zuordnung.toml unter gebiete_auslassen nennen.",
        "Import!C5 (Spalte Einwohner, Zeile 5): „k.A.“ ist weder eine Zahl noch leer noch ein Zeichen für „gesperrt“ "
        "(. x *).",
        "Import!D5 (Spalte Ausländer, Zeile 5): „=HYPERLINK(\"x\")“ ist weder eine Zahl noch leer noch ein Zeichen für "
        "„gesperrt“ (. x *).",
        "Import!B7 (Zeile 7): Jahr 2025 und Gebiet „Alte Neustadt“ stehen schon in Zeile 2.",
    ]
    code, output = _invoke(table, "--zuordnung", tmp_path / "zuordnung.toml", "-w", workspace.root)
    assert code == 1 and "Import!A3" in output and "5 Fehler" in output


def test_a_wide_csv_that_fits_blank_cells_as_the_mapping_says(workspace, tmp_path):
    table = _wide_csv(tmp_path, "2025;04;12374;3748", "2025;72;75;", "2025;15003;245834;x")
    code, output = _invoke(table, "--zuordnung", _mapping(tmp_path, WIDE), "-w", workspace.root)
    assert code == 0, output
    values = _values(workspace)
    assert values[_key("DEM-01", 2025, "st04", "nichtdeutsch", "wert")].value == 3748
    for area in ("st72", CITY):  # a blank (leer = "gesperrt" by default) and the settings' symbol x
        assert values[_key("STT-01", 2025, area, "insgesamt", "zaehler")].flag == FLAG_WITHHELD
    assert "Herkunft „Import breit.csv“" in output  # a mapping without quelle/tabelle: the file's name
    missing = _mapping(tmp_path, 'leer = "fehlt"\n' + WIDE, "fehlt.toml")
    table.write_text(table.read_text(encoding="utf-8").replace("2025;", "2024;"), encoding="utf-8")
    assert _invoke(table, "--zuordnung", missing, "-w", workspace.root)[0] == 0
    values = _values(workspace)
    assert _key("STT-01", 2024, "st72", "insgesamt", "zaehler") not in values
    assert values[_key("DEM-01", 2024, "st72", "insgesamt", "wert")].value == 75
    assert values[_key("STT-01", 2024, CITY, "insgesamt", "zaehler")].flag == FLAG_WITHHELD


def test_a_sheet_the_workbook_does_not_have(workspace, tmp_path):
    mapping = _mapping(tmp_path, 'blatt = "Tabelle9"\n' + HEAD_T35 + '[spalten.K3_T35_var3]\nindikator = "DEM-01"\n')
    assert _import(workspace, TABLES["K3_T35"], mapping) == (False, [
        "Die Datei entwicklung-der-hauptwohnsitzbevoelkerung.xlsx hat kein Blatt „Tabelle9“ (Zuordnung "
        "zuordnung.toml); vorhanden: „Sheet 1“."])


def test_a_workbook_with_numbers_and_a_header_further_down(workspace, tmp_path):
    path = tmp_path / "tabelle.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Hinweise")
    sheet = book.add_worksheet("Daten")
    sheet.write_row(0, 0, ["Ausländeranteil je Stadtteil"])
    sheet.write_row(2, 0, ["Jahr", "Stadtteil", "Einwohner", "Ausländer"])
    sheet.write_row(3, 0, [2025, 4, 12374, 3748])  # the key as a number: 4 = 04
    sheet.write_row(4, 0, [2025, 15003, 245834, 39404])
    book.close()
    assert _import(workspace, path, _mapping(tmp_path, 'blatt = "Daten"\nkopfzeile = 3\n' + WIDE)) == (True, [])
    assert _values(workspace)[_key("STT-01", 2025, "st04", "insgesamt", "zaehler")].value == 3748


# ---- a mapping that is wrong in itself -----------------------------------------------------------------------


def test_unknown_codes_in_the_mapping_name_the_file_and_the_key(workspace, tmp_path):
    mapping = _mapping(tmp_path, HEAD_T35 + (
        '[[spalten.K3_T35_var3]]\nindikator = "DEM-99"\n'
        '[[spalten.K3_T35_var3]]\nindikator = "DEM-02"\ngruppe = "eu"\nmessgroesse = "nenner"\n'
        '[[spalten.K3_T35_var3]]\nindikator = "STT-01"\ngeschlecht = "weiblich"\nmessgroesse = "nenner"\n'
        '[[spalten.K3_T35_var3]]\nindikator = "DEM-01"\nmessgroesse = "zaehler"\n'
        '[[spalten.K3_T35_var3]]\nindikatr = "DEM-01"\n'), "falsch.toml")
    ok, messages = _import(workspace, TABLES["K3_T35"], mapping)
    assert not ok and messages == [
        "In der Zuordnung falsch.toml, spalten.K3_T35_var3 (Ziel 1).indikator: Die Kennzahl „DEM-99“ gibt es im "
        "Katalog nicht.",
        "In der Zuordnung falsch.toml, spalten.K3_T35_var3 (Ziel 2).gruppe: Die Gruppe „eu“ gibt es bei DEM-02 "
        "nicht; erlaubt: Insgesamt.",
        "In der Zuordnung falsch.toml, spalten.K3_T35_var3 (Ziel 3).geschlecht: Das Geschlecht „weiblich“ gibt es "
        "bei STT-01 nicht; erlaubt: Insgesamt.",
        "In der Zuordnung falsch.toml, spalten.K3_T35_var3 (Ziel 4).messgroesse: Die Messgröße „zaehler“ passt nicht "
        "zu DEM-01; erlaubt: Wert.",
        "In der Zuordnung falsch.toml ist der Eintrag spalten.K3_T35_var3 (Ziel 5).indikatr unbekannt (Tippfehler?); "
        "erlaubt: indikator, gruppe, geschlecht, messgroesse, altersgruppe, staatsangehoerigkeit, spalte.",
        "In der Zuordnung falsch.toml fehlt der Eintrag spalten.K3_T35_var3 (Ziel 5).indikator (Kennzahl aus dem "
        "Katalog, z. B. DEM-01).",
    ]
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", mapping, "-w", workspace.root)
    assert code == 1 and "6 Fehler" in output


def test_the_mapping_needs_year_area_and_columns(workspace, tmp_path):
    mapping = _mapping(tmp_path, 'leer = "vielleicht"\njahre = { von = 2025, bis = 2011 }\nspalte = 1\n')
    ok, messages = _import(workspace, TABLES["K3_T35"], mapping)
    assert not ok
    assert set(messages) == {
        "In der Zuordnung zuordnung.toml ist der Eintrag spalte unbekannt (Tippfehler?); erlaubt: quelle, tabelle, "
        "blatt, kopfzeile, jahr, gebiet, gebiet_fest, gesperrt, leer, jahre, nur_jahre, gebiete_auslassen, alter, "
        "spalten.",
        "In der Zuordnung zuordnung.toml ist leer = 'vielleicht' ungültig; erwartet: \"gesperrt\" oder \"fehlt\".",
        "In der Zuordnung zuordnung.toml ist jahre = {'von': 2025, 'bis': 2011} ungültig; erwartet: "
        "{ von = 2011, bis = 2025 } mit Jahren von 1990 bis 2100.",
        "In der Zuordnung zuordnung.toml fehlt der Eintrag jahr (Name einer Spalte in Anführungszeichen).",
        "In der Zuordnung zuordnung.toml fehlt der Eintrag gebiet (Name einer Spalte in Anführungszeichen).",
        "Die Zuordnung zuordnung.toml nennt keine Wertspalte; erwartet mindestens einen Abschnitt "
        "[spalten.SPALTENNAME] mit indikator und messgroesse.",
    }


def test_an_unreadable_or_missing_mapping_is_exit_3(workspace, tmp_path):
    broken = _mapping(tmp_path, 'jahr = "K3_T35_var1"\ngebiet = K3_T35_var2\n')
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", broken, "-w", workspace.root)
    assert code == 3 and "Die Zuordnung zuordnung.toml ist keine gültige TOML-Datei (Zeile 2, Spalte" in output
    code, output = _invoke(TABLES["K3_T35"], "--zuordnung", tmp_path / "gibtsnicht.toml", "-w", workspace.root)
    assert code == 3 and "gibtsnicht.toml gibt es nicht" in output and "kiss-md_K3_T35.toml" in output
