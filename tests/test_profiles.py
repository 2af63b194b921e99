"""Stadtteil profiles: one page per populated Stadtteil with heading, a picture (locator map and shares against the
city), an indicator table with the change over five years, and its sources with Stand; only protected values (a
suppressed cell shows its symbol, no number, no change); a rank only where every Stadtteil has a published value;
one row for indicators that print the same values; a short paragraph for a sparsely populated Stadtteil; the
report's accessibility rules."""

from __future__ import annotations

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn

from toolkit.core.cells import format_number, german_date
from toolkit.core.workspace import for_user
from toolkit.indicators.published import load_published
from toolkit.report.chart_layout import text_problems
from toolkit.report.geometry import district_triples, load_shapes
from toolkit.report.profiles import SPAN, SPARSE_HEADING, build_profiles, header
from toolkit.report.sources import data_dates, reference_text
from toolkit.report.tables import decimals_of

YEAR = 2024
HEADER = header(YEAR)


@pytest.fixture(scope="module")
def profiles(compiled_with_maps):
    workspace, result = compiled_with_maps
    catalogue, _settings, published, _left_out = load_published(workspace, YEAR)
    return result, docx.Document(str(result.profiles)), catalogue, published, workspace


def _populated(published, catalogue, min_population=500) -> list[str]:
    """Stadtteile with at least one published, non-zero value in the report year and enough inhabitants for rates
    of their own, in catalogue order."""
    year = published[(published["year"] == YEAR) & (published["suppressed"] == "") & published["published"].notna()
                      & (published["published"] != 0)]
    return [d.name for d in catalogue.districts if d.area in set(year["area"]) and not d.sparse(min_population)]


def _sparse(published, catalogue, min_population=500) -> list[str]:
    year = published[(published["year"] == YEAR) & (published["suppressed"] == "") & published["published"].notna()
                      & (published["published"] != 0)]
    return [d.name for d in catalogue.districts if d.area in set(year["area"]) and d.sparse(min_population)]


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


def test_one_page_per_populated_stadtteil_with_heading_picture_table_and_sources(profiles):
    result, document, catalogue, published, workspace = profiles
    populated, sparse = _populated(published, catalogue), _sparse(published, catalogue)
    assert populated and sparse  # the fixture has both kinds
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    stadtteile = [p.text for p in headings if p.text not in ("Hinweise zu den Profilen", SPARSE_HEADING)]
    assert stadtteile == populated and result.n_profiles == len(populated) + len(sparse)
    assert all(p.paragraph_format.page_break_before for p in headings)  # every page starts on a new page
    pages = _pages(document)
    dates = data_dates(workspace, YEAR)
    stand = german_date(max(dates["DEM-01"], dates["DEM-02"]))
    for name in populated:
        elements = pages[name]
        pictures = [d for e in elements for d in e.iter(qn("wp:docPr"))]
        assert len(pictures) == 1
        assert pictures[0].get("descr").startswith(f"Lagekarte: Der Stadtteil {name} (dunkel hervorgehoben)")
        rows = _table_rows(elements)
        shown = rows[2][2][0].isdigit()  # DEM-02 published: a bar against the city
        assert ("Balkendiagramm: ausgewählte Anteile 2024" in pictures[0].get("descr")) == shown
        assert rows[0] == HEADER
        assert [r[0] for r in rows[1:]] == ["DEM-01 Einwohnerinnen und Einwohner (Anzahl)",
                                            "DEM-02 Ausländeranteil (in %)"]  # STT-01 has no data: no row
        texts = ["".join(t.text or "" for t in e.iter(qn("w:t"))) for e in elements]
        sources = [t for t in texts if t.startswith("Quellen: ")]
        assert sources == [f"Quellen: Melderegister der Landeshauptstadt Magdeburg (DEM-01, DEM-02; "
                           f"{reference_text('31.12.', [YEAR - SPAN, YEAR])}; Stand: {stand})."]


def test_values_change_and_difference_are_the_published_ones(profiles):
    _result, document, catalogue, published, _workspace = profiles
    names = {d.area: d.name for d in catalogue.districts}
    rows = published[(published["indicator"] == "DEM-02") & published["area"].str.startswith("st")
                     & (published["sex"] == "insgesamt")]
    now = rows[(rows["year"] == YEAR) & (rows["suppressed"] == "") & rows["published"].notna()]
    before = {r.area: r for r in rows[rows["year"] == YEAR - 5].itertuples()}
    city = published[(published["indicator"] == "DEM-02") & (published["year"] == YEAR)
                     & (published["area"] == "gesamtstadt")].iloc[0].published
    pages = _pages(document)
    checked = 0
    for row in now.itertuples():
        if names[row.area] not in pages or before[row.area].suppressed:
            continue
        old = before[row.area].published
        change, difference = round(row.published, 1) - round(old, 1), round(row.published, 1) - round(city, 1)
        sign = lambda v: "+" if v > 0 else ""  # noqa: E731
        assert _table_rows(pages[names[row.area]])[2] == [
            "DEM-02 Ausländeranteil (in %)", format_number(old, 1), format_number(row.published, 1),
            f"{sign(change)}{format_number(change, 1)} Pp.", format_number(city, 1),
            f"{sign(difference)}{format_number(difference, 1)} Pp."]
        checked += 1
    assert checked >= 20


