"""The website: a folder of static pages, pictures and downloads from the one protected table.

``write_website(workspace, year, target)`` builds the report's content (report/context.build_report) and the
Stadtteil profiles (report/profiles.build_profiles) from the protected table, plans the pages (publish/pages.py),
draws the pictures (publish/graphics.py, in the process pool when it pays), writes the downloads (CSV and XLSX
per indicator, all data as a zip with datapackage.json, from the same protected table) and renders the pages with Jinja2 (autoescape on). The templates and the style sheet are
packaged in toolkit/publish/templates/; a file of the same name in the working folder's templates/web/ replaces
one (as templates/Bericht.docx does for the report).

The folder is built beside the target and swapped in at the end: readers see the old site or the new one, never
half of one, and a failure leaves the old site as it was. A target folder that holds anything else than an earlier
site is refused, so no folder of the city is ever replaced by mistake.

The pages need no script and load nothing from another host: they work under ``Content-Security-Policy:
default-src 'self'``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markupsafe

from toolkit import __version__
from toolkit.catalogue.model import Catalogue
from toolkit.core.cells import count_of, format_number
from toolkit.core.errors import InputError
from toolkit.core.problems import Problem
from toolkit.core.progress import SILENT, Progress
from toolkit.core.workspace import Workspace, for_user, replace_file
from toolkit.indicators.export import csv_bytes, csv_name, datapackage_bytes, export_rows
from toolkit.indicators.published import Published, load_published, totals
from toolkit.publish.graphics import draw_all
from toolkit.publish.pages import DATA_DIR, PICTURE_DIR, SitePlan, plan_site, zip_name
from toolkit.report.context import build_report
from toolkit.report.deliveries import round_deliveries
from toolkit.report.geometry import Shapes, district_triples, load_shapes
from toolkit.report.picture_cache import PictureCache
from toolkit.report.profiles import Profiles, build_profiles
from toolkit.report.sources import data_dates
from toolkit.report.table_annex import write_table_annex
from toolkit.report.tables import Report, Table

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = ("stil.css", "favicon.svg")  # copied as they are into assets/ (replaceable like the templates)
_NUMBER_UNIT = re.compile(r"(?<=\d) (?=%|‰|Pp\.|Prozentpunkt)")
FIXED_DATE = (2026, 1, 1, 0, 0, 0)  # of the zip's members: the same data gives the same bytes
GENERATOR = "Integrationsmonitoring-Toolkit"  # <meta name="generator"> of every page: marks a folder as a site


@dataclass
class WebsiteResult:
    year: int
    folder: Path
    n_pages: int = 0
    n_pictures: int = 0
    n_files: int = 0
    n_bytes: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # warnings about the map geometry
    root: Path | None = None  # the working folder, to name files relative to it

    def lines(self) -> list[str]:
        lines = [f"Website {self.year} geschrieben: {for_user(self.folder)}",
                 f"  {count_of(self.n_pages, 'Seite', 'Seiten')}, {count_of(self.n_pictures, 'Grafik')}, "
                 f"{count_of(self.n_files, 'Datei')}, "
                 f"{file_size(self.n_bytes)}; Startseite: index.html"]
        lines.extend(f"Warnung: {p.message}" for p in self.problems)
        lines.append(f"Dauer: {format_number(self.seconds, 1)} s")
        return lines


@dataclass
class SiteContent:
    """What the pages are made of, built from the protected table: the report's content and the Stadtteil profiles
    (a publication builds them once for the report's check, the profiles' document and the website)."""

    report: Report
    profiles: Profiles
    problems: list[Problem] = field(default_factory=list)  # warnings about the map geometry


def report_content(workspace: Workspace, year: int, everything: Published) -> tuple[Report, Shapes | None, list[Problem]]:
    """The report's content of ``year`` from the protected table with its breakdowns, the map geometry it used and
    the warnings about that geometry."""
    published = totals(everything)
    catalogue, settings, frame = published.catalogue, published.settings, published.frame
    deliveries, received = round_deliveries(workspace, year, catalogue)
    shapes, problems = load_shapes(workspace, district_triples(catalogue)) if catalogue.districts else (None, [])
    report = build_report(frame, catalogue, settings, year, deliveries, received, shapes,
                          data_dates=data_dates(workspace, year), breakdowns=everything.frame)
    return report, shapes, problems


def profiles_content(workspace: Workspace, year: int, everything: Published, shapes: Shapes | None) -> Profiles:
    """The Stadtteil profiles of ``year`` from the protected table with its breakdowns."""
    published = totals(everything)
    return build_profiles(published.frame, published.catalogue, year, shapes, published.settings.mindesteinwohner,
                          data_dates(workspace, year), everything.frame)


def site_content(workspace: Workspace, year: int, everything: Published) -> SiteContent:
    """The report's content and the profiles of ``year`` from the protected table with its breakdowns."""
    report, shapes, problems = report_content(workspace, year, everything)
    return SiteContent(report, profiles_content(workspace, year, everything, shapes), problems)


