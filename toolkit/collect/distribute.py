"""One collection round: a workbook and a mail per office, recorded in the store.

``distribute_round`` writes ``outbox/<Y>/Erhebungsboegen/Erhebung_<Y>_<CODE>.xlsx`` (pre-filled with the
last four years from the store), records the round (token, deadline, file hash), writes an .eml draft
per office to ``outbox/<Y>/Mails/`` and, with ``send=True``, sends the mails over SMTP. An office that
already received its mail over SMTP is left alone unless ``again=True``, so a repeated run never sends
twice and never replaces the file the office is working on.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from pathlib import Path

from toolkit.catalogue.model import CITY, Catalogue, Office
from toolkit.catalogue.upgrade import upgrade_store, workspace_catalogue
from toolkit.collect import mail
from toolkit.collect.layout import HISTORY_YEARS, LAYOUT_VERSION, file_name, plan_workbook
from toolkit.collect.layout_history import LayoutChange, layout_changes, shared_fields, snapshot
from toolkit.collect.status import check_round_year
from toolkit.collect.workbook import write_collection_workbook
from toolkit.core.cells import count_of, german_date
from toolkit.core.errors import ExitCode, InputError, UsageError, did_you_mean
from toolkit.core.keys import ObservationKey
from toolkit.core.progress import SILENT, Progress
from toolkit.core.runtime import paused_gc, process_pool, workers_for
from toolkit.core.settings import Settings, load_settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, for_user, locked


class OfficeAction(StrEnum):
    """What happened for one office in a round."""

    PLANNED = "geplant"  # --dry-run: what would be written
    DRAFT = "entwurf"  # workbook and .eml draft written
    SENT = "gesendet"  # sent over SMTP
    FAILED = "fehler"  # sending over SMTP failed; the draft is there
    SKIPPED = "übersprungen"  # sent over SMTP before (again with --again)


@dataclass
class OfficeOutcome:
    """What happened for one office."""

    office: str
    action: OfficeAction
    workbook: Path | None = None
    draft: Path | None = None
    sha256: str = ""
    recipients: tuple[str, ...] = ()
    detail: str = ""


# merge/matrix.refresh_master_matrix (a later stage: the CLI passes it in)
MatrixRefresh = Callable[[Workspace, Store, Catalogue], Path | None]


@dataclass
class DistributeResult:
    year: int
    deadline: dt.date
    send: bool
    dry_run: bool
    root: Path
    outcomes: list[OfficeOutcome] = field(default_factory=list)
    changed: list[LayoutChange] = field(default_factory=list)  # offices whose earlier workbook has another layout
    matrix: Path | None = None  # the master matrix, if it was rewritten

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.DELIVERY if any(o.action == OfficeAction.FAILED for o in self.outcomes) else ExitCode.OK

    def count(self, action: OfficeAction) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    def lines(self) -> list[str]:
        due = german_date(self.deadline)
        folder = for_user(Workspace(self.root).workbooks_dir(self.year))
        if self.dry_run:
            lines = ["Probelauf (--dry-run): es wird nichts geschrieben oder gesendet."]
        else:
            lines = [f"Erhebungsbögen in {folder}, E-Mail-Entwürfe in {for_user(Workspace(self.root).mails_dir(self.year))}:"]
        for o in self.outcomes:
            to = ", ".join(o.recipients)
            name = o.workbook.name if o.workbook else ""
            if o.action == OfficeAction.PLANNED:
                verb = "würde per SMTP gesendet" if self.send else "E-Mail-Entwurf würde geschrieben"
                lines.append(f"{o.office}: {for_user(o.workbook) if o.workbook else folder} ({o.detail}) – {verb} an {to}")
            elif o.action == OfficeAction.DRAFT:
                lines.append(f"{o.office}: {name} – Entwurf {o.draft.name if o.draft else ''} an {to}")
            elif o.action == OfficeAction.SENT:
                lines.append(f"{o.office}: {name} – gesendet an {to}")
            elif o.action == OfficeAction.SKIPPED:
                lines.append(f"{o.office}: übersprungen – {o.detail}")
            else:
                lines.append(f"{o.office}: FEHLER beim Senden an {to}: {o.detail}")
        done = len(self.outcomes) - self.count(OfficeAction.SKIPPED)
        summary = (f"{count_of(done, 'Erhebungsbogen')} für {self.year}, Abgabefrist {due}; "
                   f"{self.count(OfficeAction.SENT)} gesendet, {self.count(OfficeAction.DRAFT)} als Entwurf, "
                   f"{self.count(OfficeAction.SKIPPED)} übersprungen, {self.count(OfficeAction.FAILED)} Fehler.")
        if self.dry_run:
            planned = self.count(OfficeAction.PLANNED)
            summary = (f"{count_of(planned, 'Erhebungsbogen')} {'würde' if planned == 1 else 'würden'} für {self.year} "
                       f"erstellt (Abgabefrist {due}).")
        lines.append(summary)
        if self.matrix is not None:
            lines.append(f"Monitoringdaten erneuert: {for_user(self.matrix)}")
        if self.deadline < dt.date.today():
            lines.append(f"Achtung: Die Abgabefrist {due} liegt in der Vergangenheit; mit --deadline TT.MM.JJJJ eine "
                         "spätere angeben und erneut verteilen.")
        lines.extend(self._change_lines())
        if self.count(OfficeAction.FAILED):
            lines.append("Fehlgeschlagene Sendungen mit 'toolkit distribute --send --year "
                         f"{self.year}' erneut versuchen; bereits gesendete werden nicht doppelt verschickt.")
        elif not self.send and not self.dry_run and self.count(OfficeAction.DRAFT):
            lines.append("Die Entwürfe (.eml) in Outlook öffnen und senden, oder mit --send über SMTP verschicken.")
        return lines

    def _change_lines(self) -> list[str]:
        """Offices that got a workbook of this round before the catalogue changed: what changed and what follows."""
        actions = {o.office: o.action for o in self.outcomes}
        lines = []
        for change in self.changed:
            office, made = change.office, german_date(change.made)
            earlier = ("Ein Rücklauf mit dem früheren Bogen wird nach dessen Aufbau gelesen; was seitdem hinzukam, "
                       "fehlt darin." if change.readable else
                       "Ein Rücklauf mit dem früheren Bogen kann nicht gelesen werden (sein Aufbau ist nicht "
                       "gespeichert).")
            if actions.get(office) == "übersprungen":
                then = (f"{office} arbeitet mit dem früheren Bogen. {earlier} Den neuen Bogen senden: 'toolkit "
                        f"distribute --year {self.year} --office {office} --send --again'.")
            elif self.dry_run:
                then = f"Der neue Bogen würde den früheren ersetzen. {earlier}"
            else:
                then = f"Der neue Bogen ersetzt den früheren; falls dieser schon verschickt ist: {earlier}"
            lines.append(f"Achtung: Der Katalog wurde geändert, seit der Bogen für {office} am {made} erstellt wurde; "
                         f"seitdem {change.changes}. {then}")
        return lines


def distribute_round(workspace: Workspace, year: int, *, deadline: str | dt.date | None = None,
                     offices: Sequence[str] | None = None, send: bool = False, again: bool = False,
                     dry_run: bool = False, progress: Progress | None = None,
                     workers: int | None = None, refresh: MatrixRefresh | None = None) -> DistributeResult:
    """Build the workbooks and mails of the round for ``year`` (see module docstring).

    The round advances the store's Datenstand; ``refresh`` then brings the master matrix up to it, under the same
    lock.

    ``workers``: processes that write the workbooks; None chooses by the size of the round and the setting
    ``prozesse`` (core/runtime.workers_for), 1 writes everything in this process.
    """
    progress = progress or SILENT
    check_round_year(year)
    settings = load_settings(workspace.settings_file)
    catalogue = workspace_catalogue(workspace)
    due = deadline if isinstance(deadline, dt.date) else _deadline(settings, year, deadline)
    selected = select_offices(catalogue, offices, year)
    mail.check_contacts(catalogue, selected, settings)
    if send and not dry_run:
        mail.check_smtp_settings(settings)
    result = DistributeResult(year, due, send, dry_run, workspace.root)
    if dry_run:
        _plan_only(workspace, catalogue, selected, year, again, result)
        return result
    upgrade_store(workspace, catalogue, progress, "toolkit distribute")
    with locked(workspace, "toolkit distribute"), Store(workspace.store_file) as store:
        _Round(workspace, catalogue, settings, store, year, due, result).run(selected, send, again, progress, workers)
        if refresh is not None:
            result.matrix = refresh(workspace, store, catalogue)
    return result


def _deadline(settings: Settings, year: int, option: str | None) -> dt.date:
    try:
        return settings.deadline(year, option)
    except InputError as exc:
        if option:  # a mistyped --deadline is a usage error, a broken toolkit.toml an input error
            raise UsageError(f"--deadline: {exc.message}", hint=exc.hint) from None
        raise


def select_offices(catalogue: Catalogue, codes: Sequence[str] | None, year: int) -> list[Office]:
    """The offices of the round: all that own indicators collected for ``year``, or the given codes (any case)."""
    owners = catalogue.offices_with_indicators(year)
    if not codes:
        return owners
    by_code = {o.code.upper(): o for o in owners}
    chosen: list[Office] = []
    for code in codes:
        office = by_code.get(code.strip().upper())
        if office is None:
            raise UsageError(f"Die Dienststelle „{code}“ erhebt keine Kennzahlen oder ist unbekannt."
                             + did_you_mean(code.strip(), by_code),
                             hint="Gültige Codes: " + ", ".join(o.code for o in owners) + ".")
        if office not in chosen:
            chosen.append(office)
    return chosen


def read_prefill(store: Store | None, catalogue: Catalogue, offices: Sequence[Office],
                 year: int) -> dict[ObservationKey, float]:
    """Values of the last HISTORY_YEARS years for the offices' indicators (empty without a store)."""
    if store is None:
        return {}
    ids = [i.id for o in offices for i in catalogue.indicators_of_office(o.code)]
    values = store.values(indicators=ids, years=range(year - HISTORY_YEARS, year), areas=[CITY])
    return {key: float(v.value) for key, v in values.items() if v.value is not None}


