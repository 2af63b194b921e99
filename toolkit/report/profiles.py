"""Stadtteil profiles: outbox/Y/Stadtteilprofile_Y.docx, one page per populated Stadtteil.

A document of its own, not an annex of the report: the report stays readable (forty more pages would nearly
double it), and the profiles are handed on one by one, to Stadtteil offices, Gemeinwesenarbeit and
Stadtteilkonferenzen, who need their page and not the report.

Each page: the Stadtteil's name as Heading 1 (a page break before it; navigable, and in the table of contents),
where it lies (a sentence and a locator map: the city's Stadtteile in light grey, this one dark, drawn in the
report's chart pool), and a table of its key indicators: every
indicator collected by Stadtteil with a published Stadtteil value in the report year, with the Stadtteil's
value, the city value, the difference and the rank among the Stadtteile with a published value (1 = highest).
The numbers come only from the protected table (indicators/published) and are written as in the report's
tables (tables.table_cell): a suppressed cell shows its symbol, never a number, a difference or a rank.

A Stadtteil gets a page when at least one of its cells of the report year is published and not zero; a
Stadtteil without inhabitants has only zeros and empty rates and gets none.

Styles, page and accessibility as in the report (word_template.add_report_styles, word.finish_document): real
headings, alt text on every picture, repeated header rows, document language de-DE, title; a table of contents
filled with page numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from docx import Document
from docx.shared import Cm
from matplotlib.patches import PathPatch

from toolkit.catalogue.model import CITY, Catalogue, Indicator
from toolkit.core.cells import format_number
from toolkit.core.settings import Settings
from toolkit.core.workspace import atomic_path
from toolkit.indicators.confidentiality import SPARSE_SYMBOL, symbol_legend
from toolkit.report.chart_layout import CM, new_figure, wrap
from toolkit.report.charts import Rendered
from toolkit.report.geometry import Shapes
from toolkit.report.map_classes import PALETTE, rounded
from toolkit.report.maps import frame_map, ring_path
from toolkit.report.tables import Cell, decimals_of, table_cell
from toolkit.report.text import gap_unit
from toolkit.report.word import BodyWriter, finish_document
from toolkit.report.word_template import add_report_styles, set_page

HEADER = ["Kennzahl", "Stadtteil", "Gesamtstadt", "Differenz", "Rang"]
LOCATOR_WIDTH = Cm(6.5)


@dataclass
class Page:
    """One Stadtteil's page: the rows of its table (cell texts) and where its locator map is."""

    area: str
    name: str
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    position: str = ""  # 'im Norden', 'in der Mitte' (maps.position_words); '' without a shape
    locator: int | None = None  # index into Profiles.locators; None: no shape, no map


@dataclass
class Profiles:
    year: int
    pages: list[Page]
    locators: list[LocatorMap]  # rendered with the report's charts (charts.render_all)
    attribution: str = ""  # the map geometry's credit (geometry.Shapes.attribution)


@dataclass
class _Column:
    """One indicator of the table: its Stadtteil cells, the city cell and the ranks of the published values."""

    indicator: Indicator
    label: str
    records: dict[str, object]
    city: object
    ranks: dict[str, int]


def build_profiles(published: pd.DataFrame, catalogue: Catalogue, year: int, shapes: Shapes | None) -> Profiles:
    """The pages of the populated Stadtteile, from the protected table; locator maps where a shape exists."""
    current = published[(published["year"] == year)]
    totals = current[current["sex"] == "insgesamt"]
    by_indicator = {key: block for key, block in totals.groupby("indicator", sort=False)}
    columns = [c for i in catalogue.indicators.values() if i.stadtteile and i.id in by_indicator
               if (c := _column(i, by_indicator[i.id], catalogue)) is not None]
    shown = current[(current["suppressed"] == "") & current["published"].notna() & (current["published"] != 0)]
    populated = set(shown["area"])
    pages, locators = [], []
    for district in catalogue.districts:
        if district.area not in populated:
            continue
        markers: dict[str, str] = {}
        page = Page(district.area, district.name, [_row(c, district.area, markers) for c in columns])
        page.notes = [f"{marker} {text[0].upper()}{text[1:]}." for text, marker in markers.items()]
        if shapes is not None and district.area in shapes.areas and shapes.rings[shapes.areas.index(district.area)]:
            index = shapes.areas.index(district.area)
            page.position, page.locator = position_words(shapes, index), len(locators)
            locators.append(LocatorMap(shapes, index))
        pages.append(page)
    return Profiles(year, pages, locators, shapes.attribution if shapes is not None and locators else "")


