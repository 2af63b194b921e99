"""Mappings ("Zuordnungen") that let `toolkit import` read a wide table, e.g. a KISS-MD export of the Amt für Statistik.

A wide table has one row per year and area and one column per value; its header names the columns (in KISS-MD raw
names such as ``K3_T35_var3``). A mapping says, as data and not as code, what each column means. It is a TOML file
(UTF-8), one per table; the keys are German because the coordinator writes them:

    # Zuordnung für KISS-MD K3_T35: Entwicklung der Hauptwohnsitzbevölkerung je Stadtteil
    quelle = "KISS-MD"             # für die Herkunft der Werte: „Import KISS-MD K3_T35“ (optional)
    tabelle = "K3_T35"             # (optional)
    blatt = "Sheet 1"              # Blatt der Excel-Datei (optional; Standard: das erste Blatt)
    kopfzeile = 1                  # Zeile mit den Spaltennamen (optional; Standard: 1); zwei Zeilen wie [1, 2]
                                   # ergeben verbundene Namen („Deutsche insgesamt“, table_header.py)
    jahr = "K3_T35_var1"           # Spalte mit dem Jahr
    gebiet = "K3_T35_var2"         # Spalte mit dem Gebiet: Stadtteilschlüssel (04), 15003 = Gesamtstadt, Name
                                   # (hat die Tabelle keine solche Spalte: gebiet_fest = "15003" für alle Zeilen)
    gesperrt = ["."]               # Zeichen für einen gesperrten Wert (optional; Standard: [import]
                                   # gesperrt_zeichen in toolkit.toml)
    leer = "gesperrt"              # leere Wertzelle: "gesperrt" (Standard) oder "fehlt" (wird nicht übernommen)
    jahre = { von = 2011, bis = 2025 }  # zulässige Jahre; ein anderes ist ein Fehler (optional)
    nur_jahre = [2024, 2025]       # nur diese Jahre übernehmen, die übrigen Zeilen überspringen (optional)
    gebiete_auslassen = ["99998"]  # Zeilen dieser Gebiete überspringen (optional)

    [[spalten.K3_T35_var3]]        # eine Wertspalte, benannt nach ihrer Kopfzeile; je Ziel ein Block
    indikator = "DEM-01"
    gruppe = "insgesamt"           # Standard: insgesamt
    geschlecht = "insgesamt"       # Standard: insgesamt
    messgroesse = "wert"           # zaehler, nenner oder wert (Standard: wert)
    # altersgruppe = "65+"         # Code oder Bezeichnung aus dem Blatt Altersgruppen (Standard: alle)
    # staatsangehoerigkeit = "475" # Schlüssel oder Bezeichnung aus dem Blatt Staatsangehörigkeiten (Standard: alle)
    # spalte = "C"                 # nur wenn der Name mehrmals in der Kopfzeile steht: welche Spalte gemeint ist

    [[spalten.K3_T35_var3]]        # dieselbe Spalte ist auch Nenner des Ausländeranteils
    indikator = "DEM-02"
    messgroesse = "nenner"

A table with one row per year of age (KISS-MD K3_T1) is summed into the catalogue's age groups by a section
``[alter]``: ``spalte`` names the column with the age, ``altersgruppen`` the Verwendungen (sheet Altersgruppen) whose
groups are formed, ``versatz`` what to add to a number to get the age in years (K3_T1: "1" is the first year of
life, age 0 – the Amt must confirm), ``insgesamt`` the texts of rows that hold all ages. A number followed by "und
älter" or "und mehr" ("90 und älter") counts from that age up, as written. Every age of a group must be there once.

A column with one target may be written ``[spalten.NAME]`` (one table) instead of ``[[spalten.NAME]]``. Several
columns may feed one indicator with different groups or measures; one target may be fed by one column only. Groups
and sexes may be written as the catalogue's code (``nichtdeutsch``) or its German label ("Nichtdeutsche"); messages
show the labels.

``load_mapping`` reads and validates a mapping against the catalogue: every problem is a German message naming the
mapping file and the key (problem code ``zuordnung-ungueltig``). An unreadable file (not UTF-8, not TOML) is an
InputError. Checking the table against the mapping (columns, years, area keys, values) is imports.py's part; the
packaged mappings for the four KISS-MD exports lie in toolkit/defaults/zuordnungen/ and are copied into a new
working folder's templates/zuordnungen/ by ``toolkit init``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from toolkit.catalogue.model import Catalogue, name_key
from toolkit.collect.layout import MEASURE_LABELS
from toolkit.core.errors import InputError
from toolkit.core.keys import ALL
from toolkit.core.problems import Problem, problem
from toolkit.core.workspace import Workspace

MAPPINGS_FOLDER = "templates/zuordnungen"  # in a working folder, beside the catalogue
YEARS = (1990, 2100)  # the years any import accepts
BLANK_CHOICES = ("gesperrt", "fehlt")
MEASURES = {"zaehler": "zaehler", "zähler": "zaehler", "nenner": "nenner", "wert": "wert", "anzahl": "wert"}
TOP_KEYS = ("quelle", "tabelle", "blatt", "kopfzeile", "jahr", "gebiet", "gebiet_fest", "gesperrt", "leer", "jahre",
            "nur_jahre", "gebiete_auslassen", "alter", "spalten")
TARGET_KEYS = ("indikator", "gruppe", "geschlecht", "messgroesse", "altersgruppe", "staatsangehoerigkeit", "spalte")
AGE_KEYS = ("spalte", "altersgruppen", "versatz", "insgesamt")
_LETTERS = re.compile(r"[A-Za-z]{1,3}")


@dataclass(frozen=True)
class Target:
    """Where the value of one cell goes: an indicator's group, sex, measure, age group and nationality."""

    indicator: str
    group: str = "insgesamt"
    sex: str = "insgesamt"
    measure: str = "wert"
    column: str = ""  # the column's letters ("F") when its name stands more than once in the header; "" by name
    age: str = ALL
    nationality: str = ALL


