"""The collection workbook as a clerk gets it, read back with openpyxl."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

import toolkit.core.xlsxwriter_adapter as cells
from toolkit.catalogue.model import Catalogue
from toolkit.collect.layout import (
    COL_FLAG,
    COL_INPUT,
    ENTRY_HEADER_ROW,
    FLAG_LIST_NAME,
    FLAGS,
    META_FIELDS,
    META_MARKER,
    SHEET_ENTRY,
    plan_workbook,
)
from toolkit.collect.notes import input_message
from toolkit.collect.row_heights import _wrapped_lines, row_height
from toolkit.collect.workbook import write_collection_workbook
from toolkit.core.keys import ObservationKey
from toolkit.core.settings import Settings

DEADLINE = dt.date(2026, 3, 31)


def _write(tmp_path: Path, catalogue: Catalogue, office: str, settings: Settings | None = None,
           prefill: dict | None = None):
    plan = plan_workbook(catalogue, office, 2025)
    if prefill is None:
        prefill = {s.key: float(100 + n) for n, s in enumerate(plan.slots) if s.role == "history"}
    path = tmp_path / f"Erhebung_2025_{office}.xlsx"
    sha = write_collection_workbook(path, plan, prefill=prefill, token="tok-123", deadline=DEADLINE,
                                    settings=settings or Settings())
    return plan, path, sha, prefill


@pytest.fixture(scope="module")
def juga(tmp_path_factory, catalogue):
    """JUGA owns indicators collected by Stadtteil (BIL-01, BIL-02)."""
    plan, path, sha, prefill = _write(tmp_path_factory.mktemp("wb"), catalogue, "JUGA")
    return plan, path, sha, prefill, openpyxl.load_workbook(path)


def test_sheets_in_order_with_hidden_identity_and_lists(juga):
    plan, _, _, _, wb = juga
    assert plan.district_sheets, "JUGA must have a Stadtteil indicator for this test"
    expected = ["Hinweise", "Erfassung", *(d.name for d in plan.district_sheets), "Definitionen", "Listen", "Kennung"]
    assert wb.sheetnames == expected
    states = {name: wb[name].sheet_state for name in wb.sheetnames}
    assert states["Listen"] == "hidden" and states["Kennung"] == "hidden"
    assert all(state == "visible" for name, state in states.items() if name not in ("Listen", "Kennung"))
    assert wb.active.title == "Hinweise"


def test_file_hash_is_returned_and_no_temp_file_left(juga):
    _, path, sha, _, _ = juga
    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_every_sheet_protected_without_password_by_default(juga):
    _, _, _, _, wb = juga
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title


def test_configured_password_is_used(tmp_path, catalogue):
    _, path, _, _ = _write(tmp_path, catalogue, "WAHL", Settings(blattschutz_kennwort="geheim"))
    wb = openpyxl.load_workbook(path)
    assert wb["Erfassung"].protection.sheet and wb["Erfassung"].protection.password


def test_only_input_cells_are_unlocked(juga):
    plan, _, _, _, wb = juga
    editable = {(s.sheet, s.cell) for s in plan.slots if s.role in ("input", "flag", "note")}
    for sheet in [SHEET_ENTRY, *(d.name for d in plan.district_sheets)]:
        ws = wb[sheet]
        for row in ws.iter_rows():
            for cell in row:
                assert cell.protection.locked == ((sheet, cell.coordinate) not in editable), f"{sheet}!{cell.coordinate}"
    for slot in plan.slots:
        if slot.role == "history":
            assert wb[slot.sheet][slot.cell].protection.locked


def test_history_cells_prefilled_and_grey_input_cells_empty_and_yellow(juga):
    plan, _, _, prefill, wb = juga
    for slot in plan.slots:
        cell = wb[slot.sheet][slot.cell]
        if slot.role == "history":
            assert cell.value == prefill[slot.key]
            assert cell.fill.fgColor.rgb.endswith("E7E6E6")
        else:
            assert cell.value is None, slot.address
            assert cell.fill.fgColor.rgb.endswith("FFF2CC")


def test_history_without_prefill_is_empty(tmp_path, catalogue):
    plan, path, _, _ = _write(tmp_path, catalogue, "WAHL", prefill={})
    ws = openpyxl.load_workbook(path)[SHEET_ENTRY]
    assert all(ws[s.cell].value is None for s in plan.slots if s.role == "history")


def test_entry_header_and_labels(juga):
    plan, _, _, _, wb = juga
    ws = wb[SHEET_ENTRY]
    header = [c.value for c in ws[ENTRY_HEADER_ROW + 1]]
    assert header[:6] == ["Kennung", "Indikator", "Gruppe", "Geschlecht", "Messgröße", "Einheit"]
    assert header[6:11] == ["2021", "2022", "2023", "2024", "2025 (Eingabe)"]
    assert header[11:13] == ["Kennzeichen", "Bemerkung"]
    first = plan.entry_rows[0]
    assert ws.cell(first.row + 1, 1).value == first.indicator.id
    assert ws.cell(first.row + 1, 3).value == plan.label("gruppe", first.group)
    quote = next(e for e in plan.entry_rows if e.measure == "zaehler")
    assert ws.cell(quote.row + 1, 5).value.startswith("Zähler: ")
    assert ws.column_dimensions["N"].hidden  # code columns are hidden


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _covers(validation, coordinate: str) -> bool:
    return coordinate in validation.sqref


def test_count_inputs_validate_whole_numbers_with_definition(juga):
    plan, _, _, _, wb = juga
    for slot in plan.input_slots():
        matching = [v for v in _validations(wb[slot.sheet]) if _covers(v, slot.cell)]
        assert len(matching) == 1, slot.address
        v = matching[0]
        assert (v.type, v.operator, v.formula1) == ("whole", "greaterThanOrEqual", "0")
        indicator = next(i for i in plan.indicators if i.id == slot.key.indicator)
        assert v.prompt == input_message(indicator) and len(v.prompt) <= 255
        assert v.prompt.startswith(" ".join(indicator.definition.split())[:40])
        assert v.showInputMessage and v.showErrorMessage


def test_decimal_inputs_validate_decimals(tmp_path, catalogue):
    plan, path, _, _ = _write(tmp_path, catalogue, "ABH")  # IKO-05 is a value in days
    ws = openpyxl.load_workbook(path)[SHEET_ENTRY]
    slot = next(s for s in plan.input_slots() if s.key.indicator == "IKO-05")
    v = next(v for v in _validations(ws) if _covers(v, slot.cell))
    assert v.type == "decimal"


def test_flag_dropdown_uses_defined_name_on_hidden_sheet(juga):
    plan, _, _, _, wb = juga
    ws = wb[SHEET_ENTRY]
    flag_cells = [s.cell for s in plan.slots if s.role == "flag"]
    lists = [v for v in _validations(ws) if v.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == FLAG_LIST_NAME
    assert all(_covers(lists[0], cell) for cell in flag_cells)
    target = wb.defined_names[FLAG_LIST_NAME].attr_text
    assert target == f"Listen!$A$1:$A${len(FLAGS)}"
    assert [c.value for c in wb["Listen"]["A"]] == list(FLAGS)


def test_identity_on_hidden_sheet_and_in_custom_properties(juga):
    plan, _, _, _, wb = juga
    ws = wb["Kennung"]
    assert ws["A1"].value == META_MARKER
    stamped = {ws.cell(i + 2, 1).value: ws.cell(i + 2, 2).value for i in range(len(META_FIELDS))}
    assert list(stamped) == list(META_FIELDS)
    assert stamped["Dienststelle"] == "JUGA" and stamped["Berichtsjahr"] == "2025"
    assert stamped["Rundenkennung"] == "tok-123" and stamped["Layout-Fingerabdruck"] == plan.fingerprint
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props == stamped
    assert "Jugendamt" in wb.properties.title and "2025" in wb.properties.title


def test_print_setup_and_frozen_panes(juga):
    plan, _, _, _, wb = juga
    for name in [SHEET_ENTRY, *(d.name for d in plan.district_sheets)]:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
        assert ws.print_title_rows.replace("$", "") == "4:4"
        assert ws.freeze_panes is not None
    assert wb[SHEET_ENTRY].column_dimensions["B"].width >= 30


def test_district_sheet_rows_and_formulas(juga, catalogue):
    plan, _, _, _, wb = juga
    district = plan.district_sheets[0]
    ws = wb[district.name]
    names = [ws.cell(row + 1, 2).value for row, _, _ in district.district_rows]
    assert names == [d.name for d in catalogue.districts]
    column = district.columns[0]
    city = ws.cell(district.city_row + 1, column.col + 1)
    total = ws.cell(district.sum_row + 1, column.col + 1)
    assert city.value.startswith("=IF(Erfassung!") and city.protection.locked
    assert "SUM(" in total.value and total.protection.locked
    entry = plan.entry_row_of(ObservationKey(district.indicator.id, 2025, "", column.group, "insgesamt",
                                             column.measure))
    assert f"Erfassung!K{entry.row + 1}" in city.value


def test_notes_sheet_names_deadline_contact_legend_and_return(juga):
    _, _, _, _, wb = juga
    text = " ".join(str(c.value) for row in wb["Hinweise"].iter_rows() for c in row if c.value)
    settings = Settings()
    for needle in ("31.03.2026", settings.koordination_name, settings.koordination_telefon,
                   settings.koordination_email, "Gelb", "Grau", "Rückgabe", "Jugendamt"):
        assert needle in text


def test_definitions_sheet_lists_every_indicator(juga):
    plan, _, _, _, wb = juga
    ws = wb["Definitionen"]
    assert [c.value for c in ws[3]][:8] == ["Kennung", "Bezeichnung", "Definition", "Zähler", "Nenner", "Einheit",
                                            "Quelle", "Stichtag"]
    assert [ws.cell(r, 1).value for r in range(4, 4 + len(plan.indicators))] == [i.id for i in plan.indicators]


def test_catalogue_text_that_looks_like_a_formula_stays_text(tmp_path, catalogue):
    indicator = catalogue.indicators_of_office("WAHL")[0]
    hostile = dataclasses.replace(indicator, name='=HYPERLINK("http://x","klick")', definition="@SUM(1)")
    indicators = {**catalogue.indicators, indicator.id: hostile}
    plan, path, _, _ = _write(tmp_path, dataclasses.replace(catalogue, indicators=indicators), "WAHL")
    ws = openpyxl.load_workbook(path)[SHEET_ENTRY]
    cell = ws.cell(plan.entry_rows[0].row + 1, 2)
    assert cell.value == '=HYPERLINK("http://x","klick")' and cell.data_type == "s"


def test_input_column_constant_matches_header(juga):
    _, _, _, _, wb = juga
    assert wb[SHEET_ENTRY].cell(ENTRY_HEADER_ROW + 1, COL_INPUT + 1).value == "2025 (Eingabe)"
    assert wb[SHEET_ENTRY].cell(ENTRY_HEADER_ROW + 1, COL_FLAG + 1).value == "Kennzeichen"


def test_rows_with_wrapped_labels_are_high_enough(juga):
    plan, _, _, _, wb = juga
    ws = wb[SHEET_ENTRY]
    entry = max(plan.entry_rows, key=lambda e: len(e.indicator.zaehler) if e.measure == "zaehler" else 0)
    assert len(ws.cell(entry.row + 1, 5).value) > 100
    assert ws.row_dimensions[entry.row + 1].height >= 3 * 13


def test_word_wrap_estimate():
    assert _wrapped_lines("Ohne Migrationshintergrund (Kita-Statistik)", 23) == 3
    assert _wrapped_lines("x" * 25, 10) == 3 and _wrapped_lines("kurz", 10) == 1
    assert row_height([("", 10)]) == row_height([("a", 10)])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) fehlt")
def test_libreoffice_keeps_protection_validation_and_identity(juga, tmp_path):
    """A clerk who saves the workbook in LibreOffice Calc keeps every safeguard of the form."""
    plan, path, _, _, original = juga
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=120)
    wb = openpyxl.load_workbook(out / path.name)
    assert wb.sheetnames == original.sheetnames
    assert wb["Listen"].sheet_state == wb["Kennung"].sheet_state == "hidden"
    assert {p.name: p.value for p in wb.custom_doc_props.props} == {
        p.name: p.value for p in original.custom_doc_props.props}
    assert wb.defined_names[FLAG_LIST_NAME].attr_text == f"Listen!$A$1:$A${len(FLAGS)}"
    for name in [SHEET_ENTRY, *(d.name for d in plan.district_sheets)]:
        ws = wb[name]
        assert ws.protection.sheet, name
        kinds = {v.type for v in ws.data_validations.dataValidation}
        assert "whole" in kinds and (name != SHEET_ENTRY or "list" in kinds)
    for slot in plan.slots:
        assert wb[slot.sheet][slot.cell].protection.locked == (slot.role == "history"), slot.address


def test_fingerprint_set_while_planning_is_the_slot_by_slot_text(catalogue):
    from toolkit.collect.layout import WorkbookPlan

    for office in catalogue.offices_with_indicators():
        plan = plan_workbook(catalogue, office.code, 2025)
        assert plan.fingerprint == WorkbookPlan.fingerprint.func(plan), office.code


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of a workbook, with the time it was made (core properties, 'Erstellt am') blanked."""
    with zipfile.ZipFile(path) as package:
        return {name: re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?", b"<Zeit>", package.read(name))
                for name in package.namelist()}


def test_formulas_prepared_once_give_the_same_file_as_xlsxwriter_alone(tmp_path, catalogue, monkeypatch):
    """STAT has Stadtteil and age sheets (formulas of both kinds): written with formulas prepared afresh (a new
    process), with the ones kept from that (the next office of a round), and with a plain xlsxwriter.Workbook (the
    fallback), every part of the three files is the same."""
    assert cells.FORMULA_MEMO, "the installed xlsxwriter has Worksheet._prepare_formula (pyproject.toml caps it)"
    monkeypatch.setattr(cells, "_PREPARED", {})
    written = []
    for name in ("frisch", "gemerkt", "xlsxwriter"):
        if name == "xlsxwriter":
            monkeypatch.setattr(cells, "FORMULA_MEMO", False)
        folder = tmp_path / name
        folder.mkdir()
        plan, path, _, _ = _write(folder, catalogue, "STAT")
        written.append(_parts(path))
        if name == "frisch":
            formulas = sum(len(re.findall(rb"<f>", xml)) for xml in written[0].values())
            assert plan.district_sheets and plan.breakdown_sheets
            assert 0 < len(cells._PREPARED) < formulas  # each text prepared once, not each formula
    assert written[0] == written[1] == written[2]
