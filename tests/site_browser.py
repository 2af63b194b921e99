"""A real browser for the website tests: Debian's chromium and chromium-driver through selenium, axe-core from npm.

``missing()`` says in German what is not there (the tests skip with that reason); ``serve(folder)`` serves a folder
on the loopback interface with the strict Content-Security-Policy the city's server is meant to send; ``Browser``
is one headless chromium session for all pages (starting one costs about a second).

axe-core is looked for in $AXE_CORE_DIR, then in .ci/node_modules/axe-core (where .ci/run installs it with
``npm install --prefix .ci axe-core@4.14``); nothing of it is kept in the repository.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSP = "default-src 'self'"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_dir() -> Path:
    return Path(os.environ.get("AXE_CORE_DIR") or ROOT / ".ci" / "node_modules" / "axe-core")


def chromium() -> str | None:
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def missing() -> str:
    """'' when everything for the browser tests is there, else the German reason to skip."""
    reasons = []
    if chromium() is None:
        reasons.append("chromium fehlt (apt-get install chromium)")
    if shutil.which("chromedriver") is None:
        reasons.append("chromedriver fehlt (apt-get install chromium-driver)")
    if importlib.util.find_spec("selenium") is None:
        reasons.append("selenium fehlt (pip install -e '.[test]')")
    if not (axe_dir() / "axe.min.js").is_file():
        reasons.append(f"axe-core fehlt in {axe_dir()} (npm install --prefix .ci axe-core@4.14, wie in .ci/run)")
    return "; ".join(reasons)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1 (a free port) with the CSP header; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Browser:
    """One headless chromium, driven through the Debian chromedriver (nothing is downloaded)."""

    def __init__(self) -> None:
        from selenium import webdriver  # heavy: only where the browser tests run
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = chromium() or ""
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--window-size=1280,900", "--lang=de-DE"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        self.driver.set_script_timeout(60)
        axe = axe_dir()
        self.axe_source = (axe / "axe.min.js").read_text(encoding="utf-8")
        self.axe_locale = json.loads((axe / "locales" / "de.json").read_text(encoding="utf-8"))

    def close(self) -> None:
        self.driver.quit()

    def open(self, url: str) -> list[dict]:
        """Load ``url``; the browser's console messages of that load (errors such as CSP violations)."""
        self.driver.get_log("browser")  # drop what an earlier page left
        self.driver.get(url)
        return self.driver.get_log("browser")

    def axe(self) -> list[dict]:
        """axe-core's violations on the loaded page (WCAG 2.1 A and AA and best practices), messages in German."""
        self.driver.execute_script(self.axe_source)
        self.driver.execute_script("axe.configure({locale: arguments[0]});", self.axe_locale)
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))"
            ".catch(e => done([{id: 'axe-fehler', impact: 'critical', help: String(e), nodes: []}]));",
            AXE_TAGS)

    def cdp(self, command: str, arguments: dict) -> dict:
        return self.driver.execute_cdp_cmd(command, arguments)

    def width(self, pixels: int | None) -> None:
        """Emulate a viewport ``pixels`` wide (None: the window again); --window-size cannot go below ~500 px."""
        if pixels is None:
            self.cdp("Emulation.clearDeviceMetricsOverride", {})
        else:
            self.cdp("Emulation.setDeviceMetricsOverride",
                     {"width": pixels, "height": 800, "deviceScaleFactor": 1, "mobile": True})

    def overflow(self) -> int:
        """How many pixels the page is wider than the viewport (0: no horizontal scrolling)."""
        return int(self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"))

    def screenshot(self, path: Path, width: int = 1280) -> None:
        """The whole page as PNG, ``width`` CSS pixels wide."""
        metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 500}
        self.cdp("Emulation.setDeviceMetricsOverride", metrics)
        height = int(self.driver.execute_script("return document.documentElement.scrollHeight;"))
        self.cdp("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
        try:
            path.write_bytes(self.driver.get_screenshot_as_png())
        finally:
            self.width(None)
