"""The Tabellenanhang as a statistics office publishes it (issue #19, point 6): report/table_annex.py."""

from __future__ import annotations

import re

import pytest
from docx import Document
from openpyxl import load_workbook

from toolkit.report.table_annex import number_format, sheet_name


@pytest.mark.parametrize(("name", "expected"), [
    ("Bildung", "Bildung"),
    ("Wohnen und Integration in den Stadtteilen", "Wohnen und Integration"),
    ("Zusammenleben und Abbau von Diskriminierung", "Zusammenleben und Abbau"),
    ("Gesellschaftliche und politische Teilhabe", "Gesellschaftliche"),  # 32 characters with "politische"
    ("Interkulturelle Öffnung der Verwaltung", "Interkulturelle Öffnung"),
    ("Ein/Aus: [Test]", "Ein-Aus- -Test-"),
])
def test_sheet_names_are_cut_between_words(name: str, expected: str) -> None:
    assert sheet_name(name, set()) == expected


def test_sheet_names_stay_unique_and_short() -> None:
    used: set[str] = set()
    names = [sheet_name("Wohnen und Integration in den Stadtteilen", used) for _ in range(3)]
    assert names == ["Wohnen und Integration", "Wohnen und Integration (2)", "Wohnen und Integration (3)"]
    assert all(len(sheet_name("Ein sehr langes Wort" * 5, used)) <= 31 for _ in range(3))


def test_number_format_keeps_the_mark_the_brackets_and_the_minus_sign() -> None:
    assert number_format(0, mark="¹") == '#,##0"¹";"\u2212"#,##0"¹"'
    assert number_format(1, limited=True) == '(#,##0.0);("\u2212"#,##0.0)'
    assert number_format(0, zero=True) == '#,##0;"\u2212"#,##0;"\u2013"'  # exactly 0 is '–' as in the report


@pytest.fixture(scope="module")
def annex(compiled_with_maps):
    _workspace, result = compiled_with_maps
    workbook = load_workbook(result.annex)
    yield result, workbook
    workbook.close()


def _decimals(code: str) -> int:
    first = code.split(";")[0]
    return len(first.split(".")[1].split('"')[0].rstrip(")")) if "." in first else 0


def test_annex_values_are_rounded_as_shown(annex) -> None:
    _result, workbook = annex
    numbers = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row
               if isinstance(c.value, int | float)]
    assert numbers
    assert [(c.coordinate, c.value) for c in numbers if c.value != round(c.value, _decimals(c.number_format))] == []


def test_annex_sheets_per_handlungsfeld_with_title_source_and_notes(annex, catalogue) -> None:
    result, workbook = annex
    names = {f.name for f in catalogue.fields}
    fields = [s for s in workbook.worksheets if s.title not in ("Hinweise", "Übersicht")]
    assert fields
    for sheet in fields:
        heading = sheet["A1"].value
        name = heading.split(" – ")[0]
        assert name in names and (name + " ").startswith(sheet.title + " "), (sheet.title, heading)  # whole words
        column = [c.value for c in sheet["A"] if isinstance(c.value, str)]
        titles = [i for i, text in enumerate(column) if re.match(r"^[A-Z]{3}-\d\d ", text)]
        sources = [text for text in column if text.startswith("Quelle: ")]
        assert len(sources) == len(titles), sheet.title  # one source line per table
        assert all("; Stand: " in text and (" Stichtag" in text or " Zeitraum: " in text) for text in sources)
    document = Document(str(result.report))
    marked = [c.text for t in document.tables for row in t.rows for c in row.cells if re.search(r"\d[¹²³]$", c.text)]
    kept = [c for s in fields for row in s.iter_rows() for c in row
            if isinstance(c.value, int | float) and re.search('"[¹²³]"', c.number_format)]
    assert bool(marked) == bool(kept)  # a mark in the report is a mark in the annex
    for cell in kept:
        mark = re.search('"([¹²³])"', cell.number_format).group(1)
        below = [c.value for c in sheet_column_below(cell)]
        assert any(isinstance(v, str) and v.startswith(mark + " ") for v in below), cell.coordinate


def sheet_column_below(cell):
    sheet = cell.parent
    return [sheet.cell(row=r, column=1) for r in range(cell.row + 1, min(cell.row + 60, sheet.max_row + 1))]


def test_annex_print_setup(annex) -> None:
    _result, workbook = annex
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (1, None)
        assert sheet.page_setup.fitToHeight == 0
        if sheet.title != "Hinweise":
            assert sheet.print_title_rows == "$1:$1"
