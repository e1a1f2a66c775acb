"""The server half of provisioning: the site CA, enrolment codes, the device registry, broker accounts and ACLs,
device configs, and the zeroconf announcement. The device's half is the ``provisioning`` package."""

from __future__ import annotations

from queue_server.provisioning.announce import Announcer, announce_addresses
from queue_server.provisioning.broker import SERVER_MQTT_USER, BrokerAccounts, BrokerFiles
from queue_server.provisioning.ca import IssuedCert, SiteCA
from queue_server.provisioning.errors import ProvisioningError
from queue_server.provisioning.hooks import server_broker, site_services
from queue_server.provisioning.service import Provisioner
from queue_server.provisioning.settings import ProvisioningSettings

__all__ = [
    "SERVER_MQTT_USER",
    "Announcer",
    "BrokerAccounts",
    "BrokerFiles",
    "IssuedCert",
    "Provisioner",
    "ProvisioningError",
    "ProvisioningSettings",
    "SiteCA",
    "announce_addresses",
    "server_broker",
    "site_services",
]
