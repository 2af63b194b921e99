"""Terminal rendering of reports, status and the audit trail (rich tables and JSON).

Texts from offices and files (values typed into a cell, Bemerkungen, file names, server answers) may
hold square brackets such as ``[/x] k.A.``: they go into tables as ``Text`` objects and into lines with
``markup=False``, so rich never reads them as markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from toolkit.core.cells import count_of, format_number
from toolkit.core.problems import FileReport, Problem, Severity
from toolkit.merge.log import ChangeLog

SEVERITY_ORDER = {Severity.FEHLER: 0, Severity.WARNUNG: 1, Severity.HINWEIS: 2}
SEVERITY_STYLE = {Severity.FEHLER: "bold red", Severity.WARNUNG: "yellow", Severity.HINWEIS: "cyan"}
SEVERITY_LABEL = {Severity.FEHLER: "Fehler", Severity.WARNUNG: "Warnung", Severity.HINWEIS: "Hinweis"}
FEW_PROBLEMS = 15  # up to this many, every problem is shown with its message


def print_reports_json(reports: Sequence[FileReport]) -> None:
    """One object per file: file, office, year, ok, problems (code, severity, sheet, cell, indicator, message)."""
    sys.stdout.write(json.dumps([r.as_json() for r in reports], ensure_ascii=False, indent=2) + "\n")


def print_reports_table(console: Console, reports: Sequence[FileReport], details: bool = False,
                        more: str = "") -> None:
    """A summary line per file, then the problems as a table (Fehler first): each one when there are few or with
    ``details``, else per file and kind with their number and first cells, and ``more`` says where the rest is."""
    if not reports:
        console.print("Keine Dateien zu prüfen: inbox/ ist leer. Zurückgesandte Erhebungsbögen bitte dort ablegen.")
        return
    summary = Table(title="Prüfergebnis", show_lines=False)
    # a file name is never cut ("Erhebung_2025_AB…" would make two offices' files look the same): it is
    # folded onto further lines; the short columns keep one line
    summary.add_column("Datei", overflow="fold")
    for header in ("Stelle", "Jahr", "Ergebnis", "Fehler", "Warnungen", "Hinweise"):
        summary.add_column(header, no_wrap=True)
    for report in reports:
        summary.add_row(
            Text(report.file), Text(report.office or "?"), str(report.year or "?"),
            Text("in Ordnung", style="green") if report.ok else Text("Fehler", style="bold red"),
            str(report.count(Severity.FEHLER)), str(report.count(Severity.WARNUNG)), str(report.count(Severity.HINWEIS)),
        )
    unlimited = console.options.update(max_width=1_000_000)
    if len(reports) > 1 and Measurement.get(console, unlimited, summary).maximum > console.options.max_width:
        summary.show_lines = True  # file names are folded: a line between the files keeps them apart
    console.print(summary)
    problems = [(r, p) for r in reports for p in r.problems]
    if not problems:
        return
    if not details and len(problems) > FEW_PROBLEMS:
        _print_problem_groups(console, reports, len(problems), more)
        return
    problems.sort(key=lambda rp: SEVERITY_ORDER[rp[1].severity])
    table = Table(title="Befunde", show_lines=False)
    for header in ("Datei", "Art", "Zelle", "Kennzahl", "Meldung"):
        table.add_column(header, overflow="fold")
    for report, problem in problems:
        table.add_row(
            Text(report.file), Text(SEVERITY_LABEL[problem.severity], style=SEVERITY_STYLE[problem.severity]),
            Text(problem.place), Text(problem.indicator), Text(problem.message),
        )
    console.print(table)


def _print_problem_groups(console: Console, reports: Sequence[FileReport], total: int, more: str) -> None:
    """Many problems: one row per file and kind, with their number and the first cells (no file column for one file:
    the table above names it)."""
    groups = group_problems(reports)
    several = len({group.file for group in groups}) > 1
    table = Table(title="Befunde (zusammengefasst)", show_lines=False)
    for header in ("Datei", "Art", "Befund", "Anzahl", "Erste Zellen")[0 if several else 1:]:
        table.add_column(header, overflow="fold", no_wrap=header == "Anzahl")
    for group in groups:
        places = ", ".join(group.places) + (" …" if group.count > len(group.places) else "")
        cells = (Text(SEVERITY_LABEL[group.severity], style=SEVERITY_STYLE[group.severity]), Text(group.title),
                 str(group.count), Text(places))
        table.add_row(*((Text(group.file), *cells) if several else cells))
    console.print(table)
    console.print(f"{count_of(total, 'Befund')} zusammengefasst. {more}".strip(), markup=False, soft_wrap=True)


class TabularResult(Protocol):
    """What a status-like result offers for rendering."""
    def table(self) -> tuple[list[str], list[list[str]]]: ...

    def summary_lines(self) -> list[str]: ...

    def as_json(self) -> object: ...


def print_status(console: Console, result: TabularResult, output_format: str = "tabelle") -> None:
    if output_format == "json":
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
        return
    headers, rows = result.table()
    # The terminal table keeps one line per office: the long office names stay in JSON and in the
    # master matrix, and a column with the same value for every office becomes one line below.
    keep = [n for n, h in enumerate(headers) if h != "Bezeichnung"]
    same = [n for n in keep if len(rows) > 1 and len({row[n] for row in rows}) == 1 and headers[n] == "Frist"]
    keep = [n for n in keep if n not in same]
    table = Table(title="Rücklauf", box=box.SIMPLE_HEAD, pad_edge=False)
    for n in keep:
        foldable = headers[n] in ("Rücklauf", "Prüfergebnis")
        table.add_column(headers[n], no_wrap=not foldable, overflow="fold", min_width=10 if foldable else None)
    for row in rows:
        table.add_row(*(Text(row[n]) for n in keep))
    console.print(table)
    for n in same:
        console.print(f"{headers[n]} (für alle Stellen): {rows[0][n]}", markup=False)
    for line in result.summary_lines():
        console.print(line, markup=False)


def print_log(console: Console, log: ChangeLog) -> None:
    """The audit trail: every value that a later delivery replaced."""
    if not log.has_store:
        console.print("Noch keine Daten übernommen; das Protokoll ist leer.")
        return
    if not log.entries:
        console.print("Keine Änderungen protokolliert." if not log.indicator else f"Keine Änderungen für {log.indicator}.",
                      markup=False)
        return
    console.print(f"Änderungsprotokoll ({count_of(len(log.entries), 'Änderung')}, älteste zuerst):")
    for entry in log.entries:
        key = entry.key
        flag = f" ({entry.old_flag})" if entry.old_flag else ""
        old = f"{_number(entry.old_value)}{flag}"
        source = entry.old_file or "unbekannt"
        console.print(
            f"{entry.changed_at.replace('T', ' ')}  {key.indicator} {key.year} {entry.place}: {old} → "
            f"{_number(entry.new_value)}  "
            f"(neu: {entry.new_office}, {entry.new_file}; vorher: {source}; Grund: {entry.reason or '–'})",
            markup=False, soft_wrap=True)


def _number(value: float | None) -> str:
    return "–" if value is None else format_number(value)


@dataclass(frozen=True)
class ProblemGroup:
    """The problems of one kind in one file, for a short overview: how many, and where the first ones are."""

    file: str
    severity: Severity
    title: str
    count: int
    places: tuple[str, ...]  # the first few cells (or sheets), in the order found


def group_problems(reports: Iterable[FileReport], first: int = 3) -> list[ProblemGroup]:
    """The problems per file and kind (code and severity), Fehler first, then Warnungen and Hinweise; each group
    with its count and its ``first`` places."""
    groups: dict[tuple[str, Severity, str], list[Problem]] = {}
    for report in reports:
        for found in report.problems:
            groups.setdefault((report.file, found.severity, found.code), []).append(found)
    ordered = sorted(groups.items(), key=lambda item: SEVERITY_ORDER[item[0][1]])  # stable: files in their order
    return [ProblemGroup(file, severity, problems[0].title, len(problems),
                         tuple(p.place or p.indicator for p in problems[:first] if p.place or p.indicator))
            for (file, severity, _code), problems in ordered]
