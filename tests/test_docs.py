"""Documentation that cannot drift from the code.

Every command of the CLI is documented: an example on its help page and a section in README.md. The commands come
from the Typer app itself, so a new command without help example or README section fails here, and so does a
README section for a command that no longer exists.

Every package says in its docstring what its stage does, reads and produces. The README's exit codes and developer
map, docs/meldungen.md (every problem code) and docs/entwicklerkarte.md are made from the code by
scripts/build_docs.py; they must equal what it writes today. Every module a docstring or comment names exists.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.core import errors
from toolkit.core.errors import ExitCode
from toolkit.core.problems import PROBLEM_TYPES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_spec = importlib.util.spec_from_file_location("build_docs", ROOT / "scripts" / "build_docs.py")
build_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_docs)
PACKAGES = sorted(p.name for p in (ROOT / "toolkit").iterdir() if (p / "__init__.py").is_file())
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


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_says_what_its_stage_does_reads_and_produces(package):
    does, reads, produces = build_docs.stage_description(ROOT / "toolkit" / package)
    assert does and reads and produces, (f"toolkit/{package}/__init__.py braucht einen Docstring: was die Stufe tut, "
                                         "eine Zeile „Reads: …“ und eine Zeile „Produces: …“.")


def test_the_generated_references_equal_what_the_code_says():
    stale = [path.relative_to(ROOT).as_posix() for path in build_docs.stale()]
    assert stale == [], f"veraltet: {stale}; python scripts/build_docs.py ausführen und die Dateien einchecken."


def test_a_changed_exit_code_or_problem_makes_its_reference_stale(monkeypatch):
    monkeypatch.setitem(errors._MEANINGS, ExitCode.BUSY, "der Arbeitsordner ist gesperrt")
    assert build_docs.stale() == [README]
    monkeypatch.undo()
    kind = PROBLEM_TYPES["makros"]
    monkeypatch.setitem(PROBLEM_TYPES, "makros", dataclasses.replace(kind, advice="Ohne Makros speichern."))
    assert build_docs.stale() == [build_docs.MESSAGES]


def test_every_module_a_docstring_or_comment_names_exists():
    """A name like collect/layout.py or reader.py in a docstring or comment is a file of the repository."""
    files = {p.relative_to(ROOT).as_posix() for folder in ("toolkit", "scripts", "benchmarks", "tests")
             for p in (ROOT / folder).rglob("*.py")}
    names = {path.rsplit("/", 1)[-1] for path in files}
    missing = []
    for path in sorted(p for p in files if p.startswith("toolkit/")):
        for n, line in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), 1):
            for named in re.findall(r"(?<![\w.-])([\w/]+\.py)\b", line):
                if named not in names and named not in files and f"toolkit/{named}" not in files:
                    missing.append(f"{path}:{n} {named}")
    assert missing == []
