"""The indicator catalogue: sheet layout, loading from Indikatorenmatrix.xlsx or the default CSVs, validation.

The catalogue is configuration as data. The coordinator edits it in Excel; every mistake is reported
in German with sheet, row and column so it can be fixed there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.catalogue.sheets import (  # noqa: F401 - re-exported: callers import them from here
    BREAKS,
    CHARACTERISTICS,
    FIELDS,
    INDICATORS,
    LEGACY_NOTES_NOTICE,
    OFFICES,
    PROFILES,
    SHEETS,
    SUM_RULES,
    Column,
    RawRow,
    SheetSpec,
    cell_ref,
    default_rows,
    workbook_rows,
)
from toolkit.catalogue.sheets import DISTRICTS as DISTRICT_SHEET
from toolkit.core.errors import CatalogueError

# --------------------------------------------------------------------------------------------------
# Domain objects


@dataclass(frozen=True)
class Indicator:
    id: str
    handlungsfeld: str
    name: str
    definition: str
    typ: str
    zaehler: str
    nenner: str
    faktor: float
    einheit: str
    gruppen: tuple[str, ...]
    geschlecht: bool
    stadtteile: bool
    quelle: str
    fachbereich: str
    richtung: str
    periodizitaet: str
    stichtag: str
    ebene: str
    kern: bool
    geheimhaltung: str
    min_wert: float | None
    max_wert: float | None
    max_aenderung_prozent: float | None
    referenz: str
    hinweis_bericht: str  # for readers: printed under the indicator in the published report
    notiz_intern: str  # for the coordination: only in the internal edition, never published
    zielwert: float | None = None

    @property
    def measures(self) -> tuple[str, ...]:
        """What an office delivers: Zähler and Nenner for rates, one value otherwise."""
        return ("zaehler", "nenner") if self.typ == "quote" else ("wert",)

    @property
    def is_count(self) -> bool:
        """True if every delivered number is a count of persons or cases (whole, not negative)."""
        return self.typ in ("anzahl", "quote")

    @property
    def collected_in_city(self) -> bool:
        """Indicators with ebene = land (Mikrozensus) are only imported as comparison values."""
        return self.ebene == "stadt"

    @property
    def all_notes(self) -> str:
        """Both notes in one text, for internal documents such as the collection workbook."""
        return " ".join(note for note in (self.hinweis_bericht, self.notiz_intern) if note)

    @property
    def allows_over_100(self) -> bool:
        """Rates such as Kita quotas may exceed 100 % (counted at the place of care)."""
        return self.typ == "quote" and self.max_wert is not None and self.max_wert > self.faktor


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


@dataclass(frozen=True)
class District:
    nummer: int
    name: str
    gering_besiedelt: bool = False
    hinweis: str = ""

    @property
    def area(self) -> str:
        return district_area(self.nummer)


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


CITY = "gesamtstadt"
LAND = "sachsen-anhalt"
GERMANY = "deutschland"
AREA_LABELS = {CITY: "Gesamtstadt", LAND: "Sachsen-Anhalt", GERMANY: "Deutschland"}


def district_area(nummer: int) -> str:
    """The area code of a Stadtteil in the store, e.g. 'st07'."""
    return f"st{nummer:02d}"


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
    notices: tuple[str, ...] = field(default=())  # German hints for the user, e.g. an older catalogue layout read

    @property
    def groups(self) -> dict[str, Characteristic]:
        return {c.code: c for c in self.characteristics if c.dimension == "gruppe"}

    @property
    def sexes(self) -> dict[str, Characteristic]:
        return {c.code: c for c in self.characteristics if c.dimension == "geschlecht"}

    def label(self, dimension: str, code: str) -> str:
        """German label of a group or sex code (the code itself if unknown)."""
        items = self.groups if dimension == "gruppe" else self.sexes
        return items[code].bezeichnung if code in items else code

    def area_label(self, area: str) -> str:
        if area in AREA_LABELS:
            return AREA_LABELS[area]
        for district in self.districts:
            if district.area == area:
                return district.name
        return area

    def indicators_of_office(self, office: str) -> list[Indicator]:
        """The indicators an office collects in the city (catalogue order)."""
        return [i for i in self.indicators.values() if i.fachbereich == office and i.collected_in_city]

    def indicators_of_field(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.handlungsfeld == code]

    def offices_with_indicators(self) -> list[Office]:
        """Offices that own at least one collected indicator, in catalogue order."""
        owners = {i.fachbereich for i in self.indicators.values() if i.collected_in_city}
        return [o for code, o in self.offices.items() if code in owners]

    def breaks_of(self, indicator: str) -> list[SeriesBreak]:
        return [b for b in self.breaks if b.indikator == indicator]


# --------------------------------------------------------------------------------------------------
# Building and validating the catalogue


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and validate the catalogue from ``path`` (or the packaged defaults if None)."""
    notices: list[str] = []
    rows = default_rows() if path is None else workbook_rows(path, notices)
    return build_catalogue(rows, "Standardkatalog" if path is None else str(path), notices=tuple(notices))


