"""German number conventions: 1.234,5 and 12,3 % for output; reading numbers that offices typed as text."""

from __future__ import annotations

import math
import re


def format_number(value: float, decimals: int | None = None) -> str:
    """1234.5 -> '1.234,5'; whole numbers without decimals unless ``decimals`` is given."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


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


_GERMAN = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_number_text(text: str) -> float | None:
    """Read a number an office typed as text: '1.234' -> 1234, '12,5' -> 12.5, '1.234,5' -> 1234.5.

    Returns None when the text is not a number ('k.A.', '12 %', 'ca. 30'). A dot followed by exactly
    three digits is a thousands separator (German convention), so '1.234' is 1234, not 1.234.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("\u2009", "")
    if not cleaned:
        return None
    if _GERMAN.match(cleaned):
        return float(cleaned.replace(".", "").replace(",", "."))
    if _PLAIN.match(cleaned):
        return float(cleaned)
    return None
