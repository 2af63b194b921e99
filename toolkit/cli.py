"""The command line: parse options, call one library function, render the result, exit with a named code.

Only this module imports Typer. Library functions raise ToolkitError; ``main`` turns that into a German
message and the error's exit code. A traceback appears only with --debug.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from toolkit import __version__
from toolkit.collect.distribute import distribute_round
from toolkit.collect.status import round_status, write_reminders
from toolkit.console.help import german_error, german_help
from toolkit.console.progress_bar import RichProgress
from toolkit.console.render import print_log, print_reports_json, print_reports_table, print_status
from toolkit.core.errors import ExitCode, ToolkitError
from toolkit.core.workspace import open_workspace
from toolkit.merge.imports import import_values
from toolkit.merge.intake import merge_returns
from toolkit.merge.log import change_log
from toolkit.merge.matrix import refresh_master_matrix
from toolkit.merge.withdraw import withdraw_delivery
from toolkit.returns.checks import check_files
from toolkit.returns.feedback import feedback_lines


class ToolkitCommand(TyperCommand):
    """A command whose help page is German throughout."""
    def get_help(self, ctx) -> str:  # click's signature
        return german_help(super().get_help(ctx))

    def get_short_help_str(self, limit: int = 45) -> str:
        """The line of `toolkit --help`: the help's first paragraph, a whole sentence (click cuts it with "...")."""
        return " ".join((self.help or "").split("\n\n")[0].split())


class ToolkitGroup(TyperGroup):
    """The one place that turns exceptions into German messages and named exit codes."""
    def get_help(self, ctx) -> str:  # click's signature
        return german_help(super().get_help(ctx))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run non-standalone so usage errors can be shown in German; exit like standalone click would."""
        args = debug_first(sys.argv[1:] if args is None else list(args))
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            err.print("Abgebrochen.")
            code = int(ExitCode.USAGE)
        except typer.TyperException as exc:  # the CLI library's usage errors (public base of click's exceptions)
            _show_click_error(exc, self._command_of(exc, args))
            code = int(ExitCode.USAGE)
        code = int(code) if isinstance(code, int) else int(ExitCode.OK)
        if standalone_mode:
            sys.exit(code)
        return code

    def parse_args(self, ctx, args):  # click's signature
        """`toolkit` alone shows the help page (without an error line before it); exit code 2 as before."""
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            out.print(ctx.get_help(), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(int(ExitCode.USAGE))
        return super().parse_args(ctx, args)

    def _command_of(self, exc: typer.TyperException, args: list[str]) -> str:
        """The command a usage error belongs to when the CLI library does not say: '' for toolkit itself."""
        option = getattr(exc, "option_name", None)
        if option and any(option in p.opts for p in self.params):
            return ""
        return next((a for a in args if a in self.commands), "")

    def invoke(self, ctx):  # click's signature
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except ToolkitError as exc:
            if STATE["debug"]:
                traceback.print_exc()
            err.print(Text.assemble(("Fehler:", "bold red"), " ", str(exc)), soft_wrap=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err.print("Abgebrochen.")
            raise typer.Exit(130) from None
        except Exception:  # everything unexpected ends here
            if STATE["debug"]:
                traceback.print_exc()
            else:
                err.print("Interner Fehler. Bitte den Befehl mit --debug wiederholen (an beliebiger Stelle, z. B. am "
                          "Ende) und die Ausgabe an die Betreuung des Werkzeugs senden.")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None


app = typer.Typer(
    cls=ToolkitGroup,
    name="toolkit",
    help="Integrationsmonitoring-Toolkit: Erhebungsbögen verteilen, Rückläufe prüfen und zusammenführen, "
    "den Integrationsbericht erstellen.\n\nBeispiel: toolkit demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
STATE = {"debug": False}

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", metavar="ORDNER", help="Arbeitsordner (Standard: der aktuelle Ordner).", show_default=False)
]
LeaveOutOption = Annotated[bool, typer.Option(
    "--verwaiste-weglassen", help="Gespeicherte Werte, die der Katalog nicht mehr kennt (gelöschte Kennzahl oder "
                                  "Stadtteil, geänderter Stadtteilschlüssel), nicht veröffentlichen, statt abzubrechen; "
                                  "die Ausgabe nennt sie.")]
AllOption = Annotated[bool, typer.Option(
    "--alle", help="Jeden Befund einzeln zeigen; sonst werden viele Befunde je Datei und Art zusammengefasst.")]
YearOption = Annotated[int, typer.Option("--year", "-j", metavar="JAHR", help="Berichtsjahr, z. B. 2025.", min=1990, max=2100)]


def debug_first(args: list[str]) -> list[str]:
    """--debug anywhere on the command line (`toolkit merge --debug`) is the option of toolkit itself: moved to the
    front. Not after `--`, where everything is an argument."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    return ["--debug", *(a for a in args[:end] if a != "--debug"), *args[end:]]


