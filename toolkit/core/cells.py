"""German cell conventions, each in one place: numbers (1.234,5 and 12,3 %; numbers typed as text), counts with
their noun (1 Wert, 2 Werte), spans of years (2025, 2020–2024), dates (31.12.2025) and cell addresses (A1 <-> 0-based
row and column).

Every message, table and report text that prints a count uses ``count_of``, every span of years ``year_span``: a
sentence is never assembled with "Werte" after a count that may be 1, nor as "2025–2025".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

MINUS = "\u2212"  # the minus sign of German typesetting (DIN 5008, the statistics offices), never a hyphen


def format_number(value: float, decimals: int | None = None) -> str:
    """1234.5 -> '1.234,5', -16.2 -> '−16,2' (minus sign U+2212); whole numbers without decimals unless ``decimals``
    is given. A value that rounds to zero has no sign ('0,0', never '−0,0')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    if round(value, decimals) == 0:
        text = text.removeprefix("-")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".").replace("-", MINUS)


def format_percent(value: float, decimals: int = 1) -> str:
    """12.345 -> '12,3 %' (narrow no-break space is avoided: Word users search for a plain space)."""
    return f"{format_number(value, decimals)} %"


def format_value(value: float, unit: str, decimals: int = 1) -> str:
    """A value with its unit as the report shows it: '12,3 %', '4.512', '1,7 je 1.000'."""
    if unit == "%":
        return format_percent(value, decimals)
    if unit in ("Anzahl", ""):
        return format_number(value, 0 if float(value).is_integer() else decimals)
    return f"{format_number(value, decimals)} {unit}"


# noun -> (plural, grammatical gender: m, f or n); a noun not listed needs its plural passed to count_of
NOUNS: dict[str, tuple[str, str]] = {
    "Änderung": ("Änderungen", "f"),
    "Anteil": ("Anteile", "m"),
    "Befund": ("Befunde", "m"),
    "Datei": ("Dateien", "f"),
    "Eingabezelle": ("Eingabezellen", "f"),
    "Entwurf": ("Entwürfe", "m"),
    "Erhebungsbogen": ("Erhebungsbögen", "m"),
    "Erinnerung": ("Erinnerungen", "f"),
    "Fehler": ("Fehler", "m"),
    "Grafik": ("Grafiken", "f"),
    "Hinweis": ("Hinweise", "m"),
    "Jahr": ("Jahre", "n"),
    "Karte": ("Karten", "f"),
    "Kennzahl": ("Kennzahlen", "f"),
    "Lieferung": ("Lieferungen", "f"),
    "Prüfbericht": ("Prüfberichte", "m"),
    "Punkt": ("Punkte", "m"),
    "Staatsangehörigkeit": ("Staatsangehörigkeiten", "f"),
    "Stadtteil": ("Stadtteile", "m"),
    "Stelle": ("Stellen", "f"),
    "Tabelle": ("Tabellen", "f"),
    "Wert": ("Werte", "m"),
    "Warnung": ("Warnungen", "f"),
    "Zeile": ("Zeilen", "f"),
    "Zelle": ("Zellen", "f"),
}
# the ending of an adjective after "1" (ein neuer Wert, eine neue Datei, ein neues Jahr) and in the plural
_ONE_ENDING = {"m": "er", "f": "e", "n": "es"}


def count_of(count: int, noun: str, plural: str | None = None, *, adjective: str = "") -> str:
    """'1 Wert', '2 Werte', '0 Werte', '1.234 Werte'; with ``adjective`` 'neu': '1 neuer Wert', '3 neue Werte'.

    ``noun`` is the singular; its plural and gender come from NOUNS unless ``plural`` is given (an adjective then
    needs the noun in NOUNS).
    """
    known_plural, gender = NOUNS.get(noun, (plural or noun, "m"))
    one = count == 1
    word = noun if one else (plural or known_plural)
    if adjective:
        word = f"{adjective}{_ONE_ENDING[gender] if one else 'e'} {word}"
    return f"{format_number(count)} {word}"


def year_span(years: Iterable[int], between: str = "–") -> str:
    """The years as runs: '2025' for one year, '2020–2024' for consecutive ones, '2015–2019, 2021, 2023–2024' with
    gaps (``between`` ' bis ' for prose read aloud); '' for none."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}{between}{run[-1]}" for run in runs)


def line_span(first: int, last: int) -> str:
    """'Zeile 3' for one line, 'Zeilen 3 bis 5' for several (in a message: 'die Zeilen 3 bis 5 gerieten …')."""
    return f"Zeile {first}" if last <= first else f"Zeilen {first} bis {last}"


_GERMAN = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_number_text(text: str) -> float | None:
    """Read a number an office typed as text: '1.234' -> 1234, '12,5' -> 12.5, '1.234,5' -> 1234.5.

    Returns None when the text is not a number ('k.A.', '12 %', 'ca. 30'). A dot followed by exactly
    three digits is a thousands separator (German convention), so '1.234' is 1234, not 1.234.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("\u2009", "").replace(MINUS, "-")
    if not cleaned:
        return None
    if _GERMAN.match(cleaned):
        return float(cleaned.replace(".", "").replace(",", "."))
    if _PLAIN.match(cleaned):
        return float(cleaned)
    return None


# ---- cell addresses -------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0-based column -> its letters: 0 -> A, 25 -> Z, 26 -> AA, 701 -> ZZ."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Column letters -> 0-based column: A -> 0, Z -> 25, AA -> 26, ZZ -> 701 (any case)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number - 1


def cell_name(row: int, col: int) -> str:
    """0-based row and column -> the cell's address: (11, 10) -> 'K12'."""
    return f"{column_letter(col)}{row + 1}"


def cell_position(cell: str) -> tuple[int, int]:
    """A cell's address -> 0-based row and column: 'K12' -> (11, 10); '$K$12' and 'k12' alike."""
    cell = cell.replace("$", "")
    digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return int(digits) - 1, column_index(cell[:len(cell) - len(digits)])


# ---- dates ----------------------------------------------------------------------------------------------


def german_date(value: dt.date | str | None, with_time: bool = False) -> str:
    """A date as the toolkit shows it: 31.12.2025, with ``with_time`` 31.12.2025 14:05 (a datetime's time).

    Takes a date, a datetime or ISO text (how the store keeps times: '2025-12-31' or '2025-12-31T14:05:00');
    None gives ''; text that is no ISO date is returned as it is.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip()) if "T" in value or " " in value.strip() \
                else dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    if with_time and isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def listed(items: list[str]) -> str:
    """German enumeration: 'A', 'A und B', 'A, B und C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} und {items[-1]}"
