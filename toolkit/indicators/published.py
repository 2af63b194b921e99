"""The one protected table everything published takes its numbers from (report, Tabellenanhang, export), with what
earlier editions published taken as public (the publication ledger, indicators/editions.py).

Only values the catalogue has a home for enter it (catalogue/orphans.py): a stored value of a deleted indicator or
Stadtteil, or of a Stadtteil whose key changed, is never published under an internal code, nor one for a year the
catalogue rules out (TEI-02 outside its Erhebungsjahre). Such values stop the
publication (a municipal statistics office does not publish silently incomplete numbers) unless the caller asks to
leave them out; then they are listed in ``Published.left_out``.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.orphans import count_phrase, find_orphans, homes, orphan_problems
from toolkit.catalogue.upgrade import workspace_catalogue
from toolkit.core.cells import year_span
from toolkit.core.errors import DataProblemsError, InputError, UsageError
from toolkit.core.keys import ALL
from toolkit.core.problems import Problem
from toolkit.core.runtime import ContentMemo
from toolkit.core.settings import Settings, load_settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, for_user
from toolkit.indicators.audit import AuditResult, cells_of
from toolkit.indicators.confidentiality import protect
from toolkit.indicators.editions import audit_editions, audit_frame, earlier_of, edition_frames, editions_of
from toolkit.indicators.values import value_frame

LEAVE_OUT_OPTION = "--verwaiste-weglassen"


class Published(NamedTuple):
    catalogue: Catalogue
    settings: Settings
    frame: pd.DataFrame  # the protected values of every year up to the report year
    left_out: list[Problem]  # stored values without a home in the catalogue, left out on request


def load_published(workspace: Workspace, year: int, *, leave_out_orphans: bool = False,
                   breakdowns: bool = False, internal: bool = False) -> Published:
    """Catalogue, settings and the protected values of every year up to ``year``.

    Disclosure control protects every cell at once, those broken down by age group or nationality included; the
    frame holds them with ``breakdowns`` (the export), else only the values of all ages and all nationalities (the
    report as it was before the breakdowns). Single nationalities below [geheimhaltung]
    staatsangehoerigkeit_mindestzahl are withheld as 'übrige Staatsangehörigkeiten' (confidentiality.protect) except
    in the ``internal`` edition, which shows them (with the usual suppression).

    ``year`` must be a year with values in the store (else UsageError, naming the years there are). Stored values
    without a home in the catalogue raise DataProblemsError naming them, or with ``leave_out_orphans`` are left out
    and listed in ``left_out``.
    """
    catalogue = workspace_catalogue(workspace)
    settings = load_settings(workspace.settings_file)
    if not workspace.store_file.is_file():
        raise InputError(f"Im Arbeitsordner {for_user(workspace.root)} gibt es noch keine Daten "
                         f"({for_user(workspace.store_file)} fehlt).",
                         hint="Zuerst Rückläufe mit 'toolkit merge' übernehmen oder Werte mit 'toolkit import' laden.")
    key = _protected_key(workspace, settings, year, leave_out_orphans, internal)
    found = PROTECTED.get(key) if key is not None else None
    if found is not None:
        published = Published(catalogue, settings, found[0].copy(), list(found[1]))
        return published if breakdowns else totals(published)
    with Store.read_only(workspace.store_file) as store:
        orphans = find_orphans(store, catalogue)
        observations = store.observations_frame()
        earlier = earlier_of(editions_of(store.editions()), store.edition_cells())
    left_out = orphan_problems(orphans, catalogue)
    if left_out and not leave_out_orphans:
        listed = "\n".join(f"  - {p.message}" for p in left_out)
        raise DataProblemsError(
            f"{count_phrase(orphans.total, 'hat', 'haben')} im Katalog {for_user(workspace.catalogue_file)} keine "
            "Zuordnung mehr. "
            f"Eine Veröffentlichung ohne diese Werte wäre unvollständig; es wurde nichts geschrieben.\n{listed}",
            hint=f"Bitte den Katalog korrigieren und den Befehl wiederholen. Sollen diese Werte wirklich nicht mehr "
                 f"veröffentlicht werden: den Befehl mit {LEAVE_OUT_OPTION} wiederholen (sie bleiben in der "
                 "Datenhaltung, die Ausgabe nennt sie).")
    if left_out:
        possible = [not catalogue.impossible(indicator, year, group) for indicator, year, group  # Erhebungsjahre
                    in zip(observations["indicator"], observations["year"], observations["group"], strict=True)]
        observations = observations[possible]
        known = homes(catalogue)
        observations = observations[observations["indicator"].isin(known["indicator"])
                                    & observations["area"].isin(known["area"]) & observations["group"].isin(known["grp"])
                                    & observations["sex"].isin(known["sex"]) & observations["age"].isin(known["age"])
                                    & observations["nationality"].isin(known["nationality"])]
    years = {int(y) for y in observations["year"].unique()}
    if years and year not in years:  # a report or an export is made for a year with values of its own
        raise UsageError(f"Für das Berichtsjahr {year} liegen im Datenbestand keine Werte vor; Werte gibt es für "
                         f"{year_span(years)}.",
                         hint="Bitte eines dieser Jahre angeben, oder die Werte des Jahres zuerst mit 'toolkit merge' "
                              "(Rückläufe) oder 'toolkit import' übernehmen.")
    observations = observations[observations["year"] <= year]
    if observations.empty:
        raise InputError(f"Für das Berichtsjahr {year} und die Jahre davor liegen in {workspace.store_file} keine "
                         "Werte vor; ein Bericht wäre leer.",
                         hint="Bitte das Berichtsjahr prüfen, Rückläufe mit 'toolkit merge' übernehmen oder frühere "
                              "Jahre mit 'toolkit import' laden.")
    frame = protect(value_frame(observations, catalogue), catalogue, settings.mindesteinwohner, earlier,
                    0 if internal else settings.staatsangehoerigkeit_mindestzahl, settings.jahre_im_bericht)
    if key is not None:
        PROTECTED.put(key, (frame.copy(), tuple(left_out)))
    published = Published(catalogue, settings, frame, left_out)
    return published if breakdowns else totals(published)


# The protected tables this process computed, by everything they depend on: the bytes of the store and of the
# catalogue, the settings of disclosure control, the year and the edition. One command asks for the same table more
# than once (compile's report and internal audit, publish's report, website and ledger, the demo's report and export);
# protecting the demo's 60,000 values costs 1.5 s. Each caller gets its own copy; a store with a hot journal (a write
# under way or broken off) is never kept, nor anything that raised.
PROTECTED: ContentMemo[tuple[pd.DataFrame, tuple[Problem, ...]]] = ContentMemo(kept=2)


def _protected_key(workspace: Workspace, settings: Settings, year: int, leave_out_orphans: bool,
                   internal: bool) -> tuple | None:
    journal = workspace.store_file.with_name(workspace.store_file.name + "-journal")
    try:
        if journal.is_file() and journal.stat().st_size:
            return None
        store = workspace.store_file.read_bytes()
        catalogue = workspace.catalogue_file.read_bytes()
    except OSError:  # the reading below says what is wrong
        return None
    return PROTECTED.key(store + catalogue, len(store), str(workspace.catalogue_file), settings.mindesteinwohner,
                         settings.staatsangehoerigkeit_mindestzahl, settings.jahre_im_bericht, year,
                         leave_out_orphans, internal)


def totals(published: Published) -> Published:
    """Only the values of all ages and all nationalities of a protected table (what the report shows)."""
    frame = published.frame
    return published._replace(frame=frame[(frame["age"] == ALL) & (frame["nationality"] == ALL)].reset_index(drop=True))


def audit_all_editions(workspace: Workspace, rows: list[dict[str, str]], catalogue: Catalogue) -> AuditResult:
    """The audit (indicators/audit.py) over every edition of the ledger and the one whose open-data ``rows`` (as
    text, like the CSV) are about to be published, read together (indicators/editions.py)."""
    with Store.read_only(workspace.store_file) as store:
        earlier = edition_frames(editions_of(store.editions()), store.edition_cells())
    return audit_editions([*(audit_frame(frame, catalogue) for frame in earlier), cells_of(rows, catalogue)], catalogue)