def _show_version(value: bool) -> None:
    if value:
        out.print(f"toolkit {__version__} (Python {sys.version.split()[0]}, {sys.platform})", markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Bei Fehlern die technische Ursache zeigen.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Die Version zeigen und beenden.", is_eager=True,
                                          callback=_show_version)] = False,
) -> None:
    STATE["debug"] = debug or os.environ.get("TOOLKIT_DEBUG") == "1"


def _progress():
    return RichProgress(err)


def _print_lines(lines: list[str]) -> None:
    """Result lines as plain text: no markup (office texts may hold brackets), paths never broken."""
    for line in lines:
        out.print(line, soft_wrap=True, markup=False)


@app.command(cls=ToolkitCommand)
def init(
    folder: Annotated[Path, typer.Argument(metavar="ORDNER", help="Neuer Arbeitsordner.")],
) -> None:
    """Einen neuen Arbeitsordner anlegen (toolkit.toml, templates/, inbox/, outbox/, archive/, data/).

    Beispiel: toolkit init Integrationsmonitoring
    """
    from toolkit.initialise import init_workspace  # heavy: matplotlib, docx (0.6 s)

    workspace = init_workspace(folder)
    _print_lines([f"Arbeitsordner angelegt: {workspace.root}",
                  "Nächster Schritt: Katalog prüfen (templates/Indikatorenmatrix.xlsx), dann "
                  f"'toolkit distribute --year JAHR -w {folder}'."])


@app.command(cls=ToolkitCommand)
def upgrade(workspace: WorkspaceOption = Path(".")) -> None:
    """Einen Arbeitsordner einer früheren Version einmal auf den aktuellen Stand bringen.

    Stellt den Datenbestand data/monitoring.sqlite um (aus Version 0.2 und älter: die Stadtteile nach Namen auf die
    Schlüssel des Amts für Statistik) und erneuert die Monitoringdaten (outbox/Monitoringdaten.xlsx), wenn sie nicht dem
    Datenbestand entsprechen. Alle Werte und ihre Geschichte bleiben erhalten; ein zweiter Aufruf ändert nichts. Die lesenden
    Befehle check, status, log, compile und export stellen nichts um und nennen diesen Befehl.

    Beispiel: toolkit upgrade -w Integrationsmonitoring
    """
    ws = open_workspace(workspace)
    from toolkit.initialise import upgrade_workspace  # heavy: matplotlib, docx (0.6 s)

    _print_lines(upgrade_workspace(ws).lines())


@app.command(cls=ToolkitCommand)
def distribute(
    year: YearOption,
    workspace: WorkspaceOption = Path("."),
    deadline: Annotated[str | None, typer.Option("--deadline", metavar="TT.MM.JJJJ", help="Abgabefrist TT.MM.JJJJ (sonst aus toolkit.toml).")] = None,
    office: Annotated[list[str] | None, typer.Option("--office", metavar="CODE", help="Nur diese Dienststelle (Code), mehrfach möglich.")] = None,
    send: Annotated[bool, typer.Option("--send", help="E-Mails über SMTP senden statt nur Entwürfe zu schreiben.")] = False,
    again: Annotated[bool, typer.Option("--again", help="Auch an Stellen senden, die schon eine E-Mail bekommen haben.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur zeigen, was geschehen würde.")] = False,
) -> None:
    """Erhebungsbögen (ein Excel je Dienststelle) und E-Mails für ein Berichtsjahr erstellen.

    Schreibt outbox/JAHR/Erhebungsboegen/Erhebung_JAHR_CODE.xlsx (mit den Werten der vier Vorjahre) und je
    Stelle einen E-Mail-Entwurf (.eml, öffnet in Outlook als Entwurf) in outbox/JAHR/Mails/. Mit --send
    gehen die E-Mails über den SMTP-Server aus toolkit.toml hinaus (Kennwort nur aus der
    Umgebungsvariablen TOOLKIT_SMTP_PASSWORD); schon versandte Stellen werden übersprungen. Danach sind die
    Monitoringdaten (outbox/Monitoringdaten.xlsx) auf dem Stand des Datenbestands.

    Exit-Code 6: mindestens eine E-Mail konnte nicht gesendet werden.

    Beispiel: toolkit distribute --year 2025 --deadline 31.03.2026 --office JUGA --dry-run
    """
    ws = open_workspace(workspace)

    result = distribute_round(ws, year, deadline=deadline, offices=office or None,
                              send=send, again=again, dry_run=dry_run, progress=_progress(),
                              refresh=refresh_master_matrix)
    _print_lines(result.lines())
    raise typer.Exit(int(result.exit_code))


