"""What a clerk reads in the collection workbook: instructions, input messages and error texts (German).

Kept apart from the mechanics of writing the workbook (collect/workbook.py) so that the wording can
be revised in one place.
"""

from __future__ import annotations

from toolkit.catalogue.model import Indicator, IndicatorType
from toolkit.collect.layout import LAYOUT_VERSION, WorkbookPlan
from toolkit.core.cells import count_of
from toolkit.core.settings import Settings

ERROR_COUNT = ("Bitte eine ganze Zahl ab 0 eintragen, ohne Text und ohne Einheit. Liegt kein Wert vor: "
               "Zelle leer lassen und als Kennzeichen „kein Wert verfügbar“ wählen.")
ERROR_DECIMAL = ("Bitte eine Zahl eintragen (Dezimalkomma erlaubt), ohne Text und ohne Einheit. Liegt kein Wert "
                 "vor: Zelle leer lassen und als Kennzeichen „kein Wert verfügbar“ wählen.")


def notes_rows(plan: WorkbookPlan, settings: Settings, deadline: str, token: str) -> list[tuple[str, str, str]]:
    """The Hinweise sheet below its title: (label, text, style) with style text, legend_input or legend_history."""
    s, office = settings, plan.office
    return [
        ("Dienststelle", f"{office.name} ({office.code})", "text"),
        ("Berichtsjahr", str(plan.year), "text"),
        ("Abgabefrist", f"{deadline} – bitte den ausgefüllten Bogen bis zu diesem Tag zurücksenden.", "text"),
        ("", "", "text"),
        ("Was wir erfragen", f"{count_of(len(plan.indicators), 'Kennzahl')} für das Berichtsjahr {plan.year}: "
         + "; ".join(f"{i.id} {i.name}" for i in plan.indicators) + ".", "text"),
        ("So füllen Sie aus", f"1. Im Blatt „Erfassung“ in der gelben Spalte „{plan.year} (Eingabe)“ je Zeile "
         "den Wert eintragen. Bei Quoten bitte Zähler und Nenner als Anzahlen eintragen, nicht die Quote – "
         "die berechnet das Monitoring.", "text"),
        ("", "2. Kennzahlen nach Stadtteilen: zusätzlich das Blatt „Stadtteile …“ ausfüllen. Die Zeile "
         "Gesamtstadt dort zeigt Ihren Eintrag aus dem Blatt „Erfassung“; die Summenzeile wird berechnet.", "text"),
        *([("", "2a. Kennzahlen nach Altersgruppen oder einzelnen Staatsangehörigkeiten: zusätzlich die Blätter „Alter "
             "…“ bzw. „Staatsangehörigkeit …“ ausfüllen (für die Gesamtstadt). Die Summenzeilen werden berechnet; die "
             "letzte Zeile zeigt Ihren Eintrag aus dem Blatt „Erfassung“.", "text")] if plan.breakdown_sheets else []),
        ("", "3. Liegt ein Wert nicht vor, die Zelle leer lassen und als Kennzeichen „kein Wert verfügbar“ "
         "wählen; hat Ihre Quelle den Wert gesperrt (kleine Fallzahl), „gesperrt (Quelle)“. Vorläufige, "
         "geschätzte oder gerundete Werte bitte ebenso kennzeichnen.", "text"),
        ("", "4. Erläuterungen (z. B. geänderte Zählweise) in die Spalte „Bemerkung“ schreiben. Weichen die "
         "grauen Vorjahreswerte von Ihren Unterlagen ab, bitte dort vermerken.", "text"),
        ("", "Definition, Zähler, Nenner, Quelle und Stichtag jeder Kennzahl stehen im Blatt „Definitionen“; "
         "beim Anklicken einer gelben Zelle erscheint die Definition als Hinweis.", "text"),
        ("", "", "text"),
        ("Farben", "Gelb: Eingabe – bitte ausfüllen", "legend_input"),
        ("", "Grau: Vorjahreswerte und berechnete Werte – nur zum Lesen", "legend_history"),
        ("", "", "text"),
        ("Rückgabe", "Datei speichern (Excel .xlsx oder LibreOffice .xlsx/.ods), den Dateinamen möglichst "
         f"beibehalten und bis {deadline} per E-Mail an {s.koordination_email} senden. Bitte keine Zeilen, "
         "Spalten oder Blätter einfügen, löschen oder umbenennen – sonst kann der Bogen nicht automatisch "
         "eingelesen werden.", "text"),
        ("", "", "text"),
        ("Fragen an", f"{s.koordination_name}, {s.koordination_funktion}", "text"),
        ("Telefon", s.koordination_telefon, "text"),
        ("E-Mail", s.koordination_email, "text"),
        ("", "", "text"),
        ("Kennung", f"Rundenkennung {token}, Layoutversion {LAYOUT_VERSION}", "text"),
    ]


def input_message(indicator: Indicator) -> str:
    """The definition shown when a clerk selects an input cell (Excel allows at most 255 characters)."""
    parts = [indicator.definition]
    if indicator.typ == IndicatorType.QUOTE:
        parts.append(f"Zähler: {indicator.zaehler}. Nenner: {indicator.nenner}.")
    parts.append(f"Stichtag: {indicator.stichtag.rstrip('.')}.")
    return clip(" ".join(p.strip() for p in parts if p.strip()), 255)


def clip(text: str, limit: int) -> str:
    """Collapse white space and cut at ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
