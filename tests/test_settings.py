"""toolkit.toml checked as a whole: unknown sections and keys with the nearest name, types and ranges from the one
schema (core/settings.SCHEMA), which the comments of the default file state."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.core.errors import InputError
from toolkit.core.keys import ObservationKey
from toolkit.core.settings import DEFAULT_SETTINGS_TOML, SCHEMA, Settings, load_settings
from toolkit.core.store import Store

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def _line(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


def _output(result) -> str:
    return " ".join(result.output.split())


def _settings_with(workspace, old: str, new: str) -> str:
    text = DEFAULT_SETTINGS_TOML.replace(old, new)
    assert text != DEFAULT_SETTINGS_TOML
    workspace.settings_file.write_text(text, encoding="utf-8")
    return text


def _with_store(workspace) -> bytes:
    """A store with one value and a report from an earlier compile: what a refused command must leave alone."""
    with Store(workspace.store_file) as store, store.transaction():
        delivery = store.add_delivery(office="STAT", year=2024, file_name="x.xlsx", sha256="a" * 64, counts=(0, 0, 0))
        store.put(ObservationKey("DEM-01", 2024, "gesamtstadt", "insgesamt", "insgesamt", "wert"), 245834, "", "",
                  delivery)
    workspace.report_file(2024).parent.mkdir(parents=True, exist_ok=True)
    workspace.report_file(2024).write_bytes(b"guter Bericht")
    return workspace.store_file.read_bytes()


@pytest.mark.parametrize(("old", "new", "message"), [
    ("mindesteinwohner = 500", "mindesteinwohnner = 500",
     "Unbekannte Einstellung „mindesteinwohnner“ in [geheimhaltung] (toolkit.toml, Zeile {line}). Meinten Sie "
     "„mindesteinwohner“? Bitte den Namen in toolkit.toml korrigieren und den Befehl wiederholen."),
    ("[geheimhaltung]", "[geheimhaltnug]",
     "Unbekannter Abschnitt [geheimhaltnug] (toolkit.toml, Zeile {line}). Meinten Sie [geheimhaltung]? Bitte den "
     "Namen in toolkit.toml korrigieren und den Befehl wiederholen."),
    ("jahre_im_bericht = 10", "jahre_im_bericht = 0",
     "[bericht] jahre_im_bericht = 0 ist nicht erlaubt (toolkit.toml, Zeile {line}); erlaubt ist eine ganze Zahl von "
     "1 bis 30. So viele Jahre bis zum Berichtsjahr zeigen Tabellen und Grafiken."),
    ("jahre_im_bericht = 10", "jahre_im_bericht = -3",
     "[bericht] jahre_im_bericht = -3 ist nicht erlaubt (toolkit.toml, Zeile {line}); erlaubt ist eine ganze Zahl von "
     "1 bis 30. So viele Jahre bis zum Berichtsjahr zeigen Tabellen und Grafiken."),
    ("prozesse = 0", "prozesse = inf",
     "[leistung] prozesse = inf ist nicht erlaubt (toolkit.toml, Zeile {line}); erlaubt ist eine ganze Zahl von 0 bis "
     "64. 0 = automatisch, 1 = alles in einem Prozess, 2, 3, … = höchstens so viele Prozesse."),
    ("mindesteinwohner = 500", "mindesteinwohner = inf",
     "[geheimhaltung] mindesteinwohner = inf ist nicht erlaubt (toolkit.toml, Zeile {line}); erlaubt ist eine ganze "
     "Zahl von 0 bis 1.000.000. Stadtteile mit weniger Einwohnern bekommen keine eigenen Anteile; 0 = alle "
     "Stadtteile bekommen eigene Anteile."),
    ("trend_schwelle_pp = 0.5", "trend_schwelle_pp = nan",
     "[bericht] trend_schwelle_pp = nan ist nicht erlaubt (toolkit.toml, Zeile {line}); erlaubt ist eine Zahl von 0 "
     "bis 100. Ab dieser Veränderung des Abstands (in Prozentpunkten) heißt ein Trend nicht mehr „unverändert“; mit "
     "Punkt schreiben, z. B. 0.5."),
])
def test_compile_refuses_wrong_settings_and_keeps_the_report(workspace, old, new, message):
    store_before = _with_store(workspace)
    text = _settings_with(workspace, old, new)
    result = runner.invoke(app, ["compile", "--year", "2024", "-w", str(workspace.root)])
    assert result.exit_code == 3, result.output
    assert _output(result) == "Fehler: " + message.format(line=_line(text, new))
    assert workspace.report_file(2024).read_bytes() == b"guter Bericht"
    assert workspace.store_file.read_bytes() == store_before


def test_every_problem_of_the_file_at_once(workspace):
    text = DEFAULT_SETTINGS_TOML.replace("prozesse = 0", "prozesse = 2.5").replace(
        "\ntitel = ", "\nmindesteinwohner = 100\ntitel = ").replace("smtp_port = 587", 'smtp_port = "587"')
    workspace.settings_file.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["status", "--year", "2025", "-w", str(workspace.root)])
    assert result.exit_code == 3, result.output
    assert _output(result) == " ".join((
        "Fehler: Die Einstellungsdatei toolkit.toml enthält 3 Fehler:",
        f"- Unbekannte Einstellung „mindesteinwohner“ in [bericht] (toolkit.toml, Zeile {_line(text, 'mindest')}).",
        "Sie gehört in den Abschnitt [geheimhaltung].",
        f'- [mail] smtp_port = "587" ist nicht erlaubt (toolkit.toml, Zeile {_line(text, "smtp_port")}); erlaubt ist',
        "eine ganze Zahl von 1 bis 65.535.",
        f"- [leistung] prozesse = 2.5 ist nicht erlaubt (toolkit.toml, Zeile {_line(text, 'prozesse')}); erlaubt ist",
        "eine ganze Zahl von 0 bis 64.",
        "Bitte die genannten Zeilen in toolkit.toml korrigieren und den Befehl wiederholen."))


@pytest.mark.parametrize(("text", "message"), [
    ("stadt = 'Magdeburg'\n", "Unbekannte Einstellung „stadt“ außerhalb eines Abschnitts (toolkit.toml, Zeile 1). "
                              "Meinten Sie „stadt“ in [bericht]?"),
    ("[leistung]\nprozese = 2\n", "Unbekannte Einstellung „prozese“ in [leistung] (toolkit.toml, Zeile 2). Meinten "
                                  "Sie „prozesse“?"),
    ("[leistung]\nschnell = true\n", "Unbekannte Einstellung „schnell“ in [leistung] (toolkit.toml, Zeile 2). "
                                     "Bekannt in [leistung]: prozesse."),
    ("[leistung.extra]\na = 1\n", "Unbekannte Einstellung „extra“ in [leistung] (toolkit.toml, Zeile 1). Bekannt in "
                                  "[leistung]: prozesse."),
    ("[druck]\nfarbe = 1\n", "Unbekannter Abschnitt [druck] (toolkit.toml, Zeile 1). Bekannt sind [bericht], "
                             "[erhebung], [koordination], [mail], [geheimhaltung], [import], [programme], [veroeffentlichung], "
                             "[leistung]."),
    ('[erhebung]\nfrist = "31.02.2027"\n', '[erhebung] frist = "31.02.2027" ist nicht erlaubt (toolkit.toml, Zeile 2); '
                                           'erlaubt ist ein Datum "TT.MM.JJJJ" oder "".'),
    ('[import]\ngesperrt_zeichen = [".", 1]\n', '[import] gesperrt_zeichen = [".", 1] ist nicht erlaubt (toolkit.toml, '
                                                'Zeile 2); erlaubt ist eine Liste von Zeichen in Anführungszeichen, '
                                                'z. B. [".", "x"].'),
    ('[bericht]\ngliederung = "stadtteile"\n', '[bericht] gliederung = "stadtteile" ist nicht erlaubt (toolkit.toml, '
                                               'Zeile 2); erlaubt ist "handlungsfelder" oder "integrationskonzept".'),
    ("[mail]\nsmtp_port = true\n", "[mail] smtp_port = true ist nicht erlaubt (toolkit.toml, Zeile 2); erlaubt ist "
                                   "eine ganze Zahl von 1 bis 65.535."),
])
def test_refusals_name_the_line_and_what_is_allowed(tmp_path, text, message):
    path = tmp_path / "toolkit.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_settings(path)
    assert caught.value.message == message


def test_whole_numbers_and_bounds_are_accepted(tmp_path):
    path = tmp_path / "toolkit.toml"
    path.write_text("[leistung]\nprozesse = 2.0\n[bericht]\njahre_im_bericht = 1\ntrend_schwelle_pp = 0\n"
                    "[geheimhaltung]\nmindesteinwohner = 0\n", encoding="utf-8")
    settings = load_settings(path)
    assert (settings.prozesse, settings.jahre_im_bericht, settings.trend_schwelle_pp, settings.mindesteinwohner) == \
        (2, 1, 0.0, 0)
    assert isinstance(settings.prozesse, int) and isinstance(settings.trend_schwelle_pp, float)


def test_the_default_file_is_the_schema_with_its_ranges(tmp_path):
    """Every setting of SCHEMA stands in the default file in its section, with the default of Settings, and the
    comment above it states what SCHEMA allows (the range is declared once and documented)."""
    path = tmp_path / "toolkit.toml"
    path.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    assert load_settings(path) == Settings()
    lines = DEFAULT_SETTINGS_TOML.splitlines()
    section = ""
    comments: list[str] = []
    documented = {}
    for line in lines:
        if line.startswith("["):
            section, comments = line.strip("[]"), []
        elif line.startswith("#"):
            comments.append(line.lstrip("# "))
        elif "=" in line:
            documented[(section, line.split("=")[0].strip())] = " ".join(comments)
            comments = []
    assert set(documented) == {(s.section, s.key) for s in SCHEMA}
    for setting in SCHEMA:
        if setting.kind != "text":
            assert setting.allowed in documented[(setting.section, setting.key)], setting.key


def test_the_repository_settings_are_the_default():
    assert (ROOT / "toolkit.toml").read_text(encoding="utf-8") == DEFAULT_SETTINGS_TOML


def test_the_deadline_comment_says_what_the_code_does():
    assert "leer = 31.03. des Folgejahres (Berichtsjahr 2025: 31.03.2026)" in " ".join(
        line.lstrip("# ") for line in DEFAULT_SETTINGS_TOML.splitlines())
    assert str(Settings().deadline(2025)) == "2026-03-31"