@app.command(cls=ToolkitCommand)
def check(
    files: Annotated[list[Path] | None, typer.Argument(metavar="DATEIEN", help="Dateien (Standard: alle Dateien in inbox/).")] = None,
    workspace: WorkspaceOption = Path("."),
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="Ausgabe: tabelle oder json.")] = "tabelle",
    details: AllOption = False,
) -> None:
    """Zurückgesandte Erhebungsbögen prüfen, ohne etwas zu übernehmen.

    Schreibt je Datei einen Prüfbericht (Excel, zum Zurücksenden an die Stelle) nach outbox/JAHR/Pruefberichte/ und
    sagt, wo er liegt. Viele Befunde werden je Datei und Art zusammengefasst; alle einzeln zeigen --alle, der
    Prüfbericht und --format json.

    Exit-Code 0: keine Fehler; 1: mindestens eine Datei hat Fehler.

    Beispiel: toolkit check inbox/Erhebung_2025_JUGA.xlsx --format json
    """
    if output_format not in ("tabelle", "json"):
        raise typer.BadParameter("erlaubt sind 'tabelle' und 'json'.", param_hint="--format")
    ws = open_workspace(workspace)

    reports = check_files(ws, files or None,
                          progress=_progress() if output_format == "tabelle" else None, feedback=True)
    if output_format == "json":
        print_reports_json(reports)
    else:
        print_reports_table(out, reports, details, more="Jeden einzeln zeigen der Prüfbericht und 'toolkit check --alle'.")
        _print_lines(feedback_lines(reports))
    raise typer.Exit(int(ExitCode.OK if all(r.ok for r in reports) else ExitCode.DATA_PROBLEMS))


@app.command(cls=ToolkitCommand)
def merge(
    workspace: WorkspaceOption = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur zeigen, was sich ändern würde.")] = False,
    details: AllOption = False,
) -> None:
    """Geprüfte Rückläufe ohne Fehler in die Datenhaltung übernehmen und die Monitoringdaten (outbox/Monitoringdaten.xlsx) erneuern.

    Dateien mit Fehlern bleiben in inbox/. Übernommene Dateien werden unverändert archiviert.

    Beispiel: toolkit merge
    """
    ws = open_workspace(workspace)

    result = merge_returns(ws, dry_run=dry_run, progress=_progress())
    if result.reports:  # an empty inbox: said once, by the result
        print_reports_table(out, result.reports, details, more="Jeden einzeln zeigen die Prüfberichte und 'toolkit merge --alle'.")
    _print_lines(result.lines())
    raise typer.Exit(int(result.exit_code))


@app.command(cls=ToolkitCommand)
def status(
    year: YearOption,
    workspace: WorkspaceOption = Path("."),
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="Ausgabe: tabelle oder json.")] = "tabelle",
    remind: Annotated[bool, typer.Option("--remind", help="Erinnerungen an säumige Stellen schreiben.")] = False,
    send: Annotated[bool, typer.Option("--send", help="Mit --remind: Erinnerungen per SMTP senden.")] = False,
) -> None:
    """Rücklauf je Dienststelle zeigen: versandt, zurück, Prüfergebnis, fehlende Werte, überfällig.

    Mit --remind entstehen Erinnerungen (E-Mail-Entwürfe in outbox/JAHR/Mails/, mit --send per SMTP) an
    Stellen, die überfällig sind oder deren Rücklauf Fehler hatte; sie nennen genau, was fehlt oder falsch ist.

    Exit-Code 6: mindestens eine Erinnerung konnte nicht gesendet werden (der Entwurf liegt in outbox/JAHR/Mails/).

    Beispiel: toolkit status --year 2025 --remind
    """
    if output_format not in ("tabelle", "json"):
        raise typer.BadParameter("erlaubt sind 'tabelle' und 'json'.", param_hint="--format")
    ws = open_workspace(workspace)

    result = round_status(ws, year)
    print_status(out, result, output_format)
    if remind:
        reminders = write_reminders(ws, year, send=send)
        for line in reminders.lines():  # with --format json stdout stays pure JSON
            (err if output_format == "json" else out).print(line, markup=False, soft_wrap=True)
        raise typer.Exit(int(reminders.exit_code))


