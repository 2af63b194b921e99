"""The table of `toolkit import` read into values: one set of rows, whatever the table's shape.

``read_table`` (table_file.py) reads the file into rows; ``long_rows`` takes the long format (a value per row: Jahr, Indikator,
Gebiet, Gruppe, Geschlecht, Messgröße, Wert, Kennzeichen, Hinweis, and where a value is broken down by them
Altersgruppe and Staatsangehörigkeit), ``wide_rows`` a wide table through its mapping
(mapping.py: a row per year and area, a column per value). Both give the same TableRows: per observation key the
value, Kennzeichen and Hinweis and the cell it came from, which the value rules and the store of imports.py take.
Every row that does not fit gives a Problem naming its cell, column and row. A column name that stands twice in the
header is an error naming both cells (a mapping may pick one by its letters), never "the last one wins"; a year
written with a footnote mark ("2025¹", "2025*", "2025 1)") is read as the year, with a Warnung naming the mark.
Groups, sexes, age groups and nationalities are read by their code (a nationality by the key of the Statistisches
Bundesamt, "475") or their German label ("Syrien").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from toolkit.catalogue.model import AREA_LABELS, CITY, CITY_AGS, CITY_KEY, Catalogue, name_key
from toolkit.collect.layout import EMPTY_FLAGS, FLAG_WITHHELD, MEASURE_LABELS, Slot
from toolkit.core.cells import cell_name, column_index, parse_number_text
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.problems import FileReport, Problem, problem
from toolkit.merge.age_sums import AgeSums, age_span, span_text
from toolkit.merge.mapping import YEARS, Mapping, Target
from toolkit.merge.table_file import SHEET
from toolkit.merge.table_header import Header, column_key, header_of
from toolkit.returns.reader import Reading, normalise_flag

COLUMNS = ("Jahr", "Indikator", "Gebiet", "Gruppe", "Geschlecht", "Messgröße", "Wert", "Kennzeichen", "Hinweis",
           "Altersgruppe", "Staatsangehörigkeit")
REQUIRED = COLUMNS[:7]  # Kennzeichen, Hinweis, Altersgruppe and Staatsangehörigkeit may be left out (empty, alle)


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


_YEAR = re.compile(r"([0-9]{4})(?:\.0)?\s*([¹²³⁴⁵⁶⁷⁸⁹⁰]+|[*†‡°+]+|\(?[0-9]{1,2}\)|\(?[a-z]\))?")


def _year(raw: object) -> tuple[int | None, str]:
    """A year cell: 2025, 2025.0 or '2025'; with a footnote mark '2025¹', '2025*', '2025 1)', '2025 (a)' -> (2025, the
    mark); anything else (None, '')."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    found = _YEAR.fullmatch(str(raw if raw is not None else "").strip())
    return (int(found.group(1)), found.group(2) or "") if found else (None, "")


@dataclass
class _Footnotes:
    """Years written with a footnote mark, by column and way of writing: one Warnung each after the table is read."""

    seen: dict[tuple[int, str], list] = field(default_factory=dict)  # -> [year, mark, first row, rows]

    def note(self, index: int, written: object, year: int, mark: str, number: int) -> None:
        entry = self.seen.setdefault((index, str(written).strip()), [year, mark, number, 0])
        entry[3] += 1

    def problems(self, file: str, sheet: str, header: Header) -> list[Problem]:
        return [problem("jahr-fussnote", "" if count == 1 else "mehrere", file=file, sheet=sheet,
                        cell=cell_name(first - 1, index), found=written, column=header.names[index], year=year,
                        mark=mark, row=first, count=count)
                for (index, written), (year, mark, first, count) in self.seen.items()]


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


@dataclass
class _LongTable:
    """A long table being read: where its columns are, and how groups, sexes and areas may be written."""

    catalogue: Catalogue
    report: FileReport
    columns: dict[str, int]  # column_key of each column of COLUMNS present -> its 0-based index
    areas: dict[str, str]
    withheld: tuple[str, ...]
    footnotes: _Footnotes = field(default_factory=_Footnotes)


