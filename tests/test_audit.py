"""Disclosure control as one problem over everything published, and the audit that tries to break it.

- a value the source withheld ('gesperrt (Quelle)') from a return or an import stays suppressed through store,
  report, Tabellenanhang and export, and secondary suppression protects it;
- a hand-made table where only the suppression across indicators (DEM-01 counts, STT-01 rates) keeps a count
  from being recomputed;
- the audit finds nothing recoverable in the protected table and no block without a reason.
(The demo is audited in test_demo.py, the real KISS-MD tables in test_import_wide.py.)
"""

from __future__ import annotations

import csv
import dataclasses
import shutil

import pandas as pd
import pytest
from docx import Document
from kiss_md import WITHHELD_K3_T39, kiss_md_workspace
from openpyxl import load_workbook
from report_fixtures import make_report_workspace
from typer.testing import CliRunner
from workbook_edit import generate, set_cells

import toolkit.cli
import toolkit.indicators.published
from toolkit.collect.layout import FLAG_WITHHELD, plan_workbook
from toolkit.core.keys import ObservationKey
from toolkit.core.store import Store
from toolkit.indicators.audit import audit, unjustified
from toolkit.indicators.confidentiality import PRIMARY, SECONDARY, SOURCE, protect
from toolkit.indicators.export import COLUMNS, export_open_data, export_rows
from toolkit.indicators.values import value_frame
from toolkit.report.compile import compile_report
from toolkit.returns.checks import check_files

runner = CliRunner()
HEADER = "Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"


def _protected(catalogue, rows: list[tuple]) -> pd.DataFrame:
    """rows: (indicator, year, area, group, sex, measure, value[, flag])"""
    obs = pd.DataFrame([{"indicator": r[0], "year": r[1], "area": r[2], "group": r[3], "sex": r[4], "measure": r[5],
                         "value": r[6], "flag": r[7] if len(r) > 7 else "", "note": ""} for r in rows])
    return protect(value_frame(obs, catalogue), catalogue)


def _published_rows(frame: pd.DataFrame, catalogue) -> list[dict[str, str]]:
    """The rows of the open-data export, as a reader of the CSV gets them (all text)."""
    return [{k: "" if v is None else str(v) for k, v in zip(COLUMNS, row, strict=True)}
            for row in export_rows(frame, catalogue)]


def _state(frame: pd.DataFrame, indicator: str, area: str, group: str) -> str:
    rows = frame[(frame["indicator"] == indicator) & (frame["area"] == area) & (frame["group"] == group)
                 & (frame["sex"] == "insgesamt")]
    assert len(rows) == 1
    return rows.iloc[0]["suppressed"]


# Three Stadtteile; Altstadt (01) has 2 foreigners, Werder (02) 4 of 600 inhabitants.
CROSS = [
    ("DEM-01", 2025, "gesamtstadt", "insgesamt", "insgesamt", "wert", 1800),
    ("DEM-01", 2025, "gesamtstadt", "nichtdeutsch", "insgesamt", "wert", 56),
    ("DEM-01", 2025, "st01", "insgesamt", "insgesamt", "wert", 500),
    ("DEM-01", 2025, "st01", "nichtdeutsch", "insgesamt", "wert", 2),
    ("DEM-01", 2025, "st02", "insgesamt", "insgesamt", "wert", 600),
    ("DEM-01", 2025, "st02", "nichtdeutsch", "insgesamt", "wert", 4),
    ("DEM-01", 2025, "st04", "insgesamt", "insgesamt", "wert", 700),
    ("DEM-01", 2025, "st04", "nichtdeutsch", "insgesamt", "wert", 50),
    *[("STT-01", 2025, area, "insgesamt", "insgesamt", measure, value)
      for area, z, n in (("st01", 2, 500), ("st02", 4, 600), ("st04", 50, 700))  # the city's share is DEM-02's
      for measure, value in (("zaehler", z), ("nenner", n))],
]


def test_only_suppression_across_indicators_keeps_the_count_from_being_recomputed(catalogue):
    alone = dataclasses.replace(catalogue, links=())
    per_indicator = _protected(alone, CROSS)
    assert _state(per_indicator, "DEM-01", "st01", "nichtdeutsch") == PRIMARY
    assert _state(per_indicator, "DEM-01", "st02", "nichtdeutsch") == SECONDARY  # protects Altstadt's 2 in DEM-01
    assert _state(per_indicator, "STT-01", "st02", "insgesamt") == ""  # but 0,7 % of 600 inhabitants gives 4
    broken = audit(_published_rows(per_indicator, alone), catalogue)
    found = {(r.key.indicator, r.key.area, r.key.group, r.value) for r in broken.recovered}
    assert ("DEM-01", "st02", "nichtdeutsch", 4) in found  # share × inhabitants
    assert ("DEM-01", "st01", "nichtdeutsch", 2) in found  # and then the Gesamtstadt minus the others

    joint = _protected(catalogue, CROSS)
    assert _state(joint, "STT-01", "st02", "insgesamt") == SECONDARY  # the rate follows the suppressed count
    assert _state(joint, "STT-01", "st01", "insgesamt") == PRIMARY
    assert _state(joint, "STT-01", "st04", "insgesamt") == ""  # nothing else is blocked
    result = audit(_published_rows(joint, catalogue), catalogue)
    assert result.ok and result.suppressed >= 4, result.lines(catalogue)
    assert unjustified(joint, catalogue) == []


