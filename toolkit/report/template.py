"""Build templates/Bericht.docx: the Word report template with docxtpl tags, German styles and language.

The template is meant to be restyled by staff in Word: every heading uses a built-in heading style
(Word shows them as "Überschrift 1/2"), tables use the style "Table Grid", small print the style
"Quelle". The tags ({{ … }}, {%p … %}, {%tr … %}, {%tc … %}) must stay intact; the context that
fills them is built by toolkit/report/context.py and documented there.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from toolkit.core.workspace import atomic_write_bytes

LANGUAGE = "de-DE"
FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
TABLE_STYLE = "Table Grid"

FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ERGEBNISSE_HINWEIS = (
    "[Entwurf aus den veröffentlichten Werten: Die Punkte sind nach der Größe der Veränderung ausgewählt. Bitte "
    "prüfen, einordnen und in Word bearbeiten; diesen Absatz löschen.]"
)
VORWORT = (
    "[Platzhalter für das Vorwort: Hier ordnet die Koordination die Ergebnisse ein, nennt den Bezug zum "
    "Integrationskonzept der Stadt und dankt den beteiligten Stellen. Diesen Absatz bitte in Word ersetzen.]"
)


def write_report_template(path: Path) -> None:
    """Write the report template atomically to ``path``."""
    document = build_report_template()
    buffer = io.BytesIO()
    document.save(buffer)
    atomic_write_bytes(path, _fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Same content, fixed member dates and system: a rebuild gives the same bytes on every platform (the
    template is committed; zipfile would record the building system, 0 on Windows, 3 elsewhere)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def build_report_template():  # -> docx.Document
    document = Document()
    _set_styles(document)
    _set_page(document)
    _set_update_fields(document)
    props = document.core_properties
    props.title = "{{ bericht.titel }} {{ bericht.jahr }}"
    props.subject = "{{ bericht.untertitel }}"
    props.author = "{{ bericht.herausgeber }}"
    props.language = LANGUAGE
    props.keywords = "Integrationsmonitoring"
    props.comments = ""
    props.created = props.modified = FIXED_DATE
    _title_page(document)
    _front_matter(document)
    _chapters(document)
    _annex(document)
    return document


# ---- styles ------------------------------------------------------------------------------------------


def _set_styles(document) -> None:
    styles = document.styles
    _set_doc_defaults_language(document)
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.space_before = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    _rfonts(normal, FONT)
    for name, size, before, after in (("Heading 1", 16, 0, 12), ("Heading 2", 13, 18, 6), ("Heading 3", 11, 12, 4)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
        _rfonts(style, FONT)
    styles["Heading 1"].paragraph_format.page_break_before = True
    title = styles["Title"]
    title.font.name = FONT
    title.font.size = Pt(30)
    title.paragraph_format.space_before = Pt(120)
    title.paragraph_format.space_after = Pt(12)
    _rfonts(title, FONT)
    subtitle = styles["Subtitle"]
    subtitle.font.size = Pt(16)
    subtitle.paragraph_format.space_after = Pt(36)
    toc_heading = styles["TOC Heading"]
    toc_heading.paragraph_format.page_break_before = True
    caption = styles["Caption"]
    caption.font.size = Pt(9.5)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    caption.paragraph_format.space_before = Pt(10)
    caption.paragraph_format.space_after = Pt(4)
    caption.paragraph_format.keep_with_next = True
    small = styles.add_style("Quelle", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(8.5)
    small.paragraph_format.space_after = Pt(2)
    small.paragraph_format.space_before = Pt(1)
    cell = styles.add_style("Tabelleninhalt", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(9)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.space_before = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    for level in (1, 2):
        toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.space_after = Pt(2 if level == 2 else 4)
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        toc.font.bold = level == 1
    findings = styles.add_style("Ergebnisse Kapitel", WD_STYLE_TYPE.PARAGRAPH)  # a heading kept out of the TOC
    findings.base_style = normal
    findings.font.bold = True
    findings.font.size = Pt(11)
    findings.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    findings.paragraph_format.space_before = Pt(10)
    findings.paragraph_format.space_after = Pt(2)
    findings.paragraph_format.keep_with_next = True
    _outline_level(findings, 2)
    figure = styles.add_style("Abbildung", WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = normal
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.keep_with_next = True
    figure.paragraph_format.space_before = Pt(6)


def _outline_level(style, level: int) -> None:
    """A paragraph style that is a heading of ``level`` for screen readers, the PDF tags and Word's navigation,
    but not one of Word's heading styles, so that the TOC field (\\o "1-2" without \\u) leaves it out."""
    ppr = style.element.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    ppr.append(outline)


