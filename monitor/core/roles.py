"""The device roles the system reports in ``DeviceStatus.role``, named in Vietnamese and English.

The same names are in the dashboard's catalogue (``monitor/web/static/i18n.js``, keys ``role.<role>``);
a test holds the two equal and checks that every role a deployable produces is here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

ROLE_LABELS: Final[Mapping[str, tuple[str, str]]] = {
    # ``motcua agent --role``: the site server's agent, and the agent beside each device's app
    "server": ("Máy chủ", "Server"),
    "kiosk": ("Ki-ốt", "Kiosk"),
    "display": ("Màn hình phòng chờ", "Waiting-room display"),
    "counter": ("Máy quầy", "Counter device"),
    # enrolled device roles (provisioning)
    "counter_display": ("Màn hình quầy", "Counter display"),
    "feedback": ("Máy đánh giá tại quầy", "Counter feedback tablet"),
    # the display app's own status (``motcua display --kind ...``)
    "display-waiting-room": ("Màn hình phòng chờ", "Waiting-room display"),
    "display-counter": ("Màn hình quầy", "Counter display"),
}


def role_labels(role: str) -> tuple[str, str]:
    """(Vietnamese, English) name of ``role``; an unknown role is shown as it is reported."""
    return ROLE_LABELS.get(role, (role, role))
