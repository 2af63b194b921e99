"""E-mail: contact validation, RFC 2047 subjects, Outlook drafts, SMTP against aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from toolkit.collect import mail
from toolkit.core.errors import InputError
from toolkit.core.settings import MailSettings, Settings

DEADLINE = dt.date(2026, 3, 31)


class Recorder:
    """aiosmtpd handler that keeps every message and refuses chosen recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 Postfach unbekannt"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for _, _, raw in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


def smtp_toml(port: int) -> str:
    return (f'[mail]\nabsender = "monitoring@example.org"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
            'smtp_sicherheit = "keine"\nsmtp_benutzer = ""\n')


# ---- subjects -------------------------------------------------------------------------------------


@pytest.mark.parametrize("subject", [
    "Integrationsmonitoring 2025: Erhebungsbogen Jugendamt – bitte bis 31.03.2026 zurücksenden",
    "Ä" * 120,
    "Straße_mit=Zeichen?und Leer zeichen ß€",
])
def test_subject_is_rfc2047_encoded_and_decodes_back(subject):
    encoded = mail.encode_subject(subject)
    lines = encoded.split("\r\n ")
    assert all(len(line) <= 75 and line.startswith("=?utf-8?q?") and line.endswith("?=") for line in lines)
    assert "??=" not in encoded and encoded.isascii()
    header = email.message_from_bytes(f"Subject: {encoded}\r\n\r\n".encode(), policy=email.policy.default)
    assert header["Subject"] == subject


# ---- contacts -------------------------------------------------------------------------------------


def _with_office(catalogue, code, **changes):
    office = dataclasses.replace(catalogue.offices[code], **changes)
    return dataclasses.replace(catalogue, offices={**catalogue.offices, code: office}), office


def test_line_break_in_contact_name_is_refused_naming_the_row(catalogue):
    bad, office = _with_office(catalogue, "JUGA", ansprechperson="Frau X\r\nBcc: alle@example.org")
    row = list(bad.offices).index("JUGA") + 2
    with pytest.raises(InputError) as info:
        mail.check_contacts(bad, [office], Settings())
    text = str(info.value)
    assert f"Blatt Fachbereiche, Zeile {row} (Dienststelle JUGA)" in text and "Ansprechperson" in text
    assert "Zeilenumbruch" in text


def test_invalid_address_is_refused(catalogue):
    bad, office = _with_office(catalogue, "JUGA", vertretung_email="kein-at-zeichen")
    with pytest.raises(InputError, match="„kein-at-zeichen“ ist keine gültige E-Mail-Adresse"):
        mail.check_contacts(bad, [office], Settings())


def test_valid_catalogue_contacts_pass(catalogue):
    assert mail.contact_problems(catalogue, catalogue.offices.values()) == []


# ---- drafts ---------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path) -> Path:
    path = tmp_path / "Erhebung_2025_JUGA.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook \r\n\x00\xff")
    return path


def test_draft_is_an_unsent_crlf_message_with_the_workbook(catalogue, workbook, tmp_path):
    office = catalogue.offices["JUGA"]
    message = mail.collection_message(office=office, year=2025, deadline=DEADLINE, settings=Settings(),
                                      workbook=workbook, token="2025-JUGA-abc")
    path = mail.write_draft(message, tmp_path / "Mails" / "Erhebung_2025_JUGA.eml")
    raw = path.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF everywhere
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["X-Unsent"] == "1"
    assert parsed["To"].addresses[0].addr_spec == office.email
    assert parsed["Cc"].addresses[0].addr_spec == office.vertretung_email
    assert parsed["Subject"] == ("Integrationsmonitoring 2025: Erhebungsbogen Jugendamt – bitte bis 31.03.2026 "
                                 "zurücksenden")
    body = parsed.get_body(("plain",)).get_content()
    assert "31.03.2026" in body and Settings().koordination_telefon in body and "2025-JUGA-abc" in body
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == "Erhebung_2025_JUGA.xlsx"
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachment.get_content() == workbook.read_bytes()
    assert "X-Unsent" not in message  # the message that goes over SMTP is not a draft


# ---- SMTP -----------------------------------------------------------------------------------------


