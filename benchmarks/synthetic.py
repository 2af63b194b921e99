"""A synthetic collection round, built the way a user builds one: files and the toolkit's own commands.

``distributed_round`` makes a working folder in these steps, each the library function of a command:
1. ``toolkit init`` (init_workspace), then the catalogue templates/Indikatorenmatrix.xlsx replaced by a
   synthetic one (as the coordinator edits it in Excel): ``offices`` Fachbereiche A01, A02, …, each with
   ``indicators`` indicators collected by Stadtteil (all 40, or the first ``districts``) in three groups (insgesamt, deutsch,
   nichtdeutsch), every second a rate with Zähler and Nenner, the others counts;
2. ``toolkit import`` of a long CSV table with the four earlier years of every indicator (Gesamtstadt);
3. ``toolkit distribute`` for the report year (e-mail drafts only).
``fill_returns`` then plays the clerks: each workbook of outbox/<Jahr>/Erhebungsboegen/ gets every input cell
filled (tests/workbook_edit.set_cells: the cells of the sheet XML, as Excel would save them) and is saved
under the same name into a folder (inbox/ or a store of returns to copy from).

The values are consistent, so a clean round passes every check: insgesamt = deutsch + nichtdeutsch, the
Stadtteile add up to the Gesamtstadt, Zähler < Nenner, earlier years 2 % a year lower. With ``city_offset``
the Gesamtstadt of the report year exceeds the sum of its Stadtteile by that much in every part (the
totals stay the sum of the parts): every column of every Stadtteil sheet gives a Warnung
``summe-stadtteile``, and each Prüfbericht gets a copy of every Stadtteil sheet.
"""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT, require

sys.path.insert(0, str(ROOT / "tests"))  # workbook_edit: the tests' cell editor of generated workbooks

from workbook_edit import set_cells

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import CITY, Catalogue, RawRow, default_rows, load_catalogue
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import HISTORY_YEARS, plan_workbook
from toolkit.core.keys import ObservationKey
from toolkit.core.workspace import Workspace
from toolkit.initialise import init_workspace
from toolkit.merge.imports import import_values

YEAR = 2025
PARTS = ("deutsch", "nichtdeutsch")
GROUPS = ("insgesamt", *PARTS)
HISTORY_FILE = "Vorjahre.csv"


@dataclass(frozen=True)
class RoundSize:
    offices: int
    indicators: int  # per office
    districts: int | None = None  # the first n Stadtteile of the catalogue; None: all 40


FULL = RoundSize(50, 40)
SMOKE = RoundSize(3, 4, 6)


def catalogue_rows(size: RoundSize) -> dict[str, list[RawRow]]:
    """The packaged catalogue with its Fachbereiche and Indikatoren replaced by the synthetic ones."""
    rows = default_rows()
    template = next(r for r in rows["Indikatoren"] if r.values["id"] == "DEM-02").values
    offices, indicators = [], []
    for n in range(1, size.offices + 1):
        code = f"A{n:02d}"
        offices.append(RawRow("Fachbereiche", n + 1, {
            "code": code, "name": f"Amt {n} für Benchmarkzwecke", "ansprechperson": f"Sachbearbeitung {n}",
            "email": f"a{n}@example.org", "vertretung_email": f"a{n}-vertretung@example.org", "extern": "nein"}))
        for k in range(1, size.indicators + 1):
            rate = k % 2 == 1
            values = dict(template)
            values.update(id=f"{code}-{k:02d}", name=f"Kennzahl {k} der Stelle {n}", fachbereich=code,
                          gruppen=";".join(GROUPS), geschlecht="nein", stadtteile="ja", ebene="stadt",
                          typ="quote" if rate else "anzahl", min_wert="0", max_wert="100" if rate else "",
                          faktor="100" if rate else "1", einheit="%" if rate else "Anzahl",
                          zaehler=template["zaehler"] if rate else "", nenner=template["nenner"] if rate else "")
            indicators.append(RawRow("Indikatoren", len(indicators) + 2, values))
    rows["Fachbereiche"], rows["Indikatoren"] = offices, indicators
    rows["Gleiche Zahlen"] = []  # the synthetic indicators share no counts
    rows["Stadtteile"] = rows["Stadtteile"][:size.districts]
    return rows


def _part(indicator: str, measure: str, group: str, district: int) -> int:
    """The report-year value of one part (deutsch or nichtdeutsch) in Stadtteil number ``district``."""
    k = int(indicator.rsplit("-", 1)[1])
    if measure == "wert":
        return (1 + district % 3 + k, 1 + district % 2)[PARTS.index(group)]
    if measure == "nenner":
        return (300 + 9 * district + 3 * k, 100 + district + k)[PARTS.index(group)]
    return (30 + district % 4 + k, 10 + district % 5)[PARTS.index(group)]  # zaehler


