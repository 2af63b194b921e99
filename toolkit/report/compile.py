"""toolkit compile: the Word report (and optionally a tagged PDF) from the store and the report template.

Steps: published values (indicators.value_frame + confidentiality.protect) -> Stadtteil shapes (maps.load_shapes)
-> content (report_context) and Stadtteil profiles (profiles.build_profiles) -> charts, maps and locator maps
(charts.render_all, one process pool when it pays off) -> docxtpl render with autoescape=True -> each map placed
after its bar chart -> accessibility post-processing (alt text on every picture, repeated header rows, column
widths, title and language) -> atomic save. The Tabellenanhang (report/tables.py) gets the same tables; the
Stadtteil profiles (report/profiles.py) are a document of their own next to the report.
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from toolkit.catalogue.model import Catalogue
from toolkit.core.cells import count_of, german_date
from toolkit.core.errors import InputError
from toolkit.core.problems import Problem
from toolkit.core.progress import SILENT
from toolkit.core.settings import load_settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, atomic_path, ensure_closed, for_user
from toolkit.indicators.audit import audit
from toolkit.indicators.confidentiality import PRIMARY, SECONDARY, SOURCE, SPARSE
from toolkit.indicators.export import COLUMNS, export_rows
from toolkit.indicators.published import load_published
from toolkit.report.accessibility import finish_document
from toolkit.report.charts import BarChart, Rendered, render_all
from toolkit.report.context import INTERNAL_MARK, build_report
from toolkit.report.maps import MapChart, district_triples, load_shapes
from toolkit.report.profiles import Profiles, build_profiles, write_profiles
from toolkit.report.tables import write_table_annex

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
    suppressed_by: dict[str, int] = field(default_factory=dict)  # state ('primär', 'sekundär', …) -> cells
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    root: Path | None = None  # the working folder, to name files relative to it
    intern: bool = False  # the internal edition (never to be published)
    notices: tuple[str, ...] = ()  # German hints, e.g. an older catalogue layout was read
    profiles: Path | None = None
    profiles_pdf: Path | None = None
    n_profiles: int = 0
    n_maps: int = 0
    problems: list[Problem] = field(default_factory=list)  # warnings about the map geometry

    def _suppressed_detail(self) -> str:
        """': 120 primär und 340 sekundär gesperrt (Geheimhaltung), 3 von der Quelle gesperrt, 12 Anteile gering
        besiedelter Stadtteile'."""
        by = self.suppressed_by
        parts = []
        if by.get(PRIMARY) or by.get(SECONDARY):
            parts.append(f"{by.get(PRIMARY, 0)} primär und {by.get(SECONDARY, 0)} sekundär gesperrt (Geheimhaltung)")
        if by.get(SOURCE):
            parts.append(f"{by[SOURCE]} von der Quelle gesperrt")
        if by.get(SPARSE):
            parts.append(f"{count_of(by[SPARSE], 'Anteil')} gering besiedelter Stadtteile")
        return f": {', '.join(parts)}" if parts else ""

    def lines(self) -> list[str]:
        what = (f"Interne Fassung des Integrationsberichts {self.year} erstellt (nicht zur Veröffentlichung)"
                if self.intern else f"Integrationsbericht {self.year} erstellt")
        lines = [
            f"{what}: {for_user(self.report)}",
            f"  {count_of(self.n_indicators, 'Kennzahl')}, davon {self.n_with_data} mit Daten; "
            f"{count_of(self.n_charts, 'Grafik')} (davon {count_of(self.n_maps, 'Karte')}), "
            f"{count_of(self.n_tables, 'Tabelle')}; {count_of(self.n_suppressed, 'Wert')} nicht "
            f"gezeigt{self._suppressed_detail()}.",
        ]
        if self.annex:
            lines.append(f"Tabellenanhang: {for_user(self.annex)}")
        if self.profiles:
            lines.append(f"Stadtteilprofile: {for_user(self.profiles)} ({count_of(self.n_profiles, 'Stadtteil')})")
        lines.extend(f"Warnung: {p.message}" for p in self.problems)
        if self.pdf:
            lines.append(f"Barrierefreies PDF: {for_user(self.pdf)}")
        if self.profiles_pdf:
            lines.append(f"Stadtteilprofile als PDF: {for_user(self.profiles_pdf)}")
        lines.append(f"Dauer: {self.seconds:.1f} s".replace(".", ","))
        lines += [f"Hinweis: {notice}" for notice in self.notices]
        return lines


