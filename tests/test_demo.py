"""`toolkit demo` runs the whole round once (conftest.py: demo_workspace, one per test run) and leaves every output
where it says."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import email
import email.policy
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from report_fixtures import check_printed_gaps
from typer.testing import CliRunner

from toolkit.catalogue.model import CITY, Catalogue
from toolkit.cli import app
from toolkit.collect.layout import file_name
from toolkit.collect.status import round_status
from toolkit.core.errors import InputError
from toolkit.core.keys import ALL, ObservationKey
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.demo.clerks import FAULTY_OFFICE, SILENT_OFFICE, return_name
from toolkit.demo.data import generate
from toolkit.demo.run import MARKER, REPORT_YEAR, prepare_folder
from toolkit.indicators.audit import audit, cells_of, unjustified
from toolkit.indicators.export import export_dir
from toolkit.indicators.published import audit_all_editions, load_published
from toolkit.report.context import INTEGRATIONSKONZEPT_FIELDS, UNMAPPED_CHAPTER, build_report, concept_fields
from toolkit.report.deliveries import round_deliveries
from toolkit.report.pdf import convert_to_pdf
from toolkit.report.summary import SUMMARY_HEADER
from toolkit.report.text import AVOIDED_PHRASES, avoided_phrases, reader_phrases
from toolkit.returns.checks import check_files


@pytest.fixture(scope="session")
def demo(demo_workspace: Workspace, demo_output: str) -> tuple[Workspace, str]:
    """The demo round of the test run (conftest.py), read-only: a test that writes takes demo_copy."""
    return demo_workspace, demo_output


def test_cli_prints_where_every_output_is(demo) -> None:
    """Every printed path opens from where the user stands (the folder above the demo), not only inside it."""
    workspace, output = demo
    assert "Demo fertig in" in output
    lines = output.replace("\n", "")
    for path in (workspace.workbooks_dir(REPORT_YEAR), workspace.mails_dir(REPORT_YEAR),
                 workspace.check_reports_dir(REPORT_YEAR), workspace.master_matrix, workspace.report_file(REPORT_YEAR),
                 workspace.year_dir(REPORT_YEAR) / "OffeneDaten" / f"integrationsmonitoring_{REPORT_YEAR}.csv"):
        printed = Path("Demo") / path.relative_to(workspace.root)  # was relative to the demo folder: outbox/2025/…
        assert f": {printed}" in lines, path
        assert (workspace.root.parent / printed).exists(), path
    assert "Arbeitsordner: Demo" in lines and f"toolkit status --year {REPORT_YEAR} -w Demo" in output
    assert f"{SILENT_OFFICE} hat nicht geantwortet" in output
    assert f"{FAULTY_OFFICE} hat einen Bogen mit Fehlern geschickt" in output


def test_one_collection_workbook_and_mail_per_office(demo, catalogue: Catalogue) -> None:
    workspace, _ = demo
    offices = [o.code for o in catalogue.offices_with_indicators()]
    workbooks = {p.name for p in workspace.workbooks_dir(REPORT_YEAR).glob("*.xlsx")}
    assert workbooks == {file_name(REPORT_YEAR, code) for code in offices}
    assert len(list(workspace.mails_dir(REPORT_YEAR).glob("*.eml"))) == len(offices)


def test_report_has_a_chapter_per_field_and_a_chart_and_table_per_indicator(demo, catalogue: Catalogue) -> None:
    workspace, _ = demo
    document = Document(str(workspace.report_file(REPORT_YEAR)))
    chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    for field in catalogue.fields:
        assert chapters.count(field.name) == 1, field.name
    sections: dict[str, list[int]] = {}
    current = None
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl") and current:
            sections[current][0] += 1
        elif element.tag == qn("w:p"):
            style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is not None and style.get(qn("w:val")) in ("Heading1", "Heading2"):
                current = "".join(t.text or "" for t in element.iter(qn("w:t")))
                sections[current] = [0, 0]
            elif current and element.find(f".//{qn('w:drawing')}") is not None:
                sections[current][1] += 1
    with Store(workspace.store_file) as store:
        with_data = {k.indicator for k in store.values(years=range(REPORT_YEAR - 5, REPORT_YEAR + 1))}
    assert with_data == set(catalogue.indicators)  # the demo has data for every indicator
    for indicator in with_data:
        heading = next((h for h in sections if h.startswith(f"{indicator} ")), None)
        assert heading is not None, indicator
        tables, charts = sections[heading]
        assert tables >= 1 and charts >= 1, (indicator, tables, charts)


def document_text(document) -> str:  # a python-docx Document
    """All the text of a report: paragraphs, table cells, the pictures' alt texts, header and footer."""
    body = document.element.body
    parts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]
    parts += [d.get("descr", "") for d in body.iter(qn("wp:docPr"))]
    for section in document.sections:
        parts += [p.text for p in (*section.header.paragraphs, *section.footer.paragraphs)]
    return "\n".join(parts)


