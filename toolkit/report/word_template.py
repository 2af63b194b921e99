"""Build templates/Bericht.docx: the Word report template with docxtpl tags, German styles and language; the
report's styles, page and edition mark, which the Stadtteil profiles share.

The template is meant to be restyled by staff in Word: every heading uses a built-in heading style
(Word shows them as "Überschrift 1/2"), tables use the style "Table Grid", small print the style
"Quelle". The tags ({{ … }}, {%p … %}, {%tr … %}, {%tc … %}) must stay intact; the context that
fills them is built by toolkit/report/context.py and documented there. Everything below python-docx's public
API (fields, fonts, header rows, language, settings) is done by report/word.py.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from toolkit.core.workspace import atomic_write_bytes
from toolkit.report.editorial import placeholder
from toolkit.report.summary import SUMMARY_CAPTION, SUMMARY_HEADER
from toolkit.report.word import (
    LANGUAGE,
    TABLE_STYLE,
    add_field,
    drop_styles_with_effects,
    mark_header_row,
    request_field_update,
    set_fonts,
    set_language,
    set_outline_level,
)

FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
BLUE, GREY, RED = RGBColor(0x1F, 0x3A, 0x5F), RGBColor(0x33, 0x33, 0x33), RGBColor(0xC0, 0x00, 0x00)

FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ERGEBNISSE_HINWEIS = placeholder(
    "Entwurf aus den veröffentlichten Werten: Die Punkte sind nach der Größe der Veränderung ausgewählt. Bitte "
    "prüfen, einordnen und in Word bearbeiten; diesen Absatz löschen."
)
VORWORT = placeholder(
    "Platzhalter für das Vorwort: Hier ordnet die Koordination die Ergebnisse ein, nennt den Bezug zum "
    "Integrationskonzept der Stadt und dankt den beteiligten Stellen. Diesen Absatz bitte in Word ersetzen."
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


def build_report_template() -> Document:
    document = docx.Document()
    add_report_styles(document)
    set_page(document, "{{ bericht.titel }} {{ bericht.jahr }}", mark="{{ bericht.kennzeichnung }}")
    request_field_update(document)
    drop_styles_with_effects(document)
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


def knows_internal_edition(template: Path) -> bool:
    """True if the report template has the internal edition's placeholders (built by this version)."""
    return template_mentions(template, "notiz_intern", "pruefung")


def knows_summary_table(template: Path) -> bool:
    """True if the report template has the Zusammenfassung's one table and the chapters' overview (issue #19)."""
    return template_mentions(template, "zusammenfassung_zeilen", "hf.ueberblick")


def knows_extra_parts(template: Path) -> bool:
    """True if the report template has the indicators' extra part (k.zusatz: the nationalities, issue #20)."""
    return template_mentions(template, "k.zusatz")


def knows_front_matter(template: Path) -> bool:
    """True if the report template has the cover map, Impressum, Auf einen Blick and Abkürzungen (issue #19)."""
    return template_mentions(template, "titelkarte", "impressum.", "auf_einen_blick", "abkuerzungen")


def template_text(template: Path) -> str:
    """The words of the template's document (its fixed texts and placeholders), one run per line; "" if unreadable."""
    try:
        with zipfile.ZipFile(template) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""
    return "\n".join(html.unescape(text) for text in re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))


def template_mentions(template: Path, *names: str) -> bool:
    """True if every one of ``names`` occurs in the template's document (its docxtpl placeholders)."""
    try:
        with zipfile.ZipFile(template) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return all(name in xml for name in names)


# ---- styles and page ----------------------------------------------------------------------------------------