@app.command(name="compile", cls=ToolkitCommand)
def compile_(
    year: YearOption,
    workspace: WorkspaceOption = Path("."),
    pdf: Annotated[bool, typer.Option("--pdf", help="Zusätzlich ein barrierefreies PDF über LibreOffice erzeugen.")] = False,
    intern: Annotated[bool, typer.Option(
        "--intern", help="Die interne Fassung schreiben (nicht zur Veröffentlichung): mit internen Notizen, "
                         "Datenlieferungen und Prüfung der Geheimhaltung.")] = False,
    leave_out: LeaveOutOption = False,
) -> None:
    """Kennzahlen berechnen und den Integrationsbericht (Word) mit Texten, Tabellen und Grafiken füllen.

    Schreibt outbox/JAHR/Integrationsbericht_JAHR.docx (mit Karten der Stadtteile), den Tabellenanhang (Excel)
    und die Stadtteilprofile (Word, eine Seite je Stadtteil); kleine Fallzahlen sind nach dem
    Geheimhaltungsprofil der Kennzahl gesperrt. Mit --pdf zusätzlich PDF/UA von Bericht und Profilen.
    Mit --intern entsteht stattdessen outbox/JAHR/Integrationsbericht_JAHR_intern.docx, auf jeder Seite als
    „INTERN – nicht zur Veröffentlichung“ gekennzeichnet; nur dort stehen interne Notizen, Dateinamen,
    Fehlerzahlen und Ansprechpersonen.

    Exit-Code 1: gespeicherte Werte gehören zu nichts, was der Katalog kennt (z. B. ein geänderter
    Stadtteilschlüssel); es wird nichts geschrieben, die Meldung nennt sie (siehe --verwaiste-weglassen).

    Beispiel: toolkit compile --year 2025 --pdf

    Beispiel: toolkit compile --year 2025 --intern
    """
    ws = open_workspace(workspace)
    from toolkit.report.compile import compile_report  # heavy: pandas, matplotlib, docx (0.7 s)

    result = compile_report(ws, year, pdf=pdf, progress=_progress(), intern=intern, leave_out_orphans=leave_out)
    _print_lines(result.lines())


@app.command(name="import", cls=ToolkitCommand)
def import_(
    file: Annotated[Path, typer.Argument(metavar="DATEI", help="CSV- oder XLSX-Datei: Langformat, oder eine breite "
                                         "Tabelle mit --zuordnung.")],
    mapping: Annotated[Path | None, typer.Option(
        "--zuordnung", "-z", metavar="ZUORDNUNG",
        help="TOML-Datei, die die Spalten einer breiten Tabelle (z. B. KISS-MD) Kennzahl, Gruppe, Geschlecht und "
             "Messgröße zuordnet; Pfad oder Name in templates/zuordnungen/.")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--zeichensatz", metavar="ZEICHENSATZ",
        help="Zeichensatz einer CSV-Datei: utf-8, utf-16, cp1252 (Windows/ANSI) oder cp850 (DOS). Ohne diese Option "
             "wird er erkannt.")] = None,
    workspace: WorkspaceOption = Path("."),
    details: AllOption = False,
) -> None:
    """Frühere Jahre, Vergleichswerte und Tabellen des Amts für Statistik übernehmen.

    Ohne --zuordnung: Langformat mit den Spalten Jahr, Indikator, Gebiet, Gruppe, Geschlecht, Messgröße, Wert,
    Kennzeichen, Hinweis. Mit --zuordnung: eine breite Tabelle (eine Zeile je Jahr und Gebiet, eine Spalte je
    Wert), z. B. ein KISS-MD-Export; Zuordnungen für vier KISS-MD-Tabellen liegen in templates/zuordnungen/.

    Beispiel: toolkit import Vergleichswerte.csv

    Beispiel: toolkit import einwohner.xlsx --zuordnung kiss-md_K3_T35.toml
    """
    ws = open_workspace(workspace)

    result = import_values(ws, file, mapping_file=mapping, encoding=encoding, progress=_progress())
    print_reports_table(out, [result.report], details, more="Jeden einzeln zeigt 'toolkit import … --alle'.")
    _print_lines(result.lines())
    raise typer.Exit(int(result.exit_code))