def value(key: ObservationKey, districts: tuple[int, ...], city_offset: int = 0) -> float:
    """The synthetic value of ``key`` (see module docstring); ``districts``: the Stadtteil keys as numbers."""
    parts = PARTS if key.group == "insgesamt" else (key.group,)
    if key.area != CITY:
        return float(sum(_part(key.indicator, key.measure, p, int(key.area[2:])) for p in parts))
    total = 0
    for p in parts:
        city = sum(_part(key.indicator, key.measure, p, d) for d in districts)
        total += round(city * (1 - 0.02 * (YEAR - key.year))) if key.year < YEAR else city + city_offset
    return float(total)


def district_numbers(catalogue: Catalogue) -> tuple[int, ...]:
    return tuple(int(d.schluessel) for d in catalogue.districts)


def new_workspace(folder: Path, rows: dict[str, list[RawRow]], processes: int | None = None) -> Workspace:
    """``toolkit init`` and the coordinator's catalogue; ``processes``: the setting [leistung] prozesse."""
    workspace = init_workspace(folder)
    write_catalogue_workbook(workspace.catalogue_file, rows)
    if processes is not None:
        set_processes(workspace, processes)
    return workspace


def set_processes(workspace: Workspace, processes: int) -> None:
    """Edit [leistung] prozesse in toolkit.toml, as a user would (0 automatic, 1 never a worker process)."""
    text = workspace.settings_file.read_text(encoding="utf-8")
    require(any(line.startswith("prozesse =") for line in text.splitlines()), "toolkit.toml ohne 'prozesse ='")
    lines = [f"prozesse = {processes}" if line.startswith("prozesse =") else line for line in text.splitlines()]
    workspace.settings_file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_history(path: Path, catalogue: Catalogue) -> int:
    """The long table of the four earlier years (Gesamtstadt) of every indicator; returns its rows."""
    districts = district_numbers(catalogue)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        table = csv.writer(stream, delimiter=";")
        table.writerow(["Jahr", "Indikator", "Gebiet", "Gruppe", "Geschlecht", "Messgröße", "Wert", "Kennzeichen",
                        "Hinweis"])
        for indicator in catalogue.indicators.values():
            for year in range(YEAR - HISTORY_YEARS, YEAR):
                for group in indicator.gruppen:
                    for measure in indicator.measures:
                        key = ObservationKey(indicator.id, year, CITY, group, "insgesamt", measure)
                        table.writerow([year, indicator.id, "Gesamtstadt", group, "insgesamt", measure,
                                        int(value(key, districts)), "", ""])
                        count += 1
    return count


def distributed_round(folder: Path, size: RoundSize, processes: int | None = None) -> Workspace:
    """A working folder after init, the catalogue, the import of the earlier years and distribute (see above)."""
    workspace = new_workspace(folder, catalogue_rows(size), processes)
    catalogue = load_catalogue(workspace.catalogue_file)
    history = folder.parent / f"{folder.name}-{HISTORY_FILE}"
    rows = write_history(history, catalogue)
    imported = import_values(workspace, history)
    require(imported.report.ok and imported.new == rows,
            f"Import der Vorjahre: {imported.new} von {rows} Werten, {imported.report.problems[:3]}")
    result = distribute_round(workspace, YEAR, deadline=f"31.03.{YEAR + 1}")
    require(result.exit_code == 0 and result.count("entwurf") == size.offices,
            f"distribute: {result.lines()[-2:]}")
    return workspace


def fill_returns(workspace: Workspace, target: Path, city_offset: int = 0) -> tuple[list[Path], int]:
    """Every distributed workbook with all its input cells filled, saved into ``target``; (files, cells)."""
    catalogue = load_catalogue(workspace.catalogue_file)
    districts = district_numbers(catalogue)
    target.mkdir(parents=True, exist_ok=True)
    files, cells = [], 0
    for blank in sorted(workspace.workbooks_dir(YEAR).glob("*.xlsx")):
        plan = plan_workbook(catalogue, blank.stem.rsplit("_", 1)[1], YEAR)
        inputs = {(s.sheet, s.cell): value(s.key, districts, city_offset) for s in plan.input_slots()}
        cells += len(inputs)
        files.append(set_cells(blank, target / blank.name, inputs))
    require(len(files) == len(catalogue.offices), f"{len(files)} Erhebungsbögen für {len(catalogue.offices)} Stellen")
    return files, cells


def copy_files(files: list[Path], folder: Path) -> None:
    """Drop returned files into a folder (inbox/), as a user saves the attachments of the mails."""
    for path in files:
        shutil.copy2(path, folder / path.name)
