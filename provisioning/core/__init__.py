"""Pure provisioning logic of the device side: rendering a device's image files from templates.

No sockets, SQLite, FastAPI or MQTT client here. (The server's decisions — codes, ACLs, configs — are in
``queue_server.core.provisioning_*``.)
"""

from __future__ import annotations

from provisioning.core.imageconfig import IMAGE_ROLES, PLATFORMS, ImageParams, render

__all__ = ["IMAGE_ROLES", "PLATFORMS", "ImageParams", "render"]
