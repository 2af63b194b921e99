"""Working notes in the public columns of the catalogue: allowed, but not what a reader or an office should get.

A public column (``Column.public``) is one whose text reaches the report, the collection workbooks or the mails.
A working note there ("(Quelle prüfen)", "(Erfassung noch zu klären)", "TODO", "???") belongs in the column
"Interne Notiz". The words are chosen so that ordinary German in definitions does not match: "prüfen" and "klären"
as whole words only, so "Prüfung", "geprüft", "ungeklärt" or "erklären" pass; "offen" only as "noch offen"
("Verfahren offen" is a status). Each finding is a Warnung naming sheet, cell and the word; ``check`` lists it with
the catalogue, ``compile`` shows it as a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.catalogue.sheets import SHEETS, RawRow, SheetSpec, cell_ref
from toolkit.core.problems import Problem, problem

WORKING_NOTE = re.compile(r"\b(?:ab)?klären\b|\bprüfen\b|\bnoch offen\b|\bTODO\b|\bFIXME\b|\bTBD\b|\?{2,}|\bx{3,}\b",
                          re.IGNORECASE)
EXCERPT = 40  # characters shown on either side of the word
# What names a row in the message: the indicator's Kennung, a code, a Stadtteil's name.
ROW_LABELS = ("id", "code", "name", "indikator")


def working_notes(rows: dict[str, list[RawRow]], file: str) -> list[Problem]:
    """A Warnung for every working note in a public column of ``rows`` (the catalogue's raw rows by sheet)."""
    return [found for spec in SHEETS for raw in rows.get(spec.name, []) for found in _notes_in(spec, raw, file)]


def _notes_in(spec: SheetSpec, raw: RawRow, file: str) -> Iterator[Problem]:
    internal = any(column.key == "notiz_intern" for column in spec.written)
    for column in spec.columns:
        if not column.public:
            continue
        text = raw.values.get(column.key, "")
        for match in WORKING_NOTE.finditer(text):
            yield problem("arbeitsnotiz", "" if internal else "ohne-notiz", file=file, sheet=spec.name,
                          cell=cell_ref(spec, column.key, raw.row), indicator=raw.values.get("id", ""),
                          found=match.group(0), column=column.header, excerpt=_excerpt(text, match.start(), match.end()),
                          row_label=_row_label(raw))


def _excerpt(text: str, start: int, end: int) -> str:
    """The words around ``text[start:end]``, up to EXCERPT characters on either side, cut between words ("…")."""
    left, right = max(0, start - EXCERPT), min(len(text), end + EXCERPT)
    if left > 0:
        left = text.find(" ", left, start) + 1 or start
    if right < len(text):
        right = max(text.rfind(" ", end, right), end)
    return f"{'…' if left else ''}{text[left:right].strip()}{'…' if right < len(text) else ''}"


def _row_label(raw: RawRow) -> str:
    for key in ROW_LABELS:
        if raw.values.get(key):
            return raw.values[key]
    return f"Zeile {raw.row}"

