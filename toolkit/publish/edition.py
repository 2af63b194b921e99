"""toolkit publish: release the edited report as an edition, from the one protected table, recorded in the ledger.

Steps: the protected table with every earlier edition taken as public (indicators/published.py) -> the report's
tables as compile builds them (report/context.py) -> the release check of the edited report (release.py) and the
audit over every edition and this one (indicators/editions.py); any finding refuses, and nothing is written ->
into a new folder beside outbox/<Jahr>/Veroeffentlichung/ (website.replacing_folder): the tagged PDF of the edited
report (LibreOffice), the Tabellenanhang, the open data, the Stadtteil profiles and the website (website.py, from the
same protected table) -> the edition in the ledger (one transaction) -> the new folder takes the place of the old one.

A failure before the ledger's commit leaves no edition recorded and removes the new folder; a crash after it leaves
the edition recorded with its complete files in the new folder: the ledger never holds less than what may have been
released.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.core.cells import count_of, format_number
from toolkit.core.errors import InputError
from toolkit.core.problems import Problem, problem
from toolkit.core.progress import SILENT
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, ensure_closed, file_sha256, for_user, locked, shown
from toolkit.indicators.editions import ledger_cells, revision_rows
from toolkit.indicators.export import COLUMNS, export_rows, write_open_data
from toolkit.indicators.published import audit_all_editions, load_published, totals
from toolkit.publish.release import check_release, expected_tables, read_edited_report, secrets_of
from toolkit.publish.website import (
    SiteContent,
    profiles_content,
    replacing_folder,
    report_content,
    write_website,
)
from toolkit.report.charts import render_all
from toolkit.report.pdf import convert_to_pdf, find_libreoffice
from toolkit.report.picture_cache import PictureCache
from toolkit.report.profiles import write_profiles
from toolkit.report.table_annex import write_table_annex

FOLDER = "Veroeffentlichung"
WEBSITE = "Website"


@dataclass
class PublishResult:
    year: int
    report: Path
    root: Path | None = None
    problems: list[Problem] = field(default_factory=list)  # the findings that refused the release
    folder: Path | None = None
    files: list[Path] = field(default_factory=list)
    edition: int | None = None  # its number in the ledger
    n_published: int = 0
    n_suppressed: int = 0
    n_revised: int = 0
    audit_line: str = ""
    unchecked: list[str] = field(default_factory=list)  # tables of the report without a table of the draft
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    pdf: bool = True

    @property
    def released(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if not self.released:
            return [f"{for_user(self.report)} wird nicht veröffentlicht: {count_of(len(self.problems), 'Befund')}. "
                    "Es wurde nichts geschrieben.",
                    *(f"  {p.message}" for p in self.problems),
                    "Bitte den Bericht in Word korrigieren, speichern und 'toolkit publish' wiederholen."]
        lines = [f"Ausgabe {self.year} veröffentlicht (Nr. {self.edition} im Veröffentlichungsverzeichnis): "
                 f"{for_user(self.folder)}",
                 *(f"  {for_user(path)}" for path in self.files),
                 f"  {count_of(self.n_published, 'Wert')} veröffentlicht, {format_number(self.n_suppressed)} gesperrt"
                 + (f"; {format_number(self.n_revised)} anders als in einer früheren Ausgabe (Korrigierte Werte)"
                    if self.n_revised else "") + ".",
                 self.audit_line]
        if not self.pdf:
            lines.append("Hinweis: ohne PDF (--ohne-pdf); das PDF des Berichts entsteht, wenn 'toolkit publish' ohne "
                         "--ohne-pdf wiederholt wird.")
        if self.unchecked:
            lines.append("Hinweis: Tabellen ohne Werte der geschützten Tabelle (nicht geprüft): "
                         + ", ".join(f"„{caption}“" for caption in self.unchecked))
        lines += [f"Hinweis: {note}" for note in self.notes]
        lines.append(f"Dauer: {self.seconds:.1f} s".replace(".", ","))
        return lines


def publish_release(workspace: Workspace, year: int, report: Path | None = None, *, pdf: bool = True,
                    progress=None, processes: int | None = None) -> PublishResult:
    """Check the edited report (default: the draft outbox/<Jahr>/Integrationsbericht_<Jahr>.docx) and, if nothing is
    found, write the edition into outbox/<Jahr>/Veroeffentlichung/ and record it in the ledger (module docstring).

    ``pdf``: the PDFs of the report and the profiles (LibreOffice); without, the report is checked but only the
    other files are written. ``processes``: for the locator maps, instead of the setting ``prozesse``.
    """
    progress = progress or SILENT
    started = time.perf_counter()
    report = report or workspace.report_file(year)
    if not report.is_file():
        raise InputError(f"Der Bericht {for_user(report)} fehlt.",
                         hint=f"Zuerst 'toolkit compile --year {year}' ausführen und den Entwurf in Word bearbeiten, "
                              "oder die bearbeitete Datei nach dem Befehl angeben (toolkit publish --year JAHR DATEI).")
    result = PublishResult(year, report, workspace.root, pdf=pdf)
    with locked(workspace, "toolkit publish"):
        timings = result.timings
        soffice = None
        everything = load_published(workspace, year, breakdowns=True)  # the open data and the ledger
        published = totals(everything)  # the report, its annex, the profiles and the website
        catalogue, settings, frame = published.catalogue, published.settings, published.frame
        if pdf:
            soffice = find_libreoffice(settings.libreoffice)
        target = workspace.year_dir(year) / FOLDER
        ensure_closed(sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [])
        content, shapes, shape_problems = report_content(workspace, year, everything)
        timings["daten"] = time.perf_counter() - started

        t = time.perf_counter()
        with Store.read_only(workspace.store_file) as store:
            files = [r["file_name"] for r in (*store.deliveries(), *store.checks())]
        secrets = secrets_of(((i.id, i.notiz_intern) for i in catalogue.indicators.values()), files,
                             (e for o in catalogue.offices.values() for e in (o.email, o.vertretung_email)))
        check = check_release(read_edited_report(report), expected_tables(content), secrets, settings.herausgeber)
        result.problems, result.unchecked = check.problems, check.unchecked
        rows = [dict(zip(COLUMNS, (str(v) for v in row), strict=True))
                for row in export_rows(everything.frame, catalogue)]
        audited = audit_all_editions(workspace, rows, catalogue)
        result.audit_line = (f"Geheimhaltung geprüft über {count_of(audited.editions, 'Ausgabe', 'Ausgaben')} "
                             f"(diese und alle früheren zusammen): {audited.lines(catalogue)[1]}")
        result.notes += audited.lines(catalogue)[2:] if audited.ok else []  # sums the published numbers contradict
        result.problems += [problem("rueckrechenbar", file=report.name, found=r.text(catalogue))
                            for r in audited.recovered]
        timings["pruefung"] = time.perf_counter() - t
        if result.problems:
            result.seconds = time.perf_counter() - started
            return result

        t = time.perf_counter()
        with replacing_folder(target) as fresh:
            written = _write_edition(workspace, fresh, year, report, (everything, published),
                                     (content, shapes, shape_problems), soffice, processes, progress)
            timings["dateien"] = time.perf_counter() - t
            cells = ledger_cells(everything.frame)
            with Store(workspace.store_file) as store, store.transaction():
                result.edition = store.record_edition(year=year, folder=shown(target, workspace.root),
                                                      report=shown(report, workspace.root),
                                                      report_sha256=file_sha256(report), cells=cells)
        result.folder = target
        result.files = [target / path.relative_to(fresh) for path in written]
        frame = everything.frame
        result.n_published = int(((frame["suppressed"] == "") & frame["shown"].notna()).sum())
        result.n_suppressed = int((frame["suppressed"] != "").sum())
        result.n_revised = int(frame["revised"].sum())
    result.seconds = time.perf_counter() - started
    return result


def _write_edition(workspace: Workspace, folder: Path, year: int, report: Path, tables, built, soffice,
                   processes: int | None, progress) -> list[Path]:
    """The files of the edition, into ``folder``; returns them in the order they are listed. ``tables``: the
    protected table with the values by age group and nationality (the open data) and without (everything else);
    ``built``: the report's content, the map geometry and its warnings (website.report_content), built once."""
    everything, published = tables
    content, shapes, shape_problems = built
    catalogue, settings, frame = published.catalogue, published.settings, published.frame
    written = []
    if soffice is not None:
        progress.note("PDF des Berichts wird mit LibreOffice erzeugt …")
        copy = folder / report.with_suffix(".docx").name
        shutil.copyfile(report, copy)
        written.append(convert_to_pdf(copy, soffice))
        copy.unlink()
    written.append(write_table_annex(folder / workspace.table_annex_file(year).name, content.tables, catalogue, year,
                                     settings.mindesteinwohner, revision_rows(frame, catalogue)))
    opened = write_open_data(folder / "OffeneDaten", year, everything)
    written += [opened.csv_path, *([opened.revisions_path] if opened.revisions_path else []), opened.package_path]
    profiles = profiles_content(workspace, year, everything, shapes)
    pictures = render_all(profiles.figures, processes=settings.prozesse if processes is None else processes,
                          progress=progress, cache=PictureCache.of(workspace))
    written.append(write_profiles(folder / workspace.profiles_file(year).name, profiles, pictures, settings,
                                  catalogue))
    if soffice is not None:
        written.append(convert_to_pdf(written[-1], soffice))
    site = write_website(workspace, year, folder / WEBSITE, published=everything,
                         content=SiteContent(content, profiles, shape_problems), processes=processes,
                         progress=progress)
    written.append(site.folder / "index.html")
    return written
