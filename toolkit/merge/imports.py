"""`toolkit import FILE`: earlier years and comparison values (Sachsen-Anhalt, Deutschland) from a long table.

Columns: Jahr, Indikator, Gebiet, Gruppe, Geschlecht, Messgröße, Wert, Kennzeichen, Hinweis (CSV with ; or ,
as separator, UTF-8, or the first sheet of an .xlsx). Every row is validated (known indicator, area, group,
sex, measure; a number), then the value rules of returns/rules.py run on the rows; without Fehler the values
are stored in one transaction with the provenance "Import <Dateiname>" and the master matrix is renewed.
Importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from toolkit.catalogue.model import AREA_LABELS, CITY, CITY_AGS, CITY_KEY, Catalogue, name_key
from toolkit.collect.layout import EMPTY_FLAGS, FLAG_WITHHELD, MEASURE_LABELS, Slot
from toolkit.core.cells import cell_name, parse_number_text
from toolkit.core.errors import ExitCode, InputError
from toolkit.core.keys import ObservationKey
from toolkit.core.problems import FileReport, Problem, Severity, problem
from toolkit.core.settings import load_settings
from toolkit.core.store import Store, StoredValue
from toolkit.core.workspace import Workspace, locked, shown
from toolkit.merge.matrix import write_master_matrix
from toolkit.returns.caches import Caches
from toolkit.returns.checks import (
    check_counts,
    check_previous_year,
    check_rates,
    check_sums,
    load_store_view,
    normalise_flag,
)
from toolkit.returns.reader import Reading, Readings
from toolkit.returns.safety import Refused, inspect_file

COLUMNS = ("Jahr", "Indikator", "Gebiet", "Gruppe", "Geschlecht", "Messgröße", "Wert", "Kennzeichen", "Hinweis")
REQUIRED = COLUMNS[:7]
IMPORT_OFFICE = "Import"
SHEET = "Import"


@dataclass
class ImportResult:
    report: FileReport
    new: int = 0
    changed: int = 0
    rows: int = 0
    already: bool = False
    matrix: Path | None = None
    root: Path | None = None  # the working folder, to name files relative to it

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.report.ok else ExitCode.DATA_PROBLEMS

    def lines(self) -> list[str]:
        name = self.report.file
        if not self.report.ok:
            return [f"{name}: nicht übernommen – {self.report.count(Severity.FEHLER)} Fehler (siehe Tabelle). Bitte "
                    "die genannten Zeilen korrigieren und erneut importieren."]
        if self.already:
            return [f"{name}: wurde schon importiert; es ändert sich nichts."]
        lines = [f"{name}: {self.rows} Zeilen importiert ({self.new} neue, {self.changed} geänderte Werte), "
                 f"Herkunft „Import {name}“."]
        if self.matrix is not None:
            lines.append(f"Indikatorenmatrix erneuert: {shown(self.matrix, self.root)}")
        return lines


@dataclass
class _Rows:
    items: list[tuple[ObservationKey, float | None, str, str]] = field(default_factory=list)
    readings: dict[ObservationKey, Reading] = field(default_factory=dict)


def import_values(workspace: Workspace, file: Path, caches: Caches | None = None) -> ImportResult:
    """Validate and load a long-format table of values (see module docstring)."""
    path = Path(file)
    if not path.is_file():
        raise InputError(f"Die Importdatei {path} gibt es nicht.", hint="Bitte Pfad und Dateinamen prüfen.")
    catalogue = (caches or Caches()).catalogue(workspace)
    data = path.read_bytes()
    report = FileReport(path.name, IMPORT_OFFICE, None, hashlib.sha256(data).hexdigest())
    table = _table(path, data, report)
    withheld = load_settings(workspace.settings_file).gesperrt_zeichen
    rows = _validate(table, catalogue, report, withheld) if table is not None else _Rows()
    if table is not None and report.ok:
        report.extend(_value_checks(path.name, rows, catalogue, workspace))
    years = sorted({key.year for key, *_ in rows.items})
    report.year = years[-1] if len(years) == 1 else None
    result = ImportResult(report, rows=len(rows.items), root=workspace.root)
    if not report.ok:
        return result
    with locked(workspace, "toolkit import"), Store(workspace.store_file) as store:
        if store.db.execute("SELECT id FROM deliveries WHERE sha256 = ? AND source = 'import'",
                            (report.sha256,)).fetchone():
            result.already = True
            return result
        with store.transaction():
            delivery = store.add_delivery(
                office=IMPORT_OFFICE, year=years[-1] if years else 0, file_name=path.name, sha256=report.sha256,
                source="import", counts=(0, report.count(Severity.WARNUNG), report.count(Severity.HINWEIS)),
                problems_json=json.dumps([p.as_json() for p in report.problems], ensure_ascii=False))
            counts = store.put_many(((k, v, f, n, f"Import {path.name}") for k, v, f, n in rows.items), delivery)
        result.new, result.changed = counts["new"], counts["changed"]

        result.matrix = write_master_matrix(workspace, store, catalogue)
    return result


def _table(path: Path, data: bytes, report: FileReport) -> list[list[object]] | None:
    if path.suffix.lower() in (".csv", ".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=dialect)]
    try:
        inspect_file(path, data)
        from python_calamine import CalamineWorkbook  # heavy: only for an .xlsx import

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Refused as refused:
        report.problems.append(refused.problem)
    except Exception as exc:  # noqa: BLE001 - a broken file gets an answer, not a traceback
        report.problems.append(problem("nicht-lesbar", "import", file=path.name, reason=type(exc).__name__))
    return None


def _norm(text: object) -> str:
    return str(text or "").strip().casefold().replace("ö", "oe").replace("ä", "ae").replace("ü", "ue")


def _validate(table: list[list[object]], catalogue: Catalogue, report: FileReport,
              withheld: tuple[str, ...] = (".", "x", "*")) -> _Rows:
    rows = _Rows()
    if not table:
        report.problems.append(problem("leere-datei", "import", file=report.file))
        return rows
    header = {_norm(h): i for i, h in enumerate(table[0]) if str(h or "").strip()}
    missing = [c for c in REQUIRED if _norm(c) not in header]
    if missing:
        report.problems.append(problem("import-zeile", "spalten", file=report.file, sheet=SHEET, cell="A1",
                                       expected=", ".join(COLUMNS), missing=", ".join(missing)))
        return rows
    areas = _area_lookup(catalogue)
    for number, raw in enumerate(table[1:], start=2):
        if not any(str(v).strip() for v in raw if v is not None):
            continue
        _validate_row(number, raw, header, catalogue, areas, report, rows, withheld)
    return rows


def _area_lookup(catalogue: Catalogue) -> dict[str, str]:
    """Gebiet as written in an import: a name, the Amt's key ('04', '4', 'st04'), 15003 or the AGS for the city."""
    lookup = {name_key(code): code for code in AREA_LABELS} | {name_key(label): code for code, label in AREA_LABELS.items()}
    lookup |= {CITY_KEY: CITY, CITY_AGS: CITY}
    for district in catalogue.districts:
        for written in (district.area, district.name, district.schluessel, district.schluessel.lstrip("0")):
            lookup[name_key(written)] = district.area
    return lookup


