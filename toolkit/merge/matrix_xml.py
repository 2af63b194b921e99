"""Fast rows for the big sheets of the master matrix: worksheet XML written directly, not cell by cell.

xlsxwriter lays out every sheet (header row, formats, column widths, frozen panes, filter, defined names)
and writes the package. The data rows of the sheets registered here are then streamed into that package:
``fill_package`` copies every zip member, and inserts the rows before ``</sheetData>`` of their worksheet
(with the ``<dimension>`` widened), and appends their texts to the shared strings. Texts are always
shared strings (``t="s"``), never formulas or inline markup; floats carry the number format named by
their row, whole numbers (years, delivery numbers) none. A row is given as blocks of neighbouring cells; the XML of a block is built once and reused, so
a row of the long form costs a few dictionary look-ups instead of a dozen cell writes. The cells carry
no reference of their own (optional in ECMA-376; Excel, LibreOffice, openpyxl and calamine place such a
cell after the one before it; a gap is an empty ``<c/>``); rows keep their number.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.core.cells import column_letter
from toolkit.returns.safety import _sheet_parts

MAX_TEXT = 32_767  # Excel's limit for the text of one cell
CHUNK_ROWS = 20_000
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")

Block = tuple  # neighbouring cell values (str, int, float or None/"" for an empty cell)


@dataclass
class SheetRows:
    """The data rows of one sheet: ``rows`` yields (number style name, blocks) per row, from row 2 on."""

    name: str
    columns: int
    count: int  # number of data rows (for the dimension of the sheet)
    rows: Iterable[tuple[str, Sequence[Block]]]
    number_styles: dict[str, object] = field(default_factory=dict)  # style name -> xlsxwriter Format
    cache: bool = True  # reuse the XML of equal blocks (blocks at one position must hold values of one type)
    # waits for the XML of further rows made elsewhere (matrix.py: a helper process) and their number
    tail: Callable[[], tuple[bytes, int]] | None = None


class SharedStrings:
    """The texts added to xlsxwriter's shared string table (their indices start after its own)."""

    def __init__(self, start: int, known: dict[str, int] | None = None) -> None:
        self.index: dict[str, int] = {}
        self.start = start
        self.known = known or {}  # texts already in xlsxwriter's table, by index

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.known.get(text)
            if found is None:
                found = self.index[text] = self.start + len(self.index)
        return found

    def xml(self) -> str:
        return "".join(_si(text) for text in self.index)


class FrozenStrings:
    """A copy of a string table for another process: known texts by index, others as inline strings."""

    def __init__(self, index: dict[str, int]) -> None:
        self.index = index

    def cell(self, text: str) -> str:
        found = self.index.get(text)
        if found is not None:
            return f'<c t="s"><v>{found}</v></c>'
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


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

    def __init__(self, strings: SharedStrings | FrozenStrings, styles: dict[str, int], cache: bool) -> None:
        self.strings, self.styles, self.cache = strings, styles, cache
        self.caches: dict[str, dict[Block, str]] = {}

    def _text(self, text: str) -> str:
        if isinstance(self.strings, FrozenStrings):
            return self.strings.cell(text[:MAX_TEXT])
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


def rows_xml(rows: Iterable[tuple[str, Sequence[Block]]], strings: dict[str, int], styles: dict[str, int],
             after: int) -> tuple[bytes, int]:
    """The XML of data rows made in another process: texts of ``strings`` by index, others inline.

    The first row gets the number after + 1; returns the XML and the number of rows.
    """
    writer = _RowWriter(FrozenStrings(strings), styles, cache=True)
    pieces = list(writer.chunks(rows, after))
    return b"".join(xml.encode("utf-8", "replace") for xml, _ in pieces), pieces[-1][1] - after


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_SST_HEAD = re.compile(rb'<sst [^>]*?count="(\d+)" uniqueCount="(\d+)">')


def fill_package(package: bytes, target: Path, sheets: list[SheetRows], known: dict[str, int] | None = None) -> None:
    """Write ``package`` (an xlsxwriter workbook) to ``target`` with the rows of ``sheets`` streamed in.

    ``known``: texts already in the package's shared strings (by index), reused instead of added again.
    """
    import io

    with zipfile.ZipFile(io.BytesIO(package)) as source:
        parts = _sheet_parts(source)
        by_part = {parts[s.name]: s for s in sheets}
        sst = source.read("xl/sharedStrings.xml")
        head = _SST_HEAD.search(sst)
        assert head is not None, "xlsxwriter writes a shared string table for the header rows"
        strings = SharedStrings(int(head.group(2)), known)
        # level 3: as fast as level 1 on this XML (zlib's fast strategy), a quarter smaller; level 6 costs 15 % more
        waits = {s.name: s.tail for s in sheets if s.tail is not None}
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as out:
            # sheets that wait for rows made elsewhere come after the others, then the strings
            members = sorted((info.filename for info in source.infolist() if info.filename != "xl/sharedStrings.xml"),
                             key=lambda part: part in by_part and by_part[part].name in waits)
            for part in members:
                data = source.read(part)
                sheet = by_part.get(part)
                if sheet is None:
                    out.writestr(part, data)
                else:
                    _write_sheet(out, part, data, sheet, strings, waits.get(sheet.name))
            tail = f"{strings.xml()}</sst>".encode()
            # ``count`` (references to all strings) is optional; the cached blocks do not count their uses
            head_xml = sst[:head.start()] + (
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'uniqueCount="{strings.start + len(strings.index)}">').encode()
            body = sst[head.end():sst.rindex(b"</sst>")]
            out.writestr("xl/sharedStrings.xml", head_xml + body + tail)


def _write_sheet(out: zipfile.ZipFile, name: str, data: bytes, sheet: SheetRows, strings: SharedStrings,
                 tail: Callable[[], tuple[bytes, int]] | None = None) -> None:
    data = data.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
    if sheet.count:
        last = f"{column_letter(max(sheet.columns - 1, 0))}{sheet.count + 1}"
        data = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>'.encode(), data, count=1)
    end = data.rindex(b"</sheetData>")
    writer = _RowWriter(strings, {k: v.xf_index for k, v in sheet.number_styles.items()}, sheet.cache)
    written = 1
    with out.open(name, "w", force_zip64=True) as handle:  # by name: the archive's compression level applies
        handle.write(data[:end])
        for xml, last_row in writer.chunks(sheet.rows):
            handle.write(xml.encode("utf-8", "replace"))
            written = last_row
        if tail is not None:
            xml_bytes, count = tail()
            handle.write(xml_bytes)
            written += count
        handle.write(data[end:])
    if written != sheet.count + 1:
        raise ValueError(f"{sheet.name}: {written - 1} Zeilen geschrieben, {sheet.count} angekündigt")
