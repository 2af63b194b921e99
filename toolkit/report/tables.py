"""The tables of the report (years x groups, Stadtteile, comparison with Land and Bund) and their footnotes.

Cells carry the published number (for the Tabellenanhang) and its text (for Word): a suppressed value
is its symbol, a missing one '…', a true zero '–', a value of limited reliability stands in brackets
'(23,4)'; flagged values and series breaks get a superscript marker that points to a footnote below
the table.

The Tabellenanhang that carries the same tables is written by report/table_annex.py.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from toolkit.catalogue.model import CITY, GERMANY, LAND, Catalogue, Indicator
from toolkit.core.cells import format_number, format_value, year_span
from toolkit.indicators.confidentiality import (
    DEFAULT_MIN_POPULATION,
    EARLIER,
    MISSING_SYMBOL,
    NO_BASE,
    NO_BASE_SYMBOL,
    PRIMARY,
    SECONDARY,
    SOURCE,
    SPARSE,
    SPARSE_SYMBOL,
    ZERO_SYMBOL,
    rounding_base,
)
from toolkit.indicators.values import comparison_pairs, footnotes_for
from toolkit.report.charts import BarChart, Spec
from toolkit.report.geometry import Shapes
from toolkit.report.group_styles import SeriesStyle
from toolkit.report.maps import SHOWN, CircleMap, MapChart, map_state
from toolkit.report.text import QUALIFIERS, plain_label, qualifier

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
    state: str = ""  # why a symbol stands in the cell: a suppression state, NO_BASE, or '' (a value or '–' / '…')


@dataclass
class Table:
    titel: str
    kopf: list[str]
    zeilen: list[list[Cell]]
    handlungsfeld: str = ""  # Handlungsfeld code (sheet of the Tabellenanhang)
    notes: list[str] = field(default_factory=list)  # the table's footnotes, printed right below it
    quelle: str = ""  # its source line with Stand and Stichtag/Zeitraum (report/sources.py)

    def context(self) -> dict:
        return {"titel": self.titel, "kopf": self.kopf, "zeilen": [[c.text for c in row] for row in self.zeilen],
                "fussnoten": self.notes, "quelle": self.quelle}


@dataclass
class Report:
    """What a report holds: the template context, the charts and their places, the tables (filled by context.py
    and the builders here)."""

    context: dict
    charts: list[Spec] = field(default_factory=list)  # in document order
    chart_slots: list[tuple[dict, str]] = field(default_factory=list)  # (dict, key) that receives the image
    tables: list[Table] = field(default_factory=list)
    n_with_data: int = 0
    n_suppressed: int = 0
    suppressed_by: dict[str, int] = field(default_factory=dict)  # state ('primär', 'sekundär', …) -> cells
    shapes: Shapes | None = None  # the Stadtteil shapes for the maps (report/maps.py); None: no maps
    styles: dict[str, SeriesStyle] = field(default_factory=dict)  # group -> style (group_styles.group_styles)
    min_population: int = DEFAULT_MIN_POPULATION  # below it a Stadtteil gets no rate of its own ('x')
    data_dates: dict[str, str] = field(default_factory=dict)  # indicator -> Stand of its data (German date)
    breakdowns: pd.DataFrame | None = None  # all published cells, by age group and nationality too (report/pyramid.py)
    tables_after: list[tuple[str, Table]] = field(default_factory=list)  # (picture caption, table): no template slot


def table_cell(row, decimals: int, markers: dict[str, str]) -> Cell:
    if row is None:
        return Cell(MISSING_SYMBOL)
    if row.suppressed:
        return Cell(row.symbol or ".", state=row.suppressed)
    value = row.published
    if pd.isna(value):  # '–' in a Stadtteil without inhabitants, 'x' for a rate without any case in its Nenner
        return Cell(row.symbol or MISSING_SYMBOL, state=NO_BASE if row.symbol == NO_BASE_SYMBOL else "")
    limited = bool(getattr(row, "limited", False))
    text = ZERO_SYMBOL if value == 0 else format_number(value, decimals)
    if limited:
        text = f"({text})"
    for flag in footnotes_for([row.flag]):
        if flag not in markers:
            markers[flag] = SUPERSCRIPTS[min(len(markers), len(SUPERSCRIPTS) - 1)]
        text += markers[flag]
    return Cell(text, float(value), decimals, limited)


UNIT_SUFFIXES = {"%": " (in %)", "Anzahl": " (Anzahl)", "": " (Anzahl)", "Index": " (Indexwerte)", "Tage": " (in Tagen)"}


def _unit_suffix(indicator: Indicator) -> str:
    """What the numbers of a table are: '(in %)', '(Anzahl)', '(Indexwerte)', '(in Tagen)', '(je 1.000)'."""
    return UNIT_SUFFIXES.get(indicator.einheit, f" ({indicator.einheit})")


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
    title = f"{indicator.id} {indicator.name}{area}, {year_span(years)}{_unit_suffix(indicator)}"
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
    values = tuple(published_number(lookup.get((d.area, group))) for d in catalogue.districts)
    symbols = tuple(map_state(lookup.get((d.area, group)), d.empty) for d in catalogue.districts)
    city_value = published_number(city_lookup.get(group))
    reference_label = "Gesamtstadt"
    if indicator.typ == "anzahl":  # a city total is no yardstick for one Stadtteil: use the mean
        city_value = city_value / len(catalogue.districts) if catalogue.districts else math.nan
        reference_label = "Durchschnitt je Stadtteil"
    chart_title = f"{indicator.name}, {catalogue.label('gruppe', group)}, nach Stadtteilen {latest}"
    n_shown = sum(1 for v in values if not math.isnan(v))
    k["stadtteil_text"] = _range_text(indicator, [lookup.get((d.area, group)) for d in catalogue.districts], latest)
    report.charts.append(BarChart(chart_title, indicator.einheit, indicator.quelle,
                                  tuple(d.name for d in catalogue.districts), values, symbols, city_value, latest,
                                  decimals, reference_label=reference_label, style=report.styles[group]))
    report.chart_slots.append((k, "stadtteil_grafik"))
    k["stadtteil_grafik_titel"] = f"{indicator.id} {chart_title}"
    if report.shapes is not None and report.shapes.drawn and n_shown:  # the maps beside the bars (compile places them)
        for spec in district_maps(report, indicator, catalogue, current, city, latest, group, city_value,
                                  reference_label):
            report.charts.append(spec)
            report.chart_slots.append((k, "stadtteil_karte"))


def district_maps(report: Report, indicator: Indicator, catalogue: Catalogue, current: pd.DataFrame,
                  city: pd.DataFrame, latest: int, group: str, city_value: float, reference_label: str) -> list:
    """The maps after the Stadtteil bars (which rank ``group``, usually Insgesamt).

    A rate: one choropleth, of the target group (the first group with a comparison group) where it has a shown
    value in at least half as many Stadtteile as ``group`` (a map of two coloured Stadtteile says nothing), else of
    ``group``. A count: circles of ``group``, never a choropleth; and where the target
    group is counted per Stadtteil too, a choropleth of its share of the total, from the published counts (a
    Stadtteil under the population threshold gets 'x' as for every rate, one without a total '–').
    """
    shapes = report.shapes
    lookup = {(r.area, r.group): r for r in _records(current)}
    empty = {d.area for d in catalogue.districts if d.empty}
    sparse = {d.area for d in catalogue.districts if d.sparse(report.min_population)}
    shown_in = Counter(g for (_area, g), r in lookup.items() if map_state(r) == SHOWN)
    target = next((t for t, _r in comparison_pairs(indicator, catalogue)
                   if 2 * shown_in[t] >= shown_in[group] and shown_in[t]), None)
    decimals = decimals_of(indicator)

    def cells(g: str) -> tuple[tuple[float, ...], tuple[str, ...]]:
        records = [lookup.get((area, g)) for area in shapes.areas]
        return (tuple(published_number(r) for r in records),
                tuple(map_state(r, area in empty) for r, area in zip(records, shapes.areas, strict=True)))

    def title(g: str) -> str:
        return f"{indicator.name}, {catalogue.label('gruppe', g)}, nach Stadtteilen {latest}"

    def caption(text: str) -> str:
        return f"Abbildung: {indicator.id} {text} – Karte"

    if indicator.typ != "anzahl":
        shown_group = target or group
        values, states = cells(shown_group)
        value = city_value if shown_group == group else published_number(_city_record(city, shown_group))
        return [MapChart(title(shown_group), indicator.einheit, indicator.quelle, latest, shapes, values, states,
                         value, reference_label, decimals, caption(title(shown_group)))]
    values, states = cells(group)
    maps: list = [CircleMap(title(group), indicator.einheit, indicator.quelle, latest, shapes, values, states,
                            city_value, reference_label, 0, caption(title(group)), report.styles[group])]
    if target and target != group:
        parts, part_states = cells(target)
        shares, share_states = [], []
        for area, part, part_state, total, total_state in zip(shapes.areas, parts, part_states, values, states,
                                                               strict=True):
            state = part_state or total_state or (ZERO_SYMBOL if total == 0 else SPARSE_SYMBOL if area in sparse
                                                  else SHOWN)
            share_states.append(state)
            shares.append(100 * part / total if state == SHOWN else math.nan)
        city_part, city_total = (published_number(_city_record(city, g)) for g in (target, group))
        share_title = (f"{indicator.name}: Anteil der Gruppe „{catalogue.label('gruppe', target)}“, nach Stadtteilen "
                       f"{latest}")
        maps.append(MapChart(share_title, "%", indicator.quelle, latest, shapes, tuple(shares), tuple(share_states),
                             100 * city_part / city_total if city_total else math.nan, "Gesamtstadt", 1,
                             caption(share_title)))
    return maps


def _city_record(city: pd.DataFrame, group: str):
    return next((r for r in _records(city) if r.group == group), None)


def _range_text(indicator: Indicator, records: list, year: int) -> str:
    """'Die Werte der 29 Stadtteile mit veröffentlichtem Wert reichen 2025 von 2,9 % bis (100,0 %).': the lowest and
    the highest printed value, in brackets where the table brackets it (limited reliability)."""
    shown = [r for r in records if not math.isnan(published_number(r))]
    if not shown:
        return f"Für {year} ist kein Stadtteilwert veröffentlichbar."
    decimals = decimals_of(indicator)

    def text(record) -> str:
        value = format_value(published_number(record), indicator.einheit, decimals)
        return f"({value})" if _limited(record) else value

    # on a tie the plain value is named
    low = min(shown, key=lambda r: (round(published_number(r), decimals), _limited(r)))
    high = max(shown, key=lambda r: (round(published_number(r), decimals), not _limited(r)))
    return (f"Die Werte der {len(shown)} Stadtteile mit veröffentlichtem Wert reichen {year} von {text(low)} bis "
            f"{text(high)}.")


def _limited(record) -> bool:
    return bool(getattr(record, "limited", False))


def _district_cell(district, row, decimals: int, markers: dict[str, str]) -> Cell:
    """A Stadtteil's cell: '–' for a Stadtteil without inhabitants and without a value, else as table_cell."""
    if row is None and district.empty:
        return Cell(ZERO_SYMBOL)
    return table_cell(row, decimals, markers)


