"""Zeroconf (mDNS/DNS-SD, RFC 6762/6763): the queue server announces itself, devices find it.

The server announces ``_motcua._tcp.local.`` with TXT records ``v``, ``site``, ``port`` (the API port),
``scheme`` and ``fp`` (SHA-256 of the site CA certificate), only on the interfaces it is told to use —
by default the address its HTTP server is bound to, never every interface.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

logger = logging.getLogger(__name__)

SERVICE_TYPE = "_motcua._tcp.local."
TXT_VERSION = "1"
_WILDCARD = ("0.0.0.0", "::", "")


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
        self.info = ServiceInfo(
            SERVICE_TYPE,
            f"{instance or 'motcua ' + site_id}.{SERVICE_TYPE}",
            addresses=[socket.inet_pton(_family(a), a) for a in addresses],
            port=port,
            properties={"v": TXT_VERSION, "site": site_id, "port": str(port), "scheme": scheme, "fp": fingerprint},
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


def _decode(props: dict[bytes, bytes | None], key: str) -> str:
    value = props.get(key.encode())
    return value.decode("utf-8", "replace") if value else ""


def parse_info(info: ServiceInfo) -> FoundServer | None:
    """A FoundServer from a resolved ServiceInfo, None when its TXT records are not ours."""
    props: dict[bytes, bytes | None] = dict(info.properties or {})
    site, fp = _decode(props, "site"), _decode(props, "fp")
    addresses = tuple(info.parsed_addresses())
    if not site or len(fp) != 64 or not addresses:
        return None
    try:
        port = int(_decode(props, "port") or info.port or 0)
    except ValueError:
        return None
    scheme = _decode(props, "scheme") if _decode(props, "scheme") in ("http", "https") else "http"
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