def test_the_drafted_text_frames_no_gap_as_a_deficit(demo) -> None:
    workspace, _ = demo
    text = document_text(Document(str(workspace.report_file(REPORT_YEAR))))
    assert "Prozentpunkte gesunken" in text and "Der Abstand zwischen den Nichtdeutschen und den Deutschen" in text
    assert avoided_phrases(text) == []
    assert reader_phrases(text) == []  # no command, no tool, no setting, no draft wording for insiders
    sample = "Der Wert liegt zu Ungunsten der Nichtdeutschen (Verhältnis 2,8 zu 1) und ist schlechter."
    assert avoided_phrases(sample) == ["zu Ungunsten", "schlechter", "Verhältnis 2,8 zu 1"]
    assert avoided_phrases("Qualitätsproblemen, alle Geschlechter, das Verhältnis zum Stadtwert") == []
    assert len(AVOIDED_PHRASES) >= 10


def paragraphs_with_style(document) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, in order."""
    return [(p.style.name, p.text) for p in document.paragraphs]


def section(paragraphs: list[tuple[str, str]], heading: str) -> list[tuple[str, str]]:
    """The paragraphs after the Heading 1 ``heading`` up to the next Heading 1."""
    start = paragraphs.index(("Heading 1", heading)) + 1
    end = next((i for i in range(start, len(paragraphs)) if paragraphs[i][0] == "Heading 1"), len(paragraphs))
    return paragraphs[start:end]


def test_main_findings_come_after_the_foreword_one_to_three_per_chapter_with_data(demo, catalogue: Catalogue) -> None:
    workspace, _ = demo
    document = Document(str(workspace.report_file(REPORT_YEAR)))
    paragraphs = paragraphs_with_style(document)
    chapters = [t for s, t in paragraphs if s == "Heading 1"]
    assert chapters[:4] == ["Auf einen Blick", "Vorwort", "Wichtigste Ergebnisse", "Zusammenfassung"]
    sections = {t for s, t in paragraphs if s == "Heading 2"}
    findings: dict[str, list[str]] = {}
    for style, text in section(paragraphs, "Wichtigste Ergebnisse"):
        if style == "Ergebnisse Kapitel":
            current = findings.setdefault(text, [])
        elif style == "List Bullet":
            current.append(text)
    assert list(findings) == [f.name for f in catalogue.fields]  # the demo has data in every chapter
    for chapter, points in findings.items():
        assert 1 <= len(points) <= 3, (chapter, points)
        for point in points:
            named = re.search(r"\(siehe Abschnitt „([^“]+)“, Seite\u00a0…\)\.$", point)
            assert named and named.group(1) in sections, point  # names a section of the report, linked
            field = next(f for f in catalogue.fields if f.name == chapter)
            assert named.group(1).split()[0] in {i.id for i in catalogue.indicators_of_field(field.code)}
    text = "\n".join(p for points in findings.values() for p in points)
    assert "Prozentpunkte gesunken" in text and "seit 2020" in text
    links = [h for h in document.element.body.iter(qn("w:hyperlink")) if h.get(qn("w:anchor"), "").startswith("_Toc")]
    assert len(links) >= sum(map(len, findings.values())) + 60  # the TOC's and the findings' references


@pytest.fixture(scope="module")
def by_concept(demo):
    """The content of the demo report with the chapters of the Integrationskonzept ([bericht] gliederung)."""
    workspace, _ = demo
    catalogue, settings, published, _left_out = load_published(workspace, REPORT_YEAR)
    deliveries, received = round_deliveries(workspace, REPORT_YEAR, catalogue)
    settings = dataclasses.replace(settings, gliederung="integrationskonzept")
    return build_report(published, catalogue, settings, REPORT_YEAR, deliveries, received).context


def test_chapters_by_the_integrationskonzept_show_each_indicator_once(by_concept, catalogue: Catalogue) -> None:
    chapters = {c["titel"]: c for c in by_concept["handlungsfelder"]}
    assert list(chapters) == [UNMAPPED_CHAPTER, *INTEGRATIONSKONZEPT_FIELDS]  # six, after the unmapped ones
    shown = [k["titel"].split()[0] for c in chapters.values() for k in c["kennzahlen"]]
    assert sorted(shown) == sorted(catalogue.indicators)  # each indicator exactly once
    unmapped = [i.id for f in catalogue.fields if not concept_fields(f) for i in catalogue.indicators_of_field(f.code)]
    assert [k["titel"].split()[0] for k in chapters[UNMAPPED_CHAPTER]["kennzahlen"]] == unmapped
    twice = [f for f in catalogue.fields if len(concept_fields(f)) == 2]
    assert twice, "Der Standardkatalog ordnet ein Handlungsfeld zwei Feldern des Integrationskonzepts zu"
    for field in twice:
        first, second = concept_fields(field)
        home = {k["titel"].split()[0] for k in chapters[first]["kennzahlen"]}
        references = " ".join(chapters[second]["verweise"])
        assert references.startswith(f"Siehe auch im Kapitel „{first}“")
        for indicator in catalogue.indicators_of_field(field.code):
            assert indicator.id in home and f"{indicator.id} {indicator.name}" in references
            assert indicator.id not in {k["titel"].split()[0] for k in chapters[second]["kennzahlen"]}
    assert [f["titel"] for f in by_concept["ergebnisse"]] == list(chapters)  # the findings follow the chapters
    order = [k["titel"].split()[0] for c in chapters.values() for k in c["kennzahlen"]]
    summary = [z["kennzahl"].split()[0] for z in by_concept["zusammenfassung_zeilen"]]
    assert summary == [i for i in order if i in summary]  # and so does the Zusammenfassung
    assert "in 7 Kapiteln nach den Handlungsfeldern des Integrationskonzepts" in by_concept["zusammenfassung"]


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    return text.decode("utf-8").replace("\u00a0", " ").split("\f")


@pytest.fixture(scope="module")
def demo_pdf(demo, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The demo report as PDF (LibreOffice), converted once: the text of its pages (the PDF beside a copy, not in the
    shared demo folder)."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice oder pdftotext (poppler) fehlt: PDF-Seiten nicht prüfbar")
    workspace, _ = demo
    source = workspace.report_file(REPORT_YEAR)
    report = Path(shutil.copyfile(source, tmp_path_factory.mktemp("pdf") / source.name))
    return pdf_pages(convert_to_pdf(report))


NOTE_LINE = re.compile(r"^(Quelle: |Tabelle: |Methodische Hinweise: |[¹²³⁴⁵⁶⁷⁸⁹] |Die Grundzahlen |Fallzahlen sind |"
                       r"Einzelne Werte |Für gering |Werte in Klammern|Ohne Fälle |Zeitreihenbruch|Ab \d{4} )")
FOOTER = re.compile(r"^Integrationsmonitoring \d{4} – Seite \d+$")


def test_pdf_page_flow_no_lone_source_line_and_no_split_stadtteil_table(demo, demo_pdf, catalogue) -> None:
    """Issue #19, point 3: no page holds only source, footnote or table caption lines (a figure caption stands under
    its picture), and every Stadtteil table stands whole on the page of its caption, with its notes and source."""
    lone = []
    for number, page in enumerate(demo_pdf, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip() and not FOOTER.match(line.strip())]
        if lines and all(NOTE_LINE.match(line) for line in lines):
            lone.append((number, lines[:2]))
    assert lone == []
    names = [d.name for d in catalogue.districts]
    tables = 0
    for number, page in enumerate(demo_pdf, start=1):
        lines = [line.strip() for line in page.splitlines()]
        for index, line in enumerate(lines):
            if line.startswith("Tabelle: ") and " nach Stadtteilen" in line:
                tables += 1
                rest = lines[index + 1:]
                rows = [r for r in rest[:len(names) + 6] if any(r.startswith(name + " ") for name in names)]
                assert len(rows) == len(names), (number, line, len(rows))
                assert any(r.startswith("Quelle: ") for r in rest), (number, line)
    assert tables >= 10


def summary_pages(pages: list[str]) -> list[str]:
    start = next(i for i, page in enumerate(pages) if re.search(r"^Zusammenfassung$", page, re.M))
    end = next(i for i, page in enumerate(pages) if re.search(r"^Begriffe und Datengrundlagen$", page, re.M))
    return pages[start:end]


def test_pdf_keeps_the_summary_numbers_and_words_whole_and_has_toc_page_numbers(demo, demo_pdf) -> None:
    workspace, _ = demo
    pages = demo_pdf
    summary = "\n".join(summary_pages(pages))
    document = Document(str(workspace.report_file(REPORT_YEAR)))
    overview = [t for t in document.tables if [c.text for c in t.rows[0].cells] == SUMMARY_HEADER]
    assert len(overview) == 1
    numbers = 0
    for table in overview:
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                text = cell.text.replace("\u00a0", " ")
                if index in (3, 4, 5) and re.search(r"\d", text):  # a value with its unit, on one line
                    numbers += 1
                    assert re.search(rf"(?<![\d.,]){re.escape(text)}(?![\d,])", summary), text
                for word in re.split(r"\s+|(?<=[A-Za-zÄÖÜäöüß]-)(?=[A-Za-zÄÖÜäöüß])", text):
                    assert not word or word in summary, word  # no word broken inside
    assert numbers > 60
    toc = [re.match(r"^\s*(.+?)\s*\.{4,}\s*(\d+)\s*$", line) for page in pages[1:6] for line in page.splitlines()]
    toc = [(m.group(1), int(m.group(2))) for m in toc if m]
    assert len(toc) > 80
    for title, number in toc:  # the heading stands on the page its TOC line says
        lines = [line.strip() for line in pages[number - 1].splitlines()]
        assert title in lines, (title, number)


def test_the_summary_is_one_table_of_the_core_indicators_on_at_most_two_pages(demo, demo_pdf, catalogue) -> None:
    """Issue #19, point 10: four pages and ten tables, 45 of 65 rows filled with "–", before."""
    workspace, _ = demo
    pages = summary_pages(demo_pdf)
    assert len(pages) <= 2, [page[:200] for page in pages]
    document = Document(str(workspace.report_file(REPORT_YEAR)))
    tables = [t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["Kennzahl", "Jahr"]]
    assert len(tables) == 1
    rows = [[c.text for c in row.cells] for row in tables[0].rows[1:]]
    core = [i.id for i in catalogue.indicators.values() if i.kern]
    assert [r[0].split()[0] for r in rows] == [i for i in core if i in {r[0].split()[0] for r in rows}]
    assert len(rows) >= len(core) - 2  # a core indicator without any value is named below the table instead
    assert all("–" not in r[3:6] and not {"→", "↗", "↘"} & set(r[6]) for r in rows)
    assert {r[6].rstrip("¹") for r in rows} <= {f"{s} {t}" for s in ("Wert", "Abstand")
                                                 for t in ("gestiegen", "gesunken", "unverändert")} | {
        "kein Vergleich (Zeitreihenbruch)", "kein Vergleich (zu kurze Zeitreihe)", "kein Vergleich (Wert gesperrt)"}
    assert {r[7] for r in rows} <= {"günstig", "ungünstig", "ohne Bewertung"}


