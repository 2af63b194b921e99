"""The return reader: identity, planned cells, formulas, a file typed into with openpyxl; the master matrix."""

from __future__ import annotations

import pickle
import pickletools
import shutil

import pytest
from conftest import make_workspace
from openpyxl import load_workbook
from workbook_edit import Formula, consistent_value, filled_cells, generate, set_cells

from toolkit.collect.layout import LAYOUT_VERSION, plan_workbook
from toolkit.core.keys import KEY_SIZE, ObservationKey
from toolkit.merge.intake import merge_returns
from toolkit.returns.caches import PlanCache
from toolkit.returns.reader import read_return, readings_of

OFFICE, YEAR = "JUGA", 2025


@pytest.fixture(scope="module")
def base(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("returns")
    plan = plan_workbook(catalogue, OFFICE, YEAR)
    prefill = {s.key: 7.0 for s in plan.slots if s.role == "history"}
    blank = generate(folder / "blank.xlsx", catalogue, OFFICE, YEAR, prefill=prefill, token="T-9")
    return folder, blank, plan, prefill


def test_identity_and_every_planned_cell(base, catalogue):
    folder, blank, plan, prefill = base
    path = set_cells(blank, folder / "filled.xlsx", filled_cells(plan))
    returned = read_return(path, catalogue)
    read = readings_of(returned, PlanCache(catalogue))
    assert returned.identity.office == OFFICE and returned.identity.year == YEAR
    assert returned.identity.token == "T-9" and returned.identity.layout_version == LAYOUT_VERSION
    assert returned.identity.fingerprint == plan.fingerprint
    assert len(read.readings) == len(plan.slots) == len(returned.cells.values)
    assert returned.problems == []
    for key, reading in read.by_role("input").items():
        assert reading.value == consistent_value(key)
    assert all(r.value == 7.0 for r in read.by_role("history").values())
    assert len(returned.sha256) == 64 and returned.kind == "xlsx"


def test_a_read_return_is_plain_data_and_its_readings_are_made_on_demand(base, catalogue):
    """The one form of a read return, in one process as from a worker: no plan, no Slot or Reading objects."""
    folder, blank, plan, _prefill = base
    cells = {**filled_cells(plan), ("Erfassung", "M5"): "Bemerkung", ("Erfassung", "L5"): " Vorläufig "}
    returned = read_return(set_cells(blank, folder / "plain.xlsx", cells), catalogue)
    data = pickle.dumps(returned)
    names = {arg for op, arg, _ in pickletools.genops(data) if op.name == "SHORT_BINUNICODE"}
    assert {"ReturnedWorkbook", "SlotCells"} <= names
    assert not names & {"toolkit.collect.layout", "WorkbookPlan", "Slot", "Reading", "Readings"}
    assert pickle.loads(data) == returned
    assert len(returned.cells.values) == len(plan.slots) and set(returned.cells.texts.values()) == {"Bemerkung",
                                                                                                    "Vorläufig"}
    plans = PlanCache(catalogue)
    read = readings_of(returned, plans)
    assert read.plan is plans.plan(OFFICE, YEAR) and len(plans) == 1  # the plan comes from the cache
    first = plan.input_slots()[0]
    assert read.by_role("input")[first.key].value == returned.delivered()[0][KEY_SIZE] == consistent_value(first.key)
    assert returned.delivered()[0][KEY_SIZE + 1:] == ("vorläufig", "Bemerkung")  # the catalogue's spelling
    assert len(returned.history_values()) == sum(1 for s in plan.slots if s.role == "history")


def test_formula_in_input_cell_uses_cached_value_and_never_the_formula(base, catalogue):
    folder, blank, plan, _prefill = base
    path = set_cells(blank, folder / "formula.xlsx", {**filled_cells(plan), ("Erfassung", "K5"): Formula("4000+800", 4800.0)})
    returned = read_return(path, catalogue)
    reading = readings_of(returned, PlanCache(catalogue)).by_role("input")[ObservationKey("SPR-03", YEAR, "gesamtstadt", "insgesamt", "insgesamt",
                                                       "zaehler")]
    assert reading.value == 4800.0 and reading.formula
    assert [p.cell for p in returned.problems if p.code == "formel"] == ["K5"]
    # the formulas the writer put on the Stadtteil sheets (Gesamtstadt and sum rows) are not input cells
    assert all(p.sheet == "Erfassung" for p in returned.problems)


def test_workbook_typed_into_with_openpyxl_reads_the_same(base, catalogue):
    """A clerk's tool that re-saves the whole file (openpyxl here) keeps every value readable."""
    folder, blank, plan, _prefill = base
    book = load_workbook(blank)
    for slot in plan.input_slots():
        book[slot.sheet][slot.cell] = consistent_value(slot.key)
    book["Erfassung"]["M5"] = "Größe geschätzt; Straße geändert"
    path = folder / "openpyxl.xlsx"
    book.save(path)
    returned = read_return(path, catalogue)
    assert returned.readable, returned.problems
    read = readings_of(returned, PlanCache(catalogue))
    assert all(r.value == consistent_value(k) for k, r in read.by_role("input").items())
    assert read.by_role("note")[plan.input_slots()[0].key].text == "Größe geschätzt; Straße geändert"


def test_renamed_sheet_is_layout_changed(base, catalogue):
    folder, blank, _plan, _prefill = base
    book = load_workbook(blank)
    book["Stadtteile BIL-02"].title = "Meine Stadtteile"
    path = folder / "renamed.xlsx"
    book.save(path)
    returned = read_return(path, catalogue)
    problem = next(p for p in returned.problems if p.code == "layout-geaendert")
    assert problem.sheet == "Stadtteile BIL-02" and "umbenannt" in problem.message
    assert not returned.readable


def test_unreadable_file_never_raises(tmp_path, catalogue):
    for name, data in {"a.xlsx": b"PK\x03\x04" + b"\x00" * 50, "b.ods": b"PK\x05\x06" + b"\x00" * 18,
                       "c.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600}.items():
        path = tmp_path / name
        path.write_bytes(data)
        returned = read_return(path, catalogue)
        assert returned.problems and returned.problems[0].severity == "fehler"
        assert returned.problems[0].message


def test_master_matrix_sheets_provenance_and_text_stays_text(tmp_path, base, catalogue):
    folder, blank, plan, _prefill = base
    workspace = make_workspace(tmp_path / "ws")
    notes = {("Erfassung", "M5"): "=HYPERLINK(\"http://evil.example\",\"klick\")", ("Erfassung", "M6"): "+49 391",
             ("Erfassung", "M7"): "@SUMME(A1)", ("Erfassung", "M8"): "-Rückgang wegen Umzug", ("Erfassung", "L5"):
             "vorläufig"}
    path = set_cells(blank, folder / "Erhebung_2025_JUGA.xlsx", {**filled_cells(plan), **notes})
    shutil.copy(path, workspace.inbox / path.name)
    result = merge_returns(workspace)
    assert result.exit_code == 0, [p for r in result.reports for p in r.problems if p.severity == "fehler"]
    book = load_workbook(workspace.master_matrix)
    expected = {"Hinweise", "Indikatoren", "Handlungsfelder", "Fachbereiche", "Werte", "Lieferungen", "Änderungen",
                "Offene Befunde"}
    assert expected <= set(book.sheetnames)
    assert any(name.startswith("HF BIL") for name in book.sheetnames)
    values = book["Werte"]
    header = [c.value for c in values[1]]
    assert header == ["Kennzahl", "Jahr", "Gebiet", "Gruppe", "Geschlecht", "Altersgruppe", "Staatsangehörigkeit",
                      "Messgröße", "Wert", "Kennzeichen", "Bemerkung", "Lieferung", "Dienststelle", "Datei", "Zeitpunkt"]
    assert values.freeze_panes == "A2" and values.auto_filter.ref
    rows = [[c.value for c in r] for r in values.iter_rows(min_row=2)]
    note_col, flag_col, file_col = header.index("Bemerkung"), header.index("Kennzeichen"), header.index("Datei")
    texts = {r[note_col] for r in rows if r[note_col]}
    assert set(notes.values()) - {"vorläufig"} <= texts
    cells = [c for r in values.iter_rows(min_row=2) for c in r if c.value in texts]
    assert cells and all(c.data_type == "s" for c in cells)
    assert any(r[flag_col] == "vorläufig" for r in rows)
    assert {r[file_col] for r in rows} == {"Erhebung_2025_JUGA.xlsx"}
    wide = book[next(n for n in book.sheetnames if n.startswith("HF BIL"))]
    wide_rows = [[c.value for c in r] for r in wide.iter_rows(values_only=False)]
    assert [c.value for c in wide[1]][8:] == ["2021", "2022", "2023", "2024", "2025"]
    assert any(r[7] and str(r[7]).startswith("Quote") for r in wide_rows)
    assert {r[header.index("Altersgruppe")] for r in rows} == {"alle"}  # JUGA delivers nothing by age


def test_deleted_identity_sheet_falls_back_to_document_properties(base, catalogue):
    folder, blank, plan, _prefill = base
    filled = set_cells(blank, folder / "for_delete.xlsx", filled_cells(plan))
    book = load_workbook(filled)
    del book["Kennung"]
    path = folder / "no_identity_sheet.xlsx"
    book.save(path)
    returned = read_return(path, catalogue)
    assert returned.identity.office == OFFICE and returned.identity.year == YEAR
    assert returned.readable
    assert [p.code for p in returned.problems] == ["kennung-aus-eigenschaften"]
    assert returned.problems[0].severity == "hinweis"
