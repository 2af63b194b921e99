"""Drafted German sentences of the report: per indicator the latest value, the gap and the trend.

The sentences are a draft for the editor: plain, with the numbers the tables show, never a suppressed value. Every
difference they state is the difference of the printed values (report/analysis.py). Concept texts ("Begriffe und
Datengrundlagen") come from the catalogue.

The wording is neutral and describes participation: the values of both groups, the difference in Prozentpunkten and
how it developed, in the one trend vocabulary of the report (gestiegen, gesunken, unverändert). It never ranks groups
as better or worse off, never frames a difference as a deficit and gives no ratio ("2,8 zu 1"); AVOIDED_PHRASES lists
what must not appear, READER_PHRASES the words of insiders and machines a reader cannot follow, and tests check the
report against both.
"""

from __future__ import annotations

import re

import pandas as pd

from toolkit.catalogue.model import Catalogue, Indicator
from toolkit.core.cells import format_number, format_value, listed
from toolkit.indicators.values import FALLEN, RISEN, UNCHANGED

# Deficit or ranking framing that the drafted text must never use (matched at the start of a word, any case).
AVOIDED_PHRASES = (
    "zu Ungunsten", "zuungunsten", "zu Gunsten", "zugunsten", "schlechter", "besser gestellt", "bessergestellt",
    "Defizit", "Sprachdefizit", "Integrationsdefizit", "Problem", "Ausländerproblem", "Nachholbedarf", "Rückstand",
    "hinterher", "Parallelgesellschaft", "Brennpunkt", "Überfremdung",
)
RATIO_PHRASE = re.compile(r"\bVerhältnis\s+(?:von\s+)?\d[\d.,]*\s+zu\s+\d", re.IGNORECASE)  # "Verhältnis 2,8 zu 1"

# Words of insiders and machines that the published report must not hold (issue #19: an editor of a statistical
# publication read them as "für Insider und Maschinen"): commands, the tool, settings, the catalogue, clumsy drafts.
READER_PHRASES = (
    "toolkit import", "'toolkit", "das Werkzeug", "berechnet das Werkzeug", "wo der Katalog", "der Katalog es vorsieht",
    "der eingestellten", "genauso viel wie", "(in Index)", "nach Staatsangehörigkeit nach Gruppen",
    "C5b, in neueren Berichten", "niedersächsische Monitoring", "ob ein Zielwert erreicht ist",
)


def avoided_phrases(text: str) -> list[str]:
    """The avoided phrases (and the ratio phrasing) found in ``text``."""
    found = [p for p in AVOIDED_PHRASES if re.search(r"(?<!\w)" + re.escape(p), text, re.IGNORECASE)]
    found += [m.group(0) for m in RATIO_PHRASE.finditer(text)]
    return found


def reader_phrases(text: str) -> list[str]:
    """The READER_PHRASES found in ``text`` (any case)."""
    folded = text.casefold()
    return [p for p in READER_PHRASES if p.casefold() in folded]


CONCEPTS = (
    ("staatsangehoerigkeit", "nichtdeutsch", "Ausländerinnen und Ausländer (Nichtdeutsche)"),
    ("mh_register", "mit_mh", "Migrationshintergrund (aus dem Melderegister abgeleitet)"),
    ("mh_kita", "mit_mh_kita", "Migrationshintergrund in der Kita-Statistik"),
    ("mh_mikrozensus", "mit_mh_mz", "Migrationshintergrund im Mikrozensus"),
    ("einwanderungsgeschichte", "mit_eg", "Einwanderungsgeschichte"),
    ("familiensprache", "familiensprache_nichtdeutsch", "Familiensprache"),
)
# The eight asylum countries of origin in the Bundesagentur für Arbeit's definition: named in the definitions when
# the catalogue's description of the group does not list them itself.
ASYLUM_COUNTRIES = ("Afghanistan", "Eritrea", "Irak", "Iran", "Nigeria", "Pakistan", "Somalia", "Syrien")
ASYLUM_GROUP = "asylherkunft"
NATIONALITY_ROOT = "nichtdeutsch"  # the Staatengruppen of the tables are parts of the Nichtdeutschen
# "Mit Migrationshintergrund (Mikrozensus)": the qualifier is said once per sentence group, in words
QUALIFIERS = {"Mikrozensus": "des Mikrozensus", "Kita-Statistik": "der Kita-Statistik"}
DEFINITIONS = "„Begriffe und Datengrundlagen“"
STATE_GROUPS_TITLE = "Gruppen nach Staatsangehörigkeit"

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


