"""The technician's and the device's side of provisioning: find the site server, enrol, render the image,
keep the device's config current. The server's side is ``queue_server.provisioning``.

Names are imported on first use (PEP 562), so ``motcua provision image-config`` loads neither zeroconf nor
the MQTT client.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "DeviceAgent": "provisioning.device",
    "EnrolError": "provisioning.client",
    "FoundServer": "provisioning.discovery",
    "Identity": "provisioning.client",
    "ImageParams": "provisioning.core.imageconfig",
    "discover": "provisioning.discovery",
    "enrol": "provisioning.client",
    "render_image": "provisioning.image",
    "store_identity": "provisioning.client",
    "write_image": "provisioning.image",
}

__all__ = [
    "DeviceAgent",
    "EnrolError",
    "FoundServer",
    "Identity",
    "ImageParams",
    "discover",
    "enrol",
    "render_image",
    "store_identity",
    "write_image",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'provisioning' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
