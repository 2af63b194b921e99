"""The content of the report: per indicator the drafted text, tables and chart specs, from published values.

``build_report(...)`` turns the protected value frame (confidentiality.protect) into a ``Report``: the
docxtpl context (plain dicts and strings, documented in report/word_template.py) plus the chart specs in
document order and the tables for the Tabellenanhang. Only published values reach the text, the
tables and the charts; a suppressed value is shown as its symbol.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from toolkit.catalogue.model import CITY, LAND, Catalogue, Field, Indicator
from toolkit.core.cells import count_of, german_date
from toolkit.core.keys import ALL
from toolkit.core.settings import Settings
from toolkit.indicators.confidentiality import EARLIER, PRIMARY, SECONDARY, SOURCE, symbol_legend
from toolkit.indicators.values import comparison_pairs
from toolkit.report.analysis import Analysis, analyse, group_series
from toolkit.report.charts import Line, LineChart, scale_panels
from toolkit.report.front_matter import front_context, printed_abbreviations
from toolkit.report.geometry import Shapes
from toolkit.report.group_styles import group_styles
from toolkit.report.nationalities import add_nationalities
from toolkit.report.sources import reference_text, source_line, years_of
from toolkit.report.summary import (
    chapter_overview,
    main_findings,
    summary_legend,
    summary_row,
    summary_rows,
    summary_table,
)
from toolkit.report.tables import (
    Report,
    comparison_part,
    decimals_of,
    district_part,
    footnotes,
    time_table,
)
from toolkit.report.text import begriffe, indicator_sentences, missing_reason, series_title

INTERNAL_MARK = "INTERN – nicht zur Veröffentlichung"


def build_report(published: pd.DataFrame, catalogue: Catalogue, settings: Settings, year: int,
                 deliveries: list[dict], received_offices: set[str], shapes: Shapes | None = None, *,
                 intern: bool = False, audit_lines: list[str] | None = None,
                 data_dates: dict[str, str] | None = None, breakdowns: pd.DataFrame | None = None) -> Report:
    """The report's content. The public edition (``intern`` False) holds no internal notes, file names, error
    counts or contact data, whatever the template asks for; the internal edition adds them, the delivery annex
    and the suppression audit (``audit_lines``, one German sentence each). ``data_dates``: per indicator the Stand
    of its data (ISO text, Store.data_dates), named in the source line under each table. ``breakdowns``: the protected
    values by age group and nationality (load_published(breakdowns=True)); the nationalities of an indicator
    collected by them add a ten-year table and chart (report/nationalities.py, k.zusatz)."""
    first_year = year - settings.jahre_im_bericht + 1
    window = published[(published["year"] >= first_year) & (published["year"] <= year)]
    by_indicator = {key: block for key, block in window.groupby("indicator", sort=False)}
    report = Report(context={}, shapes=shapes, styles=group_styles(catalogue.groups),
                    min_population=settings.mindesteinwohner,
                    data_dates={key: german_date(value) for key, value in (data_dates or {}).items()})
    field_names = {f.code: f.name for f in catalogue.fields}
    by_nationality = set() if breakdowns is None else set(breakdowns.loc[breakdowns["nationality"] != ALL, "indicator"])
    chapters_ctx, summary, findings = [], [], []
    sources, annex_rows, gaps = [], [], []
    chapters = report_chapters(catalogue, settings.gliederung)
    for chapter in chapters:
        kennzahlen, analysed, rows = [], [], []
        for indicator in chapter.indicators:
            block = by_indicator.get(indicator.id, published.iloc[0:0])
            k = _indicator(report, indicator, block, catalogue, settings, year, indicator.handlungsfeld)
            k["notiz_intern"] = indicator.notiz_intern if intern else ""
            add_nationalities(report, k, indicator, breakdowns[breakdowns["indicator"] == indicator.id]
                              if indicator.id in by_nationality else None, catalogue, year, settings.jahre_im_bericht,
                              0 if intern else settings.staatsangehoerigkeit_mindestzahl)
            kennzahlen.append(k)
            analysis = k.pop("_analysis", None)
            summary.append((indicator, row := summary_row(indicator, analysis, catalogue)))
            if row is not None:
                rows.append({key: value for key, value in row.items() if not key.startswith("_")})
            if analysis is not None:
                analysed.append((indicator, analysis, k["titel"]))
            shown = years_of(k["tabelle"]["kopf"], "")[-1:] if k.get("tabelle") else []
            sources.append({"kennzahl": f"{indicator.id} {indicator.name}", "quelle": indicator.quelle,
                            "stichtag": reference_text(indicator.stichtag, shown)})
            annex_rows.append({"kennung": indicator.id, "name": indicator.name,
                               "handlungsfeld": field_names[indicator.handlungsfeld],
                               "einheit": indicator.einheit, "richtung": _direction_label(indicator.richtung),
                               "stelle": _office_name(catalogue, indicator.fachbereich)})
            if not k.pop("_has_year"):
                told = block if intern or block.empty else block.assign(note="")  # an office's free text is internal
                gaps.append({"kennung": indicator.id, "name": indicator.name,
                             "grund": missing_reason(indicator, catalogue, year, received_offices, told)})
        chapters_ctx.append({"titel": chapter.titel, "beschreibung": chapter.beschreibung,
                             "ueberblick": chapter_overview(analysed, catalogue),
                             "verweise": see_also_sentences(chapter), "kennzahlen": kennzahlen,
                             "zeilen": rows})  # every indicator's summary row (the website's overview per field)
        if points := main_findings(analysed, catalogue, year):
            findings.append({"titel": chapter.titel, "punkte": points})
    report.tables.insert(0, summary_table([row for _i, row in summary if row is not None]))
    core_rows, core_missing = summary_rows(summary)
    n = len(catalogue.indicators)
    n_merged = sum(1 for d in deliveries if not d["zeitpunkt"].startswith("nicht übernommen"))
    structure = (f"{count_of(len(chapters), 'Kapitel', 'Kapiteln')} nach den Handlungsfeldern des Integrationskonzepts"
                 if settings.gliederung == INTEGRATIONSKONZEPT else count_of(len(chapters), "Handlungsfeld", "Handlungsfeldern"))
    targets = any(i.zielwert is not None for i in catalogue.indicators.values())
    report.context = {
        "bericht": {"stadt": settings.stadt, "titel": settings.titel, "untertitel": settings.untertitel,
                    "herausgeber": settings.herausgeber, "jahr": year,
                    "stand": german_date(dt.date.today()), "kennzeichnung": INTERNAL_MARK if intern else ""},
        "intern": intern,
        **front_context(summary, catalogue, settings, year, dt.date.today(), window, deliveries),
        "ergebnisse_text": (
            f"Je Kapitel die auffälligsten Entwicklungen des Berichtsjahres {year}: wie sich der Abstand zwischen "
            "den Gruppen verändert hat, " + ("ob ein Zielwert des Integrationskonzepts erreicht ist, " if targets
                                             else "") + "wo eine Zeitreihe neu beginnt. Einzelheiten stehen in den "
            "genannten Abschnitten."),
        "ergebnisse": findings,
        "zusammenfassung": (
            f"Der Bericht stellt {count_of(n, 'Kennzahl')} in {structure} "
            f"dar; für {report.n_with_data} liegen Werte vor, für {len(gaps)} fehlt der Wert für {year}. Die Tabelle "
            f"zeigt die {count_of(len(core_rows) + len(core_missing), 'Kernkennzahl', 'Kernkennzahlen')} mit dem "
            "letzten Wert, dem Abstand zur Vergleichsgruppe und der Entwicklung; alle Kennzahlen enthält der "
            "Tabellenanhang (Blatt Übersicht)."),
        "zusammenfassung_zeilen": core_rows,
        "trend_erklaerung": summary_legend(core_rows, settings.trend_schwelle_pp, core_missing),
        "begriffe": begriffe(catalogue),
        "quellen": sources,
        "zeichen": [{"zeichen": s, "bedeutung": m} for s, m in symbol_legend(catalogue, settings.mindesteinwohner)],
        "geheimhaltung_text": _confidentiality_text(catalogue),
        "handlungsfelder": chapters_ctx,
        "anhang_kennzahlen": annex_rows,
        **_internal_annex(intern, year, deliveries, n_merged, report, audit_lines),
        "luecken_text": (f"Für {year} fehlt bei {count_of(len(gaps), 'Kennzahl', 'Kennzahlen')} der Wert der Gesamtstadt "
                         "(bei Vergleichskennzahlen: des Landes)." if gaps
                         else f"Alle Kennzahlen haben für {year} einen Wert."),
        "luecken": gaps or [{"kennung": "–", "name": "–", "grund": "–"}],
        "titelkarte": "",  # the cover's map: compile.py puts the picture in
    }
    report.context["abkuerzungen"] = printed_abbreviations(report.context)  # compile.py adds the template's words
    return report


def _internal_annex(intern: bool, year: int, deliveries: list[dict], n_merged: int, report: Report,
                    audit_lines: list[str] | None) -> dict:
    """The annex parts of the internal edition: deliveries per office (file, warnings, errors, contact) and the
    suppression audit. The public edition gets none of it, even from an older template that still asks."""
    if not intern:
        return {"lieferungen_text": "Die Übersicht der Datenlieferungen steht nur in der internen Fassung des Berichts.",
                "lieferungen": [], "pruefung_text": "", "pruefung": []}
    by = report.suppressed_by
    counted = (f"Im Bericht gesperrt: {count_of(by.get(PRIMARY, 0), 'Wert')} primär, {by.get(SECONDARY, 0)} sekundär, "
               f"{by.get(SOURCE, 0)} von der Quelle"
               + (f", {by[EARLIER]} wie in einer früheren Ausgabe" if by.get(EARLIER) else "") + "."
               if by.get(PRIMARY) or by.get(SECONDARY) or by.get(SOURCE) or by.get(EARLIER) else "")
    return {
        "lieferungen_text": (f"Für das Berichtsjahr {year} {'wurde' if n_merged == 1 else 'wurden'} "
                             f"{count_of(n_merged, 'Lieferung')} "
                             "übernommen; Rückläufe mit Fehlern, die noch nicht übernommen sind, stehen mit dem Vermerk "
                             "„nicht übernommen“ in der Tabelle."
                             if deliveries else f"Für das Berichtsjahr {year} wurde noch keine Lieferung übernommen."),
        "lieferungen": deliveries or [{"stelle": "–", "datei": "–", "zeitpunkt": "–", "warnungen": "–", "kontakt": "–"}],
        "pruefung_text": f"{counted} Ergebnis der Prüfung:".strip(),
        "pruefung": list(audit_lines or []),
    }



def _direction_label(richtung: str) -> str:
    return {"plus": "höher ist günstiger", "minus": "niedriger ist günstiger", "neutral": "Kontext",
            "deuten": "Kontext (deutungsoffen)"}.get(richtung, richtung)


def _office_name(catalogue: Catalogue, code: str) -> str:
    office = catalogue.offices.get(code)
    return office.name if office else code


def _confidentiality_text(catalogue: Catalogue) -> str:
    return ("Kleine Fallzahlen werden nach dem Geheimhaltungsprofil der jeweiligen Kennzahl gesperrt: Fallzahlen "
            "unter der kleinsten Fallzahl des Profils und Anteile mit zu kleinem Nenner oder Zähler erscheinen als "
            "Punkt (bei Befragungen als Schrägstrich). Damit gesperrte Werte nicht aus Summen zurückgerechnet werden "
            "können, werden weitere Werte gesperrt (Sekundärsperrung). Eine echte Null wird als Strich gezeigt. "
            "Wo die Quelle Fallzahlen rundet, werden auch die veröffentlichten Fallzahlen gerundet; Summen können "
            "deshalb von der Summe der Teile abweichen." + _bracket_text(catalogue))


def _bracket_text(catalogue: Catalogue) -> str:
    """The bracket rule as the profiles of the catalogue's rates make it: one limit for all if every rate is either
    bracketed below it or never published from fewer cases; else the limit per indicator."""
    rates = [i for i in catalogue.indicators.values() if i.typ == "quote" and i.geheimhaltung in catalogue.profiles]
    limit_of = {i.id: catalogue.profiles[i.geheimhaltung].klammer_unter or 0 for i in rates}
    bracketed = {i.id: limit_of[i.id] for i in rates if limit_of[i.id] > catalogue.profiles[i.geheimhaltung].min_nenner}
    if not bracketed:
        return ""
    what = (" ihr Aussagewert ist eingeschränkt, da sie statistisch relativ unsicher sind (Zeichen „( )“ der "
            "Zeichenerklärung).")
    limits = sorted(set(bracketed.values()))
    uniform = len(limits) == 1 and all(i.id in bracketed or catalogue.profiles[i.geheimhaltung].min_nenner >= limits[0]
                                       for i in rates)
    if uniform:
        return f" Anteile, deren Nenner weniger als {limits[0]} Fälle umfasst, stehen in Klammern:" + what
    per_limit = "; ".join(f"weniger als {limit} Fälle bei {', '.join(k for k, v in bracketed.items() if v == limit)}"
                          for limit in limits)
    return f" Anteile aus wenigen Fällen im Nenner stehen in Klammern ({per_limit}):" + what


# ---- chapters -----------------------------------------------------------------------------------------

INTEGRATIONSKONZEPT = "integrationskonzept"  # [bericht] gliederung: chapters by the city's Integrationskonzept
# The six Handlungsfelder of Magdeburg's Integrationskonzept (Stadtrat, December 2022), in its order. The
# catalogue maps each of its Handlungsfelder to one or two of them (column magdeburg_handlungsfeld, "A / B");
# a name the catalogue uses that is not listed here becomes a further chapter after these.
INTEGRATIONSKONZEPT_FIELDS = (
    "Spracherwerb", "Arbeitsmarktintegration", "Gesellschaftliche Teilhabe",
    "Interkulturelle Öffnung der Verwaltung", "Integration in den Stadtteilen",
    "Förderung der Interkulturalität in der Stadt",
)
UNMAPPED_CHAPTER = "Rahmendaten und weitere Kennzahlen"  # the catalogue's fields without a concept field


@dataclass(frozen=True)
class Chapter:
    titel: str
    beschreibung: str
    indicators: tuple[Indicator, ...]
    # Handlungsfelder of the catalogue that also belong here but are shown in another chapter:
    # (name of the Handlungsfeld, title of that chapter, its indicators)
    see_also: tuple[tuple[str, str, tuple[Indicator, ...]], ...] = ()


def report_chapters(catalogue: Catalogue, gliederung: str) -> list[Chapter]:
    """The chapters: one per Handlungsfeld of the catalogue, or one per field of the Integrationskonzept.

    By the Integrationskonzept, an indicator appears once, in the first concept field its Handlungsfeld maps
    to; a second concept field names it in a cross reference. Handlungsfelder without a mapping come first,
    in one chapter "Rahmendaten und weitere Kennzahlen" (population figures frame everything after them).
    """
    if gliederung != INTEGRATIONSKONZEPT:
        return [Chapter(f.name, f.beschreibung, tuple(catalogue.indicators_of_field(f.code))) for f in catalogue.fields]
    home: dict[str, list[Field]] = {}
    also: dict[str, list[tuple[Field, str]]] = {}
    unmapped = []
    for hf in catalogue.fields:
        names = concept_fields(hf)
        if not names:
            unmapped.append(hf)
            continue
        home.setdefault(names[0], []).append(hf)
        for name in names[1:]:
            also.setdefault(name, []).append((hf, names[0]))
    order = list(dict.fromkeys([*INTEGRATIONSKONZEPT_FIELDS, *home, *also]))
    chapters = []
    if unmapped:
        chapters.append(Chapter(UNMAPPED_CHAPTER, (
            f"Kennzahlen {_of_themes(unmapped)}, die das Integrationskonzept keinem seiner Handlungsfelder "
            "zuordnet. " + " ".join(f.beschreibung for f in unmapped)).strip(), _indicators_of(catalogue, unmapped)))
    for name in order:
        fields = home.get(name, [])
        if _indicators_of(catalogue, fields):
            text = (f"Das Kapitel folgt dem Handlungsfeld „{name}“ des Integrationskonzepts und enthält die Kennzahlen "
                    f"{_of_themes(fields)}. " + " ".join(f.beschreibung for f in fields)).strip()
        else:
            text = "Für dieses Handlungsfeld des Integrationskonzepts weist der Bericht noch keine Kennzahl aus."
        see_also = tuple((hf.name, where, _indicators_of(catalogue, [hf])) for hf, where in also.get(name, ()))
        chapters.append(Chapter(name, text, _indicators_of(catalogue, fields), tuple(s for s in see_also if s[2])))
    return chapters


def concept_fields(hf: Field) -> list[str]:
    """The Integrationskonzept fields a Handlungsfeld of the catalogue maps to ('A / B' -> ['A', 'B'])."""
    return list(dict.fromkeys(name.strip() for name in hf.magdeburg_handlungsfeld.split("/") if name.strip()))


def _of_themes(fields: list[Field]) -> str:
    """'des Themas „Sprache“', 'der Themen „Sprache“ und „Bildung“'."""
    names = [f"„{f.name}“" for f in fields]
    return f"des Themas {names[0]}" if len(names) == 1 else f"der Themen {', '.join(names[:-1])} und {names[-1]}"


def _indicators_of(catalogue: Catalogue, fields: list[Field]) -> tuple[Indicator, ...]:
    return tuple(i for hf in fields for i in catalogue.indicators_of_field(hf.code))


def see_also_sentences(chapter: Chapter) -> list[str]:
    """'Siehe auch …': per Handlungsfeld shown in another chapter, where its indicators are."""
    return [f"Siehe auch im Kapitel „{where}“ die Kennzahlen des Themas „{name}“, das das Integrationskonzept "
            "auch diesem Handlungsfeld zuordnet: " + ", ".join(f"{i.id} {i.name}" for i in indicators) + "."
            for name, where, indicators in chapter.see_also]


# ---- one indicator ------------------------------------------------------------------------------------


def _main_area(indicator: Indicator) -> str:
    return CITY if indicator.collected_in_city else LAND


def _indicator(report: Report, indicator: Indicator, block: pd.DataFrame, catalogue: Catalogue,
               settings: Settings, year: int, field_code: str) -> dict:
    area = _main_area(indicator)
    main = block[(block["area"] == area)]
    breaks = [(b.ab_jahr, b.hinweis) for b in catalogue.breaks_of(indicator.id)]
    break_years = [b for b, _ in breaks]
    k: dict = {
        "titel": f"{indicator.id} {indicator.name}", "definition": indicator.definition,
        "zaehler": indicator.zaehler if indicator.typ == "quote" else "", "nenner": indicator.nenner,
        "quelle": indicator.quelle.rstrip("."), "stichtag": indicator.stichtag.rstrip("."), "hinweise": indicator.hinweis_bericht,
        "grafik": "", "grafik_titel": "", "stadtteil_grafik": "", "stadtteil_text": "", "stadtteil_grafik_titel": "",
        "stadtteil_tabelle": None, "vergleich": None, "vergleich_text": "", "fussnoten": [],
        "fehlt_text": "Für diese Kennzahl liegen noch keine Daten vor.",
    }
    report.n_suppressed += int((block["suppressed"] != "").sum())
    for state, count in block.loc[block["suppressed"] != "", "suppressed"].value_counts().items():
        report.suppressed_by[state] = report.suppressed_by.get(state, 0) + int(count)
    has_any = main["value"].notna().any()
    k["hat_daten"] = bool(has_any)
    k["_has_year"] = bool(main[(main["year"] == year) & main["value"].notna()].shape[0])
    if not has_any:
        k["tabelle"] = None
        return k
    report.n_with_data += 1
    decimals = decimals_of(indicator)
    groups = [g for g in indicator.gruppen if g in set(main["group"])]
    totals = main[main["sex"] == "insgesamt"]
    by_group = group_series(totals, area)
    lines = tuple(Line(catalogue.label("gruppe", g), *_points(by_group.get(g, pd.Series(dtype=float))),
                       report.styles[g]) for g in groups)
    pairs = [p for p in comparison_pairs(indicator, catalogue) if p[0] in groups and p[1] in groups]
    analysis = analyse(indicator, totals, pairs, area, year, settings, break_years)
    sentences = indicator_sentences(indicator, catalogue, analysis, year)
    k["text"] = " ".join(sentences)
    k["_analysis"] = analysis
    title = series_title(indicator, groups)
    report.charts.append(LineChart(
        title=title, unit=indicator.einheit, source=indicator.quelle, lines=lines, breaks=tuple(breaks),
        zielwert=indicator.zielwert, message=_chart_message(sentences, analysis, catalogue), decimals=decimals,
        panels=scale_panels(lines, indicator.einheit)))
    report.chart_slots.append((k, "grafik"))
    k["grafik_titel"] = f"{indicator.id} {title}"
    markers: dict[str, str] = {}
    first_table = len(report.tables)
    table = time_table(indicator, main, groups, catalogue, markers, field_code, breaks)
    k["tabelle"] = table.context()
    report.tables.append(table)
    if indicator.stadtteile:
        district_part(report, k, indicator, block, groups, catalogue, year, markers, field_code)
    comparison_part(report, k, indicator, block, groups, catalogue, year, markers, field_code)
    own = report.tables[first_table:]
    k["fussnoten"] = footnotes(indicator, catalogue, own, markers, breaks)  # all at the end: templates before 0.9
    for table in own:
        table.notes = footnotes(indicator, catalogue, [table], markers, breaks)
        table.quelle = source_line(indicator, years_of(table.kopf, table.titel), report.data_dates.get(indicator.id, ""))
    by_title = {table.titel: table for table in own}
    for key in ("tabelle", "stadtteil_tabelle", "vergleich"):  # the notes and source line right below each table
        if k.get(key):
            k[key] = by_title[k[key]["titel"]].context()
    return k


def _chart_message(sentences: list[str], analysis: Analysis, catalogue: Catalogue) -> str:
    """The alt text's message: the sentences after the value sentence, and which latest value is bracketed."""
    message = " ".join(sentences[1:]) or sentences[0]
    limited = [catalogue.label("gruppe", g) for g in analysis.values if g in analysis.limited]
    if limited:
        message += (f" Der Wert {analysis.latest_year} ({', '.join(limited)}) hat eingeschränkte Aussagekraft "
                    "(kleine Fallzahl).")
    return message


def _points(values: pd.Series) -> tuple[tuple[int, ...], tuple[float, ...]]:
    return tuple(int(y) for y in values.index), tuple(float(v) for v in values.to_numpy())