def plain_label(label: str) -> str:
    """A group's label without its qualifier in brackets: 'Mit Migrationshintergrund (Mikrozensus)' -> 'Mit …'."""
    return re.sub(r"\s*\([^)]*\)$", "", label)


def qualifier(label: str) -> str:
    """The qualifier in brackets at the end of a label ('Mikrozensus'), or ''."""
    found = re.search(r"\(([^)]*)\)$", label)
    return found.group(1) if found else ""


def _plural_noun(label: str) -> str:
    """'Nichtdeutsche' -> 'Nichtdeutschen'; 'Ukrainische Staatsangehörige' -> 'ukrainischen Staatsangehörigen';
    'Mit Migrationshintergrund' -> 'Personen mit Migrationshintergrund'; else 'Gruppe „…“'."""
    label = plain_label(label)
    words = label.split(" ")
    if words[0] in ("Mit", "Ohne"):
        return f"Personen {label[0].lower()}{label[1:]}"
    run = 0
    while run < len(words) and words[run].endswith("e"):
        run += 1
    if not run:
        return f"Gruppe „{label}“"
    declined = [(w.lower() if n < run - 1 else w) + "n" for n, w in enumerate(words[:run])]
    return " ".join(declined + words[run:])


def dative(catalogue: Catalogue, code: str) -> str:
    """'bei den …' form of a group."""
    if code in SPECIAL_DATIVE:
        return SPECIAL_DATIVE[code]
    noun = _plural_noun(catalogue.label("gruppe", code))
    return noun if not noun.startswith("Gruppe") else f"der {noun}"


def genitive(catalogue: Catalogue, code: str) -> str:
    """'der …' form of a group (der Wert der …, dem der …)."""
    if code in SPECIAL_GENITIVE:
        return SPECIAL_GENITIVE[code]
    return f"der {_plural_noun(catalogue.label('gruppe', code))}"


def gap_unit(unit: str, short: bool = False) -> str:
    """The unit of a difference: 'Prozentpunkte' for shares ('Pp.' where a table's legend explains it)."""
    if unit == "%":
        return "Pp." if short else "Prozentpunkte"
    if unit == "Index":
        return "Indexpunkte"
    if unit == "Anzahl":
        return ""
    return unit


def _v(value: float, analysis) -> str:
    return format_value(value, analysis.unit, analysis.decimals)


def _latest(group: str, analysis) -> str:
    text = _v(analysis.values[group], analysis)
    if group in analysis.limited:
        return f"({text}; eingeschränkte Aussagekraft)"
    return text


def points(value: float, analysis) -> str:
    """The size of a difference with its unit: '2,2 Prozentpunkte', '670', '0,02 Indexpunkte'."""
    decimals = 0 if analysis.unit == "Anzahl" else analysis.decimals
    return f"{format_number(abs(value), decimals)} {gap_unit(analysis.unit)}".strip()


def series_title(indicator: Indicator, groups: list[str]) -> str:
    """The title of an indicator's time series: its name, 'nach Gruppen' only where there are groups and the name
    does not already say by what ('Nichtdeutsche nach Staatsangehörigkeit', never '… nach Gruppen')."""
    if len(groups) < 2 or " nach " in f" {indicator.name} ":
        return indicator.name
    return f"{indicator.name} nach Gruppen"


def indicator_sentences(indicator: Indicator, catalogue: Catalogue, analysis, year: int) -> list[str]:
    """Latest value, gap and how it developed, or the development for indicators without a comparison; the
    Staatengruppen of the table; a target value where the catalogue has one."""
    latest = analysis.latest_year
    if latest is None:
        return ["Für den Berichtszeitraum ist kein Wert veröffentlichbar."]
    sentences: list[str] = []
    if not indicator.collected_in_city:
        sentences.append("Diese Kennzahl gibt es nur für Land und Bund; die folgenden Werte gelten für Sachsen-Anhalt.")
    if latest != year and not indicator.has_year(year):
        sentences.append(f"Die Kennzahl gibt es nur für die Jahre {collection_years(indicator)}; die letzten Werte "
                         f"stammen aus {latest}.")
    elif latest != year:
        sentences.append(f"Für {year} liegt noch kein Wert vor; die letzten Werte stammen aus {latest}.")
    target, reference = analysis.target, analysis.reference
    if target and target in analysis.values and reference in analysis.values:
        sentences += _gap_sentences(catalogue, analysis)
    elif target:
        sentences.append(f"Für {latest} ist der Abstand zwischen den {dative(catalogue, target)} und den "
                         f"{dative(catalogue, reference)} wegen der Geheimhaltung oder fehlender Werte nicht "
                         "ausweisbar.")
        sentences.append(development_sentence(catalogue, analysis))
    else:
        sentences.append(development_sentence(catalogue, analysis))
    if indicator.richtung in ("neutral", "deuten"):
        sentences.append("Die Kennzahl beschreibt den Kontext und wird nicht bewertet.")
    sentences += subgroup_sentences(indicator, catalogue, analysis)
    if indicator.zielwert is not None:
        sentences.append(target_sentence(indicator, catalogue, analysis))
    return [s for s in sentences if s]


