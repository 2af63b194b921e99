"""Progress reporting without a UI dependency: library code calls ``progress.track(items, label)``.

The CLI passes a rich progress bar; tests and library callers get the silent default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    def track(self, items: Sequence[T], label: str) -> Iterable[T]: ...

    def note(self, text: str) -> None: ...


class Silent:
    """The default: no output."""

    def track(self, items: Sequence[T], label: str) -> Iterable[T]:
        return items

    def note(self, text: str) -> None:
        return None


SILENT = Silent()
