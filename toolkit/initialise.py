"""toolkit init: a new working folder with settings, the catalogue template, the report template and the mappings.

Above every stage: it writes the first stage's template (the catalogue), the last one's (the report) and the
example mappings of `toolkit import` for the Amt für Statistik's KISS-MD tables (templates/zuordnungen/).
"""

from __future__ import annotations

from pathlib import Path

from toolkit.catalogue.catalogue_workbook import write_catalogue_workbook
from toolkit.core.errors import InputError
from toolkit.core.settings import DEFAULT_SETTINGS_TOML
from toolkit.core.workspace import Workspace, atomic_write_bytes, ensure_folders
from toolkit.merge.mapping import MAPPINGS_FOLDER, default_mappings
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