def build_catalogue(rows: dict[str, list[RawRow]], source: str, notices: tuple[str, ...] = ()) -> Catalogue:
    """Turn raw rows into a Catalogue; collect every problem and raise one CatalogueError."""
    check = _Checker()
    field_pairs = check.make_all(Field, rows["Handlungsfelder"], FIELDS)
    char_pairs = check.make_all(Characteristic, rows["Merkmale"], CHARACTERISTICS)
    office_pairs = check.make_all(Office, rows["Fachbereiche"], OFFICES)
    district_pairs = check.make_all(District, rows["Stadtteile"], DISTRICT_SHEET)
    profile_pairs = check.make_all(Profile, rows["Geheimhaltung"], PROFILES)
    indicator_pairs = check.make_all(Indicator, rows["Indikatoren"], INDICATORS)
    rule_pairs = check.make_all(SumRule, rows["Summenregeln"], SUM_RULES)
    break_pairs = check.make_all(SeriesBreak, rows.get("Zeitreihenbrueche", []), BREAKS)
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
    check.unique(DISTRICT_SHEET, rows["Stadtteile"], "nummer")
    check.unique(PROFILES, rows["Geheimhaltung"], "code")
    check.unique(INDICATORS, rows["Indikatoren"], "id")
    seen_chars: set[tuple[str, str]] = set()
    for raw in rows["Merkmale"]:
        key = (raw.values.get("dimension", ""), raw.values.get("code", ""))
        if key in seen_chars:
            check.add(CHARACTERISTICS, raw, "code", f"der Code „{key[1]}“ steht doppelt")
        seen_chars.add(key)

    known = {
        "Handlungsfelder": {f.code for f in fields},
        "Fachbereiche": {o.code for o in offices_list},
        "Geheimhaltung": {p.code for p in profiles_list},
        "Indikatoren": {i.id for i in indicators_list},
    }
    groups = {c.code for c in characteristics if c.dimension == "gruppe"}
    sexes = {c.code for c in characteristics if c.dimension == "geschlecht"}
    for spec, sheet_rows in ((INDICATORS, rows["Indikatoren"]), (BREAKS, rows.get("Zeitreihenbrueche", []))):
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
        if indicator.typ == "quote" and not (indicator.zaehler and indicator.nenner):
            check.add(INDICATORS, raw, "zaehler" if not indicator.zaehler else "nenner",
                      "eine Quote braucht eine Beschreibung von Zähler und Nenner")
        if indicator.faktor <= 0:
            check.add(INDICATORS, raw, "faktor", "der Faktor muss größer als 0 sein (z. B. 100 für Prozent)")
        if indicator.min_wert is not None and indicator.max_wert is not None and indicator.min_wert > indicator.max_wert:
            check.add(INDICATORS, raw, "max_wert", "der Höchstwert ist kleiner als der Mindestwert")
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
        raise CatalogueError(check.problems, source)
    return Catalogue(
        source=source,
        indicators={i.id: i for i in indicators_list},
        fields=fields,
        characteristics=characteristics,
        sum_rules=sum_rules,
        offices={o.code: o for o in offices_list},
        districts=tuple(sorted(districts, key=lambda d: d.nummer)),
        profiles={p.code: p for p in profiles_list},
        breaks=breaks,
        notices=notices,
    )


_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def is_valid_address(address: str) -> bool:
    """A plain mailbox address (no display name, no line break, no second address)."""
    return bool(_ADDRESS.match(address)) and len(address) <= 254


class _Checker:
    """Collects German problem messages while converting raw rows into dataclasses."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, spec: SheetSpec, raw: RawRow, key: str, text: str) -> None:
        column = spec.column(key)
        self.problems.append(
            f"Blatt {spec.name}, Zeile {raw.row}, Spalte „{column.header}“ ({cell_ref(spec, key, raw.row)}): {text}."
        )

    def unique(self, spec: SheetSpec, rows: Iterable[RawRow], key: str) -> None:
        seen: dict[str, int] = {}
        for raw in rows:
            value = raw.values.get(key, "")
            if value in seen:
                self.add(spec, raw, key, f"„{value}“ steht doppelt (zuerst in Zeile {seen[value]})")
            else:
                seen[value] = raw.row

    def make_all(self, cls: type, rows: Iterable[RawRow], spec: SheetSpec) -> list[tuple]:
        """Convert every row; rows with problems are reported and left out."""
        pairs = [(self.make(cls, raw, spec), raw) for raw in rows]
        return [(obj, raw) for obj, raw in pairs if obj is not None]

    def make(self, cls: type, raw: RawRow, spec: SheetSpec):  # noqa: ANN205 - returns an instance of cls or None
        values: dict[str, object] = {}
        ok = True
        for column in spec.columns:
            text = raw.values.get(column.key, "")
            if "\n" in text or "\r" in text:
                self.add(spec, raw, column.key, "die Zelle enthält einen Zeilenumbruch; bitte in einer Zeile schreiben")
                ok = False
                continue
            if not text:
                if column.required:
                    self.add(spec, raw, column.key, "die Zelle ist leer, hier muss ein Wert stehen")
                    ok = False
                values[column.key] = _empty(column)
                continue
            if column.choices and text not in column.choices:
                self.add(spec, raw, column.key, f"„{text}“ ist nicht erlaubt; erlaubt: {', '.join(column.choices)}")
                ok = False
                continue
            try:
                values[column.key] = _convert(column, text)
            except ValueError:
                expected = "eine ganze Zahl" if column.kind == "int" else "eine Zahl"
                self.add(spec, raw, column.key, f"„{text}“ ist keine Zahl; erwartet wird {expected}")
                ok = False
        if not ok:
            return None
        return cls(**values)


def _empty(column: Column) -> object:
    if column.kind == "list":
        return ()
    if column.kind == "yesno":
        return False
    if column.kind in ("int", "number"):
        return None
    return ""


def _convert(column: Column, text: str) -> object:
    if column.kind == "list":
        return tuple(part.strip() for part in text.split(";") if part.strip())
    if column.kind == "yesno":
        return text == "ja"
    if column.kind == "int":
        number = float(text.replace(",", "."))
        if not number.is_integer():
            raise ValueError(text)
        return int(number)
    if column.kind == "number":
        return float(text.replace(",", "."))
    return text
