"""toolkit compile: the Word report (and optionally a tagged PDF) from the store and the report template.

Steps: published values (indicators.value_frame + confidentiality.protect) -> content (report_context)
-> charts (charts.render_all, process pool when it pays off) -> docxtpl render with autoescape=True
-> accessibility post-processing (alt text on every picture, repeated header rows, column widths,
title and language) -> atomic save. The Tabellenanhang (annex.py) gets the same tables.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError, ToolkitError
from toolkit.progress import SILENT
from toolkit.workspace import Workspace, atomic_path

LANGUAGE = "de-DE"
PAGE_WIDTH_TWIPS = 9412  # 16.6 cm text width of the template
FIXED_WIDTHS = {  # header row of the template's fixed tables -> relative column widths
    ("Kennzahl", "Zielgruppe", "Wert", "Vergleichsgruppe", "Wert", "Abstand", "Trend"): (25, 15, 10, 14, 10, 9, 17),
    ("Kennzahl", "Quelle", "Stichtag"): (32, 50, 18),
    ("Zeichen", "Bedeutung"): (12, 88),
    ("Kennung", "Kennzahl", "Handlungsfeld", "Einheit", "Richtung", "Zuständige Stelle"): (10, 28, 20, 10, 14, 18),
    ("Stelle", "Datei", "Übernommen am", "Warnungen"): (24, 28, 14, 34),
    ("Kennung", "Kennzahl", "Grund"): (11, 30, 59),
}
PDF_FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
              '"PDFUACompliance":{"type":"boolean","value":"true"},'
              '"ExportBookmarks":{"type":"boolean","value":"true"}}')


@dataclass
class CompileResult:
    year: int
    report: Path
    annex: Path | None = None
    pdf: Path | None = None
    n_indicators: int = 0
    n_with_data: int = 0
    n_charts: int = 0
    n_tables: int = 0
    n_suppressed: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [
            f"Integrationsbericht {self.year} erstellt: {self.report}",
            f"  {self.n_indicators} Kennzahlen, davon {self.n_with_data} mit Daten; {self.n_charts} Grafiken, "
            f"{self.n_tables} Tabellen; {self.n_suppressed} Werte aus Gründen der Geheimhaltung gesperrt.",
        ]
        if self.annex:
            lines.append(f"Tabellenanhang: {self.annex}")
        if self.pdf:
            lines.append(f"Barrierefreies PDF: {self.pdf}")
        lines.append(f"Dauer: {self.seconds:.1f} s".replace(".", ","))
        return lines


def compile_report(workspace: Workspace, year: int, *, pdf: bool = False, progress=None,  # noqa: ANN001
                   processes: int | None = None) -> CompileResult:
    """Compute the indicators and write outbox/Y/Integrationsbericht_Y.docx (+ Tabellenanhang, + PDF)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from toolkit.annex import write_table_annex
    from toolkit.charts import BarChart, render_all

    progress = progress or SILENT
    started = time.perf_counter()
    timings: dict[str, float] = {}
    catalogue, settings, published, deliveries, received = load_published(workspace, year)
    timings["daten"] = time.perf_counter() - started
    if not workspace.report_template.is_file():
        raise InputError(f"Die Berichtsvorlage {workspace.report_template} fehlt.",
                         hint="Mit 'python scripts/build_templates.py' (Repository) neu erzeugen oder aus einem "
                              "neuen Arbeitsordner ('toolkit init') kopieren.")
    from toolkit.report_context import build_report

    t = time.perf_counter()
    content = build_report(published, catalogue, settings, year, deliveries, received)
    timings["inhalt"] = time.perf_counter() - t
    t = time.perf_counter()
    progress.note(f"{len(content.charts)} Grafiken werden gezeichnet …")
    rendered = render_all(content.charts, processes=processes)
    timings["grafiken"] = time.perf_counter() - t
    t = time.perf_counter()
    template = DocxTemplate(str(workspace.report_template))
    for (target, key), image, spec in zip(content.chart_slots, rendered, content.charts, strict=True):
        width = Mm(150) if isinstance(spec, BarChart) else Mm(160)
        target[key] = InlineImage(template, io.BytesIO(image.png), width=width)
    try:
        template.render(content.context, autoescape=True)
    except Exception as exc:  # noqa: BLE001 - a broken template is the user's file
        raise InputError(
            f"Die Berichtsvorlage {workspace.report_template} lässt sich nicht füllen ({type(exc).__name__}: {exc}).",
            hint="Wurde ein Platzhalter in {{ … }} oder {% … %} in Word verändert? Vorlage neu erzeugen oder "
                 "den Platzhalter reparieren.") from exc
    finish_document(template.docx, [r.alt for r in rendered], title=f"{settings.titel} {year}",
                    subject=settings.untertitel, author=settings.herausgeber)
    target_path = workspace.report_file(year)
    with atomic_path(target_path) as tmp:
        template.save(str(tmp))
    timings["word"] = time.perf_counter() - t
    t = time.perf_counter()
    annex = write_table_annex(workspace.table_annex_file(year), content.tables, catalogue, year)
    timings["tabellenanhang"] = time.perf_counter() - t
    result = CompileResult(year, target_path, annex, n_indicators=len(catalogue.indicators),
                           n_with_data=content.n_with_data, n_charts=len(rendered), n_tables=len(content.tables),
                           n_suppressed=content.n_suppressed, timings=timings)
    if pdf:
        t = time.perf_counter()
        progress.note("PDF wird mit LibreOffice erzeugt …")
        result.pdf = convert_to_pdf(target_path)
        timings["pdf"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - started
    return result


def load_published(workspace: Workspace, year: int):  # noqa: ANN201
    """Catalogue, settings, protected values up to ``year``, deliveries of the round (for the Anhang)."""
    from toolkit.catalogue import load_catalogue
    from toolkit.confidentiality import protect
    from toolkit.indicators import value_frame
    from toolkit.settings import load_settings
    from toolkit.store import Store

    catalogue = load_catalogue(workspace.catalogue_file)
    settings = load_settings(workspace.settings_file)
    if not workspace.store_file.is_file():
        raise InputError(f"Im Arbeitsordner {workspace.root} gibt es noch keine Daten ({workspace.store_file} fehlt).",
                         hint="Zuerst Rückläufe mit 'toolkit merge' übernehmen oder Werte mit 'toolkit import' laden.")
    with Store(workspace.store_file) as store:
        observations = store.observations_frame()
        delivery_rows = [dict(r) for r in store.deliveries(year)]
    observations = observations[observations["year"] <= year]
    published = protect(value_frame(observations, catalogue), catalogue)
    deliveries = [_delivery(row, catalogue) for row in delivery_rows]
    received = {row["office"] for row in delivery_rows}
    return catalogue, settings, published, deliveries, received


def _delivery(row: dict, catalogue) -> dict:  # noqa: ANN001
    office = catalogue.offices.get(row["office"])
    try:
        problems = json.loads(row.get("problems_json") or "[]")
    except json.JSONDecodeError:
        problems = []
    warnings = [p.get("message", "") for p in problems if isinstance(p, dict) and p.get("severity") == "warnung"]
    n = int(row.get("n_warnungen") or len(warnings))
    text = "keine" if not n else f"{n}: " + "; ".join(w for w in warnings[:3] if w)
    if n > 3:
        text += " …"
    merged = str(row.get("merged_at") or "")
    when = f"{merged[8:10]}.{merged[5:7]}.{merged[0:4]}" if len(merged) >= 10 else merged
    source = " (Import)" if row.get("source") == "import" else ""
    return {"stelle": (office.name if office else row["office"]) + source, "datei": row["file_name"],
            "zeitpunkt": when, "warnungen": text.strip().rstrip(":")}


# ---- accessibility post-processing --------------------------------------------------------------------


def finish_document(document, alt_texts: list[str], *, title: str, subject: str = "", author: str = "") -> None:  # noqa: ANN001
    """Alt text on every picture, header rows that repeat, column widths, title and language."""
    from docx.oxml.ns import qn

    body = document.element.body
    pictures = list(body.iter(qn("wp:docPr")))
    if len(pictures) != len(alt_texts):
        raise ToolkitError(f"Interner Fehler: {len(pictures)} Bilder, aber {len(alt_texts)} Alternativtexte.")
    for doc_pr, alt in zip(pictures, alt_texts, strict=True):
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt.split(":", 1)[0])
    for table in body.iter(qn("w:tbl")):
        _finish_table(table)
    _drop_empty_paragraphs(body)
    fill_table_of_contents(document)
    props = document.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.language = LANGUAGE


