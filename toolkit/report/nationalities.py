"""The most frequent nationalities of the Nichtdeutschen over ten years: table, chart and text of an indicator
collected by single nationality (DEM-04), from the protected values (issue #20).

- Table: the TOP nationalities of the report year by their published number (German names, ties by name), a column
  per year of the report's window ([bericht] jahre_im_bericht), the change since the first year and against the year
  before (in %), then "übrige Staatsangehörigkeiten" and "Nichtdeutsche insgesamt". A suppressed cell shows its
  symbol. Only nationalities published in the report year can be among the TOP: a ranking by true values would tell
  where a withheld one stands.
- "übrige Staatsangehörigkeiten" is the total minus the nationalities shown, computed from published numbers only, so
  it reveals nothing the table does not: it holds the nationalities outside the TOP, those below [geheimhaltung]
  staatsangehoerigkeit_mindestzahl (confidentiality.protect withholds them in every year, the series stays
  comparable), and those not asked one by one. In a year where a shown nationality is withheld, the line is
  withheld too (its value would give the withheld one back together with the total).
- Chart: the CHART_LINES largest as lines over the years (more lines would no longer be told apart, in colour or in
  grey print; the table has all of them), each with its own colour, marker and dash, on one scale (the sizes are
  what the chart compares; panels of their own would make 1,700 look like 7,000); the alt text names the first and
  the last value of each line and the main facts of the text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from toolkit.catalogue.model import CITY, NATIONALITY_GROUP, Catalogue, Indicator
from toolkit.core.cells import format_number, year_span
from toolkit.core.keys import ALL
from toolkit.indicators.confidentiality import MISSING_SYMBOL, ZERO_SYMBOL
from toolkit.report.charts import Line, LineChart
from toolkit.report.group_styles import (
    BLUE,
    BROWN,
    DASH_DOT,
    DASHED,
    DOTTED,
    GREEN,
    INDIGO,
    LONG_DASH,
    SHORT_DASH,
    SOLID,
    VERMILION,
    WINE,
    SeriesStyle,
)
from toolkit.report.sources import source_line, years_of
from toolkit.report.tables import Cell, Report, Table, footnotes, table_cell

TOP = 15
EXTRA_CHART = "zusatz_grafik"  # the chart's slot in the indicator's context (Word template, website)
CHART_LINES = 6
OTHERS = "übrige Staatsangehörigkeiten"
TOTAL = "Nichtdeutsche insgesamt"
LINE_STYLES = (SeriesStyle(VERMILION, "^", SOLID), SeriesStyle(BLUE, "s", DASHED), SeriesStyle(GREEN, "o", DOTTED),
               SeriesStyle(WINE, "D", DASH_DOT), SeriesStyle(INDIGO, "v", LONG_DASH),
               SeriesStyle(BROWN, "P", SHORT_DASH))


@dataclass(frozen=True)
class Row:
    """One line of the table: its label and per year the published number (None: withheld or missing) and its cell."""

    label: str
    numbers: dict[int, float | None]
    cells: dict[int, Cell]


def add_nationalities(report: Report, k: dict, indicator: Indicator, block: pd.DataFrame | None,
                      catalogue: Catalogue, year: int, years: int, threshold: int) -> None:
    """Fill k["zusatz"] (text, figure title and table; template and website) and the chart slot k["zusatz_grafik"]
    with the most frequent nationalities of ``indicator``; nothing if it is not collected by nationality or ``block``
    (its protected cells with breakdowns) has none published for ``year``. The table goes to ``report.tables``
    (Tabellenanhang, website), the chart to ``report.charts``."""
    k["zusatz"], k[EXTRA_CHART] = None, ""
    if block is None or not indicator.staatsangehoerigkeiten:
        return
    cells = block[(block["area"] == CITY) & (block["group"] == NATIONALITY_GROUP) & (block["sex"] == "insgesamt")
                  & (block["age"] == ALL) & (block["year"] > year - years) & (block["year"] <= year)]
    current = cells[(cells["year"] == year) & (cells["nationality"] != ALL) & (cells["suppressed"] == "")
                    & cells["published"].notna()]
    if current.empty:
        return
    shown_years = sorted(int(y) for y in cells["year"].unique())
    labels = {code: catalogue.label("staatsangehoerigkeit", code) for code in current["nationality"]}
    ranked = sorted(current.itertuples(index=False), key=lambda r: (-r.published, labels[r.nationality]))[:TOP]
    records = {(r.nationality, int(r.year)): r for r in cells.itertuples(index=False)}
    markers: dict[str, str] = {}
    rows = [_row(labels[r.nationality], [records.get((r.nationality, y)) for y in shown_years], shown_years, markers)
            for r in ranked]
    total = _row(TOTAL, [records.get((ALL, y)) for y in shown_years], shown_years, markers)
    others = _others(rows, total, shown_years)
    span = year_span(shown_years)
    table = Table(f"{indicator.id} Die {len(rows)} häufigsten Staatsangehörigkeiten der Nichtdeutschen, {span} "
                  "(Anzahl; Veränderung in %)",
                  ["Staatsangehörigkeit", *map(str, shown_years), f"seit {shown_years[0]} (%)", "zum Vorjahr (%)"],
                  [_table_row(row, shown_years) for row in (*rows, others, total)], indicator.handlungsfeld)
    table.notes = [*footnotes(indicator, catalogue, [table], markers, []),
                   *_method_notes(len(rows), year, span, threshold)]
    table.quelle = source_line(indicator, years_of(table.kopf, table.titel), report.data_dates.get(indicator.id, ""))
    report.tables.append(table)
    sentences = _sentences(rows, total, shown_years)
    lines = tuple(Line(row.label, tuple(shown_years), tuple(_nan(row.numbers[y]) for y in shown_years), style)
                  for row, style in zip(rows[:CHART_LINES], LINE_STYLES, strict=False))
    title = f"Die {len(lines)} häufigsten Staatsangehörigkeiten der Nichtdeutschen, {span}"
    k["zusatz"] = {"text": " ".join(sentences), "grafik_titel": f"{indicator.id} {title}", "tabelle": table.context()}
    report.charts.append(LineChart(title=title, unit="Anzahl", source=indicator.quelle, lines=lines,
                                   message=" ".join(sentences), decimals=0))  # one scale: sizes are compared
    report.chart_slots.append((k, EXTRA_CHART))


def _row(label: str, records: list, years: list[int], markers: dict[str, str]) -> Row:
    cells = {y: table_cell(record, 0, markers) for y, record in zip(years, records, strict=True)}
    return Row(label, {y: cell.number for y, cell in cells.items()}, cells)


def _others(rows: list[Row], total: Row, years: list[int]) -> Row:
    """The total minus the rows shown, from published numbers; withheld where a shown row or the total is."""
    numbers: dict[int, float | None] = {}
    cells: dict[int, Cell] = {}
    for y in years:
        parts = [row.cells[y] for row in (total, *rows)]
        hidden = next((cell for cell in parts if cell.state), None)
        if hidden is not None:
            numbers[y], cells[y] = None, Cell(hidden.text, state=hidden.state)
        elif any(cell.number is None for cell in parts):
            numbers[y], cells[y] = None, Cell(MISSING_SYMBOL)
        else:
            rest = total.numbers[y] - sum(row.numbers[y] for row in rows)
            numbers[y], cells[y] = rest, Cell(format_number(rest, 0) if rest else ZERO_SYMBOL, rest, 0)
    return Row(OTHERS, numbers, cells)


def _table_row(row: Row, years: list[int]) -> list[Cell]:
    first, last = years[0], years[-1]
    changes = [_change(row.numbers[first], row.numbers[last]) if len(years) > 1 else Cell(MISSING_SYMBOL),
               _change(row.numbers.get(last - 1), row.numbers[last]) if last - 1 in row.numbers else Cell(MISSING_SYMBOL)]
    return [Cell(row.label), *(row.cells[y] for y in years), *changes]


def _change(before: float | None, now: float | None) -> Cell:
    """The change in % with its sign ('+12,3', '−4,0'); '…' where a value is missing or withheld or the base is 0."""
    if before is None or now is None or before == 0:
        return Cell(MISSING_SYMBOL)
    percent = (now - before) / before * 100
    text = format_number(percent, 1)
    return Cell(("+" + text) if percent > 0 and not text.startswith("0,0") else text, percent, 1)


def _method_notes(shown: int, year: int, span: str, threshold: int) -> list[str]:
    notes = [f"Reihenfolge nach der Zahl am Ende des Jahres {year}. „{OTHERS}“: alle Nichtdeutschen außer den {shown} "
             "gezeigten Staatsangehörigkeiten, auch die nicht einzeln erhobenen."]
    if threshold > 0:
        notes.append(f"Staatsangehörigkeiten mit weniger als {format_number(threshold, 0)} Personen in einem der Jahre "
                     f"{span} werden nie einzeln gezeigt, nur in „{OTHERS}“, und zwar in allen Jahren, damit die "
                     "Zeitreihe vergleichbar bleibt.")
    return notes


def _sentences(rows: list[Row], total: Row, years: list[int]) -> list[str]:
    """What the table says: the total, the three largest, the strongest growth since the first year."""
    last, first = years[-1], years[0]
    sentences = []
    if total.numbers[last] is not None:
        sentences.append(f"Ende {last} hatten {format_number(total.numbers[last], 0)} Einwohnerinnen und Einwohner "
                         "nicht die deutsche Staatsangehörigkeit.")
    leading = [f"{row.label} ({format_number(row.numbers[last], 0)})" for row in rows[:3]]
    if leading:
        joined = leading[0] if len(leading) == 1 else f"{', '.join(leading[:-1])} und {leading[-1]}"
        sentences.append(f"Die häufigsten Staatsangehörigkeiten waren {joined}.")
    growth = [(row.numbers[last] - row.numbers[first], row) for row in rows
              if first != last and row.numbers[first] is not None and row.numbers[last] is not None]
    if growth:
        change, row = max(growth, key=lambda item: (item[0], item[1].label))
        if change > 0:
            sentences.append(f"Am stärksten gewachsen ist seit {first} die Zahl der Menschen mit der "
                             f"Staatsangehörigkeit {row.label}: von {format_number(row.numbers[first], 0)} auf "
                             f"{format_number(row.numbers[last], 0)}.")
    return sentences


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)
