"""Zeroconf with real sockets: on loopback, and between two network namespaces joined by a veth pair."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioning.discovery import discover
from queue_server.provisioning.announce import Announcer, announce_addresses

ROOT = Path(__file__).resolve().parents[2]
FP = "ab" * 32


def test_server_is_found_on_loopback_with_its_txt_records():
    with Announcer("site-loop", 8443, FP, ["127.0.0.1"], scheme="https") as announcer:
        assert announcer.registered.wait(5)
        started = time.monotonic()
        found = discover(["127.0.0.1"], timeout=5, first=True, site="site-loop")
        elapsed = time.monotonic() - started
    assert [(s.site_id, s.address, s.port, s.fingerprint, s.scheme) for s in found] == [
        ("site-loop", "127.0.0.1", 8443, FP, "https")
    ]
    assert found[0].url == "https://127.0.0.1:8443"
    assert elapsed < 2.0


def test_announcer_never_defaults_to_every_interface():
    assert announce_addresses("127.0.0.1", None) == ["127.0.0.1"]
    assert announce_addresses("0.0.0.0", ["192.0.2.10"]) == ["192.0.2.10"]
    with pytest.raises(ValueError, match="every interface"):
        announce_addresses("0.0.0.0", None)


def test_discover_command_lists_site_address_port_and_fingerprint():
    with Announcer("site-cli", 8000, FP, ["127.0.0.1"]) as announcer:
        assert announcer.registered.wait(5)
        result = subprocess.run(
            [sys.executable, "-m", "motcua.cli", "provision", "discover", "--interface", "127.0.0.1", "--timeout", "2"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert f"site-cli\t127.0.0.1\t8000\thttp\t{FP}" in result.stdout.splitlines()


NS_A, NS_B = f"mcprov-a-{os.getpid()}", f"mcprov-b-{os.getpid()}"
ADDR_A, ADDR_B = "10.213.0.1", "10.213.0.2"  # a private test range that exists only on this veth pair


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def namespaces() -> Iterator[tuple[str, str]]:
    _ip("netns", "add", NS_A)
    _ip("netns", "add", NS_B)
    try:
        _ip("link", "add", "mcprov-va", "netns", NS_A, "type", "veth", "peer", "name", "mcprov-vb", "netns", NS_B)
        for ns, dev, addr in ((NS_A, "mcprov-va", ADDR_A), (NS_B, "mcprov-vb", ADDR_B)):
            _ip("-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            _ip("-n", ns, "link", "set", dev, "up")
            _ip("-n", ns, "link", "set", "lo", "up")
        yield NS_A, NS_B
    finally:
        _ip("netns", "del", NS_A)
        _ip("netns", "del", NS_B)


ANNOUNCE = """
import sys, time
import zeroconf._core
zeroconf._core._CHECK_TIME = zeroconf._core._REGISTER_TIME = 10
from queue_server.provisioning.announce import Announcer
a = Announcer("site-ns", 8000, sys.argv[2], [sys.argv[1]]).start(wait=True)
print("ready", flush=True)
sys.stdin.read()
a.stop()
"""


def test_device_in_another_namespace_finds_the_server_over_the_veth(namespaces):
    ns_a, ns_b = namespaces
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        ["ip", "netns", "exec", ns_a, sys.executable, "-c", ANNOUNCE, ADDR_A, FP],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        result = subprocess.run(
            [
                *("ip", "netns", "exec", ns_b, sys.executable, "-m", "motcua.cli", "provision", "discover"),
                *("--interface", ADDR_B, "--timeout", "3", "--json"),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        found = json.loads(result.stdout)
        assert [(s["site_id"], s["address"], s["port"], s["fingerprint"]) for s in found] == [
            ("site-ns", ADDR_A, 8000, FP)
        ]
    finally:
        server.communicate("", timeout=10)
