"""toolkit.toml: the settings of a working folder, with commented defaults for ``toolkit init``."""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.core.cells import format_number
from toolkit.core.errors import InputError, nearest_names

OMBUDSSTELLE = ("Ombudsstelle bei der Landesfachstelle für Barrierefreiheit Sachsen-Anhalt, Zerbst/Anhalt "
                "(lf-barrierefreiheit-st.de)")

DEFAULT_SETTINGS_TOML = """\
# Einstellungen des Integrationsmonitorings (toolkit.toml)
# Zeilen mit # sind Kommentare. Texte stehen in Anführungszeichen, Zahlen ohne. Jede Einstellung wird beim
# Start jedes Befehls geprüft: ein unbekannter Name oder ein Wert außerhalb des erlaubten Bereichs ist ein Fehler.

[bericht]
# Name der Stadt und Titel des Berichts (Titelseite und Dokumenteigenschaften)
stadt = "Landeshauptstadt Magdeburg"
titel = "Integrationsmonitoring"
untertitel = "Bericht zur Integration und Migration"
herausgeber = "Landeshauptstadt Magdeburg, Dezernat für Soziales, Jugend und Gesundheit"
# Ab welcher Veränderung des Abstands (in Prozentpunkten) der Trend nicht mehr "unverändert" heißt:
# eine Zahl von 0 bis 100, mit Punkt geschrieben (0.5)
trend_schwelle_pp = 0.5
# Wie viele Jahre Tabellen und Grafiken zeigen: eine ganze Zahl von 1 bis 30
jahre_im_bericht = 10
# Gliederung der Kapitel: "handlungsfelder" = ein Kapitel je Handlungsfeld der Indikatorenmatrix;
# "integrationskonzept" = ein Kapitel je Handlungsfeld des Integrationskonzepts (Spalte
# "Handlungsfeld Integrationskonzept" im Blatt Handlungsfelder), davor "Rahmendaten und weitere
# Kennzahlen" für die Handlungsfelder ohne Zuordnung. Erlaubt: "handlungsfelder" oder "integrationskonzept"
gliederung = "handlungsfelder"

[erhebung]
# Abgabefrist der Erhebungsbögen: ein Datum "TT.MM.JJJJ" oder ""; leer = 31.03. des Folgejahres
# (Berichtsjahr 2025: 31.03.2026). 'toolkit distribute --deadline' geht vor.
frist = ""
# Kennwort für den Blattschutz; leer = Schutz ohne Kennwort (die Stadt sperrt sich nie aus)
blattschutz_kennwort = ""

[koordination]
# Ansprechperson für Rückfragen, steht in jedem Erhebungsbogen und jeder E-Mail
name = "Koordination Integrationsmonitoring"
funktion = "Dezernat für Soziales, Jugend und Gesundheit"
telefon = "0391 540-0"
email = "integrationsmonitoring@example.org"

[mail]
# Absender und SMTP-Server für 'toolkit distribute --send'.
# Das Kennwort steht nie hier, sondern in der Umgebungsvariablen TOOLKIT_SMTP_PASSWORD.
absender = "integrationsmonitoring@example.org"
smtp_host = ""
# Port des SMTP-Servers: eine ganze Zahl von 1 bis 65.535 (meist 587 für starttls, 465 für ssl)
smtp_port = 587
# "keine", "starttls" oder "ssl"
smtp_sicherheit = "starttls"
smtp_benutzer = ""
# Zertifikat der Zertifizierungsstelle (PEM-Datei) für einen Server mit eigenem Zertifikat der Stadt-IT;
# leer = die Zertifizierungsstellen des Systems. Relative Pfade gelten ab dem Arbeitsordner.
smtp_zertifikat = ""

[geheimhaltung]
# Stadtteile mit weniger Einwohnern (Spalte "Einwohner" im Blatt Stadtteile des Katalogs) bekommen keine
# eigenen Anteile (Zeichen x), ihre Anzahlen bleiben (mit den üblichen Sperrungen). Stadtteile ohne
# Einwohner zeigen – (nichts vorhanden). Erlaubt: eine ganze Zahl von 0 bis 1.000.000 (0 = alle Stadtteile
# bekommen eigene Anteile).
mindesteinwohner = 500
# Staatsangehörigkeiten mit weniger Personen (in einem der Jahre der Tabelle) werden in Bericht, Website und
# offenen Daten nie einzeln gezeigt, nur in der Zeile „übrige Staatsangehörigkeiten“; die interne Ausgabe zeigt
# sie. Erlaubt: eine ganze Zahl von 0 bis 1.000.000 (0 = jede Staatsangehörigkeit einzeln, nur mit den üblichen
# Sperrungen).
staatsangehoerigkeit_mindestzahl = 50

[import]
# Zeichen, mit denen eine Quelle in 'toolkit import' einen gesperrten Wert kennzeichnet (statt einer Zahl);
# solche Werte werden als „gesperrt (Quelle)“ übernommen und bleiben in allen Ausgaben gesperrt.
# Erlaubt: eine Liste von Zeichen in Anführungszeichen, z. B. [".", "x"]
gesperrt_zeichen = [".", "x", "*"]

[programme]
# LibreOffice für 'toolkit compile --pdf': Pfad zu soffice.exe (Windows) bzw. soffice, z. B.
# "C:/Program Files/LibreOffice/program/soffice.exe"; leer = im Suchpfad und den üblichen
# Installationsordnern suchen.
libreoffice = ""

[veroeffentlichung]
# Angaben der Website und des Berichts (Impressum, Erklärung zur Barrierefreiheit, Kontakt für Rückmeldungen).
# Herausgeber; leer = wie [bericht] herausgeber
herausgeber = ""
# Postanschrift des Herausgebers für das Impressum
anschrift = "Alter Markt 6, 39104 Magdeburg"
# E-Mail-Adresse für Rückmeldungen zur Barrierefreiheit und Fragen zu den Daten; leer = [koordination] email
email = ""
# Telefon für Rückmeldungen; leer = [koordination] telefon
telefon = ""
# Hinweis zu Nachdruck und Vervielfältigung im Impressum des Berichts; leer = "Nachdruck und Vervielfältigung,
# auch auszugsweise, nur mit Quellenangabe gestattet. …". Herausgeber, Anschrift, E-Mail und Telefon oben stehen
# auch im Impressum des Berichts; die Voreinstellungen (Dezernat, Alter Markt 6) bitte mit dem Amt prüfen.
nachdruck = ""
# Wohin man sich wenden kann, wenn eine Rückmeldung zur Barrierefreiheit ohne befriedigende Antwort bleibt
# (Durchsetzungsverfahren nach dem Behindertengleichstellungsgesetz Sachsen-Anhalt); bitte prüfen
ombudsstelle = "{OMBUDSSTELLE}"

[leistung]
# Wie viele Prozesse sich große Arbeiten teilen (viele Erhebungsbögen schreiben oder prüfen, viele
# Grafiken zeichnen): 0 = automatisch (so viele, wie der Rechner Prozessorkerne hat, höchstens 4;
# kleine Arbeiten immer in einem Prozess);
# 1 = alles in einem Prozess (nie weitere Prozesse starten); 2, 3, … = höchstens so viele.
# Erlaubt: eine ganze Zahl von 0 bis 64
prozesse = 0
""".replace("{OMBUDSSTELLE}", OMBUDSSTELLE)