def test_the_audit_computes_a_count_from_its_total_when_secondary_suppression_is_missing(catalogue):
    frame = _protected(catalogue, CROSS[:8])
    frame.loc[frame["suppressed"] == SECONDARY, "suppressed"] = ""  # as if no secondary suppression had been made
    frame.loc[frame["suppressed"] == "", "published"] = frame["value"]
    result = audit(_published_rows(frame, catalogue), catalogue)
    assert [(r.key.area, r.key.group, r.value) for r in result.recovered] == [("st01", "nichtdeutsch", 2)]
    lines = result.lines(catalogue)
    name = catalogue.area_label("st01")
    assert name != "st01"
    assert lines[1:] == ["1 gesperrter Wert ist zurückzurechnen:",
                         f"  {result.recovered[0].key.indicator} {result.recovered[0].key.year} {name}, Nichtdeutsche, "
                         "Insgesamt (Wert): 2"]  # before: "(wert)", the code


def test_a_withheld_stadtteil_value_is_protected_like_a_primary_one(catalogue):
    rows = [r if not (r[0] == "DEM-01" and r[2] == "st02" and r[3] == "nichtdeutsch") else (*r[:6], None, FLAG_WITHHELD)
            for r in CROSS[:8] if not (r[2] == "st01" and r[3] == "nichtdeutsch")] + [
        ("DEM-01", 2025, "st01", "nichtdeutsch", "insgesamt", "wert", 10)]
    frame = _protected(catalogue, rows)
    assert _state(frame, "DEM-01", "st02", "nichtdeutsch") == SOURCE
    assert _state(frame, "DEM-01", "st01", "nichtdeutsch") == SECONDARY  # else 56 - 10 - 42 gives the withheld 4
    assert audit(_published_rows(frame, catalogue), catalogue).ok