def long_rows(table: list[list[object]], catalogue: Catalogue, report: FileReport,
              withheld: tuple[str, ...] = (".", "x", "*")) -> TableRows:
    """One value per row; ``withheld``: the symbols of a source for a withheld value ([import] gesperrt_zeichen)."""
    rows = TableRows()
    if not table:
        report.problems.append(problem("leere-datei", "import", file=report.file))
        return rows
    header = header_of(table, 0, 0)
    doubled = [details for column in COLUMNS if (details := header.doubled(column)) is not None]
    for details in doubled:
        report.problems.append(problem("kopfzeile-doppelt", file=report.file, sheet=SHEET, **details))
    missing = [c for c in REQUIRED if not header.positions(c)]
    if missing:
        report.problems.append(problem("import-zeile", "spalten", file=report.file, sheet=SHEET, cell="A1",
                                       expected=", ".join(COLUMNS), missing=", ".join(missing)))
    if doubled or missing:
        return rows
    known = {column_key(c) for c in COLUMNS}
    for index, name in enumerate(header.names):
        if name and column_key(name) not in known:
            report.problems.append(problem("spalte-nicht-gelesen", file=report.file, sheet=SHEET,
                                           cell=header.cell(index), found=name, expected=", ".join(COLUMNS)))
    columns = {column_key(c): header.positions(c)[0] for c in COLUMNS if header.positions(c)}
    long = _LongTable(catalogue, report, columns, _area_lookup(catalogue), withheld)
    for number, raw in enumerate(table[1:], start=2):
        if not _blank(raw):
            _long_row(long, number, raw, rows)
    report.extend(long.footnotes.problems(report.file, SHEET, header))
    return rows


