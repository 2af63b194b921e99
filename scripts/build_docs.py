"""Write the references that are made from the code, or check them: python scripts/build_docs.py [--check]

- README.md, between the lines ``<!-- generiert: NAME -->`` and ``<!-- /generiert: NAME -->``: the exit codes
  (``ExitCode`` in toolkit/core/errors.py) and the developer map (the docstrings of every package and module);
- docs/meldungen.md: every problem code (``PROBLEM_TYPES`` in toolkit/core/problems.py) with its severity, title,
  advice and an example of each of its messages;
- docs/entwicklerkarte.md: every package and module of toolkit/ with the first line of its docstring.

tests/test_docs.py fails when one of these files differs from what this script writes, so a reference cannot
drift from the code: change the code, run the script, commit both.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's toolkit, installed or not

from toolkit.core.errors import ExitCode  # noqa: E402
from toolkit.core.problems import PROBLEM_TYPES, ProblemType, problem  # noqa: E402

PACKAGE = ROOT / "toolkit"
README = ROOT / "README.md"
MESSAGES = ROOT / "docs" / "meldungen.md"
MAP = ROOT / "docs" / "entwicklerkarte.md"
COMMAND = "python scripts/build_docs.py"

# The stages in the order data flows through them (tests/test_architecture.py enforces it on the imports);
# a package or top-level module missing here stops the script.
ORDER = ("core", "catalogue", "collect", "returns", "merge", "indicators", "report", "publish", "initialise", "demo",
         "console", "cli", "__main__")

# ---- example messages -------------------------------------------------------------------------------------------
# The fields every problem has (Problem: file, sheet, cell, indicator, found, expected) and the details its
# construction site passes, filled with made-up but typical values. PER_CODE overrides them for one code, and
# "code/variant" for one message of a code. A template with a field that has no example here stops the script.

FIELDS: dict[str, object] = {
    "file": "Erhebung_2025_JUGA.xlsx", "sheet": "Erfassung", "cell": "F12", "indicator": "BIL-06", "year": 2025,
    "found": "", "expected": "", "reason": "BadZipFile", "meta_sheet": "Kennung", "key": "04",
    "mapping": "templates/zuordnungen/kiss_md_bevoelkerung.toml", "row": 17, "column": "Anzahl",
    "line": 17, "other": 12, "place": "Daten!A17", "first": 3, "last": 40, "times": 2, "count": 2,
    "letter": "F", "mark": "¹", "cells": "C2 und F2", "above": "Deutsche", "combined": "Deutsche insgesamt",
    "delimiter": ";", "encoding": "DOS (Codepage 850)", "example": "Messgröße",
    "group": "nichtdeutsch", "label": "65 Jahre und älter", "use": "Pyramide", "age": 67, "offset": 0,
    "area": "Gesamtstadt", "values": "3 gespeicherte Werte gehören", "what": "es fehlt das Alter 12",
}
PER_CODE: dict[str, dict[str, object]] = {
    "nicht-lesbar/import": {"file": "Bevoelkerung_2025.csv", "reason": "UnicodeDecodeError"},
    "leere-datei/import": {"file": "Bevoelkerung_2025.csv"},
    "zu-gross": {"megabytes": 48, "limit_mb": 20, "found": "12.480"},
    "unsicherer-inhalt": {"member": "xl/worksheets/sheet1.xml"},
    "kein-erhebungsbogen": {"sheet": "Kennung"},
    "falsches-jahr": {"found": 2024, "expected": 2025},
    "falsches-jahr/zukunft": {"found": 2031},
    "falsche-dienststelle": {"found": "JUGB"},
    "layout-veraltet": {"found": "3", "expected": "4"},
    "layout-geaendert": {"have": "9f2c41d07ab3e615", "expected": "5d0e8c21b94fa7c3"},
    "layout-geaendert/zeile": {"cell": "A12", "found": "BIL-07", "expected": "BIL-06"},
    "layout-geaendert/stadtteil": {"sheet": "Stadtteile BIL-06", "cell": "A9", "found": "05", "expected": "04"},
    "layout-geaendert/blatt": {"sheet": "Stadtteile BIL-06"},
    "doppelte-lieferung": {"found": "JUGA", "expected": "Erhebung_2025_SCHV.xlsx (SCHV)", "other_file":
                           "Erhebung_2025_SCHV.xlsx"},
    "doppelte-lieferung/gespeichert": {"expected": "SCHV"},
    "keine-zahl": {"found": "ca. 40"},
    "deutsches-zahlformat": {"found": "1.234,5", "expected": "1234,5", "how": ""},
    "zahl-mehrdeutig": {"found": "1.234", "number": "1234", "other": "1,234"},
    "keine-ganze-zahl": {"found": "12,5"},
    "negativer-wert": {"found": "-3"},
    "zaehler-groesser-nenner": {"found": "412", "nenner": "398", "nenner_cell": "Erfassung!F13"},
    "nenner-null": {"cell": "F13", "zaehler_cell": "Erfassung!F12", "zaehler": "12"},
    "summe-teile": {"cell": "F14", "parts": "deutsch, nichtdeutsch", "found": "1.180", "whole": "insgesamt",
                    "value": "1.210", "relation": "=", "tolerance": ""},
    "gleiche-zahl-abweichend": {"place": "Erfassung!F40", "indicator": "DEM-05", "measure": "Zähler",
                                "group": "Deutsche", "found": "28.678", "partner": "DEM-01",
                                "ages": "unter 7 Jahre, 7 bis unter 18 Jahre", "source": "in diesem Bogen",
                                "expected": "28.578", "tolerance": ""},
    "summe-altersgruppen": {"place": "Alter DEM-01!F12", "use": "Pyramide", "found": "245.100", "whole": "Insgesamt",
                            "value": "245.834", "relation": "=", "tolerance": ""},
    "summe-staatsangehoerigkeiten": {"place": "Staatsangehörigkeiten DEM-04!F20", "count": "8 Staatsangehörigkeiten",
                                     "whole": "Asylherkunftsländer", "found": "14.020", "value": "14.100",
                                     "relation": "=", "tolerance": ""},
    "summe-stadtteile": {"sheet": "Stadtteile BIL-06", "found": "1.180", "city_cell": "Stadtteile BIL-06!C44",
                         "expected": "1.210"},
    "ausserhalb-grenzen": {"what": "der Wert", "found": "140", "expected": "0 bis 100"},
    "wert-ohne-erhebung": {"place": "Erfassung!H52", "indicator": "TEI-02", "year": 2022, "found": "412",
                           "years": "2019, 2024 und 2029", "periodicity": "Wahljahr",
                           "label": "Mit Einwanderungsgeschichte", "since": 2021},
    "wert-ohne-erhebung/gruppe": {"place": "Import!G2", "indicator": "ARB-12", "year": 2020, "found": "33"},
    "wert-ohne-erhebung/gespeichert-jahr": {"values": "4 gespeicherte Werte gehören"},
    "wert-ohne-erhebung/gespeichert-gruppe": {"indicator": "ARB-12", "year": 2020,
                                              "values": "2 gespeicherte Werte gehören"},
    "sprung-zum-vorjahr": {"found": "1.540", "old": "1.020", "change": "+51", "limit": "30"},
    "vorjahr-geaendert": {"cell": "G12", "year": 2024, "change": "von 1.020 auf 1.045 geändert"},
    "formel": {"result": "1.210"},
    "eingabe-in-formelzeile": {"sheet": "Stadtteile BIL-06", "cell": "C44", "label": "Gesamtstadt", "found": "1.210",
                               "what": "Den Gesamtstadtwert bitte in Erfassung!F12 eintragen; diese Zeile zeigt ihn "
                                       "dann an."},
    "unbekanntes-kennzeichen": {"cell": "I12", "found": "ungefähr", "expected": "vorläufig, geschätzt, gerundet, "
                                                                                "kein Wert verfügbar, gesperrt"},
    "bemerkung": {"cell": "J12", "found": "Stichtag 31.12. statt 30.06."},
    "andere-runde": {"found": "2025-JUGA-7f3a", "expected": "2025-JUGA-c41e"},
    "bereits-uebernommen": {"delivery": 42, "other_file": "Erhebung_2025_JUGA (2).xlsx"},
    "reihenfolge-unklar": {"other_file": "Erhebung_2025_JUGA (2).xlsx", "saved": "14.03.2026 10:12", "office": "JUGA",
                           "differences": "Erfassung!K5: 500 bzw. 510"},
    "aeltere-fassung": {"delivery": 42, "other_file": "Erhebung_2025_JUGA (2).xlsx", "saved": "10.03.2026 09:00",
                        "other_saved": "14.03.2026 10:12"},
    "import-zeile": {"row": 17, "column": "Jahr", "why": "„20255“ ist kein Jahr.", "file": "Vergleichswerte_2025.csv",
                     "missing": "jahr, wert", "expected": "indikator, jahr, gebiet, gruppe, geschlecht, messgroesse, wert"},
    "zuordnung-ungueltig": {"file": "templates/zuordnungen/kiss_md_bevoelkerung.toml", "key": "spalten.Anzahl",
                            "found": "BIL-99", "indicator": "DEM-02", "other": "spalten.Insgesamt",
                            "expected": "insgesamt, deutsch, nichtdeutsch"},
    "zuordnung-ungueltig/pflicht": {"key": "blatt", "expected": "der Name des Tabellenblatts"},
    "zuordnung-ungueltig/typ": {"key": "kopfzeile", "found": "'eins'", "expected": "eine Zeilennummer ab 1"},
    "zuordnung-ungueltig/unbekannt": {"key": "jahr_spalte", "expected": "blatt, kopfzeile, jahre, spalten"},
    "zuordnung-ungueltig/messgroesse": {"found": "quote", "expected": "zaehler, nenner"},
    "zuordnung-ungueltig/gruppe": {"found": "ausländisch"},
    "zuordnung-ungueltig/geschlecht": {"found": "divers", "expected": "insgesamt, weiblich, männlich"},
    "zuordnung-ungueltig/doppelt": {"found": "deutsch, insgesamt, zaehler"},
    "zuordnung-passt-nicht": {"file": "KISS-MD_Bevoelkerung_2025.xlsx", "sheet": "Tabelle1", "cell": "B17",
                              "found": "Tabelle 2", "expected": "Tabelle1"},
    "zuordnung-passt-nicht/spalte": {"expected": "Jahr, Gebiet, Insgesamt, Deutsche"},
    "zuordnung-passt-nicht/jahr": {"found": "Stand 2025"},
    "zuordnung-passt-nicht/jahr-bereich": {"found": "2009", "expected": "2011 bis 2025"},
    "zuordnung-passt-nicht/gebiet": {"found": "99"},
    "zuordnung-passt-nicht/wert": {"found": "k. A.", "expected": "., x, -"},
    "zuordnung-passt-nicht/doppelt": {"found": "04", "other": 12},
    "zeichensatz": {"file": "Vergleichswerte_2025.csv", "found": "0x81"},
    "zeichensatz/bom": {"file": "Vergleichswerte_2025.csv", "encoding": "UTF-8"},
    "zeichensatz/erzwungen": {"file": "Vergleichswerte_2025.csv", "found": "utf-8", "encoding": "UTF-8"},
    "zeichensatz-erkannt": {"file": "Vergleichswerte_2025.csv", "found": "DOS (Codepage 850)", "other": "cp1252"},
    "csv-aufbau": {"file": "Vergleichswerte_2025.csv", "line": 2, "column": "Hinweis", "found": "Schätzung des Amts",
                   "first": 3, "last": 4, "reason": "Error", "swallowed": "die Zeilen 3 bis 4 gerieten"},
    "csv-mehrzeilig": {"file": "Vergleichswerte_2025.csv", "line": 2, "column": "Hinweis", "found": "Schätzung",
                       "last": 4, "inner": 3, "delimiter": ";"},
    "csv-aufbau/felder": {"found": 8, "expected": 9},
    "csv-aufbau/zu-lang": {"found": "40.000", "expected": "32.767"},
    "csv-aufbau/zu-lang-zeile": {"found": "131.072", "expected": "32.767"},
    "kopfzeile-doppelt": {"column": "insgesamt", "times": "zweimal", "letter": "C", "above": 1, "row": 2},
    "spalte-nicht-gelesen": {"found": "Bemerkung intern", "place": "Import!K1",
                             "expected": "indikator, jahr, gebiet, gruppe, geschlecht, messgroesse, wert"},
    "jahr-fussnote": {"place": "Import!A17", "column": "Jahr", "found": "2025¹", "year": 2025, "row": 17},
    "verwaiste-werte": {"values": "562 gespeicherte Werte", "indicator": "BIL-12", "key": "04", "name": "Alte Neustadt",
                        "new_key": "03", "found": "marsianer", "label": "Marsianer"},
    "frueherer-katalog": {"created": "10.03.2026", "changes": "kam TEI-09 hinzu"},
    "katalog-geaendert": {"created": "10.03.2026", "changes": "fiel TEI-02 weg", "office": "JUGA",
                          "cells": "Erfassung!F12 bis F14"},
    "arbeitsnotiz": {"place": "Indikatoren!M19", "column": "Quelle", "row_label": "SPR-05", "found": "prüfen",
                     "excerpt": "…für Bildung Sachsen-Anhalt (Quelle prüfen)"},
    "arbeitsnotiz/ohne-notiz": {"place": "Merkmale!E19", "column": "Beschreibung", "row_label": "mit_eg",
                                "found": "TODO", "excerpt": "…den Angaben der Befragten gebildet. TODO"},
    "wahljahre-fehlen": {"place": "Indikatoren!AB50", "indicator": "TEI-02", "found": "Wahljahr"},
    "quote-stadtteile-ueber-100": {"place": "Indikatoren!V21", "indicator": "BIL-02", "found": "150"},
    "stadtteil-ohne-flaeche": {"found": "Alte Neustadt", "key": "04", "file": "templates/Stadtteile.geojson"},
    "redaktion-offen": {"sheet": "Absatz 41 (Abschnitt „Vorwort“)", "found": "[Platzhalter für das Vorwort: Hier ordnet "
                    "die Koordination die Ergebnisse ein, nennt den…"},
    "redaktion-offen/arbeitsnotiz": {"sheet": "Absatz 166 (Abschnitt „GES-04 Gesundheitsuntersuchung …“)",
                                "found": "(Quelle prüfen)", "text": "Quelle: Gesundheitsamt (Quelle prüfen)."},
    "intern-im-bericht": {"sheet": "Absatz 41 (Abschnitt „Vorwort“)", "found": "Erhebung_2025_STAT.xlsx"},
    "intern-im-bericht/kennzeichnung": {"sheet": "Kopfzeile (Abschnitt 1)", "found": "INTERN – nicht zur "
                                                                                   "Veröffentlichung"},
    "intern-im-bericht/notiz": {"indicator": "GES-04", "found": "Daten 2023 vom Amt nachgeliefert, Vergleich mit …"},
    "intern-im-bericht/kontakt": {"found": "statistik@magdeburg.example"},
    "tabellenwert": {"sheet": "Tabelle 7 („Tabelle: DEM-01 Ausländeranteil …“), Zeile 4 „Alte Neustadt“, Spalte "
                              "„2024“", "found": "2", "expected": "."},
    "tabellenwert/fehlt": {"expected": "…"},
    "tabellenwert/geaendert": {"found": "7,2", "expected": "6,8"},
    "tabellenwert/zeile": {"sheet": "Tabelle 7 („Tabelle: DEM-01 Ausländeranteil …“), Zeile 12",
                           "found": "Neue Zeile | 12,4 | 13,0"},
    "dokumenteigenschaft/sprache": {"found": "en-US", "expected": "de-DE"},
    "dokumenteigenschaft/herausgeber": {"found": "Sachbearbeitung", "expected": "Landeshauptstadt Magdeburg"},
    "dokumenteigenschaft/intern": {"found": "Integrationsmonitoring 2025 – interne Fassung"},
    "rueckrechenbar": {"found": "BIL-06 2024 Alte Neustadt Nichtdeutsche"},
    "redaktion-offen/ueberarbeitung": {"sheet": "Integrationsbericht_2025.docx", "found": "2 nachverfolgte Änderungen und 1 Kommentar"},
    "flaeche-ohne-stadtteil": {"found": "Hafen Nord", "file": "templates/Stadtteile.geojson", "key": "72",
                               "other": "Barleber See", "expected": "Alte Neustadt"},
}


def example_message(code: str, variant: str) -> str:
    """The message ``problem()`` makes for ``code`` (``variant``) from the example fields."""
    fields = FIELDS | PER_CODE.get(code, {}) | PER_CODE.get(f"{code}/{variant}", {})
    try:
        return problem(code, variant, **fields).message  # type: ignore[arg-type]
    except KeyError as missing:
        raise SystemExit(f"{Path(__file__).name}: kein Beispielwert für {missing} in der Meldung "
                         f"{code}/{variant or '(Standard)'}; bitte in FIELDS oder PER_CODE ergänzen.") from None


def problem_reference() -> str:
    """docs/meldungen.md: a table of every code, then each code with its advice and example messages."""
    lines = [
        "# Meldungen: alle Befund-Codes",
        "",
        f"<!-- Erzeugt aus toolkit/core/problems.py mit `{COMMAND}`; nicht von Hand ändern (tests/test_docs.py "
        "vergleicht). -->",
        "",
        "Jeder Befund von `toolkit check`, `merge`, `import` und `compile` hat einen festen Code. In der JSON-Ausgabe "
        "(`toolkit check --format json`) steht er im Feld `code`, die Schwere im Feld `severity`; der Prüfbericht "
        "für die Dienststelle nennt Titel, Meldung und Rat. Schwere: **Fehler** – die Datei wird nicht übernommen; "
        "**Warnung** – übernommen und im Bericht vermerkt; **Hinweis** – zur Information.",
        "",
        "Die Beispiele sind mit erfundenen Werten gefüllt; in einer echten Meldung stehen Datei, Blatt, Zelle und die "
        "gefundenen Werte.",
        "",
        "| Code | Schwere | Titel |",
        "|---|---|---|",
    ]
    lines += [f"| [`{t.code}`](#{t.code}) | {_severity(t)} | {_one_line(t.title)} |" for t in PROBLEM_TYPES.values()]
    for kind in PROBLEM_TYPES.values():
        lines += ["", f"## {kind.code}", "", f"**{_one_line(kind.title)}** · {_severity(kind)} (`{kind.severity}`)",
                  "", f"Rat: {_one_line(kind.advice)}", "", "Beispiel:" if len(kind.messages) == 1 else "Beispiele:", ""]
        for variant in kind.messages:
            label = f"(`{variant}`) " if variant and len(kind.messages) > 1 else ""
            lines.append(f"- {label}{_one_line(example_message(kind.code, variant))}")
    return "\n".join(lines) + "\n"


def _severity(kind: ProblemType) -> str:
    return str(kind.severity).capitalize()


# ---- exit codes -------------------------------------------------------------------------------------------------

def exit_code_table() -> str:
    rows = "\n".join(f"| {int(code)} | {code.meaning} |" for code in ExitCode)
    return f"| Code | Bedeutung |\n|---|---|\n{rows}\n"


# ---- the developer map ------------------------------------------------------------------------------------------

def _docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def _summary(path: Path) -> str:
    """The docstring's first sentence-line (its paragraph joined to one line)."""
    return _one_line(_docstring(path).split("\n\n")[0])


