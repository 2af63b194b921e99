"""THE layout of a collection workbook ("Erhebungsbogen"), used both to write and to read it.

``plan_workbook(catalogue, office, year)`` describes every sheet, row and cell: which observation an
input cell holds, which earlier year a grey cell shows, where Kennzeichen and Bemerkung go. The writer
(collect/workbook.py) lays the workbook out from the plan; the reader (returns/reader.py) rebuilds the same
plan from the identity stamped in the returned file and reads exactly those cells. Neither side
computes a cell address of its own, so they cannot drift apart.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from toolkit.catalogue.model import CITY, NATIONALITY_GROUP, Catalogue, Indicator, IndicatorType, Office
from toolkit.core.cells import cell_name, column_letter
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.runtime import paused_gc

LAYOUT_VERSION = "2"  # 2: Stadtteile by the Amt für Statistik's keys (text "04") in its order
HISTORY_YEARS = 4  # earlier years shown read-only next to the input column
SEXES = ("insgesamt", "weiblich", "maennlich")  # collected where the catalogue says Geschlecht = ja
FLAGS = ("vorläufig", "geschätzt", "gerundet", "kein Wert verfügbar", "gesperrt (Quelle)")
FLAG_NO_VALUE = "kein Wert verfügbar"
FLAG_WITHHELD = "gesperrt (Quelle)"  # the source withheld the value (small count): stays suppressed everywhere
EMPTY_FLAGS = (FLAG_NO_VALUE, FLAG_WITHHELD)  # Kennzeichen that let a value cell stay empty

SHEET_NOTES = "Hinweise"
SHEET_ENTRY = "Erfassung"
SHEET_DEFINITIONS = "Definitionen"
SHEET_META = "Kennung"  # hidden: identity of the workbook
SHEET_LISTS = "Listen"  # hidden: the Kennzeichen list behind the drop-down
FLAG_LIST_NAME = "Kennzeichenliste"  # defined name of the drop-down source

MEASURE_LABELS = {"zaehler": "Zähler", "nenner": "Nenner", "wert": "Wert"}

# Erfassung: a title block, then a header row, then one row per indicator x group x sex x measure.
ENTRY_HEADER_ROW = 3  # 0-based: Excel row 4
ENTRY_FIRST_ROW = ENTRY_HEADER_ROW + 1
ENTRY_FIXED_COLUMNS = ("Kennung", "Indikator", "Gruppe", "Geschlecht", "Messgröße", "Einheit")
COL_KENNUNG, COL_INDICATOR, COL_GROUP, COL_SEX, COL_MEASURE, COL_UNIT = range(6)
COL_FIRST_HISTORY = len(ENTRY_FIXED_COLUMNS)
COL_INPUT = COL_FIRST_HISTORY + HISTORY_YEARS
COL_FLAG = COL_INPUT + 1
COL_NOTE = COL_FLAG + 1
# hidden code columns: let the reader verify that no row was moved, inserted or deleted
COL_CODE_GROUP, COL_CODE_SEX, COL_CODE_MEASURE = COL_NOTE + 1, COL_NOTE + 2, COL_NOTE + 3

# Stadtteil sheets: one per indicator collected by Stadtteil
DISTRICT_HEADER_ROW = 3
DISTRICT_FIRST_ROW = DISTRICT_HEADER_ROW + 1
DISTRICT_FIXED_COLUMNS = ("Nr.", "Stadtteil")

# Breakdown sheets: one per indicator collected by age group (rows: the age groups) or by single nationality (rows:
# the nationalities), for the Gesamtstadt; columns: group x sex x measure
BREAKDOWN_HEADER_ROW = 3
BREAKDOWN_FIRST_ROW = BREAKDOWN_HEADER_ROW + 1
BREAKDOWN_FIXED_COLUMNS = {"altersgruppe": ("Code", "Altersgruppe"), "staatsangehoerigkeit": ("Schlüssel",
                                                                                              "Staatsangehörigkeit")}

# Kennung (hidden): label in column A, value in column B, one row each, in this order
META_FIELDS = ("Dienststelle", "Berichtsjahr", "Layoutversion", "Rundenkennung", "Toolkit-Version",
               "Layout-Fingerabdruck", "Erstellt am")
META_MARKER = "Erhebungsbogen Integrationsmonitoring"  # A1 of the hidden sheet; B-column values follow


class Slot(NamedTuple):
    """One cell of the workbook that carries data, and what it carries.

    A named tuple, not a frozen dataclass (the same reason as core/keys.ObservationKey): a plan holds one
    Slot per cell, about 10,000 for a large office, and a named tuple is made about three times faster than a
    frozen dataclass, whose __init__ sets every field through object.__setattr__ (500,000 slots: 0.12 s
    against 0.35 s). It is built by its constructor like any other object.
    """

    sheet: str
    row: int  # 0-based
    col: int  # 0-based
    key: ObservationKey
    role: str  # "input" (report year), "history" (earlier year, grey), "flag" (Kennzeichen), "note" (Bemerkung)
    kind: str = "count"  # "count" (whole number >= 0) or "decimal"

    @property
    def cell(self) -> str:
        return cell_name(self.row, self.col)

    @property
    def address(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class EntryRow:
    """One row of the Erfassung sheet."""

    row: int
    indicator: Indicator
    group: str
    sex: str
    measure: str
    linked_district_sheet: str = ""  # the Stadtteil sheet whose Gesamtstadt line shows this row


@dataclass(frozen=True)
class DistrictColumn:
    col: int
    group: str
    measure: str


@dataclass(frozen=True)
class DistrictSheet:
    """A sheet with the Stadtteile as rows and group x measure as columns, for one indicator."""

    name: str
    indicator: Indicator
    columns: tuple[DistrictColumn, ...]
    district_rows: tuple[tuple[int, str, str], ...]  # (row, key, name)
    city_row: int  # shows the Gesamtstadt input from Erfassung (formula, read-only)
    sum_row: int  # sum of the Stadtteile (formula, read-only)


@dataclass(frozen=True)
class BreakdownColumn:
    col: int
    group: str
    sex: str
    measure: str


@dataclass(frozen=True)
class BreakdownSheet:
    """A sheet with the age groups or the nationalities of one indicator as rows and group x sex x measure as columns,
    for the Gesamtstadt; computed rows below show the sums (``sums``: label -> the rows summed) and the total from
    the sheet Erfassung (``total_row``)."""

    name: str
    indicator: Indicator
    dimension: str  # "altersgruppe" or "staatsangehoerigkeit"
    columns: tuple[BreakdownColumn, ...]
    rows: tuple[tuple[int, str, str], ...]  # (row, code, label)
    sums: tuple[tuple[int, str, tuple[int, ...]], ...]  # (row, label, rows summed)
    total_row: int

    def key(self, code: str, column: BreakdownColumn, year: int) -> ObservationKey:
        """The key of the cell of ``code`` (an age group or a nationality) in ``column``."""
        age, nationality = (code, ALL) if self.dimension == "altersgruppe" else (ALL, code)
        return ObservationKey(self.indicator.id, year, CITY, column.group, column.sex, column.measure, age, nationality)


@dataclass(frozen=True)
class WorkbookPlan:
    office: Office
    year: int
    indicators: tuple[Indicator, ...]
    entry_rows: tuple[EntryRow, ...]
    district_sheets: tuple[DistrictSheet, ...]
    slots: tuple[Slot, ...] = field(repr=False)
    breakdown_sheets: tuple[BreakdownSheet, ...] = ()
    # German labels shown in the workbook: ("gruppe" | "geschlecht", code) -> Bezeichnung
    labels: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)

    def label(self, dimension: str, code: str) -> str:
        return self.labels.get((dimension, code), code)

    @property
    def history_years(self) -> tuple[int, ...]:
        return tuple(range(self.year - HISTORY_YEARS, self.year))

    @functools.cached_property
    def fingerprint(self) -> str:
        """Identifies sheet names, cell addresses and keys; a return must have the same.

        plan_workbook sets it while planning (same text, built from per-row and per-column parts).
        """
        letters: dict[int, str] = {}
        parts = [LAYOUT_VERSION]
        for slot in self.slots:  # same text as Slot.address, with the column letters computed once
            k = slot.key
            letter = letters.get(slot.col) or letters.setdefault(slot.col, column_letter(slot.col))
            parts.append(f"{slot.sheet}!{letter}{slot.row + 1}|{slot.role}|{k.indicator}|{k.year - self.year}|"
                         f"{k.area}|{k.group}|{k.sex}|{k.measure}{breakdown_text(k)}\n")
        return _fingerprint(parts)

    @property
    def sheets(self) -> list[str]:
        """The sheets that hold data cells, in workbook order."""
        return [SHEET_ENTRY, *(d.name for d in self.district_sheets), *(b.name for b in self.breakdown_sheets)]

    def input_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.role == "input"]

    def entry_row_of(self, key: ObservationKey) -> EntryRow | None:
        for entry in self.entry_rows:
            if (entry.indicator.id, entry.group, entry.sex, entry.measure) == (key.indicator, key.group, key.sex, key.measure):
                return entry
        return None


def file_name(year: int, office: str) -> str:
    """ASCII file name of the workbook, e.g. Erhebung_2025_JUGA.xlsx."""
    return f"Erhebung_{year}_{ascii_code(office)}.xlsx"


def office_of_file(name: str, offices: Iterable[str]) -> tuple[int, str] | None:
    """Report year and office a file name says by the pattern of ``file_name`` (Erhebung_2025_JUGA (2).pdf gives
    2025 and JUGA), for a file that cannot be read; None if the name does not follow it. ``offices``: the codes."""
    match = re.match(r"Erhebung_(\d{4})_(.+)$", Path(name).stem, re.IGNORECASE)
    if match is None:
        return None
    rest = match.group(2)
    codes = sorted((c for c in offices if re.match(rf"{re.escape(ascii_code(c))}(?![A-Za-z0-9])", rest, re.IGNORECASE)),
                   key=len)
    return (int(match.group(1)), codes[-1]) if codes else None


def ascii_code(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
    cleaned = text.translate(table)
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in cleaned)


def district_sheet_name(indicator_id: str) -> str:
    return f"Stadtteile {indicator_id}"[:31]


def breakdown_sheet_name(dimension: str, indicator_id: str) -> str:
    return f"{'Alter' if dimension == 'altersgruppe' else 'Staatsangehörigkeit'} {indicator_id}"[:31]


def breakdown_text(key: ObservationKey) -> str:
    """The age group and nationality of a key for the layout's fingerprint: '' for "alle" and "alle", so that a
    layout without breakdowns keeps the fingerprint it had before they existed."""
    return "" if key.age == ALL and key.nationality == ALL else f"|{key.age}|{key.nationality}"


def measure_label(indicator: Indicator, measure: str) -> str:
    """German label of a measure with its description, e.g. 'Zähler: Nichtdeutsche Einwohner …'."""
    if measure == "zaehler":
        return f"Zähler: {indicator.zaehler}"
    if measure == "nenner":
        return f"Nenner: {indicator.nenner}"
    return "Anzahl" if indicator.typ == IndicatorType.ANZAHL else f"Wert ({indicator.einheit})"


def slot_kind(indicator: Indicator) -> str:
    return "count" if indicator.is_count else "decimal"


def plan_workbook(catalogue: Catalogue, office_code: str, year: int) -> WorkbookPlan:
    """The complete layout of the collection workbook of one office for one report year.

    Only what can exist in ``year`` is asked for: no indicator outside its Erhebungsjahre (TEI-02 in a year without
    an election), no group before its concept exists (Merkmale: Gültig ab). The grey cells of earlier years follow
    the same rows; an earlier year a value cannot have stays empty, and a value typed there is a Fehler
    (returns/rules.py: check_years)."""
    with paused_gc():
        return _plan_workbook(catalogue, office_code, year)


def _plan_workbook(catalogue: Catalogue, office_code: str, year: int) -> WorkbookPlan:
    office = catalogue.offices[office_code]
    indicators = tuple(catalogue.indicators_of_office(office_code, year))
    slots: list[Slot] = []
    entry_rows: list[EntryRow] = []
    # The fingerprint text (WorkbookPlan.fingerprint), one line per slot in slot order, written along with
    # the slots from the parts that stay the same for a row or a column (tests check it is the same text).
    lines: list[str] = [LAYOUT_VERSION]
    letters = [column_letter(col) for col in range(COL_NOTE + 1)]
    row = ENTRY_FIRST_ROW
    for indicator in indicators:
        sexes = SEXES if indicator.geschlecht else ("insgesamt",)
        linked = district_sheet_name(indicator.id) if indicator.stadtteile else ""
        kind = slot_kind(indicator)
        ident = indicator.id
        for group in catalogue.groups_in(indicator, year):
            for sex in sexes:
                for measure in indicator.measures:
                    entry_rows.append(EntryRow(row, indicator, group, sex, measure, linked if sex == "insgesamt" else ""))
                    key = ObservationKey(ident, year, CITY, group, sex, measure)
                    tail = f"|{CITY}|{group}|{sex}|{measure}\n"
                    for offset, hist_year in enumerate(range(year - HISTORY_YEARS, year)):
                        slots.append(Slot(SHEET_ENTRY, row, COL_FIRST_HISTORY + offset,
                                          ObservationKey(ident, hist_year, CITY, group, sex, measure), "history", kind))
                        lines.append(f"{SHEET_ENTRY}!{letters[COL_FIRST_HISTORY + offset]}{row + 1}|history|{ident}|"
                                     f"{hist_year - year}{tail}")
                    slots.append(Slot(SHEET_ENTRY, row, COL_INPUT, key, "input", kind))
                    slots.append(Slot(SHEET_ENTRY, row, COL_FLAG, key, "flag", "text"))
                    slots.append(Slot(SHEET_ENTRY, row, COL_NOTE, key, "note", "text"))
                    for col, role in ((COL_INPUT, "input"), (COL_FLAG, "flag"), (COL_NOTE, "note")):
                        lines.append(f"{SHEET_ENTRY}!{letters[col]}{row + 1}|{role}|{ident}|0{tail}")
                    row += 1
    district_sheets: list[DistrictSheet] = []
    districts = tuple((d.schluessel, d.name, d.area) for d in catalogue.districts)
    for indicator in indicators:
        if not indicator.stadtteile:
            continue
        sheet = _plan_district_sheet(districts, indicator, catalogue.groups_in(indicator, year), year, slots, lines)
        district_sheets.append(sheet)
    breakdown_sheets = [sheet for indicator in indicators
                        for sheet in _plan_breakdown_sheets(catalogue, indicator, year, slots, lines)]
    labels = {(c.dimension, c.code): c.bezeichnung for c in catalogue.characteristics}
    labels |= {("altersgruppe", a.code): a.bezeichnung for a in catalogue.age_groups}
    labels |= {("staatsangehoerigkeit", n.schluessel): n.bezeichnung for n in catalogue.nationalities}
    plan = WorkbookPlan(office, year, indicators, tuple(entry_rows), tuple(district_sheets), tuple(slots),
                        tuple(breakdown_sheets), labels)
    plan.__dict__["fingerprint"] = _fingerprint(lines)  # the cached_property's value, computed here
    return plan


def _plan_district_sheet(districts: tuple[tuple[str, str, str], ...], indicator: Indicator, groups: tuple[str, ...],
                         year: int, slots: list[Slot], lines: list[str]) -> DistrictSheet:
    name = district_sheet_name(indicator.id)
    columns = []
    col = len(DISTRICT_FIXED_COLUMNS)
    for group in groups:
        for measure in indicator.measures:
            columns.append(DistrictColumn(col, group, measure))
            col += 1
    district_rows = []
    row = DISTRICT_FIRST_ROW
    kind = slot_kind(indicator)
    append, add_line = slots.append, lines.append
    ident = indicator.id
    middle = f"|input|{ident}|0|"
    texts = [(f"{name}!{column_letter(column.col)}", f"|{column.group}|insgesamt|{column.measure}\n")
             for column in columns]
    for key, label, area in districts:
        district_rows.append((row, key, label))
        number = row + 1
        for column, (head, tail) in zip(columns, texts, strict=True):
            append(Slot(name, row, column.col, ObservationKey(ident, year, area, column.group, "insgesamt",
                                                              column.measure), "input", kind))
            add_line(f"{head}{number}{middle}{area}{tail}")
        row += 1
    return DistrictSheet(name, indicator, tuple(columns), tuple(district_rows), city_row=row, sum_row=row + 1)


def _plan_breakdown_sheets(catalogue: Catalogue, indicator: Indicator, year: int, slots: list[Slot],
                           lines: list[str]) -> list[BreakdownSheet]:
    """The age sheet and the nationality sheet of ``indicator``, as far as it is collected by them."""
    sexes = SEXES if indicator.geschlecht else ("insgesamt",)
    found = []
    ages = catalogue.ages_of(indicator)
    if ages:
        groups = catalogue.groups_by_age(indicator)
        rows = tuple((BREAKDOWN_FIRST_ROW + n, code, catalogue.label("altersgruppe", code)) for n, code in enumerate(ages))
        row_of = {code: row for row, code, _label in rows}
        sums = tuple((BREAKDOWN_FIRST_ROW + len(rows) + n, f"Summe {use} (berechnet)", tuple(row_of[c] for c in codes))
                     for n, (use, codes) in enumerate(catalogue.partitions(indicator).items()))
        found.append(("altersgruppe", groups, rows, sums))
    nationalities = catalogue.nationalities_of(indicator, collected=True)
    if nationalities:
        rows = tuple((BREAKDOWN_FIRST_ROW + n, code, catalogue.label("staatsangehoerigkeit", code))
                     for n, code in enumerate(nationalities))
        sums = ((BREAKDOWN_FIRST_ROW + len(rows), "Summe der einzeln erhobenen (berechnet)",
                 tuple(row for row, _code, _label in rows)),)
        found.append(("staatsangehoerigkeit", (NATIONALITY_GROUP,), rows, sums))
    sheets = []
    kind = slot_kind(indicator)
    for dimension, groups, rows, sums in found:
        name = breakdown_sheet_name(dimension, indicator.id)
        columns = [BreakdownColumn(2 + n, group, sex, measure) for n, (group, sex, measure) in
                   enumerate((g, s, m) for g in groups for s in sexes for m in indicator.measures)]
        sheet = BreakdownSheet(name, indicator, dimension, tuple(columns), rows, sums, total_row=sums[-1][0] + 1)
        for row, code, _label in rows:
            for column in columns:
                key = sheet.key(code, column, year)
                slots.append(Slot(name, row, column.col, key, "input", kind))
                lines.append(f"{name}!{column_letter(column.col)}{row + 1}|input|{indicator.id}|0|{CITY}|{column.group}|"
                             f"{column.sex}|{column.measure}{breakdown_text(key)}\n")
        sheets.append(sheet)
    return sheets


def _fingerprint(lines: list[str]) -> str:
    return hashlib.sha256("".join(lines).encode()).hexdigest()[:16]
