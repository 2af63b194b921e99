"""The house rules of the code, checked on its imports (ast): one way data flows, no circle, no hidden import.

Stages, lowest first: core < catalogue < collect < returns < merge < indicators < report < publish < initialise
< demo < console < cli. A module may import from its own stage and from lower ones, never from a later one; no two
modules import each other, directly or round a circle; an import inside a function is allowed only for an
optional heavy library, with a comment saying why (``# heavy: …``), never for a module of the toolkit, except
in the CLI: a command whose module needs pandas and matplotlib imports it when it runs, so that `toolkit --help`
and the light commands start in a fifth of the time (each such line says ``# heavy: …``).

Modules stay readable: none is longer than MAX_LINES (600) lines. A module that grows past it holds more than one
job and is split by job, not by size (when this rule replaced a cap of nine modules per package, the largest were
report/word.py at 557 lines, the one adapter for Word's XML, and catalogue/model.py at 515).

A library's internals stay in its adapter: python-docx's XML layer (docx.oxml, OxmlElement, qn, parse_xml,
nsdecls, new_pic_inline, the .element/._element/._p/._tbl/._tr of its objects, get_or_add_…) and lxml on the
report's documents are used only in toolkit/report/word.py.
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit"
MAX_LINES = 600
WORD_ADAPTER = "toolkit.report.word"
DOCX_XML_NAMES = {"OxmlElement", "qn", "parse_xml", "nsdecls", "new_pic_inline"}
DOCX_XML_ATTRIBUTES = {"element", "_element", "_p", "_tbl", "_tr", "_tc", "_r", "_body", "new_pic_inline"}
STAGES = ("core", "catalogue", "collect", "returns", "merge", "indicators", "report", "publish", "initialise",
          "demo", "console", "cli", "__main__")


@functools.cache
def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts): p for p in PACKAGE.rglob("*.py")}


def _stage(module: str) -> int:
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else -1


@functools.cache
def _tree(path: Path) -> ast.Module:
    """The syntax tree of a module, parsed once for all the tests that read it (none changes it)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported module, at top level?, line) of every import of the toolkit in ``path``; TYPE_CHECKING too."""
    tree = _tree(path)
    found = []
    top = {id(node) for node in tree.body}
    top |= {id(n) for node in tree.body if isinstance(node, ast.If) for n in node.body}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "toolkit" else [f"toolkit.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name == "toolkit" or name.startswith("toolkit."):
                found.append((name, id(node) in top, node.lineno))
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for name, _top, _line in _imports(path):
            while name not in modules and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in modules and name != module and not name.endswith("__init__"):
                graph[module].add(name)
    return graph


def test_the_layout_is_packages_per_stage():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__", "cli", "initialise"))
    assert loose == []
    for folder in (p for p in PACKAGE.iterdir() if p.is_dir() and p.name not in ("defaults", "__pycache__")):
        assert folder.name in STAGES, folder


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_is_longer_than_max_lines(module):
    lines = len(_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} Zeilen"


def _docx_xml_uses(source: str) -> list[str]:
    """Where ``source`` reaches into python-docx's XML layer: (line) name, by ast. lxml counts in a module that works
    with Word documents (imports docx or docxtpl); elsewhere it is just an XML library (e.g. for SVG)."""
    tree = ast.parse(source)
    imported = {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    xml = ("docx.oxml", "lxml") if imported & {"docx", "docxtpl"} else ("docx.oxml",)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(xml):
            found.append(f"{node.lineno} from {node.module}")
        elif isinstance(node, ast.Import) and any(a.name.startswith(xml) for a in node.names):
            found.append(f"{node.lineno} import {node.names[0].name}")
        elif isinstance(node, ast.Name) and node.id in DOCX_XML_NAMES:
            found.append(f"{node.lineno} {node.id}")
        elif isinstance(node, ast.Attribute) and (node.attr in DOCX_XML_ATTRIBUTES or node.attr in DOCX_XML_NAMES
                                                  or node.attr.startswith("get_or_add_")):
            found.append(f"{node.lineno} .{node.attr}")
    return sorted(found)


@pytest.mark.parametrize("module", sorted(m for m in _modules() if m != WORD_ADAPTER))
def test_no_python_docx_xml_outside_the_word_adapter(module):
    """No module but report/word.py touches python-docx's XML (the rule above; lxml too, where Word is involved)."""
    assert _docx_xml_uses(_modules()[module].read_text(encoding="utf-8")) == []


