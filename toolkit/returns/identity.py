"""The identity of a returned collection workbook: office, report year, layout and round token, when it was saved,
and the plan it is read by.

It is read from the hidden sheet "Kennung" and, if a clerk deleted that sheet, from the custom document
properties (xlsx) or the user-defined metadata (ods) that carry the same labels. When the office last saved the
workbook is in its core document properties (``dcterms:modified``, xlsx) or its metadata (``dc:date``, ods),
which Excel and LibreOffice set on every save. Its layout fingerprint chooses the plan (``plan_of``): today's, or
the earlier one a workbook was distributed with before the catalogue changed (collect/layout_history.py); a return
read by an earlier plan must not deliver values the catalogue no longer has a home for (``homeless_cells``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from toolkit.catalogue.orphans import DIMENSIONS, homes
from toolkit.collect.layout import LAYOUT_VERSION, META_FIELDS, META_MARKER, SHEET_META, WorkbookPlan
from toolkit.collect.layout_history import catalogue_changes
from toolkit.core.cells import german_date
from toolkit.core.problems import Problem, problem
from toolkit.returns.caches import PlanCache
from toolkit.returns.safety import SafeFile

MAX_SHOWN_CELLS = 5  # cells named in one message before "und N weiteren"


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


_SAVED_PARTS = {"docProps/core.xml": "{http://purl.org/dc/terms/}modified",
                "meta.xml": "{http://purl.org/dc/elements/1.1/}date"}
MAX_PROPERTIES_BYTES = 256 * 1024  # a core.xml or meta.xml is a few KB; a larger one is not read


def document_saved(path: Path) -> dt.datetime | None:
    """When the workbook at ``path`` was last saved, by its own document properties (local time, seconds); None if
    the file has none (an .xls, a file that is no workbook, properties missing, broken or too large)."""
    from defusedxml import ElementTree as SafeET  # heavy: only to read the save times of returns

    try:
        with zipfile.ZipFile(path) as archive:
            for part, tag in _SAVED_PARTS.items():
                try:
                    info = archive.getinfo(part)
                except KeyError:
                    continue
                if info.file_size > MAX_PROPERTIES_BYTES or info.compress_size > MAX_PROPERTIES_BYTES:
                    return None
                with archive.open(info) as member:
                    root = SafeET.fromstring(member.read(MAX_PROPERTIES_BYTES + 1))
                element = next(root.iter(tag), None)
                return _local_time(element.text or "") if element is not None else None
    except Exception:  # an untrusted file: no readable save time is no save time
        return None
    return None


def _local_time(text: str) -> dt.datetime | None:
    """ISO text as local time without zone, to the second: '2026-03-14T09:12:00Z' (UTC, as Excel writes it) or a
    local time with fractions of a second (LibreOffice)."""
    text = re.sub(r"(\.\d+)", "", text.strip())
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=0)


def cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def plan_of(identity: Identity, plans: PlanCache, name: str) -> tuple[WorkbookPlan | None, list[Problem]]:
    """The plan a return with ``identity`` is read by, and the problems that say why there is none (or that it is
    an earlier one)."""
    catalogue = plans.catalogue
    if identity.office not in catalogue.offices or not catalogue.indicators_of_office(identity.office):
        return None, [problem("falsche-dienststelle", "katalog", file=name, sheet=SHEET_META, cell="B2",
                              found=identity.office)]
    if identity.year is None:
        return None, [problem("kein-erhebungsbogen", "jahr", file=name, sheet=SHEET_META, cell="B3")]
    if identity.layout_version != LAYOUT_VERSION:
        return None, [problem("layout-veraltet", file=name, sheet=SHEET_META, cell="B4",
                              found=identity.layout_version, expected=LAYOUT_VERSION)]
    plan = plans.plan(identity.office, identity.year)
    if identity.fingerprint == plan.fingerprint:
        return plan, []
    key = (identity.office, identity.year, identity.fingerprint)
    if key in plans.earlier:  # distributed with an earlier catalogue: read by that layout, if it was kept
        earlier = plans.earlier_plan(*key)
        where = {"file": name, "sheet": SHEET_META, "cell": "B7", "created": german_date(identity.created) or "?"}
        if earlier is None:
            return None, [problem("katalog-geaendert", "ohne-aufbau", **where, year=identity.year,
                                  office=identity.office)]
        return earlier, [problem("frueherer-katalog", **where, changes=catalogue_changes(earlier, plan))]
    return None, [problem("layout-geaendert", "fingerabdruck", file=name, sheet=SHEET_META, cell="B7",
                          found=identity.fingerprint, expected=plan.fingerprint, have=identity.fingerprint or "fehlt")]


def homeless_cells(identity: Identity, plan: WorkbookPlan, values: list[float | None], plans: PlanCache,
                   name: str) -> list[Problem]:
    """A return read by an earlier layout: a Fehler for its filled cells that belong to nothing the catalogue knows
    now (a deleted indicator, Stadtteil or group); such values are never stored without a home."""
    known = homes(plans.catalogue)
    cells = [slot.address for slot, value in zip(plan.slots, values, strict=True)
             if slot.role == "input" and value is not None
             and not all(code in known[column] for column, code in
                         zip(DIMENSIONS, (slot.key.indicator, slot.key.area, slot.key.group, slot.key.sex,
                                          slot.key.age, slot.key.nationality), strict=True))]
    if not cells:
        return []
    more = f" und {len(cells) - MAX_SHOWN_CELLS} weiteren" if len(cells) > MAX_SHOWN_CELLS else ""
    assert identity.year is not None  # a plan was found for it
    return [problem("katalog-geaendert", "ohne-zuordnung", file=name, sheet=SHEET_META, cell="B7",
                    created=german_date(identity.created) or "?", cells=", ".join(cells[:MAX_SHOWN_CELLS]) + more,
                    year=identity.year, office=identity.office,
                    changes=catalogue_changes(plan, plans.plan(identity.office, identity.year)))]