def write_website(workspace: Workspace, year: int, target: Path, *, published: Published | None = None,
                  content: SiteContent | None = None, processes: int | None = None,
                  progress: Progress | None = None) -> WebsiteResult:
    """Write the website of ``year`` into the folder ``target`` (replacing an earlier site there).

    ``published``: the protected table as ``load_published(breakdowns=True)`` returns it (a publication passes its
    ledger-aware one; without the breakdowns the page of DEM-04 has no table of nationalities);
    by default it is loaded here. Its breakdowns also give DEM-01's population pyramid and the profiles' age
    structure. ``content``: the report's content and the profiles built from ``published`` (site_content; a
    publication passes the ones it built), by default built here. ``processes``: for the pictures, instead of the
    setting ``prozesse``.
    """
    progress = progress or SILENT
    started = time.perf_counter()
    timings: dict[str, float] = {}
    check_target(target)
    everything = published if published is not None else load_published(workspace, year, breakdowns=True)
    published = totals(everything)  # the nationalities of everything: the table of the most frequent ones
    catalogue, settings, frame = published.catalogue, published.settings, published.frame
    environment = template_environment(workspace)
    content = content if content is not None else site_content(workspace, year, everything)
    report, problems = content.report, content.problems
    plan = plan_site(report, content.profiles, catalogue, settings, year)
    timings["inhalt"] = time.perf_counter() - started
    t = time.perf_counter()
    pictures = draw_all(plan.pictures, settings.prozesse if processes is None else processes, progress,
                        PictureCache.of(workspace))
    timings["grafiken"] = time.perf_counter() - t
    with replacing_folder(target) as folder:
        t = time.perf_counter()
        for picture in pictures:
            _write(folder / PICTURE_DIR / f"{picture.stem}.svg", picture.svg)
            if picture.png is not None:
                _write(folder / PICTURE_DIR / f"{picture.stem}.png", picture.png)
        rows = list(export_rows(frame, catalogue))
        by_indicator = rows_by_indicator(rows)
        (folder / DATA_DIR).mkdir(exist_ok=True)
        for indicator in catalogue.indicators:
            write_indicator_files(folder / DATA_DIR, indicator, by_indicator.get(indicator, []),
                                  tables_of(report.tables, indicator), catalogue, year, settings.mindesteinwohner)
        _write(folder / DATA_DIR / zip_name(year), data_zip(rows, year, settings.stadt))
        timings["downloads"] = time.perf_counter() - t
        t = time.perf_counter()
        render_pages(environment, plan, folder, workspace)
        timings["seiten"] = time.perf_counter() - t
        files = [p for p in folder.rglob("*") if p.is_file()]
        result = WebsiteResult(year, target, len(plan.pages), len(pictures), len(files),
                               sum(p.stat().st_size for p in files), timings=timings, problems=problems,
                               root=workspace.root)
    result.seconds = time.perf_counter() - started
    return result


def template_environment(workspace: Workspace) -> jinja2.Environment:
    """Jinja2 with autoescape; the working folder's templates/web/ first, then the packaged templates."""
    loaders = [jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES), encoding="utf-8")]
    if workspace.web_templates.is_dir():
        loaders.insert(0, jinja2.FileSystemLoader(str(workspace.web_templates), encoding="utf-8"))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_unbroken)


def _unbroken(value: object) -> object:
    """A number and its unit stay on one line ('13,4 %', '9,9 Pp.'): a no-break space between them (in text; markup
    made by a macro has had its texts treated already)."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return _NUMBER_UNIT.sub("\u00a0", value)
    return value


def render_pages(environment: jinja2.Environment, plan: SitePlan, folder: Path, workspace: Workspace) -> None:
    """Every page and the assets into ``folder``; a broken template is the user's file: InputError naming it."""
    environment.globals["groesse"] = lambda path: file_size((folder / path).stat().st_size)
    for name in ASSETS:
        _write(folder / "assets" / name, environment.loader.get_source(environment, name)[0].encode("utf-8"))
    for page in plan.pages:
        try:
            html = environment.get_template(page.template).render(
                site=plan.site, seite=page, root=page.root, generator=f"{GENERATOR} {__version__}", **page.context)
        except jinja2.TemplateError as exc:
            raise template_error(exc, page.template, workspace) from None
        _write(folder / page.path, html.encode("utf-8"))


