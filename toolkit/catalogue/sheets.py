"""The sheets of the catalogue workbook: their columns (shared by the template writer and the loader)
and reading their raw rows from Indikatorenmatrix.xlsx or from the packaged default CSVs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from toolkit.core.cells import cell_name, format_number
from toolkit.core.errors import CatalogueError, InputError
from toolkit.core.runtime import ContentMemo
from toolkit.core.workspace import for_user

# --------------------------------------------------------------------------------------------------
# Sheet layout: one description used by the template writer and by the loader.


@dataclass(frozen=True)
class Column:
    key: str  # column name in the default CSV and attribute name in the dataclass
    header: str  # German header in the workbook
    width: int = 14
    kind: str = "text"  # text | int | number | yesno | list | years (2019;2024) | key ("04") | key3 ("475")
    required: bool = False
    choices: tuple[str, ...] = ()  # the allowed texts; members of a StrEnum are read as those members
    lookup: str = ""  # sheet whose first column lists the allowed codes
    legacy: bool = False  # read from catalogues of earlier versions only; the template no longer writes it
    former_header: str = ""  # its header in older catalogues, read when the current header is missing
    public: bool = False  # its text reaches readers or offices (report, workbooks, mails): no working notes here


@dataclass(frozen=True)
class SheetSpec:
    name: str
    csv: str
    columns: tuple[Column, ...]
    optional: bool = False  # an older catalogue may not have this sheet yet (a deleted one is an error)
    purpose: str = ""  # optional sheets: what is lost without it (German, said when it is missing)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def written(self) -> tuple[Column, ...]:
        """The columns of the current layout (what the template writes)."""
        return tuple(c for c in self.columns if not c.legacy)


# The closed vocabularies of the sheet Indikatoren. Each member is the text that stands in the workbook and in the
# default CSV (a StrEnum: it equals that text, so catalogues and stores stay as they are).


class IndicatorType(StrEnum):
    """Typ: what an office delivers for the indicator."""

    ANZAHL = "anzahl"  # a count of persons or cases
    QUOTE = "quote"  # a rate, delivered as Zähler and Nenner and computed by the toolkit
    WERT = "wert"  # any other number (an average, an amount), delivered as it is


class Direction(StrEnum):
    """Richtung: which way is better, for the trend verdict and the text of the report."""

    PLUS = "plus"  # higher is better
    MINUS = "minus"  # lower is better
    NEUTRAL = "neutral"  # context, not judged
    DEUTEN = "deuten"  # open to interpretation, not judged


class Level(StrEnum):
    """Ebene: where the values come from."""

    STADT = "stadt"  # collected in the city (returns, imports)
    LAND = "land"  # only imported as comparison values (e.g. Mikrozensus)


YES_NO = ("ja", "nein")
# The one list of how Typ, Einheit and Faktor fit together (checked by catalogue.model.unit_problem):
# - anzahl: a count is delivered as a whole number: Faktor 1 and an Einheit that is not a share (Anzahl, Personen);
# - quote: Zähler / Nenner × Faktor: one of these share units with its Faktor;
# - wert: a finished value: a share unit with its Faktor, any other Einheit (Index, Tage, Euro) with Faktor 1.
SHARE_UNITS = {"%": 100, "Prozent": 100, "‰": 1000, "Promille": 1000, "je 1.000": 1000, "je 10.000": 10_000,
               "je 100.000": 100_000}


def unit_problem(typ: str, unit: str, factor: float) -> str:
    """Why Typ, Einheit and Faktor of an indicator contradict each other (SHARE_UNITS), or ''."""
    share = SHARE_UNITS.get(unit)
    shown = format_number(factor) if float(factor).is_integer() else str(factor).replace(".", ",")
    found = f"Typ „{typ}“ mit Einheit „{unit}“ und Faktor {shown} passt nicht zusammen: "
    if typ == "anzahl" and (share or factor != 1):
        return found + ("eine Anzahl wird als ganze Zahl geliefert (Einheit z. B. „Anzahl“ oder „Personen“, Faktor 1); "
                        "für einen Anteil bitte Typ „quote“ (Zähler und Nenner) oder „wert“ wählen")
    if typ == "quote" and share != factor:
        return found + f"eine Quote braucht eine Einheit mit ihrem Faktor: {_SHARES}"
    if typ == "wert" and factor != (share or 1):
        return found + f"ein fertiger Wert hat als Anteil die Einheit mit ihrem Faktor ({_SHARES}), sonst (Index, " \
                       "Tage, Euro …) Faktor 1"
    return ""


_SHARES = ", ".join(f"„{unit}“ mit {format_number(factor)}" for unit, factor in SHARE_UNITS.items())


INDICATORS = SheetSpec("Indikatoren", "indikatoren.csv", (
    Column("id", "Kennung", 10, required=True),
    Column("handlungsfeld", "Handlungsfeld", 14, required=True, lookup="Handlungsfelder"),
    Column("name", "Bezeichnung", 40, required=True, public=True),
    Column("definition", "Definition", 60, required=True, public=True),
    Column("typ", "Typ", 9, required=True, choices=tuple(IndicatorType)),
    Column("zaehler", "Zähler", 40, public=True),
    Column("nenner", "Nenner", 40, public=True),
    Column("faktor", "Faktor", 8, "number", required=True),
    Column("einheit", "Einheit", 10, required=True, public=True),
    Column("gruppen", "Gruppen", 40, "list", required=True),
    Column("geschlecht", "Nach Geschlecht", 10, "yesno", required=True, choices=YES_NO),
    Column("stadtteile", "Nach Stadtteilen", 10, "yesno", required=True, choices=YES_NO),
    Column("quelle", "Quelle", 40, required=True, public=True),
    Column("fachbereich", "Zuständige Stelle", 12, required=True, lookup="Fachbereiche"),
    Column("richtung", "Richtung", 10, required=True, choices=tuple(Direction)),
    Column("periodizitaet", "Periodizität", 12),
    Column("stichtag", "Stichtag", 14, required=True, public=True),
    Column("ebene", "Ebene", 8, required=True, choices=tuple(Level)),
    Column("kern", "Kernset", 8, "yesno", required=True, choices=YES_NO),
    Column("geheimhaltung", "Geheimhaltungsprofil", 14, required=True, lookup="Geheimhaltung"),
    Column("min_wert", "Mindestwert", 11, "number"),
    Column("max_wert", "Höchstwert", 11, "number"),
    Column("max_aenderung_prozent", "Max. Änderung zum Vorjahr (%)", 14, "number"),
    Column("referenz", "Bezug KGSt / Länder", 30),
    Column("hinweis_bericht", "Hinweis für den Bericht", 60, public=True),  # printed under the indicator in the report
    Column("notiz_intern", "Interne Notiz", 60, former_header="Methodische Hinweise"),  # internal edition only
    Column("zielwert", "Zielwert (Integrationskonzept)", 14, "number"),
    Column("erhebungsjahre", "Erhebungsjahre", 16, "years"),  # empty: every year; else only these (Wahljahre)
    Column("zieljahr", "Zieljahr", 9, "int"),
    # the breakdowns by age and nationality (since 0.4; empty in older catalogues: everything "alle")
    Column("altersgruppen", "Altersgruppen", 18, "list"),  # Verwendungen of the sheet Altersgruppen, e.g. Pyramide
    Column("alter_gruppen", "Gruppen nach Alter", 24, "list"),  # the groups collected by age (empty: all)
    Column("staatsangehoerigkeiten", "Staatsangehörigkeiten", 12, "yesno", choices=YES_NO),
))
FIELDS = SheetSpec("Handlungsfelder", "handlungsfelder.csv", (
    Column("code", "Code", 8, required=True),
    Column("name", "Bezeichnung", 40, required=True, public=True),
    Column("beschreibung", "Beschreibung", 70, public=True),
    Column("reihenfolge", "Reihenfolge", 11, "int", required=True),
    Column("magdeburg_handlungsfeld", "Handlungsfeld Integrationskonzept", 34, public=True),
    Column("kgst_bezug", "Bezug KGSt", 30),
    Column("intmk_bezug", "Bezug Länder-Monitoring", 20),
))
CHARACTERISTICS = SheetSpec("Merkmale", "merkmale.csv", (
    Column("dimension", "Dimension", 11, required=True, choices=("gruppe", "geschlecht")),
    Column("code", "Code", 24, required=True),
    Column("bezeichnung", "Bezeichnung", 40, required=True, public=True),
    Column("konzept", "Konzept", 22),
    Column("beschreibung", "Beschreibung", 70, public=True),
    Column("vergleichsgruppe", "Vergleichsgruppe", 22),
    Column("gueltig_ab", "Gültig ab (Jahr)", 10, "int"),  # a group whose concept starts later has no earlier values
))
SUM_RULES = SheetSpec("Summenregeln", "summenregeln.csv", (
    Column("dimension", "Dimension", 11, required=True, choices=("gruppe", "geschlecht")),
    Column("gesamt", "Gesamt", 18, required=True),
    Column("teile", "Teile", 50, "list", required=True),
    Column("hinweis", "Hinweis", 60),
))
OFFICES = SheetSpec("Fachbereiche", "fachbereiche.csv", (
    Column("code", "Code", 12, required=True),
    Column("name", "Bezeichnung", 60, required=True, public=True),
    Column("ansprechperson", "Ansprechperson", 44, required=True, public=True),
    Column("email", "E-Mail", 30, required=True),
    Column("vertretung_email", "E-Mail Vertretung", 30),
    Column("extern", "Extern", 8, "yesno", choices=YES_NO),
    Column("notiz_intern", "Interne Notiz", 50),  # for the coordination; never in workbooks, mails or the report
))
DISTRICTS = SheetSpec("Stadtteile", "stadtteile.csv", (
    Column("schluessel", "Schlüssel", 10, "key", required=True),
    Column("name", "Stadtteil", 28, required=True, public=True),
    Column("einwohner", "Einwohner", 11, "int"),
    Column("gering_besiedelt", "Gering besiedelt", 10, "yesno", choices=YES_NO),
    Column("hinweis", "Hinweis", 70),
    Column("nummer", "Nummer", 9, "int", legacy=True),  # up to 0.2: alphabetical numbers, upgraded by name
))
PROFILES = SheetSpec("Geheimhaltung", "geheimhaltung.csv", (
    Column("code", "Profil", 12, required=True),
    Column("beschreibung", "Beschreibung", 80),
    Column("rundung_basis", "Rundungsbasis", 12, "int", required=True),
    Column("min_fallzahl", "Kleinste Fallzahl", 12, "int", required=True),
    Column("min_nenner", "Kleinster Nenner", 12, "int", required=True),
    Column("symbol", "Zeichen", 8, required=True),
    Column("klammer_unter", "Klammer unter Fallzahl", 12, "int"),
))
BREAKS = SheetSpec("Zeitreihenbrueche", "zeitreihenbrueche.csv", (
    Column("indikator", "Kennung", 10, required=True, lookup="Indikatoren"),
    Column("ab_jahr", "Ab Jahr", 9, "int", required=True),
    Column("hinweis", "Hinweis", 80, required=True, public=True),
), optional=True, purpose="Es nennt die Brüche der Zeitreihen; ohne es würden Trends über einen Bruch hinweg bewertet.")

AGE_GROUPS = SheetSpec("Altersgruppen", "altersgruppen.csv", (
    Column("code", "Code", 10, required=True),
    Column("bezeichnung", "Bezeichnung", 28, required=True),
    Column("von", "von (Jahre)", 10, "int", required=True),
    Column("bis", "bis unter (Jahre)", 10, "int"),  # empty: open ("65 und älter")
    Column("verwendung", "Verwendung", 24, "list", required=True),
    Column("hinweis", "Hinweis", 70),
), optional=True, purpose="Es legt die Altersgruppen fest (Grenzen und Verwendung); ohne es gibt es keine Werte nach "
                          "Alter.")
NATIONALITIES = SheetSpec("Staatsangehörigkeiten", "staatsangehoerigkeiten.csv", (
    Column("schluessel", "Schlüssel", 10, "key3", required=True),
    Column("bezeichnung", "Bezeichnung", 34, required=True),
    Column("gruppen", "Gruppen", 40, "list"),
    Column("einzeln", "Einzeln erheben", 10, "yesno", choices=YES_NO),
    Column("hinweis", "Hinweis", 70),
), optional=True, purpose="Es nennt die Staatsangehörigkeiten (Schlüssel des Statistischen Bundesamts) und ihre "
                          "Gruppen; ohne es gibt es keine Werte nach einzelnen Staatsangehörigkeiten.")

MEASURES = ("zaehler", "nenner", "wert")
LINKS = SheetSpec("Gleiche Zahlen", "gleiche_zahlen.csv", (
    Column("indikator", "Kennung", 10, required=True, lookup="Indikatoren"),
    Column("messgroesse", "Messgröße", 11, required=True, choices=MEASURES),
    Column("gruppe", "Gruppe (leer = jede)", 16),
    Column("gleich_indikator", "Gleich wie Kennung", 12, required=True, lookup="Indikatoren"),
    Column("gleich_messgroesse", "Gleich wie Messgröße", 11, required=True, choices=MEASURES),
    Column("gleich_gruppe", "Gleich wie Gruppe (leer = dieselbe)", 18),
    Column("gleich_alter", "Gleich wie Summe der Altersgruppen (leer = alle Altersgruppen)", 22, "list"),
    Column("hinweis", "Hinweis", 70),
), optional=True, purpose="Es sagt der Geheimhaltung, welche Kennzahlen dieselbe Zahl veröffentlichen; ohne es ließen "
                          "sich gesperrte Zahlen aus anderen Kennzahlen zurückrechnen.")

SHEETS: tuple[SheetSpec, ...] = (INDICATORS, FIELDS, CHARACTERISTICS, SUM_RULES, OFFICES, DISTRICTS, PROFILES, BREAKS,
                                 LINKS, AGE_GROUPS, NATIONALITIES)

# Said once when a catalogue still has the single notes column of earlier versions: its text is kept as the
# internal note (never printed in the published report), so nothing is lost and nothing internal is published.
LEGACY_NOTES_NOTICE = (
    "Der Indikatorenkatalog hat im Blatt Indikatoren noch die frühere Spalte „Methodische Hinweise“. Ihr Text gilt "
    "jetzt als „Interne Notiz“: Er steht nur in der internen Fassung des Berichts (toolkit compile --intern), nicht "
    "im veröffentlichten Bericht. Hinweise, die im Bericht stehen sollen, gehören jetzt in die neue Spalte „Hinweis "
    "für den Bericht“. Bitte diese Spalte im Blatt Indikatoren anlegen und die Spalte „Methodische Hinweise“ in "
    "„Interne Notiz“ umbenennen; dann entfällt dieser Hinweis."
)

# --------------------------------------------------------------------------------------------------
# Reading raw rows (from the workbook or the default CSVs)


@dataclass
class RawRow:
    sheet: str
    row: int  # Excel row number (header = 1)
    values: dict[str, str]


def default_rows() -> dict[str, list[RawRow]]:
    """The packaged default catalogue (copied from the reference CSVs) as raw rows."""
    folder = resources.files("toolkit") / "defaults"
    rows: dict[str, list[RawRow]] = {}
    for spec in SHEETS:
        resource = folder / spec.csv
        if not resource.is_file():
            rows[spec.name] = []
            continue
        with resource.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows[spec.name] = [
                RawRow(spec.name, n, {c.key: (record.get(c.key) or "").strip() for c in spec.columns})
                for n, record in enumerate(reader, start=2)
            ]
    return rows


# The rows of the catalogue workbooks read by this process, with their notices: parsing with openpyxl is the largest
# part of loading a catalogue (0.2 s; hashing the file takes milliseconds). Copied on the way in and out (RawRow's
# values are a dict a caller may change); a workbook with problems is never kept.
PARSED: ContentMemo[tuple[dict[str, list[RawRow]], tuple[str, ...]]] = ContentMemo()


def _copied(rows: dict[str, list[RawRow]]) -> dict[str, list[RawRow]]:
    return {name: [RawRow(r.sheet, r.row, dict(r.values)) for r in sheet] for name, sheet in rows.items()}


def catalogue_bytes(path: Path) -> bytes:
    """The bytes of a catalogue workbook, or the German message why they cannot be read."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"Der Indikatorenkatalog {for_user(path)} fehlt.") from None
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def workbook_rows(path: Path, notices: list[str] | None = None, data: bytes | None = None) -> dict[str, list[RawRow]]:
    """Raw rows of an Indikatorenmatrix.xlsx, matched to the columns by their German headers.

    German notices for the user (an older catalogue layout that was read as well) are appended to ``notices``.
    The same bytes are parsed once per process (PARSED). ``data``: the file's bytes, if the caller read them.
    """
    data = catalogue_bytes(path) if data is None else data
    key = PARSED.key(data)
    found = PARSED.get(key)
    if found is None:
        said: list[str] = []
        found = _parsed_rows(path, data, said), tuple(said)
        PARSED.put(key, (_copied(found[0]), found[1]))
    else:
        found = _copied(found[0]), found[1]
    if notices is not None:  # the notice of the old layout is said once (_sheet_rows)
        notices.extend(n for n in found[1] if n != LEGACY_NOTES_NOTICE or n not in notices)
    return found[0]