def _column(indicator: Indicator, block: pd.DataFrame, catalogue: Catalogue) -> _Column | None:
    """The indicator's first group with a published Stadtteil value (as the report's map and bars), else None."""
    districts = block[block["area"].str.startswith("st")]
    for group in indicator.gruppen:
        rows = districts[districts["group"] == group]
        published = rows[(rows["suppressed"] == "") & rows["published"].notna()]
        if published.empty:
            continue
        decimals = decimals_of(indicator)
        shown = sorted((rounded(v, decimals) for v in published["published"]), reverse=True)
        ranks = {r.area: shown.index(rounded(r.published, decimals)) + 1 for r in published.itertuples()}
        city = block[(block["area"] == CITY) & (block["group"] == group)]
        label = f"{indicator.id} {indicator.name}"
        label += "" if group == "insgesamt" else f", {catalogue.label('gruppe', group)}"
        unit = " (Anzahl)" if indicator.einheit in ("Anzahl", "") else f" (in {indicator.einheit})"
        return _Column(indicator, f"{label}{unit}", {r.area: r for r in rows.itertuples()},
                       next(city.itertuples(), None), ranks)
    return None


def _row(column: _Column, area: str, markers: dict[str, str]) -> list[str]:
    decimals = decimals_of(column.indicator)
    value: Cell = table_cell(column.records.get(area), decimals, markers)
    city: Cell = table_cell(column.city, decimals, markers)
    if value.number is None or area not in column.ranks:  # suppressed or missing: its symbol, no number, no rank
        return [column.label, value.text, city.text, value.text, value.text]
    if column.indicator.typ == "anzahl":
        difference = SPARSE_SYMBOL  # a Stadtteil's count against the city's total says nothing
    elif city.number is None:
        difference = city.text
    else:
        delta = rounded(value.number, decimals) - rounded(city.number, decimals)
        sign = "+" if delta > 0 else ""
        difference = f"{sign}{format_number(delta, decimals)} {gap_unit(column.indicator.einheit, short=True)}".strip()
    return [column.label, value.text, city.text, difference, f"{column.ranks[area]} von {len(column.ranks)}"]


# ---- the locator map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocatorMap:
    """The city's Stadtteile in light grey, one of them dark: where the profile's Stadtteil lies."""

    shapes: Shapes
    index: int

    def figure(self):  # -> Figure
        return locator_figure(self)

    def alt_text(self) -> str:
        name = self.shapes.names[self.index]
        return (f"Lagekarte: Der Stadtteil {name} (dunkel hervorgehoben) liegt {position_words(self.shapes, self.index)} des "
                "Stadtgebiets.")


def locator_figure(spec: LocatorMap):  # -> Figure
    figure = new_figure((6.5 * CM, 7.5 * CM))
    axes = figure.add_axes((0.02, 0.07, 0.96, 0.91))
    others = [ring for i in spec.shapes.drawn if i != spec.index for ring in spec.shapes.rings[i]]
    if others:  # one path for all other Stadtteile: a locator map is drawn forty times per compile
        axes.add_artist(PathPatch(ring_path(tuple(others)), facecolor="#E3E3E3", edgecolor="white", linewidth=0.4))
    if spec.shapes.rings[spec.index]:
        patch = PathPatch(ring_path(spec.shapes.rings[spec.index]), facecolor=PALETTE[-1], edgecolor=PALETTE[-1],
                          linewidth=0.4, gid=spec.shapes.areas[spec.index])
        axes.add_artist(patch)
    frame_map(axes, spec.shapes, scale=False)
    figure.text(0.02, 0.012, wrap(spec.shapes.attribution, 0.96 * figure.bbox.width, 5.5), fontsize=5.5,
                color="#333333", ha="left", va="bottom")
    return figure