def add_report_styles(document: Document, *, long_contents: bool = False) -> None:
    """The report's styles, for the template and the Stadtteil profiles alike: built-in headings, title, caption
    and table of contents restyled; "Quelle" (small print), "Tabelleninhalt", "Ergebnisse Kapitel" (a heading kept
    out of the table of contents) and "Abbildung" added. Staff may restyle all of them in Word.

    ``long_contents``: the table of contents has a line per Stadtteil (the profiles), set compact (9.5 pt, no
    spacing, not bold) so that forty lines fit on one page; the report's lists chapters, bold and spaced."""
    styles = document.styles
    set_language(document)
    normal = styles["Normal"]
    _font(normal, 10.5)
    _spacing(normal, before=4, after=6, line=1.15)
    for name, size, before, after in (("Heading 1", 16, 0, 12), ("Heading 2", 13, 18, 6), ("Heading 3", 11, 12, 4)):
        _font(styles[name], size, bold=True, colour=BLUE)
        _spacing(styles[name], before=before, after=after, keep=True)
    styles["Heading 1"].paragraph_format.page_break_before = True
    _font(styles["Title"], 30)
    _spacing(styles["Title"], before=120, after=12)
    styles["Subtitle"].font.size = Pt(16)
    styles["Subtitle"].paragraph_format.space_after = Pt(36)
    styles["TOC Heading"].paragraph_format.page_break_before = True
    caption = styles["Caption"]
    caption.font.size, caption.font.bold, caption.font.italic, caption.font.color.rgb = Pt(9.5), True, False, GREY
    _spacing(caption, before=10, after=4, keep=True)
    _spacing(_new_style(document, "Quelle", 8.5), before=1, after=2)
    _spacing(_new_style(document, "Tabelleninhalt", 9), before=0, after=0, line=1.0)
    for level in (1, 2):
        toc = _new_style(document, f"toc {level}", 9.5 if long_contents else None)
        if long_contents:
            _spacing(toc, before=0, after=0, line=1.0)
        else:
            toc.paragraph_format.space_after = Pt(2 if level == 2 else 4)
            toc.font.bold = level == 1
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    findings = _new_style(document, "Ergebnisse Kapitel", 11)
    findings.font.bold, findings.font.color.rgb = True, BLUE
    _spacing(findings, before=10, after=2, keep=True)
    set_outline_level(findings, 2)  # in the navigation and the PDF tags, not in the TOC (\o "1-2" without \u)
    big = _new_style(document, "Kennzahl groß")  # Auf einen Blick: the number right-aligned at 4 cm, text at 4.6 cm
    big.paragraph_format.left_indent, big.paragraph_format.first_line_indent = Cm(4.6), Cm(-4.6)
    big.paragraph_format.tab_stops.add_tab_stop(Cm(4.0), WD_TAB_ALIGNMENT.RIGHT)
    big.paragraph_format.tab_stops.add_tab_stop(Cm(4.6))
    big.paragraph_format.keep_together = True
    _spacing(big, before=6, after=6, line=1.0)
    figure = _new_style(document, "Abbildung")
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(figure, before=6, keep=True)


def _new_style(document: Document, name: str, size: float | None = None) -> BaseStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    if size is not None:
        style.font.size = Pt(size)
    return style


