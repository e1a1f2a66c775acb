"""Review screen: the summary the citizen confirms before the dossier is submitted."""

from __future__ import annotations

from kiosk_ui.kiosk.screens.base import KioskScreen
from kiosk_ui.kiosk.screens.review.model import page
from kiosk_ui.kiosk.widgets import KLabel


class ReviewScreen(KioskScreen):
    """Label / value rows, edit, confirm."""

    say_key = "review_say"

    def refresh(self) -> None:
        """Redraw the summary."""
        c = self.controller
        info = page(self.flow)
        if info is None:
            return
        self.ids.title.text = f"{c.t('review_title')}: {info.procedure}"
        grid = self.ids.rows
        grid.clear_widgets()
        theme = c.app.theme
        for row in info.rows:
            label = KLabel(text=row.label, base_size=26, color=theme["muted"], size_hint_x=0.42)
            value = KLabel(text=row.value or c.t("review_empty"), base_size=28, bold=bool(row.value), size_hint_x=0.58)
            if row.error:
                value.text = f"{row.value}  ⚠ {row.error}" if row.value else f"⚠ {row.error}"
                value.color = theme["error"]
            grid.add_widget(label)
            grid.add_widget(value)
        self.ids.status.text = info.status
        self.ids.edit.text = c.t("review_edit")
        self.ids.submit.text = c.t("retry") if info.failed else c.t("review_submit")
        self.ids.submit.disabled = info.busy or info.invalid > 0
        self.ids.submit.opacity = 0.35 if self.ids.submit.disabled else 1
