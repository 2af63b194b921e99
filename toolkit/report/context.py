"""The content of the report: per indicator the drafted text, tables and chart specs, from published values.

``build_report(...)`` turns the protected value frame (confidentiality.protect) into a ``Report``: the
docxtpl context (plain dicts and strings, documented in report/word_template.py) plus the chart specs in
document order and the tables for the Tabellenanhang. Only published values reach the text, the
tables and the charts; a suppressed value is shown as its symbol.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from toolkit.catalogue.model import CITY, LAND, Catalogue, Field, Indicator
from toolkit.core.cells import count_of, format_number, format_value, german_date
from toolkit.core.settings import Settings
from toolkit.indicators.confidentiality import EARLIER, PRIMARY, SECONDARY, SOURCE, symbol_legend
from toolkit.indicators.values import (
    Verdict,
    comparison_pairs,
    development,
    gap_series,
    trend_verdict,
)
from toolkit.report.charts import Line, LineChart
from toolkit.report.maps import Shapes
from toolkit.report.tables import (
    Cell,
    Report,
    Table,
    comparison_part,
    decimals_of,
    district_part,
    footnotes,
    time_table,
)
from toolkit.report.text import (
    begriffe,
    development_words,
    gap_unit,
    indicator_sentences,
    main_findings,
    missing_reason,
    quote_zielwert,
)

CONTEXT_REASON = "keine Bewertung (Kontextkennzahl)"


INTERNAL_MARK = "INTERN – nicht zur Veröffentlichung"


def build_report(published: pd.DataFrame, catalogue: Catalogue, settings: Settings, year: int,
                 deliveries: list[dict], received_offices: set[str], shapes: Shapes | None = None, *,
                 intern: bool = False, audit_lines: list[str] | None = None) -> Report:
    """The report's content. The public edition (``intern`` False) holds no internal notes, file names, error
    counts or contact data, whatever the template asks for; the internal edition adds them, the delivery annex
    and the suppression audit (``audit_lines``, one German sentence each)."""
    first_year = year - settings.jahre_im_bericht + 1
    window = published[(published["year"] >= first_year) & (published["year"] <= year)]
    by_indicator = {key: block for key, block in window.groupby("indicator", sort=False)}
    report = Report(context={}, shapes=shapes)
    field_names = {f.code: f.name for f in catalogue.fields}
    chapters_ctx, overview, findings = [], [], []
    sources, annex_rows, gaps = [], [], []
    chapters = report_chapters(catalogue, settings.gliederung)
    for chapter in chapters:
        kennzahlen, rows, analysed = [], [], []
        for indicator in chapter.indicators:
            block = by_indicator.get(indicator.id, published.iloc[0:0])
            k = _indicator(report, indicator, block, catalogue, settings, year, indicator.handlungsfeld)
            k["notiz_intern"] = indicator.notiz_intern if intern else ""
            kennzahlen.append(k)
            rows.append(k.pop("_overview"))
            if (analysis := k.pop("_analysis", None)) is not None:
                analysed.append((indicator, analysis, k["titel"]))
            sources.append({"kennzahl": f"{indicator.id} {indicator.name}", "quelle": indicator.quelle,
                            "stichtag": indicator.stichtag})
            annex_rows.append({"kennung": indicator.id, "name": indicator.name,
                               "handlungsfeld": field_names[indicator.handlungsfeld],
                               "einheit": indicator.einheit, "richtung": _direction_label(indicator.richtung),
                               "stelle": _office_name(catalogue, indicator.fachbereich)})
            if not k.pop("_has_year"):
                told = block if intern or block.empty else block.assign(note="")  # an office's free text is internal
                gaps.append({"kennung": indicator.id, "name": indicator.name,
                             "grund": missing_reason(indicator, catalogue, year, received_offices, told)})
        chapters_ctx.append({"titel": chapter.titel, "beschreibung": chapter.beschreibung,
                             "verweise": see_also_sentences(chapter), "kennzahlen": kennzahlen})
        if rows:
            overview.append({"titel": chapter.titel, "zeilen": rows})
        if points := main_findings(analysed, catalogue, year, settings.trend_schwelle_pp):
            findings.append({"titel": chapter.titel, "punkte": points})
    report.tables.insert(0, overview_table([row for part in overview for row in part["zeilen"]]))
    n = len(catalogue.indicators)
    n_merged = sum(1 for d in deliveries if not d["zeitpunkt"].startswith("nicht übernommen"))
    structure = (f"{count_of(len(chapters), 'Kapitel', 'Kapiteln')} nach den Handlungsfeldern des Integrationskonzepts"
                 if settings.gliederung == INTEGRATIONSKONZEPT else count_of(len(chapters), "Handlungsfeld", "Handlungsfeldern"))
    report.context = {
        "bericht": {"stadt": settings.stadt, "titel": settings.titel, "untertitel": settings.untertitel,
                    "herausgeber": settings.herausgeber, "jahr": year,
                    "stand": german_date(dt.date.today()), "kennzeichnung": INTERNAL_MARK if intern else ""},
        "intern": intern,
        "ergebnisse_text": (
            f"Je Kapitel die auffälligsten Entwicklungen des Berichtsjahres {year}: wie sich der Abstand zwischen "
            "den Gruppen verändert hat, ob ein Zielwert erreicht ist, wo eine Zeitreihe neu beginnt. Einzelheiten "
            "stehen in den genannten Abschnitten."),
        "ergebnisse": findings,
        "zusammenfassung": (
            f"Der Bericht stellt {count_of(n, 'Kennzahl', 'Kennzahlen')} in {structure} "
            f"dar; für {report.n_with_data} liegen Werte vor, für {len(gaps)} fehlt der Wert für {year}. Die Übersicht "
            "zeigt je Kennzahl den letzten veröffentlichten Wert der Zielgruppe und ihrer Vergleichsgruppe, den "
            "Abstand und wie er sich entwickelt hat."),
        "uebersicht": overview,
        "trend_erklaerung": (
            f"Trend: ↘ Abstand verringert, ↗ Abstand vergrößert, → unverändert (Änderung unter "
            f"{format_number(settings.trend_schwelle_pp, 1)} Punkten), jeweils gegenüber fünf Jahren vorher "
            "(sonst dem Vorjahr). Kontextkennzahlen werden nicht bewertet; über einen Zeitreihenbruch hinweg "
            "gibt es keine Bewertung."),
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
    }
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
    limits = sorted({p.klammer_unter for p in catalogue.profiles.values() if p.klammer_unter})
    if not limits:
        return ""
    below = f"weniger als {limits[0]} Fälle" if len(limits) == 1 else "weniger Fälle als die Schwelle des Profils"
    return (" Werte aus kleinen Fallzahlen stehen in Klammern: ihr Aussagewert ist eingeschränkt, da sie statistisch "
            f"relativ unsicher sind ({below} in der Gruppe, bei Anteilen im Nenner).")


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
    k["_overview"] = _overview_row(indicator, None, catalogue)
    if not has_any:
        k["tabelle"] = None
        return k
    report.n_with_data += 1
    decimals = decimals_of(indicator)
    groups = [g for g in indicator.gruppen if g in set(main["group"])]
    totals = main[main["sex"] == "insgesamt"]
    by_group = group_series(totals, area)
    lines = tuple(Line(catalogue.label("gruppe", g), *_points(by_group.get(g, pd.Series(dtype=float))))
                  for g in groups)
    pairs = [p for p in comparison_pairs(indicator, catalogue) if p[0] in groups and p[1] in groups]
    analysis = _analyse(indicator, totals, pairs, area, year, settings, break_years)
    sentences = indicator_sentences(indicator, catalogue, analysis, year)
    if indicator.zielwert is not None:
        sentences.append(quote_zielwert(indicator, catalogue, analysis))
    k["text"] = " ".join(sentences)
    k["_analysis"] = analysis
    k["_overview"] = _overview_row(indicator, analysis, catalogue)
    title = f"{indicator.name} nach Gruppen"
    report.charts.append(LineChart(
        title=title, unit=indicator.einheit, source=indicator.quelle, lines=lines, breaks=tuple(breaks),
        zielwert=indicator.zielwert, message=_chart_message(sentences, analysis, catalogue), decimals=decimals))
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
    k["fussnoten"] = footnotes(indicator, catalogue, block, markers, breaks)
    for own in report.tables[first_table:]:
        own.notes = k["fussnoten"]
    return k


def _chart_message(sentences: list[str], analysis: Analysis, catalogue: Catalogue) -> str:
    """The alt text's message: the sentences after the value sentence, and which latest value is bracketed."""
    message = " ".join(sentences[1:]) or sentences[0]
    limited = [catalogue.label("gruppe", g) for g in analysis.values if g in analysis.limited]
    if limited:
        message += (f" Der Wert {analysis.latest_year} ({', '.join(limited)}) hat eingeschränkte Aussagekraft "
                    "(kleine Fallzahl).")
    return message


