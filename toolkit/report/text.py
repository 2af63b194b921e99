"""Drafted German sentences of the report: per indicator the latest value, the gap and the trend.

The sentences are a draft for the editor: plain, with the numbers the tables show, never a
suppressed value. Concept texts ("Begriffe und Datengrundlagen") come from the catalogue.

The wording is neutral and describes participation: the values of both groups, the difference in
Prozentpunkten and how it developed. It never ranks groups as better or worse off, never frames a
difference as a deficit and gives no ratio ("2,8 zu 1"); AVOIDED_PHRASES lists what must not appear,
and a test checks the whole demo report against it.
"""

from __future__ import annotations

import re

import pandas as pd

from toolkit.catalogue.model import Catalogue, Indicator
from toolkit.core.cells import format_number, format_value
from toolkit.indicators.values import VERDICT_LARGER, VERDICT_SAME, VERDICT_SMALLER

# Deficit or ranking framing that the drafted text must never use (matched at the start of a word, any case).
AVOIDED_PHRASES = (
    "zu Ungunsten", "zuungunsten", "zu Gunsten", "zugunsten", "schlechter", "besser gestellt", "bessergestellt",
    "Defizit", "Sprachdefizit", "Integrationsdefizit", "Problem", "Ausländerproblem", "Nachholbedarf", "Rückstand",
    "hinterher", "Parallelgesellschaft", "Brennpunkt", "Überfremdung",
)
RATIO_PHRASE = re.compile(r"\bVerhältnis\s+(?:von\s+)?\d[\d.,]*\s+zu\s+\d", re.IGNORECASE)  # "Verhältnis 2,8 zu 1"


def avoided_phrases(text: str) -> list[str]:
    """The avoided phrases (and the ratio phrasing) found in ``text``."""
    found = [p for p in AVOIDED_PHRASES if re.search(r"(?<!\w)" + re.escape(p), text, re.IGNORECASE)]
    found += [m.group(0) for m in RATIO_PHRASE.finditer(text)]
    return found


CONCEPTS = (
    ("staatsangehoerigkeit", "nichtdeutsch", "Ausländerinnen und Ausländer (Nichtdeutsche)"),
    ("mh_register", "mit_mh", "Migrationshintergrund (aus dem Melderegister abgeleitet)"),
    ("mh_kita", "mit_mh_kita", "Migrationshintergrund in der Kita-Statistik"),
    ("mh_mikrozensus", "mit_mh_mz", "Migrationshintergrund im Mikrozensus"),
    ("einwanderungsgeschichte", "mit_eg", "Einwanderungsgeschichte"),
    ("familiensprache", "familiensprache_nichtdeutsch", "Familiensprache"),
)


SPECIAL_DATIVE = {
    "insgesamt": "allen Personen",
    "familiensprache_deutsch": "Kindern mit Familiensprache Deutsch",
    "familiensprache_nichtdeutsch": "Kindern mit nichtdeutscher Familiensprache",
    "bildungsauslaender": "Bildungsausländerinnen und Bildungsausländern",
    "bildungsinlaender": "Bildungsinländerinnen und Bildungsinländern",
}
SPECIAL_GENITIVE = {
    "insgesamt": "aller Personen",
    "familiensprache_deutsch": "der Kinder mit Familiensprache Deutsch",
    "familiensprache_nichtdeutsch": "der Kinder mit nichtdeutscher Familiensprache",
    "bildungsauslaender": "der Bildungsausländerinnen und Bildungsausländer",
    "bildungsinlaender": "der Bildungsinländerinnen und Bildungsinländer",
}


def _plural_noun(label: str, case: str) -> str:
    """'Nichtdeutsche' -> 'Nichtdeutschen'; 'Mit Migrationshintergrund' -> 'Personen mit Migrationshintergrund'."""
    first, _, rest = label.partition(" ")
    if first in ("Mit", "Ohne"):
        return f"Personen {label[0].lower()}{label[1:]}"
    if first.endswith("e"):
        return f"{first}n {rest}".strip()
    return f"Gruppe „{label}“" if case == "dative" else f"Gruppe „{label}“"


def dative(catalogue: Catalogue, code: str) -> str:
    """'bei den …' form of a group."""
    if code in SPECIAL_DATIVE:
        return SPECIAL_DATIVE[code]
    noun = _plural_noun(catalogue.label("gruppe", code), "dative")
    return noun if not noun.startswith("Gruppe") else f"der {noun}"


