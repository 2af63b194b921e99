"""Editorial marks: the one convention for text a person must replace before the report is released.

- A **placeholder** is what compile (the report template, report/word_template.py) writes for the editor to replace:
  a text in square brackets that begins with one of PLACEHOLDER_KINDS, e.g. "[Platzhalter für das Vorwort: …]" or
  "[Entwurf aus den veröffentlichten Werten: … Bitte prüfen …]". Every such text is made by ``placeholder``; a new
  one (a draft in Leichter Sprache, a note for the website) is made the same way, so that the release check of
  toolkit publish (publish/release.py) finds it without knowing it.
- A **working note** is a remark the coordination left in the indicator catalogue while it is being built, such as
  "(Quelle prüfen)", "(Bezeichnung prüfen)" or "(Erfassung noch zu klären)": a bracketed remark ending in "prüfen",
  or "noch zu klären" / "bitte prüfen" anywhere. Compile copies catalogue texts as they are; the check finds the
  notes in the edited report. The catalogue's own warning (catalogue/wording.py, code arbeitsnotiz) matches more
  words, since it only warns; a refusal of the release has no way round it, so it matches only these unmistakable
  forms (the word "prüfen" alone is ordinary German in a report).
"""

from __future__ import annotations

import re

PLACEHOLDER_KINDS = ("Platzhalter", "Entwurf")
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDER_KINDS) + r")\b[^\]]*\]?")
WORKING_NOTE = re.compile(r"\([^()]*\bprüfen\)|\bnoch zu klären\b|\bbitte prüfen\b", re.IGNORECASE)


def placeholder(text: str) -> str:
    """``text`` as a placeholder for the editor: '[Platzhalter für das Vorwort: …]'. ``text`` begins with one of
    PLACEHOLDER_KINDS."""
    if not text.startswith(PLACEHOLDER_KINDS) or "]" in text:
        raise ValueError(f"not a placeholder text: {text!r}")
    return f"[{text}]"


def placeholders_in(text: str) -> list[str]:
    """Every placeholder in ``text`` (an unclosed one up to the end)."""
    return [match.group(0) for match in PLACEHOLDER.finditer(text)]


def working_notes_in(text: str) -> list[str]:
    """Every working note in ``text``."""
    return [match.group(0) for match in WORKING_NOTE.finditer(text)]
