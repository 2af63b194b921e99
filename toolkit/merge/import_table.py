"""The table of `toolkit import` read into values: one set of rows, whatever the table's shape.

``read_table`` reads a CSV file or a sheet of a workbook (through the file guards of returns/safety.py, with
python-calamine; nothing in it is executed). ``long_rows`` takes the long format (a value per row: Jahr, Indikator,
Gebiet, Gruppe, Geschlecht, Messgröße, Wert, Kennzeichen, Hinweis), ``wide_rows`` a wide table through its mapping
(mapping.py: a row per year and area, a column per value). Both give the same TableRows: per observation key the
value, Kennzeichen and Hinweis and the cell it came from, which the value rules and the store of imports.py take.
Every row that does not fit gives a Problem naming its cell, column and row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from toolkit.catalogue.model import AREA_LABELS, CITY, CITY_AGS, CITY_KEY, Catalogue, name_key
from toolkit.collect.layout import EMPTY_FLAGS, FLAG_WITHHELD, Slot
from toolkit.core.cells import cell_name, parse_number_text
from toolkit.core.keys import ObservationKey
from toolkit.core.problems import FileReport, problem
from toolkit.merge.mapping import YEARS, Mapping
from toolkit.returns.reader import Reading, normalise_flag
from toolkit.returns.safety import Refused, inspect_file

COLUMNS = ("Jahr", "Indikator", "Gebiet", "Gruppe", "Geschlecht", "Messgröße", "Wert", "Kennzeichen", "Hinweis")
REQUIRED = COLUMNS[:7]
SHEET = "Import"  # how cells of a CSV file and of the long format are named: Import!G3


@dataclass
class TableRows:
    """What either shape of table gives: the values with their cells, and how many table rows were taken."""

    items: list[tuple[ObservationKey, float | None, str, str]] = field(default_factory=list)
    readings: dict[ObservationKey, Reading] = field(default_factory=dict)
    taken: int = 0
    skipped: int = 0

    def add(self, slot: Slot, value: float | None, flag: str, note: str) -> Reading | None:
        """Add the value of ``slot.key``; if that key has a value already, add nothing and return its reading."""
        earlier = self.readings.get(slot.key)
        if earlier is None:
            self.items.append((slot.key, value, flag, note))
            self.readings[slot.key] = Reading(slot, value=value)
        return earlier


class _Cell(NamedTuple):
    """A value cell read: its number, and what it held: zahl, text (a number as text), leer, gesperrt, falsch."""

    value: float | None
    kind: str


def read_table(path: Path, data: bytes, report: FileReport,
               mapping: Mapping | None) -> tuple[str, list[list[object]] | None]:
    """The name its cells are given (the sheet of a wide table, else Import) and the rows: of a CSV file, or of the
    mapping's sheet (else the first) of a workbook."""
    if path.suffix.lower() in (".csv", ".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
        return SHEET, [list(row) for row in csv.reader(io.StringIO(text), delimiter=dialect)]
    try:
        inspect_file(path, data)
        from python_calamine import CalamineWorkbook  # heavy: only for an .xlsx import

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            names = list(book.sheet_names)
            wanted = mapping.sheet if mapping is not None and mapping.sheet else None
            if wanted is not None and wanted not in names:
                report.problems.append(problem("zuordnung-passt-nicht", "blatt", file=path.name, found=wanted,
                                               expected=", ".join(f"„{n}“" for n in names), mapping=mapping.file))
                return SHEET, None
            sheet = wanted or names[0]
            return SHEET if mapping is None else sheet, book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Refused as refused:
        report.problems.append(refused.problem)
    except Exception as exc:  # a broken file gets an answer, not a traceback
        report.problems.append(problem("nicht-lesbar", "import", file=path.name, reason=type(exc).__name__))
    return SHEET, None


def _norm(text: object) -> str:
    return str(text or "").strip().casefold().replace("ö", "oe").replace("ä", "ae").replace("ü", "ue")


def _header(row: list[object]) -> dict[str, int]:
    return {_norm(h): i for i, h in enumerate(row) if str(h or "").strip()}


def _blank(raw: list[object]) -> bool:
    return not any(str(v).strip() for v in raw if v is not None)


def _cell(raw: object, withheld: tuple[str, ...]) -> _Cell:
    """A value cell: a number, a number as text ('201', '1.234,5', '12,5'), empty, a withheld symbol, or not a number."""
    if isinstance(raw, bool):
        return _Cell(None, "falsch")
    if isinstance(raw, int | float):
        return _Cell(float(raw), "zahl")
    text = str(raw if raw is not None else "").strip()
    if not text:
        return _Cell(None, "leer")
    if text in withheld:
        return _Cell(None, "gesperrt")
    number = parse_number_text(text)
    return _Cell(number, "text") if number is not None else _Cell(None, "falsch")


def _year(raw: object) -> int | None:
    """A year cell: 2025, 2025.0 or '2025'."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw if raw is not None else "").strip().removesuffix(".0")
    return int(text) if text.isdigit() else None


def _area_lookup(catalogue: Catalogue) -> dict[str, str]:
    """Gebiet as written in an import: a name, the Amt's key ('04', '4', 'st04'), 15003 or the AGS for the city."""
    lookup = {name_key(code): code for code in AREA_LABELS} | {name_key(label): code for code, label in AREA_LABELS.items()}
    lookup |= {CITY_KEY: CITY, CITY_AGS: CITY}
    for district in catalogue.districts:
        for written in (district.area, district.name, district.schluessel, district.schluessel.lstrip("0")):
            lookup[name_key(written)] = district.area
    return lookup


def _area_text(raw: object) -> str:
    """A Gebiet cell: numbers from Excel (4.0) as their digits; text loosely (' 18 ' = '18')."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return name_key(raw)


# ---- the long table ------------------------------------------------------------------------------------------


def long_rows(table: list[list[object]], catalogue: Catalogue, report: FileReport,
              withheld: tuple[str, ...] = (".", "x", "*")) -> TableRows:
    """One value per row; ``withheld``: the symbols of a source for a withheld value ([import] gesperrt_zeichen)."""
    rows = TableRows()
    if not table:
        report.problems.append(problem("leere-datei", "import", file=report.file))
        return rows
    header = _header(table[0])
    missing = [c for c in REQUIRED if _norm(c) not in header]
    if missing:
        report.problems.append(problem("import-zeile", "spalten", file=report.file, sheet=SHEET, cell="A1",
                                       expected=", ".join(COLUMNS), missing=", ".join(missing)))
        return rows
    areas = _area_lookup(catalogue)
    for number, raw in enumerate(table[1:], start=2):
        if not _blank(raw):
            _long_row(number, raw, header, catalogue, areas, report, rows, withheld)
    return rows


def _long_row(number: int, raw: list[object], header: dict[str, int], catalogue: Catalogue,
              areas: dict[str, str], report: FileReport, rows: TableRows, withheld: tuple[str, ...]) -> None:
    def get(column: str) -> object:
        index = header.get(_norm(column))
        return raw[index] if index is not None and index < len(raw) else ""

    def bad(column: str, found: object, why: str) -> None:
        cell = cell_name(number - 1, header.get(_norm(column), 0))
        report.problems.append(problem("import-zeile", file=report.file, sheet=SHEET, cell=cell, found=str(found)[:80],
                                       row=number, column=column, why=why))

    indicator = catalogue.indicators.get(str(get("Indikator")).strip())
    year = _year(get("Jahr"))
    area = areas.get(_area_text(get("Gebiet")))
    group = str(get("Gruppe")).strip() or "insgesamt"
    sex = str(get("Geschlecht")).strip() or "insgesamt"
    measure = {"zaehler": "zaehler", "nenner": "nenner", "wert": "wert", "anzahl": "wert"}.get(_norm(get("Messgröße")))
    checks = [
        (indicator is None, "Indikator", get("Indikator"), "unbekannte Kennzahl."),
        (year is None or not YEARS[0] <= year <= YEARS[1], "Jahr", get("Jahr"), "kein Jahr."),
        (area is None, "Gebiet", get("Gebiet"), "unbekanntes Gebiet (Gesamtstadt, Sachsen-Anhalt, Deutschland, "
                                                "Stadtteilname oder Stadtteilschlüssel des Amts für Statistik wie 04)."),
        (group not in catalogue.groups, "Gruppe", group, "unbekannte Gruppe (Codes im Blatt Merkmale des Katalogs)."),
        (sex not in catalogue.sexes, "Geschlecht", sex, "unbekanntes Geschlecht (insgesamt, weiblich, maennlich …)."),
        (measure is None or (indicator is not None and measure not in indicator.measures), "Messgröße",
         get("Messgröße"), f"erwartet {', '.join(indicator.measures) if indicator else 'zaehler, nenner oder wert'}."),
    ]
    for failed, column, found, why in checks:
        if failed:
            bad(column, found, why)
            return
    assert indicator is not None and area is not None and measure is not None and year is not None
    key = ObservationKey(indicator.id, year, area, group, sex, measure)
    slot = Slot(SHEET, number - 1, header[_norm("Wert")], key, "input", "count" if indicator.is_count else "decimal")
    flag = normalise_flag(str(get("Kennzeichen") or ""))
    note = str(get("Hinweis") or "").strip()
    cell = _cell(get("Wert"), withheld if flag in ("", FLAG_WITHHELD) else ())
    if cell.kind == "falsch":
        bad("Wert", get("Wert"), "keine Zahl (erlaubt: 1234, 1.234, 12,5).")
        return
    if cell.kind == "gesperrt":
        flag = FLAG_WITHHELD  # the source's own symbol for a withheld value
    elif cell.kind == "leer" and flag not in EMPTY_FLAGS:
        bad("Wert", "", "leer; bei fehlendem Wert Kennzeichen „kein Wert verfügbar“ angeben, bei einem von der "
                        "Quelle gesperrten Wert „gesperrt (Quelle)“.")
        return
    elif cell.kind == "text" and not report.file.lower().endswith((".csv", ".txt")):
        report.problems.append(problem("deutsches-zahlformat", "import", file=report.file, sheet=slot.sheet,
                                       cell=slot.cell, indicator=slot.key.indicator, found=str(get("Wert")).strip(),
                                       expected=f"{cell.value:g}"))
    earlier = rows.add(slot, cell.value, flag, note)
    if earlier is not None:
        bad("Indikator", indicator.id, f"derselbe Wert steht schon in Zeile {earlier.slot.row + 1}.")
        return
    rows.taken += 1


# ---- the wide table, through a mapping -----------------------------------------------------------------------


@dataclass
class _WideTable:
    """A wide table being read: where its columns are, and the report its misfits go to."""

    mapping: Mapping
    sheet: str
    report: FileReport
    columns: dict[str, int]  # every column the mapping names -> its 0-based index

    def misfit(self, number: int, variant: str, column: str, found: object, expected: str = "",
               **details: object) -> None:
        """A cell that does not fit the mapping: a Fehler naming the cell, column and row."""
        self.report.problems.append(problem(
            "zuordnung-passt-nicht", variant, file=self.report.file, sheet=self.sheet,
            cell=cell_name(number - 1, self.columns[column]), found=str(found if found is not None else "").strip()[:80],
            expected=expected, column=column, row=number, mapping=self.mapping.file, **details))


def wide_rows(table: list[list[object]], sheet: str, mapping: Mapping, catalogue: Catalogue,
              report: FileReport) -> TableRows:
    """One row per year and area, a column per value: each cell gives a value to every target of its column."""
    rows = TableRows()
    head = mapping.header_row - 1
    if len(table) <= head:
        report.problems.append(problem("leere-datei", "import", file=report.file))
        return rows
    header = _header(table[head])
    named = (mapping.year_column, mapping.area_column, *mapping.columns)
    missing = [name for name in named if _norm(name) not in header]
    present = ", ".join(str(h).strip() for h in table[head] if str(h or "").strip())
    for name in missing:
        report.problems.append(problem("zuordnung-passt-nicht", "spalte", file=report.file, sheet=sheet,
                                       expected=present, column=name, row=mapping.header_row, mapping=mapping.file))
    if missing:
        return rows
    wide = _WideTable(mapping, sheet, report, {name: header[_norm(name)] for name in named})
    areas = _area_lookup(catalogue)
    kinds = {i.id: "count" if i.is_count else "decimal" for i in catalogue.indicators.values()}
    width = max(wide.columns.values()) + 1
    seen: dict[tuple[int, str], int] = {}
    for number, raw in enumerate(table[head + 1:], start=head + 2):
        if _blank(raw):
            continue
        raw = list(raw) + [None] * (width - len(raw))
        year = _year(raw[wide.columns[mapping.year_column]])
        if year is None:
            wide.misfit(number, "jahr", mapping.year_column, raw[wide.columns[mapping.year_column]])
            continue
        if not mapping.years[0] <= year <= mapping.years[1]:
            wide.misfit(number, "jahr-bereich", mapping.year_column, year, f"{mapping.years[0]}–{mapping.years[1]}")
            continue
        written = raw[wide.columns[mapping.area_column]]
        if (mapping.only_years and year not in mapping.only_years) or _area_text(written) in mapping.skip_areas:
            rows.skipped += 1
            continue
        area = areas.get(_area_text(written))
        if area is None:
            wide.misfit(number, "gebiet", mapping.area_column, written)
            continue
        if (year, area) in seen:
            wide.misfit(number, "doppelt", mapping.area_column, written, year=year, other=seen[(year, area)])
            continue
        seen[(year, area)] = number
        _wide_cells(wide, number, raw, kinds, year, area, rows)
    return rows


def _wide_cells(wide: _WideTable, number: int, raw: list[object], kinds: dict[str, str], year: int, area: str,
                rows: TableRows) -> None:
    """The value cells of one row; a row with a cell that is not a value gives none (each such cell is named)."""
    mapping, values, fits = wide.mapping, [], True
    for column, targets in mapping.columns.items():
        index = wide.columns[column]
        cell = _cell(raw[index], mapping.withheld)
        if cell.kind == "falsch":
            wide.misfit(number, "wert", column, raw[index], " ".join(mapping.withheld) or "keine festgelegt")
            fits = False
        elif cell.kind != "leer" or mapping.blank == "gesperrt":
            values.append((index, targets, cell.value, FLAG_WITHHELD if cell.kind in ("leer", "gesperrt") else ""))
    if not fits:
        return
    for index, targets, value, flag in values:
        for t in targets:
            key = ObservationKey(t.indicator, year, area, t.group, t.sex, t.measure)
            rows.add(Slot(wide.sheet, number - 1, index, key, "input", kinds[t.indicator]), value, flag, "")
    rows.taken += 1


__all__ = ["COLUMNS", "SHEET", "TableRows", "long_rows", "read_table", "wide_rows"]
