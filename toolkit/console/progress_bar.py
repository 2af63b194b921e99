"""Progress bars on the terminal (rich), for the CLI only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")


class RichProgress:
    """Shows one bar per step on stderr; silent when stderr is not a terminal except for notes."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def track(self, items: Sequence[T], label: str) -> Iterable[T]:
        if not items:  # no "0/0" bar for nothing to do: the command says that itself
            return
        columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=False) as bar:
            task = bar.add_task(label, total=len(items))
            for item in items:
                yield item
                bar.advance(task)

    def note(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)  # notes name folders, which may hold [brackets]
