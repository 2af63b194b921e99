"""The catalogue: defaults, the committed template, and German messages for every kind of mistake."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixtures import write_old_layout_catalogue

from toolkit.catalogue import model, sheets
from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import (
    Direction,
    IndicatorType,
    Level,
    build_catalogue,
    default_rows,
    load_catalogue,
)
from toolkit.catalogue.sheets import INDICATORS, workbook_rows
from toolkit.core.errors import CatalogueError, InputError
from toolkit.core.runtime import ContentMemo

REPO = Path(__file__).resolve().parent.parent


def test_defaults_hold_the_reference_catalogue(catalogue):
    assert len(catalogue.indicators) == 65
    assert [f.code for f in catalogue.fields][:3] == ["DEM", "REC", "SPR"]
    assert len(catalogue.districts) == 40
    # the Betreuungsquoten count the children where they live (issue #19): no default rate may exceed 100 %
    assert not any(indicator.allows_over_100 for indicator in catalogue.indicators.values())
    assert dataclasses.replace(catalogue.indicators["BIL-01"], max_wert=150).allows_over_100
    assert catalogue.indicators["DEM-02"].measures == ("zaehler", "nenner")
    assert catalogue.indicators["DEM-01"].measures == ("wert",)
    assert catalogue.groups["nichtdeutsch"].vergleichsgruppe == "deutsch"


def test_closed_vocabularies_are_read_as_their_enums_and_keep_the_texts_of_the_workbook(catalogue):
    """Typ, Richtung and Ebene are enum members; each equals the text in the workbook, the CSVs and the store."""
    raw = {r.values["id"]: r.values for r in default_rows()["Indikatoren"]}
    for indicator in catalogue.indicators.values():
        for field, vocabulary in (("typ", IndicatorType), ("richtung", Direction), ("ebene", Level)):
            value = getattr(indicator, field)
            assert type(value) is vocabulary and value == raw[indicator.id][field] == str(value), (indicator.id, field)
    assert {i.typ for i in catalogue.indicators.values()} == set(IndicatorType)
    assert {i.richtung for i in catalogue.indicators.values()} == set(Direction)
    assert {i.ebene for i in catalogue.indicators.values()} == set(Level)


def test_committed_template_matches_the_defaults(catalogue):
    committed = load_catalogue(REPO / "templates" / "Indikatorenmatrix.xlsx")
    assert committed.indicators == catalogue.indicators
    assert committed.fields == catalogue.fields
    assert committed.characteristics == catalogue.characteristics
    assert committed.sum_rules == catalogue.sum_rules
    assert committed.offices == catalogue.offices
    assert committed.districts == catalogue.districts
    assert committed.profiles == catalogue.profiles
    assert committed.breaks == catalogue.breaks
    assert committed.age_groups == catalogue.age_groups
    assert committed.nationalities == catalogue.nationalities


def test_template_is_made_for_editing_in_excel(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "Indikatorenmatrix.xlsx"
    write_catalogue_workbook(path)
    book = load_workbook(path)
    assert book.sheetnames[:8] == ["Hinweise", "Indikatoren", "Handlungsfelder", "Merkmale", "Summenregeln",
                                   "Fachbereiche", "Stadtteile", "Geheimhaltung"]
    sheet = book["Indikatoren"]
    assert sheet["A1"].value == "Kennung"
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref.startswith("A1:")
    formulas = {str(v.formula1) for v in sheet.data_validations.dataValidation}
    assert any("Fachbereiche" in f for f in formulas)
    assert any("Handlungsfelder" in f for f in formulas)
    assert sheet.column_dimensions["D"].width > 30


def _broken(change) -> str:
    rows = copy.deepcopy(default_rows())
    change(rows)
    with pytest.raises(CatalogueError) as info:
        build_catalogue(rows, "Indikatorenmatrix.xlsx")
    return str(info.value)


def test_duplicate_id_names_sheet_row_and_column():
    def change(rows):
        rows["Indikatoren"][1].values["id"] = "DEM-01"
    message = _broken(change)
    assert "Blatt Indikatoren, Zeile 3, Spalte „Kennung“ (A3)" in message
    assert "doppelt" in message


def test_unknown_office_and_group():
    def change(rows):
        rows["Indikatoren"][0].values["fachbereich"] = "XYZ"
        rows["Indikatoren"][2].values["gruppen"] = "insgesamt;marsianer"
    message = _broken(change)
    assert "Zeile 2, Spalte „Zuständige Stelle“ (N2): „XYZ“ ist unbekannt" in message
    assert "Zeile 4, Spalte „Gruppen“ (J4): die Gruppe „marsianer“ ist unbekannt" in message


def test_rate_without_numerator_and_bad_direction():
    def change(rows):
        rows["Indikatoren"][1].values["zaehler"] = ""
        rows["Indikatoren"][3].values["richtung"] = "aufwärts"
    message = _broken(change)
    assert "Zeile 3, Spalte „Zähler“" in message and "Zähler und Nenner" in message
    assert "Zeile 5, Spalte „Richtung“" in message and "„aufwärts“ ist nicht erlaubt" in message


def test_not_a_number_and_line_break_in_contact():
    def change(rows):
        rows["Indikatoren"][0].values["faktor"] = "hundert"
        rows["Fachbereiche"][0].values["ansprechperson"] = "Frau X\nBcc: alle@example.org"
        rows["Fachbereiche"][1].values["email"] = "kein-at-zeichen"
    message = _broken(change)
    assert "„hundert“ ist keine Zahl" in message
    assert "Blatt Fachbereiche, Zeile 2, Spalte „Ansprechperson“ (C2): die Zelle enthält einen Zeilenumbruch" in message
    assert "Blatt Fachbereiche, Zeile 3, Spalte „E-Mail“ (D3): „kein-at-zeichen“ ist keine gültige E-Mail-Adresse" in message


def test_missing_sheet_in_workbook(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "k.xlsx"
    write_catalogue_workbook(path)
    book = load_workbook(path)
    del book["Geheimhaltung"]
    book.save(path)
    with pytest.raises(CatalogueError, match="Blatt Geheimhaltung fehlt"):
        load_catalogue(path)


def test_old_catalogue_without_bracket_column_still_loads(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "k.xlsx"
    write_catalogue_workbook(path)
    book = load_workbook(path)
    sheet = book["Geheimhaltung"]
    header = [c.value for c in sheet[1]]
    sheet.delete_cols(header.index("Klammer unter Fallzahl") + 1)
    book.save(path)
    old = load_catalogue(path)
    assert old.profiles["befragung"].klammer_unter is None
    assert old.profiles["befragung"].min_nenner == 30
    assert load_catalogue(REPO / "templates" / "Indikatorenmatrix.xlsx").profiles["befragung"].klammer_unter == 50


def test_old_single_notes_column_becomes_the_internal_note_and_says_so_once(tmp_path, catalogue):
    path = tmp_path / "k.xlsx"
    write_old_layout_catalogue(path)
    old = load_catalogue(path)
    dem02 = old.indicators["DEM-02"]
    assert dem02.hinweis_bericht == ""  # nothing of the old column is published ...
    current = catalogue.indicators["DEM-02"]
    assert dem02.notiz_intern == f"{current.hinweis_bericht} {current.notiz_intern}".strip()  # ... nothing is lost
    assert "im Bericht so kennzeichnen" in dem02.notiz_intern
    assert len(old.notices) == 1  # one hint, not one per row
    assert "„Hinweis für den Bericht“" in old.notices[0] and "Interne Notiz" in old.notices[0]
    assert load_catalogue(REPO / "templates" / "Indikatorenmatrix.xlsx").notices == ()


def test_the_same_bytes_are_parsed_once_and_every_caller_gets_its_own_rows(tmp_path, monkeypatch):
    """Loading a catalogue again (another step, a copy of the folder) reuses the rows parsed from the same bytes; a
    changed file is parsed anew, a file with problems raises every time and is never kept, the notices are said."""
    parsed = []
    monkeypatch.setattr(sheets, "PARSED", ContentMemo(kept=2))
    real = sheets._parsed_rows
    monkeypatch.setattr(sheets, "_parsed_rows", lambda *args: parsed.append(args[0]) or real(*args))
    first, copy_ = tmp_path / "a" / "k.xlsx", tmp_path / "b" / "k.xlsx"
    write_old_layout_catalogue(first)
    copy_.parent.mkdir()
    copy_.write_bytes(first.read_bytes())
    rows = sheets.workbook_rows(first)
    rows["Indikatoren"][0].values["id"] = "geändert"
    notices: list[str] = []
    again = sheets.workbook_rows(copy_, notices)
    assert parsed == [first]  # the copy's bytes were parsed before
    assert again["Indikatoren"][0].values["id"] == "DEM-01" and again == sheets.workbook_rows(first)
    assert notices == [sheets.LEGACY_NOTES_NOTICE]
    assert load_catalogue(copy_).source == str(copy_) and len(parsed) == 1
    write_catalogue_workbook(copy_)
    assert load_catalogue(copy_).notices == () and parsed == [first, copy_]
    broken = tmp_path / "kaputt.xlsx"
    broken.write_bytes(b"kein Excel")
    for _ in range(2):
        with pytest.raises(InputError, match="lässt sich nicht lesen"):
            sheets.workbook_rows(broken)
    assert parsed == [first, copy_, broken, broken]


def test_a_catalogue_is_built_once_per_bytes_and_path_and_every_caller_gets_its_own(tmp_path, monkeypatch):
    """The checked catalogue is kept like its rows: the same bytes at the same path are not checked again; each caller
    gets dicts of its own; another path (its messages name the file), a changed file and the defaults are built anew;
    a catalogue with problems raises every time and is never kept."""
    built = []
    monkeypatch.setattr(model, "BUILT", ContentMemo(kept=4))
    real = model.build_catalogue
    monkeypatch.setattr(model, "build_catalogue", lambda rows, source, **kw: built.append(source) or real(rows, source, **kw))
    first, copy_ = tmp_path / "a" / "k.xlsx", tmp_path / "b" / "k.xlsx"
    write_catalogue_workbook(first)
    copy_.parent.mkdir()
    copy_.write_bytes(first.read_bytes())
    one = load_catalogue(first)
    del one.indicators["DEM-01"]
    one.offices.clear()
    two = load_catalogue(first)
    assert built == [str(first)] and "DEM-01" in two.indicators and two.offices and two.source == str(first)
    assert load_catalogue(copy_).source == str(copy_) and built == [str(first), str(copy_)]
    assert load_catalogue(None).source == model.DEFAULT_SOURCE and load_catalogue(None).indicators == two.indicators
    assert built == [str(first), str(copy_), model.DEFAULT_SOURCE]
    book = load_workbook(first)
    book["Indikatoren"]["A3"] = book["Indikatoren"]["A2"].value  # two indicators with one Kennung
    book.save(first)
    for _ in range(2):
        with pytest.raises(CatalogueError, match="doppelt"):
            load_catalogue(first)
    assert built[3:] == [str(first)] * 2


def test_notes_for_the_report_and_internal_notes_are_separate_columns(catalogue):
    dem02 = catalogue.indicators["DEM-02"]
    assert "Ausländerzentralregister" in dem02.hinweis_bericht
    assert "im Bericht so kennzeichnen" in dem02.notiz_intern and "kennzeichnen" not in dem02.hinweis_bericht
    assert "Leipzig" in catalogue.indicators["DIS-03"].notiz_intern
    assert "Stand bitte prüfen" in catalogue.indicators["REC-03"].notiz_intern
    staff_words = ("im Bericht", "bitte", "klären", "festlegen", "Leipzig")
    for indicator in catalogue.indicators.values():
        assert not any(word in indicator.hinweis_bericht for word in staff_words), indicator.id


def test_cells_typed_in_excel_are_read_as_their_text(tmp_path):
    """The catalogue is read with python-calamine; a value typed as a number, a date or a time, a text with blanks
    around it and a cell holding an Excel error read as the same texts as with openpyxl before (the error by its
    text, so a broken formula is not taken as an empty cell)."""
    from openpyxl import load_workbook

    path = tmp_path / "Indikatorenmatrix.xlsx"
    write_catalogue_workbook(path, default_rows())
    typed = {"referenz": dt.datetime(2020, 5, 1), "faktor": 100, "min_wert": 2.5, "max_wert": -0.0,
             "notiz_intern": dt.time(9, 30), "hinweis_bericht": "  mit Leerzeichen  ", "stichtag": dt.date(2024, 12, 31)}
    for name, error in (("typed", False), ("error", True)):
        book = load_workbook(path)
        sheet = book["Indikatoren"]
        header = [cell.value for cell in sheet[1]]
        for key, value in typed.items():
            column = next(c for c in INDICATORS.columns if c.key == key)
            sheet.cell(2, header.index(column.header) + 1, value)
        if error:
            sheet.cell(3, header.index("Einheit") + 1, "#DIV/0!").data_type = "e"
        book.save(tmp_path / f"{name}.xlsx")
        rows = workbook_rows(tmp_path / f"{name}.xlsx")["Indikatoren"]
        assert {key: rows[0].values[key] for key in typed} == {
            "referenz": "2020-05-01 00:00:00", "faktor": "100", "min_wert": "2.5", "max_wert": "0",
            "notiz_intern": "09:30:00", "hinweis_bericht": "mit Leerzeichen", "stichtag": "2024-12-31 00:00:00"}
        assert rows[1].values["einheit"] == ("#DIV/0!" if error else default_rows()["Indikatoren"][1].values["einheit"])