def _font(style: BaseStyle, size: float, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    """Size and the font FONT for every script (no theme fonts), optionally bold and coloured."""
    style.font.name = FONT
    style.font.size = Pt(size)
    if bold:
        style.font.bold = True
    if colour is not None:
        style.font.color.rgb = colour
    set_fonts(style, FONT)


def _spacing(style: BaseStyle, *, before: float | None = None, after: float | None = None, line: float | None = None,
             keep: bool = False) -> None:
    paragraph = style.paragraph_format
    if after is not None:
        paragraph.space_after = Pt(after)
    if before is not None:
        paragraph.space_before = Pt(before)
    if line is not None:
        paragraph.line_spacing = line
    if keep:
        paragraph.keep_with_next = True


def set_page(document: Document, footer: str, mark: str = "") -> None:
    """A4 with the report's margins; ``footer`` and the page number centred at the foot of every page, ``mark``
    (bold, red) at the head."""
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    if mark:
        _mark(section.header.paragraphs[0], mark)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(f"{footer} – Seite ")
    add_field(paragraph, "PAGE", "1")


def mark_every_page(document: Document, mark: str) -> None:
    """Put ``mark`` at the top of every header in use that does not show it yet (an older template has none):
    the default header of each section, the first-page and even-page headers where the document uses them."""
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
        _mark(paragraphs[0].insert_paragraph_before() if paragraphs else header.add_paragraph(), mark)


def _mark(paragraph: Paragraph, mark: str) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(mark)
    run.bold = True
    run.font.color.rgb = RED



# ---- content -----------------------------------------------------------------------------------------


def _p(document: Document, text: str = "", style: str | None = None) -> Paragraph:
    return document.add_paragraph(text, style=style)


def _kept(paragraph: Paragraph) -> None:
    """Keep the paragraph on the page of the next one: a heading's text with its chart, a chart with its table."""
    paragraph.paragraph_format.keep_with_next = True


def _title_page(document: Document) -> None:
    """The cover (city, title, year, the Stadtteil map), the Impressum on its back and the page Auf einen Blick."""
    _p(document, "{{ bericht.stadt }}", "Subtitle")
    _p(document, "{{ bericht.titel }} {{ bericht.jahr }}", "Title").paragraph_format.space_before = Pt(36)
    _p(document, "{{ bericht.untertitel }}", "Subtitle").paragraph_format.space_after = Pt(12)
    _p(document, "{{ titelkarte }}", "Abbildung")
    _p(document, "Berichtsjahr {{ bericht.jahr }}", "Subtitle")

    heading = _p(document, "Impressum", "Ergebnisse Kapitel")
    heading.paragraph_format.page_break_before = True
    for label, key in IMPRESSUM_LINES:
        line = _p(document)
        line.add_run(f"{label}: ").bold = True
        line.add_run(f"{{{{ impressum.{key} }}}}")
    _p(document, "{{ impressum.nachdruck }}", "Quelle")

    document.add_heading("Auf einen Blick", 1)
    _p(document, "{{ auf_einen_blick_text }}")
    _p(document, "{%p for b in auf_einen_blick %}")
    figure = _p(document, style="Kennzahl groß")  # "\t243.300\tEinwohnerinnen und Einwohner" / reading below
    big = figure.add_run("\t{{ b.wert }}\t")
    big.bold, big.font.size, big.font.color.rgb = True, Pt(22), BLUE
    figure.add_run("{{ b.kennzahl }}").bold = True
    figure.add_run().add_break()
    figure.add_run("{{ b.lesart }}")
    _p(document, "{%p endfor %}")
    _p(document, "{{ auf_einen_blick_quelle }}", "Quelle")


IMPRESSUM_LINES = (("Herausgeber", "herausgeber"), ("Anschrift", "anschrift"), ("Bearbeitung", "bearbeitung"),
                   ("Kontakt", "kontakt"), ("Stand", "stand"))


def _front_matter(document: Document) -> None:
    _p(document, "Inhalt", "TOC Heading")
    add_field(_p(document), 'TOC \\o "1-2" \\h \\z',
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
    _p(document, SUMMARY_CAPTION, "Caption")
    _fixed_table(document, tuple(SUMMARY_HEADER), "z in zusammenfassung_zeilen",
                 ("z.kennzahl", "z.jahr", "z.gruppe", "z.wert", "z.vergleichswert", "z.abstand", "z.entwicklung",
                  "z.bewertung"), right=(1, 3, 4, 5))
    _p(document, "{{ trend_erklaerung }}", "Quelle")

    document.add_heading("Begriffe und Datengrundlagen", 1)
    _p(document, "{%p for b in begriffe %}")
    document.add_heading("{{ b.titel }}", 2)
    _p(document, "{{ b.text }}")
    _p(document, "{%p endfor %}")
    document.add_heading("Quellen und Stichtage", 2)
    _p(document, "Quellen und Stichtage der Kennzahlen", "Caption")
    _fixed_table(document, ("Kennzahl", "Quelle", "Stichtag oder Zeitraum"), "q in quellen", ("q.kennzahl", "q.quelle", "q.stichtag"))
    document.add_heading("Zeichenerklärung", 2)
    _p(document, "Zeichen in Tabellen und Texten", "Caption")
    _fixed_table(document, ("Zeichen", "Bedeutung"), "s in zeichen", ("s.zeichen", "s.bedeutung"))
    _p(document, "{{ geheimhaltung_text }}")


def _chapters(document: Document) -> None:
    _p(document, "{%p for hf in handlungsfelder %}")
    document.add_heading("{{ hf.titel }}", 1)
    _p(document, "{{ hf.beschreibung }}")
    _p(document, "{%p if hf.ueberblick %}")
    _kept(_p(document, "Im Überblick:"))
    _p(document, "{%p for u in hf.ueberblick %}")
    _p(document, "{{ u }}", "List Bullet")
    _p(document, "{%p endfor %}")
    _p(document, "{%p endif %}")
    _p(document, "{%p for v in hf.verweise %}")
    _p(document, "{{ v }}")
    _p(document, "{%p endfor %}")
    _p(document, "{%p for k in hf.kennzahlen %}")
    document.add_heading("{{ k.titel }}", 2)
    _kept(_p(document, "Definition: {{ k.definition }}"))
    _p(document, "{%p if k.zaehler %}")
    _kept(_p(document, "Zähler: {{ k.zaehler }}. Nenner: {{ k.nenner }}.", "Quelle"))
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.hinweise %}")
    _p(document, "Methodische Hinweise: {{ k.hinweise }}", "Quelle")  # a page may end here, not inside the chart
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.notiz_intern %}")
    _p(document, "Interne Notiz: {{ k.notiz_intern }}", "Quelle")
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.hat_daten %}")
    _kept(_p(document, "{{ k.text }}"))
    _p(document, "{%p if k.grafik %}")
    _p(document, "{{ k.grafik }}", "Abbildung")
    _p(document, "Abbildung: {{ k.grafik_titel }}", "Caption")
    _p(document, "{%p endif %}")
    _table_with_notes(document, "k.tabelle")
    _p(document, "{%p if k.stadtteil_grafik %}")
    _kept(_p(document, "{{ k.stadtteil_text }}"))
    _p(document, "{{ k.stadtteil_grafik }}", "Abbildung")
    _p(document, "Abbildung: {{ k.stadtteil_grafik_titel }}", "Caption")
    _table_with_notes(document, "k.stadtteil_tabelle")
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.vergleich %}")
    _kept(_p(document, "{{ k.vergleich_text }}"))
    _table_with_notes(document, "k.vergleich")
    _p(document, "{%p endif %}")
    _p(document, "{%p if k.zusatz %}")  # the most frequent nationalities (report/nationalities.py)
    _kept(_p(document, "{{ k.zusatz.text }}"))
    _p(document, "{{ k.zusatz_grafik }}", "Abbildung")
    _p(document, "Abbildung: {{ k.zusatz.grafik_titel }}", "Caption")
    _table_with_notes(document, "k.zusatz.tabelle")
    _p(document, "{%p endif %}")
    _p(document, "{%p else %}")
    _p(document, "{{ k.fehlt_text }}")
    _p(document, "Vorgesehene Quelle: {{ k.quelle }}.", "Quelle")
    _p(document, "{%p endif %}")
    _p(document, "{%p endfor %}")
    _p(document, "{%p endfor %}")


