"""Prüfberichte: one workbook per checked file in outbox/<Jahr>/Pruefberichte/, to send back to the office.

Sheet "Prüfbericht": every problem with sheet, cell, indicator, found value, expected value and what to
do. Then, for every sheet of the office's workbook that has a problem, a copy of its cell values with the
problem cells coloured (red Fehler, orange Warnung, blue Hinweis) and a comment holding the message.
Everything that came from the office is written with ``write_string``: never a formula or a link.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import xlsxwriter

from toolkit.collect.layout import ascii_code
from toolkit.collect.row_heights import row_height
from toolkit.core.cells import cell_position, count_of, german_date
from toolkit.core.problems import FileReport, Problem, Severity
from toolkit.core.workspace import Workspace, atomic_path, for_user
from toolkit.returns.workers import CheckedFile

OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "in_memory": True}
COLOURS = {Severity.FEHLER: "#F8CBAD", Severity.WARNUNG: "#FFE699", Severity.HINWEIS: "#DDEBF7"}
LABELS = {Severity.FEHLER: "Fehler", Severity.WARNUNG: "Warnung", Severity.HINWEIS: "Hinweis"}
MAX_COMMENTS = 500


def report_path(workspace: Workspace, item: CheckedFile) -> Path:
    year = item.returned.year or item.report.year
    folder = workspace.check_reports_dir(year) if year else workspace.outbox / "Pruefberichte"
    return folder / f"Pruefbericht_{ascii_code(Path(item.returned.file).stem)}.xlsx"


def existing_reports(workspace: Workspace, returns: list[Path]) -> list[Path]:
    """The Prüfberichte already written for these returned files (any year): what a new check replaces."""
    names = {f"Pruefbericht_{ascii_code(p.stem)}.xlsx" for p in returns}
    return [p for p in workspace.outbox.glob("**/Pruefberichte/*.xlsx") if p.name in names]


def write_feedback(workspace: Workspace, checked: list[CheckedFile]) -> list[Path]:
    """Write one Prüfbericht per checked file (its path also in the file's report: ``FileReport.feedback``); return
    their paths."""
    for item in checked:
        item.report.feedback = write_check_report(report_path(workspace, item), item)
    return [item.report.feedback for item in checked]


def feedback_lines(reports: list[FileReport]) -> list[str]:
    """Where the Prüfberichte of these reports were written, to be opened from where the user stands."""
    written = [r.feedback for r in reports if r.feedback is not None]
    if len(written) == 1:
        return [f"Prüfbericht (zum Zurücksenden an die Stelle): {for_user(written[0])}"]
    folders = sorted({for_user(path.parent) for path in written})
    return [f"{count_of(len(written), 'Prüfbericht')} (zum Zurücksenden an die Stellen) in {', '.join(folders)}"] \
        if written else []


def write_check_report(path: Path, item: CheckedFile) -> Path:
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), OPTIONS)
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        title = book.add_format({"bold": True, "font_size": 14})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        severity_formats = {s: book.add_format({"bg_color": c, "border": 1, "valign": "top"}) for s, c in COLOURS.items()}
        _summary(book, item, header, title, wrap, severity_formats)
        _sheet_copies(book, item, header, severity_formats)
        book.close()
    return path


def _summary(book, item: CheckedFile, header, title, wrap, severity_formats) -> None:
    report = item.report
    ws = book.add_worksheet("Prüfbericht")
    ws.write_string(0, 0, f"Prüfbericht zu {report.file}", title)
    facts = [
        ("Dienststelle", report.office or "unbekannt"),
        ("Berichtsjahr", str(report.year or "unbekannt")),
        ("Geprüft am", german_date(dt.datetime.now(), with_time=True)),
        ("Ergebnis", "in Ordnung – wird übernommen" if report.ok else
         "Fehler – bitte korrigieren und den Bogen erneut senden"),
        ("Befunde", f"{report.count(Severity.FEHLER)} Fehler, {count_of(report.count(Severity.WARNUNG), 'Warnung')}, "
                    f"{count_of(report.count(Severity.HINWEIS), 'Hinweis')}"),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        ws.write_string(row, 0, label)
        ws.write_string(row, 1, value)
    first = len(facts) + 3
    headers = ["Art", "Code", "Blatt", "Zelle", "Kennzahl", "Gefunden", "Erwartet", "Meldung", "Was tun"]
    widths = [13, 22, 20, 8, 10, 16, 16, 70, 40]  # column A also holds the labels above the table
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(first, col, text, header)
    top = book.add_format({"valign": "top"})
    order = {Severity.FEHLER: 0, Severity.WARNUNG: 1, Severity.HINWEIS: 2}
    problems = sorted(report.problems, key=lambda p: order[p.severity])
    for row, p in enumerate(problems, start=first + 1):
        ws.write_string(row, 0, LABELS[p.severity], severity_formats[p.severity])
        for col, value in enumerate((p.code, p.sheet, p.cell, p.indicator, p.found, p.expected), start=1):
            ws.write_string(row, col, value, top)
        ws.write_string(row, 7, p.message, wrap)
        ws.write_string(row, 8, p.advice, wrap)
        # neither Excel nor LibreOffice fits wrapped rows of a generated file: set the height
        ws.set_row(row, row_height([(p.message, widths[7]), (p.advice, widths[8])]))
    if not problems:
        ws.write_string(first + 1, 0, "Keine Befunde.")
    ws.freeze_panes(first + 1, 0)
    ws.autofilter(first, 0, first + max(len(problems), 1), len(headers) - 1)
    _print_setup(ws, repeat_row=first)


def _print_setup(ws, repeat_row: int | None = None) -> None:
    """A4 landscape, one page wide, header row on every page: the clerk may print the report."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


def _sheet_copies(book, item: CheckedFile, header, severity_formats) -> None:
    """A copy of each sheet with problems, problem cells coloured and commented."""
    by_sheet: dict[str, dict[tuple[int, int], list[Problem]]] = defaultdict(lambda: defaultdict(list))
    for p in item.report.problems:
        if p.sheet in item.returned.sheet_rows and p.cell:
            by_sheet[p.sheet][cell_position(p.cell)].append(p)
    comments = 0
    for sheet, cells in by_sheet.items():
        ws = book.add_worksheet(f"Kopie {sheet}"[:31])
        ws.set_column(0, 0, 10)
        ws.set_column(1, 1, 36)
        ws.set_column(2, 20, 14)
        for r, row in enumerate(item.returned.sheet_rows[sheet]):
            for c, value in enumerate(row):
                problems = cells.get((r, c))
                cell_format = severity_formats[_worst(problems)] if problems else None
                _write(ws, r, c, value, cell_format)
        for (r, c), problems in cells.items():
            if (r, c) not in _filled(item.returned.sheet_rows[sheet], r, c):
                ws.write_blank(r, c, None, severity_formats[_worst(problems)])
            if comments < MAX_COMMENTS:
                ws.write_comment(r, c, "\n".join(f"{LABELS[p.severity]}: {p.message}" for p in problems)[:2000],
                                 {"x_scale": 3, "y_scale": 2.5})
                comments += 1
        ws.freeze_panes(4, 2)
        _print_setup(ws, repeat_row=3)


def _filled(rows: list[list[object]], r: int, c: int) -> set[tuple[int, int]]:
    return {(r, c)} if r < len(rows) and c < len(rows[r]) else set()


def _worst(problems: list[Problem]) -> Severity:
    for severity in (Severity.FEHLER, Severity.WARNUNG, Severity.HINWEIS):
        if any(p.severity == severity for p in problems):
            return severity
    return Severity.HINWEIS


def _write(ws, r: int, c: int, value: object, cell_format) -> None:
    if value is None or value == "":
        if cell_format is not None:
            ws.write_blank(r, c, None, cell_format)
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "WAHR" if value else "FALSCH", cell_format)
    elif isinstance(value, int | float):
        ws.write_number(r, c, float(value), cell_format)
    elif isinstance(value, dt.date | dt.time | dt.timedelta):
        ws.write_string(r, c, str(value), cell_format)
    else:
        ws.write_string(r, c, str(value)[:32000], cell_format)


__all__ = ["existing_reports", "report_path", "write_check_report", "write_feedback"]
