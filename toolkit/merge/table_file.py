"""The file of `toolkit import` read into rows, so that no row can get lost: a CSV file, or a sheet of a workbook.

``read_table`` reads a workbook's sheet through the file guards of returns/safety.py with python-calamine (nothing
in it is executed), and a CSV file by its character set, then its rows, strictly:

**Character set** (``decode_csv``). Read are UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252 (what Excel
writes as "CSV (Trennzeichen-getrennt)") and DOS code page 850 (old DOS and mainframe exports, "ü" is the byte 0x81).
The rule, in this order:

1. A BOM decides: UTF-8, UTF-16 (LE or BE); a UTF-32 BOM is refused by name. A file that its BOM does not fit is
   refused, naming the line.
2. NUL bytes without a BOM: UTF-16 without BOM or no text at all; refused.
3. Valid UTF-8 is UTF-8 (ASCII included).
4. Otherwise one of the two single-byte sets; both are tried and the decoded text is scored: every German letter
   (ä ö ü Ä Ö Ü ß) counts 3, every typographic sign Windows-1252 has and German text uses („ “ ” ‚ ‘ ’ – — … € § °)
   counts 1, every box-drawing or control character (what the other code page makes of umlauts) counts −3. The
   higher score wins, a tie goes to Windows-1252; Windows-1252 cannot win when it cannot decode the file (0x81, 0x8D,
   0x8F, 0x90, 0x9D are undefined there). When neither fits (Windows-1252 impossible and CP850 without a German
   letter) or the file mixes UTF-8 umlauts with other bytes, it is refused. A file read as Windows-1252 or CP850
   gets a Hinweis naming the set and an example word, so a wrong guess is seen; ``--zeichensatz`` forces one.

**Rows** (``parse_csv``). Python's csv module in strict mode, one record at a time, keeping the physical line where
each record starts. Refused, naming the file and line: a quote that is not closed (the csv module reports the end
of the file, or text after a closing quote), a row with fewer fields than the header or with more (empty fields at
the end are fine; a short record with a quoted field holding a line with exactly as many separators as a row is named
as the quote closed too late, with the lines it swallowed), a field longer than an Excel cell holds. A file that
parses cleanly into records of the header's width is read exactly as written, so any table the csv module writes
imports exactly its rows; a quoted field there that holds a line looking like a row (as many separators as a row,
tables of four columns or more) gets a warning naming that line, as it may be a closing quote forgotten.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.core.cells import column_letter, format_number, line_span
from toolkit.core.problems import FileReport, Problem, Severity, problem
from toolkit.merge.mapping import Mapping
from toolkit.returns.safety import Refused, inspect_file

# what --zeichensatz accepts -> (Python codec, German name)
ENCODINGS = {"utf-8": ("utf-8-sig", "UTF-8"), "utf-16": ("utf-16", "UTF-16"),
             "cp1252": ("cp1252", "Windows-1252 (ANSI)"), "cp850": ("cp850", "DOS (Codepage 850)")}
ENCODING_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "utf16": "utf-16", "windows-1252": "cp1252",
                    "ansi": "cp1252", "1252": "cp1252", "dos": "cp850", "850": "cp850", "ibm850": "cp850"}
SHEET = "Import"  # how cells of a CSV file and of the long format are named: Import!G3
MAX_FIELD = 32_767  # characters: what one Excel cell holds
GERMAN_LETTERS = "äöüÄÖÜß"
TYPOGRAPHIC = "„“”‚‘’–—…€§°"
_IMPLAUSIBLE = re.compile(r"[\u2500-\u259f\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # box drawing, control characters
_UTF8_UMLAUT = re.compile(rb"\xc3[\xa4\xb6\xbc\x84\x96\x9c\x9f]")
_WORD = re.compile(r"\w*[^\x00-\x7f]\w*")


def read_table(path: Path, data: bytes, report: FileReport, mapping: Mapping | None,
               encoding: str | None = None) -> tuple[str, list[list[object]] | None]:
    """The name its cells are given (the sheet of a wide table, else Import) and the rows: of a CSV file (in the
    character set ``encoding``, a key of ENCODINGS, or the one it is recognised by), or of the mapping's
    sheet (else the first) of a workbook. None, with the problems in ``report``, if it cannot be read whole."""
    if path.suffix.lower() in (".csv", ".txt"):
        decoded = decode_csv(data, path.name, encoding)
        report.extend(decoded.problems)
        if decoded.text is None:
            return SHEET, None
        parsed = parse_csv(decoded.text, path.name, mapping.header_row if mapping is not None else 1)
        report.extend(parsed.problems)
        return SHEET, parsed.rows  # type: ignore[return-value]
    try:
        inspect_file(path, data)
        from python_calamine import CalamineWorkbook  # heavy: only for an .xlsx import

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            names = list(book.sheet_names)
            wanted = mapping.sheet if mapping is not None and mapping.sheet else None
            if wanted is not None and wanted not in names:
                report.problems.append(problem("zuordnung-passt-nicht", "blatt", file=path.name, found=wanted,
                                               expected=", ".join(f"„{n}“" for n in names), mapping=mapping.file))
                return SHEET, None
            sheet = wanted or names[0]
            return SHEET if mapping is None else sheet, book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Refused as refused:
        report.problems.append(refused.problem)
    except Exception as exc:
        report.problems.append(problem("nicht-lesbar", "import", file=path.name, reason=type(exc).__name__))
    return SHEET, None


# ---- the character set ---------------------------------------------------------------------------------------


@dataclass
class Decoded:
    """The text of a CSV file (None if refused), the character set read, and what to say about it."""

    text: str | None
    encoding: str = ""  # the key of ENCODINGS
    problems: list[Problem] = field(default_factory=list)


def encoding_choice(written: str) -> str | None:
    """The key of ENCODINGS that ``written`` (an option value such as 'CP850', 'utf8', 'ANSI') names, or None."""
    key = written.strip().casefold()
    key = ENCODING_ALIASES.get(key, key)
    return key if key in ENCODINGS else None


def decode_csv(data: bytes, file: str, forced: str | None = None) -> Decoded:
    """The text of a CSV file by the rule of the module docstring; ``forced``: a key of ENCODINGS to use instead."""
    if forced is not None:
        codec, name = ENCODINGS[forced]
        try:
            return Decoded(data.decode(codec), forced)
        except UnicodeDecodeError as exc:
            return _refused("erzwungen", file, data, exc.start, forced, found=forced, encoding=name)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _refused("utf32", file, data, 0, "")
    for bom, key in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(ENCODINGS[key][0]), key)
            except UnicodeDecodeError as exc:
                return _refused("bom", file, data, exc.start, key, encoding=ENCODINGS[key][1])
    if b"\x00" in data:
        return _refused("null", file, data, data.index(b"\x00"), "")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_UMLAUT.search(data):
            return _refused("gemischt", file, data, exc.start, "")
    candidates, bad = {}, 0
    for key in ("cp1252", "cp850"):
        try:
            candidates[key] = data.decode(key)
        except UnicodeDecodeError as exc:
            bad = exc.start
    scores = {key: _score(text) for key, text in candidates.items()}
    key = max(scores, key=lambda k: scores[k])  # dicts keep order: a tie goes to cp1252
    if key == "cp850" and "cp1252" not in scores and scores[key] <= 0:
        return _refused("unbekannt", file, data, bad, "", found=f"0x{data[bad]:02X}")
    text = candidates[key]
    example = _WORD.search(text)
    other = "cp850" if key == "cp1252" else "cp1252"
    return Decoded(text, key, [problem("zeichensatz-erkannt", file=file, found=ENCODINGS[key][1],
                                       example=example.group(0)[:40] if example else "", other=other)])


def _score(text: str) -> int:
    """How German the non-ASCII characters of ``text`` look (see the module docstring)."""
    return (3 * sum(text.count(c) for c in GERMAN_LETTERS) + sum(text.count(c) for c in TYPOGRAPHIC)
            - 3 * len(_IMPLAUSIBLE.findall(text)))


def _refused(variant: str, file: str, data: bytes, at: int, key: str, **details: object) -> Decoded:
    """A refusal naming the line of byte ``at`` (``key``: the character set tried, if any)."""
    newline = {"utf-16": b"\n\x00"}.get(key, b"\n")
    return Decoded(None, key, [problem("zeichensatz", variant, file=file, line=data[:at].count(newline) + 1,
                                       **details)])


# ---- the rows ------------------------------------------------------------------------------------------------


@dataclass
class CsvRows:
    """The records of a CSV file (None if it cannot be read without losing rows) and why not."""

    rows: list[list[str]] | None
    problems: list[Problem] = field(default_factory=list)


def delimiter_of(text: str, lines: int = 1) -> str:
    """';' or ',': whichever the first ``lines`` lines (up to the header) have more of (a tie: ';', the German
    Excel's separator)."""
    first = "\n".join(text.split("\n", lines)[:lines])
    return ";" if first.count(";") >= first.count(",") else ","


def parse_csv(text: str, file: str, header_row: int = 1) -> CsvRows:
    """The records of ``text``, strictly (see the module docstring); ``header_row``: 1-based, the row with the
    column names, whose width every later row must have."""
    delimiter = delimiter_of(text, header_row)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    result = CsvRows([])
    assert result.rows is not None
    header: list[str] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(_broken(file, text, delimiter, header, start, reader.line_num, str(exc)))
            return CsvRows(None, result.problems)
        result.rows.append(row)
        number = len(result.rows)
        if number == header_row:
            header = _trimmed(row)
        elif number > header_row and any(cell.strip() for cell in row):
            ragged = bool(header) and (len(_trimmed(row)) > len(header) or len(row) < len(header))
            swallowed = _swallowed(file, row, header, delimiter, start, reader.line_num, ragged)
            if swallowed is not None:
                result.problems.append(swallowed)
                if swallowed.severity == Severity.FEHLER:
                    return CsvRows(None, result.problems)
            elif ragged:
                result.problems.append(problem("csv-aufbau", "felder", file=file, line=start, found=str(len(row)),
                                               expected=str(len(header)), delimiter=delimiter))
        for index, cell in enumerate(row):
            if len(cell) > MAX_FIELD:
                result.problems.append(problem("csv-aufbau", "zu-lang", file=file, line=start,
                                               column=_column(header, index), found=format_number(len(cell)),
                                               expected=format_number(MAX_FIELD)))
    if any(p.severity == Severity.FEHLER for p in result.problems):
        return CsvRows(None, result.problems)
    return result


def _trimmed(row: list[str]) -> list[str]:
    """The row without the empty fields at its end."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def _column(header: list[str], index: int) -> str:
    """How a message names the column at ``index``: its header name, else its letter."""
    if index < len(header) and header[index].strip():
        return header[index].strip()
    return column_letter(index)


def _swallowed(file: str, row: list[str], header: list[str], delimiter: str, start: int, end: int,
               ragged: bool) -> Problem | None:
    """A quoted field that may hold whole rows: one of its inner lines has exactly as many separators as a row (a
    table of at least four columns; in a narrower one a line of text could look like a row). In a record of the
    wrong width that is the unclosed quote, an error; in a record of the header's width it is valid CSV (a note may
    hold such a line), so it is read as written, with a warning naming the line."""
    if end == start or len(header) < 4:
        return None
    lines_before = 0
    for index, cell in enumerate(row):
        inner = [line.rstrip("\r") for line in cell.split("\n")[1:]]
        looking = [number for number, line in enumerate(inner, start + lines_before + 1)
                   if line.count(delimiter) == len(header) - 1]
        lines_before += len(inner)
        if not looking:
            continue
        if ragged:
            return problem("csv-aufbau", "anfuehrungszeichen-spaet", file=file, line=start,
                           column=_column(header, index), found=_opening(cell),
                           swallowed=_swallowed_lines(start + 1, end), last=end)
        return problem("csv-mehrzeilig", file=file, line=start, column=_column(header, index), found=_opening(cell),
                       last=end, inner=looking[0], delimiter=delimiter)
    return None


def _swallowed_lines(first: int, last: int) -> str:
    """'Zeile 3 geriet' or 'die Zeilen 3 bis 5 gerieten': the subject and verb of the late-quote message."""
    return f"{line_span(first, last)} geriet" if last <= first else f"die {line_span(first, last)} gerieten"


def _broken(file: str, text: str, delimiter: str, header: list[str], start: int, end: int, reason: str) -> Problem:
    """The csv module's error as a German message: mostly a quote that is not closed where it should be."""
    if end > start or "unexpected end of data" in reason:
        # the record runs over line ends: the last field of its first line opened a quote that does not close there
        lines = io.StringIO(text, newline="").readlines()
        fields = next(csv.reader([lines[start - 1].rstrip("\r\n") if start <= len(lines) else ""],
                                 delimiter=delimiter), [""])
        variant = "anfuehrungszeichen-offen" if "end of data" in reason or "field limit" in reason \
            else "anfuehrungszeichen-spaet"
        return problem("csv-aufbau", variant, file=file, line=start, column=_column(header, len(fields) - 1),
                       found=_opening(fields[-1]), first=start + 1, last=end,
                       swallowed=_swallowed_lines(start + 1, end))
    if "field limit" in reason:
        return problem("csv-aufbau", "zu-lang-zeile", file=file, line=start,
                       found=format_number(csv.field_size_limit()), expected=format_number(MAX_FIELD))
    if "expected after" in reason:
        return problem("csv-aufbau", "nach-anfuehrungszeichen", file=file, line=start)
    return problem("csv-aufbau", "fehler", file=file, line=start, reason=reason)


def _opening(text: str) -> str:
    """The first words of a field, for a message: 'Schätzung des Amts'."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:40] + ("…" if len(first) > 40 else "")


__all__ = ["ENCODINGS", "MAX_FIELD", "SHEET", "CsvRows", "Decoded", "decode_csv", "delimiter_of", "encoding_choice",
           "parse_csv", "read_table"]