def collection_years(indicator: Indicator) -> str:
    """'2019, 2024 und 2029': the years an indicator has values for (its Erhebungsjahre)."""
    return listed([str(y) for y in indicator.erhebungsjahre])


def _gap_sentences(catalogue: Catalogue, analysis) -> list[str]:
    target, reference, latest = analysis.target, analysis.reference, analysis.latest_year
    labels = [catalogue.label("gruppe", g) for g in (target, reference)]
    told = {qualifier(label) for label in labels} - {""}
    said = f" (beide in der Abgrenzung {QUALIFIERS.get(q, q)})" if len(told) == 1 and (q := told.pop()) else ""
    sentences = [f"{latest} lag der Wert bei den {dative(catalogue, target)} bei {_latest(target, analysis)}, bei den "
                 f"{dative(catalogue, reference)} bei {_latest(reference, analysis)}{said}."]
    if round(abs(analysis.gap), analysis.decimals) == 0:
        sentences.append("Zwischen beiden Gruppen besteht kein Abstand.")
    else:
        side = "über" if analysis.gap > 0 else "unter"
        sentences.append(f"Der Wert {genitive(catalogue, target)} liegt damit {points(analysis.gap, analysis)} {side} "
                         f"dem {genitive(catalogue, reference)}.")
    sentences.append(gap_development_sentence(catalogue, analysis))
    return sentences


NO_COMPARISON = {
    "keine Bewertung wegen eines Zeitreihenbruchs": "Über den Zeitreihenbruch hinweg wird die Entwicklung nicht "
                                                     "verglichen.",
    "zu kurze Zeitreihe für eine Bewertung": "Für einen Vergleich mit früheren Jahren ist die Zeitreihe noch zu kurz.",
}


def gap_development_sentence(catalogue: Catalogue, analysis) -> str:
    """'Der Abstand zwischen … ist seit 2020 um 2,2 Prozentpunkte gesunken (2020: 47,1 Prozentpunkte).'"""
    verdict = analysis.verdict
    if verdict is None:
        return ""
    if verdict.trend is None:
        return NO_COMPARISON.get(verdict.reason, "")
    between = f"Der Abstand zwischen den {dative(catalogue, analysis.target)} und den {dative(catalogue, analysis.reference)}"
    before = f" ({verdict.base_year}: {points(analysis.base_gap, analysis)})" if analysis.base_gap is not None else ""
    change = gap_change(analysis)
    if verdict.trend == UNCHANGED:
        almost = "nahezu " if round(change, analysis.decimals) else ""
        return f"{between} ist seit {verdict.base_year} {almost}unverändert{before}."
    return f"{between} ist seit {verdict.base_year} um {points(change, analysis)} {verdict.trend}{before}."


def gap_change(analysis) -> float:
    """Change of the absolute gap since the base year, from the printed gaps (so they add up)."""
    if analysis.base_gap is None:
        return analysis.verdict.delta
    return round(abs(analysis.gap), analysis.decimals) - round(abs(analysis.base_gap), analysis.decimals)


def _who(catalogue: Catalogue, group: str) -> str:
    return "insgesamt" if group == "insgesamt" else f"bei den {dative(catalogue, group)}"


