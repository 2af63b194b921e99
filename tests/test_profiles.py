"""Stadtteil profiles: one page per populated Stadtteil with heading, locator map and indicator table; only
protected values (a suppressed cell shows its symbol, no number, no rank); the report's accessibility rules."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn

from toolkit.core.cells import format_number
from toolkit.core.workspace import for_user
from toolkit.indicators.published import load_published
from toolkit.report.profiles import HEADER
from toolkit.report.tables import decimals_of

YEAR = 2024


@pytest.fixture(scope="module")
def profiles(compiled_with_maps):
    workspace, result = compiled_with_maps
    catalogue, _settings, published, _left_out = load_published(workspace, YEAR)
    return result, docx.Document(str(result.profiles)), catalogue, published


def _populated(published, catalogue) -> list[str]:
    """Stadtteile with at least one published, non-zero value in the report year, in catalogue order."""
    year = published[(published["year"] == YEAR) & (published["suppressed"] == "") & published["published"].notna()
                      & (published["published"] != 0)]
    return [d.name for d in catalogue.districts if d.area in set(year["area"])]


def _pages(document) -> dict[str, list]:
    """Heading 1 text -> the body elements up to the next Heading 1."""
    pages: dict[str, list] = {}
    current = None
    for element in document.element.body:
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) == "Heading1":
            current = "".join(t.text or "" for t in element.iter(qn("w:t")))
            pages[current] = []
        elif current is not None:
            pages[current].append(element)
    return pages


def _table_rows(elements) -> list[list[str]]:
    table = next(e for e in elements if e.tag == qn("w:tbl"))
    return [["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in row.iter(qn("w:tc"))]
            for row in table.iter(qn("w:tr"))]


def test_one_page_per_populated_stadtteil_with_heading_locator_map_and_table(profiles):
    result, document, catalogue, published = profiles
    populated = _populated(published, catalogue)
    assert 0 < len(populated) < len(catalogue.districts)  # a Stadtteil with every value suppressed gets no page
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    stadtteile = [p.text for p in headings if p.text != "Hinweise zu den Profilen"]
    assert stadtteile == populated and result.n_profiles == len(populated)
    assert all(p.paragraph_format.page_break_before for p in headings)  # every page starts on a new page
    pages = _pages(document)
    for name in populated:
        elements = pages[name]
        pictures = [d for e in elements for d in e.iter(qn("wp:docPr"))]
        assert len(pictures) == 1 and pictures[0].get("descr").startswith(f"Lagekarte: Der Stadtteil {name} (dunkel hervorgehoben)")
        rows = _table_rows(elements)
        assert rows[0] == HEADER
        assert [r[0] for r in rows[1:]] == ["DEM-01 Einwohnerinnen und Einwohner (Anzahl)",
                                            "DEM-02 Ausländeranteil (in %)"]  # STT-01 has no data: no row


def test_values_differences_and_ranks_are_the_published_ones(profiles):
    _result, document, catalogue, published = profiles
    rows = published[(published["indicator"] == "DEM-02") & (published["year"] == YEAR)
                     & published["area"].str.startswith("st")]
    shown = rows[(rows["suppressed"] == "") & rows["published"].notna()].sort_values("published", ascending=False)
    names = {d.area: d.name for d in catalogue.districts}
    city = published[(published["indicator"] == "DEM-02") & (published["year"] == YEAR)
                      & (published["area"] == "gesamtstadt")].iloc[0].published
    pages = _pages(document)
    top = shown.iloc[0]
    row = _table_rows(pages[names[top.area]])[2]
    difference = round(top.published, 1) - round(city, 1)
    assert row == ["DEM-02 Ausländeranteil (in %)", format_number(top.published, 1), format_number(city, 1),
                   f"+{format_number(difference, 1)} Pp.", f"1 von {len(shown)}"]
    shown_text = [round(v, 1) for v in shown["published"]]
    for row in shown.itertuples():  # equal shown values share a rank: 1 + how many are shown higher
        rank = 1 + sum(v > round(row.published, 1) for v in shown_text)
        assert _table_rows(pages[names[row.area]])[2][4] == f"{rank} von {len(shown)}"


def test_a_suppressed_cell_shows_its_symbol_never_a_number_or_a_rank(profiles):
    _result, document, catalogue, published = profiles
    pages = _pages(document)
    names = {d.area: d.name for d in catalogue.districts}
    hidden = published[(published["year"] == YEAR) & published["area"].str.startswith("st")
                       & (published["suppressed"] != "") & (published["sex"] == "insgesamt")]
    checked = 0
    for row in hidden.itertuples():
        if names[row.area] not in pages:
            continue
        label = "DEM-01 Einwohnerinnen und Einwohner (Anzahl)" if row.indicator == "DEM-01" else \
            "DEM-02 Ausländeranteil (in %)"
        cells = next(r for r in _table_rows(pages[names[row.area]]) if r[0] == label)
        assert cells[1] == cells[3] == cells[4] == row.symbol, (row.indicator, row.area, cells)
        true_value = format_number(row.value, decimals_of(catalogue.indicators[row.indicator]))
        assert true_value not in cells[1:]
        checked += 1
    assert checked >= 5  # primary, secondary and sparsely populated ('x') cells


def test_same_accessibility_rules_as_the_report(profiles):
    _result, document, _catalogue, _published = profiles
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "de-DE" and document.core_properties.language == "de-DE"
    assert document.core_properties.title == f"Stadtteilprofile {YEAR}"
    for picture in document.element.body.iter(qn("wp:docPr")):
        assert picture.get("descr", "").strip()
    assert document.tables
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    toc = [p.text for p in document.paragraphs if p.style.name == "toc 1"]
    assert toc[0].startswith("Hinweise zu den Profilen") and len(toc) == 1 + _result.n_profiles


def test_compile_names_the_profiles_in_its_lines(profiles):
    result, _document, _catalogue, _published = profiles
    lines = result.lines()
    assert f"Stadtteilprofile: {for_user(result.profiles)} ({result.n_profiles} Stadtteile)" in lines
