"""Internal notes stay inside the coordination: no collection workbook, mail or Prüfbericht carries an Interne Notiz.

The whole round of the default catalogue is made in a temporary folder (every office's workbook and mail, a
reminder to every office, the Prüfbericht of a return with a mistake) and every text in it is searched for every
internal note of the catalogue.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import io
import zipfile
from pathlib import Path

from workbook_edit import set_cells

from toolkit.collect.distribute import distribute_round
from toolkit.collect.layout import plan_workbook
from toolkit.collect.status import write_reminders
from toolkit.returns.checks import check_files

YEAR = 2025


def _xlsx_text(data: bytes) -> str:
    """Every text of a workbook (cells, comments, properties, data validation messages), XML entities resolved."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return html.unescape(" ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                                      if name.endswith((".xml", ".rels", ".vml"))))


def _mail_texts(path: Path) -> list[str]:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    texts = [str(message["Subject"])]
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_maintype() == "text":
            texts.append(part.get_content())
        elif (part.get_filename() or "").endswith(".xlsx"):
            texts.append(_xlsx_text(part.get_payload(decode=True)))
    return texts


def test_no_workbook_mail_or_check_report_carries_an_internal_note(workspace, catalogue):
    notes = {i.id: i.notiz_intern for i in catalogue.indicators.values() if i.notiz_intern}
    public = {i.id: i.hinweis_bericht for i in catalogue.indicators.values() if i.hinweis_bericht}
    assert len(notes) > 50
    notes |= {o.code: o.notiz_intern for o in catalogue.offices.values() if o.notiz_intern}  # "Bezeichnung prüfen"
    result = distribute_round(workspace, YEAR, workers=1)
    assert len(result.outcomes) == len(catalogue.offices_with_indicators())
    plan = plan_workbook(catalogue, "JUGA", YEAR)
    first = plan.input_slots()[0]
    set_cells(workspace.workbooks_dir(YEAR) / "Erhebung_2025_JUGA.xlsx", workspace.inbox / "Erhebung_2025_JUGA.xlsx",
              {(first.sheet, first.cell): "etwa 40"})
    [report] = check_files(workspace, feedback=True)
    assert not report.ok
    reminded = write_reminders(workspace, YEAR, today=dt.date(YEAR + 3, 1, 1))
    assert len(reminded.written) == len(result.outcomes)

    files = sorted(workspace.outbox.rglob("*.*"))
    workbooks = [p for p in files if p.suffix == ".xlsx" and "Erhebungsboegen" in p.parts]
    check_reports = [p for p in files if "Pruefberichte" in p.parts]
    mails = [p for p in files if p.suffix == ".eml"]
    assert (len(workbooks), len(check_reports), len(mails)) == (len(result.outcomes), 1, 2 * len(result.outcomes))
    texts = {p.name: _xlsx_text(p.read_bytes()) for p in workbooks + check_reports}
    texts |= {p.name: " ".join(_mail_texts(p)) for p in mails}
    leaks = [(name, indicator) for name, text in texts.items() for indicator, note in notes.items() if note in text]
    assert leaks == []
    # the search can find what it looks for: the public notes stand in the Definitionen of the workbooks
    in_workbooks = " ".join(texts[p.name] for p in workbooks)
    collected = {i.id for i in catalogue.indicators.values() if i.collected_in_city and i.has_year(YEAR)}
    assert [i for i, note in public.items() if i in collected and note not in in_workbooks] == []
