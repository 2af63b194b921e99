"""The indicator catalogue: sheet layout, loading from Indikatorenmatrix.xlsx or the default CSVs, validation.

The catalogue is configuration as data. The coordinator edits it in Excel; every mistake is reported
in German with sheet, row and column so it can be fixed there.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from toolkit.catalogue.breakdowns import (
    AGE_LABEL,
    NATIONALITY_GROUP,
    NATIONALITY_LABEL,
    AgeGroup,
    Nationality,
    check_age_groups,
    check_indicator_breakdowns,
    check_nationalities,
)
from toolkit.catalogue.links import Link, check_links
from toolkit.catalogue.rows import RowChecker, is_valid_address
from toolkit.catalogue.sheets import (  # noqa: F401 - re-exported: callers import them from here
    AGE_GROUPS,
    BREAKS,
    CHARACTERISTICS,
    FIELDS,
    INDICATORS,
    LEGACY_NOTES_NOTICE,
    LINKS,
    NATIONALITIES,
    OFFICES,
    PROFILES,
    SHEETS,
    SUM_RULES,
    Column,
    Direction,
    IndicatorType,
    Level,
    RawRow,
    SheetSpec,
    catalogue_bytes,
    cell_ref,
    default_rows,
    unit_problem,
    workbook_rows,
)
from toolkit.catalogue.sheets import DISTRICTS as DISTRICT_SHEET
from toolkit.catalogue.wording import working_notes
from toolkit.core.cells import format_number
from toolkit.core.errors import CatalogueError
from toolkit.core.keys import ALL
from toolkit.core.problems import Problem, problem
from toolkit.core.runtime import ContentMemo
from toolkit.core.workspace import for_user

# --------------------------------------------------------------------------------------------------
# Domain objects


@dataclass(frozen=True)
class Indicator:
    id: str
    handlungsfeld: str
    name: str
    definition: str
    typ: IndicatorType
    zaehler: str
    nenner: str
    faktor: float
    einheit: str
    gruppen: tuple[str, ...]
    geschlecht: bool
    stadtteile: bool
    quelle: str
    fachbereich: str
    richtung: Direction
    periodizitaet: str
    stichtag: str
    ebene: Level
    kern: bool
    geheimhaltung: str
    min_wert: float | None
    max_wert: float | None
    max_aenderung_prozent: float | None
    referenz: str
    hinweis_bericht: str  # for readers: printed under the indicator in the published report
    notiz_intern: str  # for the coordination: only in the internal edition, never published
    zielwert: float | None = None
    altersgruppen: tuple[str, ...] = ()  # collected by the age groups of these Verwendungen (sheet Altersgruppen)
    alter_gruppen: tuple[str, ...] = ()  # the groups collected by age; empty: every group of the indicator
    staatsangehoerigkeiten: bool = False  # collected by single nationality, within the group nichtdeutsch
    zieljahr: int | None = None  # the year by which the Integrationskonzept wants the Zielwert reached
    erhebungsjahre: tuple[int, ...] = ()  # the only years with values (e.g. Wahljahre); empty: every year

    def has_year(self, year: int) -> bool:
        """Whether the indicator can have a value for ``year`` (one of its Erhebungsjahre, if it names any)."""
        return not self.erhebungsjahre or year in self.erhebungsjahre

    @property
    def measures(self) -> tuple[str, ...]:
        """What an office delivers: Zähler and Nenner for rates, one value otherwise."""
        return ("zaehler", "nenner") if self.typ == IndicatorType.QUOTE else ("wert",)

    @property
    def is_count(self) -> bool:
        """True if every delivered number is a count of persons or cases (whole, not negative)."""
        return self.typ in (IndicatorType.ANZAHL, IndicatorType.QUOTE)

    @property
    def collected_in_city(self) -> bool:
        """Indicators with ebene = land (Mikrozensus) are only imported as comparison values."""
        return self.ebene == Level.STADT

    @property
    def allows_over_100(self) -> bool:
        """Rates such as Kita quotas may exceed 100 % (counted at the place of care)."""
        return self.typ == IndicatorType.QUOTE and self.max_wert is not None and self.max_wert > self.faktor


@dataclass(frozen=True)
class Field:
    code: str
    name: str
    beschreibung: str
    reihenfolge: int
    magdeburg_handlungsfeld: str = ""
    kgst_bezug: str = ""
    intmk_bezug: str = ""


@dataclass(frozen=True)
class Characteristic:
    dimension: str
    code: str
    bezeichnung: str
    konzept: str = ""
    beschreibung: str = ""
    vergleichsgruppe: str = ""
    gueltig_ab: int | None = None  # the first year its concept exists (Einwanderungsgeschichte: Mikrozensus 2021)

    def exists_in(self, year: int) -> bool:
        return self.gueltig_ab is None or year >= self.gueltig_ab


@dataclass(frozen=True)
class SumRule:
    dimension: str
    gesamt: str
    teile: tuple[str, ...]
    hinweis: str = ""


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    ansprechperson: str
    email: str
    vertretung_email: str = ""
    extern: bool = False
    notiz_intern: str = ""  # for the coordination only (e.g. a name still to be confirmed)


@dataclass(frozen=True)
class District:
    """A Stadtteil with the Amt für Statistik's key (text, two digits: "04" = Alte Neustadt)."""

    schluessel: str
    name: str
    einwohner: int | None = None  # inhabitants (the catalogue's stand), for sparsely populated Stadtteile
    gering_besiedelt: bool = False  # marked by hand, in addition to the population threshold
    hinweis: str = ""
    nummer: int | None = None  # catalogues up to 0.2: the alphabetical number (read to upgrade by name)

    @property
    def area(self) -> str:
        return district_area(self.schluessel)

    def sparse(self, min_population: int) -> bool:
        """Too few inhabitants for a rate of its own (marked, or fewer than ``min_population``)."""
        return self.gering_besiedelt or (self.einwohner is not None and self.einwohner < min_population)

    @property
    def empty(self) -> bool:
        """No inhabitants at all: its values are shown as – (nichts vorhanden)."""
        return self.einwohner == 0