def development_sentence(catalogue: Catalogue, analysis) -> str:
    """'2025 lag der Wert insgesamt bei 13,4 %; gegenüber 2024 ist er um 0,3 Prozentpunkte gestiegen, gegenüber 2020
    um 3,4 Prozentpunkte gestiegen.' (unverändert when the printed values are equal)."""
    group, latest = analysis.main_group, analysis.latest_year
    if group not in analysis.values:
        return f"Für {latest} ist der Wert gesperrt oder fehlt."
    value = _v_dative(analysis.values[group], analysis)
    if group in analysis.limited:
        value = f"({value}; eingeschränkte Aussagekraft)"
    text = f"{latest} lag der Wert {_who(catalogue, group)} bei {value}"
    changes = [(latest - back, delta) for key, back in (("vorjahr", 1), ("fuenf_jahre", 5))
               if (delta := analysis.development.get(key)) is not None]
    if not changes:
        return text + "."
    if all(round(delta, analysis.decimals) == 0 for _, delta in changes):
        return text + f"; er ist damit gegenüber {' und '.join(str(y) for y, _ in changes)} unverändert."
    parts, said = [], ""
    for before, delta in changes:
        word = UNCHANGED if round(delta, analysis.decimals) == 0 else RISEN if delta > 0 else FALLEN
        how = word if word == UNCHANGED else f"um {points(delta, analysis)}" + ("" if word == said else f" {word}")
        parts.append(f"gegenüber {before} {'ist er ' if not parts else ''}{how}")
        said = word
    return f"{text}; {', '.join(parts)}."


def _v_dative(value: float, analysis) -> str:
    """'bei 58 Tagen', 'bei 0,31 (Indexwert)', 'bei 12,3 %'."""
    if analysis.unit == "Tage":
        return f"{format_number(value, analysis.decimals)} Tagen"
    if analysis.unit == "Index":
        return f"{format_number(value, analysis.decimals)} (Indexwert)"
    return _v(value, analysis)


def subgroup_sentences(indicator: Indicator, catalogue: Catalogue, analysis) -> list[str]:
    """The Staatengruppen of the table in words: per group that is divided into parts of its own concept (the
    Nichtdeutschen into EU-Staaten and Drittstaaten, the Drittstaaten into Asylherkunftsländer, Ukraine, übrige) the
    latest printed value of each part, with a pointer to their definition."""
    groups = catalogue.groups
    shown = {analysis.main_group, analysis.target, analysis.reference}
    sentences = []
    for rule in catalogue.sum_rules:
        parent = rule.gesamt
        if rule.dimension != "gruppe" or parent not in analysis.values or parent in ("insgesamt", "deutsch"):
            continue
        concept = groups[parent].konzept if parent in groups else ""
        parts = [p for p in rule.teile if p in analysis.values and p not in shown and p in indicator.gruppen
                 and groups[p].konzept == concept]
        if not parts:
            continue
        values = [f"bei den {dative(catalogue, p)} bei {_latest(p, analysis)}" for p in parts]
        listed = values[0] if len(values) == 1 else f"{', '.join(values[:-1])} und {values[-1]}"
        sentences.append(f"Unter den {dative(catalogue, parent)} lag der Wert {analysis.latest_year} {listed}.")
    if sentences:
        sentences[-1] = sentences[-1][:-1] + f" (zur Abgrenzung der Gruppen siehe {DEFINITIONS})."
    return sentences


def target_state(indicator: Indicator, analysis) -> tuple[str, float, float] | None:
    """(group, printed value, value minus target) for the indicator's Zielwert, or None without a value."""
    group = analysis.target or analysis.main_group
    value = analysis.values.get(group)
    if value is None or indicator.zielwert is None:
        return None
    return group, value, round(value - indicator.zielwert, analysis.decimals)


def target_reached(indicator: Indicator, difference: float) -> bool:
    """Reached by the Richtung: at or above the target for plus, at or below for minus, equal otherwise."""
    return {"plus": difference >= 0, "minus": difference <= 0}.get(indicator.richtung, difference == 0)


def target_sentence(indicator: Indicator, catalogue: Catalogue, analysis) -> str:
    """'Das Integrationskonzept nennt als Zielwert 8,0 % bis 2027 (niedriger ist günstiger); 2024 liegt der Wert
    insgesamt mit 9,1 % 1,1 Prozentpunkte darüber, der Zielwert ist noch nicht erreicht.'"""
    by = f" bis {indicator.zieljahr}" if indicator.zieljahr else ""
    way = {"plus": " (höher ist günstiger)", "minus": " (niedriger ist günstiger)"}.get(indicator.richtung, "")
    text = f"Das Integrationskonzept nennt als Zielwert {_v(indicator.zielwert, analysis)}{by}{way}"
    state = target_state(indicator, analysis)
    if state is None:
        return text + "; für den letzten Berichtsstand ist kein Wert veröffentlichbar."
    group, value, difference = state
    reached = "erreicht" if target_reached(indicator, difference) else "noch nicht erreicht"
    where = "genau dort" if difference == 0 else f"{points(difference, analysis)} {'darüber' if difference > 0 else 'darunter'}"
    return (f"{text}; {analysis.latest_year} liegt der Wert {_who(catalogue, group)} mit {_v(value, analysis)} "
            f"{where}, der Zielwert ist {reached}.")


