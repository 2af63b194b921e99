"""The one adapter of xlsxwriter's private API, each internal with a public fallback: the master matrix's streamed
rows (``RowsBook``, merge/matrix.py) and the collection workbook's prepared formulas (``new_workbook``,
collect/workbook.py).

The sheets of the master matrix (matrix.py) take their data rows through ``RowsBook``. One internal makes
that fast; it is looked up once, when this module is imported, and the public API is taken instead when
the installed xlsxwriter lacks it:

``STREAMED_ROWS`` (``Format._get_xf_index()``, xlsxwriter's number of a cell format): xlsxwriter lays out
every sheet (header row, formats, column widths, frozen panes, filter, defined names) and writes the
package. The data rows are then streamed into that package: ``fill_package`` copies every zip member,
inserts the rows before ``</sheetData>`` of their worksheet (with the ``<dimension>`` widened) and appends
their texts to the shared strings (this too relies on how xlsxwriter writes those three elements). Texts are always shared strings (``t="s"``), never formulas or inline
markup; floats carry the number format named by their row (its number from ``_get_xf_index``, as no cell
written by xlsxwriter uses it), whole numbers (years, delivery numbers) none. A row is given as blocks of
neighbouring cells; the XML of a block is built once and reused, so a row of the long form costs a few
dictionary look-ups instead of a dozen cell writes. The cells carry no reference of their own (optional
in ECMA-376; Excel, LibreOffice, openpyxl and calamine place such a cell after the one before it; a gap is
an empty ``<c/>``); rows keep their number.
Fallback: every cell with ``write_string`` / ``write_number`` (constant_memory mode, see RowsBook). The
same cells, texts and formats; texts are inline strings, floats that need all 17 digits keep 16
(xlsxwriter writes ``%.16G``); several times slower.

An internal that saves less than a tenth of ``toolkit merge`` is not worth private API and goes. Streamed rows
save several times the whole merge: benchmarks/check_merge.py writes the same rows of the master matrix with
bare xlsxwriter in constant_memory mode (floor_matrix_s: about 30 CPU seconds for 400,000 values, against
under 5 for the whole matrix written here, matrix_s). A helper process that made part of the long form's rows with
the numbers of xlsxwriter's shared strings (``str_table._get_shared_string_index``) saved between +11 %
and -6 % on two shared cores and went.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from toolkit.core.cells import column_letter
from toolkit.core.xlsx_package import sheet_parts

MAX_TEXT = 32_767  # Excel's limit for the text of one cell
CHUNK_ROWS = 20_000
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")

Block = tuple  # neighbouring cell values (str, int, float or None/"" for an empty cell)
Rows = Iterable[tuple[str, Sequence[Block]]]  # per row: (number style name, blocks)


def _has_streamed_rows() -> bool:
    return callable(getattr(Format, "_get_xf_index", None))


STREAMED_ROWS = _has_streamed_rows()


@dataclass
class SheetRows:
    """The data rows of one sheet: ``rows`` yields (number style name, blocks) per row, from row 2 on."""

    name: str
    columns: int
    count: int  # number of data rows (for the dimension of the sheet)
    rows: Rows
    cache: bool = True  # reuse the XML of equal blocks (blocks at one position must hold values of one type)


class RowsBook:
    """An xlsxwriter workbook (``workbook``) for ``target`` whose big sheets take their data rows in blocks.

    The caller lays out each sheet with xlsxwriter's public API (header in row 1, written before the rows),
    names the number formats of its rows (``number_styles``), hands over the rows (``add_rows``) and finally
    writes the file (``close``). Streamed (fast) or cell by cell (fallback), as ``STREAMED_ROWS`` says; the
    fallback writes in xlsxwriter's constant_memory mode (rows leave memory as they are written, texts are
    inline strings), as a matrix of 400,000 values would otherwise take more than a gigabyte.
    """

    def __init__(self, target: Path, options: dict[str, object]) -> None:
        self.streamed = STREAMED_ROWS
        self.target = target
        self.package = io.BytesIO()
        if self.streamed:
            self.workbook = xlsxwriter.Workbook(self.package, {**options, "in_memory": True})
        else:
            self.workbook = xlsxwriter.Workbook(str(target), {**options, "constant_memory": True})
        self.formats: dict[str, Format] = {}
        self.styles: dict[str, int] = {}  # streamed: style name -> xlsxwriter's number of the format
        self.sheets: list[SheetRows] = []

    def number_styles(self, formats: dict[str, Format]) -> None:
        """The formats of floats by the style name that rows give."""
        self.formats.update(formats)
        if self.streamed:  # used by no cell xlsxwriter writes: give them their number now
            self.styles.update({name: fmt._get_xf_index() for name, fmt in formats.items()})

    def add_rows(self, ws, columns: int, count: int, rows: Rows, cache: bool = True) -> None:
        """The ``count`` data rows of sheet ``ws`` (``columns`` wide), from row 2 on; see SheetRows."""
        if self.streamed:
            self.sheets.append(SheetRows(ws.get_name(), columns, count, rows, cache))
            return
        written = write_rows(ws, rows, self.formats)
        if written != count:
            raise ValueError(f"{ws.get_name()}: {written} Zeilen geschrieben, {count} angekündigt")

    def close(self) -> None:
        """Write the workbook to its target."""
        self.workbook.close()
        if self.streamed:
            fill_package(self.package.getvalue(), self.target, self.sheets, self.styles)


def write_rows(ws, rows: Rows, formats: dict[str, Format]) -> int:
    """The fallback: the rows cell by cell with xlsxwriter's public API, the same cells as ``_RowWriter``
    makes; returns the number of rows."""
    write_string, write_number = ws.write_string, ws.write_number
    row = 0
    for row, (style, blocks) in enumerate(rows, start=1):
        number_format = formats.get(style)
        col = 0
        for block in blocks:
            for value in block:
                if value is None or value == "":
                    pass
                elif value.__class__ is str:
                    write_string(row, col, value[:MAX_TEXT])
                elif isinstance(value, bool):
                    write_string(row, col, "WAHR" if value else "FALSCH")
                elif isinstance(value, int):
                    write_number(row, col, value)
                elif isinstance(value, float):
                    if math.isfinite(value):
                        write_number(row, col, value, number_format)
                else:
                    write_string(row, col, str(value)[:MAX_TEXT])
                col += 1
    return row


class SharedStrings:
    """The texts added to xlsxwriter's shared string table (their indices start after its own)."""

    def __init__(self, start: int) -> None:
        self.index: dict[str, int] = {}
        self.start = start

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = self.start + len(self.index)
        return found

    def xml(self) -> str:
        return "".join(_si(text) for text in self.index)


