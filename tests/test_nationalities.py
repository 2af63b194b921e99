"""The most frequent nationalities (issue #20): the threshold of "übrige Staatsangehörigkeiten" in the protected table,
the open data and the report's ten-year table; nothing folded can be recomputed (the audit)."""

from __future__ import annotations

import math

import docx
import pandas as pd
import pytest
from report_fixtures import make_report_workspace

from toolkit.catalogue.model import CITY
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.store import Store
from toolkit.core.workspace import for_user
from toolkit.indicators.audit import audit_cells
from toolkit.indicators.confidentiality import SECONDARY, protect
from toolkit.indicators.editions import audit_frame
from toolkit.indicators.export import FOLDED_TEXT, export_rows
from toolkit.indicators.nationality_threshold import FOLDED
from toolkit.indicators.published import load_published, totals
from toolkit.indicators.values import value_frame
from toolkit.publish.pages import plan_site
from toolkit.report.compile import OLD_EXTRA_PARTS_NOTICE, compile_report
from toolkit.report.context import build_report
from toolkit.report.nationalities import EXTRA_CHART, OTHERS, TOP, TOTAL, add_nationalities
from toolkit.report.profiles import Profiles
from toolkit.report.tables import Report
from toolkit.report.word_template import knows_extra_parts

SYRIA, AFGHANISTAN, LEBANON, STATELESS = "475", "423", "451", "997"
ASYLUM = ("475", "423", "438", "439", "224", "273", "232", "461")  # the eight Asylherkunftsländer, all asked


def _protected(catalogue, cells: dict[tuple[int, str, str], float], min_nationality: int = 50) -> pd.DataFrame:
    """cells: (year, group, nationality) -> count of DEM-04, sex insgesamt, Gesamtstadt."""
    rows = [{"indicator": "DEM-04", "year": year, "area": CITY, "group": group, "sex": "insgesamt", "measure": "wert",
             "age": ALL, "nationality": nationality, "value": value, "flag": "", "note": ""}
            for (year, group, nationality), value in cells.items()]
    return protect(value_frame(pd.DataFrame(rows), catalogue), catalogue, min_nationality=min_nationality)


def _state(frame: pd.DataFrame, year: int, nationality: str, group: str = "nichtdeutsch") -> str:
    row = frame[(frame["year"] == year) & (frame["nationality"] == nationality) & (frame["group"] == group)]
    assert len(row) == 1
    return row["suppressed"].iloc[0]


SMALL = {  # Libanon is below 50 in 2024 only, the Staatenlosen in both years: both are folded in both years
    (2024, "nichtdeutsch", ALL): 1_000, (2025, "nichtdeutsch", ALL): 1_100,
    (2024, "nichtdeutsch", SYRIA): 300, (2025, "nichtdeutsch", SYRIA): 320,
    (2024, "nichtdeutsch", LEBANON): 40, (2025, "nichtdeutsch", LEBANON): 60,
    (2024, "nichtdeutsch", STATELESS): 20, (2025, "nichtdeutsch", STATELESS): 25,
}


def test_a_nationality_below_the_threshold_in_any_year_is_folded_in_every_year(catalogue):
    frame = _protected(catalogue, SMALL)
    assert [_state(frame, y, LEBANON) for y in (2024, 2025)] == [FOLDED, FOLDED]
    assert [_state(frame, y, STATELESS) for y in (2024, 2025)] == [FOLDED, FOLDED]
    assert [_state(frame, y, SYRIA) for y in (2024, 2025)] == ["", ""]
    folded = frame[frame["suppressed"] == FOLDED]
    assert folded["published"].isna().all() and set(folded["symbol"]) == {"."}
    # a threshold of 40 keeps Libanon (40 is not below it); 0 folds nothing (the internal edition)
    assert _state(_protected(catalogue, SMALL, 40), 2024, LEBANON) == ""
    assert (_protected(catalogue, SMALL, 0)["suppressed"] == "").all()


def test_the_rest_of_a_complete_group_is_never_a_single_folded_nationality(catalogue):
    """The Asylherkunftsländer are all asked: with only Somalia folded, the group minus the others would give it;
    the next smallest (Nigeria, 70) is withheld too, and the audit recovers neither."""
    sizes = dict(zip(ASYLUM, (500, 300, 200, 150, 100, 30, 70, 80), strict=True))
    cells = {(2025, "nichtdeutsch", code): value for code, value in sizes.items()}
    cells[(2025, "asylherkunft", ALL)] = sum(sizes.values())
    frame = _protected(catalogue, cells)
    assert {code: _state(frame, 2025, code) for code in ASYLUM if _state(frame, 2025, code)} == \
        {"273": FOLDED, "232": SECONDARY}
    result = audit_cells(audit_frame(frame, catalogue), catalogue)
    assert result.suppressed == 2 and result.recovered == []