def _long_row(long: _LongTable, number: int, raw: list[object], rows: TableRows) -> None:
    catalogue, report, columns = long.catalogue, long.report, long.columns

    def get(column: str) -> object:
        index = columns.get(column_key(column))
        return raw[index] if index is not None and index < len(raw) else ""

    def bad(column: str, variant: str, **details: object) -> None:
        report.problems.append(problem("import-zeile", variant, file=report.file, sheet=SHEET,
                                       cell=cell_name(number - 1, columns.get(column_key(column), 0)),
                                       found=str(get(column)).strip()[:80], row=number, **details))

    indicator = catalogue.indicators.get(str(get("Indikator")).strip())
    if indicator is None:
        return bad("Indikator", "indikator")
    year, mark = _year(get("Jahr"))
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        return bad("Jahr", "jahr", first=YEARS[0], last=YEARS[1])
    if mark:
        long.footnotes.note(columns[column_key("Jahr")], get("Jahr"), year, mark, number)
    area = long.areas.get(_area_text(get("Gebiet")))
    if area is None:
        return bad("Gebiet", "gebiet")
    group = catalogue.code("gruppe", str(get("Gruppe")).strip() or "insgesamt", indicator.gruppen)
    if group is None:
        return bad("Gruppe", "gruppe", indicator=indicator.id, expected=catalogue.labels("gruppe", indicator.gruppen))
    sex = catalogue.code("geschlecht", str(get("Geschlecht")).strip() or "insgesamt", catalogue.sexes_of(indicator))
    if sex is None:
        return bad("Geschlecht", "geschlecht", indicator=indicator.id,
                   expected=catalogue.labels("geschlecht", catalogue.sexes_of(indicator)))
    measure = {"zaehler": "zaehler", "nenner": "nenner", "wert": "wert", "anzahl": "wert"}.get(column_key(get("Messgröße")))
    if measure is None or measure not in indicator.measures:
        return bad("Messgröße", "messgroesse", indicator=indicator.id,
                   expected=", ".join(MEASURE_LABELS[m] for m in indicator.measures))
    breakdown = {}
    for dimension, column, allowed in (("altersgruppe", "Altersgruppe", catalogue.ages_for(indicator, group)),
                                       ("staatsangehoerigkeit", "Staatsangehörigkeit",
                                        catalogue.nationalities_for(indicator, group))):
        breakdown[dimension] = catalogue.code(dimension, str(get(column) or "").strip() or ALL, allowed)
        if breakdown[dimension] is None:
            return bad(column, dimension, indicator=indicator.id, group=catalogue.label("gruppe", group),
                       expected=catalogue.labels(dimension, allowed))
    key = ObservationKey(indicator.id, year, area, group, sex, measure, breakdown["altersgruppe"],
                         breakdown["staatsangehoerigkeit"])
    slot = Slot(SHEET, number - 1, columns[column_key("Wert")], key, "input",
                "count" if indicator.is_count else "decimal")
    flag = normalise_flag(str(get("Kennzeichen") or ""))
    note = str(get("Hinweis") or "").strip()
    cell = _cell(get("Wert"), long.withheld if flag in ("", FLAG_WITHHELD) else ())
    if cell.kind == "falsch":
        return bad("Wert", "wert")
    if cell.kind == "gesperrt":
        flag = FLAG_WITHHELD  # the source's own symbol for a withheld value
    elif cell.kind == "leer" and flag not in EMPTY_FLAGS:
        return bad("Wert", "wert-leer")
    elif cell.kind == "text" and not report.file.lower().endswith((".csv", ".txt")):
        report.problems.append(problem("deutsches-zahlformat", "import", file=report.file, sheet=slot.sheet,
                                       cell=slot.cell, indicator=slot.key.indicator, found=str(get("Wert")).strip(),
                                       expected=f"{cell.value:g}"))
    earlier = rows.add(slot, cell.value, flag, note)
    if earlier is not None:
        return bad("Indikator", "doppelt", indicator=indicator.id, other=earlier.slot.row + 1)
    rows.taken += 1


# ---- the wide table, through a mapping -----------------------------------------------------------------------


@dataclass
class _WideTable:
    """A wide table being read: its header, where the year and area are, and the report its misfits go to."""

    mapping: Mapping
    sheet: str
    report: FileReport
    header: Header
    year: int  # 0-based column of the year
    area: int | None  # and of the area (None: the mapping's gebiet_fest for every row)
    age: int | None = None  # and of the age (mapping section [alter])
    footnotes: _Footnotes = field(default_factory=_Footnotes)

    def misfit(self, number: int, variant: str, index: int, found: object, expected: str = "",
               **details: object) -> None:
        """A cell that does not fit the mapping: a Fehler naming the cell, column and row."""
        self.report.problems.append(problem(
            "zuordnung-passt-nicht", variant, file=self.report.file, sheet=self.sheet, cell=cell_name(number - 1, index),
            found=str(found if found is not None else "").strip()[:80], expected=expected,
            column=self.header.names[index], row=number, mapping=self.mapping.file, **details))


