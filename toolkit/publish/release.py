"""The release check of toolkit publish: is the edited report fit to be published?

The report is read as Word saved it (python-docx's public API; tracked changes by a look at the parts). It is refused,
finding by finding with its place (Absatz n, Tabelle n with row and column, Kopfzeile, Dokumenteigenschaft) and the
text, when

- an editorial placeholder or a working note is left (report/editorial.py defines both, once);
- the internal edition's mark, an internal note of the catalogue, the name of a delivered file or an office's e-mail
  address is in it;
- a number in a table is not the published value of its cell: the tables are matched to the tables compile builds
  from the one protected table (``expected_tables``) by their caption ("Tabelle: …", the Zusammenfassung's), else by header
  row and row labels; a cell by its row label and column header. A number typed into a suppressed or empty cell, or
  a changed number, is refused; an emptied cell or a deleted table is fine;
- the document properties lack the title, the language de-DE or the publisher (Autor = [bericht] herausgeber);
- tracked changes or comments are left (the PDF could show them, and a deleted number would stay readable).
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from toolkit.core.cells import count_of
from toolkit.core.errors import InputError
from toolkit.core.problems import Problem, problem
from toolkit.indicators.confidentiality import MISSING_SYMBOL, ZERO_SYMBOL
from toolkit.report.context import INTERNAL_MARK
from toolkit.report.editorial import placeholders_in, working_notes_in
from toolkit.report.summary import ANNEX_HEADER, SUMMARY_CAPTION, SUMMARY_HEADER
from toolkit.report.tables import Report
from toolkit.report.word import LANGUAGE

INDICATOR_CAPTION = "Tabelle: "  # how the report template captions an indicator's tables (report/word_template.py)
SUMMARY_NUMBERS = ("jahr", "wert", "vergleichswert", "abstand")  # the Zusammenfassung's columns with numbers
_NUMBER = re.compile(r"(?<![0-9.,])([-−]?)([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]+))?(?![0-9])")
_MARKS = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰\s]+")
_REVISION_MARKS = {("nachverfolgte Änderung", "nachverfolgte Änderungen"): re.compile(rb"<w:(?:ins|del|moveFrom|moveTo)\b"),
                   ("Kommentar", "Kommentare"): re.compile(rb"<w:commentReference\b")}
SHORT = 90  # characters of a found text shown in a message


@dataclass(frozen=True)
class Block:
    """A text of the edited report and where it stands."""

    where: str
    text: str


@dataclass
class EditedTable:
    number: int  # in document order, from 1
    caption: str  # the paragraph before it, if that is a caption
    rows: list[list[str]]


@dataclass
class EditedReport:
    """What the check reads from the edited report."""

    path: Path
    blocks: list[Block] = field(default_factory=list)  # paragraphs, table cells, headers and footers, properties
    tables: list[EditedTable] = field(default_factory=list)
    title: str = ""
    language: str = ""
    author: str = ""
    revisions: dict[tuple[str, str], int] = field(default_factory=dict)  # Word's review left: (noun, plural) -> count


@dataclass(frozen=True)
class ExpectedCell:
    """What a table cell of the report shows: its text and the published number (None: suppressed, missing, or a
    text whose numbers are compared as they are, with ``decimals`` None)."""

    text: str
    number: float | None = None
    decimals: int | None = None


@dataclass
class ExpectedTable:
    caption: str
    header: list[str]
    rows: dict[str, list[ExpectedCell | None]]  # row label -> per column its cell (None: a text column)


@dataclass(frozen=True)
class Secrets:
    """What the public report must not hold (besides the internal mark)."""

    notes: dict[str, str]  # indicator -> its internal note (catalogue, column Interne Notiz)
    files: frozenset[str]  # names of delivered files
    emails: frozenset[str]  # e-mail addresses of the offices


@dataclass
class ReleaseCheck:
    problems: list[Problem]
    unchecked: list[str]  # captions of tables with no table of the draft to compare with


def read_edited_report(path: Path) -> EditedReport:
    """Paragraphs, tables (with the caption before each), headers, footers, properties and review marks of a .docx."""
    try:
        document = docx.Document(str(path))
        with zipfile.ZipFile(path) as archive:
            parts = [archive.read(n) for n in archive.namelist()
                     if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"Der Bericht {path} lässt sich nicht als Word-Dokument lesen ({type(exc).__name__}).",
                         hint="Bitte in Word als Word-Dokument (.docx) speichern und den Befehl wiederholen.") from exc
    report = EditedReport(path)
    n_paragraph, heading, previous = 0, "", None
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            n_paragraph += 1
            style = item.style.name if item.style is not None else ""
            if style.startswith(("Heading", "Überschrift")) and item.text.strip():
                heading = item.text.strip()
            under = f" (Abschnitt „{_short(heading, 50)}“)" if heading else ""
            report.blocks.append(Block(f"Absatz {n_paragraph}{under}", item.text))
        elif isinstance(item, WordTable):
            caption = previous.text.strip() if isinstance(previous, Paragraph) else ""
            report.tables.append(_table(item, len(report.tables) + 1, caption, report.blocks))
        previous = item
    for n, section in enumerate(document.sections, start=1):
        for kind, parts_of in (("Kopfzeile", (section.header, section.first_page_header, section.even_page_header)),
                               ("Fußzeile", (section.footer, section.first_page_footer, section.even_page_footer))):
            text = " ".join(p.text for part in parts_of for p in part.paragraphs)
            report.blocks.append(Block(f"{kind} (Abschnitt {n})", text))
    props = document.core_properties
    for name, value in (("Titel", props.title), ("Betreff", props.subject), ("Stichwörter", props.keywords),
                        ("Kommentare", props.comments), ("Kategorie", props.category)):
        report.blocks.append(Block(f"Dokumenteigenschaft {name}", value or ""))
    report.title, report.language, report.author = props.title or "", props.language or "", props.author or ""
    report.revisions = {kind: sum(len(mark.findall(part)) for part in parts) for kind, mark in _REVISION_MARKS.items()}
    return report


def _table(table: WordTable, number: int, caption: str, blocks: list[Block]) -> EditedTable:
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    named = f"Tabelle {number}" + (f" („{_short(caption, 60)}“)" if caption else "")
    for r, cells in enumerate(rows, start=1):
        for c, text in enumerate(cells, start=1):
            blocks.append(Block(f"{named}, Zeile {r}, Spalte {c}", text))
    return EditedTable(number, caption, rows)


def expected_tables(content: Report) -> list[ExpectedTable]:
    """The report's tables as compile builds them from the protected table: each indicator's tables (caption
    "Tabelle: <Titel>") and the Zusammenfassung of the core indicators (SUMMARY_CAPTION)."""
    tables = []
    for table in content.tables:
        if table.kopf == ANNEX_HEADER:  # the Tabellenanhang's overview of every indicator: not a table of the report
            continue
        rows = {_plain(row[0].text): [None, *(ExpectedCell(c.text, c.number, c.decimals) for c in row[1:])]
                for row in table.zeilen}
        tables.append(ExpectedTable(INDICATOR_CAPTION + table.titel, table.kopf, rows))
    keys = ("kennzahl", "jahr", "gruppe", "wert", "vergleichswert", "abstand", "entwicklung", "bewertung")
    rows = {_plain(row["kennzahl"]): [ExpectedCell(row[k]) if k in SUMMARY_NUMBERS else None for k in keys]
            for row in content.context.get("zusammenfassung_zeilen", [])}
    tables.append(ExpectedTable(SUMMARY_CAPTION, SUMMARY_HEADER, rows))
    return tables


def check_release(report: EditedReport, expected: list[ExpectedTable], secrets: Secrets,
                  publisher: str) -> ReleaseCheck:
    """Every finding of the release check (see module docstring), in the order of the document."""
    file = report.path.name
    problems: list[Problem] = []
    for block in report.blocks:
        problems += _text_findings(block, secrets, file)
    unchecked = []
    for table in report.tables:
        match = _matching(table, expected)
        if match is None:
            unchecked.append(table.caption or f"Tabelle {table.number}")
            continue
        problems += _table_findings(table, match, file)
    problems += _property_findings(report, publisher, file)
    left = [count_of(count, *kind) for kind, count in report.revisions.items() if count]
    if left:
        problems.append(problem("redaktion-offen", "ueberarbeitung", file=file, sheet=file, found=" und ".join(left)))
    return ReleaseCheck(problems, unchecked)


def _text_findings(block: Block, secrets: Secrets, file: str) -> list[Problem]:
    text = " ".join(block.text.split())
    if not text:
        return []
    found = [problem("redaktion-offen", file=file, sheet=block.where, found=_short(p)) for p in placeholders_in(text)]
    outside = " ".join(part for part in _split_placeholders(text))
    found += [problem("redaktion-offen", "arbeitsnotiz", file=file, sheet=block.where, found=note, text=_short(text))
              for note in working_notes_in(outside)]
    if INTERNAL_MARK in text:
        found.append(problem("intern-im-bericht", "kennzeichnung", file=file, sheet=block.where, found=INTERNAL_MARK))
    for indicator, note in secrets.notes.items():
        if piece := _note_piece(note, text):
            found.append(problem("intern-im-bericht", "notiz", file=file, sheet=block.where, indicator=indicator,
                                 found=_short(piece)))
    found += [problem("intern-im-bericht", "datei", file=file, sheet=block.where, found=name)
              for name in sorted(secrets.files) if name in text]
    found += [problem("intern-im-bericht", "kontakt", file=file, sheet=block.where, found=address)
              for address in sorted(secrets.emails) if address.lower() in text.lower()]
    return found


def _split_placeholders(text: str) -> list[str]:
    """``text`` without its placeholders (a placeholder's own "Bitte prüfen" is no second finding)."""
    parts, position = [], 0
    for placeholder in placeholders_in(text):
        start = text.index(placeholder, position)
        parts.append(text[position:start])
        position = start + len(placeholder)
    return [*parts, text[position:]]


def _note_piece(note: str, text: str) -> str:
    """The internal note, or a sentence of it of 30 characters or more, if ``text`` holds it; else ''."""
    note, sentences = _note_sentences(note)
    if note in text:
        return note
    return next((s for s in sentences if s in text), "")


@functools.lru_cache(maxsize=1024)
def _note_sentences(note: str) -> tuple[str, tuple[str, ...]]:
    """A note with single spaces and its sentences of 30 characters or more (split once, not for every text)."""
    note = " ".join(note.split())
    return note, tuple(s for s in re.split(r"(?<=[.;!?])\s+", note) if len(s) >= 30)


def _matching(table: EditedTable, expected: list[ExpectedTable]) -> ExpectedTable | None:
    """The table of the draft this one is: by caption, else by header row and row labels (the most labels, then the
    most equal numbers)."""
    caption = _plain(table.caption)
    for candidate in expected:
        if caption and _plain(candidate.caption) == caption:
            return candidate
    if not table.rows:
        return None
    header = [_plain(h) for h in table.rows[0]]
    labels = {_plain(row[0]) for row in table.rows[1:] if row}
    scored = []
    for candidate in expected:
        if [_plain(h) for h in candidate.header] != header:
            continue
        shared = len(labels & set(candidate.rows))
        if shared:
            scored.append((shared, -len(_table_findings(table, candidate, "")), id(candidate), candidate))
    return max(scored)[3] if scored else None


def _table_findings(table: EditedTable, match: ExpectedTable, file: str) -> list[Problem]:
    header = [_plain(h) for h in match.header]
    found = []
    named = f"Tabelle {table.number}" + (f" („{_short(table.caption, 60)}“)" if table.caption else "")
    columns = [_plain(h) for h in table.rows[0]] if table.rows else []
    for r, row in enumerate(table.rows[1:], start=2):
        if not row:
            continue
        cells = match.rows.get(_plain(row[0]))
        if cells is None:
            if any(numbers_in(text) for text in row[1:]):
                found.append(problem("tabellenwert", "zeile", file=file, sheet=f"{named}, Zeile {r}",
                                     found=_short(" | ".join(row))))
            continue
        for c, text in enumerate(row[1:], start=1):
            column = _column(c, columns, header)
            cell = cells[column] if column is not None and column < len(cells) else None
            if cell is None:
                continue
            if finding := _cell_finding(text, cell, f"{named}, Zeile {r} „{_short(row[0], 40)}“, Spalte "
                                                    f"„{columns[c] if c < len(columns) else c}“", file):
                found.append(finding)
    return found


def _column(c: int, columns: list[str], header: list[str]) -> int | None:
    """The column of the draft's table that column ``c`` of the edited one is: the same place while the headers are
    the same, else the column of the same (unique) name."""
    if columns == header:
        return c
    if c < len(columns) and header.count(columns[c]) == 1:
        return header.index(columns[c])
    return None


def _cell_finding(text: str, cell: ExpectedCell, where: str, file: str) -> Problem | None:
    typed = numbers_in(text)
    if not typed:
        return None  # emptied, or a symbol: nothing is shown that is not published
    if cell.decimals is not None and cell.number is not None:
        expected = [round(cell.number, cell.decimals)]
    else:
        expected = numbers_in(cell.text)
    if not expected:
        variant = "fehlt" if cell.text.strip() in (MISSING_SYMBOL, ZERO_SYMBOL, "") else "gesperrt"
        return problem("tabellenwert", variant, file=file, sheet=where, found=text.strip(), expected=cell.text.strip())
    if len(typed) == len(expected) and all(abs(a - b) < 1e-9 for a, b in zip(typed, expected, strict=True)):
        return None
    return problem("tabellenwert", "geaendert", file=file, sheet=where, found=text.strip(), expected=cell.text.strip())


def _property_findings(report: EditedReport, publisher: str, file: str) -> list[Problem]:
    found = []
    if not report.title.strip():
        found.append(problem("dokumenteigenschaft", "titel", file=file))
    elif "interne Fassung" in report.title:
        found.append(problem("dokumenteigenschaft", "intern", file=file, found=report.title))
    if report.language.strip().lower() != LANGUAGE.lower():
        found.append(problem("dokumenteigenschaft", "sprache", file=file, found=report.language, expected=LANGUAGE))
    if not report.author.strip() or (publisher and report.author.strip() != publisher.strip()):
        found.append(problem("dokumenteigenschaft", "herausgeber", file=file, found=report.author,
                             expected=publisher or "der Herausgeber"))
    return found


def numbers_in(text: str) -> list[float]:
    """The numbers a text shows, in German notation: '1.234' is 1234, '(23,4)¹' is 23.4, '–' none."""
    numbers = []
    for sign, whole, decimals in _NUMBER.findall(text):
        value = float(whole.replace(".", "") + (f".{decimals}" if decimals else ""))
        numbers.append(-value if sign else value)
    return numbers


def _plain(text: str) -> str:
    """A label or header as compared: without footnote marks and extra spaces."""
    return _MARKS.sub(" ", text).strip()


def _short(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def secrets_of(notes: Iterable[tuple[str, str]], files: Iterable[str], emails: Iterable[str]) -> Secrets:
    return Secrets({indicator: note for indicator, note in notes if note.strip()},
                   frozenset(f for f in files if f), frozenset(e for e in emails if e and "@" in e))