def _area_text(raw: object) -> str:
    """A Gebiet cell: numbers from Excel (4.0) as their digits."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return name_key(raw)


def _validate_row(number: int, raw: list[object], header: dict[str, int], catalogue: Catalogue,
                  areas: dict[str, str], report: FileReport, rows: _Rows, withheld: tuple[str, ...]) -> None:
    def get(column: str) -> object:
        index = header.get(_norm(column))
        return raw[index] if index is not None and index < len(raw) else ""

    def bad(column: str, found: object, why: str) -> None:
        cell = cell_name(number - 1, header.get(_norm(column), 0))
        report.problems.append(problem("import-zeile", file=report.file, sheet=SHEET, cell=cell, found=str(found)[:80],
                                       row=number, column=column, why=why))

    indicator = catalogue.indicators.get(str(get("Indikator")).strip())
    year_text = str(get("Jahr")).strip().removesuffix(".0")
    area = areas.get(_area_text(get("Gebiet")))
    group = str(get("Gruppe")).strip() or "insgesamt"
    sex = str(get("Geschlecht")).strip() or "insgesamt"
    measure_text = _norm(get("Messgröße"))
    measure = {"zaehler": "zaehler", "nenner": "nenner", "wert": "wert", "anzahl": "wert"}.get(measure_text)
    checks = [
        (indicator is None, "Indikator", get("Indikator"), "unbekannte Kennzahl."),
        (not year_text.isdigit() or not 1990 <= int(year_text) <= 2100, "Jahr", get("Jahr"), "kein Jahr."),
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
    assert indicator is not None and area is not None and measure is not None
    key = ObservationKey(indicator.id, int(year_text), area, group, sex, measure)
    slot = Slot(SHEET, number - 1, header[_norm("Wert")], key, "input", "count" if indicator.is_count else "decimal")
    flag = normalise_flag(str(get("Kennzeichen") or ""))
    note = str(get("Hinweis") or "").strip()
    raw_value = get("Wert")
    if str(raw_value or "").strip() in withheld and flag in ("", FLAG_WITHHELD):
        raw_value, flag = None, FLAG_WITHHELD  # the source's own symbol for a withheld value
    value = _value(raw_value, slot, report, bad)
    if value is None and flag not in EMPTY_FLAGS:
        if str(raw_value or "").strip() == "":
            bad("Wert", "", "leer; bei fehlendem Wert Kennzeichen „kein Wert verfügbar“ angeben, bei einem von der "
                            "Quelle gesperrten Wert „gesperrt (Quelle)“.")
        return
    if key in rows.readings:
        bad("Indikator", indicator.id, f"derselbe Wert steht schon in Zeile {rows.readings[key].slot.row + 1}.")
        return
    rows.items.append((key, value, flag, note))
    rows.readings[key] = Reading(slot, value=value)


def _value(raw: object, slot: Slot, report: FileReport, bad) -> float | None:  # noqa: ANN001
    """A number cell, or a text: '1.234,5' / '12,5' / '12.5' (CSV is always text, so no Warnung there)."""
    if isinstance(raw, bool):
        bad("Wert", raw, "keine Zahl.")
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw or "").strip()
    if not text:
        return None
    number = parse_number_text(text)
    if number is None:
        bad("Wert", text, "keine Zahl (erlaubt: 1234, 1.234, 12,5).")
        return None
    if not report.file.lower().endswith((".csv", ".txt")):
        report.problems.append(problem("deutsches-zahlformat", "import", file=report.file, sheet=slot.sheet,
                                       cell=slot.cell, indicator=slot.key.indicator, found=text, expected=f"{number:g}"))
    return number


def _value_checks(name: str, rows: _Rows, catalogue: Catalogue, workspace: Workspace) -> list[Problem]:
    """The value rules (returns/rules.py) on the imported rows: counts, rates, parts and whole, and the change against
    the previous year (from the file itself or the store, read-only)."""
    indicators = tuple(catalogue.indicators[i] for i in sorted({k.indicator for k in rows.readings}))
    rw = Readings(name, "", SimpleNamespace(indicators=indicators), list(rows.readings.values()))  # type: ignore[arg-type]
    view = load_store_view(workspace.store_file)
    view.values.update({k: StoredValue(v, f, n, 0) for k, v, f, n in rows.items})
    problems: list[Problem] = []
    for rule in (check_counts, check_rates, check_sums, check_previous_year):
        problems.extend(rule(rw, rows.readings, catalogue, view, set()))
    return problems


__all__ = ["COLUMNS", "MEASURE_LABELS", "ImportResult", "import_values"]