def wide_rows(table: list[list[object]], sheet: str, mapping: Mapping, catalogue: Catalogue,
              report: FileReport) -> TableRows:
    """One row per year and area, a column per value: each cell gives a value to every target of its column."""
    rows = TableRows()
    head = mapping.header_row - 1
    if len(table) <= head:
        report.problems.append(problem("leere-datei", "import", file=report.file))
        return rows
    header = header_of(table, head - mapping.header_rows + 1, head)
    two_rows = header_of(table, head - 1, head) if mapping.header_rows == 1 and head > 0 else None
    targets = _value_columns(header, two_rows, sheet, mapping, report)
    if targets is None:
        return rows
    areas = _area_lookup(catalogue)
    if mapping.area and areas.get(_area_text(mapping.area)) is None:
        report.problems.append(problem("zuordnung-passt-nicht", "gebiet-fest", file=report.file, found=mapping.area,
                                       mapping=mapping.file))
        return rows
    wide = _WideTable(mapping, sheet, report, header, header.positions(mapping.year_column)[0],
                      header.positions(mapping.area_column)[0] if mapping.area_column else None,
                      header.positions(mapping.ages.column)[0] if mapping.ages else None)
    kinds = {i.id: "count" if i.is_count else "decimal" for i in catalogue.indicators.values()}
    width = max((wide.year, wide.area or 0, wide.age or 0, *targets)) + 1
    seen: dict[tuple, int] = {}
    sums = AgeSums(catalogue, mapping.ages) if mapping.ages else None
    for number, raw in enumerate(table[head + 1:], start=head + 2):
        if _blank(raw):
            continue
        raw = list(raw) + [None] * (width - len(raw))
        year, mark = _year(raw[wide.year])
        if year is None:
            wide.misfit(number, "jahr", wide.year, raw[wide.year])
            continue
        if not mapping.years[0] <= year <= mapping.years[1]:
            wide.misfit(number, "jahr-bereich", wide.year, year, f"{mapping.years[0]}–{mapping.years[1]}")
            continue
        written = raw[wide.area] if wide.area is not None else mapping.area
        if (mapping.only_years and year not in mapping.only_years) or _area_text(written) in mapping.skip_areas:
            rows.skipped += 1
            continue
        if mark:
            wide.footnotes.note(wide.year, raw[wide.year], year, mark, number)
        area = areas.get(_area_text(written))
        if area is None:
            wide.misfit(number, "gebiet", wide.area, written)
            continue
        span = age_span(raw[wide.age], mapping.ages) if wide.age is not None and mapping.ages else ALL
        if span is None:
            wide.misfit(number, "alter", wide.age, raw[wide.age], offset=mapping.ages.offset)
            continue
        if (year, area, span) in seen:
            where = next(i for i in (wide.area, wide.age, wide.year) if i is not None)
            wide.misfit(number, "doppelt" if span == ALL else "doppelt-alter", where, written, year=year,
                        other=seen[(year, area, span)], age=raw[wide.age] if wide.age is not None else "")
            continue
        seen[(year, area, span)] = number
        cells = _wide_cells(wide, number, raw, targets)
        if cells is None:
            continue
        rows.taken += 1
        if span == ALL:
            _add_cells(wide, number, cells, kinds, year, area, ALL, rows)
        elif use := sums.add(year, area, number, span, cells):
            rows.taken -= 1
            wide.misfit(number, "alter-gruppe", wide.age, raw[wide.age], use=use, age=span_text(span))
    if sums is not None:
        _add_sums(wide, sums, targets, kinds, rows, catalogue)
    report.extend(wide.footnotes.problems(report.file, sheet, header))
    return rows


def _add_sums(wide: _WideTable, sums: AgeSums, targets: dict[int, list[Target]], kinds: dict[str, str],
              rows: TableRows, catalogue: Catalogue) -> None:
    """The age groups summed from the rows by year of age; a Fehler for each group whose ages are not complete."""
    gaps = sums.gaps()
    for gap in gaps:
        wide.misfit(gap.row, "alter-luecke", wide.age if wide.age is not None else 0, gap.group.bezeichnung, year=gap.year,
                    area=catalogue.area_label(gap.area), use=gap.use, what=gap.what)
    if gaps:
        return
    for found in sums.sums():
        for t in targets[found.column]:
            key = ObservationKey(t.indicator, found.year, found.area, t.group, t.sex, t.measure, found.age,
                                 t.nationality)
            rows.add(Slot(wide.sheet, found.row - 1, found.column, key, "input", kinds[t.indicator]), found.value,
                     found.flag, "")