def _sent_before(store: Store | None, year: int) -> dict[str, str]:
    """office -> time of the first successful SMTP sending of its collection mail."""
    if store is None:
        return {}
    sent: dict[str, str] = {}
    for row in store.sendings(year):
        if row["kind"] == mail.SendingKind.COLLECTION and row["mode"] == mail.SendMode.SMTP and row["ok"]:
            sent.setdefault(row["office"], row["sent_at"])
    return sent


def _skip_detail(sent_at: str) -> str:
    when = german_date(sent_at, with_time=True)
    return f"bereits am {when} per E-Mail versandt (mit --again erneut senden)"


def _plan_only(workspace: Workspace, catalogue: Catalogue, offices: list[Office], year: int, again: bool,
               result: DistributeResult) -> None:
    store = Store.read_only(workspace.store_file) if workspace.store_file.is_file() else None
    try:
        sent = _sent_before(store, year)
        if store is not None:
            result.changed = layout_changes(store, catalogue, year, [o.code for o in offices])
    finally:
        if store is not None:
            store.close()
    for office in offices:
        if office.code in sent and not again:
            result.outcomes.append(OfficeOutcome(office.code, OfficeAction.SKIPPED, detail=_skip_detail(sent[office.code])))
            continue
        plan = plan_workbook(catalogue, office.code, year)
        path = workspace.workbooks_dir(year) / file_name(year, office.code)
        contacts = tuple(a for a in (office.email, office.vertretung_email) if a)
        detail = f"{count_of(len(plan.indicators), 'Kennzahl')}, {count_of(len(plan.input_slots()), 'Eingabezelle')}"
        result.outcomes.append(OfficeOutcome(office.code, OfficeAction.PLANNED, path, recipients=contacts, detail=detail))


