"""``python -m kiosk_ui.feedback``: the counter-side feedback tablet."""

from __future__ import annotations

from kiosk_ui.feedback.cli import main

raise SystemExit(main())
