"""The Amt für Statistik's Stadtteil keys: catalogue, import, export, and the one-time upgrade of a 0.2 store."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from conftest import LEGACY, legacy_workspace
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.model import CITY, load_catalogue
from toolkit.catalogue.upgrade import NUMBERED_UP_TO_0_2, upgrade_store, workspace_catalogue
from toolkit.core.keys import ObservationKey
from toolkit.core.store import DISTRICT_KEYS, OFFICIAL, Store

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "stadtteile.csv"
runner = CliRunner()
HEADER = "Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"


def _legacy_values() -> dict[tuple[str, str], float]:
    """(Stadtteil name, measure) -> value, as imported into the 0.2 store (werte_0_2.csv)."""
    with (LEGACY / "werte_0_2.csv").open(encoding="utf-8") as handle:
        return {(r["Gebiet"], r["Messgröße"]): float(r["Wert"]) for r in csv.DictReader(handle, delimiter=";")}


def test_default_catalogue_carries_the_amts_keys_and_population():
    catalogue = load_catalogue()
    by_name = {d.name: d for d in catalogue.districts}
    assert by_name["Altstadt"].schluessel == "01" and by_name["Alte Neustadt"].schluessel == "04"
    assert by_name["Barleber See"].schluessel == "72" and by_name["Barleber See"].area == "st72"
    assert by_name["Kreuzhorst"].einwohner == 0 and by_name["Kreuzhorst"].empty
    assert by_name["Gewerbegebiet Nord"].sparse(500) and not by_name["Pechau"].sparse(500)
    if REFERENCE.is_file():  # the reference list of the Amt's keys next to the repository
        with REFERENCE.open(encoding="utf-8") as handle:
            reference = {r["name"]: (r["schluessel"], int(r["einwohner_2025"])) for r in csv.DictReader(handle)}
        assert {d.name: (d.schluessel, d.einwohner) for d in catalogue.districts} == reference


def test_a_store_and_catalogue_of_version_0_2_are_upgraded_once_by_name(tmp_path):
    workspace = legacy_workspace(tmp_path / "ws")
    expected = _legacy_values()
    with Store(workspace.store_file) as store:
        assert store.meta(DISTRICT_KEYS) is None  # as version 0.2 left it
        before = store.values()
    assert before[ObservationKey("STT-01", 2024, "st04", "insgesamt", "insgesamt", "nenner")].value == 75  # Barleber See

    catalogue = workspace_catalogue(workspace)
    assert catalogue.legacy_areas["st04"] == "st72"  # by name: Barleber See
    moving = sum(1 for key in before if catalogue.legacy_areas.get(key.area, key.area) != key.area)
    assert moving and upgrade_store(workspace, catalogue).moved == moving
    with Store(workspace.store_file) as store:
        after = store.values()
        assert store.meta(DISTRICT_KEYS) == OFFICIAL
    assert len(after) == len(before)  # nothing lost
    for district in catalogue.districts:
        for measure in ("zaehler", "nenner"):
            key = ObservationKey("STT-01", 2024, district.area, "insgesamt", "insgesamt", measure)
            if (district.name, measure) in expected:
                assert after[key].value == expected[(district.name, measure)], (district.name, measure)
    assert after[ObservationKey("STT-01", 2024, "st04", "insgesamt", "insgesamt", "nenner")].value == 12374  # Alte Neustadt

    assert upgrade_store(workspace, catalogue) is None  # a second command changes nothing
    with Store(workspace.store_file) as store:
        assert store.values() == after


def test_a_0_2_store_with_a_new_catalogue_follows_the_numbering_of_0_2(tmp_path, workspace):
    shutil.copy(LEGACY / "monitoring.sqlite", workspace.store_file)
    assert NUMBERED_UP_TO_0_2[3] == "Barleber See"
    upgrade_store(workspace, workspace_catalogue(workspace))
    with Store(workspace.store_file) as store:
        values = store.values()
    assert values[ObservationKey("STT-01", 2024, "st72", "insgesamt", "insgesamt", "nenner")].value == 75


def test_a_new_store_is_marked_official_and_never_renamed(workspace):
    with Store(workspace.store_file) as store:
        assert store.meta(DISTRICT_KEYS) == OFFICIAL


def test_import_by_key_or_name(workspace, tmp_path):
    path = tmp_path / "stadtteile.csv"
    path.write_text(HEADER + "2024;DEM-01;04;insgesamt;insgesamt;Wert;12374;;\n"       # key as text
                             "2024;DEM-01;72;insgesamt;insgesamt;Wert;75;;\n"          # key
                             "2024;DEM-01;2;insgesamt;insgesamt;Wert;3014;;\n"         # key without its zero
                             "2024;DEM-01;Neustädter See;insgesamt;insgesamt;Wert;11477;;\n"  # name
                             "2024;DEM-01;15003;insgesamt;insgesamt;Wert;245834;;\n",  # the city in KISS-MD
                    encoding="utf-8")
    result = runner.invoke(toolkit.cli.app, ["import", str(path), "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    with Store(workspace.store_file) as store:
        values = {k.area: v.value for k, v in store.values().items()}
    assert values == {"st04": 12374, "st72": 75, "st02": 3014, "st08": 11477, CITY: 245834}


def test_import_names_an_unknown_key(workspace, tmp_path):
    path = tmp_path / "falsch.csv"
    path.write_text(HEADER + "2024;DEM-01;03;insgesamt;insgesamt;Wert;5;;\n", encoding="utf-8")
    result = runner.invoke(toolkit.cli.app, ["import", str(path), "-w", str(workspace.root)])
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and "Import!C2" in output and "Stadtteilschlüssel" in output