def test_the_open_data_name_folded_nationalities_without_their_number(catalogue):
    frame = _protected(catalogue, SMALL)
    rows = {(row[0], row[9]): row for row in export_rows(frame, catalogue)}
    assert rows[(2024, LEBANON)][10] == "" and rows[(2024, LEBANON)][12] == f"gesperrt (.); {FOLDED_TEXT}"
    assert rows[(2025, SYRIA)][10] == "320" and rows[(2025, SYRIA)][12] == ""
    internal = {(row[0], row[9]): row for row in export_rows(_protected(catalogue, SMALL, 0), catalogue)}
    assert internal[(2024, LEBANON)][10] == "40"


def _table(catalogue, frame: pd.DataFrame, threshold: int = 50) -> dict[str, list[str]]:
    """The nationality table of DEM-04 built from ``frame`` for 2025: label -> the texts of its cells."""
    report, k = Report(context={}), {}
    add_nationalities(report, k, catalogue.indicators["DEM-04"], frame, catalogue, 2025, 10, threshold)
    assert [slot for _k, slot in report.chart_slots] == ["zusatz_grafik"] and report.tables
    return {row[0]: row[1:] for row in k["zusatz"]["tabelle"]["zeilen"]}


def test_the_table_shows_folded_nationalities_only_inside_the_rest(catalogue):
    table = _table(catalogue, _protected(catalogue, SMALL))
    assert table == {"Syrien": ["300", "320", "+6,7", "+6,7"], OTHERS: ["700", "780", "+11,4", "+11,4"],
                     TOTAL: ["1.000", "1.100", "+10,0", "+10,0"]}
    internal = _table(catalogue, _protected(catalogue, SMALL, 0), 0)  # the internal edition shows them
    assert list(internal) == ["Syrien", "Libanon", "staatenlos", OTHERS, TOTAL]
    assert internal[OTHERS][:2] == ["640", "695"]  # 1.000 − 300 − 40 − 20, 1.100 − 320 − 60 − 25


def test_the_rest_is_withheld_in_a_year_where_a_shown_nationality_is(catalogue):
    """Somalia is folded; in 2024 Nigeria protects it (withheld), in 2025 Pakistan: Nigeria is shown for 2025, and
    the rest of 2024 (total minus the shown ones) would give Nigeria's 70 back, so it is withheld too."""
    cells = {}
    for year, sizes in ((2024, (500, 300, 200, 150, 100, 30, 70, 80)), (2025, (520, 310, 210, 150, 100, 30, 90, 80))):
        cells |= {(year, "nichtdeutsch", code): value for code, value in zip(ASYLUM, sizes, strict=True)}
        cells[(year, "asylherkunft", ALL)] = sum(sizes)
        cells[(year, "nichtdeutsch", ALL)] = sum(sizes) + 400
    frame = _protected(catalogue, cells)
    assert (_state(frame, 2024, "232"), _state(frame, 2025, "232"), _state(frame, 2025, "461")) == \
        (SECONDARY, "", SECONDARY)
    table = _table(catalogue, frame)
    assert "Pakistan" not in table and "Somalia" not in table
    assert table["Nigeria"][:2] == [".", "90"] and table[OTHERS][:2] == [".", str(400 + 30 + 80)]
    assert audit_cells(audit_frame(frame, catalogue), catalogue).recovered == []


@pytest.fixture(scope="module")
def published(demo_workspace):
    return load_published(demo_workspace, 2025, breakdowns=True)


def _dem04(published) -> tuple[dict, object]:
    report = build_report(totals(published).frame, published.catalogue, published.settings, 2025, [], set(),
                          breakdowns=published.frame)
    return next(k for hf in report.context["handlungsfelder"] for k in hf["kennzahlen"]
                if k["titel"].startswith("DEM-04 ")), report