@app.command(cls=ToolkitCommand)
def log(
    workspace: WorkspaceOption = Path("."),
    indicator: Annotated[str | None, typer.Option("--indicator", metavar="KENNUNG", help="Nur diese Kennzahl, z. B. BIL-06.")] = None,
) -> None:
    """Änderungsprotokoll zeigen: welcher Wert wann von wem durch welchen geändert wurde.

    Beispiel: toolkit log --indicator BIL-06
    """
    ws = open_workspace(workspace)

    print_log(out, change_log(ws, indicator))


@app.command(cls=ToolkitCommand)
def withdraw(
    delivery: Annotated[str, typer.Argument(
        metavar="LIEFERUNG", help="Die Nummer der Lieferung (Blatt Lieferungen der Monitoringdaten), ihr Dateiname, "
                                  "wie 'toolkit merge' ihn zeigt, oder der Pfad einer Datei mit ihrem Inhalt (z. B. im "
                                  "Archiv).")],
    reason: Annotated[str, typer.Option("--reason", metavar="GRUND",
                                        help="Warum die Lieferung zurückgezogen wird; steht im Änderungsprotokoll.")],
    workspace: WorkspaceOption = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur zeigen, was sich ändern würde.")] = False,
) -> None:
    """Eine übernommene Lieferung (Rücklauf oder Import) zurückziehen: ihre Werte gelten nicht mehr.

    Jeder Wert, den die Lieferung gesetzt hat, bekommt wieder den Wert davor (aus der Lieferung, die sie ersetzt
    hatte); Werte, die es vorher nicht gab, werden entfernt. Werte, die eine andere Lieferung ebenso geliefert
    oder später geändert hat, bleiben. Jede Änderung steht mit Zeitpunkt, Anmeldename und Grund im
    Änderungsprotokoll ('toolkit log'); die Monitoringdaten (outbox/Monitoringdaten.xlsx) werden erneuert. Die
    Datei bleibt im Archiv; erneut in inbox/ gelegt, ist sie eine neue Lieferung.

    Exit-Code 2: diese Lieferung gibt es nicht, der Name passt auf mehrere, oder sie ist schon zurückgezogen.

    Beispiel: toolkit withdraw "Erhebung_2025_JUGA (2).xlsx" --reason "Falsche Fassung geschickt"

    Beispiel: toolkit withdraw 7 --reason "Tabelle mit Vorjahreswerten" --dry-run
    """
    ws = open_workspace(workspace)

    result = withdraw_delivery(ws, delivery, reason, dry_run=dry_run)
    _print_lines(result.lines())


@app.command(cls=ToolkitCommand)
def export(
    year: YearOption,
    workspace: WorkspaceOption = Path("."),
    leave_out: LeaveOutOption = False,
) -> None:
    """Veröffentlichte (geschützte) Werte als offene Daten schreiben: CSV plus datapackage.json.

    Schreibt outbox/JAHR/OffeneDaten/ (eine Zeile je Wert, UTF-8; gesperrte Werte ohne Zahl).

    Exit-Code 1: gespeicherte Werte gehören zu nichts, was der Katalog kennt; es wird nichts geschrieben.

    Beispiel: toolkit export --year 2025
    """
    ws = open_workspace(workspace)
    from toolkit.indicators.export import export_open_data  # heavy: pandas (0.25 s)

    result = export_open_data(ws, year, leave_out_orphans=leave_out)
    _print_lines(result.lines())


