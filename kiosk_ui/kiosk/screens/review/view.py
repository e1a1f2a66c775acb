"""Review screen: the summary the citizen confirms before the dossier is submitted."""

from __future__ import annotations

from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen
from kiosk_ui.kiosk.screens.review.model import page
from kiosk_ui.kiosk.widgets import KLabel, Pool


class ReviewScreen(KioskScreen):
    """Label / value rows, edit, confirm."""

    say_key = "review_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pool = Pool(self.ids.rows, KLabel)

    def refresh(self) -> None:
        """Redraw the summary."""
        c = self.controller
        theme = c.app.theme
        info = self.changed_page(page, self.lang, self.fs, theme["name"])
        if info is None:
            return
        self.ids.title.text = f"{info.progress}  ·  {c.t('review_title')}: {info.procedure}"
        labels = self.pool.take(2 * len(info.rows))
        for index, row in enumerate(info.rows):
            label, value = labels[2 * index], labels[2 * index + 1]
            label.text, label.base_size, label.bold = row.label, 26, False
            label.color, label.size_hint_x = theme["muted"], 0.42
            value.text = row.value or c.t("review_empty")
            value.base_size, value.bold, value.size_hint_x = 28, bool(row.value), 0.58
            value.color = theme["fg"]
            if row.error:
                value.text = f"{row.value}  ⚠ {row.error}" if row.value else f"⚠ {row.error}"
                value.color = theme["error"]
        self.ids.status.text = info.status
        self.ids.edit.text = c.t("review_edit")
        self.ids.submit.text = c.t("retry") if info.failed else c.t("review_submit")
        self.ids.submit.disabled = info.busy or info.invalid > 0
        self.ids.submit.opacity = 0.35 if self.ids.submit.disabled else 1
