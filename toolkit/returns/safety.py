"""Guards that run before a returned file is parsed: size, zip expansion, macros, encryption, XML entities.

A returned file is untrusted. Before python-calamine (or anything else) parses it, ``inspect_file``
looks at the raw bytes: the kind of file (xlsx, ods, xls), the compressed size, the declared and the
actual uncompressed size of every zip member (decompressed in chunks with a cap, so a zip bomb costs
at most the cap), the number and the spread of cells of every worksheet (a sheet with one cell at A1
and one at XFD1048576 would make a reader allocate billions of cells), DOCTYPE/ENTITY declarations
(entity bombs), macros and encryption. The result is a ``SafeFile`` or a list of Problems.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.core.cells import cell_name, column_index
from toolkit.core.problems import Problem, problem
from toolkit.core.xlsx_package import sheet_parts
from toolkit.returns.xls_formulas import xls_formula_cells

MAX_FILE_BYTES = 20 * 1024 * 1024  # compressed size of a returned file
MAX_MEMBERS = 2_000  # entries in the zip container
MAX_UNCOMPRESSED = 64 * 1024 * 1024  # sum of all zip members after decompression
MAX_CELLS = 1_000_000  # cells with content in all sheets, and the spread (rows x columns) of one sheet
CHUNK = 1 << 16

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".ods")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xlam")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

_CELL_WITH_CONTENT = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
_CELL_START = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*?>')
_SHEET_ENTRY = re.compile(r"^xl/worksheets/sheet\d+\.xml$")
_ENTITY_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass
class SafeFile:
    """A file that passed the guards, with what the reader needs next."""
    path: Path
    data: bytes
    kind: str  # "xlsx", "ods" or "xls"
    formula_cells: dict[str, set[str]] = field(default_factory=dict)  # worksheet part -> cells with a formula
    sheet_parts: dict[str, str] = field(default_factory=dict)  # sheet name -> worksheet part (ods, xls: the name)
    formulas_known: bool = True  # formula_cells is complete (xlsx, ods; an .xls only if its records could be read)


class Refused(Exception):
    """The file must not be parsed; ``problem`` says why."""
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def inspect_file(path: Path, data: bytes) -> SafeFile:
    """Classify ``data`` (the bytes of ``path``) and check every guard; raise Refused if one fails."""
    name = path.name
    suffix = path.suffix.lower()
    if not data:
        raise Refused(problem("leere-datei", file=name))
    if len(data) > MAX_FILE_BYTES:
        raise Refused(problem("zu-gross", file=name, found=f"{len(data)} Byte", expected=f"höchstens {MAX_FILE_BYTES} Byte",
                              megabytes=len(data) // 1_048_576, limit_mb=MAX_FILE_BYTES // 1_048_576))
    if suffix in MACRO_SUFFIXES:
        raise Refused(_macros(name))
    if data.startswith(OLE_MAGIC):
        return _inspect_ole(path, data)
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK"):
        return _inspect_zip(path, data)
    raise Refused(problem("keine-tabelle", file=name))


def _macros(name: str) -> Problem:
    return problem("makros", file=name)


def _encrypted(name: str) -> Problem:
    return problem("verschluesselt", file=name)


def _unreadable(name: str, why: str) -> Problem:
    return problem("nicht-lesbar", "beschaedigt", file=name, reason=why)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _inspect_ole(path: Path, data: bytes) -> SafeFile:
    """An OLE compound file: an old .xls, or an encrypted .xlsx (EncryptedPackage stream)."""
    name = path.name
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        raise Refused(_encrypted(name))
    if _utf16("_VBA_PROJECT") in data or _utf16("VBA") + b"\x00\x00" in data:
        raise Refused(_macros(name))
    if _utf16("Workbook") not in data and _utf16("Book") not in data:
        raise Refused(problem("keine-tabelle", "office", file=name))

    formulas = xls_formula_cells(data)
    return SafeFile(path, data, "xls", formulas or {}, {sheet: sheet for sheet in formulas or {}},
                    formulas_known=formulas is not None)


def _inspect_zip(path: Path, data: bytes) -> SafeFile:

    name = path.name
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise Refused(_unreadable(name, "ZIP-Container defekt, die Datei ist vermutlich abgeschnitten")) from None
    with archive:
        names = {info.filename for info in infos}
        _refuse_by_names(name, names, len(infos))
        declared = sum(info.file_size for info in infos)
        if declared > MAX_UNCOMPRESSED:
            raise Refused(_bomb(name, declared))
        kind = _zip_kind(name, archive, names)
        safe = SafeFile(path, data, kind)
        total = 0
        cells = 0
        for info in infos:
            if info.is_dir():
                continue
            content = _read_member(name, archive, info, MAX_UNCOMPRESSED - total)
            total += len(content)
            if info.filename.endswith((".xml", ".rels")) or info.filename == "mimetype":
                _refuse_entities(name, info.filename, content)
            if _SHEET_ENTRY.match(info.filename):
                cells += _count_cells(name, info.filename, content)
                safe.formula_cells[info.filename] = formula_cells(content)
            elif info.filename == "content.xml" and kind == "ods":
                count, safe.formula_cells = _scan_ods(name, content)
                safe.sheet_parts = {sheet: sheet for sheet in safe.formula_cells}
                cells += count
            if cells > MAX_CELLS:
                raise Refused(_too_many_cells(name, cells))
        if kind == "xlsx":
            safe.sheet_parts = sheet_parts(archive)
    return safe


def _refuse_by_names(name: str, names: set[str], count: int) -> None:
    if count > MAX_MEMBERS:
        raise Refused(problem("zu-gross", "teile", file=name, found=str(count), expected="weniger als 100 Teile"))
    if any(n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/")) for n in names):
        raise Refused(_macros(name))
    if "EncryptedPackage" in names:
        raise Refused(_encrypted(name))


def _zip_kind(name: str, archive: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        mime = archive.read("mimetype")[:200] if archive.getinfo("mimetype").file_size < 200 else b""
        if mime.strip() == ODS_MIME:
            manifest = _read_member(name, archive, archive.getinfo("META-INF/manifest.xml"), MAX_UNCOMPRESSED) \
                if "META-INF/manifest.xml" in names else b""
            if b"encryption-data" in manifest:
                raise Refused(_encrypted(name))
            return "ods"
        raise Refused(problem("keine-tabelle", "opendocument", file=name))
    if "xl/workbook.xml" in names:
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if b"macroEnabled" in content_types:
            raise Refused(_macros(name))
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise Refused(_macros(name))
    raise Refused(problem("keine-tabelle", "zip", file=name))


def _read_member(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Decompress one member in chunks; stop as soon as the budget is exceeded (zip bomb)."""
    parts: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > budget:
                    raise Refused(_bomb(name, size))
                parts.append(chunk)
    except Refused:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        if "encrypted" in str(exc).lower() or "password" in str(exc).lower():
            raise Refused(_encrypted(name)) from None
        raise Refused(_unreadable(name, f"Teil {info.filename}: {exc}")) from None
    except Exception as exc:  # zlib.error and friends: the file is broken, not the program
        raise Refused(_unreadable(name, f"Teil {info.filename}: {exc}")) from None
    return b"".join(parts)


