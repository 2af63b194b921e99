"""The order of the returns in one merge: by when the office saved them, never by file name.

Several returns of one office for one year may lie in inbox/ at once (the first mail and its correction). They count
in the order the office saved them: the time in the workbook's own document properties
(returns/identity.document_saved, set by Excel and LibreOffice on every save), else the file's modification time;
of two files with the same document time, the later file time counts as later. ``delivery_order`` sorts the files
so; intake.py takes them in that order, so the later return's values replace the earlier one's.

Files saved at the very same time cannot be ordered. ``same_time`` decides them together: if their values are the
same, the first is taken and the others change nothing; if they differ, none of that office and year is taken, and
each gets a Fehler naming the other files and the first cells that differ.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.core.cells import format_number, german_date
from toolkit.core.keys import KEY_SIZE
from toolkit.core.problems import problem
from toolkit.returns.caches import PlanCache
from toolkit.returns.identity import document_saved
from toolkit.returns.reader import ReturnedWorkbook
from toolkit.returns.workers import CheckedFile

LISTED_DIFFERENCES = 3  # cells named in the message about two files saved at the same time


@dataclass(frozen=True)
class SavedTime:
    """When the office saved a file: by its document properties (None if it has none) and by the file system."""

    document: dt.datetime | None
    file: dt.datetime

    @property
    def when(self) -> dt.datetime:
        return self.document or self.file

    @property
    def key(self) -> tuple[dt.datetime, dt.datetime]:
        """What orders two files; equal keys cannot be ordered."""
        return self.when, self.file

    def text(self) -> str:
        """'14.03.2026 10:12'"""
        return german_date(self.when, with_time=True)


def saved_time(path: Path) -> SavedTime:
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    return SavedTime(document_saved(path), modified)


def delivery_order(paths: Sequence[Path]) -> tuple[list[Path], dict[Path, SavedTime]]:
    """The files in the order their offices saved them (by name where the times are equal), and their times."""
    times = {path: saved_time(path) for path in paths}
    return sorted(paths, key=lambda p: (times[p].key, p.name.casefold(), p.name)), times


def same_time(items: Sequence[CheckedFile], times: dict[Path, SavedTime], plans: PlanCache) -> dict[CheckedFile, str]:
    """Decide files saved at the same time (``items``, in the order they will be taken).

    Files of one office and year with different values each get a Fehler 'reihenfolge-unklar'. Returns, for every
    file whose values equal those of an earlier file of the same office and year, the name of that file.
    """
    groups: dict[tuple[str, int], list[CheckedFile]] = defaultdict(list)
    for item in items:
        rw = item.returned
        if item.report.ok and rw.readable and rw.year is not None:
            groups[(rw.office, rw.year)].append(item)
    equal: dict[CheckedFile, str] = {}
    for (office, year), members in groups.items():
        if len(members) < 2:
            continue
        contents = [_content(m.returned) for m in members]
        if all(content == contents[0] for content in contents[1:]):
            equal.update({m: members[0].returned.file for m in members[1:]})
            continue
        cells = _addresses(plans, office, year)
        for n, member in enumerate(members):
            other = next(k for k, content in enumerate(contents) if content != contents[n])
            others = " und ".join(m.returned.file for m in members if m is not member)
            member.report.problems.append(problem(
                "reihenfolge-unklar", file=member.returned.file, other_file=others, office=office, year=year,
                saved=times[member.returned.path].text(),
                differences=_differences(contents[n], contents[other], cells)))
    return equal


Content = dict[tuple, tuple]


def _content(rw: ReturnedWorkbook) -> Content:
    """What a merge would take from the file: the value, Kennzeichen and note of every key (earlier years too)."""
    content: Content = {tuple(row[:KEY_SIZE]): tuple(row[KEY_SIZE:]) for row in rw.history_values()}
    content.update({tuple(row[:KEY_SIZE]): tuple(row[KEY_SIZE:]) for row in rw.delivered()})
    return content


def _addresses(plans: PlanCache, office: str, year: int) -> dict[tuple, tuple[int, str]]:
    """Key -> (position in the workbook, cell address) of every cell a return delivers."""
    plan = plans.plan(office, year)
    found: dict[tuple, tuple[int, str]] = {}
    for n, slot in enumerate(plan.slots):
        if slot.role in ("input", "history"):
            found.setdefault(tuple(slot.key), (n, slot.address))
    return found


def _differences(mine: Content, theirs: Content, cells: dict[tuple, tuple[int, str]]) -> str:
    """'Erfassung!K5: 500 bzw. 510, Erfassung!K9: leer bzw. 3 und 4 weitere Zellen' (first cells of the workbook)."""
    keys = sorted((key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)),
                  key=lambda key: cells.get(key, (len(cells), str(key))))
    listed = [f"{cells[key][1] if key in cells else '/'.join(map(str, key))}: {_shown(mine.get(key))} bzw. "
              f"{_shown(theirs.get(key))}" for key in keys[:LISTED_DIFFERENCES]]
    more = len(keys) - len(listed)
    rest = f" und {more} weitere {'Zelle' if more == 1 else 'Zellen'}" if more else ""
    return ", ".join(listed) + rest


def _shown(entry: tuple | None) -> str:
    if not entry or (entry[0] is None and not any(entry[1:])):
        return "leer"
    value, *marks = entry
    text = format_number(value) if value is not None else ""
    extra = [mark for mark in marks if mark]
    return " ".join([text, *(f"„{mark}“" for mark in extra)]).strip()
