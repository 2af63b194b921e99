"""Post-processing of the rendered report: accessibility and page flow (python-docx offers no API for these).

- alt text on every picture (wp:docPr descr), in document order;
- header rows marked to repeat (w:tblHeader);
- column widths from the text of the cells, so that no number and no word is broken (fixed layout, the
  widths in w:tblW, w:gridCol and every w:tcW; a smaller font only for a table that does not fit otherwise);
- rows that never split across pages; a small table kept on one page, with its caption and its chart;
- no empty paragraphs used for spacing;
- title, subject, author and language (de-DE) in the core properties, the language also in the document defaults;
- bookmarks on the headings, the table of contents pre-filled with them and PAGEREF page numbers, and the
  references „…“ in "siehe" sentences linked to their heading, with its page number.
"""

from __future__ import annotations

import copy
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from toolkit.core.errors import ToolkitError

LANGUAGE = "de-DE"
PAGE_WIDTH_TWIPS = 9412  # 16.6 cm text width of the template
CELL_MARGIN_TWIPS = 57  # 0.1 cm left and right in every table cell
SAFETY_TWIPS = 40  # per column, for rounding in Word and LibreOffice
TABLE_SIZES = (9.0, 8.0, 7.0)  # pt: the cell style's size, then smaller only if the columns do not fit
KEEP_TOGETHER_ROWS = 16  # a table with up to this many rows is kept on one page (with caption and chart)
PAGE_PLACEHOLDER = "…"  # shown for a page number until Word or LibreOffice computes it

# Advance widths (1/1000 em) of Calibri, taken from its metric-compatible twin Carlito; others count as 1 em.
_CHARS = (" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
          "ÄÖÜäöüß–—…„“”‚‘’·×°²³¹€§\u00a0")
_REGULAR = (
    226, 326, 401, 498, 507, 715, 682, 221, 303, 303, 498, 498, 250, 306, 252, 386, 507, 507, 507, 507, 507, 507, 507,
    507, 507, 507, 268, 268, 498, 498, 498, 463, 894, 579, 544, 533, 615, 488, 459, 631, 623, 252, 319, 520, 420, 855,
    646, 662, 517, 673, 543, 459, 487, 642, 567, 890, 519, 487, 468, 307, 386, 307, 498, 498, 291, 479, 525, 423, 525,
    498, 305, 471, 525, 230, 239, 455, 230, 799, 525, 527, 525, 525, 349, 391, 335, 525, 452, 715, 433, 453, 395, 314,
    460, 314, 498, 579, 662, 642, 479, 527, 525, 527, 498, 905, 690, 418, 418, 418, 250, 250, 250, 252, 498, 339, 336,
    334, 246, 507, 498, 226)
_BOLD = (
    226, 326, 438, 498, 507, 729, 705, 233, 312, 312, 498, 498, 258, 306, 267, 430, 507, 507, 507, 507, 507, 507, 507,
    507, 507, 507, 276, 276, 498, 498, 498, 463, 898, 606, 561, 529, 630, 488, 459, 637, 631, 267, 331, 547, 423, 874,
    659, 676, 532, 686, 563, 473, 495, 653, 591, 906, 551, 520, 478, 325, 430, 325, 498, 498, 300, 494, 537, 418, 537,
    503, 316, 474, 537, 246, 255, 480, 246, 813, 537, 538, 537, 537, 355, 399, 347, 537, 473, 745, 459, 474, 397, 344,
    475, 344, 498, 606, 676, 653, 494, 538, 537, 555, 498, 905, 711, 435, 435, 435, 258, 258, 258, 268, 498, 342, 338,
    336, 252, 507, 498, 226)
WIDTHS = {False: dict(zip(_CHARS, _REGULAR, strict=True)), True: dict(zip(_CHARS, _BOLD, strict=True))}
_BREAKS = re.compile(r"[ \t\n]+|(?<=[A-Za-zÄÖÜäöüß]-)(?=[A-Za-zÄÖÜäöüß])")  # spaces, and after a hyphen in a word


