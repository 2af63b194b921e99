"""Disclosure control and audit over the age groups of two Verwendungen (issue #20, scope 2).

DEM-01 is collected by the 5-year groups of the Pyramide and by the Lebensphasen (0-7, 7-18, 18-45, 45-65, 65+).
Both sum to all ages, and between the limits both have (45, 65) they also sum to each other: 65+ = 65-70 + … + 90+,
45-65 = 45-50 + … + 60-65, 0-7 + 7-18 + 18-45 = 0-5 + … + 40-45. A reader who has both tables uses those sums.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import make_workspace
from docx import Document
from kiss_md import AGE_ROUND, import_age_round
from report_fixtures import report_template
from test_audit import _published_rows

from toolkit.catalogue.breakdowns import equal_age_sums
from toolkit.catalogue.model import Catalogue
from toolkit.collect.layout import FLAG_WITHHELD
from toolkit.core.cells import format_number
from toolkit.core.keys import ALL
from toolkit.core.store import Store
from toolkit.indicators.audit import audit, unjustified
from toolkit.indicators.confidentiality import PRIMARY, SECONDARY, SOURCE, protect, relations
from toolkit.indicators.editions import ledger_cells
from toolkit.indicators.published import audit_all_editions, load_published
from toolkit.indicators.values import value_frame
from toolkit.report.compile import compile_report

# Nichtdeutsche of one Stadtteil: the 85-89 year olds are 2 (primary); the smallest other 5-year group is 0-5 (4).
PYRAMIDE = {"0-5": 4, "5-10": 80, "10-15": 70, "15-20": 90, "20-25": 100, "25-30": 110, "30-35": 120, "35-40": 96,
            "40-45": 80, "45-50": 60, "50-55": 55, "55-60": 45, "60-65": 40, "65-70": 20, "70-75": 15, "75-80": 8,
            "80-85": 5, "85-90": 2, "90+": 0}
LEBENSPHASEN = {"0-7": 100, "7-18": 150, "18-45": 500, "45-65": 200, "65+": 50}


def _frame(catalogue: Catalogue, ages: dict[str, int]) -> pd.DataFrame:
    cells = {"alle": sum(PYRAMIDE.values()), **ages}
    obs = pd.DataFrame([{"indicator": "DEM-01", "year": 2025, "area": "st01", "group": "nichtdeutsch",
                         "sex": "insgesamt", "measure": "wert", "age": age, "nationality": "alle", "value": value,
                         "flag": "", "note": ""} for age, value in cells.items()])
    return protect(value_frame(obs, catalogue), catalogue)


def _state(frame: pd.DataFrame, age: str) -> str:
    return frame.loc[frame["age"] == age, "suppressed"].item()


def test_the_age_groups_of_two_verwendungen_sum_to_each_other_between_their_common_limits(catalogue):
    partitions = catalogue.partitions(catalogue.indicators["DEM-01"])
    blocks = equal_age_sums([catalogue.age_group[code] for code in codes] for codes in partitions.values())
    assert sum(LEBENSPHASEN.values()) == sum(PYRAMIDE.values())  # the table is consistent
    assert blocks == [(("0-7", "7-18", "18-45"), tuple(PYRAMIDE)[:9]), (("45-65",), tuple(PYRAMIDE)[9:13]),
                      (("65+",), tuple(PYRAMIDE)[13:])]


def test_a_suppressed_5_year_group_is_not_given_back_by_the_lebensphasen(catalogue):
    frame = _frame(catalogue, {**PYRAMIDE, **LEBENSPHASEN})
    assert _state(frame, "85-90") == PRIMARY
    # Over all ages alone the smallest other count, 0-5, was the partner; but 65+ = 65-70 + … + 90+ then gave 85-90
    # back, and 0-7 + 7-18 + 18-45 = 0-5 + … + 40-45 gave 0-5. The partner is one of 65 and older now.
    assert _state(frame, "80-85") == SECONDARY
    assert _state(frame, "0-5") == ""
    hidden = set(frame.index[frame["suppressed"] != ""])
    frame["count"] = frame["wert"]
    for relation in relations(frame, catalogue):
        assert len(hidden & set(relation.cells)) != 1, frame.loc[list(relation.cells), ["age", "suppressed"]]
    result = audit(_published_rows(frame, catalogue), catalogue)
    assert result.ok and result.suppressed == len(hidden) == 2, result.lines(catalogue)
    assert unjustified(frame, catalogue) == []


def test_the_audit_adds_the_age_groups_of_two_verwendungen_over_the_same_ages(catalogue):
    frame = _frame(catalogue, {**PYRAMIDE, **LEBENSPHASEN})
    frame.loc[frame["age"] == "0-5", "suppressed"] = SECONDARY  # as the suppression chose without those sums
    frame.loc[~frame["age"].isin(["85-90", "0-5"]), "suppressed"] = ""
    frame.loc[frame["suppressed"] == "", "published"] = frame["value"]
    result = audit(_published_rows(frame, catalogue), catalogue)
    found = {(r.key.age, r.value) for r in result.recovered}
    assert found == {("85-90", 2), ("0-5", 4)}  # 50 - (20 + 15 + 8 + 5 + 0); 750 - (80 + 70 + … + 80)
    assert "85 bis unter 90 Jahre" in " ".join(result.lines(catalogue))


def test_without_all_ages_the_two_verwendungen_still_sum_to_each_other(catalogue):
    frame = _frame(catalogue, {**PYRAMIDE, **LEBENSPHASEN})
    frame = frame[frame["age"] != "alle"]
    frame.loc[frame["age"] != "85-90", "suppressed"] = ""
    frame.loc[frame["suppressed"] == "", "published"] = frame["value"]
    found = {(r.key.age, r.value) for r in audit(_published_rows(frame, catalogue), catalogue).recovered}
    assert found == {("85-90", 2)}


@pytest.fixture(scope="module")
def age_round(tmp_path_factory):
    """A working folder with an imported KISS-MD round with age groups (kiss_md.AGE_ROUND), the 2024 edition
    published into the ledger, and the 2025 tables protected with it: (workspace, catalogue, protected 2025 frame with
    every breakdown, its open-data rows)."""
    missing = [path.name for path in AGE_ROUND.values() if not path.is_file()]
    if missing:
        pytest.skip(f"../shared/reference/kiss-md: {', '.join(missing)} fehlt")
    workspace = make_workspace(tmp_path_factory.mktemp("age-round") / "ws")
    results = import_age_round(workspace)
    assert all(r.report.ok for r in results.values()), [p.message for r in results.values() for p in r.report.problems]
    earlier = load_published(workspace, 2024, breakdowns=True)
    with Store(workspace.store_file) as store, store.transaction():
        store.record_edition(year=2024, folder="ausgabe", report="bericht.docx", report_sha256="0" * 64,
                             cells=ledger_cells(earlier.frame))
    catalogue, _settings, frame, _left_out = load_published(workspace, 2025, breakdowns=True)
    return workspace, catalogue, frame, _published_rows(frame, catalogue)


def test_an_imported_kiss_md_round_with_age_groups_keeps_every_suppressed_count_secret(age_round):
    """K3_T34/K3_T39 give the five Lebensphasen per Stadtteil, K3_T1 the Pyramide and the Lebensphasen of the city;
    the Amt withholds small Stadtteil cells. Before, two withheld 7-18 cells (Beyendorfer Grund, Gewerbegebiet Nord,
    2025) whose sum the city gave as 2 were each 1 to a reader, and Beyendorfer Grund's 45-65 then 9 - 1 = 8."""
    workspace, catalogue, frame, rows = age_round
    result = audit(rows, catalogue)
    ages = frame[frame["age"] != ALL]
    hidden_ages = ages[ages["suppressed"] != ""]
    assert len(ages) > 1500 and len(hidden_ages) > 150, (len(ages), len(hidden_ages))
    assert result.ok and result.cells == len(rows) > len(ages) and result.suppressed >= len(hidden_ages), \
        result.lines(catalogue)[:8]
    # every sum adds up: Sülzegrund's 2022 share has no value and no row, but its Nenner is DEM-01's 10 inhabitants
    assert result.contradicted == 0, result.lines(catalogue)[-1]
    together = audit_all_editions(workspace, rows, catalogue)
    assert together.ok and together.editions == 2, together.lines(catalogue)[:8]
    assert unjustified(frame, catalogue) == []
    secondary_ages = set(hidden_ages.loc[hidden_ages["suppressed"] == SECONDARY, "age"])
    assert "7-18" in secondary_ages  # a third Stadtteil's 7-18 of 2025, beside the two withheld ones


