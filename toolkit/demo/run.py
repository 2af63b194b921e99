"""``toolkit demo``: the whole yearly round on synthetic Magdeburg data, in one working folder.

Steps (every one through the same library functions the commands use):
1. a new working folder (init_workspace); an earlier demo folder (it holds the marker file ``.toolkit-demo``
   and a toolkit.toml) is replaced, any other non-empty folder is refused;
2. five earlier years (2020-2024) of synthetic data into the store (inhabitants and Nichtdeutsche by nationality, DEM-01
   and DEM-04, from 2016: the report's ten-year table of nationalities), one import delivery per office and year
   (comparison values for Sachsen-Anhalt and Deutschland from the Statistisches Landesamt);
3. distribute_round for 2025 (e-mail drafts only, nothing is sent);
4. the offices fill the workbooks (demo/clerks.py: simulate_returns): one returns mistakes, one does not answer;
5. check_files, merge_returns, round_status, compile_report (and export_open_data if present).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.catalogue.model import GERMANY, LAND, Catalogue, load_catalogue
from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import file_name
from toolkit.collect.status import round_status
from toolkit.core.cells import count_of, year_span
from toolkit.core.errors import InputError, ToolkitError
from toolkit.core.keys import ObservationKey
from toolkit.core.progress import SILENT, Progress
from toolkit.core.store import DeliverySource, Store
from toolkit.core.workspace import SETTINGS_FILE, Workspace, command_in, for_user
from toolkit.demo.clerks import FAULTY_OFFICE, SILENT_OFFICE, simulate_returns
from toolkit.demo.data import generate
from toolkit.demo.params import LONG_SERIES_START
from toolkit.indicators.export import export_open_data
from toolkit.initialise import init_workspace
from toolkit.merge.intake import merge_returns
from toolkit.report.compile import compile_report
from toolkit.returns.caches import Caches
from toolkit.returns.checks import check_files

REPORT_YEAR = 2025
HISTORY = range(REPORT_YEAR - 5, REPORT_YEAR)
MARKER = ".toolkit-demo"
IMPORT_FILE = "Demo-Vorjahre"
COMPARISON_OFFICE = "STALA"
DEADLINE_AHEAD = dt.timedelta(weeks=4)  # the demo's round is running: its deadline is four weeks away  # comparison values come from the Statistisches Landesamt


@dataclass
class DemoResult:
    root: Path
    year: int
    workbooks: Path
    mails: Path
    check_reports: Path
    master_matrix: Path | None
    report: Path | None
    annex: Path | None = None
    profiles: Path | None = None
    export_lines: list[str] = field(default_factory=list)
    history_values: int = 0
    returned: list[str] = field(default_factory=list)
    faulty: dict[str, list[str]] = field(default_factory=dict)  # office -> mistakes
    silent: str = ""
    kept_in_inbox: list[str] = field(default_factory=list)
    check_summary: list[str] = field(default_factory=list)
    status_header: list[str] = field(default_factory=list)
    status_rows: list[list[str]] = field(default_factory=list)
    status_summary: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def _rel(self, path: Path | None) -> str:
        return "– (nicht erstellt)" if path is None else for_user(path)

    def lines(self) -> list[str]:
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        lines = [
            f"Demo fertig in {seconds} s. Arbeitsordner: {for_user(self.root)}",
            f"  Vorjahre {year_span(HISTORY)} (Einwohner und Staatsangehörigkeiten ab {LONG_SERIES_START}): "
            f"{count_of(self.history_values, 'Wert')} geladen (Beispieldaten, keine echten Zahlen)",
            f"  Erhebungsbögen {self.year}: {self._rel(self.workbooks)}",
            f"  E-Mail-Entwürfe (.eml): {self._rel(self.mails)}",
            f"  Rückläufe in inbox/: {count_of(len(self.returned), 'Stelle')} "
            f"{'hat' if len(self.returned) == 1 else 'haben'} geantwortet; "
            f"{self.silent} hat nicht geantwortet.",
        ]
        for office, mistakes in self.faulty.items():
            lines.append(f"  {office} hat einen Bogen mit Fehlern geschickt: {'; '.join(mistakes)}")
        if self.kept_in_inbox:
            lines.append(f"  In inbox/ geblieben (mit Fehlern, nicht übernommen): {', '.join(self.kept_in_inbox)}")
        lines += [f"  {line}" for line in self.check_summary]
        lines += [
            f"  Prüfberichte: {self._rel(self.check_reports)}",
            f"  Monitoringdaten: {self._rel(self.master_matrix)}",
            f"  Integrationsbericht: {self._rel(self.report)}",
        ]
        if self.annex:
            lines.append(f"  Tabellenanhang: {self._rel(self.annex)}")
        if self.profiles:
            lines.append(f"  Stadtteilprofile: {self._rel(self.profiles)}")
        lines += [f"  {line}" for line in self.export_lines]
        lines.append("Rücklauf:")
        lines += [f"  {line}" for line in self.status_table_lines()]
        # the status hint names no folder; below every suggestion carries -w
        lines += [f"  {line}" for line in self.status_summary if not line.startswith("Erinnerungen schreiben")]
        lines += ["Weiter zum Ausprobieren:", *(f"  {command_in(self.root, command)}" for command in (
            f"toolkit status --year {self.year}", f"toolkit status --year {self.year} --remind", "toolkit check",
            f"toolkit compile --year {self.year} --pdf", f"toolkit compile --year {self.year} --intern"))]
        return lines

    def status_table_lines(self) -> list[str]:
        """The status table in plain text: office, return, check result, missing values."""
        if not self.status_rows:
            return []
        wanted = [self.status_header.index(h) for h in ("Stelle", "Rücklauf", "Prüfergebnis", "Fehlende Werte",
                                                        "Überfällig") if h in self.status_header]
        rows = [[self.status_header[i] for i in wanted]] + [[row[i] for i in wanted] for row in self.status_rows]
        widths = [max(len(r[c]) for r in rows) for c in range(len(wanted))]
        return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                for row in rows]


def prepare_folder(folder: Path) -> Path:
    """Refuse a non-empty folder unless it is an earlier demo (marker file and toolkit.toml): then replace it."""
    root = Path(folder).resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        if root.is_dir() and (root / MARKER).is_file() and (root / SETTINGS_FILE).is_file():
            shutil.rmtree(root)
        else:
            raise InputError(
                f"Der Ordner {root} existiert schon und ist nicht leer; die Demo überschreibt nichts.",
                hint="Bitte einen neuen Ordner angeben, z. B. 'toolkit demo demo-neu'. Ein früherer Demo-Ordner "
                     f"(mit der Datei {MARKER}) wird dagegen ersetzt.",
            )
    return root


def load_history(workspace: Workspace, catalogue: Catalogue, values: dict[ObservationKey, float]) -> int:
    """Put the earlier years into the store: one import delivery per office and year, one transaction."""
    owner = {i.id: i.fachbereich for i in catalogue.indicators.values()}
    batches: dict[tuple[str, int], list[tuple[ObservationKey, float]]] = defaultdict(list)
    for key, value in values.items():
        if key.year >= REPORT_YEAR:  # the report year comes back in the offices' returns
            continue
        office = COMPARISON_OFFICE if key.area in (LAND, GERMANY) else owner[key.indicator]
        batches[(office, key.year)].append((key, value))
    count = 0
    with Store(workspace.store_file) as store, store.transaction():
        for (office, year), items in sorted(batches.items()):
            digest = hashlib.sha256(repr(sorted((tuple(k), v) for k, v in items)).encode())
            delivery = store.add_delivery(office=office, year=year, file_name=f"{IMPORT_FILE} {year}",
                                          sha256=digest.hexdigest(), source=DeliverySource.IMPORT)
            store.put_many(((key, value, "", "", "Demo-Vorjahre") for key, value in items), delivery)
            count += len(items)
    return count


def run_demo(folder: Path, progress: Progress | None = None) -> DemoResult:
    """Run the whole round on synthetic data in ``folder`` and say where every output is."""
    progress = progress or SILENT
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    t = started
    progress.note(f"1/7 Arbeitsordner wird angelegt: {folder}")
    workspace = init_workspace(prepare_folder(folder))
    (workspace.root / MARKER).write_text("Dieser Ordner wurde von 'toolkit demo' angelegt und darf ersetzt werden.\n",
                                         encoding="utf-8")
    catalogue = load_catalogue(workspace.catalogue_file)
    t = lap("ordner", t)

    progress.note(f"2/7 Beispieldaten {year_span(range(HISTORY.start, REPORT_YEAR + 1))} (Einwohner und "
                  f"Staatsangehörigkeiten ab {LONG_SERIES_START}) werden erzeugt und die Vorjahre geladen …")
    values = generate(catalogue, range(HISTORY.start, REPORT_YEAR + 1))
    history_values = load_history(workspace, catalogue, values)
    t = lap("vorjahre", t)

    progress.note(f"3/7 Erhebungsbögen {REPORT_YEAR} werden erstellt (nur E-Mail-Entwürfe, nichts wird gesendet) …")
    # the round is under way: its deadline lies ahead, as it would while offices are still answering
    distributed = distribute_round(workspace, REPORT_YEAR, deadline=dt.date.today() + DEADLINE_AHEAD, progress=progress)
    workbooks = {o.office: o.workbook or workspace.workbooks_dir(REPORT_YEAR) / file_name(REPORT_YEAR, o.office)
                 for o in distributed.outcomes}
    t = lap("verteilen", t)

    progress.note("4/7 Die Dienststellen füllen ihre Bögen aus und schicken sie zurück …")
    returns = simulate_returns(catalogue, workbooks, workspace.inbox, REPORT_YEAR, values, progress)
    t = lap("ausfuellen", t)

    progress.note("5/7 Rückläufe werden geprüft (toolkit check) und übernommen (toolkit merge) …")
    caches = Caches()  # check and merge read the catalogue and plan each workbook once
    reports = check_files(workspace, progress=progress, caches=caches)
    merged = merge_returns(workspace, progress=progress, caches=caches)
    t = lap("pruefen_uebernehmen", t)

    progress.note("6/7 Rücklaufstatus …")
    status = round_status(workspace, REPORT_YEAR)
    header, rows = status.table()
    t = lap("status", t)

    progress.note("7/7 Integrationsbericht wird erstellt …")
    compiled = compile_report(workspace, REPORT_YEAR, progress=progress)
    export_lines = _export(workspace)
    lap("bericht", t)

    n_fehler = sum(1 for r in reports if not r.ok)
    result = DemoResult(
        root=workspace.root, year=REPORT_YEAR, workbooks=workspace.workbooks_dir(REPORT_YEAR),
        mails=workspace.mails_dir(REPORT_YEAR), check_reports=workspace.check_reports_dir(REPORT_YEAR),
        master_matrix=merged.matrix, report=compiled.report, annex=compiled.annex, profiles=compiled.profiles,
        export_lines=export_lines,
        history_values=history_values, returned=[r.office for r in returns],
        faulty={r.office: r.mistakes for r in returns if r.mistakes}, silent=SILENT_OFFICE,
        kept_in_inbox=sorted(p.name for p in workspace.inbox.iterdir() if p.is_file() and not p.name.startswith(".")),
        check_summary=[f"Prüfung: {count_of(len(reports), 'Datei')}, {len(reports) - n_fehler} ohne Fehler, "
                       f"{n_fehler} mit Fehlern ({FAULTY_OFFICE})."],
        status_header=header, status_rows=rows, status_summary=status.summary_lines(),
    )
    result.seconds = time.perf_counter() - started
    result.timings = timings
    return result


def _export(workspace: Workspace) -> list[str]:
    """The open data export; a refusal is shown as a line, the demo goes on."""
    try:
        return export_open_data(workspace, REPORT_YEAR).lines()
    except ToolkitError as exc:
        return [f"Offene Daten nicht erstellt: {exc}"]
