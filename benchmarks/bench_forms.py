"""Circular 03/2025 forms on this machine: ``python benchmarks/bench_forms.py [-n 30]``.

An in-process site (the tests' ``site_app``, real SQLite, real paper store): ``n`` dossiers, each taken through
receipt → forward → supplement → late → apology → result → return, with forms 02, 01, 04, 06 (and 03/05 on
separate dossiers) issued over HTTP; each issue is timed end to end (read, render, encrypt, store, event).
Then form 07 for the whole period, PDF and CSV. Prints p50/p95 milliseconds and PDF sizes per form.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))  # as pytest's pythonpath
from site_app import Site, open_site  # noqa: E402

from queue_server.auth import create_token  # noqa: E402

DATA = {"declarant_full_name": "Đỗ Văn Thưởng", "declarant_address": "Số 12 phố Nguyễn Đăng Đạo", "phone": "0912000111"}
SITE = "agency: Trung tâm Phục vụ hành chính công phường Kinh Bắc\nstaff: {NV01: Nguyễn Thị Hoa, PTP01: Lê Văn Minh}\n"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=30, help="dossiers")
    n = parser.parse_args().n
    times: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp, open_site(Path(tmp), Site) as site:
        (Path(tmp) / "forms").mkdir()
        (Path(tmp) / "forms" / "site.yaml").write_text(SITE, encoding="utf-8")
        site.tokens["department"] = create_token(site.service.db, "department", label="PTP01", department="HT")
        c, h = site.client, site.headers
        assert site.act("1", "sign-in", staff_id="NV01").status_code == 200

        def issue(did: str, form: str, role: str = "counter1", **body: object) -> None:
            started = time.perf_counter()
            r = c.post(f"/api/v1/dossiers/{did}/forms/{form}", json=body or None, headers=h(role))
            times.setdefault(form, []).append(time.perf_counter() - started)
            assert r.status_code == 201, r.text
            sizes.setdefault(form, []).append(r.json()["size"])

        for i in range(n):
            d = c.post(
                "/api/v1/dossiers/draft",
                json={"procedure_code": "HT-KS-02", "data": DATA},
                headers=h("counter1", uuid.uuid4().hex),
            ).json()
            did = d["id"]
            required = [x["kind"] for x in d["checklist"] if x["required"]]
            issue(did, "02", reason=f"Thiếu giấy tờ {i}")
            c.put(
                f"/api/v1/dossiers/{did}/checklist",
                json={"items": {k: {"received": True} for k in required}},
                headers=h("counter1"),
            )
            assert c.post(f"/api/v1/dossiers/{did}/receive", headers=h("counter1", uuid.uuid4().hex)).status_code == 200
            issue(did, "01")
            c.post(f"/api/v1/dossiers/{did}/forward", headers=h("counter1"))
            c.post(
                f"/api/v1/dossiers/{did}/supplement-request",
                json={"reason": "Bản sao chưa chứng thực", "kinds": [required[1]]},
                headers=h("department"),
            )
            c.put(
                f"/api/v1/dossiers/{did}/checklist",
                json={"items": {required[1]: {"received": True}}},
                headers=h("counter1"),
            )
            c.post(f"/api/v1/dossiers/{did}/supplemented", headers=h("counter1"))
            c.post(f"/api/v1/dossiers/{did}/forward", headers=h("counter1"))
            issue(did, "04", role="department", reason="Cần xác minh", new_date="2027-06-30")
            issue(did, "06")
            other = c.post(
                "/api/v1/dossiers/draft",
                json={"procedure_code": "HT-KS-02", "data": DATA},
                headers=h("counter1", uuid.uuid4().hex),
            ).json()
            issue(other["id"], "03", reason="Không thuộc thẩm quyền")
            c.put(
                f"/api/v1/dossiers/{other['id']}/checklist",
                json={"items": {k: {"received": True} for k in required}},
                headers=h("counter1"),
            )
            c.post(f"/api/v1/dossiers/{other['id']}/receive", headers=h("counter1", uuid.uuid4().hex))
            c.post(f"/api/v1/dossiers/{other['id']}/cancel", json={"reason": "Rút hồ sơ"}, headers=h("counter1"))
            issue(other["id"], "05")
            site.clock.advance(7)
        for fmt in ("pdf", "csv"):
            for _ in range(5):
                started = time.perf_counter()
                r = c.get(f"/api/v1/forms/07?desk=1&from=2026-11-30&to=2026-11-30&format={fmt}", headers=h("counter1"))
                times.setdefault(f"07 {fmt} ({2 * n} rows)", []).append(time.perf_counter() - started)
                assert r.status_code == 200
                sizes.setdefault(f"07 {fmt} ({2 * n} rows)", []).append(len(r.content))
    print(f"{'form':<18} {'p50 ms':>8} {'p95 ms':>8} {'PDF bytes (median)':>20}")
    for form in sorted(times):
        ms = [t * 1000 for t in times[form]]
        size = int(statistics.median(sizes[form]))
        print(f"{form:<18} {statistics.median(ms):8.1f} {percentile(ms, 95):8.1f} {size:>20}")


if __name__ == "__main__":
    main()