def test_summary_and_text_gaps_equal_the_difference_of_the_printed_values(demo) -> None:
    """Issue #19, point 5: "62,0 % und 17,1 %, der Abstand bei 44,8 Prozentpunkten" (ARB-09, BIL-09, ARB-07, DIS-04)."""
    workspace, _ = demo
    document = Document(str(workspace.report_file(REPORT_YEAR)))
    assert check_printed_gaps(document) >= 40
    text = document_text(document)
    assert not re.findall(r"(?<![\w.,])-\s?\d", text)  # negative numbers with the minus sign U+2212
    assert "\u2212" in text


def test_master_matrix_holds_the_typed_values(demo, catalogue: Catalogue) -> None:
    workspace, _ = demo
    book = load_workbook(workspace.master_matrix, read_only=True)
    assert len(book.sheetnames) >= 3
    book.close()
    expected = generate(catalogue, range(REPORT_YEAR - 5, REPORT_YEAR + 1))
    with Store(workspace.store_file) as store:
        stored = store.values(years=[REPORT_YEAR])
    key = ObservationKey("DEM-01", REPORT_YEAR, CITY, "nichtdeutsch", "weiblich", "wert")
    assert stored[key].value == expected[key]  # typed by the clerk, read back, merged
    district = ObservationKey("ARB-08", REPORT_YEAR, "st01", "nichtdeutsch", "insgesamt", "zaehler")
    assert stored[district].value == expected[district]
    offices_2025 = {catalogue.indicators[k.indicator].fachbereich for k in stored}
    assert FAULTY_OFFICE not in offices_2025 and SILENT_OFFICE not in offices_2025
    assert len(offices_2025) == len(catalogue.offices_with_indicators()) - 2
    assert any(v.flag == "vorläufig" for v in stored.values())


