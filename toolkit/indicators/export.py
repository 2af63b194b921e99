"""toolkit export: the published (suppressed) values as open data: tidy long CSV + Frictionless datapackage.json.

One row per published value (Jahr, Indikator, Indikatorname, Gebiet, Gebietsschlüssel, Gruppe, Geschlecht,
Altersgruppe, Staatsangehörigkeit with its key of the Statistisches Bundesamt, Wert, Einheit, Kennzeichen), UTF-8,
comma-separated, decimal point. Suppressed values have an empty Wert
and the reason in Kennzeichen (a single nationality below [geheimhaltung] staatsangehoerigkeit_mindestzahl:
"gesperrt (.); enthalten in übrige Staatsangehörigkeiten"); values of limited reliability keep their Wert and are flagged
"eingeschränkte Aussagekraft"; a value that differs from the one an earlier edition published is flagged
"korrigiert" and listed in korrigierte_werte_Y.csv (the "Korrigierte Werte", a second resource of the package). Text
cells that a spreadsheet would read as a formula (starting with = + - @, tab or carriage return) are neutralised with
a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.catalogue.model import Catalogue, IndicatorType, area_key
from toolkit.collect.layout import FLAG_WITHHELD
from toolkit.core.cells import count_of, format_number
from toolkit.core.keys import ALL
from toolkit.core.problems import Problem
from toolkit.core.workspace import Workspace, atomic_write_bytes, for_user
from toolkit.indicators.confidentiality import LIMITED_TEXT, SOURCE
from toolkit.indicators.editions import REVISION_COLUMNS, revision_rows
from toolkit.indicators.nationality_threshold import FOLDED
from toolkit.indicators.published import LEAVE_OUT_OPTION, Published, load_published

COLUMNS = ("Jahr", "Indikator", "Indikatorname", "Gebiet", "Gebietsschluessel", "Gruppe", "Geschlecht", "Altersgruppe",
           "Staatsangehoerigkeit", "Staatsangehoerigkeitsschluessel", "Wert", "Einheit", "Kennzeichen")
VALUE = COLUMNS.index("Wert")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REVISED_TEXT = "korrigiert"
FOLDED_TEXT = "enthalten in übrige Staatsangehörigkeiten"


@dataclass
class ExportResult:
    year: int
    csv_path: Path
    package_path: Path
    n_rows: int
    n_suppressed: int
    root: Path | None = None  # the working folder, to name files relative to it
    left_out: list[Problem] = field(default_factory=list)  # stored values without a home, left out on request
    revisions_path: Path | None = None  # the Korrigierte Werte, when a published value changed since
    n_revised: int = 0

    def lines(self) -> list[str]:
        return [
            f"Offene Daten {self.year} geschrieben: {for_user(self.csv_path)}",
            f"  {count_of(self.n_rows, 'Zeile')}, davon {format_number(self.n_suppressed)} gesperrt (ohne Wert, Grund in „Kennzeichen“).",
            *([f"Korrigierte Werte (anders als in einer früheren Ausgabe veröffentlicht): {self.n_revised}, in "
               f"{for_user(self.revisions_path)}"] if self.revisions_path else []),
            f"Beschreibung (Frictionless Data Package): {for_user(self.package_path)}",
            *(f"Nicht veröffentlicht ({LEAVE_OUT_OPTION}): {p.message}" for p in self.left_out),
        ]


def neutralise(text: str) -> str:
    """Keep text from being read as a formula by a spreadsheet ('=1+1' -> \"'=1+1\")."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def export_dir(workspace: Workspace, year: int) -> Path:
    return workspace.year_dir(year) / "OffeneDaten"


def export_open_data(workspace: Workspace, year: int, *, leave_out_orphans: bool = False) -> ExportResult:
    """Write outbox/Y/OffeneDaten/integrationsmonitoring_Y.csv and datapackage.json (all years up to Y).

    ``leave_out_orphans``: without the stored values the catalogue has no home for, instead of refusing."""
    published = load_published(workspace, year, leave_out_orphans=leave_out_orphans, breakdowns=True)
    result = write_open_data(export_dir(workspace, year), year, published)
    result.root = workspace.root
    return result


def write_open_data(folder: Path, year: int, published: Published) -> ExportResult:
    """The open data of the protected table into ``folder`` (export_open_data; toolkit publish writes its own)."""
    catalogue = published.catalogue
    rows = list(export_rows(published.frame, catalogue))
    name = csv_name(year)
    atomic_write_bytes(folder / name, csv_bytes(rows))
    revisions = revision_rows(published.frame, catalogue)
    revisions_name = f"korrigierte_werte_{year}.csv"
    if revisions:
        atomic_write_bytes(folder / revisions_name, csv_bytes(revisions, REVISION_COLUMNS))
    atomic_write_bytes(folder / "datapackage.json", datapackage_bytes(name, year, published.settings.stadt,
                                                                      revisions_name if revisions else None))
    suppressed = sum(1 for r in rows if r[VALUE] == "")
    return ExportResult(year, folder / name, folder / "datapackage.json", len(rows), suppressed,
                        left_out=published.left_out, revisions_path=folder / revisions_name if revisions else None,
                        n_revised=len(revisions))


def csv_name(year: int) -> str:
    return f"integrationsmonitoring_{year}.csv"


def csv_bytes(rows: list[tuple], header: tuple[str, ...] = COLUMNS) -> bytes:
    """The open-data CSV of ``rows`` (export_rows, or revision_rows with REVISION_COLUMNS): header, UTF-8, CRLF, text
    cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue().encode("utf-8")


def datapackage_bytes(resource_path: str, year: int, city: str, revisions_path: str | None = None) -> bytes:
    package = datapackage(resource_path, year, city, revisions_path)
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_rows(published: pd.DataFrame, catalogue: Catalogue) -> Iterator[tuple]:
    """Published values as CSV rows, in catalogue order of the indicators."""
    order = {code: n for n, code in enumerate(catalogue.indicators)}
    frame = published.assign(_order=published["indicator"].map(order)).sort_values(
        ["_order", "year", "area", "group", "sex", "age", "nationality"])
    for r in frame.itertuples(index=False):
        indicator = catalogue.indicators[r.indicator]
        value = r.published
        flags = [f for f in str(r.flag).split("; ") if f and f != FLAG_WITHHELD]
        if r.suppressed:
            flags.insert(0, FLAG_WITHHELD if r.suppressed == SOURCE else f"gesperrt ({r.symbol})")
            if r.suppressed == FOLDED:  # a nationality below the threshold: counted only in the rest
                flags.insert(1, FOLDED_TEXT)
            text = ""
        elif value is None or (isinstance(value, float) and math.isnan(value)):
            if not flags:
                continue
            text = ""
        elif indicator.typ == IndicatorType.ANZAHL:
            text = str(int(round(value)))
        else:
            text = f"{value:.1f}" if indicator.typ == IndicatorType.QUOTE else f"{value:.2f}".rstrip("0").rstrip(".")
        if getattr(r, "limited", False) and text:
            flags.append(LIMITED_TEXT)
        if getattr(r, "revised", False):
            flags.append(REVISED_TEXT)
        if r.rounded:
            flags.append(f"auf {int(r.rounded)} gerundet")
        yield (int(r.year), indicator.id, indicator.name, catalogue.area_label(r.area), area_key(r.area),
               catalogue.label("gruppe", r.group), catalogue.label("geschlecht", r.sex),
               catalogue.label("altersgruppe", r.age), catalogue.label("staatsangehoerigkeit", r.nationality),
               "" if r.nationality == ALL else r.nationality, text, indicator.einheit, "; ".join(flags))


def datapackage(resource_path: str, year: int, city: str, revisions_path: str | None = None) -> dict:
    """Frictionless Tabular Data Package describing the CSV (and the Korrigierte Werte, if any)."""
    def text(name: str, description: str) -> dict:
        return {"name": name, "type": "string", "description": description}

    package = {
        "profile": "tabular-data-package",
        "name": f"integrationsmonitoring-{year}",
        "title": f"Integrationsmonitoring {city}: veröffentlichte Kennzahlen bis {year}",
        "description": ("Kennzahlen des kommunalen Integrationsmonitorings im Langformat, eine Zeile je Wert. Kleine "
                        "Fallzahlen sind nach den Geheimhaltungsregeln gesperrt (Wert leer, Grund in Kennzeichen)."),
        "licenses": [{"name": "dl-de-by-2.0", "title": "Datenlizenz Deutschland – Namensnennung – Version 2.0"}],
        "resources": [{
            "name": f"integrationsmonitoring-{year}",
            "path": resource_path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\r\n"},
            "schema": {
                "fields": [
                    {"name": "Jahr", "type": "integer", "description": "Berichtsjahr (Stichtag siehe Indikator)"},
                    text("Indikator", "Kennung der Kennzahl im Indikatorenkatalog, z. B. BIL-06"),
                    text("Indikatorname", "Bezeichnung der Kennzahl"),
                    text("Gebiet", "Gesamtstadt, Stadtteil, Sachsen-Anhalt oder Deutschland"),
                    text("Gebietsschluessel", "Stadtteilschlüssel des Amts für Statistik Magdeburg (01 … 78, wie in "
                                              "KISS-MD), 15003000 (Amtlicher Gemeindeschlüssel der Gesamtstadt), 15 "
                                              "(Sachsen-Anhalt), DG (Deutschland)"),
                    text("Gruppe", "Bevölkerungsgruppe (z. B. Deutsche, Nichtdeutsche)"),
                    text("Geschlecht", "Insgesamt, Weiblich oder Männlich"),
                    text("Altersgruppe", "Altersgruppe, z. B. „65 Jahre und älter“ (Grenzen im Indikatorenkatalog, "
                                         "Blatt Altersgruppen); „Alle Altersgruppen“ für Werte ohne Gliederung nach "
                                         "Alter"),
                    text("Staatsangehoerigkeit", "Einzelne Staatsangehörigkeit, z. B. Syrien; „Alle "
                                                 "Staatsangehörigkeiten“ für Werte ohne diese Gliederung"),
                    text("Staatsangehoerigkeitsschluessel", "Dreistelliger Schlüssel der Staatsangehörigkeit nach der "
                                                            "Staats- und Gebietssystematik des Statistischen "
                                                            "Bundesamts (z. B. 475 Syrien); leer für alle"),
                    {"name": "Wert", "type": "number", "description": "Veröffentlichter Wert; leer, wenn gesperrt",
                     "decimalChar": "."},
                    text("Einheit", "%, Anzahl, je 1.000, Index oder Tage"),
                    text("Kennzeichen", "gesperrt (Zeichen), eingeschränkte Aussagekraft (kleine Fallzahl; "
                                        "im Bericht in Klammern), korrigiert (anders als in einer früheren Ausgabe), "
                                        "vorläufig, geschätzt, gerundet"),
                ],
                "missingValues": [""],
                "primaryKey": ["Jahr", "Indikator", "Gebietsschluessel", "Gruppe", "Geschlecht", "Altersgruppe",
                               "Staatsangehoerigkeit"],
            },
        }],
    }
    if revisions_path:
        package["resources"].append({
            "name": f"korrigierte-werte-{year}",
            "title": "Korrigierte Werte",
            "description": "Werte, die eine frühere Ausgabe anders veröffentlicht hat: der frühere und der jetzige Wert.",
            "path": revisions_path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\r\n"},
            "schema": {"fields": [
                {"name": "Jahr", "type": "integer"}, *(text(name, name) for name in REVISION_COLUMNS[1:9]),
                {"name": "Bisher", "type": "number", "description": "Der früher veröffentlichte Wert",
                 "decimalChar": "."},
                text("Bisher veröffentlicht", "Die Ausgabe, die ihn veröffentlicht hat"),
                {"name": "Jetzt", "type": "number", "description": "Der Wert dieser Ausgabe; leer, wenn gesperrt",
                 "decimalChar": "."},
                text("Kennzeichen", "gesperrt (Zeichen), wenn der Wert jetzt gesperrt ist"),
            ], "missingValues": [""]},
        })
    return package
