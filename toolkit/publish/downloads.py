"""The website's downloads: per indicator CSV and XLSX, and all data as one zip with a datapackage.json.

- CSV per indicator: the open-data rows of that indicator (indicators/export.py: the same columns, the same
  neutralised text, suppressed cells without a value and with their reason).
- XLSX per indicator: its tables as in the Tabellenanhang (report/tables.py: numbers as numbers with German number
  formats, suppressed cells as their symbol, the Zeichenerklärung on the sheet "Hinweise").
- One zip of all published values up to the year: the open-data CSV and its Frictionless datapackage.json, the same
  files ``toolkit export`` writes.

Everything comes from the protected table; the zip has fixed member dates, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from toolkit.catalogue.model import Catalogue
from toolkit.indicators.export import csv_bytes, csv_name, datapackage_bytes
from toolkit.report.tables import Table, write_table_annex

FIXED_DATE = (2026, 1, 1, 0, 0, 0)
DATA_DIR = "daten"


def rows_by_indicator(rows: Iterable[tuple]) -> dict[str, list[tuple]]:
    """The open-data rows (export.export_rows) per indicator id (their second column)."""
    grouped: dict[str, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(row)
    return grouped


def tables_of(tables: list[Table], indicator_id: str) -> list[Table]:
    """The report's tables of one indicator (their titles start with its id), in report order."""
    return [t for t in tables if t.titel.startswith(f"{indicator_id} ")]


def write_indicator_files(folder: Path, indicator_id: str, rows: list[tuple], tables: list[Table],
                          catalogue: Catalogue, year: int, min_population: int) -> list[Path]:
    """daten/<id>.csv (always) and daten/<id>.xlsx (when the indicator has tables); the paths written."""
    stem = folder / indicator_id.lower()
    written = [stem.with_suffix(".csv")]
    written[0].write_bytes(csv_bytes(rows))
    if tables:
        written.append(write_table_annex(stem.with_suffix(".xlsx"), tables, catalogue, year, min_population))
    return written


def zip_name(year: int) -> str:
    return f"integrationsmonitoring_{year}.zip"


def data_zip(rows: list[tuple], year: int, city: str) -> bytes:
    """The open-data CSV of every published value up to ``year`` and its datapackage.json, zipped."""
    name = csv_name(year)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in ((name, csv_bytes(rows)), ("datapackage.json", datapackage_bytes(name, year, city))):
            info = zipfile.ZipInfo(member, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()
