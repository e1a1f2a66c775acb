"""Pure provisioning logic: enrolment codes, MQTT ACLs and passwords, rate limits, device config, image rendering.

No sockets, SQLite, FastAPI or MQTT client here; the clock is passed in.
"""

from __future__ import annotations

from provisioning.core.roles import DEVICE_ROLES, token_role

__all__ = ["DEVICE_ROLES", "token_role"]
