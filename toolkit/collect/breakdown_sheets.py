"""The sheets of a collection workbook that break an indicator down by age group or by single nationality.

One sheet per indicator and breakdown ("Alter DEM-01", "Staatsangehörigkeit DEM-04"), for the Gesamtstadt: the age
groups or nationalities as rows (code and German label), group x sex x measure as yellow input columns, then grey
computed rows: the sum of each Verwendung's age groups (or of the nationalities asked one by one) and the total the
clerk entered in the sheet Erfassung. Laid out by the plan (collect/layout.py: BreakdownSheet), written here with
the formats, validation and print setup of the workbook writer (collect/workbook.py).
"""

from __future__ import annotations

from typing import Protocol

from toolkit.collect.layout import (
    BREAKDOWN_FIXED_COLUMNS,
    BREAKDOWN_HEADER_ROW,
    COL_INPUT,
    MEASURE_LABELS,
    SHEET_ENTRY,
    BreakdownSheet,
    WorkbookPlan,
)
from toolkit.collect.notes import clip
from toolkit.collect.row_heights import row_height
from toolkit.core.cells import column_letter

COLUMN_WIDTH = 16
INTRO = {
    "altersgruppe": "Bitte je Altersgruppe die gelben Zellen ausfüllen (Gesamtstadt, Stand wie im Blatt „Erfassung“). "
                    "Jede Verwendung (z. B. Pyramide) ergibt zusammen alle Einwohnerinnen und Einwohner; die "
                    "Summenzeilen werden berechnet, die letzte Zeile zeigt den Eintrag im Blatt „Erfassung“.",
    "staatsangehoerigkeit": "Bitte je Staatsangehörigkeit die gelben Zellen ausfüllen (Gesamtstadt). Erfragt werden "
                            "die im Katalog einzeln geführten Staatsangehörigkeiten; ihre Summe kann daher kleiner sein "
                            "als alle Nichtdeutschen (letzte Zeile, aus dem Blatt „Erfassung“).",
}


class SheetWriter(Protocol):
    """What the workbook writer (collect/workbook.py) lends to this module."""

    plan: WorkbookPlan
    f: object
    entry_rows: dict

    def _write_slots(self, ws, sheet: str) -> None: ...
    def _validate_numbers(self, ws, first_row: int, first_col: int, last_row: int, last_col: int, indicator) -> None: ...
    def _print_setup(self, ws, header_row: int, last_col: int) -> None: ...


def write_breakdown_sheet(writer: SheetWriter, ws, sheet: BreakdownSheet) -> None:
    """Write one breakdown sheet of ``writer``'s workbook."""
    plan, f = writer.plan, writer.f
    indicator = sheet.indicator
    what = "nach Altersgruppen" if sheet.dimension == "altersgruppe" else "nach Staatsangehörigkeit"
    ws.write_string(0, 0, f"{indicator.id} {indicator.name} – {what}, Gesamtstadt {plan.year}", f.title)
    ws.write_string(1, 0, INTRO[sheet.dimension], f.text)
    ws.write_string(2, 0, clip(indicator.definition, 1000), f.text)
    for col, header in enumerate(BREAKDOWN_FIXED_COLUMNS[sheet.dimension]):
        ws.write_string(BREAKDOWN_HEADER_ROW, col, header, f.header)
    labels = [f"{plan.label('gruppe', c.group)} – {plan.label('geschlecht', c.sex)}"
              + (f" – {MEASURE_LABELS[c.measure]}" if c.measure != "wert" else "") for c in sheet.columns]
    for column, label in zip(sheet.columns, labels, strict=True):
        ws.write_string(BREAKDOWN_HEADER_ROW, column.col, label, f.header)
    ws.set_row(BREAKDOWN_HEADER_ROW, row_height([(label, COLUMN_WIDTH) for label in labels]))
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 30)
    last_col = sheet.columns[-1].col
    ws.set_column(2, last_col, COLUMN_WIDTH)
    for row, code, label in sheet.rows:
        ws.write_string(row, 0, code, f.label)  # the code as text: "0-5", "475"
        ws.write_string(row, 1, label, f.label)
    writer._write_slots(ws, sheet.name)
    first, last = sheet.rows[0][0], sheet.rows[-1][0]
    writer._validate_numbers(ws, first, sheet.columns[0].col, last, last_col, indicator)
    for row, label, rows in sheet.sums:
        ws.write_string(row, 0, "", f.label)
        ws.write_string(row, 1, label, f.label)
        for column in sheet.columns:
            cells = ",".join(f"{column_letter(column.col)}{r + 1}" for r in rows)
            ws.write_formula(row, column.col, f'=IF(COUNT({cells})=0,"",SUM({cells}))', f.computed, "")
    ws.write_string(sheet.total_row, 0, "", f.label)
    ws.write_string(sheet.total_row, 1, "Insgesamt (aus Blatt Erfassung)", f.label)
    for column in sheet.columns:
        entry = writer.entry_rows.get((indicator.id, column.group, column.sex, column.measure))
        if entry is not None:
            ref = f"{SHEET_ENTRY}!{column_letter(COL_INPUT)}{entry.row + 1}"
            ws.write_formula(sheet.total_row, column.col, f'=IF({ref}="","",{ref})', f.computed, "")
    ws.freeze_panes(BREAKDOWN_HEADER_ROW + 1, 2)
    writer._print_setup(ws, BREAKDOWN_HEADER_ROW, last_col)
