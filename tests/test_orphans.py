"""Stored values without a home in the catalogue (a Stadtteil key changed, a Stadtteil or an indicator deleted) are
named by check, compile and export, never published under an internal code, and left out only on request."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3

import pytest
from report_fixtures import make_report_workspace
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.model import load_catalogue
from toolkit.catalogue.orphans import find_orphans, orphan_problems
from toolkit.catalogue.sheets import workbook_rows
from toolkit.core.errors import DataProblemsError
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.indicators.published import load_published

runner = CliRunner()
YEAR = 2024


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The small report working folder (DEM-01 and DEM-02 by Stadtteil, six indicators, 2015–2024)."""
    return make_report_workspace(tmp_path_factory.mktemp("verwaist") / "ws")


@pytest.fixture
def workspace(folder, tmp_path):
    """A fresh copy of the folder for each test (the catalogue is changed)."""
    shutil.copytree(folder.root, tmp_path / "ws", copy_function=shutil.copyfile)
    return type(folder)(tmp_path / "ws")


def _change_catalogue(workspace, sheet: str, change) -> None:
    rows = workbook_rows(workspace.catalogue_file)
    rows[sheet] = change(rows[sheet])
    write_catalogue_workbook(workspace.catalogue_file, rows)


def _count(workspace, where: str) -> int:
    with sqlite3.connect(workspace.store_file) as db:
        return db.execute(f"SELECT COUNT(*) FROM observations WHERE {where}").fetchone()[0]


def _run(workspace, *args: str) -> tuple[int, str]:
    result = runner.invoke(toolkit.cli.app, [*args, "-w", str(workspace.root)])
    return result.exit_code, " ".join(result.output.split())


def _rekey_alte_neustadt(rows):
    for row in rows:
        if row.values["name"] == "Alte Neustadt":
            row.values["schluessel"] = "03"
    return rows


REKEYED = ("{n} gespeicherte Werte gehören zum Stadtteil Alte Neustadt mit dem Schlüssel 04; der Katalog führt Alte "
           "Neustadt jetzt unter dem Schlüssel 03. War das ein Versehen, bitte im Blatt Stadtteile wieder den Schlüssel 04 "
           "des Amts für Statistik eintragen.")
REFUSED = ("Fehler: {n} gespeicherte Werte haben im Katalog templates/Indikatorenmatrix.xlsx keine Zuordnung mehr. Eine "
           "Veröffentlichung ohne diese Werte wäre unvollständig; es wurde nichts geschrieben. - {listed} Bitte den "
           "Katalog korrigieren und den Befehl wiederholen. Sollen diese Werte wirklich nicht mehr veröffentlicht "
           "werden: den Befehl mit --verwaiste-weglassen wiederholen (sie bleiben in der Datenhaltung, die Ausgabe "
           "nennt sie).")


def test_a_changed_stadtteil_key_stops_compile_and_is_named_by_check(workspace):
    n = _count(workspace, "area = 'st04'")
    assert n > 0
    _change_catalogue(workspace, "Stadtteile", _rekey_alte_neustadt)
    before = workspace.store_file.read_bytes()
    code, output = _run(workspace, "compile", "--year", str(YEAR))
    assert code == 1, output
    assert output == REFUSED.format(n=n, listed=REKEYED.format(n=n))
    assert not workspace.report_file(YEAR).exists() and not workspace.table_annex_file(YEAR).exists()
    result = runner.invoke(toolkit.cli.app, ["check", "--format", "json", "-w", str(workspace.root)])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout) == [{
        "file": "templates/Indikatorenmatrix.xlsx", "office": "Katalog", "year": None, "ok": False,
        "problems": [{"code": "verwaiste-werte", "message": REKEYED.format(n=n), "sheet": "Stadtteile", "cell": "",
                      "indicator": "", "found": "04", "expected": "", "severity": "fehler"}], "pruefbericht": None}]
    assert workspace.store_file.read_bytes() == before


