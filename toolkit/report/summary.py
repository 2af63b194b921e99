"""The report's summaries, drafted from the published values as printed: the Zusammenfassung (one table of the core
indicators), the overview at the start of each chapter and the Wichtigste Ergebnisse.

All three speak the one trend vocabulary (indicators/values.py): a value or the distance between two groups has
"gestiegen", "gesunken" or is "unverändert" (below a stated threshold) against five years earlier, else the
previous year; the Zusammenfassung adds the assessment "günstig", "ungünstig" or "ohne Bewertung" in words, from the
indicator's Richtung. A row without a comparison group leaves the comparison cells empty (a note says so) instead of
filling them with a symbol: "–" means "nichts vorhanden" in the Zeichenerklärung and nothing else.
"""

from __future__ import annotations

import re

from toolkit.catalogue.model import Catalogue, Indicator
from toolkit.core.cells import format_number, format_value
from toolkit.indicators.values import FALLEN, NOT_ASSESSED, RISEN, UNCHANGED
from toolkit.report.analysis import Analysis
from toolkit.report.tables import Cell, Table
from toolkit.report.text import (
    dative,
    gap_change,
    gap_unit,
    plain_label,
    points,
    target_reached,
    target_state,
)

SUMMARY_CAPTION = "Kernkennzahlen: letzter Wert, Abstand und Entwicklung"  # the report's Zusammenfassung
SUMMARY_HEADER = ["Kennzahl", "Jahr", "Zielgruppe", "Wert", "Vergleichswert", "Abstand", "Entwicklung", "Bewertung"]
ANNEX_HEADER = ["Kennzahl", "Jahr", "Zielgruppe", "Wert", "Vergleichsgruppe", "Vergleichswert", "Abstand",
                "Entwicklung", "Bewertung"]
SUPPRESSED = "."  # a published value that is secret or unknown, as in every table
PREVIOUS_YEAR_MARK = "¹"  # the development against the previous year (no value five years earlier)


def summary_row(indicator: Indicator, analysis: Analysis | None, catalogue: Catalogue) -> dict | None:
    """One row of the Zusammenfassung (texts, a value and its unit never broken apart) with its numbers for the
    Tabellenanhang; None for an indicator without a published value."""
    if analysis is None or analysis.latest_year is None:
        return None
    unit, dec = analysis.unit, analysis.decimals
    paired = bool(analysis.target)
    group = analysis.target if paired else analysis.main_group
    row = {"kennzahl": f"{indicator.id} {indicator.name}", "jahr": str(analysis.latest_year),
           "gruppe": catalogue.label("gruppe", group), "wert": _value(analysis, group), "vergleich": "",
           "vergleichswert": "", "abstand": "", "entwicklung": "", "bewertung": NOT_ASSESSED,
           "_zahlen": (analysis.values.get(group), None, None, dec, (group in analysis.limited, False))}
    verdict = analysis.trend
    if paired:
        reference = analysis.reference
        row["vergleich"] = catalogue.label("gruppe", reference)
        row["vergleichswert"] = _value(analysis, reference)
        row["abstand"] = (f"{format_number(analysis.gap, dec)} {gap_unit(unit, short=True)}".strip()
                          if analysis.gap is not None else SUPPRESSED)
        row["_zahlen"] = (analysis.values.get(group), analysis.values.get(reference), analysis.gap, dec,
                          (group in analysis.limited, reference in analysis.limited))
        verdict = analysis.verdict
    subject = "Abstand" if paired else "Wert"
    if verdict is not None and verdict.trend:
        previous_year = PREVIOUS_YEAR_MARK if verdict.base_year == verdict.year - 1 else ""
        row["entwicklung"] = f"{subject} {verdict.trend}{previous_year}"
        row["bewertung"] = verdict.assessment
    else:
        row["entwicklung"] = _no_trend(verdict.reason if verdict is not None else "kein Abstand für das Berichtsjahr")
    for key in ("wert", "vergleichswert", "abstand"):
        row[key] = row[key].replace(" ", "\u00a0")
    return row


def _value(analysis: Analysis, group: str) -> str:
    value = analysis.values.get(group)
    if value is None:
        return SUPPRESSED
    text = format_value(value, analysis.unit, analysis.decimals)
    return f"({text})" if group in analysis.limited else text