def test_no_rank_unless_every_stadtteil_has_a_published_value(profiles):
    """DEM-01 and DEM-02 have suppressed cells in the fixture: no rank on any page ("Rang 1 von 32" is gone);
    with every DEM-01 cell published, every page names its rank among all Stadtteile."""
    _result, document, catalogue, published, workspace = profiles
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Rang unter allen" not in text and " von " not in text
    assert all("Rang" not in cell.text for table in document.tables for row in table.rows for cell in row.cells)
    opened = published.copy()
    dem01 = (opened["indicator"] == "DEM-01") & (opened["year"] == YEAR) & opened["area"].str.startswith("st")
    opened.loc[dem01, "published"] = opened.loc[dem01, "value"]
    opened.loc[dem01, ["suppressed", "symbol"]] = ""
    built = build_profiles(opened, catalogue, YEAR, None, 500)
    values = opened[dem01 & (opened["sex"] == "insgesamt") & (opened["group"] == "insgesamt")]
    order = sorted(values["published"], reverse=True)
    full = [p for p in built.pages if not p.sparse]
    assert full and all(p.ranks == [f"{order.index(values[values['area'] == p.area].iloc[0].published) + 1} bei "
                                    "„Einwohnerinnen und Einwohner“"] for p in full)


def test_indicators_with_the_same_printed_values_are_one_row(profiles):
    """STT-01 given DEM-02's values (as the demo's Melderegister does): one row 'DEM-02 / STT-01'; one value
    different: two rows."""
    _result, _document, catalogue, published, _workspace = profiles
    dem02 = published[published["indicator"] == "DEM-02"]
    same = pd.concat([published, dem02.assign(indicator="STT-01")], ignore_index=True)
    built = build_profiles(same, catalogue, YEAR, None, 500)
    page = next(p for p in built.pages if not p.sparse)
    assert [r[0] for r in page.rows] == ["DEM-01 Einwohnerinnen und Einwohner (Anzahl)",
                                         "DEM-02 / STT-01 Ausländeranteil (in %)"]
    assert "DEM-01, DEM-02, STT-01" in page.sources[0]
    other = dem02.assign(indicator="STT-01")
    changed = other.index[(other["area"] == page.area) & (other["year"] == YEAR)]
    other.loc[changed, "published"] = other.loc[changed, "published"] + 1
    built = build_profiles(pd.concat([published, other], ignore_index=True), catalogue, YEAR, None, 500)
    rows = next(p for p in built.pages if p.area == page.area).rows
    assert [r[0].split(" ")[0] for r in rows] == ["DEM-01", "DEM-02", "STT-01"]


def test_a_sparsely_populated_stadtteil_gets_a_short_paragraph_not_a_page_of_symbols(profiles):
    _result, document, catalogue, published, _workspace = profiles
    sparse = _sparse(published, catalogue)
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and p.text == SPARSE_HEADING)
    assert paragraphs[start].paragraph_format.page_break_before
    section = paragraphs[start + 1:]
    assert [p.text for p in section if p.style.name == "Heading 2"] == sparse
    counts = published[(published["indicator"] == "DEM-01") & (published["year"] == YEAR)
                       & (published["sex"] == "insgesamt") & (published["group"] == "insgesamt")]
    names = {d.name: d.area for d in catalogue.districts}
    for heading in (p for p in section if p.style.name == "Heading 2"):
        text = section[section.index(heading) + 1].text
        row = counts[counts["area"] == names[heading.text]].iloc[0]
        assert text.startswith(f"{heading.text} gilt als gering besiedelt (Einwohnerzahl im Indikatorenkatalog unter "
                               "500). Anteile schwanken dort schon mit einzelnen Personen und werden nicht ausgewiesen.")
        if row.suppressed:
            assert "Veröffentlichte Anzahlen" not in text
        else:
            assert text.endswith(f"Veröffentlichte Anzahlen {YEAR}: Einwohnerinnen und Einwohner "
                                 f"{format_number(row.published, 0)}.")
    assert len(document.tables) == 1 + len(_populated(published, catalogue))  # legend + one per full page