def test_faulty_return_stays_in_inbox_with_fehler(demo_copy: Workspace) -> None:
    workspace = demo_copy  # the check writes its Prüfbericht
    kept = [p.name for p in workspace.inbox.iterdir() if p.is_file()]
    assert kept == [return_name(FAULTY_OFFICE, REPORT_YEAR)]
    [report] = check_files(workspace, [workspace.inbox / kept[0]])
    assert not report.ok
    codes = {p.code for p in report.problems if p.severity == "fehler"}
    assert {"keine-zahl", "zaehler-groesser-nenner"} <= codes
    assert (workspace.archive_dir(REPORT_YEAR, "STAT")).is_dir()
    assert not workspace.archive_dir(REPORT_YEAR, FAULTY_OFFICE).exists()


def test_status_shows_the_missing_and_the_faulty_office(demo, catalogue: Catalogue) -> None:
    workspace, output = demo
    status = {s.office.code: s for s in round_status(workspace, REPORT_YEAR).offices}
    assert set(status) == {o.code for o in catalogue.offices_with_indicators()}
    assert status[SILENT_OFFICE].returned is None and not status[SILENT_OFFICE].delivered
    assert status[FAULTY_OFFICE].returned is not None and not status[FAULTY_OFFICE].delivered
    assert status[FAULTY_OFFICE].n_fehler >= 2
    assert sum(s.delivered for s in status.values()) == len(status) - 2
    assert "geliefert 14 von 16 Stellen" in output
    assert not any(s.overdue for s in status.values())  # the demo's round is under way: its deadline lies ahead