@dataclass(frozen=True)
class Profile:
    code: str
    beschreibung: str
    rundung_basis: int
    min_fallzahl: int
    min_nenner: int
    symbol: str
    klammer_unter: int | None = None  # case counts from the minimum up to below this are shown in brackets


@dataclass(frozen=True)
class SeriesBreak:
    indikator: str
    ab_jahr: int
    hinweis: str


DEFAULT_SOURCE = "Standardkatalog"  # the source of the packaged default catalogue
ELECTION_YEAR = "Wahljahr"  # the Periodizität of values that exist only in the years of an election

CITY = "gesamtstadt"
LAND = "sachsen-anhalt"
GERMANY = "deutschland"
AREA_LABELS = {CITY: "Gesamtstadt", LAND: "Sachsen-Anhalt", GERMANY: "Deutschland"}


CITY_KEY = "15003"  # the Gesamtstadt in the Amt für Statistik's tables (KISS-MD)
CITY_AGS = "15003000"  # Amtlicher Gemeindeschlüssel: the whole city in the open-data export


def district_area(key: str) -> str:
    """The area code of a Stadtteil in the store: 'st' + the Amt's key, e.g. 'st04' (Alte Neustadt)."""
    return f"st{key}"


AREA_KEYS = {CITY: CITY_AGS, LAND: "15", GERMANY: "DG"}  # AGS of the city, Länderschlüssel, Deutschland as in GENESIS


def area_key(area: str) -> str:
    """The official key of an area: the Amt's Stadtteil key ('st04' -> '04'), the city's AGS 15003000, the
    Land's 15, Deutschland DG (as in GENESIS); anything else as it is."""
    if area in AREA_KEYS:
        return AREA_KEYS[area]
    return area[2:] if area.startswith("st") and area[2:].isdigit() else area