def _bomb(name: str, size: int) -> Problem:
    return problem("zu-gross", "entpackt", file=name, found=f"mehr als {size} Byte entpackt",
                   expected=f"höchstens {MAX_UNCOMPRESSED} Byte", limit_mb=MAX_UNCOMPRESSED // 1_048_576)


def _too_many_cells(name: str, cells: int) -> Problem:
    return problem("zu-gross", "zellen", file=name, found=str(cells), expected=f"höchstens {MAX_CELLS} Zellen")


def _refuse_entities(name: str, member: str, content: bytes) -> None:
    head = content[:4096]
    if any(marker in head for marker in _ENTITY_MARKERS) or b"<!ENTITY" in content:
        raise Refused(problem("unsicherer-inhalt", file=name, member=member))


def _count_cells(name: str, member: str, content: bytes) -> int:
    """Cells with content in one worksheet; refuse if their spread (rows x columns) is larger than MAX_CELLS.

    Formatted but empty cells (``<c r=".." s=".."/>``) are left out: LibreOffice writes them for whole
    formatted columns, and no reader allocates anything for them.
    """
    cells = _CELL_WITH_CONTENT.findall(content)
    if not cells:
        return 0
    max_col = max(column_index(letters.decode()) for letters in {c[0] for c in cells}) + 1
    max_row = max(int(digits) for digits in {c[1] for c in cells})
    if max_row * max_col > MAX_CELLS:
        raise Refused(_too_many_cells(name, max_row * max_col))
    return len(cells)


def formula_cells(content: bytes) -> set[str]:
    """Cells whose first child is a formula (``<c r="K5" ...><f>``), found from the few ``<f`` in the sheet.

    Same cells as the pattern ``<c r="(ref)"[^>]*?>\\s*<f[\\s>/]``, without running a pattern over every
    cell: for each ``<f`` the tag just before it (only whitespace between) must be the start of a cell.
    """
    found: set[str] = set()
    pos = content.find(b"<f")
    while pos != -1:
        after = content[pos + 2:pos + 3]
        if after and after in b" \t\r\n>/":
            end = pos - 1
            while end >= 0 and content[end] in b" \t\r\n":
                end -= 1
            if end >= 0 and content[end] == 0x3E:  # ">"
                match = _CELL_START.match(content, content.rfind(b"<", 0, end))
                if match is not None and match.end() == end + 1:
                    found.add(match.group(1).decode())
        pos = content.find(b"<f", pos + 2)
    return found


_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="(\d+)"')
_NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CELLS = (f"{_NS_TABLE}table-cell", f"{_NS_TABLE}covered-table-cell")


def _scan_ods(name: str, content: bytes) -> tuple[int, dict[str, set[str]]]:
    """Cells with content in content.xml, and per sheet the cells with a ``table:formula`` attribute.

    ODS repeats rows and cells by attribute and a reader expands them, so the count multiplies the repeats
    and refuses the file as soon as it exceeds MAX_CELLS. A formula cell counts even without a value.
    """
    has_formula = b"formula=" in content
    if not has_formula and not _ODS_REPEAT.search(content):
        return content.count(b"<table:table-cell"), {}

    from defusedxml import ElementTree as SafeET  # heavy: only for an .ods return


    formulas: dict[str, set[str]] = {}
    sheet: set[str] = set()
    total = row = col = 0
    row_repeat = 1
    try:
        for event, element in SafeET.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = element.tag
            if tag in _ODS_CELLS:
                if event == "end":
                    repeat = int(element.get(f"{_NS_TABLE}number-columns-repeated", "1"))
                    formula = has_formula and element.get(f"{_NS_TABLE}formula") is not None
                    if formula or element.get(f"{_NS_OFFICE}value-type") or len(element):
                        total += row_repeat * repeat
                        if total > MAX_CELLS:
                            raise Refused(_too_many_cells(name, total))
                    if formula:
                        sheet.update(cell_name(r, c) for r in range(row, row + row_repeat)
                                     for c in range(col, col + repeat))
                    col += repeat
                    element.clear()
            elif tag == f"{_NS_TABLE}table-row":
                if event == "start":
                    row_repeat, col = int(element.get(f"{_NS_TABLE}number-rows-repeated", "1")), 0
                else:
                    row += row_repeat
                    element.clear()
            elif tag == f"{_NS_TABLE}table" and event == "start":
                sheet = formulas.setdefault(element.get(f"{_NS_TABLE}name", ""), set())
                row = 0
    except Refused:
        raise
    except Exception as exc:  # defusedxml refuses entities; broken XML is a broken file
        raise Refused(_unreadable(name, f"content.xml: {exc}")) from None
    return total, formulas