def test_the_reminder_to_the_faulty_office_names_its_two_errors_and_no_filled_cell_as_missing(demo, tmp_path) -> None:
    workspace, _ = demo
    copy = tmp_path / "Demo"  # status --remind writes drafts and records them: not into the shared demo folder
    shutil.copytree(workspace.root, copy, copy_function=shutil.copyfile)  # copy2 needs CopyFile2, which Wine lacks
    result = CliRunner().invoke(app, ["status", "--year", str(REPORT_YEAR), "--remind", "-w", str(copy)])
    assert result.exit_code == 0, result.output
    with Store.read_only(workspace.store_file) as store:
        [check] = [c for c in store.checks(REPORT_YEAR) if c["office"] == FAULTY_OFFICE]
    fehler = [p for p in json.loads(check["problems_json"]) if p["severity"] == "fehler"]
    assert len(fehler) == 2
    checked = dt.datetime.fromisoformat(check["checked_at"]).strftime("%d.%m.%Y")
    draft = Workspace(copy).mails_dir(REPORT_YEAR) / f"Erinnerung_{REPORT_YEAR}_{FAULTY_OFFICE}.eml"
    body = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
    points = [line[2:] for line in body.splitlines() if line.startswith("- ")]
    assert points[0] == (
        f"Ihre Datei {return_name(FAULTY_OFFICE, REPORT_YEAR)} (geprüft am {checked}) haben wir nicht übernommen, "
        "weil sie 2 Fehler enthält. Bitte korrigieren Sie sie und senden Sie den ganzen Bogen erneut.")
    assert len(points) == 3
    for point, found in zip(points[1:], fehler, strict=True):  # each error with its cell, named once
        place = f"{found['sheet']}!{found['cell']}"
        assert point.startswith("Fehler") and point.count(place) == 1, point
        assert point.endswith(found["message"].removeprefix(f"{place}: ")), point