def published_number(record) -> float:
    """A record's published value, NaN where it is suppressed or missing (for charts, maps and computed shares)."""
    if record is None or record.suppressed or pd.isna(record.published):
        return math.nan
    return float(record.published)


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
    title = f"{indicator.id} {indicator.name} im Vergleich, {year_span(years)}{_unit_suffix(indicator)}"
    table = Table(title, ["Gebiet und Gruppe", *[str(y) for y in years]], rows, field_code)
    k["vergleich"] = table.context()
    report.tables.append(table)
    last = years[-1]
    targets = [g for g in compare_groups if catalogue.groups.get(g) and catalogue.groups[g].vergleichsgruppe]
    group = (targets or compare_groups)[0]
    parts = []
    for area in areas:
        value = published_number(lookup.get((area, group, last)))
        if not math.isnan(value):
            parts.append(f"{_area_label(catalogue, area)} {format_value(value, indicator.einheit, decimals)}")
    label = catalogue.label("gruppe", group)  # 'Mit Migrationshintergrund (Mikrozensus)': one pair of brackets
    said = f"{plain_label(label)}, Abgrenzung {QUALIFIERS.get(qualifier(label), qualifier(label))}" if qualifier(
        label) else label
    k["vergleich_text"] = (f"Zum Vergleich ({said}, {last}): " + ", ".join(parts) + "."
                           if len(parts) > 1 else
                           "Vergleichswerte für Sachsen-Anhalt und Deutschland sind gesperrt oder fehlen.")


