"""Screenshots of the dashboard at province scale (not a test): ``python tests/monitor/dashboard/shoot.py``.

Generates (or reuses) a simulated province in a SQLite store, serves the monitor (``create_app`` with the
dashboard) with its clock fixed at the end of the history (a Thursday morning), signs in as an operator made
for the pictures, and saves PNGs under ``docs/monitor/``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/motcua-dashboard-shots.db")
    parser.add_argument("--now", default="2026-11-26T03:40:00+00:00", help="end of history = dashboard clock")
    parser.add_argument("--sites", type=int, default=135)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--out", default=str(ROOT / "docs" / "monitor"))
    args = parser.parse_args()

    import uvicorn
    from chromium_browser import chromium

    from monitor.alerts import AlertEngine
    from monitor.auth import AuthService
    from monitor.dashboard import mount
    from monitor.generator import generate
    from monitor.ingest.http import create_app
    from monitor.ingest.service import IngestService
    from monitor.store import open_store
    from motcua.runtime.broker import free_port

    end = datetime.fromisoformat(args.now)
    store = open_store(f"sqlite:///{args.db}", clock=lambda: end)  # batches received as the history ends
    if not store.count_events():
        report = generate(store, sites=args.sites, weeks=args.weeks, now=end)
        print("generated:", report)
    auth = AuthService(store)
    password = "ảnh-chụp-màn-hình"
    if store.user("tinh.operator") is None:
        auth.create_user("tinh.operator", password, "operator", display_name="Điều hành tỉnh")
    _, token = auth.create_token("screenshots", "operator", None, actor="shoot.py", days=1)
    app = create_app(store, IngestService(store, AlertEngine(store)), auth=auth)
    mount(app, store, clock=lambda: end)  # the pictures show the province at ``--now``
    bearer = {"Authorization": f"Bearer {token}"}
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(base + "/api/v1/dashboard/status", headers=bearer)
            ) as res:
                status = json.load(res)
            if status["ready"]:
                break
        except OSError:
            pass
        time.sleep(0.5)
    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(base + "/api/v1/dashboard/overview", headers=bearer)) as res:
            body = res.read()
        timings.append(round(1000 * (time.perf_counter() - t0), 1))
    print("status:", status, "overview HTTP ms:", timings, "bytes:", len(body))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/")
        page.fill("#username", "tinh.operator")
        page.fill("#password", password)
        page.click("#submit")
        page.wait_for_selector("#sites tbody tr[data-site]")
        page.screenshot(path=str(out / "overview-vi.png"), full_page=False)
        page.click("#rank-tabs button[data-level=district]")
        page.locator("#ranking").scroll_into_view_if_needed()
        page.screenshot(path=str(out / "ranking-vi.png"), full_page=False)
        page.click("#lang")
        page.wait_for_function("document.documentElement.lang === 'en'")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / "overview-en.png"), full_page=False)
        page.click("#lang")
        for site, name in (("bn-tthcc", "site-province-vi"), ("bn-yenphong", "site-district-vi")):
            page.goto(f"{base}/sites/{site}")
            page.wait_for_selector("#services tbody tr[data-service]")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        page.click("#lang")
        page.wait_for_function("document.documentElement.lang === 'en'")
        page.screenshot(path=str(out / "site-district-en.png"), full_page=False)
        page.click("#lang")
        print("page errors:", errors)
    server.should_exit = True
    thread.join(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
