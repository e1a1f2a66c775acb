"""The one screen registry: flow screen -> view class and .kv file; it feeds the ScreenManager."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk_ui.core.kiosk_flow import Screen

__all__ = ["SCREENS", "ScreenSpec", "build_screens"]

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ScreenSpec:
    """A screen: its flow name, its package under ``screens/`` and its view class."""

    screen: Screen
    package: str
    view: str

    @property
    def kv(self) -> Path:
        """The screen's layout file (never named after the App class, which Kivy would auto-load)."""
        return HERE / "screens" / self.package / f"{self.package}.kv"


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(Screen.WELCOME, "welcome", "WelcomeScreen"),
    ScreenSpec(Screen.START, "start", "StartScreen"),
    ScreenSpec(Screen.PRIORITY, "priority", "PriorityScreen"),
    ScreenSpec(Screen.SERVICES, "services", "ServicesScreen"),
    ScreenSpec(Screen.FIELDS, "fields", "FieldsScreen"),
    ScreenSpec(Screen.SEARCH, "search", "SearchScreen"),
    ScreenSpec(Screen.PROCEDURES, "procedures", "ProceduresScreen"),
    ScreenSpec(Screen.PROCEDURE, "procedure", "ProcedureScreen"),
    ScreenSpec(Screen.FORM, "form", "FormScreen"),
    ScreenSpec(Screen.REVIEW, "review", "ReviewScreen"),
    ScreenSpec(Screen.TICKET, "ticket", "TicketScreen"),
    ScreenSpec(Screen.DONE, "done", "DoneScreen"),
    ScreenSpec(Screen.FEEDBACK, "feedback", "FeedbackScreen"),
)


def build_screens(controller: Any) -> list[Any]:
    """Load each screen's .kv (once) and create its view."""
    from kiosk_ui.kiosk.widgets import load_kv_once

    views = []
    for spec in SCREENS:
        load_kv_once(spec.kv)
        module = importlib.import_module(f"kiosk_ui.kiosk.screens.{spec.package}.view")
        views.append(getattr(module, spec.view)(controller, name=spec.screen.value))
    return views
