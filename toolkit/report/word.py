"""The one adapter for Word's XML: everything the toolkit does to a .docx below python-docx's public API.

python-docx has no API for alt text, repeated header rows, rows that never split, fields, bookmarks, links, no-break
hyphens, the document language, the settings part or for writing forty pages of tables fast; this module does it on the
XML (python-docx's oxml layer, lxml), and no other module of the toolkit touches that XML (tests/test_architecture.py
checks it). What the public API can do (styles, page, paragraphs of the template) is done in report/word_template.py and
report/profiles.py; the schema's orders are data in report/word_schema.py.

What Word opens without repairing it (tests/test_word.py runs openxml-audit over the report and the profiles): elements
go where the schema's sequence puts them (w:updateFields before w:compat, w:tblW before w:tblLayout), an on/off property
that is on is the element alone, as Word writes it (<w:tblHeader/>, <w:cantSplit/>; the schema allows only "on"/"off"
there, not "true"), and the stylesWithEffects part that python-docx's default document carries is dropped (Word 2010
reads it instead of styles.xml, and it no longer matches).
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement as Element
from docx.shared import Pt
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from toolkit.core.errors import ToolkitError
from toolkit.report.table_layout import (
    CELL_MARGIN_TWIPS,
    KEEP_TOGETHER_ROWS,
    PAGE_ROWS,
    TABLE_SIZES,
    Cells,
    shared_widths,
)
from toolkit.report.word_schema import ON_OFF_ONLY, P_PR, SETTINGS, STYLES_WITH_EFFECTS, TBL_PR, TR_PR

LANGUAGE = "de-DE"
TABLE_STYLE = "Table Grid"
PAGE_PLACEHOLDER = "…"  # shown for a page number until Word or LibreOffice computes it



# ---- the whole document ---------------------------------------------------------------------------------


def finish_document(document: Document, alt_texts: list[str], *, title: str, subject: str = "",
                    author: str = "") -> None:
    """Alt text on every picture, tables that fit and flow, bookmarks, TOC, linked references, title and language;
    then what Word needs to open the file without repairing it."""
    set_alt_texts(document, alt_texts)
    finish_tables(document)
    drop_empty_paragraphs(document)
    headings = bookmark_headings(document)
    fill_table_of_contents(document, headings)
    link_references(document, {text: name for _level, text, name in headings})
    join_leading_hyphens(document)  # last: the steps before read the headings' text from w:t
    set_language(document)
    request_field_update(document)
    drop_styles_with_effects(document)
    for name, value in (("title", title), ("subject", subject), ("author", author), ("language", LANGUAGE)):
        setattr(document.core_properties, name, value)


def set_alt_texts(document: Document, alt_texts: list[str]) -> None:
    """The alt text (wp:docPr descr) and title (its part before ":") of every picture, in document order."""
    pictures = list(document.element.body.iter(qn("wp:docPr")))
    if len(pictures) != len(alt_texts):
        raise ToolkitError(f"Interner Fehler: {len(pictures)} Bilder, aber {len(alt_texts)} Alternativtexte.")
    for doc_pr, alt in zip(pictures, alt_texts, strict=True):
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt.split(":", 1)[0])


def set_language(document: Document, language: str = LANGUAGE) -> None:
    """w:lang in the document defaults: LibreOffice takes the PDF's /Lang from there, Word the proofing language."""
    defaults = _child(document.styles.element, "w:docDefaults", first=True)
    lang = _child(_child(_child(defaults, "w:rPrDefault", first=True), "w:rPr"), "w:lang")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def request_field_update(document: Document) -> None:
    """w:updateFields in the settings, where the schema puts it: Word fills the table of contents on opening."""
    settings = document.settings.element
    for stale in settings.findall(qn("w:updateFields")):
        settings.remove(stale)
    _child(settings, "w:updateFields", order=SETTINGS).set(qn("w:val"), "true")


def drop_styles_with_effects(document: Document) -> None:
    """Remove the stylesWithEffects part (python-docx's default document has one from Word 2010): Word 2010 would
    read its styles, not the ones the toolkit set in styles.xml, and a checker reports the mismatch."""
    rels = document.part.rels
    for rel_id in [key for key, rel in rels.items() if rel.reltype == STYLES_WITH_EFFECTS]:
        del rels[rel_id]


# ---- styles and fields --------------------------------------------------------------------------------------


