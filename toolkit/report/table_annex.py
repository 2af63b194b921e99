"""The Tabellenanhang (outbox/Y/Tabellenanhang_Y.xlsx): every table of the report, as a statistics office publishes it.

A sheet per Handlungsfeld (after "Hinweise" with the Zeichenerklärung and "Übersicht"), named by the Handlungsfeld
and cut only between words. Per table: its title, the header row, the rows, its footnotes and its source line with
Stand and Stichtag or Zeitraum (report/sources.py). Numbers are written as numbers, rounded as the report shows them
(no 13.44841759 behind "13,4"), with number formats that show the German separators, the minus sign U+2212, the
brackets of a value of limited reliability, '(23,4)', and a footnote mark, '5.220¹', so that the mark stays with
its number and the note under the table explains it. Suppressed cells are their symbol. Print setup: A4 landscape,
fitted to the page width, the sheet's heading row repeated on every printed page. Written with xlsxwriter without
formula or URL conversion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.core.workspace import atomic_path
from toolkit.indicators.confidentiality import DEFAULT_MIN_POPULATION, symbol_legend
from toolkit.indicators.editions import REVISION_COLUMNS
from toolkit.report.tables import Table

SHEET_LENGTH = 31  # Excel's limit for a sheet name
REVISIONS_SHEET = "Korrigierte Werte"
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MARKS = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+$")  # a footnote mark at the end of a cell's text
_NUMBERS = ("#,##0", "#,##0.0", "#,##0.00")  # by decimals
_FUNCTION_WORDS = {"und", "oder", "sowie", "von", "vom", "in", "im", "den", "der", "des", "die", "das", "dem", "mit",
                   "für", "zur", "zum", "am", "an", "auf", "bei", "aus", "nach", "über"}


def number_format(decimals: int, limited: bool = False, mark: str = "", zero: bool = False) -> str:
    """The cell format of a published number: German separators in Excel, the minus sign U+2212 as in the printed
    report (Excel's own would be "-"), brackets for limited reliability, a footnote mark after the number; ``zero``
    (the value is exactly 0): shown as '–' like in the printed tables (a value rounded to 0 stays '0,0')."""
    plain = _NUMBERS[min(max(decimals, 0), 2)]
    after = f'"{mark}"' if mark else ""
    nothing = f';"\u2013"{after}' if zero else ""
    if limited:
        return f'({plain}){after};("\u2212"{plain}){after}' + (f';("\u2013"){after}' if zero else "")
    return f'{plain}{after};"\u2212"{plain}{after}{nothing}'


def sheet_name(text: str, used: set[str]) -> str:
    """A sheet name of at most 31 characters, unique (case-insensitive) in ``used``: ``text`` cut between words, without
    the trailing function words ("Wohnen und Integration in den Stadtteilen" -> "Wohnen und Integration")."""
    name = " ".join(_INVALID_SHEET_CHARS.sub("-", text).split()) or "Tabelle"
    if len(name) > SHEET_LENGTH:
        words = name[:SHEET_LENGTH + 1].split(" ")[:-1] or [name[:SHEET_LENGTH]]
        while len(words) > 1 and words[-1].lower() in _FUNCTION_WORDS:  # not "… Integration in den"
            words.pop()
        name = " ".join(words)
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: SHEET_LENGTH - len(suffix)].rstrip() + suffix
        n += 1
    used.add(name.lower())
    return name


def write_table_annex(path: Path, tables: list[Table], catalogue: Catalogue, year: int,
                      min_population: int = DEFAULT_MIN_POPULATION, revisions: Sequence[tuple] = ()) -> Path:
    """Write the annex atomically; ``tables`` are the report's Table objects, in report order; ``revisions`` the
    Korrigierte Werte (indicators/editions.revision_rows), on a sheet of their own when there are any."""
    import xlsxwriter  # heavy: only when a Tabellenanhang is written

    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                                 "strings_to_numbers": False})
        formats = _Formats(workbook)
        used: set[str] = set()
        notes = workbook.add_worksheet(sheet_name("Hinweise", used))
        _print_setup(notes)
        notes.set_column(0, 0, 12)
        notes.set_column(1, 1, 90)
        notes.write_string(0, 0, f"Tabellenanhang zum Integrationsbericht {year}", formats.title)
        notes.write_string(2, 0, "Die Tabellen entsprechen denen des Berichts, mit Titel, Fußnoten und Quelle je "
                                 "Tabelle; je Handlungsfeld ein Blatt. Die Zahlen sind so gerundet, wie der Bericht "
                                 "sie zeigt. Gesperrte Werte sind durch Zeichen ersetzt; Werte mit eingeschränkter "
                                 "Aussagekraft stehen als Zahl in Klammern; ein Fußnotenzeichen (¹) steht hinter der "
                                 "Zahl, die Fußnote unter der Tabelle.")
        notes.write_string(4, 0, "Zeichen", formats.head)
        notes.write_string(4, 1, "Bedeutung", formats.head)
        for n, (symbol, meaning) in enumerate(symbol_legend(catalogue, min_population), start=5):
            notes.write_string(n, 0, symbol, formats.text)
            notes.write_string(n, 1, meaning, formats.text)
        by_field: dict[str, list[Table]] = {}
        for table in tables:
            by_field.setdefault(table.handlungsfeld, []).append(table)
        sheets = [("", "Übersicht")] + [(hf.code, hf.name) for hf in catalogue.fields]
        for code, name in sheets:
            if code not in by_field:
                continue
            sheet = workbook.add_worksheet(sheet_name(name, used))
            heading = f"{name} – Tabellenanhang zum Integrationsbericht {year}" if code else \
                f"Übersicht der Kennzahlen – Tabellenanhang zum Integrationsbericht {year}"
            _write_tables(sheet, heading, by_field[code], formats)
        if revisions:
            _write_revisions(workbook.add_worksheet(sheet_name(REVISIONS_SHEET, used)), revisions, formats)
        workbook.close()
    return path


class _Formats:
    """The workbook's cell formats, number formats made once per kind."""

    def __init__(self, workbook) -> None:
        self._workbook = workbook
        self.heading = workbook.add_format({"bold": True, "font_size": 12})
        self.title = workbook.add_format({"bold": True, "font_size": 11})
        self.head = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
        self.head_number = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True,
                                                "align": "right"})
        self.text = workbook.add_format({"border": 1})
        self.symbol = workbook.add_format({"border": 1, "align": "right"})
        self.note = workbook.add_format({"font_size": 9, "italic": True})
        self.source = workbook.add_format({"font_size": 9})
        self._numbers: dict[str, object] = {}

    def number(self, code: str):
        if code not in self._numbers:
            self._numbers[code] = self._workbook.add_format({"border": 1, "num_format": code})
        return self._numbers[code]


