"""The mosquitto bridge from a site's broker to the province broker (config text)."""

from __future__ import annotations

from motcua.contract.uplink import topic_uplink, topic_uplink_ack

__all__ = ["bridge_config", "bridge_connection_name", "bridge_state_topic"]


def bridge_connection_name(site: str) -> str:
    """Name of the bridge connection (also in its $SYS state topic)."""
    return f"motcua-uplink-{site}"


def bridge_state_topic(site: str) -> str:
    """Retained topic where mosquitto says whether the bridge is up ("1") or down ("0")."""
    return f"$SYS/broker/connection/{bridge_connection_name(site)}/state"


def bridge_config(
    site: str,
    province_host: str,
    province_port: int = 1883,
    *,
    username: str | None = None,
    password: str | None = None,
    cafile: str | None = None,
    restart_timeout: tuple[int, int] = (1, 5),
) -> str:
    """mosquitto.conf lines bridging ``motcua/{site}/uplink`` out and ``.../uplink/ack`` in (QoS 1).

    ``cleansession false`` + a fixed client id: the province broker keeps the bridge's session, and
    the site broker queues uplink messages while the province is unreachable.
    """
    lines = [
        f"connection {bridge_connection_name(site)}",
        f"address {province_host}:{province_port}",
        "bridge_protocol_version mqttv311",
        f"remote_clientid motcua-bridge-{site}",
        "cleansession false",
        "notifications true",
        "notifications_local_only true",
        f"notification_topic {bridge_state_topic(site)}",
        "try_private true",
        "start_type automatic",
        f"restart_timeout {restart_timeout[0]} {restart_timeout[1]}",
        "keepalive_interval 10",
        f"topic {topic_uplink(site)} out 1",
        f"topic {topic_uplink_ack(site)} in 1",
    ]
    if username:
        lines.append(f"remote_username {username}")
    if password:
        lines.append(f"remote_password {password}")
    if cafile:
        lines.append(f"bridge_cafile {cafile}")
    return "\n".join(lines) + "\n"
