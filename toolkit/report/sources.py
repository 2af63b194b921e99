"""Source lines of the report's tables: the source, its Stand (data date) and the Stichtag or Zeitraum of the values.

A Stichtag is a day ("31.12.2025"); a Zeitraum is a period ("Kalenderjahr 2025", "Schuljahr 2025/26"); the
catalogue's column "Stichtag" holds either a day without its year ("31.12.") or the name of a period
("Kalenderjahr", "Schuljahr", "Wahltag" …), and the line gives it the years of the table. The Stand is the day the
shown values were taken over into the Datenhaltung (the latest delivery or import of the indicator up to the
report year, Store.data_dates).
"""

from __future__ import annotations

import re

from toolkit.catalogue.model import Indicator
from toolkit.core.cells import year_span
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace

_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?$")  # '31.12.' or '1.3'
# periods that span two calendar years: named by the year they start in, '2025/26'
_ACADEMIC = ("Schuljahr", "Wintersemester", "Kita-Jahr", "Ausbildungsjahr")
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def years_of(header: list[str], title: str) -> list[int]:
    """The years a table shows: its year columns, else the years named in its title ('…, 2025 (in %)')."""
    years = [int(h) for h in header if re.fullmatch(r"(?:19|20)\d{2}", h.strip())]
    return sorted(set(years)) if years else sorted({int(y) for y in _YEARS.findall(title)})


def reference_text(stichtag: str, years: list[int]) -> str:
    """'Stichtag: 31.12.2025', 'Stichtage: 31.12.2020 bis 31.12.2025', 'Zeitraum: Kalenderjahr 2025',
    'Zeitraum: Schuljahre 2020/21 bis 2025/26', 'Stichtag: Wahltag 2024'; '' for an empty column."""
    label, value = reference(stichtag, years)
    return f"{label}: {value}" if value else ""


def reference(stichtag: str, years: list[int]) -> tuple[str, str]:
    """('Stichtag', '31.12.2025'), ('Zeitraum', 'Kalenderjahr 2025') …: what reference_text says, in two parts."""
    stichtag = stichtag.strip()
    day = _DAY.match(stichtag)
    stichtag = stichtag.rstrip(".")
    if not stichtag:
        return "Stichtag", ""
    years = sorted(set(years))
    if day:
        date = f"{int(day.group(1)):02d}.{int(day.group(2)):02d}."
        if not years:
            return "Stichtag", f"jeweils {date}"
        if len(years) == 1:
            return "Stichtag", f"{date}{years[0]}"
        return "Stichtage", f"{date}{years[0]} bis {date}{years[-1]}"
    if stichtag.lower().startswith("wahl"):  # a day, but one per election
        return "Stichtage" if len(years) > 1 else "Stichtag", f"{stichtag} {year_span(years, ' und ')}".rstrip()
    if not years:
        return "Zeitraum", stichtag
    academic = stichtag in _ACADEMIC

    def period(year: int) -> str:
        return f"{year}/{(year + 1) % 100:02d}" if academic else str(year)

    if len(years) == 1:
        return "Zeitraum", f"{stichtag} {period(years[0])}"
    return "Zeitraum", f"{_PLURAL.get(stichtag, stichtag)} {period(years[0])} bis {period(years[-1])}"


_PLURAL = {"Kalenderjahr": "Kalenderjahre", "Schuljahr": "Schuljahre", "Jahresdurchschnitt": "Jahresdurchschnitte",
           "Untersuchungsjahrgang": "Untersuchungsjahrgänge"}


def source_line(indicator: Indicator, years: list[int], stand: str) -> str:
    """'Quelle: Melderegister der Landeshauptstadt Magdeburg; Stand: 07.12.2026. Stichtag: 31.12.2025.'"""
    line = f"Quelle: {indicator.quelle.strip().rstrip('.')}"
    if stand:
        line += f"; Stand: {stand}"
    reference = reference_text(indicator.stichtag, years)
    return f"{line}." + (f" {reference}." if reference else "")


def data_dates(workspace: Workspace, year: int) -> dict[str, str]:
    """Per indicator the day its values up to ``year`` were last taken over (ISO text): the Stand of its source."""
    with Store.read_only(workspace.store_file) as store:
        return store.data_dates(year)