@app.command(cls=ToolkitCommand)
def publish(
    year: YearOption,
    report: Annotated[Path | None, typer.Argument(
        metavar="BERICHT", help="Der in Word bearbeitete Bericht (Standard: outbox/JAHR/Integrationsbericht_JAHR.docx)."
    )] = None,
    workspace: WorkspaceOption = Path("."),
    no_pdf: Annotated[bool, typer.Option(
        "--ohne-pdf", help="Keine PDFs erzeugen (schneller, ohne LibreOffice); der Bericht wird trotzdem geprüft.")] = False,
) -> None:
    """Den bearbeiteten Bericht prüfen und als Ausgabe veröffentlichen.

    Verweigert die Veröffentlichung (und schreibt nichts), solange im Bericht ein Platzhalter oder eine Arbeitsnotiz
    steht, die Kennzeichnung der internen Fassung, eine interne Notiz, ein Dateiname einer Lieferung oder eine
    E-Mail-Adresse einer Stelle; solange eine Zahl in einer Tabelle nicht der veröffentlichte Wert ist (z. B. ein
    gesperrter Wert wieder eingetragen); solange Titel, Sprache (de-DE) oder Herausgeber in den
    Dokumenteigenschaften fehlen; solange nachverfolgte Änderungen oder Kommentare übrig sind. Jeder Befund nennt
    Absatz oder Tabelle, Zeile und Spalte und den Text.

    Sonst entsteht outbox/JAHR/Veroeffentlichung/: das barrierefreie PDF des bearbeiteten Berichts, der
    Tabellenanhang, die offenen Daten, die Stadtteilprofile und die Website, alle aus derselben geschützten
    Tabelle. Die Ausgabe
    wird im Veröffentlichungsverzeichnis der Datenhaltung vermerkt: Jede spätere Ausgabe (auch compile und export)
    hält gesperrt, was diese gesperrt hat, und nennt geänderte Werte als „Korrigierte Werte“.

    Exit-Code 1: der Bericht ist so nicht zu veröffentlichen (die Befunde stehen in der Ausgabe); 3: der Bericht
    fehlt oder ist kein Word-Dokument, LibreOffice fehlt (dann --ohne-pdf).

    Beispiel: toolkit publish --year 2025

    Beispiel: toolkit publish --year 2025 Bericht_final.docx --ohne-pdf
    """
    ws = open_workspace(workspace)
    from toolkit.publish.edition import publish_release  # heavy: pandas, matplotlib, docx (0.7 s)

    result = publish_release(ws, year, report, pdf=not no_pdf, progress=_progress())
    _print_lines(result.lines())
    raise typer.Exit(int(ExitCode.OK if result.released else ExitCode.DATA_PROBLEMS))


@app.command(cls=ToolkitCommand)
def demo(
    folder: Annotated[Path, typer.Argument(metavar="ORDNER", help="Ordner für die Demo (wird angelegt; ein früherer Demo-Ordner "
                                                "wird ersetzt, jeder andere nicht leere Ordner abgelehnt).")] = Path("demo"),
) -> None:
    """Die ganze Jahresrunde mit Beispieldaten durchspielen und alle Ergebnisse zeigen.

    Legt einen Arbeitsordner an, lädt fünf Vorjahre (2020–2024) erfundener, aber plausibler Magdeburger
    Daten, verteilt die Erhebungsbögen 2025, füllt sie wie die Dienststellen aus (eine schickt einen Bogen
    mit Fehlern, eine antwortet nicht), prüft, führt zusammen und erstellt den Bericht. Dauer: unter einer Minute.

    Beispiel: toolkit demo demo-2025
    """
    from toolkit.demo.run import run_demo  # heavy: pandas, matplotlib, docx (0.7 s)

    result = run_demo(folder, progress=_progress())
    _print_lines(result.lines())


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    return app(args=argv, standalone_mode=False)


def _show_click_error(exc: typer.TyperException, command: str = "") -> None:
    """A usage error in German: what was wrong and where the help is."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and ctx.info_name:
        command = ctx.info_name if ctx.parent is not None else ""
    hint = f"toolkit {command} --help" if command else "toolkit --help"
    err.print(f"Aufruf fehlerhaft: {german_error(exc.format_message())}\nHilfe: {hint}",
              markup=False, highlight=False, soft_wrap=True)


def utf8_streams() -> None:
    """Standard output and error as UTF-8 when they go to a pipe or a file, on every platform.

    On Windows a redirected stream would otherwise be ANSI (cp1252): `toolkit check --format json > f.json`
    would not be valid UTF-8 JSON, and umlauts would break in a pipe. A Windows console keeps its own
    (Unicode) stream.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def run() -> None:
    """The console script `toolkit` and `python -m toolkit`."""
    multiprocessing.freeze_support()  # a frozen Windows build starts its worker processes through here
    utf8_streams()
    sys.exit(main())


if __name__ == "__main__":
    run()