def compile_report(workspace: Workspace, year: int, *, pdf: bool = False, progress=None,  # noqa: ANN001
                   processes: int | None = None, intern: bool = False) -> CompileResult:
    """Compute the indicators and write outbox/Y/Integrationsbericht_Y.docx (+ Tabellenanhang, + Stadtteilprofile,
    + PDF).

    ``processes``: for the charts, instead of the setting ``prozesse`` (0 automatic, 1 never a pool).
    ``intern``: write the internal edition Integrationsbericht_Y_intern.docx instead (marked on every page; adds
    the internal notes, the deliveries with files, warnings, errors and contacts, and the suppression audit);
    no Tabellenanhang, which is the same for both editions. The audit (indicators/audit.py) runs on the rows the
    open-data export would write, so the internal edition says whether any suppressed count can be recomputed.
    """
    from docx.shared import Mm  # heavy: python-docx and docxtpl (lxml, jinja2) only when a report is made
    from docxtpl import DocxTemplate, InlineImage

    progress = progress or SILENT
    started = time.perf_counter()
    timings: dict[str, float] = {}
    soffice = find_libreoffice(load_settings(workspace.settings_file).libreoffice) if pdf else None
    target_path = workspace.internal_report_file(year) if intern else workspace.report_file(year)
    # the internal edition is the report alone; Tabellenanhang and Stadtteilprofile are published documents
    outputs = [target_path] if intern else [target_path, workspace.table_annex_file(year), workspace.profiles_file(year)]
    ensure_closed([*outputs, *(path.with_suffix(".pdf") for path in outputs if path.suffix == ".docx")] if pdf
                  else outputs)
    catalogue, settings, published = load_published(workspace, year)
    deliveries, received = round_deliveries(workspace, year, catalogue)
    shapes, problems = load_shapes(workspace, district_triples(catalogue)) if catalogue.districts else (None, [])
    audit_lines = None
    if intern:
        rows = [dict(zip(COLUMNS, (str(v) for v in row), strict=True)) for row in export_rows(published, catalogue)]
        audit_lines = audit(rows, catalogue).lines(catalogue)
    timings["daten"] = time.perf_counter() - started
    if not workspace.report_template.is_file():
        raise InputError(f"Die Berichtsvorlage {workspace.report_template} fehlt.",
                         hint="Mit 'python scripts/build_templates.py' (Repository) neu erzeugen oder aus einem "
                              "neuen Arbeitsordner ('toolkit init') kopieren.")

    t = time.perf_counter()
    content = build_report(published, catalogue, settings, year, deliveries, received, shapes, intern=intern,
                           audit_lines=audit_lines)
    profiles = Profiles(year, [], []) if intern else build_profiles(published, catalogue, year, shapes)
    timings["inhalt"] = time.perf_counter() - t
    t = time.perf_counter()
    pictures = render_all([*content.charts, *profiles.locators],
                          processes=settings.prozesse if processes is None else processes, progress=progress)
    rendered, locators = pictures[:len(content.charts)], pictures[len(content.charts):]
    timings["grafiken"] = time.perf_counter() - t
    t = time.perf_counter()
    template = DocxTemplate(str(workspace.report_template))
    notices = list(catalogue.notices)
    if intern and not knows_internal_edition(workspace.report_template):
        notices.append(OLD_TEMPLATE_NOTICE.format(template=for_user(workspace.report_template)))
    for (target, key), image, spec in zip(content.chart_slots, rendered, content.charts, strict=True):
        if isinstance(spec, MapChart):
            continue  # no slot of its own in the template: placed after its bar chart (place_maps)
        width = Mm(150) if isinstance(spec, BarChart) else Mm(160)
        target[key] = InlineImage(template, io.BytesIO(image.png), width=width)
    try:
        template.render(content.context, autoescape=True)
    except Exception as exc:  # noqa: BLE001 - a broken template is the user's file
        raise InputError(
            f"Die Berichtsvorlage {workspace.report_template} lässt sich nicht füllen ({type(exc).__name__}: {exc}).",
            hint="Wurde ein Platzhalter in {{ … }} oder {% … %} in Word verändert? Vorlage neu erzeugen oder "
                 "den Platzhalter reparieren.") from exc
    place_maps(template.docx, content.charts, rendered, Mm(160))
    if intern:
        mark_every_page(template.docx, INTERNAL_MARK)
    finish_document(template.docx, [r.alt for r in rendered],
                    title=f"{settings.titel} {year}" + (" – interne Fassung" if intern else ""),
                    subject=settings.untertitel, author=settings.herausgeber)
    with atomic_path(target_path) as tmp:
        template.save(str(tmp))
    timings["word"] = time.perf_counter() - t
    t = time.perf_counter()
    annex = None if intern else write_table_annex(workspace.table_annex_file(year), content.tables, catalogue, year,
                                                   settings.mindesteinwohner)
    timings["tabellenanhang"] = time.perf_counter() - t
    t = time.perf_counter()
    profiles_path = None if intern else write_profiles(workspace.profiles_file(year), profiles, locators, settings,
                                                       catalogue)
    timings["stadtteilprofile"] = time.perf_counter() - t
    result = CompileResult(year, target_path, annex, n_indicators=len(catalogue.indicators),
                           n_with_data=content.n_with_data, n_charts=len(rendered), n_tables=len(content.tables),
                           n_suppressed=content.n_suppressed, suppressed_by=dict(content.suppressed_by),
                           timings=timings, root=workspace.root, intern=intern, notices=tuple(notices),
                           profiles=profiles_path, n_profiles=len(profiles.pages),
                           n_maps=sum(isinstance(spec, MapChart) for spec in content.charts), problems=problems)
    if pdf:
        t = time.perf_counter()
        progress.note("PDF wird mit LibreOffice erzeugt …")
        result.pdf = convert_to_pdf(target_path, soffice)
        if profiles_path is not None:
            result.profiles_pdf = convert_to_pdf(profiles_path, soffice)
        timings["pdf"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - started
    return result


OLD_TEMPLATE_NOTICE = (
    "Die Berichtsvorlage {template} stammt aus einer früheren Version und kennt die interne Fassung noch nicht: "
    "Die Kennzeichnung steht auf jeder Seite, aber interne Notizen und die Prüfung der Geheimhaltung fehlen. Eine "
    "neue Vorlage erzeugt 'python scripts/build_templates.py' (Repository) oder 'toolkit init' in einem neuen Ordner.")


def knows_internal_edition(template: Path) -> bool:
    """True if the report template has the internal edition's placeholders (built by this version)."""
    try:
        with zipfile.ZipFile(template) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return "notiz_intern" in xml and "pruefung" in xml


def mark_every_page(document, mark: str) -> None:  # noqa: ANN001 - a python-docx Document
    """Put ``mark`` at the top of every header in use that does not show it yet (an older template has none):
    the default header of each section, the first-page and even-page headers where the document uses them."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # heavy: python-docx only when a report is made
    from docx.shared import RGBColor

    headers = []
    for number, section in enumerate(document.sections):
        if number == 0 or not section.header.is_linked_to_previous:
            headers.append(section.header)
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
    for header in headers:
        if mark in "".join(p.text for p in header.paragraphs):
            continue
        paragraphs = header.paragraphs
        paragraph = paragraphs[0].insert_paragraph_before() if paragraphs else header.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(mark)
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def place_maps(document, charts: list, rendered: list[Rendered], width: int) -> None:  # noqa: ANN001 - docx
    """Put each map right after the chart before it (the Stadtteil bars) and that chart's caption.

    The template has one picture slot per Stadtteil chart; the map comes in beside the bars without a new slot, so
    a template the city has restyled keeps working, and it takes over the styles of the bars' paragraphs. The
    pictures in the document are the charts other than maps, in order.
    """
    body = document.element.body
    pictures = iter(list(body.iter(qn("wp:docPr"))))
    anchor = None
    for spec, image in zip(charts, rendered, strict=True):
        if not isinstance(spec, MapChart):
            anchor = next(pictures)
            continue
        paragraph = anchor
        while paragraph.tag != qn("w:p"):
            paragraph = paragraph.getparent()
        caption = paragraph.getnext()
        text = "".join(t.text or "" for t in caption.iter(qn("w:t"))) if caption is not None else ""
        if caption is None or caption.tag != qn("w:p") or not text.startswith("Abbildung"):
            caption = None
        picture = _paragraph_like(paragraph)
        drawing = OxmlElement("w:drawing")
        drawing.append(document.part.new_pic_inline(io.BytesIO(image.png), width, None))
        run = OxmlElement("w:r")
        run.append(drawing)
        picture.append(run)
        (caption if caption is not None else paragraph).addnext(picture)
        anchor = next(iter(picture.iter(qn("wp:docPr"))))
        label = _paragraph_like(caption)
        run = OxmlElement("w:r")
        first = caption.find(qn("w:r")) if caption is not None else None
        if first is not None and first.find(qn("w:rPr")) is not None:
            run.append(copy.deepcopy(first.find(qn("w:rPr"))))
        text_element = OxmlElement("w:t")
        text_element.set(qn("xml:space"), "preserve")
        text_element.text = spec.caption
        run.append(text_element)
        label.append(run)
        picture.addnext(label)


def _paragraph_like(paragraph):  # noqa: ANN001, ANN202 - lxml elements
    """An empty paragraph with the paragraph properties (style, alignment, keep with next) of ``paragraph``."""
    new = OxmlElement("w:p")
    properties = paragraph.find(qn("w:pPr")) if paragraph is not None else None
    if properties is not None:
        new.append(copy.deepcopy(properties))
    return new


def round_deliveries(workspace: Workspace, year: int, catalogue: Catalogue) -> tuple[list[dict], set[str]]:
    """The internal Anhang's rows: the deliveries of the round and the returns not taken over (file, warnings,
    errors, contact); the offices that delivered."""
    with Store.read_only(workspace.store_file) as store:
        delivery_rows = [dict(r) for r in store.deliveries(year)]
        check_rows = [dict(r) for r in store.checks(year)]
    deliveries = [_delivery(row, catalogue) for row in delivery_rows]
    merged = {row["sha256"] for row in delivery_rows}
    deliveries += [_rejected(row, catalogue) for row in check_rows if not row["ok"] and row["sha256"] not in merged]
    return deliveries, {row["office"] for row in delivery_rows}


def _rejected(row: dict, catalogue) -> dict:  # noqa: ANN001
    """A checked return with Fehler that was not taken over (from the store's check results)."""
    office = catalogue.offices.get(row.get("office") or "")
    checked = str(row.get("checked_at") or "")
    when = german_date(checked)
    return {"stelle": office.name if office else (row.get("office") or "unbekannt"), "datei": row["file_name"],
            "zeitpunkt": f"nicht übernommen (geprüft {when})",
            "warnungen": f"{row['n_fehler']} Fehler, {count_of(row['n_warnungen'], 'Warnung')}",
            "kontakt": _contact(office)}


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
    when = german_date(merged)
    source = " (Import)" if row.get("source") == "import" else ""
    return {"stelle": (office.name if office else row["office"]) + source, "datei": row["file_name"],
            "zeitpunkt": when, "warnungen": text.strip().rstrip(":"), "kontakt": _contact(office)}


def _contact(office) -> str:  # noqa: ANN001 - Office or None
    """Whom the coordination asks about a delivery (internal edition only)."""
    return f"{office.ansprechperson}, {office.email}" if office else "–"


# ---- PDF ------------------------------------------------------------------------------------------------


def _copy_for_pdf(docx_path: Path, target: Path) -> None:
    """A copy whose table of contents is plain entries with PAGEREF fields.

    LibreOffice keeps the imported result of a TOC field as it is, but it computes PAGEREF fields
    outside of it; unwrapping the TOC field gives the PDF correct page numbers.
    """
    import docx  # heavy: python-docx (lxml) only for the PDF copy
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


def find_libreoffice(configured: str = "") -> Path:
    """soffice of LibreOffice: the path set in toolkit.toml, else the search path, else the usual install folders.

    The Windows installer does not put soffice.exe on PATH; it lives in ...\\LibreOffice\\program\\.
    """
    if configured:
        path = Path(configured)
        if path.is_file():
            return path
        raise InputError(f"LibreOffice wurde unter {path} nicht gefunden (toolkit.toml, [programme] libreoffice).",
                         hint="Bitte den Pfad zu soffice.exe prüfen, z. B. "
                              '"C:/Program Files/LibreOffice/program/soffice.exe", oder die Zeile leeren.')
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return Path(found)
    for path in _usual_install_paths():
        if path.is_file():
            return path
    raise InputError(
        "LibreOffice wurde nicht gefunden; das PDF kann nicht erzeugt werden. Es wurde nichts geändert.",
        hint="LibreOffice von https://de.libreoffice.org/download/ installieren (ohne Administratorrechte: "
             "die portable Fassung) und, falls es nicht im üblichen Ordner liegt, in toolkit.toml unter "
             '[programme] den Pfad angeben: libreoffice = "C:/…/LibreOffice/program/soffice.exe". '
             "Oder 'toolkit compile' ohne --pdf aufrufen und das Word-Dokument in Word als PDF speichern.")


def _usual_install_paths() -> list[Path]:
    """Where the LibreOffice installer for Windows puts soffice.exe (all users, or just this user)."""
    folders = [os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    folders += ["C:/Program Files", "C:/Program Files (x86)"]
    if os.environ.get("LOCALAPPDATA"):
        folders.append(str(Path(os.environ["LOCALAPPDATA"]) / "Programs"))
    return [Path(folder) / "LibreOffice" / "program" / "soffice.exe" for folder in folders if folder]


def convert_to_pdf(docx_path: Path, soffice: Path | None = None, timeout: int = 300) -> Path:
    """Tagged PDF/UA through LibreOffice headless with a private profile folder; returns the PDF path."""
    soffice = soffice or find_libreoffice()
    with tempfile.TemporaryDirectory(prefix="toolkit-lo-") as profile, \
            tempfile.TemporaryDirectory(prefix="toolkit-pdf-") as out_dir:
        source = Path(out_dir) / "quelle" / docx_path.name
        source.parent.mkdir()
        _copy_for_pdf(docx_path, source)
        command = [str(soffice), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", PDF_FILTER, "--outdir", out_dir, str(source)]
        try:
            completed = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice hat das PDF nicht innerhalb von {timeout} s erzeugt.",
                             hint="Läuft LibreOffice schon mit einem Dialog? Alle LibreOffice-Fenster schließen "
                                  "und den Befehl wiederholen.") from None
        except OSError as exc:  # not a program, no right to run it, blocked by the IT's software policy
            raise InputError(f"LibreOffice ließ sich nicht starten ({soffice}: {exc.strerror or exc}).",
                             hint="Bitte den Pfad zu soffice.exe in toolkit.toml ([programme] libreoffice) prüfen. "
                                  "Das Word-Dokument ist fertig; es lässt sich in Word als PDF speichern.") from None
        produced = Path(out_dir) / (docx_path.stem + ".pdf")
        if completed.returncode != 0 or not produced.is_file():
            detail = completed.stderr.decode("utf-8", "replace").strip()[:300]
            said = f" Meldung von LibreOffice: {detail}" if detail else ""
            raise InputError(f"LibreOffice konnte {docx_path.name} nicht in PDF umwandeln.{said}",
                             hint="Das Word-Dokument ist fertig; es lässt sich in Word als PDF speichern. Sonst "
                                  "alle LibreOffice-Fenster schließen und den Befehl wiederholen.")
        target = docx_path.with_suffix(".pdf")
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)
    return target