def genitive(catalogue: Catalogue, code: str) -> str:
    """'der …' form of a group (der Wert der …, dem der …)."""
    if code in SPECIAL_GENITIVE:
        return SPECIAL_GENITIVE[code]
    return f"der {_plural_noun(catalogue.label('gruppe', code), 'genitive')}"


def gap_unit(unit: str, short: bool = False) -> str:
    if unit == "%":
        return "Pp." if short else "Prozentpunkte"
    if unit == "Anzahl":
        return ""
    return unit


def _v(value: float, analysis) -> str:
    return format_value(value, analysis.unit, analysis.decimals)


def _latest(group: str, analysis) -> str:
    text = _v(analysis.values[group], analysis)
    if group in getattr(analysis, "limited", ()):
        return f"({text}; eingeschränkte Aussagekraft)"
    return text


def _points(value: float, analysis) -> str:
    unit = "Indexpunkte" if analysis.unit == "Index" else gap_unit(analysis.unit)
    return f"{format_number(abs(value), analysis.decimals)} {unit}".strip()


def indicator_sentences(indicator: Indicator, catalogue: Catalogue, analysis, year: int) -> list[str]:
    """Latest value, gap (with ratio) and trend verdict, or the development for context indicators."""
    def dat(code: str) -> str:
        return dative(catalogue, code)

    def gen(code: str) -> str:
        return genitive(catalogue, code)

    latest = analysis.latest_year
    sentences: list[str] = []
    if latest is None:
        return ["Für den Berichtszeitraum ist kein Wert veröffentlichbar."]
    if not indicator.collected_in_city:
        sentences.append("Diese Kennzahl gibt es nur für Land und Bund; die folgenden Werte gelten für Sachsen-Anhalt.")
    if latest != year:
        sentences.append(f"Für {year} liegt noch kein Wert vor; die letzten Werte stammen aus {latest}.")
    target, reference = analysis.target, analysis.reference
    if target and target in analysis.values and reference in analysis.values:
        sentences.append(f"{latest} lag der Wert bei den {dat(target)} bei {_latest(target, analysis)}, bei den "
                         f"{dat(reference)} bei {_latest(reference, analysis)}.")
        gap = analysis.gap
        if abs(gap) < 10 ** -analysis.decimals / 2:
            sentences.append("Zwischen beiden Gruppen besteht kein Abstand.")
        else:
            side = "über" if gap > 0 else "unter"
            sentences.append(f"Der Wert {gen(target)} liegt damit {_points(gap, analysis)} {side} dem {gen(reference)}.")
        sentences.append(_verdict_sentence(analysis, f"zwischen den {dat(target)} und den {dat(reference)}"))
    elif target:
        sentences.append(f"Für {latest} ist der Abstand zwischen {dat(target)} und {dat(reference)} wegen der "
                         "Geheimhaltung oder fehlender Werte nicht ausweisbar.")
        sentences.append(_development_sentence(analysis, dat))
    else:
        sentences.append(_development_sentence(analysis, dat))
        if indicator.richtung in ("neutral", "deuten"):
            sentences.append("Die Kennzahl beschreibt den Kontext und wird nicht bewertet.")
    return [s for s in sentences if s]


def _verdict_sentence(analysis, between: str) -> str:
    """How the gap developed: 'Der Abstand zwischen … hat sich seit 2020 um 2,1 Prozentpunkte verringert (2020: …).'"""
    verdict = analysis.verdict
    if verdict is None:
        return ""
    if verdict.verdict is None and verdict.base_year is not None and analysis.base_gap is not None:
        return (f"Die Kennzahl beschreibt den Kontext und wird nicht bewertet; {verdict.base_year} betrug der Abstand "
                f"{_points(analysis.base_gap, analysis)}.")
    if verdict.verdict is None:
        return f"Eine Bewertung der Entwicklung entfällt ({verdict.reason})."
    before = f" ({verdict.base_year}: {_points(analysis.base_gap, analysis)})" if analysis.base_gap is not None else ""
    if verdict.verdict == VERDICT_SAME:
        return f"Der Abstand {between} ist seit {verdict.base_year} nahezu unverändert{before}."
    word = {VERDICT_SMALLER: "verringert", VERDICT_LARGER: "vergrößert"}[verdict.verdict]
    return (f"Der Abstand {between} hat sich seit {verdict.base_year} um {_points(gap_change(analysis), analysis)} "
            f"{word}{before}.")