def _unreadable(path: Path, exc: BaseException) -> InputError:
    return InputError(f"Der Indikatorenkatalog {for_user(path)} lässt sich nicht lesen ({type(exc).__name__}).",
                      hint="Bitte die Datei in Excel öffnen und als .xlsx speichern.")


def _parsed_rows(path: Path, data: bytes, notices: list[str]) -> dict[str, list[RawRow]]:
    """workbook_rows without the cache: ``data`` (the bytes of ``path``) parsed with python-calamine."""
    try:
        sheets = _workbook_sheets(data)
    except Exception as exc:  # any parser failure means the same to the user
        raise _unreadable(path, exc) from exc
    problems: list[str] = []
    rows: dict[str, list[RawRow]] = {}
    missing = 0
    listed = _listed_sheets(sheets.get("Hinweise", ()))
    for spec in SHEETS:
        if spec.name in sheets:
            rows[spec.name] = list(_sheet_rows(sheets[spec.name], spec, problems, notices))
        elif spec.optional and spec.name not in listed:  # a catalogue of a version before this sheet
            rows[spec.name] = []
        else:
            missing += 1
            problems.append(f"Blatt {spec.name} fehlt." if not spec.optional else MISSING_SHEET.format(
                sheet=spec.name, purpose=spec.purpose))
    if problems:
        raise CatalogueError(problems, for_user(path), missing_sheets=missing)
    if LINKS.name not in sheets and LINKS.name not in listed:
        rows[LINKS.name] = default_links(rows[INDICATORS.name])
        notices.append(DEFAULT_LINKS_NOTICE.format(count=len(rows[LINKS.name])))
    return rows