def _rfonts(style, font: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _set_doc_defaults_language(document) -> None:
    """w:lang de-DE in docDefaults: LibreOffice takes the PDF /Lang from here, Word the spell-check language."""
    styles_el = document.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    for style in document.styles:
        rpr_style = style.element.find(qn("w:rPr"))
        if rpr_style is not None and rpr_style.find(qn("w:lang")) is not None:
            rpr_style.find(qn("w:lang")).set(qn("w:val"), LANGUAGE)


def _set_page(document) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    header = section.header.paragraphs[0]  # empty in the public edition; the internal one is marked on every page
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark = header.add_run("{{ bericht.kennzeichnung }}")
    mark.bold = True
    mark.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ bericht.titel }} {{ bericht.jahr }} – Seite ")
    _field(footer, "PAGE", "1")


def _set_update_fields(document) -> None:
    """Ask Word to update the table of contents when the report is opened."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, TOC) with a placeholder result."""
    def fld(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            char.set(qn("w:dirty"), "true")
        run.element.append(char)

    fld("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.element.append(instr)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


# ---- content -----------------------------------------------------------------------------------------


def _p(document, text: str = "", style: str | None = None):
    return document.add_paragraph(text, style=style)


def _kept(paragraph) -> None:
    """Keep the paragraph on the page of the next one: a heading's text with its chart, a chart with its table."""
    paragraph.paragraph_format.keep_with_next = True


def _title_page(document) -> None:
    _p(document, "{{ bericht.stadt }}", "Subtitle")
    _p(document, "{{ bericht.titel }} {{ bericht.jahr }}", "Title")
    _p(document, "{{ bericht.untertitel }}", "Subtitle")
    _p(document, "Berichtsjahr {{ bericht.jahr }} · Stand: {{ bericht.stand }}")
    _p(document, "Herausgeber: {{ bericht.herausgeber }}")


def _front_matter(document) -> None:
    _p(document, "Inhalt", "TOC Heading")
    _field(_p(document), 'TOC \\o "1-2" \\h \\z',
           "Das Inhaltsverzeichnis wird beim Öffnen in Word aktualisiert (sonst: Rechtsklick, Feld aktualisieren).")
    document.add_heading("Vorwort", 1)
    _p(document, VORWORT)

    document.add_heading("Wichtigste Ergebnisse", 1)
    _p(document, "{{ ergebnisse_text }}")
    _p(document, ERGEBNISSE_HINWEIS)
    _p(document, "{%p for e in ergebnisse %}")
    _p(document, "{{ e.titel }}", "Ergebnisse Kapitel")
    _p(document, "{%p for p in e.punkte %}")
    finding = _p(document, style="List Bullet")
    finding.add_run("{{ p.kennzahl }}:").bold = True
    finding.add_run(" {{ p.text }} (siehe Abschnitt „{{ p.abschnitt }}“).")
    _p(document, "{%p endfor %}")
    _p(document, "{%p endfor %}")

    document.add_heading("Zusammenfassung", 1)
    _p(document, "{{ zusammenfassung }}")
    _p(document, "{%p for u in uebersicht %}")
    _p(document, "Übersicht: {{ u.titel }}", "Caption")
    _fixed_table(document, ("Kennzahl", "Zielgruppe", "Wert", "Vergleichsgruppe", "Wert", "Abstand", "Trend"),
                 "z in u.zeilen", ("z.kennzahl", "z.gruppe", "z.wert", "z.vergleich", "z.vergleichswert",
                                   "z.abstand", "z.trend"), right=(2, 4, 5))
    _p(document, "{%p endfor %}")
    _p(document, "{{ trend_erklaerung }}", "Quelle")

    document.add_heading("Begriffe und Datengrundlagen", 1)
    _p(document, "{%p for b in begriffe %}")
    document.add_heading("{{ b.titel }}", 2)
    _p(document, "{{ b.text }}")
    _p(document, "{%p endfor %}")
    document.add_heading("Quellen und Stichtage", 2)
    _p(document, "Quellen und Stichtage der Kennzahlen", "Caption")
    _fixed_table(document, ("Kennzahl", "Quelle", "Stichtag"), "q in quellen", ("q.kennzahl", "q.quelle", "q.stichtag"))
    document.add_heading("Zeichenerklärung", 2)
    _p(document, "Zeichen in Tabellen und Texten", "Caption")
    _fixed_table(document, ("Zeichen", "Bedeutung"), "s in zeichen", ("s.zeichen", "s.bedeutung"))
    _p(document, "{{ geheimhaltung_text }}")


def _chapters(document) -> None:
    _p(document, "{%p for hf in handlungsfelder %}")
    document.add_heading("{{ hf.titel }}", 1)
    _p(document, "{{ hf.beschreibung }}")
    _p(document, "{%p for v in hf.verweise %}")
    _p(document, "{{ v }}")
    _p(document, "{%p endfor %}")
    _p(document, "{%p for k in hf.kennzahlen %}")
    document.add_heading("{{ k.titel }}", 2)
    _kept(_p(document, "Definition: {{ k.definition }}"))
    _p(document, "{%p if k.zaehler %}")
    _kept(_p(document, "Zähler: {{ k.zaehler }}. Nenner: {{ k.nenner }}.", "Quelle"))
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.hat_daten %}")
    _kept(_p(document, "{{ k.text }}"))
    _p(document, "{%p if k.grafik %}")
    _p(document, "{{ k.grafik }}", "Abbildung")
    _p(document, "Abbildung: {{ k.grafik_titel }}", "Caption")
    _p(document, "{%p endif %}")
    _p(document, "Tabelle: {{ k.tabelle.titel }}", "Caption")
    _loop_table(document, "k.tabelle")
    _p(document, "{%p if k.stadtteil_grafik %}")
    _kept(_p(document, "{{ k.stadtteil_text }}"))
    _p(document, "{{ k.stadtteil_grafik }}", "Abbildung")
    _p(document, "Abbildung: {{ k.stadtteil_grafik_titel }}", "Caption")
    _p(document, "Tabelle: {{ k.stadtteil_tabelle.titel }}", "Caption")
    _loop_table(document, "k.stadtteil_tabelle")
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.vergleich %}")
    _kept(_p(document, "{{ k.vergleich_text }}"))
    _p(document, "Tabelle: {{ k.vergleich.titel }}", "Caption")
    _loop_table(document, "k.vergleich")
    _p(document, "{%p endif %}")
    _p(document, "{%p else %}")
    _p(document, "{{ k.fehlt_text }}")
    _p(document, "{%p endif %}")
    _p(document, "Quelle: {{ k.quelle }}. Stichtag: {{ k.stichtag }}.", "Quelle")
    _p(document, "{%p if k.hinweise %}")
    _p(document, "Methodische Hinweise: {{ k.hinweise }}", "Quelle")
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.notiz_intern %}")
    _p(document, "Interne Notiz: {{ k.notiz_intern }}", "Quelle")
    _p(document, "{%p endif %}")
    _p(document, "{%p for f in k.fussnoten %}")
    _p(document, "{{ f }}", "Quelle")
    _p(document, "{%p endfor %}")
    _p(document, "{%p endfor %}")
    _p(document, "{%p endfor %}")