def _area_label(catalogue: Catalogue, area: str) -> str:
    return "Magdeburg" if area == CITY else catalogue.area_label(area)


def footnotes(indicator: Indicator, catalogue: Catalogue, tables: list[Table], markers: dict[str, str],
              breaks: list[tuple[int, str]]) -> list[str]:
    """The notes for ``tables``: a marker's note where the marker is shown, a symbol's note only where a cell shows
    that symbol, brackets only where a value is bracketed; series breaks and the source's rounding always."""
    cells = [cell for table in tables for row in table.zeilen for cell in row]
    shown = " ".join([*(h for table in tables for h in table.kopf), *(c.text for c in cells)])
    notes = [f"{marker} {text[0].upper()}{text[1:]}." for text, marker in markers.items() if marker in shown]
    for year, note in breaks:
        if break_text(year, note) not in markers:
            notes.append(f"{break_text(year, note)}.")
    base = rounding_base(indicator, catalogue)
    if base:
        what = "Fallzahlen" if indicator.typ == "anzahl" else "Die Grundzahlen der Anteile"
        notes.append(f"{what} sind nach der Regel der Quelle auf Vielfache von {base} gerundet; Summen können von "
                     "der Summe der Teile abweichen.")
    states = {c.state: c.text for c in cells if c.state}
    for state in (PRIMARY, SECONDARY, EARLIER):
        if state in states:
            notes.append(f"Einzelne Werte sind aus Gründen der Geheimhaltung gesperrt ({states[state]}).")
            break
    if SOURCE in states:
        notes.append(f"Einzelne Werte hat die Quelle gesperrt ({states[SOURCE]}).")
    if SPARSE in states:
        notes.append(f"Für gering besiedelte Stadtteile wird kein eigener Anteil gezeigt ({SPARSE_SYMBOL}).")
    if NO_BASE in states:
        notes.append(f"Ohne Fälle im Nenner gibt es keinen Anteil ({NO_BASE_SYMBOL}).")
    if any(c.limited for c in cells):
        limit = catalogue.profiles[indicator.geheimhaltung].klammer_unter
        notes.append(f"Werte in Klammern: Aussagewert ist eingeschränkt, da der Zahlenwert statistisch relativ "
                     f"unsicher ist (weniger als {limit} Fälle im Nenner).")
    return notes