def gap_change(analysis) -> float:
    """Change of the absolute gap since the base year, from the rounded gaps the text shows (so they add up)."""
    if analysis.base_gap is None:
        return analysis.verdict.delta
    return round(abs(analysis.gap), analysis.decimals) - round(abs(analysis.base_gap), analysis.decimals)


def _development_sentence(analysis, dat) -> str:
    group = analysis.main_group
    if group not in analysis.values:
        return f"Für {analysis.latest_year} ist der Wert gesperrt oder fehlt."
    who = "insgesamt" if group == "insgesamt" else f"bei den {dat(group)}"
    value = _v_dative(analysis.values[group], analysis)
    if group in getattr(analysis, "limited", ()):
        value = f"({value}; eingeschränkte Aussagekraft)"
    text = f"{analysis.latest_year} lag der Wert {who} bei {value}"
    changes = []
    for key, back in (("vorjahr", 1), ("fuenf_jahre", 5)):
        delta = analysis.development.get(key)
        if delta is None:
            continue
        if abs(delta) < 10 ** -analysis.decimals / 2:
            changes.append(f"genauso viel wie {analysis.latest_year - back}")
            continue
        direction = "mehr" if delta > 0 else "weniger"
        amount = _points(delta, analysis) if analysis.unit != "Anzahl" else format_number(abs(delta), 0)
        changes.append(f"{amount} {direction} als {analysis.latest_year - back}")
    if changes and all(c.startswith("genauso") for c in changes):
        years = " und ".join(c.removeprefix("genauso viel wie ") for c in changes)
        return text + f"; das ist genauso viel wie {years}."
    return text + (f"; das sind {' und '.join(changes)}." if changes else ".")


def _v_dative(value: float, analysis) -> str:
    """'bei 58 Tagen', 'bei 0,31 (Indexwert)', 'bei 12,3 %'."""
    if analysis.unit == "Tage":
        return f"{format_number(value, analysis.decimals)} Tagen"
    if analysis.unit == "Index":
        return f"{format_number(value, analysis.decimals)} (Indexwert)"
    return _v(value, analysis)


def development_words(analysis, indicator: Indicator) -> str:
    """Trend column for indicators without a comparison group: development only, with a symbol."""
    delta = analysis.development.get("fuenf_jahre")
    back = 5
    if delta is None:
        delta, back = analysis.development.get("vorjahr"), 1
    if delta is None:
        return "– keine Vergleichswerte"
    base = analysis.values.get(analysis.main_group)
    same = abs(delta) < (0.5 if analysis.unit == "%" else max(abs(base or 0) * 0.01, 1e-9))
    word = "gleich geblieben" if same else ("gestiegen" if delta > 0 else "gesunken")
    symbol = "→" if same else ("↗" if delta > 0 else "↘")
    suffix = " (keine Bewertung)" if indicator.richtung in ("neutral", "deuten") else ""
    return f"{symbol} {word} seit {analysis.latest_year - back}{suffix}"


def quote_zielwert(indicator: Indicator, catalogue: Catalogue, analysis) -> str:
    target = indicator.zielwert
    text = f"Das Integrationskonzept nennt als Zielwert {_v(target, analysis)}"
    group = analysis.target or analysis.main_group
    value = analysis.values.get(group)
    if value is None:
        return text + "."
    diff = value - target
    if abs(diff) < 10 ** -analysis.decimals / 2:
        return text + "; er ist erreicht."
    side = "darüber" if diff > 0 else "darunter"
    return text + f"; {_value_of(catalogue, group)} liegt {_points(diff, analysis)} {side}."


def _value_of(catalogue: Catalogue, group: str) -> str:
    return "der Wert insgesamt" if group == "insgesamt" else f"der Wert {genitive(catalogue, group)}"


