"""Provisioning figures: zeroconf discovery (loopback; two network namespaces when run as root), enrolment
round trip over HTTPS against a real server subprocess, config change → applied and acknowledged on a device.

    .venv/bin/python benchmarks/bench_provisioning.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVE = str(ROOT / "tests" / "support" / "serve_site_tls.py")  # the site server of the enrolment tests
sys.path.insert(0, str(ROOT))

import zeroconf._core  # noqa: E402

from motcua.runtime.broker import free_port, wait_for_port  # noqa: E402
from provisioning.client import enrol  # noqa: E402
from provisioning.discovery import discover  # noqa: E402
from queue_server.provisioning.announce import Announcer  # noqa: E402

FP = "ab" * 32


def _summary(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{name:<52} n={len(ms):<3} median {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms")


def bench_discovery_loopback(runs: int) -> None:
    with Announcer("bench", 8000, FP, ["127.0.0.1"]) as announcer:
        announcer.registered.wait(10)
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            found = discover(["127.0.0.1"], timeout=5, first=True)
            samples.append(time.perf_counter() - t)
            assert found
    _summary("discovery, loopback (first answer)", samples)


ANNOUNCE = """
import sys
from queue_server.provisioning.announce import Announcer
a = Announcer("bench-ns", 8000, sys.argv[2], [sys.argv[1]]).start(wait=True)
print("ready", flush=True); sys.stdin.read(); a.stop()
"""
DISCOVER = """
import sys, time
t = time.perf_counter()
from provisioning.discovery import discover
t = time.perf_counter()
assert discover([sys.argv[1]], timeout=5, first=True)
print(time.perf_counter() - t)
"""


def bench_discovery_netns(runs: int) -> None:
    if os.geteuid() != 0:
        print("discovery between namespaces: needs root (ip netns), skipped")
        return
    a, b = f"mcbench-a-{os.getpid()}", f"mcbench-b-{os.getpid()}"

    def ip(*args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True)

    ip("netns", "add", a)
    ip("netns", "add", b)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        ip("link", "add", "mcbench-va", "netns", a, "type", "veth", "peer", "name", "mcbench-vb", "netns", b)
        for ns, dev, addr in ((a, "mcbench-va", "10.213.1.1"), (b, "mcbench-vb", "10.213.1.2")):
            ip("-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            ip("-n", ns, "link", "set", dev, "up")
        server = subprocess.Popen(
            ["ip", "netns", "exec", a, sys.executable, "-c", ANNOUNCE, "10.213.1.1", FP],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "ready"
        samples = []
        for _ in range(runs):
            out = subprocess.run(
                ["ip", "netns", "exec", b, sys.executable, "-c", DISCOVER, "10.213.1.2"],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            samples.append(float(out.stdout.strip()))
        server.communicate("", timeout=10)
        _summary("discovery, two netns over veth (first answer)", samples)
    finally:
        ip("netns", "del", a)
        ip("netns", "del", b)


def bench_enrolment(runs: int, data_dir: Path) -> None:
    import httpx

    from queue_server.auth import create_token
    from queue_server.store.db import open_database

    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MOTCUA_PROVISION_TLS": "true",
        "MOTCUA_PROVISION_ENROL_BURST": "1000",
        "MOTCUA_PROVISION_ANNOUNCE": "false",
    }
    proc = subprocess.Popen([sys.executable, SERVE, str(data_dir), str(port), "bench"], env=env)
    try:
        assert wait_for_port("127.0.0.1", port, 30)
        db = open_database(data_dir)
        admin = create_token(db, "admin")
        db.close()
        url = f"https://127.0.0.1:{port}"
        ca = str(data_dir / "provisioning" / "ca.pem")
        samples = []
        with httpx.Client(base_url=url, verify=ca) as client:
            for i in range(runs):
                issued = client.post(
                    "/api/v1/provisioning/codes", json={"role": "kiosk"}, headers={"Authorization": f"Bearer {admin}"}
                ).json()
                t = time.perf_counter()
                enrol(url, issued["code"], issued["ca_fingerprint"], data_dir / f"dev{i}")
                samples.append(time.perf_counter() - t)
        _summary("enrolment round trip (CA check + keygen + HTTPS)", samples)
    finally:
        proc.terminate()
        proc.wait(10)


def bench_config_push(runs: int, data_dir: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "provisioning"))
    import threading

    from conftest import SecureSite, start_mosquitto  # the same broker setup the tests use

    from provisioning.device import DeviceAgent
    from queue_server.demo import seed_demo
    from queue_server.provisioning.service import SERVER_MQTT_USER, Provisioner
    from queue_server.provisioning.settings import ProvisioningSettings
    from queue_server.store.db import open_database

    db = open_database(data_dir)
    seed_demo(db)
    port = free_port()
    prov = Provisioner(
        db,
        "bench",
        data_dir / "provisioning",
        ProvisioningSettings(broker_pid_file=data_dir / "mosquitto.pid"),
        broker_url_for_devices=f"mqtts://127.0.0.1:{port}",
    )
    prov.ca().server_cert(["127.0.0.1"], name="broker")
    prov.sync_broker()
    broker, log = start_mosquitto(data_dir, port, data_dir / "provisioning")
    site = SecureSite("bench", data_dir, db, prov, prov.ca(), port, broker, log)
    try:
        server, rc = site.connect(SERVER_MQTT_USER, prov.server_mqtt_password())
        assert rc == 0
        acked = threading.Event()
        target = {"version": 0}

        def on_status(c: object, u: object, m: object) -> None:
            payload = json.loads(m.payload or b"{}")  # type: ignore[attr-defined]
            if payload.get("details", {}).get("config_version") == target["version"]:
                acked.set()

        prov.publish = lambda topic, payload: server.publish(topic, payload, qos=1, retain=True)
        identity = site.enrol("display", data_dir / "device")
        server.message_callback_add(f"motcua/bench/device/{identity.device_id}/status", on_status)
        server.subscribe(f"motcua/bench/device/{identity.device_id}/status", qos=1)
        agent = DeviceAgent(identity).start()
        agent.connection.wait_connected(10)
        time.sleep(0.5)
        samples = []
        for i in range(runs):
            acked.clear()
            target["version"] = agent.version + 1
            t = time.perf_counter()
            prov.change_config(identity.device_id, {"layout": {"rows": 4 + i % 8}})
            assert acked.wait(10)
            samples.append(time.perf_counter() - t)
        _summary("config change → applied → acked in device status", samples)
        agent.stop()
        site.stop_clients()
    finally:
        broker.terminate()
        broker.wait(5)
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    zeroconf._core._CHECK_TIME = 10  # type: ignore[attr-defined]  # probing shortened as in the tests
    zeroconf._core._REGISTER_TIME = 10  # type: ignore[attr-defined]
    print(f"motcua provisioning bench, {args.runs} runs each, {os.cpu_count()} CPUs")
    bench_discovery_loopback(args.runs)
    bench_discovery_netns(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        bench_enrolment(args.runs, Path(tmp) / "enrol")
        bench_config_push(args.runs * 3, Path(tmp) / "push")


if __name__ == "__main__":
    main()