def test_the_amts_withheld_cells_stay_withheld_in_every_breakdown(age_round):
    workspace, _catalogue, frame, rows = age_round
    with Store.read_only(workspace.store_file) as store:
        withheld = {key for key, value in store.values().items() if value.flag == FLAG_WITHHELD}
    assert sum(1 for key in withheld if key.age != ALL) > 100
    shown = {(r.indicator, r.year, r.area, r.group, r.sex, r.age, r.nationality)
             for r in frame[frame["suppressed"] != SOURCE].itertuples()}
    assert not {(k.indicator, k.year, k.area, k.group, k.sex, k.age, k.nationality) for k in withheld} & shown
    assert sum(1 for row in rows if row["Kennzeichen"] == FLAG_WITHHELD) >= len(
        [k for k in withheld if k.year <= 2025 and k.measure == "wert"])


def test_the_internal_edition_audits_every_breakdown_the_export_publishes(age_round):
    """The internal edition's audit (compile --intern) reads the rows the open-data export writes: with the age groups,
    not only the values of all ages the report shows."""
    workspace, catalogue, _frame, rows = age_round
    workspace.report_template.write_bytes(report_template())
    internal = compile_report(workspace, 2025, processes=1, intern=True)
    text = [p.text for p in Document(internal.report).paragraphs]
    expected = audit_all_editions(workspace, rows, catalogue).lines(catalogue)
    assert expected[0] in text and expected[1] == "Kein gesperrter Wert ist zurückzurechnen." in text, expected
    assert f"{format_number(len(rows))} veröffentlichte Werte" in expected[0]


