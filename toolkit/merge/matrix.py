"""The master matrix outbox/Monitoringdaten.xlsx: catalogue, every value with provenance, wide sheets per
Handlungsfeld, deliveries, the history of changes, open problems and (if available) the return status.

Regenerated from the store after every merge and import, written atomically with xlsxwriter; the data rows of
the sheets go through the xlsxwriter adapter (core/xlsxwriter_adapter.RowsBook). Text from offices (Bemerkung,
Kennzeichen, file names) is always written as a text: never a formula or link. Its name differs from the catalogue
(templates/Indikatorenmatrix.xlsx); its first sheet, its document properties and Excel's "open read-only?" question
say that it is generated and rewritten. A master matrix under the former name is renamed once
(``retire_former_matrix``), so that nobody goes on reading or editing a file that no longer follows the store.

The matrix records what it shows in its document property "Datenstand": the store's Datenstand (advanced in the
same transaction as every change, core.store.Store.transaction) and the catalogue file's content. A command that
writes and finds the property different (a crash between the store's commit and the matrix, a changed catalogue,
a matrix copied from elsewhere) rewrites the matrix: ``refresh_master_matrix``. Neither file times nor sizes are
trusted; copies and network drives change them.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from defusedxml import DefusedXmlException, ElementTree

from toolkit.catalogue.model import AREA_LABELS, CITY, Catalogue, IndicatorType
from toolkit.collect.layout import MEASURE_LABELS
from toolkit.collect.status import round_status
from toolkit.core.keys import ALL
from toolkit.core.runtime import paused_gc
from toolkit.core.store import DeliverySource, Store
from toolkit.core.workspace import (
    CATALOGUE_TEMPLATE,
    FORMER_MASTER_MATRIX,
    MASTER_MATRIX,
    RETIRED_MASTER_MATRIX,
    Workspace,
    atomic_path,
    move_file,
    remove_leftovers,
)
from toolkit.core.xlsxwriter_adapter import RowsBook
from toolkit.returns.caches import PlanCache
from toolkit.returns.checks import inbox_files

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
STAND_PROPERTY = "Datenstand"  # document property: what the matrix shows (matrix_stand)
WIDE_AREAS = (CITY, "sachsen-anhalt", "deutschland")
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


GENERATED_NOTICE = "automatisch erzeugt – wird bei jedem 'toolkit merge' und 'toolkit import' neu geschrieben, " \
                   "Änderungen hier gehen verloren"


def write_master_matrix(workspace: Workspace, store: Store, catalogue: Catalogue, plans: PlanCache | None = None) -> Path:
    """Write outbox/Monitoringdaten.xlsx from the store; return its path. Runs under the folder lock.

    ``plans``: the caller's plans of ``catalogue`` (a merge's), reused for the sheet Rücklauf."""
    target = workspace.master_matrix
    remove_leftovers(target)  # of a writer killed before its rename
    with paused_gc(), atomic_path(target) as tmp:
        rows_book = RowsBook(tmp, WORKBOOK_OPTIONS)
        book = rows_book.workbook
        book.set_properties({
            "title": "Monitoringdaten des Integrationsmonitorings",
            "subject": f"Alle Werte mit Herkunft ({GENERATED_NOTICE})",
            "keywords": "automatisch erzeugt, nicht bearbeiten",
            "comments": f"{GENERATED_NOTICE}. Den Indikatorenkatalog bearbeiten Sie in {CATALOGUE_TEMPLATE}.",
        })
        book.set_custom_property("Automatisch erzeugt", "ja – wird neu geschrieben")
        book.read_only_recommended()  # Excel asks whether to open it read-only
        book.set_custom_property(STAND_PROPERTY, matrix_stand(workspace, store))
        fmt = _Formats(rows_book)
        _notes(book, fmt)
        _catalogue_sheets(book, fmt, catalogue)
        _values_sheet(book, fmt, catalogue, store)
        _wide_sheets(book, fmt, catalogue, store.observation_rows(WIDE_AREAS))
        _deliveries_sheet(book, fmt, store)
        _history_sheet(book, fmt, catalogue, store)
        _open_problems_sheet(book, fmt, workspace, store)
        _status_sheet(book, fmt, workspace, store, catalogue, plans)
        rows_book.close()
    return target


def retire_former_matrix(workspace: Workspace) -> str:
    """Rename a master matrix left under the former name (outbox/Indikatorenmatrix.xlsx, up to 0.2) to
    outbox/Indikatorenmatrix_veraltet.xlsx, once; return the German note saying so ('' if there was none).

    Renamed, not deleted: whatever someone typed into it stays readable. If the new name is taken already, the file
    stays where it is and the note says that it is no longer updated.
    """
    former = workspace.former_master_matrix
    if not former.is_file():
        return ""
    retired = workspace.root / RETIRED_MASTER_MATRIX
    if retired.exists():
        return (f"{FORMER_MASTER_MATRIX} wird nicht mehr erneuert; die Werte mit Herkunft stehen jetzt in "
                f"{MASTER_MATRIX}. Die alte Datei kann gelöscht werden.")
    move_file(former, retired)
    return (f"Die frühere Datei {FORMER_MASTER_MATRIX} wird nicht mehr erneuert und heißt jetzt {RETIRED_MASTER_MATRIX} "
            f"(sie kann gelöscht werden). Die Werte mit Herkunft stehen jetzt in {MASTER_MATRIX}; der "
            f"Indikatorenkatalog bleibt {CATALOGUE_TEMPLATE}.")


def refresh_master_matrix(workspace: Workspace, store: Store, catalogue: Catalogue) -> Path | None:
    """Rewrite the master matrix if it does not show the store's and the catalogue's present state; return its
    path if it was written. For commands that write but may change nothing (an import done before)."""
    if written_stand(workspace.master_matrix) == matrix_stand(workspace, store):
        return None
    return write_master_matrix(workspace, store, catalogue)


def matrix_stand(workspace: Workspace, store: Store) -> str:
    """What a matrix written now shows: the store's Datenstand and the catalogue's content (its SHA-256)."""
    catalogue = hashlib.sha256(workspace.catalogue_file.read_bytes()).hexdigest()
    return f"{store.stand()}|{catalogue}"


def written_stand(path: Path) -> str | None:
    """The property "Datenstand" of the matrix at ``path``; None if there is none or the file is unreadable."""
    try:
        with zipfile.ZipFile(path) as package:
            root = ElementTree.fromstring(package.read("docProps/custom.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException):
        return None
    for prop in root:
        if prop.get("name") == STAND_PROPERTY:
            return "".join(prop.itertext())
    return None


class _Formats:
    def __init__(self, rows_book: RowsBook) -> None:
        book: xlsxwriter.Workbook = rows_book.workbook
        self.rows_book = rows_book
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.number = book.add_format({"num_format": "#,##0.##"})
        self.rate = book.add_format({"num_format": "0.0", "italic": True, "bg_color": "#F2F2F2"})
        rows_book.number_styles({"number": self.number, "rate": self.rate})

    def rows(self, ws, columns: int, count: int, rows, cache: bool = True) -> None:
        self.rows_book.add_rows(ws, columns, count, rows, cache)


def _table(book, fmt: _Formats, name: str, headers: list[str], widths: list[int], rows, count: int | None = None,
           blocks: bool = False) -> None:
    """A sheet with a frozen, filtered header row.

    ``rows`` yields lists of str/int/float/None, or with ``blocks`` (style, blocks of neighbouring cells) as
    xlsxwriter_adapter.SheetRows expects; ``count`` is the number of rows when ``rows`` is not a list.
    """
    ws = book.add_worksheet(name)
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, fmt.header)
    ws.freeze_panes(1, 0)
    if count is None:
        rows = list(rows)
        count = len(rows)
    ws.autofilter(0, 0, max(count, 1), len(headers) - 1)
    fmt.rows(ws, len(headers), count, rows if blocks else (("number", (tuple(r),)) for r in rows), cache=blocks)


def _notes(book, fmt: _Formats) -> None:
    ws = book.add_worksheet("Hinweise")
    ws.set_column(0, 0, 110)
    lines = [
        f"Monitoringdaten des Integrationsmonitorings ({GENERATED_NOTICE})",
        "",
        "Die Datei wird bei jedem 'toolkit merge' und 'toolkit import' aus der Datenhaltung (data/monitoring.sqlite) "
        f"neu geschrieben. Den Indikatorenkatalog (Kennzahlen, Stellen, Stadtteile) bearbeiten Sie in "
        f"{CATALOGUE_TEMPLATE}; Werte korrigieren Sie mit einem neuen Rücklauf oder 'toolkit import'.",
        "Werte: jeder Wert im Langformat mit Herkunft (Lieferung, Dienststelle, Datei, Zeitpunkt, Kennzeichen, Bemerkung).",
        "Blätter HF …: je Handlungsfeld Kennzahl × Gebiet × Gruppe × Geschlecht × Altersgruppe × Staatsangehörigkeit "
        "× Messgröße, Jahre als Spalten; bei "
        "Quoten zusätzlich die berechnete Quote (Zähler / Nenner × Faktor). Stadtteilwerte stehen im Blatt Werte.",
        "Lieferungen: jede übernommene Datei und jeder Import. Änderungen: jeder ersetzte Wert mit altem und neuem Wert.",
        "Offene Befunde: Dateien, die noch in inbox/ liegen, mit ihren Befunden.",
        "Die Matrix enthält die wahren Werte ohne Geheimhaltung – nicht veröffentlichen.",
    ]
    for row, line in enumerate(lines):
        ws.write_string(row, 0, line, fmt.title if row == 0 else fmt.wrap)


def _catalogue_sheets(book, fmt: _Formats, catalogue: Catalogue) -> None:
    fields = {f.code: f.name for f in catalogue.fields}
    _table(book, fmt, "Indikatoren",
           ["Kennung", "Handlungsfeld", "Bezeichnung", "Typ", "Einheit", "Faktor", "Gruppen", "Stelle", "Quelle",
            "Stichtag", "Ebene", "Geheimhaltung", "Definition"],
           [10, 24, 40, 9, 10, 8, 40, 12, 40, 12, 8, 13, 70],
           ([i.id, fields.get(i.handlungsfeld, i.handlungsfeld), i.name, i.typ, i.einheit, i.faktor,
             ", ".join(i.gruppen), i.fachbereich, i.quelle, i.stichtag, i.ebene, i.geheimhaltung, i.definition]
            for i in catalogue.indicators.values()))
    _table(book, fmt, "Handlungsfelder", ["Code", "Bezeichnung", "Reihenfolge"], [8, 50, 12],
           ([f.code, f.name, f.reihenfolge] for f in catalogue.fields))
    _table(book, fmt, "Fachbereiche", ["Code", "Bezeichnung", "Ansprechperson", "E-Mail"], [12, 50, 36, 36],
           ([o.code, o.name, o.ansprechperson, o.email] for o in catalogue.offices.values()))


def _values_sheet(book, fmt: _Formats, catalogue: Catalogue, store: Store) -> None:
    """Every value in long form with its provenance (file name and SHA-256 of a delivery: sheet Lieferungen)."""
    labels = _ValueLabels({d.area: d.name for d in catalogue.districts} | AREA_LABELS,
                          {g.code: g.bezeichnung for g in catalogue.groups.values()},
                          {s.code: s.bezeichnung for s in catalogue.sexes.values()}, MEASURE_LABELS,
                          {r["id"]: (r["id"], r["office"], r["file_name"], r["merged_at"].replace("T", " "))
                           for r in store.deliveries()}, _breakdown_labels(catalogue, "altersgruppe"),
                          _breakdown_labels(catalogue, "staatsangehoerigkeit"))
    rows = store.observation_rows()
    _table(book, fmt, "Werte",
           ["Kennzahl", "Jahr", "Gebiet", "Gruppe", "Geschlecht", "Altersgruppe", "Staatsangehörigkeit", "Messgröße",
            "Wert", "Kennzeichen", "Bemerkung", "Lieferung", "Dienststelle", "Datei", "Zeitpunkt"],
           [10, 7, 24, 20, 12, 14, 18, 11, 12, 16, 40, 10, 12, 30, 20], labels.blocks(rows), count=len(rows),
           blocks=True)


def _breakdown_labels(catalogue: Catalogue, dimension: str) -> dict[str, str]:
    """Code -> what the matrix shows for an age group or nationality: its German label, "alle" for all."""
    codes = catalogue.age_group if dimension == "altersgruppe" else catalogue.nationality
    return {ALL: ALL} | {code: catalogue.label(dimension, code) for code in codes}


@dataclass
class _ValueLabels:
    areas: dict[str, str]
    groups: dict[str, str]
    sexes: dict[str, str]
    measures: dict[str, str]
    deliveries: dict[int, tuple[int, str, str, str]]  # id -> (id, office, file name, merged at)
    ages: dict[str, str]  # age group code -> label
    nationalities: dict[str, str]  # nationality key -> label

    def blocks(self, rows: list[tuple]) -> Iterator[tuple[str, tuple]]:
        """Cells in blocks that repeat from row to row (see core/xlsxwriter_adapter); a value was set when its delivery was
        merged. ``rows``: Store.observation_rows (key, value, flag, note, delivery)."""
        areas, groups, sexes, measures, deliveries, ages, nationalities = (
            self.areas, self.groups, self.sexes, self.measures, self.deliveries, self.ages, self.nationalities)
        for r in rows:
            yield "number", ((r[0], r[1]), (areas.get(r[2], r[2]), groups.get(r[3], r[3]), sexes.get(r[4], r[4]),
                                            ages.get(r[6], r[6]), nationalities.get(r[7], r[7]),
                                            measures.get(r[5], r[5])), (r[8],),
                             (r[9], r[10], *deliveries.get(r[11], (r[11], "", "", ""))))


def _wide_sheets(book, fmt: _Formats, catalogue: Catalogue, rows) -> None:
    """One sheet per Handlungsfeld: a row per indicator x area x group x sex x age group x nationality x measure,
    years as columns."""
    series: dict[tuple, dict[int, float | None]] = defaultdict(dict)
    years: set[int] = set()
    for r in rows:
        if r[2] in WIDE_AREAS:
            series[(r[0], r[2], r[3], r[4], r[6], r[7], r[5])][r[1]] = r[8]
            years.add(r[1])
    year_list = sorted(years)
    by_indicator: dict[str, list[tuple]] = defaultdict(list)
    for key in sorted(series):
        by_indicator[key[0]].append(key)
    for field_ in sorted(catalogue.fields, key=lambda f: f.reihenfolge):
        name = f"HF {field_.code} {field_.name}".translate(_BAD_SHEET_CHARS)[:31]
        ws = book.add_worksheet(name)
        fixed = ["Kennzahl", "Bezeichnung", "Gebiet", "Gruppe", "Geschlecht", "Altersgruppe", "Staatsangehörigkeit",
                 "Messgröße"]
        headers = [*fixed, *map(str, year_list)]
        for col, header in enumerate(headers):
            ws.write_string(0, col, header, fmt.header)
        for col, width in enumerate([10, 36, 16, 26, 12, 14, 18, 12]):
            ws.set_column(col, col, width)
        ws.set_column(len(fixed), len(fixed) + max(len(year_list) - 1, 0), 10)
        ws.freeze_panes(1, len(fixed))
        out: list[tuple[str, tuple]] = []
        for indicator in catalogue.indicators_of_field(field_.code):
            for key in by_indicator.get(indicator.id, ()):
                out.append(_wide_row(indicator, key, series[key], year_list, catalogue, "number"))
                if indicator.typ == IndicatorType.QUOTE and key[-1] == "nenner":
                    num = series.get((*key[:-1], "zaehler"), {})
                    rates = {y: num[y] / v * indicator.faktor for y, v in series[key].items()
                             if v and num.get(y) is not None}
                    out.append(_wide_row(indicator, (*key[:-1], "quote"), rates, year_list, catalogue, "rate",
                                         f"Quote ({indicator.einheit})"))
        ws.autofilter(0, 0, max(len(out), 1), len(headers) - 1)
        fmt.rows(ws, len(headers), len(out), out)


def _wide_row(indicator, key, values, years, catalogue, style, label="") -> tuple[str, tuple]:
    _ind, area, grp, sex, age, nationality, measure = key
    labels = (indicator.id, indicator.name, catalogue.area_label(area), catalogue.label("gruppe", grp),
              catalogue.label("geschlecht", sex), ALL if age == ALL else catalogue.label("altersgruppe", age),
              ALL if nationality == ALL else catalogue.label("staatsangehoerigkeit", nationality),
              label or MEASURE_LABELS.get(measure, measure))
    return style, (labels, tuple(values.get(year) for year in years))


SOURCE_LABELS = {DeliverySource.RETURN: "Rücklauf", DeliverySource.IMPORT: "Import", DeliverySource.WITHDRAWAL: "Rücknahme"}


def _deliveries_sheet(book, fmt: _Formats, store: Store) -> None:
    _table(book, fmt, "Lieferungen",
           ["Lieferung", "Dienststelle", "Jahr", "Datei", "Quelle", "SHA-256", "Rundenkennung", "Layout", "Eingang",
            "Übernommen", "Archiv", "Fehler", "Warnungen", "Hinweise", "Gespeichert", "Zurückgezogen durch",
            "Bemerkung"],
           [10, 12, 7, 32, 9, 20, 16, 8, 20, 20, 40, 8, 10, 9, 20, 12, 40],
           ([r["id"], r["office"], r["year"], r["file_name"], SOURCE_LABELS.get(r["source"], r["source"]), r["sha256"],
             r["token"], r["layout_version"], r["received_at"].replace("T", " "), r["merged_at"].replace("T", " "),
             r["archive_path"], r["n_fehler"], r["n_warnungen"], r["n_hinweise"], r["saved_at"].replace("T", " "),
             r["withdrawn_by"], r["note"]] for r in store.deliveries()))


def _history_sheet(book, fmt: _Formats, catalogue: Catalogue, store: Store) -> None:
    ages, nationalities = _breakdown_labels(catalogue, "altersgruppe"), _breakdown_labels(catalogue,
                                                                                          "staatsangehoerigkeit")
    _table(book, fmt, "Änderungen",
           ["Zeitpunkt", "Kennzahl", "Jahr", "Gebiet", "Gruppe", "Geschlecht", "Altersgruppe", "Staatsangehörigkeit",
            "Messgröße", "Alter Wert", "Altes Kennzeichen", "Alte Lieferung", "Alte Datei", "Neuer Wert",
            "Neue Lieferung", "Neue Datei", "Dienststelle", "Grund"],
           [20, 10, 7, 14, 20, 12, 14, 18, 11, 12, 14, 10, 30, 12, 10, 30, 12, 40],
           ([r["changed_at"].replace("T", " "), r["indicator"], r["year"], catalogue.area_label(r["area"]), r["grp"],
             r["sex"], ages.get(r["age"], r["age"]), nationalities.get(r["nationality"], r["nationality"]),
             MEASURE_LABELS.get(r["measure"], r["measure"]), r["old_value"], r["old_flag"],
             r["old_delivery_id"], r["old_file"] or "", r["new_value"], r["new_delivery_id"], r["new_file"],
             r["new_office"], r["reason"]] for r in store.history_rows()))


def _open_problems_sheet(book, fmt: _Formats, workspace: Workspace, store: Store) -> None:
    in_inbox = {p.name for p in inbox_files(workspace)}
    rows = []
    for check in store.checks():
        if check["file_name"] not in in_inbox:
            continue
        for problem in json.loads(check["problems_json"]):
            rows.append([check["file_name"], check["office"], check["year"], problem.get("severity", ""),
                         problem.get("code", ""), problem.get("sheet", ""), problem.get("cell", ""),
                         problem.get("indicator", ""), problem.get("found", ""), problem.get("expected", ""),
                         problem.get("message", ""), check["checked_at"].replace("T", " ")])
    _table(book, fmt, "Offene Befunde",
           ["Datei", "Dienststelle", "Jahr", "Art", "Code", "Blatt", "Zelle", "Kennzahl", "Gefunden", "Erwartet",
            "Meldung", "Geprüft"], [30, 12, 7, 9, 22, 18, 8, 10, 16, 16, 80, 20], rows)


def _status_sheet(book, fmt: _Formats, workspace: Workspace, store: Store, catalogue: Catalogue,
                  plans: PlanCache | None) -> None:
    """'Rücklauf' from status.round_status for the latest year with rounds."""
    year = store.latest_round_year()
    if year is None:
        return
    try:
        headers, rows = round_status(workspace, year, catalogue=catalogue, plans=plans and plans.plan).table()
    except Exception:  # the matrix must not fail because the status view does
        return
    _table(book, fmt, "Rücklauf", [str(h) for h in headers], [max(10, min(40, len(str(h)) + 4)) for h in headers],
           ([str(c) for c in r] for r in rows))