def test_the_xml_check_finds_what_it_looks_for():
    source = ("from docx.oxml.ns import qn\nx = OxmlElement('w:p')\ndocument.element.body\nrow._tr.get_or_add_trPr()\n"
              "part.new_pic_inline(f, 1, None)\nimport lxml.etree\n")
    assert _docx_xml_uses(source) == ["1 from docx.oxml.ns", "2 OxmlElement", "3 .element", "4 ._tr",
                                      "4 .get_or_add_trPr", "5 .new_pic_inline", "6 import lxml.etree"]
    assert _docx_xml_uses("import docx\nfrom lxml import etree\n") == ["2 from lxml"]
    assert _docx_xml_uses("from lxml import etree\n") == []  # SVG, HTML: not Word
    assert _docx_xml_uses((Path(__file__).parent.parent / "toolkit" / "report" / "word.py").read_text("utf-8"))


def test_no_import_from_a_later_stage():
    upward = [f"{module} -> {target}" for module, targets in _graph().items() for target in targets
              if _stage(target) > _stage(module)]
    assert upward == []


def test_no_import_circle():
    graph, cycles = _graph(), []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_function_level_import_of_the_toolkit(module):
    path = _modules()[module]
    source = path.read_text(encoding="utf-8").splitlines()
    inner = [f"{module}:{line} {name}" for name, top, line in _imports(path)
             if not top and not (module == "toolkit.cli" and "# heavy: " in source[line - 1])]
    assert inner == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_function_level_import_says_why(module):
    """A library imported inside a function is heavy and only needed there; the first line of the block says so."""
    path = _modules()[module]
    source = path.read_text(encoding="utf-8").splitlines()
    tree = _tree(path)
    top = {id(node) for node in tree.body} | {id(n) for node in tree.body if isinstance(node, ast.If) for n in node.body}
    silent = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
            line = node.lineno - 1
            while line > 0 and "# heavy: " not in source[line] and source[line - 1].lstrip().startswith(("import ", "from ")):
                line -= 1
            if "# heavy: " not in source[line]:
                silent.append(f"{module}:{node.lineno}")
    assert silent == []


STORE_MODULES = ("toolkit.core.store", "toolkit.core.store_records", "toolkit.core.store_schema")  # Store, its schema
SQL_TEXT = re.compile(r"\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA\s)")
SQL_CALLS = {"execute", "executemany", "executescript", "read_sql", "read_sql_query"}


def _sql_outside_the_store(module: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                                                    else [])
            if "sqlite3" in names:
                found.append(f"{module}:{node.lineno} import sqlite3")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            found.append(f"{module}:{node.lineno} .{node.func.attr}(…)")
        elif isinstance(node, ast.Attribute) and node.attr == "db":
            found.append(f"{module}:{node.lineno} .db (the store's connection)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value):
            found.append(f"{module}:{node.lineno} SQL text {node.value[:40]!r}")
    return found


def test_sql_only_inside_the_store():
    """Every query is a method of Store (core/store.py and its base core/store_records.py, its schema and upgrade steps
    in core/store_schema.py), named after
    what it returns; no module reaches past it."""
    outside = [hit for module, path in sorted(_modules().items()) if module not in STORE_MODULES
               for hit in _sql_outside_the_store(module, _tree(path))]
    assert outside == []


def test_the_sql_check_sees_each_kind_of_query():
    source = ('import sqlite3\nrows = store.db.execute("SELECT year FROM rounds")\n'
              'frame = pd.read_sql_query(f"SELECT * FROM observations WHERE {where}", con)\n'
              'SQL = "UPDATE deliveries SET archive_path = ?"\n')
    hits = _sql_outside_the_store("m", ast.parse(source))
    assert [hit.split(" ", 1)[0] for hit in hits].count("m:2") == 3 and len(hits) == 7, hits


def test_the_cli_starts_without_the_heavy_libraries():
    """Every command pays the CLI's imports: matplotlib, pandas and python-docx (0.6 s) only where a command needs
    them (the `# heavy: ` imports of toolkit/cli.py), so check, merge, status … start in a quarter of the time."""
    code = "import sys, toolkit.cli; print(' '.join(m for m in HEAVY if m in sys.modules))".replace(
        "HEAVY", repr(("matplotlib", "pandas", "docx", "docxtpl", "openpyxl")))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == []
