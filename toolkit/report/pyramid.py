"""The population pyramid of the report's population chapter: Deutsche and Nichtdeutsche by 5-year age groups and sex.

How it is drawn, and why (a statistics editor's choices):

- Two pyramids side by side, Deutsche left, Nichtdeutsche right, each in percent of its own population (both sexes,
  all ages = 100 %), on the same scale. In persons the 39,000 Nichtdeutschen of Magdeburg would be a thin sliver
  beside 206,000 Deutsche and their shape unreadable; overlaid shares would hide one outline behind the other. Side
  by side on one scale the reader compares the shapes directly (the bulge at 20 to 40 years, the narrow top), and
  the panel heads give each population's size, so the levels are not lost.
- In each pyramid men to the left, women to the right, the youngest at the bottom; the age groups are labelled once,
  in the column between the two pyramids. Each bar carries its share (one decimal) at its end.
- Colour is the group's colour of every chart (report/group_styles.py: Deutsche blue, Nichtdeutsche vermilion); the
  sexes are told apart by side and by the words above them, not by colour.
- Only published cells are drawn (indicators/published.py): a suppressed cell gets no bar, its symbol stands where the
  bar would start, and a note under the pyramid names it. Shares are of the published total of the population.
- The alt text states the difference in age structure in numbers computed from the same cells: share under 18 and
  share 65 and older of each population (from the partition that has those bounds, report/age_structure.py) and the
  age group that holds the median.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from toolkit.catalogue.model import CITY, Catalogue, Indicator
from toolkit.core.cells import format_number, format_percent
from toolkit.core.keys import ALL
from toolkit.indicators.confidentiality import symbol_label
from toolkit.report.age_structure import ADULT, OLD, median_group, short_label, span_share
from toolkit.report.chart_layout import (
    CM,
    DPI,
    PAD,
    PT,
    TEXT_COLOUR,
    TITLE_SIZE,
    WIDTH,
    Stack,
    axes_margins,
    line_height,
    new_figure,
    source_lines,
    text_width,
)
from toolkit.report.group_styles import GROUP_STYLES, SeriesStyle
from toolkit.report.maps import map_state
from toolkit.report.sources import source_line
from toolkit.report.tables import Cell, Report, Table, published_number, table_cell

PYRAMID_USE = "Pyramide"  # the Verwendung of the catalogue's age groups a pyramid is drawn by
POPULATIONS = ("deutsch", "nichtdeutsch")
SEXES = ("maennlich", "weiblich")  # left, right
SIDE_WORDS = {"maennlich": "Männer", "weiblich": "Frauen"}
ROW = 0.36  # cm per age group
VALUE_SIZE = 5.5
AGE_SIZE = 6.5
HEAD_SIZE = 7.5


@dataclass(frozen=True)
class Population:
    """One pyramid: a population's shares (% of its total) per age group, youngest first, per sex."""

    code: str  # deutsch, nichtdeutsch
    label: str  # Deutsche, Nichtdeutsche
    total: float  # the published number of persons (all ages, both sexes)
    shares: tuple[tuple[float, ...], tuple[float, ...]]  # (men, women) per age group; NaN where not published
    symbols: tuple[tuple[str, ...], tuple[str, ...]]  # the table's symbol where not published, else ''
    under_18: float  # % of the population; NaN if not computable from published cells
    from_65: float
    median: int | None  # index of the age group holding the median
    style: SeriesStyle = GROUP_STYLES["insgesamt"]


@dataclass(frozen=True)
class PopulationPyramid:
    """A picture that draws itself (charts.Drawing): the figure and the alt text stating the difference."""

    title: str
    year: int
    source: str  # 'Quelle: …; Stand: …. Stichtag: ….'
    ages: tuple[str, ...]  # short labels, youngest first ('0–4' … '90+')
    age_names: tuple[str, ...]  # the catalogue's names ('unter 5 Jahre' …)
    populations: tuple[Population, ...]
    caption: str = ""

    def figure(self) -> Figure:
        return pyramid_figure(self)

    def alt_text(self) -> str:
        return pyramid_alt(self)

    def hidden(self) -> list[str]:
        """'Nichtdeutsche, Männer 90+ (. gesperrt (Geheimhaltung))' for every cell without a bar."""
        return [f"{p.label}, {SIDE_WORDS[sex]} {self.ages[n]} ({symbol_label(symbol)})"
                for p in self.populations for sex, symbols in zip(SEXES, p.symbols, strict=True)
                for n, symbol in enumerate(symbols) if symbol]