STRUCTURES = ("handlungsfelder", "integrationskonzept")  # [bericht] gliederung: the report's chapters


@dataclass(frozen=True)
class MailSettings:
    absender: str = "integrationsmonitoring@example.org"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_sicherheit: str = "starttls"
    smtp_benutzer: str = ""
    smtp_zertifikat: str = ""  # PEM CA bundle, absolute after load_settings; "" = system CAs


@dataclass(frozen=True)
class Settings:
    stadt: str = "Landeshauptstadt Magdeburg"
    titel: str = "Integrationsmonitoring"
    untertitel: str = "Bericht zur Integration und Migration"
    herausgeber: str = "Landeshauptstadt Magdeburg, Dezernat für Soziales, Jugend und Gesundheit"
    trend_schwelle_pp: float = 0.5
    jahre_im_bericht: int = 10
    gliederung: str = "handlungsfelder"  # chapters: one of STRUCTURES
    frist: str = ""
    blattschutz_kennwort: str = ""
    koordination_name: str = "Koordination Integrationsmonitoring"
    koordination_funktion: str = "Dezernat für Soziales, Jugend und Gesundheit"
    koordination_telefon: str = "0391 540-0"
    koordination_email: str = "integrationsmonitoring@example.org"
    mail: MailSettings = field(default_factory=MailSettings)
    libreoffice: str = ""  # path of soffice(.exe), absolute after load_settings; "" = search for it
    prozesse: int = 0  # processes that share large work (core/runtime.workers_for): 0 automatic, 1 never a pool
    mindesteinwohner: int = 500  # Stadtteile with fewer inhabitants get no rates of their own
    staatsangehoerigkeit_mindestzahl: int = 50  # a nationality below it is published only in "übrige"
    gesperrt_zeichen: tuple[str, ...] = (".", "x", "*")  # symbols of a source for a withheld value (import)
    # [veroeffentlichung]: the website's Impressum and Erklärung zur Barrierefreiheit ("" = the setting named)
    veroeffentlichung_herausgeber: str = ""  # "" = herausgeber
    veroeffentlichung_anschrift: str = "Alter Markt 6, 39104 Magdeburg"
    veroeffentlichung_email: str = ""  # "" = koordination_email
    veroeffentlichung_telefon: str = ""  # "" = koordination_telefon
    nachdruck: str = ""  # the report's Impressum: reprint clause; "" = report/front_matter.DEFAULT_NACHDRUCK
    ombudsstelle: str = OMBUDSSTELLE

    @property
    def publisher(self) -> str:
        return self.veroeffentlichung_herausgeber or self.herausgeber

    @property
    def feedback_email(self) -> str:
        return self.veroeffentlichung_email or self.koordination_email

    @property
    def feedback_phone(self) -> str:
        return self.veroeffentlichung_telefon or self.koordination_telefon

    def deadline(self, year: int, override: str | None = None) -> dt.date:
        """The return deadline of the round for ``year``: option, then setting, then 31.03. of the year after it
        (as the settings file says: the report year Y is collected early in Y+1)."""
        text = (override or self.frist or "").strip()
        if not text:
            return dt.date(year + 1, 3, 31)
        return parse_german_date(text, "Abgabefrist")