def group_series(totals: pd.DataFrame, area: str) -> dict[str, pd.Series]:
    """Per group the published time series (year -> value) of one area (sex insgesamt rows only)."""
    rows = totals[totals["area"] == area]
    result = {}
    for group, block in rows.groupby("group", sort=False):
        values = pd.Series(block["published"].to_numpy(dtype=float), index=block["year"].astype(int).to_numpy())
        result[group] = values.dropna().sort_index()
    return result


def _points(values: pd.Series) -> tuple[tuple[int, ...], tuple[float, ...]]:
    return tuple(int(y) for y in values.index), tuple(float(v) for v in values.to_numpy())


@dataclass
class Analysis:
    """The numbers behind the drafted text, the overview row and the chart's alt text (all published)."""

    latest_year: int | None
    values: dict[str, float]  # group -> latest published value
    target: str | None = None
    reference: str | None = None
    gap: float | None = None
    verdict: object | None = None  # indicators.Verdict
    base_gap: float | None = None
    development: dict = field(default_factory=dict)
    main_group: str = ""
    unit: str = ""
    decimals: int = 1
    labels: dict = field(default_factory=dict)
    limited: frozenset = frozenset()  # groups whose latest value has limited reliability (in brackets)


def _analyse(indicator: Indicator, totals: pd.DataFrame, pairs: list[tuple[str, str]], area: str, year: int,
             settings: Settings, break_years: list[int]) -> Analysis:
    per_group = {g: s[s.index <= year] for g, s in group_series(totals, area).items() if g in indicator.gruppen}
    per_group = {g: s for g, s in per_group.items() if not s.empty}
    years = [int(s.index.max()) for s in per_group.values() if not s.empty]
    latest = year if year in {y for s in per_group.values() for y in s.index} else (max(years) if years else None)
    values = {g: float(s[latest]) for g, s in per_group.items() if latest in s.index}
    main_group = next((g for g in ("insgesamt", *indicator.gruppen) if g in per_group), "")
    analysis = Analysis(latest, values, main_group=main_group, unit=indicator.einheit,
                        decimals=decimals_of(indicator), limited=_limited_groups(totals, area, latest))
    if main_group and latest is not None:
        analysis.development = development(per_group[main_group], latest, break_years)
    if indicator.typ == "anzahl" or latest is None:
        return analysis
    for target, reference in pairs:
        if target in values and reference in values:
            gaps = gap_series(per_group[target], per_group[reference])
            analysis.target, analysis.reference = target, reference
            analysis.gap = float(gaps.loc[latest, "gap"])
            if indicator.richtung in ("plus", "minus"):
                analysis.verdict = trend_verdict(gaps["gap"], latest, indicator.richtung,
                                                 settings.trend_schwelle_pp, break_years)
            else:  # context indicator: only the development of the gap, no verdict
                probe = trend_verdict(gaps["gap"], latest, "plus", settings.trend_schwelle_pp, break_years)
                analysis.verdict = Verdict(None, probe.base_year, latest, probe.delta, CONTEXT_REASON)
            base = getattr(analysis.verdict, "base_year", None)
            analysis.base_gap = float(gaps.loc[base, "gap"]) if base in gaps.index else None
            break
    if analysis.target is None and pairs:
        analysis.target, analysis.reference = pairs[0]
    return analysis


