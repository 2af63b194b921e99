"""Return tracking of a round: who got a workbook, who returned it, with which result, who is late.

``round_status`` only reads (the store is opened read-only and never created). ``write_reminders``
writes reminder drafts (or sends them) to offices that are late or whose return had Fehler, listing
exactly which values are missing and which cells are wrong. A return that was not taken is named as such, with
its Fehler; as missing count only the cells it left empty, not those it filled (its values are not in the store
only because of the Fehler).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.catalogue.model import Catalogue, Office
from toolkit.catalogue.upgrade import workspace_catalogue
from toolkit.collect import mail
from toolkit.collect.layout import Slot, WorkbookPlan, file_name, plan_workbook
from toolkit.collect.layout_history import LayoutChange, layout_changes
from toolkit.core.cells import count_of, format_percent, german_date
from toolkit.core.errors import ExitCode, UsageError
from toolkit.core.problem_type import UNREADABLE_CODES
from toolkit.core.settings import Settings, load_settings
from toolkit.core.store import DeliverySource, Store, in_effect
from toolkit.core.workspace import Workspace, for_user, locked

MAX_LISTED = 15  # cells listed per indicator in a reminder before "… und N weitere"


@dataclass
class OfficeStatus:
    office: Office
    deadline: dt.date
    sent: dt.date | None = None
    sent_mode: mail.SendMode | None = None
    returned: dt.date | None = None
    merged: dt.date | None = None  # first delivery taken into the store
    checked: bool = False
    n_fehler: int = 0
    n_warnungen: int = 0
    problems: list[dict] = field(default_factory=list)  # of the latest check
    file: str = ""  # the file of the latest check
    file_date: dt.date | None = None  # when it was checked
    withdrawn: bool = False  # a return was taken and then withdrawn, and none holds
    missing: list[Slot] = field(default_factory=list)
    token: str = ""
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def delivered(self) -> bool:
        return self.merged is not None

    @property
    def on_time(self) -> bool:
        return self.merged is not None and self.merged <= self.deadline

    @property
    def overdue(self) -> bool:
        """Past the deadline without a delivery; an office that was never sent a workbook is not overdue."""
        return self.sent is not None and self.today > self.deadline and not self.delivered

    @property
    def unreadable(self) -> bool:
        """The latest file could not be read as a workbook at all (a PDF, a letter)."""
        return any(p.get("code") in UNREADABLE_CODES for p in self.problems)

    @property
    def result_text(self) -> str:
        if not self.checked:
            return "–"
        if self.unreadable:
            return "Datei nicht lesbar"
        if not self.n_fehler and not self.n_warnungen:
            return "in Ordnung"
        return f"{self.n_fehler} Fehler, {count_of(self.n_warnungen, 'Warnung')}"

    def as_json(self) -> dict[str, object]:
        return {
            "office": self.office.code, "name": self.office.name, "frist": self.deadline.isoformat(),
            "versand": _iso(self.sent), "versandart": self.sent_mode or "", "ruecklauf": _iso(self.returned),
            "uebernommen": _iso(self.merged), "geprueft": self.checked, "fehler": self.n_fehler,
            "warnungen": self.n_warnungen, "fehlende_werte": len(self.missing), "ueberfaellig": self.overdue,
        }


@dataclass
class RoundStatus:
    year: int
    offices: list[OfficeStatus]
    today: dt.date
    changed: list[LayoutChange] = field(default_factory=list)  # catalogue changed after an office's workbook

    HEADERS = ("Stelle", "Bezeichnung", "Frist", "Versand", "Rücklauf", "Prüfergebnis", "Fehlende Werte",
               "Überfällig")

    def table(self) -> tuple[list[str], list[list[str]]]:
        rows = []
        for s in self.offices:
            sent = f"{_de(s.sent)} ({'E-Mail' if s.sent_mode == mail.SendMode.SMTP else 'Entwurf'})" if s.sent else "nicht versandt"
            returned = _de(s.returned) if s.returned else "–"
            if s.returned and not s.delivered:
                returned += " (zurückgezogen)" if s.withdrawn and not s.n_fehler else " (nicht übernommen)"
            rows.append([s.office.code, s.office.name, _de(s.deadline), sent, returned, s.result_text,
                         str(len(s.missing)), "ja" if s.overdue else "nein"])
        return list(self.HEADERS), rows

    @property
    def delivered(self) -> int:
        return sum(1 for s in self.offices if s.delivered)

    @property
    def on_time(self) -> int:
        return sum(1 for s in self.offices if s.on_time)

    def share(self, count: int) -> float:
        return 100.0 * count / len(self.offices) if self.offices else 0.0

    def summary_lines(self) -> list[str]:
        total = len(self.offices)
        lines = [f"Berichtsjahr {self.year}: geliefert {self.delivered} von {count_of(total, 'Stelle')} "
                 f"({format_percent(self.share(self.delivered))}), fristgerecht {self.on_time} "
                 f"({format_percent(self.share(self.on_time))})."]
        groups = (("Überfällig", [s for s in self.offices if s.overdue]),
                  ("Rücklauf mit Fehlern", [s for s in self.offices if s.n_fehler]),
                  ("Noch nicht versandt", [s for s in self.offices if not s.sent]))
        for label, members in groups:
            if members:
                lines.append(f"{label}: {', '.join(s.office.code for s in members)}")
        if any(s.overdue or s.n_fehler for s in self.offices):
            lines.append(f"Erinnerungen schreiben: toolkit status --year {self.year} --remind")
        for change in self.changed:
            then = ("ein Rücklauf damit wird nach dessen Aufbau gelesen, was seitdem hinzukam, fehlt darin" if
                    change.readable else "ein Rücklauf damit kann nicht gelesen werden (sein Aufbau ist nicht "
                                         "gespeichert)")
            lines.append(f"Katalog geändert seit dem Bogen für {change.office} vom {_de(_date(change.made))}: seitdem "
                         f"{change.changes}; {then}. Neuen Bogen senden: 'toolkit distribute --year {self.year} "
                         f"--office {change.office} --again'.")
        return lines

    def gaps_lines(self) -> list[str]:
        """What a report of this year will lack: the offices whose current values are not all in the store, with
        how many are missing (said before a report is built)."""
        short = [s for s in self.offices if s.missing]
        if not short:
            return []
        total = sum(len(s.missing) for s in short)
        listed = ", ".join(f"{s.office.code} ({count_of(len(s.missing), 'Wert')})" for s in short)
        return [f"Stand {self.year}: geliefert haben {self.delivered} von {count_of(len(self.offices), 'Stelle')}"
                f". Es {'fehlt' if total == 1 else 'fehlen'} noch {count_of(total, 'Wert', adjective='aktuell')} "
                f"von {count_of(len(short), 'Stelle')}: {listed}.",
                f"Der Bericht wird mit diesem Stand erstellt; 'toolkit status --year {self.year}' zeigt, was fehlt."]

    def as_json(self) -> dict[str, object]:
        return {"jahr": self.year, "stand": self.today.isoformat(), "stellen": len(self.offices),
                "geliefert": self.delivered, "fristgerecht": self.on_time,
                "anteil_geliefert": round(self.share(self.delivered), 1),
                "anteil_fristgerecht": round(self.share(self.on_time), 1),
                "dienststellen": [s.as_json() for s in self.offices],
                "katalog_geaendert": [{"office": c.office, "bogen_erstellt": c.made, "seitdem": c.changes,
                                       "alter_bogen_lesbar": c.readable} for c in self.changed]}


def check_round_year(year: int, today: dt.date | None = None) -> None:
    """A round (distribute, status) is for a report year up to the next one: the report year Y is collected early
    in Y+1, so in 2026 the rounds of 2025 and 2026 are due, and 2027 may be prepared. Later years: UsageError."""
    last = (today or dt.date.today()).year + 1
    if year > last:
        raise UsageError(f"Das Berichtsjahr {year} liegt zu weit in der Zukunft: Erhebungsrunden gibt es bis zum "
                         f"Berichtsjahr {last} (das laufende und das nächste Jahr).",
                         hint=f"Bitte das Berichtsjahr prüfen, z. B. --year {last - 2} für die Runde, die "
                              f"{last - 1} eingesammelt wird.")


def round_status(workspace: Workspace, year: int, *, today: dt.date | None = None,
                 catalogue: Catalogue | None = None,
                 plans: Callable[[str, int], WorkbookPlan] | None = None) -> RoundStatus:
    """Status of every office of the round for ``year`` (read-only); a year after the next is a UsageError.

    ``catalogue``: the working folder's catalogue when the caller has read it already (the master matrix);
    ``plans``: (office, year) -> the plan of that catalogue, when the caller has made them already (a merge has
    planned every office it checked); by default each is planned here.
    """
    check_round_year(year, today)
    settings = load_settings(workspace.settings_file)
    catalogue = catalogue or workspace_catalogue(workspace)
    today = today or dt.date.today()
    if not workspace.store_file.is_file():
        offices = catalogue.offices_with_indicators(year)
        return RoundStatus(year, [_empty_status(catalogue, o, year, settings, today) for o in offices], today)
    store = Store.read_only(workspace.store_file)
    try:
        return _collect(store, catalogue, settings, year, today, plans or (lambda code, y: plan_workbook(catalogue, code, y)))
    finally:
        store.close()


def _empty_status(catalogue: Catalogue, office: Office, year: int, settings: Settings,
                  today: dt.date) -> OfficeStatus:
    slots = plan_workbook(catalogue, office.code, year).input_slots()
    return OfficeStatus(office, settings.deadline(year), missing=slots, today=today)


def _collect(store: Store, catalogue: Catalogue, settings: Settings, year: int, today: dt.date,
             plans: Callable[[str, int], WorkbookPlan]) -> RoundStatus:
    rounds = store.rounds(year)
    codes = [o.code for o in catalogue.offices_with_indicators(year)]
    codes += [c for c in rounds if c not in codes and c in catalogue.offices]
    present = store.keys(years=[year])
    result = []
    for code in codes:
        office = catalogue.offices[code]
        deadline = dt.date.fromisoformat(rounds[code]["deadline"]) if code in rounds else settings.deadline(year)
        status = OfficeStatus(office, deadline, token=rounds[code]["token"] if code in rounds else "", today=today)
        status.missing = [s for s in plans(code, year).input_slots() if s.key not in present]
        result.append(status)
    by_code = {s.office.code: s for s in result}
    for row in store.sendings(year):
        status = by_code.get(row["office"])
        if status and row["kind"] == mail.SendingKind.COLLECTION and row["ok"] and status.sent is None:
            status.sent, status.sent_mode = _date(row["sent_at"]), mail.SendMode(row["mode"])
        elif status and row["kind"] == mail.SendingKind.COLLECTION and row["ok"] and row["mode"] == mail.SendMode.SMTP:
            status.sent_mode = mail.SendMode.SMTP
    for row in store.deliveries(year):
        status = by_code.get(row["office"])
        if status is None or row["source"] != DeliverySource.RETURN:
            continue
        if not in_effect(row):
            status.withdrawn = True
            continue
        status.merged = min(filter(None, (status.merged, _date(row["received_at"]))))
        status.returned = min(filter(None, (status.returned, _date(row["received_at"]))))
        _take_result(status, row["n_fehler"], row["n_warnungen"], row["problems_json"], row["file_name"],
                     row["merged_at"])
    for row in store.checks(year):  # ordered by time: the latest check wins
        status = by_code.get(row["office"])
        if status is None:
            continue
        status.returned = min(filter(None, (status.returned, _date(row["checked_at"]))))
        _take_result(status, row["n_fehler"], row["n_warnungen"], row["problems_json"], row["file_name"],
                     row["checked_at"])
    return RoundStatus(year, result, today, layout_changes(store, catalogue, year, codes))


def _take_result(status: OfficeStatus, n_fehler: int, n_warnungen: int, problems_json: str, file: str,
                 when: str) -> None:
    status.checked = True
    status.file, status.file_date = file, _date(when)
    status.n_fehler, status.n_warnungen = int(n_fehler), int(n_warnungen)
    try:
        problems = json.loads(problems_json or "[]")
    except json.JSONDecodeError:
        problems = []
    status.problems = [p for p in problems if isinstance(p, dict)]


def _date(text: str) -> dt.date:
    return dt.datetime.fromisoformat(text).date()


def _de(day: dt.date | None) -> str:
    return german_date(day)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# ---- reminders ------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    year: int
    written: list[tuple[str, str, list[str]]] = field(default_factory=list)  # office, draft/sent/error, reasons
    errors: int = 0
    mails: Path | None = None  # the folder of the drafts

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.DELIVERY if self.errors else ExitCode.OK

    def lines(self) -> list[str]:
        if not self.written:
            return [f"Keine Erinnerung nötig: keine Stelle ist für {self.year} überfällig oder hat Fehler."]
        lines = [f"{office}: {what} ({count_of(len(reasons), 'Punkt')})" for office, what, reasons in self.written]
        lines.append(f"{count_of(len(self.written), 'Erinnerung')} für {self.year}.")
        if self.errors:
            mails = for_user(self.mails) if self.mails else f"outbox/{self.year}/Mails"
            lines.append(f"{self.errors} davon {'konnte' if self.errors == 1 else 'konnten'} nicht gesendet werden. "
                         f"Ihre Entwürfe liegen in {mails} (Erinnerung_{self.year}_CODE.eml): in Outlook öffnen und "
                         "senden, oder die SMTP-Angaben in toolkit.toml ([mail]) prüfen und erneut senden.")
        return lines


def reminder_reasons(status: OfficeStatus, year: int) -> list[str]:
    """What is missing or wrong, one line each, as the office needs it to fix its workbook."""
    reasons: list[str] = []
    name = file_name(year, status.office.code)
    fehler = [p for p in status.problems if p.get("severity") == "fehler"]
    listed = fehler
    if not status.returned:
        reasons.append(f"Der Erhebungsbogen {name} ist noch nicht bei uns eingegangen (Frist {_de(status.deadline)}).")
    elif status.unreadable:  # no workbook at all: named as the file that was sent, not as one to correct
        said = " ".join(p.get("message", "") for p in fehler if p.get("code") in UNREADABLE_CODES)
        reasons.append(f"Ihre Datei {status.file} (geprüft am {_de(status.file_date)}) konnten wir nicht lesen und "
                       f"haben sie nicht übernommen. {said}")
        listed = [p for p in fehler if p.get("code") not in UNREADABLE_CODES]
    elif fehler:
        them = "ihn" if len(fehler) == 1 else "sie"
        reasons.append(f"Ihre Datei {status.file} (geprüft am {_de(status.file_date)}) haben wir nicht übernommen, weil "
                       f"sie {count_of(len(fehler), 'Fehler')} enthält. Bitte korrigieren Sie {them} und senden "
                       "Sie den ganzen Bogen erneut.")
    elif status.withdrawn and not status.delivered:
        reasons.append(f"Ihre Lieferung {status.file} haben wir zurückgezogen; bitte senden Sie den Erhebungsbogen "
                       "erneut.")
    for problem in listed:
        place = f"{problem.get('sheet')}!{problem.get('cell')}" if problem.get("cell") else problem.get("sheet", "")
        message = str(problem.get("message", ""))
        indicator = f" ({problem['indicator']})" if problem.get("indicator") and problem["indicator"] not in message \
            else ""
        if place and message.startswith(f"{place}: "):  # the cell is named once
            message = message.removeprefix(f"{place}: ")
        where = f" in {place or status.file or name}" if not place or place not in message else ""
        reasons.append(f"Fehler{where}{indicator}: {message}")
    if status.returned:
        missing = status.missing
        if fehler:  # only what the file left empty: its filled cells are missing only because of the Fehler
            empty = {(p.get("sheet"), p.get("cell")) for p in status.problems if p.get("code") == "fehlender-wert"}
            missing = [slot for slot in missing if (slot.sheet, slot.cell) in empty]
        reasons.extend(_missing_lines(missing))
    return reasons


def _missing_lines(missing: list[Slot]) -> list[str]:
    by_indicator: dict[str, list[Slot]] = {}
    for slot in missing:
        by_indicator.setdefault(slot.key.indicator, []).append(slot)
    lines = []
    for indicator, slots in by_indicator.items():
        cells = ", ".join(s.address for s in slots[:MAX_LISTED])
        more = f" und {len(slots) - MAX_LISTED} weitere" if len(slots) > MAX_LISTED else ""
        lines.append(f"Es {'fehlt' if len(slots) == 1 else 'fehlen'} {count_of(len(slots), 'Wert')} zu {indicator}: "
                     f"{cells}{more}.")
    return lines


def write_reminders(workspace: Workspace, year: int, *, send: bool = False,
                    today: dt.date | None = None) -> ReminderResult:
    """Reminder drafts in outbox/<Y>/Mails/ (or SMTP) to late offices and to returns with Fehler."""
    status = round_status(workspace, year, today=today)
    due = [s for s in status.offices if s.sent and (s.overdue or s.n_fehler)]
    result = ReminderResult(year, mails=workspace.mails_dir(year))
    if not due:
        return result
    settings = load_settings(workspace.settings_file)
    catalogue = workspace_catalogue(workspace)
    mail.check_contacts(catalogue, [s.office for s in due], settings)
    if send:
        mail.check_smtp_settings(settings)
    with locked(workspace, "toolkit status --remind"), Store(workspace.store_file) as store:
        sender = mail.SmtpSender(settings) if send else None
        try:
            for office_status in due:
                _remind(workspace, store, settings, office_status, year, sender, result)
        finally:
            if sender is not None:
                sender.close()
    return result


def _remind(workspace: Workspace, store: Store, settings: Settings, status: OfficeStatus, year: int,
            sender: mail.SmtpSender | None, result: ReminderResult) -> None:
    reasons = reminder_reasons(status, year)
    message = mail.reminder_message(office=status.office, year=year, deadline=status.deadline, settings=settings,
                                    token=status.token, reasons=reasons)
    draft = workspace.mails_dir(year) / f"Erinnerung_{year}_{status.office.code}.eml"
    mail.write_draft(message, draft)
    error = sender.send(message) if sender is not None else ""
    with store.transaction():
        store.record_sending(year=year, office=status.office.code, token=status.token, kind=mail.SendingKind.REMINDER,
                             mode=mail.SendMode.SMTP if sender else mail.SendMode.DRAFT, recipients=", ".join(mail.recipients(message)),
                             message_id=str(message["Message-ID"]), sha256="", ok=not error, error=error)
    if error:
        result.errors += 1
        what = f"FEHLER beim Senden: {error}"
    else:
        what = "gesendet" if sender else f"Entwurf {draft.name}"
    result.written.append((status.office.code, what, reasons))
