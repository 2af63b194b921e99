"""toolkit compile: the Word report (and optionally a tagged PDF) from the store and the report template.

This module only orchestrates. Steps: published values (indicators/published.py) -> Stadtteil shapes
(maps.load_shapes) -> content (context.build_report, with the internal edition's deliveries from deliveries.py)
and Stadtteil profiles (profiles.build_profiles) -> charts, maps and locator maps (charts.render_all, one process
pool when it pays off) -> docxtpl render with autoescape=True -> each map placed after its bar chart, the population
pyramid (report/pyramid.py) below its series' table with its own table, and the finishing of the Word document (word.py: alt text on every picture, repeated header rows, column widths, title and
language) -> atomic save. The Tabellenanhang (report/tables.py) gets the same tables; the Stadtteil profiles
(report/profiles.py) are a document of their own next to the report; the PDF comes from LibreOffice (pdf.py).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from docx.document import Document
from docx.shared import Mm

from toolkit.collect.status import round_status
from toolkit.core.cells import count_of, format_number
from toolkit.core.errors import InputError
from toolkit.core.problems import Problem
from toolkit.core.progress import SILENT
from toolkit.core.settings import load_settings
from toolkit.core.workspace import Workspace, atomic_path, ensure_closed, for_user
from toolkit.indicators.confidentiality import EARLIER, PRIMARY, SECONDARY, SOURCE, SPARSE
from toolkit.indicators.editions import revision_rows
from toolkit.indicators.export import COLUMNS, export_rows
from toolkit.indicators.published import LEAVE_OUT_OPTION, audit_all_editions, load_published, totals
from toolkit.report.charts import BarChart, Rendered, Spec, render_all
from toolkit.report.context import INTERNAL_MARK, build_report
from toolkit.report.cover import CoverMap
from toolkit.report.deliveries import round_deliveries
from toolkit.report.front_matter import printed_abbreviations
from toolkit.report.geometry import district_triples, load_shapes
from toolkit.report.maps import MAPS
from toolkit.report.nationalities import EXTRA_CHART
from toolkit.report.pdf import convert_to_pdf, find_libreoffice
from toolkit.report.picture_cache import PictureCache
from toolkit.report.profiles import Profiles, build_profiles, write_profiles
from toolkit.report.pyramid import PopulationPyramid
from toolkit.report.sources import data_dates
from toolkit.report.table_annex import write_table_annex
from toolkit.report.word import add_pictures_after, add_table_below, finish_document
from toolkit.report.word_template import (
    knows_extra_parts,
    knows_front_matter,
    knows_internal_edition,
    knows_summary_table,
    mark_every_page,
    template_text,
)


@dataclass
class CompileResult:
    year: int
    report: Path
    annex: Path | None = None
    pdf: Path | None = None
    n_indicators: int = 0
    n_with_data: int = 0
    n_charts: int = 0
    n_tables: int = 0
    n_suppressed: int = 0
    suppressed_by: dict[str, int] = field(default_factory=dict)  # state ('primär', 'sekundär', …) -> cells
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    root: Path | None = None  # the working folder, to name files relative to it
    intern: bool = False  # the internal edition (never to be published)
    notices: tuple[str, ...] = ()  # German hints, e.g. an older catalogue layout was read
    profiles: Path | None = None
    profiles_pdf: Path | None = None
    n_profiles: int = 0
    n_maps: int = 0
    problems: list[Problem] = field(default_factory=list)  # warnings about the catalogue's texts and the map geometry
    left_out: list[Problem] = field(default_factory=list)  # stored values without a home, left out on request

    def _suppressed_detail(self) -> str:
        """': 120 primär und 340 sekundär gesperrt (Geheimhaltung), 3 von der Quelle gesperrt, 12 Anteile gering
        besiedelter Stadtteile'."""
        by = self.suppressed_by
        parts = []
        if by.get(PRIMARY) or by.get(SECONDARY):
            parts.append(f"{format_number(by.get(PRIMARY, 0))} primär und {format_number(by.get(SECONDARY, 0))} "
                         "sekundär gesperrt (Geheimhaltung)")
        if by.get(SOURCE):
            parts.append(f"{format_number(by[SOURCE])} von der Quelle gesperrt")
        if by.get(EARLIER):
            parts.append(f"{format_number(by[EARLIER])} wie in einer früheren Ausgabe gesperrt")
        if by.get(SPARSE):
            parts.append(f"{count_of(by[SPARSE], 'Anteil')} gering besiedelter Stadtteile")
        return f": {', '.join(parts)}" if parts else ""

    def lines(self) -> list[str]:
        what = (f"Interne Fassung des Integrationsberichts {self.year} erstellt (nicht zur Veröffentlichung)"
                if self.intern else f"Integrationsbericht {self.year} erstellt")
        lines = [
            f"{what}: {for_user(self.report)}",
            f"  {count_of(self.n_indicators, 'Kennzahl')}, davon {self.n_with_data} mit Daten; "
            f"{count_of(self.n_charts, 'Grafik')} (davon {count_of(self.n_maps, 'Karte')}), "
            f"{count_of(self.n_tables, 'Tabelle')}; {count_of(self.n_suppressed, 'Wert')} nicht "
            f"gezeigt{self._suppressed_detail()}.",
        ]
        if self.annex:
            lines.append(f"Tabellenanhang: {for_user(self.annex)}")
        if self.profiles:
            lines.append(f"Stadtteilprofile: {for_user(self.profiles)} ({count_of(self.n_profiles, 'Stadtteil')})")
        lines.extend(f"Warnung: {p.message}" for p in self.problems)
        lines.extend(f"Nicht veröffentlicht ({LEAVE_OUT_OPTION}): {p.message}" for p in self.left_out)
        if self.pdf:
            lines.append(f"Barrierefreies PDF: {for_user(self.pdf)}")
        if self.profiles_pdf:
            lines.append(f"Stadtteilprofile als PDF: {for_user(self.profiles_pdf)}")
        lines.append(f"Dauer: {self.seconds:.1f} s".replace(".", ","))
        lines += [f"Hinweis: {notice}" for notice in self.notices]
        return lines