def _limited_groups(totals: pd.DataFrame, area: str, year: int | None) -> frozenset:
    if year is None or "limited" not in totals:
        return frozenset()
    rows = totals[(totals["area"] == area) & (totals["year"] == year) & totals["limited"].astype(bool)]
    return frozenset(rows["group"])


def _overview_row(indicator: Indicator, analysis: Analysis | None, catalogue: Catalogue) -> dict:
    """A row of the Zusammenfassung; a value and its unit ('24,4 je 1.000', '-27,5 Pp.') never break apart."""
    row = _overview_texts(indicator, analysis, catalogue)
    for key in ("wert", "vergleichswert", "abstand"):
        row[key] = row[key].replace(" ", "\u00a0")
    row["trend"] = re.sub(r"(\d) (?=Pp\.|%)", "\\1\u00a0", row["trend"])
    return row


def _overview_texts(indicator: Indicator, analysis: Analysis | None, catalogue: Catalogue) -> dict:
    row = {"kennzahl": f"{indicator.id} {indicator.name}", "gruppe": "–", "wert": "–", "vergleich": "–",
           "vergleichswert": "–", "abstand": "–", "trend": "keine Daten",
           "_zahlen": (None, None, None, 1, (False, False))}
    if analysis is None or analysis.latest_year is None:
        return row
    unit, dec = analysis.unit, analysis.decimals
    if analysis.target:
        target, reference = analysis.target, analysis.reference
        row["gruppe"] = f"{catalogue.label('gruppe', target)} ({analysis.latest_year})"
        row["wert"] = _value_or_symbol(analysis.values.get(target), unit, dec, target in analysis.limited)
        row["vergleich"] = catalogue.label("gruppe", reference)
        row["vergleichswert"] = _value_or_symbol(analysis.values.get(reference), unit, dec,
                                                 reference in analysis.limited)
        if analysis.gap is not None:
            row["abstand"] = f"{format_number(analysis.gap, dec)} {gap_unit(unit, short=True)}".strip()
        row["_zahlen"] = (analysis.values.get(target), analysis.values.get(reference), analysis.gap, dec,
                          (target in analysis.limited, reference in analysis.limited))
        verdict = analysis.verdict
        if verdict is not None and verdict.verdict:
            row["trend"] = f"{verdict.symbol} {verdict.words}"
        elif verdict is not None and verdict.reason == CONTEXT_REASON and analysis.base_gap is not None:
            row["trend"] = (f"Abstand {verdict.base_year}: {format_number(analysis.base_gap, dec)} "
                            f"{gap_unit(unit, short=True)} (keine Bewertung)")
        elif verdict is not None:
            row["trend"] = f"– {verdict.reason}"
        else:
            row["trend"] = "– Abstand nicht ausweisbar"
        return row
    group = analysis.main_group
    row["gruppe"] = f"{catalogue.label('gruppe', group)} ({analysis.latest_year})"
    row["wert"] = _value_or_symbol(analysis.values.get(group), unit, dec, group in analysis.limited)
    row["trend"] = development_words(analysis, indicator)
    row["_zahlen"] = (analysis.values.get(group), None, None, dec, (group in analysis.limited, False))
    return row


OVERVIEW_HEADER = ["Kennzahl", "Zielgruppe", "Wert", "Vergleichsgruppe", "Wert", "Abstand", "Trend"]


def overview_table(rows: list[dict]) -> Table:
    """The Zusammenfassung's overview as a table for the Tabellenanhang (numbers as numbers)."""
    cells = []
    for row in rows:
        value, reference, gap, dec, (limited, reference_limited) = row.pop("_zahlen")
        cells.append([Cell(row["kennzahl"]), Cell(row["gruppe"]), Cell(row["wert"], value, dec, limited),
                      Cell(row["vergleich"]), Cell(row["vergleichswert"], reference, dec, reference_limited),
                      Cell(row["abstand"], gap, dec), Cell(row["trend"])])
    return Table("Übersicht: letzter Wert je Gruppe, Abstand und Entwicklung", OVERVIEW_HEADER, cells, "")


def _value_or_symbol(value: float | None, unit: str, decimals: int, limited: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    text = format_value(value, unit, decimals)
    return f"({text})" if limited else text


