"""The tagged PDF of a Word document, through LibreOffice: finding soffice, running it headless, its errors.

The PDF is made from a copy whose table of contents is plain entries (word.copy_with_plain_contents), so that
LibreOffice computes its page numbers; the PDF (PDF/UA, tagged, with bookmarks) replaces the old one atomically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from toolkit.core.errors import InputError
from toolkit.core.workspace import atomic_path
from toolkit.report.word import copy_with_plain_contents

PDF_FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
              '"PDFUACompliance":{"type":"boolean","value":"true"},'
              '"ExportBookmarks":{"type":"boolean","value":"true"}}')


def find_libreoffice(configured: str = "") -> Path:
    """soffice of LibreOffice: the path set in toolkit.toml, else the search path, else the usual install folders.

    The Windows installer does not put soffice.exe on PATH; it lives in ...\\LibreOffice\\program\\.
    """
    if configured:
        path = Path(configured)
        if path.is_file():
            return path
        raise InputError(f"LibreOffice wurde unter {path} nicht gefunden (toolkit.toml, [programme] libreoffice).",
                         hint="Bitte den Pfad zu soffice.exe prüfen, z. B. "
                              '"C:/Program Files/LibreOffice/program/soffice.exe", oder die Zeile leeren.')
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return Path(found)
    for path in _usual_install_paths():
        if path.is_file():
            return path
    raise InputError(
        "LibreOffice wurde nicht gefunden; das PDF kann nicht erzeugt werden. Es wurde nichts geändert.",
        hint="LibreOffice von https://de.libreoffice.org/download/ installieren (ohne Administratorrechte: "
             "die portable Fassung) und, falls es nicht im üblichen Ordner liegt, in toolkit.toml unter "
             '[programme] den Pfad angeben: libreoffice = "C:/…/LibreOffice/program/soffice.exe". '
             "Oder 'toolkit compile' ohne --pdf aufrufen und das Word-Dokument in Word als PDF speichern.")


def _usual_install_paths() -> list[Path]:
    """Where the LibreOffice installer for Windows puts soffice.exe (all users, or just this user)."""
    folders = [os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    folders += ["C:/Program Files", "C:/Program Files (x86)"]
    if os.environ.get("LOCALAPPDATA"):
        folders.append(str(Path(os.environ["LOCALAPPDATA"]) / "Programs"))
    return [Path(folder) / "LibreOffice" / "program" / "soffice.exe" for folder in folders if folder]


def convert_to_pdf(docx_path: Path, soffice: Path | None = None, timeout: int = 300) -> Path:
    """Tagged PDF/UA through LibreOffice headless with a private profile folder; returns the PDF path."""
    soffice = soffice or find_libreoffice()
    with tempfile.TemporaryDirectory(prefix="toolkit-lo-") as profile, \
            tempfile.TemporaryDirectory(prefix="toolkit-pdf-") as out_dir:
        source = Path(out_dir) / "quelle" / docx_path.name
        source.parent.mkdir()
        copy_with_plain_contents(docx_path, source)
        command = [str(soffice), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", PDF_FILTER, "--outdir", out_dir, str(source)]
        try:
            completed = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"LibreOffice hat das PDF nicht innerhalb von {timeout} s erzeugt.",
                             hint="Läuft LibreOffice schon mit einem Dialog? Alle LibreOffice-Fenster schließen "
                                  "und den Befehl wiederholen.") from None
        except OSError as exc:  # not a program, no right to run it, blocked by the IT's software policy
            raise InputError(f"LibreOffice ließ sich nicht starten ({soffice}: {exc.strerror or exc}).",
                             hint="Bitte den Pfad zu soffice.exe in toolkit.toml ([programme] libreoffice) prüfen. "
                                  "Das Word-Dokument ist fertig; es lässt sich in Word als PDF speichern.") from None
        produced = Path(out_dir) / (docx_path.stem + ".pdf")
        if completed.returncode != 0 or not produced.is_file():
            detail = completed.stderr.decode("utf-8", "replace").strip()[:300]
            said = f" Meldung von LibreOffice: {detail}" if detail else ""
            raise InputError(f"LibreOffice konnte {docx_path.name} nicht in PDF umwandeln.{said}",
                             hint="Das Word-Dokument ist fertig; es lässt sich in Word als PDF speichern. Sonst "
                                  "alle LibreOffice-Fenster schließen und den Befehl wiederholen.")
        target = docx_path.with_suffix(".pdf")
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)
    return target