def _parts() -> list[tuple[str, Path]]:
    """(name, path) of every stage, in ORDER: packages by their folder, top-level modules by their file."""
    found = {p.name: p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    found |= {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    unknown = sorted(set(found) - set(ORDER))
    if unknown:
        raise SystemExit(f"{Path(__file__).name}: {', '.join(unknown)} fehlt in ORDER; bitte an der Stelle seiner Stufe "
                         "eintragen.")
    return [(name, found[name]) for name in ORDER if name in found]


def _modules(package: Path) -> list[Path]:
    return sorted(p for p in package.glob("*.py") if p.name != "__init__.py")


def developer_map() -> str:
    """The README's map: one row per stage with the first line of its docstring and its modules."""
    rows = []
    for name, path in _parts():
        if path.is_dir():
            modules = ", ".join(p.stem for p in _modules(path))
            rows.append(f"| `toolkit/{name}/` | {_summary(path / '__init__.py')} | {modules} |")
        else:
            rows.append(f"| `toolkit/{path.name}` | {_summary(path)} | |")
    return "| Stufe | Aufgabe (aus dem Docstring) | Module |\n|---|---|---|\n" + "\n".join(rows) + "\n"


def stage_description(package: Path) -> tuple[str, str, str]:
    """(what the stage does, what it reads, what it produces) from its package docstring: a summary paragraph, then
    a line "Reads: …" and a line "Produces: …" (each may go on over several lines)."""
    summary, _, rest = _docstring(package / "__init__.py").partition("\n\n")
    parts = re.split(r"^(Reads|Produces):", rest, flags=re.M)
    labelled = {label: _one_line(text) for label, text in zip(parts[1::2], parts[2::2], strict=True)}
    return _one_line(summary), labelled.get("Reads", ""), labelled.get("Produces", "")


def _one_line(text: str) -> str:
    """Docstring text as one line of Markdown: reST's double backticks as Markdown's single ones; outside code
    spans, ``<Jahr>``, ``*.xlsx`` and ``|`` escaped so that they show as written (not as a tag, emphasis or a
    table column)."""
    pieces = " ".join(text.split()).replace("``", "`").split("`")
    pieces[::2] = [re.sub(r"([<>*|])", r"\\\1", piece) for piece in pieces[::2]]
    return "`".join(pieces)


def module_map() -> str:
    """docs/entwicklerkarte.md: every stage with what it reads and produces, and every module with its summary."""
    lines = [
        "# Entwicklerkarte: Stufen und Module",
        "",
        f"<!-- Erzeugt aus den Docstrings unter toolkit/ mit `{COMMAND}`; nicht von Hand ändern "
        "(tests/test_docs.py vergleicht). -->",
        "",
        "Die Stufen in der Reihenfolge, in der die Daten fließen: ein Modul importiert nur aus seiner und früheren "
        "Stufen (`tests/test_architecture.py`). Die Texte sind die Docstrings des Codes und daher englisch.",
    ]
    for name, path in _parts():
        if not path.is_dir():
            lines += ["", f"## toolkit/{path.name}", "", _summary(path)]
            continue
        does, reads, produces = stage_description(path)
        lines += ["", f"## toolkit/{name}/", "", does, "", f"- Liest (reads): {reads}", f"- Erzeugt (produces): {produces}",
                  "", "| Modul | Inhalt |", "|---|---|"]
        lines += [f"| `{p.name}` | {_summary(p)} |" for p in _modules(path)]
    return "\n".join(lines) + "\n"


# ---- the files ------------------------------------------------------------------------------------------------------

README_BLOCKS = {"exit-codes": exit_code_table, "entwicklerkarte": developer_map}


def _with_blocks(text: str) -> str:
    for name, make in README_BLOCKS.items():
        begin, end = f"<!-- generiert: {name} ({COMMAND}) -->\n", f"<!-- /generiert: {name} -->\n"
        start, stop = text.find(begin), text.find(end)
        if start < 0 or stop < start:
            raise SystemExit(f"README.md: die Zeilen {begin.strip()} … {end.strip()} fehlen.")
        text = text[:start + len(begin)] + make() + text[stop:]
    return text


def documents() -> dict[Path, str]:
    """Every generated file with the content the code gives it."""
    return {README: _with_blocks(README.read_text(encoding="utf-8")), MESSAGES: problem_reference(),
            MAP: module_map()}


def stale() -> list[Path]:
    """The generated files whose content differs from what the code gives."""
    return [path for path, text in documents().items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    if argv[1:] == ["--check"]:
        paths = stale()
        for path in paths:
            print(f"{path.relative_to(ROOT).as_posix()} ist veraltet: {COMMAND} ausführen.")
        return 1 if paths else 0
    for path, text in documents().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"geschrieben: {path.relative_to(ROOT).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