@pytest.fixture(scope="module")
def withheld(tmp_path_factory):
    """The report fixture with Barleber See's 2024 inhabitants withheld by the source (imported as '.'): DEM-01 alone
    (the point is its Stadtteile; Barleber See is the 40th, so all 40 stay)."""
    workspace = make_report_workspace(tmp_path_factory.mktemp("withheld") / "ws", indicators=("DEM-01",))
    path = workspace.root / "KISS-MD.csv"
    path.write_text(HEADER + "2024;DEM-01;72;insgesamt;insgesamt;Wert;.;;\n", encoding="utf-8")
    result = runner.invoke(toolkit.cli.app, ["import", str(path), "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    compiled = compile_report(workspace, 2024, processes=1)
    exported = export_open_data(workspace, 2024)
    return workspace, compiled, exported


def test_withheld_value_is_stored_with_its_kennzeichen(withheld):
    workspace, _compiled, _exported = withheld
    with Store(workspace.store_file) as store:
        stored = store.get(ObservationKey("DEM-01", 2024, "st72", "insgesamt", "insgesamt", "wert"))
    assert stored.value is None and stored.flag == FLAG_WITHHELD


def test_withheld_value_shows_the_symbol_in_report_annex_and_export(withheld):
    _workspace, compiled, exported = withheld
    assert compiled.suppressed_by.get(SOURCE) == 1
    assert "1 von der Quelle gesperrt" in " ".join(compiled.lines())
    cells = [[c.text for c in row.cells] for table in Document(compiled.report).tables for row in table.rows]
    barleber = [row for row in cells if row[0] == "Barleber See"]
    assert barleber and all(row[1] == "." for row in barleber), barleber  # never "…"
    annex = load_workbook(compiled.annex, read_only=True)
    annex_rows = [row for sheet in annex.worksheets for row in sheet.iter_rows(values_only=True)
                  if row and row[0] == "Barleber See"]
    annex.close()
    assert annex_rows and annex_rows[0][1] == "."
    with exported.csv_path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Gebietsschluessel"] == "72" and r["Jahr"] == "2024"
                and r["Indikator"] == "DEM-01"]
    assert rows and rows[0]["Wert"] == "" and rows[0]["Kennzeichen"] == FLAG_WITHHELD


def test_withheld_value_gets_secondary_protection_and_the_audit_finds_nothing(withheld):
    workspace, _compiled, exported = withheld
    catalogue = toolkit.catalogue.model.load_catalogue(workspace.catalogue_file)
    with exported.csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    result = audit(rows, catalogue)
    assert result.ok, result.lines(catalogue)
    hidden_2024 = [r for r in rows if r["Indikator"] == "DEM-01" and r["Jahr"] == "2024" and r["Wert"] == ""
                   and r["Gebietsschluessel"] not in ("15003000",)]
    assert {r["Gebiet"] for r in hidden_2024} >= {"Barleber See", "Kannenstieg"}  # withheld, and the primary 2


def test_a_return_may_leave_a_withheld_value_empty(tmp_path, catalogue, workspace):
    plan = plan_workbook(catalogue, "DEZSOZ", 2025)
    value = next(s for s in plan.input_slots())
    flag = next(s for s in plan.slots if s.role == "flag" and s.key == value.key)
    blank = generate(tmp_path / "blank.xlsx", catalogue, "DEZSOZ", 2025)
    path = set_cells(blank, tmp_path / "Erhebung_2025_DEZSOZ.xlsx",
                     {(value.sheet, value.cell): None, (flag.sheet, flag.cell): FLAG_WITHHELD})
    report = check_files(workspace, [path])[0]
    assert report.ok and not [p for p in report.problems if p.code in ("fehlender-wert", "leeres-blatt")]
    shutil.copy(path, workspace.inbox / path.name)
    result = runner.invoke(toolkit.cli.app, ["merge", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    with Store(workspace.store_file) as store:
        stored = store.get(value.key)
    assert stored is not None and stored.value is None and stored.flag == FLAG_WITHHELD


def test_real_kiss_md_tables_keep_every_withheld_count_secret(tmp_path):
    """The Amt's own tables (K3_T35 inhabitants, K3_T39 foreigners, 2021–2025): the 14 totals the Amt withholds stay
    secret in every year, across DEM-01, DEM-02 and STT-01, although the city total and the other Stadtteile are
    published (2025: 39,404 minus the published Stadtteile gave Barleber See's withheld count before)."""
    workspace = kiss_md_workspace(tmp_path / "ws")
    catalogue = toolkit.catalogue.model.load_catalogue(workspace.catalogue_file)
    _catalogue, _settings, published, _left_out = toolkit.indicators.published.load_published(workspace, 2025)
    withheld = published[published["suppressed"] == SOURCE]
    assert {(int(r.year), r.area[2:]) for r in withheld[withheld["indicator"] == "DEM-01"].itertuples()} == WITHHELD_K3_T39
    stt = published[(published["indicator"] == "STT-01") & (published["year"] == 2025)]
    assert set(stt.loc[stt["suppressed"] != "", "area"]) >= {"st70", "st72"}  # the shares of the withheld counts
    rows = _published_rows(published, catalogue)
    result = audit(rows, catalogue)
    assert result.ok and result.suppressed >= 3 * len(WITHHELD_K3_T39), result.lines(catalogue)[:12]
    assert unjustified(published, catalogue) == []


def test_two_hidden_ones_are_not_enough_their_sum_would_give_both(catalogue):
    # Altstadt and Werder each have 1 foreigner: hiding both leaves 56 - 54 = 2 = 1 + 1 to a reader who knows
    # that a hidden count is at least 1. A third count must go.
    rows = [("DEM-01", 2025, "gesamtstadt", "nichtdeutsch", "insgesamt", "wert", 56),
            ("DEM-01", 2025, "st01", "nichtdeutsch", "insgesamt", "wert", 1),
            ("DEM-01", 2025, "st02", "nichtdeutsch", "insgesamt", "wert", 1),
            ("DEM-01", 2025, "st04", "nichtdeutsch", "insgesamt", "wert", 40),
            ("DEM-01", 2025, "st06", "nichtdeutsch", "insgesamt", "wert", 14)]
    frame = _protected(catalogue, rows)
    assert _state(frame, "DEM-01", "st01", "nichtdeutsch") == _state(frame, "DEM-01", "st02", "nichtdeutsch") == PRIMARY
    assert _state(frame, "DEM-01", "st06", "nichtdeutsch") == SECONDARY
    assert audit(_published_rows(frame, catalogue), catalogue).ok

    frame.loc[frame["suppressed"] == SECONDARY, "suppressed"] = ""  # as the rule 'two hidden cells' alone would leave it
    frame.loc[frame["suppressed"] == "", "published"] = frame["value"]
    found = {(r.key.area, r.value) for r in audit(_published_rows(frame, catalogue), catalogue).recovered}
    assert found == {("st01", 1), ("st02", 1)}
