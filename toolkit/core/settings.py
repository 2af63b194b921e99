"""toolkit.toml: the settings of a working folder, with commented defaults for ``toolkit init``."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.core.errors import InputError

OMBUDSSTELLE = ("Ombudsstelle bei der Landesfachstelle für Barrierefreiheit Sachsen-Anhalt, Zerbst/Anhalt "
                "(lf-barrierefreiheit-st.de)")

DEFAULT_SETTINGS_TOML = """\
# Einstellungen des Integrationsmonitorings (toolkit.toml)
# Zeilen mit # sind Kommentare. Texte stehen in Anführungszeichen, Zahlen ohne.

[bericht]
# Name der Stadt und Titel des Berichts (Titelseite und Dokumenteigenschaften)
stadt = "Landeshauptstadt Magdeburg"
titel = "Integrationsmonitoring"
untertitel = "Bericht zur Integration und Migration"
herausgeber = "Landeshauptstadt Magdeburg, Dezernat für Soziales, Jugend und Gesundheit"
# Ab welcher Veränderung des Abstands (in Prozentpunkten) der Trend nicht mehr "unverändert" heißt
trend_schwelle_pp = 0.5
# Wie viele Jahre Tabellen und Grafiken zeigen
jahre_im_bericht = 10
# Gliederung der Kapitel: "handlungsfelder" = ein Kapitel je Handlungsfeld der Indikatorenmatrix;
# "integrationskonzept" = ein Kapitel je Handlungsfeld des Integrationskonzepts (Spalte
# "Handlungsfeld Integrationskonzept" im Blatt Handlungsfelder), davor "Rahmendaten und weitere
# Kennzahlen" für die Handlungsfelder ohne Zuordnung
gliederung = "handlungsfelder"

[erhebung]
# Abgabefrist der Erhebungsbögen (TT.MM.JJJJ); leer = 31.03. des Folgejahres
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
# Einwohner zeigen – (nichts vorhanden).
mindesteinwohner = 500

[import]
# Zeichen, mit denen eine Quelle in 'toolkit import' einen gesperrten Wert kennzeichnet (statt einer Zahl);
# solche Werte werden als „gesperrt (Quelle)“ übernommen und bleiben in allen Ausgaben gesperrt.
gesperrt_zeichen = [".", "x", "*"]

[programme]
# LibreOffice für 'toolkit compile --pdf': Pfad zu soffice.exe (Windows) bzw. soffice, z. B.
# "C:/Program Files/LibreOffice/program/soffice.exe"; leer = im Suchpfad und den üblichen
# Installationsordnern suchen.
libreoffice = ""

[veroeffentlichung]
# Angaben der Website (Impressum, Erklärung zur Barrierefreiheit, Kontakt für Rückmeldungen).
# Herausgeber; leer = wie [bericht] herausgeber
herausgeber = ""
# Postanschrift des Herausgebers für das Impressum
anschrift = "Alter Markt 6, 39104 Magdeburg"
# E-Mail-Adresse für Rückmeldungen zur Barrierefreiheit und Fragen zu den Daten; leer = [koordination] email
email = ""
# Telefon für Rückmeldungen; leer = [koordination] telefon
telefon = ""
# Wohin man sich wenden kann, wenn eine Rückmeldung zur Barrierefreiheit ohne befriedigende Antwort bleibt
# (Durchsetzungsverfahren nach dem Behindertengleichstellungsgesetz Sachsen-Anhalt); bitte prüfen
ombudsstelle = "{OMBUDSSTELLE}"

[leistung]
# Wie viele Prozesse sich große Arbeiten teilen (viele Erhebungsbögen schreiben oder prüfen, viele
# Grafiken zeichnen): 0 = automatisch (so viele, wie der Rechner Prozessorkerne hat, höchstens 4;
# kleine Arbeiten immer in einem Prozess);
# 1 = alles in einem Prozess (nie weitere Prozesse starten); 2, 3, … = höchstens so viele.
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
    gesperrt_zeichen: tuple[str, ...] = (".", "x", "*")  # symbols of a source for a withheld value (import)
    # [veroeffentlichung]: the website's Impressum and Erklärung zur Barrierefreiheit ("" = the setting named)
    veroeffentlichung_herausgeber: str = ""  # "" = herausgeber
    veroeffentlichung_anschrift: str = "Alter Markt 6, 39104 Magdeburg"
    veroeffentlichung_email: str = ""  # "" = koordination_email
    veroeffentlichung_telefon: str = ""  # "" = koordination_telefon
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
        """The return deadline of the round for ``year``: option, then setting, then 31.03. of year+2.

        The report year Y is collected in the year after it (Y+1), so the default is 31 March Y+2.
        """
        text = (override or self.frist or "").strip()
        if not text:
            return dt.date(year + 2, 3, 31)
        return parse_german_date(text, "Abgabefrist")


def parse_german_date(text: str, what: str) -> dt.date:
    """Parse 31.03.2027 (or ISO 2027-03-31); raise InputError with a German message otherwise."""
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise InputError(f"{what} '{text}' ist kein Datum.", hint="Bitte im Format TT.MM.JJJJ angeben, z. B. 31.03.2027.")


