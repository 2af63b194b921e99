"""The website (publish/website.py): structure and accessibility markup of every page checked with lxml, no request
to another host, nothing a strict Content-Security-Policy blocks, no suppressed value in any file, the report's
tables and alt texts, the downloads, the city's own templates, and a safe target folder.

These checks read files only, so they also run under Windows (wintest); the real browser is
tests/test_website_browser.py.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import docx
import pytest
from conftest import standing_in
from docx.oxml.ns import qn
from lxml import etree, html
from openpyxl import load_workbook
from report_fixtures import make_report_workspace

from toolkit.catalogue.model import area_key
from toolkit.core.cells import format_number
from toolkit.core.errors import InputError
from toolkit.indicators.export import COLUMNS
from toolkit.indicators.published import load_published
from toolkit.publish.graphics import PictureJob, clean_svg, draw
from toolkit.publish.website import write_website
from toolkit.report.charts import Line, LineChart
from toolkit.report.group_styles import GROUP_STYLES
from toolkit.report.tables import decimals_of

YEAR = 2024
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"\d[\d.]*(?:,\d+)?")


def pages(folder: Path) -> dict[str, html.HtmlElement]:
    return {p.relative_to(folder).as_posix(): html.document_fromstring(p.read_bytes())
            for p in sorted(folder.rglob("*.html"))}


@pytest.fixture(scope="module")
def site(website):
    workspace, result = website
    return workspace, result, result.folder, pages(result.folder)


def test_every_page_type_is_there(site):
    _workspace, result, folder, documents = site
    assert {"index.html", "kennzahlen/index.html", "stadtteile/index.html", "methoden.html", "zeichen.html",
            "daten.html", "impressum.html", "barrierefreiheit.html", "leichte-sprache.html"} <= set(documents)
    indicators = {p for p in documents if p.startswith("kennzahlen/") and p != "kennzahlen/index.html"}
    assert indicators == {f"kennzahlen/{i.lower()}.html" for i in ("DEM-01", "DEM-02", "BIL-06", "ARB-03", "ARB-12",
                                                                   "GES-04", "STT-01")}
    districts = [p for p in documents if p.startswith("stadtteile/") and p != "stadtteile/index.html"]
    assert len(districts) > 30 and "stadtteile/01-altstadt.html" in districts
    assert result.n_pages == len(documents) and result.n_files == sum(1 for p in folder.rglob("*") if p.is_file())
    assert result.lines()[0] == f"Website {YEAR} geschrieben: {result.folder}"


def test_every_page_has_language_title_one_h1_main_and_skip_link(site):
    *_, documents = site
    for path, page in documents.items():
        assert page.get("lang") == "de", path
        title = page.findtext(".//head/title") or ""
        assert title.startswith(page.xpath("string(//h1)").strip()) and "Integrationsmonitoring 2024" in title, path
        assert len(page.xpath("//h1")) == 1 and len(page.xpath("//main")) == 1, path
        assert page.xpath("//a[@class='sprungmarke']/@href") == ["#inhalt"] and page.xpath("//main/@id") == ["inhalt"]
        assert page.xpath("//meta[@name='viewport']"), path
        if path != "index.html":  # breadcrumbs: Start first, this page last and current
            trail = page.xpath("//nav[@aria-label='Sie sind hier']//li")
            assert trail[0].text_content() == "Start" and trail[-1].get("aria-current") == "page", path


def test_every_table_has_a_caption_header_cells_with_scope_and_a_labelled_scroll_region(site):
    *_, documents = site
    n = 0
    for path, page in documents.items():
        for table in page.iter("table"):
            n += 1
            caption = table.find("caption")
            assert caption is not None and caption.text_content().strip(), path
            assert table.xpath("thead/tr/th") and all(th.get("scope") in ("col", "row") for th in table.iter("th"))
            assert all(row[0].tag == "th" and row[0].get("scope") == "row" for row in table.xpath("tbody/tr")), path
            region = table.getparent()
            assert (region.get("role"), region.get("tabindex"), region.get("aria-labelledby")) == \
                ("region", "0", caption.get("id")), path
    assert n > 40  # sparsely populated Stadtteile have a paragraph, no table


def test_every_picture_has_alt_text_and_every_svg_a_title_and_no_inline_style(site):
    _workspace, _result, folder, documents = site
    for path, page in documents.items():
        for image in page.iter("img"):
            assert (image.get("alt") or "").strip(), (path, image.get("src"))
            assert (folder / path).parent.joinpath(image.get("src")).resolve().is_file(), image.get("src")
    svgs = sorted(folder.rglob("*.svg"))
    assert len(svgs) > 30  # sparsely populated Stadtteile have a paragraph, no picture
    for svg in svgs:
        root = etree.fromstring(svg.read_bytes())
        assert root.tag == f"{SVG}svg" and (root.findtext(f"{SVG}title") or "").strip(), svg.name
        assert not root.xpath("//@style") and not list(root.iter(f"{SVG}style", f"{SVG}script")), svg.name
        if svg.parent.name == "grafiken":  # every id carries the picture's own prefix
            assert all(i.startswith(f"{svg.stem}-") for i in root.xpath("//@id")), svg.name


def test_ids_are_unique_on_every_page(site):
    *_, documents = site
    for path, page in documents.items():
        ids = page.xpath("//@id")
        assert len(ids) == len(set(ids)), path


def test_nothing_comes_from_another_host_and_nothing_a_strict_csp_blocks(site):
    _workspace, _result, folder, documents = site
    for path, page in documents.items():
        for link in page.xpath("//@href | //@src"):
            parsed = urlparse(link)
            assert parsed.scheme in ("", "mailto") and not parsed.netloc and not link.startswith("//"), (path, link)
        assert not page.xpath("//script | //style | //@style | //iframe | //object | //embed"), path
        assert not [a for a in page.xpath("//@*[starts-with(name(), 'on')]")], path  # no inline event handler
    for css in folder.rglob("*.css"):
        for target in re.findall(r"url\(([^)]*)\)", css.read_text(encoding="utf-8")):
            assert not urlparse(target.strip("'\" ")).netloc, target
        assert "@import" not in css.read_text(encoding="utf-8")
    for svg in folder.rglob("*.svg"):
        root = etree.fromstring(svg.read_bytes())
        for value in root.xpath("//@*[local-name()='href']"):
            assert value.startswith("#"), (svg.name, value)
        for value in root.xpath("//@*"):
            assert all(t.startswith("#") for t in re.findall(r"url\(([^)]*)\)", value)), (svg.name, value)


def test_every_link_points_to_a_file_and_anchor_of_the_site(site):
    _workspace, _result, folder, documents = site
    for path, page in documents.items():
        for link in page.xpath("//a/@href | //link/@href"):
            if link.startswith("mailto:"):
                continue
            target, anchor = urldefrag(link)
            file = (folder / path).parent.joinpath(target).resolve() if target else (folder / path).resolve()
            assert file.is_file(), (path, link)
            if anchor:
                assert documents[file.relative_to(folder.resolve()).as_posix()].xpath(f"//*[@id='{anchor}']"), link


def _texts(folder: Path) -> set[str]:
    """Every number token of the text of every page and picture (alt texts and SVG descriptions included), except
    differences in Prozentpunkten ('+0,0 Pp.') and the file sizes of downloads, which are no value of a cell (a PNG's
    size differs between platforms: on Windows one was '(167 KB)', the text of a suppressed count)."""
    tokens: set[str] = set()
    for path in [*folder.rglob("*.html"), *folder.rglob("*.svg")]:
        root = etree.fromstring(path.read_bytes(), etree.HTMLParser() if path.suffix == ".html" else None)
        for size in root.xpath("//*[@class='groesse']"):  # a download's file size ('(167 KB)'), no cell's value
            size.text = ""
        text = " ".join([*root.itertext(), *root.xpath("//@alt | //@title | //@aria-label")])
        tokens |= {m.group(0) for m in NUMBER.finditer(text) if not re.match(r"\s?Pp\.", text[m.end():m.end() + 4])}
    return tokens


def _csv_rows(folder: Path) -> list[dict]:
    rows = []
    for path in (folder / "daten").glob("*.csv"):
        rows += csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    for path in (folder / "daten").glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            for name in (n for n in archive.namelist() if n.endswith(".csv")):
                rows += csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
    return rows


def test_no_suppressed_value_in_any_file_of_the_site(site):
    workspace, _result, folder, _documents = site
    catalogue, _settings, published, _left_out = load_published(workspace, YEAR)
    hidden = published[(published["suppressed"] != "") & published["value"].notna()]
    assert len(hidden) >= 2 and {"primär", "sekundär", "gering besiedelt"} <= set(hidden["suppressed"])
    # pages and pictures: a hidden value's text only where a published value has the same text (or a small count)
    tokens = _texts(folder)
    shown = {format_number(r.published, decimals_of(catalogue.indicators[r.indicator]))
             for r in published.itertuples() if r.published == r.published} | {str(n) for n in range(10)}
    for row in hidden.itertuples():
        form = format_number(row.value, decimals_of(catalogue.indicators[row.indicator]))
        assert form not in tokens or form in shown, (row.indicator, row.year, row.area, form)
    # data files: every hidden cell is there, without a value
    rows = _csv_rows(folder)
    by_key: dict[tuple, list[str]] = {}
    for r in rows:
        by_key.setdefault((r["Jahr"], r["Indikator"], r["Gebietsschluessel"], r["Gruppe"], r["Geschlecht"]),
                          []).append(r["Wert"])
    for row in hidden.itertuples():
        key = (str(row.year), row.indicator, area_key(row.area), catalogue.label("gruppe", row.group),
               catalogue.label("geschlecht", row.sex))
        assert by_key.get(key) and set(by_key[key]) == {""}, key
    # Excel files: no cell holds a hidden value that is not also a published one
    numbers = set()
    for path in (folder / "daten").glob("*.xlsx"):
        for sheet in load_workbook(path, read_only=True).worksheets:
            numbers |= {v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, (int, float))}
    values = set(published["published"].dropna())
    assert not {v for v in hidden["value"] if v in numbers and v not in values}


def test_an_indicator_page_shows_the_reports_table_first_then_its_chart_with_the_reports_alt_text(site,
                                                                                                  compiled_with_maps):
    _workspace, _result, _folder, documents = site
    _ws, compiled = compiled_with_maps
    report = docx.Document(str(compiled.report))
    page = documents["kennzahlen/dem-02.html"]
    main = page.find(".//main")
    order = [e.tag for e in main.iter("table", "img")]
    assert order[:2] == ["table", "img"]  # the table before the chart
    table = page.xpath("//table")[0]
    caption = table.findtext("caption")
    paragraphs = report.element.body.findall(qn("w:p"))
    words = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs]
    word_table = paragraphs[words.index(f"Tabelle: {caption}")].getnext()
    expected = [["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in row.iter(qn("w:tc"))]
                for row in word_table.iter(qn("w:tr"))]
    shown = [[c.text_content().replace("\u00a0", " ") for c in row] for row in table.xpath(".//tr")]
    assert shown == expected and any("," in cell for row in shown for cell in row)  # German decimal comma
    alts = {d.get("descr") for d in report.element.body.iter(qn("wp:docPr"))}
    images = [alt.replace("\u00a0", " ") for alt in page.xpath("//main//img/@alt")]  # the site keeps '13,4 %' together
    assert len(images) == 3 and set(images) <= alts  # time series, Stadtteil bars, map: the report's alt texts


def test_an_indicator_page_names_definition_counts_source_date_breaks_and_stand(site):
    *_, documents = site
    page = documents["kennzahlen/bil-06.html"]
    facts = dict(zip(page.xpath("//dl[@class='angaben']/dt/text()"), page.xpath("//dl[@class='angaben']/dd/text()"),
                     strict=True))
    assert {"Definition", "Zähler", "Nenner", "Einheit", "Quelle", "Stichtag", "Zeitreihenbrüche", "Stand"} <= set(facts)
    assert facts["Zeitreihenbrüche"].startswith("Zeitreihenbruch ab 2022: Neue Abgrenzung der Schulformen & Abschlüsse")
    assert page.xpath("string(//nav[@aria-label='Sie sind hier']//li[2])") == "Bildung"  # its Handlungsfeld
    assert page.xpath("//p[@class='kernaussage']")[0].text_content().strip()  # the report's drafted statement


def test_a_suppressed_cell_shows_its_symbol_and_says_what_it_means(site):
    *_, documents = site
    cells = documents["kennzahlen/dem-01.html"].xpath("//td[span[@aria-hidden='true']]")
    assert cells
    assert {c.xpath("string(span[1])") + " " + c.xpath("string(span[2])") for c in cells} >= {". geheim gehalten"}
    symbols = documents["zeichen.html"].xpath("//table//th[@scope='row']/text()")
    assert {".", "–", "…", "x", "( )"} <= set(symbols)


def test_downloads_per_indicator_and_all_data_as_one_zip(site):
    _workspace, _result, folder, documents = site
    with (folder / "daten" / "bil-06.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS and {r["Indikator"] for r in rows} == {"BIL-06"}
    book = load_workbook(folder / "daten" / "bil-06.xlsx", read_only=True)
    assert book.sheetnames[0] == "Hinweise" and len(book.sheetnames) == 2
    with zipfile.ZipFile(folder / "daten" / f"integrationsmonitoring_{YEAR}.zip") as archive:
        assert sorted(archive.namelist()) == ["datapackage.json", f"integrationsmonitoring_{YEAR}.csv"]
        assert f'"path": "integrationsmonitoring_{YEAR}.csv"' in archive.read("datapackage.json").decode("utf-8")
    links = documents["kennzahlen/dem-01.html"].xpath("//ul[@class='dateien']//a/@href")
    assert [Path(link).name for link in links] == ["dem-01.csv", "dem-01.xlsx", "dem-01-zeitreihe.svg",
                                                   "dem-01-zeitreihe.png", "dem-01-pyramide.svg", "dem-01-pyramide.png",
                                                   "dem-01-stadtteile.svg",
                                                   "dem-01-stadtteile.png", "dem-01-karte.svg", "dem-01-karte.png"]
    assert not (folder / "daten" / "ges-04.xlsx").exists()  # no data, no tables: only its (empty) CSV


def test_an_svg_is_the_same_on_every_run_without_inline_style_and_with_ids_of_its_own():
    spec = LineChart("Quote nach Gruppen", "%", "Quelle", (Line("Deutsche", (2022, 2023), (5.0, 6.5),
                                                             GROUP_STYLES["deutsch"]),))
    first, second = draw(PictureJob(spec, "abc-01-zeitreihe", "Titel")), draw(PictureJob(spec, "abc-01-zeitreihe",
                                                                                           "Titel"))
    assert first.svg == second.svg and first.png.startswith(b"\x89PNG")
    assert b"style=" not in first.svg and b"<style" not in first.svg and b"<!DOCTYPE" not in first.svg
    root = etree.fromstring(first.svg)
    assert root.findtext(f"{SVG}title") == "Titel" and root.findtext(f"{SVG}desc") == first.alt
    assert first.alt.startswith("Liniendiagramm: Quote nach Gruppen.")
    raw = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><style>'
           b'*{stroke-linejoin: round}</style><path id="m1" d="M 0.123456 1 L 2 3"/></defs>'
           b'<use xlink:href="#m1" style="fill: #ffffff; stroke-width: 0.8"/>'
           b'<g clip-path="url(#m1)"/></svg>')
    cleaned = etree.fromstring(clean_svg(raw, "x", "T", "D"))
    use = cleaned.find(f"{SVG}use")
    assert use.get("fill") == "#ffffff" and use.get("stroke-width") == "0.8" and use.get("style") is None
    assert use.get("{http://www.w3.org/1999/xlink}href") == "#x-m1" and cleaned.get("stroke-linejoin") == "round"
    assert cleaned.find(f"{SVG}g").get("clip-path") == "url(#x-m1)"
    assert cleaned.find(f".//{SVG}path").get("d") == "M 0.1 1 L 2 3"


# ---- a one-indicator working folder: settings, the city's own templates, the target folder --------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    workspace = make_report_workspace(tmp_path_factory.mktemp("klein") / "ws", indicators=("BIL-06",))
    text = workspace.settings_file.read_text(encoding="utf-8")
    workspace.settings_file.write_text(text.replace('email = ""', 'email = "barrierefrei@magdeburg.example"', 1)
                                       .replace('herausgeber = ""', 'herausgeber = "Amt für Statistik"', 1),
                                       encoding="utf-8")
    return workspace


def test_impressum_accessibility_statement_and_easy_language_take_the_settings(small, tmp_path):
    result = write_website(small, YEAR, tmp_path / "site", processes=1)
    documents = pages(result.folder)
    statement = documents["barrierefreiheit.html"]
    assert statement.xpath("//a[@href='mailto:barrierefrei@magdeburg.example']")
    text = statement.text_content()
    assert "BGG LSA" in text and "BGGVO LSA" in text and "Ombudsstelle" in text and "Amt für Statistik" in text
    assert "Alter Markt 6, 39104 Magdeburg" in documents["impressum.html"].text_content()
    draft = documents["leichte-sprache.html"].xpath("//p[@class='entwurf']")
    assert draft and draft[0].text_content().startswith("Entwurf:")
    assert documents["index.html"].xpath("//footer")[0].text_content().count("Amt für Statistik") == 1


def test_a_template_in_templates_web_replaces_the_packaged_one_and_a_broken_one_changes_nothing(small, tmp_path):
    own = small.web_templates
    own.mkdir(parents=True, exist_ok=True)
    try:
        (own / "impressum.html").write_text('{% extends "grundgeruest.html" %}{% block inhalt %}<h1>{{ seite.title }}'
                                            '</h1><p>Eigenes Impressum &amp; mehr</p>{% endblock %}', encoding="utf-8")
        target = tmp_path / "site"
        write_website(small, YEAR, target, processes=1)
        page = pages(target)["impressum.html"]
        assert page.xpath("string(//main/p)") == "Eigenes Impressum & mehr"
        before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
        (own / "zeichen.html").write_text('{% extends "grundgeruest.html" %}{% block inhalt %}{{ gibt_es_nicht }}'
                                          '{% endblock %}', encoding="utf-8")
        with pytest.raises(InputError) as caught, standing_in(small.root):
            write_website(small, YEAR, target, processes=1)
        assert caught.value.args[0] == (f"Die Vorlage der Website {Path('templates/web/zeichen.html')} lässt sich nicht füllen: "
                                        "„gibt_es_nicht“ ist kein bekannter Platzhalter.")
        (own / "zeichen.html").write_text("<p>\n{% if %}</p>", encoding="utf-8")
        with pytest.raises(InputError) as caught, standing_in(small.root):
            write_website(small, YEAR, target, processes=1)
        assert caught.value.args[0].startswith(f"Die Vorlage der Website {Path('templates/web/zeichen.html')}, Zeile 2 lässt sich "
                                               "nicht füllen: ")
        assert {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} == before
        assert sorted(p.name for p in target.parent.iterdir()) == ["site"]  # no half-built folder left
    finally:
        for path in own.iterdir():
            path.unlink()
        own.rmdir()


def test_a_folder_with_other_files_is_never_replaced(small, tmp_path):
    target = tmp_path / "Dokumente"
    target.mkdir()
    (target / "Haushalt.xlsx").write_bytes(b"wichtig")
    with pytest.raises(InputError) as caught:
        write_website(small, YEAR, target, processes=1)
    assert caught.value.args[0] == (f"Der Ordner {target} enthält schon andere Dateien; die Website wird nur in einen "
                                    "leeren Ordner oder über eine früher erzeugte Website geschrieben. Es wurde nichts "
                                    "geändert.")
    assert [p.name for p in target.iterdir()] == ["Haushalt.xlsx"]


def test_every_sentence_of_a_stadtteil_page_is_followed_by_a_space(site):
    """The template's parts are joined with a space ('… des Stadtgebiets. Die Tabelle …'), never glued together."""
    *_, documents = site
    pages = [page for path, page in documents.items() if path.startswith("stadtteile/") and "index" not in path]
    texts = [" ".join(page.xpath("string(//main//p[1])").split()) for page in pages]
    assert texts and all(text.endswith(".") for text in texts)
    assert [text for text in texts if re.search(r"[a-zäöüß)]\.[A-ZÄÖÜ]", text)] == []