# A sheet the catalogue's own Hinweise list but the workbook lacks was deleted or renamed: an error, never a
# silent "none declared" (an empty sheet with its header row says that).
MISSING_SHEET = (
    "Blatt {sheet} fehlt (gelöscht oder umbenannt?). {purpose} Bitte das Blatt wiederherstellen (Excel: Rückgängig "
    "oder eine Sicherung) oder aus einem neuen Katalog kopieren ('toolkit init NEUER_ORDNER', dort "
    "templates/Indikatorenmatrix.xlsx; in Excel: Blatt > Verschieben oder kopieren). Ein Blatt {sheet}, das nur die "
    "Kopfzeile hat, heißt: keine Einträge."
)

# Said once when a catalogue predates the sheet Gleiche Zahlen: disclosure control then joins the counts that the
# default catalogue declares equal, for the indicators of this catalogue, so no suppressed count becomes computable.
DEFAULT_LINKS_NOTICE = (
    "Der Indikatorenkatalog stammt aus einer früheren Version und hat noch kein Blatt „Gleiche Zahlen“. Damit "
    "gesperrte Zahlen nicht aus anderen Kennzahlen zurückgerechnet werden können, verwendet die Geheimhaltung die "
    "{count} gleichen Zahlen des Standardkatalogs für die Kennzahlen dieses Katalogs. Bitte das Blatt „Gleiche "
    "Zahlen“ aus einem neuen Katalog ('toolkit init NEUER_ORDNER', dort templates/Indikatorenmatrix.xlsx) in diesen "
    "Katalog kopieren und prüfen; dann entfällt dieser Hinweis."
)


