"""The content of the report: per indicator the drafted text, tables and chart specs, from published values.

``build_report(...)`` turns the protected value frame (confidentiality.protect) into a ``Report``: the
docxtpl context (plain dicts and strings, documented in report_template.py) plus the chart specs in
document order and the tables for the Tabellenanhang. Only published values reach the text, the
tables and the charts; a suppressed value is shown as its symbol.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from toolkit.catalogue import CITY, GERMANY, LAND, Catalogue, Indicator
from toolkit.charts import BarChart, Line, LineChart
from toolkit.confidentiality import MISSING_SYMBOL, ZERO_SYMBOL, rounding_base, symbol_legend
from toolkit.indicators import (
    Verdict,
    comparison_pairs,
    development,
    footnotes_for,
    gap_series,
    trend_verdict,
)
from toolkit.numbers import format_number, format_value
from toolkit.report_text import (
    begriffe,
    development_words,
    gap_unit,
    indicator_sentences,
    missing_reason,
    quote_zielwert,
)
from toolkit.settings import Settings

SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
CONTEXT_REASON = "keine Bewertung (Kontextkennzahl)"
MAX_DISTRICT_GROUPS = 3


@dataclass
class Cell:
    text: str
    number: float | None = None  # the published number (None if suppressed or missing)
    decimals: int = 1


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
    context: dict
    charts: list[LineChart | BarChart] = field(default_factory=list)  # in document order
    chart_slots: list[tuple[dict, str]] = field(default_factory=list)  # (dict, key) that receives the image
    tables: list[Table] = field(default_factory=list)
    n_with_data: int = 0
    n_suppressed: int = 0


def decimals_of(indicator: Indicator) -> int:
    return 0 if indicator.typ == "anzahl" else 1


def build_report(published: pd.DataFrame, catalogue: Catalogue, settings: Settings, year: int,
                 deliveries: list[dict], received_offices: set[str]) -> Report:
    first_year = year - settings.jahre_im_bericht + 1
    window = published[(published["year"] >= first_year) & (published["year"] <= year)]
    by_indicator = {key: block for key, block in window.groupby("indicator", sort=False)}
    report = Report(context={})
    fields_ctx = []
    overview, sources, annex_rows, gaps = [], [], [], []
    for hf in catalogue.fields:
        kennzahlen = []
        for indicator in catalogue.indicators_of_field(hf.code):
            block = by_indicator.get(indicator.id, published.iloc[0:0])
            k = _indicator(report, indicator, block, catalogue, settings, year, hf.code)
            kennzahlen.append(k)
            overview.append(k.pop("_overview"))
            sources.append({"kennzahl": f"{indicator.id} {indicator.name}", "quelle": indicator.quelle,
                            "stichtag": indicator.stichtag})
            annex_rows.append({"kennung": indicator.id, "name": indicator.name, "handlungsfeld": hf.name,
                               "einheit": indicator.einheit, "richtung": _direction_label(indicator.richtung),
                               "stelle": _office_name(catalogue, indicator.fachbereich)})
            if not k.pop("_has_year"):
                gaps.append({"kennung": indicator.id, "name": indicator.name,
                             "grund": missing_reason(indicator, catalogue, year, received_offices, block)})
        fields_ctx.append({"titel": hf.name, "beschreibung": hf.beschreibung, "kennzahlen": kennzahlen})
    n = len(catalogue.indicators)
    report.context = {
        "bericht": {"stadt": settings.stadt, "titel": settings.titel, "untertitel": settings.untertitel,
                    "herausgeber": settings.herausgeber, "jahr": year,
                    "stand": dt.date.today().strftime("%d.%m.%Y")},
        "zusammenfassung": (
            f"Der Bericht stellt {_count(n, 'Kennzahl', 'Kennzahlen')} in {len(catalogue.fields)} Handlungsfeldern "
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
        "zeichen": [{"zeichen": s, "bedeutung": m} for s, m in symbol_legend(catalogue)],
        "geheimhaltung_text": _confidentiality_text(catalogue),
        "handlungsfelder": fields_ctx,
        "anhang_kennzahlen": annex_rows,
        "lieferungen_text": (f"Für das Berichtsjahr {year} wurden {_count(len(deliveries), 'Lieferung', 'Lieferungen')} "
                             "übernommen."
                             if deliveries else f"Für das Berichtsjahr {year} wurde noch keine Lieferung übernommen."),
        "lieferungen": deliveries or [{"stelle": "–", "datei": "–", "zeitpunkt": "–", "warnungen": "–"}],
        "luecken_text": (f"Für {year} fehlt bei {_count(len(gaps), 'Kennzahl', 'Kennzahlen')} der Wert der Gesamtstadt "
                         "(bei Vergleichskennzahlen: des Landes)." if gaps
                         else f"Alle Kennzahlen haben für {year} einen Wert."),
        "luecken": gaps or [{"kennung": "–", "name": "–", "grund": "–"}],
    }
    return report


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


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
            "deshalb von der Summe der Teile abweichen.")


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
        "quelle": indicator.quelle.rstrip("."), "stichtag": indicator.stichtag.rstrip("."), "hinweise": indicator.hinweise,
        "grafik": "", "grafik_titel": "", "stadtteil_grafik": "", "stadtteil_text": "", "stadtteil_grafik_titel": "",
        "stadtteil_tabelle": None, "vergleich": None, "vergleich_text": "", "fussnoten": [],
        "fehlt_text": "Für diese Kennzahl liegen noch keine Daten vor.",
    }
    report.n_suppressed += int((block["suppressed"] != "").sum())
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
    k["_overview"] = _overview_row(indicator, analysis, catalogue)
    title = f"{indicator.name} nach Gruppen"
    report.charts.append(LineChart(
        title=title, unit=indicator.einheit, source=indicator.quelle, lines=lines, breaks=tuple(breaks),
        zielwert=indicator.zielwert, message=" ".join(sentences[1:]) or sentences[0], decimals=decimals))
    report.chart_slots.append((k, "grafik"))
    k["grafik_titel"] = f"{indicator.id} {title}"
    markers: dict[str, str] = {}
    first_table = len(report.tables)
    table = _time_table(indicator, main, groups, catalogue, markers, field_code, breaks)
    k["tabelle"] = table.context()
    report.tables.append(table)
    if indicator.stadtteile:
        _district_part(report, k, indicator, block, groups, catalogue, year, markers, field_code)
    _comparison_part(report, k, indicator, block, groups, catalogue, year, markers, field_code)
    k["fussnoten"] = _footnotes(indicator, catalogue, block, markers, breaks)
    for own in report.tables[first_table:]:
        own.notes = k["fussnoten"]
    return k


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
    ratio: float | None = None
    verdict: object | None = None  # indicators.Verdict
    base_gap: float | None = None
    development: dict = field(default_factory=dict)
    main_group: str = ""
    unit: str = ""
    decimals: int = 1
    labels: dict = field(default_factory=dict)


def _analyse(indicator: Indicator, totals: pd.DataFrame, pairs: list[tuple[str, str]], area: str, year: int,
             settings: Settings, break_years: list[int]) -> Analysis:
    per_group = {g: s[s.index <= year] for g, s in group_series(totals, area).items() if g in indicator.gruppen}
    per_group = {g: s for g, s in per_group.items() if not s.empty}
    years = [int(s.index.max()) for s in per_group.values() if not s.empty]
    latest = year if year in {y for s in per_group.values() for y in s.index} else (max(years) if years else None)
    values = {g: float(s[latest]) for g, s in per_group.items() if latest in s.index}
    main_group = next((g for g in ("insgesamt", *indicator.gruppen) if g in per_group), "")
    analysis = Analysis(latest, values, main_group=main_group, unit=indicator.einheit,
                        decimals=decimals_of(indicator))
    if main_group and latest is not None:
        analysis.development = development(per_group[main_group], latest, break_years)
    if indicator.typ == "anzahl" or latest is None:
        return analysis
    for target, reference in pairs:
        if target in values and reference in values:
            gaps = gap_series(per_group[target], per_group[reference])
            analysis.target, analysis.reference = target, reference
            analysis.gap = float(gaps.loc[latest, "gap"])
            ratio = gaps.loc[latest, "ratio"]
            analysis.ratio = None if pd.isna(ratio) else float(ratio)
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


def _overview_row(indicator: Indicator, analysis: Analysis | None, catalogue: Catalogue) -> dict:
    row = {"kennzahl": f"{indicator.id} {indicator.name}", "gruppe": "–", "wert": "–", "vergleich": "–",
           "vergleichswert": "–", "abstand": "–", "trend": "keine Daten"}
    if analysis is None or analysis.latest_year is None:
        return row
    unit, dec = analysis.unit, analysis.decimals
    if analysis.target:
        target, reference = analysis.target, analysis.reference
        row["gruppe"] = f"{catalogue.label('gruppe', target)} ({analysis.latest_year})"
        row["wert"] = _value_or_symbol(analysis.values.get(target), unit, dec)
        row["vergleich"] = catalogue.label("gruppe", reference)
        row["vergleichswert"] = _value_or_symbol(analysis.values.get(reference), unit, dec)
        if analysis.gap is not None:
            row["abstand"] = f"{format_number(analysis.gap, dec)} {gap_unit(unit, short=True)}".strip()
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
    row["wert"] = _value_or_symbol(analysis.values.get(group), unit, dec)
    row["trend"] = development_words(analysis, indicator)
    return row


def _value_or_symbol(value: float | None, unit: str, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    return format_value(value, unit, decimals)


# ---- tables ---------------------------------------------------------------------------------------------


def _cell(row, decimals: int, markers: dict[str, str]) -> Cell:  # noqa: ANN001 - a namedtuple row
    if row is None:
        return Cell(MISSING_SYMBOL)
    if row.suppressed:
        return Cell(row.symbol or ".")
    value = row.published
    if pd.isna(value):
        return Cell(MISSING_SYMBOL)
    text = ZERO_SYMBOL if value == 0 else format_number(value, decimals)
    for flag in footnotes_for([row.flag]):
        if flag not in markers:
            markers[flag] = SUPERSCRIPTS[min(len(markers), len(SUPERSCRIPTS) - 1)]
        text += markers[flag]
    return Cell(text, float(value), decimals)


def _unit_suffix(indicator: Indicator) -> str:
    return f" (in {indicator.einheit})" if indicator.einheit not in ("Anzahl", "") else " (Anzahl)"


def break_text(year: int, note: str) -> str:
    return f"Zeitreihenbruch ab {year}: {note.rstrip('.')}. Über den Bruch hinweg wird keine Entwicklung bewertet"


def _time_table(indicator: Indicator, main: pd.DataFrame, groups: list[str], catalogue: Catalogue,
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
            rows.append([Cell(label)] + [_cell(lookup.get((group, sex, y)), decimals, markers) for y in years])
    area = "" if indicator.collected_in_city else ", Sachsen-Anhalt"
    title = f"{indicator.id} {indicator.name}{area}, {years[0]}–{years[-1]}{_unit_suffix(indicator)}"
    return Table(title, ["Gruppe", *header], rows, field_code)


def _records(frame: pd.DataFrame) -> list:
    return list(frame.itertuples(index=False))


def _district_part(report: Report, k: dict, indicator: Indicator, block: pd.DataFrame, groups: list[str],
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
    rows = [[Cell(d.name)] + [_cell((lookup.get((d.area, g))), decimals, markers) for g in shown]
            for d in catalogue.districts]
    city = block[(block["area"] == CITY) & (block["sex"] == "insgesamt") & (block["year"] == latest)]
    city_lookup = {r.group: r for r in _records(city)}
    rows.append([Cell("Gesamtstadt")] + [_cell((city_lookup.get(g)), decimals, markers) for g in shown])
    title = f"{indicator.id} {indicator.name} nach Stadtteilen, {latest}{_unit_suffix(indicator)}"
    table = Table(title, ["Stadtteil", *[catalogue.label("gruppe", g) for g in shown]], rows, field_code)
    k["stadtteil_tabelle"] = table.context()
    report.tables.append(table)
    group = shown[0]
    values = tuple(_published(lookup.get((d.area, group))) for d in catalogue.districts)
    symbols = tuple(_symbol(lookup.get((d.area, group))) for d in catalogue.districts)
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


def _published(record) -> float:  # noqa: ANN001
    if record is None or record.suppressed or pd.isna(record.published):
        return math.nan
    return float(record.published)


def _symbol(record) -> str:  # noqa: ANN001
    if record is None or pd.isna(record.published) and not record.suppressed:
        return MISSING_SYMBOL
    return record.symbol if record.suppressed else ""


def _comparison_part(report: Report, k: dict, indicator: Indicator, block: pd.DataFrame, groups: list[str],
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
            rows.append([Cell(label)] + [_cell((lookup.get((area, group, y))), decimals, markers)
                                         for y in years])
    if not rows:
        return
    title = f"{indicator.id} {indicator.name} im Vergleich, {years[0]}–{years[-1]}{_unit_suffix(indicator)}"
    table = Table(title, ["Gebiet und Gruppe", *[str(y) for y in years]], rows, field_code)
    k["vergleich"] = table.context()
    report.tables.append(table)
    last = years[-1]
    parts = []
    for area in (LAND, GERMANY):
        group = compare_groups[0]
        value = _published(lookup.get((area, group, last)))
        if not math.isnan(value):
            parts.append(f"in {_area_label(catalogue, area)} {format_value(value, indicator.einheit, decimals)}")
    k["vergleich_text"] = (f"Zum Vergleich ({catalogue.label('gruppe', compare_groups[0])}, {last}): "
                           + " und ".join(parts) + "." if parts else
                           "Vergleichswerte für Sachsen-Anhalt und Deutschland sind gesperrt oder fehlen.")


def _area_label(catalogue: Catalogue, area: str) -> str:
    return "Magdeburg" if area == CITY else catalogue.area_label(area)


def _footnotes(indicator: Indicator, catalogue: Catalogue, block: pd.DataFrame, markers: dict[str, str],
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
    if (block["suppressed"] != "").any():
        symbol = catalogue.profiles[indicator.geheimhaltung].symbol if indicator.geheimhaltung in catalogue.profiles else "."
        notes.append(f"Einzelne Werte sind aus Gründen der Geheimhaltung gesperrt ({symbol}).")
    return notes
