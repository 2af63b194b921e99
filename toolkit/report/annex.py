"""The Tabellenanhang (outbox/Y/Tabellenanhang_Y.xlsx): every table of the report, a sheet per Handlungsfeld.

Values are the published ones (suppressed the same way as in the report); numbers are written as
numbers with number formats (Excel shows them with the German separators), suppressed cells as their
symbol. A value of limited reliability stays a number (it can be summed and charted) and gets a number
format that shows it in brackets, '(23,4)', as in the printed tables of the statistics offices; the
Zeichenerklärung on the sheet "Hinweise" explains the brackets. Written with xlsxwriter without formula or
URL conversion.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.core.workspace import atomic_path
from toolkit.indicators.confidentiality import symbol_legend

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = ("#,##0", "#,##0.0", "#,##0.00")  # by decimals


def sheet_name(text: str, used: set[str]) -> str:
    name = _INVALID_SHEET_CHARS.sub("-", text)[:31].strip() or "Tabelle"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def write_table_annex(path: Path, tables: list, catalogue: Catalogue, year: int) -> Path:  # noqa: ANN001
    """Write the annex atomically; ``tables`` are report_context.Table objects in report order."""
    import xlsxwriter  # heavy: only when a Tabellenanhang is written

    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                                 "strings_to_numbers": False})
        fmt = {
            "title": workbook.add_format({"bold": True, "font_size": 11}),
            "head": workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True}),
            "text": workbook.add_format({"border": 1}),
            "symbol": workbook.add_format({"border": 1, "align": "right"}),
            **{d: workbook.add_format({"border": 1, "num_format": n}) for d, n in enumerate(NUMBER_FORMATS)},
            **{("limited", d): workbook.add_format({"border": 1, "num_format": f"({n});(-{n})"})
               for d, n in enumerate(NUMBER_FORMATS)},
            "note": workbook.add_format({"font_size": 9, "italic": True}),
        }
        used: set[str] = set()
        notes = workbook.add_worksheet(sheet_name("Hinweise", used))
        notes.set_column(0, 0, 12)
        notes.set_column(1, 1, 90)
        notes.write_string(0, 0, f"Tabellenanhang zum Integrationsbericht {year}", fmt["title"])
        notes.write_string(2, 0, "Die Tabellen entsprechen denen des Berichts; gesperrte Werte sind durch Zeichen "
                                 "ersetzt; Werte mit eingeschränkter Aussagekraft stehen als Zahl in Klammern. "
                                 "Die Fußnoten stehen als Zeilen unter der jeweiligen Tabelle; die "
                                 "Fußnotenzeichen (¹) entfallen, weil die Zellen reine Zahlen enthalten.")
        notes.write_string(4, 0, "Zeichen", fmt["head"])
        notes.write_string(4, 1, "Bedeutung", fmt["head"])
        for n, (symbol, meaning) in enumerate(symbol_legend(catalogue), start=5):
            notes.write_string(n, 0, symbol, fmt["text"])
            notes.write_string(n, 1, meaning, fmt["text"])
        by_field: dict[str, list] = {}
        for table in tables:
            by_field.setdefault(table.handlungsfeld, []).append(table)
        sheets = [("", "Übersicht")] + [(hf.code, hf.name) for hf in catalogue.fields]
        for code, name in sheets:
            if code not in by_field:
                continue
            sheet = workbook.add_worksheet(sheet_name(name, used))
            _write_tables(sheet, by_field[code], fmt)
        workbook.close()
    return path


def _write_tables(sheet, tables: list, fmt: dict) -> None:  # noqa: ANN001
    row = 0
    widest = 1
    for table in tables:
        sheet.write_string(row, 0, table.titel, fmt["title"])
        row += 1
        for col, header in enumerate(table.kopf):
            sheet.write_string(row, col, header, fmt["head"])
        widest = max(widest, len(table.kopf))
        row += 1
        for cells in table.zeilen:
            for col, cell in enumerate(cells):
                if cell.number is not None and col > 0:
                    decimals = min(cell.decimals, 2)
                    style = fmt[("limited", decimals)] if getattr(cell, "limited", False) else fmt[decimals]
                    sheet.write_number(row, col, cell.number, style)
                else:
                    symbol = col > 0 and len(cell.text) <= 2
                    sheet.write_string(row, col, cell.text, fmt["symbol" if symbol else "text"])
            row += 1
        for note in table.notes:
            sheet.write_string(row, 0, note, fmt["note"])
            row += 1
        row += 1
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, widest, 11)
    sheet.freeze_panes(0, 1)
