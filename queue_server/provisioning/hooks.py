"""What ``motcua server`` / ``motcua site`` start beside the HTTP server: the site CA, TLS, the announcer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from queue_server.provisioning.announce import Announcer, announce_addresses
from queue_server.provisioning.ca import SiteCA
from queue_server.provisioning.settings import ProvisioningSettings

logger = logging.getLogger(__name__)


@contextmanager
def site_services(settings: Any, prov: ProvisioningSettings | None = None) -> Iterator[dict[str, Any]]:
    """Create the site CA at first start, announce over zeroconf; yields extra ``uvicorn.run`` arguments (TLS)."""
    prov = prov or ProvisioningSettings()
    ca = SiteCA.load_or_create(prov.directory(settings.data_dir), settings.site_id)
    extra: dict[str, Any] = {}
    scheme = "http"
    if prov.tls:
        cert, key = ca.server_cert(prov.tls_hosts or [settings.host])
        extra = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
        scheme = "https"
    announcer: Announcer | None = None
    if prov.announce:
        try:
            addresses = announce_addresses(settings.host, prov.announce_interfaces)
            announcer = Announcer(settings.site_id, settings.port, ca.fingerprint, addresses, scheme=scheme).start()
        except (ValueError, OSError) as exc:
            logger.warning("not announcing over zeroconf: %s", exc)
    try:
        yield extra
    finally:
        if announcer is not None:
            announcer.stop()


def server_broker(settings: Any, prov: ProvisioningSettings | None = None) -> tuple[str, tuple[str, str, str] | None]:
    """The queue server's own broker URL and TLS files.

    For a locked-down broker (``mqtts://``) without credentials in the URL, the server connects with its
    own account (``motcua-server``, password kept 0600 beside the site CA) and a client certificate signed
    by the site CA; the demo broker (``mqtt://`` on loopback) is used as given.
    """
    from urllib.parse import quote

    from motcua.runtime.mqtt import parse_broker_url
    from queue_server.provisioning.service import SERVER_MQTT_USER, Provisioner
    from queue_server.store.db import open_database

    url = str(settings.broker_url)
    address = parse_broker_url(url)
    if not address.tls:
        return url, None
    prov = prov or ProvisioningSettings()
    directory = prov.directory(settings.data_dir)
    ca = SiteCA.load_or_create(directory, settings.site_id)
    cert, key = ca.client_cert(SERVER_MQTT_USER)
    if not address.username:
        db = open_database(settings.data_dir)
        try:
            password = Provisioner(db, settings.site_id, directory, prov).server_mqtt_password()
        finally:
            db.close()
        url = f"mqtts://{SERVER_MQTT_USER}:{quote(password, safe='')}@{address.host}:{address.port}"
    return url, (str(ca.cert_path), str(cert), str(key))
