"""Source lines with Stand and Stichtag or Zeitraum (issue #19, point 6): report/sources.py and the compiled report."""

from __future__ import annotations

import re

import pytest
from docx import Document

from toolkit.report.sources import reference_text, source_line, years_of


@pytest.mark.parametrize(("stichtag", "years", "expected"), [
    ("31.12.", [2025], "Stichtag: 31.12.2025"),
    ("31.12.", [2020, 2021, 2025], "Stichtage: 31.12.2020 bis 31.12.2025"),
    ("1.3", [2024], "Stichtag: 01.03.2024"),
    ("Kalenderjahr", [2025], "Zeitraum: Kalenderjahr 2025"),
    ("Kalenderjahr", [2020, 2025], "Zeitraum: Kalenderjahre 2020 bis 2025"),
    ("Schuljahr", [2025], "Zeitraum: Schuljahr 2025/26"),
    ("Schuljahr", [2020, 2025], "Zeitraum: Schuljahre 2020/21 bis 2025/26"),
    ("Wintersemester", [2029], "Zeitraum: Wintersemester 2029/30"),
    ("Untersuchungsjahrgang", [2024], "Zeitraum: Untersuchungsjahrgang 2024"),
    ("Wahltag", [2024], "Stichtag: Wahltag 2024"),
    ("Wahltag", [2019, 2024], "Stichtage: Wahltag 2019, 2024"),
    ("31.12.", [], "Stichtag: jeweils 31.12."),
    ("", [2025], ""),
])
def test_a_period_is_a_zeitraum_and_a_day_gets_its_year(stichtag, years, expected) -> None:
    assert reference_text(stichtag, years) == expected


def test_years_of_a_table_from_its_columns_or_its_title() -> None:
    assert years_of(["Gruppe", "2020", "2021", "2025"], "X, 2020–2025 (in %)") == [2020, 2021, 2025]
    assert years_of(["Stadtteil", "Insgesamt"], "X nach Stadtteilen, 2024 (in %)") == [2024]


def test_source_line_names_source_stand_and_reference(catalogue) -> None:
    indicator = next(i for i in catalogue.indicators.values() if i.stichtag == "Schuljahr")
    line = source_line(indicator, [2024, 2025], "07.12.2026")
    assert line == (f"Quelle: {indicator.quelle.rstrip('.')}; Stand: 07.12.2026. "
                    "Zeitraum: Schuljahre 2024/25 bis 2025/26.")


STAND = re.compile(r"^Quelle: .+; Stand: \d\d\.\d\d\.\d{4}\. (Stichtag: \d\d\.\d\d\.\d{4}|Stichtage: \d\d\.\d\d\.\d{4} "
                   r"bis \d\d\.\d\d\.\d{4}|Stichtage?: Wahltag [\d, ]+|Zeitraum: [A-ZÄÖÜ][\wäöü-]+ \d{4}(/\d\d)?"
                   r"( bis \d{4}(/\d\d)?)?)\.$")


def test_every_source_line_of_the_report_has_a_stand_and_a_stichtag_or_zeitraum(compiled_with_maps) -> None:
    _workspace, result = compiled_with_maps
    document = Document(str(result.report))
    paragraphs = [p.text for p in document.paragraphs]
    sources = [text for text in paragraphs if text.startswith("Quelle:")]
    assert len(sources) >= result.n_tables - 1  # one under each table of an indicator
    assert [text for text in sources if not STAND.match(text)] == []
    text = "\n".join(paragraphs)
    assert not re.search(r"Stichtag: (Kalenderjahr|Schuljahr|Untersuchungsjahrgang|Jahresdurchschnitt)", text)
    assert not re.search(r"\d\d\.\d\d\.(?!\d)", text)  # no "31.12." without its year


def test_the_footnotes_stand_right_below_their_table(compiled_with_maps) -> None:
    """Each table is followed by its own notes and its source line: a mark is explained where it stands."""
    _workspace, result = compiled_with_maps
    document = Document(str(result.report))
    body = list(document.element.body.iterchildren())
    checked = 0
    for index, element in enumerate(body):
        caption = "".join(t.text or "" for t in body[index - 1].iter() if t.tag.endswith("}t"))
        if element.tag.endswith("}tbl") and caption.startswith("Tabelle: "):  # an indicator's table
            cells = "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t"))
            after = []
            for following in body[index + 1:]:
                text = "".join(t.text or "" for t in following.iter() if t.tag.endswith("}t"))
                if not following.tag.endswith("}p") or not re.match(r"^([¹²³⁴⁵⁶⁷⁸⁹]|Quelle|Ab |Die |Fallzahlen|"
                                                                     r"Einzelne|Für |Werte|Ohne |Zeitreihe)", text):
                    break
                after.append(text)
            for mark in set(re.findall(r"[¹²³⁴⁵⁶⁷⁸⁹]", cells)):
                assert any(line.startswith(mark) for line in after), (mark, after)
                checked += 1
    assert checked, "Keine Fußnotenzeichen in den Tabellen des Testberichts"
