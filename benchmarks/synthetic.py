"""A synthetic collection round, built the way a user builds one: files and the toolkit's own commands.

``distributed_round`` makes a working folder in these steps, each the library function of a command:
1. ``toolkit init`` (init_workspace), then the catalogue templates/Indikatorenmatrix.xlsx replaced by a
   synthetic one (as the coordinator edits it in Excel): ``offices`` Fachbereiche A01, A02, …, each with
   ``indicators`` indicators collected by Stadtteil (all 40, or the first ``districts``) in three groups (insgesamt, deutsch,
   nichtdeutsch), every second a rate with Zähler and Nenner, the others counts; as in the default catalogue, the
   second of each office is also collected by sex and by the age groups of the Verwendungen Pyramide and
   Lebensphasen (like DEM-01: a sheet "Alter" with 24 age groups x 3 groups x 3 sexes) and the fourth, for the
   Gesamtstadt only, by sex, in the groups of DEM-04 (nichtdeutsch, EU, Drittstaaten, …) and by every single
   nationality the catalogue asks for one by one (a sheet "Staatsangehörigkeit");
2. ``toolkit import`` of a long CSV table with the four earlier years of every indicator (Gesamtstadt);
3. ``toolkit distribute`` for the report year (e-mail drafts only).
``fill_returns`` then plays the clerks: each workbook of outbox/<Jahr>/Erhebungsboegen/ gets every input cell
filled (tests/workbook_edit.set_cells: the cells of the sheet XML, as Excel would save them) and is saved
under the same name into a folder (inbox/ or a store of returns to copy from).

The values are consistent, so a clean round passes every check: insgesamt = deutsch + nichtdeutsch, the
Stadtteile add up to the Gesamtstadt, Zähler < Nenner, earlier years 2 % a year lower; weiblich + männlich =
insgesamt, the age groups of each Verwendung add up to all ages (every value by age is a product of a part and
the weight of its years of age), the nationality groups are sums of their single nationalities (each with its
own count), so they add up as the Summenregeln say and the single ones stay within their groups. With
``city_offset`` the Gesamtstadt of the report year exceeds the sum of its Stadtteile by that much in every part
of all ages (the totals stay the sum of the parts): every column of every Stadtteil sheet gives a Warnung
``summe-stadtteile`` (the age sheets ``summe-altersgruppen``), and each Prüfbericht gets a copy of every
Stadtteil sheet.
"""

from __future__ import annotations

import csv
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from harness import ROOT, require

sys.path.insert(0, str(ROOT / "tests"))  # workbook_edit: the tests' cell editor of generated workbooks

from workbook_edit import set_cells

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import CITY, Catalogue, RawRow, default_rows, load_catalogue
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import HISTORY_YEARS, plan_workbook
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.workspace import Workspace
from toolkit.initialise import init_workspace
from toolkit.merge.imports import import_values

YEAR = 2025
PARTS = ("deutsch", "nichtdeutsch")
GROUPS = ("insgesamt", *PARTS)
HISTORY_FILE = "Vorjahre.csv"
BY_AGE, BY_NATIONALITY = 2, 4  # the indicators of each office collected like DEM-01 (by age) and DEM-04 (nationality)
OLDEST = 100  # the years of age 0 … 99 carry the weight of an age group; the open group (90 und älter) ends here


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
    by_age = next(r for r in rows["Indikatoren"] if r.values["id"] == "DEM-01").values
    by_nationality = next(r for r in rows["Indikatoren"] if r.values["id"] == "DEM-04").values
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
            if k == BY_AGE:
                values.update(geschlecht="ja", **{f: by_age[f] for f in ("altersgruppen", "alter_gruppen")})
            elif k == BY_NATIONALITY:
                values.update(geschlecht="ja", stadtteile="nein", max_wert="",
                              **{f: by_nationality[f] for f in ("gruppen", "staatsangehoerigkeiten")})
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


@dataclass(frozen=True)
class RoundFacts:
    """What the values depend on besides the key: the Stadtteile (as numbers), the years of age of each age group
    (ALL: every age), the single nationalities of each group."""

    districts: tuple[int, ...]
    ages: dict[str, range]
    members: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, catalogue: Catalogue) -> RoundFacts:
        ages = {a.code: range(a.von, a.bis if a.bis is not None else OLDEST) for a in catalogue.age_groups}
        return cls(tuple(int(d.schluessel) for d in catalogue.districts), ages | {ALL: range(OLDEST)},
                   {g: catalogue.members(g) for g in catalogue.groups})


