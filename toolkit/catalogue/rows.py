"""Raw catalogue rows into its dataclasses: each cell converted by the kind of its column (sheets.Column), every
mistake collected as a German problem naming sheet, row, column and cell, so that all of them are reported at once."""

from __future__ import annotations

import re
from collections.abc import Iterable

from toolkit.catalogue.sheets import Column, RawRow, SheetSpec, cell_ref


class RowChecker:
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

    def make(self, cls: type, raw: RawRow, spec: SheetSpec):  # returns an instance of cls or None
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
                values[column.key] = empty_value(column)
                continue
            if column.choices and text not in column.choices:
                self.add(spec, raw, column.key, f"„{text}“ ist nicht erlaubt; erlaubt: {', '.join(column.choices)}")
                ok = False
                continue
            try:
                values[column.key] = converted(column, text)
            except ValueError:
                if column.kind == "years":
                    self.add(spec, raw, column.key, f"„{text}“ sind keine Jahreszahlen; erwartet werden Jahre von 1950 "
                                                    "bis 2099, mit Semikolon getrennt (z. B. 2019;2024;2029)")
                    ok = False
                    continue
                expected = {"int": "eine ganze Zahl", "key": "ein Schlüssel aus Ziffern wie 04",
                            "key3": "ein dreistelliger Schlüssel wie 475"}.get(column.kind, "eine Zahl")
                self.add(spec, raw, column.key, f"„{text}“ ist keine Zahl; erwartet wird {expected}")
                ok = False
        if not ok:
            return None
        return cls(**values)


def empty_value(column: Column) -> object:
    if column.kind in ("list", "years"):
        return ()
    if column.kind == "yesno":
        return False
    if column.kind in ("int", "number"):
        return None
    return ""


def converted(column: Column, text: str) -> object:
    if column.kind == "list":
        return tuple(part.strip() for part in text.split(";") if part.strip())
    if column.kind == "years":
        parts = [part for part in re.split(r"[;,\s]+", text) if part]
        if not parts or not all(re.fullmatch(r"(19[5-9]|20\d)\d", part) for part in parts):
            raise ValueError(text)
        return tuple(sorted({int(part) for part in parts}))
    if column.kind == "yesno":
        return text == "ja"
    if column.kind == "int":
        number = float(text.replace(",", "."))
        if not number.is_integer():
            raise ValueError(text)
        return int(number)
    if column.kind == "number":
        return float(text.replace(",", "."))
    if column.kind in ("key", "key3"):
        if not re.fullmatch(r"\d{1,3}", text):
            raise ValueError(text)
        return text.zfill(2 if column.kind == "key" else 3)
    if column.choices:  # the member of a vocabulary (IndicatorType, …) rather than its bare text
        return column.choices[column.choices.index(text)]
    return text


_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def is_valid_address(address: str) -> bool:
    """A plain mailbox address (no display name, no line break, no second address)."""
    return bool(_ADDRESS.match(address)) and len(address) <= 254