def _si(text: str) -> str:
    escaped = _escape(text)
    if text != text.strip():
        return f'<si><t xml:space="preserve">{escaped}</t></si>'
    return f"<si><t>{escaped}</t></si>"


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _ILLEGAL.search(text):  # Excel's own escape for characters XML cannot hold (and for "_x0041_" itself)
        text = _ILLEGAL.sub(_escape_one, text)
    return text


def _escape_one(match: re.Match) -> str:
    found = match.group(0)
    if len(found) > 1:
        return "_x005F" + found  # a literal "_x0041_" stays literal
    if found in "\ufffe\uffff":
        return ""
    return f"_x{ord(found):04X}_"


def _number(value: float) -> str:
    """The XML text of a float; empty for NaN and infinity, which a cell cannot hold."""
    if math.isfinite(value):
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text
    return ""


class _RowWriter:
    """Cells without a reference (ECMA-376 makes ``r`` optional: a cell follows the one before it, an
    empty ``<c/>`` holds a gap), so the XML of a block does not depend on its row and is built once."""

    def __init__(self, strings: SharedStrings, styles: dict[str, int], cache: bool) -> None:
        self.strings, self.styles, self.cache = strings, styles, cache
        self.caches: dict[str, dict[Block, str]] = {}

    def _text(self, text: str) -> str:
        return f'<c t="s"><v>{self.strings(text[:MAX_TEXT])}</v></c>'

    def _cell(self, style: str, value: object) -> str:
        if value is None or value == "":
            return "<c/>"
        if value.__class__ is str:
            return self._text(value)
        if isinstance(value, bool):
            return self._text("WAHR" if value else "FALSCH")
        if isinstance(value, int):  # years, numbers of deliveries: no number format
            return f"<c><v>{value}</v></c>"
        if isinstance(value, float):
            text = _number(value)
            return f'<c s="{self.styles[style]}"><v>{text}</v></c>' if text else "<c/>"
        return self._text(str(value))

    def chunks(self, rows: Iterable[tuple[str, Sequence[Block]]], number: int = 1) -> Iterable[tuple[str, int]]:
        """XML text of the rows in pieces of CHUNK_ROWS rows, with the number of the last row written.

        The first row gets number + 1 (row 1 is the header).
        """
        out: list[str] = []
        append = out.append
        style_now, cache = None, {}
        for style, blocks in rows:
            number += 1
            if style != style_now:
                style_now, cache = style, self.caches.setdefault(style, {})
            append(f'<row r="{number}">')
            for part in blocks:
                xml = cache.get(part)
                if xml is None:
                    if len(cache) > 500_000 or not self.cache:
                        cache.clear()
                    xml = cache[part] = "".join([self._cell(style, v) for v in part])
                append(xml)
            append("</row>")
            if number % CHUNK_ROWS == 0:
                yield "".join(out), number
                out.clear()
        yield "".join(out), number


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_SST_HEAD = re.compile(rb'<sst [^>]*?count="(\d+)" uniqueCount="(\d+)">')