def set_fonts(style: BaseStyle, font: str) -> None:
    """``font`` for every script of ``style`` (w:rFonts), no theme fonts."""
    fonts = _child(style.element.get_or_add_rPr(), "w:rFonts", first=True)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def set_outline_level(style: BaseStyle, level: int) -> None:
    """A paragraph style that is a heading of ``level`` for screen readers, the PDF tags and Word's navigation,
    but not one of Word's heading styles, so that a TOC field without \\u leaves it out."""
    _child(style.element.get_or_add_pPr(), "w:outlineLvl", order=P_PR).set(qn("w:val"), str(level - 1))


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, TOC) at the end of ``paragraph``, marked dirty so that Word computes it, with
    ``placeholder`` as its result until then."""
    _add_field(paragraph._p, instruction, placeholder)


def _add_field(paragraph: Element, instruction: str, placeholder: str) -> None:
    begin = _run(fld="begin")
    begin[0].set(qn("w:dirty"), "true")
    for run in (begin, _run(instr=f" {instruction.strip()} "), _run(fld="separate"), _run(text=placeholder),
                _run(fld="end")):
        paragraph.append(run)


def mark_header_row(table: Table) -> None:
    """The first row repeats on every page and becomes a TH row in a tagged PDF (w:tblHeader)."""
    _on(table._tbl.find(qn("w:tr")).get_or_add_trPr(), "w:tblHeader")


# ---- tables -------------------------------------------------------------------------------------------------


def finish_tables(document: Document) -> None:
    """Every table: its header row repeated, no row split across pages, a small table kept on one page with its
    caption and chart (a longer one: the header and two rows kept with what follows), column widths that break no
    word (report/table_layout.py)."""
    tables = list(document.element.body.iter(qn("w:tbl")))
    for table in tables:
        rows = table.findall(qn("w:tr"))
        if not rows:
            continue
        _on(rows[0].get_or_add_trPr(), "w:tblHeader")
        for row in rows:
            _on(row.get_or_add_trPr(), "w:cantSplit")  # a row never breaks across pages
        for row in rows[:-1] if len(rows) <= KEEP_TOGETHER_ROWS else rows[:3]:
            for paragraph in row.iter(qn("w:p")):
                paragraph.get_or_add_pPr().keepNext_val = True
        keep_notes_with_table(document, table, rows)
    cells: list[Cells | None] = []
    for table in tables:
        rows = [row.findall(qn("w:tc")) for row in table.findall(qn("w:tr"))]
        columns = _grid(table)
        merged = not rows or not columns or any(len(row) != len(columns) for row in rows)
        cells.append(None if merged else [[([_text(p) for p in cell.iter(qn("w:p"))], index == 0) for cell in row]
                                          for index, row in enumerate(rows)])
    for table, fitted in zip(tables, shared_widths(cells), strict=True):
        if fitted is not None:
            _set_widths(table, *fitted)


def keep_notes_with_table(document: Document, table: Element, rows: list[Element]) -> None:
    """The page flow around a table (issue #19, point 3).

    Its footnotes and source line (the paragraphs of style "Quelle" right below it) stay together and with its last
    row, so that a mark is explained on its page and no source line stands alone. A table too long to keep on a page
    by keep-with-next (LibreOffice keeps no table with what follows) but short enough for one page (a Stadtteil
    table, PAGE_ROWS) starts a new page with its caption, so that it is never split.
    """
    notes = _notes_below(document, table)
    if notes:
        for paragraph in rows[-1].iter(qn("w:p")):
            paragraph.get_or_add_pPr().keepNext_val = True
        for paragraph in notes[:-1]:
            paragraph.get_or_add_pPr().keepNext_val = True
    caption = table.getprevious()
    if (KEEP_TOGETHER_ROWS < len(rows) <= PAGE_ROWS and caption is not None and caption.tag == qn("w:p")
            and _paragraph_style(caption) == _style_id(document, "Caption")):
        caption.get_or_add_pPr().pageBreakBefore_val = True
        for row in rows:
            for paragraph in row.iter(qn("w:p")):
                paragraph.get_or_add_pPr().keepNext_val = True  # Word: the rows on one page, with the notes


def _notes_below(document: Document, element: Element) -> list[Element]:
    """The paragraphs of style Quelle right after ``element`` (a table's footnotes and source line)."""
    notes, following, style = [], element.getnext(), _style_id(document, "Quelle")
    while following is not None and following.tag == qn("w:p") and _paragraph_style(following) == style:
        notes.append(following)
        following = following.getnext()
    return notes


def _style_id(document: Document, name: str) -> str | None:
    return next((style.style_id for style in document.styles if style.name == name), None)


def _paragraph_style(paragraph: Element) -> str | None:
    style = paragraph.find(qn("w:pPr") + "/" + qn("w:pStyle"))
    return style.get(qn("w:val")) if style is not None else None


def _grid(table: Element) -> list[Element]:
    grid = table.find(qn("w:tblGrid"))
    return grid.findall(qn("w:gridCol")) if grid is not None else []


def _set_widths(table: Element, widths: list[int], size: float) -> None:
    """Fixed layout of these column widths (twips) with narrow cell margins; the font size if smaller than the
    cell style's."""
    if size != TABLE_SIZES[0]:
        for run in table.iter(qn("w:r")):
            run.get_or_add_rPr().sz_val = Pt(size)
    properties = table.find(qn("w:tblPr"))
    _dxa(_child(properties, "w:tblW", order=TBL_PR), sum(widths))
    _child(properties, "w:tblLayout", order=TBL_PR).set(qn("w:type"), "fixed")
    margins = _child(properties, "w:tblCellMar", order=TBL_PR)
    for side in ("left", "right"):
        _dxa(_child(margins, f"w:{side}"), CELL_MARGIN_TWIPS)
    for column, width in zip(_grid(table), widths, strict=True):
        column.set(qn("w:w"), str(width))
    for row in table.findall(qn("w:tr")):
        for cell, width in zip(row.findall(qn("w:tc")), widths, strict=True):
            _dxa(_child(cell.get_or_add_tcPr(), "w:tcW", first=True), width)


def _dxa(element: Element, twips: int) -> None:
    element.set(qn("w:w"), str(twips))
    element.set(qn("w:type"), "dxa")


def _on(properties: Element, tag: str) -> None:
    """An on/off-only property switched on as Word writes it: the element alone, in the schema's order (a "true"
    that an older template carries is made the same)."""
    element = _child(properties, tag, order=TR_PR)
    if tag in ON_OFF_ONLY and element.get(qn("w:val")) in ("true", "1", "on"):
        del element.attrib[qn("w:val")]


# ---- paragraphs and text ----------------------------------------------------------------------------------------

_LEADING_HYPHEN = re.compile(r"(?<=\s)-(?=[^\W\d_])")  # "Berufsschülerinnen und -schüler"
_QUOTED = re.compile(r"„([^“]+)“")


def join_leading_hyphens(document: Document) -> None:
    """A hyphen that starts a word ("und -schüler") becomes a non-breaking hyphen (w:noBreakHyphen), so that no line
    ends with a lone "-"; Word and LibreOffice both break after a hyphen-minus otherwise."""
    for text in list(document.element.body.iter(qn("w:t"))):
        parts = _LEADING_HYPHEN.split(text.text or "")
        if len(parts) == 1:
            continue
        text.text = parts[0]
        for part in parts[1:]:
            hyphen = OxmlElement("w:noBreakHyphen")
            text.addnext(hyphen)
            text = _element("w:t", part)
            hyphen.addnext(text)


def drop_empty_paragraphs(document: Document) -> None:
    """No empty paragraphs for spacing: remove body paragraphs without text, picture, field or section break."""
    body = document.element.body
    for paragraph in list(body.findall(qn("w:p"))):
        if _text(paragraph).strip():
            continue
        if any(True for tag in ("w:drawing", "w:fldChar", "w:fldSimple", "w:sectPr", "w:br", "w:instrText")
               for _ in paragraph.iter(qn(tag))):
            continue
        body.remove(paragraph)


def bookmark_headings(document: Document) -> list[tuple[int, str, str]]:
    """A bookmark on every heading of level 1 and 2: (level, text, bookmark name), in document order."""
    styles = {document.styles[name].style_id: level for name, level in (("Heading 1", 1), ("Heading 2", 2))}
    entries = []
    for paragraph in document.element.body.findall(qn("w:p")):
        style = paragraph.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        level = styles.get(style.get(qn("w:val")) if style is not None else "")
        text = _text(paragraph).strip()
        if level and text:
            name = f"_Toc{len(entries) + 1:05d}"
            start = _element("w:bookmarkStart", id=str(90000 + len(entries)), name=name)
            properties = paragraph.find(qn("w:pPr"))
            if properties is not None:
                properties.addnext(start)
            else:
                paragraph.insert(0, start)
            paragraph.append(_element("w:bookmarkEnd", id=str(90000 + len(entries))))
            entries.append((level, text, name))
    return entries


def fill_table_of_contents(document: Document, entries: list[tuple[int, str, str]]) -> None:
    """Pre-fill the TOC field with the headings and PAGEREF page numbers.

    Word rebuilds the TOC when the report is opened (updateFields); LibreOffice does not, but it computes
    the PAGEREF fields while laying out the pages, so the PDF gets a table of contents with page numbers
    (the PDF copy takes the entries out of the TOC field, whose result LibreOffice would keep as is:
    copy_with_plain_contents).
    """
    toc = _toc_paragraph(document)
    if toc is None or not entries:
        return
    toc_styles = {level: document.styles[f"toc {level}"].style_id for level in (1, 2)
                  if f"toc {level}" in [s.name for s in document.styles]}
    runs = toc.findall(qn("w:r"))
    separate = next(i for i, r in enumerate(runs) if _field_char(r) == "separate")
    for run in runs[separate + 1:]:
        toc.remove(run)
    paragraphs = [toc]
    for _ in entries[1:]:
        paragraph = OxmlElement("w:p")
        paragraphs[-1].addnext(paragraph)
        paragraphs.append(paragraph)
    for paragraph, (level, text, name) in zip(paragraphs, entries, strict=True):
        if toc_styles.get(level):
            _child(_child(paragraph, "w:pPr", first=True), "w:pStyle", first=True).set(qn("w:val"), toc_styles[level])
        link = _element("w:hyperlink", anchor=name, history="1")
        for run in (_run(text=text), _run(tab=True), *_page_reference(name)):
            link.append(run)
        paragraph.append(link)
    paragraphs[-1].append(_run(fld="end"))


def link_references(document: Document, bookmarks: dict[str, str]) -> None:
    """In paragraphs that say "siehe", a quoted heading („BIL-08 Ausbildungsbeteiligungsquote“) becomes a link to
    it, followed by its page number: „…“ (Seite 56), or „…“, Seite 56) before a closing bracket (a no-break
    space between "Seite" and the number)."""
    for paragraph in document.element.body.iter(qn("w:p")):
        if "siehe" not in _text(paragraph).lower():
            continue
        for run in paragraph.findall(qn("w:r")):
            text_el = run.find(qn("w:t"))
            if text_el is None or len(run) > 2 or not any(m.group(1) in bookmarks
                                                          for m in _QUOTED.finditer(text_el.text or "")):
                continue
            _link_run(run, text_el.text or "", bookmarks)


def _link_run(run: Element, text: str, bookmarks: dict[str, str]) -> None:
    properties = run.find(qn("w:rPr"))

    def styled(piece: Element) -> Element:  # a copy of the run properties of the replaced run
        if properties is not None:
            piece.insert(0, copy.deepcopy(properties))
        return piece

    pieces, position = [], 0
    for match in _QUOTED.finditer(text):
        name = bookmarks.get(match.group(1))
        if name is None:
            continue
        pieces.append(styled(_run(text=text[position:match.start(1)])))
        link = _element("w:hyperlink", anchor=name, history="1")
        link.append(styled(_run(text=match.group(1))))
        pieces.append(link)
        closing = text[match.end(1):match.end()]
        before_bracket = text[match.end():match.end() + 1] == ")"
        pieces.append(styled(_run(text=closing + (", Seite\u00a0" if before_bracket else " (Seite\u00a0"))))
        pieces += [styled(piece) for piece in _page_reference(name)]
        if not before_bracket:
            pieces.append(styled(_run(text=")")))
        position = match.end()
    pieces.append(styled(_run(text=text[position:])))
    for piece in pieces:
        run.addprevious(piece)
    run.getparent().remove(run)


def _page_reference(bookmark: str) -> list[Element]:
    """The runs of a PAGEREF field to ``bookmark``, with a placeholder until the page is computed."""
    return [_run(fld="begin"), _run(instr=f" PAGEREF {bookmark} \\h "), _run(fld="separate"),
            _run(text=PAGE_PLACEHOLDER), _run(fld="end")]


def copy_with_plain_contents(source: Path, target: Path) -> None:
    """A copy of the document whose table of contents is plain entries with PAGEREF fields.

    LibreOffice keeps the imported result of a TOC field as it is, but it computes PAGEREF fields
    outside of it; unwrapping the TOC field gives the PDF correct page numbers.
    """
    document = docx.Document(str(source))
    start = _toc_paragraph(document)
    runs = start.findall(qn("w:r")) if start is not None else []
    separate = next((i for i, r in enumerate(runs) if _field_char(r) == "separate"), None)
    if separate is not None:
        for run in runs[: separate + 1]:
            start.remove(run)
        depth, paragraph = 0, start
        while paragraph is not None:
            for run in paragraph.findall(qn("w:r")):
                kind = _field_char(run)
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


def _toc_paragraph(document: Document) -> Element | None:
    return next((p for p in document.element.body.iter(qn("w:p"))
                 if any("TOC" in (t.text or "") for t in p.iter(qn("w:instrText")))), None)


def _field_char(run: Element) -> str | None:
    return next((f.get(qn("w:fldCharType")) for f in run.iter(qn("w:fldChar"))), None)


# ---- pictures ------------------------------------------------------------------------------------------------


def add_pictures_after(document: Document, extra: Sequence[Sequence[tuple[bytes, str]]], width: int) -> None:
    """After the n-th picture of the body (and its caption, the next paragraph if it starts with "Abbildung"), the
    pictures ``extra[n]`` (PNG, caption text), each in a paragraph like the picture's and with a caption like its
    caption (style, alignment, keep with next; the caption's run properties)."""
    for doc_pr, added in zip(list(document.element.body.iter(qn("wp:docPr"))), extra, strict=False):
        paragraph = next(a for a in doc_pr.iterancestors() if a.tag == qn("w:p"))
        caption = paragraph.getnext()
        if caption is None or caption.tag != qn("w:p") or not _text(caption).startswith("Abbildung"):
            caption = None
        last = caption if caption is not None else paragraph
        first = caption.find(qn("w:r")) if caption is not None else None
        run_properties = first.find(qn("w:rPr")) if first is not None else None
        for png, text in added:
            picture = _paragraph_like(paragraph)
            drawing = OxmlElement("w:drawing")
            drawing.append(document.part.new_pic_inline(io.BytesIO(png), width, None))
            picture.append(_element("w:r", drawing))
            label = _paragraph_like(caption)
            run = _run(text=text)
            if run_properties is not None:
                run.insert(0, copy.deepcopy(run_properties))
            label.append(run)
            last.addnext(picture)
            picture.addnext(label)
            last = label


def add_table_below(document: Document, anchor: str, caption: str, header: list[str], rows: list[list[str]],
                    notes: Sequence[str]) -> None:
    """The picture captioned ``anchor`` moved below the next table and its notes (style Quelle), so that it does not
    part a chart from its table; below it its own table (BodyWriter.table) with caption and notes."""
    last = caption_p = next((p for p in document.element.body.findall(qn("w:p")) if _text(p) == anchor), None)
    while last is not None and last.tag != qn("w:tbl"):
        last = last.getnext()
    if last is None:
        return
    last = [last, *_notes_below(document, last)][-1]
    last.addnext(caption_p.getprevious())
    last.getnext().addnext(caption_p)
    out = BodyWriter(document, before=caption_p.getnext())
    out.paragraph(caption, "Caption")
    out.table(header, rows)
    for note in notes:
        out.paragraph(note, "Quelle")


def _paragraph_like(paragraph: Element | None) -> Element:
    """An empty paragraph with the paragraph properties (style, alignment, keep with next) of ``paragraph``."""
    new = OxmlElement("w:p")
    properties = paragraph.find(qn("w:pPr")) if paragraph is not None else None
    if properties is not None:
        new.append(copy.deepcopy(properties))
    return new


class BodyWriter:
    """Appends paragraphs, pictures and tables to a document's body as XML elements. python-docx's API looks a style up
    by scanning all styles on every paragraph, run and cell it formats; for forty pages of tables that took seconds.
    Here each style is looked up once; the XML is what python-docx writes."""

    def __init__(self, document: Document, before: Element | None = None) -> None:  # before: default the body's end
        self.document = document
        self.end = before if before is not None else document.element.body.find(qn("w:sectPr"))
        self.styles: dict[str, str] = {}

    def _style_id(self, name: str) -> str:
        if name not in self.styles:
            self.styles[name] = self.document.styles[name].style_id
        return self.styles[name]

    def _p(self, style: str | None = None, *, page_break: bool = False, keep: bool = False,
           align: str | None = None) -> Element:
        paragraph, properties = OxmlElement("w:p"), OxmlElement("w:pPr")
        for tag, value in (("w:pStyle", self._style_id(style) if style else None), ("w:keepNext", keep or None),
                           ("w:pageBreakBefore", page_break or None), ("w:jc", align)):
            if value:
                properties.append(_element(tag, val=value) if isinstance(value, str) else OxmlElement(tag))
        if len(properties):
            paragraph.append(properties)
        return paragraph

    def paragraph(self, text: str, style: str | None = None, *, page_break: bool = False) -> None:
        paragraph = self._p(style, page_break=page_break)
        paragraph.append(_run(text=text))
        self.end.addprevious(paragraph)

    def field(self, instruction: str, placeholder: str) -> None:
        """A paragraph that holds a field (add_field), e.g. the table of contents."""
        paragraph = self._p()
        _add_field(paragraph, instruction, placeholder)
        self.end.addprevious(paragraph)

    def picture(self, png: bytes, width: int) -> None:
        paragraph = self._p(keep=True, align="center")
        drawing = OxmlElement("w:drawing")
        drawing.append(self.document.part.new_pic_inline(io.BytesIO(png), width, None))
        paragraph.append(_element("w:r", drawing))
        self.end.addprevious(paragraph)

    def table(self, header: list[str], rows: list[list[str]], *, numbers: bool = True) -> None:
        """Style TABLE_STYLE, a bold header row (finish_tables marks it to repeat and sets the column widths);
        number columns right-aligned."""
        table = _element("w:tbl", _element("w:tblPr", _element("w:tblStyle", val=self._style_id(TABLE_STYLE)),
                                           _element("w:jc", val="center")))
        table.append(_element("w:tblGrid", *(OxmlElement("w:gridCol") for _ in header)))
        for n, cells in enumerate([header, *rows]):
            row = OxmlElement("w:tr")
            for column, text in enumerate(cells):
                paragraph = self._p("Tabelleninhalt", align="right" if numbers and column > 0 else None)
                paragraph.append(_run(text=text, bold=n == 0))
                row.append(_element("w:tc", _element("w:tcPr", _element("w:tcW", type="auto")), paragraph))
            table.append(row)
        self.end.addprevious(table)


# ---- XML helpers ---------------------------------------------------------------------------------------------


def _element(tag: str, *children: Element | str, **attributes: str) -> Element:
    """A new element with w: attributes (``val``, ``id`` …), children, or text (xml:space preserve)."""
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    for child in children:
        if isinstance(child, str):
            element.set(qn("xml:space"), "preserve")
            element.text = child
        else:
            element.append(child)
    return element


def _run(*, text: str | None = None, bold: bool = False, tab: bool = False, fld: str | None = None,
         instr: str | None = None) -> Element:
    """A run holding text (bold if asked), a tab, a field character or a field instruction."""
    run = _element("w:r", _element("w:rPr", OxmlElement("w:b"))) if bold else OxmlElement("w:r")
    if text is not None:
        run.append(_element("w:t", text))
    elif tab:
        run.append(OxmlElement("w:tab"))
    elif fld is not None:
        run.append(_element("w:fldChar", fldCharType=fld))
    else:
        run.append(_element("w:instrText", instr or ""))
    return run


def _text(element: Element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _child(parent: Element, tag: str, *, first: bool = False, order: tuple[str, ...] = ()) -> Element:
    """The child ``tag`` of ``parent``, made if missing: put first, before the first child that the schema's
    sequence ``order`` puts after it, or last."""
    child = parent.find(qn(tag))
    if child is not None:
        return child
    child = OxmlElement(tag)
    later = {qn(t) for t in order[order.index(tag) + 1:]} if tag in order else set()
    following = next((c for c in parent if c.tag in later), None)
    if first:
        parent.insert(0, child)
    elif following is not None:
        following.addprevious(child)
    else:
        parent.append(child)
    return child

