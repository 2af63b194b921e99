"""Problems grouped per file and kind for a short overview (the console's summary of many findings)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.core.problems import FileReport, Problem, Severity

SEVERITY_ORDER = {Severity.FEHLER: 0, Severity.WARNUNG: 1, Severity.HINWEIS: 2}


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