def test_age_groups_that_disagree_by_one_recover_nothing_false(catalogue):
    """Published numbers that contradict each other (the Lebensphasen 45-65 and 65+ one less and one more than the
    5-year groups: a demo that rounds each Verwendung on its own) leave a reader no exact value (80-85 + 85-90 is 6 by
    the Pyramide and 7 by 65+); the audit does not narrow an empty interval until it names a value."""
    frame = _frame(catalogue, {**PYRAMIDE, **LEBENSPHASEN, "45-65": 199, "65+": 51})
    result = audit(_published_rows(frame, catalogue), catalogue)
    assert result.ok and result.contradicted == 2, result.lines(catalogue)  # 45-65 and 65+ against the Pyramide
    assert result.lines(catalogue)[1:] == [
        "Kein gesperrter Wert ist zurückzurechnen.",
        "2 Summen der veröffentlichten Werte gehen nicht auf (etwa Altersgruppen zweier Gliederungen mit verschiedener "
        "Summe) und wurden nicht verwendet; bitte die Werte prüfen."]


def test_a_stadtteil_without_age_groups_is_an_unknown_part_of_the_citys_age_groups_not_a_zero(catalogue):
    """A sparsely populated Stadtteil publishes no age groups (the Amt's K3_T34 shows none): to a reader its age
    groups are unknown counts of the city's, not zeros. Taken as zeros, four of the five sums did not add up and were
    left out, and with them every value they would give back (the demo's 2016 published 43 recoverable counts so)."""
    lebensphasen = ("0-7", "7-18", "18-45", "45-65", "65+")
    areas = {"gesamtstadt": (1000, (100, 150, 400, 250, 100)), "st01": (500, (50, 75, 200, 125, 50)),
             "st02": (480, (48, 70, 192, 120, 50)), "st04": (20, None)}  # st04's groups (2, 5, 8, 5, 0) unpublished
    obs = pd.DataFrame([{"indicator": "DEM-01", "year": 2025, "area": area, "group": "nichtdeutsch", "sex": "insgesamt",
                         "measure": "wert", "age": age, "nationality": "alle", "value": value, "flag": "", "note": ""}
                        for area, (total, ages) in areas.items()
                        for age, value in [("alle", total), *zip(lebensphasen, ages or (), strict=False)]])
    frame = protect(value_frame(obs, catalogue), catalogue)
    assert (frame["suppressed"] == "").all()
    result = audit(_published_rows(frame, catalogue), catalogue)
    assert result.ok and result.contradicted == 0, result.lines(catalogue)
