"""The one protected table everything published takes its numbers from (report, Tabellenanhang, export)."""

from __future__ import annotations

import pandas as pd

from toolkit.catalogue.model import Catalogue
from toolkit.catalogue.upgrade import workspace_catalogue
from toolkit.core.errors import InputError
from toolkit.core.settings import Settings, load_settings
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace
from toolkit.indicators.confidentiality import protect
from toolkit.indicators.values import value_frame


def load_published(workspace: Workspace, year: int) -> tuple[Catalogue, Settings, pd.DataFrame]:
    """Catalogue, settings and the protected values of every year up to ``year``."""
    catalogue = workspace_catalogue(workspace)
    settings = load_settings(workspace.settings_file)
    if not workspace.store_file.is_file():
        raise InputError(f"Im Arbeitsordner {workspace.root} gibt es noch keine Daten ({workspace.store_file} fehlt).",
                         hint="Zuerst Rückläufe mit 'toolkit merge' übernehmen oder Werte mit 'toolkit import' laden.")
    with Store.read_only(workspace.store_file) as store:
        observations = store.observations_frame()
    observations = observations[observations["year"] <= year]
    if observations.empty:
        raise InputError(f"Für das Berichtsjahr {year} und die Jahre davor liegen in {workspace.store_file} keine "
                         "Werte vor; ein Bericht wäre leer.",
                         hint="Bitte das Berichtsjahr prüfen, Rückläufe mit 'toolkit merge' übernehmen oder frühere "
                              "Jahre mit 'toolkit import' laden.")
    return catalogue, settings, protect(value_frame(observations, catalogue), catalogue, settings.mindesteinwohner)