def population_pyramid(frame: pd.DataFrame, catalogue: Catalogue, indicator: Indicator, year: int, source: str,
                       styles: dict[str, SeriesStyle]) -> PopulationPyramid | None:
    """The pyramid of ``indicator`` (its published rows, age groups included) for the Gesamtstadt in ``year``; None
    if it is not collected by the Pyramide age groups for Deutsche and Nichtdeutsche by sex, or has no published
    total of either population that year."""
    codes = catalogue.partitions(indicator).get(PYRAMID_USE)
    if not codes or not indicator.geschlecht or not set(POPULATIONS) <= set(catalogue.groups_by_age(indicator)):
        return None
    groups = [catalogue.age_group[code] for code in codes]
    partitions = [[catalogue.age_group[c] for c in part] for part in catalogue.partitions(indicator).values()]
    rows = frame[(frame["area"] == CITY) & (frame["year"] == year) & (frame["nationality"] == ALL)
                 & frame["group"].isin(POPULATIONS)]
    cells = {(r.group, r.sex, r.age): r for r in rows.itertuples(index=False)}
    populations = []
    for code in POPULATIONS:
        total = published_number(cells.get((code, "insgesamt", ALL)))
        if math.isnan(total) or total <= 0:
            return None
        shares, symbols = [], []
        for sex in SEXES:
            records = [cells.get((code, sex, g.code)) for g in groups]
            shares.append(tuple(100.0 * published_number(r) / total for r in records))
            symbols.append(tuple(map_state(r) for r in records))
        counts = {age: published_number(cells.get((code, "insgesamt", age))) for age in catalogue.ages_of(indicator)}
        populations.append(Population(
            code, catalogue.label("gruppe", code), total, (shares[0], shares[1]), (symbols[0], symbols[1]),
            span_share(counts, partitions, 0, ADULT, total), span_share(counts, partitions, OLD, None, total),
            median_group([counts.get(g.code, math.nan) for g in groups], total), styles.get(code, GROUP_STYLES[code])))
    title = f"Deutsche und Nichtdeutsche nach Alter und Geschlecht {year}, in % der jeweiligen Bevölkerung"
    return PopulationPyramid(title, year, source, tuple(short_label(g) for g in groups),
                             tuple(g.bezeichnung for g in groups), tuple(populations),
                             f"Abbildung: {indicator.id} Bevölkerungspyramide {year}: Deutsche und Nichtdeutsche "
                             "nach Altersgruppen und Geschlecht")


def pyramid_part(report: Report, k: dict, indicator: Indicator, catalogue: Catalogue, year: int,
                 markers: dict[str, str], field_code: str, at: int) -> None:
    """The pyramid of ``indicator`` in ``year`` (charts, at index ``at``: right after its time series; compile puts it
    below the series' table) and its numbers as a table right below it (and in the Tabellenanhang), if it has the
    cells for one. The indicator's text gets the sentence on the difference in age structure."""
    if report.breakdowns is None:
        return
    rows = report.breakdowns[report.breakdowns["indicator"] == indicator.id]
    source = source_line(indicator, [year], report.data_dates.get(indicator.id, ""))
    spec = population_pyramid(rows, catalogue, indicator, year, source, report.styles)
    if spec is None:
        return
    report.charts.insert(at, spec)
    report.chart_slots.insert(at, (k, "pyramide"))
    k["text"] = " ".join([k.get("text", ""), *_difference(spec.populations)]).strip()  # said, not only drawn
    table = pyramid_table(rows, catalogue, indicator, year, markers, field_code)
    report.tables.append(table)
    report.tables_after.append((spec.caption, table))  # right below the pyramid (compile.py)


