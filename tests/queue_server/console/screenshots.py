"""Screenshots of the staff console for docs/console/ (not a test; run it by hand).

    /work/main/.venv/bin/python tests/queue_server/console/screenshots.py [OUT_DIR]

Starts a demo server in a temporary directory, fills the queue, and captures the counter page
(Vietnamese and English, 1366×768 and 1920×1080), the admin page and the track page (390×844).
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2] / "support"))
from chromium_browser import chromium, settle
from conftest import ServerProcess
from playwright.sync_api import expect
from site_process import UNLIMITED_TICKETS

ROOT = Path(__file__).resolve().parents[3]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "site", env=UNLIMITED_TICKETS).start()  # 13 tickets from one kiosk
        try:
            capture(server, out)
        finally:
            server.stop()


def capture(server: ServerProcess, out: Path) -> None:
    base = f"{server.base_url}/api/v1"
    admin = {"Authorization": f"Bearer {server.admin_token}"}

    def issue(service: str, priority: str | None = None) -> dict:
        r = httpx.post(
            f"{base}/tickets",
            json={"service": service, "priority": priority},
            headers={"Authorization": f"Bearer {server.kiosk_token}", "Idempotency-Key": uuid.uuid4().hex},
        )
        r.raise_for_status()
        return dict(r.json())

    def act(counter: str, action: str, **kwargs: object) -> httpx.Response:
        return httpx.post(f"{base}/counters/{counter}/{action}", headers=admin, **kwargs)  # type: ignore[arg-type]

    # Some finished work for the KPIs: counters 2 and 4 serve a few citizens.
    for service in ("HT", "CT", "DD", "DD"):
        issue(service)
    act("2", "sign-in", json={"staff_id": "NV02"})
    act("4", "sign-in", json={"staff_id": "NV04"})
    for counter in ("2", "2", "4", "4"):
        act(counter, "next")
        act(counter, "start")
        act(counter, "done")
    act("4", "next")
    act("4", "no-show")
    # The queue that counter 1 (HT, CT) sees: a priority citizen is called first.
    issue("HT")
    issue("CT")
    issue("HT", "elderly")
    issue("HT")
    issue("CT", "pregnant")
    issue("HT")
    mine = issue("HT")
    issue("KD")
    issue("GT", "disability")

    counter_token = server.create_token("counter", counter_id="1", label="Quầy 1")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{server.base_url}/console/counter#counter=1&token={counter_token}&staff=NV01")
        expect(page.locator("#status")).to_have_text("Đang mở")
        page.click("#btn-next")
        expect(page.locator("#current .badge.prio")).to_be_visible()
        page.click("#banner-close")
        expect(page.locator("#banner")).to_be_hidden()
        settle(page)
        page.screenshot(path=str(out / "counter-vi.png"))
        page.set_viewport_size({"width": 1920, "height": 1080})
        settle(page)
        page.screenshot(path=str(out / "counter-vi-1920.png"))
        page.set_viewport_size({"width": 1366, "height": 768})
        page.click("#lang")
        page.click("#btn-start")
        expect(page.locator("#current-status")).to_have_text("Serving")
        page.click("#banner-close")
        expect(page.locator("#banner")).to_be_hidden()
        settle(page)
        page.screenshot(path=str(out / "counter-en.png"))
        page.click("#lang")  # back to Vietnamese for the other pages
        page.close()

        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{server.base_url}/console/admin#token={server.admin_token}")
        expect(page.locator("#kpi-issued")).to_be_visible()
        for table in ("#counters-table", "#queue-table", "#by-service-table", "#by-counter-table"):
            expect(page.locator(f"{table} tr").first).to_be_visible()
        settle(page)
        page.screenshot(path=str(out / "admin.png"), full_page=True)
        page.close()

        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page = phone.new_page()
        page.goto(f"{server.base_url}/t/{mine['id']}")
        expect(page.locator("#headline")).to_contain_text("Đang chờ")
        page.screenshot(path=str(out / "track-waiting.png"))
        called = act("2", "next").json()
        page.goto(f"{server.base_url}/t/{called['id']}")
        expect(page.locator("#headline")).to_contain_text("Mời đến")
        settle(page)  # after the highlight animation (three pulses)
        page.screenshot(path=str(out / "track-called.png"))
        phone.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "console")
