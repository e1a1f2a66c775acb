"""Feedback screen: the ticket-number pad, the four big ratings, the comment keyboard, thanks.

The four stages are built once and swapped into ``body``; refreshes only set texts.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.feedback.model import PAD_DIGITS, info, letters
from kiosk_ui.kiosk.widgets import KButton, KeyboardPad, KLabel


def _row(*widgets: Any, spacing: float = 12, **kwargs: Any) -> BoxLayout:
    row = BoxLayout(spacing=spacing, **kwargs)
    for widget in widgets:
        row.add_widget(widget)
    return row


class FeedbackScreen(KioskScreen):
    """Rate our service by the number on the ticket slip."""

    say_key = "feedback_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        c = controller
        self._letters: tuple[str, ...] = ()
        # stage "number": the number shown big, the pad, "next"
        self.number = KLabel(base_size=90, bold=True, halign="center")
        self.letter_row = BoxLayout(spacing=12)
        pad = BoxLayout(orientation="vertical", spacing=12, size_hint_x=0.6)
        pad.add_widget(self.letter_row)
        for digits in PAD_DIGITS:
            pad.add_widget(_row(*(self._key(d) for d in digits)))
        pad.add_widget(_row(self._key("\x00", "tool"), self._key("0"), self._key("\b", "tool")))
        self.next_button = KButton(tap_id="feedback_next", kind="primary", markup=True, base_size=44)
        self.next_button.bind(on_release=lambda *_a: c.feedback_next())
        left = BoxLayout(orientation="vertical", spacing=20, size_hint_x=0.4)
        left.add_widget(self.number)
        left.add_widget(self.next_button)
        self.number_panel = _row(left, pad, spacing=28)
        # stage "rate": four big buttons, then comment / change number / send
        self.rate_buttons = []
        for code in ("very_satisfied", "satisfied", "neutral", "dissatisfied"):
            button = KButton(tap_id=f"rate:{code}", kind="choice", markup=True, base_size=40)
            button.bind(on_release=lambda *_a, code=code: c.feedback_rate(code))
            self.rate_buttons.append(button)
        self.change_button = KButton(tap_id="feedback_change", kind="tool", base_size=30)
        self.change_button.bind(on_release=lambda *_a: c.feedback_back())
        self.comment_button = KButton(tap_id="feedback_comment", kind="normal", base_size=34)
        self.comment_button.bind(on_release=lambda *_a: c.feedback_comment(True))
        self.send_button = KButton(tap_id="feedback_send", kind="primary", base_size=44)
        self.send_button.bind(on_release=lambda *_a: c.send_feedback())
        self.rate_panel = BoxLayout(orientation="vertical", spacing=24)
        self.rate_panel.add_widget(_row(*self.rate_buttons, spacing=20, size_hint_y=0.62))
        self.rate_panel.add_widget(
            _row(self.change_button, self.comment_button, self.send_button, spacing=20, size_hint_y=0.38)
        )
        self.change_button.size_hint_x, self.comment_button.size_hint_x, self.send_button.size_hint_x = 0.25, 0.3, 0.45
        # stage "comment": the text, the keyboard, "done"
        self.comment_text = KLabel(base_size=32)
        self.keyboard = KeyboardPad(on_key=c.feedback_comment_key, size_hint_y=0.78)
        self.comment_done = KButton(tap_id="feedback_comment_done", kind="primary", base_size=34, size_hint_x=0.3)
        self.comment_done.bind(on_release=lambda *_a: c.feedback_comment(False))
        self.comment_panel = BoxLayout(orientation="vertical", spacing=12)
        self.comment_panel.add_widget(_row(self.comment_text, self.comment_done, spacing=20, size_hint_y=0.22))
        self.comment_panel.add_widget(self.keyboard)
        # stage "thanks"
        self.home_button = KButton(tap_id="feedback_home", kind="primary", base_size=44, size_hint=(0.5, 0.4))
        self.home_button.bind(on_release=lambda *_a: c.home())
        self.thanks_panel = BoxLayout(padding=(300, 80))
        self.thanks_panel.add_widget(self.home_button)
        self._panels = {
            "number": self.number_panel,
            "rate": self.rate_panel,
            "comment": self.comment_panel,
            "thanks": self.thanks_panel,
        }

    def _key(self, key: str, kind: str = "key") -> KButton:
        button = KButton(tap_id=f"key:{key}", kind=kind, base_size=44 if kind == "key" else 28)
        if kind == "key":
            button.text = key
        button.bind(on_release=lambda *_a: self.controller.feedback_key(key))
        if kind == "tool":
            button.tool_key = key
        return button

    def refresh(self) -> None:
        """Show the stage's panel and set its texts from the view-model."""
        c, fs, visit = self.controller, self.fs, self.flow.visit
        feedback = visit.feedback
        if feedback is None:
            return
        notice = c.t(visit.notice[0], **visit.notice[1]) if visit.notice else ""
        view = info(feedback, self.lang, busy=visit.busy, error=visit.error, notice=notice)  # type: ignore[arg-type]
        self.ids.title.text = view.title
        self.ids.hint.text = view.hint
        self.ids.message.text = view.busy_text or view.message
        panel = self._panels[view.stage]
        body = self.ids.body
        if body.children != [panel]:
            body.clear_widgets()
            body.add_widget(panel)
        service_letters = letters(tuple(s.letter for s in self.flow.catalogue.active_services()))
        if service_letters != self._letters:
            self._letters = service_letters
            self.letter_row.clear_widgets()
            for letter in service_letters:
                self.letter_row.add_widget(self._key(letter))
        for button in walk_tools(self.number_panel):
            button.text = c.t("kb_clear" if button.tool_key == "\x00" else "kb_backspace")
        self.number.text = view.number
        self.next_button.text = big(view.next_text, fs=fs, title_px=44)
        for button, (_code, label, chosen) in zip(self.rate_buttons, view.scale, strict=True):
            button.text = big(label, fs=fs, title_px=42)
            button.selected = chosen
        self.change_button.text = view.change_number
        self.comment_button.text = view.comment_button
        self.send_button.text = view.send
        self.comment_text.text = view.comment
        self.comment_done.text = view.done
        self.keyboard.lang = self.lang
        self.keyboard.mode = feedback.comment.mode
        self.home_button.text = view.home


def walk_tools(panel: Any) -> list[Any]:
    """The pad's tool keys (clear, delete)."""
    found = []
    stack = [panel]
    while stack:
        node = stack.pop()
        if isinstance(node, KButton) and hasattr(node, "tool_key"):
            found.append(node)
        stack.extend(node.children)
    return found
