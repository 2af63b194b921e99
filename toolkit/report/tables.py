"""The tables of the report (years x groups, Stadtteile, comparison with Land and Bund) and their footnotes.

Cells carry the published number (for the Tabellenanhang) and its text (for Word): a suppressed value
is its symbol, a missing one '…', a true zero '–', a value of limited reliability stands in brackets
'(23,4)'; flagged values and series breaks get a superscript marker that points to a footnote below
the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from toolkit.catalogue.model import CITY, GERMANY, LAND, Catalogue, Indicator
from toolkit.core.cells import format_number, format_value
from toolkit.indicators.confidentiality import (
    MISSING_SYMBOL,
    PRIMARY,
    SECONDARY,
    SOURCE,
    SPARSE,
    SPARSE_SYMBOL,
    ZERO_SYMBOL,
    rounding_base,
)
from toolkit.indicators.values import footnotes_for
from toolkit.report.charts import BarChart, LineChart

SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
MAX_DISTRICT_GROUPS = 3


def decimals_of(indicator: Indicator) -> int:
    """Decimals shown: counts whole, an index (0 to 1) with two, rates and other values with one."""
    if indicator.typ == "anzahl":
        return 0
    return 2 if indicator.einheit == "Index" else 1


@dataclass
class Cell:
    text: str
    number: float | None = None  # the published number (None if suppressed or missing)
    decimals: int = 1
    limited: bool = False  # limited reliability: shown in brackets


@dataclass
class Table:
    titel: str
    kopf: list[str]
    zeilen: list[list[Cell]]
    handlungsfeld: str = ""  # Handlungsfeld code (sheet of the Tabellenanhang)
    notes: list[str] = field(default_factory=list)  # the indicator's footnotes (for the Tabellenanhang)

    def context(self) -> dict:
        return {"titel": self.titel, "kopf": self.kopf, "zeilen": [[c.text for c in row] for row in self.zeilen]}


@dataclass
class Report:
    """What a report holds: the template context, the charts and their places, the tables (filled by context.py
    and the builders here)."""

    context: dict
    charts: list[LineChart | BarChart] = field(default_factory=list)  # in document order
    chart_slots: list[tuple[dict, str]] = field(default_factory=list)  # (dict, key) that receives the image
    tables: list[Table] = field(default_factory=list)
    n_with_data: int = 0
    n_suppressed: int = 0
    suppressed_by: dict[str, int] = field(default_factory=dict)  # state ('primär', 'sekundär', …) -> cells


def table_cell(row, decimals: int, markers: dict[str, str]) -> Cell:  # noqa: ANN001 - a namedtuple row
    if row is None:
        return Cell(MISSING_SYMBOL)
    if row.suppressed:
        return Cell(row.symbol or ".")
    value = row.published
    if pd.isna(value):
        return Cell(row.symbol or MISSING_SYMBOL)  # '–' in a Stadtteil without inhabitants
    limited = bool(getattr(row, "limited", False))
    text = ZERO_SYMBOL if value == 0 else format_number(value, decimals)
    if limited:
        text = f"({text})"
    for flag in footnotes_for([row.flag]):
        if flag not in markers:
            markers[flag] = SUPERSCRIPTS[min(len(markers), len(SUPERSCRIPTS) - 1)]
        text += markers[flag]
    return Cell(text, float(value), decimals, limited)


def _unit_suffix(indicator: Indicator) -> str:
    return f" (in {indicator.einheit})" if indicator.einheit not in ("Anzahl", "") else " (Anzahl)"


def break_text(year: int, note: str) -> str:
    return f"Zeitreihenbruch ab {year}: {note.rstrip('.')}. Über den Bruch hinweg wird keine Entwicklung bewertet"


def time_table(indicator: Indicator, main: pd.DataFrame, groups: list[str], catalogue: Catalogue,
                markers: dict[str, str], field_code: str, breaks: list[tuple[int, str]]) -> Table:
    years = sorted(int(y) for y in main["year"].unique())
    header = [str(y) for y in years]
    for year, note in breaks:
        if year in years:
            text = break_text(year, note)
            markers.setdefault(text, SUPERSCRIPTS[min(len(markers), len(SUPERSCRIPTS) - 1)])
            header[years.index(year)] += markers[text]
    lookup = {(r.group, r.sex, int(r.year)): r for r in _records(main)}
    rows: list[list[Cell]] = []
    sexes = ["insgesamt"] + [s for s in ("weiblich", "maennlich") if indicator.geschlecht and
                             any(k[1] == s for k in lookup)]
    decimals = decimals_of(indicator)
    for group in groups:
        for sex in sexes:
            if sex != "insgesamt" and group != groups[0]:
                continue
            if not any((group, sex, y) in lookup for y in years):
                continue
            label = catalogue.label("gruppe", group)
            if sex != "insgesamt":
                label += f", {catalogue.label('geschlecht', sex).lower()}"
            rows.append([Cell(label)] + [table_cell(lookup.get((group, sex, y)), decimals, markers) for y in years])
    area = "" if indicator.collected_in_city else ", Sachsen-Anhalt"
    title = f"{indicator.id} {indicator.name}{area}, {years[0]}–{years[-1]}{_unit_suffix(indicator)}"
    return Table(title, ["Gruppe", *header], rows, field_code)


def _records(frame: pd.DataFrame) -> list:
    return list(frame.itertuples(index=False))


def district_part(report: Report, k: dict, indicator: Indicator, block: pd.DataFrame, groups: list[str],
                   catalogue: Catalogue, year: int, markers: dict[str, str], field_code: str) -> None:
    districts = block[(block["area"].str.startswith("st")) & (block["sex"] == "insgesamt")]
    if districts.empty:
        return
    latest = year if (districts["year"] == year).any() else int(districts["year"].max())
    current = districts[districts["year"] == latest]
    shown = [g for g in groups if (current["group"] == g).any()][:MAX_DISTRICT_GROUPS]
    if not shown:
        return
    lookup = {(r.area, r.group): r for r in _records(current)}
    decimals = decimals_of(indicator)
    rows = [[Cell(d.name)] + [_district_cell(d, lookup.get((d.area, g)), decimals, markers) for g in shown]
            for d in catalogue.districts]
    city = block[(block["area"] == CITY) & (block["sex"] == "insgesamt") & (block["year"] == latest)]
    city_lookup = {r.group: r for r in _records(city)}
    rows.append([Cell("Gesamtstadt")] + [table_cell((city_lookup.get(g)), decimals, markers) for g in shown])
    title = f"{indicator.id} {indicator.name} nach Stadtteilen, {latest}{_unit_suffix(indicator)}"
    table = Table(title, ["Stadtteil", *[catalogue.label("gruppe", g) for g in shown]], rows, field_code)
    k["stadtteil_tabelle"] = table.context()
    report.tables.append(table)
    group = shown[0]
    values = tuple(_published(lookup.get((d.area, group))) for d in catalogue.districts)
    symbols = tuple(ZERO_SYMBOL if d.empty and (d.area, group) not in lookup else _symbol(lookup.get((d.area, group)))
                    for d in catalogue.districts)
    city_value = _published(city_lookup.get(group))
    reference_label = "Gesamtstadt"
    if indicator.typ == "anzahl":  # a city total is no yardstick for one Stadtteil: use the mean
        city_value = city_value / len(catalogue.districts) if catalogue.districts else math.nan
        reference_label = "Durchschnitt je Stadtteil"
    chart_title = f"{indicator.name}, {catalogue.label('gruppe', group)}, nach Stadtteilen {latest}"
    n_shown = sum(1 for v in values if not math.isnan(v))
    k["stadtteil_text"] = (f"Die Werte der {n_shown} Stadtteile mit veröffentlichtem Wert reichen {latest} von "
                           f"{format_value(min(v for v in values if not math.isnan(v)), indicator.einheit, decimals)} bis "
                           f"{format_value(max(v for v in values if not math.isnan(v)), indicator.einheit, decimals)}."
                           if n_shown else f"Für {latest} ist kein Stadtteilwert veröffentlichbar.")
    report.charts.append(BarChart(chart_title, indicator.einheit, indicator.quelle,
                                  tuple(d.name for d in catalogue.districts), values, symbols, city_value, latest,
                                  decimals, reference_label=reference_label))
    report.chart_slots.append((k, "stadtteil_grafik"))
    k["stadtteil_grafik_titel"] = f"{indicator.id} {chart_title}"


def _district_cell(district, row, decimals: int, markers: dict[str, str]) -> Cell:  # noqa: ANN001
    """A Stadtteil's cell: '–' for a Stadtteil without inhabitants and without a value, else as table_cell."""
    if row is None and district.empty:
        return Cell(ZERO_SYMBOL)
    return table_cell(row, decimals, markers)


