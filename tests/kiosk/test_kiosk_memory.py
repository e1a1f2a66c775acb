"""A kiosk runs all day: screen changes must not create widgets, so memory stays flat.

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
