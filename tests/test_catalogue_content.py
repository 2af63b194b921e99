"""The default catalogue says what its sources say: each corrected definition against the source it cites
(Integrationsmonitoring der Länder, Kommunalverfassung Sachsen-Anhalt), and the Eckwerte against KISS-MD."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest

from toolkit.indicators.confidentiality import rounding_base
from toolkit.report.tables import Cell, Table, footnotes

KISS_MD = Path(__file__).resolve().parents[2] / "shared" / "reference" / "kiss-md"
INTMK_CODE = re.compile(r"IntMK (?:[A-J]\d|Themenfeld)")


def _texts(indicator) -> str:
    return " ".join((indicator.definition, indicator.zaehler, indicator.nenner))


def test_tei01_counts_from_16_as_the_local_franchise_in_sachsen_anhalt(catalogue):
    tei01 = catalogue.indicators["TEI-01"]
    for text in (tei01.definition, tei01.zaehler, tei01.nenner):
        assert "ab 16 Jahren" in text
    assert "volljährig" not in _texts(tei01).lower()
    assert "18" not in _texts(tei01)
    assert "ab 16 Jahren" in tei01.hinweis_bericht and "nicht bei 18" in tei01.hinweis_bericht


def test_arb05_is_the_intmk_e5_rate_on_dependent_civilian_labour_force(catalogue):
    arb05 = catalogue.indicators["ARB-05"]
    assert "IntMK E5" in arb05.referenz
    assert arb05.gruppen == ("insgesamt", "deutsch", "nichtdeutsch")  # E5: Deutsche and Ausländer only
    assert "abhängigen zivilen Erwerbspersonen" in arb05.definition
    assert "abhängigen zivilen Erwerbspersonen" in arb05.quelle
    assert "allen zivilen Erwerbspersonen" not in arb05.definition + arb05.quelle
    assert "ergänzende Quoten" in arb05.hinweis_bericht  # the BA's group rates: another denominator
    assert "Entscheidung der Stadt" in arb05.notiz_intern and "eigene Kennzahl" in arb05.notiz_intern


def test_arb05_a_rate_delivered_as_a_value_gets_no_footnote_about_rounded_counts(catalogue):
    arb05 = catalogue.indicators["ARB-05"]
    assert arb05.typ == "wert"
    assert rounding_base(arb05, catalogue) == 0
    tables = [Table("ARB-05", ["Gruppe", "2025"], [[Cell("Insgesamt"), Cell("6,5", 6.5)]])]
    assert not any("gerundet" in note for note in footnotes(arb05, catalogue, tables, {}, []))
    # the BA's count-based indicators keep their rounding note
    arb08 = catalogue.indicators["ARB-08"]
    assert any("gerundet" in note for note in footnotes(arb08, catalogue, tables, {}, []))


def test_spr03_covers_children_aged_3_to_under_6_as_intmk_c3(catalogue):
    spr03 = catalogue.indicators["SPR-03"]
    assert "IntMK C3" in spr03.referenz
    for text in (spr03.definition, spr03.zaehler, spr03.nenner):
        assert "3 bis unter 6 Jahren" in text
    assert "unter 3 Jahren" not in spr03.hinweis_bericht.replace("3 bis unter 6", "")


def test_bil03_covers_children_aged_3_to_under_6_as_intmk_c2a(catalogue):
    bil03 = catalogue.indicators["BIL-03"]
    assert bil03.referenz.startswith("IntMK C2a")
    assert all("3 bis unter 6 Jahren" in text for text in (bil03.definition, bil03.zaehler, bil03.nenner))


def test_rec01_counts_eu_citizens_as_secure_after_five_years_as_intmk_b1(catalogue):
    rec01 = catalogue.indicators["REC-01"]
    assert "IntMK B1" in rec01.referenz
    # EU citizens (and EWR, Swiss, Turkish under the association law) only after five years of stay:
    assert re.search(r"EU-.*nur bei einer Aufenthaltsdauer .*mindestens fünf Jahren", rec01.zaehler)
    assert "Freizügigkeit oder" not in rec01.zaehler  # free movement alone is not a secure status
    assert "fünf Jahren" in rec01.definition and "(Indikator B1)" in rec01.hinweis_bericht
    assert "nahe 100 %" not in rec01.hinweis_bericht


def test_bil01_bil02_stay_core_for_all_children_without_groups_lacking_a_denominator(catalogue):
    for code, intmk in (("BIL-01", "C1b"), ("BIL-02", "C2b")):
        indicator = catalogue.indicators[code]
        assert indicator.kern
        assert indicator.gruppen == ("insgesamt",)
        assert intmk in indicator.referenz and intmk in indicator.hinweis_bericht
        assert "Mikrozensus" in indicator.hinweis_bericht  # why the groups are not there
        assert "Entscheidung der Stadt" in indicator.notiz_intern and "mit_mh_kita" in indicator.notiz_intern


def test_arb08_is_the_intmk_e8_rate_of_employable_beneficiaries(catalogue):
    arb08 = catalogue.indicators["ARB-08"]
    assert "IntMK E8" in arb08.referenz
    assert "erwerbsfähige" in arb08.zaehler.lower() and "15 bis unter 65 Jahren" in arb08.zaehler
    assert "15 bis unter 65 Jahren" in arb08.nenner
    assert "ARB-09" in arb08.hinweis_bericht  # where the children went


def test_every_intmk_reference_is_explained_in_the_report_note(catalogue):
    """Numerator, denominator and population as the IntMK code has them, or the note says where it differs."""
    cited = [i for i in catalogue.indicators.values() if INTMK_CODE.search(i.referenz)]
    assert len(cited) >= 30
    unexplained = [i.id for i in cited if not re.search(r"Integrationsmonitorings? der Länder", i.hinweis_bericht)]
    assert unexplained == []


def test_city_decisions_are_internal_notes(catalogue):
    decisions = [i.id for i in catalogue.indicators.values() if "Entscheidung der Stadt" in i.notiz_intern]
    assert {"ARB-05", "SPR-03", "BIL-01", "BIL-02", "BIL-03", "REC-03", "ARB-08", "ARB-12"} <= set(decisions)
    assert not any("Entscheidung der Stadt" in i.hinweis_bericht for i in catalogue.indicators.values())



def _eckwerte() -> dict[tuple[str, int], float]:
    resource = resources.files("toolkit") / "defaults" / "eckwerte.csv"
    with resource.open(encoding="utf-8", newline="") as handle:
        return {(r["kennzahl"], int(r["jahr"])): float(r["wert"]) for r in csv.DictReader(handle) if r["jahr"]}


def test_eckwerte_2025_are_the_kiss_md_figures_of_the_amt():
    eck = _eckwerte()
    assert eck[("einwohner_melderegister_hauptwohnsitz", 2025)] == 245834
    assert eck[("nichtdeutsche", 2025)] == 39404
    assert eck[("auslaenderanteil", 2025)] == 16.0


@pytest.mark.skipif(not KISS_MD.is_dir(), reason="die KISS-MD-Rohdaten liegen nur im gemeinsamen Referenzordner")
def test_eckwerte_equal_the_kiss_md_exports_for_every_year_they_cover():
    from python_calamine import CalamineWorkbook

    def city(file: str, column: int) -> dict[int, int]:
        rows = CalamineWorkbook.from_path(str(KISS_MD / file)).get_sheet_by_index(0).to_python()
        return {int(r[0]): int(float(r[column])) for r in rows[1:] if str(r[1]).strip() == "15003"}

    inhabitants = city("entwicklung-der-hauptwohnsitzbevoelkerung.xlsx", 2)  # K3_T35_var3
    foreigners = city("auslaendische-hauptwohnsitzbevoelkerung-nach-altersgruppen.xlsx", 7)  # K3_T39_var8
    eck = _eckwerte()
    assert {y for k, y in eck if k == "einwohner_melderegister_hauptwohnsitz"} >= set(inhabitants)
    for year, value in inhabitants.items():
        assert eck[("einwohner_melderegister_hauptwohnsitz", year)] == value
    for year, value in foreigners.items():
        assert eck[("nichtdeutsche", year)] == value
        assert eck[("auslaenderanteil", year)] == round(100 * value / inhabitants[year], 1)