class _Round:
    """Writes workbooks and drafts, records everything, sends if asked."""

    def __init__(self, workspace: Workspace, catalogue: Catalogue, settings: Settings, store: Store, year: int,
                 deadline: dt.date, result: DistributeResult) -> None:
        self.workspace, self.catalogue, self.settings, self.store = workspace, catalogue, settings, store
        self.year, self.deadline, self.result = year, deadline, result

    def run(self, offices: list[Office], send: bool, again: bool, progress: Progress, workers: int | None) -> None:
        sent = _sent_before(self.store, self.year)
        self.result.changed = layout_changes(self.store, self.catalogue, self.year, [o.code for o in offices])
        todo = [o for o in offices if again or o.code not in sent]
        for office in offices:
            if office not in todo:
                self.result.outcomes.append(OfficeOutcome(office.code, OfficeAction.SKIPPED,
                                                          detail=_skip_detail(sent[office.code])))
        rounds = self.store.rounds(self.year)
        tokens = {o.code: rounds[o.code]["token"] if o.code in rounds else new_token(self.year, o.code) for o in todo}
        jobs = (self._job(office, tokens[office.code]) for office in todo)
        if workers is None:
            workers = workers_for("distribute", round_cells(self.catalogue, todo), len(todo), self.settings.prozesse)
        workers = max(1, workers)
        written = write_workbooks(self.catalogue, self.settings, jobs, len(todo), workers, progress)
        prepared = [self._draft(office, tokens[office.code], sha) for office, (sha, _) in zip(todo, written, strict=True)]
        shared = shared_fields(self.catalogue)
        with self.store.transaction():  # the round is on record before any mail leaves
            for (outcome, message, token), (_, fingerprint) in zip(prepared, written, strict=True):
                self.store.record_round(year=self.year, office=outcome.office, token=token,
                                        deadline=self.deadline.isoformat(), file_name=outcome.workbook.name,
                                        sha256=outcome.sha256, layout_version=LAYOUT_VERSION,
                                        fingerprint=fingerprint)
                self.store.record_layout(year=self.year, office=outcome.office, fingerprint=fingerprint,
                                         snapshot=snapshot(self.catalogue, outcome.office, shared))
                if not send:
                    self._record(outcome, message, token, mail.SendMode.DRAFT, "")
        if send:
            self._send(prepared, progress)
        self.result.outcomes.extend(o for o, _, _ in prepared)
        order = {o.code: n for n, o in enumerate(offices)}
        self.result.outcomes.sort(key=lambda o: order[o.office])

    def _job(self, office: Office, token: str) -> WorkbookJob:
        prefill = read_prefill(self.store, self.catalogue, [office], self.year)  # one office at a time
        path = self.workspace.workbooks_dir(self.year) / file_name(self.year, office.code)
        return WorkbookJob(office.code, self.year, path, prefill, token, self.deadline)

    def _draft(self, office: Office, token: str, sha: str) -> tuple[OfficeOutcome, EmailMessage, str]:
        path = self.workspace.workbooks_dir(self.year) / file_name(self.year, office.code)
        message = mail.collection_message(office=office, year=self.year, deadline=self.deadline,
                                          settings=self.settings, workbook=path, token=token)
        draft = mail.write_draft(message, self.workspace.mails_dir(self.year) / (path.stem + ".eml"))
        outcome = OfficeOutcome(office.code, OfficeAction.DRAFT, path, draft, sha, tuple(mail.recipients(message)))
        return outcome, message, token

    def _send(self, prepared: list[tuple[OfficeOutcome, EmailMessage, str]], progress: Progress) -> None:
        with mail.SmtpSender(self.settings) as sender:
            for outcome, message, token in progress.track(prepared, "E-Mails senden"):
                error = sender.send(message)
                outcome.action = OfficeAction.FAILED if error else OfficeAction.SENT
                outcome.detail = error
                with self.store.transaction():
                    self._record(outcome, message, token, mail.SendMode.SMTP, error)

    def _record(self, outcome: OfficeOutcome, message: EmailMessage, token: str, mode: mail.SendMode, error: str) -> None:
        self.store.record_sending(year=self.year, office=outcome.office, token=token, kind=mail.SendingKind.COLLECTION,
                                  mode=mode, recipients=", ".join(outcome.recipients),
                                  message_id=str(message["Message-ID"]), sha256=outcome.sha256, ok=not error,
                                  error=error)