def parse_german_date(text: str, what: str) -> dt.date:
    """Parse 31.03.2027 (or ISO 2027-03-31); raise InputError with a German message otherwise."""
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise InputError(f"{what} '{text}' ist kein Datum.", hint="Bitte im Format TT.MM.JJJJ angeben, z. B. 31.03.2027.")


# --------------------------------------------------------------------------------------------------
# The schema: every key of toolkit.toml with its type and what is allowed, declared once. load_settings checks
# the whole file against it (unknown sections and keys, types, ranges); the comments of DEFAULT_SETTINGS_TOML
# state each range (tests/test_settings.py holds them together).


@dataclass(frozen=True)
class Setting:
    """One key of toolkit.toml: its place, the Settings attribute it fills, its type and the allowed values."""

    section: str
    key: str
    attribute: str  # field of Settings; "mail.<field>" for a field of MailSettings
    kind: str = "text"  # text | int | number | choice | date | list
    low: float | None = None  # int and number: the smallest allowed value
    high: float | None = None  # int and number: the largest allowed value
    choices: tuple[str, ...] = ()  # choice: the allowed texts
    meaning: str = ""  # what the values mean (German, shown with a refusal)

    @property
    def allowed(self) -> str:
        """What is allowed, in German, as the message and the comment of the default toml say it."""
        if self.kind in ("int", "number"):
            what = "eine ganze Zahl" if self.kind == "int" else "eine Zahl"
            return f"{what} von {format_number(self.low)} bis {format_number(self.high)}"
        if self.kind == "choice":
            quoted = [f'"{c}"' for c in self.choices]
            return f"{', '.join(quoted[:-1])} oder {quoted[-1]}"
        if self.kind == "date":
            return 'ein Datum "TT.MM.JJJJ" oder ""'
        if self.kind == "list":
            return 'eine Liste von Zeichen in Anführungszeichen, z. B. [".", "x"]'
        return "ein Text in Anführungszeichen"


