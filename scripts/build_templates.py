"""Rebuild the committed templates from the packaged defaults: python scripts/build_templates.py"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's toolkit, installed or not

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook  # noqa: E402
from toolkit.report.word_template import write_report_template  # noqa: E402


def main() -> None:
    write_catalogue_workbook(ROOT / "templates" / "Indikatorenmatrix.xlsx")
    write_report_template(ROOT / "templates" / "Bericht.docx")


if __name__ == "__main__":
    main()