def test_a_deleted_stadtteil_is_never_published_under_an_internal_code(workspace):
    n = _count(workspace, "area = 'st01'")
    _change_catalogue(workspace, "Stadtteile", lambda rows: [r for r in rows if r.values["name"] != "Altstadt"])
    before = workspace.store_file.read_bytes()
    deleted = (f"{n} gespeicherte Werte gehören zum Stadtteil Altstadt (Schlüssel 01), den der Katalog nicht mehr "
               "führt. War das ein Versehen, bitte im Blatt Stadtteile die Zeile „Altstadt“ mit dem Schlüssel 01 "
               "wiederherstellen.")
    code, output = _run(workspace, "export", "--year", str(YEAR))
    assert code == 1, output
    assert output == REFUSED.format(n=n, listed=deleted)
    assert not (workspace.year_dir(YEAR) / "OffeneDaten").exists()
    code, output = _run(workspace, "export", "--year", str(YEAR), "--verwaiste-weglassen")
    assert code == 0, output
    assert output.endswith(f"Nicht veröffentlicht (--verwaiste-weglassen): {deleted}")
    text = (workspace.year_dir(YEAR) / "OffeneDaten" / f"integrationsmonitoring_{YEAR}.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and not [r for r in rows if r["Gebietsschluessel"] in ("01", "st01") or r["Gebiet"] in ("st01",
                                                                                                       "Altstadt")]
    assert not [r for r in rows if r["Gebietsschluessel"].startswith("st")]
    assert workspace.store_file.read_bytes() == before  # the values stay in the store


def test_leaving_out_keeps_the_rest_exactly(workspace):
    whole = load_published(workspace, YEAR).frame
    _change_catalogue(workspace, "Stadtteile", _rekey_alte_neustadt)
    with pytest.raises(DataProblemsError):
        load_published(workspace, YEAR)
    published = load_published(workspace, YEAR, leave_out_orphans=True)
    n = _count(workspace, "area = 'st04'")
    assert [p.message for p in published.left_out] == [REKEYED.format(n=n)]
    assert "st04" not in set(published.frame["area"]) and "st03" not in set(published.frame["area"])
    others = whole[whole["area"] != "st04"]
    assert set(map(tuple, published.frame[["indicator", "year", "area", "group", "sex"]].to_numpy())) == \
        set(map(tuple, others[["indicator", "year", "area", "group", "sex"]].to_numpy()))


def test_a_deleted_indicator_is_named(workspace):
    n = _count(workspace, "indicator = 'ARB-03'")
    assert n > 0
    _change_catalogue(workspace, "Indikatoren", lambda rows: [r for r in rows if r.values["id"] != "ARB-03"])
    code, output = _run(workspace, "compile", "--year", str(YEAR))
    assert code == 1
    assert output == REFUSED.format(n=n, listed=(
        f"{n} gespeicherte Werte gehören zur Kennzahl ARB-03, die der Katalog nicht mehr führt. War das ein "
        "Versehen, bitte die Zeile ARB-03 im Blatt Indikatoren wiederherstellen."))


def test_a_value_counts_once_and_one_value_is_singular(tmp_path):
    catalogue = load_catalogue()
    with Store(tmp_path / "s.sqlite") as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2024, file_name="x", sha256="a" * 64, counts=(0, 0, 0))
        for key in (ObservationKey("XYZ-99", 2024, "st99", "insgesamt", "insgesamt", "wert"),  # both unknown: once
                    ObservationKey("DEM-01", 2024, "st99", "insgesamt", "insgesamt", "wert"),
                    ObservationKey("DEM-01", 2024, "gesamtstadt", "marsianer", "insgesamt", "wert"),
                    ObservationKey("DEM-01", 2024, "gesamtstadt", "insgesamt", "divers", "wert"),
                    ObservationKey("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert")):
            store.put(key, 1, "", "", delivery)
        orphans = find_orphans(store, catalogue)
    assert orphans.total == 4
    assert [p.message for p in orphan_problems(orphans, catalogue)] == [
        "1 gespeicherter Wert gehört zur Kennzahl XYZ-99, die der Katalog nicht mehr führt. War das ein Versehen, bitte "
        "die Zeile XYZ-99 im Blatt Indikatoren wiederherstellen.",
        "1 gespeicherter Wert gehört zum Stadtteilschlüssel 99, den der Katalog nicht kennt. War das ein Versehen, bitte "
        "im Blatt Stadtteile eine Zeile mit dem Schlüssel 99 anlegen.",
        "1 gespeicherter Wert gehört zur Gruppe „marsianer“ (Code marsianer), die das Blatt Merkmale nicht mehr führt. "
        "War das ein Versehen, bitte die Gruppe im Blatt Merkmale wiederherstellen.",
        "1 gespeicherter Wert gehört zum Geschlecht „divers“ (Code divers), das das Blatt Merkmale nicht mehr führt. "
        "War das ein Versehen, bitte den Eintrag im Blatt Merkmale wiederherstellen.",
    ]


