"""Years, names and counts: a year, Kennung or office that does not exist is exit 2 with the valid ones; counts,
spans of years and office names read as German."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.collect import mail
from toolkit.core.cells import count_of, year_span
from toolkit.core.keys import ObservationKey
from toolkit.core.settings import Settings
from toolkit.core.store import Store
from toolkit.indicators.export import ExportResult
from toolkit.report.compile import CompileResult

runner = CliRunner()
NEXT = dt.date.today().year + 1  # the last report year a round can be for


def _text(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture
def stored(workspace):
    """A working folder with values for 2023 and 2024."""
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2024, file_name="a.csv", sha256="a" * 64, source="import")
        for year in (2023, 2024):
            store.put(ObservationKey("DEM-01", year, "gesamtstadt", "insgesamt", "insgesamt", "wert"), 245000.0, "",
                      "", delivery)
    return workspace


@pytest.mark.parametrize("command", ["compile", "export"])
def test_a_report_year_without_values_is_a_usage_error(stored, command):
    """Was: compile --year 2030 exit 0 with a full outbox/2030/."""
    before = stored.store_file.read_bytes()
    result = runner.invoke(app, [command, "--year", "2030", "-w", str(stored.root)])
    assert result.exit_code == 2, result.output
    assert _text(result) == (
        "Fehler: Für das Berichtsjahr 2030 liegen im Datenbestand keine Werte vor; Werte gibt es für 2023–2024. "
        "Bitte eines dieser Jahre angeben, oder die Werte des Jahres zuerst mit 'toolkit merge' (Rückläufe) oder "
        "'toolkit import' übernehmen.")
    assert not stored.year_dir(2030).exists() and stored.store_file.read_bytes() == before


@pytest.mark.parametrize("command", [["distribute", "--dry-run"], ["status"]])
def test_a_round_after_the_next_year_is_a_usage_error(workspace, command):
    result = runner.invoke(app, [command[0], "--year", str(NEXT + 1), "-w", str(workspace.root), *command[1:]])
    assert result.exit_code == 2, result.output
    assert _text(result) == (
        f"Fehler: Das Berichtsjahr {NEXT + 1} liegt zu weit in der Zukunft: Erhebungsrunden gibt es bis zum "
        f"Berichtsjahr {NEXT} (das laufende und das nächste Jahr). Bitte das Berichtsjahr prüfen, z. B. --year "
        f"{NEXT - 2} für die Runde, die {NEXT - 1} eingesammelt wird.")
    assert not workspace.year_dir(NEXT + 1).exists() and not workspace.store_file.exists()


def test_the_next_report_year_can_be_prepared(workspace):
    result = runner.invoke(app, ["distribute", "--year", str(NEXT), "--dry-run", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output


def test_log_of_an_unknown_kennung_names_the_nearest(stored):
    """Was: 'Keine Änderungen für XYZ-99.' with exit 0."""
    before = stored.store_file.read_bytes()
    unknown = runner.invoke(app, ["log", "--indicator", "XYZ-99", "-w", str(stored.root)])
    assert unknown.exit_code == 2
    assert _text(unknown) == (
        "Fehler: Die Kennzahl „XYZ-99“ gibt es weder im Katalog noch im Änderungsprotokoll. Bitte die Kennung aus dem "
        "Blatt Indikatoren des Katalogs angeben (z. B. ARB-01, ARB-02, ARB-03); ohne --indicator zeigt 'toolkit log' "
        "alle Änderungen.")
    typo = runner.invoke(app, ["log", "--indicator", "DEM-1", "-w", str(stored.root)])
    assert typo.exit_code == 2
    assert _text(typo).startswith("Fehler: Die Kennzahl „DEM-1“ gibt es weder im Katalog noch im Änderungsprotokoll. "
                                  "Meinten Sie „DEM-01“")
    known = runner.invoke(app, ["log", "--indicator", "dem-01", "-w", str(stored.root)])
    assert known.exit_code == 0 and known.output == "Keine Änderungen für DEM-01.\n"
    assert stored.store_file.read_bytes() == before


def test_an_unknown_office_names_the_nearest(workspace):
    result = runner.invoke(app, ["distribute", "--year", "2025", "--office", "JUG", "-w", str(workspace.root)])
    assert result.exit_code == 2
    assert _text(result).startswith("Fehler: Die Dienststelle „JUG“ erhebt keine Kennzahlen oder ist unbekannt. "
                                    "Meinten Sie „JUGA“? Gültige Codes: STAT, WAHL")
    assert not workspace.store_file.exists()


def test_counts_agree_with_their_number():
    assert [count_of(n, "Wert") for n in (0, 1, 2, 1234)] == ["0 Werte", "1 Wert", "2 Werte", "1.234 Werte"]
    assert count_of(1, "Änderung") == "1 Änderung" and count_of(3, "Datei") == "3 Dateien"
    assert count_of(1, "Wert", adjective="neu") == "1 neuer Wert" and count_of(2, "Wert", adjective="neu") == \
        "2 neue Werte"
    assert count_of(1, "Datei", adjective="geprüft") == "1 geprüfte Datei"
    assert count_of(1, "Jahr", adjective="voll") == "1 volles Jahr"
    assert count_of(1, "Kapitel", "Kapiteln") == "1 Kapitel" and count_of(6, "Kapitel", "Kapiteln") == "6 Kapiteln"


def test_a_span_of_one_year_is_that_year():
    """Was: a table titled „2025–2025“."""
    assert year_span([2025]) == "2025" and year_span(range(2020, 2025)) == "2020–2024"
    assert year_span([2024, 2015, 2016, 2017, 2020]) == "2015–2017, 2020, 2024"
    assert year_span([2023, 2024], " bis ") == "2023 bis 2024" and year_span([]) == ""


def test_the_mails_need_no_article_before_the_office(catalogue, tmp_path):
    """Was: „bitten wir Jugendamt um die Daten“, „fehlt uns noch Folgendes von Jugendamt“."""
    workbook = tmp_path / "Erhebung_2025_JUGA.xlsx"
    workbook.write_bytes(b"x")
    office = catalogue.offices["JUGA"]
    collection = mail.collection_message(office=office, year=2025, deadline=dt.date(2026, 3, 31), settings=Settings(),
                                         workbook=workbook, token="T")
    reminder = mail.reminder_message(office=office, year=2025, deadline=dt.date(2026, 3, 31), settings=Settings(),
                                     token="T", reasons=["x"])
    body = collection.get_body(("plain",)).get_content() + reminder.get_body(("plain",)).get_content()
    assert "bitten wir Sie als Jugendamt um die Daten des Berichtsjahres 2025." in body
    assert "fehlt uns von Ihnen als Jugendamt noch Folgendes (Abgabefrist 31.03.2026)" in body
    assert "bitten wir Jugendamt" not in body and "von Jugendamt" not in body


def test_one_changed_value_is_one_value(workspace, tmp_path):
    """Was: '1 Zeilen importiert (1 neue, 0 geänderte Werte)'."""
    path = tmp_path / "eins.csv"
    path.write_text("Jahr;Indikator;Gebiet;Gruppe;Geschlecht;Messgröße;Wert;Kennzeichen;Hinweis\n"
                    "2024;DEM-01;Gesamtstadt;insgesamt;insgesamt;Wert;245000;;\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "eins.csv: 1 Zeile importiert (1 neuer Wert, 0 geänderte Werte), Herkunft „Import eins.csv“." in \
        _text(result)


def test_printed_counts_have_thousands_points():
    # before: "davon 3220 gesperrt", "4048 primär und 1177 sekundär"
    export = ExportResult(2025, Path("offen.csv"), Path("datapackage.json"), n_rows=15780, n_suppressed=3220)
    assert export.lines()[1] == "  15.780 Zeilen, davon 3.220 gesperrt (ohne Wert, Grund in „Kennzeichen“)."
    compiled = CompileResult(2025, Path("bericht.docx"), n_indicators=65, n_with_data=65, n_suppressed=5225,
                             suppressed_by={"primär": 4048, "sekundär": 1177})
    assert compiled.lines()[1].endswith("5.225 Werte nicht gezeigt: 4.048 primär und 1.177 sekundär gesperrt "
                                        "(Geheimhaltung).")
