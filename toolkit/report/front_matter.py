"""The report's front and back matter: "Auf einen Blick", the Impressum, the Abkürzungen and the Glossar.

"Auf einen Blick" (the page after the cover and Impressum, as the integration reports of Leipzig, Nürnberg, Wiesbaden
and Hamburg open) shows about ten key figures of the report year: the printed value of the Zusammenfassung's rows
(report/summary.py, published values as printed, never a raw one) with a one-line neutral reading. A row whose value
is suppressed, bracketed (small base) or not of the report year is never chosen. The core indicators come first,
one per Handlungsfeld in turn, so the page spans the report.

The Impressum comes from the settings ([bericht] and [veroeffentlichung], the same as the website's Impressum). The
Abkürzungen are the ones the report actually prints (ABBREVIATIONS found in the filled template's texts); the Glossar
explains the terms a reader meets in every chapter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

import pandas as pd

from toolkit.catalogue.model import CITY, Catalogue, Indicator
from toolkit.core.cells import count_of, german_date
from toolkit.core.settings import Settings
from toolkit.indicators.values import footnotes_for
from toolkit.report.summary import PREVIOUS_YEAR_MARK

KEY_FIGURES = 10  # "about ten" key figures on the page Auf einen Blick

# Every abbreviation the report may print, with its meaning (sorted as listed). A test checks that the report lists
# each one it prints and prints each one it lists; a new abbreviation in a text or the catalogue goes here.
ABBREVIATIONS: dict[str, str] = {
    "Abb.": "Abbildung",
    "BA": "Bundesagentur für Arbeit",
    "BAMF": "Bundesamt für Migration und Flüchtlinge",
    "bzw.": "beziehungsweise",
    "d. h.": "das heißt",
    "EFTA": "Europäische Freihandelsassoziation (Island, Liechtenstein, Norwegen, Schweiz)",
    "EU": "Europäische Union",
    "EWG": "Europäische Wirtschaftsgemeinschaft",
    "EWR": "Europäischer Wirtschaftsraum",
    "ggf.": "gegebenenfalls",
    "IT.NRW": "Information und Technik Nordrhein-Westfalen (Statistisches Landesamt)",
    "Kita": "Kindertageseinrichtung",
    "LSA": "Land Sachsen-Anhalt",
    "Nr.": "Nummer",
    "OSM": "OpenStreetMap",
    "Pp.": "Prozentpunkte",
    "SGB": "Sozialgesetzbuch",
    "SGB II": "Zweites Buch Sozialgesetzbuch (Grundsicherung für Arbeitsuchende)",
    "SGB III": "Drittes Buch Sozialgesetzbuch (Arbeitsförderung)",
    "SGB XII": "Zwölftes Buch Sozialgesetzbuch (Sozialhilfe)",
    "sog.": "sogenannt",
    "u. a.": "unter anderem",
    "usw.": "und so weiter",
    "vgl.": "vergleiche",
    "z. B.": "zum Beispiel",
}

# Terms a reader meets in every chapter, in German, short (the Begriffe chapter explains the data behind them).
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Asylherkunftsländer", "Die acht zugangsstärksten Herkunftsländer von Asylsuchenden in der Abgrenzung der "
                            "Bundesagentur für Arbeit (aufgezählt unter „Begriffe und Datengrundlagen“)."),
    ("Drittstaaten", "Staaten außerhalb der Europäischen Union; Drittstaatsangehörige haben keine Staatsangehörigkeit "
                     "eines Mitgliedstaats der EU (ob die EFTA-Staaten dazuzählen, steht unter „Begriffe und "
                     "Datengrundlagen“)."),
    ("Einwanderungsgeschichte", "Eine Person ist selbst seit 1950 nach Deutschland eingewandert oder beide Eltern "
                                "sind eingewandert (Abgrenzung des Mikrozensus seit 2023)."),
    ("Migrationshintergrund", "Eine Person hat einen Migrationshintergrund, wenn sie selbst oder mindestens ein "
                              "Elternteil die deutsche Staatsangehörigkeit nicht durch Geburt besitzt (Mikrozensus); "
                              "Melderegister und Kita-Statistik leiten ihn anders ab (siehe „Begriffe und "
                              "Datengrundlagen“)."),
    ("Nenner", "Die Bezugsgröße eines Anteils (zum Beispiel alle Einwohnerinnen und Einwohner), durch die der Zähler "
               "geteilt wird."),
    ("Nichtdeutsche", "Personen ohne deutsche Staatsangehörigkeit (Ausländerinnen und Ausländer); Deutsche mit "
                      "weiterer Staatsangehörigkeit zählen als Deutsche."),
    ("Prozentpunkte", "Der Abstand zweier Anteile: von 10 % auf 12 % sind es 2 Prozentpunkte (20 Prozent mehr)."),
    ("Stichtag", "Der Tag, auf den sich ein Bestand bezieht (zum Beispiel 31.12. eines Jahres); Werte eines "
                 "Zeitraums (ein Kalender- oder Schuljahr) haben keinen Stichtag, sondern einen Berichtszeitraum."),
    ("Zähler", "Die Zahl der Fälle, deren Anteil an der Bezugsgröße (Nenner) eine Quote angibt."),
)

DEFAULT_NACHDRUCK = ("Nachdruck und Vervielfältigung, auch auszugsweise, nur mit Quellenangabe gestattet. Die Werte "
                     "der Tabellen stehen im Tabellenanhang und als offene Daten zur Verfügung.")


def front_context(summary: Iterable[tuple[Indicator, dict | None]], catalogue: Catalogue, settings: Settings,
                  year: int, compiled: dt.date, published: pd.DataFrame, deliveries: list[dict]) -> dict:
    """The template's keys for the Impressum, Auf einen Blick and the Glossar (the Abkürzungen come last, from the
    filled context: ``printed_abbreviations``). ``published``: the protected table, for the values' flags;
    ``deliveries``: the round's deliveries (report/deliveries.py), for the data date."""
    figures = key_figures(summary, catalogue, year, flags=_flags(published, year))
    return {
        "impressum": impressum(settings, year, compiled, data_date(deliveries)),
        "auf_einen_blick": figures,
        "auf_einen_blick_text": (
            f"{count_of(len(figures), 'Kennzahl', 'Kennzahlen')} des Berichtsjahres {year} aus den Handlungsfeldern "
            "des Berichts: der veröffentlichte Wert, darunter die Gruppe, der Vergleichswert und die Entwicklung. "
            "Werte, die gesperrt sind oder auf kleinen Fallzahlen beruhen, sind nicht ausgewählt; Einzelheiten "
            "stehen in den Kapiteln." if figures else
            f"Für {year} ist noch keine Kennzahl veröffentlicht."),
        "auf_einen_blick_quelle": "Quellen und Stichtage: siehe „Quellen und Stichtage“ und die Kapitel."
        if figures else "",
        "glossar": glossary(),
    }


