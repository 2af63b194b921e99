"""Named exit codes and the ToolkitError hierarchy.

Library code raises a ToolkitError subclass with a German message that names the file and says what
to do; the CLI turns it into that message and the class's exit code (see ``cli.main``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every command, documented in the README."""

    OK = 0
    DATA_PROBLEMS = 1  # problems found in the data (a Fehler in a return, a check failed)
    USAGE = 2  # wrong options or arguments
    INPUT = 3  # input or settings missing or unreadable (working folder, file, catalogue)
    INTERNAL = 4  # a bug: please report it with --debug output
    BUSY = 5  # another toolkit process holds the lock of the working folder
    DELIVERY = 6  # e-mail could not be sent to at least one office
    FILE_IN_USE = 7  # a file to replace, move or delete is held open by another program (Excel, Word)


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

    def __init__(self, problems: list[str], file: str) -> None:
        lines = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … und {len(problems) - 50} weitere" if len(problems) > 50 else ""
        super().__init__(
            f"Der Indikatorenkatalog {file} enthält {len(problems)} Fehler:\n{lines}{more}",
            hint="Bitte die genannten Zellen in Excel korrigieren, speichern und den Befehl erneut starten.",
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


def did_you_mean(word: str, names: Iterable[str]) -> str:
    """' Meinten Sie „JUGA“?' (or „A“ oder „B“) for the names nearest to a mistyped ``word``; '' if none is near."""
    names = list(names)
    by_key = {name.casefold(): name for name in names}
    near = difflib.get_close_matches(word.casefold(), list(by_key), n=2, cutoff=0.6)
    return f" Meinten Sie {' oder '.join(f'„{by_key[n]}“' for n in near)}?" if near else ""
