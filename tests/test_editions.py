"""Public and internal edition: what is published holds no internal note, file name, error count or contact;
the internal edition (compile --intern) holds all of them and is marked on every page."""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from report_fixtures import SUBSET, make_report_workspace, write_old_layout_catalogue
from typer.testing import CliRunner

import toolkit.cli
from toolkit.catalogue.model import load_catalogue
from toolkit.catalogue.sheets import LEGACY_NOTES_NOTICE
from toolkit.core.store import Store
from toolkit.indicators.export import export_open_data
from toolkit.report.compile import compile_report
from toolkit.report.context import INTERNAL_MARK
from toolkit.report.word_template import knows_internal_edition, mark_every_page

YEAR = 2024
INDICATORS = (*SUBSET, "DIS-03", "REC-03")  # DIS-03: the Leipzig survey note; REC-03: "Stand bitte prüfen"


def _xml_text(path: Path, prefix: str) -> str:
    """The text of every XML part under ``prefix`` (document, headers, footers, properties; all sheets)."""
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(n).decode("utf-8") for n in archive.namelist()
                 if n.startswith(prefix) and n.endswith((".xml", ".rels"))]
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", part)) for part in parts)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Both editions of a small report. What is internal comes from the catalogue's notes and the deliveries, not
    from the Stadtteile: 10 of them (each a page of the Stadtteilprofile) keep a primary and a secondary
    suppression for the audit of the internal edition, at a quarter of the 40's cost."""
    workspace = make_report_workspace(tmp_path_factory.mktemp("editions") / "ws", INDICATORS, districts=10)
    public = compile_report(workspace, YEAR, processes=1)
    export = export_open_data(workspace, YEAR)
    internal = compile_report(workspace, YEAR, processes=1, intern=True)
    catalogue = load_catalogue(workspace.catalogue_file)
    with Store(workspace.store_file) as store:
        delivered = [dict(r) for r in store.deliveries(YEAR)] + [dict(r) for r in store.checks(YEAR)]
    texts = {
        "Bericht": _xml_text(public.report, ""),
        "Tabellenanhang": _xml_text(public.annex, "xl/"),
        "CSV": export.csv_path.read_text(encoding="utf-8") + export.package_path.read_text(encoding="utf-8"),
    }
    return workspace, catalogue, delivered, public, internal, texts, _xml_text(internal.report, "")


def _secrets(catalogue, delivered) -> dict[str, list[str]]:
    offices = {d["office"] for d in delivered}
    return {
        "interne Notiz": [i.notiz_intern for i in catalogue.indicators.values() if i.notiz_intern],
        "Dateiname": sorted({d["file_name"] for d in delivered}),
        "Kontakt": [v for o in catalogue.offices.values() if o.code in offices for v in (o.ansprechperson, o.email)],
        "Fehlerzahl": ["2 Fehler, 1 Warnung", "Änderung & Sprung <größer> als erwartet"],
    }


def test_the_fixture_has_something_to_hide(editions):
    _ws, catalogue, delivered, *_ = editions
    secrets = _secrets(catalogue, delivered)
    assert len(secrets["interne Notiz"]) >= 5
    assert any("Leipzig" in n for n in secrets["interne Notiz"])
    assert any("Stand bitte prüfen" in n for n in secrets["interne Notiz"])
    assert any("im Bericht so kennzeichnen" in n for n in secrets["interne Notiz"])
    assert secrets["Dateiname"] == ["Erhebung_2024_SCHULE.xlsx", "Erhebung_2024_STAT.xlsx"]
    assert "stat@example.org" in secrets["Kontakt"]


def test_public_report_annex_and_export_hold_nothing_internal(editions):
    _ws, catalogue, delivered, *_rest, texts, _internal = editions
    every_contact = [v for o in catalogue.offices.values() for v in (o.email, o.vertretung_email) if v]
    found = [(output, kind, needle[:60])
             for kind, needles in {**_secrets(catalogue, delivered), "E-Mail": every_contact,
                                   "Kennzeichnung": [INTERNAL_MARK]}.items()
             for needle in needles for output, text in texts.items() if needle in text]
    assert found == []


def test_public_report_keeps_the_notes_for_readers(editions):
    _ws, catalogue, *_rest, texts, _internal = editions
    report = texts["Bericht"]
    assert catalogue.indicators["DEM-02"].hinweis_bericht in report
    assert "Datenlücken 2024" in report and "Datenlieferungen 2024" not in report


def test_internal_edition_holds_all_of_it(editions):
    _ws, catalogue, delivered, _public, internal, _texts, text = editions
    assert internal.report.name == "Integrationsbericht_2024_intern.docx" and internal.annex is None
    missing = [(kind, needle[:60]) for kind, needles in _secrets(catalogue, delivered).items()
               for needle in needles if needle not in text]
    assert missing == []
    assert "Datenlieferungen 2024" in text and "Prüfung der Geheimhaltung" in text
    assert "Kein gesperrter Wert ist zurückzurechnen." in text  # the audit's result (indicators/audit.py)


