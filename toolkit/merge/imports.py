"""`toolkit import FILE [--zuordnung MAPPING]`: earlier years, comparison values and the Amt für Statistik's tables.

Two shapes of table (CSV with ; or , as separator in UTF-8, UTF-16, Windows-1252 or DOS code page 850, read so
that no row can get lost, table_file.py; or a sheet of an .xlsx), one pipeline:

- **long**, without a mapping: columns Jahr, Indikator, Gebiet, Gruppe, Geschlecht, Messgröße, Wert, Kennzeichen,
  Hinweis; one value per row.
- **wide**, with a mapping (mapping.py): one row per year and area, one column per value, e.g. a KISS-MD export
  (raw headers ``K3_T35_var1`` …, numbers as numbers or as text, ``.`` or a blank for a withheld value).

Both are turned into the same rows (import_table.py): observation key, value, Kennzeichen, Hinweis and the cell it came from (a Gebiet
is a Stadtteil name, the Amt's key "04"/"4"/"st04", 15003 or the AGS 15003000 for the city). Every row is validated,
then the value rules of returns/rules.py run on the rows; without Fehler the values are stored in one transaction with
the provenance "Import <Dateiname>" or, when the mapping names its table, "Import KISS-MD K3_T35", and the master
matrix is renewed. A value the source withheld (one of its symbols, or a blank where the mapping says
leer = "gesperrt") is stored with the Kennzeichen "gesperrt (Quelle)" and no value. Importing the same file (with the
same mapping) again changes nothing; after a later import or delivery changed its values, or after it was withdrawn
(merge/withdraw.py), it is a new import that makes them hold again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.upgrade import upgrade_store
from toolkit.collect.layout import FLAG_WITHHELD, MEASURE_LABELS
from toolkit.core.cells import count_of
from toolkit.core.errors import ExitCode, InputError, UsageError
from toolkit.core.problems import FileReport, Problem, Severity
from toolkit.core.progress import SILENT, Progress
from toolkit.core.settings import load_settings
from toolkit.core.store import DeliverySource, Store, StoredValue
from toolkit.core.workspace import Workspace, for_user, locked
from toolkit.merge.import_table import COLUMNS, TableRows, long_rows, wide_rows
from toolkit.merge.intake import new_and_changed
from toolkit.merge.mapping import load_mapping, mapping_path
from toolkit.merge.matrix import refresh_master_matrix, retire_former_matrix, write_master_matrix
from toolkit.merge.table_file import ENCODINGS, encoding_choice, read_table
from toolkit.returns.caches import Caches
from toolkit.returns.checks import (
    check_counts,
    check_previous_year,
    check_rates,
    check_sums,
    check_years,
    load_store_view,
)
from toolkit.returns.reader import Readings

IMPORT_OFFICE = "Import"

# Fault injection for tests (as in intake.py): called with the name of the step just done.
fault_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if fault_hook is not None:
        fault_hook(name)


@dataclass
class ImportResult:
    report: FileReport
    new: int = 0
    changed: int = 0
    same: int = 0
    rows: int = 0  # rows of the table taken
    withheld: int = 0  # values stored as "gesperrt (Quelle)"
    skipped: int = 0  # rows left out by the mapping (nur_jahre, gebiete_auslassen)
    provenance: str = ""  # "Import KISS-MD K3_T35" or "Import <Dateiname>"
    already: bool = False
    matrix: Path | None = None
    root: Path | None = None  # the working folder, to name files relative to it
    notes: list[str] = field(default_factory=list)  # German hints, e.g. a former master matrix renamed

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.report.ok else ExitCode.DATA_PROBLEMS

    def lines(self) -> list[str]:
        name = self.report.file
        if not self.report.ok:
            return [f"{name}: nicht übernommen – {self.report.count(Severity.FEHLER)} Fehler (siehe Tabelle). Bitte "
                    "die genannten Zeilen korrigieren und erneut importieren."]
        if self.already:
            lines = [f"{name}: wurde schon importiert; es ändert sich nichts."]
            if self.matrix is not None:  # it was behind the store, e.g. after a crash before its writing
                lines.append(f"Monitoringdaten auf den Stand des Datenbestands gebracht: {for_user(self.matrix)}")
            return lines
        same = f"; {self.same} unverändert" if self.same else ""
        lines = [f"{name}: {count_of(self.rows, 'Zeile')} importiert ({new_and_changed(self.new, self.changed)}{same}), "
                 f"Herkunft „{self.provenance}“."]
        if self.withheld:
            lines.append(f"Davon von der Quelle gesperrt: {count_of(self.withheld, 'Wert')} (Kennzeichen „{FLAG_WITHHELD}“).")
        if self.skipped:
            lines.append(f"Nach der Zuordnung übersprungen: {count_of(self.skipped, 'Zeile')} (nur_jahre, gebiete_auslassen).")
        if self.matrix is not None:
            lines.append(f"Monitoringdaten erneuert: {for_user(self.matrix)}")
        lines.extend(f"Hinweis: {note}" for note in self.notes)
        return lines


def import_values(workspace: Workspace, file: Path, caches: Caches | None = None,
                  mapping_file: Path | None = None, encoding: str | None = None,
                  progress: Progress = SILENT) -> ImportResult:
    """Validate and load a long table, or a wide one through the mapping ``mapping_file`` (see module docstring);
    ``encoding``: the character set of a CSV file as written in --zeichensatz (None: recognised, table_file.py)."""
    path = Path(file)
    if not path.is_file():
        raise InputError(f"Die Importdatei {path} gibt es nicht.", hint="Bitte Pfad und Dateinamen prüfen.")
    forced = encoding_choice(encoding) if encoding is not None else None
    if encoding is not None and forced is None:
        raise UsageError(f"Den Zeichensatz „{encoding}“ kennt toolkit import nicht.",
                         hint=f"Erlaubt: {', '.join(ENCODINGS)} (ohne --zeichensatz wird er erkannt).")
    catalogue = (caches or Caches()).catalogue(workspace)
    upgrade_store(workspace, catalogue, progress, "toolkit import")
    withheld = load_settings(workspace.settings_file).gesperrt_zeichen
    mapping, mapping_problems = (None, [])
    if mapping_file is not None:
        mapping, mapping_problems = load_mapping(mapping_path(workspace, Path(mapping_file)), catalogue, withheld)
    data = path.read_bytes()
    identity = hashlib.sha256(data)
    if mapping is not None:
        identity.update(mapping.fingerprint.encode())  # the same file through another mapping is another import
    if forced is not None:
        identity.update(f"zeichensatz={forced}".encode())  # read in another character set: other values
    report = FileReport(path.name, IMPORT_OFFICE, None, identity.hexdigest(), list(mapping_problems))
    label = mapping.label if mapping is not None and mapping.label else path.name
    result = ImportResult(report, provenance=f"Import {label}", root=workspace.root)
    if mapping_problems:
        return result
    sheet, table = read_table(path, data, report, mapping, forced)
    rows = TableRows()
    if table is not None:
        rows = wide_rows(table, sheet, mapping, catalogue, report) if mapping is not None \
            else long_rows(table, catalogue, report, withheld)
    items = [(k, v, f, n, result.provenance) for k, v, f, n in rows.items]
    if report.ok and _imported(workspace, report.sha256, items):
        result.already = True
        report.problems = []  # the findings of reading it were shown when it was imported
        with locked(workspace, "toolkit import"), Store(workspace.store_file) as store:
            result.matrix = refresh_master_matrix(workspace, store, catalogue)  # behind the store after a crash?
        return result
    if table is not None and report.ok:
        report.extend(_value_checks(path.name, rows, catalogue, workspace))
    years = sorted({key.year for key, *_ in rows.items})
    report.year = years[-1] if len(years) == 1 else None
    result.rows, result.skipped = rows.taken, rows.skipped
    result.withheld = sum(1 for _key, _value, flag, _note in rows.items if flag == FLAG_WITHHELD)
    if not report.ok:
        return result
    file_name = path.name if mapping is None or not mapping.label else f"{mapping.label} ({path.name})"
    with locked(workspace, "toolkit import"), Store(workspace.store_file) as store:
        if _imported(workspace, report.sha256, items, store):  # again under the lock: another may have come first
            result.already = True
            result.matrix = refresh_master_matrix(workspace, store, catalogue)
            return result
        result.notes = [note for note in [retire_former_matrix(workspace)] if note]
        with store.transaction():
            delivery = store.add_delivery(
                office=IMPORT_OFFICE, year=years[-1] if years else 0, file_name=file_name, sha256=report.sha256,
                source=DeliverySource.IMPORT, counts=(0, report.count(Severity.WARNUNG), report.count(Severity.HINWEIS)),
                problems_json=json.dumps([p.as_json() for p in report.problems], ensure_ascii=False))
            counts = store.put_many(items, delivery)
            _step("stored")  # inside the transaction: a failure here leaves the store as before
        _step("committed")
        result.new, result.changed, result.same = counts["new"], counts["changed"], counts["same"]

        result.matrix = write_master_matrix(workspace, store, catalogue)
        _step("matrix")
    return result


def _imported(workspace: Workspace, identity: str, items: list[tuple], store: Store | None = None) -> bool:
    """Whether this import (file, and mapping) is in the store already and all its values hold as it has them.

    Content decides: the same file again after a later import or delivery changed its values, or after it was
    withdrawn, is a new import.
    """
    if store is None:
        if not workspace.store_file.is_file():
            return False
        with Store.read_only(workspace.store_file) as reading:
            return _imported(workspace, identity, items, reading)
    if store.import_delivery(identity) is None:
        return False
    counts = store.changes(items)
    return not (counts["new"] or counts["changed"])


def _value_checks(name: str, rows: TableRows, catalogue: Catalogue, workspace: Workspace) -> list[Problem]:
    """The value rules (returns/rules.py) on the imported rows: counts, rates, parts and whole, years the indicator or
    group cannot have, and the change against the previous year (from the file itself or the store, read-only)."""
    indicators = tuple(catalogue.indicators[i] for i in sorted({k.indicator for k in rows.readings}))
    rw = Readings(name, "", SimpleNamespace(indicators=indicators), list(rows.readings.values()))  # type: ignore[arg-type]
    view = load_store_view(workspace.store_file)
    view.values.update({k: StoredValue(v, f, n, 0) for k, v, f, n in rows.items})
    problems: dict[tuple[str, str, str], Problem] = {}
    for rule in (check_counts, check_rates, check_sums, check_years, check_previous_year):
        for found in rule(rw, rows.readings, catalogue, view, set()):
            # a cell of a wide table may feed several indicators: one finding per cell and kind is enough
            problems.setdefault((found.code, found.sheet, found.cell), found)
    return list(problems.values())


__all__ = ["COLUMNS", "MEASURE_LABELS", "ImportResult", "import_values"]