def missing_reason(indicator: Indicator, catalogue: Catalogue, year: int, received_offices: set[str],
                   block: pd.DataFrame) -> str:
    """Why an indicator has no city value for the report year."""
    if not indicator.has_year(year):
        return f"Die Kennzahl gibt es nur für die Jahre {collection_years(indicator)}, nicht für {year}."
    if not indicator.collected_in_city:
        return f"Vergleichswert für Sachsen-Anhalt und Deutschland: der Wert für {year} ist noch nicht veröffentlicht."
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
    """The concepts the catalogue uses (Ausländer vs. Migrationshintergrund etc.), the Staatengruppen, areas,
    calculation and, where notes refer to it, the Integrationsmonitoring der Länder."""
    indicators = catalogue.indicators.values()
    used = {g for i in indicators for g in i.gruppen}
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
    if state_groups := _state_groups(catalogue, used):
        items.append({"titel": STATE_GROUPS_TITLE, "text": state_groups})
    by_district = sum(1 for i in indicators if i.stadtteile)
    items.append({"titel": "Gesamtstadt, Stadtteile, Land und Bund", "text": (
        f"Alle Werte gelten für die Gesamtstadt; {by_district} der {len(catalogue.indicators)} Kennzahlen werden "
        f"zusätzlich für die {len(catalogue.districts)} Stadtteile ausgewiesen. Vergleichswerte für Sachsen-Anhalt "
        "und Deutschland stammen aus Veröffentlichungen der statistischen Ämter und der Bundesagentur für Arbeit; "
        "sie folgen teils anderen Abgrenzungen.")})
    items.append({"titel": "Berechnung der Kennzahlen", "text": (
        "Jede Kennzahl nennt ihre Quelle und ihren Stichtag; die Tabelle im nächsten Abschnitt fasst sie zusammen. "
        "Anteile werden aus den gelieferten Zählern und Nennern berechnet: Zähler geteilt durch Nenner, bei Anteilen "
        "in Prozent mal 100. Abstände zwischen zwei Gruppen und Veränderungen gegenüber früheren Jahren sind "
        "Differenzen der veröffentlichten, gerundeten Werte; bei Anteilen werden sie in Prozentpunkten angegeben "
        "(abgekürzt Pp.).")})
    if any("Integrationsmonitoring der Länder" in i.hinweis_bericht for i in indicators):
        items.append({"titel": "Integrationsmonitoring der Länder", "text": (
            "Hinweise zu einzelnen Kennzahlen vergleichen die Abgrenzung mit dem gemeinsamen Integrationsmonitoring "
            "der Länder, das die Konferenz der für Integration zuständigen Ministerinnen und Minister, Senatorinnen "
            "und Senatoren der Länder herausgibt. Die Angabe „Indikator …“ (etwa B2a) ist die Nummer der Kennzahl in "
            "diesem Bericht.")})
    return items


def _state_groups(catalogue: Catalogue, used: set[str]) -> str:
    """The parts of the Nichtdeutschen that indicators use (EU, Drittstaaten, Asylherkunftsländer, Ukraine …), each
    with its definition; the eight asylum countries named."""
    groups = catalogue.groups
    parts: list[str] = []
    todo = [NATIONALITY_ROOT]
    while todo:
        parent = todo.pop(0)
        for rule in catalogue.sum_rules:
            if rule.dimension == "gruppe" and rule.gesamt == parent:
                new = [p for p in rule.teile if p in groups and p not in parts
                       and groups[p].konzept == groups[NATIONALITY_ROOT].konzept]
                parts += new
                todo += new
    texts = []
    for code in (p for p in parts if p in used):
        text = groups[code].beschreibung
        if code == ASYLUM_GROUP and ASYLUM_COUNTRIES[0] not in text:
            text += f" Die acht Länder sind {', '.join(ASYLUM_COUNTRIES[:-1])} und {ASYLUM_COUNTRIES[-1]}."
        texts.append(f"{groups[code].bezeichnung}: {text}")
    if not texts:
        return ""
    return ("Die Nichtdeutschen werden in mehreren Kennzahlen nach Staatengruppen unterschieden. " + " ".join(texts))