def _workbook_sheets(data: bytes) -> dict[str, Sequence[Sequence[object]]]:
    """Every sheet's rows from A1 on, read with python-calamine (ten times faster than openpyxl on a large
    catalogue). Calamine reads a cell holding an Excel error (#DIV/0!, #NV) as empty, openpyxl as its text; so a
    workbook with an error cell is read with openpyxl as before, and a broken formula stays visible where it is
    checked. A date at midnight comes as a date, which ``_text`` writes as openpyxl's datetime."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        errors = any(b't="e"' in package.read(name) for name in package.namelist()
                     if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    if errors:
        from openpyxl import load_workbook  # heavy: openpyxl (0.1 s) only for a catalogue with an error cell

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}
        finally:
            workbook.close()
    from python_calamine import CalamineWorkbook  # heavy: the Rust reader only when a catalogue is read

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    finally:
        book.close()


def _listed_sheets(hints: Sequence[Sequence[object]]) -> set[str]:
    """The sheets the catalogue's Hinweise list ("Gleiche Zahlen: 7 Spalten"): the sheets of the version that wrote it."""
    listed = set()
    for line in hints:
        text = str(line[0] or "") if line else ""
        if text.endswith(" Spalten") and ": " in text:
            listed.add(text.rsplit(": ", 1)[0])
    return listed


