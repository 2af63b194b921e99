"""Stadtteil profiles: outbox/Y/Stadtteilprofile_Y.docx, one page per populated Stadtteil.

A document of its own, not an annex of the report: the report stays readable (forty more pages would nearly
double it), and the profiles are handed on one by one, to Stadtteil offices, Gemeinwesenarbeit and
Stadtteilkonferenzen, who need their page and not the report.

Each page: the Stadtteil's name as Heading 1 (a page break before it; navigable, and in the table of contents);
a sentence saying where it lies and, for indicators where every Stadtteil has a published value, its rank; one
picture (profile_figure: the locator map and the Stadtteil's published shares against the city); a table of its
key indicators (every indicator collected by Stadtteil with a published Stadtteil value in the report year): the
Stadtteil's value five years before and now, the change, the city value and the difference; below it the
footnotes and the sources with Stichtag or Zeitraum and Stand (the day the values were taken over).

No rank where a Stadtteil's value is missing or suppressed: "Rang 1 von 32" when eight Stadtteile are hidden says
nothing, their hidden values may be higher. Two indicators that print the same values in every Stadtteil and the
city (DEM-02 and STT-01, both the Ausländeranteil from the Melderegister) are one row, labelled with both numbers.
A sparsely populated Stadtteil (fewer inhabitants than [geheimhaltung] mindesteinwohner, or marked) has no rates
of its own: instead of a page of "x" it gets a short paragraph in the closing section with its published counts.

The numbers come only from the protected table (indicators/published) and are written as in the report's
tables (tables.table_cell): a suppressed cell shows its symbol, never a number, a difference or a change.

A Stadtteil gets a page when at least one of its cells of the report year is published and not zero; a
Stadtteil without inhabitants has only zeros and empty rates and gets none.

Styles, page and accessibility as in the report (word_template.add_report_styles, word.finish_document): real
headings, alt text on every picture, repeated header rows, document language de-DE, title; a table of contents
filled with page numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from docx import Document
from docx.shared import Cm

from toolkit.catalogue.model import CITY, Catalogue, Indicator, IndicatorType
from toolkit.core.cells import format_number, german_date
from toolkit.core.settings import Settings
from toolkit.core.workspace import atomic_path
from toolkit.indicators.confidentiality import SPARSE_SYMBOL, symbol_legend
from toolkit.report.charts import Rendered
from toolkit.report.geometry import Shapes
from toolkit.report.map_classes import rounded
from toolkit.report.profile_figure import ProfileFigure, Share, position_words
from toolkit.report.profile_population import (
    age_sentence,
    age_shares,
    nationality_sentence,
    population_indicator,
)
from toolkit.report.sources import reference_text
from toolkit.report.tables import Cell, decimals_of, table_cell
from toolkit.report.text import gap_unit
from toolkit.report.word import BodyWriter, finish_document
from toolkit.report.word_template import add_report_styles, set_page

SPAN = 5  # years of change shown on a profile
SPARSE_HEADING = "Gering besiedelte Stadtteile"


def header(year: int) -> list[str]:
    """The profile table's header row."""
    return ["Kennzahl", f"Stadtteil {year - SPAN}", f"Stadtteil {year}", f"Veränderung seit {year - SPAN}",
            f"Gesamtstadt {year}", "Differenz zur Gesamtstadt"]


@dataclass
class Page:
    """One Stadtteil's page: the rows of its table (cell texts), its sentences and its picture."""

    area: str
    name: str
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    position: str = ""  # 'im Norden', 'in der Mitte' (profile_figure.position_words); '' without a shape
    picture: int | None = None  # index into Profiles.figures; None: no picture
    ranks: list[str] = field(default_factory=list)  # '3 bei „Einwohnerinnen und Einwohner“' where all are published
    sources: list[str] = field(default_factory=list)
    sparse: str = ""  # a sparsely populated Stadtteil: its short paragraph instead of a page
    population: list[str] = field(default_factory=list)  # age structure and nationality groups (profile_population)


