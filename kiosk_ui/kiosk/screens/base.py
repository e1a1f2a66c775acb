"""The base of every kiosk screen: a Kivy Screen that knows its controller and redraws from its view-model."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kivy.uix.screenmanager import Screen
from kivy.utils import escape_markup

from kiosk_ui.kiosk.widgets import KButton, KLabel, walk_all

_MARKUP = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")


def big(title: str, sub: str = "", *, fs: float = 1.0, title_px: float = 46, sub_px: float = 30) -> str:
    """Markup of a button with a bold title line and a smaller line under it."""
    text = f"[size={int(title_px * fs)}][b]{escape_markup(title)}[/b][/size]"
    if sub:
        text += f"\n[size={int(sub_px * fs)}]{escape_markup(sub)}[/size]"
    return text


class KioskScreen(Screen):  # type: ignore[misc]
    """A screen with a controller; ``refresh()`` redraws it from the flow's state."""

    say_key = "welcome_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        self.controller = controller
        self._drawn: tuple[Any, ...] | None = None
        self._drawn_refs: tuple[Any, ...] = ()
        super().__init__(**kwargs)

    def needs_redraw(self, *key: Any) -> bool:
        """True (and remembers ``key``) when what the screen shows changed since the last redraw.

        Strings, numbers and tuples compare by value, other objects (the catalogue, a form) by identity;
        they are kept alive here so that an identity is never reused by another object.
        """
        marker = tuple(k if isinstance(k, str | int | float | bool | tuple | None) else ("id", id(k)) for k in key)
        if marker == self._drawn:
            return False
        self._drawn, self._drawn_refs = marker, key
        return True

    def changed_page(self, page_of: Callable[[Any], Any], *key: Any) -> Any:
        """The page model ``page_of(self.flow)``, when there is one and it (compared by value) or ``key``
        changed since the last redraw; else None (nothing to draw)."""
        info = page_of(self.flow)
        if info is None or not self.needs_redraw((info,), *key):
            return None
        return info

    @property
    def flow(self) -> Any:
        """The visit's state machine."""
        return self.controller.flow

    @property
    def lang(self) -> str:
        """The visit's language."""
        return str(self.controller.flow.lang)

    @property
    def fs(self) -> float:
        """The text scale (1.0, or larger in large-text mode)."""
        return float(self.controller.app.fs)

    def refresh(self) -> None:
        """Redraw the dynamic parts (lists, texts) from the view-model."""

    def instruction(self) -> str:
        """What 'read aloud' says on this screen."""
        return str(self.controller.t(self.say_key))

    def texts(self) -> list[str]:
        """Every visible text on this screen (tests, reading time)."""
        found = []
        for widget in walk_all(self):
            if isinstance(widget, KLabel | KButton) and widget.text and getattr(widget, "kind", "") != "key":
                found.append(_MARKUP.sub("", widget.text))
        return found
