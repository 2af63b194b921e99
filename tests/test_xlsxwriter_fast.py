"""The xlsxwriter adapter (rows of the master matrix): texts stay texts, odd characters survive, readers agree,
and the public fallback reads back the same as the fast path."""

from __future__ import annotations

import math

import pytest
import xlsxwriter
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from xlsxwriter.format import Format

import toolkit.core.xlsxwriter_adapter as fast
from toolkit.core.xlsxwriter_adapter import RowsBook

TEXTS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+49 391", "@SUMME(A1)", "-1", "  Leerzeichen vorn",
         "Umlaute äöüß & <Klammern>", "Steuer\x01zeichen", "wörtlich _x0041_", "Zeile 1\nZeile 2", "x" * 40_000]
OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


@pytest.fixture(params=["streamed", "public"])
def streamed(request, monkeypatch) -> bool:
    """Each test runs with the fast path and with the public fallback forced."""
    if request.param == "public":
        monkeypatch.setattr(fast, "STREAMED_ROWS", False)
    return request.param == "streamed"


def _book(tmp_path, rows, count):
    target = tmp_path / "m.xlsx"
    book = RowsBook(target, OPTIONS)
    book.number_styles({"number": book.workbook.add_format({"num_format": "0.0"})})
    ws = book.workbook.add_worksheet("Daten")
    for col, header in enumerate(["Text", "Zahl", "Ganz", "Leer", "Ende"]):
        ws.write_string(0, col, header)
    ws.autofilter(0, 0, count, 4)
    book.add_rows(ws, 5, count, rows)
    book.close()
    return target


def _as_xlsxwriter_writes(tmp_path):
    """What openpyxl reads back when xlsxwriter itself writes TEXTS (it keeps Excel's _xHHHH_ escapes)."""
    path = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    ws = book.add_worksheet()
    for row, text in enumerate(TEXTS):
        ws.write_string(row, 0, text[:32_767])
    book.close()
    return [r[0].value for r in load_workbook(path).active.iter_rows()]


def test_rows_read_back_equal_with_openpyxl_and_calamine(tmp_path, streamed) -> None:
    expected = _as_xlsxwriter_writes(tmp_path)
    rows = [("number", ((text,), (float(n) + 0.5, n), (None, "Ende"))) for n, text in enumerate(TEXTS)]
    rows.append(("number", (("gleich",), (math.nan, 7), ("", True))))
    rows.append(("number", (("gleich",), (1.5, 7), (None, "Ende"))))  # equal blocks are reused
    target = _book(tmp_path, rows, len(rows))
    sheet = load_workbook(target)["Daten"]
    got = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    for n in range(len(TEXTS)):
        if streamed or "_x0041_" not in TEXTS[n]:  # openpyxl keeps Excel's escape in inline strings (fallback)
            assert got[n][0] == expected[n], n
        assert got[n][1:3] == [n + 0.5, n] and got[n][3] is None and got[n][4] == "Ende"
    assert got[-2][1:] == [None, 7, None, "WAHR"] and got[-1][:3] == ["gleich", 1.5, 7]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, len(rows) + 2))
    assert sheet.cell(row=2, column=2).number_format == "0.0"
    assert sheet.cell(row=2, column=3).number_format == "General"
    assert sheet.dimensions == f"A1:E{len(rows) + 1}" and sheet.auto_filter.ref
    book = CalamineWorkbook.from_path(str(target))
    data = book.get_sheet_by_name("Daten").to_python()
    assert data[3][1:3] == [2.5, 2] and data[-1][:2] == ["gleich", 1.5]
    assert [row[0] for row in data[1:len(TEXTS) + 1]] == [text[:32_767] for text in TEXTS]


def test_fallback_reads_back_the_same_as_the_fast_path(tmp_path, monkeypatch) -> None:
    """Same cells, values, types and formats; a float that needs all 17 digits keeps 16 in the fallback."""
    rows = [("number" if n % 3 else "rate", ((f"Text {n % 7}", n), (None, n / 7, n * 1e12 + 0.25),
                                             (True if n % 2 else "", f" {n} ")))
            for n in range(300)]
    files = {}
    for mode in ("streamed", "public"):
        monkeypatch.setattr(fast, "STREAMED_ROWS", mode == "streamed")
        files[mode] = tmp_path / f"{mode}.xlsx"
        book = RowsBook(files[mode], OPTIONS)
        book.number_styles({"number": book.workbook.add_format({"num_format": "0.0"}),
                            "rate": book.workbook.add_format({"num_format": "0.000", "italic": True})})
        ws = book.workbook.add_worksheet("Daten")
        ws.write_string(0, 0, "Kopf", book.workbook.add_format({"bold": True}))
        ws.freeze_panes(1, 0)
        book.add_rows(ws, 7, len(rows), rows)
        book.close()
    cells = {}
    for mode, path in files.items():
        sheet = load_workbook(path)["Daten"]
        cells[mode] = [[(c.value, c.data_type, c.number_format, c.font.b, c.font.i) for c in r]
                       for r in sheet.iter_rows()]
        assert sheet.freeze_panes == "A2"
    assert len(cells["streamed"]) == len(rows) + 1
    for fast_row, public_row in zip(cells["streamed"], cells["public"], strict=True):
        for (value, *rest), (other, *other_rest) in zip(fast_row, public_row, strict=True):
            assert rest == other_rest
            assert value == other or value == pytest.approx(other, rel=1e-15, abs=0)


def test_wrong_row_count_is_refused(tmp_path, streamed) -> None:
    with pytest.raises(ValueError):
        _book(tmp_path, [("number", (("a",),))], 2)


def test_the_internal_is_looked_up_and_a_missing_one_is_seen(monkeypatch) -> None:
    assert fast.STREAMED_ROWS  # the xlsxwriter of constraints.txt has it
    monkeypatch.delattr(Format, "_get_xf_index")
    assert not fast._has_streamed_rows()
