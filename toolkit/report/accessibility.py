"""Accessibility post-processing of the rendered report (python-docx offers no API for these).

- alt text on every picture (wp:docPr descr), in document order;
- header rows marked to repeat (w:tblHeader) and column widths after docxtpl's column loops;
- no empty paragraphs used for spacing;
- title, subject, author and language (de-DE) in the core properties, the language also in the document defaults;
- the table of contents pre-filled with the headings, bookmarks and PAGEREF fields.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from toolkit.core.errors import ToolkitError

LANGUAGE = "de-DE"
PAGE_WIDTH_TWIPS = 9412  # 16.6 cm text width of the template
FIXED_WIDTHS = {  # header row of the template's fixed tables -> relative column widths
    ("Kennzahl", "Zielgruppe", "Wert", "Vergleichsgruppe", "Wert", "Abstand", "Trend"): (25, 15, 10, 14, 10, 9, 17),
    ("Kennzahl", "Quelle", "Stichtag"): (32, 50, 18),
    ("Zeichen", "Bedeutung"): (12, 88),
    ("Kennung", "Kennzahl", "Handlungsfeld", "Einheit", "Richtung", "Zuständige Stelle"): (10, 28, 20, 10, 14, 18),
    ("Stelle", "Datei", "Übernommen am", "Warnungen"): (24, 28, 14, 34),
    ("Stelle", "Datei", "Übernommen am", "Warnungen", "Ansprechperson"): (19, 22, 12, 25, 22),  # internal edition
    ("Kennung", "Kennzahl", "Grund"): (11, 30, 59),
    ("Kennzahl", "Stadtteil", "Gesamtstadt", "Differenz", "Rang"): (44, 14, 14, 14, 14),  # Stadtteilprofile
}

def finish_document(document, alt_texts: list[str], *, title: str, subject: str = "", author: str = "") -> None:  # noqa: ANN001
    """Alt text on every picture, header rows that repeat, column widths, title and language."""
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
    _set_default_language(document)
    props = document.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.language = LANGUAGE


def _set_default_language(document) -> None:  # noqa: ANN001
    """w:lang de-DE in the document defaults (LibreOffice takes the PDF's language from there, Word the proofing
    language); documents built without the report template (the Stadtteil profiles) have none."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _finish_table(table) -> None:  # noqa: ANN001 - lxml element
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
