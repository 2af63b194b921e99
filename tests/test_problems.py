"""Problems as data: every code defined once (severity, title, advice, message templates); sites pass fields."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import pytest

from toolkit.core.problems import PROBLEM_TYPES, FileReport, Severity, problem

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit"
STANDARD = {"file", "sheet", "cell", "place", "indicator", "found", "expected"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_every_code_has_severity_title_advice_and_a_usual_message(code):
    kind = PROBLEM_TYPES[code]
    assert isinstance(kind.severity, Severity)
    assert kind.title and kind.advice.endswith(".") and kind.messages
    for variant, template in kind.messages.items():
        assert template.strip() and (variant == "" or variant.islower()), (code, variant)


def test_a_problem_is_made_from_its_template_and_its_fields():
    made = problem("keine-zahl", file="Erhebung_2025_FB40.xlsx", sheet="Erfassung", cell="K27", indicator="BIL-05",
                   found="k.A.", expected="Zahl")
    assert made.message == ("In Erfassung!K27 (BIL-05) steht „k.A.“ statt einer Zahl. Bitte eine Zahl eintragen oder "
                            "die Zelle leer lassen und das Kennzeichen „kein Wert verfügbar“ wählen.")
    assert made.severity is Severity.FEHLER and made.place == "Erfassung!K27"
    assert made.advice == "Eine Zahl eintragen oder leer lassen und „kein Wert verfügbar“ wählen."


def test_office_text_is_data_in_a_message():
    made = problem("bemerkung", sheet="Erfassung", cell="M12", found="{file} [/x] {0} =HYPERLINK(\"x\")")
    assert made.message == "Erfassung!M12: Bemerkung der Dienststelle: „{file} [/x] {0} =HYPERLINK(\"x\")“"


def test_a_variant_missing_a_field_is_a_programming_error():
    with pytest.raises(KeyError):
        problem("zu-gross", file="a.xlsx")  # megabytes and limit_mb are required by the usual message
    with pytest.raises(KeyError):
        problem("gibt-es-nicht")


def test_json_keeps_its_shape():
    report = FileReport("a.xlsx", "FB40", 2025, "0" * 64, [problem("bemerkung", sheet="Erfassung", cell="M12",
                                                                   found="Schätzung")])
    data = json.loads(json.dumps(report.as_json()))
    assert list(data) == ["file", "office", "year", "ok", "problems", "pruefbericht"]
    assert list(data["problems"][0]) == ["code", "message", "sheet", "cell", "indicator", "found", "expected",
                                         "severity"]
    assert data["problems"][0]["severity"] == "hinweis" and data["ok"] is True


def _calls(name: str) -> list[str]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "problems.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_no_problem_is_written_by_hand_outside_its_definition():
    assert _calls("Problem") == []


def test_every_code_is_used_and_every_variant_is_reachable():
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py") if p.name != "problems.py")
    for code, kind in PROBLEM_TYPES.items():
        assert f'"{code}"' in source, code
        for variant in kind.messages:
            if variant:
                assert f'"{variant}"' in source, (code, variant)


def test_templates_name_only_known_fields_or_details():
    for code, kind in PROBLEM_TYPES.items():
        for variant, template in kind.messages.items():
            extra = _fields(template) - STANDARD
            assert all(name.isidentifier() and name.islower() for name in extra), (code, variant, extra)