def test_sender_delivers_and_reports_refusal_without_raising(catalogue, workbook, smtp_server):
    recorder, port = smtp_server
    settings = Settings(mail=MailSettings(absender="monitoring@example.org", smtp_host="127.0.0.1", smtp_port=port,
                                          smtp_sicherheit="keine"))
    juga, wahl = catalogue.offices["JUGA"], catalogue.offices["WAHL"]
    recorder.refuse = {wahl.email, wahl.vertretung_email}
    with mail.SmtpSender(settings) as sender:
        errors = [sender.send(mail.collection_message(office=o, year=2025, deadline=DEADLINE, settings=settings,
                                                      workbook=workbook, token="t")) for o in (wahl, juga)]
    assert errors[0].startswith("Empfänger abgelehnt") and errors[1] == ""
    assert len(recorder.messages) == 1 and recorder.messages[0][0] == "monitoring@example.org"
    assert sorted(recorder.messages[0][1]) == sorted([juga.email, juga.vertretung_email])


def test_unreachable_server_gives_german_error(catalogue, workbook):
    settings = Settings(mail=MailSettings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_sicherheit="keine"))
    message = mail.collection_message(office=catalogue.offices["JUGA"], year=2025, deadline=DEADLINE,
                                      settings=settings, workbook=workbook, token="t")
    with mail.SmtpSender(settings) as sender:
        assert "nicht erreichbar" in sender.send(message)


def test_smtp_settings_checked_before_sending(monkeypatch):
    with pytest.raises(InputError, match="smtp_host"):
        mail.check_smtp_settings(Settings())
    monkeypatch.delenv(mail.PASSWORD_VARIABLE, raising=False)
    settings = Settings(mail=MailSettings(smtp_host="mail.example.org", smtp_benutzer="koordination"))
    with pytest.raises(InputError, match="TOOLKIT_SMTP_PASSWORD"):
        mail.check_smtp_settings(settings)
    monkeypatch.setenv(mail.PASSWORD_VARIABLE, "x")
    mail.check_smtp_settings(settings)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_uses_user_from_settings_and_password_from_environment(catalogue, workbook, monkeypatch):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    seen: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"geheim-aus-env", handled=False)

    monkeypatch.setattr(mail, "TIMEOUT_S", 5)

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        settings = Settings(mail=MailSettings(absender="monitoring@example.org", smtp_host="127.0.0.1",
                                              smtp_port=controller.port, smtp_sicherheit="keine",
                                              smtp_benutzer="koordination"))
        message = mail.collection_message(office=catalogue.offices["WAHL"], year=2025, deadline=DEADLINE,
                                          settings=settings, workbook=workbook, token="t")
        monkeypatch.setenv(mail.PASSWORD_VARIABLE, "falsch")
        with mail.SmtpSender(settings) as sender:
            assert "Anmeldung" in sender.send(message)
        monkeypatch.setenv(mail.PASSWORD_VARIABLE, "geheim-aus-env")
        with mail.SmtpSender(settings) as sender:
            assert sender.send(message) == ""
    finally:
        controller.stop()
    assert seen[-1] == (b"koordination", b"geheim-aus-env") and len(recorder.messages) == 1


def test_password_is_never_sent_unencrypted_over_the_network():
    from toolkit.collect.mail import check_smtp_settings

    remote = Settings(mail=MailSettings(smtp_host="mail.example.org", smtp_port=25, smtp_sicherheit="keine",
                                        smtp_benutzer="koordination"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOOLKIT_SMTP_PASSWORD", "geheim")
        with pytest.raises(InputError, match="unverschlüsselt an mail.example.org"):
            check_smtp_settings(remote)
        local = Settings(mail=MailSettings(smtp_host="127.0.0.1", smtp_port=25, smtp_sicherheit="keine",
                                           smtp_benutzer="koordination"))
        check_smtp_settings(local)  # a relay on this machine: allowed
        anonymous = Settings(mail=MailSettings(smtp_host="mail.example.org", smtp_port=25, smtp_sicherheit="keine"))
        check_smtp_settings(anonymous)  # no login, no password on the wire