@dataclass
class Profiles:
    year: int
    pages: list[Page]
    figures: list[ProfileFigure]  # rendered with the report's charts (charts.render_all)
    attribution: str = ""  # the map geometry's credit (geometry.Shapes.attribution)
    n_districts: int = 0


@dataclass
class _Column:
    """One indicator of the table: its Stadtteil cells now and SPAN years before, the city cell, the ranks."""

    indicator: Indicator
    label: str
    records: dict[str, object]
    earlier: dict[str, object]
    city: object
    ranks: dict[str, int]  # empty unless every Stadtteil has a published value
    also: list[str] = field(default_factory=list)  # ids of indicators with the same printed values


def build_profiles(published: pd.DataFrame, catalogue: Catalogue, year: int, shapes: Shapes | None,
                   min_population: int, stands: Mapping[str, str] | None = None,
                   breakdowns: pd.DataFrame | None = None) -> Profiles:
    """The pages of the populated Stadtteile, from the protected table; pictures with a map where a shape exists.

    ``stands``: per indicator, the day its values up to ``year`` were last taken over (sources.data_dates, ISO).
    ``breakdowns``: the protected table with the cells by age group too; with it, each page says the Stadtteil's age
    structure against the city and its Nichtdeutschen by group of nationalities (report/profile_population.py).
    """
    people = population_indicator(catalogue) if breakdowns is not None else None
    totals = published[published["sex"] == "insgesamt"]
    current = totals[totals["year"] == year]
    earlier = totals[totals["year"] == year - SPAN]
    by_indicator = {key: block for key, block in current.groupby("indicator", sort=False)}
    before = {key: block for key, block in earlier.groupby("indicator", sort=False)}
    columns = _merge_duplicates([c for i in catalogue.indicators.values() if i.stadtteile and i.id in by_indicator
                                 if (c := _column(i, by_indicator[i.id], before.get(i.id), catalogue)) is not None])
    shown = published[(published["year"] == year) & (published["suppressed"] == "") & published["published"].notna()
                      & (published["published"] != 0)]
    populated = set(shown["area"])
    sources = _sources(columns, year, stands or {})
    pages, figures = [], []
    for district in catalogue.districts:
        if district.area not in populated:
            continue
        if district.sparse(min_population):
            under = district.einwohner is not None and district.einwohner < min_population
            reason = (f"Einwohnerzahl im Indikatorenkatalog unter {format_number(min_population, 0)}" if under
                      else "im Indikatorenkatalog so gekennzeichnet")
            pages.append(Page(district.area, district.name, [], sparse=_sparse_text(district.name, district.area,
                                                                                        columns, year, reason)))
            continue
        markers: dict[str, str] = {}
        page = Page(district.area, district.name, [_row(c, district.area, markers) for c in columns])
        page.notes = [f"{marker} {text[0].upper()}{text[1:]}." for text, marker in markers.items()]
        page.ranks = [f"{c.ranks[district.area]} bei „{c.indicator.name}“" for c in columns if district.area in c.ranks]
        page.sources = sources  # every page has a row for every column
        index = shapes.areas.index(district.area) if shapes is not None and district.area in shapes.areas else -1
        has_map = index >= 0 and bool(shapes.rings[index])
        if has_map:
            page.position = position_words(shapes, index)
        ages = age_shares(breakdowns, catalogue, people, year, district.area) if people is not None else []
        if people is not None:
            page.population = [age_sentence(ages, year),
                               nationality_sentence(breakdowns, catalogue, people, year, district.area)]
            page.population = [sentence for sentence in page.population if sentence]
        spec = ProfileFigure(district.name, year, _shares(columns, district.area), shapes if has_map else None,
                             index if has_map else -1)
        if spec.has_map or spec.shares:
            page.picture = len(figures)
            figures.append(spec)
        pages.append(page)
    attribution = shapes.attribution if shapes is not None and any(f.has_map for f in figures) else ""
    return Profiles(year, pages, figures, attribution, len(catalogue.districts))


