"""A working folder's life: `toolkit init` makes one, `toolkit upgrade` brings one of an earlier version up to date.

Above every stage: init writes the first stage's template (the catalogue), the last one's (the report) and the
example mappings of `toolkit import` for the Amt für Statistik's KISS-MD tables (templates/zuordnungen/); upgrade
moves the store to the present version (catalogue.upgrade) and rewrites the master matrix when it is behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.catalogue.upgrade import Upgrade, upgrade_store, workspace_catalogue
from toolkit.core.errors import InputError
from toolkit.core.settings import DEFAULT_SETTINGS_TOML
from toolkit.core.store import Store
from toolkit.core.workspace import Workspace, atomic_write_bytes, ensure_folders, for_user, locked
from toolkit.merge.mapping import MAPPINGS_FOLDER, default_mappings
from toolkit.merge.matrix import refresh_master_matrix
from toolkit.report.word_template import write_report_template


def init_workspace(folder: Path | str) -> Workspace:
    """Create a new working folder with settings, templates, the example mappings and the standard sub-folders.

    Refuses to touch a folder that already holds a working folder (or any files), so nothing is overwritten.
    """

    root = Path(folder).resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InputError(
            f"Der Ordner {root} existiert schon und ist nicht leer; es wird nichts überschrieben.",
            hint="Bitte einen neuen, leeren Ordner angeben.",
        )
    workspace = Workspace(root)
    ensure_folders(workspace)
    atomic_write_bytes(workspace.settings_file, DEFAULT_SETTINGS_TOML.encode("utf-8"))
    write_catalogue_workbook(workspace.catalogue_file)
    write_report_template(workspace.report_template)
    for name, content in default_mappings().items():
        atomic_write_bytes(workspace.root / MAPPINGS_FOLDER / name, content)
    return workspace


@dataclass
class UpgradeResult:
    root: Path
    done: Upgrade | None  # what the upgrade of the store did; None: the store was current (or there is none)
    matrix: Path | None  # the master matrix, if it was rewritten

    def lines(self) -> list[str]:
        lines = [] if self.done is None else [self.done.line()]
        if self.matrix is not None:
            lines.append(f"Monitoringdaten auf den Stand des Datenbestands gebracht: {for_user(self.matrix)}")
        return lines or [f"Der Arbeitsordner {for_user(self.root)} ist auf dem aktuellen Stand; es wurde nichts geändert."]


def upgrade_workspace(workspace: Workspace) -> UpgradeResult:
    """Bring the store of an earlier version up to date (once) and the master matrix to the store's state."""
    catalogue = workspace_catalogue(workspace)
    done = upgrade_store(workspace, catalogue)
    matrix = None
    if workspace.store_file.is_file():
        with locked(workspace, "toolkit upgrade"), Store(workspace.store_file) as store:
            matrix = refresh_master_matrix(workspace, store, catalogue)
    return UpgradeResult(workspace.root, done, matrix)