def _no_trend(reason: str) -> str:
    """Why a row has no development, in words: a series break, a value (or one of the two) not published, a series
    too short (indicators/values.py gives the reason)."""
    if "Zeitreihenbruch" in reason:
        return "kein Vergleich (Zeitreihenbruch)"
    if "für das Berichtsjahr" in reason:
        return "kein Vergleich (Wert gesperrt)"
    return "kein Vergleich (zu kurze Zeitreihe)"


def summary_rows(rows: list[tuple[Indicator, dict | None]]) -> tuple[list[dict], list[str]]:
    """The core indicators' rows (Kernset ja in the catalogue) and the names of core indicators without a value."""
    core = [(i, r) for i, r in rows if i.kern]
    shown = [{key: value for key, value in r.items() if not key.startswith("_")} for _i, r in core if r is not None]
    return shown, [f"{i.id} {i.name}" for i, r in core if r is None]


def summary_legend(rows: list[dict], threshold: float, missing: list[str]) -> str:
    """The note under the Zusammenfassung: what each column means, the thresholds, the assessment, empty cells."""
    pairs = list(dict.fromkeys((r["gruppe"], r["vergleich"]) for r in rows if r["vergleich"]))
    compared = "; ".join(f"für {target}: {reference}" for target, reference in pairs)
    text = ("Jahr: letztes Jahr mit Wert. "
            + (f"Vergleichswert: Wert der Vergleichsgruppe ({compared}). " if pairs else "")
            + "Abstand: Zielgruppe minus Vergleichsgruppe, bei Anteilen in Prozentpunkten (Pp.). Entwicklung "
            "gegenüber fünf Jahren zuvor, nie über einen Zeitreihenbruch hinweg"
            + (f" ({PREVIOUS_YEAR_MARK} gegenüber dem Vorjahr)" if any(PREVIOUS_YEAR_MARK in r["entwicklung"]
                                                                       for r in rows) else "")
            + f"; unverändert: weniger als {format_number(threshold, 1)} Prozentpunkte, bei anderen Einheiten "
            "weniger als 1 %. Bewertung nach der Zielrichtung der Kennzahl: ein kleinerer Abstand ist günstig, ein "
            "größerer ungünstig; ohne Vergleichsgruppe zählt, ob der Wert in die günstige Richtung geht. "
            "Kontextkennzahlen und Unverändertes bleiben ohne Bewertung.")
    if any(not r["vergleich"] for r in rows):
        text += " Leere Felder: keine Vergleichsgruppe."
    if missing:
        text += f" Noch ohne veröffentlichten Wert: {', '.join(missing)}."
    return text


def summary_table(rows: list[dict]) -> Table:
    """Every indicator's summary row as a table for the Tabellenanhang (numbers as numbers)."""
    cells = []
    for row in rows:
        value, reference, gap, dec, (limited, reference_limited) = row["_zahlen"]
        cells.append([Cell(row["kennzahl"]), Cell(row["jahr"]), Cell(row["gruppe"]),
                      Cell(row["wert"], value, dec, limited), Cell(row["vergleich"]),
                      Cell(row["vergleichswert"], reference, dec, reference_limited), Cell(row["abstand"], gap, dec),
                      Cell(row["entwicklung"]), Cell(row["bewertung"])])
    return Table("Übersicht: letzter Wert je Gruppe, Abstand und Entwicklung", ANNEX_HEADER, cells, "")


# ---- the overview at the start of a chapter -----------------------------------------------------------------


