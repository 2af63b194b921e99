"""The one protected table everything published takes its numbers from (report, Tabellenanhang, export)."""

from __future__ import annotations

import pandas as pd

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.upgrade import workspace_catalogue
from toolkit.core.cells import year_span
from toolkit.core.errors import InputError, UsageError
from toolkit.core.settings import Settings, load_settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.indicators.confidentiality import protect
from toolkit.indicators.values import value_frame


def load_published(workspace: Workspace, year: int) -> tuple[Catalogue, Settings, pd.DataFrame]:
    """Catalogue, settings and the protected values of every year up to ``year``, a year with values in the store
    (else UsageError, naming the years there are)."""
    catalogue = workspace_catalogue(workspace)
    settings = load_settings(workspace.settings_file)
    if not workspace.store_file.is_file():
        raise InputError(f"Im Arbeitsordner {workspace.root} gibt es noch keine Daten ({workspace.store_file} fehlt).",
                         hint="Zuerst Rückläufe mit 'toolkit merge' übernehmen oder Werte mit 'toolkit import' laden.")
    with Store.read_only(workspace.store_file) as store:
        observations = store.observations_frame()
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
    return catalogue, settings, protect(value_frame(observations, catalogue), catalogue, settings.mindesteinwohner)