def _column(indicator: Indicator, block: pd.DataFrame, earlier: pd.DataFrame | None,
            catalogue: Catalogue) -> _Column | None:
    """The indicator's first group with a published Stadtteil value (as the report's map and bars), else None."""
    districts = block[block["area"].str.startswith("st")]
    for group in indicator.gruppen:
        rows = districts[districts["group"] == group]
        published = rows[(rows["suppressed"] == "") & rows["published"].notna()]
        if published.empty:
            continue
        decimals = decimals_of(indicator)
        ranks: dict[str, int] = {}
        if len(published) == len(catalogue.districts):  # a rank only where every Stadtteil has a published value
            shown = sorted((rounded(v, decimals) for v in published["published"]), reverse=True)
            ranks = {r.area: shown.index(rounded(r.published, decimals)) + 1 for r in published.itertuples()}
        city = block[(block["area"] == CITY) & (block["group"] == group)]
        label = indicator.name + ("" if group == "insgesamt" else f", {catalogue.label('gruppe', group)}")
        unit = " (Anzahl)" if indicator.einheit in ("Anzahl", "") else f" (in {indicator.einheit})"
        old = {} if earlier is None else {r.area: r for r in earlier[(earlier["group"] == group)
                                                                      & earlier["area"].str.startswith("st")].itertuples()}
        return _Column(indicator, f"{label}{unit}", {r.area: r for r in rows.itertuples()}, old,
                       next(city.itertuples(), None), ranks)
    return None


def _signature(column: _Column) -> tuple:
    """What a column prints in every Stadtteil and the city, now and before: equal signatures, one row."""
    decimals = decimals_of(column.indicator)
    cells = [(area, table_cell(row, decimals, {}).text) for area, row in sorted(column.records.items())]
    cells += [("vorher " + area, table_cell(row, decimals, {}).text) for area, row in sorted(column.earlier.items())]
    return column.label.rsplit(" (", 1)[-1], tuple(cells), table_cell(column.city, decimals, {}).text


def _merge_duplicates(columns: list[_Column]) -> list[_Column]:
    """DEM-02 and STT-01 print the same Ausländeranteil: one row, the later indicator named beside the first."""
    kept: dict[tuple, _Column] = {}
    for column in columns:
        signature = _signature(column)
        if signature in kept:
            kept[signature].also.append(column.indicator.id)
        else:
            kept[signature] = column
    return list(kept.values())


def _label(column: _Column) -> str:
    return " / ".join([column.indicator.id, *column.also]) + f" {column.label}"


def _row(column: _Column, area: str, markers: dict[str, str]) -> list[str]:
    decimals = decimals_of(column.indicator)
    value: Cell = table_cell(column.records.get(area), decimals, markers)
    before: Cell = table_cell(column.earlier.get(area), decimals, markers)
    city: Cell = table_cell(column.city, decimals, markers)
    label = _label(column)
    if value.number is None:  # suppressed or missing: its symbol, no change, no difference
        return [label, before.text, value.text, value.text, city.text, value.text]
    change = before.text if before.number is None else _difference(value.number, before.number, column.indicator)
    if column.indicator.typ == IndicatorType.ANZAHL:
        difference = SPARSE_SYMBOL  # a Stadtteil's count against the city's total says nothing
    elif city.number is None:
        difference = city.text
    else:
        difference = _difference(value.number, city.number, column.indicator)
    return [label, before.text, value.text, change, city.text, difference]


def _difference(a: float, b: float, indicator: Indicator) -> str:
    """The difference of two printed values, signed (U+2212 from format_number), in Pp. for shares."""
    decimals = decimals_of(indicator)
    delta = rounded(a, decimals) - rounded(b, decimals)
    unit = "" if indicator.typ == IndicatorType.ANZAHL else gap_unit(indicator.einheit, short=True)
    return f"{'+' if delta > 0 else ''}{format_number(delta, decimals)} {unit}".strip()