def template_error(exc: jinja2.TemplateError, template: str, workspace: Workspace) -> InputError:
    """The German message for a template that cannot be filled: which file, which line, what."""
    name = getattr(exc, "name", None) or template
    own = workspace.web_templates / name
    where = for_user(own) if own.is_file() else f"{name} (mitgeliefert)"
    if getattr(exc, "lineno", None):
        where += f", Zeile {exc.lineno}"
    unknown = re.fullmatch(r"'(.+)' is undefined", str(exc.message or ""))
    what = f"„{unknown.group(1)}“ ist kein bekannter Platzhalter" if unknown else str(exc.message or exc)
    return InputError(f"Die Vorlage der Website {where} lässt sich nicht füllen: {what}.",
                      hint="Die Vorlage in templates/web/ prüfen (ein Platzhalter in {{ … }} oder {% … %} falsch "
                           "geschrieben?) oder sie entfernen; dann gilt die mitgelieferte. Es wurde nichts geändert.")


def file_size(n_bytes: int) -> str:
    """'850 Byte', '12 KB', '1,4 MB' (German, 1 KB = 1,000 bytes as a file manager shows)."""
    if n_bytes < 1000:
        return f"{n_bytes} Byte"
    if n_bytes < 1_000_000:
        return f"{round(n_bytes / 1000)} KB"
    return f"{format_number(n_bytes / 1_000_000, 1)} MB"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ---- downloads ------------------------------------------------------------------------------------------------
# Per indicator the CSV of its open-data rows (indicators/export.py: the same columns, suppressed cells empty with
# their reason) and an XLSX of its tables as in the Tabellenanhang (report/tables.py); all data as one zip with the
# open-data CSV and its datapackage.json, as `toolkit export` writes them.


def rows_by_indicator(rows: Iterable[tuple]) -> dict[str, list[tuple]]:
    """The open-data rows (export.export_rows) per indicator id (their second column)."""
    grouped: dict[str, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(row)
    return grouped


def tables_of(tables: list[Table], indicator_id: str) -> list[Table]:
    """The report's tables of one indicator (their titles start with its id), in report order."""
    return [t for t in tables if t.titel.startswith(f"{indicator_id} ")]


def write_indicator_files(folder: Path, indicator_id: str, rows: list[tuple], tables: list[Table],
                          catalogue: Catalogue, year: int, min_population: int) -> list[Path]:
    """daten/<id>.csv (always) and daten/<id>.xlsx (when the indicator has tables); the paths written."""
    stem = folder / indicator_id.lower()
    written = [stem.with_suffix(".csv")]
    written[0].write_bytes(csv_bytes(rows))
    if tables:
        written.append(write_table_annex(stem.with_suffix(".xlsx"), tables, catalogue, year, min_population))
    return written


def data_zip(rows: list[tuple], year: int, city: str) -> bytes:
    """The open-data CSV of every published value up to ``year`` and its datapackage.json, zipped."""
    name = csv_name(year)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in ((name, csv_bytes(rows)), ("datapackage.json", datapackage_bytes(name, year, city))):
            info = zipfile.ZipInfo(member, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


# ---- the folder -----------------------------------------------------------------------------------------------


def check_target(target: Path) -> None:
    """Refuse a target that is a file, or a folder that holds something else than an earlier site."""
    if target.is_file():
        raise InputError(f"{target} ist eine Datei; die Website braucht einen Ordner.",
                         hint="Einen anderen Zielordner angeben.")
    if not target.is_dir() or not any(target.iterdir()) or _is_site(target):
        return
    raise InputError(f"Der Ordner {target} enthält schon andere Dateien; die Website wird nur in einen leeren Ordner "
                     "oder über eine früher erzeugte Website geschrieben. Es wurde nichts geändert.",
                     hint="Einen leeren oder neuen Zielordner angeben.")


def _is_site(folder: Path) -> bool:
    try:
        head = (folder / "index.html").read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return False
    return f'<meta name="generator" content="{GENERATOR}' in head


@contextlib.contextmanager
def replacing_folder(target: Path) -> Iterator[Path]:
    """Yield a new folder beside ``target``; on success it replaces ``target`` (an earlier site) as a whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.neu-"))
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(building, 0o777 & ~mask)  # mkdtemp makes it private; a web server must read it
    try:
        yield building
        old = target.with_name(f".{target.name}.alt-{os.getpid()}") if target.exists() else None
        if old is not None:
            replace_file(target, old)
        try:
            replace_file(building, target)
        except BaseException:
            if old is not None:
                replace_file(old, target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(building, ignore_errors=True)