def _table_with_notes(document: Document, var: str) -> None:
    """Caption, table, then right below it its footnotes and its source line (Stand, Stichtag or Zeitraum), so
    that a mark is explained on its page (word.py keeps them with the table)."""
    _p(document, f"Tabelle: {{{{ {var}.titel }}}}", "Caption")
    _loop_table(document, var)
    _p(document, f"{{%p for f in {var}.fussnoten %}}")
    _p(document, "{{ f }}", "Quelle")
    _p(document, "{%p endfor %}")
    _p(document, f"{{{{ {var}.quelle }}}}", "Quelle")


def _annex(document: Document) -> None:
    document.add_heading("Anhang", 1)
    document.add_heading("Übersicht der Kennzahlen", 2)
    _p(document, "Alle Kennzahlen des Katalogs", "Caption")
    _fixed_table(document, ("Kennung", "Kennzahl", "Handlungsfeld", "Einheit", "Richtung", "Zuständige Stelle"),
                 "a in anhang_kennzahlen", ("a.kennung", "a.name", "a.handlungsfeld", "a.einheit", "a.richtung",
                                             "a.stelle"))
    document.add_heading("Abkürzungen", 2)
    _p(document, "Im Bericht verwendete Abkürzungen", "Caption")
    _fixed_table(document, ("Abkürzung", "Bedeutung"), "a in abkuerzungen", ("a.abkuerzung", "a.bedeutung"))
    document.add_heading("Glossar", 2)
    _p(document, "Begriffe, die in allen Kapiteln vorkommen", "Caption")
    _fixed_table(document, ("Begriff", "Erklärung"), "g in glossar", ("g.begriff", "g.erklaerung"))
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


def _new_table(document: Document, rows: int, cols: int) -> Table:
    table = document.add_table(rows=rows, cols=cols)
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    mark_header_row(table)
    return table


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = "Tabelleninhalt"
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold


def _fixed_table(document: Document, headers: tuple[str, ...], loop: str, fields: tuple[str, ...],
                 right: tuple[int, ...] = ()) -> None:
    """Header row + one template row repeated with {%tr for %}; the columns ``right`` (numbers) right-aligned."""
    table = _new_table(document, 4, len(headers))
    for index, (cell, header) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        _cell_text(cell, header, bold=True, right=index in right)
    _cell_text(table.rows[1].cells[0], f"{{%tr for {loop} %}}")
    for index, (cell, field) in enumerate(zip(table.rows[2].cells, fields, strict=True)):
        _cell_text(cell, f"{{{{ {field} }}}}", right=index in right)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")


def _loop_table(document: Document, var: str) -> None:
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

