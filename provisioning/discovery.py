"""Zeroconf (mDNS/DNS-SD, RFC 6762/6763), the device's side: find the site servers announced on the LAN.

A server announces ``SERVICE_TYPE`` with the TXT records of ``motcua.contract.provisioning``: ``site``,
``port`` (the API port), ``scheme`` and ``fp`` (SHA-256 of the site CA certificate).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from zeroconf import ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

from motcua.contract.provisioning import SERVICE_TYPE, TXT_FINGERPRINT, TXT_PORT, TXT_SCHEME, TXT_SITE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoundServer:
    """A site server found on the network."""

    site_id: str
    address: str
    port: int
    fingerprint: str
    scheme: str = "http"
    name: str = ""
    addresses: tuple[str, ...] = field(default=())

    @property
    def url(self) -> str:
        """Base URL of its HTTP API."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{host}:{self.port}"


def _decode(props: dict[bytes, bytes | None], key: str) -> str:
    value = props.get(key.encode())
    return value.decode("utf-8", "replace") if value else ""


def parse_info(info: ServiceInfo) -> FoundServer | None:
    """A FoundServer from a resolved ServiceInfo, None when its TXT records are not ours."""
    props: dict[bytes, bytes | None] = dict(info.properties or {})
    site, fp = _decode(props, TXT_SITE), _decode(props, TXT_FINGERPRINT)
    addresses = tuple(info.parsed_addresses())
    if not site or len(fp) != 64 or not addresses:
        return None
    try:
        port = int(_decode(props, TXT_PORT) or info.port or 0)
    except ValueError:
        return None
    scheme = _decode(props, TXT_SCHEME) if _decode(props, TXT_SCHEME) in ("http", "https") else "http"
    return FoundServer(site, addresses[0], port, fp, scheme, info.name, addresses)


def discover(
    interfaces: list[str] | None = None,
    timeout: float = 3.0,
    *,
    first: bool = False,
    site: str | None = None,
) -> list[FoundServer]:
    """Browse for site servers for ``timeout`` seconds (or until the first one, with ``first``)."""
    names: list[str] = []
    seen = threading.Event()
    lock = threading.Lock()

    def on_change(zeroconf: Any, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change in (ServiceStateChange.Added, ServiceStateChange.Updated):
            with lock:
                if name not in names:
                    names.append(name)
            seen.set()

    zc = Zeroconf(interfaces=interfaces) if interfaces else Zeroconf()
    found: dict[str, FoundServer] = {}
    deadline = time.monotonic() + timeout
    try:
        browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change])
        try:
            resolved: set[str] = set()
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                seen.wait(min(remaining, 0.2))
                seen.clear()
                with lock:
                    pending = [n for n in names if n not in resolved]
                for name in pending:
                    info = ServiceInfo(SERVICE_TYPE, name)
                    wait_ms = max(100, int((deadline - time.monotonic()) * 1000))
                    if info.request(zc, wait_ms):
                        resolved.add(name)
                        server = parse_info(info)
                        if server is not None and (site is None or server.site_id == site):
                            found[name] = server
                if first and found:
                    break
        finally:
            browser.cancel()
    finally:
        zc.close()
    return sorted(found.values(), key=lambda s: (s.site_id, s.address))