def test_demo_refuses_a_folder_with_other_content(tmp_path: Path) -> None:
    (tmp_path / "wichtig.txt").write_text("bitte nicht löschen", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", str(tmp_path)])
    assert result.exit_code == 3
    assert "nicht leer" in result.output
    assert (tmp_path / "wichtig.txt").is_file()


def test_an_earlier_demo_folder_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "toolkit.toml").write_text("", encoding="utf-8")
    (folder / MARKER).write_text("", encoding="utf-8")
    (folder / "alt.txt").write_text("", encoding="utf-8")
    assert prepare_folder(folder) == folder.resolve()
    assert not folder.exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / MARKER).write_text("", encoding="utf-8")  # marker alone is not enough
    with pytest.raises(InputError):
        prepare_folder(tmp_path / "other")


def test_audit_recomputes_no_suppressed_count_of_the_demo(demo, catalogue: Catalogue) -> None:
    """The demo's published table (the open-data export the demo wrote) against the catalogue's relations: nothing
    is recoverable, nothing blocked without reason. The export holds every cell by age group and nationality, so the
    audit reads them all; the internal edition's audit (all editions of the ledger with this one) reads the same rows.
    (That suppression across indicators is needed is shown on a hand-made table in test_audit.py, over the age groups
    of two Verwendungen in test_audit_ages.py.)"""
    workspace, _ = demo
    exported = export_dir(workspace, REPORT_YEAR) / f"integrationsmonitoring_{REPORT_YEAR}.csv"
    with exported.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    result = audit(rows, catalogue)
    assert result.ok and result.suppressed > 1000, result.lines(catalogue)[:12]
    _catalogue, _settings, published, _left_out = load_published(workspace, REPORT_YEAR, breakdowns=True)
    assert unjustified(published, catalogue) == []
    read = cells_of(rows, catalogue)
    key = ["indicator", "year", "area", "group", "sex", "age", "nationality"]
    counted = published[published["typ"].isin(("anzahl", "quote")) & ((published["suppressed"] != "")
                                                                       | published["shown"].notna())]
    known = read[read["suppressed"] | read["value"].notna()]  # not a cell without value ("…")
    assert set(map(tuple, counted[key].to_numpy())) == set(map(tuple, known[key].to_numpy()))  # every cell is read
    ages, nationalities = read[read["age"] != ALL], read[read["nationality"] != ALL]
    # 2025: 2,160 cells by age group and 1,020 by single nationality (city, DEM-01 and DEM-04 2016–2025)
    assert len(ages) > 1000 and len(nationalities) > 500, (len(ages), len(nationalities))
    internal = audit_all_editions(workspace, rows, catalogue)
    assert internal.ok and (internal.cells, internal.suppressed) == (result.cells, result.suppressed)
