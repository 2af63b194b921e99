"""Write the collection workbook ("Erhebungsbogen") of one office from its plan (collect/layout.py).

Every data cell comes from ``plan.slots``; this module only adds what a clerk needs around them:
instructions, labels, colours, validation, protection, print setup and the identity of the file.
Formats are created once per workbook, data validations are set per range, never per cell, and each
formula text is prepared once per process (core/xlsxwriter_adapter.new_workbook), so writing stays close to the speed of
bare xlsxwriter (benchmarks/distribute.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
import xlsxwriter.worksheet

import toolkit
from toolkit.catalogue.model import Indicator
from toolkit.collect.breakdown_sheets import write_breakdown_sheet
from toolkit.collect.layout import (
    COL_CODE_GROUP,
    COL_CODE_MEASURE,
    COL_CODE_SEX,
    COL_FIRST_HISTORY,
    COL_FLAG,
    COL_INPUT,
    COL_NOTE,
    DISTRICT_FIXED_COLUMNS,
    DISTRICT_HEADER_ROW,
    ENTRY_FIRST_ROW,
    ENTRY_FIXED_COLUMNS,
    ENTRY_HEADER_ROW,
    FLAG_LIST_NAME,
    FLAGS,
    LAYOUT_VERSION,
    MEASURE_LABELS,
    META_FIELDS,
    META_MARKER,
    SHEET_DEFINITIONS,
    SHEET_ENTRY,
    SHEET_LISTS,
    SHEET_META,
    SHEET_NOTES,
    DistrictSheet,
    Slot,
    WorkbookPlan,
    measure_label,
)
from toolkit.collect.notes import ERROR_COUNT, ERROR_DECIMAL, clip, input_message, notes_rows
from toolkit.collect.row_heights import row_height
from toolkit.core.cells import column_letter, german_date
from toolkit.core.keys import ObservationKey
from toolkit.core.runtime import paused_gc
from toolkit.core.settings import Settings
from toolkit.core.workspace import atomic_path
from toolkit.core.xlsxwriter_adapter import new_workbook

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
GREY = "#E7E6E6"
YELLOW = "#FFF2CC"
HEADER = "#D9E1F2"
ENTRY_WIDTHS = (9, 38, 24, 12, 46, 10)  # the fixed columns, in ENTRY_FIXED_COLUMNS order
DISTRICT_WIDTH = 22  # a group label such as "Mit Migrationshintergrund" fits in one line
PROTECT_OPTIONS = {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                   "format_rows": True}


def entry_headers(plan: WorkbookPlan) -> list[str]:
    """Header row of the Erfassung sheet, column by column (hidden code columns at the end)."""
    return [*ENTRY_FIXED_COLUMNS, *(str(y) for y in plan.history_years), f"{plan.year} (Eingabe)",
            "Kennzeichen", "Bemerkung", "Code Gruppe", "Code Geschlecht", "Code Messgröße"]


def meta_values(plan: WorkbookPlan, token: str, created: dt.datetime | None = None) -> dict[str, str]:
    """The identity of a workbook: META_FIELDS label -> text value."""
    created = created or dt.datetime.now().replace(microsecond=0)
    values = (plan.office.code, str(plan.year), LAYOUT_VERSION, token, toolkit.__version__, plan.fingerprint,
              created.isoformat())
    return dict(zip(META_FIELDS, values, strict=True))


def write_collection_workbook(path: Path, plan: WorkbookPlan, *, prefill: Mapping[ObservationKey, float],
                              token: str, deadline: dt.date, settings: Settings) -> str:
    """Write the workbook atomically (workspace.atomic_path); return the SHA-256 hex of the file.

    The cycle collector pauses while one workbook is written (core/runtime.py: paused_gc): the plan's
    objects are not traversed over and over, and the finished workbook is freed in one pass afterwards.
    """
    with atomic_path(path) as tmp:
        with paused_gc():
            workbook = new_workbook(str(tmp), {**WORKBOOK_OPTIONS, "in_memory": True})
            _Writer(workbook, plan, prefill, token, deadline, settings).write()
            workbook.close()
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    return digest


@dataclass
class _Formats:
    """Every cell format of one workbook, created once."""

    title: object
    subtitle: object
    text: object
    wrap: object
    bold: object
    header: object
    label: object
    history: object
    history_decimal: object
    input_count: object
    input_decimal: object
    input_text: object
    computed: object
    legend_input: object
    legend_history: object

    @classmethod
    def create(cls, wb: xlsxwriter.Workbook) -> _Formats:
        def fmt(**props: object) -> object:
            return wb.add_format({"font_name": "Arial", "font_size": 10, "valign": "top", **props})

        border = {"border": 1, "border_color": "#A6A6A6"}
        return cls(
            title=fmt(bold=True, font_size=14),
            subtitle=fmt(bold=True, font_size=11),
            text=fmt(),
            wrap=fmt(text_wrap=True),
            bold=fmt(bold=True),
            header=fmt(bold=True, bg_color=HEADER, text_wrap=True, **border),
            label=fmt(text_wrap=True, **border),
            history=fmt(bg_color=GREY, num_format="#,##0", **border),
            history_decimal=fmt(bg_color=GREY, num_format="#,##0.0##", **border),
            input_count=fmt(bg_color=YELLOW, num_format="#,##0", locked=False, **border),
            input_decimal=fmt(bg_color=YELLOW, num_format="#,##0.0##", locked=False, **border),
            input_text=fmt(bg_color=YELLOW, text_wrap=True, locked=False, **border),
            computed=fmt(bg_color=GREY, num_format="#,##0.###", italic=True, **border),
            legend_input=fmt(bg_color=YELLOW, **border),
            legend_history=fmt(bg_color=GREY, **border),
        )


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook, plan: WorkbookPlan, prefill: Mapping[ObservationKey, float],
                 token: str, deadline: dt.date, settings: Settings) -> None:
        self.wb, self.plan, self.prefill, self.token = wb, plan, prefill, token
        self.deadline, self.settings = deadline, settings
        self.f = _Formats.create(wb)
        self.deadline_text = german_date(deadline)
        self.meta = meta_values(plan, token)
        self.entry_rows = {(e.indicator.id, e.group, e.sex, e.measure): e for e in plan.entry_rows}
        self.label_cache: dict[tuple[str, str, str, str], tuple[tuple[str, ...], float]] = {}
        self.slots_by_sheet: dict[str, list[Slot]] = {}
        for sheet, slots in itertools.groupby(plan.slots, key=operator.attrgetter("sheet")):
            self.slots_by_sheet.setdefault(sheet, []).extend(slots)

    def write(self) -> None:
        notes = self.wb.add_worksheet(SHEET_NOTES)
        entry = self.wb.add_worksheet(SHEET_ENTRY)
        district_sheets = [(self.wb.add_worksheet(d.name), d) for d in self.plan.district_sheets]
        breakdown_sheets = [(self.wb.add_worksheet(b.name), b) for b in self.plan.breakdown_sheets]
        definitions = self.wb.add_worksheet(SHEET_DEFINITIONS)
        lists = self.wb.add_worksheet(SHEET_LISTS)
        meta = self.wb.add_worksheet(SHEET_META)
        self._notes(notes)
        self._entry(entry)
        for sheet, district in district_sheets:
            self._district(sheet, district)
        for sheet, breakdown in breakdown_sheets:
            write_breakdown_sheet(self, sheet, breakdown)
        self._definitions(definitions)
        self._lists(lists)
        self._meta(meta)
        for sheet in self.wb.worksheets():
            sheet.protect(self.settings.blattschutz_kennwort, PROTECT_OPTIONS)
        notes.activate()
        self._properties()

    # ---- Hinweise ---------------------------------------------------------------------------------

    def _notes(self, ws) -> None:
        plan, s, f = self.plan, self.settings, self.f
        ws.set_column(0, 0, 26)
        ws.set_column(1, 1, 95)
        ws.hide_gridlines(2)
        ws.write_string(0, 0, f"Erhebungsbogen {s.titel} {plan.year}", f.title)
        ws.write_string(1, 0, s.stadt, f.subtitle)
        styles = {"text": f.wrap, "legend_input": f.legend_input, "legend_history": f.legend_history}
        rows = [(label, text, styles[style]) for label, text, style in
                notes_rows(plan, s, self.deadline_text, self.token)]
        for row, (label, text, text_format) in enumerate(rows, start=3):
            if label:
                ws.write_string(row, 0, label, f.bold)
            if text:
                ws.write_string(row, 1, text, text_format)
                if text_format is f.wrap:
                    ws.set_row(row, row_height([(text, 95)]))
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 1)  # the instructions on one page
        ws.set_footer("&L&A&RSeite &P von &N")

    # ---- Erfassung --------------------------------------------------------------------------------

    def _entry(self, ws) -> None:
        plan, f = self.plan, self.f
        ws.write_string(0, 0, f"Erfassung {plan.year} – {plan.office.name} ({plan.office.code})", f.title)
        ws.write_string(1, 0, f"Bitte nur die gelben Zellen ausfüllen. Abgabe bis {self.deadline_text}. "
                        "Grau: Werte der Vorjahre (nur lesen).", f.text)
        widths = [*ENTRY_WIDTHS, *[11] * (COL_INPUT - COL_FIRST_HISTORY), 14, 20, 40]
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.set_column(COL_CODE_GROUP, COL_CODE_MEASURE, 14, None, {"hidden": True})
        headers = entry_headers(plan)
        for col, header in enumerate(headers):
            ws.write_string(ENTRY_HEADER_ROW, col, header, f.header)
        ws.set_row(ENTRY_HEADER_ROW, row_height(list(zip(headers, widths, strict=False))))  # code columns are hidden
        first_row_of: dict[str, int] = {}
        last_row_of: dict[str, int] = {}
        write_string, label = ws.write_string, f.label
        for entry in plan.entry_rows:
            ind = entry.indicator
            first_row_of.setdefault(ind.id, entry.row)
            last_row_of[ind.id] = entry.row
            row = entry.row
            texts, height = self._entry_labels(ind, entry.group, entry.sex, entry.measure)
            for col, text in enumerate(texts):
                write_string(row, col, text, label)
            ws.set_row(row, height)
            write_string(row, COL_CODE_GROUP, entry.group)
            write_string(row, COL_CODE_SEX, entry.sex)
            write_string(row, COL_CODE_MEASURE, entry.measure)
        self._write_slots(ws, SHEET_ENTRY)
        for ind in plan.indicators:
            if ind.id in first_row_of:
                self._validate_numbers(ws, first_row_of[ind.id], COL_INPUT, last_row_of[ind.id], COL_INPUT, ind)
        if plan.entry_rows:
            first, last = plan.entry_rows[0].row, plan.entry_rows[-1].row
            ws.data_validation(first, COL_FLAG, last, COL_FLAG, {
                "validate": "list", "source": f"={FLAG_LIST_NAME}", "dropdown": True,
                "input_title": "Kennzeichen (freiwillig)",
                "input_message": "Nur ausfüllen, wenn der Wert vorläufig, geschätzt oder gerundet ist oder kein "
                                 "Wert vorliegt.",
                "error_title": "Unbekanntes Kennzeichen",
                "error_message": "Bitte eines der Kennzeichen aus der Liste wählen: " + ", ".join(FLAGS) + ".",
            })
        ws.freeze_panes(ENTRY_FIRST_ROW, 2)
        self._print_setup(ws, ENTRY_HEADER_ROW, COL_NOTE)

    def _entry_labels(self, ind: Indicator, group: str, sex: str, measure: str) -> tuple[tuple[str, ...], float]:
        """The six label cells of an Erfassung row and its height, computed once per distinct row."""
        cache_key = (ind.id, group, sex, measure)
        cached = self.label_cache.get(cache_key)
        if cached is None:
            plan = self.plan
            group_label, measure_text = plan.label("gruppe", group), measure_label(ind, measure)
            texts = (ind.id, ind.name, group_label, plan.label("geschlecht", sex), measure_text,
                     ind.einheit if measure == "wert" else "Anzahl")
            height = row_height([(ind.name, ENTRY_WIDTHS[1]), (group_label, ENTRY_WIDTHS[2]),
                                 (measure_text, ENTRY_WIDTHS[4])])
            cached = self.label_cache[cache_key] = (texts, height)
        return cached

    def _write_slots(self, ws, sheet: str) -> None:
        """Write the data cells of ``sheet``: history (grey, prefilled), input/flag/note (yellow, empty)."""
        f, prefill = self.f, self.prefill
        write_number, write_blank = ws.write_number, ws.write_blank
        formats = {("history", "count"): f.history, ("history", "decimal"): f.history_decimal,
                   ("input", "count"): f.input_count, ("input", "decimal"): f.input_decimal}
        for slot in self.slots_by_sheet.get(sheet, ()):
            role = slot.role
            if role == "history":
                value = prefill.get(slot.key)
                if value is None:
                    write_blank(slot.row, slot.col, None, formats[role, slot.kind])
                else:
                    write_number(slot.row, slot.col, value, formats[role, slot.kind])
            else:  # input: yellow by kind; flag and note: yellow text
                write_blank(slot.row, slot.col, None, formats.get((role, slot.kind), f.input_text))

    def _validate_numbers(self, ws, first_row: int, first_col: int, last_row: int, last_col: int,
                          indicator: Indicator) -> None:
        if indicator.is_count:
            rule = {"validate": "integer", "criteria": ">=", "value": 0, "error_message": ERROR_COUNT}
        else:
            rule = {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                    "error_message": ERROR_DECIMAL}
        ws.data_validation(first_row, first_col, last_row, last_col, {
            **rule, "input_title": clip(f"{indicator.id} {indicator.name}", 32),
            "input_message": input_message(indicator), "error_title": "Ungültiger Wert",
        })

    def _print_setup(self, ws, header_row: int, last_col: int) -> None:
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)
        ws.set_header(f"&L{_escape_header(self.plan.office.name)}&C&A&R{self.plan.year}")
        ws.set_footer("&LAbgabe bis " + self.deadline_text + "&RSeite &P von &N")

    # ---- Stadtteile -------------------------------------------------------------------------------

    def _district(self, ws, district: DistrictSheet) -> None:
        plan, f = self.plan, self.f
        ind = district.indicator
        ws.write_string(0, 0, f"{ind.id} {ind.name} – nach Stadtteilen, {plan.year}", f.title)
        ws.write_string(1, 0, "Bitte je Stadtteil die gelben Zellen ausfüllen. Die Zeile Gesamtstadt zeigt den "
                        "Eintrag im Blatt „Erfassung“ (dort eintragen); die Summe wird berechnet.", f.text)
        ws.write_string(2, 0, clip(ind.definition, 1000), f.text)
        for col, header in enumerate(DISTRICT_FIXED_COLUMNS):
            ws.write_string(DISTRICT_HEADER_ROW, col, header, f.header)
        labels = [f"{plan.label('gruppe', c.group)} – {MEASURE_LABELS[c.measure]}" for c in district.columns]
        for column, label in zip(district.columns, labels, strict=True):
            ws.write_string(DISTRICT_HEADER_ROW, column.col, label, f.header)
        ws.set_row(DISTRICT_HEADER_ROW, row_height([(label, DISTRICT_WIDTH) for label in labels]))
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 30)
        last_col = district.columns[-1].col if district.columns else 1
        ws.set_column(2, last_col, DISTRICT_WIDTH)
        write_string = ws.write_string
        for row, key, name in district.district_rows:
            write_string(row, 0, key, f.label)  # the Amt's key as text: "04", not 4
            write_string(row, 1, name, f.label)
        self._write_slots(ws, district.name)
        first = district.district_rows[0][0] if district.district_rows else DISTRICT_HEADER_ROW + 1
        last = district.district_rows[-1][0] if district.district_rows else first
        if district.columns and district.district_rows:
            self._validate_numbers(ws, first, district.columns[0].col, last, last_col, ind)
        ws.write_string(district.city_row, 0, "", f.label)
        ws.write_string(district.city_row, 1, "Gesamtstadt (aus Blatt Erfassung)", f.label)
        ws.write_string(district.sum_row, 0, "", f.label)
        ws.write_string(district.sum_row, 1, "Summe der Stadtteile (berechnet)", f.label)
        for column in district.columns:
            letter = column_letter(column.col)
            entry = self.entry_rows.get((ind.id, column.group, "insgesamt", column.measure))
            if entry is not None:
                ref = f"{SHEET_ENTRY}!{column_letter(COL_INPUT)}{entry.row + 1}"
                ws.write_formula(district.city_row, column.col, f'=IF({ref}="","",{ref})', f.computed, "")
            rng = f"{letter}{first + 1}:{letter}{last + 1}"
            ws.write_formula(district.sum_row, column.col, f'=IF(COUNT({rng})=0,"",SUM({rng}))', f.computed, "")
        ws.freeze_panes(DISTRICT_HEADER_ROW + 1, 2)
        self._print_setup(ws, DISTRICT_HEADER_ROW, last_col)

    # ---- Definitionen, Listen, Kennung, properties ------------------------------------------------

    def _definitions(self, ws) -> None:
        f = self.f
        headers = ("Kennung", "Bezeichnung", "Definition", "Zähler", "Nenner", "Einheit", "Quelle", "Stichtag",
                   "Methodische Hinweise")
        widths = (9, 30, 60, 34, 34, 9, 34, 11, 60)
        ws.write_string(0, 0, f"Definitionen der erfragten Kennzahlen ({self.plan.year})", f.title)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(2, col, header, f.header)
            ws.set_column(col, col, width)
        for row, ind in enumerate(self.plan.indicators, start=3):
            values = (ind.id, ind.name, ind.definition, ind.zaehler, ind.nenner, ind.einheit, ind.quelle,
                      ind.stichtag, ind.hinweis_bericht)  # never the Interne Notiz: offices outside the city read this
            for col, value in enumerate(values):
                ws.write_string(row, col, value, f.label)
            ws.set_row(row, row_height(list(zip(values, widths, strict=True))))
        ws.freeze_panes(3, 2)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(2)

    def _lists(self, ws) -> None:
        for row, flag in enumerate(FLAGS):
            ws.write_string(row, 0, flag)
        self.wb.define_name(FLAG_LIST_NAME, f"={SHEET_LISTS}!$A$1:$A${len(FLAGS)}")
        ws.hide()

    def _meta(self, ws) -> None:
        ws.write_string(0, 0, META_MARKER)
        for i, (label, value) in enumerate(self.meta.items()):
            ws.write_string(i + 1, 0, label)
            ws.write_string(i + 1, 1, value)
        ws.set_column(0, 1, 24)
        ws.hide()

    def _properties(self) -> None:
        plan, s = self.plan, self.settings
        self.wb.set_properties({
            "title": f"Erhebungsbogen {s.titel} {plan.year} – {plan.office.name}",
            "subject": f"Datenerhebung für das Berichtsjahr {plan.year}, Abgabe bis {self.deadline_text}",
            "author": s.koordination_name,
            "company": s.stadt,
            "keywords": f"Integrationsmonitoring, {plan.office.code}, {plan.year}",
            "comments": f"Erzeugt mit dem Integrationsmonitoring-Toolkit {toolkit.__version__}",
        })
        for label, value in self.meta.items():
            self.wb.set_custom_property(label, value, "text")


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")
