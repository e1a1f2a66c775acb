"""Site identity shared by every component: one default, so an unconfigured display hears its server."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["DEFAULT_SITE_ID", "SITE_ID_PATTERN"]

# Every deployable defaults to this id, so a server, a display and a kiosk started with no settings at all
# meet on the same topic root (motcua/demo-site/...).
DEFAULT_SITE_ID: Final = "demo-site"
SITE_ID_PATTERN: Final = r"^[A-Za-z0-9_.-]{1,64}$"
_SITE_ID = re.compile(SITE_ID_PATTERN)


def is_site_id(value: str) -> bool:
    """True when ``value`` is a usable site id (one MQTT topic level)."""
    return bool(_SITE_ID.match(value))