_FIELDS = {
    ("bericht", "stadt"): ("stadt", str),
    ("bericht", "titel"): ("titel", str),
    ("bericht", "untertitel"): ("untertitel", str),
    ("bericht", "herausgeber"): ("herausgeber", str),
    ("bericht", "trend_schwelle_pp"): ("trend_schwelle_pp", float),
    ("bericht", "jahre_im_bericht"): ("jahre_im_bericht", int),
    ("bericht", "gliederung"): ("gliederung", str),
    ("erhebung", "frist"): ("frist", str),
    ("erhebung", "blattschutz_kennwort"): ("blattschutz_kennwort", str),
    ("koordination", "name"): ("koordination_name", str),
    ("koordination", "funktion"): ("koordination_funktion", str),
    ("koordination", "telefon"): ("koordination_telefon", str),
    ("koordination", "email"): ("koordination_email", str),
    ("geheimhaltung", "mindesteinwohner"): ("mindesteinwohner", int),
    ("import", "gesperrt_zeichen"): ("gesperrt_zeichen", tuple),
    ("programme", "libreoffice"): ("libreoffice", str),
    ("leistung", "prozesse"): ("prozesse", int),
    ("veroeffentlichung", "herausgeber"): ("veroeffentlichung_herausgeber", str),
    ("veroeffentlichung", "anschrift"): ("veroeffentlichung_anschrift", str),
    ("veroeffentlichung", "email"): ("veroeffentlichung_email", str),
    ("veroeffentlichung", "telefon"): ("veroeffentlichung_telefon", str),
    ("veroeffentlichung", "ombudsstelle"): ("ombudsstelle", str),
}
_MAIL_FIELDS = {"absender": str, "smtp_host": str, "smtp_port": int, "smtp_sicherheit": str, "smtp_benutzer": str,
                "smtp_zertifikat": str}


def load_settings(path: Path) -> Settings:
    """Read toolkit.toml; a missing file gives the defaults, a broken one a German InputError."""
    if not path.is_file():
        return Settings()
    try:
        raw = tomllib.loads(read_settings_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f"Die Einstellungsdatei {path} ist fehlerhaft: {exc}",
            hint="Bitte die genannte Zeile korrigieren (Texte in Anführungszeichen, Zahlen ohne).",
        ) from exc
    values: dict[str, object] = {}
    for (section, key), (name, kind) in _FIELDS.items():
        if key in raw.get(section, {}):
            values[name] = _convert(raw[section][key], kind, path, f"[{section}] {key}")
    mail_raw = raw.get("mail", {})
    mail = MailSettings(
        **{k: _convert(mail_raw[k], kind, path, f"[mail] {k}") for k, kind in _MAIL_FIELDS.items() if k in mail_raw}
    )
    if mail.smtp_sicherheit not in ("keine", "starttls", "ssl"):
        raise InputError(
            f"{path}: [mail] smtp_sicherheit = '{mail.smtp_sicherheit}' ist nicht erlaubt.",
            hint='Erlaubt sind "keine", "starttls" oder "ssl".',
        )
    if mail.smtp_zertifikat:  # relative to the working folder, like every other path of the toolkit
        mail = replace(mail, smtp_zertifikat=str(path.parent / Path(mail.smtp_zertifikat).expanduser()))
    if values.get("gliederung", STRUCTURES[0]) not in STRUCTURES:
        raise InputError(f"{path}: [bericht] gliederung = '{values['gliederung']}' ist nicht erlaubt.",
                         hint='Erlaubt sind "handlungsfelder" (ein Kapitel je Handlungsfeld der Indikatorenmatrix) '
                              'oder "integrationskonzept" (ein Kapitel je Handlungsfeld des Integrationskonzepts).')
    if int(values.get("prozesse", 0)) < 0:  # type: ignore[call-overload]
        raise InputError(f"{path}: [leistung] prozesse = {values['prozesse']} ist nicht erlaubt.",
                         hint="Erlaubt sind 0 (automatisch), 1 (alles in einem Prozess) oder eine größere ganze Zahl.")
    if int(values.get("mindesteinwohner", 0)) < 0:  # type: ignore[call-overload]
        raise InputError(f"{path}: [geheimhaltung] mindesteinwohner = {values['mindesteinwohner']} ist nicht erlaubt.",
                         hint="Bitte eine ganze Zahl ab 0 angeben (0 = alle Stadtteile bekommen eigene Anteile).")
    if values.get("libreoffice"):
        values["libreoffice"] = str(path.parent / Path(str(values["libreoffice"])).expanduser())
    return Settings(**values, mail=mail)


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


def _convert(value: object, kind: type, path: Path, where: str) -> object:
    try:
        if kind is tuple:
            if not isinstance(value, list):
                raise TypeError
            return tuple(str(v) for v in value)
        if kind is str:
            if not isinstance(value, str):
                raise TypeError
            return value
        if isinstance(value, bool):
            raise TypeError
        return kind(value)
    except (TypeError, ValueError):
        expected = {str: "ein Text in Anführungszeichen", int: "eine ganze Zahl", float: "eine Zahl", tuple: "eine Liste"}[kind]
        raise InputError(
            f"{path}: {where} = {value!r} ist ungültig; erwartet wird {expected}.",
            hint="Bitte den Wert in toolkit.toml korrigieren.",
        ) from None
