"""E-mails of a round: validated contacts, EmailMessage, .eml drafts for Outlook, sending over SMTP.

A draft is written with CRLF line endings (email.policy.SMTP) and ``X-Unsent: 1`` so that Outlook opens
it as an unsent message the coordinator can review and send from the own mailbox. Attachments keep
their ASCII file names (Erhebung_2025_JUGA.xlsx); German text goes into subject and body only.
The SMTP password is read from the environment variable TOOLKIT_SMTP_PASSWORD, never from a file.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import ipaddress
import os
import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from enum import StrEnum
from pathlib import Path

from toolkit.catalogue.model import Catalogue, Office, is_valid_address
from toolkit.core.cells import german_date
from toolkit.core.errors import InputError
from toolkit.core.settings import Settings
from toolkit.core.workspace import atomic_path

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PASSWORD_VARIABLE = "TOOLKIT_SMTP_PASSWORD"
TIMEOUT_S = 30


class SendingKind(StrEnum):
    """Which mail of a round a sending was (sendings.kind in the store)."""

    COLLECTION = "erhebung"  # the collection workbook (toolkit distribute)
    REMINDER = "erinnerung"  # a reminder (toolkit status --remind)


class SendMode(StrEnum):
    """How a mail left (sendings.mode in the store)."""

    DRAFT = "entwurf"  # an .eml draft for Outlook
    SMTP = "smtp"  # sent over SMTP


# ---- encoding of the German subject ---------------------------------------------------------------

_Q_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


def encode_subject(text: str, payload: int = 55) -> str:
    """RFC 2047 Q-encoded words of at most 75 characters, folded with CRLF SP.

    Python's own folding (3.11) can emit an empty encoded word ``=?utf-8?q??=`` when an ASCII run
    ends near the line limit; some mail clients then show garbage. This encoder never does.
    """
    words: list[str] = []
    chunk = ""
    for char in text:
        piece = "_" if char == " " else char if char in _Q_SAFE else "".join(f"={b:02X}" for b in char.encode())
        if len(chunk) + len(piece) > payload:
            words.append(chunk)
            chunk = ""
        chunk += piece
    if chunk:
        words.append(chunk)
    return "\r\n ".join(f"=?utf-8?q?{w}?=" for w in words)


class _MailPolicy(email.policy.EmailPolicy):
    """email.policy.SMTP (CRLF) with our own encoding of a non-ASCII Subject."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() == "subject" and not str(value).isascii():
            return f"{name}: {encode_subject(str(value))}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() == "subject" and not str(value).isascii():
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


POLICY = _MailPolicy(linesep="\r\n")


# ---- validation -----------------------------------------------------------------------------------


def contact_problems(catalogue: Catalogue, offices: Iterable[Office]) -> list[str]:
    """German problems of the contacts in the Fachbereiche sheet; empty if every address can be used."""
    rows = {code: n for n, code in enumerate(catalogue.offices, start=2)}
    problems = []
    for office in offices:
        where = f"Blatt Fachbereiche, Zeile {rows.get(office.code, '?')} (Dienststelle {office.code})"
        for label, value in (("Bezeichnung", office.name), ("Ansprechperson", office.ansprechperson)):
            if _has_control(value):
                problems.append(f"{where}, Spalte „{label}“: enthält einen Zeilenumbruch oder ein Steuerzeichen; "
                                "bitte in einer Zeile schreiben.")
        for label, value, required in (("E-Mail", office.email, True),
                                       ("E-Mail Vertretung", office.vertretung_email, False)):
            if not value and not required:
                continue
            if _has_control(value) or not is_valid_address(value):
                problems.append(f"{where}, Spalte „{label}“: „{_visible(value)}“ ist keine gültige E-Mail-Adresse.")
    return problems