def missing_reason(indicator: Indicator, catalogue: Catalogue, year: int, received_offices: set[str],
                   block: pd.DataFrame) -> str:
    """Why an indicator has no city value for the report year."""
    if not indicator.collected_in_city:
        return (f"Vergleichswert für Land und Bund (Mikrozensus): der Wert für {year} ist noch nicht veröffentlicht "
                "oder noch nicht mit 'toolkit import' übernommen.")
    office = catalogue.offices.get(indicator.fachbereich)
    name = office.name if office else indicator.fachbereich
    current = block[(block["year"] == year) & (block["area"] == "gesamtstadt")] if not block.empty else block
    if not current.empty:
        flags = ";".join(current["flag"].astype(str))
        notes = "; ".join(n for n in current["note"].astype(str).unique() if n)
        if "kein Wert verfügbar" in flags:
            return f"Als „kein Wert verfügbar“ gemeldet (zuständig: {name})" + (f": {notes}" if notes else ".")
    if indicator.fachbereich not in received_offices:
        return f"Die Lieferung für {year} liegt noch nicht vor (zuständig: {name})."
    return f"Für {year} wurde kein Wert geliefert (zuständig: {name})."


def begriffe(catalogue: Catalogue) -> list[dict]:
    """The concepts the catalogue uses (Ausländer vs. Migrationshintergrund etc.), plus areas and Stichtage."""
    used = {g for i in catalogue.indicators.values() for g in i.gruppen}
    groups = catalogue.groups
    items = []
    for _concept, code, title in CONCEPTS:
        if code in groups and code in used:
            group = groups[code]
            text = group.beschreibung
            reference = groups.get(group.vergleichsgruppe)
            if reference is not None:
                text += f" Vergleichsgruppe: {reference.bezeichnung} – {reference.beschreibung}"
            items.append({"titel": title, "text": text})
    items.append({"titel": "Gesamtstadt, Stadtteile, Land und Bund", "text": (
        f"Werte gelten für die Gesamtstadt; wo der Katalog es vorsieht, auch für die {len(catalogue.districts)} "
        "Stadtteile. Vergleichswerte für Sachsen-Anhalt und Deutschland stammen aus amtlichen Veröffentlichungen "
        "und werden mit 'toolkit import' übernommen; sie folgen teils anderen Abgrenzungen.")})
    items.append({"titel": "Berechnung der Kennzahlen", "text": (
        "Jede Kennzahl nennt ihre Quelle und ihren Stichtag; die Tabelle im nächsten Abschnitt fasst sie zusammen. "
        "Anteile berechnet "
        "das Werkzeug aus den gelieferten Zählern und Nennern (Zähler geteilt durch Nenner mal Faktor); Abstände "
        "zwischen Gruppen werden in Prozentpunkten angegeben.")})
    return items


# ---- Wichtigste Ergebnisse ----------------------------------------------------------------------------

MAX_FINDINGS = 3  # per chapter
NOTABLE = 1.0  # a second or third finding of a chapter needs at least this score


def main_findings(analysed: list[tuple[Indicator, object, str]], catalogue: Catalogue, year: int,
                  threshold: float) -> list[dict]:
    """The one to three most notable developments of a chapter, drafted for the editor to rework.

    ``analysed``: (indicator, its Analysis from published values only, the heading of its section). Each
    indicator gives at most one finding: a target (Zielwert) reached or not yet reached, a new series from a
    break, the change of the gap between the groups, else the development of the value. The strongest come
    first; values of limited reliability (small numbers) and indicators without a recent value give none.
    """
    scored = []
    for indicator, analysis, heading in analysed:
        found = _finding(indicator, catalogue, analysis, year, threshold)
        if found is not None:
            score, text = found
            scored.append((score, {"kennzahl": indicator.name, "text": text, "abschnitt": heading}))
    scored.sort(key=lambda item: -item[0])
    return [f for n, (score, f) in enumerate(scored[:MAX_FINDINGS]) if n == 0 or score >= NOTABLE]