@dataclass(frozen=True)
class AgeColumn:
    """A table with a row per year of age, summed into the catalogue's age groups (section [alter])."""

    column: str  # the column with the age
    uses: tuple[str, ...]  # the Verwendungen of the sheet Altersgruppen whose groups are formed
    offset: int = 0  # added to a number to give the age in years
    totals: tuple[str, ...] = ()  # the texts of rows that hold all ages (name_key)


@dataclass(frozen=True)
class Mapping:
    """A validated mapping of a wide table (see the module docstring)."""

    file: str  # the mapping's file name, for messages
    year_column: str
    area_column: str  # "" when every row is of ``area``
    columns: dict[str, tuple[Target, ...]]  # value column (as in the header) -> its targets
    withheld: tuple[str, ...]
    blank: str = "gesperrt"  # what an empty value cell means: "gesperrt" or "fehlt"
    sheet: str | None = None  # None: the first sheet
    header_row: int = 1  # 1-based, as Excel counts; of several header rows the last
    header_rows: int = 1  # how many rows, ending at header_row, make the column names
    years: tuple[int, int] = YEARS
    only_years: tuple[int, ...] = ()  # empty: every year
    skip_areas: tuple[str, ...] = ()  # name_key of the area keys whose rows are skipped
    source: str = ""
    table: str = ""
    area: str = ""  # gebiet_fest: the area of every row, as written (a key or name)
    ages: AgeColumn | None = None  # [alter]: rows by year of age, summed into age groups
    fingerprint: str = field(default="", compare=False)  # SHA-256 of the content: what it does, not how it is written

    @property
    def label(self) -> str:
        """How the values' provenance names the table: 'KISS-MD K3_T35' (empty if the mapping names none)."""
        return " ".join(part for part in (self.source, self.table) if part)


def mapping_path(workspace: Workspace, given: Path) -> Path:
    """The mapping file ``given``: as a path, else by its name in the working folder's templates/zuordnungen/, else
    the packaged one of that name (a working folder made before the mappings were shipped has none)."""
    if given.is_file():
        return given
    names = (given.name, f"{given.name}.toml")
    folder = workspace.root / MAPPINGS_FOLDER
    packaged = resources.files("toolkit") / "defaults" / "zuordnungen"
    for name in names:
        if (folder / name).is_file():
            return folder / name
        if (packaged / name).is_file():
            return Path(str(packaged / name))
    present = sorted(({p.name for p in folder.glob("*.toml")} if folder.is_dir() else set()) | set(default_mappings()))
    raise InputError(f"Die Zuordnung {given} gibt es nicht.",
                     hint=f"Bitte Pfad und Dateinamen prüfen; vorhanden sind: {', '.join(present)}.")