def _finish_table(table) -> None:  # noqa: ANN001 - lxml element
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rows = table.findall(qn("w:tr"))
    if rows:
        tr_pr = rows[0].find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = OxmlElement("w:trPr")
            rows[0].insert(0, tr_pr)
        if tr_pr.find(qn("w:tblHeader")) is None:
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
    grid = table.find(qn("w:tblGrid"))
    columns = grid.findall(qn("w:gridCol")) if grid is not None else []
    n = len(columns)
    if n == 0:
        return
    header = tuple("".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in rows[0].findall(qn("w:tc")))
    if header in FIXED_WIDTHS:
        widths = [PAGE_WIDTH_TWIPS * share // 100 for share in FIXED_WIDTHS[header]]
    else:
        first = PAGE_WIDTH_TWIPS if n == 1 else int(PAGE_WIDTH_TWIPS * (0.22 if n > 6 else 0.3 if n > 3 else 1 / n))
        rest = (PAGE_WIDTH_TWIPS - first) // max(n - 1, 1)
        widths = [first] + [rest] * (n - 1)
    for column, width in zip(columns, widths, strict=True):
        column.set(qn("w:w"), str(width))
    for row in rows:
        for index, cell in enumerate(row.findall(qn("w:tc"))):
            tc_pr = cell.find(qn("w:tcPr"))
            if tc_pr is None:
                continue
            tc_w = tc_pr.find(qn("w:tcW"))
            if tc_w is not None and index < n:
                tc_w.set(qn("w:w"), str(widths[index]))
                tc_w.set(qn("w:type"), "dxa")


def _drop_empty_paragraphs(body) -> None:  # noqa: ANN001
    """No empty paragraphs for spacing: remove body paragraphs without text, picture, field or section break."""
    from docx.oxml.ns import qn

    for paragraph in list(body.findall(qn("w:p"))):
        if "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip():
            continue
        if any(True for tag in ("w:drawing", "w:fldChar", "w:fldSimple", "w:sectPr", "w:br", "w:instrText")
               for _ in paragraph.iter(qn(tag))):
            continue
        body.remove(paragraph)


def fill_table_of_contents(document) -> None:  # noqa: ANN001
    """Pre-fill the TOC field with the headings and PAGEREF page numbers.

    Word rebuilds the TOC when the report is opened (updateFields); LibreOffice does not, but it computes
    the PAGEREF fields while laying out the pages, so the PDF gets a table of contents with page numbers.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    body = document.element.body
    toc = next((p for p in body.iter(qn("w:p")) if any("TOC" in (t.text or "") for t in p.iter(qn("w:instrText")))),
               None)
    if toc is None:
        return
    styles = {document.styles[name].style_id: level for name, level in (("Heading 1", 1), ("Heading 2", 2))}
    toc_styles = {level: document.styles[f"toc {level}"].style_id for level in (1, 2)
                  if f"toc {level}" in [s.name for s in document.styles]}
    entries = []
    for paragraph in body.findall(qn("w:p")):
        style = paragraph.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        level = styles.get(style.get(qn("w:val")) if style is not None else "")
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip()
        if level and text:
            name = f"_Toc{len(entries) + 1:05d}"
            start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
            start.set(qn("w:id"), str(90000 + len(entries)))
            start.set(qn("w:name"), name)
            end.set(qn("w:id"), str(90000 + len(entries)))
            ppr = paragraph.find(qn("w:pPr"))
            if ppr is not None:
                ppr.addnext(start)
            else:
                paragraph.insert(0, start)
            paragraph.append(end)
            entries.append((level, text, name))
    if not entries:
        return
    runs = toc.findall(qn("w:r"))
    separate = next(i for i, r in enumerate(runs) if any(f.get(qn("w:fldCharType")) == "separate"
                                                          for f in r.iter(qn("w:fldChar"))))
    for run in runs[separate + 1:]:
        toc.remove(run)
    paragraphs = [toc]
    for _ in entries[1:]:
        paragraph = OxmlElement("w:p")
        paragraphs[-1].addnext(paragraph)
        paragraphs.append(paragraph)
    for paragraph, (level, text, name) in zip(paragraphs, entries, strict=True):
        _set_style(paragraph, toc_styles.get(level))
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), name)
        link.set(qn("w:history"), "1")
        link.append(_run(text=text))
        link.append(_run(tab=True))
        link.append(_run(fld="begin"))
        link.append(_run(instr=f" PAGEREF {name} \\h "))
        link.append(_run(fld="separate"))
        link.append(_run(text="1"))
        link.append(_run(fld="end"))
        paragraph.append(link)
    paragraphs[-1].append(_run(fld="end"))


def _set_style(paragraph, style_id: str | None) -> None:  # noqa: ANN001
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not style_id:
        return
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph.insert(0, ppr)
    style = ppr.find(qn("w:pStyle"))
    if style is None:
        style = OxmlElement("w:pStyle")
        ppr.insert(0, style)
    style.set(qn("w:val"), style_id)


def _run(*, text: str | None = None, tab: bool = False, fld: str | None = None, instr: str | None = None):  # noqa: ANN202
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    if text is not None:
        element = OxmlElement("w:t")
        element.set(qn("xml:space"), "preserve")
        element.text = text
    elif tab:
        element = OxmlElement("w:tab")
    elif fld is not None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), fld)
    else:
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = instr
    run.append(element)
    return run


# ---- PDF --------------------------------------------------------------------------------------------------


def _copy_for_pdf(docx_path: Path, target: Path) -> None:
    """A copy whose table of contents is plain entries with PAGEREF fields.

    LibreOffice keeps the imported result of a TOC field as it is, but it computes PAGEREF fields
    outside of it; unwrapping the TOC field gives the PDF correct page numbers.
    """
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(docx_path))
    body = document.element.body
    start = next((p for p in body.iter(qn("w:p")) if any("TOC" in (t.text or "") for t in p.iter(qn("w:instrText")))),
                 None)
    if start is not None:
        runs = [r for r in start.findall(qn("w:r"))]
        separate = next((i for i, r in enumerate(runs) if any(f.get(qn("w:fldCharType")) == "separate"
                                                                for f in r.iter(qn("w:fldChar")))), None)
        if separate is not None:
            for run in runs[: separate + 1]:
                start.remove(run)
            depth, paragraph = 0, start
            while paragraph is not None:
                for run in paragraph.findall(qn("w:r")):
                    kind = next((f.get(qn("w:fldCharType")) for f in run.iter(qn("w:fldChar"))), None)
                    if kind == "begin":
                        depth += 1
                    elif kind == "end":
                        if depth == 0:
                            paragraph.remove(run)
                            paragraph = None
                            break
                        depth -= 1
                else:
                    paragraph = paragraph.getnext()
    document.save(str(target))


def convert_to_pdf(docx_path: Path, timeout: int = 300) -> Path:
    """Tagged PDF/UA through LibreOffice headless with a private profile folder; returns the PDF path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError("LibreOffice ist nicht installiert; das PDF kann nicht erzeugt werden.",
                         hint="LibreOffice (Writer) installieren oder 'toolkit compile' ohne --pdf aufrufen und das "
                              "Word-Dokument in Word als barrierefreies PDF speichern.")
    with tempfile.TemporaryDirectory(prefix="toolkit-lo-") as profile, \
            tempfile.TemporaryDirectory(prefix="toolkit-pdf-") as out_dir:
        source = Path(out_dir) / "quelle" / docx_path.name
        source.parent.mkdir()
        _copy_for_pdf(docx_path, source)
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", PDF_FILTER, "--outdir", out_dir, str(source)]
        try:
            completed = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ToolkitError(f"LibreOffice hat das PDF nicht innerhalb von {timeout} s erzeugt.") from None
        produced = Path(out_dir) / (docx_path.stem + ".pdf")
        if completed.returncode != 0 or not produced.is_file():
            detail = completed.stderr.decode("utf-8", "replace").strip()[:300]
            raise ToolkitError(f"LibreOffice konnte {docx_path.name} nicht in PDF umwandeln. {detail}".strip())
        target = docx_path.with_suffix(".pdf")
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)
    return target
