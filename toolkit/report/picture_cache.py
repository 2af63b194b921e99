"""Pictures drawn once: the PNG and SVG files of charts and maps kept in the working folder (data/bilder/), by content.

Drawing is most of the time of ``compile`` and ``publish``; most pictures are the same as the last time (a value
corrected, the report compiled again; ``publish`` after ``compile``; the website drawing what the report drew).

- The key of a picture is the SHA-256 of its spec (pickled without memo, so equal specs give equal bytes whatever
  objects they share), the kind of output (png, svg with the page's stem and title), the source of every module of
  the toolkit, and the drawing libraries' versions, fonts and matplotlib's rcParams (``environment``). A change of
  any of these is a new key: never a stale picture. A spec that cannot be pickled is simply drawn every time.
- Each file holds a magic line, the SHA-256 of the picture and the picture; a file that is truncated, corrupt or
  unreadable is drawn again, never used. Files are written atomically (core/workspace.atomic_write_bytes), so a
  killed run or two processes at once never leave half a file.
- A folder that cannot be written (read-only, disk full, a file held open) never fails a command: the pictures are
  drawn as without the cache, silently, and writing stops for the rest of the run. Only speed depends on the cache.
- Bounded (``prune``): files not used for MAX_AGE_DAYS go, and beyond MAX_BYTES the least recently used ones; a hit
  renews the file's time. What this run used is never removed.

Only writing commands (compile, publish) make a cache; reading commands never create the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import time
import zlib
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy
import PIL
from matplotlib import ft2font, rcParams
from matplotlib.font_manager import FontProperties, findfont

from toolkit.core.errors import FileInUseError
from toolkit.core.workspace import Workspace, atomic_write_bytes

MAGIC = b"toolkit-bild 1\n"
SUFFIX = ".bild"
KEY_CHARACTERS = 40  # hex digits of the SHA-256 in a file name (160 bits): short paths on Windows
MAX_BYTES = 200 * 1024 * 1024
MAX_AGE_DAYS = 60
LEFTOVER_SECONDS = 3600  # a temporary file of a write this old was left by a killed process
# rcParams that do not change a saved picture (and "backend", whose reading would start pyplot)
_NOT_DRAWING = ("backend", "interactive", "toolbar", "timezone", "webagg.", "keymap.", "savefig.directory", "tk.",
                "macosx.", "figure.raise_window")


@lru_cache(maxsize=1)
def code_digest() -> bytes:
    """SHA-256 over the path and bytes of every module of the toolkit: computed once per process."""
    package = Path(__file__).resolve().parent.parent  # toolkit/
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def environment() -> bytes:
    """What a drawing depends on besides its spec and the toolkit's code: libraries, font, rcParams (now)."""
    params = sorted((name, repr(rcParams[name])) for name in rcParams if not name.startswith(_NOT_DRAWING))
    parts = (sys.version_info[:2], matplotlib.__version__, numpy.__version__, PIL.__version__,
             ft2font.__freetype_version__, zlib.ZLIB_RUNTIME_VERSION, findfont(FontProperties()), params)
    return hashlib.sha256(code_digest() + repr(parts).encode()).digest()


def spec_bytes(spec: object) -> bytes | None:
    """The spec pickled without pickle's memo (``fast``): two equal specs give the same bytes even where one shares
    a string or style object that the other holds twice. None if it cannot be pickled."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(spec)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None
    return buffer.getvalue()


def drawing_label(label: str, drawn: int, total: int) -> str:
    """The progress line: 'Grafiken zeichnen: 3 neu, 133 aus dem Zwischenspeicher' (unchanged when none is kept)."""
    return label if drawn == total else f"{label}: {drawn} neu, {total - drawn} aus dem Zwischenspeicher"


class PictureCache:
    """The pictures kept in ``folder`` (None: nothing is kept, every picture is drawn)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._environment = environment() if folder is not None else b""
        self._used: set[str] = set()
        self._writable = folder is not None

    @classmethod
    def of(cls, workspace: Workspace) -> PictureCache:
        return cls(workspace.picture_cache)

    def key(self, spec: object, kind: str, *extra: object) -> str | None:
        """The key of ``spec`` drawn as ``kind`` (and what else the output depends on); None: not to be kept."""
        if self.folder is None:
            return None
        data = spec_bytes(spec)
        if data is None:
            return None
        head = repr((kind, extra)).encode()
        return hashlib.sha256(self._environment + len(head).to_bytes(4, "big") + head + data).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{key[:KEY_CHARACTERS]}{SUFFIX}"

    def get(self, key: str | None) -> bytes | None:
        """The kept picture, or None if there is none or its file is not intact."""
        if key is None:
            return None
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head = len(MAGIC) + 32
        if len(data) <= head or not data.startswith(MAGIC) or \
                hashlib.sha256(data[head:]).digest() != data[len(MAGIC):head]:
            return None
        self._used.add(path.name)
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be removed
        return data[head:]

    def put(self, key: str | None, picture: bytes) -> None:
        """Keep ``picture``; a folder that cannot be written ends the writing for this run, without an error."""
        if key is None or not self._writable:
            return
        path = self._path(key)
        try:
            atomic_write_bytes(path, MAGIC + hashlib.sha256(picture).digest() + picture)
        except (OSError, FileInUseError):
            self._writable = False
            return
        self._used.add(path.name)

    def prune(self, now: float | None = None) -> None:
        """Remove what was not used for MAX_AGE_DAYS, then the least recently used beyond MAX_BYTES; never a file
        this run used. Errors (a file held open, a read-only folder) leave the file for a later run."""
        if self.folder is None or not self._writable or not self.folder.is_dir():
            return
        now = time.time() if now is None else now
        entries = []
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                stat = path.stat()
                if path.name.endswith(".tmp") and now - stat.st_mtime > LEFTOVER_SECONDS:
                    path.unlink()
                elif path.suffix == SUFFIX and path.name not in self._used:
                    entries.append((stat.st_mtime, stat.st_size, path))
        kept = sum(size for _t, size, _p in entries) + self._used_bytes()
        for mtime, size, path in sorted(entries, key=lambda entry: entry[0]):
            if now - mtime > MAX_AGE_DAYS * 86400 or kept > MAX_BYTES:
                with contextlib.suppress(OSError):
                    path.unlink()
                    kept -= size

    def _used_bytes(self) -> int:
        assert self.folder is not None
        return sum(_size(self.folder / name) for name in self._used)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