def check_contacts(catalogue: Catalogue, offices: Iterable[Office], settings: Settings) -> None:
    """Raise InputError naming every unusable contact (catalogue rows and the sender in toolkit.toml)."""
    problems = contact_problems(catalogue, offices)
    if not is_valid_address(settings.mail.absender):
        problems.append(f"toolkit.toml, [mail] absender: „{_visible(settings.mail.absender)}“ ist keine gültige "
                        "E-Mail-Adresse.")
    if _has_control(settings.koordination_name) or _has_control(settings.koordination_email):
        problems.append("toolkit.toml, [koordination]: Name und E-Mail dürfen keinen Zeilenumbruch enthalten.")
    if problems:
        raise InputError("Adressen für den E-Mail-Versand sind ungültig:\n" + "\n".join(f"  - {p}" for p in problems),
                         hint="Bitte im Indikatorenkatalog (templates/Indikatorenmatrix.xlsx) bzw. in toolkit.toml "
                              "korrigieren und den Befehl erneut starten.")


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _visible(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


# ---- messages -------------------------------------------------------------------------------------


def _base_message(office: Office, settings: Settings, subject: str, token: str) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = formataddr((settings.koordination_name, settings.mail.absender))
    message["To"] = formataddr((office.ansprechperson, office.email))
    if office.vertretung_email:
        message["Cc"] = office.vertretung_email
    message["Reply-To"] = settings.koordination_email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid("integrationsmonitoring", domain=settings.mail.absender.rpartition("@")[2])
    message["X-Integrationsmonitoring-Runde"] = token
    return message


def _signature(settings: Settings) -> str:
    return (f"Bei Fragen erreichen Sie uns so:\n{settings.koordination_name}, {settings.koordination_funktion}\n"
            f"Telefon {settings.koordination_telefon}\nE-Mail {settings.koordination_email}\n\n"
            f"Mit freundlichen Grüßen\n{settings.koordination_name}\n{settings.stadt}\n")


def collection_message(*, office: Office, year: int, deadline: dt.date, settings: Settings, workbook: Path,
                       token: str) -> EmailMessage:
    """The mail that carries an office's collection workbook."""
    due = german_date(deadline)
    message = _base_message(office, settings, f"{settings.titel} {year}: Erhebungsbogen {office.name} – "
                                              f"bitte bis {due} zurücksenden", token)
    message.set_content(
        f"Guten Tag,\n\nfür das {settings.titel} der {settings.stadt} bitten wir Sie als {office.name} um die Daten des "
        f"Berichtsjahres {year}.\n\nIm Anhang finden Sie Ihren Erhebungsbogen „{workbook.name}“. So gehen Sie vor:\n"
        "1. Den Anhang speichern und in Excel oder LibreOffice Calc öffnen.\n"
        "2. Im Blatt „Hinweise“ steht, was erfragt wird; im Blatt „Definitionen“ die genaue Abgrenzung.\n"
        f"3. Im Blatt „Erfassung“ (und in den Blättern „Stadtteile …“) die gelben Zellen für {year} ausfüllen. "
        "Grau sind die Werte der Vorjahre.\n"
        "4. Fehlt ein Wert, die Zelle leer lassen und als Kennzeichen „kein Wert verfügbar“ wählen.\n"
        f"5. Die Datei speichern und bis zum {due} als Antwort auf diese E-Mail zurücksenden. Bitte keine "
        "Zeilen, Spalten oder Blätter einfügen oder löschen.\n\n"
        f"Rundenkennung: {token}\n\n" + _signature(settings)
    )
    message.add_attachment(workbook.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                           filename=workbook.name)
    return message


def reminder_message(*, office: Office, year: int, deadline: dt.date, settings: Settings, token: str,
                     reasons: list[str]) -> EmailMessage:
    """A reminder listing exactly what is missing or wrong."""
    due = german_date(deadline)
    items = "\n".join(f"- {r}" for r in reasons)
    message = _base_message(office, settings, f"Erinnerung: {settings.titel} {year} – Erhebungsbogen "
                                              f"{office.name} (Frist {due})", token)
    message.set_content(
        f"Guten Tag,\n\nfür das {settings.titel} {year} fehlt uns von Ihnen als {office.name} noch Folgendes "
        f"(Abgabefrist {due}):\n\n{items}\n\nBitte ergänzen oder korrigieren Sie Ihren Erhebungsbogen und senden "
        "Sie ihn als Antwort auf diese E-Mail zurück. Wenn ein Wert nicht vorliegt, wählen Sie bitte das "
        "Kennzeichen „kein Wert verfügbar“.\n\n"
        f"Rundenkennung: {token}\n\n" + _signature(settings)
    )
    return message


def recipients(message: EmailMessage) -> list[str]:
    """The plain addresses of To and Cc."""

    return [addr for _, addr in getaddresses(message.get_all("To", []) + message.get_all("Cc", [])) if addr]


def draft_bytes(message: EmailMessage) -> bytes:
    """The message as an Outlook draft: X-Unsent: 1, CRLF line endings."""
    message["X-Unsent"] = "1"
    try:
        return message.as_bytes(policy=POLICY)
    finally:
        del message["X-Unsent"]


def write_draft(message: EmailMessage, path: Path) -> Path:
    """Write the draft atomically (no fsync: a draft can always be written again)."""
    data = draft_bytes(message)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


# ---- SMTP -----------------------------------------------------------------------------------------


def check_smtp_settings(settings: Settings) -> None:
    """Raise InputError before anything is sent if the [mail] settings cannot work."""
    mail = settings.mail
    if not mail.smtp_host:
        raise InputError("Für --send fehlt in toolkit.toml der SMTP-Server ([mail] smtp_host).",
                         hint="Server eintragen oder ohne --send nur E-Mail-Entwürfe (outbox/JAHR/Mails) schreiben.")
    if mail.smtp_benutzer and not os.environ.get(PASSWORD_VARIABLE):
        raise InputError(f"Für den SMTP-Benutzer {mail.smtp_benutzer} fehlt das Kennwort.",
                         hint=f"Bitte die Umgebungsvariable {PASSWORD_VARIABLE} setzen (nie in toolkit.toml).")
    if mail.smtp_sicherheit == "keine" and mail.smtp_benutzer and not _is_loopback(mail.smtp_host):
        raise InputError(
            f"toolkit.toml: Mit smtp_sicherheit = \"keine\" würde das Kennwort für {mail.smtp_benutzer} "
            f"unverschlüsselt an {mail.smtp_host} gehen; es wird nichts gesendet.",
            hint='Bitte smtp_sicherheit = "starttls" (Port 587) oder "ssl" (Port 465) eintragen. Ohne '
                 "Verschlüsselung ist eine Anmeldung nur an einem Server auf diesem Rechner (localhost) erlaubt.")
    if mail.smtp_sicherheit != "keine":
        tls_context(settings)


def _is_loopback(host: str) -> bool:
    """A relay on this machine: a password sent to it does not cross the network."""

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


def tls_context(settings: Settings) -> ssl.SSLContext:
    """Client TLS context: certificate and host name are always verified.

    ``[mail] smtp_zertifikat`` names a PEM file with the CA of a company server (self-signed by the city's
    IT); empty means the system's CAs. There is no switch to turn verification off.
    """
    cafile = settings.mail.smtp_zertifikat or None
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ValueError) as exc:  # FileNotFoundError, ssl.SSLError (no PEM certificate in the file)
        raise InputError(f"Die Zertifikatsdatei {cafile} ([mail] smtp_zertifikat in toolkit.toml) ist nicht "
                         f"lesbar oder enthält kein Zertifikat im PEM-Format ({exc}).",
                         hint="Bitte die PEM-Datei der Zertifizierungsstelle von der IT eintragen oder den Eintrag "
                              "leer lassen (dann gelten die Zertifizierungsstellen des Systems).") from exc