def test_the_picture_fits_its_text_and_shows_the_printed_shares(profiles):
    _result, _document, catalogue, published, workspace = profiles
    shapes, _problems = load_shapes(workspace, district_triples(catalogue))
    built = build_profiles(published, catalogue, YEAR, shapes, 500)
    for spec in built.figures[:4]:
        assert text_problems(spec.figure()) == []
        page = next(p for p in built.pages if p.name == spec.name)
        row = next(r for r in page.rows if r[0].startswith("DEM-02"))
        if row[2][0].isdigit():
            assert [s.label for s in spec.shares] == ["Ausländeranteil"]
            assert f"Ausländeranteil: {row[2]} %, Gesamtstadt {row[4]} %." in spec.alt_text()


def test_a_suppressed_cell_shows_its_symbol_never_a_number_or_a_rank(profiles):
    _result, document, catalogue, published, _workspace = profiles
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
        assert cells[2] == cells[3] == cells[5] == row.symbol, (row.indicator, row.area, cells)
        true_value = format_number(row.value, decimals_of(catalogue.indicators[row.indicator]))
        assert true_value not in cells[1:]
        checked += 1
    assert checked >= 1  # a primary cell (most hidden cells lie in Stadtteile without a page or a table)


def test_same_accessibility_rules_as_the_report(profiles):
    _result, document, _catalogue, _published, _workspace = profiles
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "de-DE" and document.core_properties.language == "de-DE"
    assert document.core_properties.title == f"Stadtteilprofile {YEAR}"
    for picture in document.element.body.iter(qn("wp:docPr")):
        assert picture.get("descr", "").strip()
    assert document.tables
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    toc = [p.text for p in document.paragraphs if p.style.name == "toc 1"]
    sparse = [p.text for p in document.paragraphs if p.style.name == "toc 2"]
    assert toc[0].startswith("Hinweise zu den Profilen") and toc[-1].startswith(SPARSE_HEADING)
    assert len(toc) + len(sparse) == 2 + _result.n_profiles and sparse


def test_compile_names_the_profiles_in_its_lines(profiles):
    result, _document, _catalogue, _published, _workspace = profiles
    lines = result.lines()
    assert f"Stadtteilprofile: {for_user(result.profiles)} ({result.n_profiles} Stadtteile)" in lines


def test_the_demos_profiles_rank_nothing_sparse_print_the_auslaenderanteil_once_and_name_their_sources(
        demo_workspace):
    """The demo's profiles, as issue 19 found them: "Rang 1 von 32" for the Ausländeranteil, DEM-02 and STT-01 with
    the same value twice, Sülzegrund (a few inhabitants) with a page of '. – x', no source."""
    year = 2025
    catalogue, settings, published, _left_out = load_published(demo_workspace, year)
    document = docx.Document(str(demo_workspace.profiles_file(year)))
    pages = _pages(document)
    texts = [p.text for p in document.paragraphs]
    assert not any(" von " in cell.text for table in document.tables for row in table.rows for cell in row.cells)
    labels = [r[0] for r in _table_rows(pages["Altstadt"])]
    assert "DEM-02 / STT-01 Ausländeranteil (in %)" in labels and not any(lab.startswith("STT-01") for lab in labels)
    sparse = {d.name for d in catalogue.districts if d.sparse(settings.mindesteinwohner)}
    assert "Sülzegrund" in sparse and not sparse & set(pages)
    inhabitants = published[(published["indicator"] == "DEM-01") & (published["year"] == year)
                            & (published["area"] == next(d.area for d in catalogue.districts if d.name == "Sülzegrund"))
                            & (published["group"] == "insgesamt") & (published["sex"] == "insgesamt")].iloc[0]
    paragraph = texts[texts.index("Sülzegrund", texts.index(SPARSE_HEADING)) + 1]
    assert paragraph.startswith("Sülzegrund gilt als gering besiedelt")
    assert paragraph.endswith(f"Einwohnerinnen und Einwohner {format_number(inhabitants.published, 0)}.")
    for name, elements in pages.items():
        if name in ("Hinweise zu den Profilen", SPARSE_HEADING):
            continue
        lines = ["".join(t.text or "" for t in e.iter(qn("w:t"))) for e in elements]
        sources = [line for line in lines if line.startswith("Quellen: ")]
        assert len(sources) == 1 and f"bis 31.12.{year}; Stand: " in sources[0], name
        assert len([d for e in elements for d in e.iter(qn("wp:docPr"))]) == 1, name
