"""Welcome screen view-model: the attract loop's rotating hints."""

from __future__ import annotations

from collections.abc import Callable

from kiosk_ui.core.kiosk_text import t

HINTS = ("attract_1", "attract_2", "attract_3", "attract_4")


class WelcomeModel:
    """Which hint the attract loop shows; observers are told when it changes."""

    def __init__(self, centre_name: str) -> None:
        self.centre_name = centre_name
        self.index = 0
        self._observers: list[Callable[[], None]] = []

    def observe(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every change."""
        self._observers.append(callback)

    def advance(self) -> None:
        """Show the next hint."""
        self.index = (self.index + 1) % len(HINTS)
        for callback in list(self._observers):
            callback()

    def reset(self) -> None:
        """Back to the first hint."""
        self.index = 0

    def hint(self, lang: str) -> str:
        """The current hint."""
        return t(HINTS[self.index], lang)

    def title(self, lang: str) -> str:
        """The greeting."""
        return t("welcome_title", lang)
