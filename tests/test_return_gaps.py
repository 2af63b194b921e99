"""Gaps that real returns showed: numbers with a decimal point typed as text into decimal (wert) cells."""

from __future__ import annotations

import json

import pytest
from conftest import make_workspace
from typer.testing import CliRunner
from workbook_edit import filled_cells, generate, set_cells

import toolkit.cli
from toolkit.collect.layout import plan_workbook
from toolkit.returns.caches import PlanCache
from toolkit.returns.reader import read_return, readings_of

runner = CliRunner()
OFFICE, YEAR = "AFA", 2025  # ARB-05 (typ wert): a decimal input cell in Erfassung!K29
DECIMAL_CELL, COUNT_CELL = "K29", "K5"


@pytest.fixture(scope="module")
def afa(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("gaps")
    plan = plan_workbook(catalogue, OFFICE, YEAR)
    slots = {s.cell: s for s in plan.slots if s.sheet == "Erfassung" and s.role == "input"}
    assert slots[DECIMAL_CELL].kind == "decimal" and slots[COUNT_CELL].kind == "count"
    base = generate(folder / "base.xlsx", catalogue, OFFICE, YEAR)
    return folder, base, filled_cells(plan), make_workspace(folder / "ws")


def _check(afa, name: str, changes: dict) -> tuple[int, list[dict], object]:
    folder, base, cells, workspace = afa
    path = set_cells(base, folder / name, {**cells, **changes})
    result = runner.invoke(toolkit.cli.app, ["check", str(path), "-w", str(workspace.root), "--format", "json"])
    return result.exit_code, json.loads(result.stdout)[0]["problems"], path


def _reading(path, catalogue, cell: str) -> float | None:
    returned = read_return(path, catalogue)
    return next(r.value for r in readings_of(returned, PlanCache(catalogue)).readings if r.slot.sheet == "Erfassung" and r.slot.cell == cell)


def test_english_decimal_point_in_a_decimal_cell_is_read_with_a_warning(afa, catalogue):
    exit_code, problems, path = _check(afa, "point.xlsx", {("Erfassung", DECIMAL_CELL): "12.5"})
    found = [p for p in problems if p["cell"] == DECIMAL_CELL]
    assert [(p["code"], p["severity"]) for p in found] == [("deutsches-zahlformat", "warnung")]
    assert "als 12,5 gelesen" in found[0]["message"] and "„12.5“" in found[0]["message"]
    assert exit_code == 0
    assert _reading(path, catalogue, DECIMAL_CELL) == 12.5


def test_ambiguous_point_in_a_decimal_cell_names_both_readings(afa, catalogue):
    exit_code, problems, path = _check(afa, "ambiguous.xlsx", {("Erfassung", DECIMAL_CELL): "1.234"})
    found = [p for p in problems if p["cell"] == DECIMAL_CELL and p["code"] == "zahl-mehrdeutig"]
    assert len(found) == 1 and found[0]["severity"] == "warnung"
    message = found[0]["message"]
    assert "als 1.234 gelesen" in message and "1,234" in message
    assert found[0]["expected"] == "1.234 oder 1,234"
    assert not [p for p in problems if p["severity"] == "fehler"]
    assert exit_code == 0
    assert _reading(path, catalogue, DECIMAL_CELL) == 1234.0


@pytest.mark.parametrize(("text", "value"), [("1.234,5", 1234.5), ("12,5", 12.5), ("1.234.567", 1234567.0)])
def test_unambiguous_german_text_in_a_decimal_cell(afa, catalogue, text, value):
    _exit, problems, path = _check(afa, "german.xlsx", {("Erfassung", DECIMAL_CELL): text})
    codes = [p["code"] for p in problems if p["cell"] == DECIMAL_CELL]
    assert "zahl-mehrdeutig" not in codes and "deutsches-zahlformat" in codes
    assert _reading(path, catalogue, DECIMAL_CELL) == value


def test_thousands_point_in_a_count_cell_is_not_ambiguous(afa, catalogue):
    _exit, problems, path = _check(afa, "count.xlsx", {("Erfassung", COUNT_CELL): "1.234"})
    codes = [p["code"] for p in problems if p["cell"] == COUNT_CELL]
    assert "deutsches-zahlformat" in codes and "zahl-mehrdeutig" not in codes
    assert _reading(path, catalogue, COUNT_CELL) == 1234.0


def test_decimal_point_in_a_count_cell_is_not_a_whole_number(afa):
    exit_code, problems, _path = _check(afa, "count_point.xlsx", {("Erfassung", COUNT_CELL): "1.5"})
    codes = {p["code"] for p in problems if p["cell"] == COUNT_CELL}
    assert {"deutsches-zahlformat", "keine-ganze-zahl"} <= codes
    assert exit_code == 1


def test_ods_formula_cells_follow_repeated_rows_and_cells():
    from toolkit.returns.safety import _scan_ods

    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
        b'<table:table table:name="Kennung"><table:table-row><table:table-cell table:formula="of:=1" '
        b'office:value-type="float" office:value="1"/></table:table-row></table:table>'
        b'<table:table table:name="Erfassung"><table:table-row table:number-rows-repeated="4"><table:table-cell '
        b'table:number-columns-repeated="10"/></table:table-row><table:table-row>'
        b'<table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="3"/>'
        b'<table:covered-table-cell table:number-columns-repeated="8"/>'
        b'<table:table-cell table:formula="of:=2400*2" office:value-type="float" office:value="4800"/>'
        b'</table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell/>'
        b'<table:table-cell table:formula="of:=[.A1]" table:number-columns-repeated="2"/></table:table-row>'
        b"</table:table></office:spreadsheet></office:body></office:document-content>")
    count, formulas = _scan_ods("x.ods", content)
    assert formulas == {"Kennung": {"A1"}, "Erfassung": {"K5", "B6", "C6", "B7", "C7"}}
    assert count == 1 + 2 + 1 + 2 * 2
