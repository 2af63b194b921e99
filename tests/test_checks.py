"""Rules of checks.py that need more than one cell: rounding tolerance, previous year from the store, bounds of
values, duplicates across files, Kennzeichen spelling."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from conftest import make_workspace
from workbook_edit import consistent_value, generate, set_cells

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.sheets import workbook_rows
from toolkit.collect.layout import plan_workbook
from toolkit.core.keys import ObservationKey
from toolkit.core.problems import FileReport
from toolkit.core.store import Store
from toolkit.returns.caches import PlanCache
from toolkit.returns.checks import check_files, cross_file_duplicates, normalise_flag
from toolkit.returns.reader import read_return
from toolkit.returns.workers import CheckedFile

YEAR = 2025


def _file(tmp_path, catalogue, office: str, changes: dict[ObservationKey, object], name: str = ""):
    plan = plan_workbook(catalogue, office, YEAR)
    cells = {(s.sheet, s.cell): changes.get(s.key, consistent_value(s.key)) for s in plan.input_slots()}
    blank = generate(tmp_path / f"blank_{office}.xlsx", catalogue, office, YEAR)
    return set_cells(blank, tmp_path / (name or f"Erhebung_{YEAR}_{office}.xlsx"), cells), plan


def _codes(report: FileReport, code: str) -> list[str]:
    return [p.place for p in report.problems if p.code == code]


def key(indicator: str, group: str, measure: str, year: int = YEAR, sex: str = "insgesamt",
        area: str = "gesamtstadt") -> ObservationKey:
    return ObservationKey(indicator, year, area, group, sex, measure)


@pytest.mark.parametrize(("difference", "warned"), [(5, False), (20, True)])
def test_sum_of_parts_uses_rounding_tolerance_of_profile(tmp_path, catalogue, workspace, difference, warned):
    """DEM-07 (profile azr5: multiples of 5): nichtdeutsch = eu + drittstaaten within 5/2 x 3."""
    whole = key("DEM-07", "nichtdeutsch", "nenner")
    base = consistent_value(key("DEM-07", "eu", "nenner")) + consistent_value(key("DEM-07", "drittstaaten", "nenner"))
    path, plan = _file(tmp_path, catalogue, "ABH", {whole: base + difference})
    report = check_files(workspace, [path])[0]
    cell = plan.entry_row_of(whole).row + 1
    assert (f"Erfassung!K{cell}" in _codes(report, "summe-teile")) is warned


def test_jump_against_previous_year_from_store(tmp_path, catalogue, workspace):
    current = key("DEM-08", "nichtdeutsch", "wert")
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="ABH", year=2024, file_name="alt.xlsx", sha256="c" * 64)
        store.put(current._replace(year=2024), consistent_value(current) / 3, "", "", delivery)
    path, plan = _file(tmp_path, catalogue, "ABH", {})
    report = check_files(workspace, [path])[0]
    assert f"Erfassung!K{plan.entry_row_of(current).row + 1}" in _codes(report, "sprung-zum-vorjahr")


def test_value_outside_min_max_is_a_warning(tmp_path, catalogue, workspace):
    waiting = key("IKO-05", "insgesamt", "wert")  # days, 0 to 365
    path, plan = _file(tmp_path, catalogue, "ABH", {waiting: 400})
    report = check_files(workspace, [path])[0]
    assert _codes(report, "ausserhalb-grenzen") == [f"Erfassung!K{plan.entry_row_of(waiting).row + 1}"]
    assert report.ok


class _SamePlan(PlanCache):
    """The copy claims to be ABH's but holds SOZ's layout: every file is paired with SOZ's plan."""

    def plan(self, office: str, year: int, fingerprint: str = ""):
        return super().plan("SOZ", year, fingerprint)


def test_same_observation_in_files_of_two_offices_names_both(tmp_path, catalogue):
    path, _plan = _file(tmp_path, catalogue, "SOZ", {})
    first = read_return(path, catalogue)
    second = read_return(shutil.copy(path, tmp_path / "Kopie_von_ABH.xlsx"), catalogue)
    second.identity = dataclasses.replace(second.identity, office="ABH")
    items = [CheckedFile(first, FileReport(first.file, "SOZ")), CheckedFile(second, FileReport(second.file, "ABH"))]
    found = cross_file_duplicates(items, _SamePlan(catalogue))
    assert set(found) == set(items)
    message = found[items[0]][0].message
    assert found[items[0]][0].code == "doppelte-lieferung"
    assert first.file in message and "Kopie_von_ABH.xlsx" in message


def test_identity_against_rounds(tmp_path, catalogue):
    workspace = make_workspace(tmp_path / "ws")
    path, _plan = _file(tmp_path, catalogue, "SOZ", {})
    with Store(workspace.store_file) as store, store.transaction():
        store.record_round(year=YEAR, office="SOZ", token="T-1", deadline="2026-03-31", file_name="x",
                           sha256="", layout_version="1", fingerprint="")
    report = check_files(workspace, [path])[0]
    assert report.ok and not report.problems  # generated with token T-1


def test_flag_spelling_is_normalised():
    assert normalise_flag("  VORLÄUFIG ") == "vorläufig"
    assert normalise_flag("kein  Wert   verfügbar") == "kein Wert verfügbar"
    assert normalise_flag("ca.") == "ca."


def test_future_year_is_wrong_year_even_without_rounds(tmp_path, catalogue, workspace):
    import datetime as dt

    future = dt.date.today().year + 3
    blank = generate(tmp_path / "future.xlsx", catalogue, "SOZ", future)
    report = check_files(workspace, [blank])[0]
    assert _codes(report, "falsches-jahr") == ["Kennung!B3"] and not report.ok


def test_a_catalogue_that_allows_rates_over_100_warns_only_beyond_its_hoechstwert(tmp_path, catalogue, workspace):
    """Counting Kita children where they are cared for (Höchstwert 150): 120 % passes, 160 % is a Warnung on the
    rate; the default catalogue counts them where they live and refuses a Zähler over the Nenner (bad_returns.py)."""
    rows = workbook_rows(workspace.catalogue_file)
    next(r for r in rows["Indikatoren"] if r.values["id"] == "BIL-01").values["max_wert"] = "150"
    write_catalogue_workbook(workspace.catalogue_file, rows)
    zaehler, nenner = key("BIL-01", "insgesamt", "zaehler"), key("BIL-01", "insgesamt", "nenner")
    for share, warned in ((1.2, False), (1.6, True)):
        path, plan = _file(tmp_path, catalogue, "JUGA", {zaehler: round(consistent_value(nenner) * share)},
                           name=f"Erhebung_{YEAR}_JUGA_{share}.xlsx")
        report = check_files(workspace, [path])[0]
        assert report.ok and not _codes(report, "zaehler-groesser-nenner")
        cell = f"Erfassung!K{plan.entry_row_of(zaehler).row + 1}"
        assert _codes(report, "ausserhalb-grenzen") == ([cell] if warned else [])