def _write_revisions(sheet, revisions: Sequence[tuple], formats: _Formats) -> None:
    """The values an earlier edition published otherwise: one row each, numbers as the open data writes them."""
    _print_setup(sheet)
    sheet.write_string(0, 0, f"{REVISIONS_SHEET}: Werte, die eine frühere Ausgabe anders veröffentlicht hat",
                       formats.title)
    for col, header in enumerate(REVISION_COLUMNS):
        sheet.write_string(1, col, header, formats.head)
    numbers = {REVISION_COLUMNS.index("Bisher"), REVISION_COLUMNS.index("Jetzt")}
    for row, values in enumerate(revisions, start=2):
        for col, value in enumerate(values):
            if col in numbers and value != "":  # written with a decimal point in the open data
                decimals = len(str(value).partition(".")[2])
                sheet.write_number(row, col, float(value), formats.number(number_format(decimals)))
            else:
                sheet.write(row, col, value, formats.text)
    sheet.set_column(0, len(REVISION_COLUMNS), 14)


def _print_setup(sheet) -> None:
    """A4 landscape, as wide as the page, as many pages long as needed."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)


def _write_tables(sheet, heading: str, tables: list[Table], formats: _Formats) -> None:
    _print_setup(sheet)
    sheet.write_string(0, 0, heading, formats.heading)
    sheet.repeat_rows(0)  # the sheet's heading on every printed page
    row = 2
    widths: dict[int, float] = {}
    for table in tables:
        sheet.write_string(row, 0, table.titel, formats.title)
        row += 1
        for col, header in enumerate(table.kopf):
            sheet.write_string(row, col, header, formats.head_number if col else formats.head)
            longest = max((len(word) for word in header.split()), default=0)  # a header wraps only between words
            widths[col] = max(widths.get(col, 0), longest + 2, min(len(header), 24) if col == 0 else 0)
        row += 1
        for cells in table.zeilen:
            for col, cell in enumerate(cells):
                if cell.number is not None and col > 0:
                    decimals = min(cell.decimals, 2)
                    mark = _MARKS.search(cell.text)
                    code = number_format(decimals, getattr(cell, "limited", False), mark.group() if mark else "",
                                         zero=cell.number == 0)
                    sheet.write_number(row, col, round(float(cell.number), decimals), formats.number(code))
                else:
                    symbol = col > 0 and len(cell.text) <= 2
                    sheet.write_string(row, col, cell.text, formats.symbol if symbol else formats.text)
                widths[col] = max(widths.get(col, 0), min(len(cell.text), 60) + 2)
            row += 1
        for note in table.notes:
            sheet.write_string(row, 0, note, formats.note)
            row += 1
        if table.quelle:
            sheet.write_string(row, 0, table.quelle, formats.source)
            row += 1
        row += 1
    for col, width in widths.items():  # no label and no header word cut off
        sheet.set_column(col, col, max(width, 10 if col else 20))
    sheet.freeze_panes(0, 1)