SCHEMA: tuple[Setting, ...] = (
    Setting("bericht", "stadt", "stadt"),
    Setting("bericht", "titel", "titel"),
    Setting("bericht", "untertitel", "untertitel"),
    Setting("bericht", "herausgeber", "herausgeber"),
    Setting("bericht", "trend_schwelle_pp", "trend_schwelle_pp", "number", 0, 100,
            meaning="Ab dieser Veränderung des Abstands (in Prozentpunkten) heißt ein Trend nicht mehr "
                    "„unverändert“; mit Punkt schreiben, z. B. 0.5."),
    Setting("bericht", "jahre_im_bericht", "jahre_im_bericht", "int", 1, 30,
            meaning="So viele Jahre bis zum Berichtsjahr zeigen Tabellen und Grafiken."),
    Setting("bericht", "gliederung", "gliederung", "choice", choices=STRUCTURES,
            meaning='"handlungsfelder" = ein Kapitel je Handlungsfeld der Indikatorenmatrix, "integrationskonzept" '
                    "= ein Kapitel je Handlungsfeld des Integrationskonzepts."),
    Setting("erhebung", "frist", "frist", "date",
            meaning="Leer = 31.03. des Folgejahres (Berichtsjahr 2025: 31.03.2026)."),
    Setting("erhebung", "blattschutz_kennwort", "blattschutz_kennwort"),
    Setting("koordination", "name", "koordination_name"),
    Setting("koordination", "funktion", "koordination_funktion"),
    Setting("koordination", "telefon", "koordination_telefon"),
    Setting("koordination", "email", "koordination_email"),
    Setting("mail", "absender", "mail.absender"),
    Setting("mail", "smtp_host", "mail.smtp_host"),
    Setting("mail", "smtp_port", "mail.smtp_port", "int", 1, 65535,
            meaning="Meist 587 (starttls) oder 465 (ssl)."),
    Setting("mail", "smtp_sicherheit", "mail.smtp_sicherheit", "choice", choices=("keine", "starttls", "ssl")),
    Setting("mail", "smtp_benutzer", "mail.smtp_benutzer"),
    Setting("mail", "smtp_zertifikat", "mail.smtp_zertifikat"),
    Setting("geheimhaltung", "mindesteinwohner", "mindesteinwohner", "int", 0, 1_000_000,
            meaning="Stadtteile mit weniger Einwohnern bekommen keine eigenen Anteile; 0 = alle Stadtteile "
                    "bekommen eigene Anteile."),
    Setting("geheimhaltung", "staatsangehoerigkeit_mindestzahl", "staatsangehoerigkeit_mindestzahl", "int", 0,
            1_000_000,
            meaning="Eine Staatsangehörigkeit mit weniger Personen (in einem der Jahre der Tabelle) erscheint nur in "
                    "„übrige Staatsangehörigkeiten“; 0 = jede einzeln."),
    Setting("import", "gesperrt_zeichen", "gesperrt_zeichen", "list",
            meaning="Zeichen, mit denen eine Quelle einen gesperrten Wert kennzeichnet."),
    Setting("programme", "libreoffice", "libreoffice"),
    Setting("veroeffentlichung", "herausgeber", "veroeffentlichung_herausgeber"),
    Setting("veroeffentlichung", "anschrift", "veroeffentlichung_anschrift"),
    Setting("veroeffentlichung", "email", "veroeffentlichung_email"),
    Setting("veroeffentlichung", "telefon", "veroeffentlichung_telefon"),
    Setting("veroeffentlichung", "nachdruck", "nachdruck",
            meaning="Hinweis zu Nachdruck und Vervielfältigung im Impressum des Berichts; leer = der Standardsatz."),
    Setting("veroeffentlichung", "ombudsstelle", "ombudsstelle"),
    Setting("leistung", "prozesse", "prozesse", "int", 0, 64,
            meaning="0 = automatisch, 1 = alles in einem Prozess, 2, 3, … = höchstens so viele Prozesse."),
)
SECTIONS = tuple(dict.fromkeys(s.section for s in SCHEMA))


def load_settings(path: Path) -> Settings:
    """Read toolkit.toml and check it as a whole against SCHEMA; a missing file gives the defaults.

    Every problem (a TOML syntax error, an unknown section or key, a wrong type, a value out of range) is a German
    InputError naming the file and line; with several problems one error lists them all.
    """
    if not path.is_file():
        return Settings()
    text = read_settings_text(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path.name}, {toml_syntax_error(exc, text)}",
                         hint=f"Bitte die Zeile in {path.name} korrigieren und den Befehl wiederholen.") from exc
    lines = _KeyLines(text)
    problems = [(p, "Bitte den Namen in toolkit.toml korrigieren und den Befehl wiederholen.")
                for p in _unknown(raw, lines, path.name)]
    values: dict[str, object] = {}
    for setting in SCHEMA:
        section = raw.get(setting.section)
        if not isinstance(section, dict) or setting.key not in section:
            continue
        where = f"{path.name}, Zeile {lines.line(setting.section, setting.key)}"
        try:
            values[setting.attribute] = _value(setting, section[setting.key])
        except ValueError:
            problems.append((f"[{setting.section}] {setting.key} = {_toml_text(section[setting.key])} ist nicht "
                             f"erlaubt ({where}); erlaubt ist {setting.allowed}.",
                             setting.meaning or "Bitte den Wert in toolkit.toml korrigieren."))
    if problems:
        raise _settings_error(problems, path.name)
    mail = MailSettings(**{name.removeprefix("mail."): v for name, v in values.items() if name.startswith("mail.")})
    if mail.smtp_zertifikat:  # relative to the working folder, like every other path of the toolkit
        mail = replace(mail, smtp_zertifikat=str(path.parent / Path(mail.smtp_zertifikat).expanduser()))
    values = {name: v for name, v in values.items() if not name.startswith("mail.")}
    if values.get("libreoffice"):
        values["libreoffice"] = str(path.parent / Path(str(values["libreoffice"])).expanduser())
    return Settings(**values, mail=mail)  # type: ignore[arg-type]


