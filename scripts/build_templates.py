"""Rebuild the committed templates from the packaged defaults: python scripts/build_templates.py"""

from __future__ import annotations

from pathlib import Path

from toolkit.catalogue.template import write_catalogue_workbook

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    write_catalogue_workbook(ROOT / "templates" / "Indikatorenmatrix.xlsx")
    try:
        from toolkit.report.template import write_report_template
    except ImportError:  # the report template module arrives with the report stage
        return
    write_report_template(ROOT / "templates" / "Bericht.docx")


if __name__ == "__main__":
    main()
