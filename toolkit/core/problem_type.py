"""The kinds of problem and their severities: what toolkit/core/problems.py defines each code with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    FEHLER = "fehler"  # blocks the merge of the file
    WARNUNG = "warnung"  # merged, listed in the report annex
    HINWEIS = "hinweis"  # for information


@dataclass(frozen=True)
class ProblemType:
    """Everything about one kind of problem, defined once: severity, title, German message(s), advice.

    ``messages`` maps a variant ("" is the usual one) to a template with named fields: the place of every
    Problem (file, sheet, cell, place = "Blatt!Zelle", indicator, found, expected) and the details its
    construction site passes. ``advice`` is what the office should do (a column of the Prüfbericht).
    """

    code: str
    severity: Severity
    title: str
    advice: str
    messages: dict[str, str]


# The codes that say a file cannot be read as a workbook at all: only a new file from the office helps. A writing
# command moves such a file out of inbox/ (so it is reported once); status shows "Datei nicht lesbar".
UNREADABLE_CODES = frozenset({"nicht-lesbar", "leere-datei", "keine-tabelle", "verschluesselt", "zu-gross",
                              "unsicherer-inhalt"})
