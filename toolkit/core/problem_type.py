"""The kinds of problem and their severities (what toolkit/core/problems.py defines each code with), and the report of
one checked file that collects its Problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


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


@dataclass
class FileReport:
    """The result of checking one file."""
    file: str
    office: str = ""
    year: int | None = None
    sha256: str = ""
    problems: list = field(default_factory=list)  # of problems.Problem (that module builds on this one)
    feedback: Path | None = None  # the Prüfbericht written for the file, if any

    @property
    def ok(self) -> bool:
        return not any(p.severity == Severity.FEHLER for p in self.problems)

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def extend(self, problems: Iterable) -> None:
        self.problems.extend(problems)

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "office": self.office, "year": self.year, "ok": self.ok,
                "problems": [p.as_json() for p in self.problems],
                "pruefbericht": None if self.feedback is None else str(self.feedback)}