def _settings_error(problems: list[tuple[str, str]], file: str) -> InputError:
    if len(problems) == 1:
        message, hint = problems[0]
        return InputError(message, hint=hint)
    listed = "\n".join(f"  - {message}" for message, _ in problems)
    return InputError(f"Die Einstellungsdatei {file} enthält {len(problems)} Fehler:\n{listed}",
                      hint="Bitte die genannten Zeilen in toolkit.toml korrigieren und den Befehl wiederholen.")


def _unknown(raw: dict[str, object], lines: _KeyLines, file: str) -> list[str]:
    """German messages for every section and key of ``raw`` that SCHEMA does not know, with the nearest name."""
    known = {section: [s.key for s in SCHEMA if s.section == section] for section in SECTIONS}
    everywhere = {s.key: s.section for s in SCHEMA}
    problems = []
    for name, content in raw.items():
        if name not in known:
            if not isinstance(content, dict):
                guess = _nearest(name, list(everywhere))
                hint = f" Meinten Sie „{guess}“ in [{everywhere[guess]}]?" if guess else ""
                problems.append(f"Unbekannte Einstellung „{name}“ außerhalb eines Abschnitts ({file}, Zeile "
                                f"{lines.line('', name)}).{hint}")
                continue
            guess = _nearest(name, list(known))
            hint = f" Meinten Sie [{guess}]?" if guess else f" Bekannt sind {', '.join(f'[{s}]' for s in known)}."
            problems.append(f"Unbekannter Abschnitt [{name}] ({file}, Zeile {lines.line(name)}).{hint}")
            continue
        if not isinstance(content, dict):
            problems.append(f"„{name}“ ist ein Abschnitt und steht als [{name}] in einer eigenen Zeile ({file}, "
                            f"Zeile {lines.line('', name)}).")
            continue
        for key in content:
            if key in known[name]:
                continue
            where = f"({file}, Zeile {lines.line(name, key)})"
            guess = _nearest(key, known[name])
            if guess:
                hint = f" Meinten Sie „{guess}“?"
            elif key in everywhere:
                hint = f" Sie gehört in den Abschnitt [{everywhere[key]}]."
            else:
                hint = f" Bekannt in [{name}]: {', '.join(known[name])}."
            problems.append(f"Unbekannte Einstellung „{key}“ in [{name}] {where}.{hint}")
    return problems


def _nearest(name: str, candidates: list[str]) -> str:
    """The known name closest to a mistyped one, or ''."""
    return next(iter(nearest_names(name, candidates, n=1, cutoff=0.7)), "")


# what tomllib's (English) message begins with -> what it means in toolkit.toml, in German
_BACKSLASH = ("Ein umgekehrter Schrägstrich \\ in einem Text in \"…\" leitet ein Sonderzeichen ein. Einen Pfad bitte in "
              "einfache Anführungszeichen setzen (z. B. 'C:\\Programme\\LibreOffice') oder jeden \\ verdoppeln.")