def chapter_overview(analysed: list[tuple[Indicator, Analysis, str]], catalogue: Catalogue) -> list[str]:
    """What rose, what fell, which distance between two groups grew or shrank, in the chapter's indicators: one point
    per trend and pair of years compared, in neutral words with the printed values ('Gestiegen von 2020 bis 2025:
    Ausländeranteil (von 10,0 % auf 13,4 %), …')."""
    values: dict[tuple[int, int], dict[str, list[str]]] = {}
    gaps: dict[tuple[int, int], dict[str, list[str]]] = {}
    for indicator, analysis, _heading in analysed:
        if analysis.target and analysis.verdict is not None and analysis.verdict.trend and analysis.base_gap is not None:
            verdict = analysis.verdict
            change = points(analysis.gap, analysis)
            if verdict.trend != UNCHANGED:
                change = f"von {format_number(abs(analysis.base_gap), analysis.decimals)} auf {change}"
            item = _item(indicator, f"{_pair(catalogue, analysis.target, analysis.reference)}: {change}")
            gaps.setdefault((verdict.base_year, verdict.year), {}).setdefault(verdict.trend, []).append(item)
        elif not analysis.target and analysis.trend is not None and analysis.trend.trend:
            trend, group = analysis.trend, analysis.main_group
            before, now = analysis.base_values.get(group), analysis.values.get(group)
            if before is None or now is None:
                continue
            shown = _v(now, analysis) if trend.trend == UNCHANGED else f"von {_from(before, analysis)} auf {_v(now, analysis)}"
            who = "" if group == "insgesamt" else f"{catalogue.label('gruppe', group)}: "
            values.setdefault((trend.base_year, trend.year), {}).setdefault(trend.trend, []).append(
                _item(indicator, who + shown))
    found_points = []
    for (base, year), found in sorted(values.items(), key=lambda item: (-item[0][1], item[0][0])):
        found_points += [f"{trend[0].upper()}{trend[1:]} von {base} bis {year}: {', '.join(items)}."
                    for trend, items in _by_trend(found)]
    for (base, year), found in sorted(gaps.items(), key=lambda item: (-item[0][1], item[0][0])):
        found_points += [f"Abstand zwischen den Gruppen {trend} von {base} bis {year}: {', '.join(items)}."
                    for trend, items in _by_trend(found)]
    return found_points


def _item(indicator: Indicator, details: str) -> str:
    """'Ausländeranteil (von 10,8 % auf 13,6 %)'; a name ending in brackets takes the details into them:
    'Armutsgefährdungsquote (Vergleichswert; mit und ohne Migrationshintergrund: von 13,8 auf 12,3 Prozentpunkte)'."""
    name, bracket = re.match(r"^(.*?)(?: \(([^()]*)\))?$", indicator.name).groups()
    return f"{name} ({bracket}; {details})" if bracket else f"{name} ({details})"


def _pair(catalogue: Catalogue, target: str, reference: str) -> str:
    """'Nichtdeutsche und Deutsche', 'mit und ohne Migrationshintergrund' (qualifiers in brackets left out)."""
    first, second = (plain_label(catalogue.label("gruppe", g)) for g in (target, reference))
    head, _, rest = first.partition(" ")
    other, _, rest_other = second.partition(" ")
    if {head, other} == {"Mit", "Ohne"} and rest == rest_other:
        return f"{head.lower()} und {other.lower()} {rest}"
    return f"{first} und {second}"