def _flags(published: pd.DataFrame, year: int) -> dict[tuple[str, str, str], str]:
    """(indicator, area, group) -> the flag of its published value of ``year`` (sex insgesamt), where one is set."""
    rows = published[(published["year"] == year) & (published["sex"] == "insgesamt") & (published["flag"] != "")]
    return {(r.indicator, r.area, r.group): str(r.flag) for r in rows.itertuples(index=False)}


def key_figures(summary: Iterable[tuple[Indicator, dict | None]], catalogue: Catalogue, year: int,
                limit: int = KEY_FIGURES, flags: dict[tuple[str, str, str], str] | None = None) -> list[dict]:
    """Up to ``limit`` key figures of ``year`` from the Zusammenfassung's rows: {"wert", "kennzahl", "lesart"}.

    Core indicators first, then the others; within each, one per Handlungsfeld in turn (catalogue order), so no
    field fills the page. A row is chosen only if its value is the city's (not a Land's comparison value) and
    printed as a number for ``year`` (not suppressed, not bracketed for a small base)."""
    usable = [(i, r) for i, r in summary if r is not None and i.collected_in_city and _printable(r, year)]
    chosen: list[tuple[Indicator, dict]] = []
    for core in (True, False):
        chosen += _round_robin([(i, r) for i, r in usable if i.kern == core], catalogue)
    return [_figure(indicator, row, catalogue, flags or {}) for indicator, row in chosen[:limit]]


def _printable(row: dict, year: int) -> bool:
    value = row["wert"]
    return row["jahr"] == str(year) and bool(re.match(r"^\u2212?\d", value))


def _round_robin(rows: list[tuple[Indicator, dict]], catalogue: Catalogue) -> list[tuple[Indicator, dict]]:
    order = {f.code: n for n, f in enumerate(catalogue.fields)}
    by_field: dict[str, list[tuple[Indicator, dict]]] = {}
    for indicator, row in rows:
        by_field.setdefault(indicator.handlungsfeld, []).append((indicator, row))
    queues = [by_field[code] for code in sorted(by_field, key=lambda c: order.get(c, len(order)))]
    result = []
    while any(queues):
        for queue in queues:
            if queue:
                result.append(queue.pop(0))
    return result


