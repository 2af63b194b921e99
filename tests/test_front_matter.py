"""The report's cover, Impressum, Auf einen Blick, Abkürzungen and Glossar (issue #19, point 13)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import docx
import pytest
from docx.oxml.ns import qn
from report_fixtures import make_report_workspace

from toolkit.core.settings import Settings, load_settings
from toolkit.core.workspace import for_user
from toolkit.report.compile import OLD_FRONT_MATTER_NOTICE, compile_report
from toolkit.report.front_matter import (
    ABBREVIATIONS,
    DEFAULT_NACHDRUCK,
    GLOSSARY,
    KEY_FIGURES,
    abbreviation_pattern,
    data_date,
    impressum,
    key_figures,
)
from toolkit.report.word_template import knows_front_matter

# Words in capitals the report prints that are no abbreviation: the indicators' keys (DEM-01) are names.
INDICATOR_KEY = re.compile(r"\b[A-Z]{3}-\d{2}\b")
# Dotted short forms a German text may use; each one the report prints must be listed.
DOTTED = ("Abb.", "Abs.", "bzw.", "ca.", "d. h.", "evtl.", "ggf.", "inkl.", "insb.", "max.", "min.", "Nr.", "Pp.",
          "s. o.", "sog.", "Tab.", "u. a.", "usw.", "vgl.", "z. B.", "z. T.", "zzgl.")


@pytest.fixture(scope="module")
def compiled(compiled_with_maps):
    workspace, result = compiled_with_maps
    return workspace, result, docx.Document(str(result.report))


def _texts(document) -> list[str]:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return parts


def _section_table(document, caption: str) -> list[list[str]]:
    """The rows of the table that follows the paragraph ``caption``."""
    items = list(document.iter_inner_content())
    start = next(i for i, item in enumerate(items) if getattr(item, "text", None) == caption)
    table = next(item for item in items[start:] if hasattr(item, "rows"))
    return [[cell.text for cell in row.cells] for row in table.rows]


# ---- cover and Impressum --------------------------------------------------------------------------------------


def test_the_cover_has_city_title_year_and_the_stadtteil_map(compiled):
    _workspace, _result, document = compiled
    paragraphs = document.paragraphs
    impressum_at = [p.text for p in paragraphs].index("Impressum")
    cover = paragraphs[:impressum_at]
    assert [p.text for p in cover if p.text] == ["Landeshauptstadt Magdeburg", "Integrationsmonitoring 2024",
                                                 "Bericht zur Integration und Migration", "Berichtsjahr 2024"]
    pictures = [p for p in cover if p._p.find(f".//{qn('wp:docPr')}") is not None]
    assert len(pictures) == 1
    alt = pictures[0]._p.find(f".//{qn('wp:docPr')}").get("descr")
    assert alt == "Titelbild: Karte der 40 Stadtteile (Landeshauptstadt Magdeburg), ohne Werte: nur die Gliederung " \
                  "des Stadtgebiets."
    assert paragraphs[impressum_at].paragraph_format.page_break_before


def test_the_impressum_comes_from_the_settings(compiled):
    workspace, _result, document = compiled
    settings = load_settings(workspace.settings_file)
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Impressum")
    lines = texts[start + 1:start + 7]
    assert lines[0] == f"Herausgeber: {settings.publisher}"
    assert lines[1] == f"Anschrift: {settings.veroeffentlichung_anschrift}"
    assert lines[2] == f"Bearbeitung: {settings.koordination_name}, {settings.koordination_funktion}"
    assert lines[3] == f"Kontakt: Telefon {settings.feedback_phone} · E-Mail {settings.feedback_email}"
    assert re.fullmatch(r"Stand: \d\d\.\d\d\.\d{4} \(Berichtsjahr 2024, Daten übernommen bis "
                        r"\d\d\.\d\d\.\d{4}; Stichtage und Zeiträume je Kennzahl unter „Quellen und Stichtage“\)",
                        lines[4]), lines[4]
    assert lines[5] == DEFAULT_NACHDRUCK


def test_the_impressum_uses_the_publishing_settings_and_the_own_reprint_clause():
    settings = dataclasses.replace(Settings(), veroeffentlichung_herausgeber="Amt für Statistik",
                                   veroeffentlichung_email="statistik@example.org", veroeffentlichung_telefon="",
                                   koordination_telefon="", nachdruck="Nachdruck nur mit Genehmigung.")
    lines = impressum(settings, 2025, dt.date(2026, 4, 30))
    assert lines["herausgeber"] == "Amt für Statistik"
    assert lines["kontakt"] == "E-Mail statistik@example.org"  # no phone set anywhere: no empty "Telefon"
    assert lines["stand"].startswith("30.04.2026 (Berichtsjahr 2025; Stichtage")  # no delivery: no data date
    assert lines["nachdruck"] == "Nachdruck nur mit Genehmigung."


def test_the_data_date_is_the_last_delivery_in_effect():
    deliveries = [{"zeitpunkt": "02.04.2026"}, {"zeitpunkt": "17.04.2026 (zurückgezogen)"},
                  {"zeitpunkt": "nicht übernommen (geprüft 20.04.2026)"}, {"zeitpunkt": "31.03.2026"}]
    assert data_date(deliveries) == dt.date(2026, 4, 2)
    assert data_date([]) is None


def test_the_reprint_clause_is_a_checked_setting(tmp_path):
    (tmp_path / "toolkit.toml").write_text('[veroeffentlichung]\nnachdruck = "Nur mit Quellenangabe."\n',
                                           encoding="utf-8")
    assert load_settings(tmp_path / "toolkit.toml").nachdruck == "Nur mit Quellenangabe."
    assert Settings().nachdruck == ""


# ---- Auf einen Blick ------------------------------------------------------------------------------------------


def test_auf_einen_blick_follows_the_impressum_and_shows_published_values(compiled):
    _workspace, _result, document = compiled
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Impressum") < texts.index("Auf einen Blick") < texts.index("Inhalt")
    figures = [p.text for p in document.paragraphs if p.style.name == "Kennzahl groß"]
    assert 1 <= len(figures) <= KEY_FIGURES
    items = list(document.iter_inner_content())
    for figure in figures:
        _empty, value, rest = figure.split("\t")
        name, reading = rest.split("\n")
        group = reading.split(", 2024")[0]
        assert reading.startswith(f"{group}, 2024")  # the report year only
        # the value is the one the indicator's own table prints for 2024 (its last column)
        heading = next(i for i, item in enumerate(items) if getattr(item, "style", None) is not None
                       and item.style.name == "Heading 2" and item.text.endswith(f" {name}"))
        table = next(item for item in items[heading:] if hasattr(item, "rows"))
        header = [c.text for c in table.rows[0].cells]
        assert header[-1] == "2024"
        row = next([c.text for c in r.cells] for r in table.rows if r.cells[0].text == group)
        printed = value.replace("\u00a0", " ").removesuffix(" %")
        assert re.sub("[¹²³⁴⁵⁶⁷⁸⁹]+$", "", row[-1]) == printed, (name, group)
        if reading.endswith("; vorläufiger Wert"):  # the table's footnote mark, in words
            assert row[-1] != printed
    assert not any("(Vergleichswert)" in figure for figure in figures)  # the city's values, no Land's


def _row(value: str, *, year: str = "2025", compared: bool = False) -> dict:
    row = {"kennzahl": "", "jahr": year, "gruppe": "Nichtdeutsche", "wert": value, "vergleich": "",
           "vergleichswert": "", "abstand": "", "entwicklung": "Wert gestiegen", "bewertung": "ohne Bewertung"}
    if compared:
        row.update(vergleich="Deutsche", vergleichswert="60,9\u00a0%", abstand="\u221224,4\u00a0Pp.",
                   entwicklung="Abstand gesunken¹")
    return row


def test_key_figures_skip_suppressed_bracketed_and_old_values(catalogue):
    indicators = list(catalogue.indicators.values())
    summary = [(indicators[0], _row(".")), (indicators[1], _row("(12,0\u00a0%)")),
               (indicators[2], _row("12,0\u00a0%", year="2024")), (indicators[3], None),
               (indicators[4], _row("36,5\u00a0%", compared=True))]
    figures = key_figures(summary, catalogue, 2025)
    assert figures == [{"wert": "36,5\u00a0%", "kennzahl": indicators[4].name, "kennung": indicators[4].id,
                        "lesart": "Nichtdeutsche, 2025; Deutsche: 60,9\u00a0%; Abstand \u221224,4\u00a0Pp.; "
                                  "Abstand gesunken gegenüber dem Vorjahr"}]


def test_key_figures_put_core_indicators_first_and_take_turns_between_fields(catalogue):
    indicators = list(catalogue.indicators.values())
    summary = [(i, _row("1.000")) for i in indicators]
    figures = key_figures(summary, catalogue, 2025)
    assert len(figures) == KEY_FIGURES
    by_id = catalogue.indicators
    chosen = [by_id[f["kennung"]] for f in figures]
    n_core = sum(1 for i in indicators if i.kern)
    assert all(i.kern for i in chosen[:min(n_core, KEY_FIGURES)])
    fields = [i.handlungsfeld for i in chosen]
    core_fields = {i.handlungsfeld for i in indicators if i.kern}
    first_round = fields[:len(core_fields)]
    assert len(set(first_round)) == len(first_round)  # no field twice before every field had its turn
    assert figures[0]["lesart"] == "Nichtdeutsche, 2025; Wert gestiegen gegenüber 2020"


# ---- Abkürzungen and Glossar ----------------------------------------------------------------------------------


def test_every_abbreviation_printed_is_listed_and_every_listed_one_printed(compiled):
    _workspace, _result, document = compiled
    listed = {row[0]: row[1] for row in _section_table(document, "Im Bericht verwendete Abkürzungen")[1:]}
    assert listed and all(ABBREVIATIONS[a] == meaning for a, meaning in listed.items())
    texts = _texts(document)
    start = texts.index("Abkürzungen")
    # the text without the list itself (its table's cells come after the paragraphs: drop them by value)
    rest = "\n".join(t for t in texts[:start] + texts[start + 1:] if t not in listed and t not in listed.values())
    for abbreviation in listed:
        assert abbreviation_pattern(abbreviation).search(rest), f"{abbreviation} is listed but never printed"
    capitals = set(re.findall(r"(?<![\w.])[A-ZÄÖÜ]{2,}(?![a-zäöüß])", INDICATOR_KEY.sub("", rest)))
    roman = {"II", "III", "XII", "IV", "VIII"}
    covered = {part for a in listed for part in re.split(r"[\s.]+", a) if part}
    assert capitals - roman - covered == set()
    for short in DOTTED:
        if abbreviation_pattern(short).search(rest):
            assert short in listed, f"{short} is printed but not listed"


def test_the_glossary_explains_the_terms_of_every_chapter(compiled):
    _workspace, _result, document = compiled
    rows = _section_table(document, "Begriffe, die in allen Kapiteln vorkommen")
    assert rows[0] == ["Begriff", "Erklärung"]
    terms = [row[0] for row in rows[1:]]
    for term in ("Migrationshintergrund", "Einwanderungsgeschichte", "Nichtdeutsche", "Drittstaaten",
                 "Asylherkunftsländer", "Zähler", "Nenner", "Stichtag"):
        assert term in terms
    assert terms == sorted(terms, key=str.casefold) == [t for t, _ in GLOSSARY]


@pytest.mark.parametrize(("abbreviation", "text", "found"), [
    ("EU", "Bürgerinnen und Bürger der EU.", True),
    ("EU", "Kosten in EUR", False),
    ("EU", "aus EU-Staaten", True),
    ("SGB", "Leistungen nach dem SGB II", False),
    ("SGB II", "die SGB-II-Quote", True),
    ("z. B.", "z.\u00a0B. Kitas", True),
    ("Kita", "Kitas", False),
])
def test_an_abbreviation_is_found_as_a_whole_word(abbreviation, text, found):
    assert bool(abbreviation_pattern(abbreviation).search(text)) is found


# ---- ten report years -----------------------------------------------------------------------------------------


def test_the_time_tables_show_ten_years_at_the_full_table_size(compiled):
    """The default report shows ten years where the data reaches back (the fixture has 2015-2024); the time tables
    keep the cell style's size instead of shrinking to fit (widths that break no number: test_report.py)."""
    _workspace, _result, document = compiled
    assert Settings().jahre_im_bericht == 10
    years = [str(y) for y in range(2015, 2025)]
    tables = [t for t in document.tables if [c.text for c in t.rows[0].cells][1:] == years]
    assert len(tables) >= 3
    for table in tables:
        sizes = {int(s.get(qn("w:val"))) for s in table._tbl.iter(qn("w:sz"))}
        assert sizes <= {18}, sizes  # 9 pt or the style's 9 pt


def test_an_older_template_without_the_front_matter_is_named_and_still_compiles(tmp_path):
    workspace = make_report_workspace(tmp_path / "ws", indicators=("DEM-02",))  # a chart and a Stadtteil map
    assert knows_front_matter(workspace.report_template)
    template = docx.Document(str(workspace.report_template))
    slot = next(p for p in template.paragraphs if p.text == "{{ titelkarte }}")
    slot._p.getparent().remove(slot._p)  # as in the template of the previous version: no cover map
    template.save(str(workspace.report_template))
    assert not knows_front_matter(workspace.report_template)
    result = compile_report(workspace, 2024, processes=1)
    assert OLD_FRONT_MATTER_NOTICE.format(template=for_user(workspace.report_template)) in result.notices
    alts = [d.get("descr") for d in docx.Document(str(result.report)).element.body.iter(qn("wp:docPr"))]
    assert len(alts) == result.n_charts and not any(a.startswith("Titelbild") for a in alts)