def _annex(document) -> None:
    document.add_heading("Anhang", 1)
    document.add_heading("Übersicht der Kennzahlen", 2)
    _p(document, "Alle Kennzahlen des Katalogs", "Caption")
    _fixed_table(document, ("Kennung", "Kennzahl", "Handlungsfeld", "Einheit", "Richtung", "Zuständige Stelle"),
                 "a in anhang_kennzahlen", ("a.kennung", "a.name", "a.handlungsfeld", "a.einheit", "a.richtung",
                                             "a.stelle"))
    _p(document, "{%p if intern %}")  # the internal edition only: files, warnings, errors, contacts
    document.add_heading("Datenlieferungen {{ bericht.jahr }}", 2)
    _p(document, "{{ lieferungen_text }}")
    _p(document, "Eingegangene Lieferungen", "Caption")
    _fixed_table(document, ("Stelle", "Datei", "Übernommen am", "Warnungen", "Ansprechperson"), "l in lieferungen",
                 ("l.stelle", "l.datei", "l.zeitpunkt", "l.warnungen", "l.kontakt"))
    _p(document, "{%p endif %}")
    document.add_heading("Datenlücken {{ bericht.jahr }}", 2)
    _p(document, "{{ luecken_text }}")
    _p(document, "Kennzahlen ohne Wert für {{ bericht.jahr }}", "Caption")
    _fixed_table(document, ("Kennung", "Kennzahl", "Grund"), "g in luecken", ("g.kennung", "g.name", "g.grund"))
    _p(document, "{%p if intern %}")
    document.add_heading("Prüfung der Geheimhaltung", 2)
    _p(document, "{{ pruefung_text }}")
    _p(document, "{%p for z in pruefung %}")
    _p(document, "{{ z }}")
    _p(document, "{%p endfor %}")
    _p(document, "{%p endif %}")