def _age_weight(years: range) -> int:
    return sum(1 + age % 3 for age in years)


def _nationality(code: str, sex: str) -> int:
    """The report-year count of one single nationality and sex (weiblich or maennlich)."""
    return 1 + int(code) % 7 + (sex == "maennlich")


def value(key: ObservationKey, facts: RoundFacts, city_offset: int = 0) -> float:
    """The synthetic value of ``key`` (see module docstring)."""
    sexes = ("weiblich", "maennlich") if key.sex == "insgesamt" else (key.sex,)
    kind = int(key.indicator.rsplit("-", 1)[1])
    factor = 1 - 0.02 * (YEAR - key.year)
    if kind == BY_NATIONALITY:  # the Gesamtstadt only: a group is the sum of its single nationalities
        codes = facts.members[key.group] if key.nationality == ALL else (key.nationality,)
        counts = [_nationality(code, sex) for code in codes for sex in sexes]
        return float(sum(counts) if key.year == YEAR else sum(round(n * factor) for n in counts))
    if kind == BY_AGE:  # by sex (männlich one more than weiblich) times the weight of the years of age
        weight, offset = _age_weight(facts.ages[key.age]), city_offset if key.age == ALL else 0
    else:
        sexes, weight, offset = ("insgesamt",), 1, city_offset

    def part(group: str, sex: str, district: int) -> int:
        return _part(key.indicator, key.measure, group, district) + (sex == "maennlich")

    parts = PARTS if key.group == "insgesamt" else (key.group,)
    if key.area != CITY:
        return float(sum(part(p, sex, int(key.area[2:])) for p in parts for sex in sexes) * weight)
    total = 0
    for p in parts:
        for sex in sexes:
            city = sum(part(p, sex, d) for d in facts.districts) * weight
            total += round(city * factor) if key.year < YEAR else city + offset
    return float(total)


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
    facts = RoundFacts.of(catalogue)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        table = csv.writer(stream, delimiter=";")
        table.writerow(["Jahr", "Indikator", "Gebiet", "Gruppe", "Geschlecht", "Messgröße", "Wert", "Kennzeichen",
                        "Hinweis"])
        for indicator in catalogue.indicators.values():
            for year in range(YEAR - HISTORY_YEARS, YEAR):
                for group in catalogue.groups_in(indicator, year):
                    for measure in indicator.measures:
                        key = ObservationKey(indicator.id, year, CITY, group, "insgesamt", measure)
                        table.writerow([year, indicator.id, "Gesamtstadt", group, "insgesamt", measure,
                                        int(value(key, facts)), "", ""])
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


class Filled(NamedTuple):
    files: list[Path]
    cells: int  # input cells filled
    age_cells: int  # of them by age group (sheets Alter …)
    nationality_cells: int  # of them by single nationality (sheets Staatsangehörigkeit …)


def fill_returns(workspace: Workspace, target: Path, city_offset: int = 0) -> Filled:
    """Every distributed workbook with all its input cells filled, saved into ``target``."""
    catalogue = load_catalogue(workspace.catalogue_file)
    facts = RoundFacts.of(catalogue)
    target.mkdir(parents=True, exist_ok=True)
    files, cells, ages, nationalities = [], 0, 0, 0
    for blank in sorted(workspace.workbooks_dir(YEAR).glob("*.xlsx")):
        plan = plan_workbook(catalogue, blank.stem.rsplit("_", 1)[1], YEAR)
        slots = plan.input_slots()
        inputs = {(s.sheet, s.cell): value(s.key, facts, city_offset) for s in slots}
        cells += len(inputs)
        ages += sum(s.key.age != ALL for s in slots)
        nationalities += sum(s.key.nationality != ALL for s in slots)
        files.append(set_cells(blank, target / blank.name, inputs))
    require(len(files) == len(catalogue.offices), f"{len(files)} Erhebungsbögen für {len(catalogue.offices)} Stellen")
    return Filled(files, cells, ages, nationalities)


def copy_files(files: list[Path], folder: Path) -> None:
    """Drop returned files into a folder (inbox/), as a user saves the attachments of the mails."""
    for path in files:
        shutil.copy2(path, folder / path.name)
