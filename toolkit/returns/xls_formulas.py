"""Cells with a formula in an old Excel file (.xls, BIFF8), found without a spreadsheet library.

python-calamine reads the cached values of an .xls but does not say which cells hold a formula. This
module reads just enough of the file to know: the "Workbook" stream of the OLE compound file (sector
chains through the FAT), the sheet names and offsets (BOUNDSHEET records) and the FORMULA records
(row, column) of every sheet. Nothing is evaluated. Any oddity (a broken chain, an encrypted file, an
old BIFF5 "Book" stream, a stream in the mini stream) gives ``None``: formulas unknown, the caller reads
the values as usual.
"""

from __future__ import annotations

import struct

from toolkit.core.cells import cell_name

END_OF_CHAIN = 0xFFFFFFFE
FREE = 0xFFFFFFFF
MAX_SECTOR = 0xFFFFFFFA
DIFAT_IN_HEADER = 109
DIR_ENTRY = 128
MAX_NESTING = 8  # globals, sheet, embedded chart: BIFF8 nests no deeper
BOF, EOF, BOUNDSHEET, FORMULA, FILEPASS = 0x0809, 0x000A, 0x0085, 0x0006, 0x002F


class _Broken(Exception):
    """The compound file or the record stream is not as expected."""


def xls_formula_cells(data: bytes) -> dict[str, set[str]] | None:
    """Sheet name -> cells ("K5") whose record is a FORMULA; None when that cannot be told for sure."""
    try:
        stream = _workbook_stream(data)
        return None if stream is None else _formulas(stream)
    except (_Broken, struct.error, IndexError, ValueError, UnicodeDecodeError):
        return None


def _workbook_stream(data: bytes) -> bytes | None:
    shift, _mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12):
        raise _Broken
    size = 1 << shift
    sectors = (len(data) - 512) // size + 1
    (fat_count, first_dir, cutoff, _mini_fat, _mini_count, first_difat,
     difat_count) = struct.unpack_from("<I I 4x I I I I I", data, 0x2C)
    fat_sectors = [s for s in struct.unpack_from(f"<{DIFAT_IN_HEADER}I", data, 0x4C) if s <= MAX_SECTOR]
    sector = first_difat
    for _ in range(min(difat_count, sectors)):
        if sector > MAX_SECTOR:
            break
        entries = struct.unpack_from(f"<{size // 4}I", _sector(data, sector, size))
        fat_sectors.extend(s for s in entries[:-1] if s <= MAX_SECTOR)
        sector = entries[-1]
    if len(fat_sectors) < fat_count or fat_count > sectors:
        raise _Broken
    fat = b"".join(_sector(data, s, size) for s in fat_sectors[:fat_count])
    table = struct.unpack(f"<{len(fat) // 4}I", fat)
    directory = _chain(data, table, first_dir, size, sectors)
    for offset in range(0, len(directory) - DIR_ENTRY + 1, DIR_ENTRY):
        name_len, kind = struct.unpack_from("<HB", directory, offset + 0x40)
        name = directory[offset:offset + max(0, name_len - 2)].decode("utf-16-le", "replace")
        if kind == 2 and name == "Workbook":
            start, length = struct.unpack_from("<II", directory, offset + 0x74)
            if length < cutoff:  # in the mini stream: too small for a collection workbook
                return None
            return _chain(data, table, start, size, sectors)[:length]
    return None


def _sector(data: bytes, number: int, size: int) -> bytes:
    start = 512 + number * size
    if number > MAX_SECTOR or start >= len(data):
        raise _Broken
    return data[start:start + size]


def _chain(data: bytes, table: tuple[int, ...], start: int, size: int, sectors: int) -> bytes:
    parts: list[bytes] = []
    sector = start
    while sector != END_OF_CHAIN:
        if sector >= len(table) or len(parts) > sectors:
            raise _Broken  # out of range, or a loop
        parts.append(_sector(data, sector, size))
        sector = table[sector]
    return b"".join(parts)


def _records(stream: bytes):  # yields (type, record offset, length)
    offset = 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        yield kind, offset, length
        offset += 4 + length


def _formulas(stream: bytes) -> dict[str, set[str]] | None:
    """One pass over all records: BOUNDSHEET names the offset of each sheet's BOF; FORMULA records follow it."""
    names: dict[int, str] = {}
    found: dict[str, set[str]] = {}
    cells: set[str] | None = None
    stack: list[set[str] | None] = []
    for number, (kind, offset, length) in enumerate(_records(stream)):
        start = offset + 4
        if number == 0 and (kind != BOF or struct.unpack_from("<H", stream, start)[0] != 0x0600):
            return None  # not BIFF8
        if kind == FILEPASS:
            return None  # encrypted: the record data would be unreadable
        if kind == BOUNDSHEET:
            position, _state, sheet_type, chars, flags = struct.unpack_from("<IBBBB", stream, start)
            text = stream[start + 8:start + length]
            name = text[:2 * chars].decode("utf-16-le") if flags & 1 else text[:chars].decode("latin-1")
            if sheet_type == 0:
                names[position] = name
                found[name] = set()
        elif kind == BOF:  # a sheet, or a chart embedded in the current sheet (nested until its EOF)
            name = names.get(offset)
            if len(stack) >= MAX_NESTING:
                return None
            stack.append(found[name] if name is not None else None)
            cells = stack[-1]
        elif kind == FORMULA and cells is not None:
            row, col = struct.unpack_from("<HH", stream, start)
            cells.add(cell_name(row, col))
        elif kind == EOF and stack:
            stack.pop()
            cells = stack[-1] if stack else None
    return found