# ---- tables ------------------------------------------------------------------------------------------


def _new_table(document, rows: int, cols: int):
    table = document.add_table(rows=rows, cols=cols)
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    mark_header_row(document.element.body.findall(qn("w:tbl"))[-1].find(qn("w:tr")))  # the table just added
    return table


def _cell_text(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = "Tabelleninhalt"
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold


def _fixed_table(document, headers: tuple[str, ...], loop: str, fields: tuple[str, ...],
                 right: tuple[int, ...] = ()) -> None:
    """Header row + one template row repeated with {%tr for %}; the columns ``right`` (numbers) right-aligned."""
    table = _new_table(document, 4, len(headers))
    for index, (cell, header) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        _cell_text(cell, header, bold=True, right=index in right)
    _cell_text(table.rows[1].cells[0], f"{{%tr for {loop} %}}")
    for index, (cell, field) in enumerate(zip(table.rows[2].cells, fields, strict=True)):
        _cell_text(cell, f"{{{{ {field} }}}}", right=index in right)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")


def _loop_table(document, var: str) -> None:
    """A table of any width: {var}.kopf is the header row, {var}.zeilen the rows (lists of cell texts).

    The first column (row label) is left-aligned, the value columns right-aligned.
    """
    table = _new_table(document, 4, 4)
    header, loop_start, body, loop_end = table.rows
    _cell_text(header.cells[0], f"{{{{ {var}.kopf[0] }}}}", bold=True)
    _cell_text(header.cells[1], f"{{%tc for h in {var}.kopf[1:] %}}")
    _cell_text(header.cells[2], "{{ h }}", bold=True, right=True)
    _cell_text(header.cells[3], "{%tc endfor %}")
    _cell_text(loop_start.cells[0], f"{{%tr for z in {var}.zeilen %}}")
    _cell_text(body.cells[0], "{{ z[0] }}")
    _cell_text(body.cells[1], "{%tc for c in z[1:] %}")
    _cell_text(body.cells[2], "{{ c }}", right=True)
    _cell_text(body.cells[3], "{%tc endfor %}")
    _cell_text(loop_end.cells[0], "{%tr endfor %}")


def mark_header_row(tr) -> None:
    """w:tblHeader on a table row (its w:tr element): the row repeats on every page and becomes a TH row in a
    tagged PDF. python-docx has no public way from a row to its element; the document's element has one."""
    tr_pr = tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