def _put(workspace, *keys: ObservationKey) -> None:
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STALA", year=2020, file_name="alt.csv", sha256="e" * 64, counts=(0, 0, 0))
        for key in keys:
            store.put(key, 30.5, "", "", delivery)


def test_stored_values_for_a_year_the_catalogue_rules_out_are_named_and_never_published(workspace):
    """A value by Einwanderungsgeschichte for 2020 (the Mikrozensus has it from 2021 on), stored before the catalogue
    said so: check names it, compile refuses, leaving out keeps everything else."""
    whole = load_published(workspace, YEAR).frame
    _put(workspace, ObservationKey("ARB-12", 2020, "sachsen-anhalt", "mit_eg", "insgesamt", "wert"),
         ObservationKey("ARB-12", 2020, "deutschland", "mit_eg", "insgesamt", "wert"),
         ObservationKey("ARB-12", 2021, "deutschland", "mit_eg", "insgesamt", "wert"))
    early = ("2 gespeicherte Werte gehören zu ARB-12 für 2020 in der Gruppe „Mit Einwanderungsgeschichte“, die es laut "
             "Katalog erst ab 2021 gibt (Blatt Merkmale, Spalte „Gültig ab (Jahr)“). Stimmt der Katalog, diese Werte "
             "weglassen; sonst das Jahr im Katalog ändern.")
    before = workspace.store_file.read_bytes()
    code, output = _run(workspace, "compile", "--year", str(YEAR))
    assert code == 1, output
    assert output == REFUSED.format(n=2, listed=early)
    result = runner.invoke(toolkit.cli.app, ["check", "--format", "json", "-w", str(workspace.root)])
    assert result.exit_code == 1, result.output
    [report] = json.loads(result.stdout)
    assert [(p["code"], p["sheet"], p["indicator"], p["found"], p["message"]) for p in report["problems"]] == [
        ("wert-ohne-erhebung", "Merkmale", "ARB-12", "2020", early)]
    published = load_published(workspace, YEAR, leave_out_orphans=True)
    assert [p.message for p in published.left_out] == [early]
    kept = published.frame[published.frame["group"] == "mit_eg"]
    assert list(kept["year"]) == [2021]  # 2021 is published, 2020 is not
    assert len(published.frame) == len(whole) + 1
    assert workspace.store_file.read_bytes() == before


def test_stored_values_outside_the_erhebungsjahre_count_per_indicator_and_year(tmp_path):
    catalogue = load_catalogue()
    with Store(tmp_path / "s.sqlite") as store, store.transaction():
        delivery = store.add_delivery(office="WAHL", year=2024, file_name="x", sha256="a" * 64, counts=(0, 0, 0))
        for year in (2022, 2024):
            for sex in ("insgesamt", "weiblich"):
                for measure in ("zaehler", "nenner"):
                    store.put(ObservationKey("TEI-02", year, "gesamtstadt", "eu", sex, measure), 10, "", "", delivery)
        store.put(ObservationKey("XYZ-99", 2022, "gesamtstadt", "eu", "insgesamt", "wert"), 1, "", "", delivery)
        orphans = find_orphans(store, catalogue)
    assert orphans.total == 5 and orphans.years == {("TEI-02", "eu", 2022): 4}
    assert [p.message for p in orphan_problems(orphans, catalogue)][1:] == [
        "4 gespeicherte Werte gehören zu TEI-02 für 2022; die Kennzahl gibt es laut Katalog nur für die Jahre 2019, "
        "2024 und 2029 (Blatt Indikatoren, Spalte „Erhebungsjahre“). Stimmt der Katalog, diese Werte weglassen; sonst "
        "das Jahr im Katalog ergänzen."]
