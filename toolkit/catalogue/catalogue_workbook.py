"""Write the catalogue template Indikatorenmatrix.xlsx from raw rows (by default the packaged CSVs).

The sheet is meant to be edited by the coordinator in Excel: readable headers, column widths, filters,
a frozen header row and drop-down lists for the code columns.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter

from toolkit.catalogue.model import SHEETS, Column, RawRow, SheetSpec, default_rows
from toolkit.catalogue.sheets import SHARE_UNITS
from toolkit.core.cells import column_letter
from toolkit.core.workspace import atomic_path

NOTES = [
    ("Indikatorenkatalog des Integrationsmonitorings", "title"),
    ("Diese Arbeitsmappe steuert das Werkzeug: Welche Kennzahlen erhoben werden, wer sie liefert, "
     "in welche Gruppen sie gegliedert sind und wie kleine Zahlen geschützt werden.", ""),
    ("So bearbeiten Sie den Katalog", "heading"),
    ("• Jede Zeile im Blatt Indikatoren ist eine Kennzahl. Die Kennung (z. B. BIL-06) bleibt über die Jahre gleich; "
     "bitte nie wiederverwenden.", ""),
    ("• Codes (Handlungsfeld, Zuständige Stelle, Geheimhaltungsprofil) wählen Sie aus der Liste; sie müssen in den "
     "Blättern Handlungsfelder, Fachbereiche und Geheimhaltung angelegt sein.", ""),
    ("• Gruppen: Codes aus dem Blatt Merkmale, mit Semikolon getrennt (z. B. insgesamt;deutsch;nichtdeutsch).", ""),
    ("• Typ: quote = das Werkzeug rechnet Zähler / Nenner × Faktor; anzahl = eine Zahl wird geliefert; "
     "wert = ein fertiger Wert wird übernommen (Faktor gibt dann nur die Einheit an).", ""),
    ("• Typ, Einheit und Faktor passen zusammen: anzahl mit Faktor 1 und einer Einheit wie Anzahl oder Personen; "
     "quote mit einem Anteil und seinem Faktor (" + ", ".join(f"{u} = {f}" for u, f in SHARE_UNITS.items()) + "); "
     "wert mit einem dieser Anteile und seinem Faktor oder einer anderen Einheit (Index, Tage, Euro) und Faktor 1.", ""),
    ("• Ein Blatt, in dem nichts eingetragen ist (z. B. Gleiche Zahlen), bleibt mit seiner Kopfzeile stehen: Ein "
     "gelöschtes Blatt meldet jeder Befehl als Fehler.", ""),
    ("• Richtung: plus = höher ist besser, minus = niedriger ist besser, neutral/deuten = ohne Bewertung.", ""),
    ("• Hinweis für den Bericht: steht im veröffentlichten Bericht unter der Kennzahl (Abgrenzung, Vergleichbarkeit, "
     "Brüche). Interne Notiz: Arbeitshinweise für die Koordination; sie steht nur in der internen Fassung "
     "(toolkit compile --intern) und nie im veröffentlichten Bericht, im Tabellenanhang oder in den offenen Daten.", ""),
    ("• Öffentliche Texte (Bezeichnung, Definition, Zähler, Nenner, Quelle, Hinweis für den Bericht, Namen der Stellen "
     "und Merkmale) stehen im Bericht und in den Erhebungsbögen. Arbeitsnotizen wie „Quelle prüfen“ oder „noch zu "
     "klären“ gehören in die Spalte „Interne Notiz“ (Blätter Indikatoren und Fachbereiche); sonst warnen check und "
     "compile.", ""),
    ("• Erhebungsjahre (Blatt Indikatoren): nur für eine Kennzahl, die nicht jedes Jahr erhoben wird, die Jahre mit "
     "Semikolon (bei der Periodizität Wahljahr Pflicht, z. B. 2019;2024;2029). Gültig ab (Blatt Merkmale): das erste "
     "Jahr einer Gruppe (z. B. Einwanderungsgeschichte ab 2021). Für andere Jahre fragt der Bogen nichts ab, und ein "
     "Wert ist ein Fehler.", ""),
    ("• Altersgruppen: im Blatt Altersgruppen mit „von“ und „bis unter“ (leer = nach oben offen) und einer "
     "Verwendung (z. B. Pyramide). Die Gruppen einer Verwendung erfassen zusammen jedes Alter genau einmal, ab 0 und "
     "bis zu einer offenen Gruppe. Eine Kennzahl nennt in der Spalte „Altersgruppen“ die Verwendungen, nach denen sie "
     "erhoben wird, und in „Gruppen nach Alter“ die Gruppen (leer = alle).", ""),
    ("• Staatsangehörigkeiten: im gleichnamigen Blatt mit dem dreistelligen Schlüssel des Statistischen Bundesamts "
     "(z. B. 475 Syrien), den Gruppen aus dem Blatt Merkmale (nichtdeutsch;eu …) und ob der Erhebungsbogen sie einzeln "
     "erfragt. Eine Kennzahl mit „Staatsangehörigkeiten“ = ja wird innerhalb der Gruppe nichtdeutsch nach einzelnen "
     "Staatsangehörigkeiten erhoben.", ""),
    ("• Zeitreihenbrüche (z. B. neues Bevölkerungskonzept, Zensus) tragen Sie im Blatt Zeitreihenbrueche ein; "
     "über einen Bruch hinweg wird kein Trend bewertet.", ""),
    ("• Nach dem Speichern prüft jeder toolkit-Befehl den Katalog und nennt Fehler mit Blatt, Zeile und Spalte.", ""),
    ("Blätter", "heading"),
    *[(f"{spec.name}: {len(spec.written)} Spalten", "") for spec in SHEETS],
]


def write_catalogue_workbook(path: Path, rows: dict[str, list[RawRow]] | None = None) -> None:
    """Write the catalogue workbook atomically; ``rows`` default to the packaged CSVs."""
    rows = default_rows() if rows is None else rows
    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(
            str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        )
        workbook.set_properties({
            "title": "Indikatorenkatalog Integrationsmonitoring",
            "created": datetime.datetime(2026, 1, 1),  # fixed: the same catalogue gives the same bytes
        })
        formats = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "heading": workbook.add_format({"bold": True, "font_size": 11}),
            "": workbook.add_format({"text_wrap": True, "valign": "top"}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
            ),
            "cell": workbook.add_format({"valign": "top"}),
            "wrap": workbook.add_format({"valign": "top", "text_wrap": True}),
        }
        notes = workbook.add_worksheet("Hinweise")
        notes.set_column(0, 0, 110)
        for number, (text, style) in enumerate(NOTES):
            notes.write_string(number, 0, text, formats[style])
        for spec in SHEETS:
            _write_sheet(workbook, spec, rows.get(spec.name, []), formats)
        notes.activate()
        workbook.close()


def _write_sheet(workbook: xlsxwriter.Workbook, spec: SheetSpec, rows: list[RawRow], formats: dict) -> None:
    sheet = workbook.add_worksheet(spec.name)
    sheet.freeze_panes(1, 1)
    sheet.set_row(0, 32)
    for index, column in enumerate(spec.written):
        wrap = column.width >= 40
        sheet.set_column(index, index, column.width, formats["wrap" if wrap else "cell"])
        sheet.write_string(0, index, column.header, formats["header"])
    for number, raw in enumerate(rows, start=1):
        for index, column in enumerate(spec.written):
            _write_value(sheet, number, index, column, raw.values.get(column.key, ""))
    last_row = max(len(rows), 1)
    sheet.autofilter(0, 0, last_row, len(spec.written) - 1)
    for index, column in enumerate(spec.written):
        _add_validation(sheet, index, column)


def _write_value(sheet, row: int, col: int, column: Column, text: str) -> None:
    if text == "":
        return
    if column.kind in ("int", "number"):
        try:
            number = float(text)
        except ValueError:
            sheet.write_string(row, col, text)
            return
        sheet.write_number(row, col, int(number) if number.is_integer() else number)
        return
    sheet.write_string(row, col, text)


def _add_validation(sheet, index: int, column: Column, max_rows: int = 2000) -> None:
    if column.choices:
        source: object = list(column.choices)
    elif column.lookup:
        source = f"={column.lookup}!$A$2:$A${max_rows}"
    elif column.kind in ("int", "number"):
        sheet.data_validation(1, index, max_rows, index, {
            "validate": "decimal", "criteria": "between", "minimum": -1e12, "maximum": 1e12,
            "error_title": "Zahl erwartet", "error_message": f"In der Spalte „{column.header}“ steht eine Zahl.",
        })
        return
    else:
        return
    sheet.data_validation(1, index, max_rows, index, {
        "validate": "list", "source": source,
        "input_title": column.header[:32],
        "input_message": "Bitte einen Wert aus der Liste wählen."
        if not column.lookup else f"Code aus dem Blatt {column.lookup}.",
        "error_title": "Unbekannter Wert",
        "error_message": f"Bitte einen Wert aus der Liste wählen ({column_letter(index)}).",
    })