def finish_document(document, alt_texts: list[str], *, title: str, subject: str = "", author: str = "") -> None:  # noqa: ANN001
    """Alt text on every picture, tables that fit and flow, bookmarks, TOC, linked references, title and language."""
    body = document.element.body
    pictures = list(body.iter(qn("wp:docPr")))
    if len(pictures) != len(alt_texts):
        raise ToolkitError(f"Interner Fehler: {len(pictures)} Bilder, aber {len(alt_texts)} Alternativtexte.")
    for doc_pr, alt in zip(pictures, alt_texts, strict=True):
        doc_pr.set("descr", alt)
        doc_pr.set("title", alt.split(":", 1)[0])
    tables = list(body.iter(qn("w:tbl")))
    for table in tables:
        _finish_table(table)
    set_column_widths(tables)
    _drop_empty_paragraphs(body)
    headings = bookmark_headings(document)
    fill_table_of_contents(document, headings)
    link_references(body, {text: name for _level, text, name in headings})
    _join_leading_hyphens(body)  # last: the steps before read the headings' text from w:t
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
    defaults = _child(styles, "w:docDefaults", first=True)
    r_pr_default = _child(defaults, "w:rPrDefault", first=True)
    lang = _child(_child(r_pr_default, "w:rPr"), "w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


# ---- tables -------------------------------------------------------------------------------------------


def _finish_table(table) -> None:  # noqa: ANN001 - lxml element
    rows = table.findall(qn("w:tr"))
    if not rows:
        return
    header = rows[0].get_or_add_trPr()
    if header.find(qn("w:tblHeader")) is None:
        header.append(_on("w:tblHeader"))
    for row in rows:
        if row.get_or_add_trPr().find(qn("w:cantSplit")) is None:
            row.trPr.append(_on("w:cantSplit"))  # a row never breaks across pages
    kept = rows[:-1] if len(rows) <= KEEP_TOGETHER_ROWS else rows[:3]  # else: the header and two rows
    for row in kept:
        for paragraph in row.iter(qn("w:p")):
            paragraph.get_or_add_pPr().keepNext_val = True


def _on(tag: str):  # noqa: ANN202
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


def set_column_widths(tables: list) -> None:
    """Widths from the text, shared by the tables with the same header row (the overview of every chapter, the
    time series of the same years), so that they line up from one table to the next."""
    groups: dict[tuple, list] = {}
    for table in tables:
        rows = [row.findall(qn("w:tc")) for row in table.findall(qn("w:tr"))]
        grid = table.find(qn("w:tblGrid"))
        columns = grid.findall(qn("w:gridCol")) if grid is not None else []
        if not rows or not columns or any(len(row) != len(columns) for row in rows):
            continue  # merged cells: leave the widths as they are
        texts = [[(_cell_lines(cell), index == 0) for cell in row] for index, row in enumerate(rows)]
        groups.setdefault(tuple(tuple(lines) for lines, _bold in texts[0]), []).append((table, rows, columns, texts))
    for members in groups.values():
        header = members[0][3][:1]
        widths, size = _fitting_widths(header + [row for *_, texts in members for row in texts[1:]])
        for table, rows, columns, _texts in members:
            _apply_widths(table, rows, columns, widths, size)


def _fitting_widths(texts: list) -> tuple[list[int], float]:
    for size in TABLE_SIZES:
        widths = column_widths(texts, PAGE_WIDTH_TWIPS, size)
        if widths is not None:
            return widths, size
    minimum = column_widths(texts, 10 ** 9, TABLE_SIZES[-1], minimum_only=True)  # breaks are unavoidable
    return [PAGE_WIDTH_TWIPS * w // sum(minimum) for w in minimum], TABLE_SIZES[-1]


def _apply_widths(table, rows: list, columns: list, widths: list[int], size: float) -> None:  # noqa: ANN001
    if size != TABLE_SIZES[0]:
        for run in table.iter(qn("w:r")):
            run.get_or_add_rPr().sz_val = Pt(size)
    _table_properties(table, sum(widths))
    for column, width in zip(columns, widths, strict=True):
        column.set(qn("w:w"), str(width))
    for row in rows:
        for cell, width in zip(row, widths, strict=True):
            tc_pr = cell.get_or_add_tcPr()
            tc_w = _child(tc_pr, "w:tcW", first=True)
            tc_w.set(qn("w:w"), str(width))
            tc_w.set(qn("w:type"), "dxa")


def _cell_lines(cell) -> list[str]:  # noqa: ANN001
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell.iter(qn("w:p"))]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in twips at ``size`` pt (Calibri/Carlito)."""
    widths = WIDTHS[bold]
    return sum(widths.get(char, 1000) for char in text) * size * 20 / 1000


def column_widths(cells: list[list[tuple[list[str], bool]]], total: int, size: float,
                  minimum_only: bool = False) -> list[int] | None:
    """Column widths (twips) that break no word and no number: None if they do not fit into ``total``.

    ``cells``: per row, per column the lines of the cell and whether it is bold. A column is at least as wide
    as its longest word (a number with its unit joined by a no-break space counts as one word); the rest
    of the width goes to the columns in proportion to how much wider their longest line is.
    """
    pad = 2 * CELL_MARGIN_TWIPS + SAFETY_TWIPS
    space = text_width(" ", size)
    n = len(cells[0])
    least = [0.0] * n
    words: list[list[list[list[float]]]] = []  # per row, per column, per line of the cell: its words' widths
    for row in cells:
        words.append([[[text_width(w, size, bold) for w in _BREAKS.split(text) if w] for text in texts]
                      for texts, bold in row])
        least = [max(m, *(w for line in cell for w in line), 0.0) for m, cell in zip(least, words[-1], strict=True)]
    least = [w + pad for w in least]
    if minimum_only:
        return [int(w) for w in least]
    if sum(least) > total:
        return None
    natural = [max([m, *(sum(line) + space * (len(line) - 1) + pad for row in words for line in row[c])])
               for c, m in enumerate(least)]
    if sum(natural) <= total:  # room to spare: a narrow table (two short columns) is not stretched across the page
        width = min(total, max(sum(natural) * 1.5, total * 0.6))
        widths = [w * width / sum(natural) for w in natural]
    else:
        widths = _shortest_rows(words, least, total, pad + 1, space)
    result = [int(w) for w in widths]
    result[0] += int(sum(widths)) - sum(result)
    return result


def _shortest_rows(words: list, least: list[float], total: int, pad: float, space: float) -> list[float]:
    """Share the width above the minimum in steps, each to the column that saves most lines of the table (the
    height of a row is the height of its tallest cell; lines are filled word by word as Word does)."""
    def height(c: int, width: float) -> list[int]:  # lines of each row's cell in column c at this width
        return [sum(_wrapped(line, width - pad, space) for line in row[c]) for row in words]

    widths = list(least)
    heights = [height(c, w) for c, w in enumerate(widths)]
    steps = 20
    step = (total - sum(least)) / steps
    for _ in range(steps):
        tallest = [max(column[r] for column in heights) for r in range(len(words))]
        # no single step saves a line: widen the column that most often makes a row tall
        best = max(range(len(widths)),
                   key=lambda c: sum(h > 1 and h == t for h, t in zip(heights[c], tallest, strict=True)))
        best_rows = sum(tallest)
        for c in range(len(widths)):
            wider = height(c, widths[c] + step)
            others = [max((h[r] for k, h in enumerate(heights) if k != c), default=0) for r in range(len(words))]
            rows = sum(map(max, wider, others))
            if rows < best_rows:
                best, best_rows = c, rows
        widths[best] += step
        heights[best] = height(best, widths[best])
    return widths


def _wrapped(line: list[float], width: float, space: float) -> int:
    """How many lines the words (their widths) of one paragraph take in ``width``."""
    count, used = 1, -space
    for word in line:
        if used + space + word > width and used > 0:
            count, used = count + 1, word
        else:
            used += space + word
    return count


def _table_properties(table, width: int) -> None:  # noqa: ANN001
    """Fixed layout of ``width`` twips and narrow cell margins, in the order the schema wants (Word is strict)."""
    tbl_pr = table.find(qn("w:tblPr"))
    tbl_w = _child(tbl_pr, "w:tblW", place=_insert)
    tbl_w.set(qn("w:w"), str(width))
    tbl_w.set(qn("w:type"), "dxa")
    layout = _child(tbl_pr, "w:tblLayout", place=_insert)
    layout.set(qn("w:type"), "fixed")
    margins = _child(tbl_pr, "w:tblCellMar", place=_insert)
    for side in ("left", "right"):
        margin = _child(margins, f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")


_TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                 "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                 "tblCaption", "tblDescription")


def _child(parent, tag: str, *, first: bool = False, place=None):  # noqa: ANN001, ANN202 - lxml elements
    """The child ``tag`` of ``parent``, made if missing: put first, last, or where ``place(parent, child)`` says."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        if place is not None:
            place(parent, child)
        elif first:
            parent.insert(0, child)
        else:
            parent.append(child)
    return child


def _insert(parent, child) -> None:  # noqa: ANN001
    """Insert ``child`` into w:tblPr before the first element that the schema puts after it."""
    later = _TBL_PR_ORDER[_TBL_PR_ORDER.index(child.tag.split("}")[1]) + 1:]
    following = next((c for c in parent if c.tag.split("}")[1] in later), None)
    if following is None:
        parent.append(child)
    else:
        following.addprevious(child)


_LEADING_HYPHEN = re.compile(r"(?<=\s)-(?=[^\W\d_])")  # "Berufsschülerinnen und -schüler"


def _join_leading_hyphens(body) -> None:  # noqa: ANN001
    """A hyphen that starts a word ("und -schüler") becomes a non-breaking hyphen (w:noBreakHyphen), so that no line
    ends with a lone "-"; Word and LibreOffice both break after a hyphen-minus otherwise."""
    for text in list(body.iter(qn("w:t"))):
        parts = _LEADING_HYPHEN.split(text.text or "")
        if len(parts) == 1:
            continue
        text.text = parts[0]
        for part in parts[1:]:
            hyphen = OxmlElement("w:noBreakHyphen")
            text.addnext(hyphen)
            text = _text_after(hyphen, part)


def _text_after(element, value: str):  # noqa: ANN001, ANN202
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = value
    element.addnext(text)
    return text


def _drop_empty_paragraphs(body) -> None:  # noqa: ANN001
    """No empty paragraphs for spacing: remove body paragraphs without text, picture, field or section break."""
    for paragraph in list(body.findall(qn("w:p"))):
        if "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip():
            continue
        if any(True for tag in ("w:drawing", "w:fldChar", "w:fldSimple", "w:sectPr", "w:br", "w:instrText")
               for _ in paragraph.iter(qn(tag))):
            continue
        body.remove(paragraph)


def bookmark_headings(document) -> list[tuple[int, str, str]]:  # noqa: ANN001
    """A bookmark on every heading of level 1 and 2: (level, text, bookmark name), in document order."""
    body = document.element.body
    styles = {document.styles[name].style_id: level for name, level in (("Heading 1", 1), ("Heading 2", 2))}
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
    return entries


def fill_table_of_contents(document, entries: list[tuple[int, str, str]]) -> None:  # noqa: ANN001
    """Pre-fill the TOC field with the headings and PAGEREF page numbers.

    Word rebuilds the TOC when the report is opened (updateFields); LibreOffice does not, but it computes
    the PAGEREF fields while laying out the pages, so the PDF gets a table of contents with page numbers
    (compile's PDF copy takes the entries out of the TOC field, whose result LibreOffice would keep as is).
    """
    body = document.element.body
    toc = next((p for p in body.iter(qn("w:p")) if any("TOC" in (t.text or "") for t in p.iter(qn("w:instrText")))),
               None)
    if toc is None or not entries:
        return
    toc_styles = {level: document.styles[f"toc {level}"].style_id for level in (1, 2)
                  if f"toc {level}" in [s.name for s in document.styles]}
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
        link.append(_run(text=PAGE_PLACEHOLDER))
        link.append(_run(fld="end"))
        paragraph.append(link)
    paragraphs[-1].append(_run(fld="end"))


_QUOTED = re.compile(r"„([^“]+)“")


def link_references(body, bookmarks: dict[str, str]) -> None:  # noqa: ANN001
    """In paragraphs that say "siehe", a quoted heading („BIL-08 Ausbildungsbeteiligungsquote“) becomes a link to
    it, followed by its page number: „…“ (Seite 56), or „…“, Seite 56) before a closing bracket (a no-break
    space between "Seite" and the number)."""
    for paragraph in body.iter(qn("w:p")):
        if "siehe" not in "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).lower():
            continue
        for run in paragraph.findall(qn("w:r")):
            text_el = run.find(qn("w:t"))
            if text_el is None or len(run) > 2 or not any(m.group(1) in bookmarks
                                                          for m in _QUOTED.finditer(text_el.text or "")):
                continue
            _link_run(run, text_el.text or "", bookmarks)


def _link_run(run, text: str, bookmarks: dict[str, str]) -> None:  # noqa: ANN001
    rpr = run.find(qn("w:rPr"))
    pieces, position = [], 0
    for match in _QUOTED.finditer(text):
        name = bookmarks.get(match.group(1))
        if name is None:
            continue
        pieces.append(_styled(_run(text=text[position:match.start(1)]), rpr))
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), name)
        link.set(qn("w:history"), "1")
        link.append(_styled(_run(text=match.group(1)), rpr))
        pieces.append(link)
        closing = text[match.end(1):match.end()]
        before_bracket = text[match.end():match.end() + 1] == ")"
        pieces.append(_styled(_run(text=closing + (", Seite\u00a0" if before_bracket else " (Seite\u00a0")), rpr))
        pieces += [_styled(_run(fld="begin"), rpr), _styled(_run(instr=f" PAGEREF {name} \\h "), rpr),
                   _styled(_run(fld="separate"), rpr), _styled(_run(text=PAGE_PLACEHOLDER), rpr),
                   _styled(_run(fld="end"), rpr)]
        if not before_bracket:
            pieces.append(_styled(_run(text=")"), rpr))
        position = match.end()
    pieces.append(_styled(_run(text=text[position:]), rpr))
    for piece in pieces:
        run.addprevious(piece)
    run.getparent().remove(run)


def _styled(run, rpr):  # noqa: ANN001, ANN202 - a copy of the run properties of the replaced run
    if rpr is not None:
        run.insert(0, copy.deepcopy(rpr))
    return run


def _set_style(paragraph, style_id: str | None) -> None:  # noqa: ANN001
    if not style_id:
        return
    style = _child(_child(paragraph, "w:pPr", first=True), "w:pStyle", first=True)
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
