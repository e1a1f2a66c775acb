"""Debian's Chromium driven by Playwright, for the browser tests and the screenshot scripts.

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})

    settle(page)                                 # fonts loaded, finite animations over: ready for a screenshot

``MOTCUA_CHROMIUM`` names another binary. Playwright's sync API keeps an event loop running on the main
thread until it stops: hold the browser for a module at most (``tests/conftest.py`` checks).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched Playwright ``Browser`` (headless), closed at the end of the block."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: run scripts/install-system-packages.sh"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Fonts loaded and every finite CSS animation or transition over (an endless one never ends: it is left out).
_SETTLED = """() => document.fonts.status === "loaded" && document.getAnimations().every(
    (a) => a.playState !== "running" || a.effect.getComputedTiming().iterations === Infinity)"""


def settle(page: Any, timeout_ms: float = 15000) -> None:
    """Wait until the page is still (see ``_SETTLED``), then for two frames, so the layout is painted."""
    page.wait_for_function(_SETTLED, timeout=timeout_ms)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
