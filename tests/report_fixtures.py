"""A small working folder with a catalogue subset and a store of hand-made values, for the report tests; and the
checks that the numbers a report prints add up."""

from __future__ import annotations

import functools
import random
import re
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import CITY, GERMANY, LAND, RawRow, default_rows, district_area
from toolkit.core.cells import parse_number_text
from toolkit.core.keys import ObservationKey
from toolkit.core.settings import DEFAULT_SETTINGS_TOML
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, ensure_folders
from toolkit.report.summary import SUMMARY_HEADER
from toolkit.report.word_template import write_report_template

KEYS = [r.values["schluessel"] for r in default_rows()["Stadtteile"]]  # the Amt's keys, 01 … 78

SUBSET = ("DEM-01", "DEM-02", "BIL-06", "ARB-03", "ARB-12", "GES-04")
YEARS = tuple(range(2015, 2025))
BREAK_YEAR = 2022
SURVEY = {2020: ((6, 25), (100, 800)), 2022: ((12, 60), (110, 850)), 2024: ((10, 40), (117, 900))}


def make_report_workspace(root: Path, indicators: tuple[str, ...] = SUBSET, seed: int = 7,
                          districts: int = len(KEYS)) -> Workspace:
    """Settings, a catalogue of ``indicators`` and a store of hand-made values 2015-2024 (see fill_store) with
    DEM-01 and DEM-02 in the first ``districts`` Stadtteile (at least 9: DEM-01's value 2 in the sixth and DEM-02's
    Nenner 9 in the ninth are the suppressions); every Stadtteil with data gets a page of the Stadtteilprofile, so
    pass fewer when the point of a test needs no 40."""
    if not 9 <= districts <= len(KEYS):
        raise ValueError(f"districts: 9 to {len(KEYS)}, not {districts}")
    workspace = Workspace(root)
    ensure_folders(workspace)
    workspace.settings_file.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    rows = default_rows()
    rows["Indikatoren"] = [r for r in rows["Indikatoren"] if r.values["id"] in indicators]
    rows["Gleiche Zahlen"] = [r for r in rows["Gleiche Zahlen"]
                              if r.values["indikator"] in indicators and r.values["gleich_indikator"] in indicators]
    rows["Zeitreihenbrueche"] = [RawRow("Zeitreihenbrueche", 2, {
        "indikator": "BIL-06", "ab_jahr": str(BREAK_YEAR), "hinweis": "Neue Abgrenzung der Schulformen & Abschlüsse."})
    ] if "BIL-06" in indicators else []
    for row in rows["Indikatoren"]:
        if row.values["id"] == "ARB-03":
            row.values["zielwert"] = "8"
    write_catalogue_workbook(workspace.catalogue_file, rows)
    workspace.report_template.write_bytes(report_template())
    fill_store(workspace, indicators, seed, districts)
    return workspace