def _figure(indicator: Indicator, row: dict, catalogue: Catalogue, flags: dict[tuple[str, str, str], str]) -> dict:
    """The large number, what it is and a neutral one-line reading (comparison value and development in words; a
    provisional or estimated value says so, as the indicator's table marks it with a footnote)."""
    reading = [f"{row['gruppe']}, {row['jahr']}"]
    if row.get("vergleich") and row.get("vergleichswert"):
        reading.append(f"{row['vergleich']}: {row['vergleichswert']}")
    if row.get("abstand") and row["abstand"] != ".":
        reading.append(f"Abstand {row['abstand']}")
    development = row.get("entwicklung", "")
    if development.startswith(("Wert ", "Abstand ")):  # a trend in the report's vocabulary, not a reason for none
        since = "dem Vorjahr" if development.endswith(PREVIOUS_YEAR_MARK) else str(int(row["jahr"]) - 5)
        reading.append(f"{development.removesuffix(PREVIOUS_YEAR_MARK)} gegenüber {since}")
    groups = {catalogue.label("gruppe", code): code for code in indicator.gruppen}
    reading += footnotes_for([flags.get((indicator.id, CITY, groups.get(row["gruppe"], "")), "")])
    return {"wert": row["wert"], "kennzahl": indicator.name, "kennung": indicator.id, "lesart": "; ".join(reading)}


def data_date(deliveries: list[dict]) -> dt.date | None:
    """The day the round's last delivery in effect was taken over (merged or imported); None without one."""
    days = []
    for delivery in deliveries:
        found = re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4})", delivery["zeitpunkt"])  # withdrawn or rejected: more words
        if found:
            days.append(dt.date(int(found[3]), int(found[2]), int(found[1])))
    return max(days, default=None)


def impressum(settings: Settings, year: int, compiled: dt.date, data: dt.date | None = None) -> dict:
    """The Impressum's lines from the settings (the website uses the same ones); Stand: the day of compiling and
    ``data``, the day the last data of the round were taken over."""
    kontakt = " · ".join(part for part in (settings.feedback_phone and f"Telefon {settings.feedback_phone}",
                                           settings.feedback_email and f"E-Mail {settings.feedback_email}") if part)
    return {
        "herausgeber": settings.publisher,
        "anschrift": settings.veroeffentlichung_anschrift,
        "bearbeitung": ", ".join(p for p in (settings.koordination_name, settings.koordination_funktion) if p),
        "kontakt": kontakt,
        "stand": f"{german_date(compiled)} (Berichtsjahr {year}"
                 + (f", Daten übernommen bis {german_date(data)}" if data else "")
                 + "; Stichtage und Zeiträume je Kennzahl unter „Quellen und Stichtage“)",
        "nachdruck": settings.nachdruck or DEFAULT_NACHDRUCK,
    }


def glossary() -> list[dict]:
    return [{"begriff": term, "erklaerung": text} for term, text in GLOSSARY]


def printed_abbreviations(context: dict, *texts: str) -> list[dict]:
    """The Abkürzungen of a filled context (every string in it but the list itself) and further ``texts`` (the
    template's fixed words)."""
    return abbreviations_in([*texts, *strings_of({k: v for k, v in context.items() if k != "abkuerzungen"})])


def abbreviations_in(texts: Iterable[str]) -> list[dict]:
    """The ABBREVIATIONS that occur in ``texts`` (as a whole word), with their meaning, sorted case-insensitively."""
    joined = "\n".join(texts)
    found = [a for a in ABBREVIATIONS if abbreviation_pattern(a).search(joined)]
    return [{"abkuerzung": a, "bedeutung": ABBREVIATIONS[a]} for a in sorted(found, key=str.casefold)]


def abbreviation_pattern(abbreviation: str) -> re.Pattern[str]:
    """``abbreviation`` as a whole word: "EU" also in "EU-Staaten" but not in "EUR"; "SGB II" also in
    "SGB-II-Quote"; "SGB" alone only where no book number follows."""
    body = re.escape(abbreviation).replace(r"\ ", r"[\s\u00a0-]")
    tail = "" if abbreviation.endswith(".") else r"(?!\w)"
    if abbreviation == "SGB":
        tail = r"(?!\w|[\s\u00a0-][IVX]+\b)"
    return re.compile(r"(?<![\w.])" + body + tail)


def strings_of(value: object) -> Iterator[str]:
    """Every string inside a docxtpl context (dicts, lists, tuples; other objects are left out)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_of(item)
    elif hasattr(value, "context") and callable(value.context):
        yield from strings_of(value.context())
