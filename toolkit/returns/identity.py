"""The identity of a returned collection workbook: office, report year, layout and round token.

It is read from the hidden sheet "Kennung" and, if a clerk deleted that sheet, from the custom document
properties (xlsx) or the user-defined metadata (ods) that carry the same labels.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from toolkit.collect.layout import META_FIELDS, META_MARKER
from toolkit.returns.safety import SafeFile


@dataclass(frozen=True)
class Identity:
    """What the hidden sheet 'Kennung' says about the workbook."""

    office: str
    year: int | None
    layout_version: str
    token: str
    toolkit_version: str
    fingerprint: str
    created: str


def identity_from_rows(rows: list[list[object]]) -> Identity | None:
    if not rows or not rows[0] or cell_text(rows[0][0]) != META_MARKER:
        return None
    values: dict[str, str] = {}
    for row in rows[1:len(META_FIELDS) + 1]:
        if len(row) >= 2:
            values[cell_text(row[0])] = cell_text(row[1])
    if "Dienststelle" not in values or "Berichtsjahr" not in values:
        return None
    year_text = values.get("Berichtsjahr", "")
    year = int(year_text) if year_text.isdigit() else None
    return Identity(values.get("Dienststelle", ""), year, values.get("Layoutversion", ""),
                    values.get("Rundenkennung", ""), values.get("Toolkit-Version", ""),
                    values.get("Layout-Fingerabdruck", ""), values.get("Erstellt am", ""))


_PROPERTY_PARTS = {"xlsx": "docProps/custom.xml", "ods": "meta.xml"}
_ODS_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"


def identity_from_properties(safe: SafeFile) -> Identity | None:
    """The identity from the custom document properties (xlsx) or user-defined metadata (ods), if complete."""

    from defusedxml import ElementTree as SafeET  # heavy: only for a return without its Kennung sheet

    part = _PROPERTY_PARTS.get(safe.kind)
    if part is None:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(safe.data)) as archive:
            root = SafeET.fromstring(archive.read(part))
    except Exception:  # missing or broken properties: no identity from there
        return None
    found: dict[str, str] = {}
    for element in root.iter():
        if element.tag.endswith("}property") and element.get("name"):
            found[element.get("name", "")] = "".join(element.itertext()).strip()
        elif element.tag == f"{_ODS_META}user-defined":
            found[element.get(f"{_ODS_META}name", "")] = "".join(element.itertext()).strip()
    if not all(label in found for label in META_FIELDS[:3]):
        return None
    return identity_from_rows([[META_MARKER], *([label, found.get(label, "")] for label in META_FIELDS)])


def cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()