def _published(record) -> float:  # noqa: ANN001
    if record is None or record.suppressed or pd.isna(record.published):
        return math.nan
    return float(record.published)


def _symbol(record) -> str:  # noqa: ANN001
    if record is None or pd.isna(record.published) and not record.suppressed:
        return MISSING_SYMBOL
    return record.symbol if record.suppressed else ""


def comparison_part(report: Report, k: dict, indicator: Indicator, block: pd.DataFrame, groups: list[str],
                     catalogue: Catalogue, year: int, markers: dict[str, str], field_code: str) -> None:
    areas = [a for a in ((CITY, LAND, GERMANY) if indicator.collected_in_city else (LAND, GERMANY))]
    compare = block[block["area"].isin([LAND, GERMANY]) & (block["sex"] == "insgesamt")]
    if compare.empty or (not indicator.collected_in_city and not (compare["area"] == GERMANY).any()):
        return
    data = block[block["area"].isin(areas) & (block["sex"] == "insgesamt")]
    years = sorted(int(y) for y in compare["year"].unique())[-5:]
    lookup = {(r.area, r.group, int(r.year)): r for r in _records(data)}
    decimals = decimals_of(indicator)
    compare_groups = [g for g in indicator.gruppen if (compare["group"] == g).any()]
    rows = []
    for area in areas:
        for group in compare_groups:
            if not any((area, group, y) in lookup for y in years):
                continue
            label = f"{_area_label(catalogue, area)}: {catalogue.label('gruppe', group)}"
            rows.append([Cell(label)] + [table_cell((lookup.get((area, group, y))), decimals, markers)
                                         for y in years])
    if not rows:
        return
    title = f"{indicator.id} {indicator.name} im Vergleich, {years[0]}–{years[-1]}{_unit_suffix(indicator)}"
    table = Table(title, ["Gebiet und Gruppe", *[str(y) for y in years]], rows, field_code)
    k["vergleich"] = table.context()
    report.tables.append(table)
    last = years[-1]
    targets = [g for g in compare_groups if catalogue.groups.get(g) and catalogue.groups[g].vergleichsgruppe]
    group = (targets or compare_groups)[0]
    parts = []
    for area in areas:
        value = _published(lookup.get((area, group, last)))
        if not math.isnan(value):
            parts.append(f"{_area_label(catalogue, area)} {format_value(value, indicator.einheit, decimals)}")
    k["vergleich_text"] = (f"Zum Vergleich ({catalogue.label('gruppe', group)}, {last}): " + ", ".join(parts) + "."
                           if len(parts) > 1 else
                           "Vergleichswerte für Sachsen-Anhalt und Deutschland sind gesperrt oder fehlen.")