def test_internal_annex_lists_deliveries_with_warnings_rejected_returns_and_contacts(editions):
    internal = editions[4]
    document = docx.Document(str(internal.report))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Stelle")
    assert [c.text for c in table.rows[0].cells] == ["Stelle", "Datei", "Übernommen am", "Warnungen", "Ansprechperson"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert any(r[1] == "Erhebung_2024_STAT.xlsx" and r[3] == "1: Änderung & Sprung <größer> als erwartet"
               and r[4] == "Sachbearbeitung Bevölkerungsstatistik, stat@example.org" for r in rows)
    assert any(r[1] == "Erhebung_2024_SCHULE.xlsx" and r[2].startswith("nicht übernommen") and r[3] == "2 Fehler, 1 Warnung"
               for r in rows)


def test_internal_edition_is_marked_on_every_page(editions):
    _ws, _c, _d, public, internal, _texts, _text = editions
    with zipfile.ZipFile(internal.report) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        headers = {n: html.unescape(re.sub(r"<[^>]+>", "", archive.read(n).decode("utf-8")))
                   for n in archive.namelist() if re.fullmatch(r"word/header\d*\.xml", n)}
        title = archive.read("docProps/core.xml").decode("utf-8")
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", document, re.S)
    assert sections and "<w:titlePg" not in document  # no first page with a header of its own
    for section in sections:
        ids = re.findall(r'<w:headerReference [^>]*r:id="(rId\d+)"', section)
        targets = [re.search(rf'Id="{i}"[^>]*Target="([^"]+)"', rels).group(1) for i in ids]
        assert any(INTERNAL_MARK in headers[f"word/{t}"] for t in targets), section[:200]
    assert "interne Fassung" in title
    assert INTERNAL_MARK not in _xml_text(public.report, "word/header")


def test_compile_says_which_edition_it_wrote(editions):
    _ws, _c, _d, public, internal, *_ = editions
    assert public.lines()[0].startswith("Integrationsbericht 2024 erstellt: ")
    assert internal.lines()[0].startswith("Interne Fassung des Integrationsberichts 2024 erstellt "
                                          "(nicht zur Veröffentlichung): ")
    assert internal.lines()[0].endswith("Integrationsbericht_2024_intern.docx")
    assert not any("Tabellenanhang" in line for line in internal.lines())


def test_an_older_catalogue_publishes_none_of_its_notes_and_says_so_once(editions, tmp_path):
    workspace, catalogue, *_ = editions
    copy = tmp_path / "ws"
    shutil.copytree(workspace.root, copy, copy_function=shutil.copyfile)  # copy2 needs CopyFile2, which Wine lacks
    write_old_layout_catalogue(copy / "templates" / "Indikatorenmatrix.xlsx")
    result = CliRunner().invoke(toolkit.cli.app, ["compile", "--year", str(YEAR), "-w", str(copy)])
    assert result.exit_code == 0, result.output
    assert result.output.count("Hinweis: Der Indikatorenkatalog hat im Blatt Indikatoren noch die frühere") == 1
    assert " ".join(LEGACY_NOTES_NOTICE.split()) in " ".join(result.output.split())
    text = _xml_text(copy / "outbox" / str(YEAR) / f"Integrationsbericht_{YEAR}.docx", "")
    old_notes = [f"{i.hinweis_bericht} {i.notiz_intern}".strip() for i in catalogue.indicators.values()
                 if i.hinweis_bericht or i.notiz_intern]
    assert old_notes and not [n for n in old_notes if n in text]
    assert "Methodische Hinweise:" not in text


def test_an_older_template_still_gets_the_mark_on_every_page(tmp_path):
    document = docx.Document()
    document.add_paragraph("Titelseite")
    document.sections[0].different_first_page_header_footer = True
    document.sections[0].header.paragraphs[0].text = "Bericht 2024"
    second = document.add_section(WD_SECTION.NEW_PAGE)
    second.header.is_linked_to_previous = False
    mark_every_page(document, INTERNAL_MARK)
    path = tmp_path / "alt.docx"
    document.save(str(path))
    reopened = docx.Document(str(path))
    for section in reopened.sections:
        for header in (section.header, section.first_page_header):
            assert header.paragraphs[0].text == INTERNAL_MARK
    assert reopened.sections[0].header.paragraphs[1].text == "Bericht 2024"  # kept below the mark
    assert not knows_internal_edition(path)
    assert knows_internal_edition(Path(__file__).resolve().parent.parent / "templates" / "Bericht.docx")
