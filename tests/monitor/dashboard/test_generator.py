"""The demonstration province and its simulated days look like Bắc Ninh's one-stop desks."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from monitor.generator import hourly_arrivals, province_sites, simulate_day

ROOT = Path(__file__).resolve().parents[3]


def test_province_has_one_centre_eight_districts_and_126_communes_with_staff() -> None:
    sites = province_sites()
    levels = Counter(p.info.level for p in sites)
    assert levels == {"province": 1, "district": 8, "commune": 126}
    assert len({p.info.site for p in sites}) == 135
    staff = {level: sum(p.info.one_stop_staff for p in sites if p.info.level == level) for level in levels}
    assert staff["province"] == 75 and staff["district"] == 189 and 900 <= staff["commune"] <= 1100
    names = [p.info.name for p in sites]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert "Bộ phận một cửa huyện Yên Phong" in names and "UBND xã Dũng Liệt" in names


def test_days_have_a_morning_peak_weekday_seasonality_and_closed_sundays() -> None:
    site = next(p for p in province_sites() if p.info.site == "bn-yenphong")
    monday = date(2026, 11, 2)
    weeks = [[hourly_arrivals(site, monday + timedelta(days=7 * w + d), 1) for d in range(7)] for w in range(4)]
    per_weekday = [sum(sum(week[d]) for week in weeks) for d in range(7)]
    assert per_weekday[0] > per_weekday[4] > per_weekday[5] > 0 and per_weekday[6] == 0
    hours = [sum(week[d][h] for week in weeks for d in range(5)) for h in range(24)]
    assert max(range(24), key=lambda h: hours[h]) in (8, 9) and hours[12] == 0 and hours[18] == 0
    saturday = [sum(week[5][h] for week in weeks) for h in range(24)]
    assert sum(saturday[13:]) == 0


def test_a_simulated_day_has_every_event_kind_and_only_events_up_to_now() -> None:
    from datetime import UTC, datetime

    site = next(p for p in province_sites() if p.info.site == "bn-yenphong")
    day = date(2026, 11, 26)
    events = simulate_day(site, day, 1)
    kinds = Counter(type_ for _, type_, _ in events)
    assert {
        "ticket.issued",
        "ticket.called",
        "ticket.done",
        "dossier.submitted",
        "feedback.submitted",
        "counter.opened",
    } <= set(kinds)
    assert kinds["ticket.called"] >= kinds["ticket.done"]
    feedback = [d for _, t, d in events if t == "feedback.submitted"]
    assert all(d["rating"] in ("very_satisfied", "satisfied", "neutral", "dissatisfied") for d in feedback)
    assert all(d["sentiment"]["label"] in ("positive", "neutral", "negative") for d in feedback)
    now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert all(at <= now for at, _, _ in simulate_day(site, day, 1, now))


def test_generator_command_fills_a_store(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "monitor.generator",
            "--db",
            f"sqlite:///{db}",
            "--sites",
            "1",
            "--weeks",
            "1",
            "--now",
            "2026-11-26T03:30:00+00:00",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    assert "1 sites, 8 days" in out.stdout
    # and the demo accounts, with how to sign in
    assert "Đăng nhập / Sign in: http://127.0.0.1:8100/login" in out.stdout
    printed = dict(re.findall(r"^  (demo-\w+)\s+(\S+)", out.stdout, flags=re.MULTILINE))
    assert set(printed) == {"demo-operator", "demo-manager", "demo-viewer"}
    from monitor.auth import AuthService
    from monitor.store import open_store

    store = open_store(f"sqlite:///{db}")
    try:
        auth = AuthService(store)
        assert all(auth.sign_in(name, password).ok for name, password in printed.items())
        assert {u.username: u.role for u in store.users()} == {
            "demo-manager": "site_manager",
            "demo-operator": "operator",
            "demo-viewer": "viewer",
        }
        (row,) = store.sites()
        assert (row.name, row.level, row.one_stop_staff) == ("Trung tâm Hành chính công tỉnh Bắc Ninh", "province", 75)
        assert store.count_events(types=["ticket.issued"]) > 3000
        assert store.devices()
        again = subprocess.run(
            [sys.executable, "-m", "monitor.generator", "--db", f"sqlite:///{db}", "--sites", "1", "--weeks", "1"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert again.returncode == 2 and "already holds events" in again.stderr
    finally:
        store.close()
