"""Every command of the CLI is documented: an example on its help page and a section in README.md.

The commands come from the Typer app itself, so a new command without help example or README section fails
here, and so does a README section for a command that no longer exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from toolkit.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = sorted(name for name, command in typer.main.get_command(app).commands.items() if not command.hidden)
SECTION = re.compile(r"^### `toolkit ([^`\s]+)(?: [^`]*)?`", re.M)

runner = CliRunner()


def test_the_commands_are_read_from_the_app():
    assert len(COMMANDS) >= 10 and {"distribute", "check", "merge", "compile"} <= set(COMMANDS), COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_help_page_has_an_example_of_the_command(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    examples = [line.strip() for line in result.output.splitlines() if line.strip().startswith("Beispiel:")]
    assert examples, f"'toolkit {name} --help' zeigt kein Beispiel (eine Zeile „Beispiel: toolkit {name} …“)."
    assert all(e == f"Beispiel: toolkit {name}" or e.startswith(f"Beispiel: toolkit {name} ") for e in examples), \
        examples


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_has_a_section_for_the_command(name):
    sections = SECTION.findall(README.read_text(encoding="utf-8"))
    assert name in sections, f"README.md hat keinen Abschnitt „### `toolkit {name} …`“ (vorhanden: {sections})."


def test_readme_documents_no_command_that_does_not_exist():
    sections = SECTION.findall(README.read_text(encoding="utf-8"))
    assert len(sections) == len(set(sections)), sections
    unknown = sorted(set(sections) - set(COMMANDS))
    assert not unknown, f"README.md beschreibt Befehle, die es nicht gibt: {unknown}"
