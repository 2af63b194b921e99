"""SMTP with STARTTLS and implicit TLS (ssl) against aiosmtpd on 127.0.0.1, with certificates made by openssl.

The client always verifies the server certificate; a company CA is trusted through [mail] smtp_zertifikat.
An untrusted certificate stops the sending of that office with a German error and nothing goes out in
plain text (the test servers would accept plain MAIL commands, and record them).
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from test_mail import Recorder, free_port
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.collect import mail
from toolkit.collect.distribute import distribute_round
from toolkit.core.errors import ExitCode, InputError
from toolkit.core.settings import DEFAULT_SETTINGS_TOML, MailSettings, Settings, load_settings
from toolkit.core.store import Store

runner = CliRunner()
USER = "koordination@magdeburg.example"
PASSWORD = "Geheim-aus-der-Umgebung"

pytestmark = [
    pytest.mark.skipif(shutil.which("openssl") is None,
                       reason="Das Programm openssl fehlt; ohne es lassen sich keine Testzertifikate erzeugen."),
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]


# ---- certificates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the city's own CA (self-signed): what smtp_zertifikat points to
    server: tuple[Path, Path]  # certificate and key for 127.0.0.1 and localhost, issued by ca
    other_name: tuple[Path, Path]  # issued by ca, but for mail.example.org only
    self_signed: tuple[Path, Path]  # a self-signed server certificate for 127.0.0.1 (no CA at all)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=20)


def _new_key_request(name: str, subject: str, cwd: Path) -> None:
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject, cwd=cwd)


def _issue(name: str, names: str, serial: int, cwd: Path) -> tuple[Path, Path]:
    _new_key_request(name, "/CN=" + names.split(",")[0].split(":")[1], cwd)
    (cwd / f"{name}.ext").write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        f"subjectAltName={names}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n", encoding="ascii")
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
             str(serial), "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=cwd)
    return cwd / f"{name}.pem", cwd / f"{name}.key"


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Certificates:
    folder = tmp_path_factory.mktemp("zertifikate")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2")
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test-CA Stadtverwaltung",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=folder)
    _openssl("req", "-x509", *ec, "-keyout", "self.key", "-out", "self.pem", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,digitalSignature,keyCertSign", cwd=folder)
    return Certificates(ca=folder / "ca.pem", server=_issue("server", "DNS:localhost,IP:127.0.0.1", 2, folder),
                        other_name=_issue("other", "DNS:mail.example.org", 3, folder),
                        self_signed=(folder / "self.pem", folder / "self.key"))


def server_context(pair: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*pair)
    return context


# ---- servers --------------------------------------------------------------------------------------


def _encrypted(server) -> bool:
    return server.transport is not None and server.transport.get_extra_info("ssl_object") is not None


class TlsRecorder(Recorder):
    """Records every MAIL command and login (with whether the connection was encrypted at that moment)."""

    def __init__(self) -> None:
        super().__init__()
        self.mail_from: list[tuple[str, bool]] = []
        self.logins: list[tuple[str, str, bool]] = []
        self.encrypted_data: list[bool] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mail_from.append((address, _encrypted(server)))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.encrypted_data.append(_encrypted(server))
        return await super().handle_DATA(server, session, envelope)

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((user, password, _encrypted(server)))
        return AuthResult(success=(user, password) == (USER, PASSWORD), handled=False)


@contextmanager
def smtp_server(*, starttls: ssl.SSLContext | None = None, implicit: ssl.SSLContext | None = None,
                require_starttls: bool = True, auth: bool = True) -> Iterator[tuple[TlsRecorder, int]]:
    """aiosmtpd on 127.0.0.1: STARTTLS offered (``starttls``) or TLS from the first byte (``implicit``)."""
    recorder = TlsRecorder()
    options: dict[str, object] = {}
    if starttls is not None:
        options.update(tls_context=starttls, require_starttls=require_starttls)
    if auth:
        options.update(authenticator=recorder.authenticate, auth_required=True,
                       auth_require_tls=implicit is None)  # aiosmtpd does not count implicit TLS as TLS
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), ssl_context=implicit,
                            ready_timeout=5, **options)
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


def use_smtp(workspace, port: int, security: str, *, certificate: str = "", user: str = USER) -> None:
    text = workspace.settings_file.read_text(encoding="utf-8")
    text = text[: text.index("[mail]")] + (
        f'[mail]\nabsender = "monitoring@example.org"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        f'smtp_sicherheit = "{security}"\nsmtp_benutzer = "{user}"\nsmtp_zertifikat = "{certificate}"\n')
    workspace.settings_file.write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def _password_and_short_timeout(monkeypatch):
    monkeypatch.setenv(mail.PASSWORD_VARIABLE, PASSWORD)
    monkeypatch.setattr(mail, "TIMEOUT_S", 5)  # a hanging test fails in seconds, not half a minute


def send(workspace, *offices: str) -> object:
    args = ["distribute", "--year", "2025", "-w", str(workspace.root), "--send"]
    for office in offices:
        args += ["--office", office]
    return runner.invoke(app, args)


# ---- delivery over TLS ----------------------------------------------------------------------------


def test_starttls_delivers_one_mail_per_office_and_logs_in_encrypted(workspace, catalogue, certs):
    with smtp_server(starttls=server_context(certs.server)) as (recorder, port):
        use_smtp(workspace, port, "starttls", certificate=str(certs.ca))
        result = send(workspace)
    offices = catalogue.offices_with_indicators()
    assert result.exit_code == ExitCode.OK, result.output
    assert len(recorder.messages) == len(offices) and all(recorder.encrypted_data)
    assert all(encrypted for _, encrypted in recorder.mail_from)
    assert recorder.logins == [(USER, PASSWORD, True)]  # one connection for the batch, login after STARTTLS
    received = {m["X-Integrationsmonitoring-Runde"].split("-")[1]: m for m in recorder.parsed()}
    assert set(received) == {o.code for o in offices}
    for office in offices:
        attachment = next(received[office.code].iter_attachments())
        workbook = workspace.workbooks_dir(2025) / f"Erhebung_2025_{office.code}.xlsx"
        assert attachment.get_filename() == workbook.name
        assert attachment.get_content() == workbook.read_bytes()
        assert f"{office.code}: {workbook.name} – gesendet" in result.output


def test_ssl_delivers_with_login(workspace, catalogue, certs):
    with smtp_server(implicit=server_context(certs.server)) as (recorder, port):
        use_smtp(workspace, port, "ssl", certificate=str(certs.ca))
        result = send(workspace, "WAHL", "SOZ")
    assert result.exit_code == ExitCode.OK, result.output
    assert recorder.logins == [(USER, PASSWORD, True)] and recorder.encrypted_data == [True, True]
    attachment = next(recorder.parsed()[1].iter_attachments())
    assert attachment.get_content() == (workspace.workbooks_dir(2025) / "Erhebung_2025_SOZ.xlsx").read_bytes()


def test_self_signed_server_certificate_trusted_by_relative_path(workspace, certs):
    folder = workspace.root / "zertifikate"
    folder.mkdir()
    shutil.copy(certs.self_signed[0], folder / "mailserver.pem")
    with smtp_server(starttls=server_context(certs.self_signed)) as (recorder, port):
        use_smtp(workspace, port, "starttls", certificate="zertifikate/mailserver.pem")
        result = distribute_round(workspace, 2025, send=True, offices=["JUGA"])
    assert result.exit_code == ExitCode.OK and len(recorder.messages) == 1 and recorder.encrypted_data == [True]


# ---- refusals: German error, the office named, nothing in plain text ---------------------------------


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_untrusted_certificate_is_refused_for_each_office_and_nothing_sent(workspace, certs, security):
    context = server_context(certs.server)
    servers = {"starttls": {"starttls": context, "require_starttls": False}, "ssl": {"implicit": context}}
    with smtp_server(**servers[security]) as (recorder, port):
        use_smtp(workspace, port, security)  # no smtp_zertifikat: the system CAs do not know the city's CA
        result = send(workspace, "WAHL", "SOZ")
    assert result.exit_code == ExitCode.DELIVERY == 6
    for office in ("WAHL", "SOZ"):  # the second office is still tried after the first failed
        assert f"{office}: FEHLER beim Senden" in result.output
    assert result.output.count("wird nicht anerkannt") == 2 and "smtp_zertifikat" in result.output
    assert "auch nicht unverschlüsselt" in result.output
    assert recorder.mail_from == [] and recorder.logins == [] and recorder.messages == []
    with Store(workspace.store_file) as store:
        failed = [s for s in store.sendings(2025) if s["mode"] == "smtp"]
    assert [(s["office"], s["ok"]) for s in failed] == [("WAHL", 0), ("SOZ", 0)]
    assert "Zertifikat" in failed[0]["error"]


def test_certificate_for_another_host_name_is_refused(workspace, certs):
    with smtp_server(implicit=server_context(certs.other_name)) as (recorder, port):
        use_smtp(workspace, port, "ssl", certificate=str(certs.ca))
        result = distribute_round(workspace, 2025, send=True, offices=["JUGA"])
    assert result.exit_code == ExitCode.DELIVERY
    assert "gilt nicht für den Namen 127.0.0.1" in result.outcomes[0].detail and recorder.logins == []


def test_starttls_not_offered_sends_nothing_in_plain_text(workspace, certs):
    with smtp_server(auth=False) as (recorder, port):  # a plain server that would accept everything
        use_smtp(workspace, port, "starttls", certificate=str(certs.ca), user="")
        result = send(workspace, "JUGA")
    assert result.exit_code == ExitCode.DELIVERY and "JUGA: FEHLER beim Senden" in result.output
    assert "bietet keine Verschlüsselung (STARTTLS) an" in result.output
    assert recorder.mail_from == [] and recorder.messages == []


def test_ssl_against_a_plain_port_gives_german_error(workspace, certs):
    with smtp_server(auth=False) as (recorder, port):
        use_smtp(workspace, port, "ssl", certificate=str(certs.ca), user="")
        result = distribute_round(workspace, 2025, send=True, offices=["JUGA"])
    assert "Verschlüsselte Verbindung zum SMTP-Server" in result.outcomes[0].detail
    assert "Port 465" in result.outcomes[0].detail and recorder.mail_from == []


def test_wrong_password_over_starttls(workspace, certs, monkeypatch):
    monkeypatch.setenv(mail.PASSWORD_VARIABLE, "falsch")
    with smtp_server(starttls=server_context(certs.server)) as (recorder, port):
        use_smtp(workspace, port, "starttls", certificate=str(certs.ca))
        result = send(workspace, "JUGA")
    assert result.exit_code == ExitCode.DELIVERY and "Anmeldung am SMTP-Server fehlgeschlagen" in result.output
    assert set(recorder.logins) == {(USER, "falsch", True)} and recorder.messages == []  # smtplib tries PLAIN, LOGIN


# ---- settings -------------------------------------------------------------------------------------


def test_unreadable_certificate_file_is_an_input_error(workspace, tmp_path):
    use_smtp(workspace, free_port(), "starttls", certificate="fehlt.pem")
    result = send(workspace, "JUGA")
    assert result.exit_code == ExitCode.INPUT and "smtp_zertifikat" in result.output
    not_pem = tmp_path / "kein.pem"
    not_pem.write_text("kein Zertifikat", encoding="ascii")
    settings = Settings(mail=MailSettings(smtp_host="127.0.0.1", smtp_zertifikat=str(not_pem)))
    with pytest.raises(InputError, match="kein Zertifikat im PEM-Format"):
        mail.check_smtp_settings(settings)


def test_certificate_setting_default_and_relative_path(tmp_path):
    assert 'smtp_zertifikat = ""' in DEFAULT_SETTINGS_TOML
    path = tmp_path / "toolkit.toml"
    path.write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    assert load_settings(path).mail.smtp_zertifikat == ""
    path.write_text(DEFAULT_SETTINGS_TOML.replace('smtp_zertifikat = ""', 'smtp_zertifikat = "it/ca.pem"'),
                    encoding="utf-8")
    assert load_settings(path).mail.smtp_zertifikat == str(tmp_path / "it" / "ca.pem")