def _area_label(catalogue: Catalogue, area: str) -> str:
    return "Magdeburg" if area == CITY else catalogue.area_label(area)


def footnotes(indicator: Indicator, catalogue: Catalogue, block: pd.DataFrame, markers: dict[str, str],
               breaks: list[tuple[int, str]]) -> list[str]:
    notes = [f"{marker} {text[0].upper()}{text[1:]}." for text, marker in markers.items()]
    for year, note in breaks:
        if break_text(year, note) not in markers:
            notes.append(f"{break_text(year, note)}.")
    base = rounding_base(indicator, catalogue)
    if base:
        what = "Fallzahlen" if indicator.typ == "anzahl" else "Die Grundzahlen der Anteile"
        notes.append(f"{what} sind nach der Regel der Quelle auf Vielfache von {base} gerundet; Summen können von "
                     "der Summe der Teile abweichen.")
    symbol = catalogue.profiles[indicator.geheimhaltung].symbol if indicator.geheimhaltung in catalogue.profiles else "."
    if block["suppressed"].isin([PRIMARY, SECONDARY]).any():
        notes.append(f"Einzelne Werte sind aus Gründen der Geheimhaltung gesperrt ({symbol}).")
    if (block["suppressed"] == SOURCE).any():
        notes.append(f"Einzelne Werte hat die Quelle gesperrt ({symbol}).")
    if (block["suppressed"] == SPARSE).any():
        notes.append(f"Für gering besiedelte Stadtteile wird kein eigener Anteil gezeigt ({SPARSE_SYMBOL}).")
    if "limited" in block and block["limited"].any():
        limit = catalogue.profiles[indicator.geheimhaltung].klammer_unter
        cases = "Fälle im Nenner" if indicator.typ == "quote" else "Fälle"
        notes.append(f"Werte in Klammern: Aussagewert ist eingeschränkt, da der Zahlenwert statistisch relativ "
                     f"unsicher ist (weniger als {limit} {cases}).")
    return notes
