"""Done screen view-model: thanks, and the countdown back to the welcome screen."""

from __future__ import annotations

import math

from kiosk_ui.core.kiosk_text import t


def countdown(seconds_left: float, lang: str) -> str:
    """'Màn hình trở về trang đầu sau 12 giây'."""
    return t("done_countdown", lang, n=max(0, math.ceil(seconds_left)))