@dataclass(frozen=True)
class Catalogue:
    source: str
    indicators: dict[str, Indicator]
    fields: tuple[Field, ...]
    characteristics: tuple[Characteristic, ...]
    sum_rules: tuple[SumRule, ...]
    offices: dict[str, Office]
    districts: tuple[District, ...]
    profiles: dict[str, Profile]
    breaks: tuple[SeriesBreak, ...] = field(default=())
    legacy_areas: dict[str, str] = field(default_factory=dict)  # up to 0.2: old area -> area by official key
    links: tuple[Link, ...] = field(default=())
    notices: tuple[str, ...] = field(default=())  # German hints for the user, e.g. an older catalogue layout read
    age_groups: tuple[AgeGroup, ...] = field(default=())  # sheet Altersgruppen, in its order
    nationalities: tuple[Nationality, ...] = field(default=())  # sheet Staatsangehörigkeiten, in its order
    warnings: tuple[Problem, ...] = field(default=())  # Warnungen about its content (wording.py), named by cell

    @cached_property
    def groups(self) -> dict[str, Characteristic]:
        return {c.code: c for c in self.characteristics if c.dimension == "gruppe"}

    @cached_property
    def sexes(self) -> dict[str, Characteristic]:
        return {c.code: c for c in self.characteristics if c.dimension == "geschlecht"}

    @cached_property
    def _labels(self) -> dict[tuple[str, str], str]:
        """(dimension, code) -> German label, for gruppe, geschlecht, altersgruppe and staatsangehoerigkeit."""
        found = {(c.dimension, c.code): c.bezeichnung for c in self.characteristics}
        found |= {("altersgruppe", a.code): a.bezeichnung for a in self.age_groups}
        found |= {("staatsangehoerigkeit", n.schluessel): n.bezeichnung for n in self.nationalities}
        return found | {("altersgruppe", ALL): AGE_LABEL, ("staatsangehoerigkeit", ALL): NATIONALITY_LABEL}

    def label(self, dimension: str, code: str) -> str:
        """German label of a group, sex, age group or nationality code (``dimension`` gruppe, geschlecht,
        altersgruppe or staatsangehoerigkeit; the code itself if unknown)."""
        return self._labels.get((dimension, code), code)

    def labels(self, dimension: str, codes: Iterable[str]) -> str:
        """The German labels of ``codes`` for a message: 'Insgesamt, Deutsche, Nichtdeutsche'."""
        return ", ".join(self.label(dimension, code) for code in codes)

    @cached_property
    def _codes(self) -> dict[tuple[str, str], str]:
        """(dimension, name_key of a code or its German label) -> the code."""
        found = {(dimension, name_key(label)): code for (dimension, code), label in self._labels.items()}
        found |= {(dimension, name_key(code)): code for dimension, code in self._labels}
        return found | {("altersgruppe", "insgesamt"): ALL, ("staatsangehoerigkeit", "insgesamt"): ALL}

    def code(self, dimension: str, written: object, allowed: Iterable[str]) -> str | None:
        """The code among ``allowed`` that ``written`` names in ``dimension`` (gruppe, geschlecht, altersgruppe,
        staatsangehoerigkeit): its code ('nichtdeutsch', '475') or its German label ('Nichtdeutsche', 'Syrien'),
        compared loosely (name_key; a nationality key also without its leading zeros); else None."""
        text = str(written).strip() if written is not None else ""
        if dimension == "staatsangehoerigkeit" and text.isdigit() and len(text) < 3:
            text = text.zfill(3)
        code = self._codes.get((dimension, name_key(text)))
        return code if code is not None and code in allowed else None

    # ---- age groups and nationalities -----------------------------------------------------------------

    @cached_property
    def age_group(self) -> dict[str, AgeGroup]:
        """The age groups by code."""
        return {a.code: a for a in self.age_groups}

    @cached_property
    def nationality(self) -> dict[str, Nationality]:
        """The nationalities by key."""
        return {n.schluessel: n for n in self.nationalities}

    def partitions(self, indicator: Indicator) -> dict[str, tuple[str, ...]]:
        """Verwendung -> its age group codes (together every age once), for each Verwendung of ``indicator``."""
        return {use: tuple(a.code for a in self.age_groups if use in a.verwendung) for use in indicator.altersgruppen}

    def ages_of(self, indicator: Indicator) -> tuple[str, ...]:
        """The age groups a value of ``indicator`` may have besides "alle", in the order of the sheet Altersgruppen."""
        uses = set(indicator.altersgruppen)
        return tuple(a.code for a in self.age_groups if uses.intersection(a.verwendung))

    def groups_by_age(self, indicator: Indicator) -> tuple[str, ...]:
        """The groups of ``indicator`` that are collected by age (none if it is not collected by age)."""
        if not indicator.altersgruppen:
            return ()
        return indicator.alter_gruppen or indicator.gruppen

    def nationalities_of(self, indicator: Indicator, *, collected: bool = False) -> tuple[str, ...]:
        """Its nationalities besides "alle" (group nichtdeutsch); ``collected``: only those asked one by one."""
        if not indicator.staatsangehoerigkeiten:
            return ()
        return tuple(n.schluessel for n in self.nationalities
                     if NATIONALITY_GROUP in n.gruppen and (n.einzeln or not collected))

    def ages_for(self, indicator: Indicator, group: str) -> tuple[str, ...]:
        """The age groups of a value in ``group``: "alle", and its age groups if the group is collected by age."""
        return (ALL, *self.ages_of(indicator)) if group in self.groups_by_age(indicator) else (ALL,)

    def nationalities_for(self, indicator: Indicator, group: str) -> tuple[str, ...]:
        """The nationalities of a value in ``group``: "alle", in nichtdeutsch also those of ``nationalities_of``."""
        return (ALL, *self.nationalities_of(indicator)) if group == NATIONALITY_GROUP else (ALL,)

    def members(self, group: str) -> tuple[str, ...]:
        """The nationalities that belong to ``group`` (sheet Staatsangehörigkeiten, column Gruppen)."""
        return tuple(n.schluessel for n in self.nationalities if group in n.gruppen)

    def sexes_of(self, indicator: Indicator) -> tuple[str, ...]:
        """The sexes a value of ``indicator`` may have: the catalogue's if it is collected by sex, else insgesamt."""
        return tuple(self.sexes) if indicator.geschlecht else ("insgesamt",)

    def area_label(self, area: str) -> str:
        if area in AREA_LABELS:
            return AREA_LABELS[area]
        for district in self.districts:
            if district.area == area:
                return district.name
        return area

    def indicators_of_office(self, office: str, year: int | None = None) -> list[Indicator]:
        """The indicators an office collects in the city (catalogue order); with ``year``: those it collects for
        that year (an Erhebungsjahr, and a group that exists then)."""
        return [i for i in self.indicators.values() if i.fachbereich == office and i.collected_in_city
                and (year is None or self.groups_in(i, year))]

    def groups_in(self, indicator: Indicator, year: int) -> tuple[str, ...]:
        """The groups of ``indicator`` that can have a value for ``year``: none outside its Erhebungsjahre, and
        only groups whose concept exists in that year (Merkmale: Gültig ab)."""
        if not indicator.has_year(year):
            return ()
        groups = self.groups
        return tuple(g for g in indicator.gruppen if g not in groups or groups[g].exists_in(year))

    def impossible(self, indicator: str, year: int, group: str) -> str:
        """Why a value of ``indicator`` for ``year`` in ``group`` cannot exist: "jahr" (not one of its
        Erhebungsjahre), "gruppe" (the group's concept starts later), or "" (it can; also for unknown codes)."""
        known = self.indicators.get(indicator)
        if known is not None and not known.has_year(year):
            return "jahr"
        characteristic = self.groups.get(group)
        return "gruppe" if characteristic is not None and not characteristic.exists_in(year) else ""

    def indicators_of_field(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.handlungsfeld == code]

    def offices_with_indicators(self, year: int | None = None) -> list[Office]:
        """Offices that own at least one collected indicator (for ``year``, if given), in catalogue order."""
        owners = {i.fachbereich for i in self.indicators.values() if i.collected_in_city
                  and (year is None or self.groups_in(i, year))}
        return [o for code, o in self.offices.items() if code in owners]

    def breaks_of(self, indicator: str) -> list[SeriesBreak]:
        return [b for b in self.breaks if b.indikator == indicator]


