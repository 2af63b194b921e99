"""Test helper: change cells of a generated collection workbook directly in its sheet XML.

Much faster than an openpyxl load/save and exact: only the named cells change, everything else (data
validation, protection, hidden sheets) stays as the writer made it. Used to build the bad and odd
return files of the tests from a real generated workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from toolkit.collect.layout import plan_workbook
from toolkit.collect.workbook import write_collection_workbook
from toolkit.core.keys import ObservationKey
from toolkit.core.settings import Settings
from toolkit.core.xlsx_package import sheet_parts


@dataclass(frozen=True)
class Formula:
    text: str  # without the leading "="
    cached: float | str | None = None


@dataclass(frozen=True)
class Date:
    serial: float  # an Excel date serial in a date-formatted cell


def generate(path: Path, catalogue, office: str, year: int,
             prefill: Mapping[ObservationKey, float] | None = None, token: str = "T-1") -> Path:
    plan = plan_workbook(catalogue, office, year)
    write_collection_workbook(path, plan, prefill=prefill or {}, token=token, deadline=dt.date(year + 1, 3, 31),
                              settings=Settings())
    return path


def _cell_xml(ref: str, style: str, value: object) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, Formula):
        cached = value.cached
        if cached is None:
            return f'<c r="{ref}"{s}><f>{escape(value.text)}</f></c>'
        if isinstance(cached, str):
            return f'<c r="{ref}"{s} t="str"><f>{escape(value.text)}</f><v>{escape(cached)}</v></c>'
        return f'<c r="{ref}"{s}><f>{escape(value.text)}</f><v>{cached!r}</v></c>'
    if isinstance(value, Date):
        return f'<c r="{ref}" s="{_DATE_STYLE}"><v>{value.serial!r}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{float(value)!r}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_DATE_STYLE = "DATE"  # replaced by a real style index when a Date is written


def set_cells(source: Path, target: Path, cells: Mapping[tuple[str, str], object]) -> Path:
    """Copy ``source`` to ``target`` with the given (sheet, cell) -> value changes."""
    with zipfile.ZipFile(source) as zin:
        parts = sheet_parts(zin)
        contents = {info.filename: zin.read(info.filename) for info in zin.infolist()}
        infos = zin.infolist()
    by_part: dict[str, dict[str, object]] = {}
    for (sheet, ref), value in cells.items():
        by_part.setdefault(parts[sheet], {})[ref] = value
    if any(isinstance(v, Date) for changes in by_part.values() for v in changes.values()):
        contents["xl/styles.xml"], date_style = _add_date_style(contents["xl/styles.xml"])
    else:
        date_style = ""
    for part, changes in by_part.items():
        xml = _replace_cells(contents[part].decode("utf-8"), changes)
        contents[part] = xml.replace(f's="{_DATE_STYLE}"', f's="{date_style}"').encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            zout.writestr(info.filename, contents[info.filename])
    target.write_bytes(buffer.getvalue())
    return target


_ANY_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.S)


def _replace_cells(xml: str, changes: Mapping[str, object]) -> str:
    """All changes of one sheet in one pass over its cells; cells that do not exist yet are inserted."""
    done: set[str] = set()

    def swap(match: re.Match) -> str:
        ref = match.group("ref")
        if ref not in changes:
            return match.group(0)
        done.add(ref)
        style = re.search(r's="(\d+)"', match.group("attrs"))
        return _cell_xml(ref, style.group(1) if style else "", changes[ref])

    xml = _ANY_CELL.sub(swap, xml)
    for ref, value in changes.items():
        if ref not in done:
            xml = _insert_cell(xml, ref, value)
    return xml


def _insert_cell(xml: str, ref: str, value: object) -> str:
    row = int(re.sub(r"[A-Z]", "", ref))
    row_match = re.search(rf'<row r="{row}"[^>]*?(/>|>)', xml)
    cell = _cell_xml(ref, "", value)
    if row_match is None:
        # append a new row before </sheetData> (rows after it stay in order only if it is the last one)
        return xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>', 1)
    if row_match.group(1) == "/>":
        return xml[:row_match.start()] + f'<row r="{row}">{cell}</row>' + xml[row_match.end():]
    end = xml.index("</row>", row_match.end())
    return xml[:end] + cell + xml[end:]


def _add_date_style(styles: bytes) -> tuple[bytes, str]:
    text = styles.decode("utf-8")
    match = re.search(r'<cellXfs count="(\d+)">', text)
    assert match
    count = int(match.group(1))
    xf = '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    text = text.replace(match.group(0), f'<cellXfs count="{count + 1}">', 1)
    text = text.replace("</cellXfs>", f"{xf}</cellXfs>", 1)
    return text.encode("utf-8"), str(count)


def replace_part(source: Path, target: Path, part: str, content: bytes) -> Path:
    """Copy ``source`` with one zip member replaced (or added)."""
    with zipfile.ZipFile(source) as zin:
        items = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    buffer = io.BytesIO()
    names = [n for n, _ in items]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            zout.writestr(name, content if name == part else data)
        if part not in names:
            zout.writestr(part, content)
    target.write_bytes(buffer.getvalue())
    return target


WEIGHTS = {"insgesamt": 4, "mit_mh_kita": 1, "ohne_mh_kita": 3, "deutsch": 3, "nichtdeutsch": 1, "mit_mh": 2,
           "ohne_mh": 2, "deutsch_mit_mh": 1}
SEX_WEIGHTS = {"insgesamt": 2, "weiblich": 1, "maennlich": 1}
BASE = {"nenner": 1000, "zaehler": 600, "wert": 100}
DISTRICTS = 40


def consistent_value(key: ObservationKey) -> float:
    """A value that passes every check: parts add up, Stadtteile add up, Zähler < Nenner."""
    value = BASE[key.measure] * WEIGHTS.get(key.group, 1) * SEX_WEIGHTS.get(key.sex, 1)
    if key.area.startswith("st"):
        value = value // DISTRICTS
    return float(value)


def filled_cells(plan, value_of=consistent_value) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> value for every input slot of ``plan``."""
    return {(s.sheet, s.cell): value_of(s.key) for s in plan.slots if s.role == "input"}


def saved_at(source: Path, target: Path, when: dt.datetime, mtime: dt.datetime | None = None) -> Path:
    """Copy ``source`` as if the office had saved it at ``when`` (local time): the document property
    dcterms:modified as Excel writes it (UTC, with Z), and the file time ``mtime`` (default: ``when``)."""
    with zipfile.ZipFile(source) as zin:
        core = zin.read("docProps/core.xml").decode("utf-8")
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", core)
    replace_part(source, target, "docProps/core.xml", core.encode("utf-8"))
    seconds = (mtime or when).timestamp()
    os.utime(target, (seconds, seconds))
    return target