def _by_trend(found: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """(trend, items) in the order gestiegen, gesunken, unverändert."""
    return [(trend, found[trend]) for trend in (RISEN, FALLEN, UNCHANGED) if found.get(trend)]


def _v(value: float, analysis: Analysis) -> str:
    """A printed value with its unit; an index as a bare number ('0,31')."""
    if analysis.unit == "Index":
        return format_number(value, analysis.decimals)
    return format_value(value, analysis.unit, analysis.decimals)


def _from(value: float, analysis: Analysis) -> str:
    """The earlier value of 'von … auf …': with its unit for shares ('von 10,0 % auf 13,4 %'), else the bare number
    ('von 45,0 auf 58,0 Tage')."""
    return _v(value, analysis) if analysis.unit == "%" else format_number(value, analysis.decimals)


# ---- Wichtigste Ergebnisse --------------------------------------------------------------------------------------

MAX_FINDINGS = 3  # per chapter
NOTABLE = 1.0  # a second or third finding of a chapter needs at least this score


def main_findings(analysed: list[tuple[Indicator, Analysis, str]], catalogue: Catalogue, year: int) -> list[dict]:
    """The one to three most notable developments of a chapter, drafted for the editor to rework.

    ``analysed``: (indicator, its Analysis from published values only, the heading of its section). Each
    indicator gives at most one finding: a target (Zielwert) reached or not yet reached, a new series from a
    break, the change of the gap between the groups, else the development of the value. The strongest come
    first; values of limited reliability (small numbers) and indicators without a recent value give none.
    """
    scored = []
    for indicator, analysis, heading in analysed:
        found = _finding(indicator, catalogue, analysis, year)
        if found is not None:
            score, text = found
            scored.append((score, {"kennzahl": indicator.name, "text": text, "abschnitt": heading}))
    scored.sort(key=lambda item: -item[0])
    return [f for n, (score, f) in enumerate(scored[:MAX_FINDINGS]) if n == 0 or score >= NOTABLE]


def _finding(indicator: Indicator, catalogue: Catalogue, analysis: Analysis, year: int) -> tuple[float, str] | None:
    latest = analysis.latest_year
    if latest is None or latest < year - 1 or analysis.limited & set(analysis.values):
        return None
    stale = 0.0 if latest == year else 1.5  # last year's value: ranked after the report year's
    breaks = [(b.ab_jahr, b.hinweis.rstrip(".")) for b in catalogue.breaks_of(indicator.id) if b.ab_jahr == latest]
    if indicator.zielwert is not None and (text := _target_finding(indicator, catalogue, analysis)):
        return 4.0 - stale, text
    if breaks:
        first, note = breaks[0]
        return 3.0 - stale, (f"Ab {first} wird die Kennzahl neu abgegrenzt ({note}); die Werte sind mit denen der "
                             "Vorjahre nur eingeschränkt vergleichbar, eine Entwicklung wird deshalb nicht beschrieben")
    gap = None
    if analysis.target and analysis.gap is not None and analysis.base_gap is not None and analysis.verdict:
        gap = _gap_finding(catalogue, analysis, stale)
    return gap or _development_finding(catalogue, analysis, stale)


def _target_finding(indicator: Indicator, catalogue: Catalogue, analysis: Analysis) -> str:
    state = target_state(indicator, analysis)
    if state is None:
        return ""
    group, value, difference = state
    who = "insgesamt" if group == "insgesamt" else f"bei den {dative(catalogue, group)}"
    reached = "erreicht" if target_reached(indicator, difference) else "noch nicht erreicht"
    by = f" (Zieljahr {indicator.zieljahr})" if indicator.zieljahr else ""
    text = (f"Der Zielwert des Integrationskonzepts von {_v(indicator.zielwert, analysis)}{by} ist "
            f"{analysis.latest_year} {reached}: der Wert liegt {who} bei {_v(value, analysis)}")
    if difference:
        text += f", {points(difference, analysis)} {'über' if difference > 0 else 'unter'} dem Zielwert"
    return text


def _gap_finding(catalogue: Catalogue, analysis: Analysis, stale: float) -> tuple[float, str] | None:
    verdict = analysis.verdict
    if verdict.trend is None:
        return None
    target, reference, latest = analysis.target, analysis.reference, analysis.latest_year
    between = f"Der Abstand zwischen den {dative(catalogue, target)} und den {dative(catalogue, reference)}"
    distance = re.sub(r"punkte$", "punkten", points(analysis.gap, analysis))  # dative: bei 5,1 Prozentpunkten
    now = (f"{latest} lagen die Werte bei {_v(analysis.values[target], analysis)} und "
           f"{_v(analysis.values[reference], analysis)}, der Abstand bei {distance}")
    change = gap_change(analysis)
    if verdict.trend == UNCHANGED:
        almost = "nahezu " if round(change, analysis.decimals) else ""
        return 0.5 - stale, f"{between} ist seit {verdict.base_year} {almost}unverändert; {now}"
    score = 2.0 + min(abs(change) / 20, 0.9) - stale
    return score, f"{between} ist seit {verdict.base_year} um {points(change, analysis)} {verdict.trend}; {now}"


def _development_finding(catalogue: Catalogue, analysis: Analysis, stale: float) -> tuple[float, str] | None:
    group, latest, trend = analysis.main_group, analysis.latest_year, analysis.trend
    value = analysis.values.get(group)
    before = analysis.base_values.get(group)
    if value is None or before is None or trend is None or trend.trend is None:
        return None
    who = "insgesamt" if group == "insgesamt" else f"bei den {dative(catalogue, group)}"
    relative = abs(value - before) / abs(before) if before else 0.0
    if trend.trend == UNCHANGED and value == before:
        return 0.2 - stale, f"Der Wert liegt {latest} {who} wie {trend.base_year} bei {_v(value, analysis)}"
    if trend.trend == UNCHANGED:
        return 0.2 - stale, (f"Der Wert ist {who} seit {trend.base_year} nahezu unverändert "
                             f"({trend.base_year}: {_v(before, analysis)}, {latest}: {_v(value, analysis)})")
    score = (1.0 + min(relative, 0.9) if relative >= 0.1 else relative * 5) - stale
    return score, (f"Der Wert ist {who} seit {trend.base_year} von {_from(before, analysis)} auf "
                   f"{_v(value, analysis)} {trend.trend}")
