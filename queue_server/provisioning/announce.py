"""Zeroconf (mDNS/DNS-SD, RFC 6762/6763): the queue server announces itself; devices find it (``provisioning``).

The server announces ``SERVICE_TYPE`` with the TXT records of ``motcua.contract.provisioning`` (version, site,
API port, scheme, CA fingerprint) only on the interfaces it is told to use — by default the address its HTTP
server is bound to, never every interface.
"""

from __future__ import annotations

import logging
import socket
import threading

from zeroconf import IPVersion, ServiceInfo, Zeroconf

from motcua.contract.provisioning import (
    SERVICE_TYPE,
    TXT_FINGERPRINT,
    TXT_PORT,
    TXT_SCHEME,
    TXT_SITE,
    TXT_VERSION,
    TXT_VERSION_KEY,
)

logger = logging.getLogger(__name__)

_WILDCARD = ("0.0.0.0", "::", "")


def announce_addresses(bind_host: str, interfaces: list[str] | None) -> list[str]:
    """The addresses to announce on: the configured ones, else the HTTP bind address; never all by default."""
    if interfaces:
        return list(dict.fromkeys(interfaces))
    if bind_host in _WILDCARD:
        raise ValueError(
            "the server listens on every interface: name the ones to announce on "
            "(MOTCUA_PROVISION_ANNOUNCE_INTERFACES, e.g. '[\"192.168.1.10\"]')"
        )
    return [bind_host]


class Announcer:
    """Announces one site server while running."""

    def __init__(
        self,
        site_id: str,
        port: int,
        fingerprint: str,
        addresses: list[str],
        *,
        scheme: str = "http",
        instance: str | None = None,
    ) -> None:
        if not addresses:
            raise ValueError("no address to announce on")
        self.addresses = addresses
        properties = {
            TXT_VERSION_KEY: TXT_VERSION,
            TXT_SITE: site_id,
            TXT_PORT: str(port),
            TXT_SCHEME: scheme,
            TXT_FINGERPRINT: fingerprint,
        }
        self.info = ServiceInfo(
            SERVICE_TYPE,
            f"{instance or 'motcua ' + site_id}.{SERVICE_TYPE}",
            addresses=[socket.inet_pton(_family(a), a) for a in addresses],
            port=port,
            properties=properties,
            server=f"motcua-{site_id}.local.",
        )
        self._zc: Zeroconf | None = None
        self._thread: threading.Thread | None = None
        self.registered = threading.Event()

    def start(self, *, wait: bool = False) -> Announcer:
        """Start announcing; the probe and first announcements (~1.5 s) run in the background unless ``wait``."""
        self._zc = Zeroconf(interfaces=self.addresses, ip_version=_ip_version(self.addresses))
        self._thread = threading.Thread(target=self._register, name="motcua-zeroconf-announce", daemon=True)
        self._thread.start()
        if wait:
            self.registered.wait(10)
        return self

    def _register(self) -> None:
        try:
            assert self._zc is not None
            self._zc.register_service(self.info, allow_name_change=True)
            self.registered.set()
            logger.info("announcing %s on %s", self.info.name, ", ".join(self.addresses))
        except Exception as exc:  # a failed announcement must not take the server down
            logger.warning("zeroconf announcement failed: %s", exc)

    def stop(self) -> None:
        """Withdraw the announcement (goodbye packets) and close the sockets."""
        if self._thread is not None:
            self._thread.join(10)
        if self._zc is not None:
            try:
                if self.registered.is_set():
                    self._zc.unregister_service(self.info)
            finally:
                self._zc.close()
        self._zc = None

    def __enter__(self) -> Announcer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _family(address: str) -> int:
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def _ip_version(addresses: list[str]) -> IPVersion:
    v6 = any(":" in a for a in addresses)
    v4 = any(":" not in a for a in addresses)
    return IPVersion.All if v4 and v6 else IPVersion.V6Only if v6 else IPVersion.V4Only