def test_the_report_shows_the_15_most_frequent_nationalities_over_ten_years(published):
    k, report = _dem04(published)
    table = k["zusatz"]["tabelle"]
    assert table["kopf"] == ["Staatsangehörigkeit", *map(str, range(2016, 2026)), "seit 2016 (%)", "zum Vorjahr (%)"]
    labels = [row[0] for row in table["zeilen"]]
    assert len(labels) == TOP + 2 and labels[-2:] == [OTHERS, TOTAL]
    frame = published.frame
    cells = frame[(frame["indicator"] == "DEM-04") & (frame["sex"] == "insgesamt") & (frame["age"] == ALL)
                  & (frame["group"] == "nichtdeutsch") & (frame["year"] == 2025)]
    shown = cells[(cells["nationality"] != ALL) & (cells["suppressed"] == "")]
    catalogue = published.catalogue
    largest = sorted((-value, catalogue.label("staatsangehoerigkeit", code))  # ties by name
                     for code, value in zip(shown["nationality"], shown["published"], strict=True))[:TOP]
    assert labels[:TOP] == [label for _value, label in largest]
    number = {row[0]: int(row[10].replace(".", "")) for row in table["zeilen"]}
    total = int(cells.loc[cells["nationality"] == ALL, "published"].iloc[0])
    assert number[TOTAL] == total and number[OTHERS] == total + int(sum(value for value, _label in largest))
    assert "Libanon" not in labels and "staatenlos" not in labels  # folded in the demo (below 50 in some years)
    assert "Staatsangehörigkeiten mit weniger als 50 Personen in einem der Jahre 2016–2025 werden nie einzeln " \
        "gezeigt" in " ".join(table["fussnoten"])
    spec = report.charts[[slot for _k, slot in report.chart_slots].index("zusatz_grafik")]
    assert [line.label for line in spec.lines] == labels[:6] and spec.lines[0].years == tuple(range(2016, 2026))
    assert f"{labels[0]} ({table['zeilen'][0][10]})" in k["zusatz"]["text"]


def test_folded_nationalities_of_the_demo_stay_folded_and_unrecoverable(published):
    frame = published.frame
    folded = frame[frame["suppressed"] == FOLDED]
    assert set(folded["nationality"]) == {LEBANON, STATELESS}
    assert set(folded["year"]) == set(range(2016, 2026))
    result = audit_cells(audit_frame(frame[frame["indicator"].isin(["DEM-01", "DEM-04"])], published.catalogue),
                         published.catalogue)
    assert result.recovered == [] and result.suppressed >= len(folded)
    assert not math.isnan(frame.loc[frame["nationality"] == SYRIA, "published"].max())


def test_compile_puts_the_table_into_the_report_and_names_an_older_template(tmp_path):
    """Through Word: the table of nationalities stands in the report (without the folded Libanon); a template of the
    previous version, without the slot, still compiles and the notice says what is missing."""
    workspace = make_report_workspace(tmp_path / "ws", indicators=("DEM-04",))
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2024, file_name="Erhebung_2024_STAT.xlsx",
                                      sha256="c" * 64)
        for n, year in enumerate(range(2015, 2025)):
            for code, value in ((ALL, 2_000 + 100 * n), (SYRIA, 800 + 50 * n), (AFGHANISTAN, 300 + 20 * n),
                                (LEBANON, 45 + n)):
                store.put(ObservationKey("DEM-04", year, CITY, "nichtdeutsch", "insgesamt", "wert", ALL, code),
                          value, "", "", delivery)
    result = compile_report(workspace, 2024, processes=1)
    rows = [[cell.text for cell in row.cells] for table in docx.Document(str(result.report)).tables
            for row in table.rows]
    header = next(row for row in rows if row[0] == "Staatsangehörigkeit")
    assert header[1:11] == [str(y) for y in range(2015, 2025)]
    assert [row[0] for row in rows[rows.index(header) + 1:rows.index(header) + 5]] == \
        ["Syrien", "Afghanistan", OTHERS, TOTAL]
    assert rows[rows.index(header) + 3][10] == format(2_900 - 1_250 - 480, ",").replace(",", ".")
    assert not any(OLD_EXTRA_PARTS_NOTICE[:40] in notice for notice in result.notices)
    template = docx.Document(str(workspace.report_template))
    body = list(template.element.body)
    texts = ["".join(element.itertext()) for element in body]
    start = next(n for n, text in enumerate(texts) if text.startswith("{%p if k.zusatz %}"))
    end = next(n for n, text in enumerate(texts) if n > start and text.startswith("{%p endif %}"))
    for element in body[start:end + 1]:  # as in the template of the previous version: no slot
        element.getparent().remove(element)
    template.save(str(workspace.report_template))
    assert not knows_extra_parts(workspace.report_template)
    result = compile_report(workspace, 2024, processes=1)
    assert OLD_EXTRA_PARTS_NOTICE.format(template=for_user(workspace.report_template)) in result.notices


def test_the_website_page_of_the_indicator_has_the_table_and_the_chart(published):
    _k, report = _dem04(published)
    plan = plan_site(report, Profiles(2025, [], []), published.catalogue, published.settings, 2025)
    page = next(p for p in plan.pages if p.path == "kennzahlen/dem-04.html")
    assert page.context["k"]["zusatz"]["tabelle"]["titel"].startswith("DEM-04 Die 15 häufigsten")
    figure = page.context[EXTRA_CHART]
    assert figure["svg"] == "grafiken/dem-04-staatsangehoerigkeiten.svg" and figure["alt"].startswith(
        "Liniendiagramm: Die 6 häufigsten Staatsangehörigkeiten der Nichtdeutschen, 2016–2025.")
    assert "dem-04-staatsangehoerigkeiten" in {job.stem for job in plan.pictures}
