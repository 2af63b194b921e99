"""Named exit codes and the ToolkitError hierarchy.

Library code raises a ToolkitError subclass with a German message that names the file and says what
to do; the CLI turns it into that message and the class's exit code (see ``cli.main``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every command; the README's table is made from ``meaning`` (python scripts/build_docs.py)."""

    OK = 0
    DATA_PROBLEMS = 1  # problems found in the data (a Fehler in a return, a check failed)
    USAGE = 2  # wrong options or arguments
    INPUT = 3  # input or settings missing or unreadable (working folder, file, catalogue)
    INTERNAL = 4  # a bug: please report it with --debug output
    BUSY = 5  # another toolkit process holds the lock of the working folder
    DELIVERY = 6  # e-mail could not be sent to at least one office
    FILE_IN_USE = 7  # a file to replace, move or delete is held open by another program (Excel, Word)

    @property
    def meaning(self) -> str:
        """What the code tells the user, in German (a row of the README's table)."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "alles in Ordnung",
    ExitCode.DATA_PROBLEMS: "in den Daten wurden Fehler gefunden (z. B. ein Rücklauf mit Fehler, der in inbox/ bleibt)",
    ExitCode.USAGE: "Aufruf fehlerhaft (unbekannte Option, ein Jahr ohne Werte oder zu weit in der Zukunft, unbekannte "
                    "Stelle oder Kennzahl – mit den gültigen Jahren oder den nächstliegenden Namen)",
    ExitCode.INPUT: "Eingabe oder Einstellung fehlt oder ist nicht lesbar (Arbeitsordner, Datei, Katalog, toolkit.toml)",
    ExitCode.INTERNAL: "interner Fehler – bitte mit `--debug` (an beliebiger Stelle im Befehl) wiederholen und die "
                       "Ausgabe weitergeben",
    ExitCode.BUSY: "der Arbeitsordner ist gesperrt, weil gerade ein anderer Befehl (z. B. `merge`) läuft",
    ExitCode.DELIVERY: "E-Mail konnte an mindestens eine Stelle nicht gesendet werden",
    ExitCode.FILE_IN_USE: "eine Datei, die ersetzt, verschoben oder gelöscht werden muss, ist noch geöffnet (Excel, Word); "
                          "nichts wurde halb geändert",
}


class ToolkitError(Exception):
    """Base of all expected errors. ``str(error)`` is the German message for the user."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(ToolkitError):
    """The call's options do not fit together (e.g. a year out of range)."""

    exit_code = ExitCode.USAGE


class InputError(ToolkitError):
    """A file, folder or setting the command needs is missing or unreadable."""

    exit_code = ExitCode.INPUT


class CatalogueError(InputError):
    """The indicator catalogue (Indikatorenmatrix.xlsx) has invalid content."""

    def __init__(self, problems: list[str], file: str, missing_sheets: int = 0) -> None:
        """``missing_sheets``: how many of ``problems`` are sheets that are missing (they name no cells)."""
        lines = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … und {len(problems) - 50} weitere" if len(problems) > 50 else ""
        named = ("Blätter und Zellen" if missing_sheets else "Zellen") if missing_sheets < len(problems) else ""
        super().__init__(
            f"Der Indikatorenkatalog {file} enthält {len(problems)} Fehler:\n{lines}{more}",
            hint=f"Bitte die genannten {named} in Excel korrigieren, speichern und den Befehl erneut starten."
            if named else "Danach den Befehl erneut starten.",
        )
        self.problems = problems


class DataProblemsError(ToolkitError):
    """Checked data has Fehler; the details are in the accompanying report."""

    exit_code = ExitCode.DATA_PROBLEMS


class BusyError(ToolkitError):
    """Another process holds the working folder's lock."""

    exit_code = ExitCode.BUSY


class FileInUseError(ToolkitError):
    """A file the command must replace, move or delete is held open by another program; nothing was changed."""

    exit_code = ExitCode.FILE_IN_USE


class DeliveryError(ToolkitError):
    """Sending e-mail failed for at least one office."""

    exit_code = ExitCode.DELIVERY


def nearest_names(word: str, names: Iterable[str], n: int = 2, cutoff: float = 0.6) -> list[str]:
    """The (at most ``n``) names closest to a mistyped ``word``, ignoring case (difflib); [] if none is near."""
    by_key = {name.casefold(): name for name in names}
    return [by_key[key] for key in difflib.get_close_matches(word.casefold(), list(by_key), n=n, cutoff=cutoff)]


def did_you_mean(word: str, names: Iterable[str]) -> str:
    """' Meinten Sie „JUGA“?' (or „A“ oder „B“) for the names nearest to a mistyped ``word``; '' if none is near."""
    near = nearest_names(word, names)
    return f" Meinten Sie {' oder '.join(f'„{name}“' for name in near)}?" if near else ""