# --------------------------------------------------------------------------------------------------
# Building and validating the catalogue


# The catalogues this process built, by the bytes of their workbook and its path (the source their messages name):
# checking every row costs 10 ms for the default catalogue, and one command loads it several times (the test suite
# about 590 times). Each caller gets its own dicts; a catalogue with problems raises and is never kept.
BUILT: ContentMemo[Catalogue] = ContentMemo()


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and validate the catalogue from ``path`` (or the packaged defaults if None)."""
    data = None if path is None else catalogue_bytes(path)
    key = (DEFAULT_SOURCE,) if data is None else BUILT.key(data, str(path))
    built = BUILT.get(key)
    if built is None:
        notices: list[str] = []
        rows = default_rows() if path is None else workbook_rows(path, notices, data)
        built = build_catalogue(rows, DEFAULT_SOURCE if path is None else str(path), notices=tuple(notices))
        BUILT.put(key, built)
    return dataclasses.replace(built, indicators=dict(built.indicators), offices=dict(built.offices),
                               profiles=dict(built.profiles), legacy_areas=dict(built.legacy_areas))


def build_catalogue(rows: dict[str, list[RawRow]], source: str, notices: tuple[str, ...] = ()) -> Catalogue:
    """Turn raw rows into a Catalogue; collect every problem and raise one CatalogueError. What is allowed but
    looks wrong (a working note in a public column) becomes a Warnung in ``Catalogue.warnings``."""
    check = RowChecker()
    field_pairs = check.make_all(Field, rows["Handlungsfelder"], FIELDS)
    char_pairs = check.make_all(Characteristic, rows["Merkmale"], CHARACTERISTICS)
    office_pairs = check.make_all(Office, rows["Fachbereiche"], OFFICES)
    legacy_areas = official_keys(rows["Stadtteile"], check)
    district_pairs = check.make_all(District, rows["Stadtteile"], DISTRICT_SHEET)
    profile_pairs = check.make_all(Profile, rows["Geheimhaltung"], PROFILES)
    indicator_pairs = check.make_all(Indicator, rows["Indikatoren"], INDICATORS)
    rule_pairs = check.make_all(SumRule, rows["Summenregeln"], SUM_RULES)
    break_pairs = check.make_all(SeriesBreak, rows.get("Zeitreihenbrueche", []), BREAKS)
    link_pairs = check.make_all(Link, rows.get("Gleiche Zahlen", []), LINKS)
    age_pairs = check.make_all(AgeGroup, rows.get(AGE_GROUPS.name, []), AGE_GROUPS)
    nationality_pairs = check.make_all(Nationality, rows.get(NATIONALITIES.name, []), NATIONALITIES)
    fields = tuple(sorted((f for f, _ in field_pairs), key=lambda f: f.reihenfolge))
    characteristics = tuple(c for c, _ in char_pairs)
    offices_list = [o for o, _ in office_pairs]
    districts = tuple(d for d, _ in district_pairs)
    profiles_list = [p for p, _ in profile_pairs]
    indicators_list = [i for i, _ in indicator_pairs]
    sum_rules = tuple(r for r, _ in rule_pairs)
    breaks = tuple(b for b, _ in break_pairs)

    check.unique(FIELDS, rows["Handlungsfelder"], "code")
    check.unique(OFFICES, rows["Fachbereiche"], "code")
    check.unique(DISTRICT_SHEET, rows["Stadtteile"], "schluessel")
    check.unique(DISTRICT_SHEET, rows["Stadtteile"], "name")
    check.unique(PROFILES, rows["Geheimhaltung"], "code")
    check.unique(INDICATORS, rows["Indikatoren"], "id")
    for spec, key in ((AGE_GROUPS, "code"), (AGE_GROUPS, "bezeichnung"), (NATIONALITIES, "schluessel"),
                      (NATIONALITIES, "bezeichnung")):  # a label names one age group or nationality (import, export)
        check.unique(spec, rows.get(spec.name, []), key)
    seen_chars: set[tuple[str, str]] = set()
    for raw in rows["Merkmale"]:
        key = (raw.values.get("dimension", ""), raw.values.get("code", ""))
        if key in seen_chars:
            check.add(CHARACTERISTICS, raw, "code", f"der Code „{key[1]}“ steht doppelt")
        seen_chars.add(key)
    for characteristic, raw in char_pairs:
        if characteristic.gueltig_ab is not None and not 1950 <= characteristic.gueltig_ab <= 2099:
            check.add(CHARACTERISTICS, raw, "gueltig_ab", f"„{characteristic.gueltig_ab}“ ist kein Jahr; erwartet wird "
                      "das erste Jahr, für das es die Gruppe gibt (z. B. 2021), oder eine leere Zelle")

    known = {
        "Handlungsfelder": {f.code for f in fields},
        "Fachbereiche": {o.code for o in offices_list},
        "Geheimhaltung": {p.code for p in profiles_list},
        "Indikatoren": {i.id for i in indicators_list},
    }
    groups = {c.code for c in characteristics if c.dimension == "gruppe"}
    sexes = {c.code for c in characteristics if c.dimension == "geschlecht"}
    for spec, sheet_rows in ((INDICATORS, rows["Indikatoren"]), (BREAKS, rows.get("Zeitreihenbrueche", [])),
                             (LINKS, rows.get("Gleiche Zahlen", []))):
        for raw in sheet_rows:
            for column in spec.columns:
                value = raw.values.get(column.key, "")
                if column.lookup and value and value not in known[column.lookup]:
                    check.add(spec, raw, column.key,
                              f"„{value}“ ist unbekannt; erlaubt sind die Codes aus dem Blatt {column.lookup}")
    for indicator, raw in indicator_pairs:
        for group in indicator.gruppen:
            if group not in groups:
                check.add(INDICATORS, raw, "gruppen", f"die Gruppe „{group}“ ist unbekannt; erlaubt sind die Gruppen-Codes aus dem Blatt Merkmale")
        if indicator.typ == IndicatorType.QUOTE and not (indicator.zaehler and indicator.nenner):
            check.add(INDICATORS, raw, "zaehler" if not indicator.zaehler else "nenner",
                      "eine Quote braucht eine Beschreibung von Zähler und Nenner")
        if indicator.faktor <= 0:
            check.add(INDICATORS, raw, "faktor", "der Faktor muss größer als 0 sein (z. B. 100 für Prozent)")
        elif contradiction := unit_problem(indicator.typ, indicator.einheit, indicator.faktor):
            check.add(INDICATORS, raw, "einheit", contradiction)
        if indicator.min_wert is not None and indicator.max_wert is not None and indicator.min_wert > indicator.max_wert:
            check.add(INDICATORS, raw, "max_wert", "der Höchstwert ist kleiner als der Mindestwert")
        check_indicator_breakdowns(check, indicator, raw, {use for a, _ in age_pairs for use in a.verwendung})
        if indicator.zieljahr is not None and indicator.zielwert is None:
            check.add(INDICATORS, raw, "zieljahr", "ein Zieljahr ohne Zielwert sagt nichts; bitte den Zielwert "
                                                   "eintragen oder das Zieljahr löschen")
    ages = check_age_groups(check, age_pairs)
    check_nationalities(check, nationality_pairs, groups, [r for r, _ in rule_pairs])
    by_id = {i.id: i for i in indicators_list}
    check_links(check, link_pairs, by_id, age_pairs)
    for rule, raw in rule_pairs:
        allowed = groups if rule.dimension == "gruppe" else sexes
        for code in (rule.gesamt, *rule.teile):
            if code not in allowed:
                check.add(SUM_RULES, raw, "teile" if code in rule.teile else "gesamt",
                          f"der Code „{code}“ ist im Blatt Merkmale nicht als {rule.dimension} angelegt")
    for office, raw in office_pairs:
        for key in ("email", "vertretung_email"):
            address = getattr(office, key)
            if address and not is_valid_address(address):
                check.add(OFFICES, raw, key, f"„{address}“ ist keine gültige E-Mail-Adresse")
    if check.problems:
        raise CatalogueError(check.problems, for_user(Path(source)) if source != DEFAULT_SOURCE else source)
    file = Path(source).name if source != DEFAULT_SOURCE else source
    return Catalogue(
        source=source,
        indicators={i.id: i for i in indicators_list},
        fields=fields,
        characteristics=characteristics,
        sum_rules=sum_rules,
        offices={o.code: o for o in offices_list},
        districts=tuple(sorted(districts, key=lambda d: d.schluessel)),
        profiles={p.code: p for p in profiles_list},
        breaks=breaks,
        legacy_areas=legacy_areas,
        links=tuple(link for link, _ in link_pairs),
        notices=notices,
        age_groups=ages,
        nationalities=tuple(n for n, _ in nationality_pairs),
        warnings=tuple(working_notes(rows, file) + indicator_warnings(indicator_pairs, file)),
    )


def indicator_warnings(indicator_pairs: Iterable[tuple[Indicator, RawRow]], file: str) -> list[Problem]:
    """Warnungen about indicators that are allowed but would let implausible values through:
    - Periodizität "Wahljahr" without Erhebungsjahre (e.g. a catalogue of an earlier version): every year is asked;
    - a rate that may exceed 100 % collected by Stadtteil: it can only exceed 100 % when Zähler and Nenner count at
      different places (children at their Kita, the population where it lives), and per Stadtteil such a rate says
      nothing (a Stadtteil with many Kitas would show 117 %)."""
    found = []
    for indicator, raw in indicator_pairs:
        if indicator.periodizitaet.casefold() == ELECTION_YEAR.casefold() and not indicator.erhebungsjahre:
            found.append(problem("wahljahre-fehlen", file=file, sheet=INDICATORS.name, indicator=indicator.id,
                                 cell=cell_ref(INDICATORS, "erhebungsjahre", raw.row), found=indicator.periodizitaet))
        if indicator.allows_over_100 and indicator.stadtteile:
            found.append(problem("quote-stadtteile-ueber-100", file=file, sheet=INDICATORS.name, indicator=indicator.id,
                                 cell=cell_ref(INDICATORS, "max_wert", raw.row),
                                 found=format_number(indicator.max_wert or 0)))
    return found


def name_key(text: object) -> str:
    """A name or key compared loosely, the one way the toolkit matches Stadtteile: case, blanks, hyphens, ß/ss and
    ä/ae/a do not matter, nor 'Str.' for 'Straße' ('Leipziger Str.' = 'leipziger-strasse' = 'Leipziger Straße')."""
    text = str(text or "").casefold().replace("ß", "ss")
    text = re.sub(r"str\.", "strasse", text)
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ae", "a"), ("oe", "o"), ("ue", "u")):
        text = text.replace(umlaut, plain)
    return re.sub(r"[^0-9a-z]", "", text)


def official_keys(rows: list[RawRow], check: RowChecker) -> dict[str, str]:
    """Give Stadtteile of a catalogue up to 0.2 (alphabetical 'Nummer', no 'Schlüssel') the Amt's key, by name.

    Returns old area -> new area ('st04' -> 'st72' for Barleber See), what the store needs to follow once.
    A name that is not among the Amt's Stadtteile gets a German problem: its key must be entered by hand.
    """
    if not any(not raw.values.get("schluessel") and raw.values.get("nummer") for raw in rows):
        return {}
    official = {name_key(r.values["name"]): r.values for r in default_rows()["Stadtteile"]}
    moved: dict[str, str] = {}
    for raw in rows:
        if raw.values.get("schluessel") or not raw.values.get("nummer"):
            continue
        known = official.get(name_key(raw.values.get("name", "")))
        if known is None:
            check.add(DISTRICT_SHEET, raw, "name",
                      f"„{raw.values.get('name', '')}“ ist kein Stadtteil des Amts für Statistik; bitte in der Spalte "
                      "„Schlüssel“ den amtlichen Stadtteilschlüssel eintragen")
            continue
        key = raw.values["schluessel"] = known["schluessel"]
        raw.values["einwohner"] = raw.values.get("einwohner") or known["einwohner"]
        try:
            old = district_area(f"{int(float(raw.values['nummer'])):02d}")
        except ValueError:
            continue  # reported by the conversion of the column
        moved[old] = district_area(key)
    return moved
