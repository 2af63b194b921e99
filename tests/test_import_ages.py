"""Acceptance of issue #20 for the Amt's real tables: K3_T1 (single years of age, 2021–2025) summed into the
catalogue's age groups, K3_T41 (foreigners by Stadtteil, 15 years) through its shipped mapping.

The tables are in ../shared/reference/kiss-md (a test skips, naming it, where they are missing). The expected
totals are read from the table itself (its row "Einwohner insgesamt"), not typed in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kiss_md import mapping_of
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.model import CITY, Catalogue
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.store import Store

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "kiss-md"
K3_T1 = REFERENCE / "bevoelkerung-mit-hauptwohnsitz-nach-alter-und-geschlecht.xlsx"
K3_T41 = REFERENCE / "entwicklung-der-auslaendischen-hauptwohnsitzbevoelkerung.xlsx"
SEXES = {"insgesamt": 2, "maennlich": 3, "weiblich": 4}  # the column of each sex in K3_T1 (var3, var4, var5)


def _rows(path: Path) -> list[list]:
    if not path.is_file():
        pytest.skip(f"../shared/reference/kiss-md/{path.name} fehlt")
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def _import(workspace, path: Path, table: str) -> tuple[str, dict]:
    result = runner.invoke(toolkit.cli.app, ["import", str(path), "--zuordnung", str(mapping_of(table)),
                                             "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    with Store.read_only(workspace.store_file) as store:
        return " ".join(result.output.split()), {key: v.value for key, v in store.values().items()}


def test_k3_t1_age_groups_add_up_to_the_inhabitants_of_each_year(workspace, catalogue: Catalogue):
    totals = {int(r[0]): r for r in _rows(K3_T1)[1:] if r[1] == "Einwohner insgesamt"}
    assert sorted(totals) == [2021, 2022, 2023, 2024, 2025]
    output, values = _import(workspace, K3_T1, "K3_T1")
    assert "Herkunft „Import KISS-MD K3_T1“" in output
    dem01 = catalogue.indicators["DEM-01"]
    partitions = catalogue.partitions(dem01)
    assert set(partitions) == {"Pyramide", "Lebensphasen"}
    checked = 0
    for year, row in totals.items():
        for sex, column in SEXES.items():
            total = ObservationKey("DEM-01", year, CITY, "insgesamt", sex, "wert")
            assert values[total] == row[column], (year, sex)
            for use, codes in partitions.items():
                parts = [values[total._replace(age=code)] for code in codes]
                assert sum(parts) == values[total], (year, sex, use)
                checked += 1
    assert checked == 5 * 3 * 2
    assert values[ObservationKey("DEM-01", 2025, CITY, "insgesamt", "insgesamt", "wert")] == 245_834
    # men and women give everyone in each age group too
    for code in catalogue.ages_of(dem01):
        key = ObservationKey("DEM-01", 2025, CITY, "insgesamt", "insgesamt", "wert", code)
        assert values[key] == values[key._replace(sex="maennlich")] + values[key._replace(sex="weiblich")], code
    # only Gesamtstadt, all nationalities: nothing else was made up
    assert {(k.area, k.group, k.nationality) for k in values} == {(CITY, "insgesamt", ALL)}


def test_k3_t41_gives_fifteen_years_of_foreigners_by_stadtteil(workspace, catalogue: Catalogue):
    rows = _rows(K3_T41)[1:]
    years = sorted({int(r[0]) for r in rows})
    assert len(years) == 15 and years[-1] - years[0] == 14
    _output, values = _import(workspace, K3_T41, "K3_T41")
    foreigners = {k: v for k, v in values.items() if (k.indicator, k.group, k.measure) == ("DEM-01", "nichtdeutsch",
                                                                                           "wert")}
    assert sorted({k.year for k in foreigners}) == years
    city = {int(r[0]): float(r[2]) for r in rows if str(r[1]).split(".")[0] == "15003" and r[2] not in ("", ".")}
    assert {k.year: v for k, v in foreigners.items() if k.area == CITY} == city
    assert len({k.area for k in foreigners}) > 30  # the Stadtteile too
    # the same column is DEM-02's and STT-01's Zähler, in every year
    for key, value in foreigners.items():
        for indicator in ("DEM-02", "STT-01"):
            other = key._replace(indicator=indicator, group="insgesamt", measure="zaehler")
            assert values.get(other) == value, other
