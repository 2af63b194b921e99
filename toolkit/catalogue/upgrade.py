"""The catalogue of a working folder, and the one-time upgrade of a store written by an earlier version.

Up to version 0.2 the catalogue numbered the Stadtteile alphabetically (4 = Barleber See) and the store kept
their values under those numbers ('st04'). Since 0.3 the Stadtteile carry the Amt für Statistik's keys
(04 = Alte Neustadt, 72 = Barleber See). ``upgrade_store`` moves such a store's values and history to the new
keys, by name: the names come from the working folder's catalogue if it still has the old 'Nummer' column, else
from the alphabetical numbering every earlier version shipped. With it the store's schema is brought up to date
(core.store.Store): since 0.4 a value carries an age group and a nationality, and every value of an earlier store
gets "alle" for both (all ages, all nationalities).

The upgrade writes, so it runs once, under the working folder's lock, in a command that writes (merge, import,
distribute, upgrade). A reading command never upgrades: it opens the store read-only, and an outdated store is
refused with the command to run (core.store.Store.read_only).
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.catalogue.model import Catalogue, district_area, load_catalogue, name_key
from toolkit.core.cells import count_of
from toolkit.core.progress import SILENT, Progress
from toolkit.core.store import DISTRICT_KEYS, OFFICIAL, Store
from toolkit.core.workspace import Workspace, locked

# The numbering of the default catalogue up to version 0.2: number = position in this list (1-based).
NUMBERED_UP_TO_0_2 = ('Alt Olvenstedt', 'Alte Neustadt', 'Altstadt', 'Barleber See', 'Berliner Chaussee', 'Beyendorfer Grund', 'Beyendorf-Sohlen', 'Brückfeld', 'Buckau', 'Cracau', 'Diesdorf', 'Fermersleben', 'Gewerbegebiet Nord', 'Großer Silberberg', 'Herrenkrug', 'Hopfengarten', 'Industriehafen', 'Kannenstieg', 'Kreuzhorst', 'Leipziger Straße', 'Lemsdorf', 'Neu Olvenstedt', 'Neue Neustadt', 'Neustädter Feld', 'Neustädter See', 'Nordwest', 'Ottersleben', 'Pechau', 'Prester', 'Randau-Calenberge', 'Reform', 'Rothensee', 'Salbke', 'Stadtfeld Ost', 'Stadtfeld West', 'Sudenburg', 'Sülzegrund', 'Werder', 'Westerhüsen', 'Zipkeleben')


def workspace_catalogue(workspace: Workspace) -> Catalogue:
    """The working folder's catalogue (templates/Indikatorenmatrix.xlsx); reading it changes nothing."""
    return load_catalogue(workspace.catalogue_file)


@dataclass(frozen=True)
class Upgrade:
    """What the one-time upgrade of a store did."""

    moved: int  # values of the Stadtteile moved to the Amt's keys (stores up to 0.2)
    aged: int  # values given the age group and nationality "alle" (stores before 0.4)

    def line(self) -> str:
        """What the upgrade did, in one line."""
        done = []
        if self.moved:
            done.append(f"{count_of(self.moved, 'Wert')} der Stadtteile {'steht' if self.moved == 1 else 'stehen'} "
                        "jetzt unter den Stadtteilschlüsseln des Amts für Statistik (nach Namen zugeordnet)")
        if self.aged:
            done.append(f"{count_of(self.aged, 'Wert')} {'gilt' if self.aged == 1 else 'gelten'} für alle "
                        "Altersgruppen und alle Staatsangehörigkeiten (die neuen Merkmale Altersgruppe und "
                        "Staatsangehörigkeit)")
        if not done:
            return "Datenbestand auf die aktuelle Version umgestellt; alle Werte bleiben, wie sie sind."
        return f"Datenbestand auf die aktuelle Version umgestellt: {'; '.join(done)}."


def upgrade_store(workspace: Workspace, catalogue: Catalogue, progress: Progress = SILENT,
                  purpose: str = "toolkit upgrade") -> Upgrade | None:
    """Bring a store of an earlier version up to date, under the folder lock; returns what it did, or None when the
    store was current already (or there is none).

    ``purpose`` names the command in the lock's note. Call it before the command takes the lock itself.
    """
    if not workspace.store_file.is_file():
        return None
    with Store.read_only(workspace.store_file, outdated_ok=True) as reading:
        if not reading.outdated():
            return None
    with locked(workspace, purpose), Store(workspace.store_file) as store:  # Store() brings the schema up to date
        done = Upgrade(follow_official_keys(store, catalogue), store.aged)
    progress.note(done.line())
    return done


def follow_official_keys(store: Store, catalogue: Catalogue) -> int:
    """Move a store of version 0.2 or earlier to the Amt's keys (once); returns how many values moved."""
    if store.meta(DISTRICT_KEYS) == OFFICIAL:
        return 0
    moves = catalogue.legacy_areas or numbered_up_to_0_2(catalogue)
    with store.transaction():
        moved = store.rename_areas({old: new for old, new in moves.items() if old != new})
        store.set_meta(DISTRICT_KEYS, OFFICIAL)
    return moved


def numbered_up_to_0_2(catalogue: Catalogue) -> dict[str, str]:
    """Old area -> area of the same name in catalogue, for the numbering of the earlier default catalogue."""
    by_name = {name_key(d.name): d.area for d in catalogue.districts}
    return {district_area(f"{number:02d}"): by_name[name_key(name)]
            for number, name in enumerate(NUMBERED_UP_TO_0_2, start=1) if name_key(name) in by_name}