class _Refused(Exception):
    """The connection was not used because it would not be safe or cannot log in (German message)."""


_VERIFY_REASONS = {  # OpenSSL verify codes -> German reason
    9: "noch nicht gültig", 10: "abgelaufen",
    18: "selbst signiert und nicht als vertrauenswürdig eingetragen",
    19: "von einer nicht eingetragenen Zertifizierungsstelle ausgestellt",
    20: "von einer nicht eingetragenen Zertifizierungsstelle ausgestellt",
    21: "von einer nicht eingetragenen Zertifizierungsstelle ausgestellt",
}


def _certificate_error(exc: ssl.SSLCertVerificationError, host: str, port: int) -> str:
    code = exc.verify_code
    reason = f"gilt nicht für den Namen {host}" if code in (62, 64) else _VERIFY_REASONS.get(code, exc.verify_message)
    return (f"Das Zertifikat des SMTP-Servers {host}:{port} wird nicht anerkannt ({reason}). Es wurde nichts "
            "gesendet, auch nicht unverschlüsselt. Bei einem eigenen Zertifikat der Stadt-IT deren "
            "Zertifizierungsstelle (PEM-Datei) in toolkit.toml unter [mail] smtp_zertifikat eintragen.")


class SmtpSender:
    """One SMTP connection for a batch; ``send`` returns '' on success or a German error text.

    With smtp_sicherheit "starttls" or "ssl" the connection is encrypted and the server's certificate
    verified before anything (login, addresses, message) is sent; a failure never falls back to plain text.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connection: smtplib.SMTP | None = None
        self._context: ssl.SSLContext | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None

    def _tls(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = tls_context(self.settings)
        return self._context

    def _connect(self) -> smtplib.SMTP:
        mail = self.settings.mail
        if mail.smtp_sicherheit == "ssl":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(mail.smtp_host, mail.smtp_port, timeout=TIMEOUT_S,
                                                        context=self._tls())
        else:
            connection = smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=TIMEOUT_S)
        try:
            connection.ehlo_or_helo_if_needed()
            if mail.smtp_sicherheit == "starttls":
                if not connection.has_extn("starttls"):
                    raise _Refused(f"Der SMTP-Server {mail.smtp_host}:{mail.smtp_port} bietet keine Verschlüsselung "
                                   "(STARTTLS) an; es wurde nichts unverschlüsselt gesendet. Bitte smtp_port und "
                                   "smtp_sicherheit in toolkit.toml prüfen (STARTTLS meist Port 587, ssl Port 465).")
                connection.starttls(context=self._tls())
                connection.ehlo()
            if mail.smtp_benutzer:
                if not connection.has_extn("auth"):
                    raise _Refused(f"Der SMTP-Server {mail.smtp_host}:{mail.smtp_port} bietet keine Anmeldung (AUTH) "
                                   "an. Bitte smtp_benutzer leer lassen oder smtp_sicherheit prüfen.")
                connection.login(mail.smtp_benutzer, os.environ.get(PASSWORD_VARIABLE, ""))
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage) -> str:
        mail = self.settings.mail
        for attempt in (1, 2):  # one reconnect if the server dropped the connection between messages
            try:
                if self.connection is None:
                    self.connection = self._connect()
                refused = self.connection.send_message(message, from_addr=mail.absender)
                if refused:
                    return "Empfänger abgelehnt: " + ", ".join(sorted(refused))
                return ""
            except _Refused as exc:
                return str(exc)
            except smtplib.SMTPServerDisconnected as exc:
                self.connection = None
                if attempt == 2:
                    return f"Verbindung zum SMTP-Server getrennt ({exc})."
            except smtplib.SMTPAuthenticationError:
                self.connection = None
                return "Anmeldung am SMTP-Server fehlgeschlagen (Benutzer oder Kennwort falsch)."
            except smtplib.SMTPRecipientsRefused as exc:
                return "Empfänger abgelehnt: " + ", ".join(sorted(exc.recipients))
            except smtplib.SMTPException as exc:
                return f"SMTP-Fehler: {exc}"
            except ssl.SSLCertVerificationError as exc:
                self.connection = None
                return _certificate_error(exc, mail.smtp_host, mail.smtp_port)
            except ssl.SSLError as exc:
                self.connection = None
                return (f"Verschlüsselte Verbindung zum SMTP-Server {mail.smtp_host}:{mail.smtp_port} fehlgeschlagen "
                        f"({exc.reason or exc}); es wurde nichts gesendet. Bitte smtp_port und smtp_sicherheit in "
                        "toolkit.toml prüfen (ssl meist Port 465, starttls Port 587).")
            except OSError as exc:
                self.connection = None
                return f"SMTP-Server {mail.smtp_host}:{mail.smtp_port} nicht erreichbar ({exc})."
        return "unbekannter Fehler"