def pyramid_table(frame: pd.DataFrame, catalogue: Catalogue, indicator: Indicator, year: int,
                  markers: dict[str, str], field_code: str) -> Table:
    """The pyramid's persons: one row per age group and the total, Deutsche and Nichtdeutsche by sex (as the report's
    tables show them: a suppressed cell its symbol)."""
    rows = frame[(frame["area"] == CITY) & (frame["year"] == year) & (frame["nationality"] == ALL)]
    cells = {(r.group, r.sex, r.age): r for r in rows.itertuples(index=False)}
    columns = [(group, sex) for group in POPULATIONS for sex in SEXES]
    ages = [*catalogue.partitions(indicator)[PYRAMID_USE], ALL]
    body = [[Cell(catalogue.age_group[age].bezeichnung if age != ALL else "Insgesamt")]
            + [table_cell(cells.get((group, sex, age)), 0, markers) for group, sex in columns] for age in ages]
    header = ["Altersgruppe", *(f"{catalogue.label('gruppe', g)}, {catalogue.label('geschlecht', s).lower()}"
                                for g, s in columns)]
    return Table(f"{indicator.id} {indicator.name} nach Altersgruppen und Geschlecht, {year} (Anzahl)", header, body,
                 field_code)


# ---- the figure ---------------------------------------------------------------------------------------------


def pyramid_figure(spec: PopulationPyramid) -> Figure:
    """Title, the heads of the two pyramids, the pyramids with the age column between them, the notes, the source."""
    figure = new_figure((WIDTH, 12 * CM))
    stack = Stack(figure)
    stack.text(spec.title, TITLE_SIZE, gap=5 * PT)
    reach = max((v for p in spec.populations for side in p.shares for v in side if not math.isnan(v)), default=1.0)
    limit = reach * 1.3
    age_column = max(text_width(label, AGE_SIZE) for label in [*spec.ages, "Alter"]) + 8 * PT
    axes_list = [figure.add_axes((0.1, 0.1, 0.3, 0.8)) for _ in spec.populations]
    for axes, population in zip(axes_list, spec.populations, strict=True):
        _draw(axes, population, limit)
    margins = axes_margins(axes_list[0], y_size=AGE_SIZE, x_size=6.5, label_size=7)
    panel = (stack.width - 2 * PAD - age_column - 2 * margins.right) / 2
    lefts = (PAD + margins.right, PAD + margins.right + panel + age_column)
    # heads: the population with its size, then Männer / Frauen over each half
    heads_top = stack.y
    for left, population in zip(lefts, spec.populations, strict=True):
        _centred(stack, f"{population.label} ({format_number(population.total, 0)} = 100 %)", HEAD_SIZE,
                 left + panel / 2, heads_top, weight="bold")
        for k, sex in enumerate(SEXES):
            _centred(stack, SIDE_WORDS[sex], AGE_SIZE, left + panel * (0.25 + 0.5 * k),
                     heads_top + line_height(HEAD_SIZE) + 2 * PT)
    _centred(stack, "Alter", AGE_SIZE, lefts[0] + panel + age_column / 2, heads_top + line_height(HEAD_SIZE) + 2 * PT)
    stack.y = heads_top + line_height(HEAD_SIZE) + line_height(AGE_SIZE) + 5 * PT
    height = len(spec.ages) * ROW * CM * DPI
    for axes, left in zip(axes_list, lefts, strict=True):
        stack.axes(axes, left, stack.y + margins.top, panel, height)
    row = height / len(spec.ages)
    for n, label in enumerate(spec.ages):  # the age column, one label per row, centred between the pyramids
        _centred(stack, label, AGE_SIZE, lefts[0] + panel + age_column / 2,
                 stack.y + margins.top + height - (n + 0.5) * row - line_height(AGE_SIZE) / 2)
    stack.y += margins.top + height + margins.bottom + 4 * PT
    hidden = spec.hidden()
    notes = ["Lesehilfe: Jeder Balken ist der Anteil einer Altersgruppe eines Geschlechts an allen Deutschen bzw. "
             "an allen Nichtdeutschen (je 100 %); beide Pyramiden haben denselben Maßstab."]
    if hidden:
        notes.append("Ohne Balken (nicht veröffentlicht): " + "; ".join(hidden) + ".")
    for note in notes:
        stack.text(note, 6.5, color=TEXT_COLOUR, gap=1.5 * PT)
    source_lines(stack, spec.source)
    return stack.finish()


