"""View-models without a window, settings documentation, and the purity of the core modules."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from kiosk_ui.core.announce import AnnouncementQueue, Verdict
from kiosk_ui.core.display_state import CounterModel, WaitingRoomModel
from kiosk_ui.core.display_text import format_date, format_time
from kiosk_ui.settings import DisplaySettings
from motcua.contract.mqtt import CallEvent, CounterState, QueueSummary, RecentCall, ServiceWaiting, ServingTicket

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def event(seq: int, number: str, counter: str = "5", at: datetime = T0) -> CallEvent:
    return CallEvent(
        site="s", seq=seq, ticket_id=f"t{seq}", number=number, service="HT", service_name_vi="Hộ tịch",
        service_name_en="Civil status", counter_id=counter, counter_name_vi=f"Quầy {counter}",
        counter_name_en=f"Counter {counter}", called_at=at,
    )  # fmt: skip


def test_date_is_written_the_vietnamese_way() -> None:
    assert format_date(datetime(2026, 11, 28, 9, 5), "vi") == "Thứ Bảy, 28/11/2026"
    assert format_date(datetime(2026, 11, 29), "vi") == "Chủ Nhật, 29/11/2026"
    assert format_date(datetime(2026, 11, 28), "en") == "Saturday, 28/11/2026"
    assert format_time(datetime(2026, 11, 28, 9, 5)) == "09:05"


def test_waiting_room_model_orders_calls_and_highlights_fresh_ones() -> None:
    model = WaitingRoomModel(AnnouncementQueue(), recent_size=3, highlight=timedelta(seconds=8))
    changes: list[int] = []
    model.observe(lambda: changes.append(1))
    for seq, number in enumerate(["A001", "A002", "A003", "A004", "A005"], start=1):
        assert model.on_call(event(seq, number, str(seq)), T0) is Verdict.ANNOUNCE
    assert model.current is not None and model.current.number == "A005"
    assert [item.number for item in model.recent] == ["A004", "A003", "A002"]
    assert model.is_highlighted(T0 + timedelta(seconds=7)) and not model.is_highlighted(T0 + timedelta(seconds=9))
    assert model.on_call(event(5, "A005", "5"), T0) is Verdict.DUPLICATE
    assert len(changes) == 5


def test_summary_fills_an_empty_screen_and_an_old_summary_is_ignored() -> None:
    model = WaitingRoomModel(AnnouncementQueue())
    service = ServiceWaiting(code="HT", letter="A", name_vi="Hộ tịch", name_en="Civil", waiting=4,
                             priority_waiting=0, estimated_wait_min=3)  # fmt: skip
    recent = [RecentCall(number=n, counter_id="1", counter_name_vi="Quầy 1", counter_name_en="Counter 1",
                         called_at=T0 - timedelta(minutes=i)) for i, n in enumerate(["A010", "A009"])]  # fmt: skip
    assert model.on_summary(QueueSummary(site="s", seq=10, updated_at=T0, services=[service], recent_calls=recent))
    assert model.current is not None and model.current.number == "A010"
    assert not model.is_highlighted(T0)
    older = QueueSummary(site="s", seq=9, updated_at=T0 - timedelta(seconds=1), services=[], recent_calls=[])
    assert not model.on_summary(older)
    assert model.services == [service]


def test_counter_model_follows_its_state_and_its_calls_only() -> None:
    model = CounterModel("5")
    serving = ServingTicket(ticket_id="x", number="B012", service="HT", status="serving", called_at=T0)
    state = CounterState(site="s", seq=3, counter_id="5", counter_name_vi="Quầy 5", counter_name_en="Counter 5",
                         status="open", serving=serving, updated_at=T0)  # fmt: skip
    assert model.on_counter_state(state, T0)
    assert model.serving == "B012" and model.name("vi") == "Quầy 5"
    assert not model.on_call(event(4, "A001", "6"), T0)
    assert model.on_call(event(5, "B013", "5"), T0) and model.serving == "B013"
    assert not model.on_counter_state(state, T0)  # older than the call
    paused = state.model_copy(update={"seq": 6, "status": "paused", "serving": None})
    assert model.on_counter_state(paused, T0) and model.status == "paused"


@pytest.mark.parametrize("make", [lambda: WaitingRoomModel(AnnouncementQueue()), lambda: CounterModel("5")])
def test_a_connected_display_that_hears_no_server_for_the_timeout_is_silent_until_it_hears_one(make) -> None:  # type: ignore[no-untyped-def]
    model = make()
    changes: list[int] = []
    model.observe(lambda: changes.append(1))
    assert not model.check_silence(T0 + timedelta(hours=1))  # not connected: that is "offline", not "silent"
    model.set_online(True, T0)
    assert not model.check_silence(T0 + timedelta(seconds=59.9))
    assert model.check_silence(T0 + timedelta(seconds=60)) and model.server_silent
    assert len(changes) == 2  # online, then silent (checking again changes nothing)
    assert model.check_silence(T0 + timedelta(seconds=61)) and len(changes) == 2
    model.heard()
    assert not model.server_silent and len(changes) == 3
    assert not model.check_silence(T0 + timedelta(hours=5))  # a quiet server that was heard is no alarm
    model.set_online(False, T0 + timedelta(hours=5))
    model.set_online(True, T0 + timedelta(hours=6))  # each connection must hear the server anew
    assert not model.check_silence(T0 + timedelta(hours=6, seconds=30))
    assert model.check_silence(T0 + timedelta(hours=6, seconds=60))
    model.set_online(False, T0 + timedelta(hours=7))
    assert not model.server_silent and not model.check_silence(T0 + timedelta(hours=8))


def test_the_silence_timeout_is_a_setting_of_sixty_seconds() -> None:
    assert DisplaySettings().server_silence_seconds == 60
    model = WaitingRoomModel(AnnouncementQueue(), silence=timedelta(seconds=2))
    model.set_online(True, T0)
    assert model.check_silence(T0 + timedelta(seconds=2))


def test_every_display_setting_is_documented() -> None:
    for name, field in DisplaySettings.model_fields.items():
        assert field.description and len(field.description) > 10, name


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_DISPLAY_SITE", "hn-01")
    monkeypatch.setenv("MOTCUA_DISPLAY_ANNOUNCE_LANGS", '["vi","en"]')
    monkeypatch.setenv("MOTCUA_DISPLAY_KIND", "counter")
    settings = DisplaySettings()
    assert settings.site == "hn-01" and settings.announce_langs == ["vi", "en"] and not settings.speaks()
    with pytest.raises(ValueError, match="unknown field"):
        DisplaySettings(template_vi="Mời {ten}")


@pytest.mark.parametrize(
    "module", ["kiosk_ui.core.numwords", "kiosk_ui.core.announce", "kiosk_ui.core.display_state",
               "kiosk_ui.core.display_text", "kiosk_ui.settings"]
)  # fmt: skip
def test_core_modules_import_no_kivy_paho_or_sqlite(module: str) -> None:
    code = (
        f"import sys, {module}; bad = [m for m in ('kivy', 'paho', 'sqlite3', 'fastapi') if m in sys.modules];"
        " print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