# ---- writing the workbooks, in a process pool when the round is large ----------------------------

@dataclass(frozen=True)
class WorkbookJob:
    """Everything one workbook needs besides the catalogue and the settings (picklable)."""

    office: str
    year: int
    path: Path
    prefill: dict[ObservationKey, float]
    token: str
    deadline: dt.date


def write_workbook(catalogue: Catalogue, settings: Settings, job: WorkbookJob) -> tuple[str, str]:
    """Plan and write one workbook; return (SHA-256 of the file, layout fingerprint).

    The cycle collector pauses for both (core/runtime.py: paused_gc), and the plan is gone before it
    resumes, so its 20,000 objects are never traversed: they are freed by reference counting.
    """
    with paused_gc():
        plan = plan_workbook(catalogue, job.office, job.year)
        sha = write_collection_workbook(job.path, plan, prefill=job.prefill, token=job.token, deadline=job.deadline,
                                        settings=settings)
        fingerprint = plan.fingerprint
        del plan
    return sha, fingerprint


def round_cells(catalogue: Catalogue, offices: Sequence[Office]) -> int:
    """About how many cells the workbooks of ``offices`` have: the measure core/runtime.workers_for judges."""
    cells = 0
    for office in offices:
        for indicator in catalogue.indicators_of_office(office.code):
            rows = len(indicator.gruppen) * len(indicator.measures)
            cells += rows * (3 if indicator.geschlecht else 1) * 7
            cells += rows * len(catalogue.districts) if indicator.stadtteile else 0
    return cells