def _shares(columns: list[_Column], area: str) -> tuple[Share, ...]:
    """The Stadtteil's published percentages (as printed) with the city's, for the profile's bar chart."""
    shares = []
    for column in columns:
        indicator, row = column.indicator, column.records.get(area)
        if indicator.einheit != "%" or row is None or row.suppressed or pd.isna(row.published):
            continue
        decimals = decimals_of(indicator)
        city = column.city
        city_value = None if city is None or city.suppressed or pd.isna(city.published) else rounded(city.published, decimals)
        label = re.sub(r"\s*\([^)]*\)", "", column.label)  # the bar's label: the name without explanations
        shares.append(Share(label, rounded(row.published, decimals), city_value, decimals))
    return tuple(shares)


def short_source(text: str) -> str:
    """A source as a profile names it: the first part, without explanations in brackets (the report has it all)."""
    return re.sub(r"\s*\([^)]*\)", "", text.split(";")[0]).strip()


def _sources(columns: list[_Column], year: int, stands: Mapping[str, str]) -> list[str]:
    """One line per source and Stichtag or Zeitraum (sources.reference_text): which indicators, and the Stand."""
    grouped: dict[tuple[str, str], list[_Column]] = {}
    for column in columns:
        grouped.setdefault((short_source(column.indicator.quelle), column.indicator.stichtag), []).append(column)
    lines = []
    for (source, day), members in grouped.items():
        ids = {i for c in members for i in (c.indicator.id, *c.also)}
        parts = [", ".join(sorted(ids)), reference_text(day, [year - SPAN, year])]
        stand = [stands[i] for i in ids if stands.get(i)]
        parts.append(f"Stand: {german_date(max(stand))}" if stand else "")
        lines.append(f"{source} ({'; '.join(p for p in parts if p)})")
    return lines


def _sparse_text(name: str, area: str, columns: list[_Column], year: int, reason: str) -> str:
    """The short paragraph of a sparsely populated Stadtteil: why no rates, and its published counts."""
    counts = []
    for column in columns:
        row = column.records.get(area)
        if column.indicator.typ == IndicatorType.ANZAHL and row is not None:
            cell = table_cell(row, decimals_of(column.indicator), {})
            if cell.number is not None:
                counts.append(f"{column.label.removesuffix(' (Anzahl)')} {cell.text}")
    text = (f"{name} gilt als gering besiedelt ({reason}). Anteile schwanken dort schon mit einzelnen Personen und "
            "werden nicht ausgewiesen.")
    if counts:
        text += f" Veröffentlichte Anzahlen {year}: {'; '.join(counts)}."
    return text


# ---- the Word document ----------------------------------------------------------------------------------