def load_mapping(path: Path, catalogue: Catalogue, withheld: tuple[str, ...]) -> tuple[Mapping | None, list[Problem]]:
    """Read and validate the mapping at ``path``; ``withheld``: the settings' symbols, used where it names none.

    Returns the mapping (None if it has problems) and its problems. Raises InputError if it cannot be read."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"Die Zuordnung {path.name} ist nicht in UTF-8 gespeichert.",
                         hint="Bitte in einem Editor als UTF-8 speichern.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Die Zuordnung {path.name} ist keine gültige TOML-Datei{_where(exc)}.",
                         hint="Bitte die genannte Zeile prüfen (Texte in Anführungszeichen, ein Eintrag je Zeile).") \
            from exc
    except OSError as exc:
        raise InputError(f"Die Zuordnung {path} kann nicht gelesen werden ({type(exc).__name__}).") from exc
    return _Reader(path.name, catalogue).mapping(data, withheld)


def default_mappings() -> dict[str, bytes]:
    """The packaged mappings (toolkit/defaults/zuordnungen/*.toml) by file name, for ``toolkit init``."""
    folder = resources.files("toolkit") / "defaults" / "zuordnungen"
    return {item.name: item.read_bytes() for item in sorted(folder.iterdir(), key=lambda i: i.name)
            if item.name.endswith(".toml")}


def _where(exc: tomllib.TOMLDecodeError) -> str:
    found = re.search(r"line (\d+), column (\d+)", str(exc))
    return f" (Zeile {found.group(1)}, Spalte {found.group(2)})" if found else ""


class _Reader:
    """Validates the parsed TOML of one mapping; collects a problem per wrong entry instead of stopping at the first."""

    def __init__(self, file: str, catalogue: Catalogue) -> None:
        self.file = file
        self.catalogue = catalogue
        self.problems: list[Problem] = []

    def fail(self, variant: str, key: str, found: object = "", expected: str = "", **details: object) -> None:
        self.problems.append(problem("zuordnung-ungueltig", variant, file=self.file, found=str(found)[:80],
                                     expected=expected, key=key, **details))

    def text(self, data: dict, key: str, *, required: bool = False, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail("pflicht", key, expected="Name einer Spalte in Anführungszeichen")
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail("typ", key, repr(value), "ein Text in Anführungszeichen")
            return default
        return value.strip()

    def texts(self, data: dict, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            self.fail("typ", key, repr(value), 'eine Liste wie [".", "x"]')
            return default
        return tuple(str(v).strip() for v in value)

    def mapping(self, data: dict, withheld: tuple[str, ...]) -> tuple[Mapping | None, list[Problem]]:
        for key in data:
            if key not in TOP_KEYS:
                self.fail("unbekannt", key, expected=", ".join(TOP_KEYS))
        header_row, header_rows = self._header_rows(data.get("kopfzeile", 1))
        blank = self.text(data, "leer", default="gesperrt")
        if blank not in BLANK_CHOICES:
            self.fail("typ", "leer", repr(blank), '"gesperrt" oder "fehlt"')
        years = self._years(data.get("jahre"))
        only = data.get("nur_jahre", [])
        if not isinstance(only, list) or not all(isinstance(y, int) and not isinstance(y, bool) for y in only):
            self.fail("typ", "nur_jahre", repr(only), "eine Liste von Jahren wie [2024, 2025]")
            only = []
        sheet = self.text(data, "blatt") or None
        area = self.text(data, "gebiet_fest")
        if area and "gebiet" in data:
            self.fail("typ", "gebiet_fest", area, "entweder gebiet (eine Spalte) oder gebiet_fest (ein Gebiet für alle "
                                                  "Zeilen), nicht beides")
        ages = self._ages(data.get("alter"))
        mapping = Mapping(
            file=self.file, year_column=self.text(data, "jahr", required=True),
            area_column=self.text(data, "gebiet", required=not area), columns=self._columns(data.get("spalten"), ages),
            withheld=self.texts(data, "gesperrt", withheld), blank=blank, sheet=sheet, header_row=header_row,
            header_rows=header_rows, years=years, only_years=tuple(sorted(set(only))),
            skip_areas=tuple(name_key(a) for a in self.texts(data, "gebiete_auslassen")),
            source=self.text(data, "quelle"), table=self.text(data, "tabelle"), area=area, ages=ages)
        if self.problems:
            return None, self.problems
        # what a mapping does, without the defaults added later (so a mapping's identity stays what it was)
        content = {k: v for k, v in mapping.__dict__.items() if k not in ("file", "fingerprint")
                   and (k, v) not in (("header_rows", 1), ("area", ""), ("ages", None))}
        if ages is not None:
            content["ages"] = ages.__dict__
        content["columns"] = {c: [{k: v for k, v in t.__dict__.items()
                                   if (k, v) not in (("column", ""), ("age", ALL), ("nationality", ALL))} for t in ts]
                              for c, ts in mapping.columns.items()}
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
        return replace(mapping, fingerprint=digest), []

    def _header_rows(self, value: object) -> tuple[int, int]:
        """kopfzeile = 2, or [1, 2] for names over two rows: the last header row and how many rows there are."""
        rows = value if isinstance(value, list) else [value]
        if not 1 <= len(rows) <= 3 or not all(isinstance(r, int) and not isinstance(r, bool) and 1 <= r <= 1000
                                              for r in rows) or rows != list(range(rows[0], rows[0] + len(rows))):
            self.fail("typ", "kopfzeile", repr(value), "eine Zeilennummer ab 1, oder zwei aufeinanderfolgende wie "
                                                       "[1, 2]")
            return 1, 1
        return rows[-1], len(rows)

    def _years(self, value: object) -> tuple[int, int]:
        if value is None:
            return YEARS
        ok = isinstance(value, dict) and set(value) <= {"von", "bis"} and all(
            isinstance(v, int) and not isinstance(v, bool) and YEARS[0] <= v <= YEARS[1] for v in value.values())
        if not ok or value.get("von", YEARS[0]) > value.get("bis", YEARS[1]):  # type: ignore[union-attr]
            self.fail("typ", "jahre", value, f"{{ von = 2011, bis = 2025 }} mit Jahren von {YEARS[0]} bis {YEARS[1]}")
            return YEARS
        return value.get("von", YEARS[0]), value.get("bis", YEARS[1])  # type: ignore[union-attr]

    def _ages(self, value: object) -> AgeColumn | None:
        """The section [alter] (None if there is none)."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail("typ", "alter", repr(value)[:60], 'einen Abschnitt [alter] mit spalte = "…" und altersgruppen = […]')
            return None
        for key in value:
            if key not in AGE_KEYS:
                self.fail("unbekannt", f"alter.{key}", expected=", ".join(AGE_KEYS))
        column = self.text(value, "spalte", required=True)
        uses = self.texts(value, "altersgruppen")
        known = {use for group in self.catalogue.age_groups for use in group.verwendung}
        if not uses:
            self.fail("pflicht", "alter.altersgruppen", expected=f"Verwendungen aus dem Blatt Altersgruppen, z. B. "
                                                                 f"{sorted(known)[:2] or ['Pyramide']}")
        for use in uses:
            if use not in known:
                self.fail("typ", "alter.altersgruppen", use, f"eine Verwendung aus dem Blatt Altersgruppen: "
                                                            f"{', '.join(sorted(known)) or 'keine angelegt'}")
        offset = value.get("versatz", 0)
        if not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > 5:
            self.fail("typ", "alter.versatz", repr(offset), "eine kleine ganze Zahl wie -1 oder 0")
            offset = 0
        totals = tuple(name_key(t) for t in self.texts(value, "insgesamt"))
        return AgeColumn(column, uses, offset, totals)

    def _columns(self, value: object, ages: AgeColumn | None = None) -> dict[str, tuple[Target, ...]]:
        if not isinstance(value, dict) or not value:
            self.problems.append(problem("zuordnung-ungueltig", "keine-spalten", file=self.file))
            return {}
        columns: dict[str, tuple[Target, ...]] = {}
        seen: dict[tuple[str, str, str, str], str] = {}  # (indicator, group, sex, measure) -> the entry feeding it
        for column, entries in value.items():
            entries = [entries] if isinstance(entries, dict) else entries
            if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
                self.fail("typ", f"spalten.{column}", repr(entries)[:60], 'Einträge wie indikator = "DEM-01"')
                continue
            targets = []
            for number, entry in enumerate(entries, start=1):
                key = f"spalten.{column}" + (f" (Ziel {number})" if len(entries) > 1 else "")
                target = self._target(entry, key, ages)
                if target is None:
                    continue
                where = (target.indicator, target.group, target.sex, target.measure, target.age, target.nationality)
                if where in seen:
                    self.fail("doppelt", key, ", ".join((self.catalogue.label("gruppe", target.group),
                                                         self.catalogue.label("geschlecht", target.sex),
                                                         MEASURE_LABELS[target.measure])),
                              indicator=target.indicator, other=seen[where])
                    continue
                seen[where] = key
                targets.append(target)
            columns[column.strip()] = tuple(targets)
        return columns

    def _target(self, entry: dict, key: str, ages: AgeColumn | None = None) -> Target | None:
        before = len(self.problems)
        for name in entry:
            if name not in TARGET_KEYS:
                self.fail("unbekannt", f"{key}.{name}", expected=", ".join(TARGET_KEYS))
        code = self.text(entry, "indikator", default="")
        if "indikator" not in entry:
            self.fail("pflicht", f"{key}.indikator", expected="Kennzahl aus dem Katalog, z. B. DEM-01")
            return None
        indicator = self.catalogue.indicators.get(code)
        if indicator is None:
            self.fail("indikator", f"{key}.indikator", code)
            return None
        group_text = self.text(entry, "gruppe", default="insgesamt")
        sex_text = self.text(entry, "geschlecht", default="insgesamt")
        measure_text = self.text(entry, "messgroesse", default="wert")
        measure = MEASURES.get(measure_text.casefold())
        column = self.text(entry, "spalte")
        group = self.catalogue.code("gruppe", group_text, indicator.gruppen)
        if group is None:
            self.fail("gruppe", f"{key}.gruppe", group_text, self.catalogue.labels("gruppe", indicator.gruppen),
                      indicator=indicator.id)
        sex = self.catalogue.code("geschlecht", sex_text, self.catalogue.sexes_of(indicator))
        if sex is None:
            self.fail("geschlecht", f"{key}.geschlecht", sex_text,
                      self.catalogue.labels("geschlecht", self.catalogue.sexes_of(indicator)),
                      indicator=indicator.id)
        if measure not in indicator.measures:
            self.fail("messgroesse", f"{key}.messgroesse", measure_text,
                      ", ".join(MEASURE_LABELS[m] for m in indicator.measures), indicator=indicator.id)
        if column and not _LETTERS.fullmatch(column):
            self.fail("typ", f"{key}.spalte", repr(column), 'Spaltenbuchstaben wie "F"')
        if group is None:
            return None
        breakdown = {}
        for dimension, name in (("altersgruppe", "altersgruppe"), ("staatsangehoerigkeit", "staatsangehoerigkeit")):
            allowed = (self.catalogue.ages_for(indicator, group) if dimension == "altersgruppe"
                       else self.catalogue.nationalities_for(indicator, group))
            written = self.text(entry, name, default=ALL)
            breakdown[dimension] = self.catalogue.code(dimension, written, allowed)
            if breakdown[dimension] is None:
                self.fail(dimension, f"{key}.{name}", written, self.catalogue.labels(dimension, allowed[:30]),
                          indicator=indicator.id, group=self.catalogue.label("gruppe", group))
        if ages is not None:
            missing = [use for use in ages.uses if use not in indicator.altersgruppen]
            if "altersgruppe" in entry:
                self.fail("alter", f"{key}.altersgruppe", entry["altersgruppe"], indicator=indicator.id)
            elif missing or group not in self.catalogue.groups_by_age(indicator):
                self.fail("alter-kennzahl", key, ", ".join(missing) or self.catalogue.label("gruppe", group),
                          indicator=indicator.id, group=self.catalogue.label("gruppe", group),
                          expected=", ".join(indicator.altersgruppen) or "keine")
        if len(self.problems) > before:
            return None
        return Target(indicator.id, group, sex, measure, column.upper(), breakdown["altersgruppe"],  # type: ignore[arg-type]
                      breakdown["staatsangehoerigkeit"])


__all__ = ["MAPPINGS_FOLDER", "YEARS", "AgeColumn", "Mapping", "Target", "default_mappings", "load_mapping",
           "mapping_path"]