def write_workbooks(catalogue: Catalogue, settings: Settings, jobs: Iterable[WorkbookJob], count: int,
                    workers: int, progress: Progress) -> list[tuple[str, str]]:
    """Write every job's workbook, in order; with workers > 1 in a process pool."""
    if workers <= 1:
        return [write_workbook(catalogue, settings, job)
                for job in progress.track(_Counted(jobs, count), "Erhebungsbögen schreiben")]
    with process_pool(workers, initializer=_init_worker, initargs=(catalogue, settings)) as pool:
        results = pool.imap(_write_in_worker, list(jobs))  # jobs read the store: here, not in the pool's thread
        return [result for result, _ in zip(results, progress.track(range(count), "Erhebungsbögen schreiben"),
                                            strict=True)]


_WORKER: dict[str, object] = {}


def _init_worker(catalogue: Catalogue, settings: Settings) -> None:
    _WORKER["catalogue"], _WORKER["settings"] = catalogue, settings  # sent once per process, not per job


def _write_in_worker(job: WorkbookJob) -> tuple[str, str]:
    return write_workbook(_WORKER["catalogue"], _WORKER["settings"], job)  # type: ignore[arg-type]


class _Counted:
    """An iterable with a known length, so that a progress bar can show it."""

    def __init__(self, items: Iterable[WorkbookJob], count: int) -> None:
        self.items, self.count = items, count

    def __iter__(self) -> Iterator[WorkbookJob]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.count


def new_token(year: int, office: str) -> str:
    """A round token: readable prefix plus a random part, e.g. 2025-JUGA-9f3a1c2b."""
    return f"{year}-{office}-{secrets.token_hex(4)}"
