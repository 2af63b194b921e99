"""Problems found in returned files, as data: one stable code per kind, a severity, a place and a message.

A check never prints; it yields Problems. A FileReport collects those of one file; the CLI renders
reports as a table or as JSON, the Prüfbericht writes them into a workbook for the office.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    FEHLER = "fehler"  # blocks the merge of the file
    WARNUNG = "warnung"  # merged, listed in the report annex
    HINWEIS = "hinweis"  # for information


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: Severity
    title: str  # short German title, e.g. for the Prüfbericht


PROBLEM_TYPES: dict[str, ProblemType] = {
    t.code: t
    for t in (
        # the file as a whole
        ProblemType("nicht-lesbar", Severity.FEHLER, "Datei nicht lesbar"),
        ProblemType("leere-datei", Severity.FEHLER, "Datei ist leer"),
        ProblemType("keine-tabelle", Severity.FEHLER, "Keine Tabellendatei"),
        ProblemType("makros", Severity.FEHLER, "Datei enthält Makros"),
        ProblemType("verschluesselt", Severity.FEHLER, "Datei ist verschlüsselt"),
        ProblemType("zu-gross", Severity.FEHLER, "Datei zu groß"),
        ProblemType("unsicherer-inhalt", Severity.FEHLER, "Unzulässiger Dateiinhalt"),
        ProblemType("kein-erhebungsbogen", Severity.FEHLER, "Kein Erhebungsbogen"),
        ProblemType("falsches-jahr", Severity.FEHLER, "Falsches Berichtsjahr"),
        ProblemType("falsche-dienststelle", Severity.FEHLER, "Unbekannte Dienststelle"),
        ProblemType("layout-veraltet", Severity.FEHLER, "Veralteter Erhebungsbogen"),
        ProblemType("layout-geaendert", Severity.FEHLER, "Aufbau des Bogens verändert"),
        ProblemType("doppelte-lieferung", Severity.FEHLER, "Wert von zwei Stellen geliefert"),
        # single values
        ProblemType("keine-zahl", Severity.FEHLER, "Keine Zahl"),
        ProblemType("deutsches-zahlformat", Severity.WARNUNG, "Zahl als Text"),
        ProblemType("zahl-mehrdeutig", Severity.WARNUNG, "Zahl mit Punkt mehrdeutig"),
        ProblemType("keine-ganze-zahl", Severity.FEHLER, "Keine ganze Zahl"),
        ProblemType("negativer-wert", Severity.FEHLER, "Negativer Wert"),
        ProblemType("zaehler-groesser-nenner", Severity.FEHLER, "Zähler größer als Nenner"),
        ProblemType("nenner-null", Severity.FEHLER, "Nenner ist null"),
        ProblemType("summe-teile", Severity.WARNUNG, "Teile ergeben nicht die Summe"),
        ProblemType("summe-stadtteile", Severity.WARNUNG, "Stadtteile ergeben nicht die Gesamtstadt"),
        ProblemType("ausserhalb-grenzen", Severity.WARNUNG, "Wert außerhalb der Prüfgrenzen"),
        ProblemType("sprung-zum-vorjahr", Severity.WARNUNG, "Starke Veränderung zum Vorjahr"),
        ProblemType("fehlender-wert", Severity.WARNUNG, "Wert fehlt"),
        ProblemType("leeres-blatt", Severity.FEHLER, "Blatt nicht ausgefüllt"),
        ProblemType("vorjahr-geaendert", Severity.HINWEIS, "Vorjahreswert geändert"),
        ProblemType("formel", Severity.WARNUNG, "Formel in Eingabezelle"),
        ProblemType("eingabe-in-formelzeile", Severity.WARNUNG, "Zahl in berechneter Zeile"),
        ProblemType("unbekanntes-kennzeichen", Severity.WARNUNG, "Unbekanntes Kennzeichen"),
        ProblemType("bemerkung", Severity.HINWEIS, "Bemerkung der Dienststelle"),
        ProblemType("andere-runde", Severity.WARNUNG, "Bogen aus einer anderen Versandrunde"),
        ProblemType("kennung-aus-eigenschaften", Severity.HINWEIS, "Kennung aus den Dokumenteigenschaften"),
        ProblemType("bereits-uebernommen", Severity.HINWEIS, "Datei schon übernommen"),
        ProblemType("import-zeile", Severity.FEHLER, "Zeile der Importdatei ungültig"),
    )
}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    indicator: str = ""
    found: str = ""
    expected: str = ""
    severity: Severity | None = None  # None: the default severity of the code

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_TYPES:
            raise ValueError(f"unknown problem code {self.code!r}")
        if self.severity is None:
            object.__setattr__(self, "severity", PROBLEM_TYPES[self.code].severity)

    @property
    def title(self) -> str:
        return PROBLEM_TYPES[self.code].title

    @property
    def place(self) -> str:
        """'Erfassung!K12' or the sheet or nothing."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "sheet": self.sheet, "cell": self.cell,
                "indicator": self.indicator, "found": self.found, "expected": self.expected,
                "severity": str(self.severity)}


@dataclass
class FileReport:
    """The result of checking one file."""

    file: str
    office: str = ""
    year: int | None = None
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == Severity.FEHLER for p in self.problems)

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "office": self.office,
            "year": self.year,
            "ok": self.ok,
            "problems": [p.as_json() for p in self.problems],
        }


def all_ok(reports: Iterable[FileReport]) -> bool:
    return all(r.ok for r in reports)
