"""The streamed rows of the master matrix (matrix_xml): texts stay texts, odd characters survive, readers agree."""

from __future__ import annotations

import io
import math

import xlsxwriter
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from toolkit.merge.matrix_xml import SheetRows, fill_package

TEXTS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+49 391", "@SUMME(A1)", "-1", "  Leerzeichen vorn",
         "Umlaute äöüß & <Klammern>", "Steuer\x01zeichen", "wörtlich _x0041_", "Zeile 1\nZeile 2", "x" * 40_000]


def _book(tmp_path, rows, count):  # noqa: ANN001, ANN202
    package = io.BytesIO()
    book = xlsxwriter.Workbook(package, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    number = book.add_format({"num_format": "0.0"})
    number._get_xf_index()
    ws = book.add_worksheet("Daten")
    for col, header in enumerate(["Text", "Zahl", "Ganz", "Leer", "Ende"]):
        ws.write_string(0, col, header)
    ws.autofilter(0, 0, count, 4)
    book.close()
    target = tmp_path / "m.xlsx"
    fill_package(package.getvalue(), target, [SheetRows("Daten", 5, count, rows, {"number": number})])
    return target


def _as_xlsxwriter_writes(tmp_path):  # noqa: ANN001, ANN202
    """What openpyxl reads back when xlsxwriter itself writes TEXTS (it keeps Excel's _xHHHH_ escapes)."""
    path = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet()
    for row, text in enumerate(TEXTS):
        ws.write_string(row, 0, text[:32_767])
    book.close()
    return [r[0].value for r in load_workbook(path).active.iter_rows()]


def test_streamed_rows_read_back_equal_with_openpyxl_and_calamine(tmp_path) -> None:  # noqa: ANN001
    expected = _as_xlsxwriter_writes(tmp_path)
    rows = [("number", ((text,), (float(n) + 0.5, n), (None, "Ende"))) for n, text in enumerate(TEXTS)]
    rows.append(("number", (("gleich",), (math.nan, 7), ("", True))))
    rows.append(("number", (("gleich",), (1.5, 7), (None, "Ende"))))  # equal blocks are reused
    target = _book(tmp_path, rows, len(rows))
    sheet = load_workbook(target)["Daten"]
    got = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    for n in range(len(TEXTS)):
        assert got[n][0] == expected[n], n
        assert got[n][1:3] == [n + 0.5, n] and got[n][3] is None and got[n][4] == "Ende"
    assert got[-2][1:] == [None, 7, None, "WAHR"] and got[-1][:3] == ["gleich", 1.5, 7]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, len(rows) + 2))
    assert sheet.cell(row=2, column=2).number_format == "0.0"
    assert sheet.dimensions == f"A1:E{len(rows) + 1}" and sheet.auto_filter.ref
    book = CalamineWorkbook.from_path(str(target))
    data = book.get_sheet_by_name("Daten").to_python()
    assert data[1][0] == TEXTS[0] and data[3][1:3] == [2.5, 2] and data[-1][:2] == ["gleich", 1.5]


def test_wrong_row_count_is_refused(tmp_path) -> None:  # noqa: ANN001
    import pytest

    with pytest.raises(ValueError):
        _book(tmp_path, [("number", (("a",),))], 2)