def _finding(indicator: Indicator, catalogue: Catalogue, analysis, year: int,
             threshold: float) -> tuple[float, str] | None:
    latest = analysis.latest_year
    if latest is None or latest < year - 1 or analysis.limited & set(analysis.values):
        return None
    stale = 0.0 if latest == year else 1.5  # last year's value: ranked after the report year's
    breaks = [(b.ab_jahr, b.hinweis.rstrip(".")) for b in catalogue.breaks_of(indicator.id) if b.ab_jahr == latest]
    if indicator.zielwert is not None:
        text = _target_finding(indicator, catalogue, analysis)
        if text:
            return 4.0 - stale, text
    if breaks:
        first, note = breaks[0]
        return 3.0 - stale, (f"Ab {first} wird die Kennzahl neu abgegrenzt ({note}); die Werte sind mit denen der "
                             "Vorjahre nur eingeschränkt vergleichbar, eine Entwicklung wird deshalb nicht beschrieben")
    gap = None
    if analysis.target and analysis.gap is not None and analysis.base_gap is not None and analysis.verdict:
        gap = _gap_finding(catalogue, analysis, threshold, stale)
    return gap or _development_finding(catalogue, analysis, stale)


def _target_finding(indicator: Indicator, catalogue: Catalogue, analysis) -> str:
    group = analysis.target or analysis.main_group
    value = analysis.values.get(group)
    if value is None:
        return ""
    target, latest = indicator.zielwert, analysis.latest_year
    diff = round(value, analysis.decimals) - round(target, analysis.decimals)
    reached = {"plus": diff >= 0, "minus": diff <= 0}.get(indicator.richtung, abs(diff) < 10 ** -analysis.decimals / 2)
    who = "insgesamt" if group == "insgesamt" else f"bei den {dative(catalogue, group)}"
    state = "erreicht" if reached else "noch nicht erreicht"
    text = (f"Der Zielwert des Integrationskonzepts von {_v(target, analysis)} ist {latest} {state}: der Wert liegt "
            f"{who} bei {_v(value, analysis)}")
    if abs(diff) >= 10 ** -analysis.decimals / 2:
        text += f", {_points(diff, analysis)} {'über' if diff > 0 else 'unter'} dem Zielwert"
    return text


def _gap_finding(catalogue: Catalogue, analysis, threshold: float, stale: float) -> tuple[float, str] | None:
    base_year = analysis.verdict.base_year
    if base_year is None:
        return None
    target, reference, latest = analysis.target, analysis.reference, analysis.latest_year
    between = f"Der Abstand zwischen den {dative(catalogue, target)} und den {dative(catalogue, reference)}"
    distance = re.sub(r"punkte$", "punkten", _points(analysis.gap, analysis))  # dative: bei 5,1 Prozentpunkten
    now = (f"{latest} lagen die Werte bei {_v(analysis.values[target], analysis)} und "
           f"{_v(analysis.values[reference], analysis)}, der Abstand bei {distance}")
    change = gap_change(analysis)
    verdict = analysis.verdict.verdict  # None for a context indicator: then the change itself decides
    if verdict == VERDICT_SAME or (verdict is None and abs(change) < threshold):
        return 0.5 - stale, f"{between} ist seit {base_year} nahezu unverändert; {now}"
    word = "verringert" if change < 0 else "vergrößert"
    score = 2.0 + min(abs(change) / 20, 0.9) - stale
    return score, f"{between} hat sich seit {base_year} um {_points(change, analysis)} {word}; {now}"


def _development_finding(catalogue: Catalogue, analysis, stale: float) -> tuple[float, str] | None:
    group, latest = analysis.main_group, analysis.latest_year
    value = analysis.values.get(group)
    back, delta = 5, analysis.development.get("fuenf_jahre")
    if delta is None:
        back, delta = 1, analysis.development.get("vorjahr")
    if value is None or delta is None:
        return None
    before = value - delta
    who = "insgesamt" if group == "insgesamt" else f"bei den {dative(catalogue, group)}"
    relative = abs(delta) / abs(before) if before else 0.0
    if abs(delta) < 10 ** -analysis.decimals / 2 or relative < 0.01:
        return 0.2 - stale, f"Der Wert liegt {latest} {who} wie {latest - back} bei {_v(value, analysis)}"
    word = "gestiegen" if delta > 0 else "gesunken"
    score = (1.0 + min(relative, 0.9) if relative >= 0.1 else relative * 5) - stale
    return score, (f"Der Wert ist {who} seit {latest - back} von {_v_from(before, analysis)} auf "
                   f"{_v(value, analysis)} {word}")


def _v_from(value: float, analysis) -> str:
    """'von 52,0 Tagen', 'von 0,34' (an index without its unit), 'von 12,3 %'."""
    if analysis.unit == "Index":
        return format_number(value, analysis.decimals)
    return _v_dative(value, analysis)