@functools.cache
def report_template() -> bytes:
    """The report template the builder writes (the same bytes as templates/Bericht.docx), built once per process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Bericht.docx"
        write_report_template(path)
        return path.read_bytes()


def fill_store(workspace: Workspace, indicators: tuple[str, ...], seed: int, districts: int = len(KEYS)) -> None:
    rng = random.Random(seed)
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2024, file_name="Erhebung_2024_STAT.xlsx", sha256="a" * 64,
                                      counts=(0, 1, 0), problems_json='[{"severity": "warnung", "message": '
                                      '"Änderung & Sprung <größer> als erwartet"}]')

        store.record_check(sha256="b" * 64, file_name="Erhebung_2024_SCHULE.xlsx", office="STAT", year=2024, ok=False,
                           counts=(2, 1, 0), problems_json="[]")

        def put(indicator, year, area, group, sex, measure, value, flag=""):
            store.put(ObservationKey(indicator, year, area, group, sex, measure), value, flag, "", delivery)

        for n, year in enumerate(YEARS):
            flag = "vorläufig" if year == YEARS[-1] else ""
            if "DEM-01" in indicators:
                de, nd = 215000 - 300 * n, 20000 + 1500 * n
                put("DEM-01", year, CITY, "insgesamt", "insgesamt", "wert", de + nd, flag)
                put("DEM-01", year, CITY, "deutsch", "insgesamt", "wert", de, flag)
                put("DEM-01", year, CITY, "nichtdeutsch", "insgesamt", "wert", nd, flag)
                inhabitants = [rng.randint(100, 12000) for _ in range(districts)]
                inhabitants[5] = 2  # primary suppression; forces a secondary one among the Stadtteile
                for d, value in enumerate(inhabitants, start=1):
                    put("DEM-01", year, district_area(KEYS[d - 1]), "insgesamt", "insgesamt", "wert", value)
                put("DEM-01", year, CITY, "insgesamt", "weiblich", "wert", (de + nd) // 2)
                put("DEM-01", year, CITY, "insgesamt", "maennlich", "wert", de + nd - (de + nd) // 2)
            if "DEM-02" in indicators:
                total = 0
                for d in range(1, districts + 1):
                    nenner = rng.randint(500, 15000) if d != 9 else 9  # below min_nenner 10
                    zaehler = int(nenner * rng.uniform(0.02, 0.25))
                    total += nenner
                    put("DEM-02", year, district_area(KEYS[d - 1]), "insgesamt", "insgesamt", "zaehler", zaehler)
                    put("DEM-02", year, district_area(KEYS[d - 1]), "insgesamt", "insgesamt", "nenner", nenner)
                put("DEM-02", year, CITY, "insgesamt", "insgesamt", "zaehler", 20000 + 1500 * n)
                put("DEM-02", year, CITY, "insgesamt", "insgesamt", "nenner", 235000 + 1200 * n)
            if "BIL-06" in indicators:
                for group, rate, nenner in (("deutsch", 6 + 0.1 * n, 1600), ("nichtdeutsch", 17 - 0.8 * n, 150 + 10 * n)):
                    put("BIL-06", year, CITY, group, "insgesamt", "zaehler", round(nenner * rate / 100), flag)
                    put("BIL-06", year, CITY, group, "insgesamt", "nenner", nenner, flag)
                put("BIL-06", year, CITY, "insgesamt", "insgesamt", "zaehler", 200 + n)
                put("BIL-06", year, CITY, "insgesamt", "insgesamt", "nenner", 1750 + 10 * n)
            if "ARB-03" in indicators:
                for group, rate in (("insgesamt", 9 - 0.2 * n), ("deutsch", 7.5 - 0.15 * n), ("nichtdeutsch", 25 - 0.5 * n)):
                    nenner = 100000 if group != "nichtdeutsch" else 10000
                    put("ARB-03", year, CITY, group, "insgesamt", "zaehler", round(nenner * rate / 100))
                    put("ARB-03", year, CITY, group, "insgesamt", "nenner", nenner)
                    put("ARB-03", year, LAND, group, "insgesamt", "zaehler", round(10000 * rate * 0.9))
                    put("ARB-03", year, LAND, group, "insgesamt", "nenner", 1000000)
                    put("ARB-03", year, GERMANY, group, "insgesamt", "zaehler", round(100000 * rate * 0.8))
                    put("ARB-03", year, GERMANY, group, "insgesamt", "nenner", 10000000)
            if "DIS-03" in indicators and year in SURVEY:  # befragung: Nenner 25 '/', 60 plain, 40 in brackets
                (nd_z, nd_n), (de_z, de_n) = SURVEY[year]
                for group, zaehler, nenner in (("nichtdeutsch", nd_z, nd_n), ("deutsch", de_z, de_n),
                                               ("insgesamt", nd_z + de_z, nd_n + de_n)):
                    put("DIS-03", year, CITY, group, "insgesamt", "zaehler", zaehler)
                    put("DIS-03", year, CITY, group, "insgesamt", "nenner", nenner)
            if "ARB-12" in indicators:
                for group, value in (("insgesamt", 16.0), ("mit_mh_mz", 28.0 - 0.3 * n), ("ohne_mh_mz", 13.0)):
                    put("ARB-12", year, LAND, group, "insgesamt", "wert", value)
                    put("ARB-12", year, GERMANY, group, "insgesamt", "wert", value - 1)


def write_old_layout_catalogue(path: Path) -> None:
    """The layout before the split: one column 'Methodische Hinweise' holding every note."""
    write_catalogue_workbook(path)
    book = load_workbook(path)
    sheet = book["Indikatoren"]
    header = [c.value for c in sheet[1]]
    report, internal = header.index("Hinweis für den Bericht") + 1, header.index("Interne Notiz") + 1
    for row in range(2, sheet.max_row + 1):
        parts = [sheet.cell(row, report).value, sheet.cell(row, internal).value]
        sheet.cell(row, internal).value = " ".join(p for p in parts if p) or None
    sheet.cell(1, internal).value = "Methodische Hinweise"
    sheet.delete_cols(report)
    book.save(path)


# ---- the printed numbers add up (issue #19) ------------------------------------------------------------------

PRINTED = re.compile(r"[−-]?\d[\d.]*(?:,\d+)?")


def printed(text: str) -> float:
    """The number a cell or a phrase prints ('−16,2\u00a0Pp.', '(25,0 %)', '4.512'), as a float."""
    return parse_number_text(PRINTED.search(text.replace("\u00a0", " ")).group(0))


def summary_rows(document) -> list[list[str]]:
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == SUMMARY_HEADER)
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def check_printed_gaps(document) -> int:
    """Every gap of the summary table and of the drafted text is the difference of the values printed beside it;
    every change of a gap the difference of the two printed gaps. Returns how many were checked."""
    checked = 0
    for row in summary_rows(document):
        if row[5]:
            assert printed(row[5]) == pytest.approx(round(printed(row[3]) - printed(row[4]), 1)), row
            checked += 1
    text = "\n".join([p.text for p in document.paragraphs]).replace("\u00a0", " ")
    number = r"(−?\d[\d.]*,\d)"
    for value, reference, gap in re.findall(rf"bei {number} %, bei den [^.]*? bei {number} %[^.]*\. Der Wert [^.]*? "
                                            rf"liegt damit {number} Prozentpunkte", text):
        assert abs(printed(value) - printed(reference)) == pytest.approx(printed(gap)), (value, reference, gap)
        checked += 1
    for value, reference, gap in re.findall(rf"lagen die Werte bei {number} % und {number} %, der Abstand bei "
                                            rf"{number} Prozentpunkten", text):
        assert abs(printed(value) - printed(reference)) == pytest.approx(printed(gap)), (value, reference, gap)
        checked += 1
    for gap, change, before in re.findall(rf"liegt damit {number} Prozentpunkte [^.]*\. Der Abstand [^.]*? um "
                                          rf"{number} Prozentpunkte \w+ \(\d{{4}}: {number} Prozentpunkte\)", text):
        assert abs(printed(gap) - printed(before)) == pytest.approx(printed(change)), (gap, change, before)
        checked += 1
    return checked