def _value_columns(header: Header, two_rows: Header | None, sheet: str, mapping: Mapping,
                   report: FileReport) -> dict[int, list[Target]] | None:
    """The 0-based column of every target of the mapping (by name, or by its letters where the mapping gives them);
    None, with the problems in ``report``, if a column is missing, stands twice or is not where the mapping says.
    ``two_rows``: the header read with the row above it, to show how kopfzeile = [n - 1, n] would name a column."""
    before = len(report.problems)

    def fail(code: str, variant: str, name: str, cell: str = "", **details: object) -> None:
        report.problems.append(problem(code, variant, file=report.file, sheet=sheet, cell=cell, mapping=mapping.file,
                                       **details))

    fixed = [name for name in (mapping.year_column, mapping.area_column, mapping.ages and mapping.ages.column) if name]
    for name in (*fixed, *mapping.columns):
        if not header.positions(name):
            fail("zuordnung-passt-nicht", "spalte", name, expected=header.present(), column=name, row=mapping.header_row)
    for name in fixed:
        if (details := header.doubled(name)) is not None:
            fail("kopfzeile-doppelt", "", name, **details)
    found: dict[int, list[Target]] = {}
    for name, targets in mapping.columns.items():
        details = header.doubled(name)
        for target in targets:
            if target.column:
                index = column_index(target.column)
                if column_key(header.name_at(target.column)) != column_key(name):
                    fail("zuordnung-passt-nicht", "position", name, cell_name(header.row, index), column=name,
                         found=header.name_at(target.column), letter=target.column, row=header.row + 1)
                    continue
            elif details is not None:
                combined = [two_rows.names[i] for i in header.positions(name)] if two_rows is not None else []
                if len(set(map(column_key, combined))) == len(combined) > 0:  # the row above tells them apart
                    fail("kopfzeile-doppelt", "zuordnung-zweizeilig", name, above=header.row, row=header.row + 1,
                         combined=combined[0], **details)
                else:
                    fail("kopfzeile-doppelt", "zuordnung", name, **details)
                break
            elif not header.positions(name):
                continue
            else:
                index = header.positions(name)[0]
            found.setdefault(index, []).append(target)
    return found if len(report.problems) == before else None


def _wide_cells(wide: _WideTable, number: int, raw: list[object],
                targets: dict[int, list[Target]]) -> list[tuple[int, list[Target], float | None, str]] | None:
    """The value cells of one row (column, its targets, value, Kennzeichen); None if a cell is not a value (each such
    cell is named). An empty cell is withheld, or with leer = "fehlt" has no value and no Kennzeichen."""
    mapping, values, fits = wide.mapping, [], True
    for index, column_targets in targets.items():
        cell = _cell(raw[index], mapping.withheld)
        if cell.kind == "falsch":
            wide.misfit(number, "wert", index, raw[index], " ".join(mapping.withheld) or "keine festgelegt")
            fits = False
        elif cell.kind != "leer" or mapping.blank == "gesperrt":
            values.append((index, column_targets, cell.value,
                           FLAG_WITHHELD if cell.kind in ("leer", "gesperrt") else ""))
        elif wide.age is not None:  # a missing year of age: its group gets no value
            values.append((index, column_targets, None, ""))
    return values if fits else None


def _add_cells(wide: _WideTable, number: int, cells: list[tuple[int, list[Target], float | None, str]],
               kinds: dict[str, str], year: int, area: str, age: str, rows: TableRows) -> None:
    for index, column_targets, value, flag in cells:
        if value is None and not flag:
            continue  # leer = "fehlt": not taken
        for t in column_targets:
            key = ObservationKey(t.indicator, year, area, t.group, t.sex, t.measure, t.age if age == ALL else age,
                                 t.nationality)
            rows.add(Slot(wide.sheet, number - 1, index, key, "input", kinds[t.indicator]), value, flag, "")


__all__ = ["COLUMNS", "SHEET", "TableRows", "long_rows", "wide_rows"]
