"""German wording for the parts of the command line that the CLI library writes in English.

Help pages ("Usage:", "Options:", "Show this message and exit.") and usage errors ("No such option",
"Missing argument", "Input should be a valid integer", "Did you mean 'check'?") are translated here, so
everything a user of the toolkit reads is German; typer's type hints after an argument's name ("ORDNER
<path>") are dropped. Unknown English phrases pass through unchanged.
"""

from __future__ import annotations

import re

HELP_WORDS = (
    ("Usage: ", "Aufruf: "),
    ("Arguments:", "Argumente:"),
    ("Options:", "Optionen:"),
    ("Commands:", "Befehle:"),
    ("Show this message and exit.", "Diese Hilfe zeigen und beenden."),
    ("[default: ", "[Standard: "),
    ("[required]", "[Pflicht]"),
    ("; required]", "; Pflicht]"),
    ("[OPTIONS]", "[OPTIONEN]"),
    ("COMMAND [ARGS]...", "BEFEHL [ARGUMENTE]..."),
)

TYPE_HINT = re.compile(r" <(?:list\[)?[A-Za-z_]+(?: range)?\]?>")  # typer's type after an argument: <path>, <list[Path]>
REQUIRED_ARGUMENT = re.compile(r" \{([^{}\s]+)\}")  # typer marks a required argument in the usage line as {ORDNER}
SECTION_ROW = re.compile(r"^(?P<indent> +)(?P<name>\S(?:.*?\S)?)(?: {2,}(?P<help>\S.*))?$")

# (English message, German message, how a guess of click is shown: groups named guess… hold what it proposes)
ERROR_PATTERNS = (
    (re.compile(r"^No such command '(.+?)'\.(?: Did you mean (?P<guess>'[^?]+')\?)?$"), "Unbekannter Befehl „{0}“.",
     "„{}“"),
    (re.compile(r"^No such option: (\S+)(?: Did you mean (?P<guess>\S+)\?)?(?: \(Possible options: (?P<guess2>[^)]+)\))?$"),
     "Unbekannte Option {0}.", "{}"),
    (re.compile(r"^Missing command\.$"), "Befehl fehlt.", ""),
    (re.compile(r"^Missing option (.+)\.$"), "Pflichtangabe fehlt: {0}.", ""),
    (re.compile(r"^Missing argument '(.+)'\.$"), "Argument fehlt: {0}.", ""),
    (re.compile(r"^Missing parameter: (.+)$"), "Angabe fehlt: {0}.", ""),
    (re.compile(r"^(\S+) option requires an argument\.$"), "Die Option {0} braucht einen Wert.", ""),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), "Die Option {0} braucht einen Wert.", ""),
    (re.compile(r"^Option '(.+)' requires (\d+) arguments\.$"), "Die Option {0} braucht {1} Werte.", ""),
    (re.compile(r"^Option '(.+)' does not take a value\.$"), "Die Option {0} nimmt keinen Wert an.", ""),
    (re.compile(r"^Got unexpected extra arguments?(?:\(s\))? \((.+)\)$"), "Unerwartete zusätzliche Angabe: {0}.", ""),
    (re.compile(r"^Invalid value for (.+?): (.+)$"), "Ungültiger Wert für {0}: {1}", ""),
)

VALUE_PATTERNS = (
    (re.compile(r"^Input should be a valid integer.*$"), "bitte eine ganze Zahl angeben."),
    (re.compile(r"^Input should be a valid number.*$"), "bitte eine Zahl angeben."),
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), "die Zahl muss mindestens {0} sein."),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), "die Zahl darf höchstens {0} sein."),
    (re.compile(r"^'(.+)' is not a valid integer\.?$"), "„{0}“ ist keine ganze Zahl."),
    (re.compile(r"^(.+) is not in the range (.+)\.$"), "{0} liegt nicht im Bereich {1}."),
    (re.compile(r"^Path '(.+)' does not exist\.$"), "den Pfad „{0}“ gibt es nicht."),
)


def german_help(text: str) -> str:
    """Translate the fixed English words of a generated help page; drop typer's type hints of arguments."""
    text = "\n\n".join(_without_type_hints(block) for block in text.split("\n\n"))
    first, newline, rest = text.partition("\n")
    text = REQUIRED_ARGUMENT.sub(r" \1", first) + newline + rest
    for english, german in HELP_WORDS:
        text = text.replace(english, german)
    return text


def _without_type_hints(block: str) -> str:
    """The Arguments section without "<path>" after each name, its help column moved left to fit again.

    Click writes a section as rows "  NAME  help" whose help starts in one column, with wrapped lines
    indented to it; after the names got shorter, rows and wrapped lines move left together.
    """
    lines = block.split("\n")
    if lines[0] not in ("Arguments:", "Argumente:") or not any(TYPE_HINT.search(line) for line in lines[1:]):
        return block
    rows = []  # (line number, indent, name without type, help or None)
    column = 0  # where the help starts in the rows as written
    for number, line in enumerate(lines[1:], start=1):
        match = SECTION_ROW.match(line)
        if match is None or len(match.group("indent")) != 2:
            continue  # a wrapped line of help
        rows.append((number, match.group("indent"), TYPE_HINT.sub("", match.group("name")), match.group("help")))
        if match.group("help") is not None:
            column = max(column, match.start("help"))
    if not rows:
        return block
    new_column = min(column, max(len(indent) + len(name) for _, indent, name, _ in rows) + 2) if column else 0
    shift = column - new_column
    for number, line in enumerate(lines[1:], start=1):
        if line.startswith(" " * column) and line.strip() and shift:
            lines[number] = line[shift:]
    for number, indent, name, help_text in rows:
        lines[number] = f"{indent}{name}" if help_text is None else f"{(indent + name).ljust(new_column)}{help_text}"
    return "\n".join(lines)


def german_error(message: str) -> str:
    """Translate a usage error message; unknown ones are returned as they are."""
    message = message.strip()
    for pattern, template, shown in ERROR_PATTERNS:
        match = pattern.match(message)
        if not match:
            continue
        parts = list(match.groups())
        if template.startswith("Ungültiger Wert"):
            parts[-1] = german_value_error(parts[-1])
        guess = next((v for k, v in match.groupdict().items() if k.startswith("guess") and v), None)
        if not guess or not shown:
            return template.format(*parts)
        names = [shown.format(name.strip().strip("'")) for name in guess.split(",")]
        return f"{template.format(*parts)} Meinten Sie {' oder '.join(names)}?"
    return message


def german_value_error(message: str) -> str:
    for pattern, template in VALUE_PATTERNS:
        match = pattern.match(message.strip())
        if match:
            return template.format(*match.groups())
    return message