_LIST = "Eine Liste in [ … ] wird nicht geschlossen (z. B. gesperrt_zeichen = [\".\", \"x\"])."
_TOML_REASONS = (
    (("Expected newline or end of document",), "Nach dem Wert steht in derselben Zeile noch etwas. Ein Datum oder "
     "ein Text gehört in Anführungszeichen (z. B. frist = \"31.03.2026\"); jede Einstellung steht in einer eigenen "
     "Zeile."),
    (("Invalid date",), "Ein Datum gehört in Anführungszeichen, als TT.MM.JJJJ (z. B. frist = \"31.03.2026\")."),
    (("Invalid value",), "Der Wert ist so nicht lesbar: Texte und Daten in Anführungszeichen (z. B. \"31.03.2026\"), "
     "Zahlen ohne (z. B. 500, mit Punkt: 0.5), Ja und Nein als true und false."),
    (("Cannot", "Duplicate"), "Diese Einstellung oder dieser Abschnitt steht zweimal in der Datei; bitte einen der "
     "beiden Einträge löschen."),
    (("Unterminated string", "Illegal character '\\n'"), "Ein Text in Anführungszeichen wird in dieser Zeile nicht "
     "geschlossen; bitte das schließende \" ergänzen."),
    (("Unescaped", "Escaped character", "Invalid hex"), _BACKSLASH),
    (("Expected '=' after a key",), "Nach dem Namen fehlen „=“ und der Wert (name = wert)."),
    (("Expected ']' at", "Expected ']]'"), "Der Name des Abschnitts wird nicht mit „]“ geschlossen (z. B. [erhebung])."),
    (("Unclosed", "Expected"), _LIST),
    (("Found invalid character", "Illegal character"), "Die Zeile enthält ein unzulässiges Zeichen (ein "
     "Steuerzeichen)."),
)
_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)$")


def toml_syntax_error(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """'Zeile 25, Spalte 14: ' and a German explanation of a TOML syntax error (tomllib says it in English, and at
    the end of the document without a line: then the last line)."""
    message = str(exc)
    place = _TOML_PLACE.search(message)
    line, column = (place.group(1), place.group(2)) if place else (str(max(len(text.splitlines()), 1)), "")
    reason = next((german for starts, german in _TOML_REASONS if message.startswith(starts)),
                  "Die Zeile ist weder eine Einstellung (name = wert) noch ein Abschnitt ([name]); ein Kommentar "
                  "beginnt mit #. Texte und Daten gehören in Anführungszeichen, Zahlen nicht.")
    return f"Zeile {line}{f', Spalte {column}' if column else ''}: {reason}"


class _KeyLines:
    """Line numbers of sections and keys in the text of toolkit.toml (tomllib does not give them)."""

    _SECTION = re.compile(r"^\s*\[\s*([^\]\s]+)\s*\]")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, str], int] = {}
        section = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if found := self._SECTION.match(line):
                section = found.group(1).strip('"')
                self.lines.setdefault((section, ""), number)
            elif found := self._KEY.match(line):
                self.lines.setdefault((section, found.group(1).strip('"')), number)

    def line(self, section: str, key: str = "") -> str:
        """The line of ``key`` in ``section`` ('' = the section's header); a sub-table [a.b] where key b of a is."""
        number = self.lines.get((section, key)) or self.lines.get((f"{section}.{key}" if section else key, ""))
        return str(number) if number else "?"


def _value(setting: Setting, value: object) -> object:
    """The value converted to its Python type; ValueError if it is not allowed."""
    kind = setting.kind
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(setting.key)
        return tuple(value)
    if kind in ("text", "choice", "date"):
        if not isinstance(value, str) or (kind == "choice" and value not in setting.choices):
            raise ValueError(setting.key)
        if kind == "date" and value.strip():
            try:
                parse_german_date(value, "Abgabefrist")
            except InputError:
                raise ValueError(setting.key) from None
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(setting.key)
    if kind == "int":
        if not float(value).is_integer():
            raise ValueError(setting.key)
        value = int(value)
    assert setting.low is not None and setting.high is not None  # every int and number setting has a range
    if not setting.low <= value <= setting.high:
        raise ValueError(setting.key)
    return float(value) if kind == "number" else value


def _toml_text(value: object) -> str:
    """A value as it stands in toolkit.toml: "Text", 12, inf, true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_text(v) for v in value) + "]"
    return str(value)


def read_settings_text(path: Path) -> str:
    """The text of toolkit.toml: UTF-8, with or without the byte order mark Windows' Editor may write.

    A file saved as ANSI (cp1252, the default of older Windows editors) gets a German message saying how to
    save it as UTF-8, instead of its umlauts being read wrongly.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Die Einstellungsdatei {path} lässt sich nicht lesen ({exc.strerror}).",
                         hint="Bitte prüfen, ob die Datei in einem anderen Programm gesperrt ist.") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"Die Einstellungsdatei {path} ist nicht als UTF-8 gespeichert (Zeile {line}: Zeichen, die nach "
            "ANSI/Windows-1252 aussehen, z. B. ein Umlaut).",
            hint="Bitte die Datei im Editor öffnen, 'Datei > Speichern unter' wählen, unten bei 'Codierung' "
                 "'UTF-8' einstellen und speichern. Dann den Befehl wiederholen.",
        ) from None