def position_words(shapes: Shapes, index: int) -> str:
    """'im Nordosten', 'in der Mitte' …: where a Stadtteil's centre lies in the city's extent."""
    rings = shapes.rings[index]
    if not rings:
        return "außerhalb der Kartengrundlage"
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    x0, y0, x1, y1 = shapes.bounds()
    dx = ((min(xs) + max(xs)) / 2 - (x0 + x1) / 2) / max(x1 - x0, 1e-9)
    dy = ((min(ys) + max(ys)) / 2 - (y0 + y1) / 2) / max(y1 - y0, 1e-9)
    if math.hypot(dx, dy) < 0.12:
        return "in der Mitte"
    directions = ("Osten", "Nordosten", "Norden", "Nordwesten", "Westen", "Südwesten", "Süden", "Südosten")
    return f"im {directions[round(math.degrees(math.atan2(dy, dx)) / 45) % 8]}"


# ---- the Word document ----------------------------------------------------------------------------------


def write_profiles(path: Path, profiles: Profiles, pictures: Sequence[Rendered], settings: Settings,
                   catalogue: Catalogue) -> Path:
    """Write the profiles atomically; ``pictures`` are the rendered ``profiles.locators``, in order."""
    document = Document()
    add_report_styles(document, long_contents=True)
    set_page(document, f"Stadtteilprofile {profiles.year}")
    year = profiles.year
    out = BodyWriter(document)
    out.paragraph(settings.stadt, "Subtitle")
    out.paragraph(f"Stadtteilprofile {year}", "Title")
    out.paragraph(f"{settings.titel} {year}: ausgewählte Kennzahlen je Stadtteil", "Subtitle")
    out.paragraph("Inhalt", "TOC Heading")
    out.field('TOC \\o "1-1" \\h \\z \\u', "Das Inhaltsverzeichnis wird beim Öffnen in Word aktualisiert.")
    out.paragraph("Hinweise zu den Profilen", "Heading 1", page_break=True)
    out.paragraph(
        f"Je Stadtteil mit Einwohnerinnen und Einwohnern eine Seite: die Lage im Stadtgebiet und die Kennzahlen, die "
        f"nach Stadtteilen erhoben werden, mit dem Wert des Stadtteils {year}, dem Wert der Gesamtstadt, der "
        "Differenz (bei Anteilen in Prozentpunkten) und dem Rang unter den Stadtteilen mit veröffentlichtem Wert "
        "(1 = höchster Wert). Die Werte entsprechen denen des Integrationsberichts; kleine Fallzahlen sind nach "
        "denselben Regeln gesperrt. Gesperrte Werte erscheinen als Zeichen, ohne Differenz und ohne Rang. Bei "
        f"Anzahlen ist die Differenz zur Gesamtstadt nicht sinnvoll ({SPARSE_SYMBOL})."
        + (f" {profiles.attribution}." if profiles.attribution else ""))
    out.paragraph("Zeichen in den Tabellen", "Caption")
    out.table(["Zeichen", "Bedeutung"], [list(item) for item in symbol_legend(catalogue, settings.mindesteinwohner)], numbers=False)
    for page in profiles.pages:
        out.paragraph(page.name, "Heading 1", page_break=True)
        if page.locator is not None:
            out.paragraph(f"Der Stadtteil {page.name} liegt {page.position} des Stadtgebiets.")
            out.picture(pictures[page.locator].png, LOCATOR_WIDTH)
            out.paragraph(f"Abbildung: Lage des Stadtteils {page.name} im Stadtgebiet", "Caption")
        out.paragraph(f"Tabelle: Kennzahlen des Stadtteils {page.name}, {year}", "Caption")
        if page.rows:
            out.table(HEADER, page.rows)
        else:
            out.paragraph(f"Für {year} ist keine Kennzahl nach Stadtteilen veröffentlicht.")
        for note in page.notes:
            out.paragraph(note, "Quelle")
    alts = [pictures[p.locator].alt for p in profiles.pages if p.locator is not None]
    finish_document(document, alts, title=f"Stadtteilprofile {year}",
                    subject=f"{settings.titel} {year}: Kennzahlen je Stadtteil", author=settings.herausgeber)
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return path
