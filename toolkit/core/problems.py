"""Problems found in returned files, as data: one stable code per kind, a severity, a place and a message.

A check never prints; it yields Problems. A FileReport collects those of one file; the CLI renders
reports as a table or as JSON, the Prüfbericht writes them into a workbook for the office.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.core.problem_type import FileReport, ProblemType, Severity  # noqa: F401 (FileReport: imported from here)

_KEIN_WERT = "das Kennzeichen „kein Wert verfügbar“ wählen"
_UNCHANGED = "Bitte den zugesandten Bogen unverändert verwenden"
_NEW_WORKBOOK = ("Bitte den neuen Bogen verwenden (die Koordination erzeugt ihn mit 'toolkit distribute --year {year} "
                 "--office {office} --again').")

PROBLEM_TYPES: dict[str, ProblemType] = {t.code: t for t in (
    # ---- the file as a whole
    ProblemType("nicht-lesbar", Severity.FEHLER, "Datei nicht lesbar", "Bogen erneut speichern (.xlsx) und senden.", {
        "": "Die Datei {file} kann nicht gelesen werden: {reason}.",
        "tabelle": "Die Datei {file} kann nicht als Tabelle gelesen werden ({reason}). Bitte den Erhebungsbogen erneut "
                   "speichern (als .xlsx) und senden.",
        "beschaedigt": "Die Datei {file} ist beschädigt oder unvollständig ({reason}). Bitte den Erhebungsbogen "
                       "erneut speichern und senden.",
        "import": "Die Importdatei {file} ist keine lesbare CSV- oder Excel-Datei ({reason}).",
    }),
    ProblemType("leere-datei", Severity.FEHLER, "Datei ist leer", "Bogen erneut speichern und senden.", {
        "": "Die Datei {file} ist leer (0 Byte). Bitte den Erhebungsbogen erneut speichern und senden.",
        "import": "Die Importdatei {file} enthält keine Zeilen.",
    }),
    ProblemType("keine-tabelle", Severity.FEHLER, "Keine Tabellendatei",
                "Den ausgefüllten Erhebungsbogen als .xlsx senden.", {
        "": "Die Datei {file} ist keine Excel- oder LibreOffice-Tabelle. Bitte den ausgefüllten Erhebungsbogen als "
            ".xlsx senden.",
        "office": "Die Datei {file} ist ein Office-Dokument, aber keine Tabelle. Bitte den Erhebungsbogen als .xlsx "
                  "senden.",
        "opendocument": "Die Datei {file} ist ein OpenDocument, aber keine Tabelle. Bitte den Erhebungsbogen als .xlsx "
                        "senden.",
        "zip": "Die Datei {file} ist ein ZIP-Archiv oder Word-/PowerPoint-Dokument, aber keine Excel-Tabelle. Bitte "
               "den Erhebungsbogen als .xlsx senden.",
    }),
    ProblemType("makros", Severity.FEHLER, "Datei enthält Makros",
                "Als Excel-Arbeitsmappe (.xlsx) ohne Makros speichern.", {
        "": "Die Datei {file} enthält Makros; bitte als .xlsx speichern (Datei > Speichern unter > Excel-Arbeitsmappe) "
            "und erneut senden.",
    }),
    ProblemType("verschluesselt", Severity.FEHLER, "Datei ist verschlüsselt",
                "Ohne Kennwort speichern (Blattschutz darf bleiben).", {
        "": "Die Datei {file} ist mit einem Kennwort verschlüsselt und kann nicht gelesen werden. Bitte ohne Kennwort "
            "speichern (Blattschutz darf bleiben) und erneut senden.",
    }),
    ProblemType("zu-gross", Severity.FEHLER, "Datei zu groß",
                "Den zugesandten Bogen verwenden; keine Daten anderer Art einfügen.", {
        "": "Die Datei {file} ist mit {megabytes} MB zu groß für einen Erhebungsbogen (höchstens {limit_mb} MB).",
        "teile": "Die Datei {file} besteht aus {found} Teilen; ein Erhebungsbogen hat weniger als 100. Die Datei wird "
                 "nicht gelesen.",
        "entpackt": "Die Datei {file} würde entpackt mehr als {limit_mb} MB ergeben (ZIP-Bombe oder beschädigte Datei) "
                    "und wird nicht gelesen.",
        "zellen": "Die Datei {file} enthält {found} Zellen oder einen so großen Zellbereich, dass sie kein "
                  "Erhebungsbogen sein kann; sie wird nicht gelesen.",
    }),
    ProblemType("unsicherer-inhalt", Severity.FEHLER, "Unzulässiger Dateiinhalt",
                "Den zugesandten Bogen in Excel öffnen, ausfüllen und normal speichern.", {
        "": "Die Datei {file} enthält XML-Definitionen (DOCTYPE/ENTITY) im Teil {member}, die Excel nie schreibt; sie "
            "wird aus Sicherheitsgründen nicht gelesen.",
    }),
    ProblemType("kein-erhebungsbogen", Severity.FEHLER, "Kein Erhebungsbogen",
                "Den zugesandten Erhebungsbogen verwenden.", {
        "": "Die Datei {file} ist kein Erhebungsbogen des Integrationsmonitorings (das versteckte Blatt „{meta_sheet}“ "
            "fehlt). Bitte den zugesandten Bogen ausfüllen und zurücksenden.",
        "kennung": "Die Kennung im Blatt „{sheet}“ der Datei {file} ist unvollständig oder verändert. Bitte den "
                   "zugesandten Bogen verwenden.",
        "jahr": "Die Datei {file} nennt kein gültiges Berichtsjahr.",
    }),
    ProblemType("falsches-jahr", Severity.FEHLER, "Falsches Berichtsjahr",
                "Den Bogen des angefragten Berichtsjahres verwenden.", {
        "": "Die Datei {file} ist ein Bogen für {found}; versandt wurden Bögen für {expected}. Bitte den Bogen des "
            "richtigen Jahres ausfüllen.",
        "zukunft": "Die Datei {file} ist ein Bogen für {found}; dieses Berichtsjahr liegt in der Zukunft. Bitte den "
                   "Bogen des richtigen Jahres verwenden.",
    }),
    ProblemType("falsche-dienststelle", Severity.FEHLER, "Unbekannte Dienststelle",
                "Den Bogen der eigenen Dienststelle verwenden.", {
        "": "Für die Dienststelle {found} wurde für {year} kein Bogen versandt (Datei {file}).",
        "katalog": "Die Datei {file} nennt die Dienststelle „{found}“, die laut Katalog keine Kennzahlen liefert. "
                   "Bitte den Bogen der eigenen Dienststelle verwenden.",
    }),
    ProblemType("layout-veraltet", Severity.FEHLER, "Veralteter Erhebungsbogen",
                "Den aktuellen Bogen aus der letzten E-Mail verwenden.", {
        "": "Die Datei {file} ist ein Erhebungsbogen der Layoutversion „{found}“; gelesen wird Version {expected}. "
            "Bitte den aktuellen Bogen aus der E-Mail der Koordination verwenden.",
    }),
    ProblemType("layout-geaendert", Severity.FEHLER, "Aufbau des Bogens verändert",
                "Keine Zeilen, Spalten oder Blätter einfügen, löschen oder verschieben.", {
        "blatt": "In der Datei {file} fehlt das Blatt „{sheet}“ (umbenannt oder gelöscht). " + _UNCHANGED + ".",
        "fingerabdruck": "Der Aufbau der Datei {file} passt nicht zum Katalog (Fingerabdruck {have} statt {expected}): "
                         "entweder wurde der Katalog seit dem Versand geändert oder der Bogen stammt aus einer anderen "
                         "Runde. Bitte einen neu erzeugten Bogen verwenden.",
        "zeile": "In {place} steht „{found}“ statt „{expected}“: Zeilen oder Spalten wurden eingefügt, gelöscht oder "
                 "verschoben. " + _UNCHANGED + " und nur die gelben Zellen füllen.",
        "stadtteil": "In {place} steht „{found}“ statt des Stadtteilschlüssels {expected}: Zeilen wurden eingefügt, "
                     "gelöscht oder sortiert. " + _UNCHANGED + ".",
        "altersgruppe": "In {place} steht „{found}“ statt der Altersgruppe {expected}: Zeilen wurden eingefügt, "
                        "gelöscht oder sortiert. " + _UNCHANGED + ".",
        "staatsangehoerigkeit": "In {place} steht „{found}“ statt des Schlüssels der Staatsangehörigkeit {expected}: "
                                "Zeilen wurden eingefügt, gelöscht oder sortiert. " + _UNCHANGED + ".",
    }),
    ProblemType("frueherer-katalog", Severity.WARNUNG, "Bogen mit einem früheren Katalog",
                "Nichts zu tun; was seitdem hinzukam, fragt die Koordination mit dem neuen Bogen ab.", {
        "": "Die Datei {file} ist ein Bogen vom {created}, erstellt mit einem früheren Katalog; seitdem {changes}. Sie "
            "wird nach dem damaligen Aufbau gelesen.",
    }),
    ProblemType("katalog-geaendert", Severity.FEHLER, "Bogen passt nicht mehr zum Katalog",
                "Den neuen Bogen der Koordination verwenden.", {
        "ohne-zuordnung": "Der Bogen {file} wurde am {created} mit einem früheren Katalog erstellt; seitdem {changes}. "
                          "Die Werte in {cells} gehören zu nichts, was der Katalog jetzt kennt, und werden nicht "
                          "übernommen. " + _NEW_WORKBOOK,
        "ohne-aufbau": "Der Bogen {file} wurde am {created} mit einem früheren Katalog erstellt; dessen Aufbau ist nicht "
                       "gespeichert (versandt mit einer früheren Version des Werkzeugs), daher kann er nicht gelesen "
                       "werden. " + _NEW_WORKBOOK,
    }),
    ProblemType("doppelte-lieferung", Severity.FEHLER, "Wert von zwei Stellen geliefert",
                "Mit der Koordination klären, welche Stelle liefert.", {
        "": "{indicator} {year} wird von zwei Stellen geliefert: {file} ({found}) und {expected}. Bitte klären, welche "
            "Stelle zuständig ist.",
        "gespeichert": "{indicator} {year} wurde schon von {expected} geliefert (Datei {other_file}); die Datei {file} "
                       "({found}) liefert dieselben Werte. Bitte klären, welche Stelle zuständig ist.",
    }),
    # ---- single values
    ProblemType("keine-zahl", Severity.FEHLER, "Keine Zahl",
                "Eine Zahl eintragen oder leer lassen und „kein Wert verfügbar“ wählen.", {
        "": "In {place} ({indicator}) steht „{found}“ statt einer Zahl. Bitte eine Zahl eintragen oder die Zelle leer "
            "lassen und " + _KEIN_WERT + ".",
    }),
    ProblemType("deutsches-zahlformat", Severity.WARNUNG, "Zahl als Text", "Zahl als Zahl eintragen, nicht als Text.", {
        "": "In {place} steht die Zahl „{found}“ als Text; als {expected} gelesen{how}. Bitte Zahlen ohne "
            "Anführungszeichen und ohne Text eintragen, Nachkommastellen mit Komma.",
        "import": "{place}: Die Zahl „{found}“ steht als Text; gelesen als {expected}.",
    }),
    ProblemType("zahl-mehrdeutig", Severity.WARNUNG, "Zahl mit Punkt mehrdeutig",
                "Prüfen, welche Zahl gemeint ist; Nachkommastellen mit Komma eintragen.", {
        "": "In {place} steht „{found}“ als Text: als {number} gelesen (Punkt als Tausendertrennzeichen); gemeint sein "
            "könnte auch {other} (Punkt als Dezimaltrennzeichen). Bitte prüfen und die Zahl ohne Anführungszeichen "
            "eintragen, Nachkommastellen mit Komma (z. B. {other}).",
    }),
    ProblemType("keine-ganze-zahl", Severity.FEHLER, "Keine ganze Zahl", "Eine ganze Zahl eintragen.", {
        "": "{place}: {found} ist keine ganze Zahl; hier wird eine Anzahl erwartet.",
    }),
    ProblemType("negativer-wert", Severity.FEHLER, "Negativer Wert", "Wert prüfen; Anzahlen sind nie negativ.", {
        "": "{place}: {found} ist negativ; eine Anzahl kann nicht negativ sein. Bitte den Wert prüfen.",
    }),
    ProblemType("zaehler-groesser-nenner", Severity.FEHLER, "Zähler größer als Nenner",
                "Zähler und Nenner prüfen (vertauscht?).", {
        "": "{place}: Der Zähler {found} ist größer als der Nenner {nenner} in {nenner_cell}; der Anteil wäre über "
            "100 %. Bitte prüfen, ob Zähler und Nenner vertauscht sind.",
    }),
    ProblemType("nenner-null", Severity.FEHLER, "Nenner ist null", "Nenner prüfen.", {
        "": "{place}: Der Nenner ist 0, der Zähler in {zaehler_cell} aber {zaehler}. Bitte beide Werte prüfen.",
    }),
    ProblemType("wert-ohne-erhebung", Severity.FEHLER, "Wert für ein Jahr, das es nicht gibt",
                "Den Wert löschen; gehört er zu einem anderen Jahr, dort eintragen. Stimmt das Jahr, die Koordination "
                "bitten, den Katalog zu ergänzen.", {
        "jahr": "{place}: {indicator} hat für {year} keinen Wert ({found}): Die Kennzahl gibt es nur für die Jahre "
                "{years} (Periodizität „{periodicity}“; Katalog, Blatt Indikatoren, Spalte „Erhebungsjahre“). Bitte "
                "den Wert löschen oder dem richtigen Jahr zuordnen.",
        "gruppe": "{place}: {indicator} hat für {year} keinen Wert der Gruppe „{label}“ ({found}): Diese Abgrenzung "
                  "gibt es erst ab {since} (Katalog, Blatt Merkmale, Spalte „Gültig ab (Jahr)“). Bitte den Wert "
                  "löschen oder dem richtigen Jahr zuordnen.",
        "gespeichert-jahr": "{values} zu {indicator} für {year}; die Kennzahl gibt es laut Katalog nur für die Jahre "
                            "{years} (Blatt Indikatoren, Spalte „Erhebungsjahre“). Stimmt der Katalog, diese Werte "
                            "weglassen; sonst das Jahr im Katalog ergänzen.",
        "gespeichert-gruppe": "{values} zu {indicator} für {year} in der Gruppe „{label}“, die es laut Katalog erst ab "
                              "{since} gibt (Blatt Merkmale, Spalte „Gültig ab (Jahr)“). Stimmt der Katalog, diese "
                              "Werte weglassen; sonst das Jahr im Katalog ändern.",
    }),
    ProblemType("summe-teile", Severity.WARNUNG, "Teile ergeben nicht die Summe",
                "Teilgruppen und Summe prüfen; Abweichung ggf. in der Bemerkung erklären.", {
        "": "{place}: Die Teile ({parts}) ergeben {found}, die Summe „{whole}“ ist {value} (erwartet: Teile {relation} "
            "Summe{tolerance}). Bitte prüfen.",
    }),
    ProblemType("gleiche-zahl-abweichend", Severity.FEHLER, "Widerspricht einer gleichen Zahl",
                "Beide Werte prüfen: Es ist dieselbe Zahl, sie muss übereinstimmen.", {
        "": "{place}: {indicator}, {measure} „{group}“ ist {found}. Laut Katalog (Blatt Gleiche Zahlen) ist das die "
            "Summe von {partner} in den Altersgruppen {ages} ({source}): {expected}{tolerance}. Bitte beide Werte "
            "prüfen.",
    }),
    ProblemType("summe-altersgruppen", Severity.WARNUNG, "Altersgruppen ergeben nicht die Summe",
                "Werte der Altersgruppen und die Summe prüfen.", {
        "": "{place}: Die Altersgruppen der Verwendung „{use}“ ergeben {found}, „{whole}“ über alle Altersgruppen ist "
            "{value} (erwartet: Altersgruppen {relation} Summe{tolerance}). Bitte prüfen.",
    }),
    ProblemType("summe-staatsangehoerigkeiten", Severity.WARNUNG, "Staatsangehörigkeiten ergeben nicht die Gruppe",
                "Werte der Staatsangehörigkeiten und der Gruppe prüfen.", {
        "": "{place}: Die {count} der Gruppe „{whole}“ ergeben {found}, die Gruppe ist {value} (erwartet: "
            "Staatsangehörigkeiten {relation} Gruppe{tolerance}). Bitte prüfen.",
    }),
    ProblemType("summe-stadtteile", Severity.WARNUNG, "Stadtteile ergeben nicht die Gesamtstadt",
                "Stadtteilwerte und Gesamtstadt prüfen.", {
        "": "{sheet}: Die Stadtteile ergeben {found}, die Gesamtstadt in {city_cell} ist {expected}. Bitte Stadtteile "
            "und Gesamtwert prüfen.",
    }),
    ProblemType("ausserhalb-grenzen", Severity.WARNUNG, "Wert außerhalb der Prüfgrenzen",
                "Wert prüfen; Besonderheit in der Bemerkung erklären.", {
        "": "{place}: {what} {found} liegt außerhalb der Prüfgrenzen {expected} von {indicator}. Bitte prüfen und ggf. "
            "in der Bemerkung erläutern.",
    }),
    ProblemType("sprung-zum-vorjahr", Severity.WARNUNG, "Starke Veränderung zum Vorjahr",
                "Wert prüfen; Grund der Veränderung in der Bemerkung nennen.", {
        "": "{place}: {found} statt {old} im Vorjahr ({change} %, erlaubt ± {limit} %). Bitte prüfen und den Grund in "
            "der Bemerkung nennen.",
    }),
    ProblemType("fehlender-wert", Severity.WARNUNG, "Wert fehlt", "Wert eintragen oder „kein Wert verfügbar“ wählen.", {
        "": "{place} ({indicator}) ist leer. Bitte den Wert eintragen oder " + _KEIN_WERT + ".",
    }),
    ProblemType("leeres-blatt", Severity.FEHLER, "Blatt nicht ausgefüllt", "Die gelben Zellen des Blatts ausfüllen.", {
        "": "Das Blatt „{sheet}“ der Datei {file} ist nicht ausgefüllt. Bitte die gelben Zellen füllen (oder, wo kein "
            "Wert vorliegt, " + _KEIN_WERT + ").",
    }),
    ProblemType("vorjahr-geaendert", Severity.HINWEIS, "Vorjahreswert geändert",
                "Nichts zu tun, wenn die Korrektur gewollt ist.", {
        "": "{place}: Der Wert für {year} wurde {change}. Er wird als Korrektur übernommen (ein alter Wert bleibt im "
            "Änderungsprotokoll).",
    }),
    ProblemType("formel", Severity.WARNUNG, "Formel in Eingabezelle", "Den Wert als Zahl eintragen (keine Formel).", {
        "": "In {place} steht eine Formel; übernommen wird nur ihr gespeichertes Ergebnis ({result}). Bitte den Wert als "
            "Zahl eintragen.",
    }),
    ProblemType("eingabe-in-formelzeile", Severity.WARNUNG, "Zahl in berechneter Zeile",
                "Den Gesamtstadtwert im Blatt Erfassung eintragen (genannte Zelle).", {
        "": "In {place} (Zeile „{label}“) steht „{found}“ statt der Formel; dieser Wert wird nicht übernommen. {what}",
    }),
    ProblemType("unbekanntes-kennzeichen", Severity.WARNUNG, "Unbekanntes Kennzeichen",
                "Ein Kennzeichen aus der Liste wählen.", {
        "": "{place}: Das Kennzeichen „{found}“ ist unbekannt; erlaubt sind {expected}. Es wird als Text übernommen.",
    }),
    ProblemType("bemerkung", Severity.HINWEIS, "Bemerkung der Dienststelle", "Nichts zu tun.", {
        "": "{place}: Bemerkung der Dienststelle: „{found}“",
    }),
    ProblemType("andere-runde", Severity.WARNUNG, "Bogen aus einer anderen Versandrunde",
                "Prüfen, ob es die neueste Fassung des Bogens ist.", {
        "": "Die Datei {file} stammt aus einem früheren Versand für {year} (Rundenkennung {found}, aktuell {expected}). "
            "Die Werte werden trotzdem gelesen; bitte prüfen, ob es die neueste Fassung ist.",
    }),
    # ---- the store against the catalogue (toolkit check, compile, export)
    ProblemType("verwaiste-werte", Severity.FEHLER, "Gespeicherte Werte ohne Zuordnung im Katalog",
                "Den Eintrag im Katalog wiederherstellen; sollen die Werte wirklich entfallen, 'toolkit compile' und "
                "'toolkit export' mit --verwaiste-weglassen.", {
        "kennzahl": "{values} zur Kennzahl {indicator}, die der Katalog nicht mehr führt. War das ein Versehen, bitte "
                    "die Zeile {indicator} im Blatt Indikatoren wiederherstellen.",
        "stadtteil": "{values} zum Stadtteil {name} (Schlüssel {key}), den der Katalog nicht mehr führt. War das ein "
                     "Versehen, bitte im Blatt Stadtteile die Zeile „{name}“ mit dem Schlüssel {key} wiederherstellen.",
        "umgeschluesselt": "{values} zum Stadtteil {name} mit dem Schlüssel {key}; der Katalog führt {name} jetzt "
                           "unter dem Schlüssel {new_key}. War das ein Versehen, bitte im Blatt Stadtteile wieder den "
                           "Schlüssel {key} des Amts für Statistik eintragen.",
        "schluessel": "{values} zum Stadtteilschlüssel {key}, den der Katalog nicht kennt. War das ein Versehen, "
                      "bitte im Blatt Stadtteile eine Zeile mit dem Schlüssel {key} anlegen.",
        "gruppe": "{values} zur Gruppe „{label}“ (Code {found}), die das Blatt Merkmale nicht mehr führt. War das ein "
                  "Versehen, bitte die Gruppe im Blatt Merkmale wiederherstellen.",
        "geschlecht": "{values} zum Geschlecht „{label}“ (Code {found}), das das Blatt Merkmale nicht mehr führt. "
                      "War das ein Versehen, bitte den Eintrag im Blatt Merkmale wiederherstellen.",
        "altersgruppe": "{values} zur Altersgruppe „{label}“ (Code {found}), die das Blatt Altersgruppen nicht mehr "
                        "führt. War das ein Versehen, bitte die Altersgruppe dort wiederherstellen.",
        "staatsangehoerigkeit": "{values} zur Staatsangehörigkeit „{label}“ (Schlüssel {found}), die das Blatt "
                                "Staatsangehörigkeiten nicht mehr führt. War das ein Versehen, bitte die Zeile mit dem "
                                "Schlüssel {found} dort wiederherstellen.",
    }),
    ProblemType("kennung-aus-eigenschaften", Severity.HINWEIS, "Kennung aus den Dokumenteigenschaften",
                "Nichts zu tun; künftig keine Blätter löschen.", {
        "": "In der Datei {file} fehlt das versteckte Blatt „{meta_sheet}“; Dienststelle und Berichtsjahr wurden aus den "
            "Dokumenteigenschaften gelesen.",
    }),
    ProblemType("bereits-uebernommen", Severity.HINWEIS, "Datei schon übernommen", "Nichts zu tun.", {
        "": "Die Datei {file} wurde schon übernommen (Lieferung {delivery}); es ändert sich nichts.",
        "gleich": "Die Datei {file} enthält dieselben Werte wie {other_file}, die eben übernommen wurde; es ändert "
                  "sich nichts.",
    }),
    ProblemType("reihenfolge-unklar", Severity.FEHLER, "Reihenfolge zweier Rückläufe unklar",
                "Klären, welche Fassung gilt, und die andere aus inbox/ entfernen.", {
        "": "Die Dateien {file} und {other_file} (Stelle {office}, {year}) wurden zur selben Zeit gespeichert "
            "({saved}), enthalten aber verschiedene Werte: {differences}. Welche Fassung gilt, ist nicht zu erkennen; "
            "keine wird übernommen. Bitte die überholte Datei aus inbox/ entfernen und 'toolkit merge' erneut starten.",
    }),
    ProblemType("aeltere-fassung", Severity.WARNUNG, "Ältere Fassung nach einer neueren übernommen",
                "Prüfen, ob die ältere Fassung gelten soll; sonst diese Lieferung zurückziehen.", {
        "": "Die Datei {file} (gespeichert {saved}) ist älter als die schon übernommene Lieferung {delivery} "
            "({other_file}, gespeichert {other_saved}). Ihre Werte gelten jetzt, wo sie sich unterscheiden. War das "
            "nicht gewollt, diese Lieferung mit 'toolkit withdraw' zurückziehen.",
    }),
    ProblemType("import-zeile", Severity.FEHLER, "Zeile der Importdatei ungültig", "Die Zeile der Importdatei korrigieren.", {
        "spalten": "In der Importdatei {file} fehlen die Spalten {missing}. Erwartet: {expected}.",
        "indikator": "Zeile {row}, Spalte Indikator: „{found}“ ist keine Kennzahl des Katalogs (erwartet z. B. "
                     "DEM-01).",
        "gebiet": "Zeile {row}, Spalte Gebiet: „{found}“ ist kein bekanntes Gebiet; erlaubt: Gesamtstadt, "
                  "Sachsen-Anhalt, Deutschland, ein Stadtteilname (z. B. Alte Neustadt) oder der Stadtteilschlüssel des "
                  "Amts für Statistik (z. B. 04).",
        "wert": "Zeile {row}, Spalte Wert: „{found}“ ist keine Zahl (erlaubt: 1234, 1.234, 12,5).",
        "wert-leer": "Zeile {row}, Spalte Wert: leer; bei fehlendem Wert Kennzeichen „kein Wert verfügbar“ angeben, bei "
                     "einem von der Quelle gesperrten Wert „gesperrt (Quelle)“.",
        "doppelt": "Zeile {row}, Spalte Indikator: derselbe Wert ({indicator}) steht schon in Zeile {other}.",
        "gruppe": "Zeile {row}, Spalte Gruppe: „{found}“ ist keine Gruppe von {indicator}; erlaubt: {expected} (Name "
                  "oder Code aus dem Blatt Merkmale des Katalogs).",
        "geschlecht": "Zeile {row}, Spalte Geschlecht: „{found}“ ist kein Geschlecht von {indicator}; erlaubt: "
                      "{expected}.",
        "messgroesse": "Zeile {row}, Spalte Messgröße: „{found}“ passt nicht zu {indicator}; erlaubt: {expected}.",
        "jahr": "Zeile {row}, Spalte Jahr: „{found}“ ist kein Jahr von {first} bis {last}.",
        "altersgruppe": "Zeile {row}, Spalte Altersgruppe: „{found}“ ist keine Altersgruppe von {indicator} in der "
                        "Gruppe {group}; erlaubt: {expected} (Code oder Bezeichnung aus dem Blatt Altersgruppen des "
                        "Katalogs; leer für alle Altersgruppen).",
        "staatsangehoerigkeit": "Zeile {row}, Spalte Staatsangehörigkeit: „{found}“ ist keine Staatsangehörigkeit von "
                                "{indicator} in der Gruppe {group}; erwartet: leer für alle, oder in der Gruppe "
                                "Nichtdeutsche der Schlüssel des Statistischen Bundesamts (z. B. 475) oder die "
                                "Bezeichnung aus dem Blatt Staatsangehörigkeiten (z. B. Syrien), wenn {indicator} nach "
                                "Staatsangehörigkeiten erhoben wird.",
    }),
    ProblemType("zeichensatz", Severity.FEHLER, "Zeichensatz nicht lesbar",
                "Die Datei in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern und erneut importieren.", {
        "unbekannt": "Der Zeichensatz der Importdatei {file} ist nicht zu erkennen: Zeile {line} enthält das Byte "
                     "{found}, das weder zu UTF-8 noch zu Windows-1252 passt, und als DOS-Zeichensatz (Codepage 850) "
                     "gelesen ergäbe die Datei keinen Umlaut. Bitte in Excel als „CSV UTF-8 (durch Trennzeichen "
                     "getrennt)“ speichern und erneut importieren.",
        "gemischt": "Die Importdatei {file} mischt zwei Zeichensätze: sie enthält Umlaute in UTF-8, in Zeile {line} "
                    "aber ein Zeichen in einem anderen Zeichensatz. Bitte in Excel oder einem Editor als „CSV UTF-8“ "
                    "speichern und die Umlaute ab Zeile {line} prüfen.",
        "bom": "Die Importdatei {file} ist am Anfang als {encoding} gekennzeichnet (Byte-Order-Mark), Zeile {line} ist "
               "darin aber nicht gültig (Datei beschädigt oder aus zwei Dateien zusammengesetzt). Bitte neu als „CSV "
               "UTF-8“ speichern und erneut importieren.",
        "utf32": "Die Importdatei {file} ist in UTF-32 gespeichert; gelesen werden UTF-8, UTF-16, Windows-1252 und "
                 "DOS (Codepage 850). Bitte als „CSV UTF-8“ speichern und erneut importieren.",
        "null": "Die Importdatei {file} enthält in Zeile {line} Null-Bytes: sie ist keine Textdatei oder in UTF-16 "
                "ohne Byte-Order-Mark gespeichert. Bitte als „CSV UTF-8“ speichern und erneut importieren.",
        "erzwungen": "Die Importdatei {file} ist nicht in {encoding} gespeichert (--zeichensatz {found}): Zeile {line} "
                     "enthält ein Zeichen, das es darin nicht gibt. Ohne --zeichensatz erkennt das Werkzeug den "
                     "Zeichensatz selbst.",
    }),
    ProblemType("zeichensatz-erkannt", Severity.HINWEIS, "Zeichensatz erkannt",
                "Nichts zu tun, wenn die Umlaute stimmen; sonst mit --zeichensatz erneut importieren.", {
        "": "Die Importdatei {file} ist nicht in UTF-8 gespeichert; gelesen als {found}, z. B. „{example}“. Stimmen "
            "die Umlaute nicht, bitte mit --zeichensatz {other} erneut importieren.",
    }),
    ProblemType("csv-aufbau", Severity.FEHLER, "CSV-Datei fehlerhaft",
                "Die genannte Zeile in einem Texteditor korrigieren und erneut importieren.", {
        "anfuehrungszeichen-offen": "{file}, Zeile {line}, Spalte {column}: Das Anführungszeichen vor „{found}“ wird "
                                    "nicht geschlossen; alle Zeilen ab Zeile {first} gerieten so in dieses eine Feld. "
                                    "Bitte das schließende Anführungszeichen ergänzen (oder das öffnende löschen) und "
                                    "erneut importieren.",
        "anfuehrungszeichen-spaet": "{file}, Zeile {line}, Spalte {column}: Das Anführungszeichen vor „{found}“ wird "
                                    "erst in Zeile {last} geschlossen; {swallowed} so in dieses eine Feld. Bitte das "
                                    "schließende Anführungszeichen in Zeile {line} ergänzen (oder das öffnende "
                                    "löschen) und erneut importieren.",
        "nach-anfuehrungszeichen": "{file}, Zeile {line}: Nach einem schließenden Anführungszeichen folgt noch Text. "
                                   "Ein Anführungszeichen in einem Text bitte verdoppeln (\"\") oder weglassen und "
                                   "erneut importieren.",
        "felder": "{file}, Zeile {line}: {found} statt {expected} Felder wie in der Kopfzeile. Bitte fehlende "
                  "Trennzeichen „{delimiter}“ ergänzen oder überzählige löschen; steht ein Zeilenumbruch oder ein "
                  "„{delimiter}“ in einem Text, den Text in Anführungszeichen setzen.",
        "zu-lang": "{file}, Zeile {line}, Spalte {column}: Das Feld ist {found} Zeichen lang, mehr als eine Excel-Zelle "
                   "fasst ({expected}). Bitte den Text kürzen; ein so langes Feld entsteht meist durch ein nicht "
                   "geschlossenes Anführungszeichen.",
        "zu-lang-zeile": "{file}, Zeile {line}: Ein Feld ist länger als {found} Zeichen, mehr als eine Excel-Zelle "
                         "fasst ({expected}). Bitte den Text kürzen; ein so langes Feld entsteht meist durch ein nicht "
                         "geschlossenes Anführungszeichen.",
        "fehler": "{file}, Zeile {line}: Die CSV-Datei ist hier nicht lesbar ({reason}). Bitte die Zeile prüfen und "
                  "erneut importieren.",
    }),
    ProblemType("csv-mehrzeilig", Severity.WARNUNG, "Text über mehrere Zeilen", "Prüfen, ob der Text so gemeint "
                "ist; sonst das schließende Anführungszeichen ergänzen und erneut importieren.", {"": "{file}, Zeile "
                "{line}, Spalte {column}: Der Text in Anführungszeichen ab „{found}“ reicht bis Zeile {last}; Zeile "
                "{inner} darin hat so viele Trennzeichen „{delimiter}“ wie eine Datenzeile. Übernommen als ein Text. "
                "Fehlt in Zeile {line} ein schließendes Anführungszeichen, bitte ergänzen und erneut importieren; "
                "sonst ist nichts zu tun."}),
    ProblemType("kopfzeile-doppelt", Severity.FEHLER, "Spalte doppelt in der Kopfzeile",
                "Eine der Spalten umbenennen oder löschen, bei einer Zuordnung die gemeinte mit spalte = \"F\" wählen.", {
        "": "Spalte „{column}“ steht {times} in der Kopfzeile: {cells}. Welche gilt, ist nicht zu erkennen; bitte "
            "eine davon umbenennen oder löschen und erneut importieren.",
        "zuordnung": "Spalte „{column}“ steht {times} in der Kopfzeile: {cells}. Bitte in der Zuordnung {mapping} je "
                     "Ziel angeben, welche gemeint ist: unter [[spalten.\"{column}\"]] eine Zeile wie spalte "
                     "= \"{letter}\" (oder eine der Spalten in der Tabelle umbenennen).",
        "zuordnung-zweizeilig": "Spalte „{column}“ steht {times} in der Kopfzeile: {cells}. Bitte in der Zuordnung "
                                "{mapping} je Ziel angeben, welche gemeint ist: unter [[spalten.\"{column}\"]] eine "
                                "Zeile wie spalte = \"{letter}\"; oder mit kopfzeile = [{above}, {row}] die Zeile darüber "
                                "zum Namen nehmen (z. B. „{combined}“).",
    }),
    ProblemType("spalte-nicht-gelesen", Severity.WARNUNG, "Spalte wird nicht gelesen",
                "Die Spalte umbenennen, wenn sie gelesen werden soll, sonst nichts zu tun.", {
        "": "Die Spalte „{found}“ ({place}) gehört nicht zum Langformat und wird nicht gelesen; gelesen werden: "
            "{expected}.",
    }),
    ProblemType("jahr-fussnote", Severity.WARNUNG, "Jahr mit Fußnotenzeichen",
                "In der Quelle nachlesen, was die Fußnote sagt; vorläufige Werte mit Kennzeichen liefern.", {
        "": "{place} (Spalte {column}): „{found}“ als Jahr {year} gelesen; das Fußnotenzeichen „{mark}“ wird nicht "
            "übernommen. Bitte in der Quelle nachlesen, was die Fußnote sagt (z. B. vorläufig).",
        "mehrere": "{place} (Spalte {column}): „{found}“ in {count} Zeilen (ab Zeile {row}) als Jahr {year} gelesen; "
                   "das Fußnotenzeichen „{mark}“ wird nicht übernommen. Bitte in der Quelle nachlesen, was die Fußnote "
                   "sagt (z. B. vorläufig).",
    }),
    # ---- a wide table read through a mapping (toolkit import --zuordnung)
    ProblemType("zuordnung-ungueltig", Severity.FEHLER, "Zuordnung ungültig",
                "Die Zuordnung (TOML-Datei) korrigieren; erlaubte Codes stehen im Katalog.", {
        "pflicht": "In der Zuordnung {file} fehlt der Eintrag {key} ({expected}).",
        "typ": "In der Zuordnung {file} ist {key} = {found} ungültig; erwartet: {expected}.",
        "unbekannt": "In der Zuordnung {file} ist der Eintrag {key} unbekannt (Tippfehler?); erlaubt: {expected}.",
        "keine-spalten": "Die Zuordnung {file} nennt keine Wertspalte; erwartet mindestens einen Abschnitt "
                         "[spalten.SPALTENNAME] mit indikator und messgroesse.",
        "indikator": "In der Zuordnung {file}, {key}: Die Kennzahl „{found}“ gibt es im Katalog nicht.",
        "gruppe": "In der Zuordnung {file}, {key}: Die Gruppe „{found}“ gibt es bei {indicator} nicht; erlaubt: "
                  "{expected}.",
        "geschlecht": "In der Zuordnung {file}, {key}: Das Geschlecht „{found}“ gibt es bei {indicator} nicht; "
                      "erlaubt: {expected}.",
        "messgroesse": "In der Zuordnung {file}, {key}: Die Messgröße „{found}“ passt nicht zu {indicator}; "
                       "erlaubt: {expected}.",
        "doppelt": "In der Zuordnung {file}, {key}: {indicator} ({found}) ist schon Ziel von {other}; jeder Wert darf "
                   "nur aus einer Spalte kommen.",
        "altersgruppe": "In der Zuordnung {file}, {key}: Die Altersgruppe „{found}“ gibt es bei {indicator} in der "
                        "Gruppe {group} nicht; erlaubt: {expected}.",
        "staatsangehoerigkeit": "In der Zuordnung {file}, {key}: Die Staatsangehörigkeit „{found}“ gibt es bei "
                                "{indicator} in der Gruppe {group} nicht; einzelne Staatsangehörigkeiten stehen in der "
                                "Gruppe Nichtdeutsche (Schlüssel oder Bezeichnung aus dem Blatt Staatsangehörigkeiten).",
        "alter": "In der Zuordnung {file}, {key} = {found}: Mit einem Abschnitt [alter] ergibt sich die Altersgruppe aus "
                 "der Zeile; bitte altersgruppe hier weglassen.",
        "alter-kennzahl": "In der Zuordnung {file}, {key}: {indicator} wird in der Gruppe {group} nicht nach den "
                          "Altersgruppen von [alter] erhoben (fehlt: {found}); {indicator} hat im Katalog die "
                          "Altersgruppen {expected}.",
    }),
    ProblemType("zuordnung-passt-nicht", Severity.FEHLER, "Tabelle passt nicht zur Zuordnung",
                "Die Zuordnung an die Tabelle anpassen oder die richtige Tabelle importieren.", {
        "blatt": "Die Datei {file} hat kein Blatt „{found}“ (Zuordnung {mapping}); vorhanden: {expected}.",
        "spalte": "Spalte {column} fehlt in Zeile {row} von {file} (Blatt „{sheet}“); die Zuordnung {mapping} nennt "
                  "sie. Vorhanden: {expected}.",
        "jahr": "{place} (Spalte {column}, Zeile {row}): „{found}“ ist kein Jahr.",
        "jahr-bereich": "{place} (Spalte {column}, Zeile {row}): Das Jahr {found} liegt außerhalb der Jahre {expected}, "
                        "die die Zuordnung {mapping} zulässt.",
        "gebiet": "{place} (Spalte {column}, Zeile {row}): Der Gebietsschlüssel „{found}“ ist unbekannt. Erwartet: "
                  "Stadtteilschlüssel des Amts für Statistik (z. B. 04), 15003 für die Gesamtstadt oder ein "
                  "Stadtteilname. Soll die Zeile nicht übernommen werden, den Schlüssel in der Zuordnung {mapping} "
                  "unter gebiete_auslassen nennen.",
        "wert": "{place} (Spalte {column}, Zeile {row}): „{found}“ ist weder eine Zahl noch leer noch ein Zeichen für "
                "„gesperrt“ ({expected}).",
        "doppelt": "{place} (Zeile {row}): Jahr {year} und Gebiet „{found}“ stehen schon in Zeile {other}.",
        "doppelt-alter": "{place} (Zeile {row}): Jahr {year}, Gebiet „{found}“ und Alter „{age}“ stehen schon in Zeile "
                         "{other}.",
        "gebiet-fest": "Die Zuordnung {mapping} nennt mit gebiet_fest = „{found}“ kein bekanntes Gebiet; erwartet: "
                       "15003 für die Gesamtstadt, ein Stadtteilschlüssel des Amts für Statistik (z. B. 04) oder ein "
                       "Stadtteilname.",
        "alter": "{place} (Spalte {column}, Zeile {row}): „{found}“ ist kein Alter; erwartet: eine Zahl (Alter = Zahl "
                 "{offset:+d}), eine Zahl mit „und älter“ oder einer der Texte, die die Zuordnung {mapping} unter "
                 "[alter] insgesamt nennt.",
        "alter-gruppe": "{place} (Spalte {column}, Zeile {row}): Das Alter {age} („{found}“) liegt in keiner "
                        "Altersgruppe der Verwendung „{use}“ ganz; die Zeile wird nicht übernommen. Bitte die "
                        "Altersgruppen im Katalog oder versatz in der Zuordnung {mapping} prüfen.",
        "alter-luecke": "{place} (Spalte {column}): Jahr {year}, {area}: Die Altersgruppe „{found}“ (Verwendung "
                        "„{use}“) ist nicht vollständig, {what}; ihre Summe wird nicht gebildet und nichts übernommen.",
        "position": "{place}: Die Spalte {letter} heißt in Zeile {row} „{found}“, die Zuordnung {mapping} erwartet dort "
                    "„{column}“ (spalte = \"{letter}\"). Bitte den Spaltenbuchstaben in der Zuordnung prüfen.",
    }),
    # ---- the catalogue's content (toolkit check, compile)
    ProblemType("arbeitsnotiz", Severity.WARNUNG, "Arbeitsnotiz in einer öffentlichen Spalte des Katalogs",
                "Die Notiz in die interne Notiz verschieben oder den Text für Leserinnen und Leser umformulieren.", {
        "": "{place} (Spalte „{column}“, {row_label}): „{found}“ sieht nach einer Arbeitsnotiz aus: „{excerpt}“. Der "
            "Text dieser Spalte steht im Bericht, in den Erhebungsbögen oder den E-Mails an die Stellen. Bitte die "
            "Notiz in die Spalte „Interne Notiz“ verschieben oder den Text umformulieren.",
        "ohne-notiz": "{place} (Spalte „{column}“, {row_label}): „{found}“ sieht nach einer Arbeitsnotiz aus: "
                      "„{excerpt}“. Der Text dieser Spalte steht im Bericht oder in den Erhebungsbögen. Bitte den Text "
                      "für Leserinnen und Leser umformulieren (dieses Blatt hat keine Spalte für interne Notizen).",
    }),
    ProblemType("wahljahre-fehlen", Severity.WARNUNG, "Wahljahre fehlen im Katalog",
                "Die Wahljahre in der Spalte „Erhebungsjahre“ eintragen.", {
        "": "{place} ({indicator}): Die Periodizität ist „{found}“, in der Spalte „Erhebungsjahre“ stehen aber keine "
            "Jahre (einem Katalog einer früheren Version fehlt die Spalte noch). So wird die Kennzahl jedes Jahr "
            "abgefragt, und ein Wert für ein Jahr ohne Wahl wird nicht erkannt. Bitte die Wahljahre eintragen, mit "
            "Semikolon getrennt (z. B. 2019;2024;2029).",
    }),
    ProblemType("quote-stadtteile-ueber-100", Severity.WARNUNG, "Quote über 100 % je Stadtteil",
                "Zähler und Nenner am selben Ort zählen (z. B. beide am Wohnort) oder „Nach Stadtteilen“ = nein.", {
        "": "{place} ({indicator}): Die Quote darf über 100 % liegen (Höchstwert {found}) und wird nach Stadtteilen "
            "erhoben. Über 100 % kommt eine Quote nur, wenn Zähler und Nenner an verschiedenen Orten zählen (z. B. "
            "Kinder am Ort der Kita, Bevölkerung am Wohnort); je Stadtteil wäre sie dann nicht aussagekräftig. Bitte "
            "Zähler und Nenner am selben Ort zählen (Höchstwert 100) oder die Spalte „Nach Stadtteilen“ auf „nein“ "
            "setzen.",
    }),
    # ---- the map geometry (Stadtteil boundaries, toolkit compile)
    ProblemType("stadtteil-ohne-flaeche", Severity.WARNUNG, "Stadtteil ohne Fläche in der Kartengrundlage",
                "Die Kartengrundlage um den Stadtteil ergänzen oder Schlüssel bzw. Namen an das Blatt Stadtteile "
                "des Katalogs angleichen.", {
        "": "Der Stadtteil {found} (Schlüssel {key}) hat in der Kartengrundlage {file} keine Fläche; die Karten "
            "zeigen ihn nicht.",
    }),
    ProblemType("flaeche-ohne-stadtteil", Severity.WARNUNG, "Fläche ohne Stadtteil des Katalogs",
                "Schlüssel oder Namen der Fläche an das Blatt Stadtteile des Katalogs angleichen.", {
        "": "Die Fläche „{found}“ der Kartengrundlage {file} gehört zu keinem Stadtteil des Katalogs; sie wird nicht "
            "gezeichnet.",
        "widerspruch": "Die Fläche „{found}“ der Kartengrundlage {file} trägt den Schlüssel {key} (im Katalog: "
                       "{other}), heißt aber wie der Stadtteil {expected}; sie wird nach dem Namen {expected} "
                       "zugeordnet.",
    }),
    # ---- the edited report before it is released (toolkit publish, publish/release.py); sheet: the place in it
    ProblemType("redaktion-offen", Severity.FEHLER, "Bearbeitung des Berichts nicht abgeschlossen",
                "In Word den Platzhalter ersetzen oder löschen, die Arbeitsnotiz klären und streichen, unter "
                "Überprüfen alle Änderungen annehmen oder ablehnen und alle Kommentare löschen.", {
        "": "{sheet}: Platzhalter „{found}“",
        "arbeitsnotiz": "{sheet}: Arbeitsnotiz „{found}“ in „{text}“",
        "ueberarbeitung": "{sheet}: {found}; sie könnten im PDF stehen, und gelöschte Zahlen blieben lesbar",
    }),
    ProblemType("intern-im-bericht", Severity.FEHLER, "Interne Angabe im Bericht",
                "Die Stelle in Word löschen; veröffentlicht wird nur die Fassung aus 'toolkit compile' ohne --intern.", {
        "kennzeichnung": "{sheet}: Kennzeichnung der internen Fassung „{found}“",
        "notiz": "{sheet}: interne Notiz aus dem Katalog ({indicator}) „{found}“",
        "datei": "{sheet}: Name einer gelieferten Datei „{found}“",
        "kontakt": "{sheet}: E-Mail-Adresse einer liefernden Stelle „{found}“",
    }),
    ProblemType("tabellenwert", Severity.FEHLER, "Zahl in einer Tabelle ist nicht der veröffentlichte Wert",
                "Den veröffentlichten Wert eintragen (wie im Tabellenanhang) oder die Zelle leeren.", {
        "gesperrt": "{sheet}: {found} eingetragen, der Wert ist gesperrt („{expected}“)",
        "fehlt": "{sheet}: {found} eingetragen, für diese Zelle gibt es keinen veröffentlichten Wert („{expected}“)",
        "geaendert": "{sheet}: {found} statt {expected} (der veröffentlichte Wert)",
        "zeile": "{sheet}: Zahlen in einer Zeile, die die Tabelle des Entwurfs nicht hat („{found}“)",
    }),
    ProblemType("dokumenteigenschaft", Severity.FEHLER, "Dokumenteigenschaft fehlt",
                "In Word unter Datei > Informationen > Eigenschaften eintragen (Titel; Autor: der Herausgeber aus "
                "toolkit.toml, [bericht] herausgeber); Sprache: Überprüfen > Sprache > Deutsch (Deutschland).", {
        "titel": "Dokumenteigenschaft Titel: leer",
        "sprache": "Dokumenteigenschaft Sprache: „{found}“ statt „{expected}“",
        "herausgeber": "Dokumenteigenschaft Autor (Herausgeber): „{found}“ statt „{expected}“",
        "intern": "Dokumenteigenschaft Titel: „{found}“ ist der Titel der internen Fassung",
    }),
    ProblemType("rueckrechenbar", Severity.FEHLER, "Gesperrter Wert aus den Ausgaben zurückzurechnen",
                "Nichts veröffentlichen; 'toolkit compile --intern' zeigt die Prüfung. Bitte der Betreuung melden.", {
        "": "Geheimhaltung: {found} ließe sich aus dieser und den früheren Ausgaben zusammen zurückrechnen",
    }),
)}


@dataclass(frozen=True)
class Problem:
    """One finding: made by ``problem()`` (never by hand), stored and shown with its rendered message."""

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    indicator: str = ""
    found: str = ""
    expected: str = ""
    severity: Severity | None = None  # None: the default severity of the code

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_TYPES:
            raise ValueError(f"unknown problem code {self.code!r}")
        if self.severity is None:
            object.__setattr__(self, "severity", PROBLEM_TYPES[self.code].severity)

    @property
    def title(self) -> str:
        return PROBLEM_TYPES[self.code].title

    @property
    def advice(self) -> str:
        return PROBLEM_TYPES[self.code].advice

    @property
    def place(self) -> str:
        """'Erfassung!K12' or the sheet or nothing."""
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "sheet": self.sheet, "cell": self.cell,
                "indicator": self.indicator, "found": self.found, "expected": self.expected, "severity": str(self.severity)}


def problem(code: str, variant: str = "", *, file: str = "", sheet: str = "", cell: str = "", indicator: str = "",
            found: str = "", expected: str = "", **details: object) -> Problem:
    """The Problem of ``code``: its German message made from the code's template with these fields.

    Construction sites pass fields, never sentences. Office text in ``found`` or a detail is data: it is put
    into the message as it is (str.format reads braces only in the template).
    """
    kind = PROBLEM_TYPES[code]
    place = f"{sheet}!{cell}" if sheet and cell else sheet
    fields = {"file": file, "sheet": sheet, "cell": cell, "place": place, "indicator": indicator, "found": found,
              "expected": expected, **details}
    message = kind.messages[variant].format_map(fields)
    return Problem(code, message, file=file, sheet=sheet, cell=cell, indicator=indicator, found=found,
                   expected=expected)