def write_profiles(path: Path, profiles: Profiles, pictures: Sequence[Rendered], settings: Settings,
                   catalogue: Catalogue) -> Path:
    """Write the profiles atomically; ``pictures`` are the rendered ``profiles.figures``, in order."""
    document = Document()
    add_report_styles(document, long_contents=True)
    set_page(document, f"Stadtteilprofile {profiles.year}")
    year = profiles.year
    out = BodyWriter(document)
    out.paragraph(settings.stadt, "Subtitle")
    out.paragraph(f"Stadtteilprofile {year}", "Title")
    out.paragraph(f"{settings.titel} {year}: ausgewählte Kennzahlen je Stadtteil", "Subtitle")
    out.paragraph("Inhalt", "TOC Heading")
    out.field('TOC \\o "1-2" \\h \\z \\u', "Das Inhaltsverzeichnis wird beim Öffnen in Word aktualisiert.")
    out.paragraph("Hinweise zu den Profilen", "Heading 1", page_break=True)
    out.paragraph(
        f"Je Stadtteil mit Einwohnerinnen und Einwohnern eine Seite: die Lage im Stadtgebiet, die Anteile des "
        f"Stadtteils im Vergleich zur Gesamtstadt und eine Tabelle der Kennzahlen, die nach Stadtteilen erhoben "
        f"werden, mit dem Wert des Stadtteils {year - SPAN} und {year}, der Veränderung, dem Wert der Gesamtstadt "
        "und der Differenz (bei Anteilen in Prozentpunkten, Pp.). Die Werte entsprechen denen des "
        "Integrationsberichts; kleine Fallzahlen sind nach denselben Regeln gesperrt. Gesperrte Werte erscheinen "
        "als Zeichen, ohne Veränderung und ohne Differenz. Bei Anzahlen ist die Differenz zur Gesamtstadt nicht "
        f"sinnvoll ({SPARSE_SYMBOL}). Einen Rang (1 = höchster Wert) nennt ein Profil nur für Kennzahlen, die für "
        f"alle {profiles.n_districts} Stadtteile veröffentlicht sind; fehlt ein Wert, könnte er höher sein. "
        "Kennzahlen, die in allen Stadtteilen dieselben Werte haben, stehen in einer Zeile. Gering besiedelte "
        f"Stadtteile stehen mit einem kurzen Absatz im Abschnitt „{SPARSE_HEADING}“ am Ende. Die Quellen unter jeder "
        "Tabelle sind kurz gefasst (vollständig im Integrationsbericht); „Stand“ ist der Tag, an dem die Werte "
        "übernommen wurden."
        + (f" {profiles.attribution}." if profiles.attribution else ""))
    out.paragraph("Zeichen in den Tabellen", "Caption")
    out.table(["Zeichen", "Bedeutung"], [list(item) for item in symbol_legend(catalogue, settings.mindesteinwohner)], numbers=False)
    for page in (p for p in profiles.pages if not p.sparse):
        out.paragraph(page.name, "Heading 1", page_break=True)
        sentence = f"Der Stadtteil {page.name} liegt {page.position} des Stadtgebiets." if page.position else ""
        if page.ranks:
            sentence += f" Rang unter allen {profiles.n_districts} Stadtteilen (1 = höchster Wert): {'; '.join(page.ranks)}."
        sentence = " ".join([sentence, *page.population])  # who lives there: age structure, nationality groups
        if sentence.strip():
            out.paragraph(sentence.strip())
        if page.picture is not None:
            spec = profiles.figures[page.picture]
            out.picture(pictures[page.picture].png, Cm(spec.width_cm))
            what = "Lage im Stadtgebiet und ausgewählte Anteile" if spec.has_map and spec.shares else \
                "Lage im Stadtgebiet" if spec.has_map else "ausgewählte Anteile"
            out.paragraph(f"Abbildung: {page.name}, {what} {year}" + (" im Vergleich zur Gesamtstadt" if spec.shares else ""),
                          "Caption")
        out.paragraph(f"Tabelle: Kennzahlen des Stadtteils {page.name}, {year - SPAN} und {year}", "Caption")
        if page.rows:
            out.table(header(year), page.rows)
        else:
            out.paragraph(f"Für {year} ist keine Kennzahl nach Stadtteilen veröffentlicht.")
        for note in page.notes:
            out.paragraph(note, "Quelle")
        if page.sources:
            out.paragraph(f"Quellen: {'; '.join(page.sources)}.", "Quelle")
    sparse = [p for p in profiles.pages if p.sparse]
    if sparse:
        out.paragraph(SPARSE_HEADING, "Heading 1", page_break=True)
        for page in sparse:
            out.paragraph(page.name, "Heading 2")
            out.paragraph(page.sparse)
    alts = [picture.alt for picture in pictures]
    finish_document(document, alts, title=f"Stadtteilprofile {year}",
                    subject=f"{settings.titel} {year}: Kennzahlen je Stadtteil", author=settings.herausgeber)
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return path
