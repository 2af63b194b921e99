"""What an .xlsx package says about itself without a spreadsheet library: which worksheet part holds which sheet.

Read from ``xl/workbook.xml`` and its relations with two regular expressions (the returns' safety check reads it
before any parser sees the file; the xlsxwriter adapter finds the parts it streams rows into).
"""

from __future__ import annotations

import html
import re
import zipfile

_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|<Relationship [^>]*?Target="([^"]+)"'
                  rb'[^>]*?Id="([^"]+)"')
_SHEET = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"')


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part (xl/worksheets/sheetN.xml), from workbook.xml and its relations."""

    try:
        rels_xml = archive.read("xl/_rels/workbook.xml.rels")
        book_xml = archive.read("xl/workbook.xml")
    except KeyError:
        return {}
    targets: dict[bytes, str] = {}
    for m in _REL.finditer(rels_xml):
        rel_id, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        target_text = target.decode()
        targets[rel_id] = target_text.lstrip("/") if target_text.startswith("/") else f"xl/{target_text}"
    return {html.unescape(m.group(1).decode()): targets.get(m.group(2), "") for m in _SHEET.finditer(book_xml)}
