"""A kiosk runs all day: screen changes must not create widgets, and memory stays flat.

List screens (services, fields, procedures, search results, priority categories ...) reuse a fixed
pool of tiles and redraw only when the language, the text size or the catalogue changed.
"""

from __future__ import annotations

from .conftest import Kiosk

ROUND = ("start", "find", "field:HOTICH", "procedure:HT-KS-01", "back", "back", "back", "home")  # 8 screen changes
PRIORITY_ROUND = ("priority", "priority:elderly", "back", "back", "start", "take_ticket", "home")  # 7 more


def test_sixty_screen_changes_create_no_widgets(kiosk_factory) -> None:  # type: ignore[no-untyped-def]
    kiosk: Kiosk = kiosk_factory()
    kiosk.settle(30)
    for tap in ROUND + PRIORITY_ROUND:  # warm-up: every screen drawn once, its tile pool filled
        kiosk.tap(tap)
    before = kiosk.request("widgets")
    changes = 0
    while changes < 60:
        for tap in ROUND + PRIORITY_ROUND:
            kiosk.request("tap", id=tap)
            changes += 1
    after = kiosk.request("widgets")
    assert not kiosk.state()["errors"]
    assert after["widgets"] <= before["widgets"], (before, after)
    # Before the pools, every change rebuilt its screen's tiles (~30 new widgets per list screen);
    # what is left is about one small Kivy object per tap (the touch machinery), freed again..
    assert after["created"] - before["created"] < 2 * changes, (before, after)


def test_resident_memory_stays_flat_over_a_hundred_screen_changes(kiosk_factory) -> None:  # type: ignore[no-untyped-def]
    """Before ``kiosk_ui.window_setup``, each change kept ~3.5 MB (software GL never finished a headless
    frame) and every label kept a CPU copy of its text: +200 MB here. Warm-up draws every screen once."""
    kiosk: Kiosk = kiosk_factory()
    kiosk.settle(30)
    for _ in range(2):
        for tap in ROUND + PRIORITY_ROUND:
            kiosk.tap(tap)
    before = kiosk.request("widgets")["rss_mb"]
    for _ in range(7):  # 105 screen changes, each waited for until its frame is drawn
        for tap in ROUND + PRIORITY_ROUND:
            kiosk.request("frame_tap", id=tap)
    after = kiosk.request("widgets")
    assert not kiosk.state()["errors"]
    assert after["rss_mb"] - before < 15, (before, after)
    assert after["label_surfaces"] == 0, after  # no label keeps its rendered SDL surface
