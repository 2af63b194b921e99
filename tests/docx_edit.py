"""Edit a .docx as a person in Word would, for the tests of toolkit publish: change the text of runs, save."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document
from docx.text.paragraph import Paragraph


def paragraphs(document: Document) -> Iterator[Paragraph]:
    """Every paragraph of the body, of its tables and of the headers and footers."""
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in document.sections:
        for part in (section.header, section.footer):
            yield from part.paragraphs


def replace_text(path: Path, replacements: dict[str, str]) -> int:
    """Replace texts within runs (as typing over them in Word does); returns how many runs changed."""
    document = docx.Document(str(path))
    changed = 0
    for paragraph in paragraphs(document):
        for run in paragraph.runs:
            text = run.text
            for old, new in replacements.items():
                text = text.replace(old, new)
            if text != run.text:
                run.text = text
                changed += 1
    document.save(str(path))
    return changed


def set_cell(path: Path, table: int, row: int, column: int, text: str) -> str:
    """Type ``text`` into a table cell (numbers from 1, tables in document order); returns what stood there."""
    document = docx.Document(str(path))
    cell = document.tables[table - 1].rows[row - 1].cells[column - 1]
    before = cell.text
    runs = cell.paragraphs[0].runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""
    document.save(str(path))
    return before


def find_cell(path: Path, caption_start: str, text: str) -> tuple[int, int, int, str, str]:
    """The first cell showing ``text`` in a table whose caption (the paragraph before it) starts with
    ``caption_start``: (table, row, column, caption, row label), numbers from 1."""
    document = docx.Document(str(path))
    previous, number = None, 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            previous = item
            continue
        number += 1
        caption = previous.text if previous is not None else ""
        if caption.startswith(caption_start):
            for r, row in enumerate(item.rows, start=1):
                for c, cell in enumerate(row.cells, start=1):
                    if r > 1 and c > 1 and cell.text == text:
                        return number, r, c, caption, row.cells[0].text
        previous = None
    raise LookupError(f"{text!r} in no table „{caption_start}…“")