def fill_package(package: bytes, target: Path, sheets: list[SheetRows], styles: dict[str, int]) -> None:
    """Write ``package`` (an xlsxwriter workbook) to ``target`` with the rows of ``sheets`` streamed in;
    ``styles``: style name -> number of its cell format."""
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        parts = sheet_parts(source)
        by_part = {parts[s.name]: s for s in sheets}
        sst = source.read("xl/sharedStrings.xml")
        head = _SST_HEAD.search(sst)
        assert head is not None, "xlsxwriter writes a shared string table for the header rows"
        strings = SharedStrings(int(head.group(2)))
        # level 3: as fast as level 1 on this XML (zlib's fast strategy), a quarter smaller; level 6 costs 15 % more
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as out:
            for part in (info.filename for info in source.infolist() if info.filename != "xl/sharedStrings.xml"):
                data = source.read(part)
                sheet = by_part.get(part)
                if sheet is None:
                    out.writestr(part, data)
                else:
                    _write_sheet(out, part, data, sheet, strings, styles)
            tail = f"{strings.xml()}</sst>".encode()
            # ``count`` (references to all strings) is optional; the cached blocks do not count their uses
            head_xml = sst[:head.start()] + (
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'uniqueCount="{strings.start + len(strings.index)}">').encode()
            body = sst[head.end():sst.rindex(b"</sst>")]
            out.writestr("xl/sharedStrings.xml", head_xml + body + tail)


def _write_sheet(out: zipfile.ZipFile, name: str, data: bytes, sheet: SheetRows, strings: SharedStrings,
                 styles: dict[str, int]) -> None:
    data = data.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
    if sheet.count:
        last = f"{column_letter(max(sheet.columns - 1, 0))}{sheet.count + 1}"
        data = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>'.encode(), data, count=1)
    end = data.rindex(b"</sheetData>")
    writer = _RowWriter(strings, styles, sheet.cache)
    written = 1
    with out.open(name, "w", force_zip64=True) as handle:  # by name: the archive's compression level applies
        handle.write(data[:end])
        for xml, last_row in writer.chunks(sheet.rows):
            handle.write(xml.encode("utf-8", "replace"))
            written = last_row
        handle.write(data[end:])
    if written != sheet.count + 1:
        raise ValueError(f"{sheet.name}: {written - 1} Zeilen geschrieben, {sheet.count} angekündigt")


# ---- the collection workbook: formulas prepared once ------------------------------------------------------
# ``Worksheet._prepare_formula`` runs 29 regular expressions for every formula (the prefix of Excel's new functions;
# about 30 µs a formula, writing a cell takes 1.5 µs). A round of 50 offices has 19,350 formulas but 213 different
# texts (the same sums under the same columns in every sheet and office), so the worksheets of ``new_workbook`` keep
# what xlsxwriter made of each text (``_PREPARED``, per process): a serial `toolkit distribute` 6.5-6.8 -> 5.6-5.8
# CPU-s. The result depends only on the text, its argument and the option ``use_future_functions`` (the key): the
# files are the same byte for byte (tests/test_collection_workbook.py). Fallback: without that method
# (``FORMULA_MEMO`` False) a plain ``xlsxwriter.Workbook``.

PREPARED_LIMIT = 20_000  # formula texts kept; more are forgotten all at once (a round has a few hundred)
_PREPARED: dict[tuple[str, bool, bool], str] = {}


def _has_formula_memo() -> bool:
    return callable(getattr(Worksheet, "_prepare_formula", None))


FORMULA_MEMO = _has_formula_memo()


class _FormulaMemoWorksheet(Worksheet):
    """A worksheet that prepares each formula text once per process (see module docstring)."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        key = (formula, expand_future_functions, getattr(self, "use_future_functions", False))
        prepared = _PREPARED.get(key)
        if prepared is None:
            if len(_PREPARED) >= PREPARED_LIMIT:
                _PREPARED.clear()
            prepared = _PREPARED[key] = super()._prepare_formula(formula, expand_future_functions)
        return prepared


class _FormulaMemoWorkbook(xlsxwriter.Workbook):
    worksheet_class = _FormulaMemoWorksheet  # xlsxwriter's hook for its own subclasses of Worksheet


def new_workbook(path: str, options: dict[str, object]) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook for ``path`` with ``options``; its worksheets keep prepared formulas when they can."""
    return (_FormulaMemoWorkbook if FORMULA_MEMO else xlsxwriter.Workbook)(path, options)