def default_links(indicator_rows: list[RawRow]) -> list[RawRow]:
    """The default catalogue's Gleiche Zahlen between indicators of ``indicator_rows`` that fit them (measures of
    their Typ, groups they are collected for), for a catalogue that predates the sheet."""
    indicators = {r.values.get("id", ""): r.values for r in indicator_rows}

    def fits(indicator: str, measure: str, group: str, by_age: bool = False) -> bool:
        values = indicators.get(indicator)
        if values is None:
            return False
        measures = ("zaehler", "nenner") if values.get("typ") == "quote" else ("wert",)
        groups = [g.strip() for g in values.get("gruppen", "").split(";")]
        return measure in measures and (not group or group in groups) and (not by_age or bool(values.get("altersgruppen")))

    return [raw for raw in default_rows()[LINKS.name]
            if fits(raw.values["indikator"], raw.values["messgroesse"], raw.values["gruppe"])
            and fits(raw.values["gleich_indikator"], raw.values["gleich_messgroesse"],
                     raw.values["gleich_gruppe"] or raw.values["gruppe"], bool(raw.values.get("gleich_alter")))]


def _sheet_rows(sheet: Sequence[Sequence[object]], spec: SheetSpec, problems: list[str],
                notices: list[str] | None) -> Iterator[RawRow]:
    lines = iter(sheet)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    positions: dict[str, int] = {}
    legacy = any(c.legacy and c.header in header for c in spec.columns)
    for column in spec.columns:
        if column.header in header:
            positions[column.key] = header.index(column.header)
        elif column.former_header and column.former_header in header:
            positions[column.key] = header.index(column.former_header)
            if notices is not None and LEGACY_NOTES_NOTICE not in notices:
                notices.append(LEGACY_NOTES_NOTICE)
        elif column.required and not legacy:  # a sheet of an earlier version: filled in when the catalogue is built
            problems.append(f"Blatt {spec.name}: die Spalte „{column.header}“ fehlt in Zeile 1.")
    for number, line in enumerate(lines, start=2):
        values = {key: _text(line[pos] if pos < len(line) else None) for key, pos in positions.items()}
        if any(values.values()):
            yield RawRow(spec.name, number, values)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):  # calamine: a date at midnight
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_ref(spec: SheetSpec, key: str, row: int) -> str:
    """Excel address of a catalogue cell, e.g. 'N12'."""
    index = [c.key for c in spec.columns].index(key)
    return cell_name(row - 1, index)
