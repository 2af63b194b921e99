"""German wording for the parts of the command line that the CLI library writes in English.

Help pages ("Usage:", "Options:", "Show this message and exit.") and usage errors ("No such option",
"Missing argument", "Input should be a valid integer") are translated here, so everything a user of the
toolkit reads is German. Unknown English phrases pass through unchanged.
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

TYPE_HINT = re.compile(r" <(?:list\[)?(?:Path|str|int|float|bool)\]?>")

ERROR_PATTERNS = (
    (re.compile(r"^No such command '(.+)'\.$"), "Unbekannter Befehl „{0}“."),
    (re.compile(r"^No such option: (\S+)(?: Did you mean (\S+)\?)?$"), "Unbekannte Option {0}."),
    (re.compile(r"^Missing option (.+)\.$"), "Pflichtangabe fehlt: {0}."),
    (re.compile(r"^Missing argument '(.+)'\.$"), "Argument fehlt: {0}."),
    (re.compile(r"^Missing parameter: (.+)$"), "Angabe fehlt: {0}."),
    (re.compile(r"^(\S+) option requires an argument\.$"), "Die Option {0} braucht einen Wert."),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), "Unerwartete zusätzliche Angabe: {0}."),
    (re.compile(r"^Invalid value for (.+?): (.+)$"), "Ungültiger Wert für {0}: {1}"),
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
    """Translate the fixed English words of a generated help page."""
    for english, german in HELP_WORDS:
        text = text.replace(english, german)
    return TYPE_HINT.sub("", text)


def german_error(message: str) -> str:
    """Translate a usage error message; unknown ones are returned as they are."""
    message = message.strip()
    for pattern, template in ERROR_PATTERNS:
        match = pattern.match(message)
        if match:
            parts = [p for p in match.groups() if p is not None]
            if template.startswith("Ungültiger Wert"):
                parts[-1] = german_value_error(parts[-1])
            return template.format(*parts)
    return message


def german_value_error(message: str) -> str:
    for pattern, template in VALUE_PATTERNS:
        match = pattern.match(message.strip())
        if match:
            return template.format(*match.groups())
    return message