def compile_report(workspace: Workspace, year: int, *, pdf: bool = False, progress=None,
                   processes: int | None = None, intern: bool = False,
                   leave_out_orphans: bool = False) -> CompileResult:
    """Compute the indicators and write outbox/Y/Integrationsbericht_Y.docx (+ Tabellenanhang, + Stadtteilprofile,
    + PDF).

    ``processes``: for the charts, instead of the setting ``prozesse`` (0 automatic, 1 never a pool).
    ``intern``: write the internal edition Integrationsbericht_Y_intern.docx instead (marked on every page; adds
    the internal notes, the deliveries with files, warnings, errors and contacts, and the suppression audit);
    no Tabellenanhang, which is the same for both editions. ``leave_out_orphans``: publish without the stored values
    the catalogue has no home for (indicators/published.py) instead of refusing. The audit (indicators/audit.py) runs on the rows the
    open-data export would write, so the internal edition says whether any suppressed count can be recomputed.
    """
    from docxtpl import DocxTemplate, InlineImage  # heavy: docxtpl (jinja2) only when a report is made

    progress = progress or SILENT
    started = time.perf_counter()
    timings: dict[str, float] = {}
    soffice = find_libreoffice(load_settings(workspace.settings_file).libreoffice) if pdf else None
    target_path = workspace.internal_report_file(year) if intern else workspace.report_file(year)
    # the internal edition is the report alone; Tabellenanhang and Stadtteilprofile are published documents
    outputs = [target_path] if intern else [target_path, workspace.table_annex_file(year), workspace.profiles_file(year)]
    ensure_closed([*outputs, *(path.with_suffix(".pdf") for path in outputs if path.suffix == ".docx")] if pdf
                  else outputs)
    everything = load_published(workspace, year, leave_out_orphans=leave_out_orphans, breakdowns=True)
    catalogue, settings, published, left_out = totals(everything)  # the report; the export has every breakdown
    # every breakdown (the pyramid, the profiles' age structure); the internal edition's table of nationalities shows
    # those below the threshold (everything else as published)
    breakdowns = load_published(workspace, year, leave_out_orphans=leave_out_orphans, breakdowns=True,
                                internal=True).frame if intern else everything.frame
    deliveries, received = round_deliveries(workspace, year, catalogue)
    for line in round_status(workspace, year).gaps_lines():  # said before building, not only inside the report
        progress.note(line)
    shapes, problems = load_shapes(workspace, district_triples(catalogue)) if catalogue.districts else (None, [])
    audit_lines = None
    if intern:
        rows = [dict(zip(COLUMNS, (str(v) for v in row), strict=True))
                for row in export_rows(everything.frame, catalogue)]
        audit_lines = audit_all_editions(workspace, rows, catalogue).lines(catalogue)
    timings["daten"] = time.perf_counter() - started
    if not workspace.report_template.is_file():
        raise InputError(f"Die Berichtsvorlage {workspace.report_template} fehlt.",
                         hint="Mit 'python scripts/build_templates.py' (Repository) neu erzeugen oder aus einem "
                              "neuen Arbeitsordner ('toolkit init') kopieren.")

    t = time.perf_counter()
    dates = data_dates(workspace, year)
    content = build_report(published, catalogue, settings, year, deliveries, received, shapes, intern=intern,
                           audit_lines=audit_lines, data_dates=dates, breakdowns=breakdowns)
    profiles = Profiles(year, [], []) if intern else build_profiles(published, catalogue, year, shapes,
                                                                    settings.mindesteinwohner, dates, breakdowns)
    timings["inhalt"] = time.perf_counter() - t
    t = time.perf_counter()
    front_matter = knows_front_matter(workspace.report_template)  # an older template has no slot for the cover map
    old_extra = not knows_extra_parts(workspace.report_template) and any(  # nor for the nationalities' chart
        key == EXTRA_CHART for _k, key in content.chart_slots)
    if old_extra:  # not drawn: no place for it (its table stays in the Tabellenanhang)
        kept = [n for n, (_k, key) in enumerate(content.chart_slots) if key != EXTRA_CHART]
        content.charts = [content.charts[n] for n in kept]
        content.chart_slots = [content.chart_slots[n] for n in kept]
    covers = [CoverMap(shapes, settings.stadt)] if front_matter and shapes is not None and shapes.drawn else []
    pictures = render_all([*covers, *content.charts, *profiles.figures],
                          processes=settings.prozesse if processes is None else processes, progress=progress,
                          cache=PictureCache.of(workspace))
    cover, pictures = pictures[:len(covers)], pictures[len(covers):]
    rendered, locators = pictures[:len(content.charts)], pictures[len(content.charts):]
    timings["grafiken"] = time.perf_counter() - t
    t = time.perf_counter()
    template = DocxTemplate(str(workspace.report_template))
    notices = list(catalogue.notices)
    if intern and not knows_internal_edition(workspace.report_template):
        notices.append(OLD_TEMPLATE_NOTICE.format(template=for_user(workspace.report_template)))
    if not knows_summary_table(workspace.report_template):
        notices.append(OLD_SUMMARY_NOTICE.format(template=for_user(workspace.report_template)))
    if not front_matter:
        notices.append(OLD_FRONT_MATTER_NOTICE.format(template=for_user(workspace.report_template)))
    if old_extra:
        notices.append(OLD_EXTRA_PARTS_NOTICE.format(template=for_user(workspace.report_template)))
    for (target, key), image, spec in zip(content.chart_slots, rendered, content.charts, strict=True):
        if isinstance(spec, PLACED_AFTER):
            continue  # no slot of its own in the template: placed after the chart before it (place_maps)
        width = Mm(150) if isinstance(spec, BarChart) else Mm(160)
        target[key] = InlineImage(template, io.BytesIO(image.png), width=width)
    content.context["titelkarte"] = InlineImage(template, io.BytesIO(cover[0].png), width=Mm(120)) if cover else ""
    content.context["abkuerzungen"] = printed_abbreviations(content.context, template_text(workspace.report_template))
    try:
        template.render(content.context, autoescape=True)
    except Exception as exc:
        raise InputError(
            f"Die Berichtsvorlage {workspace.report_template} lässt sich nicht füllen ({type(exc).__name__}: {exc}).",
            hint="Wurde ein Platzhalter in {{ … }} oder {% … %} in Word verändert? Vorlage neu erzeugen oder "
                 "den Platzhalter reparieren.") from exc
    place_maps(template.docx, content.charts, rendered, Mm(160), before=len(cover))
    for caption, table in content.tables_after:  # the pyramid below the series' table, its own numbers below it
        add_table_below(template.docx, caption, f"Tabelle: {table.titel}", table.kopf,
                        [[cell.text for cell in row] for row in table.zeilen], [*table.notes, table.quelle])
    if intern:
        mark_every_page(template.docx, INTERNAL_MARK)
    finish_document(template.docx, [r.alt for r in [*cover, *rendered]],
                    title=f"{settings.titel} {year}" + (" – interne Fassung" if intern else ""),
                    subject=settings.untertitel, author=settings.herausgeber)
    with atomic_path(target_path) as tmp:
        template.save(str(tmp))
    timings["word"] = time.perf_counter() - t
    t = time.perf_counter()
    annex = None if intern else write_table_annex(workspace.table_annex_file(year), content.tables, catalogue, year,
                                                   settings.mindesteinwohner, revision_rows(published, catalogue))
    timings["tabellenanhang"] = time.perf_counter() - t
    t = time.perf_counter()
    profiles_path = None if intern else write_profiles(workspace.profiles_file(year), profiles, locators, settings,
                                                       catalogue)
    timings["stadtteilprofile"] = time.perf_counter() - t
    result = CompileResult(year, target_path, annex, n_indicators=len(catalogue.indicators),
                           n_with_data=content.n_with_data, n_charts=len(rendered), n_tables=len(content.tables),
                           n_suppressed=content.n_suppressed, suppressed_by=dict(content.suppressed_by),
                           timings=timings, root=workspace.root, intern=intern, notices=tuple(notices),
                           profiles=profiles_path, n_profiles=len(profiles.pages),
                           n_maps=sum(isinstance(spec, MAPS) for spec in content.charts),
                           problems=[*catalogue.warnings, *problems], left_out=left_out)
    if pdf:
        t = time.perf_counter()
        progress.note("PDF wird mit LibreOffice erzeugt …")
        result.pdf = convert_to_pdf(target_path, soffice)
        if profiles_path is not None:
            result.profiles_pdf = convert_to_pdf(profiles_path, soffice)
        timings["pdf"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - started
    return result


OLD_TEMPLATE_NOTICE = (
    "Die Berichtsvorlage {template} stammt aus einer früheren Version und kennt die interne Fassung noch nicht: "
    "Die Kennzeichnung steht auf jeder Seite, aber interne Notizen und die Prüfung der Geheimhaltung fehlen. Eine "
    "neue Vorlage erzeugt 'python scripts/build_templates.py' (Repository) oder 'toolkit init' in einem neuen Ordner.")


OLD_SUMMARY_NOTICE = (
    "Die Berichtsvorlage {template} stammt aus einer früheren Version: Ihre Zusammenfassung bleibt leer (sie kennt die "
    "Tabelle der Kernkennzahlen noch nicht), und die Kapitel beginnen ohne „Im Überblick“. Eine neue Vorlage erzeugt "
    "'python scripts/build_templates.py' (Repository) oder 'toolkit init' in einem neuen Ordner; eigene Änderungen "
    "an der Vorlage bitte dorthin übertragen.")


OLD_FRONT_MATTER_NOTICE = (
    "Die Berichtsvorlage {template} stammt aus einer früheren Version: Titelseite ohne Karte der Stadtteile, ohne "
    "Impressum, ohne „Auf einen Blick“ und ohne Abkürzungen und Glossar. Eine neue Vorlage erzeugt "
    "'python scripts/build_templates.py' (Repository) oder 'toolkit init' in einem neuen Ordner; eigene Änderungen "
    "an der Vorlage bitte dorthin übertragen.")


# pictures without a slot of their own in the template, placed after the chart before them (place_maps): the Stadtteil
# maps after their bars, the population pyramid after its indicator's time series
PLACED_AFTER = (*MAPS, PopulationPyramid)


def place_maps(document: Document, charts: list[Spec], rendered: list[Rendered], width: int, before: int = 0) -> None:
    """Put each map (and the pyramid) right after the chart before it (the Stadtteil bars) and that chart's caption.

    The template has one picture slot per Stadtteil chart; the map comes in beside the bars without a new slot, so
    a template the city has restyled keeps working, and it takes over the styles of the bars' paragraphs. The
    pictures in the document are ``before`` others (the cover's map), then the charts other than maps, in order.
    """
    after: list[list[tuple[bytes, str]]] = [[] for _ in range(before)]
    for spec, image in zip(charts, rendered, strict=True):
        if isinstance(spec, PLACED_AFTER):
            after[-1].append((image.png, spec.caption))
        else:
            after.append([])
    add_pictures_after(document, after, width)


OLD_EXTRA_PARTS_NOTICE = (
    "Die Berichtsvorlage {template} stammt aus einer früheren Version: Die Tabelle und die Grafik der häufigsten "
    "Staatsangehörigkeiten fehlen im Bericht (sie stehen im Tabellenanhang). Eine neue Vorlage erzeugt "
    "'python scripts/build_templates.py' (Repository) oder 'toolkit init' in einem neuen Ordner; eigene Änderungen "
    "an der Vorlage bitte dorthin übertragen.")
