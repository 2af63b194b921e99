"""toolkit export: tidy long CSV + Frictionless datapackage.json with published (suppressed) values."""

from __future__ import annotations

import csv
import json

import pytest
from report_fixtures import make_report_workspace
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.indicators.export import COLUMNS, export_open_data, neutralise


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    workspace = make_report_workspace(tmp_path_factory.mktemp("export") / "ws", indicators=("DEM-01", "BIL-06",
                                                                                                  "DIS-03"))
    with Store(workspace.store_file) as store, store.transaction():
        key = ObservationKey("DEM-01", 2024, "gesamtstadt", "deutsch", "insgesamt", "wert")
        old = store.get(key)
        store.put(key, old.value, "=HYPERLINK(\"x\")", "", old.delivery_id)
    result = export_open_data(workspace, 2024)
    with result.csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return workspace, result, rows


def test_csv_is_tidy_long_with_the_agreed_columns(exported):
    _workspace, result, rows = exported
    assert tuple(rows[0].keys()) == COLUMNS
    assert len(rows) == result.n_rows > 100
    city = [r for r in rows if r["Indikator"] == "BIL-06" and r["Gebiet"] == "Gesamtstadt" and r["Jahr"] == "2024"
            and r["Gruppe"] == "Nichtdeutsche"]
    assert city and city[0]["Wert"] == "10.0" and city[0]["Einheit"] == "%" and "vorläufig" in city[0]["Kennzeichen"]
    assert city[0]["Gebietsschluessel"] == "15003000"  # the city's AGS, to join with other open data
    keys = {r["Gebietsschluessel"] for r in rows if r["Gebiet"] == "Alte Neustadt"}
    assert keys == {"04"}  # the Amt's Stadtteil key, as in KISS-MD


def test_suppressed_values_have_no_number_and_a_reason(exported):
    _workspace, result, rows = exported
    hidden = [r for r in rows if r["Kennzeichen"].startswith("gesperrt")]
    assert len(hidden) == result.n_suppressed >= 2
    assert all(r["Wert"] == "" for r in hidden)
    small = [r for r in rows if r["Gebietsschluessel"] == "10" and r["Indikator"] == "DEM-01"]  # Kannenstieg
    assert small and all(r["Wert"] == "" for r in small)  # the true value 2 is never exported


def test_formula_like_text_is_neutralised(exported):
    _workspace, _result, rows = exported
    flagged = [r for r in rows if "HYPERLINK" in r["Kennzeichen"]]
    assert flagged and flagged[0]["Kennzeichen"].startswith("'=")
    assert neutralise("+49 391") == "'+49 391" and neutralise("@x") == "'@x" and neutralise("-1") == "'-1"
    assert neutralise("Gesamtstadt") == "Gesamtstadt"


def test_datapackage_describes_the_csv(exported):
    _workspace, result, _rows = exported
    package = json.loads(result.package_path.read_text(encoding="utf-8"))
    resource = package["resources"][0]
    assert resource["path"] == result.csv_path.name
    assert [f["name"] for f in resource["schema"]["fields"]] == list(COLUMNS)
    assert {f["name"]: f["type"] for f in resource["schema"]["fields"]}["Wert"] == "number"
    assert resource["encoding"] == "utf-8"


def test_cli_export(exported):
    workspace, _result, _rows = exported
    result = CliRunner().invoke(app, ["export", "--year", "2024", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "Offene Daten 2024 geschrieben" in " ".join(result.output.split())


def test_bracketed_survey_value_keeps_its_number_and_is_flagged(exported):
    _workspace, _result, rows = exported
    survey = {r["Jahr"]: r for r in rows if r["Indikator"] == "DIS-03" and r["Gruppe"] == "Nichtdeutsche"
              and r["Geschlecht"] == "Insgesamt"}
    assert survey["2024"]["Wert"] == "25.0" and survey["2024"]["Kennzeichen"] == "eingeschränkte Aussagekraft"  # Nenner 40
    assert survey["2022"]["Wert"] == "20.0" and survey["2022"]["Kennzeichen"] == ""  # Nenner 60
    assert survey["2020"]["Wert"] == "" and survey["2020"]["Kennzeichen"] == "gesperrt (/)"  # Nenner 25