def _draw(axes, population: Population, limit: float) -> None:
    """One pyramid: men to the left (negative), women to the right, each bar with its share at its end."""
    positions = range(len(population.shares[0]))
    for sign, shares, symbols in zip((-1, 1), population.shares, population.symbols, strict=True):
        shown = [(y, v) for y, v in zip(positions, shares, strict=True) if not math.isnan(v)]
        axes.barh([y for y, _ in shown], [sign * v for _, v in shown], height=0.78, color=population.style.colour)
        for y, v in shown:
            axes.text(sign * (v + limit * 0.015), y, format_number(v, 1), fontsize=VALUE_SIZE, va="center",
                      ha="right" if sign < 0 else "left", color=TEXT_COLOUR)
        for y, symbol in zip(positions, symbols, strict=True):
            if symbol:
                axes.text(sign * limit * 0.015, y, symbol, fontsize=VALUE_SIZE + 1, va="center",
                          ha="right" if sign < 0 else "left", color=TEXT_COLOUR)
    axes.axvline(0, color="#444444", linewidth=0.6)
    axes.set_xlim(-limit, limit)
    axes.set_ylim(-0.6, len(population.shares[0]) - 0.4)
    axes.set_yticks([])
    axes.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], symmetric=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_number(abs(v), 0 if abs(v - round(v)) < 1e-9
                                                                                        else 1)))
    axes.set_xlabel("Anteil in %", fontsize=7)
    axes.tick_params(axis="x", labelsize=6.5)
    axes.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right", "left"]].set_visible(False)


def _centred(stack: Stack, text: str, size: float, centre: float, top: float, **style) -> None:
    """A one-line text centred on ``centre`` pixels, its top at ``top`` pixels; the row does not move."""
    artist = stack.figure.text(0, 0, text, fontsize=size, ha="center", va="top", color=TEXT_COLOUR,
                               fontweight=style.get("weight", "normal"))
    stack.place(lambda height: artist.set_position((centre / stack.width, 1 - top / height)))


# ---- the alt text ---------------------------------------------------------------------------------------------


def pyramid_alt(spec: PopulationPyramid) -> str:
    """'Bevölkerungspyramide 2025: …' with, per population, its size, its shares under 18 and 65 and older and its
    median age group, then the difference in percentage points, and which cells have no bar."""
    parts = [f"Bevölkerungspyramide {spec.year}: Deutsche und Nichtdeutsche nach {len(spec.ages)} Altersgruppen und "
             "Geschlecht, jeweils in Prozent der eigenen Bevölkerung (Männer links, Frauen rechts)."]
    for p in spec.populations:
        facts = [f"{format_number(p.total, 0)} Personen"]
        if not math.isnan(p.under_18):
            facts.append(f"unter 18 Jahre {format_percent(p.under_18, 1)}")
        if not math.isnan(p.from_65):
            facts.append(f"65 Jahre und älter {format_percent(p.from_65, 1)}")
        if p.median is not None:
            facts.append(f"mittleres Alter (Median) in der Altersgruppe {spec.age_names[p.median]}")
        parts.append(f"{p.label}: {', '.join(facts)}.")
    parts.extend(_difference(spec.populations))
    hidden = spec.hidden()
    if hidden:
        parts.append(f"Ohne Balken, weil nicht veröffentlicht: {'; '.join(hidden)}.")
    return " ".join(parts)


def _difference(populations: Sequence[Population]) -> list[str]:
    """The sentence comparing the two populations: which is younger, by how many percentage points."""
    if len(populations) != 2:
        return []
    a, b = populations
    if math.isnan(a.under_18 - b.under_18) or math.isnan(a.from_65 - b.from_65):
        return ["Der Unterschied der Altersstruktur lässt sich nicht beziffern, weil Werte gesperrt sind."]
    young, old = (b, a) if b.under_18 - b.from_65 > a.under_18 - a.from_65 else (a, b)
    return [f"Die {_plural(young.label)} sind jünger: Ihr Anteil unter 18 Jahren ist "
            f"{_points(young.under_18 - old.under_18)} {'höher' if young.under_18 >= old.under_18 else 'niedriger'}, "
            f"ihr Anteil ab 65 Jahren {_points(old.from_65 - young.from_65)} "
            f"{'niedriger' if young.from_65 <= old.from_65 else 'höher'} als bei den {_plural(old.label)}."]


def _plural(label: str) -> str:
    """The weak plural of a group named by an adjective after 'die'/'den': 'Deutsche' -> 'Deutschen'."""
    return f"{label}n" if label.endswith("e") else label


def _points(value: float) -> str:
    return f"um {format_number(abs(value), 1)} Prozentpunkte"
